//! The README and `docs/` name files of this repository (`src/facts/`, `bench/compare.sh`, …); each
//! one must exist, so a move or a rename that leaves the docs behind fails here.

use std::path::Path;

/// Top-level folders whose paths the docs name.
const ROOTS: [&str; 10] = [
    "src/",
    "tests/",
    "bench/",
    "benches/",
    "docs/",
    "migrations/",
    "geoip/",
    "fuzz/",
    ".ci/",
    "dev/",
];

/// What builds and runs write (ignored by git, absent from a fresh clone), named in the docs as
/// places to look, not files we keep.
const GENERATED: [&str; 3] = ["/target/", "fuzz/artifacts/", "bench/out/"];

fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-')
}

/// Every repository path in `text`, without trailing punctuation.
fn named_paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (start, _) in text.char_indices() {
        let before = text[..start].chars().next_back();
        if before.is_some_and(is_path_char) {
            continue;
        }
        let rest = &text[start..];
        if !ROOTS.iter().any(|root| rest.starts_with(root)) {
            continue;
        }
        let end = rest.find(|c: char| !is_path_char(c)).unwrap_or(rest.len());
        let path = rest[..end].trim_end_matches(['.', ',', ';', ':']);
        let placeholder = rest[end..].starts_with(['<', '*', '{']);
        if !placeholder && !GENERATED.iter().any(|g| path.contains(g)) {
            out.push(path.to_owned());
        }
    }
    out
}

#[test]
fn every_path_the_readme_and_docs_name_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut documents = vec![root.join("README.md")];
    for entry in std::fs::read_dir(root.join("docs")).expect("docs/") {
        let path = entry.expect("a docs entry").path();
        if path.extension().is_some_and(|e| e == "md") {
            documents.push(path);
        }
    }
    let mut missing = Vec::new();
    let mut checked = 0;
    for document in &documents {
        let text = std::fs::read_to_string(document).expect("readable");
        for path in named_paths(&text) {
            checked += 1;
            if !root.join(&path).exists() {
                missing.push(format!("{}: {path}", document.display()));
            }
        }
    }
    assert!(
        checked > 50,
        "only {checked} paths found: is the scan broken?"
    );
    assert!(
        missing.is_empty(),
        "named but missing:\n{}",
        missing.join("\n")
    );
}

#[test]
fn a_path_is_read_up_to_its_punctuation() {
    assert_eq!(
        named_paths("see `src/facts/mod.rs`, and src/lists/. Not xsrc/a or fuzz/artifacts/x"),
        ["src/facts/mod.rs", "src/lists/"]
    );
    assert!(named_paths("tests/fixtures/<name>.json").is_empty());
}
