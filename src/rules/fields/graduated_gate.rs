//! KP207.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports `featureGates` entries for gates that are GA or deprecated in the target release
    /// and set to their (locked) default, such as `NFTablesProxyMode: true` from 1.33.
    ///
    /// ## Why it matters
    /// kube-proxy accepts them with a warning ("Setting GA feature gate … It will be removed in
    /// a future release"), and the gate will disappear: from then on kube-proxy refuses to start
    /// with `unrecognized feature gate`. Stale gates are a classic upgrade breakage.
    ///
    /// ## Example
    /// ```yaml
    /// featureGates:
    ///   NFTablesProxyMode: true
    /// ```
    ///
    /// ## How to fix
    /// Remove the entry.
    ///
    /// ## References
    /// - k8s.io/component-base featuregate (`SetFromMap` warnings for GA and deprecated gates)
    /// - rules/kb/feature-gates.toml
    pub static RULE = {
        code: "KP207",
        name: "graduated-feature-gate",
        category: Fields,
        severity: Warning,
        summary: "a GA or deprecated feature gate set; it will be removed and then break start-up",
        fix: Safe,
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    let Some(serde_json::Value::Object(gates)) = cx.value("featureGates") else {
        return;
    };
    for (name, v) in gates {
        let Some(on) = v.as_bool() else { continue };
        let Some(g) = cx.kb.gate(name) else { continue };
        if !g.exists_in(&cx.release) {
            continue;
        }
        let Some((stage, default, locked)) = g.stage_in(&cx.release) else {
            continue;
        };
        let stage = stage.to_ascii_lowercase();
        if !(stage == "ga" || stage == "deprecated") || (locked && on != default) {
            continue;
        }
        let path = format!("featureGates.{name}");
        let what = if stage == "ga" { "GA" } else { "deprecated" };
        let f = cx
            .at(
                &RULE,
                &path,
                format!("feature gate {name} is {what} in Kubernetes {}", cx.release),
            )
            .at(cx.key_span(&path))
            .label(format!("{what} gate"))
            .help(
                "remove the entry: the gate will be removed, and kube-proxy then refuses to start",
            )
            .with_fix(cx.fix_remove(
                &path,
                crate::fix::Safety::Safe,
                format!("remove feature gate {name}"),
            ));
        cx.emit(f);
    }
}
