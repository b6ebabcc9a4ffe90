//! Notices' use cases that the pages need beside `handling` (moved from the web crate, issue
//! 19): the organisation's own wording (Fluent overrides, saved by its DPO with an audit entry)
//! and the published public notice — only the newest version the DPO approved for publication
//! ever leaves, without sign-in.

use breachdesk_core::audit::AuditEvent;
use breachdesk_core::investigation::open_entry;
use breachdesk_core::notice::{self, NoticeKind, Version};
use breachdesk_core::org::Organisation;
use breachdesk_core::ports::{Keyring, OrgTemplate};
use breachdesk_notify::i18n::Overrides;
use uuid::Uuid;

use crate::{App, AppError};

/// A published public notice: its newest approved version, and when the first was approved
/// (the publication date; the newest approval is the update date).
#[derive(Debug, Clone)]
pub struct Published {
    pub newest: Version,
    pub first: jiff::Timestamp,
}

impl App {
    /// An organisation by id.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn organisation(&self, id: Uuid) -> Result<Option<Organisation>, AppError> {
        Ok(self
            .0
            .store
            .organisations()
            .await?
            .into_iter()
            .find(|o| o.id == id))
    }

    /// An organisation by slug (`None` for an implausible or unknown one).
    ///
    /// # Errors
    /// When the store fails.
    pub async fn organisation_by_slug(&self, slug: &str) -> Result<Option<Organisation>, AppError> {
        match self.org(slug).await {
            Ok(o) => Ok(Some(o)),
            Err(AppError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The organisation's own wording as saved, per language.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn org_templates(&self, org_id: Uuid) -> Result<Vec<OrgTemplate>, AppError> {
        Ok(self.0.store.org_templates(org_id).await?)
    }

    /// The organisation's overrides (they were checked when saved; none when unreadable).
    pub async fn overrides_of(&self, org_id: Uuid) -> Overrides {
        let sources = self.0.store.org_templates(org_id).await.unwrap_or_default();
        Overrides::parse(&sources).unwrap_or_default()
    }

    /// Saves the organisation's wording (checked by the caller) with its audit entry, by `actor`.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn save_org_templates(
        &self,
        org_id: Uuid,
        actor: Uuid,
        sources: &[OrgTemplate],
    ) -> Result<(), AppError> {
        // The languages whose wording the organisation now has (an empty text removes one).
        let audit = AuditEvent {
            actor: Some(actor),
            org_id: Some(org_id),
            case_id: None,
            action: "org.templates",
            detail: sources
                .iter()
                .filter(|t| !t.ftl.trim().is_empty())
                .map(|t| t.language.as_str())
                .collect::<Vec<_>>()
                .join(","),
        };
        Ok(self
            .0
            .store
            .set_org_templates(org_id, sources, &audit, self.now())
            .await?)
    }

    /// The newest approved public notice of a case, by organisation slug and case reference.
    ///
    /// # Errors
    /// When the store fails or a notice entry does not open.
    pub async fn published_notice(
        &self,
        slug: &str,
        reference: &str,
    ) -> Result<Option<Published>, AppError> {
        let Some(org) = self.organisation_by_slug(slug).await? else {
            return Ok(None);
        };
        let Some(case) = self.0.store.case_by_reference(org.id, reference).await? else {
            return Ok(None);
        };
        self.published_of(&case).await
    }

    /// The organisation's published public notices, newest case first (at most 100): what its
    /// index page lists. Public like the notices themselves. One query finds the cases with an
    /// approval; only their notice entries are opened.
    ///
    /// # Errors
    /// When the store fails or a notice entry does not open.
    pub async fn published_notices(
        &self,
        slug: &str,
    ) -> Result<Option<(Organisation, Vec<(String, Published)>)>, AppError> {
        let Some(org) = self.organisation_by_slug(slug).await? else {
            return Ok(None);
        };
        let mut out = Vec::new();
        for case in self
            .0
            .store
            .cases_with_entry(org.id, "notice_approved", 100)
            .await?
        {
            if let Some(p) = self.published_of(&case).await? {
                out.push((case.reference.clone(), p));
            }
        }
        Ok(Some((org, out)))
    }

    async fn published_of(
        &self,
        case: &breachdesk_core::ports::CaseRecord,
    ) -> Result<Option<Published>, AppError> {
        if case.destroyed_at.is_some() {
            return Ok(None);
        }
        let key = self.0.keyring.unwrap_case_key(case.id, &case.wrapped_key)?;
        let mut entries = Vec::new();
        for e in self.0.store.case_entries(case.id).await? {
            if e.kind == "notice_version" || e.kind == "notice_approved" {
                let opened = open_entry(&key, &e)?;
                entries.push((e, opened));
            }
        }
        let versions = notice::versions(NoticeKind::Public, &entries);
        let first = versions.iter().find_map(|v| v.approved.map(|(_, at)| at));
        Ok(versions
            .into_iter()
            .rev()
            .find(|v| v.approved.is_some())
            .zip(first)
            .map(|(newest, first)| Published { newest, first }))
    }
}
