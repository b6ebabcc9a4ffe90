//! New-report alerts (issue 22): every new report — form, API, e-mail, desk — mails the
//! organisation's DPOs and security managers at once, so that the awareness decision is made
//! within hours and the 72-hour clock does not wait for someone to look. The mail names the
//! case reference, the kind of report, when it came and a link; never its content.
//!
//! A report's alert is claimed in the store before it is sent (with several servers only one
//! sends); if nobody could be reached the claim is given back and the next round tries again.
//! `serve` runs a round as soon as a report is stored and on every scheduler tick.
//!
//! A reporter who gave an e-mail address is told when a handler asks them a question — that a
//! question waits on the follow-up page, never the question itself.

use std::collections::BTreeMap;

use breachdesk_core::audit::AuditEvent;
use breachdesk_core::ports::{CaseRecord, Keyring, MailError, OutgoingMail, StoreError};
use breachdesk_core::report::Language;
use breachdesk_core::user::Role;
use uuid::Uuid;

use crate::App;
use crate::reminders::ReminderRound;

impl App {
    /// Sends the alerts of every report not alerted yet.
    ///
    /// # Errors
    /// When the store fails; a mail that is not delivered is counted, not an error.
    pub async fn send_report_alerts(&self) -> Result<ReminderRound, StoreError> {
        let mut round = ReminderRound::default();
        let Some(mailer) = self.0.mail.mailer.clone() else {
            return Ok(round);
        };
        let store = &self.0.store;
        let now = self.now();
        for (report_id, case_id) in store.unalerted_reports().await? {
            let Some(case) = store.case_by_id(case_id).await? else {
                continue;
            };
            let Some(report) = store
                .reports_of_case(case_id)
                .await?
                .into_iter()
                .find(|r| r.id == report_id)
            else {
                continue;
            };
            // The DPOs and security managers of the organisation, each once, in their language.
            let mut recipients: BTreeMap<String, Language> = BTreeMap::new();
            for m in store.members(&[case.org_id]).await? {
                if matches!(m.role, Role::Dpo | Role::SecurityManager)
                    && let Some(user) = store
                        .user_auth_by_id(m.user_id)
                        .await?
                        .filter(|u| !u.disabled)
                {
                    recipients.insert(m.email, user.language);
                }
            }
            if recipients.is_empty() {
                // Stays due: it goes once the organisation has a DPO or a security manager.
                tracing::warn!(case_id = %case.id, "new report: the organisation has no DPO or security manager to alert");
                continue;
            }
            // Claimed only now, just before sending (with several servers only the one whose
            // claim succeeds sends; a crash between claim and send loses that alert, as with
            // reminders).
            if !store.claim_report_alert(report_id, case_id, now).await? {
                continue;
            }
            let (mut delivered, mut failed) = (0, 0);
            for (email, lang) in &recipients {
                let mail =
                    self.alert_mail(&case, report.kind.as_str(), report.created_at, email, *lang);
                match mailer.send(&mail).await {
                    Ok(()) => delivered += 1,
                    Err(e) => {
                        failed += 1;
                        let kind = match e {
                            MailError::Invalid(_) => "invalid",
                            MailError::Transport(_) => "transport",
                        };
                        tracing::warn!(case_id = %case.id, kind, "new-report alert not delivered");
                    }
                }
            }
            round.sent += delivered;
            round.failed += failed;
            if delivered == 0 {
                store.unclaim_report_alert(report_id).await?;
                continue;
            }
            store
                .append_audit(&[alert_event(&case, report_id, delivered)], now)
                .await?;
            tracing::info!(case_id = %case.id, %report_id, delivered, "new-report alert sent");
        }
        Ok(round)
    }

    fn alert_mail(
        &self,
        case: &CaseRecord,
        kind: &str,
        at: jiff::Timestamp,
        to: &str,
        lang: Language,
    ) -> OutgoingMail {
        let i18n = &*self.0.texts;
        let kind = i18n.message(lang, &format!("alert-kind-{kind}"), &[]);
        let at = at.strftime("%Y-%m-%d %H:%M UTC").to_string();
        let link = format!("{}/desk/cases/{}", self.0.mail.public_url, case.id);
        let args = [
            ("reference", case.reference.as_str()),
            ("kind", kind.as_str()),
            ("time", at.as_str()),
            ("link", link.as_str()),
        ];
        OutgoingMail {
            to: to.to_owned(),
            subject: i18n.message(lang, "alert-subject", &args),
            body: i18n.message(lang, "alert-body", &args),
            ..OutgoingMail::default()
        }
    }
}

impl App {
    /// Tells the reporter of `report_id` (of the case or a duplicate merged into it), if they
    /// gave an e-mail address, that a question waits for them on the follow-up page. Best
    /// effort: the question stands on the page whether or not the mail goes; the outcome is
    /// audited as `case.question_mailed` (to 1 or 0), never logged with the address.
    ///
    /// # Errors
    /// When the store fails or the report's contact does not open.
    pub(crate) async fn tell_reporter_of_question(
        &self,
        case: &CaseRecord,
        report_id: Uuid,
    ) -> Result<(), crate::AppError> {
        let Some(mailer) = self.0.mail.mailer.clone() else {
            return Ok(());
        };
        let store = &self.0.store;
        let mut found = None;
        for holder in std::iter::once(case.clone()).chain(self.duplicates_of(case).await?) {
            if let Some(r) = store
                .reports_of_case(holder.id)
                .await?
                .into_iter()
                .find(|r| r.id == report_id)
            {
                found = Some((holder, r));
                break;
            }
        }
        let Some((holder, report)) = found else {
            return Ok(());
        };
        let key = self
            .0
            .keyring
            .unwrap_case_key(holder.id, &holder.wrapped_key)?;
        let opened = breachdesk_core::intake::open_report(&key, &report)?;
        let Some(email) = opened.contact.and_then(|c| c.email) else {
            return Ok(());
        };
        let i18n = &*self.0.texts;
        let link = format!(
            "{}/follow-up?lang={}",
            self.0.mail.public_url,
            report.language.as_str()
        );
        let args = [
            ("reference", case.reference.as_str()),
            ("link", link.as_str()),
        ];
        let mail = OutgoingMail {
            to: email,
            subject: i18n.message(report.language, "question-mail-subject", &args),
            // An e-mailed report has no receipt code: its reporter answers by e-mail.
            body: i18n.message(
                report.language,
                if report.channel == breachdesk_core::report::Channel::Email {
                    "question-mail-body-email"
                } else {
                    "question-mail-body"
                },
                &args,
            ),
            ..OutgoingMail::default()
        };
        let delivered = if mailer.send(&mail).await.is_ok() {
            1
        } else {
            tracing::warn!(case_id = %case.id, "the reporter could not be told of a question");
            0
        };
        store
            .append_audit(
                &[AuditEvent {
                    actor: None,
                    org_id: Some(case.org_id),
                    case_id: Some(case.id),
                    action: "case.question_mailed",
                    detail: format!("report {report_id} to {delivered}"),
                }],
                self.now(),
            )
            .await?;
        Ok(())
    }
}

fn alert_event(case: &CaseRecord, report_id: Uuid, delivered: usize) -> AuditEvent {
    AuditEvent {
        actor: None,
        org_id: Some(case.org_id),
        case_id: Some(case.id),
        action: "case.alerted",
        detail: format!("report {report_id} to {delivered}"),
    }
}
