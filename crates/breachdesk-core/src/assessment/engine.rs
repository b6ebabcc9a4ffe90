//! The ENISA 2013 severity (SE = DPC × EI + CB), the risk it implies and the Art. 33/34
//! decisions, each step recorded as a [`Reason`] so the result explains itself.

use serde::Serialize;

use super::input::{
    AssessmentInput, Availability, Confidentiality, Count, DataCategory, EnisaDataType,
    Identification, Integrity, Policy,
};

/// One step of the reasoning: a message id (`assess-<code>` in the locales) and its arguments.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub code: &'static str,
    pub args: Vec<(&'static str, String)>,
}

fn reason(code: &'static str, args: &[(&'static str, String)]) -> Reason {
    Reason {
        code,
        args: args.to_vec(),
    }
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
    #[error(
        "mitigations: {0} only applies to a disclosure to known recipients (confidentiality: known_recipients)"
    )]
    MitigationDoesNotApply(&'static str),
}

/// ENISA severity levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Low,
    Medium,
    High,
    VeryHigh,
}

impl Level {
    /// ENISA section 3.2 bands: < 2 low, < 3 medium, < 4 high, else very high.
    #[must_use]
    pub fn of(score: f64) -> Self {
        if score < 2.0 {
            Self::Low
        } else if score < 3.0 {
            Self::Medium
        } else if score < 4.0 {
            Self::High
        } else {
            Self::VeryHigh
        }
    }

    #[must_use]
    pub const fn id(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::VeryHigh => "very_high",
        }
    }
}

/// The risk to people's rights and freedoms, in the terms of Art. 33 and 34.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    /// "unlikely to result in a risk" (Art. 33(1)).
    Unlikely,
    Risk,
    High,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Severity {
    pub dpc_basic: i8,
    pub dpc: i8,
    pub dpc_type: EnisaDataType,
    pub ei: f64,
    pub cb: f64,
    pub score: f64,
    pub level: Level,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Flags {
    pub more_than_100_subjects: bool,
    pub unintelligible: bool,
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
        severity: Severity,
        flags: Flags,
        risk: Risk,
        decisions: Decisions,
        reasons: Vec<Reason>,
    },
    /// The named answers are needed first; nothing is assumed in their place.
    NeedsMoreInformation { missing: Vec<&'static str> },
}

fn count_value(c: Count) -> Option<u64> {
    match c {
        Count::Exact(n) | Count::Approximate(n) => Some(n),
        Count::Unknown => None,
    }
}

fn f(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Assesses a breach. Deterministic: the same input always gives the same result.
pub fn assess(input: &AssessmentInput) -> Result<Assessment, InvalidInput> {
    for (i, adj) in input.dpc_adjustments.iter().enumerate() {
        if adj.justification.trim().is_empty() {
            return Err(InvalidInput::MissingJustification(i));
        }
        if !adj.factor.allows(adj.steps) {
            return Err(InvalidInput::WrongSteps(i));
        }
    }

    if let Some(m) = input.mitigations.first()
        && input.confidentiality != Some(Confidentiality::KnownRecipients)
    {
        return Err(InvalidInput::MitigationDoesNotApply(m.id()));
    }

    let mut missing = Vec::new();
    if input.data_categories.is_empty() {
        missing.push("data_categories");
    }
    if input.data_categories.contains(&DataCategory::Credential)
        && input.credentials_give_access_to.is_none()
    {
        missing.push("credentials_give_access_to");
    }
    let (
        Some(ei_level),
        Some(conf),
        Some(integ),
        Some(avail),
        Some(malicious),
        Some(subjects),
        Some(unintel),
    ) = (
        input.identification,
        input.confidentiality,
        input.integrity,
        input.availability,
        input.malicious,
        input.data_subjects,
        input.unintelligible,
    )
    else {
        for (name, absent) in [
            ("identification", input.identification.is_none()),
            ("confidentiality", input.confidentiality.is_none()),
            ("integrity", input.integrity.is_none()),
            ("availability", input.availability.is_none()),
            ("malicious", input.malicious.is_none()),
            ("data_subjects", input.data_subjects.is_none()),
            ("unintelligible", input.unintelligible.is_none()),
        ] {
            if absent {
                missing.push(name);
            }
        }
        return Ok(Assessment::NeedsMoreInformation { missing });
    };
    if !missing.is_empty() {
        return Ok(Assessment::NeedsMoreInformation { missing });
    }

    let mut reasons = Vec::new();

    // DPC: the highest basic score among the categories, then whole-step context adjustments.
    let mut top: Option<(EnisaDataType, DataCategory)> = None;
    let mut categories: Vec<DataCategory> = input.data_categories.clone();
    categories.sort_unstable();
    categories.dedup();
    for &c in &categories {
        let t = c
            .enisa_type()
            .or(input.credentials_give_access_to)
            .unwrap_or(EnisaDataType::Simple);
        reasons.push(reason(
            "dpc-category",
            &[
                ("category", c.id()),
                ("type", t.id().into()),
                ("score", t.basic_score().to_string()),
            ],
        ));
        if c == DataCategory::Credential {
            reasons.push(reason("dpc-credential", &[("type", t.id().into())]));
        }
        if top.is_none_or(|(best, _)| t > best) {
            top = Some((t, c));
        }
    }
    let (dpc_type, dpc_category) = top.unwrap_or((EnisaDataType::Simple, DataCategory::PersonName));
    let dpc_basic = dpc_type.basic_score();
    reasons.push(reason(
        "dpc-basic",
        &[
            ("category", dpc_category.id()),
            ("type", dpc_type.id().into()),
            ("score", dpc_basic.to_string()),
        ],
    ));
    let mut dpc = dpc_basic;
    for adj in &input.dpc_adjustments {
        dpc += adj.steps;
        reasons.push(reason(
            "dpc-adjustment",
            &[
                ("factor", adj.factor.id().into()),
                ("steps", format!("{:+}", adj.steps)),
                ("justification", adj.justification.trim().into()),
            ],
        ));
    }
    let dpc = dpc.clamp(1, 4);
    if dpc != dpc_basic {
        reasons.push(reason("dpc-result", &[("score", dpc.to_string())]));
    }

    // Flags (ENISA 3.3), and what unintelligible data change.
    let unintelligible = unintel.strongly_encrypted && !unintel.key_compromised;
    let subjects_n = count_value(subjects);
    let flags = Flags {
        more_than_100_subjects: subjects_n.is_some_and(|n| n > 100),
        unintelligible,
    };

    // EI: whoever holds unintelligible data cannot identify anyone from it.
    let ei = if unintelligible {
        Identification::Negligible
    } else {
        ei_level
    };
    reasons.push(reason(
        "ei",
        &[
            ("level", ei_level.id().into()),
            ("score", f(ei_level.score())),
        ],
    ));
    if unintelligible && ei_level != Identification::Negligible {
        reasons.push(reason("ei-unintelligible", &[("score", f(ei.score()))]));
    }

    // CB: the elements are added.
    let mut cb = 0.0;
    let conf_points = match conf {
        Confidentiality::None | Confidentiality::ExposedNoEvidence => 0.0,
        Confidentiality::KnownRecipients => 0.25,
        Confidentiality::UnknownRecipients => 0.5,
    };
    let conf_points = if unintelligible && conf_points > 0.0 {
        reasons.push(reason("cb-confidentiality-unintelligible", &[]));
        0.0
    } else if !input.mitigations.is_empty() {
        for m in &input.mitigations {
            reasons.push(reason(
                "cb-confidentiality-mitigated",
                &[("mitigation", m.id().into())],
            ));
        }
        0.0
    } else {
        conf_points
    };
    let integ_points = match integ {
        Integrity::None | Integrity::AlteredNotUsed => 0.0,
        Integrity::Recoverable => 0.25,
        Integrity::NotRecoverable => 0.5,
    };
    let avail_points = match avail {
        Availability::None | Availability::RecoverableEasily => 0.0,
        Availability::Temporary => 0.25,
        Availability::Full => 0.5,
    };
    let malice_points = if malicious { 0.5 } else { 0.0 };
    for (element, points) in [
        ("confidentiality", conf_points),
        ("integrity", integ_points),
        ("availability", avail_points),
        ("malicious", malice_points),
    ] {
        cb += points;
        if points > 0.0 {
            reasons.push(reason(
                "cb-element",
                &[("element", element.into()), ("points", f(points))],
            ));
        }
    }

    let score = f64::from(dpc) * ei.score() + cb;
    let level = Level::of(score);
    reasons.push(reason(
        "se",
        &[
            ("dpc", dpc.to_string()),
            ("ei", f(ei.score())),
            ("cb", f(cb)),
            ("score", f(score)),
            ("level", level.id().into()),
        ],
    ));
    if flags.more_than_100_subjects {
        reasons.push(reason("flag-more-than-100", &[]));
    }
    match subjects {
        Count::Exact(n) => reasons.push(reason("subjects-exact", &[("count", n.to_string())])),
        Count::Approximate(n) => {
            reasons.push(reason("subjects-approximate", &[("count", n.to_string())]));
        }
        Count::Unknown => reasons.push(reason("flag-subjects-unknown", &[])),
    }

    // Risk: the engine's mapping (ENISA makes none): medium or above is a risk, high or above a
    // high risk.
    let risk = match level {
        Level::Low => Risk::Unlikely,
        Level::Medium => Risk::Risk,
        Level::High | Level::VeryHigh => Risk::High,
    };
    reasons.push(reason(
        match risk {
            Risk::Unlikely => "risk-unlikely",
            Risk::Risk => "risk-risk",
            Risk::High => "risk-high",
        },
        &[("level", level.id().into())],
    ));

    // Art. 33: the authority, unless the breach is unlikely to result in a risk.
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
        reasons.push(reason("subjects-not-required", &[]));
        SubjectCommunication::NotRequired
    } else if unintelligible {
        exemption = Some("a");
        reasons.push(reason("subjects-exempt-a", &[]));
        SubjectCommunication::NotRequired
    } else {
        // Under the Finnish policy later measures never lift the duty, so the answer is only
        // needed (and only recorded) under the EDPB policy or when given.
        let measures = input.subsequent_measures_remove_high_risk;
        let exempt_b = match (input.policy, measures) {
            (Policy::Edpb, Some(m)) => Some(m),
            (Policy::Edpb, None) => None,
            (Policy::Fi, Some(true)) => {
                reasons.push(reason("subjects-policy-fi-despite-measures", &[]));
                Some(false)
            }
            (Policy::Fi, _) => Some(false),
        };
        match (exempt_b, input.disproportionate_effort) {
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
    if !unintelligible && conf != Confidentiality::None {
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
        severity: Severity {
            dpc_basic,
            dpc,
            dpc_type,
            ei: ei.score(),
            cb,
            score,
            level,
        },
        flags,
        risk,
        decisions: Decisions {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::input::{ContextFactor, DpcAdjustment, Unintelligibility};

    /// A complete, minimal input: one name, exposed without evidence of misuse, nothing else.
    fn base() -> AssessmentInput {
        AssessmentInput {
            data_categories: vec![DataCategory::PersonName],
            identification: Some(Identification::Maximum),
            confidentiality: Some(Confidentiality::ExposedNoEvidence),
            integrity: Some(Integrity::None),
            availability: Some(Availability::None),
            malicious: Some(false),
            data_subjects: Some(Count::Exact(1)),
            unintelligible: Some(Unintelligibility {
                strongly_encrypted: false,
                key_compromised: false,
            }),
            subsequent_measures_remove_high_risk: Some(false),
            disproportionate_effort: Some(false),
            ..AssessmentInput::default()
        }
    }

    fn assessed(input: &AssessmentInput) -> (Severity, Flags, Risk, Decisions, Vec<Reason>) {
        match assess(input).expect("valid input") {
            Assessment::Assessed {
                severity,
                flags,
                risk,
                decisions,
                reasons,
            } => (severity, flags, risk, decisions, reasons),
            Assessment::NeedsMoreInformation { missing } => panic!("needs {missing:?}"),
        }
    }

    fn score(input: &AssessmentInput) -> f64 {
        assessed(input).0.score
    }

    fn adj(factor: ContextFactor, steps: i8) -> DpcAdjustment {
        DpcAdjustment {
            factor,
            steps,
            justification: "because".into(),
        }
    }

    #[test]
    fn dpc_basic_score_is_that_of_the_most_critical_category() {
        for (cats, want) in [
            (vec![DataCategory::Email], 1),
            (vec![DataCategory::Email, DataCategory::Location], 2),
            (
                vec![
                    DataCategory::Location,
                    DataCategory::Iban,
                    DataCategory::Email,
                ],
                3,
            ),
            (vec![DataCategory::PaymentCard, DataCategory::Health], 4),
            (vec![DataCategory::CriminalConvictions], 4),
            (
                vec![DataCategory::TradeUnionMembership, DataCategory::PersonName],
                4,
            ),
        ] {
            let (sev, ..) = assessed(&AssessmentInput {
                data_categories: cats.clone(),
                ..base()
            });
            assert_eq!(sev.dpc_basic, want, "{cats:?}");
            assert_eq!(sev.dpc, want);
        }
    }

    #[test]
    fn credentials_score_by_what_they_open_and_are_needed_to_know_it() {
        let mut input = AssessmentInput {
            data_categories: vec![DataCategory::Credential],
            ..base()
        };
        assert_eq!(
            assess(&input).unwrap(),
            Assessment::NeedsMoreInformation {
                missing: vec!["credentials_give_access_to"]
            }
        );
        input.credentials_give_access_to = Some(EnisaDataType::Financial);
        let (sev, _, _, _, reasons) = assessed(&input);
        assert_eq!((sev.dpc_basic, sev.dpc_type), (3, EnisaDataType::Financial));
        assert!(reasons.iter().any(|r| r.code == "dpc-credential"));
    }

    #[test]
    fn context_factors_move_the_dpc_by_whole_steps_within_one_to_four() {
        let up = AssessmentInput {
            dpc_adjustments: vec![adj(ContextFactor::VulnerableSubjects, 1)],
            ..base()
        };
        assert_eq!(assessed(&up).0.dpc, 2);
        let far_up = AssessmentInput {
            data_categories: vec![DataCategory::Iban],
            dpc_adjustments: vec![
                adj(ContextFactor::Volume, 2),
                adj(ContextFactor::Profiling, 1),
            ],
            ..base()
        };
        assert_eq!(assessed(&far_up).0.dpc, 4, "clamped at 4");
        let down = AssessmentInput {
            data_categories: vec![DataCategory::Location],
            dpc_adjustments: vec![adj(ContextFactor::PubliclyAvailable, -1)],
            ..base()
        };
        assert_eq!(assessed(&down).0.dpc, 1);
        let far_down = AssessmentInput {
            dpc_adjustments: vec![adj(ContextFactor::InaccurateData, -3)],
            ..base()
        };
        assert_eq!(assessed(&far_down).0.dpc, 1, "clamped at 1");
        let (_, _, _, _, reasons) = assessed(&up);
        let r = reasons.iter().find(|r| r.code == "dpc-adjustment").unwrap();
        assert!(r.args.contains(&("justification", "because".into())));
        assert!(r.args.contains(&("steps", "+1".into())));
    }

    #[test]
    fn adjustments_without_justification_or_in_the_wrong_direction_are_refused() {
        let mut no_reason = base();
        no_reason.dpc_adjustments = vec![DpcAdjustment {
            factor: ContextFactor::Volume,
            steps: 1,
            justification: "  ".into(),
        }];
        assert_eq!(
            assess(&no_reason),
            Err(InvalidInput::MissingJustification(0))
        );
        for (factor, steps) in [
            (ContextFactor::Volume, -1),
            (ContextFactor::Volume, 4),
            (ContextFactor::PubliclyAvailable, 1),
            (ContextFactor::NatureOfData, 0),
            (ContextFactor::NatureOfData, 4),
        ] {
            let input = AssessmentInput {
                dpc_adjustments: vec![adj(ContextFactor::Volume, 1), adj(factor, steps)],
                ..base()
            };
            assert_eq!(
                assess(&input),
                Err(InvalidInput::WrongSteps(1)),
                "{factor:?} {steps}"
            );
        }
    }

    #[test]
    fn ease_of_identification_multiplies_the_dpc() {
        for (level, want) in [
            (Identification::Negligible, 0.25),
            (Identification::Limited, 0.5),
            (Identification::Significant, 0.75),
            (Identification::Maximum, 1.0),
        ] {
            let input = AssessmentInput {
                data_categories: vec![DataCategory::Health],
                identification: Some(level),
                ..base()
            };
            let sev = assessed(&input).0;
            assert!((sev.ei - want).abs() < f64::EPSILON);
            assert!(
                (sev.score - 4.0 * want).abs() < 1e-9,
                "{level:?}: {}",
                sev.score
            );
        }
    }

    #[test]
    fn circumstances_are_graduated_and_added() {
        let cases = [
            (
                Confidentiality::KnownRecipients,
                Integrity::None,
                Availability::None,
                false,
                0.25,
            ),
            (
                Confidentiality::UnknownRecipients,
                Integrity::None,
                Availability::None,
                false,
                0.5,
            ),
            (
                Confidentiality::None,
                Integrity::AlteredNotUsed,
                Availability::RecoverableEasily,
                false,
                0.0,
            ),
            (
                Confidentiality::None,
                Integrity::Recoverable,
                Availability::None,
                false,
                0.25,
            ),
            (
                Confidentiality::None,
                Integrity::NotRecoverable,
                Availability::Temporary,
                false,
                0.75,
            ),
            (
                Confidentiality::None,
                Integrity::None,
                Availability::Full,
                true,
                1.0,
            ),
            (
                Confidentiality::UnknownRecipients,
                Integrity::NotRecoverable,
                Availability::Full,
                true,
                2.0,
            ),
        ];
        for (c, i, a, m, want) in cases {
            let input = AssessmentInput {
                confidentiality: Some(c),
                integrity: Some(i),
                availability: Some(a),
                malicious: Some(m),
                ..base()
            };
            let sev = assessed(&input).0;
            assert!(
                (sev.cb - want).abs() < 1e-9,
                "{c:?} {i:?} {a:?} {m}: {}",
                sev.cb
            );
            assert!((sev.score - (1.0 + want)).abs() < 1e-9);
        }
    }

    #[test]
    fn levels_follow_the_enisa_bands_at_their_edges() {
        assert_eq!(Level::of(1.99), Level::Low);
        assert_eq!(Level::of(2.0), Level::Medium);
        assert_eq!(Level::of(2.99), Level::Medium);
        assert_eq!(Level::of(3.0), Level::High);
        assert_eq!(Level::of(3.99), Level::High);
        assert_eq!(Level::of(4.0), Level::VeryHigh);
        assert_eq!(Level::of(6.0), Level::VeryHigh);
    }

    #[test]
    fn strong_encryption_with_a_safe_key_makes_data_unidentifiable_and_exempts_a() {
        let clear = AssessmentInput {
            data_categories: vec![DataCategory::Health],
            confidentiality: Some(Confidentiality::UnknownRecipients),
            ..base()
        };
        let (sev, flags, risk, dec, _) = assessed(&clear);
        assert!((sev.score - 4.5).abs() < 1e-9);
        assert!(!flags.unintelligible);
        assert_eq!(
            (risk, dec.communicate_to_subjects),
            (Risk::High, SubjectCommunication::Individual)
        );

        let safe = AssessmentInput {
            unintelligible: Some(Unintelligibility {
                strongly_encrypted: true,
                key_compromised: false,
            }),
            ..clear.clone()
        };
        let (sev, flags, risk, dec, _) = assessed(&safe);
        assert!(flags.unintelligible);
        assert!((sev.score - 1.0).abs() < 1e-9, "4 × 0.25 + 0");
        assert_eq!(risk, Risk::Unlikely);
        assert!(!dec.notify_authority);

        let key_lost = AssessmentInput {
            unintelligible: Some(Unintelligibility {
                strongly_encrypted: true,
                key_compromised: true,
            }),
            ..clear
        };
        assert!(
            (score(&key_lost) - 4.5).abs() < 1e-9,
            "a compromised key protects nothing"
        );
    }

    #[test]
    fn the_hundred_people_flag_is_raised_above_one_hundred() {
        for (count, flag) in [
            (Count::Exact(100), false),
            (Count::Exact(101), true),
            (Count::Approximate(5000), true),
            (Count::Unknown, false),
        ] {
            let input = AssessmentInput {
                data_subjects: Some(count),
                ..base()
            };
            assert_eq!(assessed(&input).1.more_than_100_subjects, flag, "{count:?}");
        }
    }

    #[test]
    fn risk_and_the_authority_decision_follow_the_level() {
        let low = base();
        let (_, _, risk, dec, _) = assessed(&low);
        assert_eq!((risk, dec.notify_authority), (Risk::Unlikely, false));
        let medium = AssessmentInput {
            data_categories: vec![DataCategory::Location],
            ..base()
        };
        let (_, _, risk, dec, _) = assessed(&medium);
        assert_eq!(
            (risk, dec.notify_authority, dec.communicate_to_subjects),
            (Risk::Risk, true, SubjectCommunication::NotRequired)
        );
        let high = AssessmentInput {
            data_categories: vec![DataCategory::Iban],
            ..base()
        };
        let (_, _, risk, dec, _) = assessed(&high);
        assert_eq!(
            (risk, dec.notify_authority, dec.communicate_to_subjects),
            (Risk::High, true, SubjectCommunication::Individual)
        );
    }

    #[test]
    fn exemption_b_applies_under_edpb_policy_but_not_under_the_finnish_one() {
        let high = AssessmentInput {
            data_categories: vec![DataCategory::Iban],
            subsequent_measures_remove_high_risk: Some(true),
            ..base()
        };
        let dec = assessed(&high).3;
        assert_eq!(
            (dec.communicate_to_subjects, dec.exemption),
            (SubjectCommunication::NotRequired, Some("b"))
        );
        let fi = AssessmentInput {
            policy: Policy::Fi,
            ..high
        };
        let (_, _, _, dec, reasons) = assessed(&fi);
        assert_eq!(
            (dec.communicate_to_subjects, dec.exemption),
            (SubjectCommunication::Individual, None)
        );
        assert!(
            reasons
                .iter()
                .any(|r| r.code == "subjects-policy-fi-despite-measures")
        );
    }

    #[test]
    fn exemption_c_turns_the_duty_into_a_public_communication() {
        let input = AssessmentInput {
            data_categories: vec![DataCategory::Iban],
            disproportionate_effort: Some(true),
            ..base()
        };
        let dec = assessed(&input).3;
        assert_eq!(
            (dec.communicate_to_subjects, dec.exemption),
            (SubjectCommunication::Public, Some("c"))
        );
    }

    #[test]
    fn missing_answers_are_named_never_assumed() {
        let empty = AssessmentInput::default();
        assert_eq!(
            assess(&empty).unwrap(),
            Assessment::NeedsMoreInformation {
                missing: vec![
                    "data_categories",
                    "identification",
                    "confidentiality",
                    "integrity",
                    "availability",
                    "malicious",
                    "data_subjects",
                    "unintelligible"
                ]
            }
        );
        // The Art. 34(3) answers are only needed when the risk is high.
        let low = AssessmentInput {
            subsequent_measures_remove_high_risk: None,
            disproportionate_effort: None,
            ..base()
        };
        assert!(matches!(assess(&low).unwrap(), Assessment::Assessed { .. }));
        let high = AssessmentInput {
            data_categories: vec![DataCategory::Health],
            ..low
        };
        assert_eq!(
            assess(&high).unwrap(),
            Assessment::NeedsMoreInformation {
                missing: vec![
                    "subsequent_measures_remove_high_risk",
                    "disproportionate_effort"
                ]
            }
        );
        // Under the Finnish policy later measures do not matter, so they are not asked for.
        let fi = AssessmentInput {
            policy: Policy::Fi,
            disproportionate_effort: Some(false),
            ..high
        };
        assert!(matches!(assess(&fi).unwrap(), Assessment::Assessed { .. }));
    }

    #[test]
    fn a_trusted_recipient_neutralises_a_disclosure_to_known_recipients_only() {
        use crate::assessment::input::Mitigation;
        let sent = AssessmentInput {
            confidentiality: Some(Confidentiality::KnownRecipients),
            ..base()
        };
        assert!((assessed(&sent).0.cb - 0.25).abs() < 1e-9);
        let deleted = AssessmentInput {
            mitigations: vec![Mitigation::RecipientConfirmedDeletion],
            ..sent
        };
        let (sev, _, _, _, reasons) = assessed(&deleted);
        assert!(sev.cb.abs() < 1e-9);
        assert!(
            reasons
                .iter()
                .any(|r| r.code == "cb-confidentiality-mitigated")
        );
        let published = AssessmentInput {
            confidentiality: Some(Confidentiality::UnknownRecipients),
            ..deleted
        };
        assert_eq!(
            assess(&published),
            Err(InvalidInput::MitigationDoesNotApply(
                "recipient_confirmed_deletion"
            ))
        );
    }

    #[test]
    fn others_to_tell() {
        let input = AssessmentInput {
            data_categories: vec![
                DataCategory::PaymentCard,
                DataCategory::NationalId,
                DataCategory::Credential,
            ],
            credentials_give_access_to: Some(EnisaDataType::Financial),
            confidentiality: Some(Confidentiality::UnknownRecipients),
            malicious: Some(true),
            joint_controllers: Some(true),
            at_processor: Some(true),
            ..base()
        };
        let dec = assessed(&input).3;
        assert!(dec.inform_joint_controllers && dec.inform_processor && dec.report_to_police);
        assert_eq!(
            dec.other_recipients,
            vec!["card_issuer_or_bank", "dvv", "ncsc_fi"]
        );
        let quiet = assessed(&base()).3;
        assert!(
            !quiet.inform_joint_controllers && !quiet.inform_processor && !quiet.report_to_police
        );
        assert!(quiet.other_recipients.is_empty());
    }
}
