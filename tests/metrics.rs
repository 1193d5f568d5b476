//! Live metrics end to end: the real binary against saved pages, local HTTP servers that serve
//! or misbehave, a real `prometheus-node-exporter` and a real Prometheus server (Debian's
//! packages; `.ci/run` installs them). The text parser is cross-checked against
//! openmetrics-parser and `promtool check metrics` on every recorded page.
//!
//! `KP_LINT_SKIP_PROMETHEUS=1` skips the tests that need the Debian packages, loudly.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::http::{Behaviour, Server, encode, free_port, get};

const TROUBLED: &str = "testdata/metrics/kube-proxy-iptables-troubled.prom";
const HEALTHY: &str = "testdata/metrics/kube-proxy-iptables-healthy.prom";
const PRESSURE: &str = "testdata/metrics/node-exporter-pressure.prom";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap()
}

/// What a run printed, its exit code, how long it took and its peak resident memory.
struct Run {
    stdout: String,
    stderr: String,
    code: i32,
    elapsed: Duration,
    peak_kib: u64,
}

impl Run {
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Run kp-lint from the repository root. A run that has not ended after 60 s is killed and the
/// test fails (a hang guard, not a timing assertion). The peak RSS is VmHWM, read from /proc
/// while the process runs (the high-water mark only grows, so the last reading is the peak up
/// to a few milliseconds before the end).
fn kp(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kp-lint"));
    cmd.current_dir(root());
    if args.first() != Some(&"recommend") {
        cmd.args(["--color=never", "--no-config"]);
    }
    cmd.args(args)
        .env("COLUMNS", "100")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let mut child = cmd.spawn().unwrap();
    let pid = child.id();
    let out_h = {
        let mut o = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut o, &mut s).unwrap();
            s
        })
    };
    let err_h = {
        let mut e = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut e, &mut s).unwrap();
            s
        })
    };
    let mut peak_kib = 0;
    let status = loop {
        if let Ok(s) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
            if let Some(v) = s
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                peak_kib = peak_kib.max(v);
            }
        }
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("kp-lint {args:?} did not end within 60 s");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Run {
        stdout: out_h.join().unwrap(),
        stderr: err_h.join().unwrap(),
        code: status.code().unwrap_or(-1),
        elapsed: start.elapsed(),
        peak_kib,
    }
}

fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.all()))
}

/// (code, file, message) of every finding in a JSON run.
fn findings(run: &Run) -> Vec<(String, String, String)> {
    json(run)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The first finding of rule `code` in a JSON run, as JSON.
fn finding_of(run: &Run, code: &str) -> serde_json::Value {
    json(run)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .cloned()
        .unwrap_or_else(|| panic!("no {code}: {}", run.all()))
}

fn codes(run: &Run) -> Vec<String> {
    let mut c: Vec<String> = findings(run).into_iter().map(|f| f.0).collect();
    c.sort();
    c.dedup();
    c
}

fn skip_prometheus() -> bool {
    if std::env::var_os("KP_LINT_SKIP_PROMETHEUS").is_some() {
        eprintln!(
            "SKIPPED: KP_LINT_SKIP_PROMETHEUS is set; the real Prometheus/node_exporter tests did not run"
        );
        return true;
    }
    false
}

fn need(bin: &str) {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(bin).is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "{bin} is not installed: `apt-get install prometheus prometheus-node-exporter` (as .ci/run does), or set KP_LINT_SKIP_PROMETHEUS=1 to skip this test"
    );
}

// ---------------------------------------------------------------- saved pages

#[test]
fn metrics_only_findings_point_into_the_page() {
    let run = kp(&["--metrics", TROUBLED], &[]);
    insta::assert_snapshot!("troubled_page_human", run.stdout);
    // Warnings and infos only: KP812 (an error) needs a clock, and a saved page's file time
    // is not trusted this long after the page's own timestamps.
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(!run.stdout.contains("KP812"), "{}", run.stdout);
}

#[test]
fn a_page_with_a_configuration_judges_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("kube-proxy.yaml");
    std::fs::write(
        &cfg,
        "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: iptables\nclusterCIDR: 10.244.0.0/16\niptables:\n  minSyncPeriod: 1s\n",
    )
    .unwrap();
    let cfg = cfg.to_str().unwrap();
    let run = kp(
        &[
            "--format",
            "json",
            cfg,
            "--metrics",
            TROUBLED,
            "--metrics",
            PRESSURE,
        ],
        &[],
    );
    let f = findings(&run);
    // Metric findings are reported on the configuration, not on the pages.
    for code in [
        "KP810", "KP811", "KP813", "KP815", "KP816", "KP817", "KP818",
    ] {
        assert!(
            f.iter().any(|(c, file, _)| c == code && file == cfg),
            "{code} on the configuration: {f:#?}"
        );
    }
    assert!(
        !f.iter().any(|(_, file, _)| file.ends_with(".prom")),
        "{f:#?}"
    );
    // The running version (kubernetes_build_info v1.31.2) is the release judged against.
    let j = json(&run);
    let c = &j["files"][0]["configurations"][0];
    assert_eq!(c["kubernetes_version"], "1.31.2", "{c}");
    assert_eq!(c["kubernetes_version_source"], "metrics");
    // --fix --unsafe-fixes applies the measured values, and a second run changes nothing.
    let run = kp(
        &[
            cfg,
            "--fix",
            "--unsafe-fixes",
            "--metrics",
            TROUBLED,
            "--metrics",
            PRESSURE,
        ],
        &[],
    );
    let fixed = std::fs::read_to_string(cfg).unwrap();
    assert!(
        fixed.contains("minSyncPeriod: 16s"),
        "{fixed}\n{}",
        run.all()
    );
    assert!(fixed.contains("maxPerCore: 245760"), "{fixed}");
    assert!(
        fixed.contains("qps: 10") && fixed.contains("burst: 20"),
        "{fixed}"
    );
    kp(
        &[
            cfg,
            "--fix",
            "--unsafe-fixes",
            "--metrics",
            TROUBLED,
            "--metrics",
            PRESSURE,
        ],
        &[],
    );
    assert_eq!(std::fs::read_to_string(cfg).unwrap(), fixed);
}

#[test]
fn recommend_uses_measured_values_and_lints_clean_for_them() {
    let run = kp(
        &["recommend", "--metrics", TROUBLED, "--metrics", PRESSURE],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.all());
    let out = &run.stdout;
    assert!(out.contains("minSyncPeriod: 16s  # KP810"), "{out}");
    assert!(out.contains("qps: 10  # KP813"), "{out}");
    assert!(out.contains("maxPerCore: 245760  # KP815"), "{out}");
    // Kernel 5.10 from node_uname_info: no nftables (KP601).
    assert!(out.contains("mode: iptables  # KP601"), "{out}");
    assert!(out.contains("Kubernetes 1.31.2"), "{out}");
    // The recommendation itself raises none of the rules it answers.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("rec.yaml");
    std::fs::write(&f, out).unwrap();
    let run = kp(
        &[
            "--format",
            "json",
            f.to_str().unwrap(),
            "--metrics",
            TROUBLED,
            "--metrics",
            PRESSURE,
        ],
        &[],
    );
    // KP810 judges the measured sync time against the configured minSyncPeriod: answered.
    // KP813 and KP815 judge what the running kube-proxy measured, which a new configuration
    // does not change until it is rolled out: still reported, but with nothing left to fix.
    let j = json(&run);
    let all = j["findings"].as_array().unwrap();
    assert!(!all.iter().any(|f| f["code"] == "KP810"), "{}", run.stdout);
    for code in ["KP813", "KP815"] {
        let f = finding_of(&run, code);
        assert!(f["fix"].is_null(), "{code} still offers a fix: {f}");
    }
    let kp815 = finding_of(&run, "KP815");
    assert!(
        kp815["help"]
            .as_str()
            .unwrap()
            .contains("roll the configuration out"),
        "{kp815}"
    );
}

#[test]
fn unusable_sources_are_reported_and_the_static_rules_still_run() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.prom");
    std::fs::write(&garbage, "# TYPE x counter\nx 1\nx{le=\"1\" 2\n").unwrap();
    let other = dir.path().join("other-app.prom");
    std::fs::write(
        &other,
        "# TYPE http_requests_total counter\nhttp_requests_total 7\n",
    )
    .unwrap();
    let binary = dir.path().join("binary.prom");
    std::fs::write(&binary, b"\x00\x01\xff\xfe metrics").unwrap();
    let missing = dir.path().join("missing.prom");
    let cfg = dir.path().join("kp.yaml");
    std::fs::write(
        &cfg,
        "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: IPVS\n",
    )
    .unwrap();
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let (g, o, b, m, c) = (s(&garbage), s(&other), s(&binary), s(&missing), s(&cfg));
    let run = kp(
        &[
            "--format",
            "json",
            &c,
            "--metrics",
            &g,
            "--metrics",
            &o,
            "--metrics",
            &b,
            "--metrics",
            &m,
            "--metrics",
            dir.path().to_str().unwrap(),
        ],
        &[],
    );
    let f = findings(&run);
    let on = |file: &str, code: &str| {
        f.iter()
            .find(|(c, fl, _)| c == code && fl == file)
            .map(|x| x.2.clone())
            .unwrap_or_else(|| panic!("no {code} on {file}: {f:#?}"))
    };
    assert!(on(&g, "KP801").contains("line 3, column"), "{f:#?}");
    assert!(on(&o, "KP802").contains("no kube-proxy or node_exporter metrics"));
    assert!(on(&b, "KP801").contains("not UTF-8"));
    assert!(on(&m, "KP801").contains("cannot read it"));
    assert!(on(dir.path().to_str().unwrap(), "KP801").contains("a directory"));
    // The static rules ran on the configuration (KP101: mode in the wrong case).
    assert!(
        f.iter()
            .any(|(code, file, _)| code == "KP101" && *file == c),
        "{f:#?}"
    );
    // The parse error points at its line.
    let j = json(&run);
    let at = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["file"] == g.as_str())
        .unwrap();
    assert_eq!(at["line"], 3, "{at}");
    assert_eq!(run.code, 1, "KP101 is an error: {}", run.all());
}

#[test]
fn size_limit_and_ca_file_problems_are_findings() {
    // --max-metrics-size bounds saved files too.
    let run = kp(
        &[
            "--format",
            "json",
            "--max-metrics-size",
            "100",
            "--metrics",
            HEALTHY,
        ],
        &[],
    );
    let f = finding_of(&run, "KP801");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("larger than the limit of 100 bytes"),
        "{f}"
    );
    // A --ca-file that holds no certificate: said for the URL, nothing fetched.
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, "not a certificate\n").unwrap();
    let run = kp(
        &[
            "--format",
            "json",
            "--ca-file",
            ca.to_str().unwrap(),
            "--metrics",
            "https://127.0.0.1:9/metrics",
        ],
        &[],
    );
    let f = finding_of(&run, "KP801");
    assert!(f["message"].as_str().unwrap().contains("--ca-file"), "{f}");
}

#[test]
fn usage_errors_for_metrics_flags() {
    let run = kp(
        &["--metrics", HEALTHY, "--prometheus-window", "an hour"],
        &[],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--prometheus-window"), "{}", run.stderr);
    let run = kp(
        &[
            "--prometheus",
            "http://127.0.0.1:9",
            "--prometheus-token-env",
            "KP_LINT_TEST_NO_SUCH_VAR",
        ],
        &[],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("KP_LINT_TEST_NO_SUCH_VAR"),
        "{}",
        run.stderr
    );
    // A token with a line break inside (two lines pasted into the variable).
    let run = kp(
        &[
            "--prometheus",
            "http://127.0.0.1:9",
            "--prometheus-token-env",
            "KP_LINT_TEST_TOKEN",
        ],
        &[("KP_LINT_TEST_TOKEN", "s3cret-one\ns3cret-two")],
    );
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("KP_LINT_TEST_TOKEN"), "{}", run.stderr);
    assert!(!run.all().contains("s3cret"), "{}", run.all());
    let run = kp(&["--metrics", HEALTHY, "--timeout", "soon"], &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--timeout"), "{}", run.stderr);
}

// ------------------------------------------------------------ servers over HTTP

#[test]
fn a_page_fetched_over_http_is_linted_like_a_saved_one() {
    let server = Server::start(Behaviour::Page {
        body: read(TROUBLED).into_bytes(),
        content_type: "text/plain; version=0.0.4; charset=utf-8".into(),
    });
    let url = server.url("/metrics");
    let run = kp(&["--format", "json", "--metrics", &url], &[]);
    let f = findings(&run);
    assert!(
        f.iter().any(|(c, file, _)| c == "KP810" && *file == url),
        "{f:#?}"
    );
    // Fetched now: the stuck sync is judged (a year-old queued change, as the page says).
    assert!(f.iter().any(|(c, _, _)| c == "KP812"), "{f:#?}");
    let head = &server.requests()[0];
    assert!(head.contains("GET /metrics"), "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("accept: text/plain;version=0.0.4"),
        "{head}"
    );
}

/// Every misbehaving server ends in a KP801 naming the URL and the reason, within the timeout
/// (with a generous guard) and with bounded memory.
#[test]
fn misbehaving_servers_end_in_a_clear_finding() {
    let cases: Vec<(&str, Behaviour, &str)> = vec![
        (
            "never answers",
            Behaviour::Silent,
            "no complete answer within 1s",
        ),
        (
            "trickles",
            Behaviour::Trickle,
            "no complete answer within 1s",
        ),
        (
            "sends a gigabyte",
            Behaviour::Huge { bytes: 1 << 30 },
            "larger than the limit of 16777216 bytes",
        ),
        (
            "sends garbage",
            Behaviour::Page {
                body: b"<html><body>hello</body></html>\n".to_vec(),
                content_type: "text/plain".into(),
            },
            "not the Prometheus text format (line 1, column 1",
        ),
        (
            "sends invalid UTF-8",
            Behaviour::Page {
                body: b"node_nf_conntrack_entries 1\n\xff\xfe\n".to_vec(),
                content_type: "text/plain; version=0.0.4".into(),
            },
            "not UTF-8 text (invalid byte at offset 28)",
        ),
        (
            "sends a wrong content type",
            Behaviour::Page {
                body: b"{\"status\":\"ok\"}".to_vec(),
                content_type: "application/json".into(),
            },
            "content type \"application/json\", expected text/plain or application/openmetrics-text",
        ),
        (
            "redirects in a loop",
            Behaviour::RedirectLoop,
            "more than 5 redirects",
        ),
        (
            "answers 500",
            Behaviour::Status {
                code: 500,
                body: "boom".into(),
            },
            "HTTP status 500 Internal Server Error",
        ),
        (
            "answers 400 with a Prometheus error",
            Behaviour::Status {
                code: 400,
                body: r#"{"status":"error","errorType":"bad_data","error":"1:6: parse error: unexpected end of input"}"#.into(),
            },
            "HTTP status 400 Bad Request: 1:6: parse error: unexpected end of input",
        ),
    ];
    for (what, b, expect) in cases {
        let server = Server::start(b);
        let url = server.url("/metrics");
        let run = kp(
            &["--format", "json", "--timeout", "1s", "--metrics", &url],
            &[],
        );
        let f = findings(&run);
        let msg = f
            .iter()
            .find(|(c, file, _)| c == "KP801" && *file == url)
            .map(|x| x.2.clone())
            .unwrap_or_else(|| panic!("{what}: no KP801 for {url}: {}", run.all()));
        assert!(
            msg.contains(expect),
            "{what}: {msg:?} does not say {expect:?}"
        );
        assert_eq!(run.code, 0, "{what}: a warning only: {}", run.all());
        // For docs/robustness.md (`cargo test --test metrics misbehaving -- --nocapture`).
        eprintln!(
            "{what}: {:.2} s, peak RSS {} KiB: {msg}",
            run.elapsed.as_secs_f64(),
            run.peak_kib
        );
        assert!(
            run.peak_kib < 64 * 1024,
            "{what}: peak RSS {} KiB",
            run.peak_kib
        );
        // Bounded by --timeout: a generous guard, not a timing test.
        assert!(
            run.elapsed < Duration::from_secs(20),
            "{what}: {:?}",
            run.elapsed
        );
    }
}

#[test]
fn headers_just_in_time_then_a_stalled_body_end_at_the_timeout() {
    // Headers at 1.8 s of 2 s, then the body stalls: the whole exchange still ends at 2 s (each
    // of reqwest's blocking reads would otherwise get 2 s anew).
    let server = Server::start(Behaviour::LateHeadersThenSilence {
        delay: Duration::from_millis(1800),
    });
    let url = server.url("/metrics");
    let run = kp(
        &["--format", "json", "--timeout", "2s", "--metrics", &url],
        &[],
    );
    let f = findings(&run);
    assert!(
        f.iter()
            .any(|(c, _, m)| c == "KP801" && m.contains("no complete answer within 2s")),
        "{f:#?}"
    );
    assert!(
        run.elapsed < Duration::from_millis(3000),
        "{:?}: {}",
        run.elapsed,
        run.all()
    );
}

#[test]
fn prometheus_says_why_it_refused_a_query_without_an_echoed_token() {
    let token = "kp-lint-test-s3cr3t-t0ken";
    let server = Server::start(Behaviour::JsonStatus {
        code: 400,
        body: format!(
            r#"{{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:7: parse error: unexpected right parenthesis (token {token})"}}"#
        ),
    });
    let run = kp(
        &[
            "--format",
            "json",
            "--prometheus",
            &server.url(""),
            "--prometheus-token-env",
            "KP_LINT_TEST_TOKEN",
        ],
        &[("KP_LINT_TEST_TOKEN", token)],
    );
    assert!(!run.all().contains(token), "{}", run.all());
    let f = findings(&run);
    assert!(
        f.iter().any(|(c, _, m)| c == "KP801"
            && m.contains("HTTP status 400 ")
            && m.contains("parse error: unexpected right parenthesis")),
        "{f:#?}"
    );
}

#[test]
fn a_slow_prometheus_is_given_up_on_within_four_timeouts_and_said_once() {
    // Every answer takes 0.95 s: the fifth query starts at 3.8 s of a 4 s budget.
    let slow = Server::start(Behaviour::Slow {
        delay: Duration::from_millis(950),
        body: br#"{"status":"success","data":{"resultType":"vector","result":[]}}"#.to_vec(),
        content_type: "application/json".into(),
    });
    let run = kp(
        &[
            "--format",
            "json",
            "--timeout",
            "1s",
            "--prometheus",
            &slow.url(""),
        ],
        &[],
    );
    assert!(
        run.elapsed < Duration::from_millis(4600),
        "{:?}: {}",
        run.elapsed,
        run.all()
    );
    let f = findings(&run);
    let gave_up: Vec<_> = f
        .iter()
        .filter(|(c, _, m)| c == "KP801" && m.contains("gave up"))
        .collect();
    assert_eq!(gave_up.len(), 1, "{f:#?}");
}

#[test]
fn urls_that_do_not_parse_do_not_show_their_password() {
    let run = kp(
        &[
            "--format",
            "json",
            "--metrics",
            "http://admin:s3cret@127.0.0.1:99999/metrics",
            "--prometheus",
            "https://admin:s3cret@prom:99999/",
        ],
        &[],
    );
    assert!(!run.all().contains("s3cret"), "{}", run.all());
    assert!(codes(&run).iter().any(|c| c == "KP801"), "{}", run.all());
}

#[test]
fn tokens_and_passwords_never_appear_in_output() {
    let server = Server::start(Behaviour::Status {
        code: 401,
        body: "unauthorized".into(),
    });
    let token = "kp-lint-test-s3cr3t-t0ken";
    let url = format!(
        "http://admin:hunter2@127.0.0.1:{}/?apikey=qwerty123",
        server.port
    );
    for format in ["human", "json", "sarif", "github"] {
        let run = kp(
            &[
                "--format",
                format,
                "--timeout",
                "2s",
                "--prometheus",
                &url,
                "--prometheus-token-env",
                "KP_LINT_TEST_TOKEN",
                "--metrics",
                &url,
            ],
            &[("KP_LINT_TEST_TOKEN", token)],
        );
        let all = run.all();
        for secret in [token, "hunter2", "qwerty123"] {
            assert!(!all.contains(secret), "{format}: {secret} printed:\n{all}");
        }
        assert!(all.contains("HTTP status 401"), "{format}: {all}");
    }
    // The token was sent, to the Prometheus API only.
    let heads = server.requests();
    let with_token: Vec<&String> = heads
        .iter()
        .filter(|h| {
            h.to_ascii_lowercase()
                .contains(&format!("authorization: bearer {token}"))
        })
        .collect();
    assert!(!with_token.is_empty(), "{heads:#?}");
    assert!(
        with_token.iter().all(|h| h.contains("/api/v1/query")),
        "{heads:#?}"
    );
    // One Authorization header: the token, not also the URL's user and password.
    assert!(
        with_token
            .iter()
            .all(|h| h.to_ascii_lowercase().matches("authorization:").count() == 1),
        "{heads:#?}"
    );
    // The base's query string stays the query, after the API's path.
    assert!(
        with_token
            .iter()
            .all(|h| h.starts_with("GET /api/v1/query?apikey=qwerty123&query=")),
        "{heads:#?}"
    );
}

// ------------------------------------------------------------ the parser itself

/// Every recorded page: promtool (Prometheus' own parser and linter) accepts it, and
/// openmetrics-parser reads the same families, series and values as kp-lint's parser.
#[test]
fn parser_agrees_with_promtool_and_openmetrics_parser() {
    let pages: Vec<PathBuf> = std::fs::read_dir(root().join("testdata/metrics"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "prom"))
        .collect();
    assert!(pages.len() >= 6, "{pages:?}");
    let promtool = !skip_prometheus();
    if promtool {
        need("promtool");
    }
    for page in pages {
        let text = std::fs::read_to_string(&page).unwrap();
        let ours = kp_lint::metrics::text::parse(&text).unwrap();
        // openmetrics-parser 0.4 rejects metric names with capitals (node_exporter's
        // `node_memory_Active_anon_bytes`) and the type `untyped`, both of which the 0.0.4
        // format and promtool accept: compare without those families.
        let (text_cmp, ours_cmp) = match openmetrics_parser::prometheus::parse_prometheus(&text) {
            Ok(_) => (text.clone(), normalise_ours(&ours)),
            Err(_) => {
                let lower = without_capitalised_families(&text);
                let o = normalise_ours(&kp_lint::metrics::text::parse(&lower).unwrap());
                (lower, o)
            }
        };
        let theirs = openmetrics_parser::prometheus::parse_prometheus(&text_cmp)
            .unwrap_or_else(|e| panic!("{}: openmetrics-parser: {e:?}", page.display()));
        let theirs = normalise_theirs(&theirs);
        assert!(
            theirs.len() > 10,
            "{}: {} series",
            page.display(),
            theirs.len()
        );
        assert_eq!(ours_cmp, theirs, "{}", page.display());
        if promtool {
            let out = Command::new("promtool")
                .args(["check", "metrics"])
                .stdin(std::fs::File::open(&page).unwrap())
                .output()
                .unwrap();
            let said = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            // Exit 3 is lint advice (kube-proxy's gauges named `_total`, node_exporter's
            // camelCase); a parse error is exit 1 and "error while linting".
            assert!(
                matches!(out.status.code(), Some(0 | 3)) && !said.contains("error"),
                "{}: promtool: {said}",
                page.display()
            );
        }
    }
}

type Norm = std::collections::BTreeMap<String, String>;

/// The page without the families openmetrics-parser 0.4 cannot read: names with capital
/// letters, and the type `untyped`.
fn without_capitalised_families(text: &str) -> String {
    let untyped: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter(|rest| rest.ends_with(" untyped"))
        .filter_map(|rest| rest.split(' ').next())
        .collect();
    text.lines()
        .filter(|l| {
            let name = match l.strip_prefix("# HELP ").or(l.strip_prefix("# TYPE ")) {
                Some(rest) => rest.split(' ').next().unwrap_or(""),
                None => l.split(['{', ' ']).next().unwrap_or(""),
            };
            !name.chars().any(|c| c.is_ascii_uppercase()) && !untyped.contains(&name)
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

fn key(family: &str, labels: &[(String, String)]) -> String {
    let mut l: Vec<String> = labels
        .iter()
        .filter(|(k, _)| k != "le" && k != "quantile")
        .map(|(k, v)| format!("{k}={v:?}"))
        .collect();
    l.sort();
    format!("{family}{{{}}}", l.join(","))
}

fn num(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else {
        format!("{v}")
    }
}

fn normalise_ours(e: &kp_lint::metrics::text::Exposition) -> Norm {
    use kp_lint::metrics::text::{Kind, histograms};
    let mut out = Norm::new();
    for f in &e.families {
        match f.kind {
            Kind::Histogram => {
                for h in histograms(e, &f.name) {
                    let labels: Vec<(String, String)> = h
                        .labels
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect();
                    let b: Vec<String> = h
                        .buckets
                        .iter()
                        .map(|(le, c)| format!("{}:{}", num(*le), num(*c)))
                        .collect();
                    out.insert(
                        key(&f.name, &labels),
                        format!(
                            "histogram {} sum={} count={}",
                            b.join(" "),
                            num(h.sum.unwrap_or(f64::NAN)),
                            num(h.count.unwrap_or(f64::NAN))
                        ),
                    );
                }
            }
            Kind::Summary => {}
            k => {
                for s in &f.samples {
                    let kind = match k {
                        Kind::Counter => "counter",
                        Kind::Gauge => "gauge",
                        _ => "untyped",
                    };
                    out.insert(key(&s.name, &s.labels), format!("{kind} {}", num(s.value)));
                }
            }
        }
    }
    out
}

fn normalise_theirs(
    e: &openmetrics_parser::MetricsExposition<
        openmetrics_parser::PrometheusType,
        openmetrics_parser::PrometheusValue,
    >,
) -> Norm {
    use openmetrics_parser::PrometheusValue as V;
    let mut out = Norm::new();
    for (name, f) in &e.families {
        for s in f.iter_samples() {
            let labels: Vec<(String, String)> = s
                .get_labelset()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let k = key(name, &labels);
            match &s.value {
                V::Histogram(h) => {
                    let mut b: Vec<(f64, f64)> = h
                        .buckets
                        .iter()
                        .map(|b| (b.upper_bound, b.count.as_f64()))
                        .collect();
                    b.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap());
                    let b: Vec<String> = b
                        .iter()
                        .map(|(le, c)| format!("{}:{}", num(*le), num(*c)))
                        .collect();
                    out.insert(
                        k,
                        format!(
                            "histogram {} sum={} count={}",
                            b.join(" "),
                            num(h.sum.as_ref().map_or(f64::NAN, |s| s.as_f64())),
                            num(h.count.map_or(f64::NAN, |c| c as f64))
                        ),
                    );
                }
                V::Counter(c) => {
                    out.insert(k, format!("counter {}", num(c.value.as_f64())));
                }
                V::Gauge(g) => {
                    out.insert(k, format!("gauge {}", num(g.as_f64())));
                }
                V::Unknown(u) => {
                    out.insert(k, format!("untyped {}", num(u.as_f64())));
                }
                V::Summary(_) => {}
            }
        }
    }
    out
}

// ------------------------------------------------- real node_exporter and Prometheus

struct Daemon(std::process::Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_for(what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "{what}: not ready after 90 s"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn node_exporter(port: u16) -> Daemon {
    need("prometheus-node-exporter");
    let child = Command::new("prometheus-node-exporter")
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let d = Daemon(child);
    wait_for("node_exporter", || get(port, "/metrics").is_some());
    d
}

#[test]
fn real_node_exporter_over_loopback() {
    if skip_prometheus() {
        return;
    }
    let port = free_port();
    let _ne = node_exporter(port);
    let url = format!("http://127.0.0.1:{port}/metrics");
    let run = kp(&["--show-profile", "--metrics", &url], &[]);
    assert_eq!(run.code, 0, "{}", run.all());
    // The kernel and CPU count come from the page.
    let kernel_line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("kernel"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(kernel_line.contains("node_uname_info"), "{kernel_line}");
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cores_line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("cores"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(cores_line.contains("CPUs"), "{cores_line}");
    assert!(cores > 0);
    // Linting with it: the page is recognised (no KP801/KP802).
    let run = kp(&["--format", "json", "--metrics", &url], &[]);
    let c = codes(&run);
    assert!(
        !c.iter().any(|c| c == "KP801" || c == "KP802"),
        "{}",
        run.all()
    );
}

#[test]
fn real_prometheus_scraping_kube_proxy_and_node_exporter() {
    if skip_prometheus() {
        return;
    }
    need("prometheus");
    let kube_proxy = Server::start(Behaviour::Growing {
        body: read(TROUBLED),
    });
    let ne_port = free_port();
    let _ne = node_exporter(ne_port);
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("prometheus.yml");
    std::fs::write(
        &cfg,
        format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: kube-proxy\n    static_configs:\n      - targets: ['127.0.0.1:{}']\n  - job_name: node\n    static_configs:\n      - targets: ['127.0.0.1:{ne_port}']\n",
            kube_proxy.port
        ),
    )
    .unwrap();
    let port = free_port();
    let child = Command::new("prometheus")
        .arg(format!("--config.file={}", cfg.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.path().join("data").display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .arg("--log.level=warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _prom = Daemon(child);
    wait_for("Prometheus ready", || get(port, "/-/ready").is_some());
    // Two scrapes of each target at least, so that rate() has something to work with.
    let q = |query: &str| get(port, &format!("/api/v1/query?query={}", encode(query)));
    wait_for("kube-proxy counters growing in Prometheus", || {
        q("rate(kubeproxy_sync_proxy_rules_duration_seconds_count[1m]) > 0")
            .is_some_and(|b| b.contains("\"instance\""))
            && q("up{job=\"node\"} == 1").is_some_and(|b| b.contains("\"instance\""))
    });
    let base = format!("http://127.0.0.1:{port}");
    // Metrics only: findings on the Prometheus source, each with its query.
    let run = kp(
        &[
            "--format",
            "json",
            "--prometheus",
            &base,
            "--prometheus-window",
            "1m",
        ],
        &[],
    );
    let c = codes(&run);
    for code in ["KP810", "KP811", "KP812", "KP813", "KP814", "KP817"] {
        assert!(
            c.contains(&code.to_string()),
            "{code} missing: {}",
            run.all()
        );
    }
    assert!(
        !c.iter().any(|c| c == "KP801" || c == "KP802"),
        "{}",
        run.all()
    );
    let kp810 = finding_of(&run, "KP810");
    assert_eq!(kp810["file"], base.as_str());
    assert!(
        kp810["message"].as_str().unwrap().contains("on 127.0.0.1"),
        "{kp810}"
    );
    assert!(
        kp810["help"]
            .as_str()
            .unwrap()
            .contains("histogram_quantile(0.99"),
        "{kp810}"
    );
    // With a configuration: at its fields, and the profile learns the kernel and the version.
    let conf = dir.path().join("kube-proxy.yaml");
    std::fs::write(
        &conf,
        "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: iptables\niptables:\n  minSyncPeriod: 1s\n",
    )
    .unwrap();
    let conf = conf.to_str().unwrap();
    let run = kp(
        &[
            "--format",
            "json",
            conf,
            "--prometheus",
            &base,
            "--prometheus-window",
            "1m",
        ],
        &[],
    );
    let j = json(&run);
    let kp810 = finding_of(&run, "KP810");
    assert_eq!(kp810["file"], conf);
    assert_eq!(kp810["line"], 5, "{kp810}");
    assert_eq!(
        j["files"][0]["configurations"][0]["kubernetes_version"], "1.31.2",
        "{}",
        run.stdout
    );
    let run = kp(
        &[
            "--show-profile",
            "--prometheus",
            &base,
            "--prometheus-window",
            "1m",
        ],
        &[],
    );
    assert!(
        run.stdout.contains("kube-proxy instances"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("kubernetes_build_info"),
        "{}",
        run.stdout
    );
    // A server that is not Prometheus: KP801 naming the query, and no hang.
    let not_prom = Server::start(Behaviour::Page {
        body: b"<html>login</html>".to_vec(),
        content_type: "text/html".into(),
    });
    let run = kp(
        &[
            "--format",
            "json",
            "--timeout",
            "2s",
            "--prometheus",
            &not_prom.url(""),
        ],
        &[],
    );
    let f = findings(&run);
    assert!(
        f.iter()
            .any(|(c, _, m)| c == "KP801" && m.contains("content type \"text/html\"")),
        "{f:#?}"
    );
}
