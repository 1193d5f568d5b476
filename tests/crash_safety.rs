//! `--fix` is crash safe: kp-lint fixing 25 files is killed (SIGKILL) after a random delay, 200
//! times, and after each kill every file is byte for byte its original or its fully fixed
//! content (both of which parse). A killed run's temporary files are never linted and the next
//! `--fix` removes them.
//!
//! The delays come from a seeded generator: `KP_LINT_CRASH_SEED=<n>` replays a run; a failure
//! prints the seed.

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kp_lint::lint::{Options, lint_bytes};
use kp_lint::source::text::{Encoding, decode};

const FILES: usize = 25;
const KILLS: usize = 200;

/// xorshift64*: enough randomness for delays, reproducible from the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn candidates() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut out = Vec::new();
    let mut stack = vec![root.join("fix"), root.join("rules")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if p.is_dir() {
                stack.push(p);
            } else if name.ends_with(".yaml")
                && !name.ends_with(".fixed.yaml")
                && !name.ends_with(".unsafe.yaml")
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn parses(bytes: &[u8]) -> bool {
    lint_bytes("f.yaml", bytes, &Options::default())
        .findings
        .iter()
        .all(|f| !matches!(f.rule.code, "KP001" | "KP002" | "KP003"))
}

/// 25 files (spread over the rules) that `--fix --unsafe-fixes` changes and that parse.
fn fixable() -> Vec<(String, Vec<u8>)> {
    let opts = Options::default();
    let all: Vec<(String, Vec<u8>)> = candidates()
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            let (text, enc) = decode(&bytes, &opts.limits).ok()?;
            if enc != Encoding::Utf8 || !parses(&bytes) {
                return None;
            }
            let out = kp_lint::fix::run::fix_text("f.yaml", &text, enc, &opts, true);
            let rel = p.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap();
            let name = rel.to_string_lossy().replace('/', "-");
            out.changed().then_some((name, bytes))
        })
        .collect();
    assert!(all.len() >= FILES, "only {} fixable files", all.len());
    let step = all.len() / FILES;
    all.into_iter().step_by(step).take(FILES).collect()
}

fn restore(dir: &Path, files: &[(String, Vec<u8>)]) {
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

fn fix_command(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kp-lint"));
    c.args(["--fix", "--unsafe-fixes", "--no-config"])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

fn is_temp_of(entry: &str, files: &[(String, Vec<u8>)]) -> bool {
    files
        .iter()
        .any(|(n, _)| entry.starts_with(&format!(".{n}.kp-lint-")) && entry.ends_with(".tmp"))
}

#[test]
fn a_killed_fix_leaves_each_file_old_or_new() {
    let seed: u64 = std::env::var("KP_LINT_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x006b_702d_6c69_6e74);
    let files = fixable();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();

    // The fully fixed content, from one uninterrupted run, and how long such a run takes.
    restore(dir, &files);
    let started = Instant::now();
    let status = fix_command(dir).status().unwrap();
    let full = started.elapsed();
    assert!(status.code().is_some(), "the reference run was killed");
    let fixed: Vec<Vec<u8>> = files
        .iter()
        .map(|(n, _)| std::fs::read(dir.join(n)).unwrap())
        .collect();
    for ((name, old), new) in files.iter().zip(&fixed) {
        assert_ne!(old, new, "{name}: --fix did not change it");
        assert!(parses(new), "{name}: the fixed file does not parse");
    }

    let mut rng = Rng(seed.max(1));
    // Delays up to 1.2 × a full run: most kills land while files are being fixed.
    let window = (full.as_micros() as u64 * 6 / 5).max(1000);
    let (mut old_seen, mut new_seen, mut leftovers) = (0usize, 0usize, 0usize);
    for kill in 0..KILLS {
        restore(dir, &files);
        let delay = Duration::from_micros(rng.next() % window);
        let mut child = fix_command(dir).spawn().unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL; an error means it had already exited
        child.wait().unwrap();
        for ((name, old), new) in files.iter().zip(&fixed) {
            let now = std::fs::read(dir.join(name)).unwrap();
            if &now == old {
                old_seen += 1;
            } else if &now == new {
                new_seen += 1;
            } else {
                panic!(
                    "seed {seed}, kill {kill} after {delay:?}: {name} is neither old nor new:\n{}",
                    String::from_utf8_lossy(&now)
                );
            }
        }
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let entry = e.file_name().to_string_lossy().into_owned();
            if is_temp_of(&entry, &files) {
                leftovers += 1;
            } else {
                assert!(
                    files.iter().any(|(n, _)| *n == entry),
                    "seed {seed}, kill {kill}: unexpected file {entry}"
                );
            }
        }
    }
    // The kills landed on both sides: before a file was written and after.
    assert!(
        old_seen > 0 && new_seen > 0,
        "seed {seed}: old {old_seen}, new {new_seen}"
    );
    eprintln!("seed {seed}: {old_seen} old, {new_seen} new, {leftovers} temporary files seen");

    // A leftover temporary file (of a process that is gone) is not linted, and the next --fix
    // removes it.
    let stale = format!(".{}.kp-lint-4194999-0.tmp", files[0].0);
    std::fs::write(dir.join(&stale), &files[0].1).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kp-lint"))
        .args(["--format=json", "--no-config"])
        .arg(dir)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let linted = v["files"].as_array().unwrap();
    assert_eq!(linted.len(), FILES, "{linted:?}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("kp-lint-4194999"));
    restore(dir, &files);
    fix_command(dir).status().unwrap();
    assert!(
        !dir.join(&stale).exists(),
        "the stale temporary file is still there"
    );
}
