//! Request and response shapes of the JSON API, as documented in the `OpenAPI` document.
//!
//! Reports are validated field by field by `breachdesk_core::report::validate_report` (so that
//! every error is reported, not just the first), so the request types below describe the body
//! rather than parse it; a test keeps them equal to the fields the validator accepts.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A report of one of three kinds. A new report opens its own case.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ReportRequest {
    /// Someone noticed a suspected breach; contact fields are optional.
    Breach(BreachReport),
    /// A processor notifies a confirmed breach (Art. 33(2) GDPR), possibly in phases.
    Processor(ProcessorReport),
    /// Nothing identifying the reporter is accepted or stored, not even the IP address.
    Anonymous(AnonymousReport),
}

/// Language for later messages to the reporter: `fi`, `sv` or `en` (default `fi`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum LanguageCode {
    Fi,
    Sv,
    En,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum PhaseName {
    Initial,
    Supplementary,
    Final,
}

#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct BreachReport {
    /// How the breach was noticed (at most 4000 characters).
    how_noticed: String,
    /// When it was noticed: RFC 3339 with offset, not in the future.
    #[schema(example = "2026-11-22T09:15:00+02:00")]
    noticed_at: String,
    /// What happened (at most 20000 characters). Describe the event, not the leaked data.
    what_happened: String,
    /// Which processing, program, application or system (at most 1000 characters).
    system: String,
    reporter_name: Option<String>,
    reporter_phone: Option<String>,
    reporter_email: Option<String>,
    language: Option<LanguageCode>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct AnonymousReport {
    how_noticed: String,
    #[schema(example = "2026-11-22T09:15:00+02:00")]
    noticed_at: String,
    what_happened: String,
    system: String,
    language: Option<LanguageCode>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct ProcessorReport {
    processor_name: String,
    processor_contact_name: Option<String>,
    /// `processor_email` or `processor_phone` is required.
    processor_email: Option<String>,
    processor_phone: Option<String>,
    /// Must be `true`: processors notify confirmed breaches.
    breach_confirmed: bool,
    #[schema(example = "2026-11-21T08:00:00+02:00")]
    noticed_at: String,
    phase: PhaseName,
    /// Art. 33(3)(a): nature of the breach.
    nature: String,
    data_subject_categories: String,
    approx_data_subjects: Option<u64>,
    personal_data_categories: String,
    approx_records: Option<u64>,
    system: Option<String>,
    /// Art. 33(3)(b).
    contact_point: String,
    /// Art. 33(3)(c); required in the `final` phase.
    likely_consequences: Option<String>,
    /// Art. 33(3)(d); required in the `final` phase.
    measures: Option<String>,
    language: Option<LanguageCode>,
}

/// A hint that a free-text field seems to contain protected data itself.
#[derive(Debug, Serialize, ToSchema)]
pub struct WarningDto {
    pub field: &'static str,
    /// `national_id`, `payment_card` or `iban`.
    pub category: &'static str,
    pub message: String,
}

/// The report is durably stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportAccepted {
    /// The report.
    pub id: Uuid,
    /// The case the report opened.
    pub case_id: Uuid,
    /// Human case reference, e.g. `UNI-2026-0001`.
    pub reference: String,
    /// 24 digits, returned only this once; needed to follow up.
    pub receipt_code: String,
    pub warnings: Vec<WarningDto>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct FollowUpRequest {
    /// The receipt code; spaces and hyphens are ignored.
    receipt_code: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct SupplementRequest {
    receipt_code: String,
    /// New information (at most 20000 characters).
    text: String,
    /// For processors: the phase this supplement completes.
    phase: Option<PhaseName>,
    /// The id of the handlers' question this answers (see `questions` of the follow-up).
    answers: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SupplementSummary {
    pub created_at: String,
    pub phase: Option<&'static str>,
}

/// What the reporter may see: status and dates, never content.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpStatus {
    pub reference: String,
    pub status: &'static str,
    pub kind: &'static str,
    pub received_at: String,
    pub supplements: Vec<SupplementSummary>,
    /// Questions the handlers asked the reporter; answer one with a supplement's `answers`.
    pub questions: Vec<QuestionDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionDto {
    pub id: Uuid,
    pub asked_at: String,
    pub text: String,
    pub answered: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SupplementAccepted {
    pub id: Uuid,
    pub warnings: Vec<WarningDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseListItem {
    pub id: Uuid,
    pub reference: String,
    pub organisation: String,
    pub status: &'static str,
    /// Kind of the report that opened the case.
    pub kind: &'static str,
    pub report_count: i64,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseList {
    pub cases: Vec<CaseListItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SupplementDto {
    pub id: Uuid,
    pub created_at: String,
    pub text: String,
    pub phase: Option<&'static str>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportDto {
    pub id: Uuid,
    pub kind: &'static str,
    pub language: &'static str,
    pub created_at: String,
    /// The report's fields as submitted (tagged with `kind`).
    #[schema(value_type = Object)]
    pub body: serde_json::Value,
    /// Contact details (`name`, `phone`, `email`), absent for anonymous reports.
    #[schema(value_type = Option<Object>)]
    pub contact: Option<serde_json::Value>,
    pub supplements: Vec<SupplementDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseDetail {
    pub id: Uuid,
    pub org_id: Uuid,
    pub reference: String,
    pub status: &'static str,
    pub created_at: String,
    pub updated_at: String,
    pub reports: Vec<ReportDto>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// At most this many cases (1–200, default 50).
    pub limit: Option<i64>,
    /// Skip this many (default 0).
    pub offset: Option<i64>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegisterParams {
    /// The organisation's slug; default: the first whose register the caller may read.
    pub org: Option<String>,
    /// `json` (default), `csv` or `xlsx` (the export's column layout), or `pdf` (printable).
    pub format: Option<String>,
    /// Only breaches of this year (of the awareness time, else of the report).
    pub year: Option<String>,
    /// Only cases in this status (`received` … `closed`, `unfounded`).
    pub status: Option<String>,
    /// `confidentiality`, `integrity` or `availability`.
    pub nature: Option<String>,
    /// A data category id, e.g. `health`.
    pub category: Option<String>,
    /// `notify`, `no_notification` or `undecided`.
    pub decision: Option<String>,
}
