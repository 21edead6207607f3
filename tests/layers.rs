//! The layers of design.md, held against the code: a file of one layer may not import a
//! layer above it. Read as text (`crate::<module>` paths and `aws_sdk_*` crates) from
//! src/, leaving out test code (`*_tests.rs` files and everything after a file's
//! `#[cfg(test)]` module) and comments, where a test or a doc link may look anywhere.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The layers of design.md, top first: a module may import its own layer and those below,
/// never one above. Modules not listed (test fixtures) are not checked. `cli` (the flags and
/// the settings they resolve to) sits below the two front ends that read it.
const LAYERS: &[&[&str]] = &[
    &["main", "cli_docs"],
    &["tui"],
    &["headless"],
    &["cli"],
    &["ui"],
    &["app"],
    &["ops"],
    &["alerts", "aws", "logs"],
    &["config"],
    &["domain", "logfile"],
    &["safety", "timefmt", "private_fs", "duration"],
];

/// Only `aws/` talks to the SDK.
const SDK: &str = "aws_sdk";

/// The pure layers never reach the one that does I/O, though it lies below them: they get
/// plain data from `domain/` (design.md: "app/ imports no aws/").
const PURE: &[&str] = &["ui", "app", "alerts", "logs"];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// Whether `module` may import `used`.
fn allowed(module: &str, used: &str) -> bool {
    if used == SDK {
        return module == "aws";
    }
    if used == "aws" && PURE.contains(&module) {
        return false;
    }
    match (layer_of(module), layer_of(used)) {
        (Some(mine), Some(theirs)) => theirs >= mine,
        _ => true,
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The file's code without its test module and without comments.
fn production_code(text: &str) -> String {
    let mut code = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]")
            && lines
                .peek()
                .is_some_and(|next| next.trim_start().starts_with("mod "))
        {
            break;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        let line = line.split(" //").next().unwrap_or(line);
        code.push_str(line);
        code.push('\n');
    }
    code
}

/// The top-level modules a piece of code names: `crate::x` and `aws_sdk_*` (as `aws_sdk`).
fn imports(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            found.insert(name);
        }
    }
    for (i, _) in code.match_indices("aws_sdk_") {
        let before = code[..i].chars().next_back();
        if !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            found.insert("aws_sdk".to_string());
        }
    }
    // `use crate::{a, b::c}` names several modules at once.
    for (i, _) in code.match_indices("crate::{") {
        let rest = &code[i + "crate::{".len()..];
        let group = rest.split('}').next().unwrap_or("");
        for part in group.split(',') {
            let name: String = part
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

/// `src/app/update/mod.rs` -> `app`; `src/alerts.rs` -> `alerts`.
fn top_module(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap_or(file);
    let first = rel
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    first.trim_end_matches(".rs").to_string()
}

#[test]
fn no_layer_imports_a_layer_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 50, "src/ not found at {}", src.display());

    let mut wrong = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        if name.ends_with("_tests.rs") || name == "testing.rs" {
            continue;
        }
        let module = top_module(&src, file);
        let text = fs::read_to_string(file).unwrap();
        for used in imports(&production_code(&text)) {
            if !allowed(&module, &used) {
                let rel = file.strip_prefix(&src).unwrap_or(file).display();
                wrong.push(format!("src/{rel} ({module}) uses {used}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports that point up the layers of design.md:\n{}",
        wrong.join("\n")
    );
}

/// The checker itself: it sees `use crate::{…}` groups and `aws_sdk_*`, and skips test
/// modules and comments.
#[test]
fn the_checker_finds_what_it_should() {
    let code = production_code(
        "use crate::{aws::ecr, domain::Task};\n\
         // crate::cli in a comment\n\
         fn f() { aws_sdk_ecs::Client::new(); crate::ui::draw(); } // crate::tui\n\
         #[cfg(test)]\n\
         mod tests { use crate::headless; }\n",
    );
    let found = imports(&code);
    let expected: BTreeSet<String> = ["aws", "domain", "aws_sdk", "ui"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(found, expected);
    assert!(!allowed("app", "aws") && !allowed("aws", "cli") && !allowed("ui", SDK));
    assert!(allowed("app", "domain") && allowed("aws", SDK) && allowed("alerts", "config"));
}
