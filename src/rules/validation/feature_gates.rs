//! KP116.
use crate::diagnostic::Severity;
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports `featureGates` entries kube-proxy refuses in the target release: a gate name
    /// that does not exist (a typo, a gate of a newer release, one that has been removed), or a
    /// gate locked to its default (GA or deprecated gates) set to the other value. kp-lint's
    /// gate lists (rules/kb/feature-gates.toml) are complete for 1.35–1.37 and rebuilt from later
    /// sources for 1.31–1.34; for releases before 1.31 an unknown name is only a warning.
    ///
    /// ## Why it matters
    /// kube-proxy validates the gates with `SetFromMap` and refuses to start:
    /// `unrecognized feature gate: …` or `cannot set feature gate … to false, feature is locked
    /// to true`. The `--feature-gates` flag is ignored when `--config` is used.
    ///
    /// ## Example
    /// ```yaml
    /// featureGates:
    ///   NFTablesProxyMod: true
    /// ```
    ///
    /// ## How to fix
    /// Correct the name, or remove gates that have graduated.
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/apis/config/validation/validation.go
    ///   (`effectiveFeatures.SetFromMap`)
    /// - k8s.io/component-base featuregate (`SetFromMap`, locked gates)
    /// - rules/kb/feature-gates.toml (gates per release and their sources)
    pub static RULE = {
        code: "KP116",
        name: "invalid-feature-gate",
        category: Validation,
        severity: Error,
        summary: "a feature gate kube-proxy refuses (unknown or locked)",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    let Some(serde_json::Value::Object(gates)) = cx.value("featureGates") else {
        return;
    };
    let r = cx.release;
    let meta = &cx.kb.gates.meta;
    let complete = meta.complete.contains(&r);
    let best_effort = meta.best_effort.contains(&r);
    for (name, val) in gates {
        let path = format!("featureGates.{name}");
        let Some(on) = val.as_bool() else { continue };
        match cx.kb.gate(name) {
            Some(g) if g.exists_in(&r) => {
                if let Some((stage, default, true)) = g.stage_in(&r) {
                    if on != default {
                        let f = cx
                            .at(&RULE, &path, format!("feature gate {name} is {} and locked to {default} in Kubernetes {r}", stage.to_ascii_uppercase()))
                            .at(cx.key_span(&path))
                            .label(format!("cannot set feature gate {name} to {on}"))
                            .help("remove the gate: it can no longer be changed");
                        cx.emit(f);
                    }
                }
            }
            known => {
                let mut msg = match known.and_then(|g| g.removed) {
                    Some(rm) if r.at_least(&rm) => {
                        format!("feature gate {name} was removed in Kubernetes {rm}")
                    }
                    _ => match known.and_then(|g| g.since) {
                        Some(s) if !r.at_least(&s) => {
                            format!("feature gate {name} does not exist before Kubernetes {s}")
                        }
                        _ => format!("unknown feature gate {name}"),
                    },
                };
                let severity = if complete || known.is_some() || best_effort {
                    Severity::Error
                } else {
                    msg.push_str(" (not in kp-lint's gate list for this release)");
                    Severity::Warning
                };
                let suggestion = cx
                    .kb
                    .gates
                    .gate
                    .iter()
                    .filter(|g| g.exists_in(&r))
                    .map(|g| (crate::util::edit_distance(&g.name, name), &g.name))
                    .filter(|(d, _)| *d <= 3)
                    .min()
                    .map(|(_, n)| format!("did you mean {n}?"))
                    .unwrap_or_else(|| "remove the gate".to_string());
                let f = cx
                    .at(&RULE, &path, msg)
                    .at(cx.key_span(&path))
                    .label("kube-proxy refuses unrecognized feature gates")
                    .help(suggestion)
                    .severity(severity);
                cx.emit(f);
            }
        }
    }
}
