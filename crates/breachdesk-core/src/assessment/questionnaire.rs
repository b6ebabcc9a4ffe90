//! From a case to the engine's input: what the scope already says, and the guided questionnaire
//! for the rest. An answer the scope gives is never asked again; an answer neither gives stays
//! missing, and the engine then asks for it (`needs_more_information`), never a default.

use serde::{Deserialize, Serialize};

use super::input::{
    AssessmentInput, Availability, Confidentiality, ContextFactor, Count, DpcAdjustment,
    EnisaDataType, Identification, Integrity, Mitigation, Policy, Unintelligibility,
};
use crate::errors::{FieldError, FieldErrors};
use crate::scope::{self, Cause, Certainty, ConfidentialityType, Scope};

/// The handlers' answers to the questionnaire, as saved in the record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answers {
    pub identification: Option<Identification>,
    /// Who may have received the data, when the scope says it was disclosed.
    pub recipients: Option<Recipients>,
    /// Only asked when the scope leaves it open.
    pub confidentiality: Option<Confidentiality>,
    pub availability: Option<Availability>,
    pub malicious: Option<bool>,
    pub strongly_encrypted: Option<bool>,
    pub key_compromised: Option<bool>,
    #[serde(default)]
    pub mitigations: Vec<Mitigation>,
    pub credentials_give_access_to: Option<EnisaDataType>,
    #[serde(default)]
    pub dpc_adjustments: Vec<DpcAdjustment>,
    pub subsequent_measures_remove_high_risk: Option<bool>,
    pub disproportionate_effort: Option<bool>,
    pub joint_controllers: Option<bool>,
    pub at_processor: Option<bool>,
    pub policy: Option<Policy>,
}

/// Whether the people who received disclosed data are known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipients {
    Known,
    Unknown,
}

/// Which questions the scope leaves open (so the form asks only those).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)]
pub struct Open {
    pub recipients: bool,
    pub confidentiality: bool,
    pub availability: bool,
    pub malicious: bool,
    pub unintelligible: bool,
    pub credentials: bool,
}

/// What the scope says, in the engine's terms, and which questions remain.
#[must_use]
pub fn from_scope(scope: &Scope) -> (AssessmentInput, Open) {
    let mut open = Open::default();
    let mut input = AssessmentInput {
        data_categories: scope.affected.clone(),
        ..AssessmentInput::default()
    };
    input.confidentiality = match scope.confidentiality {
        // No loss of confidentiality, or reasonable evidence that nothing left.
        None | Some((ConfidentialityType::NotDisclosed, _)) => Some(Confidentiality::None),
        Some((ConfidentialityType::Disclosed, _)) => {
            open.recipients = true;
            None
        }
        Some((ConfidentialityType::LikelyDisclosed, _)) => Some(Confidentiality::ExposedNoEvidence),
        Some(_) => {
            open.confidentiality = true;
            None
        }
    };
    input.unintelligible = match scope.confidentiality.map(|c| c.1) {
        Some(scope::Unintelligibility::ProtectionIntact) => Some(Unintelligibility {
            strongly_encrypted: true,
            key_compromised: false,
        }),
        Some(scope::Unintelligibility::ProtectionLikelySubverted) => Some(Unintelligibility {
            strongly_encrypted: true,
            key_compromised: true,
        }),
        Some(scope::Unintelligibility::No) | None => Some(Unintelligibility {
            strongly_encrypted: false,
            key_compromised: false,
        }),
        Some(_) => {
            open.unintelligible = true;
            None
        }
    };
    input.integrity = Some(match scope.integrity {
        None => Integrity::None,
        Some(scope::IntegrityType::NoMisuse) => Integrity::AlteredNotUsed,
        Some(scope::IntegrityType::MisuseReversible) => Integrity::Recoverable,
        Some(scope::IntegrityType::MisuseIrreversible) => Integrity::NotRecoverable,
    });
    input.availability = match scope.availability {
        None => Some(Availability::None),
        Some(scope::AvailabilityType::Temporary) => Some(Availability::Temporary),
        Some(scope::AvailabilityType::Permanent) => Some(Availability::Full),
        Some(scope::AvailabilityType::NotDetermined) => {
            open.availability = true;
            None
        }
    };
    input.malicious = match scope.cause {
        Cause::InternalMalicious | Cause::ExternalMalicious => Some(true),
        Cause::InternalNonMalicious | Cause::ExternalNonMalicious => Some(false),
        Cause::ToBeDetermined | Cause::Unknown => {
            open.malicious = true;
            None
        }
    };
    input.data_subjects = Some(match (scope.subjects.certainty, scope.subjects.value) {
        (Certainty::Exact, Some(v)) => Count::Exact(v),
        (Certainty::Approximate, Some(v)) => Count::Approximate(v),
        _ => Count::Unknown,
    });
    open.credentials = scope
        .affected
        .contains(&super::input::DataCategory::Credential);
    (input, open)
}

/// The engine's input for a case: the scope's answers, then the questionnaire's for the rest.
#[must_use]
pub fn combine(scope: &Scope, answers: &Answers) -> AssessmentInput {
    let (mut input, open) = from_scope(scope);
    if open.recipients {
        input.confidentiality = answers.recipients.map(|r| match r {
            Recipients::Known => Confidentiality::KnownRecipients,
            Recipients::Unknown => Confidentiality::UnknownRecipients,
        });
    }
    if open.confidentiality {
        input.confidentiality = answers.confidentiality;
    }
    if open.availability {
        input.availability = answers.availability;
    }
    if open.malicious {
        input.malicious = answers.malicious;
    }
    if open.unintelligible {
        input.unintelligible = answers
            .strongly_encrypted
            .zip(answers.key_compromised.or(Some(false)))
            .map(|(strongly_encrypted, key_compromised)| Unintelligibility {
                strongly_encrypted,
                key_compromised: strongly_encrypted && key_compromised,
            });
    }
    input.identification = answers.identification;
    input.mitigations.clone_from(&answers.mitigations);
    input.credentials_give_access_to = answers.credentials_give_access_to;
    input.dpc_adjustments.clone_from(&answers.dpc_adjustments);
    input.subsequent_measures_remove_high_risk = answers.subsequent_measures_remove_high_risk;
    input.disproportionate_effort = answers.disproportionate_effort;
    input.joint_controllers = answers.joint_controllers;
    input.at_processor = answers.at_processor;
    input.policy = answers.policy.unwrap_or(Policy::Fi);
    input
}

/// A form as the questionnaire reads it.
pub trait AnswerForm {
    fn one(&self, name: &str) -> &str;
    fn all(&self, name: &str) -> Vec<&str>;
}

fn pick<T: Copy>(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    options: &[(&str, T)],
) -> Option<T> {
    if value.is_empty() {
        return None;
    }
    let found = options.iter().find(|(id, _)| *id == value).map(|(_, v)| *v);
    if found.is_none() {
        errors.add(field, FieldError::InvalidChoice { allowed: &[] });
    }
    found
}

fn yes_no(errors: &mut FieldErrors, field: &'static str, value: &str) -> Option<bool> {
    pick(errors, field, value, &[("yes", true), ("no", false)])
}

const FACTORS: &[(&str, ContextFactor)] = &[
    ("volume", ContextFactor::Volume),
    ("controller_sector", ContextFactor::ControllerSector),
    ("vulnerable_subjects", ContextFactor::VulnerableSubjects),
    ("profiling", ContextFactor::Profiling),
    ("publicly_available", ContextFactor::PubliclyAvailable),
    ("inaccurate_data", ContextFactor::InaccurateData),
    ("nature_of_data", ContextFactor::NatureOfData),
];

/// Reads the questionnaire form. Unanswered questions stay `None`; only contradictions and
/// unknown values are errors (an adjustment without its justification, or outside its range).
pub fn read_answers(form: &impl AnswerForm) -> Result<Answers, FieldErrors> {
    let mut e = FieldErrors::new();
    let mut a = Answers {
        identification: pick(
            &mut e,
            "identification",
            form.one("identification"),
            &[
                ("negligible", Identification::Negligible),
                ("limited", Identification::Limited),
                ("significant", Identification::Significant),
                ("maximum", Identification::Maximum),
            ],
        ),
        recipients: pick(
            &mut e,
            "recipients",
            form.one("recipients"),
            &[
                ("known", Recipients::Known),
                ("unknown", Recipients::Unknown),
            ],
        ),
        confidentiality: pick(
            &mut e,
            "confidentiality",
            form.one("confidentiality"),
            &[
                ("none", Confidentiality::None),
                ("exposed_no_evidence", Confidentiality::ExposedNoEvidence),
                ("known_recipients", Confidentiality::KnownRecipients),
                ("unknown_recipients", Confidentiality::UnknownRecipients),
            ],
        ),
        availability: pick(
            &mut e,
            "availability",
            form.one("availability"),
            &[
                ("none", Availability::None),
                ("recoverable_easily", Availability::RecoverableEasily),
                ("temporary", Availability::Temporary),
                ("full", Availability::Full),
            ],
        ),
        malicious: yes_no(&mut e, "malicious", form.one("malicious")),
        strongly_encrypted: yes_no(&mut e, "strongly_encrypted", form.one("strongly_encrypted")),
        key_compromised: yes_no(&mut e, "key_compromised", form.one("key_compromised")),
        mitigations: Vec::new(),
        credentials_give_access_to: pick(
            &mut e,
            "credentials_give_access_to",
            form.one("credentials_give_access_to"),
            &[
                ("simple", EnisaDataType::Simple),
                ("behavioural", EnisaDataType::Behavioural),
                ("financial", EnisaDataType::Financial),
                ("sensitive", EnisaDataType::Sensitive),
            ],
        ),
        dpc_adjustments: Vec::new(),
        subsequent_measures_remove_high_risk: yes_no(
            &mut e,
            "subsequent_measures_remove_high_risk",
            form.one("subsequent_measures_remove_high_risk"),
        ),
        disproportionate_effort: yes_no(
            &mut e,
            "disproportionate_effort",
            form.one("disproportionate_effort"),
        ),
        joint_controllers: yes_no(&mut e, "joint_controllers", form.one("joint_controllers")),
        at_processor: yes_no(&mut e, "at_processor", form.one("at_processor")),
        policy: pick(
            &mut e,
            "policy",
            form.one("policy"),
            &[("fi", Policy::Fi), ("edpb", Policy::Edpb)],
        ),
    };
    for m in form.all("mitigations") {
        match pick(
            &mut e,
            "mitigations",
            m,
            &[
                (
                    "recipient_confirmed_deletion",
                    Mitigation::RecipientConfirmedDeletion,
                ),
                (
                    "recipient_bound_by_secrecy",
                    Mitigation::RecipientBoundBySecrecy,
                ),
            ],
        ) {
            Some(m) if !a.mitigations.contains(&m) => a.mitigations.push(m),
            _ => {}
        }
    }
    for i in 1..=3 {
        let factor = form.one(&format!("adj{i}_factor"));
        let steps = form.one(&format!("adj{i}_steps"));
        let justification = form.one(&format!("adj{i}_justification")).trim();
        if factor.is_empty() && steps.is_empty() && justification.is_empty() {
            continue;
        }
        let Some(factor) = pick(&mut e, "dpc_adjustments", factor, FACTORS) else {
            e.add("dpc_adjustments", FieldError::Required);
            continue;
        };
        match steps.parse::<i8>() {
            Ok(s) if factor.allows(s) => {
                if justification.is_empty() {
                    e.add("dpc_adjustments", FieldError::Required);
                } else {
                    a.dpc_adjustments.push(DpcAdjustment {
                        factor,
                        steps: s,
                        justification: justification.chars().take(2000).collect(),
                    });
                }
            }
            _ => e.add(
                "dpc_adjustments",
                FieldError::InvalidChoice { allowed: &[] },
            ),
        }
    }
    e.into_result(|| a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::{Assessment, assess};
    use crate::scope::{AvailabilityType, SubjectCategory};

    fn scope() -> Scope {
        Scope {
            confidentiality: Some((ConfidentialityType::Disclosed, scope::Unintelligibility::No)),
            integrity: None,
            availability: Some(AvailabilityType::Temporary),
            affected: vec![
                super::super::input::DataCategory::PersonName,
                super::super::input::DataCategory::Health,
            ],
            not_affected: vec![],
            subject_categories: vec![SubjectCategory::Patients],
            subjects: scope::Count {
                certainty: Certainty::Approximate,
                value: Some(12_000),
            },
            records: scope::Count {
                certainty: Certainty::Unknown,
                value: None,
            },
            systems: String::new(),
            cause: Cause::ExternalMalicious,
            measures_before: String::new(),
            measures_after: String::new(),
        }
    }

    #[test]
    fn the_scope_answers_what_it_can_and_the_rest_is_asked_not_assumed() {
        let (input, open) = from_scope(&scope());
        assert!(open.recipients, "disclosed: to whom is a question");
        assert_eq!(input.confidentiality, None);
        assert_eq!(input.malicious, Some(true));
        assert_eq!(input.data_subjects, Some(Count::Approximate(12_000)));
        // Without the questionnaire the engine asks, it does not guess.
        let result = assess(&combine(&scope(), &Answers::default())).unwrap();
        let Assessment::NeedsMoreInformation { missing } = result else {
            panic!("{result:?}");
        };
        assert!(
            missing.iter().any(|m| m.contains("confidentiality")),
            "{missing:?}"
        );
        assert!(
            missing.iter().any(|m| m.contains("identification")),
            "{missing:?}"
        );
        // With the answers, an assessment: health data of 12 000 patients sent to unknown
        // recipients by an attacker is a high risk under any reading.
        let answers = Answers {
            identification: Some(Identification::Maximum),
            recipients: Some(Recipients::Unknown),
            subsequent_measures_remove_high_risk: Some(false),
            disproportionate_effort: Some(false),
            joint_controllers: Some(false),
            at_processor: Some(false),
            ..Answers::default()
        };
        match assess(&combine(&scope(), &answers)).unwrap() {
            Assessment::Assessed { decisions, .. } => {
                assert!(decisions.notify_authority, "{decisions:?}");
            }
            other @ Assessment::NeedsMoreInformation { .. } => panic!("{other:?}"),
        }
    }

    struct F(Vec<(&'static str, &'static str)>);
    impl AnswerForm for F {
        fn one(&self, name: &str) -> &str {
            self.0
                .iter()
                .find(|(k, _)| *k == name)
                .map_or("", |(_, v)| v)
        }
        fn all(&self, name: &str) -> Vec<&str> {
            self.0
                .iter()
                .filter(|(k, _)| *k == name)
                .map(|(_, v)| *v)
                .collect()
        }
    }

    #[test]
    fn adjustments_need_a_justification_and_a_step_in_range() {
        let ok = read_answers(&F(vec![
            ("identification", "maximum"),
            ("adj1_factor", "vulnerable_subjects"),
            ("adj1_steps", "1"),
            ("adj1_justification", "Patients of a psychiatric ward"),
        ]))
        .unwrap();
        assert_eq!(ok.dpc_adjustments.len(), 1);
        let bad = read_answers(&F(vec![
            ("adj1_factor", "publicly_available"),
            ("adj1_steps", "2"),
            ("adj1_justification", "x"),
            ("adj2_factor", "volume"),
            ("adj2_steps", "1"),
            ("identification", "huge"),
        ]))
        .unwrap_err();
        let fields: Vec<&str> = bad.iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["dpc_adjustments", "identification"]);
    }
}
