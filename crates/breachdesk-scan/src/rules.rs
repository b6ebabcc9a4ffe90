//! The detection rules as data (`data/rules.toml`): a pattern per category with examples that
//! must be found and look-alikes that must not, and the word lists the detectors use. The file
//! is compiled in and read once; a test runs every example and negative example.

use std::sync::LazyLock;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub category: String,
    pub pattern: String,
    /// (text, the value reported from it in normal form)
    #[cfg_attr(not(test), allow(dead_code))]
    #[serde(default)]
    pub examples: Vec<(String, String)>,
    /// Texts from which this category must not be reported.
    #[cfg_attr(not(test), allow(dead_code))]
    #[serde(default)]
    pub negatives: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lists {
    pub role_mailboxes: Vec<String>,
    pub closings: Vec<String>,
    pub greetings: Vec<String>,
    pub surname_endings: Vec<String>,
    pub other_surname_endings: Vec<String>,
    pub contact_before: Vec<String>,
    pub contact_after: Vec<String>,
    pub naming: Vec<String>,
    pub phone_labels: Vec<String>,
    pub phone_verbs: Vec<String>,
    pub phone_between: Vec<String>,
    pub phone_label_between: Vec<String>,
    pub phone_labels_after: Vec<String>,
    pub titles: Vec<String>,
    pub not_names: Vec<String>,
    pub place_after: Vec<String>,
    pub firm_words: Vec<String>,
    pub street_before: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub rule: Vec<Rule>,
    pub lists: Lists,
}

pub static RULES: LazyLock<Rules> = LazyLock::new(|| {
    toml::from_str(include_str!("../data/rules.toml")).expect("data/rules.toml is valid")
});

/// The pattern of a category's rule.
///
/// # Panics
/// If `data/rules.toml` has no rule for it (a test checks that every category used has one).
#[must_use]
pub fn pattern(category: &str) -> &'static str {
    match RULES.rule.iter().find(|r| r.category == category) {
        Some(r) => r.pattern.as_str(),
        None => panic!("data/rules.toml has no rule for {category}"),
    }
}

fn words(list: &'static [String]) -> Vec<&'static str> {
    list.iter().map(String::as_str).collect()
}

static ROLE_MAILBOXES: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| words(&RULES.lists.role_mailboxes));
static SURNAME_ENDINGS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| words(&RULES.lists.surname_endings));
static OTHER_SURNAME_ENDINGS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| words(&RULES.lists.other_surname_endings));

/// Mailboxes of a role, not a person (`info@`, `asiakaspalvelu@`, `noreply@` …).
#[must_use]
pub fn role_mailboxes() -> &'static [&'static str] {
    &ROLE_MAILBOXES
}

/// Endings of Finnish, Swedish and English surnames the gazetteers do not hold (-nen, -sson,
/// -berg …).
#[must_use]
pub fn surname_endings() -> &'static [&'static str] {
    &SURNAME_ENDINGS
}

/// Endings of other countries' surnames (-sen, -ski, -ová …).
#[must_use]
pub fn other_surname_endings() -> &'static [&'static str] {
    &OTHER_SURNAME_ENDINGS
}

/// A list of phrases as a regex alternation (each phrase escaped).
#[must_use]
pub fn alternation(list: &[String]) -> String {
    list.iter()
        .map(|w| regex::escape(w))
        .collect::<Vec<_>>()
        .join("|")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::detect;

    #[test]
    fn rules_find_their_examples_and_not_their_negatives() {
        let mut checked = 0;
        for rule in &RULES.rule {
            assert!(
                !rule.examples.is_empty() && !rule.negatives.is_empty(),
                "{}: a rule needs examples and negative examples",
                rule.category
            );
            for (text, value) in &rule.examples {
                let hits = detect(text, None, role_mailboxes());
                assert!(
                    hits.iter()
                        .any(|h| h.category.id() == rule.category && h.value == value),
                    "{}: {text:?} should give {value:?}, gave {hits:?}",
                    rule.category
                );
                checked += 1;
            }
            for text in &rule.negatives {
                let hits = detect(text, None, role_mailboxes());
                assert!(
                    hits.iter().all(|h| h.category.id() != rule.category),
                    "{}: {text:?} is a look-alike, gave {hits:?}",
                    rule.category
                );
                checked += 1;
            }
        }
        assert!(checked > 60, "{checked}");
    }

    #[test]
    fn the_identifier_rules_are_the_ones_intake_warns_with() {
        assert_eq!(pattern("national_id"), breachdesk_pii::HETU_PATTERN);
        assert_eq!(pattern("payment_card"), breachdesk_pii::CARD_PATTERN);
        assert_eq!(pattern("iban"), breachdesk_pii::IBAN_PATTERN);
    }

    #[test]
    fn every_category_has_one_rule_and_every_rule_a_category() {
        use crate::detect::Category;
        let ids: Vec<&str> = RULES.rule.iter().map(|r| r.category.as_str()).collect();
        for c in [
            Category::PersonName,
            Category::PostalAddress,
            Category::NationalId,
            Category::PaymentCard,
            Category::Iban,
            Category::Email,
            Category::Phone,
            Category::IpAddress,
            Category::DateOfBirth,
            Category::Credential,
            Category::Health,
        ] {
            assert_eq!(
                ids.iter().filter(|i| **i == c.id()).count(),
                1,
                "{}",
                c.id()
            );
        }
        assert_eq!(ids.len(), 11, "{ids:?}");
    }
}
