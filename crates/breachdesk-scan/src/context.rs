//! Context for numbers that look alike: what a cell's column says ([`Cue`]), what a label just
//! before a number says (`transaction_id=`, `Asiakasnumeroni on`, `Return reference`), and the
//! organisation's customer-number pattern, which counts only where such context says customer
//! number unless the pattern itself is distinctive.
//!
//! A Luhn-valid 16-digit transaction id and a card differ only by where they are written; so do
//! a 7-digit customer number and a 7-digit sensor reading.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use regex_syntax::hir::literal::Extractor;

use crate::doc::Cue;

/// The labels that say "customer number" in Finnish, Swedish and English.
const CUSTOMER_LABELS: &[&str] = &[
    r"asiakas[ -]?(?:numero(?:ni|si|mme)?|nro|nr|tunnus)",
    r"kund[ -]?(?:nummer|nr|id)",
    r"customer[ _.-]?(?:no|nr|number|id|#)",
    r"client[ _.-]?(?:no|nr|number|id)",
    r"(?:jäsen|medlems)[ -]?(?:numero|nummer|nro|nr)",
    r"member(?:ship)?[ _.-]?(?:no|nr|number|id)",
];

/// A product code's length written after its label (`EAN-13`, `GTIN 14`, `ean_8`).
const LENGTH: &str = "(?:[-_ ]?[0-9]{1,3})?";

/// The label of a product code (`EAN`, `GTIN-13`, `SKU`, `productEan13`), a whole word.
static PRODUCT_CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i:(?:\b|_)(?:ean|gtin|sku)|(?-i:\p{{Ll}}(?:Ean|EAN|Gtin|GTIN|Sku|SKU))){LENGTH}\b"
    ))
    .expect("static regex")
});

/// Whether `text` (what stands before a number) names a product code anywhere: a word of cards
/// after it (`EAN for card `) does not make the number a card.
#[must_use]
pub fn names_a_product_code(text: &str) -> bool {
    PRODUCT_CODE.is_match(text)
}

/// Words that, written just before a number, say it is an order, transaction or refund id, a
/// reference or a product code: no card and no customer number. A product code's label may carry
/// its length (`EAN-13`, `GTIN 14`). `id` and `ean` glued to a word are a key's when written in
/// camel or capital case (`paymentId is `, `BetalningsID: `, `productEan13 `); glued in small
/// letters only right before the number (`userid=`, `tapahtumaid `), since small words end so too
/// (`paid with card `, `valid until `); never at the end of a name (`Ingrid `, `David `, `Jean `).
static REFERENCE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r#"(?i)(?:(?:txn|transa[ck]tion|trans|refund|return|retur|palautus|hyvitys|order|tilau|beställning|ref|reference|viite|invoice|lasku|faktura|gtin{LENGTH}|sku|tracking|seuranta|kolli|session|build|job|jobb|ajo|task|ticket|tiketti|case|ärende|receipt|kuitti|kvitto|(?:^|[^\p{{L}}])(?:id|ean{LENGTH})|(?-i:\p{{L}}(?:Id|ID|Ean{LENGTH}|EAN{LENGTH})))[\p{{L}}_. -]{{0,14}}|(?-i:(?:^|[^\p{{L}}])\p{{Ll}}+(?:id|ean)))[\s:=#"'(/)]{{0,4}}$"#,
    ))
    .expect("static regex")
});

/// How many bytes before a number are read for a label.
const LABEL_WINDOW: usize = 36;

/// The text just before `at`, within the record that starts at `record_start`.
fn before(text: &str, record_start: usize, at: usize) -> &str {
    let from = text.ceil_char_boundary(at.saturating_sub(LABEL_WINDOW).max(record_start));
    &text[from..at]
}

/// Whether a label just before `at` says the number there is a reference, not a card or a
/// customer number.
#[must_use]
pub fn reference_before(text: &str, record_start: usize, at: usize) -> bool {
    REFERENCE_BEFORE.is_match(before(text, record_start, at))
}

/// The cue of the cell that holds `span`, if any (`cues` sorted by position).
#[must_use]
pub fn cue_at(cues: &[(Range<usize>, Cue)], span: &Range<usize>) -> Option<Cue> {
    let i = cues.partition_point(|(r, _)| r.end <= span.start);
    cues.get(i)
        .filter(|(r, _)| r.start <= span.start && span.end <= r.end)
        .map(|(_, c)| *c)
}

/// The organisation's customer numbers: its pattern, the labels that announce one in running
/// text, and whether the pattern is distinctive enough to count anywhere.
#[derive(Debug, Clone)]
pub struct CustomerNumbers {
    pattern: Option<Regex>,
    /// A label and what follows it up to the number: `Asiakasnumeroni on `, `customer_no=`.
    label: Regex,
    anywhere: bool,
}

/// Why a customer-number setting was refused.
#[derive(Debug, thiserror::Error)]
pub enum CustomerNumberError {
    #[error("the customer-number pattern is not a valid regular expression: {0}")]
    Pattern(#[source] regex::Error),
    #[error("a customer-number label is empty or not usable: {0:?}")]
    Label(String),
}

/// Whether every match of `pattern` begins or ends with a literal that is not only digits (a
/// prefix such as `AS-` or `C`, letters): such numbers are not written by chance.
fn distinctive(pattern: &str) -> bool {
    let Ok(hir) = regex_syntax::parse(pattern) else {
        return false;
    };
    let marked = |kind| {
        let seq = Extractor::new().kind(kind).extract(&hir);
        seq.literals().is_some_and(|lits| {
            !lits.is_empty()
                && lits.iter().all(|l| {
                    l.as_bytes()
                        .iter()
                        .any(|b| b.is_ascii_alphabetic() || matches!(b, b'#' | b'/' | b'_'))
                })
        })
    };
    marked(regex_syntax::hir::literal::ExtractKind::Prefix)
        || marked(regex_syntax::hir::literal::ExtractKind::Suffix)
}

impl CustomerNumbers {
    /// The organisation's pattern (none: any number a column or label calls a customer
    /// number) and labels of its own beside the built-in Finnish, Swedish and English ones.
    ///
    /// # Errors
    /// A pattern that is not a valid regular expression, or a label that is empty.
    pub fn new(pattern: Option<&str>, labels: &[String]) -> Result<Self, CustomerNumberError> {
        let pattern = pattern
            .filter(|p| !p.is_empty())
            .map(Regex::new)
            .transpose()
            .map_err(CustomerNumberError::Pattern)?;
        let mut alternatives: Vec<String> = CUSTOMER_LABELS.iter().map(|&l| l.to_owned()).collect();
        for l in labels {
            if l.trim().is_empty() {
                return Err(CustomerNumberError::Label(l.clone()));
            }
            alternatives.push(regex::escape(l.trim()));
        }
        let label = Regex::new(&format!(
            r#"(?i)(?:{})\.?[\s:=#"'(]*(?:(?:on|oli|är|var|is|was)\s+)?[\s:=#"'(]*"#,
            alternatives.join("|")
        ))
        .map_err(|e| CustomerNumberError::Label(e.to_string()))?;
        let anywhere = pattern.as_ref().is_some_and(|p| distinctive(p.as_str()));
        Ok(Self {
            pattern,
            label,
            anywhere,
        })
    }

    /// Whether the pattern counts everywhere, without a column or label.
    #[must_use]
    pub fn anywhere(&self) -> bool {
        self.anywhere
    }

    /// The customer numbers in `text` (a record, or a whole text with `cues` for its cells):
    /// `(start, end, value)` for each, from cells whose column says customer number, from
    /// labels in running text, and, for a distinctive pattern, from anywhere but a reference's
    /// or a phone's cell.
    pub fn find(
        &self,
        text: &str,
        cues: &[(Range<usize>, Cue)],
        out: &mut Vec<(usize, usize, String)>,
    ) {
        let from_cells = out.len();
        for (r, cue) in cues {
            if *cue == Cue::CustomerNumber {
                let cell = &text[r.clone()];
                if let Some((s, e)) = self.value_in(cell, true) {
                    out.push((r.start + s, r.start + e, cell[s..e].to_uppercase()));
                }
            }
        }
        let to_cells = out.len();
        if self.anywhere {
            let re = self.pattern.as_ref().expect("a distinctive pattern");
            for m in re.find_iter(text) {
                let span = m.range();
                if cue_at(cues, &span).is_none() {
                    out.push((span.start, span.end, m.as_str().to_uppercase()));
                }
            }
            return;
        }
        for m in self.label.find_iter(text) {
            let rest = &text[m.end()..];
            if let Some((s, e)) = self.value_in(rest, false) {
                let span = m.end() + s..m.end() + e;
                // Not in another cue's cell, and once (a customer number's cell may have given it).
                // (The cells' numbers are in `out` in the order of the cells: found by halving.)
                let cells = &out[from_cells..to_cells];
                let taken = cells
                    .binary_search_by_key(&span.start, |(s, _, _)| *s)
                    .is_ok_and(|i| cells[i].1 == span.end);
                if !taken && cue_at(cues, &span).is_none_or(|c| c == Cue::CustomerNumber) {
                    out.push((span.start, span.end, rest[s..e].to_uppercase()));
                }
            }
        }
    }

    /// The customer number at the start of `s` (`whole`: `s` is a cell, trimmed): the
    /// pattern's match there, or without a pattern a token of letters, digits and hyphens with
    /// at least three digits.
    fn value_in(&self, s: &str, whole: bool) -> Option<(usize, usize)> {
        // A number is short: what follows a label is read no further than this (a run of
        // letters after each of many labels would otherwise be read again and again).
        let s = if whole {
            s
        } else {
            &s[..s.floor_char_boundary(s.len().min(64))]
        };
        let trimmed = s.trim_start();
        let lead = s.len() - trimmed.len();
        let token_len = trimmed
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .unwrap_or(trimmed.len());
        let token = trimmed[..token_len].trim_end_matches('-');
        if whole && trimmed.trim_end().len() != token.len() {
            return None;
        }
        match &self.pattern {
            Some(re) => {
                let m = re.find(token)?;
                (m.start() == 0 && m.end() == token.len()).then_some((lead, lead + token.len()))
            }
            None => (token.len() <= 24 && token.bytes().filter(u8::is_ascii_digit).count() >= 3)
                .then_some((lead, lead + token.len())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(c: &CustomerNumbers, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        c.find(text, &[], &mut out);
        out.into_iter().map(|(_, _, v)| v).collect()
    }

    #[test]
    fn a_pattern_of_digits_counts_only_after_a_label() {
        let c = CustomerNumbers::new(Some(r"[0-9]{7}"), &[]).unwrap();
        assert!(!c.anywhere());
        assert_eq!(
            found(&c, "Asiakasnumeroni on 1234567, tilaus 7654321."),
            ["1234567"]
        );
        assert_eq!(found(&c, "Mitt kundnummer är 2345678."), ["2345678"]);
        assert_eq!(
            found(&c, "customer_no=3456789 order_id=1234567"),
            ["3456789"]
        );
        assert_eq!(found(&c, "(asiakasnro 4567890) reklamoi"), ["4567890"]);
        assert_eq!(found(&c, "Customer No.: 5678901"), ["5678901"]);
        // The pattern must match the whole token after the label.
        assert!(found(&c, "asiakasnumero 12345678").is_empty());
        assert!(found(&c, "sensor=1234567 build 7654321").is_empty());
    }

    #[test]
    fn a_distinctive_pattern_counts_anywhere_but_in_a_references_cell() {
        let c = CustomerNumbers::new(Some(r"AS-[0-9]{6}"), &[]).unwrap();
        assert!(c.anywhere());
        assert_eq!(found(&c, "viesti AS-123456 tuli"), ["AS-123456"]);
        let text = "AS-123456 | AS-654321";
        let mut out = Vec::new();
        c.find(text, &[(12..21, Cue::Reference)], &mut out);
        assert_eq!(out.len(), 1);
        assert!(
            CustomerNumbers::new(Some(r"C[0-9]{6}"), &[])
                .unwrap()
                .anywhere()
        );
        assert!(
            CustomerNumbers::new(Some(r"[0-9]{6}-FI"), &[])
                .unwrap()
                .anywhere()
        );
        assert!(
            !CustomerNumbers::new(Some(r"\d{4}-\d{3}"), &[])
                .unwrap()
                .anywhere()
        );
    }

    #[test]
    fn columns_and_own_labels_without_a_pattern() {
        let c = CustomerNumbers::new(None, &["Kortnummer hos oss".into()]).unwrap();
        let text = "Maija | 0012345 | x";
        let mut out = Vec::new();
        c.find(text, &[(8..15, Cue::CustomerNumber)], &mut out);
        assert_eq!(out, [(8, 15, "0012345".into())]);
        // A customer number's cell that holds its label too; and a bare number in such a cell
        // after a label: each number once.
        let text = "Asiakasnumero 0012345 | asiakasnro: 0054321";
        let mut out = Vec::new();
        c.find(
            text,
            &[(0..21, Cue::CustomerNumber), (36..43, Cue::CustomerNumber)],
            &mut out,
        );
        out.sort();
        assert_eq!(
            out,
            [(14, 21, "0012345".into()), (36, 43, "0054321".into())]
        );
        assert_eq!(found(&c, "Kortnummer hos oss: K-99812"), ["K-99812"]);
        assert!(found(&c, "asiakasnumero ei tiedossa").is_empty());
        assert!(CustomerNumbers::new(Some("("), &[]).is_err());
        assert!(CustomerNumbers::new(None, &[" ".into()]).is_err());
    }

    #[test]
    fn references_are_told_by_the_label_before_them() {
        for t in [
            "transaction_id=",
            "original_txn=",
            "\"txn\":\"",
            "Palautusviite ",
            "Return reference ",
            "order ",
            "Returnummer ",
            "EAN ",
            "GET /api/orders/",
            "Tarkistimme tilauksen ",
            "job ",
            "productId\":\"",
            "userid=",
            "EAN13 ",
            "EAN 13 ",
            "(EAN-13) ",
            "gtin_14=",
            "ProductEAN13 ",
            "paymentId is ",
            "customerId value: ",
            "KundID nr ",
            "userIds: ",
            "BetalningsID: ",
            "tapahtumaid ",
            "USERID=",
            "ean-13: ",
            "GTIN-14 ",
        ] {
            let text = format!("{t}4111111111111111");
            assert!(reference_before(&text, 0, t.len()), "{t}");
        }
        // No label: a word of cards, and `id` or `ean` ending a name or a small word.
        for t in [
            "card=",
            "kortti ",
            "Visa ",
            "maksettu kortilla ",
            "Paid with card ",
            "Jean Smith, card ",
            "Ingrid ",
            "Astrid Lindqvist, David ",
            "Sigrid: ",
            "Valid until ",
        ] {
            let text = format!("{t}4111111111111111");
            assert!(!reference_before(&text, 0, t.len()), "{t}");
        }
    }
}
