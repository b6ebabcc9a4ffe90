//! Finds validated protected identifiers in free text.
//!
//! Candidates come from one regex set pass; each candidate is then confirmed by its validator, so
//! order numbers, reference numbers and dates that merely look like identifiers are not reported.

use std::sync::LazyLock;

use regex::Regex;

use crate::{Category, is_valid_iban, is_valid_payment_card, parse_hetu};

/// Which kind of protected identifier was found. The ids match the scanner's category ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IdentifierKind {
    NationalId,
    PaymentCard,
    Iban,
}

impl IdentifierKind {
    /// The category of personal data this identifier is.
    #[must_use]
    pub const fn category(self) -> Category {
        match self {
            Self::NationalId => Category::NationalId,
            Self::PaymentCard => Category::PaymentCard,
            Self::Iban => Category::Iban,
        }
    }

    /// The stable category id of DESIGN.md.
    #[must_use]
    pub const fn id(self) -> &'static str {
        self.category().id()
    }
}

/// A validated identifier and its byte range in the text. It deliberately holds no copy of the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: IdentifierKind,
    pub start: usize,
    pub end: usize,
}

/// A henkilötunnus candidate: six digits, a century sign (incl. the 2023 signs), three digits and
/// a check character.
pub const HETU_PATTERN: &str = r"(?i)(?-u:\b)\d{6}[-+A-FU-Y]\d{3}[0-9A-Y](?-u:\b)";
/// A payment-card candidate: 12–19 digits, optionally grouped by single spaces or hyphens (as
/// people type card numbers).
pub const CARD_PATTERN: &str = r"(?-u:\b)\d(?:[ -]?\d){11,18}(?-u:\b)";
/// An IBAN candidate: country code, check digits, then groups of up to 4 alphanumerics
/// optionally separated by a space.
pub const IBAN_PATTERN: &str = r"(?i)(?-u:\b)[A-Z]{2}\d{2}(?: ?[A-Z0-9]{1,4}){3,8}(?-u:\b)";

static HETU: LazyLock<Regex> = LazyLock::new(|| Regex::new(HETU_PATTERN).expect("static regex"));
static CARD: LazyLock<Regex> = LazyLock::new(|| Regex::new(CARD_PATTERN).expect("static regex"));
static IBAN: LazyLock<Regex> = LazyLock::new(|| Regex::new(IBAN_PATTERN).expect("static regex"));

fn compact(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Confirms a candidate that the pattern of `kind` matched: the length of the valid identifier at
/// its start, or `None`. An IBAN candidate may run on over the following words ("FI21 1234 5600
/// 0007 85 and"), so the longest prefix of its groups that validates is taken.
#[must_use]
pub fn confirm(kind: IdentifierKind, candidate: &str) -> Option<usize> {
    match kind {
        IdentifierKind::NationalId => parse_hetu(&candidate.to_ascii_uppercase())
            .is_some()
            .then_some(candidate.len()),
        IdentifierKind::PaymentCard => {
            is_valid_payment_card(&compact(candidate)).then_some(candidate.len())
        }
        IdentifierKind::Iban => {
            let mut end = candidate.len();
            loop {
                if is_valid_iban(&compact(&candidate[..end])) {
                    return Some(end);
                }
                match candidate[..end].rfind(' ') {
                    Some(space) if space > 4 => end = space,
                    _ => return None,
                }
            }
        }
    }
}

/// All validated protected identifiers in `text`, in order of appearance.
#[must_use]
pub fn find_protected(text: &str) -> Vec<Finding> {
    let mut found = Vec::new();
    for (kind, re) in [
        (IdentifierKind::NationalId, &*HETU),
        (IdentifierKind::PaymentCard, &*CARD),
        (IdentifierKind::Iban, &*IBAN),
    ] {
        for m in re.find_iter(text) {
            if let Some(len) = confirm(kind, m.as_str()) {
                found.push(Finding {
                    kind,
                    start: m.start(),
                    end: m.start() + len,
                });
            }
        }
    }
    found.sort_by_key(|f| f.start);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<IdentifierKind> {
        find_protected(text).into_iter().map(|f| f.kind).collect()
    }

    #[test]
    fn identifiers_in_running_text_are_found_with_their_spans() {
        let text = "Asiakkaan hetu on 131052-308T ja tili FI21 1234 5600 0007 85, kortti 5555-5555-5555-4444.";
        let found = find_protected(text);
        let values: Vec<_> = found.iter().map(|f| &text[f.start..f.end]).collect();
        assert_eq!(
            values,
            [
                "131052-308T",
                "FI21 1234 5600 0007 85",
                "5555-5555-5555-4444"
            ]
        );
        assert_eq!(
            kinds("lower case 010101a123n too"),
            [IdentifierKind::NationalId]
        );
    }

    #[test]
    fn look_alikes_are_not_reported() {
        // Order number, invoice reference, EAN-13, a timestamp, a date range, a UUID, a wrong checksum.
        let text = "order 100000000000000008, ref 1234561, EAN 6417700050012, at 20261122120000, \
                    2026-11-22 to 2026-11-23, id 123e4567-e89b-12d3-a456-426614174000, \
                    hetu 131052-308U, IBAN FI2112345600000786";
        assert_eq!(kinds(text), []);
    }
}
