//! KP815.
use super::{Judge, Verdict};
use crate::metrics::Signal;

crate::declare_rule! {
    /// ## What it does
    /// Reports a node whose conntrack table is more than 75 % full
    /// (`node_nf_conntrack_entries / node_nf_conntrack_entries_limit`, from node_exporter),
    /// and suggests a `conntrack.maxPerCore` that would leave it half full.
    ///
    /// ## Why it matters
    /// When the table is full the kernel drops new connections ("nf_conntrack: table full,
    /// dropping packet"). kube-proxy sizes the table at start-up: `nf_conntrack_max =
    /// max(maxPerCore × cores, min)` (capped at 1,048,576 since 1.36); with `maxPerCore: 0` it
    /// leaves the sysctl alone. 75 % is the threshold of node-mixin's
    /// `NodeHighNumberConntrackEntriesUsed` alert.
    ///
    /// ## Example
    /// ```text
    /// node_nf_conntrack_entries 118000
    /// node_nf_conntrack_entries_limit 131072
    /// ```
    ///
    /// ## How to fix
    /// ```yaml
    /// conntrack:
    ///   maxPerCore: 65536
    /// ```
    /// or find what opens so many connections (KP816 reports drops).
    ///
    /// ## References
    /// - kubernetes/kubernetes cmd/kube-proxy/app/conntrack.go (sizing)
    /// - prometheus/node_exporter collector/conntrack_linux.go; docs/node-mixin alerts
    ///   (`NodeHighNumberConntrackEntriesUsed`, > 0.75)
    pub static RULE = {
        code: "KP815",
        name: "conntrack-table-nearly-full",
        category: Metrics,
        severity: Warning,
        summary: "a node's conntrack table is more than 75 % full",
        fix: Unsafe,
    }
}

pub fn judge(j: &Judge<'_>) -> Option<Verdict> {
    let entries = j.node.get(Signal::ConntrackEntries)?;
    let limit = j.node.get(Signal::ConntrackLimit)?;
    if limit.value <= 0.0 {
        return None;
    }
    let ratio = entries.value / limit.value;
    if ratio <= j.t.conntrack_usage_ratio {
        return None;
    }
    let want = (entries.value / j.t.conntrack_target_ratio).ceil();
    let cap = j.kb.tuning.conntrack.max_cap as f64;
    let mut set = Vec::new();
    let help = match (j.view.max_per_core, j.node.get(Signal::Cores)) {
        (Some(0), _) => format!(
            "conntrack.maxPerCore is 0, so kube-proxy leaves nf_conntrack_max alone: raise the node's net.netfilter.nf_conntrack_max to at least {want:.0}"
        ),
        (_, Some(cores)) if cores.value > 0.0 => {
            let per_core = (want / cores.value / 8192.0).ceil() * 8192.0;
            let asked = j.view.max_per_core.unwrap_or(0) as f64;
            if asked >= per_core {
                // Without a configuration the value is kube-proxy's default, asked by nobody.
                let asks = if j.view.from_config {
                    "the configuration asks for"
                } else {
                    "kube-proxy's default is"
                };
                return Some(Verdict {
                    rule: &RULE,
                    message: format!(
                        "the conntrack table is {:.0} % full ({:.0} of {:.0} entries) although {asks} conntrack.maxPerCore {asked:.0}",
                        ratio * 100.0,
                        entries.value,
                        limit.value
                    ),
                    help: format!(
                        "the node's table ({:.0}) is smaller than {} ({:.0} on {} cores): {}find what caps the table (kube-proxy's cap of {cap:.0} since 1.36, a sysctl set after kube-proxy starts)",
                        limit.value,
                        if j.view.from_config {
                            "the configuration asks for"
                        } else {
                            "kube-proxy's default gives"
                        },
                        asked * cores.value,
                        cores.value,
                        if j.view.from_config {
                            "roll the configuration out, or "
                        } else {
                            ""
                        },
                    ),
                    path: Some("conntrack.maxPerCore".into()),
                    label: format!("conntrack table {:.0} % full", ratio * 100.0),
                    at: entries.at.clone(),
                    score: ratio,
                    set: Vec::new(),
                });
            }
            if j.view.max_per_core.is_some() {
                set.push(("conntrack.maxPerCore".to_string(), format!("{per_core:.0}")));
            }
            format!(
                "raise conntrack.maxPerCore to {per_core:.0} ({} cores → a table of {:.0}, about half full){}",
                cores.value,
                (per_core * cores.value).min(cap),
                if per_core * cores.value > cap {
                    format!(
                        "; kube-proxy caps the table at {cap:.0} since 1.36, set the sysctl on the node beyond that"
                    )
                } else {
                    String::new()
                }
            )
        }
        _ => format!(
            "raise conntrack.maxPerCore (or conntrack.min) so that nf_conntrack_max is at least {want:.0}; give node_exporter's page for the core count"
        ),
    };
    Some(Verdict {
        rule: &RULE,
        message: format!(
            "the conntrack table is {:.0} % full ({:.0} of {:.0} entries)",
            ratio * 100.0,
            entries.value,
            limit.value
        ),
        help,
        path: Some("conntrack.maxPerCore".into()),
        label: format!("conntrack table {:.0} % full", ratio * 100.0),
        at: entries.at.clone(),
        score: ratio,
        set,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{At, Node, Reading};
    use crate::rules::metrics::View;

    #[test]
    fn a_small_table_against_the_defaults_names_no_configuration() {
        let kb = crate::kb::kb();
        let at = At::Line {
            source: 0,
            line: 1,
            span: crate::source::yaml::Span::new(0, 1),
        };
        let reading = |value: f64| Reading {
            value,
            at: at.clone(),
            series: None,
        };
        // 64 cores: the default 32768 per core asks for 2 Mi entries; the table has 131072.
        let node = Node {
            name: "node-a.prom".into(),
            source: 0,
            readings: [
                (Signal::ConntrackEntries, reading(120_000.0)),
                (Signal::ConntrackLimit, reading(131_072.0)),
                (Signal::Cores, reading(64.0)),
            ]
            .into_iter()
            .collect(),
            kernel: None,
            kubernetes_version: None,
            mode: None,
            kube_proxy: false,
            node_exporter: true,
        };
        let v = crate::rules::metrics::judge_one(judge, &node, &View::defaults(kb)).unwrap();
        assert!(!v.message.contains("configuration"), "{}", v.message);
        assert!(!v.help.contains("configuration asks"), "{}", v.help);
        assert!(v.set.is_empty());
    }
}
