//! From a case to the engine's input: what the scope already says, and the guided questionnaire
//! for the rest. An answer the scope gives is never asked again; an answer neither gives stays
//! missing, and the engine then asks for it (`needs_more_information`), never a default.

use serde::{Deserialize, Deserializer, Serialize};

use super::input::{
    AssessmentInput, Availability, Confidentiality, Containment, ContextFactor, Count,
    DataCategory, DpcAdjustment, EnisaDataType, Identification, Integrity, Outage, OutageEffect,
    Recipients, Role, Sector, Unintelligibility,
};
use crate::errors::{FieldError, FieldErrors};
use crate::scope::{self, Cause, Certainty, ConfidentialityType, Scope, SubjectCategory};

/// The handlers' answers to the questionnaire, as saved in the record. Answers saved by earlier
/// versions keep what still means the same; an answer whose meaning changed (the old
/// "known"/"unknown" recipients) is read as unanswered, so it is asked again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answers {
    /// The questionnaire's version when these answers were saved (absent before version 2,
    /// whose `recipients` meant something else).
    #[serde(default)]
    pub version: u8,
    pub acting_as: Option<Role>,
    pub identification: Option<Identification>,
    /// Who has, or may have, the data, when confidentiality was lost.
    #[serde(default, deserialize_with = "recipients_or_unanswered")]
    pub recipients: Option<Recipients>,
    pub containment: Option<Containment>,
    /// Only asked when the scope leaves it open.
    pub confidentiality: Option<Confidentiality>,
    pub availability: Option<Availability>,
    pub unavailable_for: Option<Outage>,
    pub outage_effect: Option<OutageEffect>,
    pub malicious: Option<bool>,
    pub strongly_encrypted: Option<bool>,
    pub key_compromised: Option<bool>,
    pub credentials_give_access_to: Option<EnisaDataType>,
    #[serde(default)]
    pub dpc_adjustments: Vec<DpcAdjustment>,
    pub vulnerable_people: Option<bool>,
    pub sector: Option<Sector>,
    pub subsequent_measures_remove_high_risk: Option<bool>,
    pub disproportionate_effort: Option<bool>,
    pub joint_controllers: Option<bool>,
    pub at_processor: Option<bool>,
}

fn recipients_or_unanswered<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Recipients>, D::Error> {
    let raw = Option::<String>::deserialize(d)?;
    Ok(raw.and_then(|r| serde_json::from_value(serde_json::Value::String(r)).ok()))
}

/// The questionnaire's current version, saved with the answers.
pub const VERSION: u8 = 2;

/// Which questions the scope leaves open (so the form asks only those).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)]
pub struct Open {
    pub recipients: bool,
    pub confidentiality: bool,
    pub availability: bool,
    pub outage: bool,
    pub unavailable_for: bool,
    pub malicious: bool,
    pub unintelligible: bool,
    pub credentials: bool,
    pub vulnerable_people: bool,
    /// A disclosure: the ENISA circumstance (known or unknown recipients) follows from who has
    /// the data unless the handler answers it (someone who took data on purpose may be known).
    pub enisa_circumstance: bool,
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
            // Known or unknown recipients: the recipients question answers it, unless the
            // handler says.
            open.recipients = true;
            open.enisa_circumstance = true;
            None
        }
        Some((ConfidentialityType::LikelyDisclosed, _)) => {
            open.recipients = true;
            Some(Confidentiality::ExposedNoEvidence)
        }
        Some(_) => {
            open.recipients = true;
            open.confidentiality = true;
            None
        }
    };
    let lost = !matches!(
        scope.confidentiality,
        None | Some((ConfidentialityType::NotDisclosed, _))
    );
    input.unintelligible = match scope.confidentiality.map(|c| c.1) {
        _ if !lost => None,
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
    match scope.availability {
        None => input.availability = Some(Availability::None),
        Some(scope::AvailabilityType::Temporary | scope::AvailabilityType::NotDetermined) => {
            open.availability = true;
            open.outage = true;
            open.unavailable_for = true;
        }
        Some(scope::AvailabilityType::Permanent) => {
            input.availability = Some(Availability::Full);
            input.unavailable_for = Some(Outage::Permanent);
            open.outage = true;
        }
    }
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
    if scope.subject_categories.iter().any(|c| {
        matches!(
            c,
            SubjectCategory::Minors | SubjectCategory::Patients | SubjectCategory::Vulnerable
        )
    }) {
        input.vulnerable_people = Some(true);
    } else {
        open.vulnerable_people = true;
    }
    open.credentials = scope.affected.contains(&DataCategory::Credential);
    (input, open)
}

/// The engine's input for a case: the scope's answers, then the questionnaire's for the rest.
#[must_use]
pub fn combine(scope: &Scope, answers: &Answers) -> AssessmentInput {
    let (mut input, open) = from_scope(scope);
    if open.confidentiality {
        input.confidentiality = answers.confidentiality;
    }
    if open.recipients {
        // Before version 2 "unknown" meant ENISA's unknown recipients (hacked, published), not
        // today's "lost, nothing shows intent": such an answer is asked again.
        input.recipients = answers.recipients.filter(|_| answers.version >= VERSION);
        input.containment = answers.containment;
        if open.enisa_circumstance {
            // Disclosed: the ENISA circumstance as answered, else as it follows from who
            // received the data.
            input.confidentiality = answers
                .confidentiality
                .filter(|c| {
                    matches!(
                        c,
                        Confidentiality::KnownRecipients | Confidentiality::UnknownRecipients
                    )
                })
                .or(input.recipients.map(|r| match r {
                    Recipients::TrustedBoundBySecrecy
                    | Recipients::KnownFew
                    | Recipients::KnownMany => Confidentiality::KnownRecipients,
                    Recipients::Unknown | Recipients::Malicious | Recipients::Published => {
                        Confidentiality::UnknownRecipients
                    }
                }));
        }
    }
    if open.availability {
        input.availability = answers.availability;
    }
    if open.unavailable_for && input.availability != Some(Availability::None) {
        input.unavailable_for = answers.unavailable_for;
    }
    if open.outage && input.availability != Some(Availability::None) {
        input.outage_effect = answers.outage_effect;
    }
    if open.malicious {
        input.malicious = answers.malicious;
    }
    if open.unintelligible {
        // Both answers, or none: "encrypted" with the key question open is not "key safe".
        input.unintelligible = match (answers.strongly_encrypted, answers.key_compromised) {
            (Some(false), _) => Some(Unintelligibility {
                strongly_encrypted: false,
                key_compromised: false,
            }),
            (Some(true), Some(key_compromised)) => Some(Unintelligibility {
                strongly_encrypted: true,
                key_compromised,
            }),
            _ => None,
        };
    }
    if open.vulnerable_people {
        input.vulnerable_people = answers.vulnerable_people;
    }
    input.acting_as = answers.acting_as;
    input.sector = answers.sector;
    input.identification = answers.identification;
    input.credentials_give_access_to = answers.credentials_give_access_to;
    input.dpc_adjustments.clone_from(&answers.dpc_adjustments);
    input.subsequent_measures_remove_high_risk = answers.subsequent_measures_remove_high_risk;
    input.disproportionate_effort = answers.disproportionate_effort;
    input.joint_controllers = answers.joint_controllers;
    input.at_processor = answers.at_processor;
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
    options: &[(&'static str, T)],
) -> Option<T> {
    if value.is_empty() {
        return None;
    }
    let found = options.iter().find(|(id, _)| *id == value).map(|(_, v)| *v);
    if found.is_none() {
        errors.add(
            field,
            FieldError::NotAmong {
                allowed: options.iter().map(|(id, _)| *id).collect(),
            },
        );
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

/// The choices of each question, by id, in the order the form lists them.
pub const RECIPIENTS: &[(&str, Recipients)] = &[
    (
        "trusted_bound_by_secrecy",
        Recipients::TrustedBoundBySecrecy,
    ),
    ("known_few", Recipients::KnownFew),
    ("known_many", Recipients::KnownMany),
    ("unknown", Recipients::Unknown),
    ("malicious", Recipients::Malicious),
    ("published", Recipients::Published),
];
pub const CONTAINMENT: &[(&str, Containment)] = &[
    ("none", Containment::None),
    (
        "deleted_with_confirmation",
        Containment::DeletedWithConfirmation,
    ),
    ("recovered_unaccessed", Containment::RecoveredUnaccessed),
];
pub const OUTAGE: &[(&str, Outage)] = &[
    ("minutes", Outage::Minutes),
    ("hours", Outage::Hours),
    ("days", Outage::Days),
    ("weeks", Outage::Weeks),
    ("permanent", Outage::Permanent),
];
pub const OUTAGE_EFFECT: &[(&str, OutageEffect)] = &[
    ("none", OutageEffect::None),
    ("inconvenience", OutageEffect::Inconvenience),
    ("service_denied", OutageEffect::ServiceDenied),
    ("care_or_safety", OutageEffect::CareOrSafety),
];
pub const SECTOR: &[(&str, Sector)] = &[
    ("health_care", Sector::HealthCare),
    ("social_services", Sector::SocialServices),
    ("school", Sector::School),
    ("other", Sector::Other),
];
pub const ROLE: &[(&str, Role)] = &[
    ("controller", Role::Controller),
    ("processor", Role::Processor),
];

/// Reads the questionnaire form. Unanswered questions stay `None`; only contradictions and
/// unknown values are errors (an adjustment without its category or justification, or outside
/// its range).
pub fn read_answers(form: &impl AnswerForm) -> Result<Answers, FieldErrors> {
    let mut e = FieldErrors::new();
    let mut a = Answers {
        version: VERSION,
        acting_as: pick(&mut e, "acting_as", form.one("acting_as"), ROLE),
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
        recipients: pick(&mut e, "recipients", form.one("recipients"), RECIPIENTS),
        containment: pick(&mut e, "containment", form.one("containment"), CONTAINMENT),
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
        unavailable_for: pick(
            &mut e,
            "unavailable_for",
            form.one("unavailable_for"),
            OUTAGE,
        ),
        outage_effect: pick(
            &mut e,
            "outage_effect",
            form.one("outage_effect"),
            OUTAGE_EFFECT,
        ),
        malicious: yes_no(&mut e, "malicious", form.one("malicious")),
        strongly_encrypted: yes_no(&mut e, "strongly_encrypted", form.one("strongly_encrypted")),
        key_compromised: yes_no(&mut e, "key_compromised", form.one("key_compromised")),
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
        vulnerable_people: yes_no(&mut e, "vulnerable_people", form.one("vulnerable_people")),
        sector: pick(&mut e, "sector", form.one("sector"), SECTOR),
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
    };
    for i in 1..=3 {
        let category = form.one(&format!("adj{i}_category"));
        let factor = form.one(&format!("adj{i}_factor"));
        let steps = form.one(&format!("adj{i}_steps"));
        let justification = form.one(&format!("adj{i}_justification")).trim();
        if category.is_empty() && factor.is_empty() && steps.is_empty() && justification.is_empty()
        {
            continue;
        }
        let category = DataCategory::ALL
            .iter()
            .copied()
            .find(|c| c.id() == category);
        let Some(category) = category else {
            e.add("dpc_adjustments", FieldError::Required);
            continue;
        };
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
                        category: Some(category),
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
            version: VERSION,
            acting_as: Some(Role::Controller),
            identification: Some(Identification::Maximum),
            recipients: Some(Recipients::Malicious),
            containment: Some(Containment::None),
            availability: Some(Availability::Temporary),
            unavailable_for: Some(Outage::Days),
            outage_effect: Some(OutageEffect::CareOrSafety),
            sector: Some(Sector::HealthCare),
            subsequent_measures_remove_high_risk: Some(false),
            disproportionate_effort: Some(false),
            joint_controllers: Some(false),
            at_processor: Some(false),
            ..Answers::default()
        };
        match assess(&combine(&scope(), &answers)).unwrap() {
            Assessment::Assessed { decisions, .. } => {
                assert!(decisions.notify_authority, "{decisions:?}");
                assert_eq!(
                    decisions.communicate_to_subjects,
                    crate::assessment::SubjectCommunication::Individual
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn answers_saved_by_earlier_versions_are_read_and_changed_meanings_asked_again() {
        let old = serde_json::json!({
            "identification": "maximum",
            "recipients": "known",
            "mitigations": ["recipient_bound_by_secrecy"],
            "policy": "fi",
            "dpc_adjustments": [{"factor": "volume", "steps": 1, "justification": "a year of data"}]
        });
        let a: Answers = serde_json::from_value(old).unwrap();
        assert_eq!(a.identification, Some(Identification::Maximum));
        assert_eq!(a.recipients, None, "the old 'known' is asked again");
        assert_eq!(a.dpc_adjustments[0].category, None);
        let result = assess(&combine(&scope(), &a)).unwrap();
        let Assessment::NeedsMoreInformation { missing } = result else {
            panic!("{result:?}");
        };
        assert!(missing.contains(&"dpc_adjustments.category"), "{missing:?}");
        assert!(missing.contains(&"recipients"), "{missing:?}");
        // The old "unknown" parses, but meant something else: asked again too.
        let old_unknown: Answers =
            serde_json::from_value(serde_json::json!({"recipients": "unknown"})).unwrap();
        assert_eq!(combine(&scope(), &old_unknown).recipients, None);
    }

    #[test]
    fn encrypted_with_the_key_question_open_is_not_key_safe() {
        let mut s = scope();
        s.confidentiality = Some((
            ConfidentialityType::Disclosed,
            scope::Unintelligibility::ToBeDetermined,
        ));
        let answers = Answers {
            version: VERSION,
            strongly_encrypted: Some(true),
            ..Answers::default()
        };
        assert_eq!(combine(&s, &answers).unintelligible, None);
        let Assessment::NeedsMoreInformation { missing } = assess(&combine(&s, &answers)).unwrap()
        else {
            panic!("assessed without knowing whether the key is safe");
        };
        assert!(missing.contains(&"unintelligible"), "{missing:?}");
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
            ("adj1_category", "health"),
            ("adj1_factor", "vulnerable_subjects"),
            ("adj1_steps", "1"),
            ("adj1_justification", "Patients of a psychiatric ward"),
        ]))
        .unwrap();
        assert_eq!(ok.dpc_adjustments.len(), 1);
        let bad = read_answers(&F(vec![
            ("adj1_category", "location"),
            ("adj1_factor", "publicly_available"),
            ("adj1_steps", "2"),
            ("adj1_justification", "x"),
            ("adj2_category", "location"),
            ("adj2_factor", "volume"),
            ("adj2_steps", "1"),
            ("identification", "huge"),
        ]))
        .unwrap_err();
        let fields: Vec<&str> = bad.iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["dpc_adjustments", "identification"]);
    }
}
