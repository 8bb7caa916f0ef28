//! The README's dependency blocks list every crate its Rust snippets use, with the features those
//! uses need, and the library itself as a real (path) dependency: a user who copies the README
//! gets code that builds. A static check of the text; the snippets themselves are compiled as
//! doctests (`src/lib.rs` includes the README).

use std::collections::{BTreeMap, BTreeSet};

const README: &str = include_str!("../README.md");

/// The fenced code blocks of `markdown` whose info string starts with `lang`.
fn code_blocks(markdown: &str, lang: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        match (&mut current, trimmed.strip_prefix("```")) {
            (None, Some(info)) if info.split(',').next() == Some(lang) => {
                current = Some(String::new())
            }
            (None, Some(_)) => current = None,
            (Some(_), Some(_)) => blocks.extend(current.take()),
            (Some(block), None) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, None) => {}
        }
    }
    blocks
}

/// Dependency name (with `_` for `-`) -> its features, from every `[dependencies]` and
/// `[dev-dependencies]` table of the TOML blocks; also the raw text of each entry.
fn dependencies(blocks: &[String]) -> BTreeMap<String, (BTreeSet<String>, String)> {
    let mut deps = BTreeMap::new();
    for block in blocks {
        let mut in_deps = false;
        for line in block.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.starts_with('[') {
                in_deps = matches!(line, "[dependencies]" | "[dev-dependencies]");
                continue;
            }
            let Some((name, spec)) = line.split_once('=') else {
                continue;
            };
            if !in_deps {
                continue;
            }
            let features = spec
                .split_once("features")
                .and_then(|(_, rest)| rest.split_once('[')?.1.split_once(']'))
                .map(|(list, _)| {
                    list.split(',')
                        .map(|feature| feature.trim().trim_matches('"').to_owned())
                        .filter(|feature| !feature.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            let entry = deps
                .entry(name.trim().replace('-', "_"))
                .or_insert_with(|| (BTreeSet::new(), String::new()));
            entry.0.extend::<BTreeSet<String>>(features);
            entry.1.push_str(spec.trim());
        }
    }
    deps
}

/// The code as the compiler sees it: rustdoc's hidden `# ` lines included, comments dropped.
fn compiled_text(block: &str) -> String {
    block
        .lines()
        .map(|line| {
            let trimmed = line.trim_start();
            let line = match trimmed.strip_prefix("# ") {
                Some(hidden) => hidden,
                None if trimmed == "#" => "",
                None => line,
            };
            line.split("//").next().unwrap_or("")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Every `name::` that starts a path (not preceded by `::` or part of a longer name).
fn path_roots(code: &str) -> Vec<&str> {
    let mut roots = Vec::new();
    let mut rest = code;
    let mut offset = 0;
    while let Some(at) = rest.find("::") {
        let absolute = offset + at;
        let before = &code[..absolute];
        let start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_ident(*c))
            .last()
            .map_or(absolute, |(i, _)| i);
        let preceded_by_path = code[..start].trim_end().ends_with("::");
        if start < absolute && !preceded_by_path {
            roots.push(&code[start..absolute]);
        }
        offset = absolute + 2;
        rest = &code[offset..];
    }
    roots
}

/// The names `use` statements bring into scope (the last segment of each imported path, and
/// `as` renames).
fn imported_names(code: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for statement in code.split("use ").skip(1) {
        let statement = statement.split(';').next().unwrap_or("");
        let words = statement
            .split(|c: char| !is_ident(c) && c != ':')
            .filter(|word| !word.is_empty());
        for word in words {
            let last = word.rsplit("::").next().unwrap_or(word);
            if !word.ends_with("::") && !last.is_empty() && last != "as" && last != "self" {
                names.insert(last.to_owned());
            }
        }
    }
    names
}

/// The crates `code` uses: roots of paths that are neither the standard library, nor keywords,
/// nor names imported by `use`, nor types (upper case).
fn crates_used(code: &str) -> BTreeSet<String> {
    let imported = imported_names(code);
    path_roots(code)
        .into_iter()
        .filter(|root| root.starts_with(|c: char| c.is_ascii_lowercase() || c == '_'))
        .filter(|root| !["std", "core", "alloc", "crate", "self", "super"].contains(root))
        .filter(|root| !imported.contains(*root))
        .map(str::to_owned)
        .collect()
}

/// Uses that need a feature beyond a crate's defaults: (text in the code, crate, any one of
/// these features).
const FEATURES: &[(&str, &str, &[&str])] = &[
    ("tower::ServiceExt", "tower", &["util", "full"]),
    ("tokio::main", "tokio", &["macros", "full"]),
    ("flavor = \"current_thread\"", "tokio", &["rt", "full"]),
    ("tokio::net", "tokio", &["net", "full"]),
];

#[test]
fn every_crate_a_snippet_uses_is_a_listed_dependency() {
    let rust = code_blocks(README, "rust");
    let toml = code_blocks(README, "toml");
    assert!(rust.len() >= 2, "the README's Rust snippets were not found");
    let deps = dependencies(&toml);
    for crate_name in ["twilio_webhooks", "tokio", "axum", "tower"] {
        assert!(
            deps.contains_key(crate_name),
            "{crate_name} not in {deps:?}"
        );
    }
    for block in &rust {
        let code = compiled_text(block);
        let used = crates_used(&code);
        assert!(used.contains("twilio_webhooks"), "{used:?}");
        for crate_name in &used {
            assert!(
                deps.contains_key(crate_name),
                "the README's snippet uses `{crate_name}`, which no [dependencies] or \
                 [dev-dependencies] block of the README lists:\n{block}"
            );
        }
        for (text, crate_name, any_of) in FEATURES {
            if !code.contains(text) {
                continue;
            }
            let features = deps.get(*crate_name).map(|(features, _)| features);
            let enabled = features.is_some_and(|f| any_of.iter().any(|n| f.contains(*n)));
            assert!(
                enabled,
                "the README's snippet uses `{text}`, which needs `{crate_name}` with one of \
                 the features {any_of:?}; the README lists {features:?}"
            );
        }
    }
    // Multi-threaded `#[tokio::main]` (no flavor given) needs the multi-threaded runtime.
    for block in &rust {
        let code = compiled_text(block);
        if code.contains("#[tokio::main]") {
            let features = &deps["tokio"].0;
            assert!(
                features.contains("rt-multi-thread") || features.contains("full"),
                "#[tokio::main] needs tokio's rt-multi-thread feature: {features:?}"
            );
        }
    }
}

#[test]
fn the_library_is_a_real_path_dependency() {
    let toml = code_blocks(README, "toml");
    let deps = dependencies(&toml);
    let (_, spec) = &deps["twilio_webhooks"];
    assert!(spec.contains("path = "), "twilio-webhooks = {spec}");
    for block in &toml {
        assert!(
            !block.contains('…') && !block.contains("..."),
            "a placeholder in the README's TOML:\n{block}"
        );
    }
}

#[test]
fn the_checks_see_what_they_check() {
    let code = compiled_text(
        "use tower::ServiceExt;\nuse twilio_webhooks::{testing, Params as P};\n\
         # #[tokio::main]\nlet x = testing::sample(); // not::this\nserde_json::json!({});\n\
         Decision::accept(); std::mem::take(&mut a::b::c);",
    );
    assert_eq!(
        crates_used(&code).into_iter().collect::<Vec<_>>(),
        ["a", "serde_json", "tokio", "tower", "twilio_webhooks"]
    );
    let deps = dependencies(&[
        "[dependencies]\nfoo-bar = { path = \"x\", features = [\"a\", \"b\"] } # c\n\
         [package]\nname = \"n\"\n[dev-dependencies]\nbaz = \"1\"\n"
            .to_owned(),
    ]);
    assert_eq!(deps.keys().collect::<Vec<_>>(), ["baz", "foo_bar"]);
    assert_eq!(deps["foo_bar"].0.iter().collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(
        code_blocks("text\n```rust,no_run\nA\n```\n```toml\nB\n```\n", "rust"),
        ["A\n"]
    );
}
