//! KP120.
use serde_json::Value;

use crate::go;
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports `logging` settings component-base refuses: a format kube-proxy does not register
    /// (`text` and `json` are), a negative `flushFrequency`, a `verbosity` above 2147483647,
    /// `vmodule` with a format other than text, `vmodule` entries with an empty file pattern or
    /// one containing `=` or `,`, and the alpha options (`splitStream`, `infoBufferSize`)
    /// without the `LoggingAlphaOptions` gate.
    ///
    /// ## Why it matters
    /// kube-proxy refuses to start (`Unsupported log format`, `Must be greater than zero`,
    /// `Only supported for text log format`, `Feature LoggingAlphaOptions is disabled`).
    ///
    /// ## Example
    /// ```yaml
    /// logging:
    ///   format: JSON
    /// ```
    ///
    /// ## How to fix
    /// ```yaml
    /// logging:
    ///   format: json
    /// ```
    ///
    /// ## References
    /// - k8s.io/component-base logs/api/v1/options.go (`Validate`)
    /// - kubernetes/kubernetes pkg/proxy/apis/config/validation/validation.go (`logsapi.Validate`)
    pub static RULE = {
        code: "KP120",
        name: "invalid-logging",
        category: Validation,
        severity: Error,
        summary: "logging settings component-base refuses",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    let formats = &cx.kb.releases.validation.logging_formats;
    let format = cx.str("logging.format").unwrap_or("");
    if !format.is_empty() && !formats.iter().any(|f| f == format) {
        let f = cx
            .at(
                &RULE,
                "logging.format",
                format!("unsupported log format {format:?}"),
            )
            .label("Unsupported log format")
            .help(format!("use one of: {}", formats.join(", ")));
        cx.emit(f);
    }
    let flush = match cx.value("logging.flushFrequency") {
        Some(Value::String(s)) => go::parse_duration(s),
        Some(Value::Number(n)) => n.as_i64().map(i128::from),
        _ => None,
    };
    if let Some(ns) = flush {
        if ns < 0 {
            let f = cx
                .at(
                    &RULE,
                    "logging.flushFrequency",
                    format!(
                        "logging.flushFrequency is {}; it must be greater than zero",
                        go::format_duration(ns)
                    ),
                )
                .label("Must be greater than zero")
                .help("remove the field for the default 5s");
            cx.emit(f);
        }
    }
    if let Some(v) = cx.int("logging.verbosity") {
        if v > i64::from(i32::MAX) {
            let f = cx
                .at(
                    &RULE,
                    "logging.verbosity",
                    format!("logging.verbosity {v} is too large"),
                )
                .label("Must be <= 2147483647")
                .help("use a verbosity between 0 and 10");
            cx.emit(f);
        }
    }
    if let Some(Value::Array(items)) = cx.value("logging.vmodule") {
        if !(items.is_empty() || format.is_empty() || format == "text") {
            let f = cx
                .at(
                    &RULE,
                    "logging.vmodule",
                    format!("logging.vmodule is set with log format {format:?}"),
                )
                .label("Only supported for text log format")
                .help("remove vmodule, or use the text format");
            cx.emit(f);
        }
        for (i, item) in items.iter().enumerate() {
            let pat = item
                .get("filePattern")
                .and_then(Value::as_str)
                .unwrap_or("");
            let problem = if pat.is_empty() {
                "File pattern must not be empty"
            } else if pat.contains('=') || pat.contains(',') {
                "File pattern must not contain equal sign or comma"
            } else {
                continue;
            };
            let path = format!("logging.vmodule[{i}]");
            let f = cx
                .at(
                    &RULE,
                    &path,
                    format!("logging.vmodule[{i}] has an invalid file pattern {pat:?}"),
                )
                .label(problem)
                .help("give a file name pattern such as `proxier*`");
            cx.emit(f);
        }
    }
    let alpha_on = cx
        .value("featureGates")
        .and_then(|g| g.get("LoggingAlphaOptions"))
        .and_then(Value::as_bool)
        == Some(true);
    if !alpha_on {
        for fmt in ["json", "text"] {
            for opt in ["splitStream", "infoBufferSize"] {
                let path = format!("logging.options.{fmt}.{opt}");
                let used = match cx.value(&path) {
                    Some(Value::Bool(b)) => *b,
                    Some(Value::String(s)) => !s.is_empty() && s != "0",
                    Some(Value::Number(n)) => n.as_f64() != Some(0.0),
                    _ => false,
                };
                if used {
                    let f = cx
                        .at(
                            &RULE,
                            &path,
                            format!(
                                "{path} is an alpha option and the LoggingAlphaOptions gate is off"
                            ),
                        )
                        .label("Feature LoggingAlphaOptions is disabled")
                        .help(
                            "remove the option, or add `featureGates: {LoggingAlphaOptions: true}`",
                        );
                    cx.emit(f);
                }
            }
        }
    }
}
