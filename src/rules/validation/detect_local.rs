//! KP115.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports a `detectLocalMode` kube-proxy does not know (the values are `ClusterCIDR`,
    /// `NodeCIDR`, `BridgeInterface` and `InterfaceNamePrefix`, case-sensitive), and the
    /// `BridgeInterface` / `InterfaceNamePrefix` modes without `detectLocal.bridgeInterface` /
    /// `detectLocal.interfaceNamePrefix`.
    ///
    /// ## Why it matters
    /// kube-proxy refuses to start: from 1.31 its validation says `Unsupported value` or `must
    /// not be empty`; before, setting up the proxier failed with `unknown detect-local-mode`. Local-traffic detection decides which traffic is masqueraded.
    ///
    /// ## Example
    /// ```yaml
    /// detectLocalMode: BridgeInterface
    /// ```
    ///
    /// ## How to fix
    /// ```yaml
    /// detectLocalMode: BridgeInterface
    /// detectLocal:
    ///   bridgeInterface: cbr0
    /// ```
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/apis/config/validation/validation.go
    ///   (`validateDetectLocalMode`, `validateDetectLocalConfiguration`)
    pub static RULE = {
        code: "KP115",
        name: "invalid-detect-local",
        category: Validation,
        severity: Error,
        summary: "detectLocalMode is unknown or its detectLocal setting is missing",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    let v = &cx.kb.releases.validation;
    let Some(mode) = cx.str("detectLocalMode").filter(|m| !m.is_empty()) else {
        return;
    };
    if !v.detect_local_modes.iter().any(|m| m == mode) {
        if !cx.release.at_least(&v.detect_local_validated_since) {
            return;
        }
        let list = v.detect_local_modes.join(", ");
        let help = match v
            .detect_local_modes
            .iter()
            .find(|m| m.eq_ignore_ascii_case(mode))
        {
            Some(m) => format!("values are case-sensitive: write `{m}`"),
            None => format!("use one of {list}"),
        };
        let f = cx
            .at(
                &RULE,
                "detectLocalMode",
                format!("unsupported detectLocalMode {mode:?}"),
            )
            .label(format!("supported values: {list}"))
            .help(help);
        cx.emit(f);
        return;
    }
    let needed = match mode {
        "BridgeInterface" => "detectLocal.bridgeInterface",
        "InterfaceNamePrefix" => "detectLocal.interfaceNamePrefix",
        _ => return,
    };
    if cx.str(needed).is_none_or(str::is_empty) {
        let f = cx
            .at(
                &RULE,
                "detectLocalMode",
                format!("detectLocalMode {mode} needs {needed}"),
            )
            .label(format!("{needed} must not be empty"))
            .help(if mode == "BridgeInterface" {
                format!("set {needed} to the pods' bridge, e.g. `cbr0`")
            } else {
                format!("set {needed} to the prefix of the pods' interfaces, e.g. `veth`")
            })
            .path(needed);
        cx.emit(f);
    }
}
