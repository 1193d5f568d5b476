//! The rule registry. A rule is one file: its documentation (the doc comment), its metadata and
//! its check. Registration is one line in the `registry!` list below.

pub mod conntrack;
pub mod context;
pub mod fields;
pub mod input;
pub mod ipvs;
pub mod metrics;
pub mod network;
pub mod sync;
pub mod validation;
pub mod wiring;

use crate::diagnostic::Severity;
pub use context::{Ctx, FileCtx};

/// What a rule is about (its code block; shared/DESIGN.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// KP0xx: reading the input, its YAML and its API version.
    Input,
    /// KP1xx: what kube-proxy rejects at start-up.
    Validation,
    /// KP2xx: unknown, removed and not-yet-available fields; modes and releases over time.
    Fields,
    /// KP3xx: sync periods and performance.
    Sync,
    /// KP4xx: conntrack.
    Conntrack,
    /// KP5xx: IPVS (scheduler, timeouts, strictARP) and IPVS myths.
    Ipvs,
    /// KP6xx: networking and surroundings (kernel, MetalLB, Cilium, bind addresses, NodePorts).
    Network,
    /// KP7xx: deployment wiring (flags, ConfigMap, DaemonSet, kubeadm).
    Wiring,
    /// KP8xx: what live metrics say (`--metrics`, `--prometheus`).
    Metrics,
}

impl Category {
    pub fn title(&self) -> &'static str {
        match self {
            Category::Input => "Input and API versions",
            Category::Validation => "kube-proxy start-up validation",
            Category::Fields => "Fields, modes and releases",
            Category::Sync => "Sync periods and performance",
            Category::Conntrack => "Conntrack",
            Category::Ipvs => "IPVS",
            Category::Network => "Networking and surroundings",
            Category::Wiring => "Deployment wiring",
            Category::Metrics => "Live metrics",
        }
    }
}

/// A rule's identity and documentation. Codes are forever: a retired rule keeps its code.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// Markdown: what it does, why, example, fix, references (from the doc comment).
    pub doc: &'static str,
    /// Whether the rule can fix what it finds, and how safely (`--fix`; docs/fixes.md).
    pub fix: Fixable,
}

/// A rule's automatic fix, as `kp-lint rules` and the rule page show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fixable {
    No,
    /// Safe fixes (`--fix`).
    Safe,
    /// Unsafe fixes only (`--fix --unsafe-fixes`).
    Unsafe,
    /// Safe or unsafe, depending on the finding.
    Sometimes,
}

impl Fixable {
    pub fn as_str(&self) -> &'static str {
        match self {
            Fixable::No => "no",
            Fixable::Safe => "safe",
            Fixable::Unsafe => "unsafe",
            Fixable::Sometimes => "safe/unsafe",
        }
    }
}

impl Rule {
    pub fn docs_path(&self) -> String {
        format!("docs/rules/{}.md", self.code)
    }
}

/// Declare a rule: its doc comment becomes its documentation (docs/rules/<CODE>.md).
#[macro_export]
macro_rules! declare_rule {
    (@fix) => { $crate::rules::Fixable::No };
    (@fix $fix:ident) => { $crate::rules::Fixable::$fix };
    (
        $(#[doc = $doc:literal])*
        pub static $name:ident = {
            code: $code:literal,
            name: $rname:literal,
            category: $cat:ident,
            severity: $sev:ident,
            summary: $summary:literal
            $(, fix: $fix:ident)? $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub static $name: $crate::rules::Rule = $crate::rules::Rule {
            code: $code,
            name: $rname,
            category: $crate::rules::Category::$cat,
            severity: $crate::diagnostic::Severity::$sev,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
            fix: $crate::declare_rule!(@fix $($fix)?),
        };
    };
}

macro_rules! registry {
    (
        source: [$($src:path),* $(,)?],
        model: [$($m:ident :: $r:ident),* $(,)?],
        file: [$($fm:ident :: $fr:ident),* $(,)?],
        metrics: [$($mm:ident :: $mr:ident),* $(,)?] $(,)?
    ) => {
        /// Every rule kp-lint has, in code order.
        pub fn all() -> Vec<&'static Rule> {
            let mut v: Vec<&'static Rule> =
                vec![$(&$src,)* $(&$m::$r::RULE,)* $(&$fm::$fr::RULE,)* $(&$mm::$mr::RULE,)*];
            v.sort_by_key(|r| r.code);
            v
        }

        /// Judge every node's metrics (KP8xx) against `view`: (node name, verdict) pairs.
        pub fn judge_metrics(
            ev: &crate::metrics::Evidence,
            view: &metrics::View,
            kb: &crate::kb::Kb,
        ) -> Vec<(String, metrics::Verdict)> {
            let mut out = Vec::new();
            for node in &ev.nodes {
                let j = metrics::Judge { node, view, ev, t: &kb.tuning.metrics, kb };
                $(
                    if let Some(v) = $mm::$mr::judge(&j) {
                        out.push((node.name.clone(), v));
                    }
                )*
            }
            out
        }

        /// Run the rules that look at a file's other documents (Services).
        pub fn check_file(
            file: &crate::source::SourceFile,
            release: crate::kb::Release,
            profile: &crate::profile::Profile,
        ) -> Vec<crate::diagnostic::Finding> {
            let mut cx = FileCtx { file, release, profile, findings: Vec::new() };
            $($fm::$fr::check(&mut cx);)*
            cx.findings
        }

        /// Run every rule that checks a kube-proxy configuration. When `--config` replaces a
        /// command line's flags, what is left of them (logging flags, `--hostname-override`) is
        /// validated, the wiring rules look at the flags, and the advice is left to the file —
        /// except KP603, which is about kube-proxy being deployed at all.
        pub fn check_config(cx: &mut Ctx<'_>) {
            let flags_only = cx.cfg.flags_replaced_by_file();
            $(
                let rule = &$m::$r::RULE;
                if !flags_only
                    || matches!(rule.category, Category::Validation | Category::Wiring)
                    || rule.code == "KP603"
                {
                    $m::$r::check(cx);
                }
            )*
        }
    };
}

registry! {
    source: [
        input::YAML_SYNTAX,
        input::UNREADABLE_TEXT,
        input::INPUT_LIMIT,
        input::TEMPLATE_SKIPPED,
        input::UNKNOWN_API_VERSION,
        input::UNSUPPORTED_KUBEADM_VERSION,
        input::DEPRECATED_KUBEADM_VERSION,
        input::DUPLICATE_KEY,
        input::WRONG_TYPE,
        input::YAML11_BOOLEAN,
        input::INVALID_SUPPRESSION,
        input::UNUSED_SUPPRESSION,
        fields::UNKNOWN_FIELD,
        fields::REMOVED_FIELD,
        fields::FIELD_NOT_YET_AVAILABLE,
        wiring::KUBEADM_CLUSTER_CIDR_MISMATCH,
        wiring::PROXY_DISABLED_BUT_CONFIGURED,
        metrics::unavailable::RULE,
        metrics::not_recognised::RULE,
    ],
    model: [
        validation::mode,
        validation::sync_period,
        validation::min_sync_period,
        validation::min_sync_exceeds_sync,
        validation::masquerade_bit,
        validation::oom_score_adj,
        validation::conntrack,
        validation::ipvs_timeouts,
        validation::exclude_cidrs,
        validation::bind_address,
        validation::server_address,
        validation::port_range,
        validation::node_port_addresses,
        validation::cluster_cidr,
        validation::detect_local,
        validation::feature_gates,
        validation::config_sync_period,
        validation::client_burst,
        validation::hidden_metrics,
        validation::logging,
        validation::ipvs_scheduler,
        wiring::flag_ignored,
        wiring::unknown_flag,
        wiring::deprecated_flag,
        wiring::missing_hostname_override,
        fields::ipvs_deprecated,
        fields::mode_unset,
        fields::unsupported_release,
        fields::graduated_gate,
        sync::inactive_section,
        sync::ipvs_settings_unused,
        sync::min_sync_zero_at_scale,
        sync::legacy_sync_override,
        sync::iptables_at_scale,
        sync::client_limits,
        conntrack::max_per_core_zero,
        conntrack::min_above_cap,
        conntrack::subsecond_timeout,
        conntrack::table_size,
        conntrack::host_max_overwritten,
        conntrack::established_timeout,
        ipvs::strict_arp_metallb,
        ipvs::hashing_scheduler,
        ipvs::short_tcp_timeout,
        ipvs::kernel_conn_reuse,
        ipvs::udp_timeout_dns,
        network::nftables_kernel,
        network::cilium_replacement,
        network::cluster_cidr_missing,
        network::node_port_addresses_unset,
        network::localhost_node_ports,
        network::metrics_bind,
        network::metrics_loopback,
        network::nftables_inert_settings,
        network::nftables_tcp_liberal,
    ],
    file: [
        ipvs::service_scheduler_annotation,
        ipvs::topology_keys,
        ipvs::nf_conntrack_ipv4,
        network::alert_metric_names,
    ],
    metrics: [
        metrics::sync_slow,
        metrics::network_programming_slow,
        metrics::sync_stuck,
        metrics::client_rate_limited,
        metrics::apiserver_throttling,
        metrics::conntrack_full,
        metrics::conntrack_drops,
        metrics::iptables_rules_many,
        metrics::sync_failures,
        metrics::ct_invalid_drops,
        metrics::running_mode,
    ],
}

/// Look a rule up by code (`KP104`) or name (`min-sync-period-exceeds-sync-period`).
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    all()
        .into_iter()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}
