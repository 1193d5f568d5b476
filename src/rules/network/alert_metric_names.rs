//! KP610.
use crate::diagnostic::Finding;
use crate::rules::FileCtx;
use crate::source::AlertRule;
use crate::source::yaml::Span;

crate::declare_rule! {
    /// ## What it does
    /// Reads the PromQL of Prometheus alerting and recording rules (PrometheusRule objects and
    /// rule files) and reports three mistakes about kube-proxy's and the IPVS metrics:
    /// - a metric that does not exist: node_exporter's IPVS metrics without their `node_`
    ///   prefix (`ipvs_incoming_packets_total`), `ipvs_connections_active` (node_exporter
    ///   exports `node_ipvs_backend_connections_active`), kube-proxy's
    ///   `kubeproxy_sync_proxy_rules_latency_microseconds` (deprecated in 1.14 and since
    ///   removed; `kubeproxy_sync_proxy_rules_duration_seconds` replaced it);
    /// - `rate()`, `irate()` or `increase()` over one of kube-proxy's gauges, such as
    ///   `kubeproxy_sync_proxy_rules_no_local_endpoints_total` and
    ///   `kubeproxy_sync_proxy_rules_iptables_total`, which are gauges despite their `_total`;
    /// - incoming minus outgoing IPVS packets taken for dropped packets.
    ///
    /// ## Why it matters
    /// An alert on a metric that does not exist never fires, silently: the expression is
    /// valid PromQL and simply selects nothing. `rate()` treats every decrease of a gauge as a
    /// counter reset and reports nonsense. And IPVS counts packets per direction: a download
    /// has few incoming and many outgoing packets, an upload the reverse, so their difference
    /// measures traffic asymmetry, not loss (IPVS exports no drop counter; conntrack drops are
    /// `node_nf_conntrack_stat_drop`). A popular tuning article recommends exactly this alert
    /// (`IPVSHighDropRate`, with the unprefixed names).
    ///
    /// ## Example
    /// ```yaml
    /// - alert: IPVSHighDropRate
    ///   expr: rate(ipvs_incoming_packets_total[5m]) - rate(ipvs_outgoing_packets_total[5m]) > 1000
    /// ```
    ///
    /// ## How to fix
    /// Use the metric names the exporters publish (`node_ipvs_incoming_packets_total`,
    /// `kubeproxy_sync_proxy_rules_duration_seconds`), use gauges as they are (or `deriv()`,
    /// `delta()`), and alert on drops with `node_nf_conntrack_stat_drop` and
    /// `node_nf_conntrack_stat_early_drop`, or on kube-proxy itself with KP8xx's metrics.
    ///
    /// ## References
    /// - prometheus/node_exporter collector/ipvs_linux.go (`node_ipvs_*`, from
    ///   /proc/net/ip_vs_stats)
    /// - kubernetes/kubernetes pkg/proxy/metrics/metrics.go (types; `DeprecatedVersion:
    ///   "1.14.0"` of `sync_proxy_rules_latency_microseconds`)
    /// - kubernetes/kubernetes CHANGELOG-1.14.md (the `_microseconds` → `_duration_seconds`
    ///   renames)
    /// - shared/knowledge/kube-proxy.md §9.2, §9.4
    pub static RULE = {
        code: "KP610",
        name: "alert-on-wrong-proxy-metric",
        category: Network,
        severity: Warning,
        summary: "a Prometheus rule uses a kube-proxy or IPVS metric that does not exist, rates a gauge, or takes IPVS in − out for drops",
    }
}

/// Names no exporter publishes, and what to use instead.
const WRONG_NAMES: &[(&str, &str)] = &[
    (
        "ipvs_incoming_packets_total",
        "node_ipvs_incoming_packets_total",
    ),
    (
        "ipvs_outgoing_packets_total",
        "node_ipvs_outgoing_packets_total",
    ),
    (
        "ipvs_incoming_bytes_total",
        "node_ipvs_incoming_bytes_total",
    ),
    (
        "ipvs_outgoing_bytes_total",
        "node_ipvs_outgoing_bytes_total",
    ),
    ("ipvs_connections_total", "node_ipvs_connections_total"),
    (
        "ipvs_connections_active",
        "node_ipvs_backend_connections_active",
    ),
    (
        "ipvs_backend_connections_active",
        "node_ipvs_backend_connections_active",
    ),
    (
        "ipvs_backend_connections_inactive",
        "node_ipvs_backend_connections_inactive",
    ),
    ("ipvs_backend_weight", "node_ipvs_backend_weight"),
    (
        "kubeproxy_sync_proxy_rules_latency_microseconds",
        "kubeproxy_sync_proxy_rules_duration_seconds",
    ),
];

/// kube-proxy's gauges (pkg/proxy/metrics/metrics.go), two of them named `_total`.
pub const GAUGES: &[&str] = &[
    "kubeproxy_sync_proxy_rules_no_local_endpoints_total",
    "kubeproxy_sync_proxy_rules_iptables_total",
    "kubeproxy_sync_proxy_rules_iptables_last",
    "kubeproxy_sync_proxy_rules_endpoint_changes_pending",
    "kubeproxy_sync_proxy_rules_service_changes_pending",
    "kubeproxy_sync_proxy_rules_last_timestamp_seconds",
    "kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds",
];

/// Identifiers of a PromQL expression outside string literals, with their byte offsets.
fn tokens(expr: &str) -> Vec<(usize, &str)> {
    let b = expr.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'"' || c == b'\'' || c == b'`' {
            // Skip the string (PromQL escapes with a backslash in "…" and '…').
            i += 1;
            while i < b.len() && b[i] != c {
                if b[i] == b'\\' && c != b'`' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
        } else if c.is_ascii_alphabetic() || c == b'_' || c == b':' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b':') {
                i += 1;
            }
            out.push((start, &expr[start..i]));
        } else if c.is_ascii_digit() {
            // A number or duration (`5m`, `1e3`): not a name.
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    out
}

/// A histogram's or summary's series name without its suffix.
fn family(name: &str) -> &str {
    ["_bucket", "_sum", "_count"]
        .iter()
        .find_map(|s| name.strip_suffix(s))
        .unwrap_or(name)
}

/// The function whose argument starts at `offset` (`rate` in `rate(x[5m])`), if any.
fn called_by(expr: &str, offset: usize) -> Option<&str> {
    let before = expr[..offset].trim_end().strip_suffix('(')?.trim_end();
    let start = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    Some(&before[start..])
}

/// Where `name` is written inside the rule's `expr` value (the first occurrence as a whole
/// word), else the whole value.
fn locate(text: &str, rule: &AlertRule, name: &str) -> Span {
    let Some(raw) = text.get(rule.span.start..rule.span.end) else {
        return rule.span;
    };
    let mut from = 0;
    while let Some(i) = raw[from..].find(name) {
        let at = from + i;
        let end = at + name.len();
        let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b':';
        let before_ok = at == 0 || !word(raw.as_bytes()[at - 1]);
        let after_ok = end == raw.len() || !word(raw.as_bytes()[end]);
        if before_ok && after_ok {
            return Span::new(rule.span.start + at, rule.span.start + end);
        }
        from = end;
    }
    rule.span
}

pub fn check(cx: &mut FileCtx<'_>) {
    for rule in &cx.file.alert_rules {
        let toks = tokens(&rule.expr);
        let mut said: Vec<&str> = Vec::new();
        let mut push = |f: Finding| {
            cx.findings
                .push(f.document(rule.document, rule.describe.clone()));
        };
        for &(offset, name) in &toks {
            if said.contains(&name) {
                continue;
            }
            let fam = family(name);
            if let Some((_, right)) = WRONG_NAMES.iter().find(|(w, _)| *w == fam) {
                said.push(name);
                let suffix = &name[fam.len()..];
                push(
                    Finding::new(
                        &RULE,
                        format!(
                            "{} `{}`: no exporter publishes {name}, so the expression selects nothing and never fires",
                            kind_of(rule),
                            rule.name
                        ),
                    )
                    .at(locate(&cx.file.text, rule, name))
                    .label("no such metric")
                    .help(format!("use {right}{suffix}")),
                );
                continue;
            }
            if GAUGES.contains(&name) {
                if let Some(f @ ("rate" | "irate" | "increase")) = called_by(&rule.expr, offset) {
                    said.push(name);
                    push(
                        Finding::new(
                            &RULE,
                            format!(
                                "{} `{}` takes {f}() of {name}, a gauge: every decrease is read as a counter reset",
                                kind_of(rule),
                                rule.name
                            ),
                        )
                        .at(locate(&cx.file.text, rule, name))
                        .label("a gauge")
                        .help(format!(
                            "use {name} as it is (or delta()/deriv() for its change)"
                        )),
                    );
                }
            }
        }
        // IPVS "drops": incoming minus outgoing packets.
        let pos = |suffix: &str| {
            toks.iter()
                .find(|(_, t)| t.ends_with(suffix) && t.contains("ipvs_"))
                .map(|(o, t)| (*o, *t))
        };
        if let (Some((i, inc)), Some((o, _))) = (
            pos("ipvs_incoming_packets_total"),
            pos("ipvs_outgoing_packets_total"),
        ) {
            let (a, b) = if i < o { (i, o) } else { (o, i) };
            if rule.expr[a..b].contains('-') {
                push(
                    Finding::new(
                        &RULE,
                        format!(
                            "{} `{}` subtracts IPVS outgoing from incoming packets: that is the asymmetry of requests and replies, not dropped packets",
                            kind_of(rule),
                            rule.name
                        ),
                    )
                    .at(locate(&cx.file.text, rule, inc))
                    .label("incoming − outgoing is not a drop count")
                    .help("IPVS exports no drop counter: alert on node_nf_conntrack_stat_drop/_early_drop, or on backend health (node_ipvs_backend_connections_*)"),
                );
            }
        }
    }
}

fn kind_of(rule: &AlertRule) -> &'static str {
    if rule.alert {
        "alert"
    } else {
        "recording rule"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_skip_strings_and_numbers() {
        let t: Vec<&str> = tokens(r#"rate(x_total{job="ipvs_incoming_packets_total"}[5m]) > 1e3"#)
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        assert_eq!(t, ["rate", "x_total", "job"]);
    }

    #[test]
    fn called_by_finds_the_function() {
        let e = "sum(rate( kubeproxy_sync_proxy_rules_iptables_total[5m]))";
        let at = e.find("kubeproxy").unwrap();
        assert_eq!(called_by(e, at), Some("rate"));
        assert_eq!(called_by("max(x)", 4), Some("max"));
        assert_eq!(called_by("x", 0), None);
    }
}
