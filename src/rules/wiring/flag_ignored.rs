//! KP701.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports kube-proxy command-line flags that map to configuration fields when the same
    /// command line also has `--config`.
    ///
    /// ## Why it matters
    /// With `--config`, kube-proxy builds its configuration from the file alone and only
    /// re-applies `--hostname-override` and explicitly set logging flags. `--proxy-mode=ipvs`,
    /// `--ipvs-scheduler`, `--conntrack-max-per-core` and the like next to `--config` are
    /// silently ignored: the cluster runs with the file's (or the default) values.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - /usr/local/bin/kube-proxy
    ///   - --config=/var/lib/kube-proxy/config.conf
    ///   - --proxy-mode=ipvs
    /// ```
    ///
    /// ## How to fix
    /// Move the setting into the configuration file (`mode: ipvs` in the kube-proxy ConfigMap's
    /// `config.conf`) and delete the flag.
    ///
    /// ## References
    /// - kubernetes/kubernetes cmd/kube-proxy/app/options.go (`Complete`, `copyLogsFromFlags`)
    /// - kube-proxy flag help: "This parameter is ignored if a config file is specified by --config."
    pub static RULE = {
        code: "KP701",
        name: "flag-ignored-with-config",
        category: Wiring,
        severity: Warning,
        summary: "a flag that --config makes kube-proxy ignore",
        fix: Safe,
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    let Some(file_flag) = (match &cx.cfg.origin {
        crate::source::Origin::Flags { config_flag, .. } => config_flag.clone(),
        _ => None,
    }) else {
        return;
    };
    for u in &cx.cfg.flags {
        let Some(flag) = cx.kb.flag(&u.name) else {
            continue;
        };
        if flag.kind != "config" {
            continue;
        }
        let field = flag.field.clone().unwrap_or_default();
        let f = crate::diagnostic::Finding::new(
            &RULE,
            format!("--{} is ignored because --config is given", u.name),
        )
        .at(u.span)
        .label("ignored")
        .help(format!(
            "set `{field}` in {file_flag} instead and delete this flag"
        ))
        .path(field)
        .document(cx.cfg.document, cx.cfg.describe.clone())
        .with_fix(
            crate::fix::edits::remove_item(cx.text, u.span).map(|e| crate::fix::Fix {
                safety: crate::fix::Safety::Safe,
                message: format!("delete --{}, which kube-proxy ignores", u.name),
                edits: vec![e],
            }),
        );
        cx.emit(f);
    }
}
