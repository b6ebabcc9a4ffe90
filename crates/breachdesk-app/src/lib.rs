//! The use cases of `BreachDesk`: what the product does, independent of how it is asked — the web
//! interface (`breachdesk-web`) and the command line (`breachdesk`) both call an [`App`].
//!
//! Intake (`intake`: reports, receipt codes, the reporter's view, supplements; `rate`,
//! `receipt_throttle`: per-address limits and receipt-code waits), handling a case (`handling`:
//! who may see and do what, status, scope, merges, attachments, assignment, shares, decisions,
//! record entries; `views`: what the desk pages read besides a case), roles, accounts and tokens
//! under separation of duties (`access`), sessions (`sessions`), signing in (`sign_in`: the
//! password step; `second_factor`: codes, enrolment, setup links), notices (`notices`: the
//! organisation's wording, the published notice; `notice_facts`: a case's facts for the draft), deadline reminders (`reminders`), the letters
//! to data subjects (`letters`), the breach register of Art. 33(5) and its exports (`register`), legal holds and the retention run that destroys what is due (`retention`), a leak scan into a case (`scan_import`), health checks
//! (`health`), and the installation operator's commands (`operator`: organisations, accounts
//! with a printed password, offboarding, tokens; no master key needed).

pub mod access;
mod alerts;
pub mod authority_notice;
mod error;
pub mod handling;
pub mod health;
pub mod intake;
pub mod letters;
pub mod mail_intake;
pub mod notice_facts;
pub mod notices;
pub mod operator;
pub mod public_notice;
mod rate;
mod receipt_throttle;
mod receipts;
pub mod register;
pub mod reminders;
pub mod retention;
pub mod scan_import;
pub mod second_factor;
pub mod sessions;
pub mod sign_in;
pub mod views;

pub use error::{AppError, Refusal};
pub use rate::RateLimit;

use std::sync::Arc;

use breachdesk_core::clock::Clock;
use breachdesk_core::ports::Store;
use breachdesk_crypto::{Argon2Hasher, MasterKeyring};
use jiff::Timestamp;

/// Outgoing mail: the mailer (none = mail off), when reminders fall due, and the address links
/// in mail point to.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub mailer: Option<Arc<dyn breachdesk_core::ports::Mailer>>,
    /// Letters to data subjects go through long-lived connections of their own.
    pub courier: Option<Arc<breachdesk_notify::Courier>>,
    pub reminders: breachdesk_core::deadline::ReminderSchedule,
    /// e.g. `https://breachdesk.uni.example`, without a trailing slash.
    pub public_url: String,
    /// How letter runs started on the desk and by the scheduler deliver (`[letters]`).
    pub delivery: letters::DeliveryOptions,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            mailer: None,
            courier: None,
            reminders: breachdesk_core::deadline::ReminderSchedule::default(),
            public_url: "http://127.0.0.1:8080".into(),
            delivery: letters::DeliveryOptions::default(),
        }
    }
}

/// The texts of the mail the use cases send (role requests, setup links, deadline reminders), by
/// message id and language; the web crate's translations provide them.
pub trait Texts: Send + Sync {
    fn message(
        &self,
        lang: breachdesk_core::report::Language,
        id: &str,
        args: &[(&str, &str)],
    ) -> String;
}

/// No texts: each message is its id (for commands that send no such mail).
struct Ids;

impl Texts for Ids {
    fn message(
        &self,
        _lang: breachdesk_core::report::Language,
        id: &str,
        _args: &[(&str, &str)],
    ) -> String {
        id.to_owned()
    }
}

/// How intake treats receipt codes.
#[derive(Debug, Clone)]
pub struct IntakeSettings {
    /// Receipt codes hashed ahead of time, to absorb bursts of reports (0 = hash each inline).
    pub receipt_pool: usize,
    /// Wrong receipt codes from one address for one locator before that address must wait.
    pub max_receipt_failures: i64,
    /// The first wait after too many wrong codes; it doubles with each further one.
    pub receipt_lockout: jiff::SignedDuration,
}

impl Default for IntakeSettings {
    fn default() -> Self {
        Self {
            receipt_pool: 0,
            max_receipt_failures: 5,
            receipt_lockout: jiff::SignedDuration::from_hours(1),
        }
    }
}

/// Intake's working parts: the pool of pre-hashed receipt codes, the hash unknown codes are
/// verified against (so that both failures take equally long), the wait after wrong codes.
pub(crate) struct Intake {
    pub(crate) pool: Option<receipts::ReceiptPool>,
    pub(crate) dummy_receipt_hash: String,
    pub(crate) throttle: receipt_throttle::ReceiptThrottle,
}

impl Intake {
    fn new(hasher: &Arc<Argon2Hasher>, settings: &IntakeSettings) -> Self {
        Self {
            pool: receipts::ReceiptPool::start(hasher.clone(), settings.receipt_pool),
            dummy_receipt_hash: breachdesk_core::ports::SecretHasher::hash(
                &**hasher,
                "0000000000000000",
            ),
            throttle: receipt_throttle::ReceiptThrottle::new(
                settings.max_receipt_failures,
                settings.receipt_lockout,
            ),
        }
    }
}

/// What the use cases work with.
pub struct Parts {
    pub store: Arc<dyn Store>,
    pub keyring: Arc<MasterKeyring>,
    pub hasher: Arc<Argon2Hasher>,
    pub clock: Arc<dyn Clock>,
    pub mail: MailSettings,
    pub(crate) intake: Intake,
    pub(crate) texts: Arc<dyn Texts>,
    pub(crate) sessions: sessions::SessionSettings,
    pub(crate) lock_out: sign_in::LockOut,
    /// The last writer probe of the health checks.
    pub(crate) last_probe: health::LastProbe,
    /// See [`App::dummy_password_hash`].
    pub(crate) dummy_password_hash: std::sync::OnceLock<String>,
    /// Woken when a report has been stored, so that its alert goes out at once.
    pub(crate) report_stored: tokio::sync::Notify,
}

impl std::fmt::Debug for Parts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parts")
            .field("store", &self.store)
            .field("mail", &self.mail)
            .finish_non_exhaustive()
    }
}

/// The application: cheap to clone, one per process.
#[derive(Clone)]
pub struct App(pub(crate) Arc<Parts>);

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("store", &self.0.store)
            .finish_non_exhaustive()
    }
}

impl App {
    #[must_use]
    pub fn new(
        store: Arc<dyn Store>,
        keyring: Arc<MasterKeyring>,
        hasher: Arc<Argon2Hasher>,
        clock: Arc<dyn Clock>,
        mail: MailSettings,
    ) -> Self {
        Self::with_intake(
            store,
            keyring,
            hasher,
            clock,
            mail,
            &IntakeSettings::default(),
        )
    }

    /// An application that also takes reports, with intake's settings.
    #[must_use]
    pub fn with_intake(
        store: Arc<dyn Store>,
        keyring: Arc<MasterKeyring>,
        hasher: Arc<Argon2Hasher>,
        clock: Arc<dyn Clock>,
        mail: MailSettings,
        intake: &IntakeSettings,
    ) -> Self {
        let intake = Intake::new(&hasher, intake);
        Self(Arc::new(Parts {
            store,
            keyring,
            hasher,
            clock,
            mail,
            intake,
            texts: Arc::new(Ids),
            sessions: sessions::SessionSettings::default(),
            lock_out: sign_in::LockOut::default(),
            dummy_password_hash: std::sync::OnceLock::new(),
            last_probe: tokio::sync::Mutex::new(None),
            report_stored: tokio::sync::Notify::new(),
        }))
    }

    /// Waits until a report has been stored since the last wait (a scheduler runs the
    /// new-report alerts then, not only on its tick).
    pub async fn report_stored(&self) {
        self.0.report_stored.notified().await;
    }

    /// Sets the account lock-out after wrong passwords or codes. Call before the application is
    /// shared.
    ///
    /// # Panics
    /// When the application is already shared.
    #[must_use]
    pub fn with_lock_out(mut self, lock_out: sign_in::LockOut) -> Self {
        Arc::get_mut(&mut self.0)
            .expect("the lock-out is set before the application is shared")
            .lock_out = lock_out;
        self
    }

    /// Sets how long sessions live. Call before the application is shared.
    ///
    /// # Panics
    /// When the application is already shared.
    #[must_use]
    pub fn with_sessions(mut self, settings: sessions::SessionSettings) -> Self {
        Arc::get_mut(&mut self.0)
            .expect("sessions are set before the application is shared")
            .sessions = settings;
        self
    }

    /// Sets the texts of outgoing mail. Call before the application is shared.
    ///
    /// # Panics
    /// When the application is already shared.
    #[must_use]
    pub fn with_texts(mut self, texts: Arc<dyn Texts>) -> Self {
        Arc::get_mut(&mut self.0)
            .expect("texts are set before the application is shared")
            .texts = texts;
        self
    }

    /// Sets up outgoing mail. Call before the application is shared (before serving).
    ///
    /// # Panics
    /// When the application is already shared: mail is configured once, at start.
    #[must_use]
    pub fn with_mail(mut self, mail: MailSettings) -> Self {
        self.set_mail(mail);
        self
    }

    /// [`App::with_mail`] in place.
    ///
    /// # Panics
    /// When the application is already shared: mail is configured once, at start.
    pub fn set_mail(&mut self, mail: MailSettings) {
        Arc::get_mut(&mut self.0)
            .expect("mail is configured before the application is shared")
            .mail = mail;
    }

    /// Receipt codes hashed ahead of time and waiting in the pool (0 when the pool is off).
    #[must_use]
    pub fn receipts_ready(&self) -> usize {
        self.0
            .intake
            .pool
            .as_ref()
            .map_or(0, receipts::ReceiptPool::ready)
    }

    /// The parts, for the adapters that have not moved their use cases here yet.
    #[must_use]
    pub fn parts(&self) -> &Parts {
        &self.0
    }

    #[must_use]
    pub fn now(&self) -> Timestamp {
        self.0.clock.now()
    }
}
