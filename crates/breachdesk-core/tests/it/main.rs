//! Integration tests of the domain crate: the published worked examples of the assessment and the
//! properties its rules must keep.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::doc_markdown
)]

mod assessment_properties;
mod worked_examples;

/// `docs/assessment-input.schema.json` is the published form of the engine's input: it must be
/// what the code generates. `BREACHDESK_WRITE_SCHEMA=1 cargo test -p breachdesk-core --test it
/// schema` rewrites it after a deliberate change.
#[test]
fn the_published_input_schema_is_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/assessment-input.schema.json");
    let generated =
        serde_json::to_string_pretty(&breachdesk_core::assessment::input_schema()).unwrap() + "\n";
    if std::env::var_os("BREACHDESK_WRITE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let published = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        published == generated,
        "docs/assessment-input.schema.json is stale; rerun with BREACHDESK_WRITE_SCHEMA=1"
    );
}
