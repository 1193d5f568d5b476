//! KP8xx: what live metrics say (`--metrics`, `--prometheus`; docs/metrics.md). Each rule judges
//! one node's readings against the configuration being linted (or kube-proxy's defaults when
//! only metrics are given) and says which node, what was measured and where it was read.

pub mod apiserver_throttling;
pub mod client_rate_limited;
pub mod conntrack_drops;
pub mod conntrack_full;
pub mod ct_invalid_drops;
pub mod iptables_rules_many;
pub mod network_programming_slow;
pub mod not_recognised;
pub mod running_mode;
pub mod sync_failures;
pub mod sync_slow;
pub mod sync_stuck;
pub mod unavailable;

use crate::diagnostic::Finding;
use crate::kb::{Kb, MetricsTuning};
use crate::metrics::{At, Evidence, Node, ProblemKind};
use crate::rules::{Ctx, Rule};

/// The settings the metrics are judged against: the configuration's effective values, or
/// kube-proxy's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    /// The proxy mode after defaulting (`iptables` when unset, on Linux).
    pub mode: String,
    /// Whether the mode is written in the configuration (else it is the default).
    pub mode_written: bool,
    /// The section whose sync periods apply (`iptables`, `ipvs`, `nftables`).
    pub section: &'static str,
    /// Effective minSyncPeriod and syncPeriod, in seconds.
    pub min_sync: Option<f64>,
    pub sync: Option<f64>,
    pub qps: f64,
    pub burst: i64,
    /// Effective conntrack.maxPerCore and conntrack.min (None when the value is invalid).
    pub max_per_core: Option<i64>,
    pub conntrack_min: Option<i64>,
    /// `conntrack.tcpBeLiberal: true` in the configuration.
    pub tcp_be_liberal: bool,
    /// Judged against a configuration (findings go to its fields) or defaults (to the metrics).
    pub from_config: bool,
}

fn secs(ns: Option<i128>) -> Option<f64> {
    ns.map(|n| n as f64 / 1e9)
}

impl View {
    /// kube-proxy's defaults, for metrics given without a configuration.
    pub fn defaults(kb: &Kb) -> View {
        let d = |p: &str| {
            kb.field(p)
                .and_then(|f| f.default.as_deref())
                .and_then(crate::go::parse_duration)
        };
        let t = &kb.tuning;
        View {
            mode: "iptables".into(),
            mode_written: false,
            section: "iptables",
            min_sync: secs(d("iptables.minSyncPeriod")),
            sync: secs(d("iptables.syncPeriod")),
            qps: t.client.default_qps,
            burst: t.client.default_burst,
            max_per_core: Some(t.conntrack.default_max_per_core),
            conntrack_min: Some(t.conntrack.default_min),
            tcp_be_liberal: false,
            from_config: false,
        }
    }

    pub fn from_ctx(cx: &Ctx<'_>) -> View {
        let t = &cx.kb.tuning;
        let section = cx.active_section();
        let int_or = |p: &str, d: i64| match cx.value(p) {
            None | Some(serde_json::Value::Null) => Some(d),
            Some(v) => v.as_i64(),
        };
        View {
            mode: match cx.mode() {
                "" => "iptables".to_string(),
                m => m.to_string(),
            },
            mode_written: !cx.mode().is_empty(),
            section,
            min_sync: secs(cx.effective_duration(&format!("{section}.minSyncPeriod"))),
            sync: secs(cx.effective_duration(&format!("{section}.syncPeriod"))),
            qps: cx
                .value("clientConnection.qps")
                .and_then(serde_json::Value::as_f64)
                .filter(|q| *q > 0.0)
                .unwrap_or(t.client.default_qps),
            burst: cx
                .int("clientConnection.burst")
                .filter(|b| *b > 0)
                .unwrap_or(t.client.default_burst),
            max_per_core: int_or("conntrack.maxPerCore", t.conntrack.default_max_per_core),
            conntrack_min: int_or("conntrack.min", t.conntrack.default_min),
            tcp_be_liberal: cx
                .value("conntrack.tcpBeLiberal")
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false),
            from_config: true,
        }
    }
}

/// One rule's `judge` on a node against a view, with no other evidence (for rule tests).
#[cfg(test)]
pub(crate) fn judge_one(
    judge: fn(&Judge<'_>) -> Option<Verdict>,
    node: &Node,
    view: &View,
) -> Option<Verdict> {
    let kb = crate::kb::kb();
    judge(&Judge {
        node,
        view,
        ev: &Evidence::default(),
        t: &kb.tuning.metrics,
        kb,
    })
}

/// What a rule concludes about one node.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub rule: &'static Rule,
    pub message: String,
    pub help: String,
    /// The configuration field the advice is about (located there when it is written).
    pub path: Option<String>,
    /// The label at the field, or at the metric line.
    pub label: String,
    /// Where the evidence was read.
    pub at: At,
    /// How bad (for picking the worst node): the measured value, in the rule's unit.
    pub score: f64,
    /// What the advice sets, as (field path, YAML value): applied by `--fix --unsafe-fixes`
    /// and `kp-lint recommend`. Only values that differ from the configuration's, so that a
    /// second fix changes nothing although the measurement stays.
    pub set: Vec<(String, String)>,
}

/// Everything a node-judging rule gets.
pub struct Judge<'a> {
    pub node: &'a Node,
    pub view: &'a View,
    pub ev: &'a Evidence,
    pub t: &'a MetricsTuning,
    pub kb: &'a Kb,
}

impl Judge<'_> {
    /// "in the last 1h" for a Prometheus window, "since it started" for a page.
    pub fn period(&self, at: &At, since: &str) -> String {
        match self.ev.windowed(at) {
            Some(w) => format!("in the last {w}"),
            None => format!("since {since} started"),
        }
    }
}

/// Metric findings for one configuration: one per rule, at the field the advice is about, for
/// the worst node, saying how many nodes show it.
pub fn check_config(cx: &mut Ctx<'_>, ev: &Evidence) {
    let view = View::from_ctx(cx);
    let verdicts = crate::rules::judge_metrics(ev, &view, cx.kb);
    for (v, count, node) in worst_per_rule(verdicts) {
        let others = if count > 1 {
            format!(" (the worst of {count} nodes)")
        } else {
            String::new()
        };
        let message = format!("{}{others}", v.message);
        let f = match &v.path {
            Some(p) => cx.at_field_or_doc(v.rule, p, message, &v.label),
            None => cx.at_doc(v.rule, message),
        };
        let measured = if ev
            .sources
            .get(v.at.source())
            .is_some_and(|s| s.name == node)
        {
            format!("measured at {}", ev.describe(&v.at))
        } else {
            format!("measured on {node}: {}", ev.describe(&v.at))
        };
        let f = f.help(format!("{}\n{measured}", v.help));
        let fix = fix_for(cx, &v);
        cx.findings.push(f.with_fix(fix));
    }
}

/// One verdict per rule: the worst node's (highest score), with how many nodes show it and the
/// worst node's name.
pub fn worst_per_rule(verdicts: Vec<(String, Verdict)>) -> Vec<(Verdict, usize, String)> {
    let mut by_rule: Vec<(Verdict, usize, String)> = Vec::new();
    for (node, v) in verdicts {
        match by_rule
            .iter_mut()
            .find(|(b, _, _)| b.rule.code == v.rule.code)
        {
            Some(slot) => {
                slot.1 += 1;
                if v.score > slot.0.score {
                    slot.0 = v;
                    slot.2 = node;
                }
            }
            None => by_rule.push((v, 1, node)),
        }
    }
    by_rule
}

/// The unsafe fix that applies a verdict's values (all of them, or none).
fn fix_for(cx: &Ctx<'_>, v: &Verdict) -> Option<crate::fix::Fix> {
    if v.set.is_empty() {
        return None;
    }
    let mut edits: Vec<crate::fix::Edit> = Vec::new();
    let mut said = Vec::new();
    for (path, value) in &v.set {
        let f = cx.fix_set(path, value, crate::fix::Safety::Unsafe, "")?;
        // Edits that meet (two keys inserted at one place, a parent created twice) are not
        // made together: the later one waits for the next round, when the finding comes back
        // with only what is still missing.
        let meets = f.edits.iter().any(|e| {
            edits
                .iter()
                .any(|o| e.span.start <= o.span.end && o.span.start <= e.span.end)
        });
        if meets {
            continue;
        }
        edits.extend(f.edits);
        said.push(format!("{path}: {value}"));
    }
    if edits.is_empty() {
        return None;
    }
    Some(crate::fix::Fix {
        safety: crate::fix::Safety::Unsafe,
        message: format!("set {} (from the metrics)", said.join(", ")),
        edits,
    })
}

/// Findings about the metrics sources themselves, and, when no configuration is linted, the
/// metric findings, each with the index of the source it belongs to.
pub fn source_findings(ev: &Evidence, kb: &Kb, with_verdicts: bool) -> Vec<(usize, Finding)> {
    let mut out = Vec::new();
    for p in &ev.problems {
        let rule = match p.kind {
            ProblemKind::Unavailable => &unavailable::RULE,
            ProblemKind::NotRecognised => &not_recognised::RULE,
        };
        let mut f = Finding::new(rule, p.message.clone()).help(match p.kind {
            ProblemKind::Unavailable => "the static rules still ran; fix the source or leave it out (docs/metrics.md)",
            ProblemKind::NotRecognised => "give kube-proxy's metrics (http://NODE:10249/metrics) or node_exporter's (http://NODE:9100/metrics); see docs/metrics.md",
        });
        if let Some(s) = p.span {
            f = f.at(s).label("here");
        }
        out.push((p.source, f));
    }
    if with_verdicts {
        let view = View::defaults(kb);
        for (node, v) in crate::rules::judge_metrics(ev, &view, kb) {
            let source = v.at.source();
            // A page's node is the page itself: no need to name it again.
            let on = if node == ev.sources[source].name {
                String::new()
            } else {
                format!(" on {node}")
            };
            let mut f = Finding::new(v.rule, format!("{}{on}", v.message)).help(format!(
                "{}\n(judged against kube-proxy's defaults: lint the configuration together with the metrics to judge it against yours)",
                v.help
            ));
            match &v.at {
                At::Line { span, .. } => f = f.at(*span).label(v.label.clone()),
                At::Query { query, .. } => {
                    f.help = Some(format!("{}\nquery: {query}", f.help.unwrap_or_default()))
                }
            }
            out.push((source, f));
        }
    }
    out
}
