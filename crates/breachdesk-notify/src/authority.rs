//! The notification to the supervisory authority (Art. 33): a draft of the EDPB template filled
//! from what the case already knows. The draft is a starting point the DPO edits; what the case
//! does not know is left for them, and [`crate::edpb::Template::check`] says what is missing.

use breachdesk_core::assessment::{DataCategory, term};
use breachdesk_core::report::Language;
use breachdesk_core::scope::{
    AvailabilityType, Cause, Certainty, ConfidentialityType, Count, IntegrityType, Scope,
    SubjectCategory, Unintelligibility,
};
use std::fmt::Write as _;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::{Map, Value};

use crate::document::Document;
use crate::edpb::FieldKind;
use crate::i18n::{lookup, text};

/// A person and how to reach them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactPerson {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl ContactPerson {
    /// "e-mail, phone" as the template's contact-details fields take them.
    #[must_use]
    pub fn contact_details(&self) -> String {
        [self.email.as_deref(), self.phone.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// How the breach came to the controller's knowledge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Discovery {
    /// A member of staff, a student or a system of the controller.
    Controller,
    /// The processor told the controller (a processor report).
    Processor,
    /// Someone who would not give their name.
    External,
}

/// The risk as the controller decided it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RiskOutcome {
    Unlikely,
    Risk,
    High,
}

/// Communication to data subjects as decided (Art. 34).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectsDecision {
    /// Letters to each person; `sent_on` once they went out.
    Individual { sent_on: Option<jiff::civil::Date> },
    /// Art. 34(3)(c): a public notice instead.
    Public,
    /// Not required: no high risk.
    NotRequired,
    /// Not required although the risk is high, because of Art. 34(3)(a) (`'a'`, the data were
    /// unintelligible) or (b) (`'b'`, subsequent measures).
    Exempt(char),
}

/// Everything the draft is made from. The web layer assembles it from the opened case.
#[derive(Debug, Clone)]
pub struct CaseFacts {
    pub reference: String,
    pub organisation: String,
    pub dpo: ContactPerson,
    /// Who makes the notification (the signed-in DPO by default).
    pub reporting_person: ContactPerson,
    pub awareness_at: Option<Timestamp>,
    /// The earliest time anyone noticed the breach, from the reports.
    pub noticed_at: Option<Timestamp>,
    pub discovery: Discovery,
    /// When the processor or an outside party told the controller.
    pub told_on: Option<jiff::civil::Date>,
    pub how_noticed: String,
    pub what_happened: String,
    /// Systems named in the reports, when the scope names none.
    pub reported_systems: String,
    /// Processors named in processor reports.
    pub processors: Vec<String>,
    pub timeline: Vec<String>,
    pub scope: Option<Scope>,
    /// ENISA severity level id (`low` … `very_high`) and score.
    pub severity: Option<(String, f64)>,
    /// The severity of the consequences for people as decided (`low` … `very_high`).
    pub impact: Option<String>,
    /// The likelihood of those consequences as decided (`remote` … `almost_certain`).
    pub likelihood: Option<String>,
    pub risk: Option<RiskOutcome>,
    pub subjects: Option<SubjectsDecision>,
    /// The reasoning of the decision, as recorded.
    pub decision_reason: Option<String>,
    /// The authority's reference of the first notification, for a follow-up.
    pub authority_reference: Option<String>,
    /// The timezone dates are given in (the organisation's).
    pub zone: TimeZone,
    /// The facts recorded for the notices: whether the police were told (2.6.1), and the cause
    /// and what was not reached in Finnish — the supervisory authority's language — added to
    /// the description of the incident.
    pub notice_facts: Option<breachdesk_core::notice_facts::NoticeFacts>,
}

fn s(v: impl Into<String>) -> Value {
    Value::String(v.into())
}

/// The draft of a notification: new when nothing was submitted before, a follow-up otherwise.
/// Complete when the case answers every required question, incomplete when something is
/// still to be determined (the template allows an incomplete notification within the 72 hours).
#[must_use]
pub fn draft(facts: &CaseFacts, now: Timestamp) -> Map<String, Value> {
    let mut d = Map::new();
    let mut to_be_determined = false;
    let follow_up = facts.authority_reference.is_some();
    d.insert("field_3".into(), s(if follow_up { "b" } else { "a" }));
    if let Some(r) = &facts.authority_reference {
        d.insert("field_6".into(), s(r.clone()));
    }
    d.insert("field_7".into(), s(facts.reference.clone()));
    d.insert("field_12".into(), s(facts.organisation.clone()));
    d.insert("field_13".into(), s(facts.dpo.contact_details()));
    d.insert("field_21".into(), s(facts.reporting_person.name.clone()));
    d.insert(
        "field_22".into(),
        s(facts.reporting_person.contact_details()),
    );
    let reporter_is_dpo = facts.reporting_person.name == facts.dpo.name;
    d.insert(
        "field_23".into(),
        s(if reporter_is_dpo { "a" } else { "c" }),
    );
    d.insert(
        "field_29".into(),
        s(if facts.dpo.name.is_empty() {
            "No"
        } else {
            "Yes"
        }),
    );
    d.insert("field_30".into(), s(facts.dpo.name.clone()));
    d.insert("field_31".into(), s(facts.dpo.contact_details()));
    d.insert("field_33".into(), s("a"));

    // 2.3.1 other parties: the processors that reported.
    let others = !facts.processors.is_empty();
    d.insert("field_38".into(), s(if others { "a" } else { "b" }));
    d.insert("field_39".into(), s(if others { PROCESSOR } else { "" }));
    d.insert("field_40".into(), s(facts.processors.join("; ")));
    d.insert("field_41".into(), s(""));

    // 3.1 timeline.
    if let Some(at) = facts.noticed_at {
        d.insert("field_44".into(), s("a"));
        d.insert("field_45".into(), Value::Bool(true));
        d.insert("field_46".into(), s(rfc3339(at, &facts.zone)));
    } else {
        d.insert("field_44".into(), s("e"));
        to_be_determined = true;
    }
    match facts.awareness_at {
        Some(at) => {
            d.insert("field_48".into(), s(rfc3339(at, &facts.zone)));
        }
        None => to_be_determined = true,
    }
    d.insert(
        "field_50".into(),
        s(match facts.discovery {
            Discovery::Controller => "a",
            Discovery::Processor => "b",
            Discovery::External => "d",
        }),
    );
    if let (Some(day), Discovery::Processor | Discovery::External) =
        (facts.told_on, facts.discovery)
    {
        d.insert("field_52".into(), s(day.to_string()));
    }
    d.insert("field_51".into(), s(facts.how_noticed.clone()));
    if !facts.timeline.is_empty() {
        d.insert("field_53".into(), s(facts.timeline.join("\n")));
    }

    // 3.2 nature, 3.3 subjects, 3.4 data, 3.5 measures in place: from the scope.
    let scope = facts.scope.as_ref();
    fill_nature(&mut d, scope, &mut to_be_determined);
    d.insert("field_60".into(), s("y"));
    d.insert(
        "field_61".into(),
        s(cause_code(
            scope.map_or(Cause::ToBeDetermined, |sc| sc.cause),
        )),
    );
    let told = facts.notice_facts.as_ref();
    d.insert(
        "field_62".into(),
        s([
            facts.what_happened.clone(),
            told.map(|f| f.cause.fi.trim().to_owned())
                .unwrap_or_default(),
            told.map(|f| f.not_reached.fi.trim().to_owned())
                .unwrap_or_default(),
        ]
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")),
    );
    // Reported to the police: a recorded fact only; without the facts the question stays open.
    if let Some(f) = told {
        d.insert(
            "field_109".into(),
            s(if f.police_informed { "a" } else { "b" }),
        );
    }
    let systems = scope
        .map(|sc| sc.systems.clone())
        .filter(|x| !x.trim().is_empty())
        .unwrap_or_else(|| facts.reported_systems.clone());
    d.insert("field_63".into(), s(systems));
    fill_people_and_data(&mut d, scope, &mut to_be_determined);
    let before = scope
        .map(|sc| sc.measures_before.clone())
        .unwrap_or_default();
    d.insert("field_75".into(), s("l"));
    d.insert("field_76".into(), s(before));

    // 4.1 consequences, 4.2 risk.
    let affected: &[DataCategory] = scope.map_or(&[], |sc| sc.affected.as_slice());
    d.insert("field_85".into(), s(impact_code(affected)));
    d.insert(
        "field_87".into(),
        s(
            match facts
                .impact
                .as_deref()
                .or(facts.severity.as_ref().map(|(l, _)| l.as_str()))
            {
                Some("low") => "a",
                Some("medium") => "b",
                Some("high" | "very_high") => "c",
                _ => "d",
            },
        ),
    );
    match facts.risk {
        Some(RiskOutcome::High) => d.insert("field_89".into(), s("a")),
        Some(RiskOutcome::Risk) => d.insert("field_89".into(), s("b")),
        Some(RiskOutcome::Unlikely) => d.insert("field_89".into(), s("c")),
        // The template merges "unlikely" and "additional information is needed" in one
        // option; without a decision only the latter can be meant.
        None => {
            to_be_determined = true;
            d.insert("field_89".into(), s("c"))
        }
    };
    d.insert("field_90".into(), s(risk_method(facts)));

    // 4.3–4.4 measures and the people.
    let after = scope
        .map(|sc| sc.measures_after.clone())
        .unwrap_or_default();
    d.insert("field_92".into(), s(after));
    d.insert("field_94".into(), s("o"));
    // The schema gives this field the date format: the date the permanent measures are
    // (planned to be) in place; today until the DPO says otherwise.
    d.insert(
        "field_95".into(),
        s(now.to_zoned(facts.zone.clone()).date().to_string()),
    );
    fill_subjects_communication(&mut d, facts, &mut to_be_determined);
    d.insert("field_113".into(), s("b"));
    d.insert("field_120".into(), s("b"));
    d.insert(
        "field_4".into(),
        s(if to_be_determined { "b" } else { "a" }),
    );
    d
}

fn rfc3339(at: Timestamp, zone: &TimeZone) -> String {
    // RFC 3339 with the organisation's offset (no bracketed zone name: the schema's format).
    at.to_zoned(zone.clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

fn fill_nature(d: &mut Map<String, Value>, scope: Option<&Scope>, tbd: &mut bool) {
    let Some(sc) = scope else {
        d.insert("field_55".into(), s("a"));
        d.insert("field_56".into(), s("e"));
        d.insert("field_57".into(), s("e"));
        *tbd = true;
        return;
    };
    if let Some((kind, unintelligible)) = sc.confidentiality {
        d.insert("field_55".into(), s("a"));
        let k = match kind {
            ConfidentialityType::Disclosed => "a",
            ConfidentialityType::LikelyDisclosed => "b",
            ConfidentialityType::NotDisclosed => "c",
            ConfidentialityType::NotAssessable => "d",
            ConfidentialityType::ToBeDetermined => {
                *tbd = true;
                "e"
            }
        };
        d.insert("field_56".into(), s(k));
        let u = match unintelligible {
            Unintelligibility::ProtectionIntact => "a",
            Unintelligibility::ProtectionLikelySubverted => "b",
            Unintelligibility::No => "c",
            Unintelligibility::NotAssessable => "d",
            Unintelligibility::ToBeDetermined => {
                *tbd = true;
                "e"
            }
        };
        d.insert("field_57".into(), s(u));
    } else if let Some(kind) = sc.integrity {
        d.insert("field_55".into(), s("b"));
        let k = match kind {
            IntegrityType::NoMisuse => "a",
            IntegrityType::MisuseReversible => "b",
            IntegrityType::MisuseIrreversible => "c",
        };
        d.insert("field_58".into(), s(k));
    } else if let Some(kind) = sc.availability {
        d.insert("field_55".into(), s("c"));
        let k = match kind {
            AvailabilityType::Temporary => "a",
            AvailabilityType::Permanent => "b",
            AvailabilityType::NotDetermined => "c",
        };
        d.insert("field_59".into(), s(k));
    }
    // The template takes one nature; the others go with the consequences.
    if sc.confidentiality.is_some() {
        if let Some(kind) = sc.integrity {
            d.insert("field_81".into(), s(integrity_consequence(kind)));
        }
        if sc.availability.is_some() {
            d.insert("field_83".into(), s("b"));
        }
    }
}

const fn integrity_consequence(kind: IntegrityType) -> &'static str {
    match kind {
        IntegrityType::NoMisuse => "d",
        IntegrityType::MisuseReversible => "a",
        IntegrityType::MisuseIrreversible => "b",
    }
}

const fn cause_code(cause: Cause) -> &'static str {
    match cause {
        Cause::InternalNonMalicious => "a",
        Cause::InternalMalicious => "b",
        Cause::ExternalNonMalicious => "c",
        Cause::ExternalMalicious => "d",
        Cause::ToBeDetermined => "e",
        Cause::Unknown => "f",
    }
}

const fn subject_code(c: SubjectCategory) -> &'static str {
    match c {
        SubjectCategory::Customers => "a",
        SubjectCategory::Employees => "b",
        SubjectCategory::LawEnforcementStaff => "c",
        SubjectCategory::Minors => "d",
        SubjectCategory::Patients => "e",
        SubjectCategory::Students => "f",
        SubjectCategory::Subscribers => "g",
        SubjectCategory::Users => "h",
        SubjectCategory::Vulnerable => "i",
        SubjectCategory::Other => "j",
        SubjectCategory::NotYetKnown => "k",
    }
}

/// The template's one "type of breached data": the weightiest category affected.
fn data_code(affected: &[DataCategory]) -> &'static str {
    use DataCategory as D;
    const ORDER: &[(DataCategory, &str)] = &[
        (D::Health, "k"),
        (D::Genetic, "j"),
        (D::Biometric, "c"),
        (D::CriminalConvictions, "d"),
        (D::SexLifeOrOrientation, "h"),
        (D::RacialOrEthnicOrigin, "f"),
        (D::PoliticalOpinions, "e"),
        (D::ReligiousOrPhilosophicalBeliefs, "g"),
        (D::TradeUnionMembership, "i"),
        (D::NationalId, "n"),
        (D::PaymentCard, "q"),
        (D::Iban, "q"),
        (D::Credential, "s"),
        (D::Financial, "l"),
        (D::Location, "o"),
        (D::Behaviour, "r"),
        (D::PostalAddress, "b"),
        (D::Phone, "b"),
        (D::Email, "b"),
        (D::PersonName, "a"),
        (D::DateOfBirth, "a"),
    ];
    ORDER
        .iter()
        .find(|(c, _)| affected.contains(c))
        .map_or(if affected.is_empty() { "t" } else { "u" }, |(_, code)| {
            code
        })
}

fn impact_code(affected: &[DataCategory]) -> &'static str {
    use DataCategory as D;
    if affected.iter().any(|c| matches!(c, D::NationalId)) {
        "d"
    } else if affected
        .iter()
        .any(|c| matches!(c, D::PaymentCard | D::Iban | D::Financial))
    {
        "f"
    } else if affected.is_empty() {
        "o"
    } else {
        "a"
    }
}

fn count_fields(d: &mut Map<String, Value>, kind: &str, value: &str, c: Count) {
    let code = match c.certainty {
        Certainty::Exact => "a",
        Certainty::Approximate => "b",
        Certainty::Unknown => "c",
    };
    d.insert(kind.into(), s(code));
    if let Some(n) = c.value {
        d.insert(value.into(), Value::from(n));
    } else if value == "field_73" {
        // The schema requires the number of records even when it is not known; 0 stands for
        // "not known" beside option c/d, and the readable documents leave it out.
        d.insert(value.into(), Value::from(0));
    }
}

fn fill_people_and_data(d: &mut Map<String, Value>, scope: Option<&Scope>, tbd: &mut bool) {
    let Some(sc) = scope else {
        d.insert("field_65".into(), s("k"));
        d.insert("field_66".into(), s(""));
        d.insert("field_67".into(), s("d"));
        d.insert("field_70".into(), s("t"));
        d.insert("field_71".into(), s(""));
        d.insert("field_72".into(), s("d"));
        d.insert("field_73".into(), Value::from(0));
        *tbd = true;
        return;
    };
    let first = sc
        .subject_categories
        .first()
        .copied()
        .unwrap_or(SubjectCategory::NotYetKnown);
    if first == SubjectCategory::NotYetKnown {
        *tbd = true;
    }
    d.insert("field_65".into(), s(subject_code(first)));
    let all_subjects: Vec<&str> = sc.subject_categories.iter().map(|c| c.id()).collect();
    d.insert("field_66".into(), s(all_subjects.join(", ")));
    count_fields(d, "field_67", "field_68", sc.subjects);
    count_fields(d, "field_72", "field_73", sc.records);
    let code = data_code(&sc.affected);
    if code == "t" {
        *tbd = true;
    }
    d.insert("field_70".into(), s(code));
    let name = |c: &DataCategory| term(Language::En, &c.id());
    let mut described = sc.affected.iter().map(name).collect::<Vec<_>>().join(", ");
    if !sc.not_affected.is_empty() {
        let not: Vec<String> = sc.not_affected.iter().map(name).collect();
        described.push_str(NOT_AFFECTED);
        described.push_str(&not.join(", "));
    }
    d.insert("field_71".into(), s(described));
}

fn fill_subjects_communication(d: &mut Map<String, Value>, facts: &CaseFacts, tbd: &mut bool) {
    match facts.subjects {
        Some(SubjectsDecision::Individual { sent_on: Some(day) }) => {
            d.insert("field_97".into(), s("a"));
            d.insert("field_98".into(), s(day.to_string()));
            d.insert("field_104".into(), s("a"));
        }
        Some(SubjectsDecision::Individual { sent_on: None }) => {
            d.insert("field_97".into(), s("b"));
        }
        Some(SubjectsDecision::Public) => {
            d.insert("field_97".into(), s("e"));
            d.insert("field_100".into(), s("c"));
            d.insert(
                "field_101".into(),
                s(facts.decision_reason.clone().unwrap_or_default()),
            );
        }
        Some(SubjectsDecision::NotRequired) => {
            d.insert("field_97".into(), s("d"));
        }
        Some(SubjectsDecision::Exempt(which)) => {
            d.insert("field_97".into(), s("e"));
            d.insert("field_100".into(), s(which.to_string()));
            d.insert(
                "field_101".into(),
                s(facts.decision_reason.clone().unwrap_or_default()),
            );
        }
        None => {
            d.insert("field_97".into(), s("c"));
            *tbd = true;
        }
    }
}

/// How 5.x's method of risk assessment begins, as the draft writes it.
const RISK_METHOD: &str = "Risk assessed as WP250 rev.01 and EDPB Guidelines 9/2022 describe it: the severity of the consequences for people and their likelihood, for each type of breach";
/// Its second sentence: the ENISA score.
const ENISA_METHOD: &str = ". Severity also scored with the ENISA 2013 method (SE = DPC × EI + CB)";

fn risk_method(facts: &CaseFacts) -> String {
    let mut out = String::from(RISK_METHOD);
    if let (Some(impact), Some(likelihood)) = (&facts.impact, &facts.likelihood) {
        let _ = write!(
            out,
            ": severity {}, likelihood {}",
            impact.replace('_', " "),
            likelihood.replace('_', " ")
        );
    }
    out.push_str(ENISA_METHOD);
    if let Some((level, score)) = &facts.severity {
        let _ = write!(out, ": score {score:.2}, {level}");
    }
    out.push('.');
    if let Some(reason) = facts.decision_reason.as_deref().filter(|r| !r.is_empty()) {
        out.push(' ');
        out.push_str(reason);
    }
    out
}

/// The notification as a readable document in one language: the template's sections, each
/// answered field with its title and the chosen option in words. Free text stays as written.
#[must_use]
pub fn document(doc: &Map<String, Value>, lang: Language) -> Document {
    document_in(doc, lang, None)
}

/// [`document`], with the case's notice facts: a paragraph the draft took from them in Finnish
/// (the cause, what was not reached) and that still stands as drafted is given in `lang`'s own
/// words; anything the DPO wrote or changed stays as written.
#[must_use]
pub fn document_in(
    doc: &Map<String, Value>,
    lang: Language,
    facts: Option<&breachdesk_core::notice_facts::NoticeFacts>,
) -> Document {
    let template = crate::edpb::template();
    let title = text(lang, "edpb-document-title", &[]);
    let reference = doc
        .get("field_7")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut out = Document::new(
        lang.as_str(),
        if reference.is_empty() {
            title
        } else {
            format!("{title} — {reference}")
        },
    );
    let mut section = String::new();
    for f in &template.fields {
        let Some(value) = doc.get(&f.key) else {
            continue;
        };
        let shown = match (f.kind, value) {
            (FieldKind::Choice, Value::String(code)) => {
                lookup(lang, &format!("edpb-f{}-{code}", f.number), &[]).unwrap_or_else(|| {
                    f.options
                        .iter()
                        .find(|(c, _)| c == code)
                        .map_or_else(|| code.clone(), |(_, l)| l.clone())
                })
            }
            (FieldKind::Boolean, Value::Bool(b)) => {
                text(lang, if *b { "edpb-yes" } else { "edpb-no" }, &[])
            }
            (FieldKind::DateTime, Value::String(t)) => readable_time(t),
            // The number of records is required even when unknown; 0 beside "cannot be / to be
            // determined" means unknown and is not shown.
            (FieldKind::Integer, _)
                if f.key == "field_73"
                    && matches!(doc.get("field_72").and_then(Value::as_str), Some("c" | "d")) =>
            {
                continue;
            }
            (_, Value::String(t)) => drafted(lang, &f.key, t)
                .unwrap_or_else(|| facts.map_or_else(|| t.clone(), |x| in_own_words(lang, t, x))),
            (_, Value::Null) => continue,
            (_, v) => v.to_string(),
        };
        if shown.trim().is_empty() {
            continue;
        }
        let major = f.section.split('.').next().unwrap_or_default().to_owned();
        if major != section {
            out.heading(text(lang, &format!("edpb-section-{major}"), &[]));
            section = major;
        }
        let label =
            lookup(lang, &format!("edpb-f{}", f.number), &[]).unwrap_or_else(|| f.title.clone());
        out.field(format!("{} {label}", f.section), shown);
    }
    out
}

/// `text` with each paragraph drafted from the Finnish facts given in `lang`'s version of them.
fn in_own_words(
    lang: Language,
    text: &str,
    facts: &breachdesk_core::notice_facts::NoticeFacts,
) -> String {
    if lang == Language::Fi {
        return text.to_owned();
    }
    let mut out = text.to_owned();
    for t in [&facts.cause, &facts.not_reached] {
        let (fi, own) = (t.fi.trim(), t.get(lang).trim());
        if !fi.is_empty() && !own.is_empty() {
            out = out
                .split("\n\n")
                .map(|p| if p.trim() == fi { own } else { p })
                .collect::<Vec<_>>()
                .join("\n\n");
        }
    }
    out
}

/// A value the draft writes into a free-text field of the template (the JSON keeps the
/// template's English), as the document in `lang` says it: "Yes" of 2.3.1 is "Kyllä" in the
/// Finnish PDF.
fn drafted(lang: Language, key: &str, value: &str) -> Option<String> {
    match key {
        "field_90" => return risk_method_in(lang, value),
        "field_66" => return subjects_in(lang, value),
        "field_71" => return data_in(lang, value),
        _ => {}
    }
    let id = match (key, value) {
        ("field_29", "Yes") => "edpb-yes",
        ("field_29", "No") => "edpb-no",
        ("field_39", PROCESSOR) => "edpb-other-party-processor",
        _ => return None,
    };
    Some(text(lang, id, &[]))
}

/// 3.3's list of the groups of people as the draft wrote it (their ids), in `lang`'s words;
/// `None` for a text the DPO wrote.
fn subjects_in(lang: Language, value: &str) -> Option<String> {
    let names: Option<Vec<String>> = value
        .split(", ")
        .map(|id| {
            let c = SubjectCategory::parse(id.trim())?;
            lookup(lang, &format!("edpb-f65-{}", subject_code(c)), &[])
        })
        .collect();
    names.map(|n| n.join(", "))
}

/// 3.4's description of the data as the draft wrote it (the categories' English names, then
/// "Not affected: …"), in `lang`'s words; `None` for a text the DPO wrote.
fn data_in(lang: Language, value: &str) -> Option<String> {
    if lang == Language::En {
        return None;
    }
    let in_lang = |list: &str| -> Option<String> {
        list.split(", ")
            .map(|name| {
                DataCategory::ALL
                    .into_iter()
                    .find(|c| term(Language::En, c.as_str()) == name)
                    .map(|c| term(lang, c.as_str()))
            })
            .collect::<Option<Vec<_>>>()
            .map(|v| v.join(", "))
    };
    match value.split_once(NOT_AFFECTED) {
        Some((affected, not)) => Some(format!(
            "{}\n{} {}",
            in_lang(affected)?,
            text(lang, "edpb-not-affected", &[]),
            in_lang(not)?
        )),
        None => in_lang(value),
    }
}

/// How the draft introduces 3.4's categories known not to be affected.
const NOT_AFFECTED: &str = "\nNot affected: ";

/// The method of risk assessment the draft wrote (see [`risk_method`]), said in `lang`: its
/// levels in the language's words, the decision's reasoning as the handler wrote it. `None` for
/// English, and for a text the DPO has edited (it is shown as written).
fn risk_method_in(lang: Language, value: &str) -> Option<String> {
    if lang == Language::En {
        return None;
    }
    let rest = value.strip_prefix(RISK_METHOD)?;
    let (decided, rest) = rest.split_once(ENISA_METHOD)?;
    let mut out = vec![text(lang, "edpb-risk-method", &[])];
    if !decided.is_empty() {
        let (impact, likelihood) = decided
            .strip_prefix(": severity ")?
            .split_once(", likelihood ")?;
        out.push(text(
            lang,
            "edpb-risk-decided",
            &[
                ("impact", term(lang, &impact.replace(' ', "_"))),
                (
                    "likelihood",
                    term(
                        lang,
                        &format!("likelihood_{}", likelihood.replace(' ', "_")),
                    ),
                ),
            ],
        ));
    }
    out.push(text(lang, "edpb-risk-enisa", &[]));
    let reason = if let Some(scored) = rest.strip_prefix(": score ") {
        let (score, after) = scored.split_once(", ")?;
        let (level, reason) = after.split_once('.')?;
        out.push(text(
            lang,
            "edpb-risk-enisa-score",
            &[
                ("score", score.replace('.', ",")),
                ("level", term(lang, level)),
            ],
        ));
        reason
    } else {
        rest.strip_prefix('.')?
    };
    let reason = reason.trim();
    if !reason.is_empty() {
        out.push(reason.to_owned());
    }
    Some(out.join(" "))
}

/// 2.3.1's qualification of the other parties the draft names: the processors that reported.
const PROCESSOR: &str = "Processor (Art. 28)";

/// `2026-11-20T10:00:00+02:00` → `2026-11-20 10:00 (UTC+02:00)`; anything else unchanged.
fn readable_time(t: &str) -> String {
    t.parse::<jiff::Zoned>()
        .ok()
        .or_else(|| {
            let ts: Timestamp = t.parse().ok()?;
            let offset = jiff::fmt::temporal::DateTimeParser::new()
                .parse_pieces(t)
                .ok()
                .and_then(|p| p.offset().map(|o| o.to_numeric_offset()))?;
            Some(ts.to_zoned(TimeZone::fixed(offset)))
        })
        .map_or_else(
            || t.to_owned(),
            |z| z.strftime("%Y-%m-%d %H:%M (UTC%:z)").to_string(),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edpb::{ProblemKind, template};

    fn scope() -> Scope {
        Scope {
            confidentiality: Some((ConfidentialityType::Disclosed, Unintelligibility::No)),
            integrity: None,
            availability: None,
            affected: vec![
                DataCategory::PersonName,
                DataCategory::Email,
                DataCategory::NationalId,
            ],
            not_affected: vec![DataCategory::PaymentCard],
            subject_categories: vec![SubjectCategory::Students, SubjectCategory::Employees],
            subjects: Count {
                certainty: Certainty::Approximate,
                value: Some(1200),
            },
            records: Count {
                certainty: Certainty::Exact,
                value: Some(1250),
            },
            systems: "Student register export (SFTP)".into(),
            cause: Cause::InternalNonMalicious,
            measures_before: "Access control to the register".into(),
            measures_after: "The file was removed; access logs reviewed".into(),
        }
    }

    pub(crate) fn facts() -> CaseFacts {
        let dpo = ContactPerson {
            name: "Tiina Tietosuoja".into(),
            email: Some("dpo@uni.example".into()),
            phone: Some("+358 40 123 4567".into()),
        };
        CaseFacts {
            reference: "UNI-2026-0007".into(),
            organisation: "Example University".into(),
            reporting_person: dpo.clone(),
            dpo,
            awareness_at: Some("2026-11-20T08:00:00Z".parse().unwrap()),
            noticed_at: Some("2026-11-20T07:15:00Z".parse().unwrap()),
            discovery: Discovery::Controller,
            told_on: None,
            how_noticed: "A student saw the file on a shared drive".into(),
            what_happened: "A register export was saved to a shared drive".into(),
            reported_systems: "Shared drive".into(),
            processors: vec![],
            timeline: vec!["2026-11-20 09:15 file found".into()],
            scope: Some(scope()),
            severity: Some(("high".into(), 3.5)),
            impact: Some("high".into()),
            likelihood: Some("likely".into()),
            risk: Some(RiskOutcome::High),
            subjects: Some(SubjectsDecision::Individual { sent_on: None }),
            decision_reason: Some("Identity codes of students".into()),
            authority_reference: None,
            zone: TimeZone::get("Europe/Helsinki").unwrap(),
            notice_facts: None,
        }
    }

    #[test]
    fn a_case_with_scope_and_decision_gives_a_complete_valid_notification() {
        let now: Timestamp = "2026-11-21T10:00:00Z".parse().unwrap();
        let doc = draft(&facts(), now);
        assert_eq!(doc["field_3"], "a");
        assert_eq!(doc["field_4"], "a");
        assert_eq!(doc["field_48"], "2026-11-20T10:00:00+02:00");
        assert_eq!(doc["field_56"], "a");
        assert_eq!(doc["field_65"], "f");
        assert_eq!(doc["field_68"], 1200);
        assert_eq!(doc["field_70"], "n");
        assert_eq!(doc["field_89"], "a");
        assert_eq!(doc["field_97"], "b");
        assert!(doc["field_71"].as_str().unwrap().contains("Not affected"));
        let problems = template().check(&doc, false);
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn the_finnish_document_names_the_people_and_the_data_in_finnish() {
        let now: Timestamp = "2026-11-21T10:00:00Z".parse().unwrap();
        let f = facts();
        let doc = draft(&f, now);
        let sc = f.scope.as_ref().unwrap();
        for lang in [Language::Fi, Language::Sv] {
            let md = document(&doc, lang).to_markdown();
            assert!(!md.contains("Not affected"), "{md}");
            for c in sc.affected.iter().chain(&sc.not_affected) {
                assert!(md.contains(&term(lang, c.as_str())), "{}: {md}", c.as_str());
            }
            for c in &sc.subject_categories {
                let label = lookup(lang, &format!("edpb-f65-{}", subject_code(*c)), &[]).unwrap();
                assert!(md.contains(&label), "{label}: {md}");
            }
        }
        // A description the DPO wrote stays as written.
        let mut own = doc.clone();
        own.insert("field_71".into(), Value::String("Opintosuoritukset".into()));
        assert!(
            document(&own, Language::Sv)
                .to_markdown()
                .contains("Opintosuoritukset")
        );
    }

    #[test]
    fn the_notice_facts_answer_the_police_question_and_describe_the_cause_in_finnish() {
        use breachdesk_core::notice_facts::{Localised, NoticeFacts, Progress, Reach};
        let now: Timestamp = "2026-11-21T10:00:00Z".parse().unwrap();
        assert!(
            draft(&facts(), now).get("field_109").is_none(),
            "no fact, no answer"
        );
        let told = NoticeFacts {
            progress: Progress::Resolved,
            fixed_on: None,
            must_act: false,
            action: Localised::default(),
            reach: Reach::All,
            who: Localised::default(),
            cause: Localised {
                fi: "Rekisteriote tallennettiin vahingossa jaetulle levylle.".into(),
                sv: "Utdraget sparades av misstag på en delad disk.".into(),
                en: "The export was saved to a shared drive by mistake.".into(),
            },
            not_reached: Localised::default(),
            categories: vec![],
            never_collected: vec![],
            misuse: None,
            misuse_note: Localised::default(),
            police_informed: true,
            next_steps: Localised::default(),
            outside_help: Localised::default(),
            service_contact: String::new(),
            service_hours: Localised::default(),
            media_contact: String::new(),
        };
        let doc = draft(
            &CaseFacts {
                notice_facts: Some(told.clone()),
                ..facts()
            },
            now,
        );
        assert_eq!(doc["field_109"], "a");
        // The Swedish and English documents give the cause in their own words; the reporter's
        // words stay as written; an edited text stays as the DPO wrote it.
        let sv = document_in(&doc, Language::Sv, Some(&told)).to_markdown();
        assert!(sv.contains("Utdraget sparades av misstag"), "{sv}");
        assert!(!sv.contains("jaetulle levylle"), "{sv}");
        assert!(
            sv.contains("A register export was saved to a shared drive"),
            "{sv}"
        );
        let fi = document_in(&doc, Language::Fi, Some(&told)).to_markdown();
        assert!(fi.contains("jaetulle levylle"), "{fi}");
        let mut edited = doc.clone();
        edited.insert(
            "field_62".into(),
            Value::String("Rekisteriote oli jaetulla levyllä kaksi päivää.".into()),
        );
        let sv = document_in(&edited, Language::Sv, Some(&told)).to_markdown();
        assert!(sv.contains("kaksi päivää"), "{sv}");
        let described = doc["field_62"].as_str().unwrap();
        assert!(described.contains("jaetulle levylle"), "{described}");
        assert!(!described.contains("by mistake"), "{described}");
        let problems = template().check(&doc, false);
        assert!(problems.is_empty(), "{problems:?}");
        let not_told = draft(
            &CaseFacts {
                notice_facts: Some(NoticeFacts {
                    police_informed: false,
                    ..told
                }),
                ..facts()
            },
            now,
        );
        assert_eq!(not_told["field_109"], "b");
    }

    #[test]
    fn a_case_without_scope_or_decision_gives_an_incomplete_one_that_still_validates() {
        let mut f = facts();
        f.scope = None;
        f.risk = None;
        f.subjects = None;
        let doc = draft(&f, "2026-11-21T10:00:00Z".parse().unwrap());
        assert_eq!(doc["field_4"], "b");
        let problems = template().check(&doc, false);
        assert!(problems.is_empty(), "{problems:?}");
        // Made complete by hand, the to-be-determined answers are refused.
        let mut complete = doc.clone();
        complete.insert("field_4".into(), "a".into());
        let problems = template().check(&complete, false);
        assert!(
            problems
                .iter()
                .any(|p| p.field == "field_97" && p.kind == ProblemKind::OnlyIncomplete)
        );
    }

    #[test]
    fn a_late_new_notification_needs_the_reasons_and_a_follow_up_the_reference() {
        let late_at: Timestamp = "2026-11-24T10:00:00Z".parse().unwrap();
        let doc = draft(&facts(), late_at);
        let late = crate::edpb::is_late(facts().awareness_at, late_at);
        assert!(late);
        let problems = template().check(&doc, late);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].kind, ProblemKind::LateReasonsRequired);

        let mut f = facts();
        f.authority_reference = Some("TSV/1234/2026".into());
        let doc = draft(&f, late_at);
        assert_eq!(doc["field_3"], "b");
        assert_eq!(doc["field_6"], "TSV/1234/2026");
        assert!(template().check(&doc, late).is_empty());
    }

    #[test]
    fn the_document_reads_in_the_chosen_language() {
        let doc = draft(&facts(), "2026-11-21T10:00:00Z".parse().unwrap());
        let fi = document(&doc, Language::Fi);
        assert!(
            fi.title
                .starts_with("Ilmoitus henkilötietojen tietoturvaloukkauksesta — UNI-2026-0007")
        );
        let html = fi.to_html();
        assert!(html.contains("Uusi ilmoitus"), "{html}");
        assert!(html.contains("Opiskelijat"));
        assert!(html.contains("2026-11-20 10:00 (UTC+02:00)"));
        assert!(html.contains("Tiina Tietosuoja"));
        let sv = document(&doc, Language::Sv).to_markdown();
        assert!(sv.contains("Ny anmälan"), "{sv}");
        assert!(sv.contains("Studerande"));
        let en = document(&doc, Language::En).to_markdown();
        assert!(en.contains("New Notification"), "{en}");
        assert!(en.contains("Students"));
    }

    #[test]
    fn values_the_draft_writes_read_in_the_documents_language() {
        let mut f = facts();
        f.processors = vec!["Palvelu Oy".into()];
        let doc = draft(&f, "2026-11-21T10:00:00Z".parse().unwrap());
        // The JSON keeps the template's English.
        assert_eq!(doc["field_29"], "Yes");
        assert_eq!(doc["field_39"], PROCESSOR);
        let values = |lang| -> Vec<String> {
            document(&doc, lang)
                .blocks
                .iter()
                .filter_map(|b| match b {
                    crate::document::Block::Field { value, .. } => Some(value.clone()),
                    _ => None,
                })
                .collect()
        };
        // The method of risk assessment, in the document's language with the levels in its words.
        let method = |lang| {
            document(&doc, lang)
                .blocks
                .iter()
                .find_map(|b| match b {
                    crate::document::Block::Field { value, .. } if value.contains("WP250") => {
                        Some(value.clone())
                    }
                    _ => None,
                })
                .unwrap()
        };
        let fi = method(Language::Fi);
        assert!(fi.starts_with("Riski arvioitiin WP250 rev.01:n"), "{fi}");
        assert!(
            fi.contains("Vakavuus: korkea, todennäköisyys: todennäköinen."),
            "{fi}"
        );
        assert!(fi.contains("ENISA-pisteet 3,50, taso: korkea."), "{fi}");
        assert!(fi.ends_with("Identity codes of students"), "{fi}");
        assert!(!fi.contains("Risk assessed"), "{fi}");
        let sv = method(Language::Sv);
        assert!(sv.starts_with("Risken bedömdes"), "{sv}");
        assert!(method(Language::En).starts_with(RISK_METHOD));
        // Edited by the DPO: shown as written.
        assert_eq!(risk_method_in(Language::Fi, "Oma arviomme."), None);
        for (lang, yes, processor) in [
            (
                Language::Fi,
                "Kyllä",
                "Henkilötietojen käsittelijä (28 artikla)",
            ),
            (Language::Sv, "Ja", "Personuppgiftsbiträde (artikel 28)"),
            (Language::En, "Yes", PROCESSOR),
        ] {
            let v = values(lang);
            assert!(v.iter().any(|x| x == yes), "{lang:?} {v:?}");
            assert!(v.iter().any(|x| x == processor), "{lang:?} {v:?}");
            if lang != Language::En {
                assert!(!v.iter().any(|x| x == "Yes" || x == PROCESSOR), "{v:?}");
            }
        }
    }
}
