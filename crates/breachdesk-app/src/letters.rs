//! Letters to data subjects (Art. 34(2)) at scale: recipients sealed with the case key, the
//! approved letter rendered per person and queued in the durable outbox, and delivery over
//! reused SMTP connections at a configured rate — shared by the desk and `breachdesk notify`.
//!
//! Exactly once, as far as SMTP allows: every message is queued once per person (a unique row
//! per recipient; queueing again after a crash adds only the rest) and rendered once, with a
//! fixed Message-ID and Date. A message is claimed before it is sent and marked after the
//! server's reply; after a crash only the messages claimed by the dead run can be in doubt (at
//! most connections × batch), and they go again byte for byte the same, with the same
//! Message-ID, which receiving systems use to recognise a message they already have. SMTP has
//! no two-phase commit, so no sender can do better; the run reports how many were in doubt.

use std::num::NonZeroU32;
use std::sync::{Arc, PoisonError};
use std::time::SystemTime;

use breachdesk_core::audit::AuditEvent;
use breachdesk_core::investigation::{Entry, open_entry};
use breachdesk_core::notice::{self, NoticeKind};
use breachdesk_core::ports::{
    Aad, Bounce, CaseCipher, CaseRecord, DeliveryOutcome, FailedMessage, Keyring, MessageOutcome,
    NewOutboxMessage, NewRecipient, OutboxCounts, OutboxMessage, RecipientCounts, Store,
    StoreError,
};
use breachdesk_notify::bounce;
use breachdesk_notify::letter::{self, LetterTemplate, Recipient};
use breachdesk_notify::recipients::Imported;
use breachdesk_notify::{Courier, Mailbox, SendError};
use governor::{Quota, RateLimiter};
use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

use crate::App;
use crate::error::{AppError, Refusal};

/// Recipients read, rendered and queued per round.
const PAGE: u32 = 2000;
/// A transient failure is retried this many times before the message counts as failed.
const MAX_ATTEMPTS: u32 = 8;
/// How long a delivery run's lease lasts without renewal.
const LEASE: std::time::Duration = std::time::Duration::from_secs(15);

/// Group commit of delivery marks: a worker waits until its own mark is written before it sends
/// the next message (so at most one sent-but-unmarked message per connection), and whichever
/// worker writes takes every mark waiting at that moment, so concurrent workers share one
/// transaction on the single writer.
#[derive(Default)]
struct Marks {
    /// The last ticket handed out and the marks not yet written.
    pending: std::sync::Mutex<(u64, Vec<MessageOutcome>)>,
    /// Held while writing; the last ticket written.
    written: tokio::sync::Mutex<u64>,
}

impl Marks {
    async fn write(
        &self,
        store: &dyn Store,
        id: Uuid,
        outcome: DeliveryOutcome,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let ticket = {
            let mut p = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            p.0 += 1;
            p.1.push(MessageOutcome {
                message_id: id,
                outcome,
            });
            p.0
        };
        let mut written = self.written.lock().await;
        if *written >= ticket {
            return Ok(());
        }
        let (upto, batch) = {
            let mut p = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            (p.0, std::mem::take(&mut p.1))
        };
        store.finish_messages(&batch, now).await?;
        *written = upto;
        Ok(())
    }
}

/// What a batch of returned mail said about a case's letters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BounceReport {
    /// Messages read (every message of every file).
    pub messages: u64,
    /// Letters now marked failed.
    pub failed: u64,
    /// Reports that delivery is still being tried.
    pub delayed: u64,
    /// Success notices.
    pub delivered: u64,
    /// Delivery reports about messages that are not this case's letters.
    pub not_ours: u64,
    /// Mail that is not a delivery report (replies, auto-replies).
    pub not_reports: u64,
}

/// How a delivery run sends.
#[derive(Debug, Clone, Copy)]
pub struct DeliveryOptions {
    /// SMTP connections open at once (each reused for all its messages).
    pub connections: usize,
    /// At most this many messages per second over all connections (`None`: as fast as the
    /// server takes them).
    pub per_second: Option<NonZeroU32>,
    /// Messages claimed at a time by one connection.
    pub batch: u32,
    /// When another run holds the case: wait for its lease to run out (a person who asked to
    /// send), or give up at once (the scheduler, which comes back in a minute).
    pub wait_for_lease: bool,
}

impl Default for DeliveryOptions {
    fn default() -> Self {
        Self {
            connections: 4,
            per_second: None,
            batch: 20,
            wait_for_lease: true,
        }
    }
}

/// What a delivery run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: u64,
    /// Refused for good by the server (kept as failed until retried).
    pub failed: u64,
    /// Temporarily refused: queued again for later.
    pub retry_later: u64,
    /// Left mid-send by a crashed run and sent again with the same Message-ID.
    pub in_doubt: u64,
}

fn recipient_aad(id: Uuid) -> Aad {
    Aad {
        table: "recipients",
        column: "body",
        row: id,
    }
}

fn outbox_aad(id: Uuid) -> Aad {
    Aad {
        table: "outbox",
        column: "body",
        row: id,
    }
}

/// Opens a queued message: the envelope recipient and the message bytes.
fn open_message<C: CaseCipher>(key: &C, m: &OutboxMessage) -> Result<(String, Vec<u8>), AppError> {
    let plain = key.open(&outbox_aad(m.id), &m.body)?;
    let split = plain
        .iter()
        .position(|b| *b == b'\n')
        .ok_or(breachdesk_core::ports::CryptoError::Malformed)?;
    let to = String::from_utf8(plain[..split].to_vec())
        .map_err(|_| breachdesk_core::ports::CryptoError::Malformed)?;
    Ok((to, plain[split + 1..].to_vec()))
}

fn outcome(e: SendError, attempts: u32, now: Timestamp) -> DeliveryOutcome {
    match e {
        SendError::Permanent(reply) => DeliveryOutcome::Failed { reply },
        SendError::Transient(reply) if attempts >= MAX_ATTEMPTS => {
            DeliveryOutcome::Failed { reply }
        }
        SendError::Transient(reply) => {
            // 1, 2, 4 … minutes, at most an hour.
            let wait = SignedDuration::from_mins(1i64 << (attempts.saturating_sub(1)).min(6));
            DeliveryOutcome::Retry {
                reply,
                at: now + wait.min(SignedDuration::from_hours(1)),
            }
        }
    }
}

/// What rendering a page of letters needs, shared with the blocking pool.
struct RenderJob {
    keyring: Arc<breachdesk_crypto::MasterKeyring>,
    case_id: Uuid,
    wrapped: breachdesk_core::ports::WrappedKey,
    domain: String,
    from: Mailbox,
    template: LetterTemplate,
    date: SystemTime,
}

impl RenderJob {
    /// Opens, renders, builds and seals one page of recipients, split over the cores.
    fn render(
        &self,
        page: &[breachdesk_core::ports::RecipientRecord],
    ) -> Result<Vec<NewOutboxMessage>, AppError> {
        let key = self.keyring.unwrap_case_key(self.case_id, &self.wrapped)?;
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let chunk = page.len().div_ceil(cores).max(1);
        let key = &key;
        let parts: Vec<Result<Vec<NewOutboxMessage>, AppError>> = std::thread::scope(|s| {
            let handles: Vec<_> = page
                .chunks(chunk)
                .map(|part| s.spawn(move || self.render_part(key, part)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or(Err(AppError::Render)))
                .collect()
        });
        let mut out = Vec::with_capacity(page.len());
        for p in parts {
            out.extend(p?);
        }
        Ok(out)
    }

    fn render_part<C: CaseCipher>(
        &self,
        key: &C,
        part: &[breachdesk_core::ports::RecipientRecord],
    ) -> Result<Vec<NewOutboxMessage>, AppError> {
        let mut messages = Vec::with_capacity(part.len());
        for r in part.iter().filter(|r| r.email) {
            let plain = key.open(&recipient_aad(r.id), &r.body)?;
            let recipient: Recipient = serde_json::from_slice(&plain)
                .map_err(|_| breachdesk_core::ports::CryptoError::Malformed)?;
            let Some(to) = recipient.email.as_deref() else {
                continue;
            };
            let id = Uuid::now_v7();
            let letter = letter::render(&self.template, &recipient);
            let Ok(bytes) = letter::email(
                &letter,
                &self.from,
                to,
                &format!("<{id}@{}>", self.domain),
                self.date,
            ) else {
                // Checked at import; an address lettre refuses cannot be sent at all.
                continue;
            };
            let mut body = Vec::with_capacity(to.len() + 1 + bytes.len());
            body.extend_from_slice(to.as_bytes());
            body.push(b'\n');
            body.extend_from_slice(&bytes);
            messages.push(NewOutboxMessage {
                id,
                seq: r.seq,
                body: key.seal(&outbox_aad(id), &body),
            });
        }
        Ok(messages)
    }
}

impl App {
    fn courier(&self) -> Result<&Arc<Courier>, AppError> {
        self.0
            .mail
            .courier
            .as_ref()
            .ok_or(AppError::Refused(Refusal::NoSmtp))
    }

    /// The approved letter version to send: the newest one the DPO approved as it stands.
    async fn approved_letter(&self, case: &CaseRecord) -> Result<(u32, LetterTemplate), AppError> {
        let key = self.0.keyring.unwrap_case_key(case.id, &case.wrapped_key)?;
        let mut entries: Vec<(_, Entry)> = Vec::new();
        for e in self.0.store.case_entries(case.id).await? {
            let opened = open_entry(&key, &e)?;
            entries.push((e, opened));
        }
        let versions = notice::versions(NoticeKind::Subjects, &entries);
        let v = versions
            .iter()
            .rev()
            .find(|v| v.approved.is_some())
            .ok_or(AppError::Refused(Refusal::LettersNotApproved))?;
        let t = serde_json::from_value(v.content.clone())
            .map_err(|_| AppError::Refused(Refusal::LettersNotApproved))?;
        Ok((v.number, t))
    }

    /// Seals and stores imported recipients (added to the list, or replacing it while nothing
    /// has been queued). The audit entry names the count, never a person.
    pub async fn import_recipients(
        &self,
        case: &CaseRecord,
        actor: Option<Uuid>,
        imported: &Imported,
        replace: bool,
    ) -> Result<(), AppError> {
        let key = self.0.keyring.unwrap_case_key(case.id, &case.wrapped_key)?;
        let rows: Vec<NewRecipient> = imported
            .recipients
            .iter()
            .map(|r| {
                let id = Uuid::now_v7();
                let json = serde_json::to_vec(r).unwrap_or_default();
                NewRecipient {
                    id,
                    email: r.email.is_some(),
                    body: key.seal(&recipient_aad(id), &json),
                }
            })
            .collect();
        let audit = AuditEvent {
            actor,
            org_id: Some(case.org_id),
            case_id: Some(case.id),
            action: "notice.subjects.recipients",
            detail: format!(
                "{} recipients={} unreachable={}",
                if replace { "replaced" } else { "added" },
                rows.len(),
                imported.unreachable
            ),
        };
        self.0
            .store
            .import_recipients(case.id, replace, &rows, &audit, self.now())
            .await?;
        tracing::info!(case_id = %case.id, recipients = rows.len(), "recipients imported");
        Ok(())
    }

    /// Every recipient of the case, opened (for the printed letter batch and the preview).
    pub async fn recipients_of(
        &self,
        case: &CaseRecord,
        limit: Option<usize>,
    ) -> Result<Vec<Recipient>, AppError> {
        let key = self.0.keyring.unwrap_case_key(case.id, &case.wrapped_key)?;
        let mut out = Vec::new();
        let mut after = 0;
        loop {
            let page = self.0.store.recipients(case.id, after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            for r in &page {
                let plain = key.open(&recipient_aad(r.id), &r.body)?;
                out.push(
                    serde_json::from_slice(&plain)
                        .map_err(|_| breachdesk_core::ports::CryptoError::Malformed)?,
                );
                if limit.is_some_and(|l| out.len() >= l) {
                    return Ok(out);
                }
            }
        }
        Ok(out)
    }

    /// Renders the approved letter for every recipient with an e-mail address not yet queued
    /// and queues the messages, page by page (memory stays bounded by the page). Returns how
    /// many were queued now. Running it again after a crash queues only the rest.
    pub async fn queue_letters(
        &self,
        case: &CaseRecord,
        actor: Option<Uuid>,
    ) -> Result<u64, AppError> {
        let (version, template) = self.approved_letter(case).await?;
        let courier = self.courier()?;
        let org = self
            .0
            .store
            .organisations()
            .await?
            .into_iter()
            .find(|o| o.id == case.org_id);
        let from = Mailbox::new(
            org.map(|o| o.name).or_else(|| courier.from().name.clone()),
            courier.from().email.clone(),
        );
        let job = Arc::new(RenderJob {
            keyring: self.0.keyring.clone(),
            case_id: case.id,
            wrapped: case.wrapped_key.clone(),
            domain: courier.from().email.domain().to_owned(),
            from,
            template,
            date: SystemTime::from(self.now()),
        });
        let store = &self.0.store;
        let now = self.now();
        let mut after = store.queued_up_to(case.id).await?;
        let mut queued = 0;
        // A pipeline: the next page renders on the blocking pool while this one is inserted.
        let mut pending: Option<tokio::task::JoinHandle<Result<Vec<NewOutboxMessage>, AppError>>> =
            None;
        loop {
            let page = store.recipients(case.id, after, PAGE).await?;
            let next = if let Some(last) = page.last() {
                after = last.seq;
                let job = job.clone();
                Some(tokio::task::spawn_blocking(move || job.render(&page)))
            } else {
                None
            };
            if let Some(done) = pending.take() {
                let messages = done.await.map_err(|_| AppError::Render)??;
                queued += store
                    .queue_messages(case.id, version, &messages, now)
                    .await?;
            }
            match next {
                Some(n) => pending = Some(n),
                None => break,
            }
        }
        store
            .append_audit(
                &[AuditEvent {
                    actor,
                    org_id: Some(case.org_id),
                    case_id: Some(case.id),
                    action: "notice.subjects.queued",
                    detail: format!("v{version} queued={queued}"),
                }],
                now,
            )
            .await?;
        tracing::info!(case_id = %case.id, version, queued, "letters queued");
        Ok(queued)
    }

    /// Sends the case's due messages over `options.connections` reused connections and
    /// returns when none is due. `progress` is called once per message finished.
    pub async fn deliver_letters(
        &self,
        case: &CaseRecord,
        actor: Option<Uuid>,
        options: DeliveryOptions,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<DeliveryReport, AppError> {
        let courier = self.courier()?;
        let store = &self.0.store;
        let holder = Uuid::new_v4();
        // A run that crashed holds the lease until it runs out: wait that long, no longer.
        let give_up = tokio::time::Instant::now() + LEASE + std::time::Duration::from_secs(2);
        while !store.lease_outbox(case.id, holder, LEASE).await? {
            if !options.wait_for_lease || tokio::time::Instant::now() > give_up {
                return Err(AppError::Refused(Refusal::DeliveryBusy));
            }
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
        let result = self
            .deliver_leased(case, holder, courier, options, progress)
            .await;
        let _ = store.release_outbox(case.id, holder).await;
        let report = result?;
        store
            .append_audit(
                &[AuditEvent {
                    actor,
                    org_id: Some(case.org_id),
                    case_id: Some(case.id),
                    action: "notice.subjects.delivery",
                    detail: format!(
                        "sent={} failed={} retry_later={} in_doubt={}",
                        report.sent, report.failed, report.retry_later, report.in_doubt
                    ),
                }],
                self.now(),
            )
            .await?;
        tracing::info!(
            case_id = %case.id,
            sent = report.sent,
            failed = report.failed,
            retry_later = report.retry_later,
            in_doubt = report.in_doubt,
            "letters delivered"
        );
        Ok(report)
    }

    async fn deliver_leased(
        &self,
        case: &CaseRecord,
        holder: Uuid,
        courier: &Courier,
        options: DeliveryOptions,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<DeliveryReport, AppError> {
        let store = &self.0.store;
        // We hold the lease: whatever is still "sending" was left by a run that died.
        let in_doubt = store.recover_messages(case.id).await?;
        if in_doubt > 0 {
            tracing::warn!(case_id = %case.id, in_doubt, "messages left mid-send by a crashed run are sent again with the same Message-ID");
        }
        let key = self.0.keyring.unwrap_case_key(case.id, &case.wrapped_key)?;
        let limiter = options
            .per_second
            .map(|n| RateLimiter::direct(Quota::per_second(n)));
        let lease = tokio::sync::Mutex::new(Timestamp::MIN);
        // Set when the lease could not be renewed: another run (another server) may take the
        // case over, so no further message goes from here.
        let lease_gone = std::sync::atomic::AtomicBool::new(false);
        let marks = Marks::default();
        // Renews the lease every few seconds for as long as the run lasts, however long one
        // batch or one slow SMTP reply takes, so that no other server takes over a live run.
        let keep_lease = async {
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(3)).await;
                let mut last = lease.lock().await;
                let now = self.now();
                if let Ok(true) = store.lease_outbox(case.id, holder, LEASE).await {
                    *last = now;
                } else {
                    lease_gone.store(true, std::sync::atomic::Ordering::SeqCst);
                    tracing::warn!(case_id = %case.id, "delivery lease lost: this run stops");
                    std::future::pending::<()>().await;
                }
            }
        };
        let worker = || async {
            let mut report = DeliveryReport::default();
            let mut conn: Option<breachdesk_notify::Connection> = None;
            loop {
                {
                    // Renew the lease at most every few seconds (whichever worker is first).
                    let mut renewed = lease.lock().await;
                    let now = self.now();
                    if now.duration_since(*renewed) > SignedDuration::from_secs(3) {
                        if !store.lease_outbox(case.id, holder, LEASE).await? {
                            return Err(AppError::Refused(Refusal::DeliveryBusy));
                        }
                        *renewed = now;
                    }
                }
                let claimed = store
                    .claim_messages(case.id, options.batch.max(1), self.now())
                    .await?;
                if claimed.is_empty() {
                    break;
                }
                for m in claimed {
                    if lease_gone.load(std::sync::atomic::Ordering::SeqCst) {
                        // Left claimed: the run that takes over sends it, with the same
                        // Message-ID.
                        return Err(AppError::Refused(Refusal::DeliveryBusy));
                    }
                    let (to, bytes) = open_message(&key, &m)?;
                    if let Some(l) = &limiter {
                        l.until_ready().await;
                    }
                    if conn
                        .as_ref()
                        .is_some_and(breachdesk_notify::Connection::broken)
                    {
                        conn = None;
                    }
                    let sent = match &mut conn {
                        Some(c) => c.send(courier.from(), &to, &bytes).await,
                        None => match courier.connect().await {
                            Ok(mut c) => {
                                let r = c.send(courier.from(), &to, &bytes).await;
                                conn = Some(c);
                                r
                            }
                            Err(e) => Err(e),
                        },
                    };
                    let now = self.now();
                    let o = match sent {
                        Ok(()) => DeliveryOutcome::Sent,
                        Err(e) => outcome(e, m.attempts, now),
                    };
                    match &o {
                        DeliveryOutcome::Sent => report.sent += 1,
                        DeliveryOutcome::Retry { .. } => report.retry_later += 1,
                        DeliveryOutcome::Failed { .. } => report.failed += 1,
                    }
                    marks.write(&**store, m.id, o, now).await?;
                    progress(1);
                }
            }
            if let Some(c) = conn {
                c.quit().await;
            }
            Ok::<_, AppError>(report)
        };
        let workers = futures::future::join_all((0..options.connections.max(1)).map(|_| worker()));
        let runs = tokio::select! {
            runs = workers => runs,
            () = keep_lease => unreachable!("the lease is kept until the workers are done"),
        };
        let mut total = DeliveryReport {
            in_doubt,
            ..DeliveryReport::default()
        };
        for r in runs {
            let r = r?;
            total.sent += r.sent;
            total.failed += r.failed;
            total.retry_later += r.retry_later;
        }
        Ok(total)
    }

    /// The scheduler's round: delivers the due messages of every case (retries after a
    /// temporary refusal, and what a crashed run left), one case after another. A case another
    /// run holds is skipped.
    pub async fn deliver_due_letters(&self) -> Result<DeliveryReport, AppError> {
        let mut total = DeliveryReport::default();
        if self.0.mail.courier.is_none() {
            return Ok(total);
        }
        for id in self.0.store.cases_with_due_messages(self.now()).await? {
            let Some(case) = self.0.store.case_by_id(id).await? else {
                continue;
            };
            let options = DeliveryOptions {
                wait_for_lease: false,
                ..self.0.mail.delivery
            };
            match self.deliver_letters(&case, None, options, &|_| {}).await {
                Ok(r) => {
                    total.sent += r.sent;
                    total.failed += r.failed;
                    total.retry_later += r.retry_later;
                    total.in_doubt += r.in_doubt;
                }
                // Another run (another server) has it.
                Err(AppError::Refused(Refusal::DeliveryBusy)) => {}
                // One case's trouble does not stop the others' letters; it is tried again
                // next round.
                Err(e) => {
                    tracing::warn!(case_id = %case.id, error = %e, "letters of a case not delivered this round");
                }
            }
        }
        Ok(total)
    }

    /// How this installation delivers letters (`[letters]` in the configuration).
    #[must_use]
    pub fn mail_delivery(&self) -> DeliveryOptions {
        self.0.mail.delivery
    }

    /// The recipient numbers of the case's failed letters and the servers' reply codes.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn failed_letters(&self, case: &CaseRecord) -> Result<Vec<FailedMessage>, AppError> {
        Ok(self.0.store.failed_messages(case.id).await?)
    }

    /// The case's outbox and recipient counts, for the progress shown in the desk and the CLI.
    pub async fn letter_progress(
        &self,
        case: &CaseRecord,
    ) -> Result<(OutboxCounts, RecipientCounts), AppError> {
        Ok((
            self.0.store.outbox_counts(case.id).await?,
            self.0.store.recipient_counts(case.id).await?,
        ))
    }

    /// Reads returned mail (delivery status notifications arriving after a server accepted a
    /// letter) and marks the case's letters they report as failed, with the status code.
    /// Reports about other cases' messages and other mail are counted, never changed. Each file
    /// is one message (`.eml`) or a mailbox of them (mbox).
    pub async fn record_bounces(
        &self,
        case: &CaseRecord,
        actor: Option<Uuid>,
        files: &[&[u8]],
    ) -> Result<BounceReport, AppError> {
        let mut report = BounceReport::default();
        let mut failed = Vec::new();
        for raw in files.iter().flat_map(|f| breachdesk_mbox::messages(f)) {
            report.messages += 1;
            match bounce::read(raw) {
                bounce::Report::Failed { message, status } => failed.push(Bounce {
                    message_id: message,
                    status,
                }),
                bounce::Report::Delayed { .. } => report.delayed += 1,
                bounce::Report::Delivered { .. } => report.delivered += 1,
                bounce::Report::NotOurs => report.not_ours += 1,
                bounce::Report::NotAReport => report.not_reports += 1,
            }
        }
        // The same report saved twice counts once.
        failed.sort_by(|a, b| (a.message_id, &a.status).cmp(&(b.message_id, &b.status)));
        failed.dedup_by_key(|b| b.message_id);
        report.failed = self.0.store.record_bounces(case.id, &failed).await?;
        report.not_ours += u64::try_from(failed.len()).unwrap_or(u64::MAX) - report.failed;
        self.0
            .store
            .append_audit(
                &[AuditEvent {
                    actor,
                    org_id: Some(case.org_id),
                    case_id: Some(case.id),
                    action: "notice.subjects.bounces",
                    detail: format!(
                        "failed={} delayed={} other={}",
                        report.failed,
                        report.delayed,
                        report.not_ours + report.not_reports + report.delivered
                    ),
                }],
                self.now(),
            )
            .await?;
        Ok(report)
    }

    /// Queues the failed messages again (after the address or the server was fixed).
    pub async fn retry_failed_letters(
        &self,
        case: &CaseRecord,
        actor: Option<Uuid>,
    ) -> Result<u64, AppError> {
        let n = self
            .0
            .store
            .retry_failed_messages(case.id, self.now())
            .await?;
        self.0
            .store
            .append_audit(
                &[AuditEvent {
                    actor,
                    org_id: Some(case.org_id),
                    case_id: Some(case.id),
                    action: "notice.subjects.retry",
                    detail: format!("requeued={n}"),
                }],
                self.now(),
            )
            .await?;
        Ok(n)
    }
}
