//! The assessment on the case page: the questionnaire for what the scope does not say, the
//! engine's proposal with its reasons, and the handler's decision (accepted or overridden with a
//! reason). Proposal and decision are both kept in the record and shown.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use breachdesk_core::assessment::questionnaire::{self, AnswerForm, Answers, Open};
use breachdesk_core::assessment::{self, Assessment, explain, term};
use breachdesk_core::errors::{FieldError, FieldErrors};
use breachdesk_core::investigation::{self, Entry};
use breachdesk_core::ports::CaseEntryRecord;
use breachdesk_core::scope::Scope;
use breachdesk_core::workflow::Action;

use super::cases::{RecordForm, record_entry_with};
use super::session::Desk;
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
pub struct Check {
    pub name: String,
    pub label: String,
    pub checked: bool,
}

#[derive(Debug)]
pub struct AdjustmentRow {
    pub n: usize,
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
    pub authority: String,
    pub subjects: String,
    pub others: Vec<String>,
    pub reasons: Vec<String>,
    pub problem: Option<String>,
    pub questions: Vec<QuestionView>,
    pub mitigations: Vec<Check>,
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
    put(
        "identification",
        a.identification.map(|x| id_of(&x)).unwrap_or_default(),
    );
    put(
        "recipients",
        a.recipients.map(|x| id_of(&x)).unwrap_or_default(),
    );
    put(
        "confidentiality",
        a.confidentiality.map(|x| id_of(&x)).unwrap_or_default(),
    );
    put(
        "availability",
        a.availability.map(|x| id_of(&x)).unwrap_or_default(),
    );
    put("malicious", bool_id(a.malicious).into());
    put("strongly_encrypted", bool_id(a.strongly_encrypted).into());
    put("key_compromised", bool_id(a.key_compromised).into());
    put(
        "credentials_give_access_to",
        a.credentials_give_access_to
            .map(|x| id_of(&x))
            .unwrap_or_default(),
    );
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
    put("policy", a.policy.map(|x| id_of(&x)).unwrap_or_default());
    for m in &a.mitigations {
        put(&format!("mitigations__{}", m.id()), "on".into());
    }
    for (i, adj) in a.dpc_adjustments.iter().enumerate().take(3) {
        put(&format!("adj{}_factor", i + 1), adj.factor.id().into());
        put(&format!("adj{}_steps", i + 1), adj.steps.to_string());
        put(
            &format!("adj{}_justification", i + 1),
            adj.justification.clone(),
        );
    }
    v
}

fn questions(tr: Tr<'_>, open: Open, values: &HashMap<String, String>) -> Vec<QuestionView> {
    let val = |k: &str| values.get(k).map_or("", String::as_str);
    let q = |name: &'static str, items: Vec<(&str, String)>| QuestionView {
        name,
        label: tr.t(&format!("quest-{name}")),
        hint: tr.t(&format!("quest-{name}-hint")),
        options: options(tr, val(name), &items),
    };
    let mut out = Vec::new();
    if open.recipients {
        out.push(q(
            "recipients",
            vec![
                ("known", tr.t("quest-recipients-known")),
                ("unknown", tr.t("quest-recipients-unknown")),
            ],
        ));
    }
    if open.confidentiality {
        out.push(q(
            "confidentiality",
            [
                "none",
                "exposed_no_evidence",
                "known_recipients",
                "unknown_recipients",
            ]
            .iter()
            .map(|c| (*c, tr.t(&format!("quest-confidentiality-{c}"))))
            .collect(),
        ));
    }
    if open.availability {
        out.push(q(
            "availability",
            ["none", "recoverable_easily", "temporary", "full"]
                .iter()
                .map(|c| (*c, tr.t(&format!("quest-availability-{c}"))))
                .collect(),
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
        ["negligible", "limited", "significant", "maximum"]
            .iter()
            .map(|c| (*c, tr.t(&format!("quest-identification-{c}"))))
            .collect(),
    ));
    for name in [
        "subsequent_measures_remove_high_risk",
        "disproportionate_effort",
        "joint_controllers",
        "at_processor",
    ] {
        out.push(q(name, yes_no(tr)));
    }
    out.push(q(
        "policy",
        vec![
            ("fi", tr.t("quest-policy-fi")),
            ("edpb", tr.t("quest-policy-edpb")),
        ],
    ));
    out
}

fn adjustment_rows(tr: Tr<'_>, values: &HashMap<String, String>) -> Vec<AdjustmentRow> {
    (1..=3)
        .map(|n| {
            let val = |k: String| values.get(&k).cloned().unwrap_or_default();
            let factor = val(format!("adj{n}_factor"));
            let steps = val(format!("adj{n}_steps"));
            AdjustmentRow {
                n,
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
                } => Some(DecisionView {
                    when: local(r.created_at),
                    who: r.created_by.map(names).unwrap_or_default(),
                    proposed: proposal_text(tr, proposed),
                    decided: format!(
                        "{}; {}",
                        if *notify_authority {
                            tr.t("desk-authority-yes")
                        } else {
                            tr.t("desk-authority-no")
                        },
                        communication_text(tr, communicate_to_subjects)
                    ),
                    accepted: *accepted,
                    reason: reason.clone().unwrap_or_default(),
                }),
                _ => None,
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
    view.questions = questions(tr, open, &values);
    view.mitigations = ["recipient_confirmed_deletion", "recipient_bound_by_secrecy"]
        .iter()
        .map(|m| Check {
            name: format!("mitigations__{m}"),
            label: tr.t(&format!("quest-mitigation-{m}")),
            checked: values.contains_key(&format!("mitigations__{m}")),
        })
        .collect();
    view.adjustments = adjustment_rows(tr, &values);
    match assessment::assess(&questionnaire::combine(scope, &answers)) {
        Ok(Assessment::Assessed {
            severity,
            risk,
            decisions,
            ..
        }) => {
            view.assessed = true;
            view.level = term(tr.language, &id_of(&severity.level));
            view.score = format!("{:.2}", severity.score);
            view.risk = tr.t(&format!("desk-risk-{}", id_of(&risk)));
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
        Ok(Assessment::NeedsMoreInformation { missing }) => {
            view.problem = Some(
                tr.t1(
                    "desk-assessment-missing",
                    "fields",
                    &missing
                        .iter()
                        .map(|m| tr.t(&format!("quest-{m}")))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            );
        }
        Err(e) => view.problem = Some(format!("{} ({e})", tr.t("desk-assessment-invalid"))),
    }
    if view.assessed
        && let Ok(a) = assessment::assess(&questionnaire::combine(scope, &answers))
    {
        view.reasons = explain(tr.language, &a);
    }
    view
}

fn proposal_text(tr: Tr<'_>, proposed: &serde_json::Value) -> String {
    if proposed["outcome"] == "assessed" {
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
    } else {
        tr.t("desk-assessment-incomplete")
    }
}

/// The current proposal of a case (for a decision): the scope and answers as saved.
fn current_proposal(entries: &[(CaseEntryRecord, Entry)]) -> Option<Assessment> {
    let scope = investigation::current_scope(entries)?;
    let answers = entries
        .iter()
        .rev()
        .find_map(|(_, e)| match e {
            Entry::AssessmentAnswers(a) => Some(a.as_ref().clone()),
            _ => None,
        })
        .unwrap_or_default();
    assessment::assess(&questionnaire::combine(scope, &answers)).ok()
}

pub async fn save_answers(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Response {
    record_entry_with(
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
    .await
}

pub async fn decide(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Response {
    record_entry_with(
        &state,
        &desk,
        &id,
        "decision",
        &form,
        Action::DecideAssessment,
        |_, _, entries| {
            let mut e = FieldErrors::new();
            let proposal = current_proposal(entries);
            let accepted = form.get("decision") == "accept";
            let (notify_authority, communicate) = if accepted {
                if let Some(Assessment::Assessed { decisions, .. }) = &proposal {
                    (
                        decisions.notify_authority,
                        id_of(&decisions.communicate_to_subjects),
                    )
                } else {
                    // Nothing complete to accept: only an override (with its reason) decides.
                    e.add("decision", FieldError::NoCompleteProposal);
                    return Err(e);
                }
            } else {
                let authority = match form.get("notify_authority") {
                    "yes" => Some(true),
                    "no" => Some(false),
                    _ => None,
                };
                if authority.is_none() {
                    e.add("notify_authority", FieldError::Required);
                }
                let subjects = form.get("communicate_to_subjects");
                if !["individual", "public", "not_required"].contains(&subjects) {
                    e.add("communicate_to_subjects", FieldError::Required);
                }
                if form.get("reason").trim().is_empty() {
                    e.add("reason", FieldError::Required);
                }
                if !e.is_empty() {
                    return Err(e);
                }
                (authority.unwrap_or(true), subjects.to_owned())
            };
            Ok(Entry::AssessmentDecision {
                proposed: proposal
                    .as_ref()
                    .and_then(|p| serde_json::to_value(p).ok())
                    .unwrap_or(serde_json::Value::Null),
                accepted,
                notify_authority,
                communicate_to_subjects: communicate,
                reason: Some(form.get("reason").trim().to_owned()).filter(|r| !r.is_empty()),
            })
        },
    )
    .await
}
