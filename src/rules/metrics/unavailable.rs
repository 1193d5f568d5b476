//! KP801.

crate::declare_rule! {
    /// ## What it does
    /// Reports a metrics source (`--metrics FILE_OR_URL`, `--prometheus URL`) that could not be
    /// used: a file that cannot be read, a server that cannot be reached or does not answer
    /// within `--timeout`, an HTTP error status, an answer larger than `--max-metrics-size`, a
    /// content type that is not the expected one, text that is not UTF-8, or text that is not the
    /// Prometheus text format (with the line and column of the first mistake, as `promtool check
    /// metrics` would reject it).
    ///
    /// ## Why it matters
    /// The KP8xx rules judge nothing from a source they cannot read; this says so instead of
    /// staying silent. The static rules still run, and the exit status follows `--fail-on` as
    /// usual (this is a warning).
    ///
    /// ## Example
    /// ```text
    /// kp-lint kube-proxy.yaml --metrics http://10.0.0.7:10249/metrics
    /// warning[KP801]: http://10.0.0.7:10249/metrics: cannot connect: Connection refused
    /// ```
    ///
    /// ## How to fix
    /// Check the address (kube-proxy serves metrics on `metricsBindAddress`, by default
    /// `127.0.0.1:10249`, so from outside the node it is reachable only when that is
    /// `0.0.0.0:10249`), or save the page on the node with `curl -s localhost:10249/metrics >
    /// node.prom` and give the file.
    ///
    /// ## References
    /// - prometheus/docs content/docs/instrumenting/exposition_formats.md (the text format)
    /// - docs/metrics.md
    pub static RULE = {
        code: "KP801",
        name: "metrics-unavailable",
        category: Metrics,
        severity: Warning,
        summary: "a metrics file or URL could not be read, fetched or parsed",
    }
}
