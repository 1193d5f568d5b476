//! Finding the files to lint: explicit files, directories (YAML files below them), stdin.
//!
//! Directories are walked with the `ignore` crate: `.gitignore` (also outside a git checkout),
//! `.git/info/exclude` and `.kp-lintignore` are honoured, `--exclude` globs prune, hidden entries
//! and symbolic links are skipped unless asked for. The result is in a stable order: the paths
//! as given, and below each directory its files sorted by path, whatever the thread count.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::overrides::{Override, OverrideBuilder};
use ignore::{WalkBuilder, WalkState};

/// An input named on the command line, or found below a directory named there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    /// A file named on the command line: always fully checked.
    File(PathBuf),
    /// A file found by walking a directory: analysed only when its bytes show it can matter
    /// (see [`crate::source::prefilter`]).
    Walked(PathBuf),
}

impl Input {
    pub fn path(&self) -> Option<&Path> {
        match self {
            Input::Stdin => None,
            Input::File(p) | Input::Walked(p) => Some(p),
        }
    }
}

/// Why an input could not be read at all (exit status 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub path: String,
    pub message: String,
}

/// How to walk directories.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Also walk hidden files and directories (`.name`); `.git` is always skipped.
    pub hidden: bool,
    /// Follow symbolic links (loops are detected and reported, not followed).
    pub follow_symlinks: bool,
    /// gitignore-style globs of paths not to walk, relative to the current directory.
    pub exclude: Vec<String>,
    /// Walker threads; 0 picks a number from the available cores.
    pub threads: usize,
}

/// What [`expand_with`] found.
#[derive(Debug, Default)]
pub struct Expanded {
    pub inputs: Vec<Input>,
    /// Inputs that cannot be read (exit status 2).
    pub errors: Vec<InputError>,
    /// Things skipped on the way that do not fail the run (symbolic link loops).
    pub warnings: Vec<String>,
}

/// The name of kp-lint's own ignore files (gitignore syntax).
pub const IGNORE_FILE: &str = ".kp-lintignore";

const MAX_WALK_DEPTH: usize = 64;

fn is_yaml(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
}

/// Expand the given paths with the default walk options.
pub fn expand(paths: &[String]) -> (Vec<Input>, Vec<InputError>) {
    let e = expand_with(paths, &WalkOptions::default());
    (e.inputs, e.errors)
}

/// Compile `--exclude` globs (gitignore syntax, rooted at the current directory).
pub fn exclude_matcher(globs: &[String]) -> Result<Override, String> {
    let root = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut b = OverrideBuilder::new(root);
    for g in globs {
        b.add(&format!("!{g}"))
            .map_err(|e| format!("--exclude {g:?}: {e}"))?;
    }
    b.build().map_err(|e| e.to_string())
}

/// Expand the given paths: files as given, directories walked for `*.yaml`/`*.yml`.
pub fn expand_with(paths: &[String], opts: &WalkOptions) -> Expanded {
    let mut out = Expanded::default();
    let excludes = match exclude_matcher(&opts.exclude) {
        Ok(o) => o,
        Err(message) => {
            out.errors.push(InputError {
                path: "--exclude".into(),
                message,
            });
            return out;
        }
    };
    for p in paths {
        if p == "-" {
            out.inputs.push(Input::Stdin);
            continue;
        }
        let path = PathBuf::from(p);
        match std::fs::metadata(&path) {
            Err(e) => out.errors.push(InputError {
                path: p.clone(),
                message: e.to_string(),
            }),
            Ok(m) if m.is_dir() => walk_dir(&path, opts, &excludes, &mut out),
            Ok(m) if m.is_file() => out.inputs.push(Input::File(path)),
            // A FIFO, socket or device could block or never end: not read.
            Ok(_) => out.errors.push(InputError {
                path: p.clone(),
                message: "not a regular file".into(),
            }),
        }
    }
    out
}

fn walk_dir(dir: &Path, opts: &WalkOptions, excludes: &Override, out: &mut Expanded) {
    let mut b = WalkBuilder::new(dir);
    b.standard_filters(false)
        .hidden(!opts.hidden)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .parents(true)
        .add_custom_ignore_filename(IGNORE_FILE)
        .follow_links(opts.follow_symlinks)
        .max_depth(Some(MAX_WALK_DEPTH))
        .overrides(excludes.clone())
        .threads(opts.threads)
        // With --hidden, version-control metadata is still not walked.
        .filter_entry(|e| !(e.file_name() == ".git" && e.depth() > 0));
    let found: Mutex<(Vec<PathBuf>, Vec<InputError>, Vec<String>)> = Mutex::default();
    b.build_parallel().run(|| {
        let found = &found;
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    let mut f = found.lock().unwrap();
                    match walk_error(err) {
                        WalkProblem::Loop(msg) => f.2.push(msg),
                        WalkProblem::Error(e) => f.1.push(e),
                    }
                    return WalkState::Continue;
                }
            };
            // Without --follow-symlinks a link's type is "symlink": neither read nor entered.
            // Regular files only: FIFOs and sockets are not read (they could block).
            let is_file = entry.file_type().is_some_and(|t| t.is_file());
            if is_file && entry.depth() > 0 && is_yaml(entry.path()) {
                found.lock().unwrap().0.push(entry.into_path());
            }
            WalkState::Continue
        })
    });
    let (mut files, mut errors, mut loops) = found.into_inner().unwrap();
    // Path order compares component by component: the order of a depth-first walk that sorts
    // each directory's entries by name.
    files.sort();
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    loops.sort();
    // `kp-lint .` names files as `clusters/a.yaml`, not `./clusters/a.yaml`: paths relative to
    // the repository root, as code scanning and annotations expect them.
    if dir == Path::new(".") {
        for f in &mut files {
            if let Ok(rel) = f.strip_prefix(".") {
                *f = rel.to_path_buf();
            }
        }
    }
    out.inputs.extend(files.into_iter().map(Input::Walked));
    out.errors.extend(errors);
    out.warnings.extend(loops);
}

enum WalkProblem {
    Loop(String),
    Error(InputError),
}

fn walk_error(err: ignore::Error) -> WalkProblem {
    fn unwrap(err: &ignore::Error) -> (&ignore::Error, Option<&Path>) {
        match err {
            ignore::Error::WithPath { path, err } => (unwrap(err).0, Some(path)),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                unwrap(err)
            }
            other => (other, None),
        }
    }
    let (inner, path) = unwrap(&err);
    match inner {
        ignore::Error::Loop { ancestor, child } => WalkProblem::Loop(format!(
            "symbolic link loop: {} leads back to {}; not followed",
            child.display(),
            ancestor.display()
        )),
        ignore::Error::Io(e) => WalkProblem::Error(InputError {
            path: path.map_or_else(String::new, |p| p.display().to_string()),
            message: e.to_string(),
        }),
        other => WalkProblem::Error(InputError {
            path: path.map_or_else(String::new, |p| p.display().to_string()),
            message: other.to_string(),
        }),
    }
}
