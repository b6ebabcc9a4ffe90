//! The assessment on the case page: the questionnaire for what the scope does not say, the
//! engine's proposal with its reasons, and the handler's decision (accepted or overridden with a
//! reason). Proposal and decision are both kept in the record and shown.

use crate::desk::common::Page;
use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, State};
use breachdesk_core::assessment::questionnaire::{self, AnswerForm, Answers, Open};
use breachdesk_core::assessment::{self, Assessment, DataCategory, decision, explain, term};
use breachdesk_core::investigation::{self, DecidedRisk, Entry};
use breachdesk_core::ports::CaseEntryRecord;
use breachdesk_core::report::Language;
use breachdesk_core::scope::Scope;
use breachdesk_core::workflow::Action;

use super::record_entry_with;
use crate::desk::common::RecordForm;
use crate::desk::session::Desk;
use crate::pages::view::{OptionView, Tr};
use crate::state::AppState;

impl AnswerForm for RecordForm {
    fn one(&self, name: &str) -> &str {
        self.get(name)
    }

    fn all(&self, name: &str) -> Vec<&str> {
        // The form map keeps one value per key, so the checkboxes of a list are named
        // `name__value`.
        let prefix = format!("{name}__");
        self.keys()
            .filter_map(|k| k.strip_prefix(&prefix))
            .collect()
    }
}

#[derive(Debug)]
pub struct QuestionView {
    pub name: &'static str,
    pub label: String,
    pub hint: String,
    pub options: Vec<OptionView>,
}

#[derive(Debug)]
pub struct AdjustmentRow {
    pub n: usize,
    pub categories: Vec<OptionView>,
    pub factors: Vec<OptionView>,
    pub steps: Vec<OptionView>,
    pub justification: String,
}

#[derive(Debug)]
pub struct DecisionView {
    pub when: String,
    pub who: String,
    pub proposed: String,
    pub decided: String,
    pub accepted: bool,
    pub reason: String,
}

/// Everything the assessment section shows.
#[derive(Debug, Default)]
pub struct AssessmentView {
    pub has_scope: bool,
    pub assessed: bool,
    pub level: String,
    pub score: String,
    pub risk: String,
    /// Severity of the consequences and their likelihood, per type of breach.
    pub risk_types: Vec<String>,
    /// The organisation acts as processor: the proposal is to tell the controller.
    pub processor: bool,
    /// Choices of the decision form.
    pub severity_options: Vec<OptionView>,
    pub likelihood_options: Vec<OptionView>,
    pub authority: String,
    pub subjects: String,
    pub others: Vec<String>,
    pub reasons: Vec<String>,
    pub problem: Option<String>,
    pub questions: Vec<QuestionView>,
    pub adjustments: Vec<AdjustmentRow>,
    pub decisions: Vec<DecisionView>,
}

fn options(tr: Tr<'_>, current: &str, items: &[(&str, String)]) -> Vec<OptionView> {
    let mut v = vec![OptionView {
        value: String::new(),
        label: tr.t("desk-quest-unanswered"),
        selected: current.is_empty(),
    }];
    v.extend(items.iter().map(|(id, label)| OptionView {
        value: (*id).to_owned(),
        label: label.clone(),
        selected: current == *id,
    }));
    v
}

fn yes_no(tr: Tr<'_>) -> Vec<(&'static str, String)> {
    vec![("yes", tr.t("desk-yes")), ("no", tr.t("desk-no"))]
}

fn id_of<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn bool_id(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
}

/// The current answers as form values (what the form shows when nothing was just submitted).
fn answer_values(a: &Answers) -> HashMap<String, String> {
    let mut v = HashMap::new();
    let mut put = |k: &str, val: String| {
        if !val.is_empty() {
            v.insert(k.to_owned(), val);
        }
    };
    let id = |x: Option<String>| x.unwrap_or_default();
    put("acting_as", id(a.acting_as.map(|x| id_of(&x))));
    put("identification", id(a.identification.map(|x| id_of(&x))));
    put("recipients", id(a.recipients.map(|x| id_of(&x))));
    put("containment", id(a.containment.map(|x| id_of(&x))));
    put("confidentiality", id(a.confidentiality.map(|x| id_of(&x))));
    put("availability", id(a.availability.map(|x| id_of(&x))));
    put("unavailable_for", id(a.unavailable_for.map(|x| id_of(&x))));
    put("outage_effect", id(a.outage_effect.map(|x| id_of(&x))));
    put("malicious", bool_id(a.malicious).into());
    put("strongly_encrypted", bool_id(a.strongly_encrypted).into());
    put("key_compromised", bool_id(a.key_compromised).into());
    put(
        "credentials_give_access_to",
        id(a.credentials_give_access_to.map(|x| id_of(&x))),
    );
    put("vulnerable_people", bool_id(a.vulnerable_people).into());
    put("sector", id(a.sector.map(|x| id_of(&x))));
    put(
        "subsequent_measures_remove_high_risk",
        bool_id(a.subsequent_measures_remove_high_risk).into(),
    );
    put(
        "disproportionate_effort",
        bool_id(a.disproportionate_effort).into(),
    );
    put("joint_controllers", bool_id(a.joint_controllers).into());
    put("at_processor", bool_id(a.at_processor).into());
    for (i, adj) in a.dpc_adjustments.iter().enumerate().take(3) {
        put(
            &format!("adj{}_category", i + 1),
            adj.category.map(DataCategory::id).unwrap_or_default(),
        );
        put(&format!("adj{}_factor", i + 1), adj.factor.id().into());
        put(&format!("adj{}_steps", i + 1), adj.steps.to_string());
        put(
            &format!("adj{}_justification", i + 1),
            adj.justification.clone(),
        );
    }
    v
}

/// The ids of a question's choices.
fn ids<T>(list: &[(&'static str, T)]) -> Vec<&'static str> {
    list.iter().map(|(id, _)| *id).collect()
}

/// The form's questions. The Art. 34(3)(b) and (c) questions appear only when the proposal is
/// a high risk (or they were answered before), so that a "yes" given early cannot silently
/// spare a later high risk.
fn questions(
    tr: Tr<'_>,
    open: Open,
    values: &HashMap<String, String>,
    ask_exemptions: bool,
) -> Vec<QuestionView> {
    let val = |k: &str| values.get(k).map_or("", String::as_str);
    let q = |name: &'static str, items: Vec<(&str, String)>| QuestionView {
        name,
        label: tr.t(&format!("quest-{name}")),
        hint: tr.t(&format!("quest-{name}-hint")),
        options: options(tr, val(name), &items),
    };
    let choices = |name: &str, ids: &[&'static str]| -> Vec<(&'static str, String)> {
        ids.iter()
            .map(|c| (*c, tr.t(&format!("quest-{name}-{c}"))))
            .collect()
    };
    let mut out = vec![q(
        "acting_as",
        choices("acting_as", &ids(questionnaire::ROLE)),
    )];
    if open.confidentiality {
        out.push(q(
            "confidentiality",
            choices(
                "confidentiality",
                &[
                    "none",
                    "exposed_no_evidence",
                    "known_recipients",
                    "unknown_recipients",
                ],
            ),
        ));
    } else if open.enisa_circumstance {
        out.push(QuestionView {
            name: "confidentiality",
            label: tr.t("quest-confidentiality"),
            hint: tr.t("quest-confidentiality-disclosed-hint"),
            options: options(
                tr,
                val("confidentiality"),
                &choices(
                    "confidentiality",
                    &["known_recipients", "unknown_recipients"],
                ),
            ),
        });
    }
    if open.recipients {
        out.push(q(
            "recipients",
            choices("recipients", &ids(questionnaire::RECIPIENTS)),
        ));
        out.push(q(
            "containment",
            choices("containment", &ids(questionnaire::CONTAINMENT)),
        ));
    }
    if open.availability {
        out.push(q(
            "availability",
            choices(
                "availability",
                &["none", "recoverable_easily", "temporary", "full"],
            ),
        ));
    }
    if open.unavailable_for {
        out.push(q(
            "unavailable_for",
            choices("unavailable_for", &ids(questionnaire::OUTAGE)),
        ));
    }
    if open.outage {
        out.push(q(
            "outage_effect",
            choices("outage_effect", &ids(questionnaire::OUTAGE_EFFECT)),
        ));
    }
    if open.malicious {
        out.push(q("malicious", yes_no(tr)));
    }
    if open.unintelligible {
        out.push(q("strongly_encrypted", yes_no(tr)));
        out.push(q("key_compromised", yes_no(tr)));
    }
    if open.credentials {
        out.push(q(
            "credentials_give_access_to",
            ["simple", "behavioural", "financial", "sensitive"]
                .iter()
                .map(|c| (*c, term(tr.language, c)))
                .collect(),
        ));
    }
    out.push(q(
        "identification",
        choices(
            "identification",
            &["negligible", "limited", "significant", "maximum"],
        ),
    ));
    if open.vulnerable_people {
        out.push(q("vulnerable_people", yes_no(tr)));
    }
    out.push(q("sector", choices("sector", &ids(questionnaire::SECTOR))));
    let exemptions = [
        "subsequent_measures_remove_high_risk",
        "disproportionate_effort",
    ];
    for name in exemptions {
        if ask_exemptions || !val(name).is_empty() {
            out.push(q(name, yes_no(tr)));
        }
    }
    for name in ["joint_controllers", "at_processor"] {
        out.push(q(name, yes_no(tr)));
    }
    out
}

fn adjustment_rows(
    tr: Tr<'_>,
    affected: &[DataCategory],
    values: &HashMap<String, String>,
) -> Vec<AdjustmentRow> {
    (1..=3)
        .map(|n| {
            let val = |k: String| values.get(&k).cloned().unwrap_or_default();
            let category = val(format!("adj{n}_category"));
            let factor = val(format!("adj{n}_factor"));
            let steps = val(format!("adj{n}_steps"));
            AdjustmentRow {
                n,
                categories: options(
                    tr,
                    &category,
                    &affected
                        .iter()
                        .map(|c| {
                            let id = c.id();
                            let label = term(tr.language, &id);
                            (id, label)
                        })
                        .collect::<Vec<_>>()
                        .iter()
                        .map(|(id, label)| (id.as_str(), label.clone()))
                        .collect::<Vec<_>>(),
                ),
                factors: options(
                    tr,
                    &factor,
                    &[
                        "volume",
                        "controller_sector",
                        "vulnerable_subjects",
                        "profiling",
                        "publicly_available",
                        "inaccurate_data",
                        "nature_of_data",
                    ]
                    .iter()
                    .map(|f| (*f, term(tr.language, f)))
                    .collect::<Vec<_>>(),
                ),
                steps: options(
                    tr,
                    &steps,
                    &["-3", "-2", "-1", "1", "2", "3"]
                        .iter()
                        .map(|s| (*s, (*s).to_owned()))
                        .collect::<Vec<_>>(),
                ),
                justification: val(format!("adj{n}_justification")),
            }
        })
        .collect()
}

/// A number with the decimal separator of the page's language.
fn decimal(tr: Tr<'_>, x: f64) -> String {
    let s = format!("{x:.2}");
    if tr.language == Language::En {
        s
    } else {
        s.replace('.', ",")
    }
}

fn communication_text(tr: Tr<'_>, id: &str) -> String {
    tr.t(&format!("desk-subjects-{id}"))
}

/// Builds the section from the opened record. `submitted` is the questionnaire as just sent
/// (shown again with its errors); `names` turns user ids into names.
pub fn build(
    tr: Tr<'_>,
    entries: &[(CaseEntryRecord, Entry)],
    submitted: Option<&HashMap<String, String>>,
    names: &dyn Fn(uuid::Uuid) -> String,
    local: &dyn Fn(jiff::Timestamp) -> String,
) -> AssessmentView {
    let scope: Option<&Scope> = investigation::current_scope(entries);
    let answers: Answers = entries
        .iter()
        .rev()
        .find_map(|(_, e)| match e {
            Entry::AssessmentAnswers(a) => Some(a.as_ref().clone()),
            _ => None,
        })
        .unwrap_or_default();
    let mut view = AssessmentView {
        decisions: entries
            .iter()
            .filter_map(|(r, e)| match e {
                Entry::AssessmentDecision {
                    proposed,
                    accepted,
                    notify_authority,
                    communicate_to_subjects,
                    reason,
                    decided_risk,
                } => Some(DecisionView {
                    when: local(r.created_at),
                    who: r.created_by.map(names).unwrap_or_default(),
                    proposed: proposal_text(tr, proposed),
                    decided: if proposed["outcome"] == "notify_controller" && *accepted {
                        tr.t("desk-decision-processor")
                    } else {
                        format!(
                            "{}{}; {}",
                            decided_risk
                                .as_ref()
                                .map(|d| format!("{} · ", decided_text(tr, d)))
                                .unwrap_or_default(),
                            if *notify_authority {
                                tr.t("desk-authority-yes")
                            } else {
                                tr.t("desk-authority-no")
                            },
                            communication_text(tr, communicate_to_subjects)
                        )
                    },
                    accepted: *accepted,
                    reason: reason.clone().unwrap_or_default(),
                }),
                _ => None,
            })
            .collect(),
        severity_options: ["low", "medium", "high", "very_high"]
            .iter()
            .map(|l| OptionView {
                value: (*l).to_owned(),
                label: term(tr.language, l),
                selected: false,
            })
            .collect(),
        likelihood_options: ["remote", "possible", "likely", "almost_certain"]
            .iter()
            .map(|l| OptionView {
                value: (*l).to_owned(),
                label: term(tr.language, &format!("likelihood_{l}")),
                selected: false,
            })
            .collect(),
        ..AssessmentView::default()
    };
    let Some(scope) = scope else {
        return view;
    };
    view.has_scope = true;
    let (_, open) = questionnaire::from_scope(scope);
    let values = submitted
        .cloned()
        .unwrap_or_else(|| answer_values(&answers));
    let proposal = assessment::assess(&questionnaire::combine(scope, &answers));
    let ask_exemptions = match &proposal {
        Ok(Assessment::Assessed { risk, .. }) => *risk == assessment::Risk::High,
        Ok(Assessment::NeedsMoreInformation { missing }) => missing.iter().any(|m| {
            *m == "subsequent_measures_remove_high_risk" || *m == "disproportionate_effort"
        }),
        _ => false,
    };
    view.questions = questions(tr, open, &values, ask_exemptions);
    view.adjustments = adjustment_rows(tr, &scope.affected, &values);
    let result = assessment::assess(&questionnaire::combine(scope, &answers));
    match &result {
        Ok(Assessment::Assessed {
            severity,
            risk,
            risk_assessment,
            decisions,
            ..
        }) => {
            view.assessed = true;
            view.level = term(tr.language, &id_of(&severity.level));
            view.score = decimal(tr, severity.score);
            view.risk = format!(
                "{} ({})",
                tr.t(&format!("desk-risk-{}", id_of(risk))),
                tr.t2(
                    "desk-risk-parts",
                    (
                        "severity",
                        &term(tr.language, risk_assessment.severity.id())
                    ),
                    (
                        "likelihood",
                        &term(
                            tr.language,
                            &format!("likelihood_{}", risk_assessment.likelihood.id())
                        )
                    ),
                )
            );
            view.risk_types = risk_assessment
                .types
                .iter()
                .map(|t| {
                    format!(
                        "{}: {} — {}",
                        term(tr.language, t.breach_type.id()),
                        tr.t2(
                            "desk-risk-parts",
                            ("severity", &term(tr.language, t.severity.id())),
                            (
                                "likelihood",
                                &term(tr.language, &format!("likelihood_{}", t.likelihood.id()))
                            ),
                        ),
                        tr.t(&format!("desk-risk-{}", t.risk.id()))
                    )
                })
                .collect();
            view.authority = if decisions.notify_authority {
                tr.t("desk-authority-yes")
            } else {
                tr.t("desk-authority-no")
            };
            view.subjects = communication_text(tr, &id_of(&decisions.communicate_to_subjects));
            if let Some(x) = decisions.exemption {
                view.others.push(tr.t1("desk-exemption", "which", x));
            }
            if decisions.inform_joint_controllers {
                view.others.push(tr.t("desk-inform-joint-controllers"));
            }
            if decisions.inform_processor {
                view.others.push(tr.t("desk-inform-processor"));
            }
            if decisions.report_to_police {
                view.others.push(tr.t("desk-report-to-police"));
            }
            for o in &decisions.other_recipients {
                view.others.push(tr.t(&format!("desk-other-{o}")));
            }
        }
        Ok(Assessment::NotifyController { .. }) => {
            view.assessed = true;
            view.processor = true;
        }
        Ok(Assessment::NeedsMoreInformation { missing }) => {
            view.problem = Some(
                tr.t1(
                    "desk-assessment-missing",
                    "fields",
                    &missing
                        .iter()
                        .map(|m| tr.t(&format!("quest-{}", m.replace('.', "-"))))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            );
        }
        Err(e) => view.problem = Some(format!("{} ({e})", tr.t("desk-assessment-invalid"))),
    }
    if let Ok(a) = &result
        && view.assessed
    {
        view.reasons = explain(tr.language, a);
    }
    view
}

fn proposal_text(tr: Tr<'_>, proposed: &serde_json::Value) -> String {
    match proposed["outcome"].as_str() {
        Some("assessed") => {
            let level = proposed["severity"]["level"].as_str().unwrap_or_default();
            let risk = proposed["risk"].as_str().unwrap_or_default();
            let authority = proposed["decisions"]["notify_authority"].as_bool() == Some(true);
            let subjects = proposed["decisions"]["communicate_to_subjects"]
                .as_str()
                .unwrap_or_default();
            format!(
                "{} · {} · {}; {}",
                term(tr.language, level),
                tr.t(&format!("desk-risk-{risk}")),
                if authority {
                    tr.t("desk-authority-yes")
                } else {
                    tr.t("desk-authority-no")
                },
                communication_text(tr, subjects)
            )
        }
        Some("notify_controller") => tr.t("desk-processor-proposal"),
        _ => tr.t("desk-assessment-incomplete"),
    }
}

/// The decided risk in words, for the decisions table.
fn decided_text(tr: Tr<'_>, d: &DecidedRisk) -> String {
    let exemption = d
        .exemption
        .as_deref()
        .map(|x| format!(" · {}", tr.t1("desk-exemption", "which", x)))
        .unwrap_or_default();
    format!(
        "{} ({}){exemption}",
        tr.t(&format!("desk-risk-{}", d.risk)),
        tr.t2(
            "desk-risk-parts",
            ("severity", &term(tr.language, &d.severity)),
            (
                "likelihood",
                &term(tr.language, &format!("likelihood_{}", d.likelihood))
            ),
        )
    )
}

/// The current proposal of a case (for a decision): the scope and answers as saved.
pub async fn save_answers(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Page {
    Ok(record_entry_with(
        &state,
        &desk,
        &id,
        "assessment",
        &form,
        Action::EditInvestigation,
        |_, _, _| {
            let answers = questionnaire::read_answers(&form)?;
            Ok(Entry::AssessmentAnswers(Box::new(answers)))
        },
    )
    .await)
}

pub async fn decide(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Page {
    Ok(record_entry_with(
        &state,
        &desk,
        &id,
        "decision",
        &form,
        Action::DecideAssessment,
        |_, _, entries| decision::decide(decision::current_proposal(entries).as_ref(), &form),
    )
    .await)
}
