crate::declare_rule! {
    /// ## What it does
    /// Reports a key that appears twice in one mapping of a kube-proxy configuration.
    ///
    /// ## Why it matters
    /// kube-proxy decodes strictly first; a duplicate field fails strict decoding, and kube-proxy
    /// falls back to lenient decoding (logging "Using lenient decoding as strict decoding
    /// failed"), where the **last** value wins. An edit to the first occurrence then silently
    /// does nothing.
    ///
    /// ## Example
    /// ```yaml
    /// mode: ipvs
    /// # ... 40 lines later
    /// mode: iptables
    /// ```
    ///
    /// ## How to fix
    /// Keep one occurrence.
    ///
    /// ## References
    /// - kubernetes/kubernetes cmd/kube-proxy/app/options.go (`loadConfig`: strict, then lenient
    ///   decoding)
    pub static DUPLICATE_KEY = {
        code: "KP008",
        name: "duplicate-key",
        category: Input,
        severity: Warning,
        summary: "a key appears twice; kube-proxy uses the last one",
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Reports a value of the wrong type for its field, as kube-proxy's decoder sees it after
    /// YAML 1.1 resolution: a number where a duration string is expected (`syncPeriod: 30`), a
    /// word where a number is expected (`qps: fast`), a quoted `"true"` for a boolean, a string
    /// that is not a Go duration (`1d`), an integer out of the int32 range, or a command-line
    /// flag value kube-proxy cannot parse (`--conntrack-max-per-core=lots`). It is checked with
    /// the strict JSON Schema in `schemas/kubeproxyconfiguration-v1alpha1.json`.
    ///
    /// ## Why it matters
    /// A type error is not a strictness error, so kube-proxy does not fall back to lenient
    /// decoding: it exits with `failed to decode`.
    ///
    /// ## Example
    /// ```yaml
    /// iptables:
    ///   syncPeriod: 30
    /// ```
    ///
    /// ## How to fix
    /// ```yaml
    /// iptables:
    ///   syncPeriod: 30s
    /// ```
    ///
    /// ## References
    /// - kubernetes/kubernetes cmd/kube-proxy/app/options.go (`loadConfig`)
    /// - k8s.io/apimachinery metav1.Duration (`UnmarshalJSON` accepts only a string for
    ///   `time.ParseDuration`)
    pub static WRONG_TYPE = {
        code: "KP009",
        name: "wrong-value-type",
        category: Input,
        severity: Error,
        summary: "a value has the wrong type and kube-proxy cannot decode it",
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Reports plain scalars such as `yes`, `no`, `on`, `off`, `y`, `n` that YAML 1.1 (go-yaml,
    /// which kube-proxy uses) reads as booleans while YAML 1.2 tools read them as strings.
    ///
    /// ## Why it matters
    /// `strictARP: yes` works for kube-proxy, but YAML 1.2 tools (yq, many editors, Python's
    /// ruamel in 1.2 mode) see the string `"yes"`, and `mode: on` is a boolean that kube-proxy
    /// cannot decode into a string field. Writing `true`/`false` means the same everywhere.
    ///
    /// ## Example
    /// ```yaml
    /// ipvs:
    ///   strictARP: yes
    /// ```
    ///
    /// ## How to fix
    /// ```yaml
    /// ipvs:
    ///   strictARP: true
    /// ```
    ///
    /// ## References
    /// - go-yaml v2 resolve.go (YAML 1.1 boolean forms)
    /// - YAML 1.2.2 §10.3.2 (only true/false are booleans)
    pub static YAML11_BOOLEAN = {
        code: "KP010",
        name: "yaml11-boolean",
        category: Input,
        severity: Warning,
        summary: "a YAML 1.1 boolean spelling that YAML 1.2 tools read as a string",
        fix: Safe,
    }
}
