//! Assessment of a personal data breach: the ENISA 2013 severity the authorities' forms ask
//! for, the GDPR risk (severity and likelihood of each type of breach) that decides Art. 33 and
//! 34, and the reasoning in plain language.
//!
//! [`assess`] is a pure function of an [`AssessmentInput`]: the case page, the register and the
//! `breachdesk assess` command all call it, so the same facts always give the same answer. What
//! the input does not say is never assumed: the result is then
//! [`Assessment::NeedsMoreInformation`] with the answers it needs.

pub mod decision;
mod engine;
mod enisa;
mod explain;
mod input;
pub mod questionnaire;
mod risk;

pub use engine::{Assessment, Decisions, InvalidInput, Reason, SubjectCommunication, assess};
pub use enisa::{Flags, Level, Severity};
pub use explain::{explain, explain_reason, term};
pub use input::{
    AssessmentInput, Availability, Confidentiality, Containment, ContextFactor, Count,
    DataCategory, DpcAdjustment, EnisaDataType, Identification, Integrity, Outage, OutageEffect,
    Policy, Recipients, Role, Sector, Unintelligibility,
};
pub use risk::{
    BreachType, Likelihood, Risk, RiskAssessment, TypeRisk, combine, identity_theft_data,
};

/// A complete example input (`docs/examples/assessment-hospital-ransomware.json`), published
/// in the schema's `examples`.
const EXAMPLE: &str = include_str!("../../../../docs/examples/assessment-hospital-ransomware.json");

/// The JSON Schema of [`AssessmentInput`], as published in `docs/assessment-input.schema.json`,
/// with a complete example.
#[must_use]
pub fn input_schema() -> serde_json::Value {
    let mut schema =
        serde_json::to_value(schemars::schema_for!(AssessmentInput)).unwrap_or_default();
    if let (Some(obj), Ok(example)) = (
        schema.as_object_mut(),
        serde_json::from_str::<serde_json::Value>(EXAMPLE),
    ) {
        obj.insert("examples".into(), serde_json::Value::Array(vec![example]));
    }
    schema
}
