//! The two passes of a run over many files, each in parallel (rayon) and each returning its
//! results in input order, so that output does not depend on the thread count.
//!
//! Pass 1 reads every input and loads it ([`load_all`]): a file found by walking a directory is
//! parsed only when the first look at its bytes ([`crate::source::prefilter`]) says it can
//! matter. Pass 2 lints the loaded files ([`lint_all`]).

use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::limits::Limits;
use crate::lint::{self, FileReport, Options};
use crate::source::{self, SourceFile, prefilter};
use crate::walk::InputError;

/// A file after pass 1.
#[derive(Debug)]
pub struct Loaded {
    pub file: SourceFile,
    /// The file's path (`None` for standard input).
    pub path: Option<PathBuf>,
    /// Whether the file was parsed; `false` for a walked file that cannot matter, which is
    /// counted as checked.
    pub analysed: bool,
    /// Whether linting it can report anything (see [`has_work`]). A file without work keeps only
    /// its name: its text is dropped after pass 1 looked at it. No file keeps its documents
    /// (span trees): the rules read `configs`, `services` and `facts`.
    pub work: bool,
}

impl Loaded {
    /// The report of a file without work: no finding, whatever the configuration says.
    pub fn into_clean_report(self) -> FileReport {
        FileReport {
            file: self.file,
            findings: Vec::new(),
            configs: Vec::new(),
        }
    }
}

/// Whether [`lint::lint_source`] can report anything for a loaded file: it lints the file's
/// kube-proxy configurations, its Services and facts (the file-level rules), the findings made
/// while loading, and its suppression comments; a note with a position needs the text for it
/// (the "no kube-proxy settings found" note of most files has none). A rule that starts to read anything else from a
/// [`SourceFile`] must be added here and to [`prefilter`] (tests/prefilter.rs checks both on
/// every rule fixture).
pub fn has_work(file: &SourceFile) -> bool {
    !file.configs.is_empty()
        || !file.services.is_empty()
        || !file.alert_rules.is_empty()
        || !file.facts.is_empty()
        || !file.findings.is_empty()
        || file.notes.iter().any(|n| n.span.is_some())
        || file.text.contains(crate::suppress::MARKER)
}

/// Keep the file's name and flags, drop its text and documents.
fn forget_contents(file: &mut SourceFile) {
    file.text = String::new();
    file.lines = source::text::LineIndex::new("");
    file.documents = Vec::new();
}

/// One input of pass 1, with standard input already read.
pub enum Job {
    Bytes { name: String, bytes: Vec<u8> },
    Path { path: PathBuf, walked: bool },
}

/// A slot of pass 1, in input order: a file loaded while walking, or one still to load.
pub enum Slot {
    Done(Box<Result<Loaded, InputError>>),
    Todo(Job),
}

/// Pass 1 for the inputs that were not loaded while walking, in parallel; results in the order
/// of `slots`.
pub fn load_all(slots: Vec<Slot>, limits: &Limits) -> Vec<Result<Loaded, InputError>> {
    in_order(slots, |slot| match slot {
        Slot::Done(loaded) => *loaded,
        Slot::Todo(job) => with_buffer(|buf| load_one(job, buf, limits)),
    })
}

/// Load a file found by walking a directory (called on the walker's threads).
pub fn load_walked(path: &Path, limits: &Limits) -> Result<Loaded, InputError> {
    let job = Job::Path {
        path: path.to_path_buf(),
        walked: true,
    };
    with_buffer(|buf| load_one(job, buf, limits))
}

/// The read buffer of this thread, reused from file to file.
fn with_buffer<R>(f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with(|b| f(&mut b.borrow_mut()))
}

fn load_one(job: Job, buf: &mut Vec<u8>, limits: &Limits) -> Result<Loaded, InputError> {
    let (mut file, path, analysed) = match job {
        Job::Bytes { name, bytes } => (source::load(&name, &bytes, limits), None, true),
        Job::Path { path, walked } => {
            let name = path.display().to_string();
            if let Err(e) = read_limited(&path, limits.max_file_bytes, buf) {
                return Err(InputError {
                    path: name,
                    message: e.to_string(),
                });
            }
            let analysed = !walked
                || prefilter::may_matter(buf)
                || !prefilter::plain_text(buf, limits.max_file_bytes);
            // A file that cannot matter is not parsed: it becomes an empty file of its name.
            let bytes: &[u8] = if analysed { buf } else { b"" };
            (source::load(&name, bytes, limits), Some(path), analysed)
        }
    };
    let work = has_work(&file);
    if !work {
        // Memory then grows with the files that matter, not with the size of the repository.
        forget_contents(&mut file);
    } else {
        // What the rules use is in `configs`, `services` and `facts`; the span trees of many
        // files' documents would be most of the memory of a run (naming 10,000 files: 280 MB
        // with them, 94 MB without).
        file.documents = Vec::new();
    }
    Ok(Loaded {
        file,
        path,
        analysed,
        work,
    })
}

/// Read at most `limit + 1` bytes into `buf` (emptied first), so an oversized file is reported
/// without reading it whole. The buffer is reused from file to file.
pub fn read_limited(path: &Path, limit: u64, buf: &mut Vec<u8>) -> std::io::Result<()> {
    buf.clear();
    let f = std::fs::File::open(path)?;
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    let want = size.min(limit).saturating_add(1);
    buf.reserve(usize::try_from(want).unwrap_or(usize::MAX));
    f.take(limit.saturating_add(1)).read_to_end(buf)?;
    Ok(())
}

/// What pass 2 does with one file.
pub enum LintJob {
    Lint(SourceFile, Box<Options>),
    Done(FileReport),
}

/// Pass 2: lint every file, in parallel; reports in the order of `jobs`.
pub fn lint_all(jobs: Vec<LintJob>) -> Vec<FileReport> {
    in_order(jobs, |job| match job {
        LintJob::Lint(file, opts) => lint::lint_source(file, &opts),
        LintJob::Done(report) => report,
    })
}

/// `items` mapped in parallel, results in the order of `items`; one item is mapped on this
/// thread (no worker threads are started for a single file).
pub fn in_order<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync + Send) -> Vec<R> {
    if items.len() <= 1 {
        items.into_iter().map(f).collect()
    } else {
        items.into_par_iter().map(f).collect()
    }
}
