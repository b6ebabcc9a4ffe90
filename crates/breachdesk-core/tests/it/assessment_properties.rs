//! Properties the assessment rules keep for every input, checked on generated inputs.

use breachdesk_core::assessment::{
    Assessment, AssessmentInput, Availability, Confidentiality, ContextFactor, Count, DataCategory,
    DpcAdjustment, EnisaDataType, Identification, Integrity, Policy, Risk, Unintelligibility,
    assess,
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

fn adjustment() -> impl Strategy<Value = DpcAdjustment> {
    (
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
        .prop_map(|(factor, n, up)| {
            let steps = match factor {
                ContextFactor::PubliclyAvailable | ContextFactor::InaccurateData => -n,
                ContextFactor::NatureOfData if !up => -n,
                _ => n,
            };
            DpcAdjustment {
                factor,
                steps,
                justification: "generated".into(),
            }
        })
}

prop_compose! {
    /// A complete input: every answer the engine may need is given.
    fn complete_input()(
        data_categories in proptest::collection::vec(select(CATEGORIES), 1..6),
        access in select(&[EnisaDataType::Simple, EnisaDataType::Behavioural, EnisaDataType::Financial, EnisaDataType::Sensitive][..]),
        dpc_adjustments in proptest::collection::vec(adjustment(), 0..3),
        identification in select(&[Identification::Negligible, Identification::Limited, Identification::Significant, Identification::Maximum][..]),
        confidentiality in select(&[Confidentiality::None, Confidentiality::ExposedNoEvidence, Confidentiality::KnownRecipients, Confidentiality::UnknownRecipients][..]),
        integrity in select(&[Integrity::None, Integrity::AlteredNotUsed, Integrity::Recoverable, Integrity::NotRecoverable][..]),
        availability in select(&[Availability::None, Availability::RecoverableEasily, Availability::Temporary, Availability::Full][..]),
        malicious in any::<bool>(),
        subjects in 0u64..1_000_000,
        strongly_encrypted in any::<bool>(),
        key_compromised in any::<bool>(),
        measures in any::<bool>(),
        effort in any::<bool>(),
        fi in any::<bool>(),
    ) -> AssessmentInput {
        AssessmentInput {
            data_categories,
            credentials_give_access_to: Some(access),
            dpc_adjustments,
            identification: Some(identification),
            confidentiality: Some(confidentiality),
            integrity: Some(integrity),
            availability: Some(availability),
            mitigations: Vec::new(),
            malicious: Some(malicious),
            data_subjects: Some(Count::Exact(subjects)),
            unintelligible: Some(Unintelligibility { strongly_encrypted, key_compromised }),
            subsequent_measures_remove_high_risk: Some(measures),
            disproportionate_effort: Some(effort),
            joint_controllers: Some(false),
            at_processor: Some(false),
            policy: if fi { Policy::Fi } else { Policy::Edpb },
        }
    }
}

fn score_and_risk(input: &AssessmentInput) -> (f64, Risk) {
    match assess(input).expect("generated input is valid") {
        Assessment::Assessed { severity, risk, .. } => (severity.score, risk),
        Assessment::NeedsMoreInformation { missing } => {
            panic!("a complete input needs {missing:?}")
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn adding_a_data_category_never_lowers_severity(input in complete_input(), extra in select(CATEGORIES)) {
        let (before, risk_before) = score_and_risk(&input);
        let mut more = input.clone();
        more.data_categories.push(extra);
        let (after, risk_after) = score_and_risk(&more);
        prop_assert!(after >= before, "{before} -> {after} adding {extra:?}");
        prop_assert!(risk_after >= risk_before);
    }

    #[test]
    fn more_affected_people_never_lower_severity(input in complete_input(), extra in 1u64..1_000_000) {
        let (before, risk_before) = score_and_risk(&input);
        let Some(Count::Exact(n)) = input.data_subjects else { unreachable!() };
        let more = AssessmentInput { data_subjects: Some(Count::Exact(n + extra)), ..input };
        let (after, risk_after) = score_and_risk(&more);
        prop_assert!(after >= before);
        prop_assert!(risk_after >= risk_before);
    }

    #[test]
    fn intact_strong_encryption_never_raises_severity(input in complete_input()) {
        let clear = AssessmentInput {
            unintelligible: Some(Unintelligibility { strongly_encrypted: false, key_compromised: false }),
            ..input.clone()
        };
        let encrypted = AssessmentInput {
            unintelligible: Some(Unintelligibility { strongly_encrypted: true, key_compromised: false }),
            ..input
        };
        let (clear_score, clear_risk) = score_and_risk(&clear);
        let (enc_score, enc_risk) = score_and_risk(&encrypted);
        prop_assert!(enc_score <= clear_score, "{clear_score} -> {enc_score}");
        prop_assert!(enc_risk <= clear_risk);
    }

    #[test]
    fn high_risk_always_implies_notifying_the_authority(input in complete_input()) {
        let Assessment::Assessed { risk, decisions, severity, .. } = assess(&input).unwrap() else {
            panic!("complete input");
        };
        if risk == Risk::High {
            prop_assert!(decisions.notify_authority);
        }
        // And the authority is told exactly when a risk is likely.
        prop_assert_eq!(decisions.notify_authority, risk >= Risk::Risk);
        prop_assert!((0.25..=6.0).contains(&severity.score));
        prop_assert!((1..=4).contains(&severity.dpc));
    }

    #[test]
    fn the_json_form_round_trips_and_gives_the_same_result(input in complete_input()) {
        let json = serde_json::to_string(&input).unwrap();
        let back: AssessmentInput = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &input);
        prop_assert_eq!(assess(&back).unwrap(), assess(&input).unwrap());
    }

    #[test]
    fn a_missing_answer_is_asked_for_never_assumed(input in complete_input(), which in 0usize..7) {
        let mut partial = input;
        let name = match which {
            0 => { partial.identification = None; "identification" }
            1 => { partial.confidentiality = None; "confidentiality" }
            2 => { partial.integrity = None; "integrity" }
            3 => { partial.availability = None; "availability" }
            4 => { partial.malicious = None; "malicious" }
            5 => { partial.data_subjects = None; "data_subjects" }
            _ => { partial.unintelligible = None; "unintelligible" }
        };
        match assess(&partial).unwrap() {
            Assessment::NeedsMoreInformation { missing } => prop_assert!(missing.contains(&name)),
            Assessment::Assessed { .. } => prop_assert!(false, "assessed without {name}"),
        }
    }
}
