//! Cases: the unit of investigation that reports open or join.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use uuid::Uuid;

use crate::report::ReportKind;

/// Where a case stands. Transitions and who may make them arrive with case handling; intake only
/// ever creates `Received`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseStatus {
    Received,
    Triage,
    Investigating,
    Assessed,
    Notified,
    Closed,
    Unfounded,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 7] = [
        Self::Received,
        Self::Triage,
        Self::Investigating,
        Self::Assessed,
        Self::Notified,
        Self::Closed,
        Self::Unfounded,
    ];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Triage => "triage",
            Self::Investigating => "investigating",
            Self::Assessed => "assessed",
            Self::Notified => "notified",
            Self::Closed => "closed",
            Self::Unfounded => "unfounded",
        }
    }
}

impl fmt::Display for CaseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown case status {0:?}")]
pub struct UnknownStatus(pub String);

impl FromStr for CaseStatus {
    type Err = UnknownStatus;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownStatus(s.to_owned()))
    }
}

/// Formats the human reference of a case, e.g. `UNI-2026-0007`.
#[must_use]
pub fn format_reference(prefix: &str, year: i16, number: i64) -> String {
    format!("{prefix}-{year}-{number:04}")
}

/// A row of the case register: no content, only what the list needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSummary {
    pub id: Uuid,
    pub org_id: Uuid,
    pub org_slug: String,
    pub reference: String,
    pub status: CaseStatus,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub report_count: i64,
    pub first_kind: ReportKind,
}
