//! The 72-hour clock of Art. 33(1): from the awareness time to the notification of the
//! supervisory authority, the reminders on the way, and the reasons a late notification needs.

use jiff::{SignedDuration, Timestamp};

/// Art. 33(1): "not later than 72 hours after having become aware of it".
pub const NOTIFICATION_WINDOW: SignedDuration = SignedDuration::from_hours(72);

/// Less than this much time left and the deadline stands out as approaching.
pub const APPROACHING: SignedDuration = SignedDuration::from_hours(24);

/// When reminders go out, counted from the awareness time (default 24 h, 48 h and 64 h).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderSchedule(Vec<SignedDuration>);

impl Default for ReminderSchedule {
    fn default() -> Self {
        Self(vec![
            SignedDuration::from_hours(24),
            SignedDuration::from_hours(48),
            SignedDuration::from_hours(64),
        ])
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("reminder points must be between 1 and 71 hours after awareness, got {0}")]
    OutOfRange(String),
    #[error("reminder points must be whole hours separated by commas, e.g. 24,48,64")]
    Syntax,
}

impl ReminderSchedule {
    /// Parses hours after awareness, e.g. `24,48,64`. Sorted, duplicates removed.
    pub fn parse_hours(s: &str) -> Result<Self, ScheduleError> {
        let mut hours = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let h: i64 = part.parse().map_err(|_| ScheduleError::Syntax)?;
            if !(1..72).contains(&h) {
                return Err(ScheduleError::OutOfRange(part.to_owned()));
            }
            hours.push(h);
        }
        if hours.is_empty() {
            return Err(ScheduleError::Syntax);
        }
        hours.sort_unstable();
        hours.dedup();
        Ok(Self(
            hours.into_iter().map(SignedDuration::from_hours).collect(),
        ))
    }

    #[must_use]
    pub fn points(&self) -> &[SignedDuration] {
        &self.0
    }

    /// The reminder points (hours after awareness) that are due at `now` and not yet sent. A
    /// reminder is only due while the authority has not been notified.
    #[must_use]
    pub fn due(&self, awareness: Timestamp, now: Timestamp, already_sent: &[i64]) -> Vec<i64> {
        self.0
            .iter()
            .filter(|p| awareness.checked_add(**p).is_ok_and(|t| t <= now))
            .map(SignedDuration::as_hours)
            .filter(|h| !already_sent.contains(h))
            .collect()
    }
}

/// Where a case stands against the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineState {
    /// No awareness time yet: the clock has not started.
    NotStarted,
    /// More than a day left.
    Running { left: SignedDuration },
    /// Less than a day left.
    Approaching { left: SignedDuration },
    /// The 72 hours have passed without a notification.
    Overdue { by: SignedDuration },
    /// Notified within 72 hours.
    Met,
    /// Notified after 72 hours.
    MetLate { by: SignedDuration },
    /// The authority need not be notified (unfounded, or decided unlikely to result in a risk).
    NotRequired,
}

impl DeadlineState {
    #[must_use]
    pub const fn id(self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::Running { .. } => "running",
            Self::Approaching { .. } => "approaching",
            Self::Overdue { .. } => "overdue",
            Self::Met => "met",
            Self::MetLate { .. } => "met_late",
            Self::NotRequired => "not_required",
        }
    }
}

/// The deadline for notifying the authority.
#[must_use]
pub fn due_at(awareness: Timestamp) -> Timestamp {
    awareness
        .checked_add(NOTIFICATION_WINDOW)
        .unwrap_or(awareness)
}

/// The state of the clock at `now`.
#[must_use]
pub fn state(
    awareness: Option<Timestamp>,
    notified_at: Option<Timestamp>,
    not_required: bool,
    now: Timestamp,
) -> DeadlineState {
    let Some(awareness) = awareness else {
        return if not_required {
            DeadlineState::NotRequired
        } else {
            DeadlineState::NotStarted
        };
    };
    let due = due_at(awareness);
    if let Some(at) = notified_at {
        return if at <= due {
            DeadlineState::Met
        } else {
            DeadlineState::MetLate {
                by: at.duration_since(due),
            }
        };
    }
    if not_required {
        return DeadlineState::NotRequired;
    }
    let left = due.duration_since(now);
    if left.is_negative() {
        DeadlineState::Overdue { by: -left }
    } else if left < APPROACHING {
        DeadlineState::Approaching { left }
    } else {
        DeadlineState::Running { left }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotificationRecordError {
    #[error(
        "the notification was made more than 72 hours after awareness: give the reasons for the delay (Art. 33(1))"
    )]
    DelayReasonsRequired,
    #[error("the notification time is before the awareness time")]
    BeforeAwareness,
    #[error("the notification time is in the future")]
    InTheFuture,
}

/// Checks the record of a notification to the authority: after 72 hours it must carry the
/// reasons for the delay.
pub fn check_notification_record(
    awareness: Timestamp,
    notified_at: Timestamp,
    delay_reasons: Option<&str>,
    now: Timestamp,
) -> Result<(), NotificationRecordError> {
    if notified_at > now {
        return Err(NotificationRecordError::InTheFuture);
    }
    if notified_at < awareness {
        return Err(NotificationRecordError::BeforeAwareness);
    }
    if notified_at > due_at(awareness) && delay_reasons.is_none_or(|r| r.trim().is_empty()) {
        return Err(NotificationRecordError::DelayReasonsRequired);
    }
    Ok(())
}

/// "2 d 5 h", "5 h 12 min", "12 min": how a handler reads the time left.
#[must_use]
pub fn human(d: SignedDuration) -> String {
    let mins = d.abs().as_mins();
    let (days, hours, minutes) = (mins / (24 * 60), (mins / 60) % 24, mins % 60);
    if days > 0 {
        format!("{days} d {hours} h")
    } else if hours > 0 {
        format!("{hours} h {minutes} min")
    } else {
        format!("{minutes} min")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn the_clock_runs_72_hours_from_awareness() {
        let aware = t("2026-11-20T08:00:00Z");
        assert_eq!(due_at(aware), t("2026-11-23T08:00:00Z"));
        assert_eq!(state(None, None, false, aware), DeadlineState::NotStarted);
        assert_eq!(
            state(Some(aware), None, false, t("2026-11-21T08:00:00Z")),
            DeadlineState::Running {
                left: SignedDuration::from_hours(48)
            }
        );
        // Exactly 24 h left is still running; a minute later it is approaching.
        assert!(matches!(
            state(Some(aware), None, false, t("2026-11-22T08:00:00Z")),
            DeadlineState::Running { .. }
        ));
        assert_eq!(
            state(Some(aware), None, false, t("2026-11-22T08:01:00Z")),
            DeadlineState::Approaching {
                left: SignedDuration::from_mins(23 * 60 + 59)
            }
        );
        assert_eq!(
            state(Some(aware), None, false, t("2026-11-23T08:00:00Z")),
            DeadlineState::Approaching {
                left: SignedDuration::ZERO
            }
        );
        assert_eq!(
            state(Some(aware), None, false, t("2026-11-23T09:30:00Z")),
            DeadlineState::Overdue {
                by: SignedDuration::from_mins(90)
            }
        );
        assert_eq!(
            state(
                Some(aware),
                Some(t("2026-11-23T08:00:00Z")),
                false,
                t("2026-12-01T00:00:00Z")
            ),
            DeadlineState::Met
        );
        assert_eq!(
            state(
                Some(aware),
                Some(t("2026-11-23T10:00:00Z")),
                false,
                t("2026-12-01T00:00:00Z")
            ),
            DeadlineState::MetLate {
                by: SignedDuration::from_hours(2)
            }
        );
        assert_eq!(
            state(Some(aware), None, true, t("2026-12-01T00:00:00Z")),
            DeadlineState::NotRequired
        );
    }

    #[test]
    fn reminders_fall_due_once_each() {
        let s = ReminderSchedule::default();
        let aware = t("2026-11-20T08:00:00Z");
        assert!(s.due(aware, t("2026-11-21T07:59:59Z"), &[]).is_empty());
        assert_eq!(s.due(aware, t("2026-11-21T08:00:00Z"), &[]), vec![24]);
        assert!(s.due(aware, t("2026-11-21T09:00:00Z"), &[24]).is_empty());
        // A server that was down over two points catches up on both.
        assert_eq!(s.due(aware, t("2026-11-23T00:00:00Z"), &[24]), vec![48, 64]);
    }

    #[test]
    fn reminder_points_are_configurable_and_checked() {
        assert_eq!(
            ReminderSchedule::parse_hours("48, 12,48").unwrap().points(),
            &[
                SignedDuration::from_hours(12),
                SignedDuration::from_hours(48)
            ]
        );
        assert_eq!(
            ReminderSchedule::parse_hours("72"),
            Err(ScheduleError::OutOfRange("72".into()))
        );
        assert_eq!(
            ReminderSchedule::parse_hours("0"),
            Err(ScheduleError::OutOfRange("0".into()))
        );
        assert_eq!(
            ReminderSchedule::parse_hours("a day"),
            Err(ScheduleError::Syntax)
        );
        assert_eq!(
            ReminderSchedule::parse_hours(""),
            Err(ScheduleError::Syntax)
        );
    }

    #[test]
    fn a_late_notification_needs_its_reasons() {
        let aware = t("2026-11-20T08:00:00Z");
        let now = t("2026-11-30T00:00:00Z");
        assert_eq!(
            check_notification_record(aware, t("2026-11-23T08:00:00Z"), None, now),
            Ok(())
        );
        assert_eq!(
            check_notification_record(aware, t("2026-11-23T08:00:01Z"), None, now),
            Err(NotificationRecordError::DelayReasonsRequired)
        );
        assert_eq!(
            check_notification_record(aware, t("2026-11-23T08:00:01Z"), Some(" "), now),
            Err(NotificationRecordError::DelayReasonsRequired)
        );
        assert_eq!(
            check_notification_record(
                aware,
                t("2026-11-24T08:00:00Z"),
                Some("The processor told us only on day 4."),
                now
            ),
            Ok(())
        );
        assert_eq!(
            check_notification_record(aware, t("2026-11-19T08:00:00Z"), None, now),
            Err(NotificationRecordError::BeforeAwareness)
        );
        assert_eq!(
            check_notification_record(aware, t("2026-12-01T08:00:00Z"), None, now),
            Err(NotificationRecordError::InTheFuture)
        );
    }

    #[test]
    fn time_left_reads_plainly() {
        assert_eq!(
            human(SignedDuration::from_mins(2 * 24 * 60 + 5 * 60 + 7)),
            "2 d 5 h"
        );
        assert_eq!(human(SignedDuration::from_mins(5 * 60 + 12)), "5 h 12 min");
        assert_eq!(human(SignedDuration::from_mins(-12)), "12 min");
    }
}
