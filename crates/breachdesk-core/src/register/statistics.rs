//! The register at a glance (issue 21): breaches per month and per nature, the time from
//! awareness to the authority's notification against the 72 hours of Art. 33(1), the share
//! notified and communicated, and the most frequent causes and systems. Computed from the
//! register's entries, so every filter of the register applies to its statistics too.

use std::collections::BTreeMap;

use super::{NATURES, RegisterEntry};

/// One bar or line of a chart: what it counts and how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    pub label: String,
    pub count: u64,
}

/// How notifications to the authority went, against the 72 hours.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeliness {
    /// Notified within 72 hours of awareness.
    pub in_time: u64,
    /// Notified after 72 hours.
    pub late: u64,
    /// Not notified, and more than 72 hours after awareness while not decided unnecessary.
    pub overdue: u64,
    /// Decided that no notification is needed.
    pub not_required: u64,
    /// Still within the 72 hours, or without an awareness time.
    pub open: u64,
    /// The hours from awareness to notification, case by case (reference, hours).
    pub hours: Vec<(String, i64)>,
    /// The median of `hours`.
    pub median_hours: Option<i64>,
}

/// The register's statistics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Statistics {
    pub breaches: u64,
    /// Breaches per month of awareness (else of the report), `YYYY-MM`, oldest first, months
    /// without breaches included between the first and the last.
    pub per_month: Vec<Count>,
    /// Breaches per nature (a breach may have several).
    pub per_nature: Vec<Count>,
    pub timeliness: Timeliness,
    /// The people concerned were told (letters or a public notice).
    pub communicated: u64,
    /// The most frequent causes, most first (at most five).
    pub causes: Vec<Count>,
    /// The most frequent systems as written (case and spacing ignored), most first (at most
    /// five).
    pub systems: Vec<Count>,
}

fn top(counts: BTreeMap<String, u64>, n: usize) -> Vec<Count> {
    let mut v: Vec<Count> = counts
        .into_iter()
        .map(|(label, count)| Count { label, count })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    v.truncate(n);
    v
}

fn month_of(e: &RegisterEntry) -> (i16, i8) {
    let z = e
        .aware_at
        .unwrap_or(e.reported_at)
        .to_zoned(jiff::tz::TimeZone::UTC);
    (z.year(), z.month())
}

/// The statistics of these register entries.
#[must_use]
pub fn statistics(entries: &[RegisterEntry]) -> Statistics {
    let mut s = Statistics {
        breaches: entries.len() as u64,
        ..Statistics::default()
    };
    let months: BTreeMap<(i16, i8), u64> = entries.iter().fold(BTreeMap::new(), |mut m, e| {
        *m.entry(month_of(e)).or_default() += 1;
        m
    });
    if let (Some(first), Some(last)) = (months.keys().next(), months.keys().next_back()) {
        let (mut y, mut m) = *first;
        while (y, m) <= *last {
            s.per_month.push(Count {
                label: format!("{y:04}-{m:02}"),
                count: months.get(&(y, m)).copied().unwrap_or(0),
            });
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
    }
    s.per_nature = NATURES
        .iter()
        .map(|n| Count {
            label: (*n).to_owned(),
            count: entries
                .iter()
                .filter(|e| e.nature.iter().any(|x| x == n))
                .count() as u64,
        })
        .collect();
    let t = &mut s.timeliness;
    for e in entries {
        match (e.notified_at, e.hours_to_notification) {
            (Some(_), Some(h)) => {
                if e.late {
                    t.late += 1;
                } else {
                    t.in_time += 1;
                }
                t.hours.push((e.reference.clone(), h));
            }
            (Some(_), None) => t.in_time += 1,
            (None, _) if e.notify_authority == Some(false) => t.not_required += 1,
            (None, _) if e.late => t.overdue += 1,
            (None, _) => t.open += 1,
        }
    }
    let mut hours: Vec<i64> = t.hours.iter().map(|(_, h)| *h).collect();
    hours.sort_unstable();
    t.median_hours = (!hours.is_empty()).then(|| hours[hours.len() / 2]);
    s.communicated = entries
        .iter()
        .filter(|e| e.communicated_at.is_some())
        .count() as u64;
    let mut causes = BTreeMap::new();
    let mut systems = BTreeMap::new();
    for e in entries {
        if let Some(c) = &e.cause {
            *causes.entry(c.clone()).or_default() += 1;
        }
        let system = e.systems.split_whitespace().collect::<Vec<_>>().join(" ");
        if !system.is_empty() {
            *systems.entry(system.to_lowercase()).or_default() += 1;
        }
    }
    s.causes = top(causes, 5);
    s.systems = top(systems, 5);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    fn entry(reference: &str, aware: &str, notified: Option<&str>) -> RegisterEntry {
        let aware: Timestamp = aware.parse().unwrap();
        let notified: Option<Timestamp> = notified.map(|n| n.parse().unwrap());
        let hours = notified.map(|n| n.duration_since(aware).as_hours());
        RegisterEntry {
            reference: reference.into(),
            status: "notified".into(),
            reported_at: aware,
            occurred_at: None,
            aware_at: Some(aware),
            notified_at: notified,
            hours_to_notification: hours,
            late: hours.is_some_and(|h| h > 72),
            delay_reasons: None,
            authority_reference: None,
            communicated_at: None,
            nature: vec!["confidentiality".into()],
            categories: Vec::new(),
            subject_categories: Vec::new(),
            subjects: None,
            subjects_certainty: None,
            records: None,
            records_certainty: None,
            cause: Some("external_malicious".into()),
            systems: "Sisu".into(),
            risk: None,
            severity: None,
            likelihood: None,
            measures_before: String::new(),
            measures_after: String::new(),
            notify_authority: Some(true),
            communicate_to_subjects: None,
            exemption: None,
            decision_reason: None,
            held: false,
            retain_until: None,
            destroyed_at: None,
        }
    }

    #[test]
    fn months_natures_timeliness_causes_and_systems() {
        let mut a = entry("A", "2026-01-10T08:00:00Z", Some("2026-01-11T08:00:00Z"));
        let b = entry("B", "2026-03-02T08:00:00Z", Some("2026-03-06T08:00:00Z"));
        let mut c = entry("C", "2026-03-20T08:00:00Z", None);
        c.notify_authority = Some(false);
        c.systems = "  sisu ".into();
        c.cause = Some("internal_non_malicious".into());
        a.nature.push("availability".into());
        a.communicated_at = a.notified_at;
        let s = statistics(&[a, b, c]);
        assert_eq!(s.breaches, 3);
        let months: Vec<(&str, u64)> = s
            .per_month
            .iter()
            .map(|c| (c.label.as_str(), c.count))
            .collect();
        assert_eq!(months, [("2026-01", 1), ("2026-02", 0), ("2026-03", 2)]);
        assert_eq!(s.per_nature[0].count, 3);
        assert_eq!(s.per_nature[2].count, 1, "availability");
        assert_eq!(
            (
                s.timeliness.in_time,
                s.timeliness.late,
                s.timeliness.not_required
            ),
            (1, 1, 1)
        );
        assert_eq!(
            s.timeliness.hours,
            [("A".to_owned(), 24), ("B".to_owned(), 96)]
        );
        assert_eq!(s.timeliness.median_hours, Some(96));
        assert_eq!(s.communicated, 1);
        assert_eq!(
            s.causes[0],
            Count {
                label: "external_malicious".into(),
                count: 2
            }
        );
        assert_eq!(
            s.systems,
            [Count {
                label: "sisu".into(),
                count: 3
            }]
        );
        let none = statistics(&[]);
        assert_eq!((none.breaches, none.per_month.len()), (0, 0));
        assert_eq!(none.timeliness, Timeliness::default());
        assert!(none.per_nature.iter().all(|n| n.count == 0));
    }
}
