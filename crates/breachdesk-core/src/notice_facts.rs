//! The facts the notices are written from, beyond the scope: whether the breach is over and
//! whether people must act, whom it concerns, the cause and what was *not* reached (in each of
//! the three languages), counts and caveats per affected category, the data never collected,
//! whether misuse has been seen, whom else the organisation told, what happens next and with
//! whom, and the contacts. The handler records them as a whole; each save is a new sealed entry
//! of the investigation record and the newest is current.
//!
//! A fact written in words is kept per language ([`Localised`]): a notice's Finnish version is
//! drafted from the Finnish text only, so no draft mixes languages.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::assessment::DataCategory;
use crate::errors::{FieldError, FieldErrors};
use crate::report::Language;

/// Longest text of one fact in one language.
pub const MAX_FACT_TEXT: usize = 4_000;
/// Longest contact line (customer service, media).
pub const MAX_CONTACT: usize = 500;

/// A text in Finnish, Swedish and English; a language not yet written is empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Localised {
    #[serde(default)]
    pub fi: String,
    #[serde(default)]
    pub sv: String,
    #[serde(default)]
    pub en: String,
}

impl Localised {
    #[must_use]
    pub fn get(&self, lang: Language) -> &str {
        match lang {
            Language::Fi => &self.fi,
            Language::Sv => &self.sv,
            Language::En => &self.en,
        }
    }

    pub fn set(&mut self, lang: Language, text: impl Into<String>) {
        let text = text.into();
        match lang {
            Language::Fi => self.fi = text,
            Language::Sv => self.sv = text,
            Language::En => self.en = text,
        }
    }

    /// Nothing written in any language.
    #[must_use]
    pub fn is_blank(&self) -> bool {
        [&self.fi, &self.sv, &self.en]
            .iter()
            .all(|t| t.trim().is_empty())
    }

    /// The three texts with their languages.
    pub fn each(&self) -> impl Iterator<Item = (Language, &str)> {
        [
            (Language::Fi, self.fi.as_str()),
            (Language::Sv, self.sv.as_str()),
            (Language::En, self.en.as_str()),
        ]
        .into_iter()
    }
}

macro_rules! choices {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $id:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$(Self::$variant),+];
            pub const IDS: &'static [&'static str] = &[$($id),+];

            #[must_use]
            pub const fn id(self) -> &'static str {
                match self { $(Self::$variant => $id),+ }
            }

            #[must_use]
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|x| x.id() == s)
            }
        }
    };
}

choices!(
    /// Is it over?
    Progress {
        /// The hole is still open or the data still exposed.
        Ongoing = "ongoing",
        /// Stopped (access closed, data taken down), the repair not yet complete.
        Contained = "contained",
        /// Fixed.
        Resolved = "resolved",
    }
);

choices!(
    /// Whom among the organisation's people it concerns.
    Reach {
        All = "all",
        Part = "part",
        NotYetKnown = "not_yet_known",
    }
);

choices!(
    /// Whether misuse of the data has been seen: only ever what the handler recorded.
    Misuse {
        NoneSeen = "none_seen",
        Seen = "seen",
        BeingInvestigated = "being_investigated",
    }
);

/// What the notice says of one affected category: how many people's data, and a caveat ("only
/// the last four digits of the card number").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryFact {
    pub category: DataCategory,
    #[serde(default)]
    pub count: Option<u64>,
    #[serde(default)]
    pub caveat: Localised,
}

/// The facts of the notices. A key it does not know is refused (a misspelt fact must not
/// vanish silently).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeFacts {
    pub progress: Progress,
    /// When the breach was fixed (or contained); required once it is resolved.
    #[serde(default)]
    pub fixed_on: Option<Date>,
    /// Whether the people concerned must do something themselves.
    pub must_act: bool,
    /// What they should do; written when they must act.
    #[serde(default)]
    pub action: Localised,
    pub reach: Reach,
    /// Who they are, more precisely ("customers who ordered between 1 and 14 November").
    #[serde(default)]
    pub who: Localised,
    /// The cause, as the public may be told it.
    #[serde(default)]
    pub cause: Localised,
    /// What the breach did *not* reach ("the payment service and passwords were not reached").
    #[serde(default)]
    pub not_reached: Localised,
    /// Counts and caveats of the affected categories (of the scope's affected categories).
    #[serde(default)]
    pub categories: Vec<CategoryFact>,
    /// Categories the organisation never collected, so they cannot have leaked.
    #[serde(default)]
    pub never_collected: Vec<DataCategory>,
    /// Absent until the handler states it.
    #[serde(default)]
    pub misuse: Option<Misuse>,
    #[serde(default)]
    pub misuse_note: Localised,
    /// The police were told (a report of an offence).
    #[serde(default)]
    pub police_informed: bool,
    /// What happens next.
    #[serde(default)]
    pub next_steps: Localised,
    /// With whom: the outside help in the investigation ("an information security company").
    #[serde(default)]
    pub outside_help: Localised,
    /// Customer service: phone, e-mail or web address people use (not the DPO's, unless so).
    #[serde(default)]
    pub service_contact: String,
    /// When customer service answers ("weekdays 9–16").
    #[serde(default)]
    pub service_hours: Localised,
    /// The press contact: name, phone, e-mail.
    #[serde(default)]
    pub media_contact: String,
}

impl NoticeFacts {
    /// The count and caveat recorded for `category`, if any.
    #[must_use]
    pub fn category(&self, category: DataCategory) -> Option<&CategoryFact> {
        self.categories.iter().find(|c| c.category == category)
    }

    /// The facts written in words, each with the field name its languages are suffixed to
    /// (`cause` → `cause_fi`, `cause_sv`, `cause_en`; a category's caveat is `caveat_<id>`).
    #[must_use]
    pub fn texts(&self) -> Vec<(String, &Localised)> {
        let mut out: Vec<(String, &Localised)> = [
            ("action", &self.action),
            ("who", &self.who),
            ("cause", &self.cause),
            ("not_reached", &self.not_reached),
            ("misuse_note", &self.misuse_note),
            ("next_steps", &self.next_steps),
            ("outside_help", &self.outside_help),
            ("service_hours", &self.service_hours),
        ]
        .into_iter()
        .map(|(f, t)| (f.to_owned(), t))
        .collect();
        out.extend(
            self.categories
                .iter()
                .map(|c| (format!("caveat_{}", c.category.as_str()), &c.caveat)),
        );
        out
    }

    /// Checks the facts against the case's scope (`affected`, `not_affected`) and `today`.
    /// Every problem is named by its field (the web form's names: `fixed_on`, `cause_fi`,
    /// `count_health`, `never_collected` …); nothing is defaulted.
    pub fn check(
        &self,
        affected: &[DataCategory],
        not_affected: &[DataCategory],
        today: Date,
    ) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        match (self.progress, self.fixed_on) {
            (Progress::Resolved, None) => errors.add("fixed_on", FieldError::Required),
            (Progress::Ongoing, Some(_)) => errors.add("fixed_on", FieldError::NotWhileOngoing),
            (_, Some(d)) if d > today => errors.add("fixed_on", FieldError::InFuture),
            _ => {}
        }
        if self.must_act && self.action.is_blank() {
            errors.add("action_fi", FieldError::Required);
        }
        if self.misuse.is_none() && !self.misuse_note.is_blank() {
            errors.add("misuse", FieldError::Required);
        }
        for (field, text) in self.texts() {
            long(&mut errors, &field, text);
        }
        for c in &self.categories {
            if !affected.contains(&c.category) {
                errors.add(
                    &format!("count_{}", c.category.as_str()),
                    FieldError::Contradicts,
                );
            }
        }
        let mut seen = Vec::new();
        for c in &self.never_collected {
            if affected.contains(c) || not_affected.contains(c) || seen.contains(c) {
                errors.add("never_collected", FieldError::Contradicts);
            }
            seen.push(*c);
        }
        for (field, v) in [
            ("service_contact", &self.service_contact),
            ("media_contact", &self.media_contact),
        ] {
            if v.chars().count() > MAX_CONTACT {
                errors.add(field, FieldError::TooLong { max: MAX_CONTACT });
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

fn long(errors: &mut FieldErrors, field: &str, text: &Localised) {
    for (lang, t) in text.each() {
        if t.chars().count() > MAX_FACT_TEXT {
            errors.add(
                &format!("{field}_{}", lang.as_str()),
                FieldError::TooLong { max: MAX_FACT_TEXT },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> NoticeFacts {
        NoticeFacts {
            progress: Progress::Resolved,
            fixed_on: Some(jiff::civil::date(2026, 11, 20)),
            must_act: false,
            action: Localised::default(),
            reach: Reach::Part,
            who: Localised::default(),
            cause: Localised::default(),
            not_reached: Localised::default(),
            categories: vec![CategoryFact {
                category: DataCategory::Email,
                count: Some(1_240),
                caveat: Localised::default(),
            }],
            never_collected: vec![DataCategory::NationalId],
            misuse: Some(Misuse::NoneSeen),
            misuse_note: Localised::default(),
            police_informed: false,
            next_steps: Localised::default(),
            outside_help: Localised::default(),
            service_contact: String::new(),
            service_hours: Localised::default(),
            media_contact: String::new(),
        }
    }

    const TODAY: Date = jiff::civil::date(2026, 11, 22);

    fn fields(r: Result<(), FieldErrors>) -> Vec<(String, &'static str)> {
        r.err()
            .map(|e| {
                e.iter()
                    .flat_map(|(f, es)| es.iter().map(move |e| (f.to_owned(), e.code())))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn consistent_facts_pass() {
        assert_eq!(
            fields(facts().check(&[DataCategory::Email], &[], TODAY)),
            vec![]
        );
    }

    #[test]
    fn a_resolved_breach_needs_its_date_and_no_date_lies_ahead() {
        let mut f = facts();
        f.fixed_on = None;
        assert_eq!(
            fields(f.check(&[DataCategory::Email], &[], TODAY)),
            vec![("fixed_on".to_owned(), "required")]
        );
        f.fixed_on = Some(jiff::civil::date(2026, 11, 23));
        assert_eq!(
            fields(f.check(&[DataCategory::Email], &[], TODAY)),
            vec![("fixed_on".to_owned(), "in-future")]
        );
        f.progress = Progress::Ongoing;
        assert_eq!(
            fields(f.check(&[DataCategory::Email], &[], TODAY)),
            vec![("fixed_on".to_owned(), "not-while-ongoing")]
        );
    }

    #[test]
    fn people_told_to_act_are_told_how() {
        let mut f = facts();
        f.must_act = true;
        assert_eq!(
            fields(f.check(&[DataCategory::Email], &[], TODAY)),
            vec![("action_fi".to_owned(), "required")]
        );
        f.action.set(Language::Sv, "Byt ditt lösenord.");
        assert!(f.check(&[DataCategory::Email], &[], TODAY).is_ok());
    }

    #[test]
    fn never_collected_data_is_neither_affected_nor_unaffected() {
        let f = facts();
        assert_eq!(
            fields(f.check(&[DataCategory::Email], &[DataCategory::NationalId], TODAY)),
            vec![("never_collected".to_owned(), "contradicts")]
        );
        assert_eq!(
            fields(f.check(&[DataCategory::Email, DataCategory::NationalId], &[], TODAY)),
            vec![("never_collected".to_owned(), "contradicts")]
        );
    }

    #[test]
    fn counts_belong_to_affected_categories_and_texts_have_a_limit() {
        let mut f = facts();
        f.cause.set(Language::En, "x".repeat(MAX_FACT_TEXT + 1));
        assert_eq!(
            fields(f.check(&[DataCategory::Financial], &[], TODAY)),
            vec![
                ("cause_en".to_owned(), "too-long"),
                ("count_email".to_owned(), "contradicts"),
            ]
        );
    }

    #[test]
    fn a_note_on_misuse_needs_the_fact_it_explains() {
        let mut f = facts();
        f.misuse = None;
        f.misuse_note.set(Language::Fi, "Ei havaintoja.");
        assert_eq!(
            fields(f.check(&[DataCategory::Email], &[], TODAY)),
            vec![("misuse".to_owned(), "required")]
        );
    }

    #[test]
    fn facts_round_trip_as_json_and_old_fields_default() {
        let f = facts();
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(serde_json::from_value::<NoticeFacts>(json).unwrap(), f);
        let minimal = serde_json::json!({"progress": "ongoing", "must_act": false, "reach": "all"});
        let m: NoticeFacts = serde_json::from_value(minimal).unwrap();
        assert!(m.misuse.is_none() && m.categories.is_empty());
        let misspelt = serde_json::json!({"progress": "ongoing", "must_act": false, "reach": "all", "misuse_notes": {}});
        assert!(serde_json::from_value::<NoticeFacts>(misspelt).is_err());
        let german = serde_json::json!({"progress": "ongoing", "must_act": false, "reach": "all", "cause": {"de": "x"}});
        assert!(serde_json::from_value::<NoticeFacts>(german).is_err());
    }
}
