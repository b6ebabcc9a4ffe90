//! The communication to data subjects (Art. 34(2)): one letter template in Finnish, Swedish and
//! English, drafted from the case with the Fluent messages of `locales/*/notices.ftl`, editable,
//! approved by the DPO as a whole — and rendered per recipient, in the recipient's language,
//! naming only that person's own affected data and the advice that fits it.
//!
//! A template holds the fixed parts ([`PARTS`]) and, for every data element a recipient can
//! have ([`ELEMENTS`]), its name (`element.<id>`) and advice (`advice.<id>`): everything a letter
//! can say is in the approved version. The only placeholder is `{ $name }`.

use std::fmt::Write as _;

use breachdesk_core::report::Language;
use jiff::civil::Date;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use serde::{Deserialize, Serialize};

use crate::document::Document;
use crate::i18n::{Overrides, text};
pub use crate::texts::{LANGUAGES, Parts, Texts};

/// The fixed parts of a letter, in the order they are read.
pub const PARTS: [&str; 9] = [
    "subject",
    "greeting",
    "what_happened",
    "your_data",
    "consequences",
    "measures",
    "advice",
    "contact",
    "closing",
];

/// The parts Art. 34(2) needs: the nature of the breach, the person's data, the likely
/// consequences, the measures and the contact point (with a subject and a greeting).
const NEEDED: [&str; 7] = [
    "subject",
    "greeting",
    "what_happened",
    "your_data",
    "consequences",
    "measures",
    "contact",
];

/// The data elements a recipient can have: every data category of the product (scope,
/// assessment, letters and notices share the one list of the domain crate).
pub const ELEMENTS: [&str; 27] = breachdesk_core::assessment::DataCategory::IDS;

/// The only placeholder a template may use: the recipient's name.
pub const NAME: &str = "{ $name }";

/// The letter template in three languages.
pub type LetterTemplate = Texts;

/// What is wrong with a template, part by part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateProblem {
    /// A needed part is blank (or an element's name, when the element has advice or is listed).
    Blank { lang: Language, part: String },
    /// `{ $… }` other than `{ $name }`, or a brace left open: it would reach the reader as is.
    Placeholder { lang: Language, part: String },
    /// A paragraph of the part reads as another of the three languages (`found`).
    WrongLanguage {
        lang: Language,
        part: String,
        found: Language,
    },
}

/// Everything that keeps a template from approval.
#[must_use]
pub fn problems(t: &LetterTemplate) -> Vec<TemplateProblem> {
    let mut out: Vec<TemplateProblem> = t
        .blank(&NEEDED)
        .into_iter()
        .map(|(lang, part)| TemplateProblem::Blank {
            lang,
            part: part.to_owned(),
        })
        .collect();
    for lang in LANGUAGES {
        for part in PARTS {
            if let Some(found) = crate::language::foreign(lang, t.get(lang, part)) {
                out.push(TemplateProblem::WrongLanguage {
                    lang,
                    part: part.to_owned(),
                    found,
                });
            }
        }
        for e in ELEMENTS {
            let part = format!("element.{e}");
            if t.get(lang, &part).trim().is_empty() {
                out.push(TemplateProblem::Blank { lang, part });
            }
        }
        for (part, value) in t.parts(lang) {
            let rest = value.replace(NAME, "");
            if rest.contains("{ $") || rest.contains("{$") {
                out.push(TemplateProblem::Placeholder {
                    lang,
                    part: part.clone(),
                });
            }
        }
    }
    out
}

/// What the draft is written from.
#[derive(Debug, Clone, Default)]
pub struct LetterFacts {
    /// The organisation's name in each language.
    pub organisation: breachdesk_core::org::OrgName,
    /// What happened to the data, so that the letter says it as it was.
    pub loss: crate::public::Loss,
    pub discovered_on: Option<Date>,
    /// What the controller did, in the handler's words (the scope's measures).
    pub measures: String,
    /// The notification to the authority is recorded: only then does the letter say so.
    pub authority_notified: bool,
    pub dpo_email: Option<String>,
    pub dpo_phone: Option<String>,
    /// The facts recorded for the notices: the cause and what was not reached, what people
    /// should do, the police, the customer service and its hours, each language from its own
    /// text.
    pub facts: Option<breachdesk_core::notice_facts::NoticeFacts>,
}

/// The draft in all three languages, in the organisation's own words where it has them.
#[must_use]
pub fn draft(f: &LetterFacts, ov: &Overrides) -> LetterTemplate {
    let mut t = LetterTemplate::default();
    let facts = f.facts.as_ref();
    let service = facts
        .map(|x| x.service_contact.trim().to_owned())
        .filter(|c| !c.is_empty());
    let contact_id = if service.is_some() {
        "contact-service"
    } else {
        "contact"
    };
    let contacts: Vec<String> = match service {
        Some(c) => vec![c],
        None => [f.dpo_email.clone(), f.dpo_phone.clone()]
            .into_iter()
            .flatten()
            .collect(),
    };
    let paragraphs = |parts: Vec<String>| {
        parts
            .into_iter()
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n\n")
    };
    for lang in LANGUAGES {
        let m = |id: &str, args: &[(&str, String)]| ov.text(lang, &format!("letter-{id}"), args);
        // Words the handler wrote for the notices, in this language only.
        let own = |pick: fn(
            &breachdesk_core::notice_facts::NoticeFacts,
        ) -> &breachdesk_core::notice_facts::Localised| {
            facts
                .map(|x| pick(x).get(lang).trim().to_owned())
                .unwrap_or_default()
        };
        let org = ("org", f.organisation.in_lang(lang).to_owned());
        let date = (
            "date",
            f.discovered_on
                .map(|d| crate::public::date_in(lang, d))
                .unwrap_or_default(),
        );
        let parts = t.parts_mut(lang);
        parts.insert("subject".into(), m("subject", std::slice::from_ref(&org)));
        parts.insert(
            "greeting".into(),
            m("greeting", &[("name", NAME.to_owned())]),
        );
        parts.insert(
            "what_happened".into(),
            paragraphs(vec![
                m(f.loss.what_happened(), &[org, date]),
                own(|x| &x.cause),
                own(|x| &x.not_reached),
            ]),
        );
        parts.insert("your_data".into(), m("your-data", &[]));
        parts.insert("consequences".into(), m(f.loss.consequences(), &[]));
        parts.insert(
            "measures".into(),
            paragraphs(vec![
                if f.authority_notified {
                    m("measures-authority", &[])
                } else {
                    String::new()
                },
                if facts.is_some_and(|x| x.police_informed) {
                    m("measures-police", &[])
                } else {
                    String::new()
                },
                m("measures", &[]),
                crate::language::only_if_fits(lang, &f.measures),
            ]),
        );
        // People who must act are told what to do in their own language, or the part stays
        // blank and the template cannot be approved.
        let action = own(|x| &x.action);
        parts.insert(
            "advice".into(),
            if facts.is_some_and(|x| x.must_act) && action.is_empty() {
                String::new()
            } else {
                paragraphs(vec![action, m("advice", &[])])
            },
        );
        let hours = own(|x| &x.service_hours);
        parts.insert(
            "contact".into(),
            if contacts.is_empty() {
                String::new()
            } else {
                paragraphs(vec![
                    m(contact_id, &[("contacts", contacts.join(", "))]),
                    if hours.is_empty() {
                        String::new()
                    } else {
                        m("contact-hours", &[("hours", hours)])
                    },
                ])
            },
        );
        parts.insert("closing".into(), m("closing", &[]));
        for e in ELEMENTS {
            parts.insert(format!("element.{e}"), m(&format!("element-{e}"), &[]));
            let advice = ov
                .lookup(lang, &format!("letter-advice-{e}"), &[])
                .unwrap_or_default();
            parts.insert(format!("advice.{e}"), advice);
        }
    }
    t
}

/// One person to write to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub language: Language,
    /// This person's own affected data elements ([`ELEMENTS`] ids).
    pub elements: Vec<String>,
    /// For a printed letter: the postal address, lines separated by newlines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_address: Option<String>,
}

/// A letter as one person reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub lang: Language,
    pub subject: String,
    /// What happened, the person's data, consequences, measures, advice, contact: paragraphs.
    pub greeting: String,
    pub blocks: Vec<LetterBlock>,
}

/// A paragraph or a list of the letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LetterBlock {
    Paragraph(String),
    List(Vec<String>),
}

/// Is this a character that must not reach a letter from imported data: a control character
/// (line breaks included), or one that reorders or hides text (bidi controls, zero-width)?
#[must_use]
pub fn is_hostile(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// A value from imported data as one line of plain text: every hostile character becomes a
/// space. The import refuses such names already; this keeps a list stored before that rule, or
/// any other path, from adding lines or headers to a letter the DPO approved.
#[must_use]
pub fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if is_hostile(c) { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The letter for one recipient: their language, their name, only their own data elements and
/// the advice for those.
#[must_use]
pub fn render(t: &LetterTemplate, r: &Recipient) -> Letter {
    let lang = r.language;
    let get = |p: &str| t.get(lang, p);
    let name = r
        .name
        .as_deref()
        .map(one_line)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| text(lang, "letter-no-name", &[]));
    let fill = |p: &str| get(p).replace(NAME, &name);
    let mut blocks = Vec::new();
    let para = |blocks: &mut Vec<LetterBlock>, s: String| {
        for p in s.split("\n\n") {
            if !p.trim().is_empty() {
                blocks.push(LetterBlock::Paragraph(p.trim().to_owned()));
            }
        }
    };
    para(&mut blocks, fill("what_happened"));
    para(&mut blocks, fill("your_data"));
    let own: Vec<&str> = ELEMENTS
        .iter()
        .copied()
        .filter(|e| r.elements.iter().any(|x| x == e))
        .collect();
    // A template approved before a category became an element has no name for it: the
    // default name in the letter's language, never an empty line.
    blocks.push(LetterBlock::List(
        own.iter()
            .map(|e| {
                let named = get(&format!("element.{e}")).trim();
                if named.is_empty() {
                    text(lang, &format!("letter-element-{e}"), &[])
                } else {
                    named.to_owned()
                }
            })
            .collect(),
    ));
    para(&mut blocks, fill("consequences"));
    para(&mut blocks, fill("measures"));
    // Categories may share advice (the special categories do): each piece once.
    let mut advice: Vec<String> = Vec::new();
    for e in &own {
        let a = get(&format!("advice.{e}")).trim().to_owned();
        if !a.is_empty() && !advice.contains(&a) {
            advice.push(a);
        }
    }
    if !advice.is_empty() {
        para(&mut blocks, fill("advice"));
        blocks.push(LetterBlock::List(advice));
    }
    para(&mut blocks, fill("contact"));
    para(&mut blocks, fill("closing"));
    Letter {
        lang,
        subject: one_line(&fill("subject")),
        greeting: fill("greeting"),
        blocks,
    }
}

impl Letter {
    /// Plain text, as the e-mail body: paragraphs separated by blank lines, lists with dashes.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut out = String::with_capacity(1500);
        out.push_str(&self.greeting);
        out.push_str("\n\n");
        for b in &self.blocks {
            match b {
                LetterBlock::Paragraph(p) => {
                    out.push_str(p);
                    out.push_str("\n\n");
                }
                LetterBlock::List(items) => {
                    for i in items {
                        let _ = writeln!(out, "- {i}");
                    }
                    out.push('\n');
                }
            }
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    }

    /// The printed letter: the address block first (for a window envelope), then the text.
    #[must_use]
    pub fn to_document(&self, r: &Recipient) -> Document {
        let mut d = Document::new(self.lang.as_str(), self.subject.clone());
        let address: Vec<String> = r
            .name
            .as_deref()
            .into_iter()
            .chain(r.postal_address.as_deref().into_iter().flat_map(str::lines))
            .map(one_line)
            .filter(|l| !l.is_empty())
            .collect();
        if !address.is_empty() {
            d.paragraph(address.join("\n"));
        }
        d.paragraph(self.greeting.clone());
        for b in &self.blocks {
            match b {
                LetterBlock::Paragraph(p) => {
                    d.paragraph(p.clone());
                }
                LetterBlock::List(items) => {
                    d.list(items.clone());
                }
            }
        }
        d
    }
}

/// The RFC 5322 message of one letter: fixed Message-ID and Date, so that a message sent again
/// after a crash is the same message, byte for byte, and the recipient's system can recognise it.
pub fn email(
    letter: &Letter,
    from: &Mailbox,
    to: &str,
    message_id: &str,
    date: std::time::SystemTime,
) -> Result<Vec<u8>, String> {
    let to: Mailbox = to.parse().map_err(|e| format!("recipient: {e}"))?;
    let m = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(letter.subject.clone())
        .message_id(Some(message_id.to_owned()))
        .date(date)
        .header(ContentType::TEXT_PLAIN)
        .body(letter.to_text())
        .map_err(|e| e.to_string())?;
    Ok(m.formatted())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> LetterFacts {
        LetterFacts {
            loss: crate::public::Loss::Disclosed,
            organisation: "Museokortti Oy".into(),
            discovered_on: Some(jiff::civil::date(2026, 11, 20)),
            measures: "Suljimme palvelun.".into(),
            authority_notified: false,
            dpo_email: Some("tietosuoja@museokortti.example".into()),
            dpo_phone: None,
            facts: None,
        }
    }

    #[test]
    fn a_letter_drafted_from_the_notice_facts_says_each_in_its_own_language() {
        use breachdesk_core::notice_facts::{Localised, NoticeFacts, Progress, Reach};
        let loc = |fi: &str, sv: &str, en: &str| Localised {
            fi: fi.into(),
            sv: sv.into(),
            en: en.into(),
        };
        let f = LetterFacts {
            organisation: breachdesk_core::org::OrgName {
                name: "Museokortti Oy".into(),
                sv: Some("Museikortet Ab".into()),
                en: Some("Museum Card Ltd".into()),
            },
            authority_notified: true,
            facts: Some(NoticeFacts {
                progress: Progress::Resolved,
                fixed_on: Some(jiff::civil::date(2026, 11, 21)),
                must_act: true,
                action: loc(
                    "Vaihda salasanasi heti.",
                    "Byt ditt lösenord genast.",
                    "Change your password now.",
                ),
                reach: Reach::Part,
                who: Localised::default(),
                cause: loc(
                    "Tilausraportti jäi virheellisen asetuksen vuoksi avoimeksi verkkoon.",
                    "Orderrapporten låg öppen på nätet på grund av en felaktig inställning.",
                    "The order report was left open on the web because of a wrong setting.",
                ),
                not_reached: loc(
                    "Maksupalveluun ei päästy.",
                    "Betaltjänsten nåddes inte.",
                    "The payment service was not reached.",
                ),
                categories: vec![],
                never_collected: vec![],
                misuse: None,
                misuse_note: Localised::default(),
                police_informed: true,
                next_steps: Localised::default(),
                outside_help: Localised::default(),
                service_contact: "asiakaspalvelu@museokortti.example".into(),
                service_hours: loc("arkisin 9–16", "vardagar 9–16", "weekdays 9–16"),
                media_contact: String::new(),
            }),
            ..facts()
        };
        let t = draft(&f, &Overrides::default());
        assert_eq!(problems(&t), vec![], "approvable as drafted");
        assert!(t.get(Language::Sv, "subject").contains("Museikortet Ab"));
        assert!(
            t.get(Language::En, "what_happened")
                .contains("Museum Card Ltd")
        );
        assert!(t.get(Language::Fi, "what_happened").contains("20.11.2026"));
        assert!(
            t.get(Language::Fi, "what_happened")
                .contains("Tilausraportti")
        );
        assert!(
            !t.get(Language::Fi, "what_happened")
                .contains("order report")
        );
        assert!(
            t.get(Language::Sv, "what_happened")
                .contains("Betaltjänsten nåddes inte.")
        );
        assert!(
            t.get(Language::En, "advice")
                .starts_with("Change your password now.")
        );
        assert!(t.get(Language::Fi, "measures").contains("poliisille"));
        assert!(t.get(Language::En, "contact").contains("customer service"));
        assert!(
            t.get(Language::En, "contact")
                .contains("Opening hours: weekdays 9–16.")
        );
        assert!(
            !t.get(Language::En, "contact").contains("tietosuoja@"),
            "the service's address, not the DPO's"
        );
    }

    #[test]
    fn a_letter_says_what_happened_to_the_data_and_what_follows_from_it() {
        use crate::public::Loss;
        let lost = draft(
            &LetterFacts {
                loss: Loss::Lost,
                ..facts()
            },
            &Overrides::default(),
        );
        assert!(
            lost.get(Language::Fi, "what_happened")
                .contains("eikä niitä voida palauttaa")
        );
        assert!(!lost.get(Language::Fi, "consequences").contains("huija"));
        assert!(
            lost.get(Language::En, "consequences")
                .contains("Nothing indicates")
        );
        let altered = draft(
            &LetterFacts {
                loss: Loss::Altered,
                ..facts()
            },
            &Overrides::default(),
        );
        assert!(
            altered
                .get(Language::Sv, "consequences")
                .contains("ändrats obehörigt")
        );
        assert_eq!(problems(&lost), vec![]);
        assert_eq!(problems(&altered), vec![]);
    }

    #[test]
    fn the_draft_is_complete_in_three_languages() {
        let t = draft(&facts(), &Overrides::default());
        assert_eq!(problems(&t), vec![]);
        assert!(t.get(Language::Sv, "greeting").contains(NAME));
        // The authority is named only once the notification is recorded.
        assert!(
            !t.get(Language::Fi, "measures")
                .contains("tietosuojavaltuutetun")
        );
        let notified = draft(
            &LetterFacts {
                authority_notified: true,
                ..facts()
            },
            &Overrides::default(),
        );
        assert!(
            notified.get(Language::Fi, "measures").starts_with(
                "Olemme ilmoittaneet loukkauksesta tietosuojavaltuutetun toimistolle."
            )
        );
        assert!(
            t.get(Language::Fi, "measures")
                .ends_with("Suljimme palvelun.")
        );
        let mut bad = t.clone();
        bad.sv.insert(
            "measures".into(),
            "Vi stängde tjänsten.\n\nWe closed the service and reset every password at once."
                .into(),
        );
        assert_eq!(
            problems(&bad),
            vec![TemplateProblem::WrongLanguage {
                lang: Language::Sv,
                part: "measures".into(),
                found: Language::En
            }]
        );
        let mut bad = t.clone();
        bad.en.insert("consequences".into(), " ".into());
        bad.fi.insert("closing".into(), "Terveisin { $org }".into());
        assert_eq!(
            problems(&bad),
            vec![
                TemplateProblem::Blank {
                    lang: Language::En,
                    part: "consequences".into()
                },
                TemplateProblem::Placeholder {
                    lang: Language::Fi,
                    part: "closing".into()
                }
            ]
        );
    }

    #[test]
    fn a_letter_names_only_the_persons_own_data_in_their_language() {
        let t = draft(&facts(), &Overrides::default());
        let r = Recipient {
            email: Some("anna@example.fi".into()),
            name: Some("Anna Andersson".into()),
            language: Language::Sv,
            elements: vec!["iban".into(), "email".into()],
            postal_address: None,
        };
        let l = render(&t, &r);
        let body = l.to_text();
        assert!(body.starts_with("Bästa Anna Andersson,"), "{body}");
        assert!(body.contains("- ditt bankkontonummer\n"), "{body}");
        assert!(body.contains("- din e-postadress\n"), "{body}");
        assert!(!body.contains("personbeteckning"), "{body}");
        assert!(!body.contains("betalkort"), "{body}");
        assert!(
            body.contains("Kontrollera dina kontotransaktioner"),
            "{body}"
        );
        assert!(body.contains("tietosuoja@museokortti.example"));
        assert!(l.subject.contains("Museokortti Oy"));

        let fi = render(
            &t,
            &Recipient {
                language: Language::Fi,
                name: None,
                elements: vec!["national_id".into()],
                ..r.clone()
            },
        );
        let body = fi.to_text();
        assert!(body.starts_with("Hyvä vastaanottaja,"), "{body}");
        assert!(body.contains("- henkilötunnuksesi\n"), "{body}");
        assert!(body.contains("luottokiellon"), "{body}");
        assert!(!body.contains("pankkitilisi"), "{body}");
    }

    #[test]
    fn every_data_category_is_a_letter_element_with_its_name_in_each_language() {
        let t = draft(&facts(), &Overrides::default());
        for lang in LANGUAGES {
            for e in ELEMENTS {
                let name = t.get(lang, &format!("element.{e}"));
                assert!(!name.trim().is_empty(), "{lang:?} {e}");
                assert!(!name.contains("element-"), "{lang:?} {e}: {name}");
            }
        }
        // A student whose grades and trade union membership leaked is told so, and given the
        // advice for each once (the special categories share theirs).
        let student = |language, elements: &[&str]| {
            render(
                &t,
                &Recipient {
                    email: Some("opiskelija@example.fi".into()),
                    name: Some("Aino Opiskelija".into()),
                    language,
                    elements: elements.iter().map(|e| (*e).to_owned()).collect(),
                    postal_address: None,
                },
            )
            .to_text()
        };
        let fi = student(
            Language::Fi,
            &["education", "trade_union_membership", "political_opinions"],
        );
        assert!(
            fi.contains("- opintojasi koskevia tietoja (kuten arvosanasi)\n"),
            "{fi}"
        );
        assert!(
            fi.contains("- ammattiliiton jäsenyyttäsi koskevia tietoja\n"),
            "{fi}"
        );
        assert!(!fi.contains("asiakasnumero"), "{fi}");
        assert_eq!(fi.matches("tee rikosilmoitus").count(), 1, "{fi}");
        let sv = student(Language::Sv, &["education", "location"]);
        assert!(
            sv.contains("- uppgifter om dina studier (till exempel vitsord)\n"),
            "{sv}"
        );
        assert!(sv.contains("spärrmarkering"), "{sv}");
        // A template approved before education was an element still names it.
        let mut old = t.clone();
        for lang in LANGUAGES {
            old.parts_mut(lang).remove("element.education");
        }
        let l = render(
            &old,
            &Recipient {
                email: None,
                name: None,
                language: Language::Sv,
                elements: vec!["education".into()],
                postal_address: None,
            },
        )
        .to_text();
        assert!(
            l.contains("- uppgifter om dina studier (till exempel vitsord)\n"),
            "{l}"
        );
        let en = student(Language::En, &["education", "biometric"]);
        assert!(
            en.contains("- information about your studies (such as grades)\n"),
            "{en}"
        );
        assert!(en.contains("identify yourself in another way"), "{en}");
    }

    #[test]
    fn the_email_is_the_same_message_every_time() {
        let t = draft(&facts(), &Overrides::default());
        let r = Recipient {
            email: Some("anna@example.fi".into()),
            name: Some("Anna".into()),
            language: Language::Fi,
            elements: vec!["email".into()],
            postal_address: None,
        };
        let letter = render(&t, &r);
        let from: Mailbox = "BreachDesk <breachdesk@museokortti.example>"
            .parse()
            .unwrap();
        let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_795_000_000);
        let first = email(
            &letter,
            &from,
            "anna@example.fi",
            "<x1@museokortti.example>",
            at,
        );
        let again = email(
            &letter,
            &from,
            "anna@example.fi",
            "<x1@museokortti.example>",
            at,
        );
        assert_eq!(first, again);
        let text = String::from_utf8(first.unwrap()).unwrap();
        assert!(
            text.contains("Message-ID: <x1@museokortti.example>"),
            "{text}"
        );
        assert!(text.contains("To: anna@example.fi"), "{text}");
        assert!(email(&letter, &from, "not an address", "<x2@m>", at).is_err());
    }

    /// Issue 17: a name that reached a letter with a line break added a `Bcc:` line to it.
    #[test]
    fn a_name_cannot_add_lines_or_headers_to_a_letter() {
        let mut t = draft(&facts(), &Overrides::default());
        for lang in [Language::Fi, Language::Sv, Language::En] {
            let subject = format!("{} {NAME}", t.get(lang, "subject"));
            t.parts_mut(lang).insert("subject".into(), subject);
        }
        let r = Recipient {
            email: Some("anna@example.fi".into()),
            name: Some("Anna\r\nBcc: victim@example.org\r\n\r\nInjected".into()),
            language: Language::En,
            elements: vec!["email".into()],
            postal_address: Some("Katu 1\r\nX-Evil: 1".into()),
        };
        let letter = render(&t, &r);
        assert!(
            letter
                .greeting
                .contains("Anna Bcc: victim@example.org Injected")
        );
        assert!(!letter.subject.contains('\r') && !letter.subject.contains('\n'));
        let from: Mailbox = "BreachDesk <breachdesk@museokortti.example>"
            .parse()
            .unwrap();
        let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_795_000_000);
        let text = String::from_utf8(
            email(
                &letter,
                &from,
                "anna@example.fi",
                "<x3@museokortti.example>",
                at,
            )
            .unwrap(),
        )
        .unwrap();
        assert!(
            !text.lines().any(|l| l.starts_with("Bcc:")),
            "no header line of the name's: {text}"
        );
        let doc = letter.to_document(&r);
        let debug = format!("{doc:?}");
        assert!(!debug.contains("\\r"), "{debug}");
    }
}
