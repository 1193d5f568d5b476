crate::declare_rule! {
    /// ## What it does
    /// Reports a field that existed in older releases but is gone in the target release:
    /// `udpIdleTimeout` (removed with the userspace proxy in 1.26), `resourceContainer` (1.16),
    /// `conntrack.max` (1.15). When the target release still has the field, the finding is
    /// information: it will be ignored after an upgrade.
    ///
    /// ## Why it matters
    /// kube-proxy ignores it (strict decoding fails and lenient decoding drops it), so whatever it
    /// was meant to do no longer happens. Such fields are a sign of a configuration copied from
    /// an old release.
    ///
    /// ## Example
    /// ```yaml
    /// udpIdleTimeout: 250ms
    /// ```
    ///
    /// ## How to fix
    /// Delete the field.
    ///
    /// ## References
    /// - kubernetes/kube-proxy config/v1alpha1/types.go, diffed between release tags
    ///   (rules/kb/fields.toml lists each field's `since` and `removed`)
    pub static REMOVED_FIELD = {
        code: "KP202",
        name: "removed-field",
        category: Fields,
        severity: Warning,
        summary: "a field removed in the target release; kube-proxy ignores it",
        fix: Safe,
    }
}
