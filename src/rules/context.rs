//! What a rule sees: one kube-proxy configuration, the release whose rules apply, the
//! knowledge base, and kube-proxy's defaulting.

use serde_json::Value;

use crate::diagnostic::Finding;
use crate::fix::{Edit, Fix, Safety, edits};
use crate::go;
use crate::kb::{Kb, Release};
use crate::model::{Path, Seg};
use crate::profile::Profile;
use crate::rules::Rule;
use crate::source::flags::FlagUse;
use crate::source::yaml::Span;
use crate::source::{FixScope, Origin, ProxyConfig};

pub struct Ctx<'a> {
    pub cfg: &'a ProxyConfig,
    /// The file's text, for building fixes.
    pub text: &'a str,
    pub release: Release,
    pub kb: &'static Kb,
    pub profile: &'a Profile,
    pub findings: Vec<Finding>,
}

impl<'a> Ctx<'a> {
    pub fn new(
        cfg: &'a ProxyConfig,
        text: &'a str,
        release: Release,
        kb: &'static Kb,
        profile: &'a Profile,
    ) -> Self {
        Ctx {
            cfg,
            text,
            release,
            kb,
            profile,
            findings: Vec::new(),
        }
    }

    /// The value as written (None when absent or null).
    pub fn value(&self, path: &str) -> Option<&'a Value> {
        self.cfg.get(path)
    }

    pub fn str(&self, path: &str) -> Option<&'a str> {
        self.value(path).and_then(Value::as_str)
    }

    pub fn int(&self, path: &str) -> Option<i64> {
        self.value(path).and_then(Value::as_i64)
    }

    /// A duration as written, in nanoseconds (None when absent or not a valid duration; the
    /// wrong-type rule reports those).
    pub fn duration(&self, path: &str) -> Option<i128> {
        match self.value(path)? {
            Value::String(s) => go::parse_duration(s),
            _ => None,
        }
    }

    /// Whether kube-proxy's defaulting replaces this field's value (absent, null, or a zero value
    /// of a field that defaults.go tests with `== 0`).
    pub fn is_defaulted(&self, path: &str) -> bool {
        let Some(v) = self.value(path) else {
            return true;
        };
        let zero_is_unset = self.kb.field(path).is_some_and(|f| f.zero_is_unset);
        zero_is_unset
            && match v {
                Value::String(s) => s.is_empty() || go::parse_duration(s) == Some(0),
                Value::Number(n) => n.as_f64() == Some(0.0),
                _ => false,
            }
    }

    /// The duration kube-proxy ends up with after defaulting (None if invalid or no default).
    pub fn effective_duration(&self, path: &str) -> Option<i128> {
        if self.is_defaulted(path) {
            let d = self.kb.field(path)?.default.as_deref()?;
            return go::parse_duration(d);
        }
        self.duration(path)
    }

    /// The proxy mode as written (`""` when unset).
    pub fn mode(&self) -> &'a str {
        self.str("mode").unwrap_or("")
    }

    /// The section whose sync periods and masqueradeAll kube-proxy reads since 1.31
    /// (pkg/proxy/apis/config/v1alpha1/conversion.go).
    pub fn active_section(&self) -> &'static str {
        match self.mode() {
            "ipvs" => "ipvs",
            "nftables" => "nftables",
            _ => "iptables",
        }
    }

    /// The sections whose sync periods kube-proxy validates in the target release.
    pub fn sync_sections(&self) -> Vec<&'static str> {
        let v = &self.kb.releases.validation;
        if self.release.at_least(&v.sync_active_section_only_since) {
            return vec![self.active_section()];
        }
        let mut s = vec!["iptables"];
        match self.mode() {
            "ipvs" => s.push("ipvs"),
            "nftables" => s.push("nftables"),
            _ => {}
        }
        s
    }

    pub fn span(&self, path: &str) -> Span {
        self.cfg.span(path)
    }

    pub fn key_span(&self, path: &str) -> Span {
        self.cfg.key_span(path)
    }

    /// A finding at a field's value, with its path and document filled in.
    pub fn at(&self, rule: &'static Rule, path: &str, message: impl Into<String>) -> Finding {
        Finding::new(rule, message)
            .at(self.span(path))
            .path(path)
            .document(self.cfg.document, self.cfg.describe.clone())
    }

    /// A finding at a field's value, labelled, when the field is written; otherwise about the
    /// document as a whole (the field is missing and its default is the problem).
    pub fn at_field_or_doc(
        &self,
        rule: &'static Rule,
        path: &str,
        message: impl Into<String>,
        label: &str,
    ) -> Finding {
        if self.value(path).is_some() {
            self.at(rule, path, message).label(label)
        } else {
            self.at_doc(rule, message)
        }
    }

    /// A finding about the document as a whole.
    pub fn at_doc(&self, rule: &'static Rule, message: impl Into<String>) -> Finding {
        let span = self.cfg.doc_span;
        Finding::new(rule, message)
            .at(Span::new(span.start, span.start))
            .document(self.cfg.document, self.cfg.describe.clone())
    }

    /// A fix that sets a field to a plain YAML value: the value is replaced where the field is
    /// written (a flag's value too), or the key is inserted (files and ConfigMaps only).
    pub fn fix_set(
        &self,
        path: &str,
        value: &str,
        safety: Safety,
        message: impl Into<String>,
    ) -> Option<Fix> {
        let p = Path::parse(path);
        match self.cfg.fix_scope(&p) {
            FixScope::None => return None,
            // A distribution's own key: replace the value where it is written as itself.
            FixScope::ValuesOnly => {
                let fs = self.cfg.data.spans.get(&p)?;
                let raw = self.text.get(fs.value.start..fs.value.end)?;
                let shown = match self.cfg.data.get(path)? {
                    Value::String(s) => s.clone(),
                    Value::Bool(b) => b.to_string(),
                    Value::Number(n) => n.to_string(),
                    _ => return None,
                };
                if raw.trim_matches(['"', '\'']) != shown {
                    return None;
                }
                return Some(Fix {
                    safety,
                    message: message.into(),
                    edits: vec![edits::replace_scalar(self.text, fs.value, value)?],
                });
            }
            FixScope::Full => {}
        }
        let edit = match (&self.cfg.origin, self.cfg.data.spans.get(&p)) {
            // kube-proxy ignores config-field flags when --config is given, and a flag inside a
            // shell string (`sh -c "kube-proxy …"`) is not edited: nothing to fix there.
            (Origin::Flags { config_flag, .. }, _)
                if config_flag.is_some() || self.cfg.flag_list_end.is_none() =>
            {
                return None;
            }
            (Origin::Flags { .. }, Some(_)) => {
                let u = self.flag_for(path)?;
                let raw = self.text.get(u.value_span.start..u.value_span.end)?;
                if !edits::is_block_item(self.text, u.name_span) {
                    return None;
                }
                if u.value.is_none() {
                    // A bare boolean flag (`--ipvs-strict-arp`): give it a value.
                    let name = self.text.get(u.name_span.start..u.name_span.end)?;
                    if name.trim_start_matches('-') != u.name {
                        return None;
                    }
                    Edit {
                        span: Span::new(u.name_span.end, u.name_span.end),
                        text: format!("={}", flag_value(value)),
                    }
                } else if u.value.as_deref() != Some(raw) {
                    return None;
                } else {
                    edits::replace_scalar(self.text, u.value_span, &flag_value(value))?
                }
            }
            (Origin::Flags { .. }, None) => {
                let name = self.flag_name_for(path)?;
                let after = self.cfg.flag_list_end?;
                edits::insert_item(self.text, after, &format!("--{name}={}", flag_value(value)))?
            }
            (_, Some(fs)) => edits::replace_scalar(self.text, fs.value, value)?,
            (_, None) => {
                let parent = p.parent()?;
                let Some(Seg::Key(key)) = p.0.last() else {
                    return None;
                };
                edits::insert_entry(self.text, self.cfg, &parent, key, value)?
            }
        };
        // On a command line the fix says which flag it writes.
        let message = match (&self.cfg.origin, self.flag_name_for(path)) {
            (Origin::Flags { .. }, Some(name)) => format!("set --{name}={}", flag_value(value)),
            _ => message.into(),
        };
        Some(Fix {
            safety,
            message,
            edits: vec![edit],
        })
    }

    /// A fix that deletes a field (its key and value lines), or a command-line flag.
    pub fn fix_remove(
        &self,
        path: &str,
        safety: Safety,
        message: impl Into<String>,
    ) -> Option<Fix> {
        if self.cfg.fix_scope(&Path::parse(path)) != FixScope::Full {
            return None;
        }
        let edits = match &self.cfg.origin {
            Origin::Flags { config_flag, .. }
                if config_flag.is_some() || self.cfg.flag_list_end.is_none() =>
            {
                return None;
            }
            Origin::Flags { .. } if path.starts_with("featureGates.") => {
                return self.fix_remove_gate(&path["featureGates.".len()..], safety, message);
            }
            Origin::Flags { .. } => vec![edits::remove_item(self.text, self.flag_for(path)?.span)?],
            _ => edits::remove_field(self.text, self.cfg, &Path::parse(path))?,
        };
        Some(Fix {
            safety,
            message: message.into(),
            edits,
        })
    }

    /// The last command-line flag that sets a field.
    fn flag_for(&self, path: &str) -> Option<&'a FlagUse> {
        let name = self.flag_name_for(path)?;
        self.cfg.flags.iter().rev().find(|u| u.name == name)
    }

    /// The flag that sets a field.
    fn flag_name_for(&self, path: &str) -> Option<&'static str> {
        self.kb
            .flags
            .iter()
            .find(|f| f.field.as_deref() == Some(path) && f.kind != "deprecated-port")
            .map(|f| f.name.as_str())
    }

    /// Remove one gate from the `--feature-gates` flag that sets it: the `Name=bool` pair, or
    /// the whole flag when it is the only one. kube-proxy merges repeated `--feature-gates`, so
    /// every flag naming the gate loses it (one per round).
    fn fix_remove_gate(
        &self,
        gate: &str,
        safety: Safety,
        message: impl Into<String>,
    ) -> Option<Fix> {
        let u = self.cfg.flags.iter().rev().find(|u| {
            u.name == "feature-gates"
                && u.value.as_deref().is_some_and(|v| {
                    v.split(',')
                        .any(|kv| kv.split_once('=').is_some_and(|(k, _)| k.trim() == gate))
                })
        })?;
        let raw = self.text.get(u.value_span.start..u.value_span.end)?;
        if u.value.as_deref() != Some(raw) || !edits::is_block_item(self.text, u.name_span) {
            return None;
        }
        let edit = match edits::remove_list_pair(self.text, u.value_span, gate) {
            Some(e) => e,
            None => edits::remove_item(self.text, u.span)?,
        };
        Some(Fix {
            safety,
            message: message.into(),
            edits: vec![edit],
        })
    }

    pub fn emit(&mut self, mut f: Finding) {
        if f.fix.is_none() && f.rule.fix != crate::rules::Fixable::No {
            if let Some(why) = self.flags_not_editable() {
                let note = format!("not fixed automatically: {why}");
                f.help = Some(match f.help.take() {
                    Some(h) => format!("{h}\n{note}"),
                    None => note,
                });
            }
        }
        self.findings.push(f);
    }

    /// Why `--fix` leaves this configuration's command line alone, when it does.
    fn flags_not_editable(&self) -> Option<&'static str> {
        let Origin::Flags { config_flag, .. } = &self.cfg.origin else {
            return None;
        };
        if config_flag.is_some() {
            return None;
        }
        match self.cfg.flag_list_end {
            None => Some("the flags are words of a shell string; edit them by hand"),
            Some(s) if !edits::is_block_item(self.text, s) => {
                Some("the flags are a flow sequence ([…]); edit them by hand")
            }
            Some(_) => None,
        }
    }

    /// Strings of a list field with their index.
    pub fn strings(&self, path: &str) -> Vec<(usize, &'a str)> {
        match self.value(path) {
            Some(Value::Array(a)) => a
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.as_str().map(|s| (i, s)))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// What a file-level rule sees: the file's other documents (Services), the release and profile.
pub struct FileCtx<'a> {
    pub file: &'a crate::source::SourceFile,
    pub release: Release,
    pub profile: &'a Profile,
    pub findings: Vec<Finding>,
}

/// A fix's YAML value as a flag value: a flow list `["a", "b"]` becomes `a,b`.
fn flag_value(value: &str) -> String {
    match value
        .trim()
        .strip_prefix('[')
        .and_then(|v| v.strip_suffix(']'))
    {
        Some(items) => items
            .split(',')
            .map(|i| i.trim().trim_matches(['"', '\'']))
            .collect::<Vec<_>>()
            .join(","),
        None => value.to_string(),
    }
}
