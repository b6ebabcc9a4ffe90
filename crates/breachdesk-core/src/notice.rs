//! Notices and their versions: every save of a draft is a new version in the investigation
//! record; the DPO approves one version exactly as it stands (its SHA-256); the authority
//! notification records when it was submitted and the authority's reference. Nothing is sent
//! or published that was not approved.

use std::fmt::Write as _;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::investigation::Entry;
use crate::ports::CaseEntryRecord;

/// The three notices of a breach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// Art. 33: to the supervisory authority, in the EDPB template.
    Authority,
    /// Art. 34(2): to each data subject.
    Subjects,
    /// Art. 34(3)(c): the public notice.
    Public,
}

impl NoticeKind {
    #[must_use]
    pub const fn id(self) -> &'static str {
        match self {
            Self::Authority => "authority",
            Self::Subjects => "subjects",
            Self::Public => "public",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Authority, Self::Subjects, Self::Public]
            .into_iter()
            .find(|k| k.id() == s)
    }
}

/// SHA-256 (hex) of a version's content as serialised: what an approval binds.
#[must_use]
pub fn digest(content: &serde_json::Value) -> String {
    let bytes = serde_json::to_vec(content).unwrap_or_default();
    Sha256::digest(&bytes)
        .iter()
        .fold(String::with_capacity(64), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

/// One version of a notice with what happened to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    pub number: u32,
    pub content: serde_json::Value,
    pub saved_at: Timestamp,
    pub saved_by: Option<Uuid>,
    /// Who approved it and when, if the approval matches the content.
    pub approved: Option<(Option<Uuid>, Timestamp)>,
    /// When it was submitted to the authority and the authority's reference.
    pub submitted: Option<(Timestamp, Option<String>)>,
}

/// The versions of one notice in the record, oldest first.
#[must_use]
pub fn versions(kind: NoticeKind, entries: &[(CaseEntryRecord, Entry)]) -> Vec<Version> {
    let mut out: Vec<Version> = Vec::new();
    for (rec, entry) in entries {
        match entry {
            Entry::NoticeVersion {
                notice,
                version,
                content,
            } if *notice == kind => out.push(Version {
                number: *version,
                content: content.clone(),
                saved_at: rec.created_at,
                saved_by: rec.created_by,
                approved: None,
                submitted: None,
            }),
            Entry::NoticeApproved {
                notice,
                version,
                sha256,
            } if *notice == kind => {
                if let Some(v) = out.iter_mut().find(|v| v.number == *version)
                    && digest(&v.content) == *sha256
                {
                    v.approved = Some((rec.created_by, rec.created_at));
                }
            }
            Entry::AuthorityNotified {
                at,
                reference,
                version: Some(version),
                ..
            } if kind == NoticeKind::Authority => {
                if let Some(v) = out.iter_mut().find(|v| v.number == *version) {
                    v.submitted = Some((*at, reference.clone()));
                }
            }
            _ => {}
        }
    }
    out
}

/// The number the next saved version gets.
#[must_use]
pub fn next_number(versions: &[Version]) -> u32 {
    versions.iter().map(|v| v.number).max().unwrap_or(0) + 1
}

/// The authority's reference from the first submission that has one: follow-ups name it.
#[must_use]
pub fn authority_reference(entries: &[(CaseEntryRecord, Entry)]) -> Option<String> {
    entries.iter().find_map(|(_, e)| match e {
        Entry::AuthorityNotified {
            reference: Some(r), ..
        } if !r.is_empty() => Some(r.clone()),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(kind: &str, secs: i64) -> CaseEntryRecord {
        CaseEntryRecord {
            id: Uuid::now_v7(),
            case_id: Uuid::nil(),
            kind: kind.into(),
            created_at: Timestamp::from_second(1_800_000_000 + secs).unwrap(),
            created_by: Some(Uuid::nil()),
            body: vec![],
        }
    }

    #[test]
    fn an_approval_binds_the_content_it_was_given_for() {
        let v1 = serde_json::json!({"field_3": "a"});
        let entries = vec![
            (
                rec("notice_version", 1),
                Entry::NoticeVersion {
                    notice: NoticeKind::Authority,
                    version: 1,
                    content: v1.clone(),
                },
            ),
            (
                rec("notice_approved", 2),
                Entry::NoticeApproved {
                    notice: NoticeKind::Authority,
                    version: 1,
                    sha256: digest(&v1),
                },
            ),
            (
                rec("notice_version", 3),
                Entry::NoticeVersion {
                    notice: NoticeKind::Authority,
                    version: 2,
                    content: serde_json::json!({"field_3": "b"}),
                },
            ),
            // An approval naming version 2 with another content's digest approves nothing.
            (
                rec("notice_approved", 4),
                Entry::NoticeApproved {
                    notice: NoticeKind::Authority,
                    version: 2,
                    sha256: digest(&v1),
                },
            ),
            (
                rec("authority_notified", 5),
                Entry::AuthorityNotified {
                    at: Timestamp::from_second(1_800_000_005).unwrap(),
                    delay_reasons: None,
                    reference: Some("TSV/1/2026".into()),
                    version: Some(1),
                },
            ),
        ];
        let vs = versions(NoticeKind::Authority, &entries);
        assert_eq!(vs.len(), 2);
        assert!(vs[0].approved.is_some());
        assert!(vs[1].approved.is_none());
        assert_eq!(
            vs[0].submitted.as_ref().unwrap().1.as_deref(),
            Some("TSV/1/2026")
        );
        assert_eq!(next_number(&vs), 3);
        assert!(versions(NoticeKind::Public, &entries).is_empty());
        assert_eq!(authority_reference(&entries).as_deref(), Some("TSV/1/2026"));
    }
}
