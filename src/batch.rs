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
    /// Whether the file was parsed and analysed; `false` for a walked file that cannot matter,
    /// which is counted as checked.
    pub analysed: bool,
}

impl Loaded {
    /// Whether pass 2 has anything to do for this file: a file that was not analysed and whose
    /// bytes decoded cleanly has no finding, whatever the configuration says.
    pub fn needs_lint(&self) -> bool {
        self.analysed || !self.file.findings.is_empty()
    }

    /// The report of a file that needs no lint.
    pub fn into_clean_report(self) -> FileReport {
        FileReport {
            file: self.file,
            findings: Vec::new(),
            configs: Vec::new(),
        }
    }
}

/// One input of pass 1, with standard input already read.
pub enum Job {
    Bytes { name: String, bytes: Vec<u8> },
    Path { path: PathBuf, walked: bool },
}

/// Pass 1: read and load every job, in parallel; results in the order of `jobs`.
pub fn load_all(jobs: Vec<Job>, limits: &Limits) -> Vec<Result<Loaded, InputError>> {
    jobs.into_par_iter()
        .map_init(Vec::new, |buf, job| load_one(job, buf, limits))
        .collect()
}

fn load_one(job: Job, buf: &mut Vec<u8>, limits: &Limits) -> Result<Loaded, InputError> {
    match job {
        Job::Bytes { name, bytes } => Ok(Loaded {
            file: source::load(&name, &bytes, limits),
            path: None,
            analysed: true,
        }),
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
            // A file that cannot matter becomes an empty file of its name: nothing in it is
            // kept, so memory does not grow with the size of the repository.
            let bytes: &[u8] = if analysed { buf } else { b"" };
            let mut file = source::load(&name, bytes, limits);
            if walked {
                // What the rules use is in `configs`, `services` and `facts`; the span trees of
                // a whole repository's documents would be most of the memory of a run.
                file.documents = Vec::new();
            }
            Ok(Loaded {
                file,
                path: Some(path),
                analysed,
            })
        }
    }
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
    jobs.into_par_iter()
        .map(|job| match job {
            LintJob::Lint(file, opts) => lint::lint_source(file, &opts),
            LintJob::Done(report) => report,
        })
        .collect()
}
