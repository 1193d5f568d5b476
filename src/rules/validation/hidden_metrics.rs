//! KP119.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports a `showHiddenMetricsForVersion` other than the minor release just before the
    /// target one (for kube-proxy 1.36 only `"1.35"` is accepted).
    ///
    /// ## Why it matters
    /// kube-proxy refuses to start. The setting re-enables metrics hidden in the previous minor
    /// release, as a migration aid for one release only; a value left over from an upgrade
    /// breaks the next one.
    ///
    /// ## Example
    /// ```yaml
    /// # kube-proxy 1.36
    /// showHiddenMetricsForVersion: "1.33"
    /// ```
    ///
    /// ## How to fix
    /// Remove the field, or set the previous minor version.
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/apis/config/validation/validation.go
    ///   (`metrics.ValidateShowHiddenMetricsVersion`)
    /// - k8s.io/component-base metrics/options.go (only the previous minor version is allowed)
    pub static RULE = {
        code: "KP119",
        name: "invalid-show-hidden-metrics-version",
        category: Validation,
        severity: Error,
        summary: "showHiddenMetricsForVersion must be the previous minor release",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    let Some(v) = cx
        .str("showHiddenMetricsForVersion")
        .filter(|s| !s.is_empty())
    else {
        return;
    };
    let r = cx.release;
    let valid = format!("{}.{}", r.major, r.minor.saturating_sub(1));
    if v != valid {
        let f = cx
            .at(&RULE, "showHiddenMetricsForVersion", format!("showHiddenMetricsForVersion {v:?} is not the previous minor release of Kubernetes {r}"))
            .label(format!("must be omitted or \"{valid}\""))
            .help(format!("remove the field, or set it to \"{valid}\""));
        cx.emit(f);
    }
}
