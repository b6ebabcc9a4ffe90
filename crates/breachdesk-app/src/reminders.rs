//! Deadline reminders: at the configured points after the awareness time (default 24, 48 and
//! 64 hours) the DPOs of the organisation and the handlers assigned to the case get an e-mail,
//! once per point. Mail names the case reference, the time left and a link; never its content.

use std::collections::BTreeMap;

use breachdesk_core::audit::AuditEvent;
use breachdesk_core::case::CaseStatus;
use breachdesk_core::deadline;
use breachdesk_core::ports::{CaseFilter, CaseRecord, MailError, OutgoingMail, StoreError};
use breachdesk_core::report::Language;
use breachdesk_core::user::Role;

use crate::App;

/// What one round of reminders did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReminderRound {
    /// Mails handed to the SMTP server.
    pub sent: usize,
    /// Mails the server refused or could not take.
    pub failed: usize,
}

fn waits_for_notification(case: &CaseRecord) -> bool {
    case.awareness_at.is_some()
        && case.notified_at.is_none()
        && case.notification_required != Some(false)
        && case.merged_into.is_none()
        && !matches!(
            case.status,
            CaseStatus::Closed | CaseStatus::Unfounded | CaseStatus::Notified
        )
}

impl App {
    /// Sends the reminders that are due now. When several points are due at once (the server
    /// was down), one mail names the latest and all are recorded. If no mail of a point could
    /// be delivered, the point stays due and the next round tries again.
    pub async fn send_due_reminders(&self) -> Result<ReminderRound, StoreError> {
        let mut round = ReminderRound::default();
        let Some(mailer) = self.0.mail.mailer.clone() else {
            return Ok(round);
        };
        let store = &self.0.store;
        let now = self.now();
        let orgs: Vec<_> = store.organisations().await?.iter().map(|o| o.id).collect();
        let cases = store.find_cases(&orgs, &CaseFilter::default()).await?;
        for case in cases.iter().filter(|c| waits_for_notification(c)) {
            let Some(awareness) = case.awareness_at else {
                continue;
            };
            let sent = store.reminders_sent(case.id).await?;
            let due = self.0.mail.reminders.due(awareness, now, &sent);
            let Some(&latest) = due.iter().max() else {
                continue;
            };
            // Claimed before it is sent: with several servers on one database only the one
            // whose claim succeeds sends (at most once; a crash between claim and send loses
            // that reminder, and the next point still comes).
            if !store.mark_reminder_sent(case.id, latest, now).await? {
                continue;
            }
            for hours in due.iter().filter(|h| **h != latest) {
                store.mark_reminder_sent(case.id, *hours, now).await?;
            }
            // The DPOs and the assigned handlers, each once.
            let mut recipients: BTreeMap<String, Language> = BTreeMap::new();
            for m in store.members(&[case.org_id]).await? {
                if m.role == Role::Dpo || case.assignees.contains(&m.user_id) {
                    let lang = store
                        .user_auth_by_id(m.user_id)
                        .await?
                        .filter(|u| !u.disabled)
                        .map(|u| u.language);
                    if let Some(lang) = lang {
                        recipients.insert(m.email, lang);
                    }
                }
            }
            let left = deadline::due_at(awareness).duration_since(now);
            let (mut delivered, mut failed) = (0, 0);
            for (email, lang) in &recipients {
                let mail = self.reminder_mail(case, latest, left, email, *lang);
                match mailer.send(&mail).await {
                    Ok(()) => delivered += 1,
                    Err(e) => {
                        failed += 1;
                        let kind = match e {
                            MailError::Invalid(_) => "invalid",
                            MailError::Transport(_) => "transport",
                        };
                        // The error text may carry the address: only its kind is logged.
                        tracing::warn!(case_id = %case.id, kind, "reminder not delivered");
                    }
                }
            }
            round.sent += delivered;
            round.failed += failed;
            if delivered == 0 && failed > 0 {
                // Nobody got it: taken back, so that the next round tries again.
                for hours in &due {
                    store.unmark_reminder(case.id, *hours).await?;
                }
                continue;
            }
            store
                .append_audit(
                    &[AuditEvent {
                        actor: None,
                        org_id: Some(case.org_id),
                        case_id: Some(case.id),
                        action: "case.reminder",
                        detail: format!("{latest}h to {delivered}"),
                    }],
                    now,
                )
                .await?;
            tracing::info!(case_id = %case.id, hours = latest, delivered, "deadline reminder sent");
        }
        Ok(round)
    }

    fn reminder_mail(
        &self,
        case: &CaseRecord,
        hours: i64,
        left: jiff::SignedDuration,
        to: &str,
        lang: Language,
    ) -> OutgoingMail {
        let i18n = &*self.0.texts;
        let hours = hours.to_string();
        let (left_id, left_text) = if left.is_negative() {
            ("reminder-overdue", deadline::human(-left))
        } else {
            ("reminder-left", deadline::human(left))
        };
        let left = i18n.message(lang, left_id, &[("time", &left_text)]);
        let link = format!("{}/desk/cases/{}", self.0.mail.public_url, case.id);
        let args = [
            ("reference", case.reference.as_str()),
            ("hours", hours.as_str()),
            ("left", left.as_str()),
            ("link", link.as_str()),
        ];
        OutgoingMail {
            to: to.to_owned(),
            subject: i18n.message(lang, "reminder-subject", &args),
            body: i18n.message(lang, "reminder-body", &args),
            ..OutgoingMail::default()
        }
    }
}
