//! The three kinds of report and the rules that make one valid.
//!
//! A report splits into a [`ReportBody`] (what happened) and optional [`Contact`] data (who to ask);
//! both are sealed with the case key before they reach the store, separately, so that contact data
//! can be erased earlier than the facts of the breach.

use std::str::FromStr;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::errors::{FieldError, FieldErrors};
use crate::input::Input;

pub const MAX_SHORT: usize = 500;
pub const MAX_MEDIUM: usize = 4_000;
pub const MAX_LONG: usize = 20_000;
/// Clocks of reporters' devices drift; a few minutes into the future is not a lie.
const FUTURE_TOLERANCE: SignedDuration = SignedDuration::from_mins(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    Breach,
    Processor,
    Anonymous,
}

impl ReportKind {
    pub const NAMES: &'static [&'static str] = &["breach", "processor", "anonymous"];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Breach => "breach",
            Self::Processor => "processor",
            Self::Anonymous => "anonymous",
        }
    }
}

/// How a report reached the organisation: the public form, the API, e-mail, or a handler who
/// took it by phone or in person and entered it on the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    #[default]
    Form,
    Api,
    Email,
    Phone,
    InPerson,
}

impl Channel {
    pub const NAMES: &'static [&'static str] = &["form", "api", "email", "phone", "in_person"];
    /// What a handler may enter on the desk.
    pub const TAKEN: &'static [&'static str] = &["phone", "in_person"];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Form => "form",
            Self::Api => "api",
            Self::Email => "email",
            Self::Phone => "phone",
            Self::InPerson => "in_person",
        }
    }
}

impl FromStr for Channel {
    type Err = FieldError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "form" => Ok(Self::Form),
            "api" => Ok(Self::Api),
            "email" => Ok(Self::Email),
            "phone" => Ok(Self::Phone),
            "in_person" => Ok(Self::InPerson),
            _ => Err(FieldError::InvalidChoice {
                allowed: Self::NAMES,
            }),
        }
    }
}

impl FromStr for ReportKind {
    type Err = FieldError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "breach" => Ok(Self::Breach),
            "processor" => Ok(Self::Processor),
            "anonymous" => Ok(Self::Anonymous),
            _ => Err(FieldError::InvalidChoice {
                allowed: Self::NAMES,
            }),
        }
    }
}

/// Phases of a processor's notification (Art. 33(4)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Initial,
    Supplementary,
    Final,
}

impl Phase {
    pub const NAMES: &'static [&'static str] = &["initial", "supplementary", "final"];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Initial => "initial",
            Self::Supplementary => "supplementary",
            Self::Final => "final",
        }
    }

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        match s {
            "initial" => Ok(Self::Initial),
            "supplementary" => Ok(Self::Supplementary),
            "final" => Ok(Self::Final),
            _ => Err(FieldError::InvalidChoice {
                allowed: Self::NAMES,
            }),
        }
    }
}

/// The reporter's language for follow-up and notices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    Fi,
    Sv,
    En,
}

impl Language {
    pub const NAMES: &'static [&'static str] = &["fi", "sv", "en"];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Fi => "fi",
            Self::Sv => "sv",
            Self::En => "en",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "fi" => Some(Self::Fi),
            "sv" => Some(Self::Sv),
            "en" => Some(Self::En),
            _ => None,
        }
    }
}

/// What the breach is about. Serialized as JSON, then sealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReportBody {
    Breach(BreachFacts),
    Anonymous(BreachFacts),
    Processor(ProcessorFacts),
    /// A report e-mailed to one of the organisation's reporting addresses (mailbox intake).
    Email(EmailFacts),
}

impl ReportBody {
    #[must_use]
    pub const fn kind(&self) -> ReportKind {
        match self {
            Self::Breach(_) | Self::Email(_) => ReportKind::Breach,
            Self::Anonymous(_) => ReportKind::Anonymous,
            Self::Processor(_) => ReportKind::Processor,
        }
    }
}

/// A reporter's account: the four questions of the reporting guidance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreachFacts {
    pub how_noticed: String,
    /// RFC 3339 with the reporter's own offset, as they gave it.
    pub noticed_at: String,
    pub what_happened: String,
    pub system: String,
}

/// A report that came by e-mail, as the message said it: the reporter's own words, unsorted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailFacts {
    /// The sender as the message names them (`Name <address>`).
    pub mail_from: String,
    /// The addresses it was sent to (To and Cc).
    pub mail_to: String,
    pub mail_subject: String,
    /// When it was sent, by its Date header (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail_sent_at: Option<String>,
    pub mail_text: String,
    /// Files the message carried that were not accepted (name and reason).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail_refused: Option<String>,
    /// What the message is if not a person's report: `malformed` (stored raw, the original
    /// attached), `auto_reply`, `bounce` or `list`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail_flag: Option<String>,
}

/// A processor's notification with the content of Art. 33(3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessorFacts {
    pub processor_name: String,
    pub breach_confirmed: bool,
    pub noticed_at: String,
    pub phase: Phase,
    /// (a) nature of the breach.
    pub nature: String,
    pub data_subject_categories: String,
    pub approx_data_subjects: Option<u64>,
    pub personal_data_categories: String,
    pub approx_records: Option<u64>,
    pub system: Option<String>,
    /// (b) the processor's contact point for more information (often its DPO).
    pub contact_point: String,
    /// (c) likely consequences.
    pub likely_consequences: Option<String>,
    /// (d) measures taken or proposed.
    pub measures: Option<String>,
}

/// How to reach the reporter. Sealed separately from the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Contact {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl Contact {
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.phone.is_none() && self.email.is_none()
    }
}

/// A report that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidReport {
    pub body: ReportBody,
    pub contact: Option<Contact>,
    pub language: Language,
}

/// A hint to the reporter that free text seems to hold the protected data itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub field: &'static str,
    pub category: &'static str,
}

const COMMON_FIELDS: &[&str] = &["kind", "language"];
const BREACH_FIELDS: &[&str] = &["how_noticed", "noticed_at", "what_happened", "system"];
const CONTACT_FIELDS: &[&str] = &["reporter_name", "reporter_phone", "reporter_email"];
const PROCESSOR_FIELDS: &[&str] = &[
    "processor_name",
    "processor_contact_name",
    "processor_email",
    "processor_phone",
    "breach_confirmed",
    "noticed_at",
    "phase",
    "nature",
    "data_subject_categories",
    "approx_data_subjects",
    "personal_data_categories",
    "approx_records",
    "system",
    "contact_point",
    "likely_consequences",
    "measures",
];
/// Free-text fields checked for protected identifiers.
const FREE_TEXT: &[&str] = &[
    "how_noticed",
    "what_happened",
    "system",
    "nature",
    "data_subject_categories",
    "personal_data_categories",
    "likely_consequences",
    "measures",
];

/// Every field a report of `kind` may carry, as named in the API (besides `kind` and `language`).
#[must_use]
pub fn fields_of(kind: ReportKind) -> Vec<&'static str> {
    match kind {
        ReportKind::Breach => [BREACH_FIELDS, CONTACT_FIELDS].concat(),
        ReportKind::Anonymous => BREACH_FIELDS.to_vec(),
        ReportKind::Processor => PROCESSOR_FIELDS.to_vec(),
    }
}

/// Reads fields one by one, collecting every error rather than stopping at the first.
struct Reader<'a, I: Input> {
    input: &'a I,
    errors: FieldErrors,
}

impl<I: Input> Reader<'_, I> {
    fn optional(&mut self, name: &str, max: usize) -> Option<String> {
        match self.input.text(name) {
            Ok(Some(s)) if s.chars().count() > max => {
                self.errors.add(name, FieldError::TooLong { max });
                None
            }
            Ok(v) => v,
            Err(e) => {
                self.errors.add(name, e);
                None
            }
        }
    }

    fn required(&mut self, name: &str, max: usize) -> String {
        let before = self.errors.get(name).is_some();
        let v = self.optional(name, max);
        if v.is_none() && !before && self.errors.get(name).is_none() {
            self.errors.add(name, FieldError::Required);
        }
        v.unwrap_or_default()
    }

    fn noticed_at(&mut self, name: &str, now: Timestamp) -> String {
        let raw = self.required(name, 64);
        if raw.is_empty() {
            return raw;
        }
        match parse_rfc3339(&raw) {
            Ok(ts) if ts > now + FUTURE_TOLERANCE => self.errors.add(name, FieldError::InFuture),
            Ok(ts) if ts < Timestamp::from_second(631_152_000).unwrap_or(Timestamp::UNIX_EPOCH) => {
                // Before 1990: a typo, not a breach anyone can still investigate.
                self.errors.add(name, FieldError::TooOld);
            }
            Ok(_) => {}
            Err(e) => self.errors.add(name, e),
        }
        raw
    }

    fn email(&mut self, name: &str) -> Option<String> {
        let v = self.optional(name, 254)?;
        if is_plausible_email(&v) {
            Some(v)
        } else {
            self.errors.add(name, FieldError::InvalidEmail);
            None
        }
    }

    fn phone(&mut self, name: &str) -> Option<String> {
        let v = self.optional(name, 32)?;
        if is_plausible_phone(&v) {
            Some(v)
        } else {
            self.errors.add(name, FieldError::InvalidPhone);
            None
        }
    }

    fn count(&mut self, name: &str) -> Option<u64> {
        self.input.count(name).unwrap_or_else(|e| {
            self.errors.add(name, e);
            None
        })
    }

    fn reject_present(&mut self, names: &[&str]) {
        for &n in names {
            if self.input.names().contains(&n) && !matches!(self.input.text(n), Ok(None)) {
                self.errors.add(n, FieldError::NotAllowedForKind);
            }
        }
    }
}

/// Parses an RFC 3339 date-time that must carry a UTC offset (`Z` or `±hh:mm`).
pub fn parse_rfc3339(s: &str) -> Result<Timestamp, FieldError> {
    // jiff's Timestamp parser accepts RFC 3339 / ISO 8601 with a mandatory offset; a bracketed
    // time zone annotation is tolerated but not required.
    let has_offset = s.ends_with('Z') || s.ends_with('z') || {
        let tail = &s[s.len().saturating_sub(6)..];
        (tail.starts_with('+') || tail.starts_with('-')) && tail.as_bytes().get(3) == Some(&b':')
    };
    if !has_offset || !s.contains('T') && !s.contains('t') {
        return Err(FieldError::InvalidDateTime);
    }
    s.parse::<Timestamp>()
        .map_err(|_| FieldError::InvalidDateTime)
}

/// Syntax check only: one `@`, a dotted domain, no spaces or control characters.
#[must_use]
pub fn is_plausible_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
        && !local
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '@' || c == '<' || c == '>')
}

/// International or national phone number: optional `+`, 6–15 digits, spaces, hyphens, brackets.
#[must_use]
pub fn is_plausible_phone(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let body = s.strip_prefix('+').unwrap_or(s);
    (6..=15).contains(&digits)
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')'))
}

/// Validates a report of any kind; `now` bounds the time it was noticed.
pub fn validate_report<I: Input>(input: &I, now: Timestamp) -> Result<ValidReport, FieldErrors> {
    let mut r = Reader {
        input,
        errors: FieldErrors::new(),
    };
    let kind = match input.text("kind") {
        Ok(Some(k)) => match k.parse::<ReportKind>() {
            Ok(k) => Some(k),
            Err(e) => {
                r.errors.add("kind", e);
                None
            }
        },
        Ok(None) => {
            r.errors.add("kind", FieldError::Required);
            None
        }
        Err(e) => {
            r.errors.add("kind", e);
            None
        }
    };
    let language = match r.optional("language", 8) {
        None => Language::default(),
        Some(l) => Language::parse(&l).unwrap_or_else(|| {
            r.errors.add(
                "language",
                FieldError::InvalidChoice {
                    allowed: Language::NAMES,
                },
            );
            Language::default()
        }),
    };
    let Some(kind) = kind else {
        return Err(r.errors);
    };

    let (body, contact, allowed): (_, _, &[&[&str]]) = match kind {
        ReportKind::Breach | ReportKind::Anonymous => {
            let facts = BreachFacts {
                how_noticed: r.required("how_noticed", MAX_MEDIUM),
                noticed_at: r.noticed_at("noticed_at", now),
                what_happened: r.required("what_happened", MAX_LONG),
                system: r.required("system", MAX_SHORT * 2),
            };
            if kind == ReportKind::Breach {
                let contact = Contact {
                    name: r.optional("reporter_name", 200),
                    phone: r.phone("reporter_phone"),
                    email: r.email("reporter_email"),
                };
                let contact = (!contact.is_empty()).then_some(contact);
                (
                    ReportBody::Breach(facts),
                    contact,
                    &[COMMON_FIELDS, BREACH_FIELDS, CONTACT_FIELDS],
                )
            } else {
                // An anonymous report must not carry anything that identifies the reporter.
                r.reject_present(CONTACT_FIELDS);
                (
                    ReportBody::Anonymous(facts),
                    None,
                    &[COMMON_FIELDS, BREACH_FIELDS, CONTACT_FIELDS],
                )
            }
        }
        ReportKind::Processor => {
            let confirmed = match input.boolean("breach_confirmed") {
                Ok(Some(true)) => true,
                Ok(Some(false) | None) => {
                    r.errors
                        .add("breach_confirmed", FieldError::MustBeConfirmed);
                    false
                }
                Err(e) => {
                    r.errors.add("breach_confirmed", e);
                    false
                }
            };
            let phase = match r.optional("phase", 32) {
                None => {
                    r.errors.add("phase", FieldError::Required);
                    Phase::Initial
                }
                Some(p) => Phase::parse(&p).unwrap_or_else(|e| {
                    r.errors.add("phase", e);
                    Phase::Initial
                }),
            };
            let facts = ProcessorFacts {
                processor_name: r.required("processor_name", MAX_SHORT),
                breach_confirmed: confirmed,
                noticed_at: r.noticed_at("noticed_at", now),
                phase,
                nature: r.required("nature", MAX_LONG),
                data_subject_categories: r.required("data_subject_categories", MAX_MEDIUM),
                approx_data_subjects: r.count("approx_data_subjects"),
                personal_data_categories: r.required("personal_data_categories", MAX_MEDIUM),
                approx_records: r.count("approx_records"),
                system: r.optional("system", MAX_SHORT * 2),
                contact_point: r.required("contact_point", MAX_MEDIUM),
                // Art. 33(4): what is not yet known may follow in phases; the final phase is complete.
                likely_consequences: if phase == Phase::Final {
                    Some(r.required("likely_consequences", MAX_LONG))
                } else {
                    r.optional("likely_consequences", MAX_LONG)
                },
                measures: if phase == Phase::Final {
                    Some(r.required("measures", MAX_LONG))
                } else {
                    r.optional("measures", MAX_LONG)
                },
            };
            let contact = Contact {
                name: r.optional("processor_contact_name", 200),
                phone: r.phone("processor_phone"),
                email: r.email("processor_email"),
            };
            if contact.phone.is_none()
                && contact.email.is_none()
                && r.errors.get("processor_email").is_none()
                && r.errors.get("processor_phone").is_none()
            {
                r.errors.add("processor_email", FieldError::Required);
            }
            (
                ReportBody::Processor(facts),
                Some(contact),
                &[COMMON_FIELDS, PROCESSOR_FIELDS],
            )
        }
    };

    if input.strict() {
        for name in input.names() {
            if !allowed.iter().any(|set| set.contains(&name)) {
                r.errors.add(name, FieldError::UnknownField);
            }
        }
    }
    r.errors.into_result(|| ValidReport {
        body,
        contact,
        language,
    })
}

/// Which free-text fields seem to contain protected identifiers themselves.
#[must_use]
pub fn protected_data_warnings<I: Input>(input: &I) -> Vec<Warning> {
    let mut out = Vec::new();
    for &field in FREE_TEXT {
        if let Ok(Some(text)) = input.text(field) {
            let mut seen: Vec<&'static str> = Vec::new();
            for f in breachdesk_pii::find_protected(&text) {
                let category = f.kind.id();
                if !seen.contains(&category) {
                    seen.push(category);
                    out.push(Warning { field, category });
                }
            }
        }
    }
    out
}

/// A supplement added by the reporter with the receipt code: a processor's next phase or any
/// additional information.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplementBody {
    pub text: String,
    pub phase: Option<Phase>,
    /// The handlers' question this answers (an entry of the investigation record).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answers: Option<uuid::Uuid>,
}

pub fn validate_supplement<I: Input>(input: &I) -> Result<SupplementBody, FieldErrors> {
    let mut r = Reader {
        input,
        errors: FieldErrors::new(),
    };
    let text = r.required("text", MAX_LONG);
    let phase = r
        .optional("phase", 32)
        .and_then(|p| Phase::parse(&p).map_err(|e| r.errors.add("phase", e)).ok());
    let answers = r.optional("answers", 36).and_then(|a| {
        uuid::Uuid::parse_str(&a)
            .map_err(|_| {
                r.errors
                    .add("answers", FieldError::InvalidChoice { allowed: &[] });
            })
            .ok()
    });
    if input.strict() {
        for name in input.names() {
            if !["text", "phase", "receipt_code", "answers"].contains(&name) {
                r.errors.add(name, FieldError::UnknownField);
            }
        }
    }
    r.errors.into_result(|| SupplementBody {
        text,
        phase,
        answers,
    })
}

#[must_use]
pub fn supplement_warnings<I: Input>(input: &I) -> Vec<Warning> {
    match input.text("text") {
        Ok(Some(text)) => {
            let mut out: Vec<Warning> = Vec::new();
            for f in breachdesk_pii::find_protected(&text) {
                if !out.iter().any(|w| w.category == f.kind.id()) {
                    out.push(Warning {
                        field: "text",
                        category: f.kind.id(),
                    });
                }
            }
            out
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::input::JsonInput;

    fn now() -> Timestamp {
        "2026-11-22T12:00:00Z".parse().unwrap()
    }

    #[allow(clippy::needless_pass_by_value)]
    fn check(v: serde_json::Value) -> Result<ValidReport, FieldErrors> {
        validate_report(&JsonInput(v.as_object().unwrap()), now())
    }

    fn codes(e: &FieldErrors, field: &str) -> Vec<&'static str> {
        e.get(field)
            .unwrap_or_default()
            .iter()
            .map(FieldError::code)
            .collect()
    }

    #[test]
    fn a_complete_breach_report_is_valid_and_keeps_contact_apart() {
        let r = check(json!({
            "kind": "breach", "how_noticed": "A colleague told me", "noticed_at": "2026-11-22T09:15:00+02:00",
            "what_happened": "Grades list sent to the wrong mailing list", "system": "Sisu",
            "reporter_email": "maija@example.fi", "language": "sv"
        }))
        .unwrap();
        assert_eq!(r.body.kind(), ReportKind::Breach);
        assert_eq!(
            r.contact.unwrap().email.as_deref(),
            Some("maija@example.fi")
        );
        assert_eq!(r.language, Language::Sv);
    }

    #[test]
    fn every_missing_required_field_is_named() {
        let e = check(json!({"kind": "breach"})).unwrap_err();
        for f in ["how_noticed", "noticed_at", "what_happened", "system"] {
            assert_eq!(codes(&e, f), ["required"], "{f}");
        }
    }

    #[test]
    fn a_time_without_offset_or_in_the_future_is_rejected() {
        let base =
            json!({"kind": "anonymous", "how_noticed": "x", "what_happened": "y", "system": "z"});
        for (t, code) in [
            ("2026-11-22T09:15:00", "invalid-datetime"),
            ("22.11.2026 9:15", "invalid-datetime"),
            ("2026-11-23T09:15:00+02:00", "in-future"),
            ("1970-01-01T00:00:00Z", "too-old"),
        ] {
            let mut v = base.clone();
            v["noticed_at"] = json!(t);
            assert_eq!(codes(&check(v).unwrap_err(), "noticed_at"), [code], "{t}");
        }
    }

    #[test]
    fn an_anonymous_report_with_contact_data_is_refused() {
        let e = check(
            json!({"kind": "anonymous", "how_noticed": "x", "noticed_at": "2026-11-22T09:15:00Z",
            "what_happened": "y", "system": "z", "reporter_email": "a@b.fi"}),
        )
        .unwrap_err();
        assert_eq!(codes(&e, "reporter_email"), ["not-allowed-for-kind"]);
    }

    #[test]
    fn wrong_types_lengths_unknown_fields_and_bad_contacts_are_each_reported() {
        let e = check(json!({"kind": "breach", "how_noticed": 5, "noticed_at": "2026-11-22T09:15:00Z",
            "what_happened": "y".repeat(MAX_LONG + 1), "system": "z", "reporter_email": "not-an-address",
            "reporter_phone": "call me", "colour": "red"}))
        .unwrap_err();
        assert_eq!(codes(&e, "how_noticed"), ["not-text"]);
        assert_eq!(codes(&e, "what_happened"), ["too-long"]);
        assert_eq!(codes(&e, "reporter_email"), ["invalid-email"]);
        assert_eq!(codes(&e, "reporter_phone"), ["invalid-phone"]);
        assert_eq!(codes(&e, "colour"), ["unknown-field"]);
    }

    #[test]
    fn a_processor_must_confirm_the_breach_and_complete_the_final_phase() {
        let mut v = json!({"kind": "processor", "processor_name": "Hosting Oy", "processor_email": "dpo@hosting.example",
            "breach_confirmed": true, "noticed_at": "2026-11-21T08:00:00+02:00", "phase": "initial",
            "nature": "Backup bucket was public", "data_subject_categories": "students",
            "approx_data_subjects": 1200, "personal_data_categories": "names, grades", "contact_point": "dpo@hosting.example"});
        assert!(check(v.clone()).is_ok());
        v["phase"] = json!("final");
        v["breach_confirmed"] = json!(false);
        let e = check(v).unwrap_err();
        assert_eq!(codes(&e, "breach_confirmed"), ["must-be-confirmed"]);
        assert_eq!(codes(&e, "likely_consequences"), ["required"]);
        assert_eq!(codes(&e, "measures"), ["required"]);
    }

    #[test]
    fn pasted_identifiers_raise_a_warning_per_field_and_category() {
        let v = json!({"what_happened": "hetu 131052-308T and 010101A123N leaked", "system": "FI2112345600000785"});
        let w = protected_data_warnings(&JsonInput(v.as_object().unwrap()));
        assert_eq!(
            w,
            [
                Warning {
                    field: "what_happened",
                    category: "national_id"
                },
                Warning {
                    field: "system",
                    category: "iban"
                }
            ]
        );
    }
}
