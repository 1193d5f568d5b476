//! `.kp-lint.toml`: rule selection, severities, per-path overrides and the cluster profile.
//! Found in the linted file's directory or the nearest parent (as ruff and shellcheck do);
//! `--config FILE` names one for every file, `--no-config` ignores them.

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::diagnostic::{Finding, Severity};
use crate::kb::Release;
use crate::profile::{Kernel, MetalLb, Profile, Sourced};
use crate::rules::{self, Rule};

pub const FILE_NAME: &str = ".kp-lint.toml";

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ProfileFile {
    pub kubernetes_version: Option<String>,
    pub kernel_version: Option<String>,
    pub nodes: Option<u64>,
    pub services: Option<u64>,
    pub endpoints: Option<u64>,
    pub cores_per_node: Option<u64>,
    pub metallb: Option<MetalLb>,
    pub cni: Option<String>,
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Override {
    /// Globs matched against the file's path relative to the config file's directory.
    pub paths: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
}

/// The file as written.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    /// Rules to run (codes, code prefixes such as `KP1`, names, or `ALL`). Default: all.
    pub select: Option<Vec<String>>,
    #[serde(default)]
    pub extend_select: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Severity per rule: `KP301 = "error"`.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    #[serde(default)]
    pub profile: ProfileFile,
    #[serde(default)]
    pub overrides: Vec<Override>,
}

/// A loaded configuration, ready to filter findings.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub path: Option<PathBuf>,
    pub file: ConfigFile,
    overrides: Vec<(GlobSet, Override)>,
}

impl<'de> Deserialize<'de> for Severity {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Severity::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "severity must be error, warning or info, not {s:?}"
            ))
        })
    }
}

/// Does a selector (`ALL`, `KP1`, `KP104`, `min-sync-period-exceeds-sync-period`) cover a rule?
pub fn selector_matches(sel: &str, rule: &Rule) -> bool {
    sel.eq_ignore_ascii_case("ALL")
        || rule.name == sel
        || (sel.len() >= 3 && rule.code.starts_with(&sel.to_ascii_uppercase()))
}

fn check_selectors(list: &[String], what: &str, errors: &mut Vec<String>) {
    for sel in list {
        if !rules::all().iter().any(|r| selector_matches(sel, r)) {
            errors.push(format!("{what}: {sel:?} matches no rule"));
        }
    }
}

impl Config {
    /// Parse a configuration file's text; errors name the line.
    pub fn parse(text: &str, path: Option<&Path>) -> Result<Config, String> {
        let file: ConfigFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut errors = Vec::new();
        if let Some(s) = &file.select {
            check_selectors(s, "select", &mut errors);
        }
        check_selectors(&file.extend_select, "extend-select", &mut errors);
        check_selectors(&file.ignore, "ignore", &mut errors);
        for k in file.severity.keys() {
            check_selectors(std::slice::from_ref(k), "severity", &mut errors);
        }
        if let Some(v) = &file.profile.kubernetes_version {
            if Release::parse(v).is_none() {
                errors.push(format!(
                    "profile.kubernetes-version {v:?} is not a release such as 1.36"
                ));
            }
        }
        if let Some(v) = &file.profile.kernel_version {
            if Kernel::parse(v).is_none() {
                errors.push(format!(
                    "profile.kernel-version {v:?} is not a kernel version such as 5.15.0"
                ));
            }
        }
        let mut overrides = Vec::new();
        for o in &file.overrides {
            let mut b = GlobSetBuilder::new();
            for p in &o.paths {
                match Glob::new(p) {
                    Ok(g) => {
                        b.add(g);
                    }
                    Err(e) => errors.push(format!("overrides.paths {p:?}: {e}")),
                }
            }
            check_selectors(&o.ignore, "overrides.ignore", &mut errors);
            if let Ok(set) = b.build() {
                overrides.push((set, o.clone()));
            }
        }
        if !errors.is_empty() {
            return Err(errors.join("\n"));
        }
        Ok(Config {
            path: path.map(Path::to_path_buf),
            file,
            overrides,
        })
    }

    pub fn load(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Config::parse(&text, Some(path)).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The profile values this file sets, with the file as their source.
    pub fn profile(&self) -> Profile {
        let src = self
            .path
            .as_ref()
            .map_or_else(|| FILE_NAME.to_string(), |p| p.display().to_string());
        let p = &self.file.profile;
        Profile {
            kubernetes_version: p
                .kubernetes_version
                .as_deref()
                .and_then(Release::parse)
                .map(|v| Sourced::new(v, src.clone())),
            kernel: p
                .kernel_version
                .as_deref()
                .and_then(Kernel::parse)
                .map(|v| Sourced::new(v, src.clone())),
            nodes: p.nodes.map(|v| Sourced::new(v, src.clone())),
            services: p.services.map(|v| Sourced::new(v, src.clone())),
            endpoints: p.endpoints.map(|v| Sourced::new(v, src.clone())),
            cores_per_node: p.cores_per_node.map(|v| Sourced::new(v, src.clone())),
            metallb: p.metallb.map(|v| Sourced::new(v, src.clone())),
            cni: p.cni.clone().map(|v| Sourced::new(v, src.clone())),
            cilium_kube_proxy_replacement: None,
            kube_proxy_scraped: None,
            host_conntrack_max: None,
            ..Default::default()
        }
    }

    fn relative<'a>(&self, file: &'a Path) -> &'a Path {
        match self.path.as_ref().and_then(|p| p.parent()) {
            Some(dir) if !dir.as_os_str().is_empty() => file.strip_prefix(dir).unwrap_or(file),
            _ => file,
        }
    }

    /// Whether a rule runs for a file.
    pub fn enabled(&self, rule: &Rule, file: Option<&Path>) -> bool {
        let f = &self.file;
        let selected = match &f.select {
            Some(sel) => sel.iter().any(|s| selector_matches(s, rule)),
            None => true,
        } || f.extend_select.iter().any(|s| selector_matches(s, rule));
        if !selected || f.ignore.iter().any(|s| selector_matches(s, rule)) {
            return false;
        }
        if let Some(file) = file {
            let rel = self.relative(file);
            for (set, o) in &self.overrides {
                if set.is_match(rel) && o.ignore.iter().any(|s| selector_matches(s, rule)) {
                    return false;
                }
            }
        }
        true
    }

    /// The severity a rule's finding gets, after configuration.
    pub fn severity(&self, rule: &Rule, found: Severity, file: Option<&Path>) -> Severity {
        let mut sev = found;
        for (sel, s) in &self.file.severity {
            if selector_matches(sel, rule) {
                sev = *s;
            }
        }
        if let Some(file) = file {
            let rel = self.relative(file);
            for (set, o) in &self.overrides {
                if set.is_match(rel) {
                    for (sel, s) in &o.severity {
                        if selector_matches(sel, rule) {
                            sev = *s;
                        }
                    }
                }
            }
        }
        sev
    }

    /// Drop disabled rules' findings and apply severities.
    pub fn apply(&self, findings: Vec<Finding>, file: Option<&Path>) -> Vec<Finding> {
        findings
            .into_iter()
            .filter(|f| self.enabled(f.rule, file))
            .map(|mut f| {
                f.severity = self.severity(f.rule, f.severity, file);
                f
            })
            .collect()
    }
}

/// Finds `.kp-lint.toml` upward from a directory, caching per directory.
#[derive(Debug, Default)]
pub struct Finder {
    cache: HashMap<PathBuf, Option<PathBuf>>,
}

impl Finder {
    pub fn find(&mut self, dir: &Path) -> Option<PathBuf> {
        let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        if let Some(hit) = self.cache.get(&dir) {
            return hit.clone();
        }
        let candidate = dir.join(FILE_NAME);
        let found = if candidate.is_file() {
            Some(candidate)
        } else {
            dir.parent().and_then(|p| self.find(p))
        };
        self.cache.insert(dir, found.clone());
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_and_severity() {
        let c = Config::parse(
            "select = [\"KP1\", \"KP2\"]\nignore = [\"KP104\"]\n[severity]\nKP201 = \"error\"\n[[overrides]]\npaths = [\"legacy/**\"]\nignore = [\"KP2\"]\n",
            None,
        )
        .unwrap();
        let r104 = rules::find("KP104").unwrap();
        let r101 = rules::find("KP101").unwrap();
        let r201 = rules::find("KP201").unwrap();
        let r001 = rules::find("KP001").unwrap();
        assert!(!c.enabled(r104, None));
        assert!(c.enabled(r101, None));
        assert!(!c.enabled(r001, None));
        assert!(c.enabled(r201, Some(Path::new("prod/a.yaml"))));
        assert!(!c.enabled(r201, Some(Path::new("legacy/x/a.yaml"))));
        assert_eq!(c.severity(r201, Severity::Warning, None), Severity::Error);
    }

    #[test]
    fn errors_are_reported() {
        assert!(
            Config::parse("selct = []", None)
                .unwrap_err()
                .contains("unknown field")
        );
        assert!(
            Config::parse("ignore = [\"KP999\"]", None)
                .unwrap_err()
                .contains("matches no rule")
        );
        assert!(Config::parse("[severity]\nKP101 = \"fatal\"", None).is_err());
        assert!(Config::parse("[profile]\nkernel-version = \"x\"", None).is_err());
    }
}
