//! Fluent translations of the public pages (Finnish, Swedish, English) and language negotiation.

use std::borrow::Cow;

use breachdesk_core::errors::FieldError;
use breachdesk_core::report::Language;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};

/// Per language: the public pages (`main.ftl`) and the handlers' desk (`desk.ftl`).
const SOURCES: [(Language, [&str; 2]); 3] = [
    (
        Language::Fi,
        [
            include_str!("../locales/fi/main.ftl"),
            include_str!("../locales/fi/desk.ftl"),
        ],
    ),
    (
        Language::Sv,
        [
            include_str!("../locales/sv/main.ftl"),
            include_str!("../locales/sv/desk.ftl"),
        ],
    ),
    (
        Language::En,
        [
            include_str!("../locales/en/main.ftl"),
            include_str!("../locales/en/desk.ftl"),
        ],
    ),
];

/// All bundles, loaded once at start-up.
pub struct I18n {
    bundles: Vec<(Language, FluentBundle<FluentResource>)>,
}

impl std::fmt::Debug for I18n {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("I18n")
    }
}

impl I18n {
    /// Loads the embedded `.ftl` files. They are part of the binary and checked by tests, so a
    /// syntax error is a build defect and panics at start-up rather than producing blank pages.
    #[must_use]
    pub fn load() -> Self {
        let bundles = SOURCES
            .into_iter()
            .map(|(lang, sources)| {
                let id = lang.as_str().parse().unwrap_or_default();
                let mut bundle = FluentBundle::new_concurrent(vec![id]);
                // Unicode isolation marks would end up inside HTML attributes and e-mail subjects.
                bundle.set_use_isolating(false);
                for src in sources {
                    let res = FluentResource::try_new(src.to_owned())
                        .unwrap_or_else(|(_, errs)| panic!("locales/{}: {errs:?}", lang.as_str()));
                    bundle
                        .add_resource(res)
                        .unwrap_or_else(|errs| panic!("locales/{}: {errs:?}", lang.as_str()));
                }
                (lang, bundle)
            })
            .collect();
        Self { bundles }
    }

    fn bundle(&self, lang: Language) -> &FluentBundle<FluentResource> {
        self.bundles
            .iter()
            .find(|(l, _)| *l == lang)
            .or_else(|| self.bundles.last())
            .map(|(_, b)| b)
            .expect("bundles are loaded for every language")
    }

    /// The message `id` in `lang`, with arguments; the id itself if the message is missing (a
    /// test checks that none is).
    #[must_use]
    pub fn message(&self, lang: Language, id: &str, args: &[(&str, &str)]) -> String {
        let bundle = self.bundle(lang);
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            return id.to_owned();
        };
        let mut fargs = FluentArgs::new();
        for (k, v) in args {
            fargs.set(*k, (*v).to_owned());
        }
        let mut errors = Vec::new();
        let out: Cow<'_, str> = bundle.format_pattern(pattern, Some(&fargs), &mut errors);
        out.into_owned()
    }

    #[must_use]
    pub fn has(&self, lang: Language, id: &str) -> bool {
        self.bundle(lang).has_message(id)
    }

    /// A field error in words.
    #[must_use]
    pub fn field_error(&self, lang: Language, e: &FieldError) -> String {
        let args = e.args();
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.message(lang, &format!("field-error-{}", e.code()), &args)
    }

    /// Message ids of one language, for the completeness test.
    #[cfg(test)]
    fn ids(lang: Language) -> Vec<String> {
        let src = SOURCES
            .iter()
            .find(|(l, _)| *l == lang)
            .map(|(_, s)| s.join("\n"))
            .unwrap_or_default();
        src.lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with(' ') && l.contains(" = "))
            .filter_map(|l| l.split(" = ").next().map(str::to_owned))
            .collect()
    }
}

/// Picks the first supported language from an `Accept-Language` header, honouring q-values.
#[must_use]
pub fn negotiate(accept_language: Option<&str>) -> Language {
    let Some(header) = accept_language else {
        return Language::default();
    };
    let mut ranked: Vec<(f32, usize, Language)> = header
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next()?.trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let primary = tag.split('-').next()?;
            Language::parse(primary)
                .filter(|_| q > 0.0)
                .map(|l| (q, i, l))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.first().map(|r| r.2).unwrap_or_default()
}

impl breachdesk_app::Texts for I18n {
    fn message(&self, lang: Language, id: &str, args: &[(&str, &str)]) -> String {
        I18n::message(self, lang, id, args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_message_and_they_all_format() {
        let i18n = I18n::load();
        let en = I18n::ids(Language::En);
        assert!(en.len() > 100, "{}", en.len());
        for lang in [Language::Fi, Language::Sv] {
            let ids = I18n::ids(lang);
            assert_eq!(
                ids,
                en,
                "{} must have the same messages in the same order as en",
                lang.as_str()
            );
        }
        for lang in [Language::Fi, Language::Sv, Language::En] {
            for id in &en {
                assert!(i18n.has(lang, id), "{id} in {}", lang.as_str());
            }
        }
        let msg = i18n.field_error(Language::Fi, &FieldError::TooLong { max: 500 });
        assert_eq!(msg, "Liian pitkä: enintään 500 merkkiä.");
    }

    #[test]
    fn accept_language_picks_the_best_supported_language() {
        assert_eq!(negotiate(Some("sv-FI,sv;q=0.9,en;q=0.8")), Language::Sv);
        assert_eq!(negotiate(Some("de-DE, en;q=0.5, fi;q=0.7")), Language::Fi);
        assert_eq!(negotiate(Some("fr")), Language::default());
        assert_eq!(negotiate(Some("en;q=0, sv;q=0.1")), Language::Sv);
        assert_eq!(negotiate(None), Language::default());
    }
}
