//! Peak memory on hostile input stays under 64 MB. Each case runs kp-lint from a helper process
//! (this test binary re-executed with `KP_LINT_RSS_HELPER=1`) that waits for it and reads
//! `getrusage(RUSAGE_CHILDREN)`: the peak resident set of kp-lint alone, unaffected by the other
//! tests running in this process. No time is measured.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

const LIMIT_KB: i64 = 64 * 1024;

fn helper() {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let status = Command::new(env!("CARGO_BIN_EXE_kp-lint"))
        .args(&args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to a zeroed rusage.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(rc, 0);
    println!(
        "exit={} maxrss_kb={}",
        status.code().unwrap_or(-1),
        usage.ru_maxrss
    );
}

/// kp-lint's peak RSS in KiB and its exit code for these arguments.
fn peak(args: &[&std::ffi::OsStr]) -> (i64, i32) {
    let out = Command::new(std::env::current_exe().unwrap())
        .env("KP_LINT_RSS_HELPER", "1")
        .args(args)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |k: &str| -> i64 {
        text.split_whitespace()
            .find_map(|w| w.strip_prefix(k))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("helper said {text:?}"))
    };
    (field("maxrss_kb="), field("exit=") as i32)
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn main() {
    if std::env::var_os("KP_LINT_RSS_HELPER").is_some() {
        helper();
        return;
    }
    let header = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n";
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let hostile = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/hostile");
    let doc = format!("{header}mode: ipvs\n");
    let cases: Vec<(&str, Vec<OsString>)> = vec![
        (
            "100 MB file",
            vec![write(dir, "big.yaml", "a: b\n".repeat(20 << 20)).into()],
        ),
        (
            "50 MB line",
            vec![
                write(
                    dir,
                    "long.yaml",
                    format!("mode: {}\n", "x".repeat(50 << 20)),
                )
                .into(),
            ],
        ),
        (
            "50 MB line, file size limit raised",
            vec![
                "--max-file-size=67108864".into(),
                dir.join("long.yaml").into(),
            ],
        ),
        (
            "10,000-deep flow nesting",
            vec![
                write(
                    dir,
                    "deep.yaml",
                    format!(
                        "{header}ipvs: {}{}\n",
                        "[".repeat(10_000),
                        "]".repeat(10_000)
                    ),
                )
                .into(),
            ],
        ),
        (
            "10,000-deep block nesting",
            vec![
                write(
                    dir,
                    "deep-block.yaml",
                    format!("{header}ipvs:\n  {}x\n", "- ".repeat(10_000)),
                )
                .into(),
            ],
        ),
        (
            "2,000 documents",
            vec![write(dir, "docs.yaml", vec![doc.as_str(); 2_000].join("---\n")).into()],
        ),
        (
            // The default --max-documents keeps a file of nothing but kube-proxy configurations
            // (the costliest document) under the bound.
            "more documents than the limit",
            vec![
                write(
                    dir,
                    "docs-over.yaml",
                    vec![doc.as_str(); 20_000].join("---\n"),
                )
                .into(),
            ],
        ),
        ("alias bomb", vec![hostile.join("alias-bomb.yaml").into()]),
        (
            "every file of testdata/hostile",
            vec![hostile.clone().into()],
        ),
    ];
    let mut failed = Vec::new();
    for (name, args) in &cases {
        let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
        let (kb, code) = peak(&args);
        let ok = kb < LIMIT_KB && (0..=2).contains(&code);
        println!(
            "{name}: peak RSS {:.1} MiB, exit {code}{}",
            kb as f64 / 1024.0,
            if ok { "" } else { "  <-- FAILED" }
        );
        if !ok {
            failed.push(*name);
        }
    }
    assert!(failed.is_empty(), "over 64 MB or crashed: {failed:?}");
}
