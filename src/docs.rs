//! Generated documentation: docs/rules/<CODE>.md and docs/rules/README.md come from the rules'
//! doc comments and metadata. A test fails when the committed files are stale; regenerate them
//! with `KP_LINT_BLESS=1 cargo test --test generated`.

use crate::rules::{self, Category, Rule};

pub fn rule_markdown(rule: &Rule) -> String {
    let mut s = format!("# {} {}\n\n", rule.code, rule.name);
    s.push_str(&format!(
        "{}.\n\n| | |\n|---|---|\n| Category | {} |\n| Default severity | {} |\n| Automatic fix | {} |\n\n",
        capitalise(rule.summary),
        rule.category.title(),
        rule.severity,
        match rule.fix {
            crate::rules::Fixable::No => "no",
            crate::rules::Fixable::Safe => "safe (`--fix`)",
            crate::rules::Fixable::Unsafe => "unsafe (`--fix --unsafe-fixes`)",
            crate::rules::Fixable::Sometimes => "safe or unsafe, depending on the finding (see docs/fixes.md)",
        }
    ));
    // Doc comments come with one leading space per line.
    for line in rule.doc.lines() {
        s.push_str(line.strip_prefix(' ').unwrap_or(line));
        s.push('\n');
    }
    s.push_str(&format!(
        "\n## Suppressing or changing it\n\nRun `kp-lint rule {}` to read this page in a terminal. To turn the rule off or change its severity, see [configuration](../configuration.md); to silence one finding, add `# kp-lint: ignore[{}] <reason>` on its line.\n",
        rule.code, rule.code
    ));
    s
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// docs/rules/README.md: every rule by category.
pub fn rule_index() -> String {
    let mut s = String::from(
        "# Rules\n\nGenerated from the rule files in `src/rules/`; do not edit by hand.\n",
    );
    for cat in [
        Category::Input,
        Category::Validation,
        Category::Fields,
        Category::Wiring,
    ] {
        s.push_str(&format!(
            "\n## {}\n\n| Code | Name | Severity | Fix | What it finds |\n|---|---|---|---|---|\n",
            cat.title()
        ));
        for r in rules::all().into_iter().filter(|r| r.category == cat) {
            s.push_str(&format!(
                "| [{}]({}.md) | {} | {} | {} | {} |\n",
                r.code,
                r.code,
                r.name,
                r.severity,
                r.fix.as_str(),
                r.summary
            ));
        }
    }
    s
}

/// `kp-lint --list-rules`.
pub fn rule_table_text() -> String {
    let mut s = String::new();
    for r in rules::all() {
        s.push_str(&format!(
            "{:<6} {:<8} {:<12} {:<38} {}\n",
            r.code,
            r.severity.as_str(),
            r.fix.as_str(),
            r.name,
            r.summary
        ));
    }
    s
}
