//! kube-proxy command lines in DaemonSets, Pods and Deployments: flags mapped to config fields,
//! with kube-proxy's precedence (`--config` replaces every config-field flag but
//! `--hostname-override` and the logging flags).

use serde_json::{Map, Value};

use super::embed::OffsetMap;
use super::yaml::{Document, Node, NodeKind, Span};
use super::{FileContext, Origin, SourceFile, push_config};
use crate::diagnostic::Finding;
use crate::go;
use crate::kb::{Flag, kb};
use crate::limits::Limits;
use crate::model::{FieldSpan, Located, Path};
use crate::rules::input;

/// One flag as written on a command line.
#[derive(Debug, Clone, PartialEq)]
pub struct FlagUse {
    pub name: String,
    pub value: Option<String>,
    /// The `--name` part.
    pub name_span: Span,
    /// The value part (the name's span for a bare boolean flag).
    pub value_span: Span,
    /// The whole `--name=value` (or both tokens).
    pub span: Span,
}

/// A command-line token with its place in the file.
#[derive(Debug, Clone)]
struct Token {
    text: String,
    span: Span,
}

fn tokens_of(file_text: &str, d: &Document, seq: Option<&Node>, shell: bool) -> Vec<Token> {
    let mut out = Vec::new();
    let Some(seq) = seq.map(|n| d.resolve(n)) else {
        return out;
    };
    let NodeKind::Sequence(items) = &seq.kind else {
        return out;
    };
    for item in items {
        let item = d.resolve(item);
        let Some(s) = item.as_str() else { continue };
        if shell && s.contains("kube-proxy") && s.contains(char::is_whitespace) {
            let map = OffsetMap::for_scalar(file_text, item);
            let mut pos = 0;
            for word in s.split_whitespace() {
                let start = s[pos..].find(word).map_or(pos, |i| pos + i);
                pos = start + word.len();
                let w = word.trim_matches(|c| c == '"' || c == '\'');
                let off = start + word.find(w).unwrap_or(0);
                out.push(Token {
                    text: w.to_string(),
                    span: map.span(Span::new(off, off + w.len())),
                });
            }
        } else {
            out.push(Token {
                text: s.to_string(),
                span: item.span,
            });
        }
    }
    out
}

fn is_kube_proxy_binary(s: &str) -> bool {
    s.rsplit('/').next() == Some("kube-proxy")
}

/// Read one container; if it runs kube-proxy, turn its flags into a configuration.
pub(super) fn container(
    file: &mut SourceFile,
    d: &Document,
    c: &Node,
    workload: &str,
    release: Option<(crate::kb::Release, Span)>,
    _limits: &Limits,
) {
    let cname = c
        .get("name")
        .map(|n| d.resolve(n))
        .and_then(|n| n.as_str())
        .unwrap_or("");
    let image = c
        .get("image")
        .map(|n| d.resolve(n))
        .and_then(|n| n.as_str())
        .unwrap_or("");
    let command = tokens_of(&file.text, d, c.get("command"), true);
    let shell = command
        .first()
        .is_some_and(|t| matches!(t.text.rsplit('/').next(), Some("sh" | "bash" | "ash")));
    let args = tokens_of(&file.text, d, c.get("args"), shell);
    let mut all: Vec<Token> = command.into_iter().chain(args).collect();
    // `kube-proxy …`, or the old all-in-one binary: `hyperkube proxy …` / `hyperkube kube-proxy …`.
    let hyperkube = all.windows(2).position(|w| {
        w[0].text.rsplit('/').next() == Some("hyperkube")
            && matches!(w[1].text.as_str(), "proxy" | "kube-proxy")
    });
    let start = match all.iter().position(|t| is_kube_proxy_binary(&t.text)) {
        Some(i) => i + 1,
        None if hyperkube.is_some() => hyperkube.unwrap_or(0) + 2,
        // No command: the image's entrypoint runs, and only flags mean it is kube-proxy.
        None if c.get("command").is_none()
            && (cname == "kube-proxy" || image.contains("kube-proxy"))
            && all.first().is_some_and(|t| t.text.starts_with('-')) =>
        {
            0
        }
        None => {
            if cname.contains("kube-proxy") || image.contains("kube-proxy") {
                file.notes.push(super::Note {
                    span: Some(c.span),
                    message: format!(
                        "{workload} container {cname} runs kube-proxy without command-line flags kp-lint can see (its image's entrypoint or start script decides them); no kube-proxy settings read"
                    ),
                });
            }
            return;
        }
    };
    let tokens = all.split_off(start);
    // Where a new flag can go: after the last flag before a `--` (or after the binary), unless the
    // command line is a shell string (its words are not list items).
    let before_dashes = tokens
        .iter()
        .position(|t| t.text == "--")
        .unwrap_or(tokens.len());
    let flag_list_end = if shell {
        None
    } else {
        tokens[..before_dashes]
            .last()
            .or(all.last())
            .map(|t| t.span)
    };
    let uses = parse_flags(file, d, &tokens, workload);
    let doc_span = c.span;
    let (data, config_flag) = flags_to_located(file, d, &uses, workload, doc_span);
    let origin = Origin::Flags {
        workload: workload.to_string(),
        container: cname.to_string(),
        config_flag,
    };
    let describe = format!("{workload} container {cname}");
    let ctx = FileContext {
        release,
        pod_subnet: None,
    };
    push_config(file, d, doc_span, origin, describe, data, &ctx);
    if let Some(cfg) = file.configs.last_mut() {
        cfg.flags = uses;
        cfg.flag_list_end = flag_list_end;
        // `registry.k8s.io/kube-proxy:v1.36.4`, `hyperkube:v1.5.1_coreos.0`: the release it runs.
        let image_node = c.get("image").map(|n| d.resolve(n));
        let tag = image.rsplit_once(':');
        if let (Some(node), Some((repo, tag))) = (image_node, tag) {
            let name = repo.rsplit('/').next().unwrap_or("");
            if matches!(
                name,
                "kube-proxy" | "kube-proxy-amd64" | "kube-proxy-arm64" | "hyperkube"
            ) {
                if let Some(r) = crate::kb::Release::parse(tag) {
                    cfg.image_release = Some((r, node.span));
                }
            }
        }
    }
}

/// Map command-line flags onto configuration fields with kube-proxy's precedence: a later flag
/// wins, and with `--config` every config-field flag is dropped (kube-proxy ignores them).
/// Returns the configuration and the value of `--config`. Used for containers and for the flag
/// lists distributions keep (RKE2/k3s `kube-proxy-arg`, Talos and k0s `extraArgs`).
pub(super) fn flags_to_located(
    file: &mut SourceFile,
    d: &Document,
    uses: &[FlagUse],
    workload: &str,
    doc_span: Span,
) -> (Located, Option<String>) {
    let config_flag = uses
        .iter()
        .rev()
        .find(|u| u.name == "config")
        .and_then(|u| u.value.clone());
    let mut data = Located::empty_mapping(doc_span);
    let mut mode = None;
    for u in uses {
        let Some(flag) = kb().flag(&u.name) else {
            continue;
        };
        let Some(field) = &flag.field else { continue };
        if flag.kind == "deprecated-port" {
            continue;
        }
        if config_flag.is_some() && flag.kind == "config" {
            continue;
        }
        let Some(v) = convert(file, d, flag, u, workload) else {
            continue;
        };
        if field == "mode" {
            mode = v.as_str().map(str::to_string);
        }
        // A repeated `--feature-gates` adds to the gates already given (component-base
        // cliflag.MapStringBool.Set clears the map only on its first call).
        if flag.ty == "gates" {
            if let (Value::Object(new), Some(Value::Object(old))) = (&v, data.get(field)) {
                let mut merged = old.clone();
                for (k, b) in new {
                    merged.insert(k.clone(), b.clone());
                }
                // Each gate keeps pointing at the flag that set it last.
                let kept: Vec<(Path, FieldSpan)> = old
                    .keys()
                    .filter(|k| !new.contains_key(*k))
                    .filter_map(|k| {
                        let p = Path::parse(field).key(k);
                        data.spans.get(&p).map(|fs| (p, *fs))
                    })
                    .collect();
                set(&mut data, field, Value::Object(merged), u);
                data.spans.extend(kept);
                continue;
            }
        }
        set(&mut data, field, v, u);
    }
    // `--iptables-(min-)sync-period` set the sync periods of every mode but ipvs
    // (options.go processV1Alpha1Flags), so nftables mode reads them too.
    if mode.as_deref() == Some("nftables") {
        for (from, to) in [
            ("iptables.syncPeriod", "nftables.syncPeriod"),
            ("iptables.minSyncPeriod", "nftables.minSyncPeriod"),
        ] {
            if let (Some(v), Some(fs)) = (
                data.get(from).cloned(),
                data.spans.get(&Path::parse(from)).copied(),
            ) {
                set_path(&mut data.value, &Path::parse(to), v);
                data.spans.insert(Path::parse(to), fs);
                remove_path(&mut data.value, &Path::parse(from));
                data.spans.remove(&Path::parse(from));
            }
        }
    }
    (data, config_flag)
}

/// A flag written as one string, `name=value` with or without leading dashes (RKE2/k3s
/// `kube-proxy-arg` items, k0s `rawArgs`); a bare name is a boolean `true`, as k3s's `GetArgs`
/// reads it. Spans point into the string when its text maps exactly.
pub(super) fn flag_from_scalar(file_text: &str, node: &Node) -> Option<FlagUse> {
    let s = node.as_str()?;
    let map = OffsetMap::for_scalar(file_text, node);
    let body_at = s.len() - s.trim_start_matches('-').len();
    let body = &s[body_at..];
    let (name, value, name_len) = match body.split_once('=') {
        Some((n, v)) => (n, Some(v.to_string()), n.len()),
        None => (body, None, body.len()),
    };
    let inner = |a: usize, b: usize| {
        if map.is_exact() {
            map.span(Span::new(a, b))
        } else {
            node.span
        }
    };
    let name_span = inner(0, body_at + name_len);
    let value_span = match &value {
        Some(_) => inner(body_at + name_len + 1, s.len()),
        None => name_span,
    };
    Some(FlagUse {
        name: name.to_string(),
        value,
        name_span,
        value_span,
        span: inner(0, s.len()),
    })
}

/// A flag written as a mapping entry `name: value` (Talos and k0s `extraArgs`). A list value
/// (Talos repeats the flag) gives one use per item.
pub(super) fn flags_from_entry(d: &Document, key: &Node, value: &Node) -> Vec<FlagUse> {
    let Some(name) = key.as_str() else {
        return Vec::new();
    };
    let name = name.trim_start_matches('-').to_string();
    let value = d.resolve(value);
    let items: Vec<&Node> = match &value.kind {
        NodeKind::Sequence(items) => items.iter().map(|i| d.resolve(i)).collect(),
        _ => vec![value],
    };
    items
        .into_iter()
        .filter_map(|v| {
            let text = v.as_str()?;
            Some(FlagUse {
                name: name.clone(),
                value: Some(text.to_string()),
                name_span: key.span,
                value_span: v.span,
                span: Span::new(key.span.start, v.span.end.max(key.span.end)),
            })
        })
        .collect()
}

fn parse_flags(
    file: &mut SourceFile,
    d: &Document,
    tokens: &[Token],
    workload: &str,
) -> Vec<FlagUse> {
    let mut uses = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        i += 1;
        let body = if let Some(b) = t.text.strip_prefix("--") {
            b
        } else if let Some(b) = t.text.strip_prefix('-').filter(|b| !b.is_empty()) {
            b
        } else {
            // kube-proxy takes no positional arguments: the command refuses them.
            uses.push(FlagUse {
                name: String::new(),
                value: Some(t.text.clone()),
                name_span: t.span,
                value_span: t.span,
                span: t.span,
            });
            continue;
        };
        if body.is_empty() {
            break;
        }
        let (name, value, name_len) = match body.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string()), n.len()),
            None => (body.to_string(), None, body.len()),
        };
        let dashes = t.text.len() - body.len();
        // A quoted item whose text needs no escapes (`- "--proxy-mode=ipvs"`): the spans point
        // inside the quotes.
        let outer = t.span;
        let t = &match file.text.get(t.span.start..t.span.end) {
            Some(raw)
                if t.span.len() == t.text.len() + 2
                    && (raw.starts_with('"') && raw.ends_with('"')
                        || raw.starts_with('\'') && raw.ends_with('\''))
                    && raw[1..raw.len() - 1] == t.text =>
            {
                Token {
                    text: t.text.clone(),
                    span: Span::new(t.span.start + 1, t.span.end - 1),
                }
            }
            _ => t.clone(),
        };
        let exact = t.span.len() == t.text.len();
        let name_span = if exact {
            Span::new(t.span.start, t.span.start + dashes + name_len)
        } else {
            t.span
        };
        let mut value_span = if exact && value.is_some() {
            Span::new(t.span.start + dashes + name_len + 1, t.span.end)
        } else {
            t.span
        };
        let mut span = outer;
        let mut value = value;
        let is_bool = kb().flag(&name).is_none_or(|f| f.ty == "bool");
        if value.is_none() && !is_bool {
            match tokens.get(i) {
                Some(next) => {
                    value = Some(next.text.clone());
                    value_span = next.span;
                    span = Span::new(outer.start, next.span.end.max(outer.end));
                    i += 1;
                }
                None => {
                    file.findings.push(
                        Finding::new(&input::WRONG_TYPE, format!("flag --{name} needs a value"))
                            .at(t.span)
                            .label("no value follows")
                            .help("write it as --name=value")
                            .document(d.index, workload.to_string()),
                    );
                }
            }
        }
        uses.push(FlagUse {
            name,
            value,
            name_span,
            value_span,
            span,
        });
    }
    uses
}

/// Convert a flag's text to the JSON value its config field holds; a bad value is a finding.
fn convert(
    file: &mut SourceFile,
    d: &Document,
    flag: &Flag,
    u: &FlagUse,
    workload: &str,
) -> Option<Value> {
    let raw = u.value.clone().unwrap_or_else(|| "true".into());
    let v = match flag.ty.as_str() {
        "bool" => go::parse_bool(&raw).map(Value::Bool),
        "int32" => go::atoi(&raw)
            .filter(|v| i32::try_from(*v).is_ok())
            .map(Value::from),
        "float32" => raw
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Value::from),
        "duration" => go::parse_duration(&raw).map(|_| Value::String(raw.clone())),
        // pflag's string slices: an empty value is an empty list.
        "string-list" if raw.is_empty() => Some(Value::Array(Vec::new())),
        "string-list" => Some(Value::Array(
            raw.split(',')
                .map(|s| Value::String(s.to_string()))
                .collect(),
        )),
        // `--vmodule=pattern=N,pattern=N` (component-base VModuleConfiguration).
        "vmodule" => raw
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|item| {
                let (pat, v) = item.rsplit_once('=')?;
                let v: u32 = v.parse().ok()?;
                Some(serde_json::json!({"filePattern": pat, "verbosity": v}))
            })
            .collect::<Option<Vec<_>>>()
            .map(Value::Array),
        "gates" => {
            let mut m = Map::new();
            let mut ok = true;
            for kv in raw.split(',').filter(|s| !s.trim().is_empty()) {
                match kv.split_once('=') {
                    Some((k, v)) => match go::parse_bool(v.trim()) {
                        Some(b) => {
                            m.insert(k.trim().to_string(), Value::Bool(b));
                        }
                        None => ok = false,
                    },
                    None => ok = false,
                }
            }
            ok.then_some(Value::Object(m))
        }
        _ => Some(Value::String(raw.clone())),
    };
    if v.is_none() {
        let expected = match flag.ty.as_str() {
            "bool" => "true or false",
            "int32" => "a 32-bit integer",
            "float32" => "a number",
            "duration" => "a Go duration such as 30s or 1m",
            "gates" => "a list of Name=true|false pairs",
            "vmodule" => "a list of pattern=N pairs",
            _ => "a valid value",
        };
        file.findings.push(
            Finding::new(
                &input::WRONG_TYPE,
                format!("--{} value {raw:?} is not {expected}", flag.name),
            )
            .at(u.value_span)
            .label("kube-proxy cannot parse this and exits")
            .help(format!("give --{} {expected}", flag.name))
            .path(flag.field.clone().unwrap_or_default())
            .document(d.index, workload.to_string()),
        );
    }
    v
}

pub(super) fn set(data: &mut Located, field: &str, v: Value, u: &FlagUse) {
    let path = Path::parse(field);
    if let Value::Array(items) = &v {
        // Each list entry points at the flag's value (entries are not separately located).
        for i in 0..items.len() {
            data.spans.insert(
                path.index(i),
                FieldSpan {
                    key: None,
                    value: u.value_span,
                },
            );
        }
    }
    if let Value::Object(m) = &v {
        for k in m.keys() {
            data.spans.insert(
                path.key(k),
                FieldSpan {
                    key: Some(u.value_span),
                    value: u.value_span,
                },
            );
        }
    }
    set_path(&mut data.value, &path, v);
    let mut p = path.parent();
    while let Some(pp) = p {
        if pp.is_root() {
            break;
        }
        data.spans.entry(pp.clone()).or_insert(FieldSpan {
            key: Some(u.name_span),
            value: u.span,
        });
        p = pp.parent();
    }
    data.spans.insert(
        path,
        FieldSpan {
            key: Some(u.name_span),
            value: u.value_span,
        },
    );
}

pub(super) fn remove_path(root: &mut Value, path: &Path) {
    use crate::model::Seg;
    let Some((Seg::Key(last), parents)) = path.0.split_last() else {
        return;
    };
    let mut cur = root;
    for seg in parents {
        let Seg::Key(k) = seg else { return };
        match cur.get_mut(k.as_str()) {
            Some(next) => cur = next,
            None => return,
        }
    }
    if let Value::Object(m) = cur {
        m.remove(last);
    }
}

pub(super) fn set_path(root: &mut Value, path: &Path, v: Value) {
    use crate::model::Seg;
    let mut cur = root;
    for (i, seg) in path.0.iter().enumerate() {
        let Seg::Key(k) = seg else { return };
        let Value::Object(m) = cur else { return };
        if i == path.0.len() - 1 {
            m.insert(k.clone(), v);
            return;
        }
        cur = m
            .entry(k.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}
