//! What the case page shows of the opened case, as views for its template: the reports (with
//! those of merged duplicates), the timeline, the investigation record's tasks, meetings and
//! communications, attachments, questions to the reporter and their answers, and the people who
//! may be assigned. Built from the entries `breachdesk-app` opened; nothing here reads the store.

use breachdesk_app::handling::{OpenedCase, OpenedReportWith};
use breachdesk_core::investigation::{self, Entry};
use breachdesk_core::ports::Member;
use breachdesk_core::user::Role;
use jiff::Timestamp;
use uuid::Uuid;

use crate::desk::common::local;
use crate::pages::view::{OptionView, Tr};

#[derive(Debug)]
pub struct Field {
    pub(super) label: String,
    pub(super) value: String,
}

#[derive(Debug)]
pub struct ReportView {
    /// The reference of the merged duplicate it came from.
    pub(super) from: Option<String>,
    pub(super) kind: String,
    pub(super) received: String,
    /// "Taken by phone by N", for a report a handler entered on the desk.
    pub(super) taken: Option<String>,
    pub(super) fields: Vec<Field>,
    pub(super) supplements: Vec<Field>,
}

#[derive(Debug)]
pub struct EventView {
    pub(super) at: String,
    pub(super) source: String,
    pub(super) description: String,
}

#[derive(Debug)]
pub struct AttachmentView {
    pub(super) id: Uuid,
    pub(super) file_name: String,
    pub(super) content_type: String,
    pub(super) size: String,
    pub(super) sha256: String,
    pub(super) description: String,
    pub(super) added: String,
}

#[derive(Debug)]
pub struct QuestionView {
    pub(super) asked: String,
    pub(super) text: String,
    pub(super) answers: Vec<Field>,
}

#[derive(Debug)]
pub struct PersonView {
    pub(super) id: Uuid,
    pub(super) name: String,
}

#[derive(Debug)]
pub struct TaskView {
    pub(super) id: Uuid,
    pub(super) title: String,
    pub(super) assignee: String,
    pub(super) due: String,
    pub(super) done: bool,
}

#[derive(Debug)]
pub struct MeetingView {
    pub(super) at: String,
    pub(super) participants: String,
    pub(super) minutes: String,
    pub(super) decisions: String,
}

#[derive(Debug)]
pub struct CommView {
    pub(super) at: String,
    pub(super) direction: String,
    pub(super) party: String,
    pub(super) summary: String,
}

/// "12.5 KiB", "3.2 MiB": sizes for people, in tenths.
pub(super) fn size_text(bytes: u64) -> String {
    let (unit, div) = if bytes >= 1024 * 1024 {
        ("MiB", 1024 * 1024)
    } else {
        ("KiB", 1024)
    };
    let tenths = bytes * 10 / div;
    format!("{}.{} {unit}", tenths / 10, tenths % 10)
}

pub(super) fn zoned_text(at: &str) -> String {
    at.parse::<jiff::Zoned>().map_or_else(
        |_| at.to_owned(),
        |z| z.strftime("%Y-%m-%d %H:%M %Z").to_string(),
    )
}

fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) => a.iter().map(json_text).collect::<Vec<_>>().join(", "),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A report's fields in words: the desk's labels (the reporter's data is not "Your name"),
/// yes and no for flags, the processor's phase by name, times in the display zone.
pub(super) fn fields_of(tr: Tr<'_>, v: &serde_json::Value) -> Vec<Field> {
    let serde_json::Value::Object(map) = v else {
        return Vec::new();
    };
    map.iter()
        .filter(|(k, v)| *k != "kind" && !v.is_null())
        .map(|(k, v)| {
            let desk_label = format!("report-field-{k}");
            Field {
                label: if tr.i18n.has(tr.language, &desk_label) {
                    tr.t(&desk_label)
                } else {
                    tr.t(&format!("field-{k}"))
                },
                value: match (k.as_str(), v) {
                    // A flag is a word of the product's own (`malformed`, `bounce`…).
                    ("mail_flag", v) => tr.t(&format!("mail-flag-{}", json_text(v))),
                    ("phase", serde_json::Value::String(p)) => tr.t(&format!("phase-{p}")),
                    (_, serde_json::Value::Bool(b)) => {
                        tr.t(if *b { "desk-yes" } else { "desk-no" })
                    }
                    (_, serde_json::Value::String(t)) => t
                        .parse::<Timestamp>()
                        .ok()
                        .filter(|_| t.len() >= 20 && t.as_bytes()[10] == b'T')
                        .map_or_else(|| t.clone(), local),
                    (_, v) => json_text(v),
                },
            }
        })
        .collect()
}

/// The timeline's events, oldest first (events with an unreadable time are left out).
pub(super) fn timeline(opened: &OpenedCase) -> Vec<EventView> {
    let mut events: Vec<(Timestamp, EventView)> = opened
        .entries
        .iter()
        .filter_map(|(_, e)| match e {
            Entry::TimelineEvent {
                at,
                source,
                description,
            } => {
                let z: jiff::Zoned = at.parse().ok()?;
                Some((
                    z.timestamp(),
                    EventView {
                        at: z.strftime("%Y-%m-%d %H:%M %Z").to_string(),
                        source: source.clone(),
                        description: description.clone(),
                    },
                ))
            }
            _ => None,
        })
        .collect();
    events.sort_by_key(|(t, _)| *t);
    events.into_iter().map(|(_, v)| v).collect()
}

/// The investigation record: tasks (with whether they are done), meetings, communications.
#[derive(Debug, Default)]
pub(super) struct RecordViews {
    pub(super) tasks: Vec<TaskView>,
    pub(super) meetings: Vec<MeetingView>,
    pub(super) communications: Vec<CommView>,
}

pub(super) fn record(
    tr: Tr<'_>,
    opened: &OpenedCase,
    name_of: &dyn Fn(Uuid) -> String,
) -> RecordViews {
    let done: Vec<Uuid> = opened
        .entries
        .iter()
        .filter_map(|(_, e)| match e {
            Entry::TaskDone { task } => Some(*task),
            _ => None,
        })
        .collect();
    let mut views = RecordViews::default();
    for (record, e) in &opened.entries {
        match e {
            Entry::Task {
                title,
                assignee,
                due,
            } => views.tasks.push(TaskView {
                id: record.id,
                title: title.clone(),
                assignee: assignee.map(name_of).unwrap_or_default(),
                due: due.map(|d| d.to_string()).unwrap_or_default(),
                done: done.contains(&record.id),
            }),
            Entry::Meeting {
                at,
                participants,
                minutes,
                decisions,
            } => views.meetings.push(MeetingView {
                at: zoned_text(at),
                participants: participants.clone(),
                minutes: minutes.clone(),
                decisions: decisions.clone(),
            }),
            Entry::Communication {
                at,
                direction,
                party,
                summary,
            } => views.communications.push(CommView {
                at: zoned_text(at),
                direction: tr.t(match direction {
                    investigation::Direction::Incoming => "desk-comm-incoming",
                    investigation::Direction::Outgoing => "desk-comm-outgoing",
                }),
                party: party.clone(),
                summary: summary.clone(),
            }),
            _ => {}
        }
    }
    views
}

/// Whom a task can be given to: nobody, or a handler of the organisation (DPO, security
/// manager, privacy or security team), `selected` chosen.
pub(super) fn handler_options(tr: Tr<'_>, members: &[Member], selected: &str) -> Vec<OptionView> {
    let mut handlers = vec![OptionView {
        value: String::new(),
        label: tr.t("desk-task-nobody"),
        selected: selected.is_empty(),
    }];
    handlers.extend(
        members
            .iter()
            .filter(|m| {
                matches!(
                    m.role,
                    Role::Dpo | Role::SecurityManager | Role::PrivacyTeam | Role::SecurityTeam
                )
            })
            .map(|m| OptionView {
                value: m.user_id.to_string(),
                label: m.display_name.clone().unwrap_or(m.email.clone()),
                selected: selected == m.user_id.to_string(),
            }),
    );
    handlers.dedup_by(|a, b| a.value == b.value);
    handlers
}

pub(super) fn attachments(opened: &OpenedCase) -> Vec<AttachmentView> {
    opened
        .entries
        .iter()
        .filter_map(|(record, e)| match e {
            Entry::Attachment {
                id,
                file_name,
                content_type,
                size,
                sha256,
                description,
            } => Some(AttachmentView {
                id: *id,
                file_name: file_name.clone(),
                content_type: content_type.clone(),
                size: size_text(*size),
                sha256: sha256.clone(),
                description: description.clone(),
                added: local(record.created_at),
            }),
            _ => None,
        })
        .collect()
}

/// The questions asked of reporters, each with the answers their supplements gave.
pub(super) fn questions(opened: &OpenedCase) -> Vec<QuestionView> {
    let mut questions = Vec::new();
    for (record, e) in &opened.entries {
        if let Entry::Question { report, text } = e {
            let answers = opened
                .reports
                .iter()
                .filter(|(r, _, _)| r.id == *report)
                .flat_map(|(_, _, sups)| sups.iter())
                .filter(|(_, _, s)| s.answers == Some(record.id))
                .map(|(_, at, s)| Field {
                    label: local(*at),
                    value: s.text.clone(),
                })
                .collect();
            questions.push(QuestionView {
                asked: local(record.created_at),
                text: text.clone(),
                answers,
            });
        }
    }
    questions
}

/// The reports a question can be put to, `selected` (a report id) chosen.
pub(super) fn question_reports(tr: Tr<'_>, opened: &OpenedCase, selected: &str) -> Vec<OptionView> {
    opened
        .reports
        .iter()
        .map(|(r, _, _)| OptionView {
            value: r.id.to_string(),
            label: format!(
                "{} — {}",
                tr.t(&format!("kind-{}", r.kind.as_str())),
                local(r.created_at)
            ),
            selected: selected == r.id.to_string(),
        })
        .collect()
}

/// What the DPO may delete early from the case: its reports while it has more than one (the
/// last goes only with the whole case), and its attachments. Values `report:ID`,
/// `attachment:ID`.
pub(super) fn early_items(
    tr: Tr<'_>,
    opened: &OpenedCase,
    merged: &[(String, OpenedReportWith)],
    selected: &str,
) -> Vec<OptionView> {
    let mut items = Vec::new();
    let reports = opened.reports.iter().map(|(r, _, _)| (None, r)).chain(
        merged
            .iter()
            .map(|(reference, (r, _, _))| (Some(reference), r)),
    );
    if opened.reports.len() + merged.len() > 1 {
        items.extend(reports.map(|(reference, r)| {
            let value = format!("report:{}", r.id);
            OptionView {
                selected: selected == value,
                label: format!(
                    "{}: {} — {}{}",
                    tr.t("desk-early-report"),
                    tr.t(&format!("kind-{}", r.kind.as_str())),
                    local(r.created_at),
                    reference.map(|x| format!(" ({x})")).unwrap_or_default()
                ),
                value,
            }
        }));
    }
    items.extend(attachments(opened).into_iter().map(|a| {
        let value = format!("attachment:{}", a.id);
        OptionView {
            selected: selected == value,
            label: format!("{}: {}", tr.t("desk-early-attachment"), a.file_name),
            value,
        }
    }));
    items
}

/// What was deleted early from the case, from the record's sealed notes.
pub(super) fn early_deletions(
    tr: Tr<'_>,
    opened: &OpenedCase,
    name_of: &dyn Fn(Uuid) -> String,
) -> Vec<EarlyDeletionView> {
    opened
        .entries
        .iter()
        .filter_map(|(record, e)| match e {
            Entry::EarlyDeletion {
                item,
                label,
                reason,
                ..
            } => Some(EarlyDeletionView {
                what: format!(
                    "{}: {label}",
                    tr.t(match item {
                        investigation::DeletedItem::Report => "desk-early-report",
                        investigation::DeletedItem::Attachment => "desk-early-attachment",
                    })
                ),
                reason: reason.clone(),
                by: record.created_by.map(name_of).unwrap_or_default(),
                at: local(record.created_at),
            }),
            _ => None,
        })
        .collect()
}

/// One report or attachment deleted early.
#[derive(Debug)]
pub struct EarlyDeletionView {
    pub what: String,
    pub reason: String,
    pub by: String,
    pub at: String,
}

/// The case's own reports, then those of the duplicates merged into it (with their reference),
/// each with its fields, the reporter's contact and the supplements.
pub(super) fn reports(
    tr: Tr<'_>,
    opened: &OpenedCase,
    merged: &[(String, OpenedReportWith)],
    name_of: &dyn Fn(Uuid) -> String,
) -> Vec<ReportView> {
    opened
        .reports
        .iter()
        .map(|x| (None, x))
        .chain(
            merged
                .iter()
                .map(|(reference, x)| (Some(reference.clone()), x)),
        )
        .map(|(from, (r, o, sups))| {
            let mut fields = fields_of(tr, &serde_json::to_value(&o.body).unwrap_or_default());
            if let Some(c) = &o.contact {
                fields.extend(fields_of(
                    tr,
                    &serde_json::json!({
                        "reporter_name": c.name,
                        "reporter_phone": c.phone,
                        "reporter_email": c.email,
                    }),
                ));
            }
            ReportView {
                from,
                kind: tr.t(&format!("kind-{}", r.kind.as_str())),
                received: local(r.created_at),
                taken: r
                    .taken_by
                    .map(|by| {
                        tr.t2(
                            "desk-report-taken",
                            (
                                "channel",
                                &tr.t(&format!("desk-channel-{}", r.channel.as_str()))
                                    .to_lowercase(),
                            ),
                            ("name", &name_of(by)),
                        )
                    })
                    .or_else(|| {
                        (r.channel == breachdesk_core::report::Channel::Email)
                            .then(|| tr.t("desk-report-emailed"))
                    }),
                fields,
                supplements: sups
                    .iter()
                    .map(|(_, at, s)| Field {
                        // A processor's later notification says which phase it is.
                        label: match s.phase {
                            Some(p) => format!(
                                "{} · {}",
                                local(*at),
                                tr.t(&format!("phase-{}", p.as_str()))
                            ),
                            None => local(*at),
                        },
                        value: s.text.clone(),
                    })
                    .collect(),
            }
        })
        .collect()
}
