//! Invariant checks on untrusted input, shared by the fuzz targets (`fuzz/`) and the stable
//! regression test (`tests/robust.rs`). Each function panics when an invariant breaks, so a
//! fuzzer reports it as a crash and the test as a failure; on any input they must return.

use crate::diagnostic::Severity;
use crate::fix::apply_compatible;
use crate::fix::run::fix_text;
use crate::limits::Limits;
use crate::lint::{Options, lint_bytes};
use crate::source::text::{self, Encoding};
use crate::source::yaml::{Document, Node, NodeKind, Span, parse_stream};

/// Limits small enough that a fuzzer spends its time on shapes, not sizes.
pub fn fuzz_limits() -> Limits {
    Limits {
        max_file_bytes: 1 << 20,
        ..Limits::default()
    }
}

fn options() -> Options {
    Options {
        limits: fuzz_limits(),
        ..Options::default()
    }
}

fn check_span(text: &str, span: Span, what: &str) {
    assert!(span.start <= span.end, "{what}: span {span:?} is reversed");
    assert!(
        span.end <= text.len(),
        "{what}: span {span:?} is past the end ({})",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what}: span {span:?} splits a character"
    );
}

fn check_node(text: &str, d: &Document, node: &Node, depth: usize) {
    check_span(text, node.span, "node");
    // Iterative in spirit: the depth limit bounds this recursion.
    assert!(depth <= 10_000, "node tree deeper than any limit");
    match &node.kind {
        NodeKind::Mapping(entries) => {
            for (k, v) in entries {
                check_node(text, d, k, depth + 1);
                check_node(text, d, v, depth + 1);
            }
        }
        NodeKind::Sequence(items) => {
            for i in items {
                check_node(text, d, i, depth + 1);
            }
        }
        NodeKind::Alias { .. } => {
            // Resolving never loops.
            let _ = d.resolve(node);
        }
        NodeKind::Scalar { .. } => {}
    }
}

/// The YAML loader and its span tree: every span lies inside the text on character
/// boundaries, documents are in order, an error offset is inside the text.
pub fn check_yaml(bytes: &[u8]) {
    let limits = fuzz_limits();
    let Ok((text, _)) = text::decode(bytes, &limits) else {
        return;
    };
    let docs = parse_stream(&text, &limits);
    assert!(docs.len() <= limits.max_documents + 1, "too many documents");
    let mut last = 0;
    for (i, d) in docs.iter().enumerate() {
        assert_eq!(d.index, i, "document index");
        check_span(&text, d.span, "document");
        assert!(d.span.start >= last, "documents out of order");
        last = d.span.start;
        if let Some(e) = &d.error {
            assert!(e.offset <= text.len(), "error offset past the end");
        }
        if let Some(root) = &d.root {
            check_node(&text, d, root, 0);
        }
        for n in d.anchors.values() {
            check_node(&text, d, n, 0);
        }
    }
}

/// Document detection and the model: every finding's and every field's span lies in the text.
pub fn check_model(bytes: &[u8]) {
    let file = crate::source::load("fuzz.yaml", bytes, &fuzz_limits());
    for f in &file.findings {
        if let Some(s) = f.span {
            check_span(&file.text, s, f.rule.code);
        }
    }
    for c in &file.configs {
        let _ = c.settings();
    }
    let _ = file.lines.line_count();
}

/// The whole lint of one file through the library, and every output format rendered.
pub fn check_lint(bytes: &[u8]) {
    let report = lint_bytes("fuzz.yaml", bytes, &options());
    for f in &report.findings {
        if let Some(s) = f.span {
            check_span(&report.file.text, s, f.rule.code);
        }
        let _ = crate::render::position(&report, f);
        if let Some(fix) = &f.fix {
            for e in &fix.edits {
                check_span(&report.file.text, e.span, "fix edit");
            }
        }
    }
    let reports = [report];
    let run = crate::render::Run::new(&reports, &[]);
    for format in [
        crate::render::Format::Human,
        crate::render::Format::Json,
        crate::render::Format::Sarif,
        crate::render::Format::Github,
        crate::render::Format::Junit,
    ] {
        let out = crate::render::render(format, &run, crate::render::Style::default());
        if format == crate::render::Format::Json {
            let v: Result<serde_json::Value, _> = serde_json::from_str(&out);
            assert!(v.is_ok(), "JSON output does not parse");
        }
    }
}

fn syntax_errors(bytes: &[u8]) -> usize {
    lint_bytes("fuzz.yaml", bytes, &options())
        .findings
        .iter()
        .filter(|f| {
            f.severity == Severity::Error && matches!(f.rule.code, "KP001" | "KP002" | "KP003")
        })
        .count()
}

/// `--fix --unsafe-fixes` on one file: never panics; one round keeps every byte outside its
/// edits; a fixed file re-parses without errors; fixing the result again changes nothing.
pub fn check_fix(bytes: &[u8]) {
    let opts = options();
    let Ok((text, enc)) = text::decode(bytes, &opts.limits) else {
        return;
    };
    // One round by hand: the bytes between the applied edits are the original's.
    let report = lint_bytes("fuzz.yaml", bytes, &opts);
    let fixes: Vec<&crate::fix::Fix> = report
        .findings
        .iter()
        .filter_map(|f| f.fix.as_ref())
        .collect();
    for f in &fixes {
        for e in &f.edits {
            check_span(&text, e.span, "fix edit");
        }
    }
    let (once, applied) = apply_compatible(&text, &fixes);
    let mut edits: Vec<&crate::fix::Edit> = applied.iter().flat_map(|&i| &fixes[i].edits).collect();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let mut rebuilt = String::new();
    let mut pos = 0;
    for e in &edits {
        assert!(e.span.start >= pos, "applied edits overlap");
        rebuilt.push_str(&text[pos..e.span.start]);
        rebuilt.push_str(&e.text);
        pos = e.span.end;
    }
    rebuilt.push_str(&text[pos..]);
    if !applied.is_empty() {
        assert_eq!(once, rebuilt, "bytes outside the edits changed");
    }

    let out = fix_text("fuzz.yaml", &text, enc, &opts, true);
    if matches!(enc, Encoding::Utf16Le | Encoding::Utf16Be) {
        assert!(!out.changed(), "a UTF-16 file was rewritten");
        return;
    }
    if !out.changed() {
        return;
    }
    let written = crate::fix::run::encode(&out);
    assert_eq!(
        syntax_errors(&written),
        0,
        "the fixed text does not parse:\n{}",
        out.fixed
    );
    let again = fix_text("fuzz.yaml", &out.fixed, enc, &opts, true);
    assert!(
        !again.changed() || out.count() >= crate::fix::run::MAX_ROUNDS,
        "a second fix changed the text:\n--- first\n{}\n--- second\n{}",
        out.fixed,
        again.fixed
    );
}

/// The DaemonSet flag parser: the input, one argument a line, becomes the command of a
/// kube-proxy container (and, as a second container, a shell command line); linted as a whole.
pub fn daemonset_with_args(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut args = String::new();
    for line in text.lines().take(200) {
        args.push_str("        - ");
        args.push_str(&serde_json::to_string(line).unwrap_or_default());
        args.push('\n');
    }
    let shell = serde_json::to_string(&format!(
        "exec /usr/local/bin/kube-proxy {}",
        text.replace('\n', " ")
    ))
    .unwrap_or_default();
    format!(
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: kube-proxy\n  namespace: kube-system\nspec:\n  template:\n    spec:\n      containers:\n      - name: kube-proxy\n        image: registry.k8s.io/kube-proxy:v1.31.0\n        command:\n        - /usr/local/bin/kube-proxy\n{args}      - name: sh\n        image: registry.k8s.io/kube-proxy:v1.31.0\n        command: [\"/bin/sh\", \"-c\", {shell}]\n"
    )
}

/// Lint the flags of [`daemonset_with_args`]: the same checks as [`check_lint`].
pub fn check_flags(bytes: &[u8]) {
    let yaml = daemonset_with_args(bytes);
    check_lint(yaml.as_bytes());
    check_fix(yaml.as_bytes());
}

/// The metrics text parser and what is read from a page: parsing never panics; every sample's
/// line and span, and an error's line, column and span, agree with the text; quantiles lie
/// within the histogram's finite bounds; the readings and every KP8xx rule run on the result
/// (against kube-proxy's defaults and as the report of a metrics-only run). The Prometheus API
/// decoder gets the same bytes.
pub fn check_metrics(bytes: &[u8]) {
    use crate::metrics::{Evidence, Source, SourceKind, prom, text as mtext};
    let Ok(page) = std::str::from_utf8(bytes) else {
        return;
    };
    let _ = prom::decode(page);
    let line_of = |offset: usize| page[..offset].matches('\n').count() + 1;
    match mtext::parse(page) {
        Err(e) => {
            check_span(page, e.span, "metrics error");
            assert_eq!(line_of(e.span.start), e.line, "error line: {e}");
            assert!(e.column >= 1, "error column: {e}");
        }
        Ok(exp) => {
            for f in &exp.families {
                for s in &f.samples {
                    check_span(page, s.span, "metrics sample");
                    assert_eq!(line_of(s.span.start), s.line, "sample {}", s.name);
                    assert!(
                        page[s.span.start..s.span.end].contains(s.name.as_str()),
                        "the span of {} does not hold its name",
                        s.name
                    );
                }
                for h in mtext::histograms(&exp, &f.name) {
                    let finite: Vec<f64> = h
                        .buckets
                        .iter()
                        .map(|b| b.0)
                        .filter(|b| b.is_finite())
                        .collect();
                    if let Some(q) = h.quantile(0.99) {
                        let lo = finite.iter().copied().fold(0.0_f64, f64::min);
                        let hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                        assert!(
                            q.is_nan() || (q >= lo && q <= hi),
                            "p99 {q} outside the bounds [{lo}, {hi}] of {}",
                            f.name
                        );
                    }
                }
            }
        }
    }
    let mut ev = Evidence::default();
    ev.add_page(Source {
        name: "fuzz.prom".into(),
        kind: SourceKind::Url,
        text: Some(page.into()),
        taken_at: Some(1.8e9),
    });
    let kb = crate::kb::kb();
    let _ = crate::metrics::profile(&ev);
    let _ = crate::rules::judge_metrics(&ev, &crate::rules::metrics::View::defaults(kb), kb);
    for report in crate::lint::metrics_reports(&ev, true, &Default::default()) {
        for f in &report.findings {
            if let Some(span) = f.span {
                check_span(&report.file.text, span, "metrics finding");
            }
        }
    }
}
