crate::declare_rule! {
    /// ## What it does
    /// Reports files that are not text kube-proxy could read: binary data (NUL bytes), invalid
    /// UTF-8, or broken UTF-16. UTF-16 with a byte-order mark is accepted, as go-yaml accepts it.
    ///
    /// ## Why it matters
    /// A file with a `.yaml` name that is not YAML text is usually a mistake in a GitOps
    /// repository (an encrypted blob, an editor's backup, a wrong encoding); kube-proxy's decoder
    /// would reject it.
    ///
    /// ## Example
    /// A ConfigMap saved in Latin-1 with `é` in a comment: `invalid UTF-8 at line 3, column 12`.
    ///
    /// ## How to fix
    /// Save the file as UTF-8, or exclude it from linting.
    ///
    /// ## References
    /// - go-yaml v2 `yaml_parser_determine_encoding` (UTF-8, UTF-16LE/BE with BOM).
    pub static UNREADABLE_TEXT = {
        code: "KP002",
        name: "unreadable-text",
        category: Input,
        severity: Error,
        summary: "the file is binary or not valid UTF-8/UTF-16",
    }
}
