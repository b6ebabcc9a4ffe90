//! Turning a valid report into sealed records, and opening them again for a reader.

use jiff::Timestamp;
use serde::Serialize;
use uuid::Uuid;

use crate::ports::{
    Aad, CaseCipher, CryptoError, Keyring, NewCase, NewReport, NewSupplement, ReportRecord,
    SecretHasher, SupplementRecord,
};
use crate::receipt::ReceiptCode;
use crate::report::{Contact, ReportBody, SupplementBody, ValidReport};

pub const REPORTS: &str = "reports";
pub const SUPPLEMENTS: &str = "supplements";

fn body_aad(report_id: Uuid) -> Aad {
    Aad {
        table: REPORTS,
        column: "body",
        row: report_id,
    }
}
fn contact_aad(report_id: Uuid) -> Aad {
    Aad {
        table: REPORTS,
        column: "contact",
        row: report_id,
    }
}
fn supplement_aad(id: Uuid) -> Aad {
    Aad {
        table: SUPPLEMENTS,
        column: "body",
        row: id,
    }
}

fn to_json<T: Serialize>(v: &T) -> zeroize::Zeroizing<Vec<u8>> {
    // Serializing plain owned structs into a Vec cannot fail.
    zeroize::Zeroizing::new(serde_json::to_vec(v).unwrap_or_default())
}

/// A receipt code with its Argon2id hash, ready to hand out. Making one is the expensive part
/// of an intake, so the web layer may make them ahead of time (see its receipt pool).
pub struct IssuedReceipt {
    pub code: ReceiptCode,
    pub hash: String,
}

impl IssuedReceipt {
    /// A fresh random code and its hash. CPU-heavy: run it on a blocking thread.
    #[must_use]
    pub fn new<H: SecretHasher + ?Sized>(hasher: &H) -> Self {
        let code = ReceiptCode::generate();
        let hash = hasher.hash(code.expose_secret());
        Self { code, hash }
    }
}

impl std::fmt::Debug for IssuedReceipt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedReceipt")
            .field("code", &self.code)
            .finish_non_exhaustive()
    }
}

/// A new case and its first report, sealed, plus the receipt code to show the reporter once.
#[derive(Debug)]
pub struct SealedIntake {
    pub case: NewCase,
    pub report: NewReport,
    pub receipt: ReceiptCode,
}

/// Generates the case key and ids and seals the report under it; the receipt's hash goes into
/// the report record, the code itself only to the reporter.
pub fn seal_intake<K: Keyring>(
    keyring: &K,
    org_id: Uuid,
    report: &ValidReport,
    receipt: IssuedReceipt,
    now: Timestamp,
) -> Result<SealedIntake, CryptoError> {
    let case_id = Uuid::now_v7();
    let report_id = Uuid::now_v7();
    let (key, wrapped_key) = keyring.new_case_key(case_id)?;
    let body = key.seal(&body_aad(report_id), &to_json(&report.body));
    let contact = report
        .contact
        .as_ref()
        .map(|c| key.seal(&contact_aad(report_id), &to_json(c)));
    let IssuedReceipt { code, hash } = receipt;
    Ok(SealedIntake {
        case: NewCase {
            id: case_id,
            org_id,
            created_at: now,
            wrapped_key,
        },
        report: NewReport {
            id: report_id,
            case_id,
            kind: report.body.kind(),
            created_at: now,
            language: report.language,
            receipt_locator: code.locator().to_owned(),
            receipt_hash: hash,
            body,
            contact,
            channel: crate::report::Channel::Form,
            taken_by: None,
        },
        receipt: code,
    })
}

/// Replaces the receipt code of a sealed intake (after a locator collision).
pub fn renew_receipt(sealed: &mut SealedIntake, receipt: IssuedReceipt) {
    let IssuedReceipt { code, hash } = receipt;
    code.locator()
        .clone_into(&mut sealed.report.receipt_locator);
    sealed.report.receipt_hash = hash;
    sealed.receipt = code;
}

/// A report opened for a reader with the right to see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedReport {
    pub body: ReportBody,
    pub contact: Option<Contact>,
}

fn from_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, CryptoError> {
    serde_json::from_slice(bytes).map_err(|_| CryptoError::Malformed)
}

pub fn open_report<C: CaseCipher>(
    key: &C,
    record: &ReportRecord,
) -> Result<OpenedReport, CryptoError> {
    let body = from_json(&key.open(&body_aad(record.id), &record.body)?)?;
    let contact = match &record.contact {
        Some(ct) => Some(from_json(&key.open(&contact_aad(record.id), ct)?)?),
        None => None,
    };
    Ok(OpenedReport { body, contact })
}

pub fn seal_supplement<C: CaseCipher>(
    key: &C,
    report_id: Uuid,
    body: &SupplementBody,
    now: Timestamp,
) -> NewSupplement {
    let id = Uuid::now_v7();
    NewSupplement {
        id,
        report_id,
        created_at: now,
        body: key.seal(&supplement_aad(id), &to_json(body)),
    }
}

pub fn open_supplement<C: CaseCipher>(
    key: &C,
    record: &SupplementRecord,
) -> Result<SupplementBody, CryptoError> {
    from_json(&key.open(&supplement_aad(record.id), &record.body)?)
}
