//! The public notice's use cases shared by the desk and the JSON API: the draft from the case's
//! facts, saving a version, and the DPO's approval (publication), refused while any part is
//! blank or written in another language than its version's.

use breachdesk_core::investigation::Entry;
use breachdesk_core::notice::{self, NoticeKind};
use breachdesk_core::report::Language;
use breachdesk_notify::public::{self, LANGUAGES, PARTS, PublicNotice};
use uuid::Uuid;

use crate::handling::{Access, OpenedCase};
use crate::{App, AppError};

/// Why a version cannot be published: a part left blank, or written in another language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeProblem {
    Blank {
        lang: Language,
        part: &'static str,
    },
    WrongLanguage {
        lang: Language,
        part: &'static str,
        found: Language,
    },
}

/// Every problem of a version, blank parts first.
#[must_use]
pub fn problems(notice: &PublicNotice) -> Vec<NoticeProblem> {
    let mut out: Vec<NoticeProblem> = public::missing(notice)
        .into_iter()
        .map(|(lang, part)| NoticeProblem::Blank { lang, part })
        .collect();
    out.extend(
        public::wrong_language(notice)
            .into_iter()
            .map(|(lang, part, found)| NoticeProblem::WrongLanguage { lang, part, found }),
    );
    out
}

/// A saved version's content as the notice it is.
#[must_use]
pub fn notice_of(v: &notice::Version) -> PublicNotice {
    serde_json::from_value(v.content.clone()).unwrap_or_default()
}

impl App {
    /// The draft of the public notice from the case's facts, in the organisation's wording,
    /// dates in `zone`.
    pub async fn public_notice_draft(
        &self,
        access: &Access,
        opened: &OpenedCase,
        zone: &jiff::tz::TimeZone,
    ) -> PublicNotice {
        let org = self.organisation(access.case.org_id).await.ok().flatten();
        public::draft(
            &crate::notice_facts::public_facts(access, opened, org.as_ref(), zone),
            &self.overrides_of(access.case.org_id).await,
        )
    }

    /// Saves `notice` as the next version; only the notice's own parts are kept, each within
    /// the record's limit. Returns the version's number.
    ///
    /// # Errors
    /// `Forbidden` without the right to edit the investigation; `Invalid` naming a part too
    /// long (`fi_what_happened`) or not a part of the notice.
    pub async fn save_public_version(
        &self,
        access: &Access,
        opened: &OpenedCase,
        actor: Uuid,
        notice: &PublicNotice,
    ) -> Result<u32, AppError> {
        use breachdesk_core::errors::{FieldError, FieldErrors};
        if !access.may(breachdesk_core::workflow::Action::EditInvestigation) {
            return Err(AppError::Forbidden);
        }
        let mut errors = FieldErrors::new();
        let mut kept = PublicNotice::default();
        for lang in LANGUAGES {
            for (part, text) in notice.parts(lang) {
                let field = format!("{}_{part}", lang.as_str());
                if !PARTS.contains(&part.as_str()) {
                    errors.add(&field, FieldError::UnknownField);
                } else if text.chars().count() > breachdesk_core::investigation::MAX_TEXT {
                    errors.add(
                        &field,
                        FieldError::TooLong {
                            max: breachdesk_core::investigation::MAX_TEXT,
                        },
                    );
                } else {
                    kept.parts_mut(lang)
                        .insert(part.clone(), text.trim().to_owned());
                }
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let number = notice::next_number(&notice::versions(NoticeKind::Public, &opened.entries));
        let entry = Entry::NoticeVersion {
            notice: NoticeKind::Public,
            version: number,
            content: serde_json::to_value(&kept).unwrap_or_default(),
        };
        self.add_entry(access, actor, &entry).await?;
        Ok(number)
    }

    /// The DPO approves version `number` exactly as it stands: it is published.
    ///
    /// # Errors
    /// `Forbidden` for anyone who may not approve notices; `NotFound` for no such version;
    /// [`crate::Refusal::NoticeNotReady`] with every problem while a part is blank or in
    /// another language, or when the version is already approved.
    pub async fn approve_public_version(
        &self,
        access: &Access,
        opened: &OpenedCase,
        actor: Uuid,
        number: u32,
    ) -> Result<(), AppError> {
        if !access.may(breachdesk_core::workflow::Action::ApproveNotice) {
            return Err(AppError::Forbidden);
        }
        let versions = notice::versions(NoticeKind::Public, &opened.entries);
        let v = versions
            .iter()
            .find(|v| v.number == number)
            .ok_or(AppError::NotFound)?;
        let found = problems(&notice_of(v));
        if v.approved.is_some() || !found.is_empty() {
            return Err(crate::Refusal::NoticeNotReady(found).into());
        }
        let entry = Entry::NoticeApproved {
            notice: NoticeKind::Public,
            version: number,
            sha256: notice::digest(&v.content),
        };
        self.approve_notice(access, actor, &entry).await
    }
}
