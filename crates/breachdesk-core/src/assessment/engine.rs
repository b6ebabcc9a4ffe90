//! The assessment: the ENISA severity (`enisa.rs`), the GDPR risk of each type of breach
//! (`risk.rs`) and the decisions of Art. 33 and 34 that follow, each step recorded as a
//! [`Reason`] so the result explains itself.

use serde::Serialize;

use super::enisa::{self, Flags, Severity};
use super::input::{
    AssessmentInput, Availability, Confidentiality, Containment, Count, DataCategory, Outage,
    Recipients, Role,
};
use super::risk::{self, Risk, RiskAssessment};

/// One step of the reasoning: a message id (`assess-<code>` in the locales) and its arguments.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub code: &'static str,
    pub args: Vec<(&'static str, String)>,
}

pub(super) fn reason(code: &'static str, args: &[(&'static str, String)]) -> Reason {
    Reason {
        code,
        args: args.to_vec(),
    }
}

/// A number as the reasons carry it: at most two decimals, no trailing zeros, a decimal point
/// (the explanation turns it into a comma where the language writes one).
pub(super) fn fmt_num(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Input the engine refuses (as opposed to input it needs more of).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidInput {
    #[error("dpc_adjustments[{0}]: a justification is required for every change of the DPC")]
    MissingJustification(usize),
    #[error(
        "dpc_adjustments[{0}]: steps must be 1 to 3 for an increasing factor, -1 to -3 for a decreasing one, and not 0 for the nature of the data"
    )]
    WrongSteps(usize),
    #[error("dpc_adjustments[{0}]: the category it adjusts is not among data_categories")]
    AdjustmentCategoryNotAffected(usize),
    #[error("{0} only applies to a loss of confidentiality, and confidentiality is `none`")]
    OnlyForConfidentiality(&'static str),
    #[error("{0} only applies to a loss of availability, and availability is `none`")]
    OnlyForAvailability(&'static str),
    #[error("recipients `{recipients}` contradicts confidentiality `{confidentiality}`")]
    RecipientsContradict {
        recipients: &'static str,
        confidentiality: &'static str,
    },
    #[error(
        "containment `deleted_with_confirmation` needs known recipients who can confirm (trusted_bound_by_secrecy, known_few or known_many), not `{0}`"
    )]
    DeletionNeedsKnownRecipients(&'static str),
    #[error(
        "unavailable_for `permanent` and availability `full` go together: data lost for good are fully unavailable, and fully unavailable data are lost for good"
    )]
    PermanentMeansFull,
    #[error(
        "containment `recovered_unaccessed` is for a lost or stolen device or file (recipients unknown or malicious), not for data with `{0}`"
    )]
    RecoveryNeedsADevice(&'static str),
    #[error(
        "malicious is true, but recipients `unknown` says nothing shows intent: whoever caused it on purpose has the data (`malicious`, or `published`)"
    )]
    IntentContradictsRecipients,
    #[error(
        "identification `negligible` contradicts direct identifiers among the data ({0}): ENISA rates names, identity codes, photographs and e-mail addresses as identifying"
    )]
    IdentifiersNotNegligible(&'static str),
    #[error(
        "availability `recoverable_easily` means other copies restore the data without difficulty: not after {0}"
    )]
    EasyRecoveryContradicts(&'static str),
}

/// How the people concerned are told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectCommunication {
    /// Each person is told directly (Art. 34(1)).
    Individual,
    /// Art. 34(3)(c): a public communication instead.
    Public,
    NotRequired,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "each is a separate yes/no decision of the law"
)]
pub struct Decisions {
    /// Art. 33(5): every breach is documented, whatever else is decided.
    pub record_in_register: bool,
    pub notify_authority: bool,
    pub communicate_to_subjects: SubjectCommunication,
    /// Which Art. 34(3) exemption applied, if any: `a`, `b` or `c`.
    pub exemption: Option<&'static str>,
    pub inform_joint_controllers: bool,
    pub inform_processor: bool,
    pub report_to_police: bool,
    /// Other bodies to consider telling (ids: `card_issuer_or_bank`, `dvv`, `ncsc_fi`).
    pub other_recipients: Vec<&'static str>,
}

/// The engine's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Assessment {
    Assessed {
        /// The ENISA 2013 severity, as the authorities' forms ask for it.
        severity: Severity,
        flags: Flags,
        /// The GDPR risk that decides: the highest of the types of breach.
        risk: Risk,
        /// Severity, likelihood and risk of each type of breach.
        risk_assessment: RiskAssessment,
        decisions: Decisions,
        reasons: Vec<Reason>,
    },
    /// Art. 33(2): the organisation is a processor. It tells the controller without undue
    /// delay; the controller assesses the risk and decides on the notifications.
    NotifyController { reasons: Vec<Reason> },
    /// The named answers are needed first; nothing is assumed in their place.
    NeedsMoreInformation { missing: Vec<&'static str> },
}

fn validate(input: &AssessmentInput) -> Result<(), InvalidInput> {
    for (i, adj) in input.dpc_adjustments.iter().enumerate() {
        if adj.justification.trim().is_empty() {
            return Err(InvalidInput::MissingJustification(i));
        }
        if !adj.factor.allows(adj.steps) {
            return Err(InvalidInput::WrongSteps(i));
        }
        if let Some(c) = adj.category
            && !input.data_categories.contains(&c)
        {
            return Err(InvalidInput::AdjustmentCategoryNotAffected(i));
        }
    }
    let conf_none = input.confidentiality == Some(Confidentiality::None);
    if conf_none {
        if input.recipients.is_some() {
            return Err(InvalidInput::OnlyForConfidentiality("recipients"));
        }
        if input.containment.is_some() {
            return Err(InvalidInput::OnlyForConfidentiality("containment"));
        }
    }
    if let (Some(r), Some(c)) = (input.recipients, input.confidentiality) {
        let fits = match c {
            Confidentiality::None => true,
            Confidentiality::ExposedNoEvidence => r != Recipients::Published,
            Confidentiality::KnownRecipients => matches!(
                r,
                Recipients::TrustedBoundBySecrecy
                    | Recipients::KnownFew
                    | Recipients::KnownMany
                    | Recipients::Malicious
            ),
            Confidentiality::UnknownRecipients => matches!(
                r,
                Recipients::Unknown | Recipients::Malicious | Recipients::Published
            ),
        };
        if !fits {
            return Err(InvalidInput::RecipientsContradict {
                recipients: r.id(),
                confidentiality: match c {
                    Confidentiality::None => "none",
                    Confidentiality::ExposedNoEvidence => "exposed_no_evidence",
                    Confidentiality::KnownRecipients => "known_recipients",
                    Confidentiality::UnknownRecipients => "unknown_recipients",
                },
            });
        }
    }
    if let (Some(Containment::DeletedWithConfirmation), Some(r)) =
        (input.containment, input.recipients)
        && !matches!(
            r,
            Recipients::TrustedBoundBySecrecy | Recipients::KnownFew | Recipients::KnownMany
        )
    {
        return Err(InvalidInput::DeletionNeedsKnownRecipients(r.id()));
    }
    if let (Some(Containment::RecoveredUnaccessed), Some(r)) = (input.containment, input.recipients)
        && !matches!(r, Recipients::Unknown | Recipients::Malicious)
    {
        return Err(InvalidInput::RecoveryNeedsADevice(r.id()));
    }
    if input.malicious == Some(true) && input.recipients == Some(Recipients::Unknown) {
        return Err(InvalidInput::IntentContradictsRecipients);
    }
    if input.identification == Some(super::input::Identification::Negligible)
        && let Some(c) = input.data_categories.iter().find(|c| {
            matches!(
                c,
                DataCategory::PersonName
                    | DataCategory::NationalId
                    | DataCategory::Photo
                    | DataCategory::Email
            )
        })
    {
        return Err(InvalidInput::IdentifiersNotNegligible(match c {
            DataCategory::PersonName => "person_name",
            DataCategory::NationalId => "national_id",
            DataCategory::Photo => "photo",
            _ => "email",
        }));
    }
    if input.availability == Some(Availability::RecoverableEasily) {
        if matches!(
            input.unavailable_for,
            Some(Outage::Weeks | Outage::Permanent)
        ) {
            return Err(InvalidInput::EasyRecoveryContradicts("weeks"));
        }
        if input.outage_effect == Some(super::input::OutageEffect::CareOrSafety) {
            return Err(InvalidInput::EasyRecoveryContradicts(
                "care, safety or livelihood was put at risk",
            ));
        }
    }
    if input.availability == Some(Availability::Full)
        && input.outage_effect == Some(super::input::OutageEffect::None)
    {
        return Err(InvalidInput::EasyRecoveryContradicts(
            "nothing noticeable (data lost for good always affect someone: choose the effect)",
        ));
    }
    if input.availability == Some(Availability::None) {
        if input.unavailable_for.is_some() {
            return Err(InvalidInput::OnlyForAvailability("unavailable_for"));
        }
        if input.outage_effect.is_some() {
            return Err(InvalidInput::OnlyForAvailability("outage_effect"));
        }
    }
    if let (Some(a), Some(o)) = (input.availability, input.unavailable_for)
        && ((a == Availability::Full) != (o == Outage::Permanent))
    {
        return Err(InvalidInput::PermanentMeansFull);
    }
    Ok(())
}

/// The answers a controller's assessment needs and the input does not give.
fn missing_answers(input: &AssessmentInput) -> Vec<&'static str> {
    let mut missing = Vec::new();
    let mut need = |name: &'static str, absent: bool| {
        if absent {
            missing.push(name);
        }
    };
    need("data_categories", input.data_categories.is_empty());
    need(
        "credentials_give_access_to",
        input.data_categories.contains(&DataCategory::Credential)
            && input.credentials_give_access_to.is_none(),
    );
    need(
        "dpc_adjustments.category",
        input.dpc_adjustments.iter().any(|a| a.category.is_none()),
    );
    need("identification", input.identification.is_none());
    need("confidentiality", input.confidentiality.is_none());
    need("integrity", input.integrity.is_none());
    need("availability", input.availability.is_none());
    need("malicious", input.malicious.is_none());
    need("data_subjects", input.data_subjects.is_none());
    // Unless confidentiality is known to be intact, who got the data and whether they could
    // read them are questions of their own (for a disclosure they also settle the ENISA
    // circumstance).
    let confidentiality_open = input.confidentiality != Some(Confidentiality::None);
    need(
        "unintelligible",
        confidentiality_open && input.unintelligible.is_none(),
    );
    need(
        "recipients",
        confidentiality_open && input.recipients.is_none(),
    );
    need(
        "containment",
        confidentiality_open && input.containment.is_none(),
    );
    let availability_lost = input.availability.is_some_and(|a| a != Availability::None);
    need(
        "unavailable_for",
        availability_lost && input.unavailable_for.is_none(),
    );
    need(
        "outage_effect",
        availability_lost && input.outage_effect.is_none(),
    );
    need("vulnerable_people", input.vulnerable_people.is_none());
    need("sector", input.sector.is_none());
    missing
}

/// Assesses a breach. Deterministic: the same input always gives the same result.
pub fn assess(input: &AssessmentInput) -> Result<Assessment, InvalidInput> {
    validate(input)?;
    match input.acting_as {
        None => {
            let mut missing = vec!["acting_as"];
            missing.extend(missing_answers(input));
            return Ok(Assessment::NeedsMoreInformation { missing });
        }
        Some(Role::Processor) => {
            // Art. 33(2): the processor does not weigh the risk; it tells the controller, and
            // missing details are no reason to wait.
            return Ok(Assessment::NotifyController {
                reasons: vec![
                    reason("processor-notify-controller", &[]),
                    reason("processor-document", &[]),
                ],
            });
        }
        Some(Role::Controller) => {}
    }
    let missing = missing_answers(input);
    let (
        false,
        Some(identification),
        Some(conf),
        Some(integ),
        Some(avail),
        Some(malicious),
        Some(subjects),
        Some(vulnerable),
        Some(sector),
    ) = (
        !missing.is_empty(),
        input.identification,
        input.confidentiality,
        input.integrity,
        input.availability,
        input.malicious,
        input.data_subjects,
        input.vulnerable_people,
        input.sector,
    )
    else {
        return Ok(Assessment::NeedsMoreInformation { missing });
    };

    let mut reasons = vec![reason("register", &[])];
    let severity = enisa::severity(
        input,
        &enisa::Facts {
            identification,
            confidentiality: conf,
            integrity: integ,
            availability: avail,
            malicious,
        },
        &mut reasons,
    );
    let unintelligible = input
        .unintelligible
        .is_some_and(|u| u.strongly_encrypted && !u.key_compromised);
    let flags = Flags {
        more_than_100_subjects: matches!(subjects, Count::Exact(n) | Count::Approximate(n) if n > 100),
        unintelligible,
    };
    match subjects {
        Count::Exact(n) => reasons.push(reason("subjects-exact", &[("count", n.to_string())])),
        Count::Approximate(n) => {
            reasons.push(reason("subjects-approximate", &[("count", n.to_string())]));
        }
        Count::Unknown => reasons.push(reason("flag-subjects-unknown", &[])),
    }
    if flags.more_than_100_subjects {
        reasons.push(reason("flag-more-than-100", &[]));
    }
    if flags.unintelligible {
        reasons.push(reason("flag-unintelligible", &[]));
    }

    let confidentiality_lost = conf != Confidentiality::None;
    let facts = risk::Facts {
        identification,
        unintelligible: confidentiality_lost && unintelligible,
        recipients: if confidentiality_lost {
            input.recipients
        } else {
            None
        },
        containment: input.containment,
        integrity: integ,
        outage: match (avail, input.unavailable_for, input.outage_effect) {
            (Availability::None, ..) => None,
            (_, Some(o), Some(e)) => Some((o, e)),
            _ => None,
        },
        malicious,
        subjects,
        vulnerable,
        sector,
    };
    let assessed = risk::assess(input, &severity, &facts, &mut reasons);
    let risk = assessed.risk;
    reasons.push(reason(
        match risk {
            Risk::Unlikely => "risk-unlikely",
            Risk::Risk => "risk-risk",
            Risk::High => "risk-high",
        },
        &[
            ("severity", assessed.severity.id().into()),
            ("likelihood", assessed.likelihood.id().into()),
        ],
    ));

    // Art. 33(1): the authority, unless the breach is unlikely to result in a risk.
    let notify_authority = risk >= Risk::Risk;
    reasons.push(reason(
        if notify_authority {
            "authority-notify"
        } else {
            "authority-not-required"
        },
        &[],
    ));

    // Art. 34: the people, when the risk is high, unless an exemption of 34(3) applies.
    let mut exemption = None;
    let communicate = if risk < Risk::High {
        if assessed.protection_spares_high_risk {
            exemption = Some("a");
            reasons.push(reason("subjects-exempt-a", &[]));
        } else {
            reasons.push(reason("subjects-not-required", &[]));
        }
        SubjectCommunication::NotRequired
    } else {
        if assessed.protection_spares_high_risk {
            reasons.push(reason("subjects-a-confidentiality-only", &[]));
        }
        match (
            input.subsequent_measures_remove_high_risk,
            input.disproportionate_effort,
        ) {
            (Some(true), _) => {
                exemption = Some("b");
                reasons.push(reason("subjects-exempt-b", &[]));
                SubjectCommunication::NotRequired
            }
            (Some(false), Some(true)) => {
                exemption = Some("c");
                reasons.push(reason("subjects-exempt-c-public", &[]));
                SubjectCommunication::Public
            }
            (Some(false), Some(false)) => {
                reasons.push(reason("subjects-communicate", &[]));
                SubjectCommunication::Individual
            }
            (b, effort) => {
                let mut missing = Vec::new();
                if b.is_none() {
                    missing.push("subsequent_measures_remove_high_risk");
                }
                if effort.is_none() {
                    missing.push("disproportionate_effort");
                }
                return Ok(Assessment::NeedsMoreInformation { missing });
            }
        }
    };

    // Others to tell.
    let inform_joint_controllers = input.joint_controllers == Some(true);
    if inform_joint_controllers {
        reasons.push(reason("joint-controllers", &[]));
    }
    let inform_processor = input.at_processor == Some(true);
    if inform_processor {
        reasons.push(reason("processor", &[]));
    }
    let report_to_police = malicious;
    if report_to_police {
        reasons.push(reason("police", &[]));
    }
    let mut other_recipients = Vec::new();
    let cats = &input.data_categories;
    if !unintelligible && confidentiality_lost {
        if cats
            .iter()
            .any(|c| matches!(c, DataCategory::PaymentCard | DataCategory::Iban))
        {
            other_recipients.push("card_issuer_or_bank");
            reasons.push(reason("other-bank", &[]));
        }
        if cats.contains(&DataCategory::NationalId) {
            other_recipients.push("dvv");
            reasons.push(reason("other-dvv", &[]));
        }
    }
    if malicious && cats.contains(&DataCategory::Credential) {
        other_recipients.push("ncsc_fi");
        reasons.push(reason("other-ncsc", &[]));
    }

    Ok(Assessment::Assessed {
        severity,
        flags,
        risk,
        risk_assessment: assessed,
        decisions: Decisions {
            record_in_register: true,
            notify_authority,
            communicate_to_subjects: communicate,
            exemption,
            inform_joint_controllers,
            inform_processor,
            report_to_police,
            other_recipients,
        },
        reasons,
    })
}
