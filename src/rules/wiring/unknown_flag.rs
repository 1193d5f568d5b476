//! KP702.
use crate::diagnostic::Finding;
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports command-line flags kube-proxy does not have in the target release (a typo, a
    /// flag of another component, or one removed: the klog flags `--logtostderr`,
    /// `--log-dir`, … in 1.26, `--udp-timeout` with the userspace proxy) and positional
    /// arguments.
    ///
    /// ## Why it matters
    /// Unlike unknown configuration fields, unknown flags are fatal: kube-proxy prints
    /// `unknown flag: --…` and exits, and the DaemonSet goes into CrashLoopBackOff on every node.
    ///
    /// ## Example
    /// ```yaml
    /// command: [kube-proxy, --config=/var/lib/kube-proxy/config.conf, --logtostderr=true]
    /// ```
    ///
    /// ## How to fix
    /// Delete the flag, or use its replacement (`--logging-format`, `-v`).
    ///
    /// ## References
    /// - kubernetes/kubernetes cmd/kube-proxy/app/options.go (`AddFlags`)
    /// - KEP-2845 (klog flags removed from components in 1.26)
    pub static RULE = {
        code: "KP702",
        name: "unknown-flag",
        category: Wiring,
        severity: Error,
        summary: "a flag or argument kube-proxy does not accept; it exits",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    for u in &cx.cfg.flags {
        if u.name.is_empty() {
            let arg = u.value.clone().unwrap_or_default();
            let f = Finding::new(&RULE, format!("kube-proxy takes no arguments, got {arg:?}"))
                .at(u.span)
                .label("unexpected argument")
                .help("flags start with `--`; kube-proxy exits when given an argument")
                .document(cx.cfg.document, cx.cfg.describe.clone());
            cx.emit(f);
            continue;
        }
        let f = match cx.kb.flag(&u.name) {
            Some(flag) => match flag.removed {
                Some(rm) if cx.release.at_least(&rm) => Finding::new(
                    &RULE,
                    format!("--{} was removed in Kubernetes {rm}", u.name),
                )
                .at(u.name_span)
                .label(format!("kube-proxy {} exits on this flag", cx.release))
                .help("delete the flag"),
                _ => continue,
            },
            None => {
                let help = match suggest(cx, &u.name) {
                    Some(s) => format!("did you mean --{s}?"),
                    None => "delete the flag; `kube-proxy --help` lists the flags".to_string(),
                };
                Finding::new(&RULE, format!("unknown flag --{}", u.name))
                    .at(u.name_span)
                    .label("kube-proxy exits with `unknown flag`")
                    .help(help)
            }
        };
        cx.emit(f.document(cx.cfg.document, cx.cfg.describe.clone()));
    }
}

fn suggest(cx: &Ctx<'_>, name: &str) -> Option<String> {
    cx.kb
        .flags
        .iter()
        .filter(|f| f.removed.is_none())
        .map(|f| (crate::util::edit_distance(&f.name, name), &f.name))
        .filter(|(d, n)| *d <= 2.max(n.len() / 4))
        .min()
        .map(|(_, n)| n.clone())
}
