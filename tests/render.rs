//! One set of findings (the files in testdata/render/) rendered in every output format and
//! snapshotted in testdata/render/snapshots/. The SARIF output is validated against the
//! SARIF 2.1.0 JSON Schema (testdata/render/sarif-schema-2.1.0.json), the JUnit output is
//! parsed as XML, and the GitHub commands are parsed back.

use std::path::PathBuf;

use assert_cmd::Command;
use kp_lint::config::Config;
use kp_lint::diagnostic::Severity;
use kp_lint::lint::{FileReport, Options, lint_bytes};
use kp_lint::render::{self, Format, Run, Style};
use kp_lint::walk::InputError;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The rules the render set is about. Advisory rules fire on most configurations; leaving them
/// out keeps these snapshots about rendering, not about the advice of the day.
const SELECT: &str =
    r#"select = ["KP003", "KP007", "KP009", "KP101", "KP104", "KP107", "KP201", "KP202", "KP710"]"#;

fn options() -> Options {
    Options {
        config: Config::parse(SELECT, None).unwrap(),
        ..Options::default()
    }
}

/// The shared findings: every file of testdata/render/ with the rules of SELECT, too-large.yaml
/// with a 64-byte size limit so that its finding has no position; and one input that could not
/// be read.
fn inputs() -> (Vec<FileReport>, Vec<InputError>) {
    let mut reports = Vec::new();
    for (name, max_bytes) in [
        ("kube-proxy.yaml", None),
        ("configmap.yaml", None),
        ("kubeadm.yaml", None),
        ("too-large.yaml", Some(64)),
    ] {
        let rel = format!("testdata/render/{name}");
        let bytes = std::fs::read(root().join(&rel)).unwrap();
        let mut opts = options();
        if let Some(m) = max_bytes {
            opts.limits.max_file_bytes = m;
        }
        reports.push(lint_bytes(&rel, &bytes, &opts));
    }
    let unreadable = vec![InputError {
        path: "testdata/render/missing.yaml".into(),
        message: "No such file or directory (os error 2)".into(),
    }];
    (reports, unreadable)
}

/// Rendered output without the crate version, so that a release does not change snapshots.
fn rendered(format: Format, run: &Run<'_>, style: Style) -> String {
    render::render(format, run, style).replace(
        &format!("\"{}\"", env!("CARGO_PKG_VERSION")),
        "\"[version]\"",
    )
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({
        snapshot_path => root().join("testdata/render/snapshots"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name.to_string(), text);
    });
}

/// The inputs keep what the snapshots are meant to show.
#[test]
fn the_shared_findings_cover_every_case() {
    let (reports, unreadable) = inputs();
    let run = Run::new(&reports, &unreadable);
    assert!(run.count(Severity::Error) > 0);
    assert!(run.count(Severity::Warning) > 0);
    assert!(run.count(Severity::Info) > 0);
    let all: Vec<_> = run.findings().map(|(_, f)| f).collect();
    assert!(
        all.iter().any(|f| !f.labels.is_empty()),
        "a finding with labels"
    );
    assert!(
        all.iter().any(|f| f.span.is_none()),
        "a finding without a position"
    );
    assert!(
        all.iter().any(|f| f
            .origin
            .as_deref()
            .is_some_and(|o| o.starts_with("ConfigMap"))),
        "a finding inside a ConfigMap"
    );
    assert!(
        all.iter().any(|f| f.message.contains('%')),
        "a message that GitHub must escape"
    );
}

#[test]
fn every_format_renders_the_shared_findings() {
    let (reports, unreadable) = inputs();
    let run = Run::new(&reports, &unreadable);
    let plain = Style::default();
    let stats = Style {
        statistics: true,
        ..Style::default()
    };
    snapshot("human", &rendered(Format::Human, &run, plain));
    snapshot(
        "human-quiet-statistics",
        &rendered(
            Format::Human,
            &run,
            Style {
                quiet: true,
                ..stats
            },
        ),
    );
    snapshot("json-statistics", &rendered(Format::Json, &run, stats));
    let sarif = rendered(Format::Sarif, &run, plain);
    snapshot("sarif", &sarif_for_snapshot(&sarif));
    snapshot("sarif-rule-KP104", &descriptor_text(&sarif, "KP104"));
    snapshot("github", &rendered(Format::Github, &run, plain));
    snapshot("junit", &rendered(Format::Junit, &run, plain));
    let warnings = Run {
        fail_on: Some(Severity::Warning),
        ..Run::new(&reports, &unreadable)
    };
    snapshot(
        "junit-fail-on-warning",
        &rendered(Format::Junit, &warnings, plain),
    );
}

/// SARIF with `tool.driver.rules` (every rule of kp-lint) and the `ruleIndex` numbers replaced
/// by placeholders, so that adding a rule or editing its page does not change this snapshot;
/// `sarif_rules_carry_the_rule_documentation` checks the descriptors against the registry and
/// `sarif_output_is_valid_sarif_2_1_0` checks that every `ruleIndex` points at its rule.
fn sarif_for_snapshot(text: &str) -> String {
    let mut out = String::new();
    let mut skip_to: Option<String> = None;
    let mut rule_id = String::new();
    for line in text.lines() {
        if let Some(end) = &skip_to {
            if line.trim_end_matches(',') == end {
                out.push_str(&line[end.len()..]);
                out.push('\n');
                skip_to = None;
            }
            continue;
        }
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        if body == "\"rules\": [" {
            out.push_str(indent);
            out.push_str("\"rules\": \"[every rule of kp-lint, in code order]\"");
            skip_to = Some(format!("{indent}]"));
            continue;
        }
        if let Some(id) = body.strip_prefix("\"ruleId\": ") {
            rule_id = id.trim_end_matches(',').trim_matches('"').to_string();
        }
        if body.starts_with("\"ruleIndex\": ") {
            let comma = if body.ends_with(',') { "," } else { "" };
            out.push_str(&format!(
                "{indent}\"ruleIndex\": \"[index of {rule_id}]\"{comma}\n"
            ));
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// One rule's reportingDescriptor as it is printed, from `{` to `}`.
fn descriptor_text(sarif: &str, code: &str) -> String {
    let lines: Vec<&str> = sarif.lines().collect();
    let id = lines
        .iter()
        .position(|l| l.trim() == format!("\"id\": \"{code}\","))
        .expect("the rule's descriptor");
    let open = id - 1;
    let indent = &lines[open][..lines[open].len() - lines[open].trim_start().len()];
    let close = (id..lines.len())
        .find(|&i| lines[i].trim_end_matches(',') == format!("{indent}}}"))
        .unwrap();
    lines[open..=close].join("\n") + "\n"
}

#[test]
fn sarif_rules_carry_the_rule_documentation() {
    let sarif = render::render(Format::Sarif, &Run::new(&[], &[]), Style::default());
    let v: Value = serde_json::from_str(&sarif).unwrap();
    let descriptors = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let rules = kp_lint::rules::all();
    assert_eq!(descriptors.len(), rules.len());
    for (d, rule) in descriptors.iter().zip(rules) {
        assert_eq!(d["id"], rule.code);
        assert_eq!(d["name"], rule.name);
        assert_eq!(d["shortDescription"]["text"], rule.summary);
        assert_eq!(d["help"]["markdown"], kp_lint::docs::rule_markdown(rule));
        assert_eq!(
            d["properties"]["docs"],
            format!("docs/rules/{}.md", rule.code)
        );
        let level = match rule.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "note",
        };
        assert_eq!(d["defaultConfiguration"]["level"], level);
        // The first paragraph of the doc, its lines joined.
        let full = d["fullDescription"]["text"].as_str().unwrap();
        let flat: Vec<&str> = rule.doc.lines().map(str::trim).collect();
        assert!(
            !full.starts_with('#') && flat.join(" ").contains(full),
            "{}: {full:?}",
            rule.code
        );
    }
    // No findings and nothing unreadable: a successful run with no results.
    assert_eq!(v["runs"][0]["results"], Value::Array(vec![]));
    assert_eq!(v["runs"][0]["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn quiet_human_output_is_empty_without_findings() {
    let bytes = b"apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: nftables\n";
    let reports = [lint_bytes("good.yaml", bytes, &options())];
    let run = Run::new(&reports, &[]);
    let quiet = Style {
        quiet: true,
        statistics: true,
        ..Style::default()
    };
    assert_eq!(render::render(Format::Human, &run, quiet), "");
    assert!(render::render(Format::Human, &run, Style::default()).contains("0 errors"));
}

fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("testdata/render/sarif-schema-2.1.0.json"))
        .expect("testdata/render/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF 2.1.0 schema compiles")
}

fn schema_errors(validator: &jsonschema::Validator, v: &Value) -> Vec<String> {
    validator
        .iter_errors(v)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let validator = sarif_validator();
    let (reports, unreadable) = inputs();
    let run = Run::new(&reports, &unreadable);
    let v: Value = serde_json::from_str(&render::render(Format::Sarif, &run, Style::default()))
        .expect("SARIF output is JSON");
    let errors = schema_errors(&validator, &v);
    assert!(errors.is_empty(), "{errors:#?}");

    // What the schema cannot say.
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(
        v["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let sarif_run = &v["runs"][0];
    assert_eq!(sarif_run["columnKind"], "unicodeCodePoints");
    let rules = sarif_run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), kp_lint::rules::all().len());
    let results = sarif_run["results"].as_array().unwrap();
    assert_eq!(results.len(), run.findings().count());
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[index]["id"], r["ruleId"],
            "ruleIndex points at its rule"
        );
    }
    let by_rule = |code: &str| results.iter().find(|r| r["ruleId"] == code).unwrap();
    // Columns count characters: "brü0" comes before the value on its line.
    let kp009 = &by_rule("KP009")["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (kp009["startLine"].as_u64(), kp009["startColumn"].as_u64()),
        (Some(10), Some(61))
    );
    // A finding without a position has an artifact location and no region.
    let kp003 = &by_rule("KP003")["locations"][0]["physicalLocation"];
    assert_eq!(
        kp003["artifactLocation"]["uri"],
        "testdata/render/too-large.yaml"
    );
    assert!(kp003.get("region").is_none());
    // Labels are related locations; help follows the message.
    let kp104 = by_rule("KP104");
    assert_eq!(
        kp104["relatedLocations"][0]["message"]["text"],
        "syncPeriod set here"
    );
    assert!(
        kp104["message"]["text"]
            .as_str()
            .unwrap()
            .contains("\nhelp: ")
    );
    assert_eq!(kp104["properties"]["path"], "ipvs.minSyncPeriod");
    let kp101 = by_rule("KP101");
    assert_eq!(kp101["properties"]["document"], 0);
    assert_eq!(by_rule("KP202")["level"], "note");
    // The unreadable input makes the run unsuccessful.
    let invocation = &sarif_run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(
        invocation["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
            ["uri"],
        "testdata/render/missing.yaml"
    );
}

/// The validator is live: broken SARIF fails it. A repository-relative `helpUri` fails too —
/// SARIF wants an absolute URI there, which is why kp-lint leaves it out.
#[test]
fn the_sarif_schema_rejects_broken_logs() {
    let validator = sarif_validator();
    let (reports, unreadable) = inputs();
    let run = Run::new(&reports, &unreadable);
    let good: Value =
        serde_json::from_str(&render::render(Format::Sarif, &run, Style::default())).unwrap();
    type Mutation = (&'static str, fn(&mut Value));
    let mutations: [Mutation; 4] = [
        ("level", |v| {
            v["runs"][0]["results"][0]["level"] = "fatal".into()
        }),
        ("no message", |v| {
            v["runs"][0]["results"][0]
                .as_object_mut()
                .unwrap()
                .remove("message");
        }),
        ("column 0", |v| {
            v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"] =
                0.into()
        }),
        ("relative helpUri", |v| {
            v["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = "docs/rules/KP001.md".into()
        }),
    ];
    for (what, mutate) in mutations {
        let mut bad = good.clone();
        mutate(&mut bad);
        assert!(
            !schema_errors(&validator, &bad).is_empty(),
            "{what}: the schema should reject it"
        );
    }
}

/// SARIF from the real binary on every input the project has, hostile ones included.
#[test]
fn sarif_from_the_binary_validates_on_all_testdata() {
    let validator = sarif_validator();
    for target in [
        "testdata/rules",
        "testdata/examples",
        "testdata/upstream",
        "testdata/hostile",
        "testdata/render",
    ] {
        let out = Command::cargo_bin("kp-lint")
            .unwrap()
            .current_dir(root())
            .arg(target)
            .arg("--format=sarif")
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let errors = schema_errors(&validator, &v);
        assert!(errors.is_empty(), "{target}: {errors:#?}");
        assert!(
            !v["runs"][0]["results"].as_array().unwrap().is_empty(),
            "{target}: no results to check"
        );
    }
}

#[test]
fn junit_output_is_well_formed_xml() {
    let (reports, unreadable) = inputs();
    let run = Run::new(&reports, &unreadable);
    let xml = render::render(Format::Junit, &run, Style::default());
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(suite.attribute("name"), Some("kp-lint"));
    let cases: Vec<_> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), reports.len() + unreadable.len());
    assert_eq!(
        suite.attribute("tests"),
        Some(cases.len().to_string().as_str())
    );
    // Failures are the findings at or above --fail-on (error), escaped and read back intact.
    let failures: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .collect();
    assert_eq!(failures.len(), run.count(Severity::Error));
    let kp_proxy = cases[0]
        .children()
        .find(|n| n.has_tag_name("system-out"))
        .unwrap();
    assert!(
        kp_proxy
            .text()
            .unwrap()
            .contains("\"metrics,port: 100% <&>\"")
    );
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("error"))
            .count(),
        1
    );
    // Hostile inputs (NUL bytes, invalid UTF-8, …) still give well-formed XML.
    let out = Command::cargo_bin("kp-lint")
        .unwrap()
        .current_dir(root())
        .args(["testdata/hostile", "--format=junit", "--fail-on=info"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    roxmltree::Document::parse(&text).expect("hostile inputs: well-formed XML");
    // Standard input is named `<stdin>`.
    let out = Command::cargo_bin("kp-lint")
        .unwrap()
        .args(["-", "--format=junit"])
        .write_stdin("kind: KubeProxyConfiguration\napiVersion: kubeproxy.config.k8s.io/v1alpha1\nmode: IPVS\n")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("<stdin>: well-formed XML");
    let case = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase"))
        .unwrap();
    assert_eq!(case.attribute("name"), Some("<stdin>"));
}

/// Read `::cmd k=v,k=v::message` back the way the runner does.
fn parse_command(line: &str) -> (String, Vec<(String, String)>, String) {
    let unescape = |s: &str| {
        s.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    };
    let rest = line.strip_prefix("::").unwrap();
    let (head, message) = rest.split_once("::").unwrap();
    let (cmd, props) = head.split_once(' ').unwrap();
    let props = props
        .split(',')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (k.to_string(), unescape(v))
        })
        .collect();
    (cmd.to_string(), props, unescape(message))
}

#[test]
fn github_commands_parse_back() {
    let (reports, unreadable) = inputs();
    let run = Run::new(&reports, &unreadable);
    let text = render::render(Format::Github, &run, Style::default());
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), run.findings().count() + unreadable.len());
    let commands: Vec<_> = lines.iter().map(|l| parse_command(l)).collect();
    for (cmd, props, _) in &commands {
        assert!(["error", "warning", "notice"].contains(&cmd.as_str()));
        assert_eq!(props[0].0, "file");
    }
    let unknown = commands
        .iter()
        .find(|(_, _, m)| m.starts_with("unknown field"))
        .unwrap();
    assert_eq!(unknown.0, "warning");
    assert!(unknown.2.contains("\"metrics,port: 100% <&>\""));
    assert!(unknown.2.contains("\nhelp: "));
    let title = |c: &(String, Vec<(String, String)>, String)| {
        c.1.iter().find(|(k, _)| k == "title").unwrap().1.clone()
    };
    assert_eq!(title(unknown), "KP201 (unknown-field)");
    assert!(commands.iter().any(|c| c.0 == "notice"), "info is a notice");
    let no_position = commands
        .iter()
        .find(|c| title(c).starts_with("KP003"))
        .unwrap();
    assert_eq!(
        no_position
            .1
            .iter()
            .map(|(k, _)| k.as_str())
            .collect::<Vec<_>>(),
        ["file", "title"]
    );
}
