//! The rule registry. A rule is one file: its documentation (the doc comment), its metadata and
//! its check. Registration is one line in the `registry!` list below.

pub mod context;
pub mod fields;
pub mod input;
pub mod validation;
pub mod wiring;

use crate::diagnostic::Severity;
pub use context::Ctx;

/// What a rule is about (its code block; shared/DESIGN.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// KP0xx: reading the input, its YAML and its API version.
    Input,
    /// KP1xx: what kube-proxy rejects at start-up.
    Validation,
    /// KP2xx: unknown, removed and not-yet-available fields.
    Fields,
    /// KP7xx: deployment wiring (flags, ConfigMap, DaemonSet, kubeadm).
    Wiring,
}

impl Category {
    pub fn title(&self) -> &'static str {
        match self {
            Category::Input => "Input and API versions",
            Category::Validation => "kube-proxy start-up validation",
            Category::Fields => "Fields",
            Category::Wiring => "Deployment wiring",
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
}

impl Rule {
    pub fn docs_path(&self) -> String {
        format!("docs/rules/{}.md", self.code)
    }
}

/// Declare a rule: its doc comment becomes its documentation (docs/rules/<CODE>.md).
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub static $name:ident = {
            code: $code:literal,
            name: $rname:literal,
            category: $cat:ident,
            severity: $sev:ident,
            summary: $summary:literal $(,)?
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
        };
    };
}

macro_rules! registry {
    (
        source: [$($src:path),* $(,)?],
        model: [$($m:ident :: $r:ident),* $(,)?] $(,)?
    ) => {
        /// Every rule kp-lint has, in code order.
        pub fn all() -> Vec<&'static Rule> {
            let mut v: Vec<&'static Rule> = vec![$(&$src,)* $(&$m::$r::RULE,)*];
            v.sort_by_key(|r| r.code);
            v
        }

        /// Run every rule that checks a kube-proxy configuration. When `--config` replaces a
        /// command line's flags, the flags are not kube-proxy's configuration: only the wiring
        /// rules look at them.
        pub fn check_config(cx: &mut Ctx<'_>) {
            let flags_only = cx.cfg.flags_replaced_by_file();
            $(
                if !flags_only || $m::$r::RULE.category == Category::Wiring {
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
        fields::UNKNOWN_FIELD,
        fields::REMOVED_FIELD,
        fields::FIELD_NOT_YET_AVAILABLE,
        wiring::KUBEADM_CLUSTER_CIDR_MISMATCH,
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
    ],
}

/// Look a rule up by code (`KP104`) or name (`min-sync-period-exceeds-sync-period`).
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    all()
        .into_iter()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}
