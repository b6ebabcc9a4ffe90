//! Controller organisations.

use std::fmt;

use serde::Serialize;
use uuid::Uuid;

use crate::errors::FieldError;

/// The URL name of an organisation: 2–40 characters of `a-z`, `0-9` and inner hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct OrgSlug(String);

impl TryFrom<&str> for OrgSlug {
    type Error = FieldError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        let ok = (2..=40).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(FieldError::InvalidSlug)
        }
    }
}

impl OrgSlug {
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Default prefix of case references: the slug in capitals without hyphens, at most 10 letters.
    #[must_use]
    pub fn default_ref_prefix(&self) -> String {
        self.0
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(10)
            .collect::<String>()
            .to_ascii_uppercase()
    }
}

/// Whether `prefix` can lead case references (`PREFIX-2026-0001`): 1–12 capital letters or
/// digits.
#[must_use]
pub fn is_valid_ref_prefix(prefix: &str) -> bool {
    !prefix.is_empty()
        && prefix.len() <= 12
        && prefix
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

impl fmt::Display for OrgSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A controller organisation as stored. Contact details of the DPO are public by nature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub id: Uuid,
    pub slug: OrgSlug,
    /// The name as given (usually Finnish): the default in every language.
    pub name: String,
    /// The name in Swedish and in English, when it has one of its own.
    pub name_sv: Option<String>,
    pub name_en: Option<String>,
    pub ref_prefix: String,
    pub dpo_name: Option<String>,
    pub dpo_email: Option<String>,
    pub dpo_phone: Option<String>,
    /// How long its cases are kept once they end.
    pub retention: crate::retention::Retention,
}

/// What `org create` supplies.
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    pub slug: OrgSlug,
    pub name: String,
    pub name_sv: Option<String>,
    pub name_en: Option<String>,
    pub dpo_name: Option<String>,
    pub dpo_email: Option<String>,
    pub dpo_phone: Option<String>,
}

/// An organisation's name in each language: its own Swedish or English name where it has one,
/// else the name as given. Notices and letters say the name of their language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgName {
    pub name: String,
    pub sv: Option<String>,
    pub en: Option<String>,
}

impl OrgName {
    /// The name in `lang`.
    #[must_use]
    pub fn in_lang(&self, lang: crate::report::Language) -> &str {
        let own = match lang {
            crate::report::Language::Fi => None,
            crate::report::Language::Sv => self.sv.as_deref(),
            crate::report::Language::En => self.en.as_deref(),
        };
        own.filter(|n| !n.trim().is_empty()).unwrap_or(&self.name)
    }
}

impl From<&str> for OrgName {
    fn from(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            ..Self::default()
        }
    }
}

impl From<String> for OrgName {
    fn from(name: String) -> Self {
        Self {
            name,
            ..Self::default()
        }
    }
}

impl Organisation {
    /// The organisation's names per language.
    #[must_use]
    pub fn names(&self) -> OrgName {
        OrgName {
            name: self.name.clone(),
            sv: self.name_sv.clone(),
            en: self.name_en.clone(),
        }
    }
}
