//! The scope form of the case page: form values (as submitted, or from the saved scope), the
//! view of the form, and the saved scope in words.

use breachdesk_core::assessment::{DataCategory, term};
use breachdesk_core::scope::{
    AvailabilityType, Certainty, ConfidentialityType, Count, IntegrityType, Scope, ScopeForm,
    SubjectCategory, Unintelligibility,
};

use crate::pages::view::{OptionView, Tr};

/// Submitted or saved values, as `name=value` pairs (lists repeat the name).
#[derive(Debug, Default, Clone)]
pub struct FormValues(pub Vec<(String, String)>);

impl FormValues {
    pub fn parse(body: &[u8]) -> Self {
        Self(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    fn push(&mut self, k: &str, v: impl Into<String>) {
        self.0.push((k.to_owned(), v.into()));
    }

    fn has(&self, k: &str, v: &str) -> bool {
        self.0.iter().any(|(a, b)| a == k && b == v)
    }

    /// The values of a saved scope, to prefill the form.
    pub fn of_scope(s: &Scope) -> Self {
        let mut f = Self::default();
        if let Some((t, u)) = s.confidentiality {
            f.push("nature", "confidentiality");
            f.push("confidentiality_type", t.id());
            f.push("unintelligible", u.id());
        }
        if let Some(t) = s.integrity {
            f.push("nature", "integrity");
            f.push("integrity_type", t.id());
        }
        if let Some(t) = s.availability {
            f.push("nature", "availability");
            f.push("availability_type", t.id());
        }
        for c in &s.affected {
            f.push("affected", c.id());
        }
        for c in &s.not_affected {
            f.push("not_affected", c.id());
        }
        for c in &s.subject_categories {
            f.push("subject_categories", c.id());
        }
        for (name, count) in [("subjects", s.subjects), ("records", s.records)] {
            f.push(name, count.certainty.id());
            if let Some(v) = count.value {
                f.push(&format!("{name}_value"), v.to_string());
            }
        }
        f.push("systems", s.systems.clone());
        f.push("cause", s.cause.id());
        f.push("measures_before", s.measures_before.clone());
        f.push("measures_after", s.measures_after.clone());
        f
    }
}

impl ScopeForm for FormValues {
    fn one(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

#[derive(Debug)]
pub struct Check {
    pub id: String,
    pub name: &'static str,
    pub value: String,
    pub label: String,
    pub checked: bool,
}

#[derive(Debug)]
pub struct ScopeFormView {
    pub nature: Vec<Check>,
    pub confidentiality_type: Vec<OptionView>,
    pub unintelligible: Vec<OptionView>,
    pub integrity_type: Vec<OptionView>,
    pub availability_type: Vec<OptionView>,
    pub affected: Vec<Check>,
    pub not_affected: Vec<Check>,
    pub subject_categories: Vec<Check>,
    pub subjects: Vec<OptionView>,
    pub subjects_value: String,
    pub records: Vec<OptionView>,
    pub records_value: String,
    pub systems: String,
    pub cause: Vec<OptionView>,
    pub measures_before: String,
    pub measures_after: String,
}

fn select(tr: Tr<'_>, f: &FormValues, name: &str, prefix: &str, ids: &[&str]) -> Vec<OptionView> {
    let current = f.one(name);
    let mut v = vec![OptionView {
        value: String::new(),
        label: tr.t("desk-choose"),
        selected: current.is_empty(),
    }];
    v.extend(ids.iter().map(|id| OptionView {
        value: (*id).to_owned(),
        label: tr.t(&format!("{prefix}-{id}")),
        selected: current == *id,
    }));
    v
}

fn checks(
    f: &FormValues,
    name: &'static str,
    items: impl Iterator<Item = (String, String)>,
) -> Vec<Check> {
    items
        .map(|(value, label)| Check {
            id: format!("{name}-{value}"),
            name,
            checked: f.has(name, &value),
            value,
            label,
        })
        .collect()
}

fn category_checks(tr: Tr<'_>, f: &FormValues, name: &'static str) -> Vec<Check> {
    checks(
        f,
        name,
        DataCategory::ALL
            .iter()
            .map(|c| (c.id(), term(tr.language, &c.id()))),
    )
}

impl ScopeFormView {
    pub fn new(tr: Tr<'_>, f: &FormValues) -> Self {
        Self {
            nature: checks(
                f,
                "nature",
                ["confidentiality", "integrity", "availability"]
                    .into_iter()
                    .map(|n| (n.to_owned(), tr.t(&format!("desk-scope-nature-{n}")))),
            ),
            confidentiality_type: select(
                tr,
                f,
                "confidentiality_type",
                "scope-conf",
                &ConfidentialityType::ALL
                    .iter()
                    .map(|x| x.id())
                    .collect::<Vec<_>>(),
            ),
            unintelligible: select(
                tr,
                f,
                "unintelligible",
                "scope-unint",
                &Unintelligibility::ALL
                    .iter()
                    .map(|x| x.id())
                    .collect::<Vec<_>>(),
            ),
            integrity_type: select(
                tr,
                f,
                "integrity_type",
                "scope-integ",
                &IntegrityType::ALL
                    .iter()
                    .map(|x| x.id())
                    .collect::<Vec<_>>(),
            ),
            availability_type: select(
                tr,
                f,
                "availability_type",
                "scope-avail",
                &AvailabilityType::ALL
                    .iter()
                    .map(|x| x.id())
                    .collect::<Vec<_>>(),
            ),
            affected: category_checks(tr, f, "affected"),
            not_affected: category_checks(tr, f, "not_affected"),
            subject_categories: checks(
                f,
                "subject_categories",
                SubjectCategory::ALL.iter().map(|c| {
                    (
                        c.id().to_owned(),
                        tr.t(&format!("scope-subjects-{}", c.id())),
                    )
                }),
            ),
            subjects: select(
                tr,
                f,
                "subjects",
                "scope-certainty",
                &Certainty::ALL.map(Certainty::id),
            ),
            subjects_value: f.one("subjects_value").to_owned(),
            records: select(
                tr,
                f,
                "records",
                "scope-certainty",
                &Certainty::ALL.map(Certainty::id),
            ),
            records_value: f.one("records_value").to_owned(),
            systems: f.one("systems").to_owned(),
            cause: select(
                tr,
                f,
                "cause",
                "scope-cause",
                &breachdesk_core::scope::Cause::ALL
                    .iter()
                    .map(|x| x.id())
                    .collect::<Vec<_>>(),
            ),
            measures_before: f.one("measures_before").to_owned(),
            measures_after: f.one("measures_after").to_owned(),
        }
    }
}

fn count_text(tr: Tr<'_>, c: Count) -> String {
    let certainty = tr.t(&format!("scope-certainty-{}", c.certainty.id()));
    match c.value {
        Some(v) => format!("{v} ({certainty})"),
        None => certainty,
    }
}

/// The saved scope in words, as (label, value) lines.
pub fn scope_lines(tr: Tr<'_>, s: &Scope) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some((t, u)) = s.confidentiality {
        out.push((
            tr.t("desk-field-confidentiality_type"),
            tr.t(&format!("scope-conf-{}", t.id())),
        ));
        out.push((
            tr.t("desk-field-unintelligible"),
            tr.t(&format!("scope-unint-{}", u.id())),
        ));
    }
    if let Some(t) = s.integrity {
        out.push((
            tr.t("desk-field-integrity_type"),
            tr.t(&format!("scope-integ-{}", t.id())),
        ));
    }
    if let Some(t) = s.availability {
        out.push((
            tr.t("desk-field-availability_type"),
            tr.t(&format!("scope-avail-{}", t.id())),
        ));
    }
    let cats = |list: &[DataCategory]| {
        list.iter()
            .map(|c| term(tr.language, &c.id()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push((tr.t("desk-field-affected"), cats(&s.affected)));
    out.push((tr.t("desk-field-not_affected"), cats(&s.not_affected)));
    out.push((
        tr.t("desk-field-subject_categories"),
        s.subject_categories
            .iter()
            .map(|c| tr.t(&format!("scope-subjects-{}", c.id())))
            .collect::<Vec<_>>()
            .join(", "),
    ));
    out.push((tr.t("desk-field-subjects"), count_text(tr, s.subjects)));
    out.push((tr.t("desk-field-records"), count_text(tr, s.records)));
    out.push((tr.t("desk-field-systems"), s.systems.clone()));
    out.push((
        tr.t("desk-field-cause"),
        tr.t(&format!("scope-cause-{}", s.cause.id())),
    ));
    out.push((
        tr.t("desk-field-measures_before"),
        s.measures_before.clone(),
    ));
    out.push((tr.t("desk-field-measures_after"), s.measures_after.clone()));
    out
}
