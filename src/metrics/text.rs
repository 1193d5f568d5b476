//! The Prometheus text exposition format, version 0.0.4 — what kube-proxy's and node_exporter's
//! `/metrics` serve by default — and only that.
//!
//! The format (prometheus/docs content/docs/instrumenting/exposition_formats.md): one sample per
//! line, `name{label="value",…} value [timestamp]`; `# HELP name text` and `# TYPE name type`
//! lines; any other `#` line is a comment; blank lines are ignored. Label values escape `\\`,
//! `\"` and `\n`; HELP text escapes `\\` and `\n`. Values are Go floats, with `+Inf`, `-Inf`
//! and `NaN`. A histogram `x` is the samples `x_bucket{le=…}`, `x_sum` and `x_count`; a summary
//! `x` is `x{quantile=…}`, `x_sum` and `x_count`.
//!
//! Like Prometheus' own parser (`expfmt.TextParser`, which `promtool check metrics` uses), the
//! first malformed line rejects the whole exposition: a scrape is all or nothing. The error
//! gives the line and column. An OpenMetrics `# EOF` line is accepted as a comment, so that a
//! page saved with the OpenMetrics content type still reads.

use std::collections::HashMap;

use crate::source::yaml::Span;

/// A metric family's type, as its `# TYPE` line says (untyped without one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
    Summary,
    Untyped,
}

impl Kind {
    fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "counter" => Kind::Counter,
            "gauge" => Kind::Gauge,
            "histogram" => Kind::Histogram,
            "summary" => Kind::Summary,
            "untyped" => Kind::Untyped,
            _ => return None,
        })
    }
}

/// One sample line.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The sample's own name (`x_bucket` for a histogram bucket of family `x`).
    pub name: String,
    /// Labels in the order written, values unescaped.
    pub labels: Vec<(String, String)>,
    pub value: f64,
    /// Milliseconds since the epoch, when the line has one.
    pub timestamp: Option<i64>,
    /// 1-based line number.
    pub line: usize,
    /// The line's byte range in the text (without its line break).
    pub span: Span,
}

impl Sample {
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A metric family: its name, type, help text and samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Family {
    pub name: String,
    pub kind: Kind,
    pub help: Option<String>,
    pub samples: Vec<Sample>,
}

/// A parsed exposition.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Exposition {
    pub families: Vec<Family>,
    index: HashMap<String, usize>,
}

/// Why an exposition was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line and column (in characters).
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// Where in the text: the offending byte onwards, to the end of the line.
    pub span: Span,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}:{}: {}", self.line, self.column, self.message)
    }
}

impl Exposition {
    pub fn family(&self, name: &str) -> Option<&Family> {
        self.index.get(name).map(|&i| &self.families[i])
    }

    /// Samples of a family (for a histogram, all of `_bucket`, `_sum` and `_count`).
    pub fn samples(&self, family: &str) -> &[Sample] {
        self.family(family).map_or(&[], |f| &f.samples)
    }

    /// Number of samples in all.
    pub fn len(&self) -> usize {
        self.families.iter().map(|f| f.samples.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn family_mut(&mut self, name: &str, kind: Kind) -> &mut Family {
        let i = match self.index.get(name) {
            Some(&i) => i,
            None => {
                self.families.push(Family {
                    name: name.to_string(),
                    kind,
                    help: None,
                    samples: Vec::new(),
                });
                self.index.insert(name.to_string(), self.families.len() - 1);
                self.families.len() - 1
            }
        };
        &mut self.families[i]
    }

    /// The family a sample named `name` belongs to: `x` for `x_bucket`/`x_sum`/`x_count` when
    /// `x` was declared a histogram (or a summary, for `_sum`/`_count`), else `name` itself.
    fn owner(&self, name: &str) -> String {
        for (suffix, kinds) in [
            ("_bucket", &[Kind::Histogram][..]),
            ("_sum", &[Kind::Histogram, Kind::Summary][..]),
            ("_count", &[Kind::Histogram, Kind::Summary][..]),
        ] {
            if let Some(base) = name.strip_suffix(suffix) {
                if self.family(base).is_some_and(|f| kinds.contains(&f.kind)) {
                    return base.to_string();
                }
            }
        }
        name.to_string()
    }
}

fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c == b':'
}

fn is_name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b':'
}

fn is_label_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_label_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// A cursor over one line.
struct Line<'a> {
    text: &'a str,
    /// Byte offset of the line in the whole text.
    base: usize,
    number: usize,
    pos: usize,
}

impl<'a> Line<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }
    fn peek(&self) -> Option<u8> {
        self.bytes().get(self.pos).copied()
    }
    fn blanks(&mut self) -> bool {
        let start = self.pos;
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
        self.pos > start
    }
    fn error(&self, message: impl Into<String>) -> ParseError {
        let column = self.text[..self.pos.min(self.text.len())].chars().count() + 1;
        ParseError {
            line: self.number,
            column,
            message: message.into(),
            span: Span::new(self.base + self.pos, self.base + self.text.len()),
        }
    }
    fn name(
        &mut self,
        start: fn(u8) -> bool,
        rest: fn(u8) -> bool,
        what: &str,
    ) -> Result<&'a str, ParseError> {
        let from = self.pos;
        match self.peek() {
            Some(c) if start(c) => self.pos += 1,
            _ => return Err(self.error(format!("expected {what}"))),
        }
        while self.peek().is_some_and(rest) {
            self.pos += 1;
        }
        Ok(&self.text[from..self.pos])
    }
    /// A token up to the next blank or the end of the line.
    fn word(&mut self) -> &'a str {
        let from = self.pos;
        while self.peek().is_some_and(|c| c != b' ' && c != b'\t') {
            self.pos += 1;
        }
        &self.text[from..self.pos]
    }
    fn rest(&self) -> &'a str {
        &self.text[self.pos.min(self.text.len())..]
    }
    /// A quoted label value, unescaped (`\\`, `\"`, `\n`).
    fn quoted(&mut self) -> Result<String, ParseError> {
        if self.peek() != Some(b'"') {
            return Err(self.error("expected '\"' to start the label value"));
        }
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.rest().chars().next() else {
                return Err(self.error("label value not closed with '\"'"));
            };
            match c {
                '"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                '\\' => {
                    self.pos += 1;
                    match self.peek() {
                        Some(b'\\') => out.push('\\'),
                        Some(b'"') => out.push('"'),
                        Some(b'n') => out.push('\n'),
                        _ => {
                            return Err(self.error(
                                "invalid escape in a label value (only \\\\, \\\" and \\n)",
                            ));
                        }
                    }
                    self.pos += 1;
                }
                c => {
                    out.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
    }
}

/// A Go `strconv.ParseFloat` value as the format allows it.
pub fn parse_value(s: &str) -> Option<f64> {
    let lower = s.to_ascii_lowercase();
    let word = match lower.trim_start_matches(['+', '-']) {
        "inf" | "infinity" | "nan" => true,
        t if t.starts_with(|c: char| c.is_ascii_digit() || c == '.') => false,
        _ => return None,
    };
    // A number too large for a float is ParseFloat's ErrRange, which expfmt rejects ("expected
    // float as value"); Rust would make it infinite.
    s.parse::<f64>().ok().filter(|v| word || v.is_finite())
}

fn unescape_help(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('\\') => out.push('\\'),
                Some(o) => {
                    out.push('\\');
                    out.push(o);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Parse an exposition. The first malformed line rejects it (with its line and column).
pub fn parse(text: &str) -> Result<Exposition, ParseError> {
    let mut exp = Exposition::default();
    let mut typed: HashMap<String, usize> = HashMap::new();
    let mut helped: HashMap<String, usize> = HashMap::new();
    let mut base = 0;
    for (i, raw) in text.split('\n').enumerate() {
        let line_start = base;
        base += raw.len() + 1;
        let content = raw.strip_suffix('\r').unwrap_or(raw);
        let mut l = Line {
            text: content,
            base: line_start,
            number: i + 1,
            pos: 0,
        };
        l.blanks();
        match l.peek() {
            None => continue,
            Some(b'#') => {
                l.pos += 1;
                if !l.blanks() {
                    continue; // `#comment`
                }
                let keyword = l.word();
                if keyword != "HELP" && keyword != "TYPE" {
                    continue; // a comment (also OpenMetrics' `# EOF`)
                }
                if !l.blanks() {
                    return Err(l.error(format!("expected a metric name after {keyword}")));
                }
                let name = l.name(is_name_start, is_name_char, "a metric name")?;
                if l.peek().is_some() && !l.blanks() {
                    return Err(l.error("invalid character in a metric name"));
                }
                if keyword == "HELP" {
                    if let Some(first) = helped.insert(name.to_string(), l.number) {
                        return Err(l.error(format!(
                            "second HELP line for {name} (the first is on line {first})"
                        )));
                    }
                    let help = unescape_help(l.rest());
                    exp.family_mut(name, Kind::Untyped).help = Some(help);
                } else {
                    let t = l.word();
                    let Some(kind) = Kind::parse(t) else {
                        return Err(l.error(format!(
                            "unknown metric type {t:?} (counter, gauge, histogram, summary or untyped)"
                        )));
                    };
                    l.blanks();
                    if l.peek().is_some() {
                        return Err(l.error("unexpected text after the metric type"));
                    }
                    if let Some(first) = typed.insert(name.to_string(), l.number) {
                        return Err(l.error(format!(
                            "second TYPE line for {name} (the first is on line {first})"
                        )));
                    }
                    let fam = exp.family_mut(name, kind);
                    if !fam.samples.is_empty() {
                        return Err(l.error(format!(
                            "TYPE line for {name} after its samples (line {})",
                            fam.samples[0].line
                        )));
                    }
                    fam.kind = kind;
                }
            }
            Some(_) => {
                let sample_start = l.pos;
                let name = l
                    .name(is_name_start, is_name_char, "a metric name")?
                    .to_string();
                let mut labels: Vec<(String, String)> = Vec::new();
                let mut separated = l.blanks();
                if l.peek() == Some(b'{') {
                    l.pos += 1;
                    loop {
                        l.blanks();
                        if l.peek() == Some(b'}') {
                            l.pos += 1;
                            break;
                        }
                        let label = l.name(is_label_start, is_label_char, "a label name or '}'")?;
                        if labels.iter().any(|(k, _)| k == label) {
                            return Err(l.error(format!("label {label} given twice")));
                        }
                        l.blanks();
                        if l.peek() != Some(b'=') {
                            return Err(l.error(format!("expected '=' after label {label}")));
                        }
                        l.pos += 1;
                        l.blanks();
                        let value = l.quoted()?;
                        labels.push((label.to_string(), value));
                        l.blanks();
                        match l.peek() {
                            Some(b',') => l.pos += 1,
                            Some(b'}') => {
                                l.pos += 1;
                                break;
                            }
                            _ => return Err(l.error("expected ',' or '}' after a label value")),
                        }
                    }
                    // Like expfmt, the value may follow the '}' without a blank.
                    l.blanks();
                    separated = true;
                }
                if l.peek().is_none() {
                    return Err(l.error("expected a value after the metric name"));
                }
                if !separated {
                    return Err(l.error("invalid character in a metric name"));
                }
                let word = l.word();
                let Some(value) = parse_value(word) else {
                    l.pos -= word.len();
                    return Err(l.error(format!("{word:?} is not a number")));
                };
                l.blanks();
                let mut timestamp = None;
                if l.peek().is_some() {
                    let word = l.word();
                    match word.parse::<i64>() {
                        Ok(t) => timestamp = Some(t),
                        Err(_) => {
                            l.pos -= word.len();
                            return Err(
                                l.error(format!("{word:?} is not a timestamp (milliseconds)"))
                            );
                        }
                    }
                    l.blanks();
                    if l.peek().is_some() {
                        return Err(l.error("unexpected text after the timestamp"));
                    }
                }
                let owner = exp.owner(&name);
                let kind = exp.family(&owner).map_or(Kind::Untyped, |f| f.kind);
                if kind == Kind::Histogram && name.ends_with("_bucket") {
                    match labels.iter().find(|(k, _)| k == "le") {
                        Some((_, le)) if parse_value(le).is_some() => {}
                        Some((_, le)) => {
                            return Err(l.error(format!("bucket bound le={le:?} is not a number")));
                        }
                        None => return Err(l.error("histogram bucket without an le label")),
                    }
                }
                if kind == Kind::Summary
                    && name == owner
                    && !labels.iter().any(|(k, _)| k == "quantile")
                {
                    return Err(l.error("summary sample without a quantile label"));
                }
                let line = l.number;
                exp.family_mut(&owner, Kind::Untyped).samples.push(Sample {
                    name,
                    labels,
                    value,
                    timestamp,
                    line,
                    span: Span::new(line_start + sample_start, line_start + content.len()),
                });
            }
        }
    }
    Ok(exp)
}

/// One histogram series (a family's buckets with the same labels apart from `le`).
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram<'a> {
    /// The labels apart from `le`.
    pub labels: Vec<(&'a str, &'a str)>,
    /// (upper bound, cumulative count), sorted by bound.
    pub buckets: Vec<(f64, f64)>,
    pub sum: Option<f64>,
    pub count: Option<f64>,
    /// The first line of the series, for diagnostics.
    pub first: &'a Sample,
}

impl Histogram<'_> {
    /// The q-quantile estimated like PromQL's `histogram_quantile`: linear interpolation inside
    /// the bucket the rank falls in; the highest finite bound when it falls in `+Inf`. None
    /// without observations or without a `+Inf` bucket.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        quantile(q, &self.buckets)
    }

    /// Observations in all (the `+Inf` bucket, else `_count`).
    pub fn total(&self) -> f64 {
        self.buckets
            .last()
            .filter(|(b, _)| b.is_infinite())
            .map(|(_, c)| *c)
            .or(self.count)
            .unwrap_or(0.0)
    }

    /// The mean (`_sum / _count`).
    pub fn mean(&self) -> Option<f64> {
        match (self.sum, self.count) {
            (Some(s), Some(c)) if c > 0.0 => Some(s / c),
            _ => None,
        }
    }
}

/// PromQL's `histogram_quantile` over (upper bound, cumulative count) pairs sorted by bound,
/// as prometheus/promql/quantile.go's `BucketQuantile` computes it: buckets with the same bound
/// are merged (their counts added), counts that fall are raised to the count before them, and
/// the rank is searched among the finite buckets.
pub fn quantile(q: f64, buckets: &[(f64, f64)]) -> Option<f64> {
    if !(0.0..=1.0).contains(&q) {
        return None;
    }
    if !buckets.last()?.0.is_infinite() {
        return None;
    }
    // coalesceBuckets
    let mut b: Vec<(f64, f64)> = Vec::with_capacity(buckets.len());
    for &(bound, count) in buckets {
        match b.last_mut() {
            Some(last) if last.0 == bound => last.1 += count,
            _ => b.push((bound, count)),
        }
    }
    // ensureMonotonicAndIgnoreSmallDeltas
    let mut prev = b[0].1;
    for bucket in b.iter_mut().skip(1) {
        let curr = bucket.1;
        if curr == prev {
            continue;
        }
        if (prev - curr).abs() <= 1e-12 * prev.abs().max(curr.abs()) || curr < prev {
            bucket.1 = prev;
            continue;
        }
        prev = curr;
    }
    let n = b.len();
    let total = b[n - 1].1;
    if n < 2 || total.is_nan() || total <= 0.0 {
        return None;
    }
    let rank = q * total;
    let i = b[..n - 1]
        .iter()
        .position(|&(_, c)| c >= rank)
        .unwrap_or(n - 1);
    if i == n - 1 {
        return Some(b[n - 2].0);
    }
    let (upper, count) = b[i];
    if i == 0 && upper <= 0.0 {
        return Some(upper);
    }
    let (lower, below) = if i == 0 { (0.0, 0.0) } else { b[i - 1] };
    let v = lower + (upper - lower) * ((rank - below) / (count - below));
    v.is_finite().then_some(v)
}

/// The series of a histogram family, grouped by their labels apart from `le`.
pub fn histograms<'a>(exp: &'a Exposition, family: &str) -> Vec<Histogram<'a>> {
    let Some(f) = exp.family(family) else {
        return Vec::new();
    };
    if f.kind != Kind::Histogram {
        return Vec::new();
    }
    let bucket = format!("{family}_bucket");
    let sum = format!("{family}_sum");
    let count = format!("{family}_count");
    let mut out: Vec<Histogram<'a>> = Vec::new();
    for s in &f.samples {
        let labels: Vec<(&str, &str)> = s
            .labels
            .iter()
            .filter(|(k, _)| k != "le")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let i = match out.iter().position(|h| h.labels == labels) {
            Some(i) => i,
            None => {
                out.push(Histogram {
                    labels,
                    buckets: Vec::new(),
                    sum: None,
                    count: None,
                    first: s,
                });
                out.len() - 1
            }
        };
        let h = &mut out[i];
        if s.name == bucket {
            // A NaN bound is no bucket: it would sort nowhere.
            if let Some(le) = s.label("le").and_then(parse_value).filter(|b| !b.is_nan()) {
                h.buckets.push((le, s.value));
            }
        } else if s.name == sum {
            h.sum = Some(s.value);
        } else if s.name == count {
            h.count = Some(s.value);
        }
    }
    for h in &mut out {
        h.buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "# HELP kubeproxy_sync_proxy_rules_duration_seconds [ALPHA] SyncProxyRules latency in seconds\n\
# TYPE kubeproxy_sync_proxy_rules_duration_seconds histogram\n\
kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"0.001\"} 0\n\
kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"0.002\"} 10\n\
kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"0.004\"} 90\n\
kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"+Inf\"} 100\n\
kubeproxy_sync_proxy_rules_duration_seconds_sum 0.3\n\
kubeproxy_sync_proxy_rules_duration_seconds_count 100\n\
# TYPE rest_client_requests_total counter\n\
rest_client_requests_total{code=\"200\",host=\"10.0.0.1:6443\",method=\"GET\"} 42 1700000000000\n\
weird{path=\"a\\\\b\\\"c\\nd\"} NaN\n";

    #[test]
    fn families_histograms_and_escapes() {
        let e = parse(PAGE).unwrap();
        let h = &histograms(&e, "kubeproxy_sync_proxy_rules_duration_seconds")[0];
        assert_eq!(h.buckets.len(), 4);
        assert_eq!(h.total(), 100.0);
        assert_eq!(h.mean(), Some(0.003));
        // rank 50 falls in (0.002, 0.004]: 0.002 + 0.002 × (50-10)/80
        assert!((h.quantile(0.5).unwrap() - 0.003).abs() < 1e-12);
        // rank 99 falls in +Inf: the highest finite bound
        assert_eq!(h.quantile(0.99), Some(0.004));
        let r = &e.samples("rest_client_requests_total")[0];
        assert_eq!(r.label("code"), Some("200"));
        assert_eq!(r.timestamp, Some(1_700_000_000_000));
        assert_eq!(r.line, 10);
        let w = &e.samples("weird")[0];
        assert_eq!(w.label("path"), Some("a\\b\"c\nd"));
        assert!(w.value.is_nan());
        assert_eq!(e.family("weird").unwrap().kind, Kind::Untyped);
        assert_eq!(
            e.family("kubeproxy_sync_proxy_rules_duration_seconds")
                .unwrap()
                .help
                .as_deref(),
            Some("[ALPHA] SyncProxyRules latency in seconds")
        );
    }

    #[test]
    fn values() {
        for (s, v) in [
            ("+Inf", f64::INFINITY),
            ("-Inf", f64::NEG_INFINITY),
            ("1e3", 1000.0),
            ("-0.5", -0.5),
            (".5", 0.5),
        ] {
            assert_eq!(parse_value(s), Some(v), "{s}");
        }
        assert_eq!(parse_value("1e-400"), Some(0.0));
        for s in ["", "abc", "1,5", "0x10", "- 1", "1e999", "-1e999", "0x1p3"] {
            assert_eq!(parse_value(s), None, "{s}");
        }
    }

    #[test]
    fn errors_have_positions() {
        let cases = [
            ("m{a=\"x} 1\n", 1, "not closed"),
            ("ok 1\nm{a=\"x\" b=\"y\"} 1\n", 2, "expected ',' or '}'"),
            ("m 1 2 3\n", 1, "after the timestamp"),
            ("m abc\n", 1, "not a number"),
            ("m{a=\"\\t\"} 1\n", 1, "invalid escape"),
            ("# TYPE m bogus\n", 1, "unknown metric type"),
            ("# TYPE m counter\n# TYPE m gauge\n", 2, "second TYPE"),
            ("m 1\n# TYPE m counter\n", 2, "after its samples"),
            ("# TYPE h histogram\nh_bucket 1\n", 2, "without an le"),
            ("m{a=\"1\",a=\"2\"} 1\n", 1, "given twice"),
            ("m\n", 1, "expected a value"),
            ("1m 2\n", 1, "expected a metric name"),
        ];
        for (text, line, msg) in cases {
            let e = parse(text).unwrap_err();
            assert_eq!(e.line, line, "{text:?}: {e}");
            assert!(e.message.contains(msg), "{text:?}: {e}");
        }
        let e = parse("m{a=\"x\" b=\"y\"} 1\n").unwrap_err();
        assert_eq!(e.column, 9);
        assert_eq!(e.span.start, 8);
    }

    #[test]
    fn value_right_after_the_labels() {
        // expfmt.TextParser (promtool check metrics) reads the value after '}' without a blank.
        let e = parse("m{a=\"x\"}1\nn{}2 3\n").unwrap();
        assert_eq!(e.samples("m")[0].value, 1.0);
        assert_eq!(e.samples("n")[0].timestamp, Some(3));
        assert!(
            parse("m{a=\"x\"}\n")
                .unwrap_err()
                .message
                .contains("expected a value")
        );
        assert!(
            parse("m{a=\"x\"}x\n")
                .unwrap_err()
                .message
                .contains("not a number")
        );
    }

    #[test]
    fn comments_blank_lines_crlf_and_eof() {
        let e = parse("# a comment\n\n#nospace\r\nm{} 1\r\n# EOF\n").unwrap();
        assert_eq!(e.samples("m").len(), 1);
        assert_eq!(e.samples("m")[0].span, Span::new(23, 28));
    }

    #[test]
    fn quantile_edges() {
        assert_eq!(quantile(0.5, &[]), None);
        assert_eq!(
            quantile(0.5, &[(1.0, 5.0), (f64::INFINITY, 5.0)]),
            Some(0.5)
        );
        assert_eq!(quantile(0.5, &[(1.0, 0.0), (f64::INFINITY, 0.0)]), None);
        assert_eq!(quantile(0.5, &[(1.0, 5.0), (2.0, 5.0)]), None);
    }

    #[test]
    fn quantile_like_promql() {
        let inf = f64::INFINITY;
        // Counts that fall are raised to the count before them: [10, 10, 10], rank 9.9 in the
        // first bucket (BucketQuantile gives 0.99).
        let q = quantile(0.99, &[(1.0, 10.0), (2.0, 5.0), (inf, 8.0)]).unwrap();
        assert!((q - 0.99).abs() < 1e-12, "{q}");
        // Buckets with the same bound are merged: (1, 10), (2, 10), (+Inf, 10); rank 5 → 0.5.
        let q = quantile(0.5, &[(1.0, 5.0), (1.0, 5.0), (2.0, 10.0), (inf, 10.0)]).unwrap();
        assert!((q - 0.5).abs() < 1e-12, "{q}");
        // The first bucket starts at 0 when its bound is positive, is its bound when not.
        assert_eq!(quantile(0.5, &[(-1.0, 4.0), (inf, 4.0)]), Some(-1.0));
        assert_eq!(quantile(0.99, &[(1.0, 1.0), (inf, 100.0)]), Some(1.0));
    }

    #[test]
    fn histograms_ignore_nan_bounds_and_do_not_panic() {
        let mut page = String::from("# TYPE h histogram\n");
        for i in 0..40 {
            page.push_str(&format!(
                "h_bucket{{le=\"{}\"}} {i}\n",
                (40 - i) as f64 / 10.0
            ));
            page.push_str(&format!("h_bucket{{le=\"NaN\",x=\"{i}\"}} 1\n"));
            page.push_str(&format!("h_bucket{{le=\"NaN\"}} {i}\n"));
        }
        page.push_str("h_bucket{le=\"+Inf\"} 100\n");
        let e = parse(&page).unwrap();
        let hs = histograms(&e, "h");
        let h = hs.iter().find(|h| h.labels.is_empty()).unwrap();
        assert!(h.buckets.iter().all(|(b, _)| !b.is_nan()));
        assert!(h.buckets.windows(2).all(|w| w[0].0 <= w[1].0));
        assert!(h.quantile(0.99).is_some());
    }

    /// What a fuzzed line is made of: the format's own pieces, and what breaks it.
    fn piece() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            Just("# HELP ".to_string()),
            Just("# TYPE ".to_string()),
            Just("histogram".to_string()),
            Just("summary".to_string()),
            Just("h".to_string()),
            Just("h_bucket".to_string()),
            Just("h_sum".to_string()),
            Just("{".to_string()),
            Just("}".to_string()),
            Just("le=".to_string()),
            Just("quantile=".to_string()),
            Just("=".to_string()),
            Just(",".to_string()),
            Just("\"".to_string()),
            Just("\\".to_string()),
            Just(" ".to_string()),
            Just("\t".to_string()),
            Just("\n".to_string()),
            Just("\r".to_string()),
            Just("\r\n".to_string()),
            Just("\0".to_string()),
            Just("é".to_string()),
            Just("日本".to_string()),
            Just("🦀".to_string()),
            Just("\u{feff}".to_string()),
            Just("+Inf".to_string()),
            Just("NaN".to_string()),
            Just("1e999".to_string()),
            Just("99999999999999999999999".to_string()),
            Just("-0".to_string()),
            any::<u8>().prop_map(|b| (b as char).to_string()),
            "[a-z_]{1,5}",
            "[0-9.e+-]{1,6}",
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 2000, failure_persistence: None, ..Default::default()
        })]

        /// Any text: parse returns (never panics), and every position it gives is one in the
        /// text: the line and column of an error, the line and span of a sample.
        #[test]
        fn parse_never_panics_and_positions_fit(
            pieces in proptest::collection::vec(piece(), 0..40)
        ) {
            let text: String = pieces.concat();
            check_positions(&text);
            for h in parse(&text).iter().flat_map(|e| e.families.iter().map(|f| histograms(e, &f.name))) {
                for h in h {
                    let _ = h.quantile(0.99);
                }
            }
        }
    }

    fn check_positions(text: &str) {
        let line_of = |at: usize| text[..at].matches('\n').count() + 1;
        let line_start = |at: usize| text[..at].rfind('\n').map_or(0, |i| i + 1);
        let line_end = |at: usize| {
            let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
            if text[..end].ends_with('\r') {
                end - 1
            } else {
                end
            }
        };
        match parse(text) {
            Err(e) => {
                assert!(
                    e.span.start <= e.span.end && e.span.end <= text.len(),
                    "{e:?}"
                );
                assert!(text.is_char_boundary(e.span.start), "{e:?}");
                assert_eq!(e.line, line_of(e.span.start), "{text:?} {e:?}");
                let start = line_start(e.span.start);
                assert_eq!(
                    e.column,
                    text[start..e.span.start].chars().count() + 1,
                    "{text:?} {e:?}"
                );
                assert_eq!(e.span.end, line_end(e.span.start), "{text:?} {e:?}");
            }
            Ok(exp) => {
                for s in exp.families.iter().flat_map(|f| &f.samples) {
                    assert!(
                        s.span.start <= s.span.end && s.span.end <= text.len(),
                        "{s:?}"
                    );
                    assert_eq!(s.line, line_of(s.span.start), "{text:?} {s:?}");
                    assert!(
                        text[s.span.start..s.span.end].starts_with(&s.name),
                        "{text:?} {s:?}"
                    );
                    assert_eq!(s.span.end, line_end(s.span.start), "{text:?} {s:?}");
                }
            }
        }
    }

    #[test]
    fn hostile_lines() {
        let long = format!("m{{a=\"{}\"}} 1\n", "é".repeat(100_000));
        for text in [
            "m{a=\"é\"} x\n",
            "m{a=\"日本\\🦀\"} 1\n",
            "m{a=\"\\é\"} 1\n",
            "m\r 1\n",
            "m 1\r\r\n",
            "\r\n\r\n",
            "m\x001\n",
            "m 1 99999999999999999999999\n",
            "m 1e999999\n",
            "\u{feff}m 1\n",
            "m{a=\"x\"}1\n",
            "# TYPE h histogram\nh_bucket{le=\"é\"} 1\n",
            "h_bucket{le=\"x\"} 1\n# TYPE h histogram\n",
            "# HELP\n",
            "# HELP m \\",
            "#",
            "",
            &long,
        ] {
            check_positions(text);
        }
    }
}
