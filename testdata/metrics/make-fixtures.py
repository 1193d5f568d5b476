#!/usr/bin/env python3
"""Write the kube-proxy /metrics fixtures of this directory.

kube-proxy cannot run on the test machines, so these pages are synthesised, not recorded: the
metric names, types, HELP texts, label names and histogram buckets follow kubernetes/kubernetes
pkg/proxy/metrics/metrics.go (ip_family labels from 1.33, PR #129173) and component-base's
client-go metrics (metrics/prometheus/restclient/metrics.go); the counts are chosen per scenario.
The node_exporter page `node-exporter-real.prom` is recorded from a real prometheus-node-exporter
(Debian 1.5); `node-exporter-pressure.prom` is that page with conntrack and IPVS values edited.

Run it from this directory after changing a scenario; `promtool check metrics` accepts every page.
"""

SYNC_BUCKETS = [0.001 * 2**i for i in range(15)]  # ExponentialBuckets(0.001, 2, 15)
NETPROG_BUCKETS = [0.25, 0.5] + list(range(1, 60)) + list(range(60, 120, 5)) + list(range(120, 301, 30))
CLIENT_BUCKETS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60]


def fmt(v):
    if isinstance(v, float):
        r = repr(v)
        return r[:-2] if r.endswith(".0") else r
    return str(v)


def labels(d):
    if not d:
        return ""
    return "{" + ",".join(f'{k}="{v}"' for k, v in d.items()) + "}"


class Page:
    def __init__(self):
        self.lines = []

    def family(self, name, kind, help_):
        self.lines.append(f"# HELP {name} {help_}")
        self.lines.append(f"# TYPE {name} {kind}")

    def sample(self, name, value, **lab):
        self.lines.append(f"{name}{labels(lab)} {fmt(value)}")

    def histogram(self, name, help_, bounds, series):
        """series: list of (labels dict, list of observations as (value, count))."""
        self.family(name, "histogram", help_)
        for lab, obs in series:
            total = 0
            s = 0.0
            for b in bounds:
                c = sum(n for v, n in obs if v <= b)
                self.sample(f"{name}_bucket", c, **lab, le=fmt(float(b)) if not isinstance(b, int) else str(b))
            total = sum(n for _, n in obs)
            s = sum(v * n for v, n in obs)
            self.sample(f"{name}_bucket", total, **lab, le="+Inf")
            self.sample(f"{name}_sum", round(s, 6), **lab)
            self.sample(f"{name}_count", total, **lab)

    def text(self):
        return "\n".join(self.lines) + "\n"


def go_process(p, start):
    p.family("go_goroutines", "gauge", "Number of goroutines that currently exist.")
    p.sample("go_goroutines", 87)
    p.family("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.")
    p.sample("process_start_time_seconds", start)


def build_info(p, version):
    minor = version.split(".")[1]
    p.family(
        "kubernetes_build_info",
        "gauge",
        "[ALPHA] A metric with a constant '1' value labeled by major, minor, git version, git commit, git tree state, build date, Go version, and compiler from which Kubernetes was built, and platform on which it is running.",
    )
    p.sample(
        "kubernetes_build_info",
        1,
        build_date="2025-08-12T10:01:02Z",
        compiler="gc",
        git_commit="0123456789abcdef0123456789abcdef01234567",
        git_tree_state="clean",
        git_version=version,
        go_version="go1.24.6",
        major="1",
        minor=minor,
        platform="linux/amd64",
    )


def kube_proxy(version, mode, families, sync_obs, netprog_obs, last, queued, iptables=None,
               restore_failures=0, nft_failures=0, invalid=0, limiter_obs=None, codes=None):
    """families: list of ip_family values, or [None] for releases before 1.33."""
    p = Page()
    go_process(p, last - 86400 * 3)
    fam = lambda f: {"ip_family": f} if f else {}
    p.histogram("kubeproxy_sync_proxy_rules_duration_seconds", "[ALPHA] SyncProxyRules latency in seconds",
                SYNC_BUCKETS, [(fam(f), sync_obs) for f in families])
    if mode == "iptables":
        p.histogram("kubeproxy_sync_partial_proxy_rules_duration_seconds",
                    "[ALPHA] SyncProxyRules latency in seconds for partial resyncs",
                    SYNC_BUCKETS, [(fam(f), sync_obs[:-1] or sync_obs) for f in families])
    p.histogram("kubeproxy_network_programming_duration_seconds",
                "[ALPHA] In Cluster Network Programming Latency in seconds",
                NETPROG_BUCKETS, [(fam(f), netprog_obs) for f in families])
    p.family("kubeproxy_sync_proxy_rules_last_timestamp_seconds", "gauge",
             "[ALPHA] The last time proxy rules were successfully synced")
    for f in families:
        p.sample("kubeproxy_sync_proxy_rules_last_timestamp_seconds", last, **fam(f))
    p.family("kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds", "gauge",
             "[ALPHA] The last time a sync of proxy rules was queued")
    for f in families:
        p.sample("kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds", queued, **fam(f))
    p.family("kubeproxy_sync_proxy_rules_endpoint_changes_pending", "gauge",
             "[ALPHA] Pending proxy rules Endpoint changes")
    for f in families:
        p.sample("kubeproxy_sync_proxy_rules_endpoint_changes_pending", 0, **fam(f))
    p.family("kubeproxy_sync_proxy_rules_no_local_endpoints_total", "gauge",
             "[ALPHA] Number of services with a Local traffic policy and no endpoints")
    for f in families:
        for tp in ["external", "internal"]:
            p.sample("kubeproxy_sync_proxy_rules_no_local_endpoints_total", 0, **fam(f), traffic_policy=tp)
    if mode in ("iptables", "ipvs"):
        p.family("kubeproxy_sync_proxy_rules_iptables_restore_failures_total", "counter",
                 "[ALPHA] Cumulative proxy iptables restore failures")
        for f in families:
            p.sample("kubeproxy_sync_proxy_rules_iptables_restore_failures_total", restore_failures, **fam(f))
    if mode == "iptables":
        p.family("kubeproxy_sync_proxy_rules_iptables_total", "gauge",
                 "[ALPHA] Total number of iptables rules owned by kube-proxy")
        for f in families:
            for table, n in iptables.items():
                p.sample("kubeproxy_sync_proxy_rules_iptables_total", n, **fam(f), table=table)
        p.family("kubeproxy_iptables_ct_state_invalid_dropped_packets_total", "counter",
                 "[ALPHA] packets dropped by iptables to work around conntrack problems")
        p.sample("kubeproxy_iptables_ct_state_invalid_dropped_packets_total", invalid)
    if mode == "nftables":
        p.family("kubeproxy_sync_proxy_rules_nftables_sync_failures_total", "counter",
                 "[ALPHA] Cumulative proxy nftables sync failures")
        for f in families:
            p.sample("kubeproxy_sync_proxy_rules_nftables_sync_failures_total", nft_failures, **fam(f))
    p.family("kubeproxy_proxy_healthz_total", "counter", "[ALPHA] Cumulative proxy healthz HTTP status")
    p.sample("kubeproxy_proxy_healthz_total", 5120, code="200")
    build_info(p, version)
    host = "10.96.0.1:443"
    p.histogram("rest_client_rate_limiter_duration_seconds",
                "[ALPHA] Client side rate limiter latency in seconds. Broken down by verb, and host.",
                CLIENT_BUCKETS, [({"host": host, "verb": "GET"}, limiter_obs or [(0.0001, 420)])])
    p.family("rest_client_requests_total", "counter",
             "[ALPHA] Number of HTTP requests, partitioned by status code, method, and host.")
    for code, n in (codes or {"200": 420}).items():
        p.sample("rest_client_requests_total", n, code=code, host=host, method="GET")
    return p.text()


T = 1764979200  # 2025-12-06T00:00:00Z

pages = {
    "kube-proxy-iptables-healthy.prom": kube_proxy(
        "v1.33.4", "iptables", ["IPv4"],
        sync_obs=[(0.004, 900), (0.02, 95), (0.09, 5)],
        netprog_obs=[(0.4, 700), (1.5, 280), (3.0, 20)],
        last=T, queued=T - 2,
        iptables={"filter": 38, "nat": 1210},
    ),
    "kube-proxy-iptables-troubled.prom": kube_proxy(
        "v1.31.2", "iptables", [None],
        sync_obs=[(0.7, 300), (2.5, 500), (6.5, 200)],
        netprog_obs=[(12.0, 500), (48.0, 400), (95.0, 100)],
        last=T - 600, queued=T - 540,
        iptables={"filter": 1900, "nat": 61240},
        restore_failures=12, invalid=48211,
        limiter_obs=[(0.001, 300), (0.3, 60), (0.9, 40)],
        codes={"200": 9800, "429": 37},
    ),
    "kube-proxy-ipvs.prom": kube_proxy(
        "v1.32.1", "ipvs", [None],
        sync_obs=[(0.03, 800), (0.12, 200)],
        netprog_obs=[(0.4, 900), (1.5, 100)],
        last=T, queued=T - 1,
    ),
    "kube-proxy-nftables.prom": kube_proxy(
        "v1.34.0", "nftables", ["IPv4", "IPv6"],
        sync_obs=[(0.002, 950), (0.01, 50)],
        netprog_obs=[(0.4, 950), (1.5, 50)],
        last=T, queued=T - 1,
        nft_failures=0,
    ),
}

if __name__ == "__main__":
    for name, text in pages.items():
        with open(name, "w", newline="\n") as f:
            f.write(text)
        print("wrote", name)
