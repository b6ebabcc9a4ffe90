//! The desk's layout rule (issue 19): a desk feature module reaches only the shared layer —
//! `desk/common.rs`, the signed-in `desk/session.rs` and the error pages of `desk/mod.rs` — never
//! another feature. A feature split over a directory (`desk/case/`, `desk/notices/`) may use its
//! own parent module (`super::…` from a child).

use std::path::{Path, PathBuf};

/// What a feature may name in the desk module: the shared layer.
const SHARED: [&str; 4] = ["common", "session", "forbidden", "not_found"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The names a file reaches in the desk module: `crate::desk::NAME`, and `super::NAME` from a
/// file directly under `desk/` (whose `super` is the desk module).
fn desk_names(source: &str, super_is_desk: bool) -> Vec<String> {
    let mut names = Vec::new();
    let prefixes: &[&str] = if super_is_desk {
        &["crate::desk::", "super::super::", "super::"]
    } else {
        &["crate::desk::", "super::super::"]
    };
    for line in source.lines().filter(|l| !l.trim_start().starts_with("//")) {
        let mut rest = line;
        while let Some((at, prefix)) = prefixes
            .iter()
            .filter_map(|p| rest.find(p).map(|at| (at, *p)))
            .min_by_key(|(at, p)| (*at, std::cmp::Reverse(p.len())))
        {
            let after = &rest[at + prefix.len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if name.is_empty() {
                // `super::{a, b}`: every name in the braces.
                if let Some(list) = after.strip_prefix('{') {
                    let list = list.split('}').next().unwrap_or_default();
                    names.extend(
                        list.split(',')
                            .map(|n| n.trim().split("::").next().unwrap_or_default().to_owned())
                            .filter(|n| !n.is_empty()),
                    );
                }
            } else {
                names.push(name);
            }
            rest = &after[1.min(after.len())..];
        }
    }
    names
}

#[test]
fn desk_features_reach_only_the_shared_layer() {
    let desk = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/desk");
    let mut files = Vec::new();
    rust_files(&desk, &mut files);
    assert!(files.len() > 10, "the desk's files were found");
    let mut broken = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&desk).unwrap();
        if relative == Path::new("mod.rs") {
            continue;
        }
        // desk/x.rs and desk/x/mod.rs: `super` is the desk module.
        let super_is_desk =
            relative.components().count() == 1 || relative.file_name().unwrap() == "mod.rs";
        let source = std::fs::read_to_string(file).unwrap();
        for name in desk_names(&source, super_is_desk) {
            if !SHARED.contains(&name.as_str()) {
                broken.push(format!("{} reaches desk::{name}", relative.display()));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "feature modules import each other: {broken:#?}"
    );
}

#[test]
fn the_layout_check_sees_a_sibling_import() {
    // The check itself: a sibling reached through `super::` or `crate::desk::` is named.
    let names = desk_names(
        "use super::{common::Layout, notices::load};\nlet x = crate::desk::case::render;",
        true,
    );
    assert_eq!(names, ["common", "notices", "case"]);
    assert!(desk_names("use super::record_entry_with;", false).is_empty());
}

/// Every audit action the application writes about a case (`case.*`, `notice.*`, `report.*`)
/// has a label in every language, so a case's history never shows a raw id (issue 23).
#[test]
fn every_case_audit_action_has_a_label_in_every_language() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for krate in ["breachdesk-app", "breachdesk-store"] {
        rust_files(&root.join(krate).join("src"), &mut files);
    }
    let mut actions = std::collections::BTreeSet::new();
    for file in &files {
        let source = std::fs::read_to_string(file).unwrap();
        // Every string literal that names such an action (`action: "…"`, or the action given
        // to `apply` and the like).
        for literal in source.split('"').skip(1).step_by(2) {
            let is_action = ["case.", "notice.", "report."]
                .iter()
                .any(|p| literal.starts_with(p))
                && literal
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_');
            if is_action {
                actions.insert(literal.to_owned());
            }
        }
    }
    assert!(
        actions.len() > 25,
        "the scan finds the actions: {actions:?}"
    );
    for lang in ["fi", "sv", "en"] {
        let ftl = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("locales/{lang}/desk.ftl")),
        )
        .unwrap();
        let missing: Vec<_> = actions
            .iter()
            .map(|a| format!("audit-{}", a.replace('.', "-")))
            .filter(|id| !ftl.lines().any(|l| l.starts_with(&format!("{id} ="))))
            .collect();
        assert!(missing.is_empty(), "{lang}: {missing:?}");
    }
}
