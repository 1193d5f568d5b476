//! Generated files are committed; these tests fail when one is stale.
//! Regenerate with `KP_LINT_BLESS=1 cargo test --test generated`.

use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn check_or_bless(rel: &str, expected: &str) {
    let path = root().join(rel);
    let bless = std::env::var_os("KP_LINT_BLESS").is_some();
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current == expected {
        return;
    }
    if bless {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(&path, expected).unwrap();
    } else {
        panic!("{rel} is stale: run `KP_LINT_BLESS=1 cargo test --test generated`");
    }
}

#[test]
fn kube_proxy_schema_is_generated_from_the_field_table() {
    let kb = kp_lint::kb::kb();
    let schema = kp_lint::schema::generate(kb);
    let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    check_or_bless("schemas/kubeproxyconfiguration-v1alpha1.json", &text);
}

#[test]
fn rule_docs_are_generated_from_the_rules() {
    check_or_bless("docs/rules/README.md", &kp_lint::docs::rule_index());
    let mut expected_files = Vec::new();
    for rule in kp_lint::rules::all() {
        let rel = format!("docs/rules/{}.md", rule.code);
        check_or_bless(&rel, &kp_lint::docs::rule_markdown(rule));
        expected_files.push(format!("{}.md", rule.code));
    }
    // No page for a rule that no longer exists.
    for entry in std::fs::read_dir(root().join("docs/rules")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name != "README.md" {
            assert!(
                expected_files.contains(&name),
                "docs/rules/{name} has no rule"
            );
        }
    }
}

#[test]
fn man_page_is_generated_from_the_command_line_definition() {
    use clap::CommandFactory;
    let mut page = Vec::new();
    clap_mangen::Man::new(kp_lint::cli::Args::command())
        .render(&mut page)
        .unwrap();
    check_or_bless("docs/kp-lint.1", &String::from_utf8(page).unwrap());
}
