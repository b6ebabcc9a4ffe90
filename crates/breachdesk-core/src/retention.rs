//! How long a case is kept (issue 21; the Finnish guidance the product serves: the documents of
//! a breach are kept for ten years after the case is resolved, then destroyed; what proves
//! unfounded is deleted earlier). A case gets its retention date when it is closed or found
//! unfounded, and loses it when it is reopened.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};

use crate::case::CaseStatus;

/// An organisation's retention periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Years a closed case is kept after its resolution (default 10).
    pub years: u16,
    /// Days an unfounded case is kept (default 365).
    pub unfounded_days: u16,
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            years: 10,
            unfounded_days: 365,
        }
    }
}

impl Retention {
    /// When a case that reaches `status` at `now` is due for destruction: `None` for a status
    /// that is not an end (a reopened case is kept until it ends again).
    #[must_use]
    pub fn until(self, status: CaseStatus, now: Timestamp) -> Option<Timestamp> {
        match status {
            CaseStatus::Closed => now
                .to_zoned(TimeZone::UTC)
                .checked_add(i64::from(self.years).years())
                .ok()
                .map(|z| z.timestamp()),
            CaseStatus::Unfounded => now
                .checked_add(SignedDuration::from_hours(
                    24 * i64::from(self.unfounded_days),
                ))
                .ok(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_cases_are_kept_ten_years_unfounded_ones_a_year_and_open_ones_until_they_end() {
        let now: Timestamp = "2026-12-06T10:00:00Z".parse().unwrap();
        let r = Retention::default();
        assert_eq!(
            r.until(CaseStatus::Closed, now),
            Some("2036-12-06T10:00:00Z".parse().unwrap())
        );
        assert_eq!(
            r.until(CaseStatus::Unfounded, now),
            Some("2027-12-06T10:00:00Z".parse().unwrap())
        );
        for s in [
            CaseStatus::Received,
            CaseStatus::Triage,
            CaseStatus::Investigating,
            CaseStatus::Assessed,
            CaseStatus::Notified,
        ] {
            assert_eq!(r.until(s, now), None, "{s}");
        }
        let short = Retention {
            years: 5,
            unfounded_days: 30,
        };
        assert_eq!(
            short.until(CaseStatus::Closed, now),
            Some("2031-12-06T10:00:00Z".parse().unwrap())
        );
        assert_eq!(
            short.until(CaseStatus::Unfounded, now),
            Some("2027-01-05T10:00:00Z".parse().unwrap())
        );
    }
}
