//! Ports: what the domain needs from the outside world, as traits the adapters implement.

use std::fmt;

use async_trait::async_trait;
use jiff::Timestamp;
use uuid::Uuid;

use crate::case::{CaseStatus, CaseSummary};
use crate::org::{NewOrganisation, Organisation};
use crate::report::{Language, ReportKind};
use crate::user::{Principal, Role};

// ---------------------------------------------------------------------------------------------
// Encryption

/// Associated data of one sealed value: binds a ciphertext to the table, column and row it was
/// written for, so that a ciphertext copied into another row or column no longer opens.
#[derive(Debug, Clone, Copy)]
pub struct Aad {
    pub table: &'static str,
    pub column: &'static str,
    pub row: Uuid,
}

impl Aad {
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        format!("breachdesk/v1|{}|{}|{}", self.table, self.column, self.row).into_bytes()
    }
}

/// A case data key as stored: encrypted under the master key. Useless without it.
#[derive(Clone, PartialEq, Eq)]
pub struct WrappedKey(pub Vec<u8>);

impl fmt::Debug for WrappedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WrappedKey({} bytes)", self.0.len())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// The ciphertext does not open with this key and associated data: tampered, moved or the
    /// case key has been destroyed.
    #[error("ciphertext failed authentication")]
    Authentication,
    #[error("sealed value is malformed")]
    Malformed,
}

/// Seals and opens the values of one case.
pub trait CaseCipher {
    fn seal(&self, aad: &Aad, plaintext: &[u8]) -> Vec<u8>;
    fn open(&self, aad: &Aad, sealed: &[u8]) -> Result<zeroize::Zeroizing<Vec<u8>>, CryptoError>;
}

/// Makes and unwraps case keys under the installation's master key.
pub trait Keyring: Send + Sync + fmt::Debug {
    type CaseKey: CaseCipher;

    fn new_case_key(&self, case_id: Uuid) -> (Self::CaseKey, WrappedKey);
    fn unwrap_case_key(
        &self,
        case_id: Uuid,
        wrapped: &WrappedKey,
    ) -> Result<Self::CaseKey, CryptoError>;
}

/// Slow, salted hashing for low-entropy secrets (receipt codes, passwords).
pub trait SecretHasher: Send + Sync + fmt::Debug {
    /// A PHC string with algorithm, parameters and salt.
    fn hash(&self, secret: &str) -> String;
    fn verify(&self, secret: &str, phc: &str) -> bool;
}

// ---------------------------------------------------------------------------------------------
// Storage

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was violated; the string names the rule, never the value.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error(transparent)]
    Other(Box<dyn std::error::Error + Send + Sync>),
}

/// A case to create, with its wrapped data key.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub id: Uuid,
    pub org_id: Uuid,
    pub created_at: Timestamp,
    pub wrapped_key: WrappedKey,
}

/// A sealed report to store.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub id: Uuid,
    pub case_id: Uuid,
    pub kind: ReportKind,
    pub created_at: Timestamp,
    pub language: Language,
    pub receipt_locator: String,
    pub receipt_hash: String,
    pub body: Vec<u8>,
    pub contact: Option<Vec<u8>>,
}

/// A case as stored (with its wrapped key, not its content).
#[derive(Debug, Clone)]
pub struct CaseRecord {
    pub id: Uuid,
    pub org_id: Uuid,
    pub reference: String,
    pub status: CaseStatus,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub wrapped_key: WrappedKey,
}

#[derive(Debug, Clone)]
pub struct ReportRecord {
    pub id: Uuid,
    pub case_id: Uuid,
    pub kind: ReportKind,
    pub created_at: Timestamp,
    pub language: Language,
    pub body: Vec<u8>,
    pub contact: Option<Vec<u8>>,
}

/// What a receipt code leads to, for verifying it.
#[derive(Debug, Clone)]
pub struct ReceiptRecord {
    pub report_id: Uuid,
    pub case_id: Uuid,
    pub receipt_hash: String,
    pub failed_attempts: i64,
    pub locked_until: Option<Timestamp>,
}

#[derive(Debug, Clone)]
pub struct NewSupplement {
    pub id: Uuid,
    pub report_id: Uuid,
    pub created_at: Timestamp,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct SupplementRecord {
    pub id: Uuid,
    pub report_id: Uuid,
    pub created_at: Timestamp,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub id: Uuid,
    pub email: String,
    pub password_hash: String,
    pub created_at: Timestamp,
}

/// Which page of the register to return.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
}

/// The persistence port. Implementations keep every method atomic and durable on return.
#[async_trait]
pub trait Store: Send + Sync + fmt::Debug {
    /// Does the database answer?
    async fn ping(&self) -> Result<(), StoreError>;

    async fn create_org(
        &self,
        org: &NewOrganisation,
        id: Uuid,
        ref_prefix: &str,
        now: Timestamp,
    ) -> Result<Organisation, StoreError>;
    async fn org_by_slug(&self, slug: &str) -> Result<Option<Organisation>, StoreError>;

    /// Creates the user, or returns the existing id if the e-mail is known (`false` = existed).
    async fn ensure_user(&self, user: &NewUser) -> Result<(Uuid, bool), StoreError>;
    async fn user_id_by_email(&self, email: &str) -> Result<Option<Uuid>, StoreError>;
    async fn add_membership(
        &self,
        user_id: Uuid,
        org_id: Uuid,
        role: Role,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    async fn create_token(
        &self,
        id: Uuid,
        user_id: Uuid,
        token_hash: &[u8],
        now: Timestamp,
    ) -> Result<(), StoreError>;
    async fn principal_by_token(&self, token_hash: &[u8]) -> Result<Option<Principal>, StoreError>;

    /// Creates the case with the next reference number of its organisation and year, and its
    /// first report, in one durable transaction. Returns the case reference.
    async fn insert_intake(
        &self,
        case: &NewCase,
        report: &NewReport,
        year: i16,
    ) -> Result<String, StoreError>;
    async fn list_cases(
        &self,
        org_ids: &[Uuid],
        page: Page,
    ) -> Result<Vec<CaseSummary>, StoreError>;
    async fn case_by_id(&self, id: Uuid) -> Result<Option<CaseRecord>, StoreError>;
    async fn reports_of_case(&self, case_id: Uuid) -> Result<Vec<ReportRecord>, StoreError>;

    async fn receipt_by_locator(&self, locator: &str) -> Result<Option<ReceiptRecord>, StoreError>;
    /// Counts a wrong code; locks the report for follow-up until `lock_until` once `max` is reached.
    async fn record_receipt_failure(
        &self,
        report_id: Uuid,
        max: i64,
        lock_until: Timestamp,
    ) -> Result<(), StoreError>;
    async fn reset_receipt_failures(&self, report_id: Uuid) -> Result<(), StoreError>;
    async fn insert_supplement(&self, supplement: &NewSupplement) -> Result<(), StoreError>;
    async fn supplements_of_report(
        &self,
        report_id: Uuid,
    ) -> Result<Vec<SupplementRecord>, StoreError>;
}
