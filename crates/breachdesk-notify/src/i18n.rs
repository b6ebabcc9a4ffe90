//! The notices' own words in Finnish, Swedish and English (Fluent, `locales/<lang>/*.ftl`,
//! embedded): the EDPB template's titles and options, letters and public notices.

use std::sync::OnceLock;

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

#[cfg(test)]
mod tests {
    use super::*;

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
