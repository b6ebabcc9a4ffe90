//! The notification to the supervisory authority's use cases shared by the desk and the JSON
//! API: the draft from the case, saving a version, and the DPO's approval — refused while the
//! EDPB template finds a problem (each named by its field) or the version is approved already.

use breachdesk_core::investigation::Entry;
use breachdesk_core::notice::{self, NoticeKind};
use breachdesk_notify::edpb::{self, Problem};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::handling::{Access, OpenedCase};
use crate::notice_facts::Author;
use crate::{App, AppError, Refusal};

/// What keeps a notification from approval at `now` (the reasons for a delay are needed once
/// the 72 hours have passed).
#[must_use]
pub fn problems(access: &Access, doc: &Map<String, Value>, now: jiff::Timestamp) -> Vec<Problem> {
    edpb::template().check(doc, edpb::is_late(access.case.awareness_at, now))
}

impl App {
    /// The draft of the notification from the case, written by `author`, dates in `zone`.
    pub async fn authority_draft(
        &self,
        access: &Access,
        opened: &OpenedCase,
        author: &Author,
        zone: jiff::tz::TimeZone,
    ) -> Map<String, Value> {
        let org = self.organisation(access.case.org_id).await.ok().flatten();
        let facts = crate::notice_facts::case_facts(access, opened, org.as_ref(), author, zone);
        breachdesk_notify::authority::draft(&facts, self.now())
    }

    /// Saves `doc` (the template's fields) as the next version; drafts may be incomplete.
    ///
    /// # Errors
    /// `Forbidden` without the right to edit the investigation.
    pub async fn save_authority_version(
        &self,
        access: &Access,
        opened: &OpenedCase,
        actor: Uuid,
        doc: Map<String, Value>,
    ) -> Result<u32, AppError> {
        let number = notice::next_number(&notice::versions(NoticeKind::Authority, &opened.entries));
        let entry = Entry::NoticeVersion {
            notice: NoticeKind::Authority,
            version: number,
            content: Value::Object(doc),
        };
        self.add_entry(access, actor, &entry).await?;
        Ok(number)
    }

    /// The DPO approves version `number` exactly as it stands.
    ///
    /// # Errors
    /// `Forbidden` for anyone who may not approve notices; `NotFound` for no such version;
    /// [`Refusal::NotificationNotReady`] naming each field with a problem, or none when the
    /// version is approved already.
    pub async fn approve_authority_version(
        &self,
        access: &Access,
        opened: &OpenedCase,
        actor: Uuid,
        number: u32,
    ) -> Result<(), AppError> {
        if !access.may(breachdesk_core::workflow::Action::ApproveNotice) {
            return Err(AppError::Forbidden);
        }
        let versions = notice::versions(NoticeKind::Authority, &opened.entries);
        let v = versions
            .iter()
            .find(|v| v.number == number)
            .ok_or(AppError::NotFound)?;
        let doc = v.content.as_object().cloned().unwrap_or_default();
        let found = problems(access, &doc, self.now());
        if v.approved.is_some() || !found.is_empty() {
            return Err(Refusal::NotificationNotReady(found).into());
        }
        let entry = Entry::NoticeApproved {
            notice: NoticeKind::Authority,
            version: number,
            sha256: notice::digest(&v.content),
        };
        self.approve_notice(access, actor, &entry).await
    }
}
