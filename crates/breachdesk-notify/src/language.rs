//! The language a notice's free text is written in, so that a Finnish version carrying an
//! English sentence (a handler's note pasted into every language) is caught before approval.
//! `whatlang`, limited to Finnish, Swedish and English, reads each paragraph; a paragraph of
//! fewer than [`MIN_WORDS`] words (a name, a phone line, "Pahoittelemme.") or one it cannot
//! tell reliably is not judged: an addresses-and-hours line must never block a notice. Words
//! that start with a capital are left out: names of organisations, systems and places are
//! capitalised in all three languages and say nothing of the language around them ("Dataintrång
//! vid University of Example" is Swedish).

use breachdesk_core::report::Language;
use whatlang::{Detector, Lang};

/// Words of small letters (no capital first, no digits, no `@` or `/`) a paragraph needs
/// before it is judged.
pub const MIN_WORDS: usize = 4;

fn ours(l: Lang) -> Option<Language> {
    match l {
        Lang::Fin => Some(Language::Fi),
        Lang::Swe => Some(Language::Sv),
        Lang::Eng => Some(Language::En),
        _ => None,
    }
}

/// The language of one paragraph, when it is long enough and whatlang is sure.
#[must_use]
pub fn of_paragraph(text: &str) -> Option<Language> {
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|w| {
            !w.contains(['@', '/'])
                && !w.chars().any(|c| c.is_ascii_digit())
                && w.chars().any(char::is_alphabetic)
                && !w.chars().next().is_some_and(char::is_uppercase)
        })
        .collect();
    if words.len() < MIN_WORDS {
        return None;
    }
    let detector = Detector::with_allowlist(vec![Lang::Fin, Lang::Swe, Lang::Eng]);
    let info = detector.detect(&words.join(" "))?;
    if info.is_reliable() {
        ours(info.lang())
    } else {
        None
    }
}

/// The first paragraph (blank-line separated) of `text` that reads as another
/// of the three languages than `expected`, and that language.
#[must_use]
pub fn foreign(expected: Language, text: &str) -> Option<Language> {
    // A paragraph of short lines (an address block, a list) is judged as a whole; a browser's
    // textarea sends CRLF line ends.
    let text = text.replace("\r\n", "\n");
    text.split("\n\n")
        .filter_map(of_paragraph)
        .find(|l| *l != expected)
}

/// Whether a handler's text may go into the `lang` version of a draft: no paragraph of it
/// reads as another of the three languages. A note written in English goes into the English
/// version only; in the others the handler writes it in their language before approval.
#[must_use]
pub fn fits(lang: Language, text: &str) -> bool {
    foreign(lang, text).is_none()
}

/// `text` when it [`fits`] the `lang` version, else nothing.
#[must_use]
pub fn only_if_fits(lang: Language, text: &str) -> String {
    if fits(lang, text) {
        text.to_owned()
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_english_sentence_in_a_finnish_text_is_found() {
        let fi = "Tietoja päätyi ulkopuolisille yhteisen verkkolevyn kautta.\n\n\
                  We closed the share and reset the passwords of every account.";
        assert_eq!(foreign(Language::Fi, fi), Some(Language::En));
        assert_eq!(
            foreign(
                Language::Sv,
                "Uppgifterna blev synliga för utomstående via en delad nätverksdisk."
            ),
            None
        );
        assert_eq!(
            foreign(
                Language::En,
                "Vi har anmält incidenten till dataombudsmannen och utreder saken vidare."
            ),
            Some(Language::Sv)
        );
    }

    #[test]
    fn paragraphs_typed_in_a_browser_are_judged_one_by_one() {
        let fi = "Tietoja päätyi ulkopuolisille yhteisen verkkolevyn kautta.\r\n\r\n\
                  We closed the share and reset the passwords of every account.";
        assert_eq!(foreign(Language::Fi, fi), Some(Language::En));
    }

    #[test]
    fn short_lines_names_and_contacts_are_not_judged() {
        for (lang, text) in [
            (Language::Fi, "Kommunikation, press@uni.example"),
            (
                Language::Sv,
                "Customer service +358 9 123 456, weekdays 9–16",
            ),
            (Language::En, "Helsingin yliopisto"),
            (
                Language::Sv,
                "Dataintrång vid University of Example Student Services",
            ),
            (Language::Fi, "Pahoittelemme."),
            (Language::En, ""),
        ] {
            assert_eq!(foreign(lang, text), None, "{text}");
        }
    }
}
