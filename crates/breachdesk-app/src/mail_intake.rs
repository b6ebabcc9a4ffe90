//! Mailbox intake (issue 22): a message read from one of an organisation's reporting mailboxes
//! becomes a report — a new case, or a supplement to the case whose thread it continues — stored
//! sealed with its attachments in one transaction before the mailbox reader moves it away. The
//! message's identity (a digest of its Message-ID) is stored in that transaction too, so a
//! message read twice (a crash before the move) or sent to both reporting addresses is one
//! report.
//!
//! The sender of a new report gets one acknowledgement (RFC 3834: never to automatic mail), in
//! the language of the message, with the case reference and nothing of the content; when the
//! message carried protected identifiers the acknowledgement says, without quoting them, that
//! such data do not belong in unprotected e-mail, and how to send them. The acknowledgement is
//! claimed in the store before it is sent and given back when it cannot be sent, and the
//! message then stays in the mailbox, so the next reading sends it.
//!
//! An e-mailed report has no receipt code (the reporter follows up by replying); its receipt
//! hash is one that no code verifies.

use breachdesk_core::audit::AuditEvent;
use breachdesk_core::intake::{IssuedReceipt, seal_intake, seal_supplement};
use breachdesk_core::investigation::{seal_attachment, seal_entry};
use breachdesk_core::org::Organisation;
use breachdesk_core::ports::{
    AutoReply, CaseRecord, Conflict, Keyring, MailRecord, MailStored, MailTarget, NewAttachment,
    NewCaseEntry, NewMail, OutgoingMail, StoreError,
};
use breachdesk_core::receipt::ReceiptCode;
use breachdesk_core::report::{
    Channel, Contact, EmailFacts, Language, ReportBody, SupplementBody, ValidReport,
};
use breachdesk_inbox::message::message_key;
use breachdesk_inbox::{Automatic, Inbound};
use uuid::Uuid;

use crate::intake::reference_year;
use crate::{App, AppError};

/// A receipt hash no code verifies (not an Argon2 PHC string): e-mailed reports have no code.
const NO_RECEIPT: &str = "!e-mail";

/// The most a single attachment of a message may weigh; larger ones are named as refused.
const MAX_ATTACHMENT: usize = 25 * 1024 * 1024;

/// How one mailbox's messages are answered.
#[derive(Debug, Clone, Default)]
pub struct MailIntakeSettings {
    /// The reporting address itself (`Reply-To` of acknowledgements, so that a reply comes back
    /// to the mailbox and threads into the case).
    pub address: Option<String>,
    /// The organisation's instruction for sending protected data safely; by default, the
    /// report form's address.
    pub secure_instruction: Option<String>,
}

/// What a message became.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailOutcome {
    NewCase,
    Supplement,
    /// Stored before: nothing written.
    Seen,
}

/// What became of the acknowledgement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acknowledgement {
    Sent,
    /// Not answered: automatic mail, a malformed message, no usable address, or a message that
    /// continues a thread.
    NotAnswered,
    /// Sent (claimed) before.
    AlreadySent,
    /// No SMTP server is configured.
    NoMailer,
    /// The SMTP server did not take it: the message should stay in the mailbox for another try.
    Failed,
}

/// The result of taking one message.
#[derive(Debug, Clone)]
pub struct MailIntake {
    pub case_id: Uuid,
    pub reference: String,
    pub outcome: MailOutcome,
    pub acknowledgement: Acknowledgement,
}

impl MailIntake {
    /// Whether the mailbox reader may move the message away now.
    #[must_use]
    pub fn settled(&self) -> bool {
        self.acknowledgement != Acknowledgement::Failed
    }
}

impl App {
    /// Takes one raw message read from a reporting mailbox of `org`.
    ///
    /// # Errors
    /// When the store or the keyring fails: nothing is stored and the message stays.
    pub async fn intake_mail(
        &self,
        org: &Organisation,
        raw: Vec<u8>,
        settings: &MailIntakeSettings,
    ) -> Result<MailIntake, AppError> {
        let msg = Inbound::read(raw);
        // A message stored before (read again after a crash or an unsent acknowledgement, or
        // delivered to the other address too) is neither threaded nor sealed again: sealing a
        // new case would make a case key in the vault for nothing.
        let (record, outcome) = match self.0.store.mail_message(org.id, &msg.key).await? {
            Some(seen) => Self::seen(seen),
            None => self.store_mail(org, &msg).await?,
        };
        let acknowledgement = self.acknowledge(org, &msg, &record, settings).await?;
        Ok(MailIntake {
            case_id: record.case_id,
            reference: record.reference,
            outcome,
            acknowledgement,
        })
    }

    /// Seals the message as a new case or a supplement and stores it; another reading may have
    /// stored it meanwhile (another server, the other mailbox).
    async fn store_mail(
        &self,
        org: &Organisation,
        msg: &Inbound,
    ) -> Result<(MailRecord, MailOutcome), AppError> {
        let now = self.now();
        let case = self.thread_of(org, msg).await?;
        let mut attempts = 0;
        let (mail, stored) = loop {
            let mail = match &case {
                Some((case, report_id)) => self.seal_reply(org, msg, case, *report_id, now)?,
                None => self.seal_new_report(org, msg, now)?,
            };
            match self.0.store.insert_mail(&mail).await {
                Ok(stored) => break (mail, stored),
                // 10^8 locators: a collision is rare but possible; seal it again with another.
                Err(StoreError::Conflict(Conflict::ReceiptLocator)) if attempts < 5 => {
                    attempts += 1;
                }
                Err(e) => return Err(e.into()),
            }
        };
        Ok(match stored {
            MailStored::New(r) => {
                let outcome = if r.new_case {
                    // Its alert to the DPO and the security manager goes out now.
                    self.0.report_stored.notify_one();
                    MailOutcome::NewCase
                } else {
                    MailOutcome::Supplement
                };
                tracing::info!(
                    case_id = %r.case_id,
                    outcome = ?outcome,
                    automatic = msg.automatic.map(Automatic::as_str),
                    malformed = msg.malformed,
                    attachments = mail.attachments.len(),
                    "e-mail report received"
                );
                (r, outcome)
            }
            MailStored::Seen(r) => Self::seen(r),
        })
    }

    fn seen(record: MailRecord) -> (MailRecord, MailOutcome) {
        tracing::info!(case_id = %record.case_id, "e-mail read again: stored before");
        (record, MailOutcome::Seen)
    }

    /// The case a message continues: one of the messages it answers (or the acknowledgement of
    /// one), else a case reference of the organisation in its subject; a merged case leads to
    /// the case it was merged into. With the report a supplement is added to.
    async fn thread_of(
        &self,
        org: &Organisation,
        msg: &Inbound,
    ) -> Result<Option<(CaseRecord, Uuid)>, AppError> {
        let store = &self.0.store;
        let keys: Vec<String> = msg.thread.iter().map(|id| message_key(id)).collect();
        let mut case = match store.mail_thread(org.id, &keys).await? {
            Some(id) => store.case_by_id(id).await?,
            None => None,
        };
        if case.is_none() {
            // A reference in the subject joins the case only when the sender is one of its
            // reporters: anyone else mentioning a case (a second person reporting the same
            // incident, a forwarded alert) makes a report of their own, alerted as such.
            for token in reference_candidates(&msg.subject) {
                if let Some(found) = store.case_by_reference(org.id, token).await?
                    && self.sent_by_a_reporter(&found, msg).await?
                {
                    case = Some(found);
                    break;
                }
            }
        }
        let mut hops = 0;
        while let Some(c) = &case
            && let Some(into) = c.merged_into
            && hops < 8
        {
            case = store.case_by_id(into).await?;
            hops += 1;
        }
        let Some(case) = case.filter(|c| c.org_id == org.id && c.destroyed_at.is_none()) else {
            return Ok(None);
        };
        let first = store.reports_of_case(case.id).await?.into_iter().next();
        Ok(first.map(|r| (case, r.id)))
    }

    /// Whether the message comes from the e-mail address of one of the case's reporters.
    async fn sent_by_a_reporter(&self, case: &CaseRecord, msg: &Inbound) -> Result<bool, AppError> {
        let Some(from) = msg.from.as_ref().map(|a| a.addr.to_lowercase()) else {
            return Ok(false);
        };
        if case.destroyed_at.is_some() {
            return Ok(false);
        }
        let key = self.0.keyring.unwrap_case_key(case.id, &case.wrapped_key)?;
        for report in self.0.store.reports_of_case(case.id).await? {
            let opened = breachdesk_core::intake::open_report(&key, &report)?;
            if opened
                .contact
                .and_then(|c| c.email)
                .is_some_and(|e| e.to_lowercase() == from)
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn seal_new_report(
        &self,
        org: &Organisation,
        msg: &Inbound,
        now: jiff::Timestamp,
    ) -> Result<NewMail, AppError> {
        let (accepted, refused) = sort_parts(msg);
        let report = ValidReport {
            body: ReportBody::Email(EmailFacts {
                mail_from: msg.from.as_ref().map_or_else(String::new, |a| {
                    a.name
                        .as_ref()
                        .map_or_else(|| a.addr.clone(), |n| format!("{n} <{}>", a.addr))
                }),
                mail_to: msg.to.join(", "),
                mail_subject: msg.subject.clone(),
                mail_sent_at: msg.date.map(|d| d.to_string()),
                mail_text: msg.text.clone(),
                mail_refused: (!refused.is_empty()).then(|| refused.join("; ")),
                mail_flag: flag(msg),
            }),
            contact: msg.from.as_ref().map(|a| Contact {
                name: a.name.clone(),
                phone: None,
                email: msg.reply_address().map(str::to_owned),
            }),
            language: msg.language,
        };
        let mut sealed = seal_intake(&*self.0.keyring, org.id, &report, no_receipt(), now)?;
        sealed.report.channel = Channel::Email;
        let key = self
            .0
            .keyring
            .unwrap_case_key(sealed.case.id, &sealed.case.wrapped_key)?;
        Ok(NewMail {
            org_id: org.id,
            key: msg.key.clone(),
            received_at: now,
            target: MailTarget::NewCase {
                case: sealed.case,
                report: sealed.report,
                year: reference_year(now),
            },
            attachments: seal_parts(&key, &accepted),
        })
    }

    fn seal_reply(
        &self,
        org: &Organisation,
        msg: &Inbound,
        case: &CaseRecord,
        report_id: Uuid,
        now: jiff::Timestamp,
    ) -> Result<NewMail, AppError> {
        let key = self.0.keyring.unwrap_case_key(case.id, &case.wrapped_key)?;
        let (accepted, refused) = sort_parts(msg);
        let attachments = seal_parts(&key, &accepted);
        let mut text = String::new();
        if let Some(f) = flag(msg) {
            text.push('[');
            text.push_str(&f);
            text.push_str("] ");
        }
        text.push_str(&msg.subject);
        text.push_str("\n\n");
        text.push_str(&msg.text);
        if !refused.is_empty() {
            text.push_str("\n\n[");
            text.push_str(&refused.join("; "));
            text.push(']');
        }
        let body = SupplementBody {
            text: text.trim().to_owned(),
            phase: None,
            answers: None,
        };
        Ok(NewMail {
            org_id: org.id,
            key: msg.key.clone(),
            received_at: now,
            target: MailTarget::Supplement {
                case_id: case.id,
                supplement: seal_supplement(&key, report_id, &body, now),
            },
            attachments,
        })
    }

    async fn acknowledge(
        &self,
        org: &Organisation,
        msg: &Inbound,
        record: &MailRecord,
        settings: &MailIntakeSettings,
    ) -> Result<Acknowledgement, AppError> {
        if !record.new_case {
            return Ok(Acknowledgement::NotAnswered);
        }
        let (Some(to), Some(original)) = (msg.reply_address(), msg.message_id.as_deref()) else {
            return Ok(Acknowledgement::NotAnswered);
        };
        if settings
            .address
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case(to))
        {
            // Mail from the reporting address itself: answering it would answer ourselves.
            return Ok(Acknowledgement::NotAnswered);
        }
        if record.acknowledged_at.is_some() {
            return Ok(Acknowledgement::AlreadySent);
        }
        let Some(mailer) = self.0.mail.mailer.clone() else {
            return Ok(Acknowledgement::NoMailer);
        };
        let host = self
            .0
            .mail
            .public_url
            .split("://")
            .nth(1)
            .and_then(|h| h.split(['/', ':']).next())
            .filter(|h| !h.is_empty())
            .unwrap_or("breachdesk.invalid");
        let message_id = format!("ack-{}@{host}", Uuid::new_v4());
        let store = &self.0.store;
        let now = self.now();
        let ack_key = message_key(&message_id);
        if !store
            .claim_mail_ack(org.id, &msg.key, &ack_key, now)
            .await?
        {
            return Ok(Acknowledgement::AlreadySent);
        }
        let mail = self.acknowledgement_mail(org, msg, record, settings, to, original, message_id);
        match mailer.send(&mail).await {
            Ok(()) => {
                store
                    .append_audit(
                        &[AuditEvent {
                            actor: None,
                            org_id: Some(org.id),
                            case_id: Some(record.case_id),
                            action: "report.acknowledged",
                            detail: format!("report={} by e-mail", record.report_id),
                        }],
                        now,
                    )
                    .await?;
                Ok(Acknowledgement::Sent)
            }
            Err(e) => {
                let kind = match e {
                    breachdesk_core::ports::MailError::Invalid(_) => "invalid",
                    breachdesk_core::ports::MailError::Transport(_) => "transport",
                };
                tracing::warn!(case_id = %record.case_id, kind, "acknowledgement of an e-mail report not sent");
                if kind == "invalid" {
                    // Sending again will not help: the message is settled without it.
                    return Ok(Acknowledgement::NotAnswered);
                }
                store.unclaim_mail_ack(org.id, &msg.key, &ack_key).await?;
                Ok(Acknowledgement::Failed)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn acknowledgement_mail(
        &self,
        org: &Organisation,
        msg: &Inbound,
        record: &MailRecord,
        settings: &MailIntakeSettings,
        to: &str,
        original: &str,
        message_id: String,
    ) -> OutgoingMail {
        let i18n = &*self.0.texts;
        let lang: Language = msg.language;
        let form = format!(
            "{}/report/{}?lang={}",
            self.0.mail.public_url,
            org.slug.as_str(),
            lang.as_str()
        );
        let args = [
            ("reference", record.reference.as_str()),
            ("organisation", org.name.as_str()),
        ];
        let mut body = i18n.message(lang, "mail-ack-body", &args);
        let protected = breachdesk_pii::find_protected(&format!("{}\n{}", msg.subject, msg.text));
        if !protected.is_empty() {
            let instruction = settings.secure_instruction.clone().unwrap_or_else(|| {
                i18n.message(lang, "mail-ack-instruction", &[("link", form.as_str())])
            });
            body.push_str("\n\n");
            body.push_str(&i18n.message(
                lang,
                "mail-ack-protected",
                &[("instruction", instruction.as_str())],
            ));
        }
        OutgoingMail {
            to: to.to_owned(),
            subject: i18n.message(lang, "mail-ack-subject", &args),
            body,
            reply_to: settings.address.clone(),
            auto_reply: Some(AutoReply {
                in_reply_to: original.to_owned(),
                message_id,
            }),
        }
    }
}

fn no_receipt() -> IssuedReceipt {
    IssuedReceipt {
        code: ReceiptCode::generate(),
        hash: NO_RECEIPT.to_owned(),
    }
}

/// What the message is if not a person's report.
fn flag(msg: &Inbound) -> Option<String> {
    if msg.malformed {
        Some("malformed".to_owned())
    } else {
        msg.automatic.map(|a| a.as_str().to_owned())
    }
}

/// Words of a subject shaped like a case reference (`PREFIX-2026-0001`).
fn reference_candidates(subject: &str) -> impl Iterator<Item = &str> {
    subject
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| {
            let parts: Vec<&str> = w.split('-').collect();
            parts.len() == 3
                && !parts[0].is_empty()
                && parts[1].len() == 4
                && parts[1].bytes().all(|b| b.is_ascii_digit())
                && !parts[2].is_empty()
                && parts[2].bytes().all(|b| b.is_ascii_digit())
        })
        .take(3)
}

/// A file accepted: its safe name, its type by content, its bytes.
type Accepted<'a> = (String, &'static str, &'a [u8]);

/// The message's files decided by content against the allow-list: the accepted ones with their
/// type, the refused ones named with the reason. A malformed message is kept whole as
/// `message.eml`.
fn sort_parts(msg: &Inbound) -> (Vec<Accepted<'_>>, Vec<String>) {
    let mut accepted = Vec::new();
    let mut refused = Vec::new();
    if msg.malformed {
        // The original as text (never a file a mail program would open and run), at most
        // `MAX_ATTACHMENT` of it.
        let raw = &msg.raw[..msg.raw.len().min(MAX_ATTACHMENT)];
        accepted.push(("message.eml.txt".to_owned(), "text/plain", raw));
        if msg.raw.len() > MAX_ATTACHMENT {
            refused.push("message.eml.txt: cut at 25 MiB".to_owned());
        }
    }
    for part in &msg.attachments {
        let name = breachdesk_core::attachment::safe_file_name(&part.name);
        if part.bytes.len() > MAX_ATTACHMENT {
            refused.push(format!("{name}: too large"));
            continue;
        }
        let is_message = std::path::Path::new(&name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("eml"));
        let detected = infer::get(&part.bytes).map(|t| t.mime_type());
        match breachdesk_core::attachment::accept(detected, &part.bytes) {
            // Text is kept under a name that opens as text, whatever it was called
            // (`x.html`, `x.js` and `x.hta` would be opened by what runs them).
            Ok("text/plain") => accepted.push((as_text(&name), "text/plain", &part.bytes)),
            Ok(content_type) => accepted.push((name, content_type, part.bytes.as_slice())),
            // A forwarded message in 8-bit text is evidence: kept as text.
            Err(_) if is_message && detected.is_none() => {
                accepted.push((as_text(&name), "text/plain", &part.bytes));
            }
            Err(_) => refused.push(format!("{name}: type not accepted")),
        }
    }
    (accepted, refused)
}

/// A text file's name that opens as text: `.txt` added unless it ends in a text extension.
fn as_text(name: &str) -> String {
    let ext = std::path::Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase());
    if matches!(ext.as_deref(), Some("txt" | "csv" | "log" | "tsv")) {
        name.to_owned()
    } else {
        format!("{name}.txt")
    }
}

/// Each accepted file sealed, with its record entry.
fn seal_parts<C: breachdesk_core::ports::CaseCipher>(
    key: &C,
    accepted: &[Accepted<'_>],
) -> Vec<(NewCaseEntry, NewAttachment)> {
    accepted
        .iter()
        .map(|(name, content_type, bytes)| {
            let (entry, stored) = seal_attachment(key, name, content_type, "e-mail", bytes);
            (seal_entry(key, &entry, None), stored)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::reference_candidates;

    #[test]
    fn references_are_found_in_a_subject() {
        let found: Vec<&str> =
            reference_candidates("Re: Vastaanotettu: UNI-2026-0042 (tietoturvailmoitus)").collect();
        assert_eq!(found, vec!["UNI-2026-0042"]);
        assert_eq!(reference_candidates("Meeting 2026-12-04").count(), 0);
    }
}
