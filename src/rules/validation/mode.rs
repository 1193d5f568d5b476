//! KP101.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports a `mode` kube-proxy on Linux refuses in the target release: an unknown name
    /// (modes are case-sensitive: `IPVS` is not `ipvs`), `userspace` from 1.26, `nftables`
    /// before 1.29, or `nftables` in 1.29–1.30 without `featureGates: {NFTablesProxyMode: true}`.
    /// `kernelspace` is the Windows mode: it is accepted only in a configuration that has
    /// Windows settings (`winkernel`, `windowsRunAsService`).
    ///
    /// ## Why it matters
    /// kube-proxy exits at start-up: `must be iptables, ipvs, nftables or blank (blank means the
    /// best-available proxy [currently iptables])`. Since 1.26 an unusable mode is an error, not
    /// a fallback to iptables.
    ///
    /// ## Example
    /// ```yaml
    /// mode: IPVS
    /// ```
    ///
    /// ## How to fix
    /// ```yaml
    /// mode: ipvs
    /// ```
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/apis/config/validation/validation.go
    ///   (`validateProxyMode`, `validateProxyModeLinux`)
    /// - kubernetes/kube-proxy config/v1alpha1/types.go diff 1.25→1.26 (userspace removed)
    /// - KEP-3866 (nftables: alpha 1.29 behind `NFTablesProxyMode`, beta 1.31, GA 1.33)
    pub static RULE = {
        code: "KP101",
        name: "invalid-proxy-mode",
        category: Validation,
        severity: Error,
        summary: "kube-proxy refuses this proxy mode in the target release",
        fix: Safe,
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    let m = cx.mode();
    if m.is_empty() {
        return;
    }
    let r = cx.release;
    let valid: Vec<&str> = cx
        .kb
        .releases
        .mode
        .iter()
        .filter(|md| {
            !md.windows_only && r.has(&md.since) && md.removed.is_none_or(|rm| !r.at_least(&rm))
        })
        .map(|md| md.name.as_str())
        .collect();
    let list = valid.join(", ");
    let msg = match cx.kb.mode(m) {
        None => {
            let lower = cx.kb.mode(&m.to_lowercase());
            let help = match lower {
                Some(md) => format!("mode names are case-sensitive: write `{}`", md.name),
                None => format!("use one of {list}, or leave mode empty for iptables"),
            };
            let fix = lower.and_then(|md| {
                cx.fix_set(
                    "mode",
                    &md.name,
                    crate::fix::Safety::Safe,
                    format!("write mode {}", md.name),
                )
            });
            let f = cx
                .at(&RULE, "mode", format!("unknown proxy mode {m:?}"))
                .label(format!("must be {list} or blank"))
                .help(help)
                .with_fix(fix);
            cx.emit(f);
            return;
        }
        Some(md) if md.windows_only => {
            // A configuration for Windows nodes says so with its Windows-only settings.
            let windows = cx.value("winkernel").is_some()
                || cx.value("windowsRunAsService").and_then(|v| v.as_bool()) == Some(true);
            if windows {
                return;
            }
            let f = cx
                .at(&RULE, "mode", format!("{m:?} is the Windows proxy mode; kube-proxy on Linux refuses it"))
                .label(format!("must be {list} or blank on Linux"))
                .help("on Linux use iptables, ipvs or nftables; for Windows nodes keep a separate configuration with its `winkernel` settings");
            cx.emit(f);
            return;
        }
        Some(md) if !r.has(&md.since) => {
            format!("mode {m:?} does not exist before Kubernetes {}", md.since)
        }
        Some(md) if md.removed.is_some_and(|rm| r.at_least(&rm)) => format!(
            "mode {m:?} was removed in Kubernetes {}",
            md.removed.unwrap()
        ),
        Some(md) => {
            let Some(gate) = &md.gate else { return };
            let set = cx
                .value("featureGates")
                .and_then(|g| g.get(gate.as_str()))
                .and_then(|v| v.as_bool());
            let needs_explicit = md.gate_until.is_some_and(|until| !r.at_least(&until));
            let gate_exists = cx.kb.gate(gate).is_none_or(|g| g.exists_in(&r));
            if needs_explicit && set != Some(true) {
                let until = md.gate_until.unwrap();
                let f = cx
                    .at(
                        &RULE,
                        "mode",
                        format!("mode {m:?} needs the {gate} feature gate in Kubernetes {r}"),
                    )
                    .label("refused while the gate is off")
                    .help(format!(
                        "add `featureGates: {{{gate}: true}}`, or upgrade to {until} or later where it is on by default"
                    ));
                cx.emit(f);
            } else if !needs_explicit && gate_exists && set == Some(false) {
                let f = cx
                    .at(
                        &RULE,
                        "mode",
                        format!("mode {m:?} is refused because featureGates turns {gate} off"),
                    )
                    .also(
                        cx.key_span(&format!("featureGates.{gate}")),
                        "turned off here",
                    )
                    .label("refused while the gate is off")
                    .help(format!("remove `{gate}: false` from featureGates"));
                cx.emit(f);
            }
            return;
        }
    };
    let f = cx
        .at(
            &RULE,
            "mode",
            format!("{msg}; kube-proxy {r} refuses to start"),
        )
        .label(format!("must be {list} or blank"))
        .help(format!("use one of {list}"));
    cx.emit(f);
}
