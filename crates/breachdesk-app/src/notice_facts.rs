//! The facts of a case as its notices are drafted from: the notification to the supervisory
//! authority (the reports, the investigation record's scope, timeline and assessment decision,
//! the organisation's DPO and the person writing it), the public notice and the personal
//! letters (the scope, the dates, whom the organisation has told).

use breachdesk_core::investigation::{self, Entry};
use breachdesk_core::notice::{self, NoticeKind};
use breachdesk_core::org::Organisation;
use breachdesk_core::report::ReportBody;
use breachdesk_notify::authority::{
    CaseFacts, ContactPerson, Discovery, RiskOutcome, SubjectsDecision,
};
use breachdesk_notify::letter::LetterFacts;
use breachdesk_notify::public::{Loss, PublicFacts};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::handling::{Access, OpenedCase};

/// Who writes the notice: named as the reporting person unless the organisation's DPO does.
#[derive(Debug, Clone)]
pub struct Author {
    pub name: String,
    pub email: String,
}

/// The case's facts as the notification draft needs them.
#[must_use]
pub fn case_facts(
    access: &Access,
    opened: &OpenedCase,
    org: Option<&Organisation>,
    author: &Author,
    zone: TimeZone,
) -> CaseFacts {
    let entries = &opened.entries;
    let dpo = ContactPerson {
        name: org.and_then(|o| o.dpo_name.clone()).unwrap_or_default(),
        email: org.and_then(|o| o.dpo_email.clone()),
        phone: org.and_then(|o| o.dpo_phone.clone()),
    };
    let me = ContactPerson {
        name: author.name.clone(),
        email: Some(author.email.clone()),
        phone: None,
    };
    // The DPO of the organisation making the notification is named as such.
    let reporting_person = if Some(author.email.as_str()) == dpo.email.as_deref() {
        dpo.clone()
    } else {
        me
    };
    let mut noticed: Vec<Timestamp> = Vec::new();
    let mut how = Vec::new();
    let mut what = Vec::new();
    let mut systems = Vec::new();
    let mut processors = Vec::new();
    let mut discovery = Discovery::Controller;
    let mut told_on = None;
    for (rec, report, _) in &opened.reports {
        match &report.body {
            ReportBody::Breach(f) | ReportBody::Anonymous(f) => {
                if let Ok(t) = f.noticed_at.parse::<Timestamp>() {
                    noticed.push(t);
                }
                how.push(f.how_noticed.clone());
                what.push(f.what_happened.clone());
                systems.push(f.system.clone());
                if matches!(report.body, ReportBody::Anonymous(_))
                    && discovery == Discovery::Controller
                    && opened.reports.len() == 1
                {
                    discovery = Discovery::External;
                }
            }
            ReportBody::Email(m) => {
                // The reporter's own words; when it was noticed is for the handlers to establish.
                what.push(
                    format!("{}\n\n{}", m.mail_subject, m.mail_text)
                        .trim()
                        .to_owned(),
                );
            }
            ReportBody::Processor(p) => {
                if let Ok(t) = p.noticed_at.parse::<Timestamp>() {
                    noticed.push(t);
                }
                what.push(p.nature.clone());
                systems.extend(p.system.clone());
                processors.push(p.processor_name.clone());
                if opened.reports.len() == 1 {
                    discovery = Discovery::Processor;
                    told_on = Some(rec.created_at.to_zoned(zone.clone()).date());
                }
            }
        }
    }
    let scope = investigation::current_scope(entries).cloned();
    let decision = entries.iter().rev().find_map(|(rec, e)| match e {
        Entry::AssessmentDecision {
            proposed,
            communicate_to_subjects,
            reason,
            decided_risk,
            ..
        } => Some((rec, proposed, communicate_to_subjects, reason, decided_risk)),
        _ => None,
    });
    let timeline = entries
        .iter()
        .filter_map(|(_, e)| match e {
            Entry::TimelineEvent {
                at, description, ..
            } => Some(format!("{at} — {description}")),
            _ => None,
        })
        .collect();
    let (severity, risk, subjects, decision_reason, impact, likelihood) = match decision {
        Some((_, proposed, communicate, reason, decided)) => {
            let severity = proposed["severity"]["level"].as_str().map(|l| {
                (
                    l.to_owned(),
                    proposed["severity"]["score"].as_f64().unwrap_or_default(),
                )
            });
            // The risk as decided (an override's own), else the proposal's for decisions
            // recorded before the decided risk was kept.
            let decided_id = decided
                .as_ref()
                .map(|d| d.risk.as_str())
                .or(proposed["risk"].as_str());
            let risk = match decided_id {
                Some("high") => Some(RiskOutcome::High),
                Some("risk") => Some(RiskOutcome::Risk),
                Some("unlikely") => Some(RiskOutcome::Unlikely),
                _ => None,
            };
            let subjects = match communicate.as_str() {
                "individual" => Some(SubjectsDecision::Individual { sent_on: None }),
                "public" => Some(SubjectsDecision::Public),
                "not_required" => match decided.as_ref().and_then(|d| d.exemption.as_deref()) {
                    Some("a") => Some(SubjectsDecision::Exempt('a')),
                    Some("b") => Some(SubjectsDecision::Exempt('b')),
                    _ => Some(SubjectsDecision::NotRequired),
                },
                _ => None,
            };
            (
                severity,
                risk,
                subjects,
                reason.clone(),
                decided.as_ref().map(|d| d.severity.clone()),
                decided.as_ref().map(|d| d.likelihood.clone()),
            )
        }
        None => (None, None, None, None, None, None),
    };
    CaseFacts {
        reference: access.case.reference.clone(),
        organisation: org.map(|o| o.name.clone()).unwrap_or_default(),
        dpo,
        reporting_person,
        awareness_at: access.case.awareness_at,
        noticed_at: noticed.into_iter().min(),
        discovery,
        told_on,
        how_noticed: how.join("\n\n"),
        what_happened: what.join("\n\n"),
        reported_systems: systems.join("; "),
        processors,
        timeline,
        scope,
        severity,
        impact,
        likelihood,
        risk,
        subjects,
        decision_reason,
        authority_reference: notice::authority_reference(entries),
        zone,
        notice_facts: investigation::current_notice_facts(entries).cloned(),
    }
}

/// The case's facts as the public notice's draft needs them.
#[must_use]
pub fn public_facts(
    access: &Access,
    opened: &OpenedCase,
    org: Option<&Organisation>,
    zone: &TimeZone,
) -> PublicFacts {
    let scope = investigation::current_scope(&opened.entries);
    let informed = notice::versions(NoticeKind::Subjects, &opened.entries)
        .iter()
        .any(|v| v.approved.is_some());
    PublicFacts {
        loss: Loss::of(scope),
        organisation: org.map(Organisation::names).unwrap_or_default(),
        discovered_on: access
            .case
            .awareness_at
            .map(|a| a.to_zoned(zone.clone()).date()),
        measures: scope
            .as_ref()
            .map(|s| s.measures_after.clone())
            .unwrap_or_default(),
        subjects_count: scope.as_ref().and_then(|s| s.subjects.value),
        affected: scope
            .as_ref()
            .map(|s| s.affected.clone())
            .unwrap_or_default(),
        not_affected: scope
            .as_ref()
            .map(|s| s.not_affected.clone())
            .unwrap_or_default(),
        authority_notified: access.case.notified_at.is_some(),
        subjects_informed: informed,
        dpo_email: org.and_then(|o| o.dpo_email.clone()),
        dpo_phone: org.and_then(|o| o.dpo_phone.clone()),
        groups: scope
            .map(|s| s.subject_categories.clone())
            .unwrap_or_default(),
        subjects_approximate: scope.is_some_and(|s| {
            s.subjects.certainty == breachdesk_core::scope::Certainty::Approximate
        }),
        facts: investigation::current_notice_facts(&opened.entries).cloned(),
    }
}

/// The case's facts as the personal letters' draft needs them.
#[must_use]
pub fn letter_facts(
    access: &Access,
    opened: &OpenedCase,
    org: Option<&Organisation>,
    zone: &TimeZone,
) -> LetterFacts {
    let scope = investigation::current_scope(&opened.entries);
    LetterFacts {
        loss: Loss::of(scope),
        organisation: org.map(Organisation::names).unwrap_or_default(),
        discovered_on: access
            .case
            .awareness_at
            .map(|a| a.to_zoned(zone.clone()).date()),
        measures: scope.map(|s| s.measures_after.clone()).unwrap_or_default(),
        authority_notified: access.case.notified_at.is_some(),
        dpo_email: org.and_then(|o| o.dpo_email.clone()),
        dpo_phone: org.and_then(|o| o.dpo_phone.clone()),
        facts: investigation::current_notice_facts(&opened.entries).cloned(),
    }
}
