//! The ENISA 2013 severity, SE = DPC × EI + CB, exactly as the method defines it: each data
//! category scored with its own context adjustments and the highest taken (Annex 1), the ease
//! of identification as a multiplier (Annex 2), the circumstances added (Annex 3), the flags
//! beside the score, never in it (section 3.3). This is the severity the authorities' forms ask
//! for; whether to notify is decided from the GDPR risk in `risk.rs`.

use serde::Serialize;

use super::engine::{Reason, fmt_num, reason};
use super::input::{
    AssessmentInput, Availability, Confidentiality, DataCategory, EnisaDataType, Identification,
    Integrity,
};

/// ENISA severity levels (section 3.2), also used for the severity of the consequences in the
/// GDPR risk: the bands are defined by what people may suffer.
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

    /// One level up, at most very high.
    #[must_use]
    pub const fn raised(self) -> Self {
        match self {
            Self::Low => Self::Medium,
            Self::Medium => Self::High,
            Self::High | Self::VeryHigh => Self::VeryHigh,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Severity {
    /// The highest basic score among the categories.
    pub dpc_basic: i8,
    /// The highest score among the categories after each one's own adjustments.
    pub dpc: i8,
    /// The ENISA type of the category that gave `dpc`.
    pub dpc_type: EnisaDataType,
    /// The category that gave `dpc`.
    pub dpc_category: DataCategory,
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

/// The answers the ENISA score needs, all given.
pub(super) struct Facts {
    pub identification: Identification,
    pub confidentiality: Confidentiality,
    pub integrity: Integrity,
    pub availability: Availability,
    pub malicious: bool,
}

/// The ENISA type a category is scored as (credentials: what they give access to).
pub(super) fn type_of(input: &AssessmentInput, c: DataCategory) -> EnisaDataType {
    c.enisa_type()
        .or(input.credentials_give_access_to)
        .unwrap_or(EnisaDataType::Simple)
}

/// Scores the breach. The adjustments were validated by the engine (each names an affected
/// category and moves it by allowed whole steps).
pub(super) fn severity(
    input: &AssessmentInput,
    facts: &Facts,
    reasons: &mut Vec<Reason>,
) -> Severity {
    let mut categories = input.data_categories.clone();
    categories.sort_unstable();
    categories.dedup();

    // DPC: each category with its own adjustments; the highest score counts (Annex 1).
    let mut basic_top: Option<(i8, DataCategory, EnisaDataType)> = None;
    let mut top: Option<(i8, DataCategory, EnisaDataType)> = None;
    for &c in &categories {
        let t = type_of(input, c);
        let basic = t.basic_score();
        reasons.push(reason(
            "dpc-category",
            &[
                ("category", c.id()),
                ("type", t.id().into()),
                ("score", basic.to_string()),
            ],
        ));
        if c == DataCategory::Credential {
            reasons.push(reason("dpc-credential", &[("type", t.id().into())]));
        }
        let mut score = basic;
        for adj in input
            .dpc_adjustments
            .iter()
            .filter(|a| a.category == Some(c))
        {
            score += adj.steps;
            reasons.push(reason(
                "dpc-adjustment",
                &[
                    ("category", c.id()),
                    ("factor", adj.factor.id().into()),
                    ("steps", format!("{:+}", adj.steps)),
                    ("justification", adj.justification.trim().into()),
                ],
            ));
        }
        let score = score.clamp(1, 4);
        if score != basic {
            reasons.push(reason(
                "dpc-category-adjusted",
                &[("category", c.id()), ("score", score.to_string())],
            ));
        }
        if basic_top.is_none_or(|(s, ..)| basic > s) {
            basic_top = Some((basic, c, t));
        }
        if top.is_none_or(|(s, ..)| score > s) {
            top = Some((score, c, t));
        }
    }
    let (dpc_basic, ..) = basic_top.unwrap_or((1, DataCategory::PersonName, EnisaDataType::Simple));
    let (dpc, dpc_category, dpc_type) =
        top.unwrap_or((1, DataCategory::PersonName, EnisaDataType::Simple));
    reasons.push(reason(
        "dpc",
        &[("category", dpc_category.id()), ("score", dpc.to_string())],
    ));

    // EI: as the handler judged it (the flags do not change the score).
    let ei = facts.identification;
    reasons.push(reason(
        "ei",
        &[("level", ei.id().into()), ("score", fmt_num(ei.score()))],
    ));

    // CB: the elements are added.
    let conf_points = match facts.confidentiality {
        Confidentiality::None | Confidentiality::ExposedNoEvidence => 0.0,
        Confidentiality::KnownRecipients => 0.25,
        Confidentiality::UnknownRecipients => 0.5,
    };
    let integ_points = match facts.integrity {
        Integrity::None | Integrity::AlteredNotUsed => 0.0,
        Integrity::Recoverable => 0.25,
        Integrity::NotRecoverable => 0.5,
    };
    let avail_points = match facts.availability {
        Availability::None | Availability::RecoverableEasily => 0.0,
        Availability::Temporary => 0.25,
        Availability::Full => 0.5,
    };
    let malice_points = if facts.malicious { 0.5 } else { 0.0 };
    let mut cb = 0.0;
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
                &[("element", element.into()), ("points", fmt_num(points))],
            ));
        }
    }

    let score = f64::from(dpc) * ei.score() + cb;
    let level = Level::of(score);
    reasons.push(reason(
        "se",
        &[
            ("dpc", dpc.to_string()),
            ("ei", fmt_num(ei.score())),
            ("cb", fmt_num(cb)),
            ("score", fmt_num(score)),
            ("level", level.id().into()),
        ],
    ));
    Severity {
        dpc_basic,
        dpc,
        dpc_type,
        dpc_category,
        ei: ei.score(),
        cb,
        score,
        level,
    }
}
