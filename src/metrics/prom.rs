//! A Prometheus server's HTTP API (`/api/v1/query`): one instant query per reading, across all
//! nodes, with counters and histograms taken over `--prometheus-window`.
//!
//! Which instances are kube-proxy: those that report
//! `kubeproxy_sync_proxy_rules_last_timestamp_seconds` (client-go metrics such as
//! `rest_client_*` are exported by every component, so they are joined on those instances).
//! Nodes are named by a `node` label where the scrape configuration adds one, else by the
//! `instance` label without its port, so that kube-proxy (`:10249`) and node_exporter
//! (`:9100`) on the same host are one node.

use std::sync::Arc;
use std::time::Instant;

use serde::Deserialize;

use super::fetch::{self, FetchOptions};
use super::{
    At, ClusterCounts, Evidence, Fact, Node, Problem, ProblemKind, Signal, Source, SourceKind,
};

/// Whether `w` is a PromQL duration (`1h`, `30m`, `1h30m`, `7d`) that a range may have: units
/// from the largest down, each once, and more than zero in all (Prometheus rejects `1m1h` as
/// "not a valid duration string" and `0s` as "duration must be greater than 0").
pub fn valid_window(w: &str) -> bool {
    const UNITS: [&str; 7] = ["y", "w", "d", "h", "m", "s", "ms"];
    let mut rest = w;
    if rest.is_empty() {
        return false;
    }
    let mut next_unit = 0;
    let mut nonzero = false;
    while !rest.is_empty() {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        nonzero |= rest[..digits].bytes().any(|b| b != b'0');
        rest = &rest[digits..];
        // `ms` before `m` and `s`, so that `500ms` is not read as minutes.
        let unit = ["ms", "s", "m", "h", "d", "w", "y"]
            .into_iter()
            .find(|u| rest.starts_with(u));
        let Some(u) = unit else { return false };
        let Some(i) = UNITS.iter().position(|x| *x == u) else {
            return false;
        };
        if i < next_unit {
            return false;
        }
        next_unit = i + 1;
        rest = &rest[u.len()..];
    }
    nonzero
}

const KP: &str = "kubeproxy_sync_proxy_rules_last_timestamp_seconds";

/// The queries behind each reading (`{W}` is the window).
pub fn queries() -> Vec<(Signal, String)> {
    let hq = |metric: &str, join: bool| {
        let inner = format!("rate({metric}_bucket[{{W}}])");
        let inner = if join {
            format!("{inner} and on (instance) {KP}")
        } else {
            inner
        };
        // By IP family too (1.33+): the worse family counts, as on a page; summed, a slow
        // IPv6 sync would hide among fast IPv4 ones.
        format!("histogram_quantile(0.99, sum by (instance, ip_family, le) ({inner}))")
    };
    vec![
        (
            Signal::SyncP99,
            hq("kubeproxy_sync_proxy_rules_duration_seconds", false),
        ),
        (
            Signal::NetworkProgrammingP99,
            hq("kubeproxy_network_programming_duration_seconds", false),
        ),
        (
            Signal::SyncPending,
            "max by (instance) ((time() - kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds) and (kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds > kubeproxy_sync_proxy_rules_last_timestamp_seconds))".into(),
        ),
        (
            Signal::RateLimiterP99,
            hq("rest_client_rate_limiter_duration_seconds", true),
        ),
        (
            Signal::Throttled429,
            format!("sum by (instance) (increase(rest_client_requests_total{{code=\"429\"}}[{{W}}]) and on (instance) {KP})"),
        ),
        (Signal::ConntrackEntries, "max by (instance) (node_nf_conntrack_entries)".into()),
        (Signal::ConntrackLimit, "max by (instance) (node_nf_conntrack_entries_limit)".into()),
        (
            Signal::ConntrackDrops,
            // One increase() per metric: over a `{__name__=~…}` selector the two series lose
            // their names and collide (Prometheus answers 422).
            "(sum by (instance) (increase(node_nf_conntrack_stat_drop[{W}])) + sum by (instance) (increase(node_nf_conntrack_stat_early_drop[{W}]))) or sum by (instance) (increase(node_nf_conntrack_stat_drop[{W}]))".into(),
        ),
        (
            Signal::IptablesRules,
            "sum by (instance) (kubeproxy_sync_proxy_rules_iptables_total)".into(),
        ),
        (
            Signal::CtInvalidDropped,
            "sum by (instance) (increase(kubeproxy_iptables_ct_state_invalid_dropped_packets_total[{W}]))".into(),
        ),
        (
            Signal::SyncFailures,
            "sum by (instance) (increase(kubeproxy_sync_proxy_rules_iptables_restore_failures_total[{W}])) or sum by (instance) (increase(kubeproxy_sync_proxy_rules_nftables_sync_failures_total[{W}]))".into(),
        ),
        (
            Signal::IpvsVirtualServers,
            "count by (instance) (count by (instance, local_address, local_port, proto) (node_ipvs_backend_weight))".into(),
        ),
        (
            Signal::Cores,
            "count by (instance) (node_cpu_seconds_total{mode=\"idle\"})".into(),
        ),
    ]
}

#[derive(Debug, Deserialize)]
struct Reply {
    status: String,
    #[serde(default)]
    data: Option<Data>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Data {
    #[serde(rename = "resultType")]
    result_type: String,
    result: serde_json::Value,
}

/// One series of an instant vector: its labels and value.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub labels: Vec<(String, String)>,
    pub value: f64,
}

impl Series {
    fn label(&self, k: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
    }
}

/// Decode an API reply into an instant vector (a scalar becomes one series without labels).
pub fn decode(body: &str) -> Result<Vec<Series>, String> {
    let reply: Reply = serde_json::from_str(body)
        .map_err(|e| format!("not a Prometheus API reply (JSON: {e})"))?;
    if reply.status != "success" {
        return Err(format!(
            "Prometheus answered {}: {}",
            reply.status,
            reply.error.unwrap_or_default()
        ));
    }
    let data = reply.data.ok_or("a Prometheus API reply without data")?;
    let value = |v: &serde_json::Value| -> Option<f64> {
        let s = v.as_array()?.get(1)?.as_str()?;
        super::text::parse_value(s)
    };
    match data.result_type.as_str() {
        "vector" => {
            let items = data
                .result
                .as_array()
                .ok_or("a vector result that is not a list")?;
            let mut out = Vec::new();
            for it in items {
                let labels = it
                    .get("metric")
                    .and_then(|m| m.as_object())
                    .map(|m| {
                        m.iter()
                            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                            .collect()
                    })
                    .unwrap_or_default();
                if let Some(v) = it.get("value").and_then(value) {
                    out.push(Series { labels, value: v });
                }
            }
            Ok(out)
        }
        "scalar" => Ok(value(&data.result)
            .map(|v| Series {
                labels: Vec::new(),
                value: v,
            })
            .into_iter()
            .collect()),
        other => Err(format!(
            "a {other} result where an instant vector was expected"
        )),
    }
}

/// The node a series is about.
pub fn node_name(s: &Series) -> Option<String> {
    if let Some(n) = s.label("node") {
        return Some(n.to_string());
    }
    let inst = s.label("instance")?;
    // host:port, [v6]:port, or a bare host
    let host = if let Some(rest) = inst.strip_prefix('[') {
        rest.split(']').next().unwrap_or(rest)
    } else if inst.matches(':').count() == 1 {
        inst.split(':').next().unwrap_or(inst)
    } else {
        inst
    };
    Some(host.to_string())
}

/// Query a Prometheus server and add what it says to `ev`.
pub fn collect(ev: &mut Evidence, base: &str, window: &str, opts: &FetchOptions) {
    let name = fetch::redact(base);
    let idx = ev.sources.len();
    ev.sources.push(Source {
        name: name.clone(),
        kind: SourceKind::Prometheus {
            window: window.to_string(),
        },
        text: None,
        taken_at: None,
    });
    let start = Instant::now();
    // The API under the base's path (`https://host/prometheus/api/v1/query`), keeping a query
    // string the base may carry (an API key for a gateway) in the query, not in the path.
    let endpoint = match reqwest::Url::parse(base) {
        Ok(mut u) => {
            let path = format!("{}/api/v1/query", u.path().trim_end_matches('/'));
            u.set_path(&path);
            u.set_fragment(None);
            u.to_string()
        }
        Err(_) => format!("{}/api/v1/query", base.trim_end_matches('/')),
    };
    const GAVE_UP: &str = "gave up: the queries took longer than 4 × --timeout in all";
    let budget = opts.timeout.saturating_mul(4);
    let run = |q: &str| -> Result<Vec<Series>, String> {
        let spent = start.elapsed();
        if spent >= budget {
            return Err(GAVE_UP.into());
        }
        // The last query gets what is left of the budget, not a whole --timeout more.
        let left = budget - spent;
        let mut url = reqwest::Url::parse(&endpoint).map_err(|e| format!("not a URL: {e}"))?;
        url.query_pairs_mut().append_pair("query", q);
        let got = fetch::get(
            url.as_str(),
            "application/json",
            &["application/json"],
            &FetchOptions {
                timeout: opts.timeout.min(left),
                ..opts.clone()
            },
        )
        .map_err(|e| {
            if left < opts.timeout && start.elapsed() >= budget {
                GAVE_UP.to_string()
            } else {
                e
            }
        })?;
        decode(&got.body)
    };
    let gave_up = std::cell::Cell::new(false);
    let fail = |ev: &mut Evidence, q: &str, e: String| {
        // Once out of time, every query left would say so: say it once.
        if e == GAVE_UP && gave_up.replace(true) {
            return;
        }
        ev.problems.push(Problem {
            source: idx,
            kind: ProblemKind::Unavailable,
            message: format!("query `{q}`: {e}"),
            span: None,
        });
    };
    // First: which instances are kube-proxy. A server that cannot answer this is reported once.
    let count_q = format!("count(group by (instance) ({KP}))");
    match run(&count_q) {
        Err(e) => return fail(ev, &count_q, e),
        Ok(v) if v.is_empty() => ev.problems.push(Problem {
            source: idx,
            kind: ProblemKind::NotRecognised,
            message: format!(
                "the server has no kube-proxy metrics ({KP}); is kube-proxy's :10249/metrics scraped? The node_exporter readings are still used"
            ),
            span: None,
        }),
        Ok(v) => {
            if let Some(s) = v.first() {
                ev.cluster.nodes = Some(super::Reading {
                    value: s.value,
                    at: At::Query {
                        source: idx,
                        query: count_q.clone(),
                    },
                    series: None,
                });
            }
        }
    }
    let mut nodes: Vec<Node> = Vec::new();
    let node_mut = |nodes: &mut Vec<Node>, name: String| -> usize {
        match nodes.iter().position(|n| n.name == name) {
            Some(i) => i,
            None => {
                nodes.push(Node::new(name, idx));
                nodes.len() - 1
            }
        }
    };
    for (signal, q) in queries() {
        let q = q.replace("{W}", window);
        let series = match run(&q) {
            Ok(s) => s,
            Err(e) => {
                fail(ev, &q, e);
                continue;
            }
        };
        for s in series {
            let Some(n) = node_name(&s) else { continue };
            let i = node_mut(&mut nodes, n);
            let at = At::Query {
                source: idx,
                query: q.clone(),
            };
            let series = s.label("ip_family").map(|f| format!("ip_family={f:?}"));
            nodes[i].max(signal, s.value, at.clone(), series);
            match signal {
                Signal::ConntrackEntries
                | Signal::ConntrackLimit
                | Signal::Cores
                | Signal::IpvsVirtualServers => nodes[i].node_exporter = true,
                Signal::IptablesRules => {
                    nodes[i].kube_proxy = true;
                    nodes[i].mode = Some(Fact {
                        value: "iptables".into(),
                        at,
                    });
                }
                Signal::SyncP99 | Signal::SyncPending | Signal::SyncFailures => {
                    nodes[i].kube_proxy = true
                }
                _ => {}
            }
        }
    }
    // Kernel and version (labels, not values).
    for (q, kernel) in [
        ("node_uname_info".to_string(), true),
        (
            format!("kubernetes_build_info and on (instance) {KP}"),
            false,
        ),
    ] {
        match run(&q) {
            Err(e) => fail(ev, &q, e),
            Ok(series) => {
                for s in series {
                    let (Some(n), Some(v)) = (
                        node_name(&s),
                        s.label(if kernel { "release" } else { "git_version" }),
                    ) else {
                        continue;
                    };
                    let v = v.to_string();
                    let i = node_mut(&mut nodes, n);
                    let fact = Some(Fact {
                        value: v,
                        at: At::Query {
                            source: idx,
                            query: q.clone(),
                        },
                    });
                    if kernel {
                        nodes[i].kernel = fact;
                        nodes[i].node_exporter = true;
                    } else {
                        nodes[i].kubernetes_version = fact;
                        nodes[i].kube_proxy = true;
                    }
                }
            }
        }
    }
    // Cluster-wide counts from kube-state-metrics, when it is there (absence is fine).
    let mut counts = ClusterCounts {
        nodes: ev.cluster.nodes.take(),
        ..ClusterCounts::default()
    };
    for (q, slot) in [
        ("count(kube_service_info)", 0),
        (
            "sum(kube_endpoint_address{ready=\"true\"}) or sum(kube_endpoint_address_available)",
            1,
        ),
    ] {
        if let Ok(series) = run(q) {
            if let Some(s) = series.first() {
                let r = Some(super::Reading {
                    value: s.value,
                    at: At::Query {
                        source: idx,
                        query: q.to_string(),
                    },
                    series: None,
                });
                if slot == 0 {
                    counts.services = r;
                } else {
                    counts.endpoints = r;
                }
            }
        }
    }
    ev.cluster = counts;
    nodes.sort_by(|a, b| a.name.cmp(&b.name));
    ev.nodes.extend(nodes);
    if let Some(src) = ev.sources.get_mut(idx) {
        src.taken_at = Some(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64()),
        );
        src.text = None::<Arc<str>>;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows() {
        for w in ["1h", "30m", "1h30m", "7d", "500ms", "0h1m", "1d2h3m4s5ms"] {
            assert!(valid_window(w), "{w}");
        }
        for w in [
            "",
            "h",
            "1",
            "1x",
            "-1h",
            "1h ",
            "0s",
            "00m",
            "1m1h",
            "1h1h",
            "1s500ms1m",
        ] {
            assert!(!valid_window(w), "{w}");
        }
    }

    #[test]
    fn decode_vector_scalar_and_errors() {
        let v = decode(r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":"10.0.0.7:10249"},"value":[1.7e9,"0.25"]},{"metric":{"instance":"x"},"value":[1.7e9,"NaN"]}]}}"#).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].value, 0.25);
        assert!(v[1].value.is_nan());
        assert_eq!(node_name(&v[0]).as_deref(), Some("10.0.0.7"));
        let s =
            decode(r#"{"status":"success","data":{"resultType":"scalar","result":[1.7e9,"3"]}}"#)
                .unwrap();
        assert_eq!(s[0].value, 3.0);
        let e = decode(r#"{"status":"error","errorType":"bad_data","error":"parse error"}"#)
            .unwrap_err();
        assert!(e.contains("parse error"), "{e}");
        assert!(
            decode("<html>")
                .unwrap_err()
                .contains("not a Prometheus API reply")
        );
    }

    #[test]
    fn histogram_quantiles_keep_ip_families_apart() {
        for (signal, q) in queries() {
            if q.starts_with("histogram_quantile") {
                assert!(
                    q.contains("sum by (instance, ip_family, le)"),
                    "{signal:?}: {q}"
                );
            }
        }
    }

    #[test]
    fn node_names() {
        let s = |k: &str, v: &str| Series {
            labels: vec![(k.into(), v.into())],
            value: 1.0,
        };
        assert_eq!(
            node_name(&s("instance", "[fd00::1]:9100")).as_deref(),
            Some("fd00::1")
        );
        assert_eq!(
            node_name(&s("instance", "node-a")).as_deref(),
            Some("node-a")
        );
        assert_eq!(
            node_name(&s("node", "worker-3")).as_deref(),
            Some("worker-3")
        );
    }
}
