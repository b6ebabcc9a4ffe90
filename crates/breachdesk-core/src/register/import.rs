//! Bringing an old register in (issue 21): organisations keep their breach register in a
//! spreadsheet today. A file in the export's column layout ([`COLUMNS`]; the export round-trips)
//! is read row by row into register entries of closed (or unfounded) historical cases. The
//! whole file is refused when any row is wrong, and every wrong row is named with its line and
//! column — never with its value, which may be personal data. Reading CSV or XLSX into rows is
//! the caller's; this checks what the rows say.

use std::collections::BTreeSet;

use jiff::Timestamp;

use super::{COLUMNS, NATURES, RegisterEntry};
use crate::assessment::DataCategory;
use crate::scope::{Cause, Certainty, SubjectCategory};

/// Columns the export writes that the import recomputes or ignores (derived values).
const DERIVED: [&str; 9] = [
    "hours_to_notification",
    "late",
    "decided",
    "held",
    "retain_until",
    "destroyed_at",
    "severity",
    "likelihood",
    "exemption",
];

/// At most this many rows in one file.
pub const MAX_ROWS: usize = 10_000;

/// One thing wrong with the file: its line (the header is line 1), the column, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub line: usize,
    pub column: String,
    pub problem: &'static str,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.column.is_empty() {
            write!(f, "line {}: {}", self.line, self.problem)
        } else {
            write!(
                f,
                "line {}, column {}: {}",
                self.line, self.column, self.problem
            )
        }
    }
}

/// A time as the export writes it (RFC 3339) or a day (`YYYY-MM-DD`, taken as its start, UTC).
fn time(s: &str) -> Option<Timestamp> {
    s.parse::<Timestamp>().ok().or_else(|| {
        s.parse::<jiff::civil::Date>()
            .ok()
            .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
            .map(|z| z.timestamp())
    })
}

fn list(s: &str) -> Vec<String> {
    s.split([';', ','])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Reads the rows (the first is the header) into register entries, or names every problem.
///
/// # Errors
/// Every problem of the file, in line order (at most 100 are listed).
pub fn read(rows: &[Vec<String>], now: Timestamp) -> Result<Vec<RegisterEntry>, Vec<RowProblem>> {
    let mut problems = Vec::new();
    let Some((header, body)) = rows.split_first() else {
        return Err(vec![RowProblem {
            line: 1,
            column: String::new(),
            problem: "the file is empty: the first line must name the columns",
        }]);
    };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    for (i, h) in header.iter().enumerate() {
        if !COLUMNS.contains(&h.as_str()) {
            // Named by its place, not its text: a file without a header line would show a row.
            problems.push(RowProblem {
                line: 1,
                column: format!("#{}", i + 1),
                problem: "not a column of the register (see the README for the layout)",
            });
        }
    }
    for required in ["reference", "reported_at"] {
        if !header.iter().any(|h| h == required) {
            problems.push(RowProblem {
                line: 1,
                column: required.to_owned(),
                problem: "this column is required",
            });
        }
    }
    if body.len() > MAX_ROWS {
        problems.push(RowProblem {
            line: MAX_ROWS + 2,
            column: String::new(),
            problem: "more than 10,000 breaches in one file: split it",
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(body.len());
    for (i, row) in body.iter().enumerate() {
        let line = i + 2;
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |name: &str| -> &str {
            header
                .iter()
                .position(|h| h == name)
                .and_then(|p| row.get(p))
                .map_or("", |c| c.trim())
        };
        let mut bad = |column: &str, problem: &'static str| {
            problems.push(RowProblem {
                line,
                column: column.to_owned(),
                problem,
            });
        };
        let reference = cell("reference");
        if reference.is_empty()
            || reference.chars().count() > 40
            || reference.contains(char::is_control)
        {
            bad("reference", "must be one line of 1 to 40 characters");
        } else if looks_handed_out(reference) {
            bad(
                "reference",
                "has the form of the references the desk hands out (PREFIX-YEAR-NUMBER): \
                 give the old register's references another form, e.g. OLD-2019-7",
            );
        } else if !seen.insert(reference.to_owned()) {
            bad("reference", "the same reference is on an earlier line");
        }
        let at = |name: &str, bad: &mut dyn FnMut(&str, &'static str)| -> Option<Timestamp> {
            let v = cell(name);
            if v.is_empty() {
                return None;
            }
            let t = time(v);
            match t {
                None => bad(
                    name,
                    "not a time (2026-03-02T09:00:00Z) or a day (2026-03-02)",
                ),
                Some(t) if t > now => bad(name, "in the future"),
                Some(_) => {}
            }
            t.filter(|t| *t <= now)
        };
        let reported_at = at("reported_at", &mut bad);
        if cell("reported_at").is_empty() {
            bad("reported_at", "required");
        }
        let occurred_at = at("occurred_at", &mut bad);
        let aware_at = at("aware_at", &mut bad);
        let notified_at = at("notified_at", &mut bad);
        let communicated_at = at("communicated_at", &mut bad);
        if let (Some(a), Some(n)) = (aware_at, notified_at)
            && n < a
        {
            bad("notified_at", "before the awareness time");
        }
        let status = match cell("status") {
            "" | "closed" => "closed",
            "unfounded" => "unfounded",
            _ => {
                bad(
                    "status",
                    "a breach of the past is brought in closed or unfounded",
                );
                "closed"
            }
        };
        let nature = list(cell("nature"));
        if nature.iter().any(|n| !NATURES.contains(&n.as_str())) {
            bad(
                "nature",
                "confidentiality, integrity or availability, separated by ;",
            );
        }
        let categories = list(cell("categories"));
        if categories
            .iter()
            .any(|c| !DataCategory::ALL.iter().any(|d| d.id() == *c))
        {
            bad("categories", "a category id the register does not know");
        }
        let subject_categories = list(cell("subject_categories"));
        if subject_categories
            .iter()
            .any(|c| SubjectCategory::parse(c).is_none())
        {
            bad(
                "subject_categories",
                "a category of people the register does not know",
            );
        }
        let count = |name: &str, bad: &mut dyn FnMut(&str, &'static str)| -> Option<u64> {
            let v = cell(name).replace([' ', '\u{a0}'], "");
            if v.is_empty() {
                return None;
            }
            // A spreadsheet's number may come as "1200.0".
            let n = v.parse::<u64>().ok().or_else(|| {
                v.split_once('.')
                    .filter(|(_, frac)| frac.chars().all(|c| c == '0'))
                    .and_then(|(whole, _)| whole.parse::<u64>().ok())
            });
            if n.is_none() {
                bad(name, "not a whole number");
            }
            n
        };
        let subjects = count("subjects", &mut bad);
        let records = count("records", &mut bad);
        let certainty =
            |name: &str, value: Option<u64>, bad: &mut dyn FnMut(&str, &'static str)| match cell(
                name,
            ) {
                "" => Some(
                    if value.is_some() {
                        "approximate"
                    } else {
                        "unknown"
                    }
                    .to_owned(),
                ),
                c if Certainty::ALL.iter().any(|x| x.id() == c) => Some(c.to_owned()),
                _ => {
                    bad(name, "exact, approximate or unknown");
                    None
                }
            };
        let subjects_certainty = certainty("subjects_certainty", subjects, &mut bad);
        let records_certainty = certainty("records_certainty", records, &mut bad);
        let cause = match cell("cause") {
            "" => None,
            c if Cause::parse(c).is_some() => Some(c.to_owned()),
            _ => {
                bad(
                    "cause",
                    "a cause of the EDPB template (e.g. external_malicious)",
                );
                None
            }
        };
        let notify_authority = match cell("notify_authority").to_lowercase().as_str() {
            "" => None,
            "true" | "yes" | "kyllä" | "ja" => Some(true),
            "false" | "no" | "ei" | "nej" => Some(false),
            _ => {
                bad("notify_authority", "true or false");
                None
            }
        };
        let communicate_to_subjects = match cell("communicate_to_subjects") {
            "" => None,
            c @ ("individual" | "public" | "not_required") => Some(c.to_owned()),
            _ => {
                bad(
                    "communicate_to_subjects",
                    "individual, public or not_required",
                );
                None
            }
        };
        let risk = match cell("risk") {
            "" => None,
            r @ ("unlikely" | "risk" | "high") => Some(r.to_owned()),
            _ => {
                bad("risk", "unlikely, risk or high");
                None
            }
        };
        let text = |name: &str| cell(name).to_owned();
        let optional = |name: &str| Some(cell(name).to_owned()).filter(|s| !s.is_empty());
        for name in [
            "delay_reasons",
            "authority_reference",
            "systems",
            "measures_before",
            "measures_after",
            "decision_reason",
        ] {
            if cell(name).chars().count() > 10_000 {
                bad(name, "longer than 10,000 characters");
            }
        }
        let Some(reported_at) = reported_at else {
            continue;
        };
        let hours = match (aware_at, notified_at) {
            (Some(a), Some(n)) => Some(n.duration_since(a).as_hours()),
            _ => None,
        };
        out.push(RegisterEntry {
            reference: reference.to_owned(),
            status: status.to_owned(),
            reported_at,
            occurred_at,
            aware_at,
            notified_at,
            hours_to_notification: hours,
            late: hours.is_some_and(|h| h > 72),
            delay_reasons: optional("delay_reasons"),
            authority_reference: optional("authority_reference"),
            communicated_at,
            nature,
            categories,
            subject_categories,
            subjects,
            subjects_certainty,
            records,
            records_certainty,
            cause,
            systems: text("systems"),
            risk,
            severity: None,
            likelihood: None,
            measures_before: text("measures_before"),
            measures_after: text("measures_after"),
            notify_authority,
            communicate_to_subjects,
            exemption: None,
            decision_reason: optional("decision_reason"),
            held: false,
            retain_until: None,
            destroyed_at: None,
        });
    }
    problems.truncate(100);
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// Does the reference have the form intake gives new cases (`PREFIX-YYYY-NNNN`, four digits
/// or more)? An imported case must never take a reference intake will hand out later.
fn looks_handed_out(reference: &str) -> bool {
    let mut parts = reference.rsplitn(3, '-');
    let (Some(number), Some(year), Some(prefix)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    !prefix.is_empty()
        && year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && number.len() >= 4
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// Is this a column the import reads (not one it recomputes)?
#[must_use]
pub fn is_read(column: &str) -> bool {
    COLUMNS.contains(&column) && !DERIVED.contains(&column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&[&str]]) -> Vec<Vec<String>> {
        lines
            .iter()
            .map(|l| l.iter().map(|c| (*c).to_owned()).collect())
            .collect()
    }

    fn now() -> Timestamp {
        "2026-12-06T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn the_exports_layout_round_trips() {
        let e = RegisterEntry {
            reference: "REK-2019-04".into(),
            status: "closed".into(),
            reported_at: "2019-03-02T08:00:00Z".parse().unwrap(),
            occurred_at: None,
            aware_at: Some("2019-03-02T09:00:00Z".parse().unwrap()),
            notified_at: Some("2019-03-05T12:00:00Z".parse().unwrap()),
            hours_to_notification: Some(75),
            late: true,
            delay_reasons: Some("found on day 3".into()),
            authority_reference: Some("TSV/1".into()),
            communicated_at: None,
            nature: vec!["confidentiality".into()],
            categories: vec!["email".into(), "health".into()],
            subject_categories: vec!["patients".into()],
            subjects: Some(1200),
            subjects_certainty: Some("approximate".into()),
            records: None,
            records_certainty: Some("unknown".into()),
            cause: Some("external_malicious".into()),
            systems: "Sisu".into(),
            risk: Some("high".into()),
            severity: None,
            likelihood: None,
            measures_before: String::new(),
            measures_after: "passwords reset".into(),
            notify_authority: Some(true),
            communicate_to_subjects: Some("individual".into()),
            exemption: None,
            decision_reason: Some("health data".into()),
            held: false,
            retain_until: None,
            destroyed_at: None,
        };
        let mut file = vec![COLUMNS.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>()];
        file.push(e.cells());
        assert_eq!(read(&file, now()), Ok(vec![e]));
    }

    #[test]
    fn every_bad_row_is_named_by_line_and_column_and_nothing_is_taken() {
        let file = rows(&[
            &[
                "reference",
                "reported_at",
                "status",
                "categories",
                "subjects",
                "notify_authority",
            ],
            &["A-1", "2020-01-05", "closed", "email", "12", "yes"],
            &["A-1", "2020-01-06", "", "", "", ""],
            &["", "someday", "open", "shoe_size", "many", "perhaps"],
            &["A-4", "2030-01-01", "", "", "", ""],
        ]);
        let problems = read(&file, now()).unwrap_err();
        let named: Vec<String> = problems.iter().map(ToString::to_string).collect();
        for expected in [
            "line 3, column reference: the same reference is on an earlier line",
            "line 4, column reference:",
            "line 4, column reported_at: not a time",
            "line 4, column status:",
            "line 4, column categories:",
            "line 4, column subjects: not a whole number",
            "line 4, column notify_authority: true or false",
            "line 5, column reported_at: in the future",
        ] {
            assert!(
                named.iter().any(|n| n.starts_with(expected)),
                "{expected} in {named:?}"
            );
        }
        assert!(!named.iter().any(|n| n.starts_with("line 2")), "{named:?}");
        assert!(
            !named
                .iter()
                .any(|n| n.contains("shoe_size") || n.contains("many")),
            "values are never quoted"
        );
    }

    #[test]
    fn a_header_it_does_not_know_or_without_its_required_columns_is_refused() {
        let problems = read(&rows(&[&["reference", "colour"], &["A", "red"]]), now()).unwrap_err();
        let named: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(
            named.iter().any(|n| n.starts_with("line 1, column #2"))
                && !named.iter().any(|n| n.contains("colour")),
            "{named:?}"
        );
        assert!(
            named
                .iter()
                .any(|n| n.starts_with("line 1, column reported_at: this column is required"))
        );
        assert!(read(&[], now()).is_err());
        let ok = read(
            &rows(&[
                &["Reference", "Reported_at"],
                &["A", "2020-01-01"],
                &["", ""],
            ]),
            now(),
        )
        .unwrap();
        assert_eq!(ok.len(), 1, "a blank line is skipped");
        assert_eq!(ok[0].status, "closed");
        assert!(is_read("systems") && !is_read("late") && !is_read("colour"));
        assert!(looks_handed_out("UNI-2026-0001") && looks_handed_out("A-B-2027-12345"));
        assert!(!looks_handed_out("OLD-2019-7") && !looks_handed_out("2019-0001"));
        let taken = read(
            &rows(&[
                &["reference", "reported_at"],
                &["MUS-2027-0005", "2020-01-01"],
            ]),
            now(),
        );
        assert!(
            taken.unwrap_err()[0]
                .to_string()
                .contains("form of the references")
        );
    }
}
