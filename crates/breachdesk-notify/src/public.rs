//! The public notice (Art. 34(3)(c)): what a Finnish organisation publishes on its website and
//! gives to the press — in Finnish, Swedish and English on one page. Drafted from the case with
//! the Fluent messages of `locales/*/notices.ftl`; every part stays editable before the DPO
//! approves it.

use std::fmt::Write as _;

use crate::document::Document;
use crate::i18n::{Overrides, text};
pub use crate::texts::{LANGUAGES, Parts, Texts};
use breachdesk_core::assessment::{DataCategory, term};
use breachdesk_core::notice_facts::{Misuse, NoticeFacts, Progress, Reach};
use breachdesk_core::report::Language;
use breachdesk_core::scope::SubjectCategory;

/// The parts of a public notice, in the order they are published: the headline and the lead
/// paragraph, then one section each.
pub const PARTS: [&str; 14] = [
    "headline",
    "lead",
    "what_happened",
    "concerns",
    "data_affected",
    "data_not_affected",
    "data_never_collected",
    "misuse",
    "action",
    "informed",
    "apology",
    "next_steps",
    "customer_service",
    "media",
];

/// The notice in the three languages, Finnish first.
pub type PublicNotice = Texts;

/// The parts that must be written before the notice can be approved: what happened and
/// whether it is over (headline, lead, what happened), whom and which data it concerns,
/// whether misuse has been seen, what people should do, whom the organisation informed, and
/// the contacts for people and for the press.
const NEEDED: [&str; 10] = [
    "headline",
    "lead",
    "what_happened",
    "concerns",
    "data_affected",
    "misuse",
    "action",
    "informed",
    "customer_service",
    "media",
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
    /// The organisation's name in each language.
    pub organisation: breachdesk_core::org::OrgName,
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
    /// The groups of people concerned (the scope's categories of data subjects).
    pub groups: Vec<SubjectCategory>,
    /// Whether the number of people is an estimate.
    pub subjects_approximate: bool,
    /// The facts the handler recorded for the notices; without them the parts that only they
    /// can fill (lead, misuse, action, media …) stay blank and the draft cannot be approved.
    pub facts: Option<NoticeFacts>,
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

/// A list part: its opening line, then one `- ` line per item (rendered as a bulleted list).
fn bullets(intro: &str, items: impl IntoIterator<Item = String>) -> String {
    let items: Vec<String> = items
        .into_iter()
        .map(|i| {
            let mut c = i.chars();
            let first: String = c
                .next()
                .map(|f| f.to_uppercase().collect())
                .unwrap_or_default();
            format!("- {first}{}", c.as_str())
        })
        .collect();
    if items.is_empty() {
        return String::new();
    }
    format!("{intro}\n\n{}", items.join("\n"))
}

/// A whole number as each language writes it: 12 400 (a no-break space) or 12,400.
#[must_use]
pub fn number_in(lang: Language, n: u64) -> String {
    let digits = n.to_string();
    let sep = match lang {
        Language::Fi | Language::Sv => '\u{a0}',
        Language::En => ',',
    };
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(ch);
    }
    out
}

/// Paragraphs, blank ones left out.
fn paragraphs(parts: impl IntoIterator<Item = String>) -> String {
    parts
        .into_iter()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Sentences of one paragraph, blank ones left out.
fn sentences(parts: impl IntoIterator<Item = String>) -> String {
    parts
        .into_iter()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

const fn loss_id(loss: Loss) -> &'static str {
    match loss {
        Loss::Disclosed => "disclosed",
        Loss::PossiblyDisclosed => "possibly",
        Loss::Unavailable => "unavailable",
        Loss::Lost => "lost",
        Loss::Altered => "altered",
    }
}

/// The group named in "all our customers": the scope's one group of people, else none.
fn group(groups: &[SubjectCategory]) -> &'static str {
    match groups {
        [one] => one.id(),
        _ => "other",
    }
}

/// The draft in all three languages.
#[must_use]
pub fn draft(f: &PublicFacts, ov: &Overrides) -> PublicNotice {
    let mut notice = PublicNotice::default();
    for lang in LANGUAGES {
        let parts = language_draft(f, ov, lang);
        *notice.parts_mut(lang) = parts;
    }
    notice
}

#[allow(clippy::too_many_lines)]
fn language_draft(f: &PublicFacts, ov: &Overrides, lang: Language) -> Parts {
    let t = |id: &str, args: &[(&str, String)]| ov.text(lang, &format!("public-{id}"), args);
    let org = ("org", f.organisation.in_lang(lang).to_owned());
    let date_of = |d: Option<jiff::civil::Date>| d.map(|d| date_in(lang, d)).unwrap_or_default();
    let discovered = ("date", date_of(f.discovered_on));
    let facts = f.facts.as_ref();
    // Words the handler wrote, in this language only.
    let own = |l: &breachdesk_core::notice_facts::Localised| l.get(lang).trim().to_owned();
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_owned();
    let mut parts = Parts::new();
    let mut put = |k: &str, v: String| {
        parts.insert(k.to_owned(), v);
    };

    let what = t(f.loss.what_happened(), &[org.clone(), discovered.clone()]);
    let reach = facts.map(|x| match x.reach {
        Reach::All => t("reach-all", &[("group", group(&f.groups).to_owned())]),
        Reach::Part => t("reach-part", &[("group", group(&f.groups).to_owned())]),
        Reach::NotYetKnown => t("reach-not-yet-known", &[]),
    });
    let progress = facts.map(|x| match (x.progress, x.fixed_on) {
        (Progress::Resolved, d) => t("progress-resolved", &[("date", date_of(d))]),
        (Progress::Contained, Some(d)) => t("progress-contained", &[("date", date_in(lang, d))]),
        (Progress::Contained, None) => t("progress-contained-undated", &[]),
        (Progress::Ongoing, _) => t("progress-ongoing", &[]),
    });
    let act = facts.map(|x| t(if x.must_act { "act-yes" } else { "act-no" }, &[]));

    put(
        "headline",
        match facts {
            Some(x) => t(
                "headline-facts",
                &[
                    org.clone(),
                    ("loss", loss_id(f.loss).to_owned()),
                    ("progress", x.progress.id().to_owned()),
                    ("act", yes_no(x.must_act)),
                ],
            ),
            None => t("headline", std::slice::from_ref(&org)),
        },
    );
    put(
        "lead",
        match facts {
            Some(_) => sentences([
                what.clone(),
                reach.clone().unwrap_or_default(),
                progress.clone().unwrap_or_default(),
                act.clone().unwrap_or_default(),
            ]),
            None => String::new(),
        },
    );
    put(
        "what_happened",
        match facts {
            Some(x) => paragraphs([
                sentences([
                    f.discovered_on
                        .map(|_| t("discovered", std::slice::from_ref(&discovered)))
                        .unwrap_or_default(),
                    progress.clone().unwrap_or_default(),
                ]),
                own(&x.cause),
                own(&x.not_reached),
                crate::language::only_if_fits(lang, &f.measures),
            ]),
            None => paragraphs([what, crate::language::only_if_fits(lang, &f.measures)]),
        },
    );
    let count = f.subjects_count.map(|n| {
        t(
            "people-count",
            &[
                ("count", number_in(lang, n)),
                ("approx", yes_no(f.subjects_approximate)),
            ],
        )
    });
    put(
        "concerns",
        match facts {
            Some(x) => paragraphs([
                sentences([reach.unwrap_or_default(), count.unwrap_or_default()]),
                own(&x.who),
            ]),
            None => match f.subjects_count {
                Some(n) => t("concerns-count", &[("count", number_in(lang, n))]),
                None => t("concerns-unknown", &[]),
            },
        },
    );
    put(
        "data_affected",
        match facts {
            Some(x) => bullets(
                &t("data-affected-intro", &[]),
                f.affected.iter().map(|c| {
                    let name = term(lang, c.as_str());
                    let fact = x.category(*c);
                    let named = match fact.and_then(|k| k.count) {
                        Some(n) => t(
                            "category-count",
                            &[("category", name), ("count", number_in(lang, n))],
                        ),
                        None => name,
                    };
                    match fact.map(|k| own(&k.caveat)).filter(|c| !c.is_empty()) {
                        Some(caveat) => format!("{named}: {caveat}"),
                        None => named,
                    }
                }),
            ),
            None if f.affected.is_empty() => String::new(),
            None => t("data-affected", &[("list", list(lang, &f.affected))]),
        },
    );
    put(
        "data_not_affected",
        match facts {
            Some(_) => bullets(
                &t("data-not-affected-intro", &[]),
                f.not_affected.iter().map(|c| term(lang, c.as_str())),
            ),
            None if f.not_affected.is_empty() => String::new(),
            None => t(
                "data-not-affected",
                &[("list", list(lang, &f.not_affected))],
            ),
        },
    );
    put(
        "data_never_collected",
        facts
            .map(|x| {
                bullets(
                    &t("data-never-collected-intro", &[]),
                    // Against the scope as it is now: a category since found affected (or
                    // not affected) is not also "never collected".
                    x.never_collected
                        .iter()
                        .filter(|c| !f.affected.contains(c) && !f.not_affected.contains(c))
                        .map(|c| term(lang, c.as_str())),
                )
            })
            .unwrap_or_default(),
    );
    // Whether misuse has been seen is a fact for the handler to state, never a default.
    put(
        "misuse",
        facts
            .and_then(|x| x.misuse.map(|m| (m, x)))
            .map(|(m, x)| {
                paragraphs([
                    t(
                        match m {
                            Misuse::NoneSeen => "misuse-none-seen",
                            Misuse::Seen => "misuse-seen",
                            Misuse::BeingInvestigated => "misuse-being-investigated",
                        },
                        &[],
                    ),
                    own(&x.misuse_note),
                ])
            })
            .unwrap_or_default(),
    );
    put(
        "action",
        facts
            .map(|x| {
                if x.must_act {
                    own(&x.action)
                } else {
                    t("act-no", &[])
                }
            })
            .unwrap_or_default(),
    );
    let mut informed = Vec::new();
    if f.authority_notified {
        informed.push(t("informed-authority", &[]));
    }
    if f.subjects_informed {
        informed.push(t("informed-subjects", &[]));
    }
    if facts.is_some_and(|x| x.police_informed) {
        informed.push(t("informed-police", &[]));
    }
    put("informed", sentences(informed));
    put("apology", t("apology", std::slice::from_ref(&org)));
    put(
        "next_steps",
        match facts {
            Some(x) => {
                let help = own(&x.outside_help);
                paragraphs([sentences([
                    match own(&x.next_steps) {
                        s if s.is_empty() => t("next-default", &[]),
                        s => s,
                    },
                    if help.is_empty() {
                        String::new()
                    } else {
                        t("outside-help", &[("help", help)])
                    },
                ])])
            }
            None => t("next-default", &[]),
        },
    );
    let contacts: Vec<String> = match facts.map(|x| x.service_contact.trim().to_owned()) {
        Some(c) if !c.is_empty() => vec![c],
        _ => [f.dpo_email.clone(), f.dpo_phone.clone()]
            .into_iter()
            .flatten()
            .collect(),
    };
    put(
        "customer_service",
        if contacts.is_empty() {
            String::new()
        } else {
            sentences([
                t("customer-service", &[("contacts", contacts.join(", "))]),
                facts
                    .map(|x| own(&x.service_hours))
                    .filter(|h| !h.is_empty())
                    .map(|h| t("service-hours", &[("hours", h)]))
                    .unwrap_or_default(),
            ])
        },
    );
    put(
        "media",
        facts
            .map(|x| x.media_contact.trim().to_owned())
            .filter(|c| !c.is_empty())
            .map(|c| t("media", &[("contact", c)]))
            .unwrap_or_default(),
    );
    parts
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
                let body = get(part).replace("\r\n", "\n");
                if body.trim().is_empty() {
                    continue;
                }
                // The lead paragraph stands under the headline without a heading of its own.
                if *part != "lead" {
                    d.heading(text(
                        *lang,
                        &format!("public-part-{}", part.replace('_', "-")),
                        &[],
                    ));
                }
                for para in body.split("\n\n") {
                    let lines: Vec<&str> = para.lines().filter(|l| !l.trim().is_empty()).collect();
                    // Lines that all start with "- " are a bulleted list.
                    if !lines.is_empty() && lines.iter().all(|l| l.trim_start().starts_with("- ")) {
                        d.list(
                            lines
                                .iter()
                                .map(|l| l.trim_start()[2..].trim().to_owned())
                                .collect(),
                        );
                    } else {
                        d.paragraph(para.to_owned());
                    }
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

/// The readable last segment of a notice's address, from its Finnish headline without the
/// organisation's name: `henkilotietoja-paljastui-ulkopuolisille-vika-on-korjattu`. Letters
/// outside a–z are spelt in ASCII (ä → a, ö → o, å → a, ß → ss …) or left out; at most 80
/// characters, cut between words. Empty when the headline has no letters.
#[must_use]
pub fn address_words(notice: &PublicNotice) -> String {
    let headline = title(notice);
    let words = headline
        .split_once(": ")
        .map_or(headline.as_str(), |(_, rest)| rest);
    let mut out = String::new();
    let mut gap = false;
    for c in words.chars().flat_map(char::to_lowercase) {
        let spelt: &str = match c {
            'a'..='z' | '0'..='9' => {
                if gap && !out.is_empty() {
                    out.push('-');
                }
                gap = false;
                out.push(c);
                continue;
            }
            'ä' | 'å' | 'á' | 'à' | 'â' | 'ã' | 'ą' => "a",
            'ö' | 'ø' | 'ó' | 'ò' | 'ô' | 'õ' => "o",
            'é' | 'è' | 'ê' | 'ë' | 'ę' => "e",
            'ü' | 'ú' | 'ù' | 'û' => "u",
            'í' | 'ì' | 'î' | 'ï' => "i",
            'š' | 'ś' => "s",
            'ž' | 'ź' | 'ż' => "z",
            'č' | 'ć' | 'ç' => "c",
            'ñ' | 'ń' => "n",
            'ł' => "l",
            'đ' => "d",
            'ŋ' => "ng",
            'ŧ' => "t",
            'ß' => "ss",
            'æ' => "ae",
            _ => {
                gap = true;
                continue;
            }
        };
        if gap && !out.is_empty() {
            out.push('-');
        }
        gap = false;
        out.push_str(spelt);
    }
    if out.len() > 80 {
        let cut = out[..=80].rfind('-').unwrap_or(80);
        out.truncate(cut);
    }
    out
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
pub fn index_html(
    organisation: &breachdesk_core::org::OrgName,
    notices: &[Listed],
    stylesheet: &str,
) -> String {
    let mut body = String::new();
    for lang in LANGUAGES {
        let code = lang.as_str();
        let _ = writeln!(
            body,
            "<article lang=\"{code}\" id=\"{code}\">\n<h1>{}</h1>",
            crate::document::escape(&text(
                lang,
                "public-index-title",
                &[("org", organisation.in_lang(lang).to_owned())]
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
            &[("org", organisation.name.clone())],
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
    use breachdesk_core::notice_facts::{CategoryFact, Localised};

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
            groups: vec![],
            subjects_approximate: false,
            facts: None,
        }
    }

    fn loc(fi: &str, sv: &str, en: &str) -> Localised {
        Localised {
            fi: fi.into(),
            sv: sv.into(),
            en: en.into(),
        }
    }

    /// The case of the issue: a consumer service, part of its customers, several categories
    /// with counts and caveats, one never collected, fixed, no action needed.
    fn with_facts() -> PublicFacts {
        PublicFacts {
            groups: vec![SubjectCategory::Customers],
            subjects_approximate: true,
            subjects_count: Some(12_400),
            affected: vec![
                DataCategory::PersonName,
                DataCategory::Email,
                DataCategory::PaymentCard,
            ],
            not_affected: vec![DataCategory::Credential],
            subjects_informed: true,
            facts: Some(NoticeFacts {
                progress: Progress::Resolved,
                fixed_on: Some(jiff::civil::date(2026, 11, 21)),
                must_act: false,
                action: Localised::default(),
                reach: Reach::Part,
                who: loc(
                    "Asiakkaat, jotka tilasivat verkkokaupasta marraskuun alussa.",
                    "Kunder som beställde i webbutiken i början av november.",
                    "Customers who ordered from the online shop in early November.",
                ),
                cause: loc(
                    "Verkkokaupan tilausraportti jäi virheellisen asetuksen vuoksi avoimeksi verkkoon.",
                    "På grund av en felaktig inställning låg webbutikens orderrapport öppen på nätet.",
                    "Because of a wrong setting, the online shop's order report was left open on the web.",
                ),
                not_reached: loc(
                    "Salasanoihin ja maksupalveluun ei päästy käsiksi.",
                    "Lösenorden och betaltjänsten nåddes inte.",
                    "Passwords and the payment service were not reached.",
                ),
                categories: vec![
                    CategoryFact {
                        category: DataCategory::PaymentCard,
                        count: Some(310),
                        caveat: loc(
                            "vain kortin neljä viimeistä numeroa",
                            "endast kortets fyra sista siffror",
                            "only the last four digits of the card",
                        ),
                    },
                    CategoryFact {
                        category: DataCategory::Email,
                        count: Some(12_400),
                        caveat: Localised::default(),
                    },
                ],
                never_collected: vec![DataCategory::NationalId],
                misuse: Some(Misuse::NoneSeen),
                misuse_note: Localised::default(),
                police_informed: true,
                next_steps: Localised::default(),
                outside_help: loc(
                    "ulkopuolinen tietoturvayhtiö",
                    "ett utomstående informationssäkerhetsföretag",
                    "an outside information security company",
                ),
                service_contact: "asiakaspalvelu@museokortti.example, 09 123 4567".into(),
                service_hours: loc("arkisin 9–16", "vardagar 9–16", "weekdays 9–16"),
                media_contact: "Viestintäjohtaja Anna Virta, 040 123 4567".into(),
            }),
            ..facts()
        }
    }

    #[test]
    fn a_draft_from_facts_carries_every_element_in_each_language_alone() {
        let n = draft(&with_facts(), &Overrides::default());
        assert_eq!(missing(&n), vec![], "nothing left to write");
        assert_eq!(
            wrong_language(&n),
            vec![],
            "no part reads as another language"
        );
        // Headline: what happened, that it is over, that people need not act.
        assert_eq!(
            n.fi["headline"],
            "Museokortti Oy: henkilötietoja paljastui ulkopuolisille – vika on korjattu, sinun ei tarvitse tehdä mitään"
        );
        assert!(n.sv["headline"].contains("felet är åtgärdat"));
        assert!(n.en["headline"].contains("you do not need to do anything"));
        // Lead: part of the customers, fixed on a date written the language's way.
        assert!(
            n.fi["lead"].contains("vain osaa asiakkaistamme"),
            "{}",
            n.fi["lead"]
        );
        assert!(n.fi["lead"].contains("21.11.2026"), "{}", n.fi["lead"]);
        assert!(
            n.en["lead"].contains("21 November 2026"),
            "{}",
            n.en["lead"]
        );
        assert!(n.sv["lead"].contains("en del av våra kunder"));
        // Cause and what was not reached, each language from its own text.
        assert!(n.fi["what_happened"].contains("tilausraportti"));
        assert!(!n.fi["what_happened"].contains("order report"));
        assert!(n.sv["what_happened"].contains("Lösenorden"));
        // Counts and caveats per category, as a list.
        assert!(
            n.fi["data_affected"].contains(
                "- Maksukortin numero (310 henkilöä): vain kortin neljä viimeistä numeroa"
            ) || n.fi["data_affected"]
                .contains("(310 henkilöä): vain kortin neljä viimeistä numeroa"),
            "{}",
            n.fi["data_affected"]
        );
        assert!(
            n.en["data_affected"].contains("(12,400 people)"),
            "{}",
            n.en["data_affected"]
        );
        assert!(
            n.fi["concerns"].contains("noin 12\u{a0}400"),
            "{}",
            n.fi["concerns"]
        );
        // Not affected and never collected are two lists.
        assert!(n.en["data_not_affected"].contains("- "));
        assert!(n.en["data_never_collected"].contains("do not collect"));
        let national_id = term(Language::En, "national_id").to_lowercase();
        assert!(
            !n.en["data_not_affected"]
                .to_lowercase()
                .contains(&national_id)
        );
        assert!(
            n.en["data_never_collected"]
                .to_lowercase()
                .contains(&national_id)
        );
        // Misuse from the recorded fact; informed: authority, people, police.
        assert!(n.sv["misuse"].contains("inte sett tecken"));
        assert!(n.fi["informed"].contains("tietosuojavaltuutetun"));
        assert!(n.fi["informed"].contains("loukkauksen kohteena oleville"));
        assert!(n.fi["informed"].contains("poliisille"));
        assert_eq!(n.en["action"], "You do not need to do anything.");
        assert!(n.en["next_steps"].contains("an outside information security company"));
        assert!(n.fi["customer_service"].contains("Palveluaika: arkisin 9–16."));
        assert!(n.sv["media"].contains("Anna Virta"));
        // The published page shows the lists as lists and the lead without a heading.
        let html = to_html(&n);
        assert!(html.contains("<li>"), "{html}");
    }

    #[test]
    fn the_address_reads_as_the_headline() {
        let n = draft(&with_facts(), &Overrides::default());
        assert_eq!(
            address_words(&n),
            "henkilotietoja-paljastui-ulkopuolisille-vika-on-korjattu-sinun-ei-tarvitse-tehda"
        );
        let mut m = PublicNotice::default();
        m.fi.insert("headline".into(), "Sámi: Čáhcegáddi ŋ đ ŧ — 2026!".into());
        assert_eq!(address_words(&m), "cahcegaddi-ng-d-t-2026");
        m.fi.insert("headline".into(), "— ? —".into());
        assert_eq!(address_words(&m), "");
    }

    #[test]
    fn facts_left_out_leave_their_parts_blank_and_block_approval() {
        let mut f = with_facts();
        let x = f.facts.as_mut().unwrap();
        x.misuse = None;
        x.media_contact.clear();
        x.must_act = true;
        x.action = loc("Vaihda salasanasi.", "", "");
        let n = draft(&f, &Overrides::default());
        let m = missing(&n);
        for lang in LANGUAGES {
            assert!(m.contains(&(lang, "misuse")), "{m:?}");
            assert!(m.contains(&(lang, "media")), "{m:?}");
        }
        assert!(!m.contains(&(Language::Fi, "action")));
        assert!(m.contains(&(Language::Sv, "action")));
        assert!(n.fi["headline"].contains("toimi ohjeiden mukaan"));
        // Without any facts the draft says nothing of misuse, action or the press.
        let bare = draft(&facts(), &Overrides::default());
        assert!(missing(&bare).contains(&(Language::Fi, "lead")));
        assert_eq!(bare.fi["misuse"], "");
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
        // Without recorded facts the parts only they can fill stay blank.
        let mut m = n.clone();
        m.sv.insert("customer_service".into(), " ".into());
        assert!(missing(&m).contains(&(Language::Sv, "customer_service")));
        assert!(!missing(&n).contains(&(Language::Sv, "customer_service")));
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
