//! View models shared by the page templates: translations, language links, form fields.

use breachdesk_core::errors::FieldErrors;
use breachdesk_core::report::{Language, Warning};

use crate::i18n::I18n;

/// Translations bound to the page's language, for templates.
#[derive(Debug, Clone, Copy)]
pub struct Tr<'a> {
    pub i18n: &'a I18n,
    pub language: Language,
}

impl Tr<'_> {
    pub fn t(&self, id: &str) -> String {
        self.i18n.message(self.language, id, &[])
    }

    pub fn t1(&self, id: &str, name: &str, value: &str) -> String {
        self.i18n.message(self.language, id, &[(name, value)])
    }

    pub fn t2(&self, id: &str, a: (&str, &str), b: (&str, &str)) -> String {
        self.i18n.message(self.language, id, &[a, b])
    }

    pub fn lang(&self) -> &'static str {
        self.language.as_str()
    }
}

#[derive(Debug)]
pub struct LangLink {
    pub code: &'static str,
    pub name: String,
    pub href: String,
    pub current: bool,
}

/// Links to the same page in each language; `base` is the path with any query except `lang`.
pub fn language_links(i18n: &I18n, current: Language, base: &str) -> Vec<LangLink> {
    let sep = if base.contains('?') { '&' } else { '?' };
    [Language::Fi, Language::Sv, Language::En]
        .into_iter()
        .map(|l| LangLink {
            code: l.as_str(),
            name: i18n.message(l, "lang-name", &[]),
            href: format!("{base}{sep}lang={}", l.as_str()),
            current: l == current,
        })
        .collect()
}

#[derive(Debug, Clone)]
pub struct OptionView {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One form control with its label, hint, value and messages.
#[derive(Debug, Clone)]
pub struct FieldView {
    pub name: &'static str,
    pub label: String,
    pub hint: Option<String>,
    /// `text`, `textarea`, `email`, `tel`, `number`, `datetime-local`, `select` or `checkbox`.
    pub widget: &'static str,
    pub value: String,
    pub checked: bool,
    pub required: bool,
    pub maxlength: usize,
    pub autocomplete: &'static str,
    pub errors: Vec<String>,
    pub options: Vec<OptionView>,
    /// Ids of the hint and error paragraphs, for `aria-describedby`.
    pub describedby: String,
}

/// A line of the error or warning summary, linking to its field.
#[derive(Debug)]
pub struct SummaryItem {
    pub target: String,
    pub text: String,
}

/// How to build one field.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub name: &'static str,
    pub widget: &'static str,
    pub required: bool,
    pub maxlength: usize,
    pub autocomplete: &'static str,
    /// Message id of the hint, if any.
    pub hint: Option<&'static str>,
}

impl Spec {
    pub const fn new(
        name: &'static str,
        widget: &'static str,
        required: bool,
        maxlength: usize,
    ) -> Self {
        Self {
            name,
            widget,
            required,
            maxlength,
            autocomplete: "",
            hint: None,
        }
    }

    pub const fn hint(mut self, id: &'static str) -> Self {
        self.hint = Some(id);
        self
    }

    pub const fn autocomplete(mut self, a: &'static str) -> Self {
        self.autocomplete = a;
        self
    }
}

/// Everything typed into a form, as submitted.
pub type Values = std::collections::BTreeMap<String, String>;

/// Builds the fields, their values and their error messages, and the summary linking to them.
pub fn build_fields(
    tr: Tr<'_>,
    specs: &[Spec],
    values: &Values,
    errors: &FieldErrors,
    options: &dyn Fn(&'static str) -> Vec<(String, String)>,
) -> (Vec<FieldView>, Vec<SummaryItem>) {
    let mut summary = Vec::new();
    let fields = specs
        .iter()
        .map(|s| {
            let label = tr.t(&format!("field-{}", s.name));
            let errs: Vec<String> = errors
                .get(s.name)
                .unwrap_or_default()
                .iter()
                .map(|e| tr.i18n.field_error(tr.language, e))
                .collect();
            for e in &errs {
                summary.push(SummaryItem {
                    target: format!("f-{}", s.name),
                    text: format!("{label}: {e}"),
                });
            }
            let value = values.get(s.name).cloned().unwrap_or_default();
            let mut describedby: Vec<String> = Vec::new();
            if s.hint.is_some() {
                describedby.push(format!("f-{}-hint", s.name));
            }
            describedby.extend((1..=errs.len()).map(|i| format!("f-{}-error-{i}", s.name)));
            let opts = if s.widget == "select" {
                options(s.name)
                    .into_iter()
                    .map(|(v, l)| OptionView {
                        selected: v == value,
                        value: v,
                        label: l,
                    })
                    .collect()
            } else {
                Vec::new()
            };
            FieldView {
                name: s.name,
                label,
                hint: s.hint.map(|h| tr.t(h)),
                widget: s.widget,
                checked: s.widget == "checkbox"
                    && matches!(value.as_str(), "on" | "true" | "yes" | "1"),
                value,
                required: s.required,
                maxlength: s.maxlength,
                autocomplete: s.autocomplete,
                errors: errs,
                options: opts,
                describedby: describedby.join(" "),
            }
        })
        .collect();
    (fields, summary)
}

/// The warning summary: one line per field and category.
pub fn warning_items(tr: Tr<'_>, warnings: &[Warning]) -> Vec<SummaryItem> {
    warnings
        .iter()
        .map(|w| SummaryItem {
            target: format!("f-{}", w.field),
            text: tr.i18n.message(
                tr.language,
                "warning-item",
                &[
                    ("field", &tr.t(&format!("field-{}", w.field))),
                    ("category", &tr.t(&format!("category-{}", w.category))),
                ],
            ),
        })
        .collect()
}
