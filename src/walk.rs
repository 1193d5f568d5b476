//! Finding the files to lint: explicit files, directories (YAML files below them), stdin.

use std::path::{Path, PathBuf};

/// An input named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    File(PathBuf),
}

/// Why an input could not be read at all (exit status 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub path: String,
    pub message: String,
}

fn is_yaml(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
}

/// Expand the given paths: files as given, directories walked for `*.yaml`/`*.yml` (hidden
/// entries skipped, symbolic links to directories not followed, so loops cannot happen), in a
/// stable order.
pub fn expand(paths: &[String]) -> (Vec<Input>, Vec<InputError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if p == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        let path = PathBuf::from(p);
        match std::fs::metadata(&path) {
            Err(e) => errors.push(InputError {
                path: p.clone(),
                message: e.to_string(),
            }),
            Ok(m) if m.is_dir() => walk_dir(&path, &mut inputs, &mut errors, 0),
            Ok(m) if m.is_file() => inputs.push(Input::File(path)),
            // A FIFO, socket or device could block or never end: not read.
            Ok(_) => errors.push(InputError {
                path: p.clone(),
                message: "not a regular file".into(),
            }),
        }
    }
    (inputs, errors)
}

const MAX_WALK_DEPTH: usize = 64;

fn walk_dir(dir: &Path, out: &mut Vec<Input>, errors: &mut Vec<InputError>, depth: usize) {
    if depth > MAX_WALK_DEPTH {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(InputError {
                path: dir.display().to_string(),
                message: e.to_string(),
            });
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            walk_dir(&path, out, errors, depth + 1);
        } else if is_yaml(&path) {
            // Regular files and links to files; FIFOs and sockets are not read (they could block).
            match std::fs::metadata(&path) {
                Ok(m) if m.is_file() => out.push(Input::File(path)),
                Ok(_) => {}
                Err(e) => errors.push(InputError {
                    path: path.display().to_string(),
                    message: e.to_string(),
                }),
            }
        }
    }
}
