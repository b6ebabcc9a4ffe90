//! The reasoning of an assessment in plain Finnish, Swedish or English, for the case page, the
//! register (Art. 33(5)) and the `assess` command.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};

use super::engine::{Assessment, Reason};
use crate::report::Language;

const SOURCES: [(Language, &str); 3] = [
    (
        Language::Fi,
        include_str!("../../locales/fi/assessment.ftl"),
    ),
    (
        Language::Sv,
        include_str!("../../locales/sv/assessment.ftl"),
    ),
    (
        Language::En,
        include_str!("../../locales/en/assessment.ftl"),
    ),
];

/// Arguments whose values are ids with a translated term (`assess-term-<id>`).
const TERMS: &[&str] = &[
    "category", "type", "factor", "element", "level", "severity", "breach",
];

/// Arguments whose values are ids with a term named after the argument
/// (`assess-term-<argument>_<id>`), because the same id means something else elsewhere.
const PREFIXED_TERMS: &[&str] = &[
    "likelihood",
    "risk",
    "recipients",
    "sector",
    "effect",
    "outage",
];

/// Arguments whose values are numbers, written with a decimal comma in Finnish and Swedish.
const NUMBERS: &[&str] = &["score", "ei", "cb", "points"];

/// Arguments whose values are comma-separated category ids, listed in words.
const LISTS: &[&str] = &["items"];

static BUNDLES: LazyLock<Vec<(Language, FluentBundle<FluentResource>)>> = LazyLock::new(|| {
    SOURCES
        .into_iter()
        .map(|(lang, src)| {
            // The files are compiled in and checked by a test; a syntax error is a build defect.
            let res = FluentResource::try_new(src.to_owned()).unwrap_or_else(|(res, _)| res);
            let mut bundle =
                FluentBundle::new_concurrent(vec![lang.as_str().parse().unwrap_or_default()]);
            bundle.set_use_isolating(false);
            let _ = bundle.add_resource(res);
            (lang, bundle)
        })
        .collect()
});

fn message(lang: Language, id: &str, args: &[(&str, String)]) -> String {
    let Some(bundle) = BUNDLES.iter().find(|(l, _)| *l == lang).map(|(_, b)| b) else {
        return id.to_owned();
    };
    let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
        return id.to_owned();
    };
    let mut fargs = FluentArgs::new();
    for (k, v) in args {
        fargs.set(*k, v.clone());
    }
    let mut errors = Vec::new();
    bundle
        .format_pattern(pattern, Some(&fargs), &mut errors)
        .into_owned()
}

/// A term of the method (a data category, a level, a factor) in words.
#[must_use]
pub fn term(lang: Language, id: &str) -> String {
    message(lang, &format!("assess-term-{id}"), &[])
}

/// One reason in words.
#[must_use]
pub fn explain_reason(lang: Language, r: &Reason) -> String {
    let args: Vec<(&str, String)> = r
        .args
        .iter()
        .map(|(k, v)| {
            let v = if TERMS.contains(k) {
                message(lang, &format!("assess-term-{v}"), &[])
            } else if PREFIXED_TERMS.contains(k) {
                message(lang, &format!("assess-term-{k}_{v}"), &[])
            } else if LISTS.contains(k) {
                v.split(',')
                    .map(|id| message(lang, &format!("assess-term-{id}"), &[]))
                    .collect::<Vec<_>>()
                    .join(", ")
            } else if NUMBERS.contains(k) && lang != Language::En {
                v.replace('.', ",")
            } else {
                v.clone()
            };
            (*k, v)
        })
        .collect();
    message(lang, &format!("assess-{}", r.code), &args)
}

/// The whole reasoning, one sentence per step.
#[must_use]
pub fn explain(lang: Language, assessment: &Assessment) -> Vec<String> {
    match assessment {
        Assessment::Assessed { reasons, .. } | Assessment::NotifyController { reasons } => {
            reasons.iter().map(|r| explain_reason(lang, r)).collect()
        }
        Assessment::NeedsMoreInformation { missing } => {
            vec![message(
                lang,
                "assess-missing",
                &[("fields", missing.join(", "))],
            )]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(src: &str) -> Vec<&str> {
        src.lines()
            .filter(|l| l.contains(" = ") && !l.starts_with('#'))
            .filter_map(|l| l.split(" = ").next())
            .collect()
    }

    #[test]
    fn every_language_explains_every_step_and_term() {
        let en = ids(SOURCES[2].1);
        for (lang, src) in SOURCES {
            assert!(
                FluentResource::try_new(src.to_owned()).is_ok(),
                "{} parses",
                lang.as_str()
            );
            assert_eq!(
                ids(src),
                en,
                "{} has the same messages as en",
                lang.as_str()
            );
        }
        let r = Reason {
            code: "se",
            args: vec![
                ("dpc", "4".into()),
                ("ei", "0.75".into()),
                ("cb", "0.5".into()),
                ("score", "3.5".into()),
                ("level", "high".into()),
            ],
        };
        let fi = explain_reason(Language::Fi, &r);
        assert!(fi.contains("4 × 0,75 + 0,5 = 3,5: korkea"), "{fi}");
        let sv = explain_reason(Language::Sv, &r);
        assert!(sv.contains("4 × 0,75 + 0,5 = 3,5: hög"), "{sv}");
        let en = explain_reason(Language::En, &r);
        assert!(en.contains("4 × 0.75 + 0.5 = 3.5: high"), "{en}");
        let theft = Reason {
            code: "sev-identity-theft",
            args: vec![("items", "person_name,date_of_birth".into())],
        };
        assert!(explain_reason(Language::En, &theft).contains("(names, dates of birth)"));
    }
}
