//! Recipients of the letters, imported from a CSV file or from the leak scanner's subject list
//! (`breachdesk scan --subjects FILE --reveal`). A file is accepted whole or not at all: every
//! problem is reported with its line, and nothing is imported while one remains.

use std::collections::HashMap;
use std::io::{BufRead, Read};

use breachdesk_core::report::Language;
use lettre::Address;

use crate::letter::{ELEMENTS, Recipient, is_hostile};
use breachdesk_pii::SubjectLine;

/// At most this many problems are reported (the rest are counted).
const MAX_PROBLEMS: usize = 20;

/// One problem of an import: the line (1-based, the header is line 1 in a CSV file) and what
/// is wrong, without the value itself (which is personal data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    pub line: u64,
    pub problem: Problem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The file is not CSV / JSON Lines of the expected shape (the parser's words).
    Format(String),
    /// A needed CSV column is missing from the header.
    MissingColumn(&'static str),
    /// The e-mail address is not a valid address.
    BadEmail,
    /// Masked values (`a***@…`): the scan must be run with `--reveal`.
    Masked,
    /// An unknown language (fi, sv, en).
    BadLanguage,
    /// An unknown data element id.
    UnknownElement(String),
    /// No data element for this person: the letter would say nothing of their data.
    NoElements,
    /// Neither an e-mail nor a postal address.
    Unreachable,
    /// The same e-mail address as an earlier line.
    Duplicate { first: u64 },
    /// A name with a line break or another control character, or longer than [`MAX_NAME`]:
    /// it would add lines of its own to a letter the DPO approved.
    BadName,
    /// A postal address with a control character other than a line break, more than
    /// [`MAX_POSTAL_LINES`] lines, or longer than [`MAX_POSTAL`].
    BadPostalAddress,
}

/// The longest name accepted, in characters.
pub const MAX_NAME: usize = 200;
/// The longest postal address accepted, in characters, and its most lines.
pub const MAX_POSTAL: usize = 400;
pub const MAX_POSTAL_LINES: usize = 6;

/// A name as placed into a letter: one line of printable text, not too long.
#[must_use]
pub fn valid_name(name: &str) -> bool {
    name.chars().count() <= MAX_NAME && !name.chars().any(is_hostile)
}

/// A postal address: lines of printable text (`\n` or `\r\n` between them), not too many.
#[must_use]
pub fn valid_postal_address(address: &str) -> bool {
    let lines: Vec<&str> = address.lines().collect();
    address.chars().count() <= MAX_POSTAL
        && lines.len() <= MAX_POSTAL_LINES
        && lines.iter().all(|l| !l.chars().any(is_hostile))
}

impl std::fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: ", self.line)?;
        match &self.problem {
            Problem::Format(e) => write!(f, "{e}"),
            Problem::MissingColumn(c) => write!(f, "the header has no column {c:?}"),
            Problem::BadEmail => write!(f, "the e-mail address is not valid"),
            Problem::Masked => write!(
                f,
                "the values are masked: run the scan with --reveal to write the subject list"
            ),
            Problem::BadLanguage => write!(f, "the language must be fi, sv or en"),
            Problem::UnknownElement(e) => write!(
                f,
                "unknown data element {e:?} (one of: {})",
                ELEMENTS.join(", ")
            ),
            Problem::NoElements => write!(f, "no data elements: name at least one"),
            Problem::Unreachable => write!(f, "neither an e-mail nor a postal address"),
            Problem::Duplicate { first } => {
                write!(f, "the same e-mail address as line {first}")
            }
            Problem::BadName => write!(
                f,
                "the name has a line break or another control character, or is longer than {MAX_NAME} characters"
            ),
            Problem::BadPostalAddress => write!(
                f,
                "the postal address has a control character, more than {MAX_POSTAL_LINES} lines or more than {MAX_POSTAL} characters"
            ),
        }
    }
}

/// The outcome of a good import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Imported {
    pub recipients: Vec<Recipient>,
    /// Subjects of a scanner list that have neither an e-mail nor a postal address: they cannot
    /// be written to (the public notice reaches them).
    pub unreachable: u64,
}

/// An import refused, with its problems (at most [`MAX_PROBLEMS`]) and how many there were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub problems: Vec<ImportProblem>,
    pub total: u64,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for p in &self.problems {
            writeln!(f, "{p}")?;
        }
        if self.total > self.problems.len() as u64 {
            writeln!(f, "… {} problems in all", self.total)?;
        }
        Ok(())
    }
}

#[derive(Default)]
struct Collector {
    recipients: Vec<Recipient>,
    problems: Vec<ImportProblem>,
    total: u64,
    seen: HashMap<String, u64>,
    unreachable: u64,
}

impl Collector {
    fn problem(&mut self, line: u64, problem: Problem) {
        self.total += 1;
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(ImportProblem { line, problem });
        }
    }

    fn email(&mut self, line: u64, raw: &str) -> Result<Option<String>, ()> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        if raw.contains('*') {
            self.problem(line, Problem::Masked);
            return Err(());
        }
        if raw.parse::<Address>().is_err() {
            self.problem(line, Problem::BadEmail);
            return Err(());
        }
        if let Some(first) = self.seen.get(&raw.to_lowercase()) {
            let first = *first;
            self.problem(line, Problem::Duplicate { first });
            return Err(());
        }
        self.seen.insert(raw.to_lowercase(), line);
        Ok(Some(raw.to_owned()))
    }

    /// Checks a name and a postal address; each problem is recorded.
    fn texts(&mut self, line: u64, name: Option<&str>, postal: Option<&str>) -> Result<(), ()> {
        let mut ok = true;
        if name.is_some_and(|n| !valid_name(n)) {
            self.problem(line, Problem::BadName);
            ok = false;
        }
        if postal.is_some_and(|p| !valid_postal_address(p)) {
            self.problem(line, Problem::BadPostalAddress);
            ok = false;
        }
        if ok { Ok(()) } else { Err(()) }
    }

    fn elements<'a>(
        &mut self,
        line: u64,
        ids: impl Iterator<Item = &'a str>,
    ) -> Result<Vec<String>, ()> {
        let mut out: Vec<String> = Vec::new();
        for id in ids.map(str::trim).filter(|s| !s.is_empty()) {
            if !ELEMENTS.contains(&id) {
                self.problem(line, Problem::UnknownElement(id.to_owned()));
                return Err(());
            }
            if !out.iter().any(|x| x == id) {
                out.push(id.to_owned());
            }
        }
        if out.is_empty() {
            self.problem(line, Problem::NoElements);
            return Err(());
        }
        Ok(out)
    }

    fn finish(self) -> Result<Imported, Refused> {
        if self.total > 0 {
            return Err(Refused {
                problems: self.problems,
                total: self.total,
            });
        }
        Ok(Imported {
            recipients: self.recipients,
            unreachable: self.unreachable,
        })
    }
}

/// A CSV file with a header: `email`, `name`, `language` (fi/sv/en, default `fi`), `elements`
/// (data element ids separated by `;`) and optionally `postal_address` (lines separated by
/// newlines inside quotes). Columns may come in any order; names are case-insensitive.
pub fn from_csv(input: impl Read) -> Result<Imported, Refused> {
    let mut c = Collector::default();
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(input);
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            c.problem(1, Problem::Format(e.to_string()));
            return c.finish();
        }
    };
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (email, name, language, elements, postal) = (
        col("email"),
        col("name"),
        col("language"),
        col("elements"),
        col("postal_address"),
    );
    if email.is_none() && postal.is_none() {
        c.problem(1, Problem::MissingColumn("email"));
    }
    if elements.is_none() {
        c.problem(1, Problem::MissingColumn("elements"));
    }
    if c.total > 0 {
        return c.finish();
    }
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                c.problem(line, Problem::Format(e.to_string()));
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        let get = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("").trim();
        let Ok(address) = c.email(line, get(email)) else {
            continue;
        };
        let lang = match get(language) {
            "" => Language::Fi,
            l => {
                if let Some(l) = Language::parse(l) {
                    l
                } else {
                    c.problem(line, Problem::BadLanguage);
                    continue;
                }
            }
        };
        let Ok(els) = c.elements(line, get(elements).split(';')) else {
            continue;
        };
        let postal_address = Some(get(postal).to_owned()).filter(|s| !s.is_empty());
        let name = Some(get(name).to_owned()).filter(|s| !s.is_empty());
        if c.texts(line, name.as_deref(), postal_address.as_deref())
            .is_err()
        {
            continue;
        }
        if address.is_none() && postal_address.is_none() {
            c.problem(line, Problem::Unreachable);
            continue;
        }
        c.recipients.push(Recipient {
            email: address,
            name,
            language: lang,
            elements: els,
            postal_address,
        });
    }
    c.finish()
}

/// The leak scanner's subject list (`--subjects FILE`, written with `--reveal`): one JSON line
/// per person. The first e-mail address, name and postal address are used; the language is the
/// scanner's hint or `default_language`; the elements are every category found for the person.
/// People with neither an e-mail nor a postal address are counted as unreachable.
pub fn from_subjects(input: impl BufRead, default_language: Language) -> Result<Imported, Refused> {
    let mut c = Collector::default();
    for (i, line) in input.lines().enumerate() {
        let n = i as u64 + 1;
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                c.problem(n, Problem::Format(e.to_string()));
                break;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let s: SubjectLine = match serde_json::from_str(&line) {
            Ok(s) => s,
            Err(e) => {
                c.problem(n, Problem::Format(e.to_string()));
                continue;
            }
        };
        let first = |k: &str| {
            s.identifiers
                .get(k)
                .and_then(|v| v.first())
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let (name, postal) = (first("person_name"), first("postal_address"));
        if [&name, &postal]
            .iter()
            .any(|v| v.as_deref().is_some_and(|v| v.contains('*')))
        {
            c.problem(n, Problem::Masked);
            continue;
        }
        if c.texts(n, name.as_deref(), postal.as_deref()).is_err() {
            continue;
        }
        let Ok(address) = c.email(n, first("email").as_deref().unwrap_or("")) else {
            continue;
        };
        if address.is_none() && postal.is_none() {
            c.unreachable += 1;
            continue;
        }
        let Ok(elements) = c.elements(n, s.categories.iter().map(String::as_str)) else {
            continue;
        };
        c.recipients.push(Recipient {
            email: address,
            name,
            language: s
                .language_hint
                .as_deref()
                .and_then(Language::parse)
                .unwrap_or(default_language),
            elements,
            postal_address: postal,
        });
    }
    c.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_file_is_read_whole_with_its_columns_in_any_order() {
        let csv = "Name,email,elements,language,postal_address\n\
                   Anna Andersson,anna@example.fi,iban;email,sv,\n\
                   Matti Meikäläinen,,national_id,,\"Katu 1\n00100 Helsinki\"\n\
                   Aino Opiskelija,aino@example.fi,education;health,fi,\n";
        let got = from_csv(csv.as_bytes()).unwrap();
        assert_eq!(got.recipients.len(), 3);
        // Every category of the product is an element: a student's grades too.
        assert_eq!(got.recipients[2].elements, vec!["education", "health"]);
        assert_eq!(got.recipients[0].language, Language::Sv);
        assert_eq!(got.recipients[0].elements, vec!["iban", "email"]);
        assert_eq!(got.recipients[1].email, None);
        assert_eq!(
            got.recipients[1].postal_address.as_deref(),
            Some("Katu 1\n00100 Helsinki")
        );
        assert_eq!(got.recipients[1].language, Language::Fi);
    }

    /// Issue 17: a name holding `\r\nBcc: …` put that line into letters signed by the organisation.
    #[test]
    fn names_and_addresses_that_would_add_lines_or_hide_text_are_refused() {
        let csv = "email,name,elements,postal_address\n\
                   a@example.fi,\"Anna\r\nBcc: victim@example.org\",email,\n\
                   b@example.fi,\"Bo\u{202E}nosrednA\",email,\n\
                   c@example.fi,Carl Carlsson,email,\"Katu 1\u{7}\n00100 Helsinki\"\n\
                   d@example.fi,Dora Dahl,email,\"Katu 2\n00100 Helsinki\"\n";
        let refused = from_csv(csv.as_bytes()).unwrap_err();
        let got: Vec<(u64, Problem)> = refused
            .problems
            .iter()
            .map(|p| (p.line, p.problem.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                (2, Problem::BadName),
                (4, Problem::BadName),
                (5, Problem::BadPostalAddress),
            ]
        );
        assert!(!refused.to_string().contains("victim"));
        let long = format!(
            "email,name,elements\na@example.fi,{},email\n",
            "x".repeat(201)
        );
        assert_eq!(
            from_csv(long.as_bytes()).unwrap_err().problems[0].problem,
            Problem::BadName
        );
        let subjects = r#"{"identifiers":{"email":["e@example.se"],"person_name":["Eva\nBcc: x@example.org"]},"categories":["email"]}"#;
        assert_eq!(
            from_subjects(subjects.as_bytes(), Language::Fi)
                .unwrap_err()
                .problems[0]
                .problem,
            Problem::BadName
        );
    }

    #[test]
    fn every_bad_line_is_named_and_nothing_is_imported() {
        let csv = "email,elements,language\n\
                   ok@example.fi,email,fi\n\
                   not-an-address,email,fi\n\
                   b@example.fi,shoe_size,fi\n\
                   c@example.fi,email,de\n\
                   OK@example.fi,email,fi\n\
                   d@example.fi,,fi\n";
        let refused = from_csv(csv.as_bytes()).unwrap_err();
        let got: Vec<(u64, Problem)> = refused
            .problems
            .iter()
            .map(|p| (p.line, p.problem.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                (3, Problem::BadEmail),
                (4, Problem::UnknownElement("shoe_size".into())),
                (5, Problem::BadLanguage),
                (6, Problem::Duplicate { first: 2 }),
                (7, Problem::NoElements),
            ]
        );
        let text = refused.to_string();
        assert!(
            !text.contains("not-an-address"),
            "no values in messages: {text}"
        );
        let missing = from_csv("name,language\nA,fi\n".as_bytes()).unwrap_err();
        assert_eq!(missing.problems[0].problem, Problem::MissingColumn("email"));
    }

    #[test]
    fn the_scanners_subject_list_gives_addresses_languages_and_elements() {
        let jsonl = concat!(
            r#"{"subject":1,"identifiers":{"email":["anna@example.se"],"person_name":["Anna A"]},"categories":["email","iban","person_name"],"language_hint":"sv","files":["a.csv"]}"#,
            "\n",
            r#"{"subject":2,"identifiers":{"national_id":["010101-123N"]},"categories":["national_id"],"files":["a.csv"]}"#,
            "\n",
            r#"{"subject":3,"identifiers":{"email":["matti@example.fi"]},"categories":["email","national_id"],"files":["a.csv"]}"#,
            "\n"
        );
        let got = from_subjects(jsonl.as_bytes(), Language::Fi).unwrap();
        assert_eq!(got.unreachable, 1);
        assert_eq!(got.recipients.len(), 2);
        assert_eq!(got.recipients[0].language, Language::Sv);
        assert_eq!(got.recipients[0].name.as_deref(), Some("Anna A"));
        assert_eq!(got.recipients[1].language, Language::Fi);
        assert_eq!(got.recipients[1].elements, vec!["email", "national_id"]);

        let masked = r#"{"subject":1,"identifiers":{"email":["a***@example.se"]},"categories":["email"],"files":[]}"#;
        let refused = from_subjects(masked.as_bytes(), Language::Fi).unwrap_err();
        assert_eq!(refused.problems[0].problem, Problem::Masked);
        assert!(refused.to_string().contains("--reveal"));
        let broken = from_subjects("{not json\n".as_bytes(), Language::Fi).unwrap_err();
        assert!(matches!(broken.problems[0].problem, Problem::Format(_)));
    }
}
