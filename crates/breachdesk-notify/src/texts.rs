//! Editable notice texts in the three languages: one map of part id → text per language. The
//! public notice and the letter template are both kept so; a version in the investigation record
//! is this structure as JSON.

use std::collections::BTreeMap;

use breachdesk_core::report::Language;
use serde::{Deserialize, Serialize};

/// Finnish, Swedish, English: the order of publication.
pub const LANGUAGES: [Language; 3] = [Language::Fi, Language::Sv, Language::En];

/// One language's texts: part id → text.
pub type Parts = BTreeMap<String, String>;

/// The texts in the three languages, Finnish first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Texts {
    #[serde(default)]
    pub fi: Parts,
    #[serde(default)]
    pub sv: Parts,
    #[serde(default)]
    pub en: Parts,
}

impl Texts {
    #[must_use]
    pub fn parts(&self, lang: Language) -> &Parts {
        match lang {
            Language::Fi => &self.fi,
            Language::Sv => &self.sv,
            Language::En => &self.en,
        }
    }

    pub fn parts_mut(&mut self, lang: Language) -> &mut Parts {
        match lang {
            Language::Fi => &mut self.fi,
            Language::Sv => &mut self.sv,
            Language::En => &mut self.en,
        }
    }

    /// The text of one part, empty when absent.
    #[must_use]
    pub fn get(&self, lang: Language, part: &str) -> &str {
        self.parts(lang).get(part).map_or("", String::as_str)
    }

    /// The parts of `needed` left blank, as `(language, part)`.
    #[must_use]
    pub fn blank<'a>(&self, needed: &[&'a str]) -> Vec<(Language, &'a str)> {
        let mut out = Vec::new();
        for lang in LANGUAGES {
            for part in needed {
                if self.get(lang, part).trim().is_empty() {
                    out.push((lang, *part));
                }
            }
        }
        out
    }
}
