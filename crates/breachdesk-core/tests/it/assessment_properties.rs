//! Properties the assessment rules keep for every input, checked on generated inputs.

use breachdesk_core::assessment::{
    Assessment, AssessmentInput, Availability, Confidentiality, Containment, ContextFactor, Count,
    DataCategory, DpcAdjustment, EnisaDataType, Identification, Integrity, Outage, OutageEffect,
    Recipients, Risk, Role, Sector, Unintelligibility, assess, identity_theft_data,
};
use proptest::prelude::*;
use proptest::sample::select;

const CATEGORIES: &[DataCategory] = &[
    DataCategory::PersonName,
    DataCategory::PostalAddress,
    DataCategory::Phone,
    DataCategory::Email,
    DataCategory::DateOfBirth,
    DataCategory::NationalId,
    DataCategory::CustomerNumber,
    DataCategory::Photo,
    DataCategory::Education,
    DataCategory::Employment,
    DataCategory::Family,
    DataCategory::IpAddress,
    DataCategory::Location,
    DataCategory::Behaviour,
    DataCategory::Iban,
    DataCategory::PaymentCard,
    DataCategory::Financial,
    DataCategory::Credential,
    DataCategory::Health,
    DataCategory::RacialOrEthnicOrigin,
    DataCategory::PoliticalOpinions,
    DataCategory::ReligiousOrPhilosophicalBeliefs,
    DataCategory::TradeUnionMembership,
    DataCategory::Genetic,
    DataCategory::Biometric,
    DataCategory::SexLifeOrOrientation,
    DataCategory::CriminalConvictions,
];

fn adjustment() -> impl Strategy<Value = (usize, ContextFactor, i8)> {
    (
        0usize..6,
        select(
            &[
                ContextFactor::Volume,
                ContextFactor::ControllerSector,
                ContextFactor::VulnerableSubjects,
                ContextFactor::Profiling,
                ContextFactor::PubliclyAvailable,
                ContextFactor::InaccurateData,
                ContextFactor::NatureOfData,
            ][..],
        ),
        1i8..=3,
        any::<bool>(),
    )
        .prop_map(|(which, factor, n, up)| {
            let steps = match factor {
                ContextFactor::PubliclyAvailable | ContextFactor::InaccurateData => -n,
                ContextFactor::NatureOfData if !up => -n,
                _ => n,
            };
            (which, factor, steps)
        })
}

/// The recipients that fit each ENISA confidentiality circumstance.
fn recipients_for(c: Confidentiality) -> &'static [Recipients] {
    match c {
        Confidentiality::None => &[],
        Confidentiality::ExposedNoEvidence => &[
            Recipients::TrustedBoundBySecrecy,
            Recipients::KnownFew,
            Recipients::KnownMany,
            Recipients::Unknown,
            Recipients::Malicious,
        ],
        Confidentiality::KnownRecipients => &[
            Recipients::TrustedBoundBySecrecy,
            Recipients::KnownFew,
            Recipients::KnownMany,
            Recipients::Malicious,
        ],
        Confidentiality::UnknownRecipients => &[
            Recipients::Unknown,
            Recipients::Malicious,
            Recipients::Published,
        ],
    }
}

const OUTAGES: &[Outage] = &[Outage::Minutes, Outage::Hours, Outage::Days, Outage::Weeks];
const EFFECTS: &[OutageEffect] = &[
    OutageEffect::None,
    OutageEffect::Inconvenience,
    OutageEffect::ServiceDenied,
    OutageEffect::CareOrSafety,
];
const SECTORS: &[Sector] = &[
    Sector::HealthCare,
    Sector::SocialServices,
    Sector::School,
    Sector::Other,
];

prop_compose! {
    /// A complete, consistent input of a controller: every answer the engine may need is given.
    fn complete_input()(
        data_categories in proptest::collection::vec(select(CATEGORIES), 1..6),
        access in select(&[EnisaDataType::Simple, EnisaDataType::Behavioural, EnisaDataType::Financial, EnisaDataType::Sensitive][..]),
        adjustments in proptest::collection::vec(adjustment(), 0..3),
        identification in select(&[Identification::Negligible, Identification::Limited, Identification::Significant, Identification::Maximum][..]),
        confidentiality in select(&[Confidentiality::None, Confidentiality::ExposedNoEvidence, Confidentiality::KnownRecipients, Confidentiality::UnknownRecipients][..]),
        recipient in 0usize..6,
        containment in 0usize..3,
        integrity in select(&[Integrity::None, Integrity::AlteredNotUsed, Integrity::Recoverable, Integrity::NotRecoverable][..]),
        availability in select(&[Availability::None, Availability::RecoverableEasily, Availability::Temporary, Availability::Full][..]),
        outage in select(OUTAGES),
        effect in select(EFFECTS),
        malicious in any::<bool>(),
        subjects in 0u64..1_000_000,
        strongly_encrypted in any::<bool>(),
        key_compromised in any::<bool>(),
        vulnerable in any::<bool>(),
        sector in select(SECTORS),
        measures in any::<bool>(),
        effort in any::<bool>(),
    ) -> AssessmentInput {
        let dpc_adjustments = adjustments
            .into_iter()
            .map(|(which, factor, steps)| DpcAdjustment {
                category: Some(data_categories[which % data_categories.len()]),
                factor,
                steps,
                justification: "generated".into(),
            })
            .collect();
        let fitting = recipients_for(confidentiality);
        let recipients = (!fitting.is_empty()).then(|| fitting[recipient % fitting.len()]);
        // Whoever caused it on purpose has the data.
        let recipients = recipients.map(|r| if malicious && r == Recipients::Unknown { Recipients::Malicious } else { r });
        let containment = recipients.map(|r| {
            let known = matches!(r, Recipients::TrustedBoundBySecrecy | Recipients::KnownFew | Recipients::KnownMany);
            match containment {
                1 if known => Containment::DeletedWithConfirmation,
                2 if !known && r != Recipients::Published => Containment::RecoveredUnaccessed,
                _ => Containment::None,
            }
        });
        let identifying = data_categories.iter().any(|c| matches!(c, DataCategory::PersonName | DataCategory::NationalId | DataCategory::Photo | DataCategory::Email));
        let identification = if identifying && identification == Identification::Negligible { Identification::Limited } else { identification };
        let outage = match availability {
            Availability::Full => Outage::Permanent,
            Availability::RecoverableEasily => outage.min(Outage::Days),
            _ => outage,
        };
        let effect = match availability {
            Availability::RecoverableEasily => effect.min(OutageEffect::ServiceDenied),
            Availability::Full => effect.max(OutageEffect::Inconvenience),
            _ => effect,
        };
        let lost = availability != Availability::None;
        AssessmentInput {
            data_categories,
            credentials_give_access_to: Some(access),
            dpc_adjustments,
            identification: Some(identification),
            confidentiality: Some(confidentiality),
            integrity: Some(integrity),
            availability: Some(availability),
            malicious: Some(malicious),
            data_subjects: Some(Count::Exact(subjects)),
            unintelligible: Some(Unintelligibility { strongly_encrypted, key_compromised }),
            subsequent_measures_remove_high_risk: Some(measures),
            disproportionate_effort: Some(effort),
            joint_controllers: Some(false),
            at_processor: Some(false),
            acting_as: Some(Role::Controller),
            recipients,
            containment,
            unavailable_for: lost.then_some(outage),
            outage_effect: lost.then_some(effect),
            vulnerable_people: Some(vulnerable),
            sector: Some(sector),
            ..AssessmentInput::default()
        }
    }
}

fn assessed(input: &AssessmentInput) -> (f64, Risk, Assessment) {
    let result = assess(input).expect("generated input is valid");
    match &result {
        Assessment::Assessed { severity, risk, .. } => (severity.score, *risk, result.clone()),
        other => panic!("a complete input gave {other:?}"),
    }
}

/// The positive reasons that alone may make a breach "unlikely to result in a risk".
const POSITIVE_REASONS: &[&str] = &[
    "lik-protected",
    "lik-trusted",
    "lik-recovered",
    "lik-deleted",
    "lik-integrity-not-used",
    "lik-outage-unnoticed",
    "lik-outage-short",
    "risk-nothing-lost",
    "risk-minor",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn adding_a_data_category_never_lowers_severity_or_risk(input in complete_input(), extra in select(CATEGORIES)) {
        let (before, risk_before, _) = assessed(&input);
        let mut more = input.clone();
        more.data_categories.push(extra);
        // A direct identifier added to data rated hardly identifiable is refused, not assessed.
        prop_assume!(assess(&more).is_ok());
        let (after, risk_after, _) = assessed(&more);
        prop_assert!(after >= before, "{before} -> {after} adding {extra:?}");
        prop_assert!(risk_after >= risk_before);
    }

    #[test]
    fn more_affected_people_never_lower_severity_or_risk(input in complete_input(), extra in 1u64..1_000_000) {
        let (before, risk_before, _) = assessed(&input);
        let Some(Count::Exact(n)) = input.data_subjects else { unreachable!() };
        let more = AssessmentInput { data_subjects: Some(Count::Exact(n + extra)), ..input };
        let (after, risk_after, _) = assessed(&more);
        prop_assert!(after >= before);
        prop_assert!(risk_after >= risk_before);
    }

    #[test]
    fn intact_strong_encryption_never_raises_the_risk_and_never_touches_availability(input in complete_input()) {
        let clear = AssessmentInput {
            unintelligible: Some(Unintelligibility { strongly_encrypted: false, key_compromised: false }),
            ..input.clone()
        };
        let encrypted = AssessmentInput {
            unintelligible: Some(Unintelligibility { strongly_encrypted: true, key_compromised: false }),
            ..input
        };
        let (clear_score, clear_risk, clear_result) = assessed(&clear);
        let (enc_score, enc_risk, enc_result) = assessed(&encrypted);
        // ENISA: the flag is beside the score, never in it.
        prop_assert!((enc_score - clear_score).abs() < 1e-9);
        prop_assert!(enc_risk <= clear_risk);
        let (Assessment::Assessed { risk_assessment: c, .. }, Assessment::Assessed { risk_assessment: e, .. }) = (clear_result, enc_result) else { unreachable!() };
        for (ct, et) in c.types.iter().zip(&e.types) {
            if ct.breach_type != breachdesk_core::assessment::BreachType::Confidentiality {
                prop_assert_eq!(ct, et, "encryption changed another type of breach");
            }
        }
    }

    #[test]
    fn the_authority_is_told_exactly_when_a_risk_is_likely_and_everything_is_recorded(input in complete_input()) {
        let (_, risk, result) = assessed(&input);
        let Assessment::Assessed { decisions, severity, reasons, .. } = result else { unreachable!() };
        prop_assert_eq!(decisions.notify_authority, risk >= Risk::Risk);
        prop_assert!(decisions.record_in_register);
        prop_assert_eq!(reasons[0].code, "register");
        prop_assert!((0.25..=6.0).contains(&severity.score));
        prop_assert!((1..=4).contains(&severity.dpc));
    }

    #[test]
    fn unlikely_to_result_in_a_risk_always_has_a_named_positive_reason(input in complete_input()) {
        let (_, risk, result) = assessed(&input);
        let Assessment::Assessed { reasons, risk_assessment, .. } = result else { unreachable!() };
        if risk == Risk::Unlikely {
            for t in &risk_assessment.types {
                let positive = t.likelihood == breachdesk_core::assessment::Likelihood::Remote
                    || (t.severity == breachdesk_core::assessment::Level::Low
                        && t.likelihood == breachdesk_core::assessment::Likelihood::Possible);
                prop_assert!(positive, "{t:?}");
            }
            // Every type of breach names its positive reason.
            let named = reasons.iter().filter(|r| POSITIVE_REASONS.contains(&r.code)).count();
            prop_assert!(named >= risk_assessment.types.len().max(1), "{reasons:?}");
        }
    }

    #[test]
    fn an_unprotected_loss_of_identity_theft_data_of_many_people_is_never_unlikely(
        input in complete_input(),
        theft in select(&[DataCategory::NationalId, DataCategory::Credential, DataCategory::PaymentCard, DataCategory::Iban][..]),
        recipients in select(&[Recipients::KnownMany, Recipients::Unknown, Recipients::Malicious, Recipients::Published][..]),
        many in 101u64..10_000_000,
    ) {
        let mut loss = input;
        loss.data_categories.push(theft);
        loss.identification = Some(Identification::Maximum);
        loss.confidentiality = Some(if matches!(recipients, Recipients::KnownMany) { Confidentiality::KnownRecipients } else { Confidentiality::UnknownRecipients });
        loss.recipients = Some(recipients);
        if recipients == Recipients::Unknown {
            // Lost, not taken: nothing shows intent.
            loss.malicious = Some(false);
        }
        loss.containment = Some(Containment::None);
        loss.unintelligible = Some(Unintelligibility { strongly_encrypted: false, key_compromised: false });
        loss.data_subjects = Some(Count::Approximate(many));
        prop_assert!(!identity_theft_data(&loss.data_categories).is_empty());
        let (_, risk, _) = assessed(&loss);
        // High-severity data of many people in the hands of others: a high risk, so both the
        // authority and the people are told (unless an Art. 34(3) exemption is claimed).
        prop_assert_eq!(risk, Risk::High, "{:?}", loss);
    }

    #[test]
    fn a_processor_always_tells_the_controller_whatever_else_is_known(input in complete_input(), drop in any::<bool>()) {
        let mut p = input;
        p.acting_as = Some(Role::Processor);
        if drop {
            p.identification = None;
            p.data_subjects = None;
        }
        let told = matches!(assess(&p).unwrap(), Assessment::NotifyController { .. });
        prop_assert!(told, "a processor's breach was not sent to the controller");
    }

    #[test]
    fn the_json_form_round_trips_and_gives_the_same_result(input in complete_input()) {
        let json = serde_json::to_string(&input).unwrap();
        let back: AssessmentInput = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &input);
        prop_assert_eq!(assess(&back).unwrap(), assess(&input).unwrap());
    }

    #[test]
    fn a_missing_answer_is_asked_for_never_assumed(input in complete_input(), which in 0usize..10) {
        let mut partial = input;
        let name = match which {
            0 => { partial.identification = None; "identification" }
            1 => { partial.confidentiality = None; "confidentiality" }
            2 => { partial.integrity = None; "integrity" }
            3 => { partial.availability = None; "availability" }
            4 => { partial.malicious = None; "malicious" }
            5 => { partial.data_subjects = None; "data_subjects" }
            6 => { partial.vulnerable_people = None; "vulnerable_people" }
            7 => { partial.sector = None; "sector" }
            8 => { partial.acting_as = None; "acting_as" }
            _ => {
                partial.confidentiality = Some(Confidentiality::UnknownRecipients);
                partial.recipients = None;
                partial.containment = None;
                "recipients"
            }
        };
        match assess(&partial).unwrap() {
            Assessment::NeedsMoreInformation { missing } => prop_assert!(missing.contains(&name), "{missing:?}"),
            other => prop_assert!(false, "assessed without {name}: {other:?}"),
        }
    }
}
