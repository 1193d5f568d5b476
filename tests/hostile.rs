//! Hostile input (testdata/hostile/ and generated): a clear finding with a location, never a
//! panic or a hang, and the run goes on with the other files.

use assert_cmd::Command;
use kp_lint::lint::{Options, lint_bytes};
use std::path::PathBuf;

fn hostile(name: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("testdata/hostile")
            .join(name),
    )
    .unwrap()
}

/// (code, line, column) of each finding.
fn lint(name: &str, bytes: &[u8]) -> Vec<(String, Option<(usize, usize)>)> {
    let r = lint_bytes(name, bytes, &Options::default());
    r.findings
        .iter()
        .map(|f| {
            (
                f.rule.code.to_string(),
                kp_lint::render::position(&r, f).map(|p| p.0),
            )
        })
        .collect()
}

/// A hostile file, the rule it must trigger, and where (line, column) when it is fixed.
type Case = (&'static str, &'static str, Option<(usize, usize)>);

#[test]
fn each_hostile_file_gets_its_finding() {
    let cases: &[Case] = &[
        ("alias-bomb.yaml", "KP003", None),
        ("deep-nesting.yaml", "KP003", Some((3, 71))),
        ("deep-block-nesting.yaml", "KP003", None),
        ("binary.yaml", "KP002", Some((1, 1))),
        ("nul-bytes.yaml", "KP002", Some((4, 1))),
        ("invalid-utf8.yaml", "KP002", Some((3, 6))),
        ("helm-template.yaml", "KP004", Some((3, 7))),
        ("undefined-alias.yaml", "KP001", Some((3, 7))),
        ("unterminated-quote.yaml", "KP001", None),
        ("tab-indent.yaml", "KP001", Some((4, 2))),
        ("duplicate-keys.yaml", "KP008", Some((4, 1))),
        // Other encodings and line endings are read, and positions stay right.
        ("utf16le-bom.yaml", "KP101", Some((3, 7))),
        ("utf16be-bom.yaml", "KP101", Some((3, 7))),
        ("utf8-bom.yaml", "KP101", Some((3, 7))),
        ("crlf.yaml", "KP101", Some((3, 7))),
        ("lone-cr.yaml", "KP101", Some((3, 7))),
    ];
    for (file, code, pos) in cases {
        let found = lint(file, &hostile(file));
        let hit = found.iter().find(|(c, _)| c == code);
        assert!(hit.is_some(), "{file}: expected {code}, got {found:?}");
        assert!(hit.unwrap().1.is_some(), "{file}: {code} has no location");
        if let Some(p) = pos {
            assert_eq!(hit.unwrap().1, Some(*p), "{file}: {code} location");
        }
    }
}

#[test]
fn empty_and_comment_only_files_are_quiet() {
    assert!(lint("empty.yaml", &hostile("empty.yaml")).is_empty());
    assert!(lint("only-comments.yaml", &hostile("only-comments.yaml")).is_empty());
}

#[test]
fn thousands_of_documents_are_all_read() {
    // 5,000 documents, above the default --max-documents of 4,000: all read when allowed.
    let opts = Options {
        limits: kp_lint::limits::Limits {
            max_documents: 5_000,
            ..Default::default()
        },
        ..Options::default()
    };
    let r = lint_bytes("many.yaml", &hostile("many-documents.yaml"), &opts);
    assert_eq!(r.configs.len(), 50);
    // With the default, the first 4,000 documents (40 configurations) and a KP003.
    let r = lint_bytes(
        "many.yaml",
        &hostile("many-documents.yaml"),
        &Options::default(),
    );
    assert_eq!(r.configs.len(), 40);
    assert!(r.findings.iter().any(|f| f.rule.code == "KP003"));
}

#[test]
fn an_oversized_file_is_refused_without_being_parsed() {
    // 100 MB of YAML and one 50 MB line: both over the 16 MiB default.
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.yaml");
    let line = "a: b\n".repeat(20 * 1024 * 1024);
    std::fs::write(&big, &line).unwrap();
    let long = dir.path().join("long.yaml");
    std::fs::write(&long, format!("mode: {}\n", "x".repeat(50 * 1024 * 1024))).unwrap();
    let good = dir.path().join("good.yaml");
    std::fs::write(
        &good,
        "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: IPVS\n",
    )
    .unwrap();
    let out = Command::cargo_bin("kp-lint")
        .unwrap()
        .args([&big, &long, &good])
        .arg("--format=json")
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<(&str, &str)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| (f["file"].as_str().unwrap(), f["code"].as_str().unwrap()))
        .collect();
    assert_eq!(codes.len(), 3, "{codes:?}");
    assert!(codes[0].0.ends_with("big.yaml") && codes[0].1 == "KP003");
    assert!(codes[1].0.ends_with("long.yaml") && codes[1].1 == "KP003");
    assert!(codes[2].0.ends_with("good.yaml") && codes[2].1 == "KP101");
}

#[cfg(unix)]
#[test]
fn a_fifo_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.yaml");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    // Named explicitly: refused with exit 2. Inside a directory: skipped.
    Command::cargo_bin("kp-lint")
        .unwrap()
        .arg(&fifo)
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(2)
        .stdout(predicates::str::contains("not a regular file"));
    Command::cargo_bin("kp-lint")
        .unwrap()
        .arg(dir.path())
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(0);
}

#[test]
fn limits_are_configurable() {
    let bytes = hostile("deep-block-nesting.yaml");
    let opts = Options {
        limits: kp_lint::limits::Limits {
            max_depth: 400,
            ..Default::default()
        },
        ..Options::default()
    };
    let r = lint_bytes("deep.yaml", &bytes, &opts);
    assert!(
        r.findings.iter().all(|f| f.rule.code != "KP003"),
        "{:?}",
        r.findings
    );
}

const GOOD: &str =
    "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: IPVS\n";
const HEADER: &str = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n";

/// The finding of `code` in a lint of `text`: its message and (line, column).
fn finding(text: &str, opts: &Options, code: &str) -> (String, Option<(usize, usize)>) {
    let r = lint_bytes("f.yaml", text.as_bytes(), opts);
    let f = r
        .findings
        .iter()
        .find(|f| f.rule.code == code)
        .unwrap_or_else(|| panic!("no {code} in {:?}", r.findings));
    (
        f.message.clone(),
        kp_lint::render::position(&r, f).map(|p| p.0),
    )
}

#[test]
fn ten_thousand_deep_nesting_stops_at_the_depth_limit() {
    let flow = format!(
        "{HEADER}ipvs: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let (msg, at) = finding(&flow, &Options::default(), "KP003");
    assert_eq!(msg, "document nested deeper than 64 levels");
    assert_eq!(at, Some((3, 71)));
    // Block sequences, `- - - …` on one line.
    let block = format!("{HEADER}ipvs:\n  {}x\n", "- ".repeat(10_000));
    let (msg, at) = finding(&block, &Options::default(), "KP003");
    assert_eq!(msg, "document nested deeper than 64 levels");
    assert_eq!(at.map(|p| p.0), Some(4));
}

#[test]
fn thousands_of_documents_up_to_the_limit() {
    let doc = format!("{HEADER}mode: ipvs\n");
    let four_thousand = vec![doc.as_str(); 4_000].join("---\n");
    let r = lint_bytes("many.yaml", four_thousand.as_bytes(), &Options::default());
    assert_eq!(r.configs.len(), 4_000);
    assert!(r.findings.iter().all(|f| f.rule.code != "KP003"));
    // Past --max-documents: the documents before are read, the rest is not, and the finding
    // says which limit it was (it once said "nested deeper than 64 levels").
    let opts = Options {
        limits: kp_lint::limits::Limits {
            max_documents: 100,
            ..Default::default()
        },
        ..Options::default()
    };
    let r = lint_bytes(
        "many.yaml",
        vec![doc.as_str(); 101].join("---\n").as_bytes(),
        &opts,
    );
    assert_eq!(r.configs.len(), 100);
    let (msg, at) = finding(&vec![doc.as_str(); 101].join("---\n"), &opts, "KP003");
    assert_eq!(
        msg,
        "more than 100 documents in one file; the rest of the file is not read"
    );
    assert!(at.is_some_and(|(l, _)| l >= 400), "{at:?}");
}

#[test]
fn a_line_over_the_limit_is_a_finding_at_its_start() {
    let opts = Options {
        limits: kp_lint::limits::Limits {
            max_line_bytes: 100,
            ..Default::default()
        },
        ..Options::default()
    };
    let text = format!("{HEADER}mode: {}\n", "x".repeat(200));
    let (msg, at) = finding(&text, &opts, "KP003");
    assert_eq!(
        msg,
        "line 3 is longer than the 100-byte limit; the file is not parsed"
    );
    assert_eq!(at, Some((3, 1)));
    // Lone CR and CRLF end lines too.
    let cr = format!("{}mode: ipvs\r", HEADER.replace('\n', "\r"))
        .repeat(20)
        .into_bytes();
    let r = lint_bytes("cr.yaml", &cr, &opts);
    assert!(r.findings.iter().all(|f| f.rule.code != "KP003"));
}

fn kp_lint_json(args: &[&std::ffi::OsStr]) -> (serde_json::Value, String, i32) {
    let out = Command::cargo_bin("kp-lint")
        .unwrap()
        .args(args)
        .arg("--format=json")
        .arg("--no-config")
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap();
    (
        v,
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

fn linted(v: &serde_json::Value) -> Vec<String> {
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = f["file"].as_str().unwrap();
            p.rsplit('/').next().unwrap().to_string()
        })
        .collect()
}

fn unreadable(v: &serde_json::Value) -> Vec<(String, String)> {
    v["unreadable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            let p = u["file"].as_str().unwrap();
            (
                p.rsplit('/').next().unwrap().to_string(),
                u["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A walked directory with a symlink loop, a dangling link, a link to a file that cannot be read
/// (/proc/self/mem gives EIO, even to root) and a FIFO: each is reported or skipped, nothing
/// blocks, and the good file is linted.
#[cfg(target_os = "linux")]
#[test]
fn a_hostile_directory_is_walked_to_the_end() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("sub")).unwrap();
    std::fs::write(root.join("good.yaml"), GOOD).unwrap();
    symlink("..", root.join("sub/loop")).unwrap();
    symlink("nowhere.yaml", root.join("dangling.yaml")).unwrap();
    symlink("/proc/self/mem", root.join("mem.yaml")).unwrap();
    assert!(
        std::process::Command::new("mkfifo")
            .arg(root.join("pipe.yaml"))
            .status()
            .unwrap()
            .success()
    );
    symlink("pipe.yaml", root.join("pipe-link.yaml")).unwrap();

    // Links are not followed by default: only the good file is read.
    let (v, _, code) = kp_lint_json(&[root.as_os_str()]);
    assert_eq!(linted(&v), ["good.yaml"]);
    assert!(unreadable(&v).is_empty(), "{v}");
    assert_eq!(code, 1);

    // Followed: the loop is a warning, the links that cannot be read are named with the reason.
    let (v, stderr, code) = kp_lint_json(&["--follow-symlinks".as_ref(), root.as_os_str()]);
    assert_eq!(linted(&v), ["good.yaml"]);
    assert_eq!(
        unreadable(&v),
        [
            (
                "dangling.yaml".to_string(),
                "No such file or directory (os error 2)".to_string()
            ),
            (
                "mem.yaml".to_string(),
                "Input/output error (os error 5)".to_string()
            ),
        ]
    );
    assert!(
        stderr.contains("symbolic link loop") && stderr.contains("not followed"),
        "{stderr}"
    );
    assert_eq!(code, 2);
}

/// Named on the command line: an unreadable file, a missing one and a FIFO are reported, and
/// the file after them is still linted.
#[cfg(target_os = "linux")]
#[test]
fn unreadable_files_named_on_the_command_line_do_not_stop_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.yaml");
    std::fs::write(&good, GOOD).unwrap();
    let fifo = dir.path().join("pipe.yaml");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let missing = dir.path().join("missing.yaml");
    let (v, stderr, code) = kp_lint_json(&[
        "/proc/self/mem".as_ref(),
        missing.as_os_str(),
        fifo.as_os_str(),
        good.as_os_str(),
    ]);
    assert_eq!(linted(&v), ["good.yaml"]);
    let mut u = unreadable(&v);
    u.sort();
    let expected = [
        ("mem", "Input/output error (os error 5)"),
        ("missing.yaml", "No such file or directory (os error 2)"),
        ("pipe.yaml", "not a regular file"),
    ]
    .map(|(a, b)| (a.to_string(), b.to_string()));
    assert_eq!(u, expected);
    assert!(stderr.contains("cannot read /proc/self/mem"), "{stderr}");
    assert_eq!(code, 2);
}

/// Drawing thousands of findings in one file (human output reads only the lines around each
/// one): every finding is drawn, at its own line.
#[test]
fn thousands_of_findings_in_one_file_are_drawn_at_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    let doc = format!("{HEADER}mode: IPVS\n");
    let path = dir.path().join("many.yaml");
    std::fs::write(&path, vec![doc.as_str(); 3_000].join("---\n")).unwrap();
    let out = Command::cargo_bin("kp-lint")
        .unwrap()
        .arg(&path)
        .args(["--no-config", "--color=never"])
        .timeout(std::time::Duration::from_secs(300))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    // Document n (from 0) has `mode: IPVS` on line 4n + 3.
    for n in [0, 1, 1_500, 2_999] {
        let header = format!("many.yaml:{}:7]", 4 * n + 3);
        assert!(text.contains(&header), "no {header}");
        let line = format!("{} │ mode: IPVS", 4 * n + 3);
        assert!(text.contains(&line), "no {line}");
    }
    assert_eq!(text.matches("unknown proxy mode \"IPVS\"").count(), 3_000);
}
