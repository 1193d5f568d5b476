//! SARIF 2.1.0 output (docs/output.md): one run whose driver lists every rule of the registry,
//! one result per finding. Validated in tests against the OASIS schema
//! (testdata/render/sarif-schema-2.1.0.json).

use serde::Serialize;

use super::{Run, position, span_position};
use crate::diagnostic::Severity;
use crate::lint::FileReport;
use crate::rules::{self, Category, Rule};
use crate::source::yaml::Span;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [SarifRun<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRun<'a> {
    tool: Tool,
    invocations: [Invocation; 1],
    /// kp-lint counts columns in characters (Unicode code points), like its other formats.
    column_kind: &'static str,
    results: Vec<ResultOut<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<Descriptor>,
}

/// A rule as a SARIF reportingDescriptor. `helpUri` is left out: SARIF wants an absolute URI
/// there, and the rule pages live in the repository (`properties.docs`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
    properties: DescriptorProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct DescriptorProperties {
    /// The rule's category, kebab-case (`validation`, `sync`, …).
    tags: [Category; 1],
    docs: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    locations: [Location; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultOut<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    #[serde(skip_serializing_if = "ResultProperties::is_empty")]
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    /// The configuration field as a v1alpha1 dot path.
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    /// The YAML document of the file (0-based).
    #[serde(skip_serializing_if = "Option::is_none")]
    document: Option<usize>,
    /// What the document is (`ConfigMap kube-system/kube-proxy (config.conf)`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    origin: Option<&'a str>,
}

impl ResultProperties<'_> {
    fn is_empty(&self) -> bool {
        self.path.is_none() && self.document.is_none() && self.origin.is_none()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

fn level(sev: Severity) -> &'static str {
    match sev {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

pub fn render(run: &Run<'_>) -> String {
    let all = rules::all();
    let results = run
        .findings()
        .map(|(report, f)| {
            let uri = artifact_uri(&report.file.name);
            let region = position(report, f).map(region);
            let message = match &f.help {
                Some(h) => format!("{}\nhelp: {h}", f.message),
                None => f.message.clone(),
            };
            ResultOut {
                rule_id: f.rule.code,
                rule_index: all.iter().position(|r| r.code == f.rule.code).unwrap_or(0),
                level: level(f.severity),
                message: Text { text: message },
                locations: [Location {
                    id: None,
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation { uri: uri.clone() },
                        region,
                    },
                    message: f
                        .label
                        .as_ref()
                        .filter(|_| f.span.is_some())
                        .map(|l| Text { text: l.clone() }),
                }],
                related_locations: f
                    .labels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| related(report, &uri, i + 1, l.span, &l.message))
                    .collect(),
                properties: ResultProperties {
                    path: f.path.as_deref().filter(|p| !p.is_empty()),
                    document: f.document,
                    origin: f.origin.as_deref(),
                },
            }
        })
        .collect();
    let notifications: Vec<Notification> = run
        .unreadable
        .iter()
        .map(|e| Notification {
            level: "error",
            message: Text {
                text: format!("cannot read {}: {}", e.path, e.message),
            },
            locations: [Location {
                id: None,
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation {
                        uri: artifact_uri(&e.path),
                    },
                    region: None,
                },
                message: None,
            }],
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [SarifRun {
            tool: Tool {
                driver: Driver {
                    name: "kp-lint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules: all.iter().map(|r| descriptor(r)).collect(),
                },
            },
            invocations: [Invocation {
                execution_successful: notifications.is_empty(),
                tool_execution_notifications: notifications,
            }],
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut s =
        serde_json::to_string_pretty(&log).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

fn region(((sl, sc), (el, ec)): ((usize, usize), (usize, usize))) -> Region {
    Region {
        start_line: sl,
        start_column: sc,
        end_line: el,
        end_column: ec,
    }
}

fn related(report: &FileReport, uri: &str, id: usize, span: Span, message: &str) -> Location {
    Location {
        id: Some(id),
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: uri.to_string(),
            },
            region: Some(region(span_position(report, span))),
        },
        message: Some(Text {
            text: message.to_string(),
        }),
    }
}

fn descriptor(rule: &'static Rule) -> Descriptor {
    Descriptor {
        id: rule.code,
        name: rule.name,
        short_description: Text {
            text: rule.summary.to_string(),
        },
        full_description: Text {
            text: first_paragraph(rule.doc).unwrap_or_else(|| rule.summary.to_string()),
        },
        help: Help {
            text: format!(
                "{}; see {} or run `kp-lint --explain {}`",
                rule.summary,
                rule.docs_path(),
                rule.code
            ),
            markdown: crate::docs::rule_markdown(rule),
        },
        default_configuration: Configuration {
            level: level(rule.severity),
        },
        properties: DescriptorProperties {
            tags: [rule.category],
            docs: rule.docs_path(),
        },
    }
}

/// The first paragraph of a rule's documentation that is not a heading, on one line.
fn first_paragraph(doc: &str) -> Option<String> {
    let mut words: Vec<&str> = Vec::new();
    for line in doc.lines() {
        let line = line.strip_prefix(' ').unwrap_or(line).trim_end();
        if line.starts_with('#') || line.is_empty() {
            if words.is_empty() {
                continue;
            }
            break;
        }
        words.push(line.trim_start());
    }
    (!words.is_empty()).then(|| words.join(" "))
}

/// A file name as a SARIF `artifactLocation.uri`: a relative reference with forward slashes
/// when the name is relative, a `file:` URI when it is absolute, percent-encoded where a URI
/// needs it (space, `%`, `#`, `?`, `:` in a relative name, non-ASCII, …).
pub fn artifact_uri(name: &str) -> String {
    let name = if cfg!(windows) {
        name.replace('\\', "/")
    } else {
        name.to_string()
    };
    let bytes = name.as_bytes();
    let drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    if drive {
        format!("file:///{}:{}", &name[..1], encode(&name[2..]))
    } else if name.starts_with('/') {
        format!("file://{}", encode(&name))
    } else {
        encode(&name)
    }
}

fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
            );
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(artifact_uri("a/b.yaml"), "a/b.yaml");
        assert_eq!(artifact_uri("./a b.yaml"), "./a%20b.yaml");
        assert_eq!(artifact_uri("c:d#1?.yaml"), "c%3Ad%231%3F.yaml");
        assert_eq!(artifact_uri("<stdin>"), "%3Cstdin%3E");
        assert_eq!(artifact_uri("/tmp/ü.yaml"), "file:///tmp/%C3%BC.yaml");
        assert_eq!(artifact_uri("100%.yaml"), "100%25.yaml");
    }

    #[test]
    fn first_paragraph_skips_headings() {
        assert_eq!(
            first_paragraph(" ## What it does\n Reports a\n thing.\n\n ## Why\n Because.\n"),
            Some("Reports a thing.".to_string())
        );
        assert_eq!(first_paragraph(" ## Only a heading\n"), None);
    }
}
