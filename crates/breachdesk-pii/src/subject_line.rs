//! The leak scanner's list of data subjects (`breachdesk scan --subjects FILE`): one JSON object
//! per line and person. The scanner writes it; the letters' recipient import and
//! `breachdesk case import-scan` read it. One type for both sides keeps them agreeing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One data subject. The scanner writes ids as `&'static str`; readers take owned strings
/// (the default). Reading is lenient where writing is complete: only `categories` is required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound(deserialize = "S: Deserialize<'de> + Ord"))]
pub struct SubjectLine<S = String> {
    /// The person's number in this scan.
    #[serde(default)]
    pub subject: u64,
    /// Identifiers by category id (masked unless the scan revealed them).
    #[serde(default = "BTreeMap::new")]
    pub identifiers: BTreeMap<S, Vec<String>>,
    /// Every category id of this person's data found.
    pub categories: Vec<S>,
    /// `fi`, `sv` or `en` when the person's records suggest one (a Finnish or Swedish phone or
    /// e-mail domain), else absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language_hint: Option<S>,
    /// The files the person's data were found in.
    #[serde(default)]
    pub files: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::SubjectLine;
    use std::collections::BTreeMap;

    #[test]
    fn what_the_scanner_writes_a_reader_reads() {
        let written: SubjectLine<&'static str> = SubjectLine {
            subject: 7,
            identifiers: BTreeMap::from([("email", vec!["anna@example.fi".to_owned()])]),
            categories: vec!["email", "person_name"],
            language_hint: Some("fi"),
            files: vec!["customers.csv".to_owned()],
        };
        let line = serde_json::to_string(&written).unwrap();
        let read: SubjectLine = serde_json::from_str(&line).unwrap();
        assert_eq!(read.subject, 7);
        assert_eq!(read.identifiers["email"], ["anna@example.fi"]);
        assert_eq!(read.categories, ["email", "person_name"]);
        assert_eq!(read.language_hint.as_deref(), Some("fi"));
        assert_eq!(read.files, ["customers.csv"]);
    }

    #[test]
    fn a_line_without_categories_is_not_a_subject_line() {
        assert!(serde_json::from_str::<SubjectLine>(r#"{"subject":1}"#).is_err());
        let minimal: SubjectLine = serde_json::from_str(r#"{"categories":["phone"]}"#).unwrap();
        assert!(minimal.identifiers.is_empty() && minimal.language_hint.is_none());
    }
}
