//! The cluster the advice is for: Kubernetes and kernel versions, size, MetalLB and CNI, each
//! value with where it came from (a flag, `.kp-lint.toml`, or detected in the linted files).
//! Rules that need a fact the profile lacks stay quiet or say what they assumed.

use serde::Serialize;
use std::fmt;

use crate::kb::Release;

/// A Linux kernel version (`5.15.0-105-generic` → 5.15.0).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Kernel(pub semver::Version);

impl Kernel {
    pub fn parse(s: &str) -> Option<Kernel> {
        let core: String = s
            .trim()
            .trim_start_matches(['v', 'V'])
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let mut parts: Vec<u64> = Vec::new();
        for p in core.split('.').filter(|p| !p.is_empty()) {
            parts.push(p.parse().ok()?);
        }
        if parts.is_empty() || parts.len() > 3 {
            return None;
        }
        parts.resize(3, 0);
        Some(Kernel(semver::Version::new(parts[0], parts[1], parts[2])))
    }

    /// Whether this kernel is at least `major.minor`.
    pub fn at_least(&self, major: u64, minor: u64) -> bool {
        (self.0.major, self.0.minor) >= (major, minor)
    }
}

impl fmt::Display for Kernel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.0.major, self.0.minor, self.0.patch)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MetalLb {
    /// MetalLB announces with layer 2 (ARP/NDP): needs strictARP in IPVS mode.
    L2,
    /// MetalLB announces with BGP.
    Bgp,
    /// No MetalLB.
    None,
}

impl fmt::Display for MetalLb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MetalLb::L2 => "l2",
            MetalLb::Bgp => "bgp",
            MetalLb::None => "none",
        })
    }
}

/// A profile value and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sourced<T> {
    pub value: T,
    pub source: String,
}

impl<T> Sourced<T> {
    pub fn new(value: T, source: impl Into<String>) -> Self {
        Sourced {
            value,
            source: source.into(),
        }
    }
}

/// What kp-lint knows about the cluster.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile {
    pub kubernetes_version: Option<Sourced<Release>>,
    pub kernel: Option<Sourced<Kernel>>,
    pub nodes: Option<Sourced<u64>>,
    pub services: Option<Sourced<u64>>,
    /// Endpoints in the whole cluster.
    pub endpoints: Option<Sourced<u64>>,
    pub cores_per_node: Option<Sourced<u64>>,
    pub metallb: Option<Sourced<MetalLb>>,
    pub cni: Option<Sourced<String>>,
    /// Cilium's kube-proxy replacement is on.
    pub cilium_kube_proxy_replacement: Option<Sourced<bool>>,
    /// Prometheus scrapes kube-proxy's metrics from outside the node.
    pub kube_proxy_scraped: Option<Sourced<bool>>,
    /// `net.netfilter.nf_conntrack_max` as node set-up files set it.
    pub host_conntrack_max: Option<Sourced<i64>>,
    /// The Kubernetes version kube-proxy reports running (`kubernetes_build_info`): the release
    /// to judge against when nothing in the files names one.
    pub running_version: Option<Sourced<Release>>,
    /// Live metrics (`--metrics`, `--prometheus`), judged by the KP8xx rules.
    pub metrics: Option<std::sync::Arc<crate::metrics::Evidence>>,
}

impl Profile {
    /// Fill what `self` lacks from `other` (lower precedence).
    pub fn or(mut self, other: &Profile) -> Profile {
        fn pick<T: Clone>(a: &mut Option<T>, b: &Option<T>) {
            if a.is_none() {
                a.clone_from(b);
            }
        }
        pick(&mut self.kubernetes_version, &other.kubernetes_version);
        pick(&mut self.kernel, &other.kernel);
        pick(&mut self.nodes, &other.nodes);
        pick(&mut self.services, &other.services);
        pick(&mut self.endpoints, &other.endpoints);
        pick(&mut self.cores_per_node, &other.cores_per_node);
        pick(&mut self.metallb, &other.metallb);
        pick(&mut self.cni, &other.cni);
        pick(
            &mut self.cilium_kube_proxy_replacement,
            &other.cilium_kube_proxy_replacement,
        );
        pick(&mut self.kube_proxy_scraped, &other.kube_proxy_scraped);
        pick(&mut self.host_conntrack_max, &other.host_conntrack_max);
        pick(&mut self.running_version, &other.running_version);
        pick(&mut self.metrics, &other.metrics);
        self
    }

    /// `--show-profile`: each value and its source, one per line.
    pub fn describe(&self) -> String {
        fn line<T: fmt::Display>(out: &mut String, name: &str, v: &Option<Sourced<T>>) {
            match v {
                Some(s) => out.push_str(&format!(
                    "{name:<32} {:<20} ({})\n",
                    s.value.to_string(),
                    s.source
                )),
                None => out.push_str(&format!("{name:<32} {:<20}\n", "unknown")),
            }
        }
        let mut s = String::new();
        line(&mut s, "kubernetes-version", &self.kubernetes_version);
        line(&mut s, "kernel-version", &self.kernel);
        line(&mut s, "nodes", &self.nodes);
        line(&mut s, "services", &self.services);
        line(&mut s, "endpoints", &self.endpoints);
        line(&mut s, "cores-per-node", &self.cores_per_node);
        line(&mut s, "metallb", &self.metallb);
        line(&mut s, "cni", &self.cni);
        line(
            &mut s,
            "cilium-kube-proxy-replacement",
            &self.cilium_kube_proxy_replacement,
        );
        line(&mut s, "kube-proxy-scraped", &self.kube_proxy_scraped);
        line(&mut s, "host-nf-conntrack-max", &self.host_conntrack_max);
        line(&mut s, "running-version", &self.running_version);
        s
    }

    /// Endpoints, or an estimate from the Services (`per_service` each), and whether it is one.
    pub fn endpoints_or_estimate(&self, per_service: u64) -> Option<(u64, bool)> {
        match (&self.endpoints, &self.services) {
            (Some(e), _) => Some((e.value, false)),
            (None, Some(s)) => Some((s.value.saturating_mul(per_service), true)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_versions() {
        assert_eq!(
            Kernel::parse("5.15.0-105-generic").unwrap().to_string(),
            "5.15.0"
        );
        assert_eq!(Kernel::parse("6.1").unwrap().to_string(), "6.1.0");
        assert!(Kernel::parse("5.4.0").unwrap().at_least(4, 19));
        assert!(!Kernel::parse("5.4.0").unwrap().at_least(5, 13));
        assert!(Kernel::parse("linux").is_none());
    }

    #[test]
    fn precedence() {
        let a = Profile {
            nodes: Some(Sourced::new(5, "--nodes")),
            ..Profile::default()
        };
        let b = Profile {
            nodes: Some(Sourced::new(9, ".kp-lint.toml")),
            services: Some(Sourced::new(100, ".kp-lint.toml")),
            ..Profile::default()
        };
        let p = a.or(&b);
        assert_eq!(p.nodes.unwrap().value, 5);
        assert_eq!(p.services.unwrap().value, 100);
    }
}
