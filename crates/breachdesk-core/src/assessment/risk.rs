//! The risk to people's rights and freedoms, as the Article 29 Working Party's breach guidelines
//! (WP250 rev.01, section IV.B) and EDPB Guidelines 9/2022 describe it: for each type of breach
//! (confidentiality, integrity, availability) on its own, the **severity** of what people may
//! suffer and the **likelihood** that it happens, combined. The rules are written out in
//! `docs/ASSESSMENT.md`; every step leaves a [`Reason`].

use serde::Serialize;

use super::engine::{Reason, reason};
use super::enisa::{Level, Severity};
use super::input::{
    AssessmentInput, Containment, ContextFactor, Count, DataCategory, Identification, Integrity,
    Outage, OutageEffect, Recipients, Sector,
};

/// The risk in the terms of Art. 33 and 34.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    /// "unlikely to result in a risk" (Art. 33(1)): only with a named positive reason.
    Unlikely,
    Risk,
    High,
}

impl Risk {
    #[must_use]
    pub const fn id(self) -> &'static str {
        match self {
            Self::Unlikely => "unlikely",
            Self::Risk => "risk",
            Self::High => "high",
        }
    }
}

/// How likely the consequences are to happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Likelihood {
    /// Only with a named reason: protected, recovered unread, deleted by a trusted recipient,
    /// restored before anyone was affected.
    Remote,
    Possible,
    Likely,
    AlmostCertain,
}

impl Likelihood {
    #[must_use]
    pub const fn id(self) -> &'static str {
        match self {
            Self::Remote => "remote",
            Self::Possible => "possible",
            Self::Likely => "likely",
            Self::AlmostCertain => "almost_certain",
        }
    }

    const fn lower(self) -> Self {
        match self {
            Self::Remote | Self::Possible => Self::Remote,
            Self::Likely => Self::Possible,
            Self::AlmostCertain => Self::Likely,
        }
    }
}

/// The three types of breach, each assessed on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreachType {
    Confidentiality,
    Integrity,
    Availability,
}

impl BreachType {
    #[must_use]
    pub const fn id(self) -> &'static str {
        match self {
            Self::Confidentiality => "confidentiality",
            Self::Integrity => "integrity",
            Self::Availability => "availability",
        }
    }
}

/// The risk of one type of breach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TypeRisk {
    pub breach_type: BreachType,
    pub severity: Level,
    pub likelihood: Likelihood,
    pub risk: Risk,
}

/// The risk of the whole breach: the highest of its types, with the severity and likelihood of
/// the type that decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskAssessment {
    pub risk: Risk,
    pub severity: Level,
    pub likelihood: Likelihood,
    pub types: Vec<TypeRisk>,
    /// The confidentiality risk would have been high without the protection of the data
    /// (Art. 34(3)(a) is what spares the communication).
    pub protection_spares_high_risk: bool,
}

/// The answers the risk needs, all given (the engine checked).
pub(super) struct Facts {
    pub identification: Identification,
    pub unintelligible: bool,
    pub recipients: Option<Recipients>,
    pub containment: Option<Containment>,
    pub integrity: Integrity,
    pub outage: Option<(Outage, OutageEffect)>,
    pub malicious: bool,
    pub subjects: Count,
    pub vulnerable: bool,
    pub sector: Sector,
}

/// The combination of severity and likelihood, with the legal thresholds: "unlikely to result
/// in a risk" only for a remote likelihood (a named positive reason) or for minor consequences
/// that are no more than possible; a high risk for high consequences that are likely, or very
/// high ones that are possible.
#[must_use]
pub fn combine(severity: Level, likelihood: Likelihood) -> Risk {
    match (severity, likelihood) {
        (_, Likelihood::Remote) | (Level::Low, Likelihood::Possible) => Risk::Unlikely,
        (Level::High | Level::VeryHigh, Likelihood::Likely | Likelihood::AlmostCertain)
        | (Level::VeryHigh, Likelihood::Possible) => Risk::High,
        _ => Risk::Risk,
    }
}

/// The categories that let someone pass as the person or reach their money or accounts.
#[must_use]
pub fn identity_theft_data(categories: &[DataCategory]) -> Vec<DataCategory> {
    let mut out: Vec<DataCategory> = categories
        .iter()
        .copied()
        .filter(|c| {
            matches!(
                c,
                DataCategory::NationalId
                    | DataCategory::Credential
                    | DataCategory::PaymentCard
                    | DataCategory::Iban
            )
        })
        .collect();
    let combo = [
        DataCategory::PersonName,
        DataCategory::DateOfBirth,
        DataCategory::PostalAddress,
    ];
    if combo.iter().all(|c| categories.contains(c)) {
        out.extend(combo);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// How many different kinds of identity-theft data are present: identity codes, credentials,
/// payment data (card or account), the name–birth–address triple.
#[must_use]
pub fn identity_theft_kinds(categories: &[DataCategory]) -> usize {
    let has = |c: DataCategory| categories.contains(&c);
    [
        has(DataCategory::NationalId),
        has(DataCategory::Credential),
        has(DataCategory::PaymentCard) || has(DataCategory::Iban),
        has(DataCategory::PersonName)
            && has(DataCategory::DateOfBirth)
            && has(DataCategory::PostalAddress),
    ]
    .into_iter()
    .filter(|x| *x)
    .count()
}

fn many(subjects: Count) -> Option<String> {
    match subjects {
        Count::Exact(n) | Count::Approximate(n) if n > 100 => Some(n.to_string()),
        Count::Unknown => Some(String::new()),
        _ => None,
    }
}

fn names(categories: &[DataCategory]) -> String {
    categories
        .iter()
        .map(|c| c.id())
        .collect::<Vec<_>>()
        .join(",")
}

/// What the data themselves may do to people, for confidentiality and integrity: the ENISA
/// criticality (DPC × EI), raised to high for identity-theft data and for special categories,
/// then by one level for each aggravating factor not already counted in the DPC.
fn data_severity(
    input: &AssessmentInput,
    enisa: &Severity,
    facts: &Facts,
    reasons: &mut Vec<Reason>,
) -> Level {
    let initial = f64::from(enisa.dpc) * facts.identification.score();
    let mut level = Level::of(initial);
    reasons.push(reason(
        "sev-data",
        &[
            ("dpc", enisa.dpc.to_string()),
            ("ei", super::engine::fmt_num(facts.identification.score())),
            ("level", level.id().into()),
        ],
    ));
    let theft = identity_theft_data(&input.data_categories);
    if !theft.is_empty() {
        if identity_theft_kinds(&input.data_categories) >= 2 && level < Level::VeryHigh {
            // An identity code with a bank account, credentials with the name–birth–address
            // triple: together they let someone act as the person and reach their money.
            level = Level::VeryHigh;
            reasons.push(reason(
                "sev-identity-theft-combined",
                &[("items", names(&theft))],
            ));
        } else if level < Level::High {
            level = Level::High;
            reasons.push(reason("sev-identity-theft", &[("items", names(&theft))]));
        } else {
            reasons.push(reason(
                "sev-identity-theft-noted",
                &[("items", names(&theft))],
            ));
        }
    }
    // Special categories count unless the handler lowered that category's own score (ENISA's
    // nature-of-data factor: a certificate saying only "in good health").
    let special: Vec<DataCategory> = input
        .data_categories
        .iter()
        .copied()
        .filter(|c| c.enisa_type() == Some(super::input::EnisaDataType::Sensitive))
        .filter(|c| {
            input
                .dpc_adjustments
                .iter()
                .filter(|a| a.category == Some(*c))
                .map(|a| a.steps)
                .sum::<i8>()
                >= 0
        })
        .collect();
    if !special.is_empty()
        && level < Level::High
        && facts.identification > Identification::Negligible
    {
        level = Level::High;
        reasons.push(reason("sev-special", &[("items", names(&special))]));
    }
    let counted = |f: ContextFactor| input.dpc_adjustments.iter().any(|a| a.factor == f);
    let children_school = facts.sector == Sector::School;
    let revealing_sector = matches!(facts.sector, Sector::HealthCare | Sector::SocialServices);
    if (facts.vulnerable || children_school) && !revealing_sector {
        if counted(ContextFactor::VulnerableSubjects) {
            reasons.push(reason("sev-vulnerable-in-dpc", &[]));
        } else {
            level = level.raised();
            reasons.push(reason("sev-vulnerable", &[("level", level.id().into())]));
        }
    }
    // Patients of a hospital, clients of social services: being in the data and being
    // vulnerable are one fact here, raised once.
    if revealing_sector {
        if counted(ContextFactor::ControllerSector) {
            reasons.push(reason("sev-sector-in-dpc", &[]));
        } else {
            level = level.raised();
            reasons.push(reason(
                "sev-sector",
                &[
                    ("sector", facts.sector.id().into()),
                    ("level", level.id().into()),
                ],
            ));
        }
    }
    if let Some(n) = many(facts.subjects) {
        level = level.raised();
        reasons.push(if n.is_empty() {
            reason("sev-many-unknown", &[("level", level.id().into())])
        } else {
            reason("sev-many", &[("count", n), ("level", level.id().into())])
        });
    }
    level
}

fn confidentiality(facts: &Facts, reasons: &mut Vec<Reason>) -> (Likelihood, Likelihood) {
    let recipients = facts.recipients.unwrap_or(Recipients::Unknown);
    let by_recipients = match recipients {
        Recipients::TrustedBoundBySecrecy => Likelihood::Remote,
        Recipients::KnownFew | Recipients::Unknown => Likelihood::Possible,
        Recipients::KnownMany | Recipients::Malicious => Likelihood::Likely,
        Recipients::Published => Likelihood::AlmostCertain,
    };
    reasons.push(reason(
        "lik-recipients",
        &[
            ("recipients", recipients.id().into()),
            ("likelihood", by_recipients.id().into()),
        ],
    ));
    if recipients == Recipients::TrustedBoundBySecrecy {
        reasons.push(reason("lik-trusted", &[]));
    }
    let mut likelihood = by_recipients;
    match facts.containment {
        Some(Containment::DeletedWithConfirmation) => {
            likelihood = likelihood.lower();
            reasons.push(reason(
                "lik-deleted",
                &[("likelihood", likelihood.id().into())],
            ));
        }
        Some(Containment::RecoveredUnaccessed) => {
            likelihood = Likelihood::Remote;
            reasons.push(reason("lik-recovered", &[]));
        }
        Some(Containment::None) | None => {}
    }
    let unprotected = likelihood;
    if facts.unintelligible {
        likelihood = Likelihood::Remote;
        reasons.push(reason("lik-protected", &[]));
    }
    (likelihood, unprotected)
}

fn integrity(facts: &Facts, reasons: &mut Vec<Reason>) -> Likelihood {
    let mut likelihood = match facts.integrity {
        Integrity::None | Integrity::AlteredNotUsed => Likelihood::Remote,
        Integrity::Recoverable => Likelihood::Possible,
        Integrity::NotRecoverable => Likelihood::Likely,
    };
    // Someone who altered data on purpose meant them to be used. "Altered, not used" is
    // ENISA's "original recovered before any use": a positive reason whatever the intent.
    if facts.malicious && likelihood > Likelihood::Remote {
        likelihood = Likelihood::Likely.max(likelihood);
    }
    reasons.push(reason(
        match facts.integrity {
            Integrity::None | Integrity::AlteredNotUsed => "lik-integrity-not-used",
            Integrity::Recoverable => "lik-integrity-recoverable",
            Integrity::NotRecoverable => "lik-integrity-not-recoverable",
        },
        &[("likelihood", likelihood.id().into())],
    ));
    likelihood
}

fn availability(
    outage: Outage,
    effect: OutageEffect,
    facts: &Facts,
    reasons: &mut Vec<Reason>,
) -> (Level, Likelihood) {
    let mut level = match effect {
        OutageEffect::None | OutageEffect::Inconvenience => Level::Low,
        OutageEffect::ServiceDenied => Level::Medium,
        OutageEffect::CareOrSafety => Level::High,
    };
    reasons.push(reason(
        "sev-outage",
        &[
            ("effect", effect.id().into()),
            ("outage", outage.id().into()),
            ("level", level.id().into()),
        ],
    ));
    if outage >= Outage::Days {
        level = level.raised();
        reasons.push(reason(
            "sev-outage-long",
            &[("outage", outage.id().into()), ("level", level.id().into())],
        ));
    }
    if facts.vulnerable || facts.sector == Sector::School {
        level = level.raised();
        reasons.push(reason("sev-vulnerable", &[("level", level.id().into())]));
    }
    if let Some(n) = many(facts.subjects)
        && level == Level::Low
    {
        level = Level::Medium;
        reasons.push(if n.is_empty() {
            reason("sev-many-unknown-outage", &[])
        } else {
            reason("sev-many-outage", &[("count", n)])
        });
    }
    let likelihood = if effect == OutageEffect::None {
        reasons.push(reason("lik-outage-unnoticed", &[]));
        Likelihood::Remote
    } else if (outage <= Outage::Hours && effect <= OutageEffect::Inconvenience)
        || (outage == Outage::Minutes && effect <= OutageEffect::ServiceDenied)
    {
        // WP250 Annex B iii: a few minutes without access to the records is recorded, not
        // notified.
        reasons.push(reason("lik-outage-short", &[]));
        Likelihood::Remote
    } else if outage == Outage::Hours {
        reasons.push(reason("lik-outage-hours", &[]));
        Likelihood::Possible
    } else {
        reasons.push(reason("lik-outage-happened", &[]));
        Likelihood::AlmostCertain
    };
    (level, likelihood)
}

/// Assesses the risk of every type of breach the facts show.
pub(super) fn assess(
    input: &AssessmentInput,
    enisa: &Severity,
    facts: &Facts,
    reasons: &mut Vec<Reason>,
) -> RiskAssessment {
    let mut types = Vec::new();
    let mut protection_spares_high_risk = false;
    let judge =
        |t: BreachType, severity: Level, likelihood: Likelihood, reasons: &mut Vec<Reason>| {
            let risk = combine(severity, likelihood);
            reasons.push(reason(
                "risk-type",
                &[
                    ("breach", t.id().into()),
                    ("severity", severity.id().into()),
                    ("likelihood", likelihood.id().into()),
                    ("risk", risk.id().into()),
                ],
            ));
            TypeRisk {
                breach_type: t,
                severity,
                likelihood,
                risk,
            }
        };
    let needs_data_severity =
        facts.recipients.is_some() || !matches!(facts.integrity, Integrity::None);
    let data_level = needs_data_severity.then(|| data_severity(input, enisa, facts, reasons));
    if let (Some(_), Some(level)) = (facts.recipients, data_level) {
        let (likelihood, unprotected) = confidentiality(facts, reasons);
        if facts.unintelligible && combine(level, unprotected) == Risk::High {
            protection_spares_high_risk = true;
        }
        types.push(judge(
            BreachType::Confidentiality,
            level,
            likelihood,
            reasons,
        ));
    }
    if let (false, Some(level)) = (matches!(facts.integrity, Integrity::None), data_level) {
        let mut level = level;
        if facts.integrity == Integrity::NotRecoverable {
            level = level.raised();
            reasons.push(reason(
                "sev-integrity-permanent",
                &[("level", level.id().into())],
            ));
        }
        let likelihood = integrity(facts, reasons);
        types.push(judge(BreachType::Integrity, level, likelihood, reasons));
    }
    if let Some((outage, effect)) = facts.outage {
        let (level, likelihood) = availability(outage, effect, facts, reasons);
        types.push(judge(BreachType::Availability, level, likelihood, reasons));
    }
    let decisive = types
        .iter()
        .max_by_key(|t| (t.risk, t.severity, t.likelihood))
        .copied();
    if let Some(t) = decisive {
        RiskAssessment {
            risk: t.risk,
            severity: t.severity,
            likelihood: t.likelihood,
            types,
            protection_spares_high_risk,
        }
    } else {
        reasons.push(reason("risk-nothing-lost", &[]));
        RiskAssessment {
            risk: Risk::Unlikely,
            severity: Level::Low,
            likelihood: Likelihood::Remote,
            types,
            protection_spares_high_risk,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_matrix_has_the_legal_thresholds() {
        use Likelihood::{AlmostCertain, Likely, Possible, Remote};
        for s in [Level::Low, Level::Medium, Level::High, Level::VeryHigh] {
            assert_eq!(combine(s, Remote), Risk::Unlikely, "{s:?}");
        }
        assert_eq!(combine(Level::Low, Possible), Risk::Unlikely);
        assert_eq!(combine(Level::Low, Likely), Risk::Risk);
        assert_eq!(combine(Level::Low, AlmostCertain), Risk::Risk);
        assert_eq!(combine(Level::Medium, Possible), Risk::Risk);
        assert_eq!(combine(Level::Medium, AlmostCertain), Risk::Risk);
        assert_eq!(combine(Level::High, Possible), Risk::Risk);
        assert_eq!(combine(Level::High, Likely), Risk::High);
        assert_eq!(combine(Level::VeryHigh, Possible), Risk::High);
    }

    #[test]
    fn identity_theft_data_are_identity_codes_credentials_payment_data_or_the_triple() {
        use DataCategory::{DateOfBirth, Email, NationalId, PersonName, PostalAddress};
        assert!(identity_theft_data(&[PersonName, Email, DateOfBirth]).is_empty());
        assert_eq!(
            identity_theft_data(&[PersonName, PostalAddress, DateOfBirth]).len(),
            3
        );
        assert_eq!(identity_theft_data(&[Email, NationalId]), vec![NationalId]);
    }
}
