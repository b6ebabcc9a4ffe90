//! The investigation record of a case: what the handlers found and decided, entry by entry.
//!
//! Every entry is sealed with the case key (AAD `case_entries/body/<entry id>`) and stored with
//! the change that made it, so the record and the audit trail never disagree. The store sees only
//! the entry's kind; everything a person wrote stays ciphertext at rest.

use jiff::{Timestamp, Zoned};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::case::CaseStatus;
use crate::errors::{FieldError, FieldErrors};
use crate::ports::{Aad, CaseCipher, CaseEntryRecord, CryptoError, NewCaseEntry};

/// Longest description, reason or minutes text.
pub const MAX_TEXT: usize = 20_000;
/// Longest source or title.
pub const MAX_LINE: usize = 300;

/// One entry of the record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Entry {
    /// Something that happened, when and where it was seen (log, reporter, supplier…).
    TimelineEvent {
        /// With its zone, as the source gave it (RFC 9557, e.g. `2026-11-20T09:15:00+02:00[Europe/Helsinki]`).
        at: String,
        source: String,
        description: String,
    },
    /// The case moved.
    StatusChange {
        from: String,
        to: String,
        reason: Option<String>,
    },
    /// The awareness time was set or changed (Art. 33(1)).
    Awareness {
        at: Timestamp,
        previous: Option<Timestamp>,
        reason: Option<String>,
    },
    /// The scope as saved; the newest one is the current scope.
    Scope(Box<crate::scope::Scope>),
    /// The supervisory authority was notified (Art. 33); after 72 hours with the reasons.
    AuthorityNotified {
        at: Timestamp,
        delay_reasons: Option<String>,
        reference: Option<String>,
        /// The approved version of the notification that was submitted (absent when only the
        /// fact of a notification made elsewhere was recorded).
        #[serde(default)]
        version: Option<u32>,
    },
    /// A saved version of a notice draft (the EDPB template's fields, letters, public notice).
    NoticeVersion {
        notice: crate::notice::NoticeKind,
        version: u32,
        content: serde_json::Value,
    },
    /// The DPO approved one version exactly as it stood.
    NoticeApproved {
        notice: crate::notice::NoticeKind,
        version: u32,
        /// SHA-256 of the version's content ([`crate::notice::digest`]).
        sha256: String,
    },
    /// A task of the investigation.
    Task {
        title: String,
        assignee: Option<Uuid>,
        due: Option<jiff::civil::Date>,
    },
    /// A task was done.
    TaskDone { task: Uuid },
    /// An investigation meeting.
    Meeting {
        at: String,
        participants: String,
        minutes: String,
        decisions: String,
    },
    /// A file of the investigation (logs, screenshots, letters), stored sealed apart.
    Attachment {
        id: Uuid,
        file_name: String,
        content_type: String,
        size: u64,
        /// SHA-256 of the content, hex: what was received can be shown unchanged later.
        sha256: String,
        description: String,
    },
    /// The answers of the assessment questionnaire; the newest are current.
    AssessmentAnswers(Box<crate::assessment::questionnaire::Answers>),
    /// The handler's decision on the proposed assessment: accepted as proposed, or overridden
    /// with a reason. The proposal is kept as it stood.
    AssessmentDecision {
        proposed: serde_json::Value,
        accepted: bool,
        notify_authority: bool,
        /// `individual`, `public` or `not_required`.
        communicate_to_subjects: String,
        reason: Option<String>,
        /// The risk as decided: the proposal's when accepted, the handler's when overridden.
        /// Absent in decisions recorded before it was kept.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        decided_risk: Option<DecidedRisk>,
    },
    /// A question to the reporter of one report, shown on their follow-up page.
    Question { report: Uuid, text: String },
    /// This case duplicates another and was merged into it.
    MergedInto {
        case: Uuid,
        reference: String,
        reason: Option<String>,
    },
    /// A breach of the past brought in from the organisation's old register (issue 21): what
    /// the register said of it, as it was imported.
    Imported(Box<crate::register::RegisterEntry>),
    /// A report or an attachment of the case deleted early by the DPO (issue 21): what it
    /// was, and why. The content itself is gone.
    EarlyDeletion {
        item: DeletedItem,
        id: Uuid,
        /// The report's time or the attachment's file name, so the record still says what went.
        label: String,
        reason: String,
    },
    /// The facts the notices are written from ([`crate::notice_facts`]); the newest is current.
    NoticeFacts(Box<crate::notice_facts::NoticeFacts>),
    /// A message to or from someone outside the team (supplier, police, authority, reporter).
    Communication {
        at: String,
        direction: Direction,
        party: String,
        summary: String,
    },
}

/// The current scope: the newest one saved in the record.
#[must_use]
pub fn current_scope(entries: &[(CaseEntryRecord, Entry)]) -> Option<&crate::scope::Scope> {
    entries.iter().rev().find_map(|(_, e)| match e {
        Entry::Scope(s) => Some(s.as_ref()),
        _ => None,
    })
}

/// The current facts of the notices: the newest saved in the record.
#[must_use]
pub fn current_notice_facts(
    entries: &[(CaseEntryRecord, Entry)],
) -> Option<&crate::notice_facts::NoticeFacts> {
    entries.iter().rev().find_map(|(_, e)| match e {
        Entry::NoticeFacts(f) => Some(f.as_ref()),
        _ => None,
    })
}

/// Why one case was merged into another, recorded in the merged case.
pub const MERGE_ENTRY: &str = "merged_into";

/// Which way a communication went.
/// What a DPO deleted early from a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeletedItem {
    Report,
    Attachment,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Incoming,
    Outgoing,
}

/// The risk a decision settles: what the authority's notification and the notices state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecidedRisk {
    /// `unlikely`, `risk` or `high`.
    pub risk: String,
    /// The severity of the consequences: `low`, `medium`, `high` or `very_high`.
    pub severity: String,
    /// `remote`, `possible`, `likely` or `almost_certain`.
    pub likelihood: String,
    /// The Art. 34(3) exemption the decision relies on (`a`, `b` or `c`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exemption: Option<String>,
}

impl Entry {
    /// The kind as stored in the clear (no content).
    #[must_use]
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::TimelineEvent { .. } => "timeline_event",
            Self::StatusChange { .. } => "status_change",
            Self::Awareness { .. } => "awareness",
            Self::Scope(_) => "scope",
            Self::AuthorityNotified { .. } => "authority_notified",
            Self::Task { .. } => "task",
            Self::TaskDone { .. } => "task_done",
            Self::Meeting { .. } => "meeting",
            Self::Communication { .. } => "communication",
            Self::MergedInto { .. } => MERGE_ENTRY,
            Self::Question { .. } => "question",
            Self::Attachment { .. } => "attachment",
            Self::AssessmentAnswers(_) => "assessment_answers",
            Self::AssessmentDecision { .. } => "assessment_decision",
            Self::NoticeVersion { .. } => "notice_version",
            Self::NoticeApproved { .. } => "notice_approved",
            Self::Imported(_) => "imported",
            Self::EarlyDeletion { .. } => "early_deletion",
            Self::NoticeFacts(_) => "notice_facts",
        }
    }

    #[must_use]
    pub fn status_change(from: CaseStatus, to: CaseStatus, reason: Option<&str>) -> Self {
        Self::StatusChange {
            from: from.as_str().to_owned(),
            to: to.as_str().to_owned(),
            reason: reason
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_owned),
        }
    }
}

fn aad(id: Uuid) -> Aad {
    Aad {
        table: "case_entries",
        column: "body",
        row: id,
    }
}

/// Seals an entry for storage.
#[must_use]
pub fn seal_entry<C: CaseCipher>(key: &C, entry: &Entry, created_by: Option<Uuid>) -> NewCaseEntry {
    let id = Uuid::now_v7();
    let json = serde_json::to_vec(entry).expect("entries serialise");
    NewCaseEntry {
        id,
        kind: entry.kind(),
        created_by,
        body: key.seal(&aad(id), &json),
    }
}

/// Opens a stored entry.
pub fn open_entry<C: CaseCipher>(key: &C, record: &CaseEntryRecord) -> Result<Entry, CryptoError> {
    let plain = key.open(&aad(record.id), &record.body)?;
    serde_json::from_slice(&plain).map_err(|_| CryptoError::Malformed)
}

fn attachment_aad(id: Uuid) -> Aad {
    Aad {
        table: "attachments",
        column: "body",
        row: id,
    }
}

/// Seals an accepted file: the entry describing it and the stored attachment.
#[must_use]
pub fn seal_attachment<C: CaseCipher>(
    key: &C,
    file_name: &str,
    content_type: &str,
    description: &str,
    bytes: &[u8],
) -> (Entry, crate::ports::NewAttachment) {
    use sha2::{Digest, Sha256};
    let id = Uuid::now_v7();
    let sha256 = Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut hex, b| {
            use std::fmt::Write;
            let _ = write!(hex, "{b:02x}");
            hex
        });
    let entry = Entry::Attachment {
        id,
        file_name: crate::attachment::safe_file_name(file_name),
        content_type: content_type.to_owned(),
        size: bytes.len() as u64,
        sha256,
        description: description.trim().chars().take(MAX_LINE).collect(),
    };
    let stored = crate::ports::NewAttachment {
        id,
        size: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        body: key.seal(&attachment_aad(id), bytes),
    };
    (entry, stored)
}

/// Opens a stored attachment.
pub fn open_attachment<C: CaseCipher>(
    key: &C,
    id: Uuid,
    sealed: &[u8],
) -> Result<zeroize::Zeroizing<Vec<u8>>, CryptoError> {
    key.open(&attachment_aad(id), sealed)
}

fn text(errors: &mut FieldErrors, field: &'static str, value: &str, max: usize) -> Option<String> {
    let v = value.trim();
    if v.is_empty() {
        errors.add(field, FieldError::Required);
        None
    } else if v.chars().count() > max {
        errors.add(field, FieldError::TooLong { max });
        None
    } else {
        Some(v.to_owned())
    }
}

/// Parses a local date-time typed in a form (`2026-11-20T09:15`) in the named zone. Gaps and
/// folds of daylight saving are resolved the way a person means them (the earlier instant).
pub fn parse_local(local: &str, zone: &str) -> Result<Zoned, FieldError> {
    let tz = jiff::tz::TimeZone::get(zone).map_err(|_| FieldError::InvalidTimeZone)?;
    let dt: jiff::civil::DateTime = local
        .trim()
        .parse()
        .map_err(|_| FieldError::InvalidDateTime)?;
    dt.to_zoned(tz).map_err(|_| FieldError::InvalidDateTime)
}

/// Validates a timeline event from a form: the time (local, with its zone) may not be in the
/// future; source and description are required.
pub fn timeline_event(
    local: &str,
    zone: &str,
    source: &str,
    description: &str,
    now: Timestamp,
) -> Result<Entry, FieldErrors> {
    let mut errors = FieldErrors::new();
    let at = zoned_at(&mut errors, local, zone, now);
    let source = text(&mut errors, "source", source, MAX_LINE);
    let description = text(&mut errors, "description", description, MAX_TEXT);
    match (at, source, description) {
        (Some(at), Some(source), Some(description)) if errors.is_empty() => {
            Ok(Entry::TimelineEvent {
                at: at.to_string(),
                source,
                description,
            })
        }
        _ => Err(errors),
    }
}

fn optional(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    max: usize,
) -> Option<String> {
    let v = value.trim();
    if v.is_empty() {
        None
    } else if v.chars().count() > max {
        errors.add(field, FieldError::TooLong { max });
        None
    } else {
        Some(v.to_owned())
    }
}

fn zoned_at(errors: &mut FieldErrors, local: &str, zone: &str, now: Timestamp) -> Option<Zoned> {
    match parse_local(local, zone) {
        Ok(z) if z.timestamp() > now => {
            errors.add("at", FieldError::InFuture);
            None
        }
        Ok(z) => Some(z),
        Err(_) if local.trim().is_empty() => {
            errors.add("at", FieldError::Required);
            None
        }
        Err(e) => {
            errors.add(
                if e == FieldError::InvalidTimeZone {
                    "zone"
                } else {
                    "at"
                },
                e,
            );
            None
        }
    }
}

/// A task from a form: a title, optionally an assignee (checked by the caller against the
/// case's handlers) and a due date (`YYYY-MM-DD`).
pub fn task(title: &str, assignee: Option<Uuid>, due: &str) -> Result<Entry, FieldErrors> {
    let mut errors = FieldErrors::new();
    let title = text(&mut errors, "title", title, MAX_LINE);
    let due_text = due.trim();
    let due = due_text.parse::<jiff::civil::Date>().ok();
    if due.is_none() && !due_text.is_empty() {
        errors.add("due", FieldError::InvalidDateTime);
    }
    match title {
        Some(title) if errors.is_empty() => Ok(Entry::Task {
            title,
            assignee,
            due,
        }),
        _ => Err(errors),
    }
}

/// A meeting from a form: when (local, with zone), who took part, minutes and decisions.
pub fn meeting(
    local: &str,
    zone: &str,
    participants: &str,
    minutes: &str,
    decisions: &str,
    now: Timestamp,
) -> Result<Entry, FieldErrors> {
    let mut errors = FieldErrors::new();
    let at = zoned_at(&mut errors, local, zone, now);
    let participants = text(&mut errors, "participants", participants, MAX_LINE * 3);
    let minutes = text(&mut errors, "minutes", minutes, MAX_TEXT);
    let decisions = optional(&mut errors, "decisions", decisions, MAX_TEXT).unwrap_or_default();
    match (at, participants, minutes) {
        (Some(at), Some(participants), Some(minutes)) if errors.is_empty() => Ok(Entry::Meeting {
            at: at.to_string(),
            participants,
            minutes,
            decisions,
        }),
        _ => Err(errors),
    }
}

/// An entry of the communications log from a form.
pub fn communication(
    local: &str,
    zone: &str,
    direction: &str,
    party: &str,
    summary: &str,
    now: Timestamp,
) -> Result<Entry, FieldErrors> {
    let mut errors = FieldErrors::new();
    let at = zoned_at(&mut errors, local, zone, now);
    let direction = match direction {
        "incoming" => Some(Direction::Incoming),
        "outgoing" => Some(Direction::Outgoing),
        "" => {
            errors.add("direction", FieldError::Required);
            None
        }
        _ => {
            errors.add(
                "direction",
                FieldError::InvalidChoice {
                    allowed: &["incoming", "outgoing"],
                },
            );
            None
        }
    };
    let party = text(&mut errors, "party", party, MAX_LINE);
    let summary = text(&mut errors, "summary", summary, MAX_TEXT);
    match (at, direction, party, summary) {
        (Some(at), Some(direction), Some(party), Some(summary)) if errors.is_empty() => {
            Ok(Entry::Communication {
                at: at.to_string(),
                direction,
                party,
                summary,
            })
        }
        _ => Err(errors),
    }
}

/// The record of a notification to the authority from a form, checked against the 72 hours.
pub fn authority_notified(
    local: &str,
    zone: &str,
    delay_reasons: &str,
    reference: &str,
    awareness: Timestamp,
    now: Timestamp,
) -> Result<Entry, FieldErrors> {
    let mut errors = FieldErrors::new();
    let at = zoned_at(&mut errors, local, zone, now).map(|z| z.timestamp());
    let delay_reasons = optional(&mut errors, "delay_reasons", delay_reasons, MAX_TEXT);
    let reference = optional(&mut errors, "reference", reference, MAX_LINE);
    if let Some(at) = at {
        match crate::deadline::check_notification_record(
            awareness,
            at,
            delay_reasons.as_deref(),
            now,
        ) {
            Ok(()) => {}
            Err(crate::deadline::NotificationRecordError::DelayReasonsRequired) => {
                errors.add("delay_reasons", FieldError::DelayReasonsRequired);
            }
            Err(crate::deadline::NotificationRecordError::BeforeAwareness) => {
                errors.add("at", FieldError::BeforeAwareness);
            }
            Err(crate::deadline::NotificationRecordError::InTheFuture) => {
                errors.add("at", FieldError::InFuture);
            }
        }
    }
    match at {
        Some(at) if errors.is_empty() => Ok(Entry::AuthorityNotified {
            at,
            delay_reasons,
            reference,
            version: None,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeline_event_keeps_its_zone_and_refuses_the_future() {
        let now: Timestamp = "2026-11-22T10:00:00Z".parse().unwrap();
        let e = timeline_event(
            "2026-11-20T09:15",
            "Europe/Helsinki",
            "firewall log",
            "first exfiltration",
            now,
        )
        .unwrap();
        match &e {
            Entry::TimelineEvent { at, .. } => {
                assert_eq!(at, "2026-11-20T09:15:00+02:00[Europe/Helsinki]");
            }
            other => panic!("{other:?}"),
        }
        let codes = |e: FieldErrors| {
            e.iter()
                .flat_map(|(f, es)| es.iter().map(move |e| format!("{f}:{}", e.code())))
                .collect::<Vec<_>>()
        };
        let err = timeline_event("2026-11-23T09:15", "UTC", "x", "y", now).unwrap_err();
        assert_eq!(codes(err), ["at:in-future"]);
        let err = timeline_event("", "UTC", " ", "", now).unwrap_err();
        assert_eq!(
            codes(err),
            ["at:required", "description:required", "source:required"]
        );
        let err = timeline_event("yesterday", "UTC", "x", "y", now).unwrap_err();
        assert_eq!(codes(err), ["at:invalid-datetime"]);
        let err = timeline_event("2026-11-20T09:15", "Mars/Olympus", "x", "y", now).unwrap_err();
        assert_eq!(codes(err), ["zone:invalid-time-zone"]);
    }

    #[test]
    fn a_notification_after_72_hours_needs_the_reasons_for_the_delay() {
        let now: Timestamp = "2026-11-22T10:00:00Z".parse().unwrap();
        let aware: Timestamp = "2026-11-18T10:00:00Z".parse().unwrap();
        let codes = |e: FieldErrors| {
            e.iter()
                .flat_map(|(f, es)| es.iter().map(move |e| format!("{f}:{}", e.code())))
                .collect::<Vec<_>>()
        };
        // 2026-11-21T12:00 UTC is 74 hours after awareness.
        let late = authority_notified("2026-11-21T12:00", "UTC", " ", "", aware, now);
        assert_eq!(
            codes(late.unwrap_err()),
            ["delay_reasons:delay-reasons-required"]
        );
        let ok = authority_notified(
            "2026-11-21T12:00",
            "UTC",
            "The supplier confirmed the breach only on 21 November",
            "TSV/123/2026",
            aware,
            now,
        )
        .unwrap();
        assert!(matches!(
            ok,
            Entry::AuthorityNotified {
                delay_reasons: Some(_),
                ..
            }
        ));
        assert!(authority_notified("2026-11-19T12:00", "UTC", "", "", aware, now).is_ok());
        let early = authority_notified("2026-11-17T12:00", "UTC", "", "", aware, now);
        assert_eq!(codes(early.unwrap_err()), ["at:before-awareness"]);
        let t = task("", None, "tomorrow").unwrap_err();
        assert_eq!(codes(t), ["due:invalid-datetime", "title:required"]);
        let c = communication("2026-11-20T10:00", "UTC", "sideways", "Police", "x", now);
        assert_eq!(codes(c.unwrap_err()), ["direction:invalid-choice"]);
    }
}
