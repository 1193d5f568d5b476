//! Fixing a file: lint, apply the allowed fixes that do not overlap, re-parse and re-lint,
//! until nothing changes (at most a few rounds). A fix that would break the YAML is not applied.

use std::collections::BTreeMap;

use super::{Safety, apply_compatible};
use crate::diagnostic::Severity;
use crate::lint::{Options, lint_bytes};
use crate::source::text::Encoding;

/// At most this many rounds of fixes per file.
pub const MAX_ROUNDS: usize = 8;

/// What fixing one file did.
#[derive(Debug, Clone, Default)]
pub struct FixOutcome {
    pub original: String,
    pub fixed: String,
    /// Fixes applied, by rule code.
    pub applied: BTreeMap<&'static str, usize>,
    /// Why the file was left as it was, when it was.
    pub refused: Option<String>,
    /// Unsafe fixes left (available with `--unsafe-fixes`).
    pub unsafe_left: usize,
    pub encoding: Option<Encoding>,
}

impl FixOutcome {
    pub fn changed(&self) -> bool {
        self.original != self.fixed
    }
    pub fn count(&self) -> usize {
        self.applied.values().sum()
    }
}

fn syntax_errors(report: &crate::lint::FileReport) -> usize {
    report
        .findings
        .iter()
        .filter(|f| {
            f.severity == Severity::Error && matches!(f.rule.code, "KP001" | "KP002" | "KP003")
        })
        .count()
}

/// Fix the text of one file. `with_unsafe` also applies unsafe fixes.
pub fn fix_text(
    name: &str,
    text: &str,
    encoding: Encoding,
    opts: &Options,
    with_unsafe: bool,
) -> FixOutcome {
    let first = lint_bytes(name, text.as_bytes(), opts);
    let mut out = FixOutcome {
        original: text.to_string(),
        fixed: text.to_string(),
        encoding: Some(encoding),
        ..FixOutcome::default()
    };
    if matches!(encoding, Encoding::Utf16Le | Encoding::Utf16Be) {
        out.refused =
            Some("UTF-16 files are not rewritten; save the file as UTF-8 to fix it".into());
        return out;
    }
    if first.file.skipped {
        out.refused = Some("templated files are not rewritten".into());
        return out;
    }
    if syntax_errors(&first) > 0 {
        out.refused = Some("the file has YAML errors; fix them first".into());
        return out;
    }
    let mut report = first;
    for _ in 0..MAX_ROUNDS {
        let allowed = |s: Safety| s == Safety::Safe || with_unsafe;
        let fixes: Vec<(&'static str, &crate::fix::Fix)> = report
            .findings
            .iter()
            .filter_map(|f| {
                f.fix
                    .as_ref()
                    .filter(|x| allowed(x.safety))
                    .map(|x| (f.rule.code, x))
            })
            .collect();
        if fixes.is_empty() {
            break;
        }
        let only: Vec<&crate::fix::Fix> = fixes.iter().map(|(_, f)| *f).collect();
        let (text, applied) = apply_compatible(&out.fixed, &only);
        if applied.is_empty() || text == out.fixed {
            break;
        }
        let next = lint_bytes(name, text.as_bytes(), opts);
        if syntax_errors(&next) > 0 {
            out.refused = Some("a fix would have broken the YAML; it was not applied".into());
            break;
        }
        for i in applied {
            *out.applied.entry(fixes[i].0).or_default() += 1;
        }
        out.fixed = text;
        report = next;
    }
    out.unsafe_left = report
        .findings
        .iter()
        .filter(|f| f.fix.as_ref().is_some_and(|x| x.safety == Safety::Unsafe))
        .count();
    if with_unsafe {
        out.unsafe_left = 0;
    }
    out
}

/// The bytes to write back: the fixed text in the file's encoding (a UTF-8 BOM is kept).
pub fn encode(out: &FixOutcome) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(out.fixed.len() + 3);
    if out.encoding == Some(Encoding::Utf8Bom) {
        bytes.extend_from_slice(&[0xEF, 0xBB, 0xBF]);
    }
    bytes.extend_from_slice(out.fixed.as_bytes());
    bytes
}

/// Write a file atomically: a temporary file in the same directory (`.NAME.kp-lint-PID-N.tmp`,
/// which no walk ever lints), written and synced, given the original's permissions, renamed over
/// the original, then the directory synced. A kill at any point leaves the old or the new file.
pub fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let perms = std::fs::metadata(path)?.permissions();
    remove_stale_temps(&dir, &file_name);
    let mut n = 0u32;
    let (tmp_path, mut tmp) = loop {
        let candidate = dir.join(format!(
            ".{file_name}.kp-lint-{}-{n}.tmp",
            std::process::id()
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(f) => break (candidate, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => n += 1,
            Err(e) => return Err(e),
        }
    };
    let result = (|| {
        tmp.write_all(bytes)?;
        tmp.sync_all()?;
        std::fs::set_permissions(&tmp_path, perms)?;
        std::fs::rename(&tmp_path, path)?;
        // The rename itself is durable once the directory is synced (where a directory can be
        // opened; elsewhere the rename is still atomic).
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp_path);
    }
    result
}

/// Remove the temporary files a killed `--fix` left next to `file_name` (`.NAME.kp-lint-PID-N.tmp`
/// whose process is gone). Only where a process can be looked up (`/proc`); elsewhere they stay,
/// harmless, as no walk lints a `.tmp` file.
fn remove_stale_temps(dir: &std::path::Path, file_name: &str) {
    if !std::path::Path::new("/proc/self").exists() {
        return;
    }
    let prefix = format!(".{file_name}.kp-lint-");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(rest) = name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|r| r.strip_suffix(".tmp"))
        else {
            continue;
        };
        let Some(pid) = rest
            .split_once('-')
            .and_then(|(p, _)| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// A unified diff of the change, with `a/` and `b/` headers.
pub fn unified_diff(name: &str, out: &FixOutcome) -> String {
    let diff = similar::TextDiff::from_lines(&out.original, &out.fixed);
    diff.unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}
