//! KP703.
use crate::diagnostic::Finding;
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports the deprecated `--healthz-port` and `--metrics-port` flags.
    ///
    /// ## Why it matters
    /// They are deprecated ("Please use --healthz-bind-address instead") and, like every
    /// config-field flag, do nothing when `--config` is given; without `--config` they are folded
    /// into the bind addresses, and `0` disables the server.
    ///
    /// ## Example
    /// ```yaml
    /// args: [--metrics-port=10249]
    /// ```
    ///
    /// ## How to fix
    /// Use `--metrics-bind-address=0.0.0.0:10249` (or `metricsBindAddress` in the file).
    ///
    /// ## References
    /// - kubernetes/kubernetes cmd/kube-proxy/app/options.go (`AddFlags`: deprecation messages;
    ///   `Complete`: ports folded only without --config)
    pub static RULE = {
        code: "KP703",
        name: "deprecated-flag",
        category: Wiring,
        severity: Warning,
        summary: "a deprecated kube-proxy flag",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    for u in &cx.cfg.flags {
        let Some(flag) = cx.kb.flag(&u.name) else {
            continue;
        };
        if flag.kind != "deprecated-port" {
            continue;
        }
        let repl = flag.replacement.clone().unwrap_or_default();
        let f = Finding::new(&RULE, format!("--{} is deprecated", u.name))
            .at(u.name_span)
            .label("deprecated")
            .help(format!("use --{repl}=IP:port instead"))
            .path(flag.field.clone().unwrap_or_default())
            .document(cx.cfg.document, cx.cfg.describe.clone());
        cx.emit(f);
    }
}
