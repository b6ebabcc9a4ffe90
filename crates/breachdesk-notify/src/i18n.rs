//! The notices' own words in Finnish, Swedish and English (Fluent, `locales/<lang>/*.ftl`,
//! embedded): the EDPB template's titles and options, letters and public notices.

use std::sync::OnceLock;

use breachdesk_core::ports::OrgTemplate;
use breachdesk_core::report::Language;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};

const SOURCES: [(Language, &[&str]); 3] = [
    (
        Language::Fi,
        &[
            include_str!("../locales/fi/edpb.ftl"),
            include_str!("../locales/fi/notices.ftl"),
        ],
    ),
    (
        Language::Sv,
        &[
            include_str!("../locales/sv/edpb.ftl"),
            include_str!("../locales/sv/notices.ftl"),
        ],
    ),
    (
        Language::En,
        &[
            include_str!("../locales/en/edpb.ftl"),
            include_str!("../locales/en/notices.ftl"),
        ],
    ),
];

type Bundle = FluentBundle<FluentResource>;

fn bundles() -> &'static [(Language, Bundle)] {
    static BUNDLES: OnceLock<Vec<(Language, Bundle)>> = OnceLock::new();
    BUNDLES.get_or_init(|| {
        SOURCES
            .iter()
            .map(|(lang, sources)| {
                let id = lang.as_str().parse().unwrap_or_default();
                let mut bundle = FluentBundle::new_concurrent(vec![id]);
                bundle.set_use_isolating(false);
                for src in *sources {
                    let res = FluentResource::try_new((*src).to_owned())
                        .unwrap_or_else(|(_, e)| panic!("notify locales/{}: {e:?}", lang.as_str()));
                    bundle
                        .add_resource(res)
                        .unwrap_or_else(|e| panic!("notify locales/{}: {e:?}", lang.as_str()));
                }
                (*lang, bundle)
            })
            .collect()
    })
}

/// The message `id` in `lang`, or `None` when that language does not have it.
#[must_use]
pub fn lookup(lang: Language, id: &str, args: &[(&str, String)]) -> Option<String> {
    let (_, bundle) = bundles().iter().find(|(l, _)| *l == lang)?;
    let pattern = bundle.get_message(id)?.value()?;
    let mut fargs = FluentArgs::new();
    for (k, v) in args {
        fargs.set(*k, v.clone());
    }
    let mut errors = Vec::new();
    Some(
        bundle
            .format_pattern(pattern, Some(&fargs), &mut errors)
            .into_owned(),
    )
}

/// The message `id` in `lang`; the id itself when missing (a defect the tests catch).
#[must_use]
pub fn text(lang: Language, id: &str, args: &[(&str, String)]) -> String {
    lookup(lang, id, args).unwrap_or_else(|| id.to_owned())
}

fn format(bundle: &Bundle, id: &str, args: &[(&str, String)]) -> Option<String> {
    let pattern = bundle.get_message(id)?.value()?;
    let mut fargs = FluentArgs::new();
    for (k, v) in args {
        fargs.set(*k, v.clone());
    }
    let mut errors = Vec::new();
    let out = bundle
        .format_pattern(pattern, Some(&fargs), &mut errors)
        .into_owned();
    errors.is_empty().then_some(out)
}

/// What is wrong with an organisation's overrides, by language and line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OverrideProblem {
    /// Not Fluent syntax.
    Syntax { lang: Language, line: usize },
    /// A message the notices do not have (a typo would silently change nothing).
    Unknown { lang: Language, id: String },
    /// A variable the default message does not give (`{ $x }` would reach the reader as is).
    Variable { lang: Language, id: String },
}

/// An organisation's own wording of the notices: Fluent messages in each language that replace
/// the defaults of the same id (`public-*`, `letter-*`). Drafts are written with them; what is
/// approved is the draft's text, so changing an override never changes an approved notice.
#[derive(Default)]
pub struct Overrides {
    bundles: Vec<(Language, Bundle)>,
}

impl std::fmt::Debug for Overrides {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Overrides")
            .field("languages", &self.bundles.len())
            .finish()
    }
}

/// Message ids an organisation may override: the notices' own words.
#[must_use]
pub fn overridable(id: &str) -> bool {
    (id.starts_with("public-") || id.starts_with("letter-"))
        && lookup(Language::En, id, &[]).is_some()
}

fn variables(pattern_source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = pattern_source;
    while let Some(i) = rest.find('$') {
        rest = &rest[i + 1..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        out.push(name);
    }
    out
}

impl Overrides {
    /// Parses `(language, Fluent source)` pairs; every problem is reported, and none is allowed.
    pub fn parse(sources: &[OrgTemplate]) -> Result<Self, Vec<OverrideProblem>> {
        let mut problems = Vec::new();
        let mut bundles = Vec::new();
        for OrgTemplate {
            language: lang,
            ftl: src,
        } in sources
        {
            if src.trim().is_empty() {
                continue;
            }
            let res = match FluentResource::try_new(src.clone()) {
                Ok(r) => r,
                Err((_, errors)) => {
                    for e in errors {
                        let line = src[..e.pos.start.min(src.len())].lines().count().max(1);
                        problems.push(OverrideProblem::Syntax { lang: *lang, line });
                    }
                    continue;
                }
            };
            for entry in res.entries() {
                if let fluent_syntax::ast::Entry::Message(m) = entry {
                    let id = m.id.name;
                    if !overridable(id) {
                        problems.push(OverrideProblem::Unknown {
                            lang: *lang,
                            id: id.to_owned(),
                        });
                        continue;
                    }
                    // The override's variables must be ones the default is given.
                    let default = SOURCES
                        .iter()
                        .find(|(l, _)| l == lang)
                        .and_then(|(_, files)| {
                            files.iter().find_map(|f| {
                                f.lines()
                                    .find(|l| l.starts_with(&format!("{id} =")))
                                    .map(str::to_owned)
                            })
                        })
                        .unwrap_or_default();
                    let allowed = variables(&default);
                    let line = src
                        .lines()
                        .find(|l| l.trim_start().starts_with(&format!("{id} =")))
                        .unwrap_or("");
                    if variables(line).iter().any(|v| !allowed.contains(v)) {
                        problems.push(OverrideProblem::Variable {
                            lang: *lang,
                            id: id.to_owned(),
                        });
                    }
                }
            }
            let id = lang.as_str().parse().unwrap_or_default();
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            bundle.set_use_isolating(false);
            let _ = bundle.add_resource(res);
            bundles.push((*lang, bundle));
        }
        if problems.is_empty() {
            Ok(Self { bundles })
        } else {
            Err(problems)
        }
    }

    /// The organisation's message if it has one, else the default, else `None`.
    #[must_use]
    pub fn lookup(&self, lang: Language, id: &str, args: &[(&str, String)]) -> Option<String> {
        self.bundles
            .iter()
            .find(|(l, _)| *l == lang)
            .and_then(|(_, b)| format(b, id, args))
            .or_else(|| lookup(lang, id, args))
    }

    /// [`Self::lookup`], or the id itself when there is no such message.
    #[must_use]
    pub fn text(&self, lang: Language, id: &str, args: &[(&str, String)]) -> String {
        self.lookup(lang, id, args).unwrap_or_else(|| id.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(language: Language, ftl: &str) -> OrgTemplate {
        OrgTemplate {
            language,
            ftl: ftl.to_owned(),
        }
    }

    #[test]
    fn an_organisations_overrides_replace_defaults_and_bad_ones_are_refused() {
        let ov = Overrides::parse(&[template(
            Language::Fi,
            "letter-closing = Pahoittelemme. Museokortin asiakaspalvelu auttaa.\n",
        )])
        .unwrap();
        assert_eq!(
            ov.text(Language::Fi, "letter-closing", &[]),
            "Pahoittelemme. Museokortin asiakaspalvelu auttaa."
        );
        assert_eq!(
            ov.text(Language::Sv, "letter-closing", &[]),
            text(Language::Sv, "letter-closing", &[])
        );
        let bad = Overrides::parse(&[
            template(Language::Sv, "letter-closng = typo\n"),
            template(
                Language::En,
                "letter-subject = { $org } { $ssn }\nbroken line without equals\n",
            ),
            template(Language::Fi, "edpb-document-title = no\n"),
        ])
        .unwrap_err();
        assert!(bad.contains(&OverrideProblem::Unknown {
            lang: Language::Sv,
            id: "letter-closng".into()
        }));
        assert!(bad.contains(&OverrideProblem::Unknown {
            lang: Language::Fi,
            id: "edpb-document-title".into()
        }));
        assert!(
            bad.iter().any(|p| matches!(
                p,
                OverrideProblem::Syntax {
                    lang: Language::En,
                    line: 2
                }
            )),
            "{bad:?}"
        );
    }

    fn ids(src: &str) -> Vec<&str> {
        src.lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|l| l.split(" =").next())
            .collect()
    }

    #[test]
    fn every_language_loads_and_fi_and_sv_have_the_same_messages_in_the_same_order() {
        for (lang, _) in SOURCES {
            assert!(lookup(lang, "edpb-document-title", &[]).is_some());
        }
        for file in 0..2 {
            assert_eq!(
                ids(SOURCES[0].1[file]),
                ids(SOURCES[1].1[file]),
                "file {file}"
            );
        }
        // English notices have every message too; English EDPB titles come from the schema.
        assert_eq!(ids(SOURCES[0].1[1]), ids(SOURCES[2].1[1]));
    }

    #[test]
    fn finnish_and_swedish_translate_every_title_and_option_of_the_template() {
        for lang in [Language::Fi, Language::Sv] {
            for f in &crate::edpb::template().fields {
                assert!(
                    lookup(lang, &format!("edpb-f{}", f.number), &[]).is_some(),
                    "{lang:?} {}",
                    f.key
                );
                if matches!(f.number, 118 | 123 | 125) {
                    continue; // lists of authorities and attachment kinds: shown as the template has them
                }
                for (code, _) in &f.options {
                    assert!(
                        lookup(lang, &format!("edpb-f{}-{code}", f.number), &[]).is_some(),
                        "{lang:?} {} {code}",
                        f.key
                    );
                }
            }
        }
    }
}
