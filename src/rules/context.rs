//! What a rule sees: one kube-proxy configuration, the release whose rules apply, the
//! knowledge base, and kube-proxy's defaulting.

use serde_json::Value;

use crate::diagnostic::Finding;
use crate::fix::{Fix, Safety, edits};
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
            (Origin::Flags { .. }, Some(_)) => {
                let u = self.flag_for(path)?;
                let raw = self.text.get(u.value_span.start..u.value_span.end)?;
                if u.value.as_deref() != Some(raw) {
                    return None;
                }
                edits::replace_scalar(self.text, u.value_span, value)?
            }
            (Origin::Flags { .. }, None) => return None,
            (_, Some(fs)) => edits::replace_scalar(self.text, fs.value, value)?,
            (_, None) => {
                let parent = p.parent()?;
                let Some(Seg::Key(key)) = p.0.last() else {
                    return None;
                };
                edits::insert_entry(self.text, self.cfg, &parent, key, value)?
            }
        };
        Some(Fix {
            safety,
            message: message.into(),
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
        let edit = match &self.cfg.origin {
            Origin::Flags { .. } => edits::remove_item(self.text, self.flag_for(path)?.span)?,
            _ => {
                let fs = self.cfg.data.spans.get(&Path::parse(path))?;
                edits::remove_entry(self.text, fs.key?, fs.value)?
            }
        };
        Some(Fix {
            safety,
            message: message.into(),
            edits: vec![edit],
        })
    }

    /// The last command-line flag that sets a field.
    fn flag_for(&self, path: &str) -> Option<&'a FlagUse> {
        self.cfg.flags.iter().rev().find(|u| {
            self.kb
                .flag(&u.name)
                .and_then(|f| f.field.as_deref())
                .is_some_and(|f| f == path)
        })
    }

    pub fn emit(&mut self, f: Finding) {
        self.findings.push(f);
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
