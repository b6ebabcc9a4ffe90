//! Assessment: the ENISA 2013 severity of a breach, the risk it implies and the Art. 33/34
//! decisions, with the reasoning in plain language.
//!
//! [`assess`] is a pure function of an [`AssessmentInput`]: the case page, the register and the
//! `breachdesk assess` command all call it, so the same facts always give the same answer. What
//! the input does not say is never assumed: the result is then
//! [`Assessment::NeedsMoreInformation`] with the answers it needs.

mod engine;
mod explain;
mod input;
pub mod questionnaire;

pub use engine::{
    Assessment, Decisions, Flags, InvalidInput, Level, Reason, Risk, Severity,
    SubjectCommunication, assess,
};
pub use explain::{explain, explain_reason, term};
pub use input::{
    AssessmentInput, Availability, Confidentiality, ContextFactor, Count, DataCategory,
    DpcAdjustment, EnisaDataType, Identification, Integrity, Mitigation, Policy, Unintelligibility,
};

/// The JSON Schema of [`AssessmentInput`], as published in `docs/assessment-input.schema.json`.
#[must_use]
pub fn input_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(AssessmentInput)).unwrap_or_default()
}
