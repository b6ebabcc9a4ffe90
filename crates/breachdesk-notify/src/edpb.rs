//! The EDPB common template for notifying a personal data breach (v1.0) as shipped in
//! `schema/edpb-breach-notification-template-v1.0.schema.json`: the field list the forms and
//! documents are generated from, and the validation of a filled notification — the JSON Schema
//! itself (formats asserted) plus the template's visibility rules the schema cannot express.

use std::sync::OnceLock;

use jiff::Timestamp;
use serde_json::{Map, Value};

/// The schema exactly as the EDPB template's machine-readable form gives it.
pub const SCHEMA: &str =
    include_str!("../schema/edpb-breach-notification-template-v1.0.schema.json");

/// What kind of value a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Choice,
    Date,
    DateTime,
    Integer,
    Boolean,
}

/// One input field of the template.
#[derive(Debug, Clone)]
pub struct FieldDef {
    /// `field_NN`, the stable key.
    pub key: String,
    pub number: u16,
    /// The template's section number, e.g. `3.1`.
    pub section: String,
    /// The template's own (English) title.
    pub title: String,
    pub kind: FieldKind,
    /// Option codes and the template's (English) labels.
    pub options: Vec<(String, String)>,
    /// Required by the schema in every notification.
    pub required: bool,
}

/// The template: its fields in order, and the compiled validator.
pub struct Template {
    pub fields: Vec<FieldDef>,
    validator: jsonschema::Validator,
}

impl std::fmt::Debug for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Template")
            .field("fields", &self.fields.len())
            .finish_non_exhaustive()
    }
}

/// Why a notification is not ready: one field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `field_NN`, or empty for the document as a whole.
    pub field: String,
    pub kind: ProblemKind,
}

/// What is wrong with a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// The JSON Schema refuses the value (its message, which names no personal data: values
    /// are choices, dates and numbers, and free text is never refused by the schema).
    Schema(String),
    /// Needed because of another answer (the template's "required if visible").
    Required,
    /// "To be determined" and its kind are only available for an incomplete notification.
    OnlyIncomplete,
    /// Withdrawing is a follow-up of an earlier notification.
    WithdrawNeedsFollowUp,
    /// The 72 hours have passed: a new notification must give the reasons for the delay.
    LateReasonsRequired,
}

impl ProblemKind {
    /// A stable id for translations (`edpb-problem-<id>`).
    #[must_use]
    pub const fn id(&self) -> &'static str {
        match self {
            Self::Schema(_) => "schema",
            Self::Required => "required",
            Self::OnlyIncomplete => "only-incomplete",
            Self::WithdrawNeedsFollowUp => "withdraw-needs-follow-up",
            Self::LateReasonsRequired => "late-reasons-required",
        }
    }
}

/// The template, parsed and compiled once.
///
/// # Panics
/// Never in a built binary: the schema is embedded and checked by tests.
pub fn template() -> &'static Template {
    static TEMPLATE: OnceLock<Template> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let schema: Value = serde_json::from_str(SCHEMA).expect("the embedded schema is JSON");
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&schema)
            .expect("the embedded schema compiles");
        let required: Vec<&str> = schema["required"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut fields: Vec<FieldDef> = schema["properties"]
            .as_object()
            .map(|props| {
                props
                    .iter()
                    .map(|(key, p)| field_def(key, p, required.contains(&key.as_str())))
                    .collect()
            })
            .unwrap_or_default();
        fields.sort_by_key(|f| f.number);
        Template { fields, validator }
    })
}

fn field_def(key: &str, p: &Value, required: bool) -> FieldDef {
    let number = key
        .strip_prefix("field_")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let kind = match (p["type"].as_str(), p["format"].as_str()) {
        (Some("integer"), _) => FieldKind::Integer,
        (Some("boolean"), _) => FieldKind::Boolean,
        (_, Some("date")) => FieldKind::Date,
        (_, Some("date-time")) => FieldKind::DateTime,
        _ if p.get("enum").is_some() => FieldKind::Choice,
        _ => FieldKind::Text,
    };
    let options = p["enum"]
        .as_array()
        .map(|codes| {
            codes
                .iter()
                .filter_map(Value::as_str)
                .map(|c| {
                    let label = p["x-options"][c].as_str().unwrap_or(c).to_owned();
                    (c.to_owned(), label)
                })
                .collect()
        })
        .unwrap_or_default();
    FieldDef {
        key: key.to_owned(),
        number,
        section: p["x-section"].as_str().unwrap_or_default().to_owned(),
        title: p["title"].as_str().unwrap_or(key).trim().to_owned(),
        kind,
        options,
        required,
    }
}

impl Template {
    #[must_use]
    pub fn field(&self, key: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// Every problem of a filled notification, field by field; empty when it may be approved
    /// and sent. `awareness_due` is the end of the 72 hours, `now` the time of checking.
    #[must_use]
    pub fn check(&self, doc: &Map<String, Value>, late: bool) -> Vec<Problem> {
        let instance = Value::Object(doc.clone());
        let mut problems: Vec<Problem> = self
            .validator
            .iter_errors(&instance)
            .map(|e| {
                let path = e.instance_path().to_string();
                let field = path.trim_start_matches('/').to_owned();
                // A missing required property is reported on the document; name the field.
                if field.is_empty()
                    && let Some(missing) = missing_property(&e.to_string())
                {
                    return Problem {
                        field: missing,
                        kind: ProblemKind::Required,
                    };
                }
                Problem {
                    field,
                    kind: ProblemKind::Schema(e.to_string()),
                }
            })
            .collect();
        problems.extend(conditional_rules(doc, late));
        problems
    }
}

/// `"field_3" is a required property` → `field_3`.
fn missing_property(message: &str) -> Option<String> {
    let rest = message.strip_prefix('"')?;
    let end = rest.find('"')?;
    Some(rest[..end].to_owned())
}

fn text<'a>(doc: &'a Map<String, Value>, key: &str) -> &'a str {
    doc.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn filled(doc: &Map<String, Value>, key: &str) -> bool {
    match doc.get(key) {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(_) => true,
    }
}

/// Options that only an incomplete notification may use (the template's visibility notes).
const ONLY_INCOMPLETE: &[(&str, &str)] = &[
    ("field_44", "e"),
    ("field_56", "e"),
    ("field_57", "e"),
    ("field_65", "k"),
    ("field_67", "d"),
    ("field_70", "t"),
    ("field_72", "d"),
    ("field_97", "c"),
];

/// Fields needed when another field has one of some values: (field, when, values).
const REQUIRED_IF: &[(&str, &str, &[&str])] = &[
    ("field_6", "field_3", &["b"]),
    ("field_5", "field_4", &["c"]),
    ("field_24", "field_23", &["c"]),
    ("field_39", "field_38", &["a"]),
    ("field_40", "field_38", &["a"]),
    ("field_41", "field_38", &["a"]),
    ("field_46", "field_44", &["a", "b", "c"]),
    ("field_47", "field_44", &["b"]),
    ("field_52", "field_50", &["b", "c", "d", "e", "f"]),
    ("field_56", "field_55", &["a"]),
    ("field_57", "field_55", &["a"]),
    ("field_58", "field_55", &["b"]),
    ("field_59", "field_55", &["c"]),
    ("field_68", "field_67", &["a", "b"]),
    ("field_73", "field_72", &["a", "b"]),
    ("field_80", "field_79", &["e"]),
    ("field_82", "field_81", &["c"]),
    ("field_84", "field_83", &["c"]),
    ("field_86", "field_85", &["n"]),
    ("field_98", "field_97", &["a"]),
    ("field_104", "field_97", &["a"]),
    ("field_100", "field_97", &["e"]),
    ("field_101", "field_97", &["e"]),
    ("field_103", "field_102", &["b"]),
    ("field_111", "field_110", &["a"]),
    ("field_114", "field_113", &["a"]),
];

fn conditional_rules(doc: &Map<String, Value>, late: bool) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut add = |field: &str, kind| {
        if !out.iter().any(|p: &Problem| p.field == field) {
            out.push(Problem {
                field: field.to_owned(),
                kind,
            });
        }
    };
    for (field, when, values) in REQUIRED_IF {
        if values.contains(&text(doc, when)) && !filled(doc, field) {
            add(field, ProblemKind::Required);
        }
    }
    let incomplete = text(doc, "field_4") == "b";
    if !incomplete {
        for (field, code) in ONLY_INCOMPLETE {
            if text(doc, field) == *code {
                add(field, ProblemKind::OnlyIncomplete);
            }
        }
    }
    if text(doc, "field_4") == "c" && text(doc, "field_3") != "b" {
        add("field_4", ProblemKind::WithdrawNeedsFollowUp);
    }
    if late && text(doc, "field_3") == "a" && !filled(doc, "field_49") {
        add("field_49", ProblemKind::LateReasonsRequired);
    }
    out
}

/// Whether a notification made at `at` is late for an awareness time (Art. 33(1): 72 hours).
#[must_use]
pub fn is_late(awareness: Option<Timestamp>, at: Timestamp) -> bool {
    awareness.is_some_and(|a| at > breachdesk_core::deadline::due_at(a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_has_the_hundred_input_fields_and_the_42_required() {
        let t = template();
        assert_eq!(t.fields.len(), 100);
        assert_eq!(t.fields.iter().filter(|f| f.required).count(), 42);
        let f3 = t.field("field_3").unwrap();
        assert_eq!(f3.kind, FieldKind::Choice);
        assert_eq!(f3.options.len(), 2);
        assert_eq!(t.field("field_48").unwrap().kind, FieldKind::DateTime);
        assert_eq!(t.field("field_68").unwrap().kind, FieldKind::Integer);
        // Fields are in the template's order.
        assert!(t.fields.windows(2).all(|w| w[0].number < w[1].number));
    }

    #[test]
    fn an_empty_notification_names_every_required_field() {
        let problems = template().check(&Map::new(), false);
        let named: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        for f in template().fields.iter().filter(|f| f.required) {
            assert!(named.contains(&f.key.as_str()), "{} not named", f.key);
        }
    }

    #[test]
    fn formats_are_asserted() {
        let mut doc = Map::new();
        doc.insert("field_48".into(), Value::from("yesterday evening"));
        doc.insert("field_3".into(), Value::from("z"));
        let problems = template().check(&doc, false);
        assert!(problems.iter().any(|p| p.field == "field_48"));
        assert!(problems.iter().any(|p| p.field == "field_3"));
    }

    #[test]
    fn visibility_rules_are_enforced() {
        let mut doc = Map::new();
        doc.insert("field_3".into(), Value::from("a"));
        doc.insert("field_4".into(), Value::from("c"));
        doc.insert("field_44".into(), Value::from("e"));
        doc.insert("field_55".into(), Value::from("a"));
        let problems = conditional_rules(&doc, true);
        let has = |field: &str, kind: ProblemKind| {
            problems.iter().any(|p| p.field == field && p.kind == kind)
        };
        assert!(has("field_5", ProblemKind::Required));
        assert!(has("field_4", ProblemKind::WithdrawNeedsFollowUp));
        assert!(has("field_44", ProblemKind::OnlyIncomplete));
        assert!(has("field_56", ProblemKind::Required));
        assert!(has("field_49", ProblemKind::LateReasonsRequired));
        doc.insert("field_4".into(), Value::from("b"));
        doc.insert(
            "field_49".into(),
            Value::from("The processor told us late."),
        );
        let problems = conditional_rules(&doc, true);
        assert!(!problems.iter().any(|p| p.field == "field_44"));
        assert!(!problems.iter().any(|p| p.field == "field_49"));
    }
}
