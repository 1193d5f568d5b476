crate::declare_rule! {
    /// ## What it does
    /// Reports a malformed inline suppression: no rule codes in brackets, an unknown code, or
    /// no reason.
    ///
    /// ## Why it matters
    /// A suppression is a decision someone made; without its reason the next person cannot
    /// tell whether it still holds. A blanket `# kp-lint: ignore` would hide future problems, so
    /// suppressions always name their rules.
    ///
    /// ## Example
    /// ```yaml
    /// mode: ipvs # kp-lint: ignore[KP204]
    /// ```
    ///
    /// ## How to fix
    /// ```yaml
    /// mode: ipvs # kp-lint: ignore[KP204] migrating to nftables in Q3, tracked in OPS-123
    /// ```
    ///
    /// ## References
    /// - ruff's `# noqa: CODE` and shellcheck's `# shellcheck disable=SC…` conventions
    pub static INVALID_SUPPRESSION = {
        code: "KP011",
        name: "invalid-suppression",
        category: Input,
        severity: Warning,
        summary: "an inline suppression without codes, with an unknown code, or without a reason",
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Reports `# kp-lint: ignore[…]` comments that suppressed nothing in this run (for rules
    /// that are enabled).
    ///
    /// ## Why it matters
    /// The problem was fixed, or moved to another line; a stale suppression would silently hide it if it came
    /// back on that line.
    ///
    /// ## Example
    /// ```yaml
    /// mode: nftables # kp-lint: ignore[KP204] ipvs until Q3
    /// ```
    ///
    /// ## How to fix
    /// Delete the comment.
    ///
    /// ## References
    /// - ruff RUF100 (unused-noqa)
    pub static UNUSED_SUPPRESSION = {
        code: "KP012",
        name: "unused-suppression",
        category: Input,
        severity: Warning,
        summary: "an inline suppression that matches no finding",
    }
}
