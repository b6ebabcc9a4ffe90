//! The breach register of GDPR Art. 33(5): every personal data breach of an organisation,
//! notified or not, with "the facts relating to the personal data breach, its effects and the
//! remedial action taken" — drawn from each case as it stands, one [`RegisterEntry`] a case.
//!
//! What goes in, and from where: the dates (reported: the case; occurred: the earliest event of
//! the case's timeline; aware: the case's awareness time; notified: the authority notification;
//! communicated: the first letters queued or the public notice published), the lateness against
//! the 72 hours of Art. 33(1) and its reasons, the nature (confidentiality, integrity,
//! availability), the data categories, the categories and approximate numbers of people and
//! records, the cause and systems (the current scope), the consequences (the decided risk, its
//! severity and likelihood), the measures before and after, and the decision with its reason.
//! The register's column layout ([`COLUMNS`]) is the export's.

pub mod import;
pub mod statistics;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::case::CaseStatus;
use crate::deadline::DeadlineState;
use crate::errors::{FieldError, FieldErrors};
use crate::investigation::Entry;
use crate::ports::{CaseEntryRecord, CaseRecord};
use crate::scope::Scope;

/// One breach of the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterEntry {
    pub reference: String,
    /// The case's status id (`received` … `closed`, `unfounded`).
    pub status: String,
    pub reported_at: Timestamp,
    /// The earliest event of the case's timeline.
    pub occurred_at: Option<Timestamp>,
    /// When the controller became aware (starts the 72 hours).
    pub aware_at: Option<Timestamp>,
    /// When the supervisory authority was notified.
    pub notified_at: Option<Timestamp>,
    /// Whole hours from awareness to the notification.
    pub hours_to_notification: Option<i64>,
    /// Notified after 72 hours, or not notified and more than 72 hours after awareness unless
    /// decided that no notification is needed (the clock of Art. 33(1) runs from awareness,
    /// decided or not; the same rule as the desk's deadline, `deadline::state`).
    pub late: bool,
    /// The reasons given for a late notification (Art. 33(1)).
    pub delay_reasons: Option<String>,
    /// The authority's reference of the notification.
    pub authority_reference: Option<String>,
    /// When the people concerned were first told (letters queued or the public notice
    /// published).
    pub communicated_at: Option<Timestamp>,
    /// `confidentiality`, `integrity`, `availability`: what was lost.
    pub nature: Vec<String>,
    /// Data category ids affected.
    pub categories: Vec<String>,
    /// Categories of people concerned.
    pub subject_categories: Vec<String>,
    /// Approximate number of people; `None` when unknown or not yet scoped.
    pub subjects: Option<u64>,
    /// `exact`, `approximate` or `unknown`.
    pub subjects_certainty: Option<String>,
    pub records: Option<u64>,
    pub records_certainty: Option<String>,
    pub cause: Option<String>,
    pub systems: String,
    /// The decided risk to people: `unlikely`, `risk` or `high`.
    pub risk: Option<String>,
    /// The severity of the consequences: `low` … `very_high`.
    pub severity: Option<String>,
    pub likelihood: Option<String>,
    pub measures_before: String,
    pub measures_after: String,
    /// The decision: whether the authority is to be notified.
    pub notify_authority: Option<bool>,
    /// `individual`, `public` or `not_required`.
    pub communicate_to_subjects: Option<String>,
    /// The Art. 34(3) exemption relied on (`a`, `b`, `c`).
    pub exemption: Option<String>,
    /// Why the decision departs from the proposal, when it does.
    pub decision_reason: Option<String>,
    /// Under a legal hold now: nothing of the case may be deleted.
    #[serde(default)]
    pub held: bool,
    /// When the case is due for destruction.
    #[serde(default)]
    pub retain_until: Option<Timestamp>,
    /// When its content was destroyed (the entry is then what the tombstone kept).
    #[serde(default)]
    pub destroyed_at: Option<Timestamp>,
}

/// The register's columns, in the order of the export.
pub const COLUMNS: [&str; 33] = [
    "reference",
    "status",
    "reported_at",
    "occurred_at",
    "aware_at",
    "notified_at",
    "hours_to_notification",
    "late",
    "delay_reasons",
    "authority_reference",
    "communicated_at",
    "nature",
    "categories",
    "subject_categories",
    "subjects",
    "subjects_certainty",
    "records",
    "records_certainty",
    "cause",
    "systems",
    "risk",
    "severity",
    "likelihood",
    "measures_before",
    "measures_after",
    "notify_authority",
    "communicate_to_subjects",
    "exemption",
    "decision_reason",
    "decided",
    "held",
    "retain_until",
    "destroyed_at",
];

impl RegisterEntry {
    /// The entry of one case, from its opened record. `communicated_at` comes from outside the
    /// record (the letters' queue, the public notice's publication); `now` decides whether a
    /// notification still missing is late.
    #[must_use]
    pub fn of(
        case: &CaseRecord,
        entries: &[(CaseEntryRecord, Entry)],
        communicated_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Self {
        // A breach brought in from the old register is what the import said, as it stands now.
        if let Some(imported) = entries.iter().rev().find_map(|(_, e)| match e {
            Entry::Imported(r) => Some(r),
            _ => None,
        }) {
            return Self {
                status: case.status.as_str().to_owned(),
                communicated_at: communicated_at.or(imported.communicated_at),
                held: case.hold.as_ref().is_some_and(|h| h.stands(now)),
                retain_until: case.retain_until,
                destroyed_at: case.destroyed_at,
                ..(**imported).clone()
            };
        }
        let scope: Option<&Scope> = crate::investigation::current_scope(entries);
        let occurred_at = entries
            .iter()
            .filter_map(|(_, e)| match e {
                Entry::TimelineEvent { at, .. } => {
                    at.parse::<jiff::Zoned>().ok().map(|z| z.timestamp())
                }
                _ => None,
            })
            .min();
        let notification = entries.iter().rev().find_map(|(_, e)| match e {
            Entry::AuthorityNotified {
                delay_reasons,
                reference,
                ..
            } => Some((delay_reasons.clone(), reference.clone())),
            _ => None,
        });
        let decision = entries.iter().rev().find_map(|(_, e)| match e {
            Entry::AssessmentDecision {
                accepted,
                notify_authority,
                communicate_to_subjects,
                reason,
                decided_risk,
                ..
            } => Some((
                *accepted,
                *notify_authority,
                communicate_to_subjects.clone(),
                reason.clone(),
                decided_risk.clone(),
            )),
            _ => None,
        });
        let notify_authority = decision
            .as_ref()
            .map(|d| d.1)
            .or(case.notification_required);
        let hours_to_notification = match (case.awareness_at, case.notified_at) {
            (Some(a), Some(n)) => Some(n.duration_since(a).as_hours()),
            _ => None,
        };
        let not_required = case.status == CaseStatus::Unfounded || notify_authority == Some(false);
        let late = matches!(
            crate::deadline::state(case.awareness_at, case.notified_at, not_required, now),
            DeadlineState::Overdue { .. } | DeadlineState::MetLate { .. }
        );
        let risk = decision.as_ref().and_then(|d| d.4.clone());
        Self {
            reference: case.reference.clone(),
            status: case.status.as_str().to_owned(),
            reported_at: case.created_at,
            occurred_at,
            aware_at: case.awareness_at,
            notified_at: case.notified_at,
            hours_to_notification,
            late,
            delay_reasons: notification.as_ref().and_then(|n| n.0.clone()),
            authority_reference: notification.and_then(|n| n.1),
            communicated_at,
            nature: scope.map(nature_of).unwrap_or_default(),
            categories: scope.map_or_else(
                || case.categories.clone(),
                |s| s.affected.iter().map(|c| c.id()).collect(),
            ),
            subject_categories: scope
                .map(|s| {
                    s.subject_categories
                        .iter()
                        .map(|c| c.id().to_owned())
                        .collect()
                })
                .unwrap_or_default(),
            subjects: scope.and_then(|s| s.subjects.value),
            subjects_certainty: scope.map(|s| s.subjects.certainty.id().to_owned()),
            records: scope.and_then(|s| s.records.value),
            records_certainty: scope.map(|s| s.records.certainty.id().to_owned()),
            cause: scope.map(|s| s.cause.id().to_owned()),
            systems: scope.map(|s| s.systems.clone()).unwrap_or_default(),
            risk: risk.as_ref().map(|r| r.risk.clone()),
            severity: risk.as_ref().map(|r| r.severity.clone()),
            likelihood: risk.as_ref().map(|r| r.likelihood.clone()),
            measures_before: scope.map(|s| s.measures_before.clone()).unwrap_or_default(),
            measures_after: scope.map(|s| s.measures_after.clone()).unwrap_or_default(),
            notify_authority,
            communicate_to_subjects: decision.as_ref().map(|d| d.2.clone()),
            exemption: risk.and_then(|r| r.exemption),
            decision_reason: decision
                .as_ref()
                .and_then(|d| if d.0 { None } else { d.3.clone() }),
            held: case.hold.as_ref().is_some_and(|h| h.stands(now)),
            retain_until: case.retain_until,
            destroyed_at: case.destroyed_at,
        }
    }

    /// The entry's cells in the order of [`COLUMNS`]: times in RFC 3339 (UTC), lists joined
    /// by `;`, yes/no as `true`/`false`, unknown as empty.
    #[must_use]
    pub fn cells(&self) -> Vec<String> {
        let t = |t: Option<Timestamp>| t.map(|t| t.to_string()).unwrap_or_default();
        let n = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
        let s = |s: Option<&str>| s.unwrap_or_default().to_owned();
        vec![
            self.reference.clone(),
            self.status.clone(),
            self.reported_at.to_string(),
            t(self.occurred_at),
            t(self.aware_at),
            t(self.notified_at),
            self.hours_to_notification
                .map(|h| h.to_string())
                .unwrap_or_default(),
            self.late.to_string(),
            s(self.delay_reasons.as_deref()),
            s(self.authority_reference.as_deref()),
            t(self.communicated_at),
            self.nature.join(";"),
            self.categories.join(";"),
            self.subject_categories.join(";"),
            n(self.subjects),
            s(self.subjects_certainty.as_deref()),
            n(self.records),
            s(self.records_certainty.as_deref()),
            s(self.cause.as_deref()),
            self.systems.clone(),
            s(self.risk.as_deref()),
            s(self.severity.as_deref()),
            s(self.likelihood.as_deref()),
            self.measures_before.clone(),
            self.measures_after.clone(),
            self.notify_authority
                .map(|b| b.to_string())
                .unwrap_or_default(),
            s(self.communicate_to_subjects.as_deref()),
            s(self.exemption.as_deref()),
            s(self.decision_reason.as_deref()),
            (self.notify_authority.is_some()).to_string(),
            self.held.to_string(),
            t(self.retain_until),
            t(self.destroyed_at),
        ]
    }

    /// What a destroyed case leaves in the register: the facts, counts and decision, without
    /// the free text a handler wrote (systems, measures, reasons), which may name people.
    #[must_use]
    pub fn tombstone(&self) -> Self {
        Self {
            delay_reasons: None,
            systems: String::new(),
            measures_before: String::new(),
            measures_after: String::new(),
            decision_reason: None,
            held: false,
            ..self.clone()
        }
    }

    /// The year the breach counts in: of the awareness time, else of the report (UTC).
    #[must_use]
    pub fn year(&self) -> i16 {
        self.aware_at
            .unwrap_or(self.reported_at)
            .to_zoned(jiff::tz::TimeZone::UTC)
            .year()
    }
}

fn nature_of(scope: &Scope) -> Vec<String> {
    [
        (scope.confidentiality.is_some(), "confidentiality"),
        (scope.integrity.is_some(), "integrity"),
        (scope.availability.is_some(), "availability"),
    ]
    .into_iter()
    .filter(|(lost, _)| *lost)
    .map(|(_, n)| n.to_owned())
    .collect()
}

/// The natures of a breach, by id.
pub const NATURES: &[&str] = &["confidentiality", "integrity", "availability"];
const STATUSES: &[&str] = &[
    "received",
    "triage",
    "investigating",
    "assessed",
    "notified",
    "closed",
    "unfounded",
];
const DECISIONS: &[&str] = &["notify", "no_notification", "undecided"];

/// Which decision a register filter asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionFilter {
    /// Decided: the authority is to be notified.
    Notify,
    /// Decided: no notification needed (Art. 33(1): unlikely to result in a risk).
    NoNotification,
    /// No decision yet.
    Undecided,
}

impl DecisionFilter {
    pub const ALL: [Self; 3] = [Self::Notify, Self::NoNotification, Self::Undecided];

    #[must_use]
    pub const fn id(self) -> &'static str {
        match self {
            Self::Notify => "notify",
            Self::NoNotification => "no_notification",
            Self::Undecided => "undecided",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.id() == s)
    }
}

/// The register's filter: every part that is set must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegisterFilter {
    pub year: Option<i16>,
    pub status: Option<CaseStatus>,
    /// `confidentiality`, `integrity` or `availability`.
    pub nature: Option<String>,
    /// A data category id.
    pub category: Option<String>,
    pub decision: Option<DecisionFilter>,
}

impl RegisterFilter {
    /// The filter from the values of a query (each optional; empty counts as absent). Every
    /// value that is not one of the register's is named in the errors.
    ///
    /// # Errors
    /// The field errors of the values that are not valid.
    pub fn parse(
        year: Option<&str>,
        status: Option<&str>,
        nature: Option<&str>,
        category: Option<&str>,
        decision: Option<&str>,
    ) -> Result<Self, FieldErrors> {
        fn given(v: Option<&str>) -> Option<&str> {
            v.map(str::trim).filter(|v| !v.is_empty())
        }
        let mut errors = FieldErrors::new();
        let year = given(year).and_then(|y| match y.parse::<i16>() {
            Ok(y) if (2000..=2200).contains(&y) => Some(y),
            _ => {
                errors.add("year", FieldError::NotCount);
                None
            }
        });
        let status = given(status).and_then(|s| {
            let parsed = s.parse::<CaseStatus>().ok();
            if parsed.is_none() {
                errors.add("status", FieldError::InvalidChoice { allowed: STATUSES });
            }
            parsed
        });
        let nature = given(nature).and_then(|n| {
            if NATURES.contains(&n) {
                Some(n.to_owned())
            } else {
                errors.add("nature", FieldError::InvalidChoice { allowed: NATURES });
                None
            }
        });
        let category = given(category).and_then(|c| {
            if crate::assessment::DataCategory::ALL
                .iter()
                .any(|d| d.id() == c)
            {
                Some(c.to_owned())
            } else {
                errors.add("category", FieldError::InvalidChoice { allowed: &[] });
                None
            }
        });
        let decision = given(decision).and_then(|d| {
            let parsed = DecisionFilter::parse(d);
            if parsed.is_none() {
                errors.add("decision", FieldError::InvalidChoice { allowed: DECISIONS });
            }
            parsed
        });
        if errors.is_empty() {
            Ok(Self {
                year,
                status,
                nature,
                category,
                decision,
            })
        } else {
            Err(errors)
        }
    }

    #[must_use]
    pub fn admits(&self, e: &RegisterEntry) -> bool {
        self.year.is_none_or(|y| e.year() == y)
            && self.status.is_none_or(|s| e.status == s.as_str())
            && self
                .nature
                .as_deref()
                .is_none_or(|n| e.nature.iter().any(|x| x == n))
            && self
                .category
                .as_deref()
                .is_none_or(|c| e.categories.iter().any(|x| x == c))
            && self.decision.is_none_or(|d| match d {
                DecisionFilter::Notify => e.notify_authority == Some(true),
                DecisionFilter::NoNotification => e.notify_authority == Some(false),
                DecisionFilter::Undecided => e.notify_authority.is_none(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::DataCategory;
    use crate::investigation::DecidedRisk;
    use crate::scope::{Cause, Certainty, ConfidentialityType, Count, Unintelligibility};
    use uuid::Uuid;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn case() -> CaseRecord {
        CaseRecord {
            id: Uuid::from_u128(1),
            org_id: Uuid::from_u128(2),
            reference: "UNI-2026-0007".into(),
            status: CaseStatus::Notified,
            created_at: t("2026-03-02T08:00:00Z"),
            updated_at: t("2026-03-06T08:00:00Z"),
            wrapped_key: crate::ports::WrappedKey(Vec::new()),
            awareness_at: Some(t("2026-03-02T09:00:00Z")),
            notified_at: Some(t("2026-03-05T12:00:00Z")),
            notification_required: Some(true),
            categories: vec!["email".into()],
            merged_into: None,
            assignees: Vec::new(),
            shared_with: Vec::new(),
            retain_until: None,
            hold: None,
            destroyed_at: None,
            tombstone: None,
            deletion_request: None,
            destroyed_by: None,
            destruction_reason: None,
        }
    }

    fn rec() -> CaseEntryRecord {
        CaseEntryRecord {
            id: Uuid::now_v7(),
            case_id: Uuid::from_u128(1),
            kind: String::new(),
            created_at: t("2026-03-03T08:00:00Z"),
            created_by: None,
            body: Vec::new(),
        }
    }

    fn scope() -> Scope {
        Scope {
            confidentiality: Some((ConfidentialityType::Disclosed, Unintelligibility::No)),
            integrity: None,
            availability: None,
            affected: vec![DataCategory::Email, DataCategory::Health],
            not_affected: Vec::new(),
            subject_categories: vec![crate::scope::SubjectCategory::Patients],
            subjects: Count {
                certainty: Certainty::Approximate,
                value: Some(1200),
            },
            records: Count {
                certainty: Certainty::Unknown,
                value: None,
            },
            systems: "Sisu".into(),
            cause: Cause::ExternalMalicious,
            measures_before: "TLS".into(),
            measures_after: "passwords reset".into(),
        }
    }

    #[test]
    fn a_notified_case_gives_its_facts_effects_and_remedies() {
        let entries = vec![
            (
                rec(),
                Entry::TimelineEvent {
                    at: "2026-03-01T23:30:00+02:00[Europe/Helsinki]".into(),
                    source: "log".into(),
                    description: "x".into(),
                },
            ),
            (rec(), Entry::Scope(Box::new(scope()))),
            (
                rec(),
                Entry::AssessmentDecision {
                    proposed: serde_json::Value::Null,
                    accepted: false,
                    notify_authority: true,
                    communicate_to_subjects: "individual".into(),
                    reason: Some("health data of patients".into()),
                    decided_risk: Some(DecidedRisk {
                        risk: "high".into(),
                        severity: "high".into(),
                        likelihood: "likely".into(),
                        exemption: None,
                    }),
                },
            ),
            (
                rec(),
                Entry::AuthorityNotified {
                    at: t("2026-03-05T12:00:00Z"),
                    delay_reasons: Some("the extent was found on day 3".into()),
                    reference: Some("TSV/123".into()),
                    version: None,
                },
            ),
        ];
        let e = RegisterEntry::of(&case(), &entries, None, t("2026-04-01T00:00:00Z"));
        assert_eq!(e.occurred_at, Some(t("2026-03-01T21:30:00Z")));
        assert_eq!(e.hours_to_notification, Some(75));
        assert!(e.late);
        assert_eq!(
            e.delay_reasons.as_deref(),
            Some("the extent was found on day 3")
        );
        assert_eq!(e.authority_reference.as_deref(), Some("TSV/123"));
        assert_eq!(e.nature, ["confidentiality"]);
        assert_eq!(e.categories, ["email", "health"]);
        assert_eq!(e.subject_categories, ["patients"]);
        assert_eq!(
            (e.subjects, e.subjects_certainty.clone()),
            (Some(1200), Some("approximate".to_owned()))
        );
        assert_eq!(
            (e.records, e.records_certainty.as_deref()),
            (None, Some("unknown"))
        );
        assert_eq!(e.cause.as_deref(), Some("external_malicious"));
        assert_eq!(e.risk.as_deref(), Some("high"));
        assert_eq!(e.notify_authority, Some(true));
        assert_eq!(
            e.decision_reason.as_deref(),
            Some("health data of patients")
        );
        let t = e.tombstone();
        assert!(t.systems.is_empty() && t.measures_after.is_empty());
        assert_eq!(
            (t.delay_reasons.clone(), t.decision_reason.clone()),
            (None, None)
        );
        assert_eq!(
            (t.subjects, t.notify_authority, t.late),
            (Some(1200), Some(true), true)
        );
        let back: RegisterEntry =
            serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
        assert_eq!(back, t, "a tombstone reads back as it was written");
        let cells = e.cells();
        assert_eq!(cells.len(), COLUMNS.len());
        assert_eq!(
            cells[COLUMNS.iter().position(|c| *c == "late").unwrap()],
            "true"
        );
        assert_eq!(
            cells[COLUMNS.iter().position(|c| *c == "categories").unwrap()],
            "email;health"
        );
    }

    #[test]
    fn a_missing_notification_is_late_past_72_hours_unless_decided_not_needed() {
        let mut c = case();
        c.notified_at = None;
        c.status = CaseStatus::Assessed;
        let decided = |notify: bool| {
            vec![(
                rec(),
                Entry::AssessmentDecision {
                    proposed: serde_json::Value::Null,
                    accepted: true,
                    notify_authority: notify,
                    communicate_to_subjects: "not_required".into(),
                    reason: None,
                    decided_risk: None,
                },
            )]
        };
        let within = t("2026-03-05T08:59:00Z");
        let after = t("2026-03-05T09:01:00Z");
        assert!(!RegisterEntry::of(&c, &decided(true), None, within).late);
        assert!(RegisterEntry::of(&c, &decided(true), None, after).late);
        assert!(!RegisterEntry::of(&c, &decided(false), None, after).late);
        // Undecided, the clock still runs (as on the desk's case list).
        assert!(RegisterEntry::of(&c, &[], None, after).late);
        assert!(!RegisterEntry::of(&c, &[], None, within).late);
        // An accepted proposal has no reason of its own to list.
        assert_eq!(
            RegisterEntry::of(&c, &decided(false), None, after).decision_reason,
            None
        );
    }

    #[test]
    fn a_filter_from_a_query_names_each_bad_value() {
        assert_eq!(
            RegisterFilter::parse(
                Some("2026"),
                Some("notified"),
                Some(""),
                Some("health"),
                Some("notify")
            ),
            Ok(RegisterFilter {
                year: Some(2026),
                status: Some(CaseStatus::Notified),
                nature: None,
                category: Some("health".into()),
                decision: Some(DecisionFilter::Notify),
            })
        );
        let errors = RegisterFilter::parse(
            Some("26x"),
            Some("open"),
            Some("leak"),
            Some("shoe_size"),
            Some("maybe"),
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f).collect();
        assert_eq!(fields.len(), 5, "{fields:?}");
        for f in ["year", "status", "nature", "category", "decision"] {
            assert!(fields.contains(&f), "{f}");
        }
    }

    #[test]
    fn the_filter_holds_every_part_it_sets() {
        let e = RegisterEntry::of(
            &case(),
            &[(rec(), Entry::Scope(Box::new(scope())))],
            None,
            t("2026-04-01T00:00:00Z"),
        );
        assert!(RegisterFilter::default().admits(&e));
        let f = |f: RegisterFilter| f.admits(&e);
        assert!(f(RegisterFilter {
            year: Some(2026),
            ..Default::default()
        }));
        assert!(!f(RegisterFilter {
            year: Some(2025),
            ..Default::default()
        }));
        assert!(f(RegisterFilter {
            status: Some(CaseStatus::Notified),
            ..Default::default()
        }));
        assert!(!f(RegisterFilter {
            status: Some(CaseStatus::Closed),
            ..Default::default()
        }));
        assert!(f(RegisterFilter {
            nature: Some("confidentiality".into()),
            ..Default::default()
        }));
        assert!(!f(RegisterFilter {
            nature: Some("availability".into()),
            ..Default::default()
        }));
        assert!(f(RegisterFilter {
            category: Some("health".into()),
            ..Default::default()
        }));
        assert!(!f(RegisterFilter {
            category: Some("iban".into()),
            ..Default::default()
        }));
        assert!(f(RegisterFilter {
            decision: Some(DecisionFilter::Notify),
            ..Default::default()
        }));
        assert!(!f(RegisterFilter {
            decision: Some(DecisionFilter::Undecided),
            ..Default::default()
        }));
    }
}
