//! The public notice (Art. 34(3)(c)): what a Finnish organisation publishes on its website and
//! gives to the press — in Finnish, Swedish and English on one page. Drafted from the case with
//! the Fluent messages of `locales/*/notices.ftl`; every part stays editable before the DPO
//! approves it.

use std::fmt::Write as _;

use crate::document::Document;
use crate::i18n::{Overrides, text};
pub use crate::texts::{LANGUAGES, Parts, Texts};
use breachdesk_core::assessment::{DataCategory, term};
use breachdesk_core::report::Language;

/// The parts of a public notice, in the order they are published.
pub const PARTS: [&str; 10] = [
    "headline",
    "what_happened",
    "concerns",
    "data_affected",
    "data_not_affected",
    "misuse",
    "informed",
    "apology",
    "customer_service",
    "media",
];

/// The notice in the three languages, Finnish first.
pub type PublicNotice = Texts;

/// The parts that must be written before the notice can be approved: the headline, what
/// happened, whom it concerns, the data affected, whom the controller informed and the contacts.
const NEEDED: [&str; 6] = [
    "headline",
    "what_happened",
    "concerns",
    "data_affected",
    "informed",
    "customer_service",
];

/// Parts left empty, as `(language, part)`.
#[must_use]
pub fn missing(notice: &PublicNotice) -> Vec<(Language, &'static str)> {
    notice.blank(&NEEDED)
}

/// Parts written in another of the three languages than their own, as `(language, part,
/// the language they read as)`: a version with any is not approved.
#[must_use]
pub fn wrong_language(notice: &PublicNotice) -> Vec<(Language, &'static str, Language)> {
    let mut out = Vec::new();
    for lang in LANGUAGES {
        for part in PARTS {
            let text = notice.get(lang, part);
            if let Some(found) = crate::language::foreign(lang, text) {
                out.push((lang, part, found));
            }
        }
    }
    out
}

/// What the draft is written from.
#[derive(Debug, Clone, Default)]
pub struct PublicFacts {
    pub organisation: String,
    /// What happened to the data, so that the notice says it as it was.
    pub loss: Loss,
    /// When it was discovered, as the notice says it (a date).
    pub discovered_on: Option<jiff::civil::Date>,
    /// What the controller did, in the handler's words (the scope's measures).
    pub measures: String,
    pub subjects_count: Option<u64>,
    pub affected: Vec<DataCategory>,
    pub not_affected: Vec<DataCategory>,
    pub authority_notified: bool,
    pub subjects_informed: bool,
    pub dpo_email: Option<String>,
    pub dpo_phone: Option<String>,
}

/// What a breach did to the data, in the words a notice uses: data that reached outsiders, data
/// that were unavailable (ransomware, an outage) or data that were altered. A breach where
/// nothing left the system must not say that data "leaked".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Loss {
    #[default]
    Disclosed,
    /// Confidentiality not yet assessable: the data may have reached outsiders.
    PossiblyDisclosed,
    Unavailable,
    /// Unavailable for good: no backup, nothing to rebuild them from.
    Lost,
    Altered,
}

impl Loss {
    /// From the scope: confidentiality first (what people most need to hear), then integrity,
    /// then availability.
    #[must_use]
    pub fn of(scope: Option<&breachdesk_core::scope::Scope>) -> Self {
        use breachdesk_core::scope::{AvailabilityType, ConfidentialityType};
        match scope {
            Some(s) => match (s.confidentiality, s.integrity, s.availability) {
                (
                    Some((
                        ConfidentialityType::Disclosed | ConfidentialityType::LikelyDisclosed,
                        _,
                    )),
                    ..,
                ) => Self::Disclosed,
                (
                    Some((
                        ConfidentialityType::NotAssessable | ConfidentialityType::ToBeDetermined,
                        _,
                    )),
                    ..,
                ) => Self::PossiblyDisclosed,
                (_, Some(_), _) => Self::Altered,
                (_, _, Some(AvailabilityType::Permanent)) => Self::Lost,
                (_, _, Some(_)) => Self::Unavailable,
                _ => Self::Disclosed,
            },
            None => Self::Disclosed,
        }
    }

    /// The message id of "what happened" for this loss (`what-happened` is the disclosure, the
    /// id organisations' own wordings already use).
    #[must_use]
    pub const fn what_happened(self) -> &'static str {
        match self {
            Self::Disclosed => "what-happened",
            Self::PossiblyDisclosed => "what-happened-possibly",
            Self::Unavailable => "what-happened-unavailable",
            Self::Lost => "what-happened-lost",
            Self::Altered => "what-happened-altered",
        }
    }

    /// The message id of a letter's "likely consequences" for this loss.
    #[must_use]
    pub const fn consequences(self) -> &'static str {
        match self {
            Self::Disclosed | Self::PossiblyDisclosed => "consequences",
            Self::Unavailable | Self::Lost => "consequences-unavailable",
            Self::Altered => "consequences-altered",
        }
    }
}

fn list(lang: Language, cats: &[DataCategory]) -> String {
    cats.iter()
        .map(|c| term(lang, &c.id()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The draft in all three languages.
#[must_use]
pub fn draft(f: &PublicFacts, ov: &Overrides) -> PublicNotice {
    let mut notice = PublicNotice::default();
    for lang in LANGUAGES {
        let t = |id: &str, args: &[(&str, String)]| ov.text(lang, &format!("public-{id}"), args);
        let org = ("org", f.organisation.clone());
        let date = (
            "date",
            f.discovered_on.map(|d| d.to_string()).unwrap_or_default(),
        );
        let parts = notice.parts_mut(lang);
        parts.insert("headline".into(), t("headline", std::slice::from_ref(&org)));
        parts.insert(
            "what_happened".into(),
            [
                t(f.loss.what_happened(), &[org.clone(), date]),
                // The handler's words only in the language they are written in.
                crate::language::only_if_fits(lang, &f.measures),
            ]
            .into_iter()
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n\n"),
        );
        parts.insert(
            "concerns".into(),
            match f.subjects_count {
                Some(n) => t("concerns-count", &[("count", n.to_string())]),
                None => t("concerns-unknown", &[]),
            },
        );
        parts.insert(
            "data_affected".into(),
            if f.affected.is_empty() {
                String::new()
            } else {
                t("data-affected", &[("list", list(lang, &f.affected))])
            },
        );
        parts.insert(
            "data_not_affected".into(),
            if f.not_affected.is_empty() {
                String::new()
            } else {
                t(
                    "data-not-affected",
                    &[("list", list(lang, &f.not_affected))],
                )
            },
        );
        // Whether misuse has been seen is a fact for the handler to state, never a default.
        parts.insert("misuse".into(), String::new());
        let mut informed = Vec::new();
        if f.authority_notified {
            informed.push(t("informed-authority", &[]));
        }
        if f.subjects_informed {
            informed.push(t("informed-subjects", &[]));
        }
        parts.insert("informed".into(), informed.join(" "));
        parts.insert("apology".into(), t("apology", std::slice::from_ref(&org)));
        let contacts: Vec<String> = [f.dpo_email.clone(), f.dpo_phone.clone()]
            .into_iter()
            .flatten()
            .collect();
        parts.insert(
            "customer_service".into(),
            if contacts.is_empty() {
                String::new()
            } else {
                t("customer-service", &[("contacts", contacts.join(", "))])
            },
        );
        parts.insert("media".into(), String::new());
    }
    notice
}

/// The published page: the three languages one after another, each under its own heading and
/// marked with its language, as Finnish organisations publish such notices.
#[must_use]
pub fn document(notice: &PublicNotice) -> Vec<Document> {
    LANGUAGES
        .iter()
        .map(|lang| {
            let parts = notice.parts(*lang);
            let get = |p: &str| parts.get(p).cloned().unwrap_or_default();
            let mut d = Document::new(lang.as_str(), get("headline"));
            for part in &PARTS[1..] {
                let body = get(part);
                if body.trim().is_empty() {
                    continue;
                }
                d.heading(text(
                    *lang,
                    &format!("public-part-{}", part.replace('_', "-")),
                    &[],
                ));
                for para in body.split("\n\n") {
                    d.paragraph(para.to_owned());
                }
            }
            d
        })
        .collect()
}

/// The three languages as `<article lang>` fragments, for the published page and the preview.
#[must_use]
pub fn articles_html(notice: &PublicNotice) -> String {
    let mut body = String::new();
    for d in document(notice) {
        let _ = writeln!(
            body,
            "<article lang=\"{}\">\n{}</article>",
            d.lang,
            d.html_body()
        );
    }
    body
}

/// One HTML page with the three languages (each section with its `lang`), styles inline: the
/// file a DPO saves or sends.
#[must_use]
pub fn to_html(notice: &PublicNotice) -> String {
    crate::document::html_page("fi", &title(notice), &articles_html(notice))
}

/// The page title: the Finnish headline (the page's language), not three joined.
fn title(notice: &PublicNotice) -> String {
    LANGUAGES
        .iter()
        .map(|l| notice.get(*l, "headline").trim())
        .find(|h| !h.is_empty())
        .unwrap_or_default()
        .to_owned()
}

/// When a notice was published and last updated (the first and the newest approval).
#[derive(Debug, Clone, Copy)]
pub struct Publication {
    pub published: jiff::civil::Date,
    pub updated: jiff::civil::Date,
}

/// A date as each language writes it: 3.12.2026, 3.12.2026, 3 December 2026.
#[must_use]
pub fn date_in(lang: Language, d: jiff::civil::Date) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    match lang {
        Language::Fi | Language::Sv => format!("{}.{}.{}", d.day(), d.month(), d.year()),
        Language::En => format!(
            "{} {} {}",
            d.day(),
            MONTHS[usize::try_from(d.month() - 1).unwrap_or(0)],
            d.year()
        ),
    }
}

/// The published page: links between the three language versions, each version with its
/// publication and update dates, styles from `stylesheet` (the server's CSP allows no inline
/// style).
#[must_use]
pub fn to_published_html(notice: &PublicNotice, p: Publication, stylesheet: &str) -> String {
    let mut body = String::from("<nav class=\"languages\"><ul>\n");
    for lang in LANGUAGES {
        let _ = writeln!(
            body,
            "<li><a href=\"#{code}\" lang=\"{code}\" hreflang=\"{code}\">{name}</a></li>",
            code = lang.as_str(),
            name = text(lang, "public-language-name", &[]),
        );
    }
    body.push_str("</ul></nav>\n");
    for d in document(notice) {
        let Some(lang) = Language::parse(&d.lang) else {
            continue;
        };
        let published = text(
            lang,
            "public-published",
            &[("date", date_in(lang, p.published))],
        );
        let dates = if p.updated > p.published {
            format!(
                "{published} · {}",
                text(
                    lang,
                    "public-updated",
                    &[("date", date_in(lang, p.updated))]
                )
            )
        } else {
            published
        };
        let _ = writeln!(
            body,
            "<article lang=\"{code}\" id=\"{code}\">\n<p class=\"dates\">{dates}</p>\n{}</article>",
            d.html_body(),
            code = d.lang,
            dates = crate::document::escape(&dates),
        );
    }
    crate::document::html_page_linked("fi", &title(notice), stylesheet, &body)
}

/// One published notice as an organisation's index lists it.
#[derive(Debug, Clone)]
pub struct Listed {
    /// The notice's address (`/notices/{org}/{reference}`).
    pub url: String,
    pub notice: PublicNotice,
    pub dates: Publication,
}

/// The index of an organisation's published notices: for each language a list of headlines
/// with their dates, newest first, linked to the notices; styles from `stylesheet`.
#[must_use]
pub fn index_html(organisation: &str, notices: &[Listed], stylesheet: &str) -> String {
    let mut body = String::new();
    for lang in LANGUAGES {
        let code = lang.as_str();
        let _ = writeln!(
            body,
            "<article lang=\"{code}\" id=\"{code}\">\n<h1>{}</h1>",
            crate::document::escape(&text(
                lang,
                "public-index-title",
                &[("org", organisation.to_owned())]
            ))
        );
        if notices.is_empty() {
            let _ = writeln!(
                body,
                "<p>{}</p>",
                crate::document::escape(&text(lang, "public-index-empty", &[]))
            );
        }
        body.push_str("<ul>\n");
        for n in notices {
            let headline = n.notice.get(lang, "headline").trim();
            let dated = text(
                lang,
                "public-published",
                &[("date", date_in(lang, n.dates.published))],
            );
            let _ = writeln!(
                body,
                "<li><a href=\"{url}#{code}\" hreflang=\"{code}\">{headline}</a> <span class=\"dates\">{dated}</span></li>",
                url = crate::document::escape(&n.url),
                headline = crate::document::escape(headline),
                dated = crate::document::escape(&dated),
            );
        }
        body.push_str("</ul>\n</article>\n");
    }
    crate::document::html_page_linked(
        "fi",
        &text(
            Language::Fi,
            "public-index-title",
            &[("org", organisation.to_owned())],
        ),
        stylesheet,
        &body,
    )
}

/// Markdown with the three languages one after another.
#[must_use]
pub fn to_markdown(notice: &PublicNotice) -> String {
    document(notice)
        .iter()
        .map(Document::to_markdown)
        .collect::<Vec<_>>()
        .join("\n---\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> PublicFacts {
        PublicFacts {
            loss: Loss::Disclosed,
            organisation: "Museokortti Oy".into(),
            discovered_on: Some(jiff::civil::date(2026, 11, 20)),
            measures: String::new(),
            subjects_count: Some(12_000),
            affected: vec![DataCategory::PersonName, DataCategory::Email],
            not_affected: vec![DataCategory::PaymentCard],
            authority_notified: true,
            subjects_informed: false,
            dpo_email: Some("tietosuoja@museokortti.example".into()),
            dpo_phone: None,
        }
    }

    #[test]
    fn the_draft_speaks_each_language_and_names_what_was_not_affected() {
        let n = draft(&facts(), &Overrides::default());
        assert!(n.fi["headline"].contains("Museokortti Oy"));
        assert!(
            n.fi["data_not_affected"].contains("maksukorttitiedot"),
            "{}",
            n.fi["data_not_affected"]
        );
        assert!(n.sv["data_affected"].contains("namn"));
        assert!(
            n.en["concerns"].contains("12000")
                || n.en["concerns"].contains("12,000")
                || n.en["concerns"].contains("12 000"),
            "{}",
            n.en["concerns"]
        );
        assert!(
            n.en["informed"].contains("Data Protection Ombudsman"),
            "{}",
            n.en["informed"]
        );
        // The media contact is the organisation's to give.
        assert_eq!(missing(&n), vec![]);
        let mut m = n.clone();
        m.sv.insert("customer_service".into(), " ".into());
        assert_eq!(missing(&m), vec![(Language::Sv, "customer_service")]);
    }

    #[test]
    fn a_handlers_note_goes_only_into_the_version_of_its_language() {
        let f = PublicFacts {
            measures: "We closed the shared folder and reset every password the same day.".into(),
            ..facts()
        };
        let n = draft(&f, &Overrides::default());
        assert!(n.en["what_happened"].contains("shared folder"));
        assert!(!n.fi["what_happened"].contains("shared folder"));
        assert!(!n.sv["what_happened"].contains("shared folder"));
        assert_eq!(wrong_language(&n), vec![]);
        let mut mixed = n.clone();
        mixed.fi.insert("what_happened".into(), f.measures.clone());
        assert_eq!(
            wrong_language(&mixed),
            vec![(Language::Fi, "what_happened", Language::En)]
        );
    }

    #[test]
    fn one_page_has_all_three_languages_marked() {
        let html = to_html(&draft(&facts(), &Overrides::default()));
        assert!(html.contains("<article lang=\"fi\">"));
        assert!(html.contains("<article lang=\"sv\">"));
        assert!(html.contains("<article lang=\"en\">"));
        let fi = html.find("lang=\"fi\">").unwrap();
        let sv = html.find("lang=\"sv\">").unwrap();
        assert!(fi < sv, "Finnish first");
        let md = to_markdown(&draft(&facts(), &Overrides::default()));
        assert_eq!(md.matches("\n---\n").count(), 2);
    }

    #[test]
    fn a_breach_where_nothing_left_the_system_is_not_called_a_leak() {
        let f = PublicFacts {
            loss: Loss::Unavailable,
            ..facts()
        };
        let n = draft(&f, &Overrides::default());
        let fi = &n.parts(Language::Fi)["what_happened"];
        assert!(
            fi.contains("eivät olleet jonkin aikaa käytettävissä"),
            "{fi}"
        );
        assert!(!fi.contains("ulkopuolisten saataville"), "{fi}");
        let sv = &n.parts(Language::Sv)["what_happened"];
        assert!(
            sv.contains("personuppgiftsincident") && sv.contains("otillgängliga"),
            "{sv}"
        );
    }
}
