//! Intake: submit a report, verify a receipt code, show a report's status to its reporter, add a
//! supplement — the use cases behind both the JSON API and the report pages.

use std::net::IpAddr;

use breachdesk_core::case::CaseStatus;
use breachdesk_core::intake::{
    IssuedReceipt, open_supplement, renew_receipt, seal_intake, seal_supplement,
};
use breachdesk_core::investigation::{Entry, open_entry};
use breachdesk_core::org::Organisation;
use breachdesk_core::ports::{Keyring, ReceiptRecord, SecretHasher, StoreError};
use breachdesk_core::receipt::ReceiptCode;
use breachdesk_core::report::{Channel, Phase, ReportKind, SupplementBody, ValidReport};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use uuid::Uuid;

use crate::App;
use crate::error::AppError as ServiceError;
use crate::receipt_throttle::ReceiptThrottle;
use crate::receipts::ReceiptPool;

/// What the reporter gets back once the report is durable.
#[derive(Debug)]
pub struct Accepted {
    pub report_id: Uuid,
    pub case_id: Uuid,
    pub reference: String,
    pub receipt: ReceiptCode,
}

/// The zone in which a case reference's year is counted.
pub(crate) fn reference_year(now: Timestamp) -> i16 {
    let tz = TimeZone::get("Europe/Helsinki").unwrap_or(TimeZone::UTC);
    now.to_zoned(tz).year()
}

impl App {
    pub async fn org(&self, slug: &str) -> Result<Organisation, ServiceError> {
        // Only plausible slugs reach the database.
        if breachdesk_core::org::OrgSlug::try_from(slug).is_err() {
            return Err(ServiceError::NotFound);
        }
        self.0
            .store
            .org_by_slug(slug)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// Seals and stores a new report from the public form as a new case; returns only after the
    /// commit is durable.
    pub async fn submit_report(
        &self,
        org: &Organisation,
        report: ValidReport,
    ) -> Result<Accepted, ServiceError> {
        self.submit_report_via(org, report, Channel::Form, None)
            .await
    }

    /// Stores a report a handler took by phone or in person (issue 22), as a new case of `org`
    /// with the channel and who took it (in the audit entry of its arrival too). The receipt
    /// code is for the handler to pass on to the reporter.
    ///
    /// # Errors
    /// `Forbidden` unless the principal handles cases of the organisation; `Invalid` for a
    /// channel other than phone or in person.
    pub async fn take_report(
        &self,
        principal: &breachdesk_core::user::Principal,
        org: &Organisation,
        report: ValidReport,
        channel: Channel,
    ) -> Result<Accepted, ServiceError> {
        let may = principal.memberships.iter().any(|m| {
            m.org_id == org.id
                && breachdesk_core::workflow::may(
                    breachdesk_core::workflow::Standing::Member(m.role),
                    breachdesk_core::workflow::Action::TakeReport,
                )
        });
        if !may {
            return Err(ServiceError::Forbidden);
        }
        if !matches!(channel, Channel::Phone | Channel::InPerson) {
            let mut errors = breachdesk_core::errors::FieldErrors::new();
            errors.add(
                "channel",
                breachdesk_core::errors::FieldError::InvalidChoice {
                    allowed: Channel::TAKEN,
                },
            );
            return Err(ServiceError::Invalid(errors));
        }
        self.submit_report_via(org, report, channel, Some(principal.user_id))
            .await
    }

    /// Seals and stores a new report as a new case, with how it came in; returns only after the
    /// commit is durable.
    #[tracing::instrument(skip_all, fields(org_id = %org.id, channel = channel.as_str()))]
    pub async fn submit_report_via(
        &self,
        org: &Organisation,
        report: ValidReport,
        channel: Channel,
        taken_by: Option<Uuid>,
    ) -> Result<Accepted, ServiceError> {
        let now = self.now();
        let pooled = self.0.intake.pool.as_ref().and_then(ReceiptPool::take);
        let mut sealed = if let Some(receipt) = pooled {
            // Sealing alone takes microseconds.
            seal_intake(&*self.0.keyring, org.id, &report, receipt, now)?
        } else {
            let inner = self.0.clone();
            let org_id = org.id;
            // Argon2 is CPU-bound: off the async workers.
            tokio::task::spawn_blocking(move || {
                let receipt = IssuedReceipt::new(&*inner.hasher);
                seal_intake(&*inner.keyring, org_id, &report, receipt, now)
            })
            .await??
        };
        sealed.report.channel = channel;
        sealed.report.taken_by = taken_by;
        let mut attempts = 0;
        loop {
            match self
                .0
                .store
                .insert_intake(&sealed.case, &sealed.report, reference_year(now))
                .await
            {
                Ok(reference) => {
                    tracing::info!(case_id = %sealed.case.id, report_id = %sealed.report.id, kind = sealed.report.kind.as_str(), "report received");
                    // Its alert to the DPO and the security manager goes out now.
                    self.0.report_stored.notify_one();
                    return Ok(Accepted {
                        report_id: sealed.report.id,
                        case_id: sealed.case.id,
                        reference,
                        receipt: sealed.receipt,
                    });
                }
                // 10^8 locators: a collision is rare but possible; draw a new code.
                Err(StoreError::Conflict(breachdesk_core::ports::Conflict::ReceiptLocator))
                    if attempts < 5 =>
                {
                    attempts += 1;
                    let inner = self.0.clone();
                    let receipt =
                        tokio::task::spawn_blocking(move || IssuedReceipt::new(&*inner.hasher))
                            .await?;
                    renew_receipt(&mut sealed, receipt);
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Checks a typed receipt code: per-address wait after wrong codes, Argon2 verification
    /// (the adapter applies its own per-address rate limit first).
    /// Unknown and wrong codes fail alike and take equally long.
    pub async fn verify_receipt(
        &self,
        ip: IpAddr,
        typed: &str,
    ) -> Result<ReceiptRecord, ServiceError> {
        let code = ReceiptCode::parse(typed).ok_or(ServiceError::ReceiptInvalid)?;
        let now = self.now();
        let throttle = &self.0.intake.throttle;
        let counters = self.0.store.counters();
        let key = ReceiptThrottle::key(&self.0.keyring, code.locator(), ip);
        let waiting = throttle.waiting(&*counters, &key, now).await?;
        // Looked up and verified in every case — unknown locator, waiting or not — so that
        // neither the answer nor its time tells which locators exist (issue 17). A right code
        // is let through even while its address waits: the reporter may share an address with
        // whoever guessed (a company network, carrier NAT), and with 10^16 secrets behind each
        // locator, what the wait slows down is only the feedback on wrong guesses.
        let record = self.0.store.receipt_by_locator(code.locator()).await?;
        let hash = record.as_ref().map_or_else(
            || self.0.intake.dummy_receipt_hash.clone(),
            |r| r.receipt_hash.clone(),
        );
        let inner = self.0.clone();
        let ok =
            tokio::task::spawn_blocking(move || inner.hasher.verify(code.expose_secret(), &hash))
                .await?;
        match record {
            Some(r) if ok => {
                counters.clear(&key).await?;
                Ok(r)
            }
            _ if waiting => Err(ServiceError::ReceiptLocked),
            _ => {
                throttle.failed(&*counters, &key, now).await?;
                Err(ServiceError::ReceiptInvalid)
            }
        }
    }

    /// What a reporter may see of their own report.
    pub async fn follow_up_status(
        &self,
        receipt: &ReceiptRecord,
    ) -> Result<ReporterView, ServiceError> {
        let case = self
            .0
            .store
            .case_by_id(receipt.case_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let reports = self.0.store.reports_of_case(case.id).await?;
        let report = reports
            .iter()
            .find(|r| r.id == receipt.report_id)
            .ok_or(ServiceError::NotFound)?;
        let key = self.0.keyring.unwrap_case_key(case.id, &case.wrapped_key)?;
        let opened: Vec<(Timestamp, breachdesk_core::report::SupplementBody)> = self
            .0
            .store
            .supplements_of_report(receipt.report_id)
            .await?
            .iter()
            .map(|s| Ok((s.created_at, open_supplement(&key, s)?)))
            .collect::<Result<_, ServiceError>>()?;
        // The handlers' questions to this reporter, and whether each has an answer.
        let mut questions = Vec::new();
        for e in self.0.store.case_entries(case.id).await? {
            if e.kind != "question" {
                continue;
            }
            if let Entry::Question { report, text } = open_entry(&key, &e)?
                && report == receipt.report_id
            {
                questions.push(ReporterQuestion {
                    id: e.id,
                    asked_at: e.created_at,
                    text,
                    answered: opened.iter().any(|(_, s)| s.answers == Some(e.id)),
                });
            }
        }
        Ok(ReporterView {
            reference: case.reference,
            status: case.status,
            kind: report.kind,
            received_at: report.created_at,
            supplements: opened.iter().map(|(t, s)| (*t, s.phase)).collect(),
            questions,
        })
    }

    pub async fn add_supplement(
        &self,
        receipt: &ReceiptRecord,
        body: &SupplementBody,
    ) -> Result<Uuid, ServiceError> {
        let case = self
            .0
            .store
            .case_by_id(receipt.case_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let key = self.0.keyring.unwrap_case_key(case.id, &case.wrapped_key)?;
        let new = seal_supplement(&key, receipt.report_id, body, self.now());
        self.0.store.insert_supplement(&new).await?;
        tracing::info!(case_id = %case.id, supplement_id = %new.id, "supplement received");
        Ok(new.id)
    }
}

/// The reporter's view: status and dates only, never the content (a leaked code must not leak
/// the report).
#[derive(Debug)]
pub struct ReporterView {
    pub reference: String,
    pub status: CaseStatus,
    pub kind: ReportKind,
    pub received_at: Timestamp,
    pub supplements: Vec<(Timestamp, Option<Phase>)>,
    /// Questions the handlers asked this reporter (their own text, no case content).
    pub questions: Vec<ReporterQuestion>,
}

#[derive(Debug)]
pub struct ReporterQuestion {
    pub id: Uuid,
    pub asked_at: Timestamp,
    pub text: String,
    pub answered: bool,
}
