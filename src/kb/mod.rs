//! The version knowledge base: facts that change between Kubernetes releases, loaded from
//! `rules/kb/*.toml` (compiled in). Rules ask the knowledge base; they never hard-code "since 1.29".

use serde::Deserialize;
use std::cmp::Ordering;
use std::fmt;
use std::sync::OnceLock;

/// A Kubernetes minor release, e.g. 1.36. Patch versions are kept for display only: equality,
/// ordering and hashing look at major and minor.
#[derive(Debug, Clone, Copy)]
pub struct Release {
    pub major: u64,
    pub minor: u64,
    pub patch: Option<u64>,
}

impl Release {
    pub const fn new(major: u64, minor: u64) -> Self {
        Release {
            major,
            minor,
            patch: None,
        }
    }

    /// Parse `1.36`, `v1.36.2`, `1.36.0-rc.1`, `v1.36.2+k3s1`.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().trim_start_matches(['v', 'V']);
        let core = s.split(['-', '+', '_']).next()?;
        let mut parts = core.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        let patch = match parts.next() {
            Some(p) => Some(p.parse().ok()?),
            None => None,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(Release {
            major,
            minor,
            patch,
        })
    }

    fn key(&self) -> (u64, u64) {
        (self.major, self.minor)
    }

    /// Whether something added in `since` exists in this release. The oldest tag the field
    /// tables were built from is 1.12, so "since 1.12" means "1.12 or earlier": always true.
    pub fn has(&self, since: &Release) -> bool {
        since.key() <= (1, 12) || self.at_least(since)
    }

    /// Whether this release is at or after `other` (minor granularity).
    pub fn at_least(&self, other: &Release) -> bool {
        self.key() >= other.key()
    }
}

impl PartialEq for Release {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl Eq for Release {}
impl std::hash::Hash for Release {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.key().hash(h)
    }
}

impl PartialOrd for Release {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Release {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.patch {
            Some(p) => write!(f, "{}.{}.{}", self.major, self.minor, p),
            None => write!(f, "{}.{}", self.major, self.minor),
        }
    }
}

impl<'de> Deserialize<'de> for Release {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Release::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("bad release {s:?}")))
    }
}

#[derive(Debug, Deserialize)]
pub struct Field {
    pub path: String,
    #[serde(rename = "type")]
    pub ty: String,
    pub since: Release,
    pub removed: Option<Release>,
    pub default: Option<String>,
    pub note: Option<String>,
    #[serde(default)]
    pub zero_is_unset: bool,
}

#[derive(Debug, Deserialize)]
pub struct Flag {
    pub name: String,
    pub kind: String,
    pub field: Option<String>,
    #[serde(rename = "type")]
    pub ty: String,
    pub removed: Option<Release>,
    pub replacement: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Mode {
    pub name: String,
    pub since: Release,
    pub removed: Option<Release>,
    pub deprecated: Option<Release>,
    pub gate: Option<String>,
    pub gate_until: Option<Release>,
    #[serde(default)]
    pub windows_only: bool,
}

#[derive(Debug, Deserialize)]
pub struct Validation {
    pub ipvs_scheduler_list_until: Release,
    pub ipvs_schedulers: Vec<String>,
    pub node_port_primary_since: Release,
    pub node_port_keywords_mixed_since: Release,
    pub node_port_localhost_all_since: Release,
    pub port_range_validated_until: Release,
    pub detect_local_modes: Vec<String>,
    pub sync_active_section_only_since: Release,
    pub detect_local_validated_since: Release,
    pub logging_formats: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct KubeadmVersion {
    pub version: String,
    pub rejected_since: Option<Release>,
    #[serde(rename = "use")]
    pub use_release: Option<Release>,
    pub since: Option<Release>,
    pub deprecated: Option<Release>,
}

#[derive(Debug, Deserialize)]
pub struct Releases {
    pub default: Release,
    pub oldest: Release,
    pub newest: Release,
    pub supported: Vec<Release>,
    pub mode: Vec<Mode>,
    pub validation: Validation,
    pub kubeadm: Vec<KubeadmVersion>,
}

#[derive(Debug, Deserialize)]
struct FieldsFile {
    field: Vec<Field>,
}

#[derive(Debug, Deserialize)]
struct FlagsFile {
    flag: Vec<Flag>,
}

/// A feature gate's stage from a release on.
#[derive(Debug, Deserialize)]
pub struct GateStage(pub Release, pub String, pub bool, pub bool);

#[derive(Debug, Deserialize)]
pub struct Gate {
    pub name: String,
    pub since: Option<Release>,
    pub removed: Option<Release>,
    #[serde(default)]
    pub stages: Vec<GateStage>,
}

#[derive(Debug, Deserialize, Default)]
pub struct GatesMeta {
    /// Releases whose gate list is complete: only there is an unknown gate an error.
    #[serde(default)]
    pub complete: Vec<Release>,
    /// Releases whose list was rebuilt from later sources: a name in no release at all is
    /// still an error there.
    #[serde(default)]
    pub best_effort: Vec<Release>,
}

#[derive(Debug, Deserialize, Default)]
pub struct GatesFile {
    #[serde(default)]
    pub meta: GatesMeta,
    #[serde(default)]
    pub gate: Vec<Gate>,
}

#[derive(Debug, Deserialize)]
pub struct ScaleTuning {
    pub large_endpoints: u64,
    pub endpoints_per_service_estimate: u64,
    pub iptables_many_services: u64,
}

#[derive(Debug, Deserialize)]
pub struct SyncTuning {
    pub legacy_sync_period_seconds: u64,
    pub legacy_min_sync_period_seconds: u64,
    pub recommended_min_sync_period: String,
}

#[derive(Debug, Deserialize)]
pub struct ClientTuning {
    pub default_qps: f64,
    pub default_burst: i64,
    pub large_nodes: u64,
}

#[derive(Debug, Deserialize)]
pub struct ConntrackTuning {
    pub max_cap: i64,
    pub max_cap_since: Release,
    pub default_max_per_core: i64,
    pub default_min: i64,
}

#[derive(Debug, Deserialize)]
pub struct IpvsTuning {
    pub kernel_tcp_timeout_seconds: u64,
    pub short_tcp_timeout_seconds: u64,
}

#[derive(Debug, Deserialize)]
pub struct MetricsTuning {
    pub sync_p99_floor_seconds: f64,
    pub network_programming_p99_seconds: f64,
    pub stuck_sync_periods: f64,
    pub rate_limiter_p99_seconds: f64,
    pub conntrack_usage_ratio: f64,
    pub conntrack_target_ratio: f64,
    pub iptables_rules_many: f64,
}

/// Thresholds behind advisory rules (rules/tuning/thresholds.toml).
#[derive(Debug, Deserialize)]
pub struct Tuning {
    pub scale: ScaleTuning,
    pub sync: SyncTuning,
    pub client: ClientTuning,
    pub conntrack: ConntrackTuning,
    pub ipvs: IpvsTuning,
    pub metrics: MetricsTuning,
}

/// Everything kp-lint knows about kube-proxy across releases.
#[derive(Debug)]
pub struct Kb {
    pub fields: Vec<Field>,
    pub flags: Vec<Flag>,
    pub releases: Releases,
    pub gates: GatesFile,
    pub tuning: Tuning,
}

pub const FIELDS_TOML: &str = include_str!("../../rules/kb/fields.toml");
pub const FLAGS_TOML: &str = include_str!("../../rules/kb/flags.toml");
pub const RELEASES_TOML: &str = include_str!("../../rules/kb/releases.toml");
pub const GATES_TOML: &str = include_str!("../../rules/kb/feature-gates.toml");
pub const TUNING_TOML: &str = include_str!("../../rules/tuning/thresholds.toml");

/// The knowledge base, parsed once. The files are compiled in and covered by tests, so a parse
/// error is a build defect, reported by the guard tests.
pub fn kb() -> &'static Kb {
    static KB: OnceLock<Kb> = OnceLock::new();
    KB.get_or_init(|| Kb::load().unwrap_or_else(|e| panic!("rules/kb is invalid: {e}")))
}

impl Kb {
    pub fn load() -> Result<Kb, String> {
        let fields: FieldsFile =
            toml::from_str(FIELDS_TOML).map_err(|e| format!("fields.toml: {e}"))?;
        let flags: FlagsFile =
            toml::from_str(FLAGS_TOML).map_err(|e| format!("flags.toml: {e}"))?;
        let releases: Releases =
            toml::from_str(RELEASES_TOML).map_err(|e| format!("releases.toml: {e}"))?;
        let gates: GatesFile =
            toml::from_str(GATES_TOML).map_err(|e| format!("feature-gates.toml: {e}"))?;
        let tuning: Tuning =
            toml::from_str(TUNING_TOML).map_err(|e| format!("thresholds.toml: {e}"))?;
        Ok(Kb {
            fields: fields.field,
            flags: flags.flag,
            releases,
            gates,
            tuning,
        })
    }

    pub fn field(&self, path: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.path == path)
    }

    /// Fields that exist in a release (not yet removed, already added).
    pub fn field_exists(&self, f: &Field, r: &Release) -> bool {
        r.has(&f.since) && f.removed.is_none_or(|rm| !r.at_least(&rm))
    }

    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name == name)
    }

    pub fn mode(&self, name: &str) -> Option<&Mode> {
        self.releases.mode.iter().find(|m| m.name == name)
    }

    pub fn kubeadm_version(&self, v: &str) -> Option<&KubeadmVersion> {
        self.releases.kubeadm.iter().find(|k| k.version == v)
    }

    pub fn gate(&self, name: &str) -> Option<&Gate> {
        self.gates.gate.iter().find(|g| g.name == name)
    }
}

impl Gate {
    pub fn exists_in(&self, r: &Release) -> bool {
        self.since.is_none_or(|s| r.at_least(&s)) && self.removed.is_none_or(|rm| !r.at_least(&rm))
    }

    /// (stage, default, locked) in a release.
    pub fn stage_in(&self, r: &Release) -> Option<(&str, bool, bool)> {
        self.stages
            .iter()
            .rev()
            .find(|s| r.at_least(&s.0))
            .map(|s| (s.1.as_str(), s.2, s.3))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knowledge_base_loads() {
        let kb = Kb::load().unwrap();
        assert!(kb.field("ipvs.strictARP").is_some());
        assert!(kb.flag("proxy-mode").is_some());
        assert!(kb.mode("nftables").is_some());
        assert!(kb.releases.newest.at_least(&kb.releases.default));
        for f in &kb.flags {
            if let Some(field) = &f.field {
                assert!(
                    kb.field(field).is_some(),
                    "flag {} names unknown field {field}",
                    f.name
                );
            }
        }
    }

    #[test]
    fn releases_parse_and_compare() {
        assert_eq!(
            Release::parse("v1.36.2"),
            Some(Release {
                major: 1,
                minor: 36,
                patch: Some(2)
            })
        );
        assert_eq!(Release::parse("1.36").unwrap(), Release::new(1, 36));
        assert!(
            Release::parse("v1.36.2+k3s1")
                .unwrap()
                .at_least(&Release::new(1, 36))
        );
        assert!(Release::parse("1.x").is_none());
    }
}
