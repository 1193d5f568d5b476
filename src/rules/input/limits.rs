crate::declare_rule! {
    /// ## What it does
    /// Reports input that exceeds one of kp-lint's explicit limits: file size (16 MiB), nesting
    /// depth (64), nodes after following aliases (100,000: stops "billion laughs" alias bombs),
    /// documents per file (10,000). The limits are listed in docs/limits.md and can be changed
    /// with `--max-file-size`, `--max-depth` and `--max-nodes`.
    ///
    /// ## Why it matters
    /// A linter runs on whatever a pull request contains; without limits, a hostile or broken file
    /// could exhaust memory or time. kube-proxy configurations are a few KiB and shallow, so real
    /// configurations never come near these limits.
    ///
    /// ## Example
    /// ```yaml
    /// a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]
    /// b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    /// c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    /// # ... each level multiplies the size by nine
    /// ```
    ///
    /// ## How to fix
    /// Remove the offending structure; if a legitimate file is affected, raise the limit.
    ///
    /// ## References
    /// - go-yaml v2 rejects excessive aliasing as well ("document contains excessive aliasing").
    pub static INPUT_LIMIT = {
        code: "KP003",
        name: "input-limit-exceeded",
        category: Input,
        severity: Error,
        summary: "the input exceeds a size, depth, alias or document limit",
    }
}
