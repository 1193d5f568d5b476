crate::declare_rule! {
    /// ## What it does
    /// Reports YAML that does not parse: a bad indentation, a tab, an unterminated quote, an
    /// alias to an anchor that is not defined, `a: b: c`. Inside a ConfigMap's embedded
    /// `config.conf` the location points into the block scalar of the outer file.
    ///
    /// ## Why it matters
    /// kube-proxy cannot decode its configuration and exits (`failed to decode`), so every node
    /// loses Service routing updates. Other documents of the same file are still linted: parsing
    /// resumes at the next `---`.
    ///
    /// ## Example
    /// ```yaml
    /// kind: KubeProxyConfiguration
    /// ipvs:
    ///   scheduler: "rr
    /// ```
    ///
    /// ## How to fix
    /// Correct the YAML at the reported position.
    ///
    /// ## References
    /// - kubernetes/kubernetes cmd/kube-proxy/app/options.go (`loadConfig`): decoding errors
    ///   other than strictness errors are fatal.
    pub static YAML_SYNTAX = {
        code: "KP001",
        name: "yaml-syntax-error",
        category: Input,
        severity: Error,
        summary: "the file is not valid YAML",
    }
}
