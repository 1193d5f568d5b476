crate::declare_rule! {
    /// ## What it does
    /// Reports a file that contains template markers (`{{ … }}`, `{% … %}`) where they make the
    /// YAML unparseable or sit in kube-proxy settings, and skips it instead of reporting syntax
    /// errors. Template markers inside unrelated values (a Grafana dashboard, an alert
    /// annotation) do not trigger it.
    ///
    /// ## Why it matters
    /// Helm charts, Jinja and Go templates are not YAML until rendered; linting them produces
    /// noise, not findings.
    ///
    /// ## Example
    /// ```yaml
    /// mode: {{ .Values.kubeProxy.mode }}
    /// ```
    ///
    /// ## How to fix
    /// Lint the rendered output: `helm template . | kp-lint -`.
    ///
    /// ## References
    /// - Helm: `helm template` renders charts locally.
    pub static TEMPLATE_SKIPPED = {
        code: "KP004",
        name: "template-skipped",
        category: Input,
        severity: Info,
        summary: "a templated file was skipped",
    }
}
