//! The fuzz targets' invariants on stable: every seed of fuzz/seeds/ and every input a fuzzer
//! once crashed on (testdata/fuzz-regressions/<target>/) goes through the same checks
//! (`kp_lint::robust`) as `cargo +nightly fuzz run <target>`.

use std::path::{Path, PathBuf};

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file() && !p.ends_with(".gitkeep"))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Run `check` on every seed and regression input of `target`; `seeds` names the seed
/// directory it shares. Returns how many inputs were checked.
fn replay(target: &str, seeds: &str, check: fn(&[u8])) -> usize {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut inputs = files(&root.join("fuzz/seeds").join(seeds));
    inputs.extend(files(&root.join("testdata/fuzz-regressions").join(target)));
    for p in &inputs {
        let bytes = std::fs::read(p).unwrap();
        if std::panic::catch_unwind(|| check(&bytes)).is_err() {
            panic!("{target}: invariant broken on {}", p.display());
        }
    }
    inputs.len()
}

#[test]
fn yaml_loader_and_span_tree() {
    assert!(replay("yaml", "yaml", kp_lint::robust::check_yaml) > 100);
}

#[test]
fn document_detection_and_model() {
    assert!(replay("model", "yaml", kp_lint::robust::check_model) > 100);
}

#[test]
fn whole_lint_of_one_file() {
    assert!(replay("lint", "yaml", kp_lint::robust::check_lint) > 100);
}

#[test]
fn fix_invariants() {
    assert!(replay("fix", "fix", kp_lint::robust::check_fix) >= 5);
}

#[test]
fn metrics_text_parser_and_readings() {
    assert!(replay("metrics", "metrics", kp_lint::robust::check_metrics) >= 10);
}

#[test]
fn flag_parser() {
    assert!(replay("flags", "flags", kp_lint::robust::check_flags) > 10);
}

/// The flag target really reaches the flag parser: both containers become configurations.
#[test]
fn the_daemonset_wrapper_carries_the_flags() {
    let yaml = kp_lint::robust::daemonset_with_args(b"--proxy-mode=ipvs\n--masquerade-all");
    let r = kp_lint::lint::lint_bytes("ds.yaml", yaml.as_bytes(), &Default::default());
    assert_eq!(r.configs.len(), 2, "{yaml}");
}
