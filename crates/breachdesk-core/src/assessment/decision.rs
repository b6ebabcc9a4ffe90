//! The handler's decision on an assessment, read from the decision form: the engine's proposal
//! accepted as it stands, or overridden with a reason — and an override must hold together as
//! the law does (a risk is notified, Art. 33(1); a high risk is communicated unless an
//! Art. 34(3) exemption is named; a public communication is exemption (c)). The desk's
//! assessment form calls [`decide`]; the rules are tested below and, through the desk, in the
//! web crate's suite.

use crate::assessment::questionnaire::{self, AnswerForm};
use crate::assessment::{self as engine, Assessment};
use crate::errors::{FieldError, FieldErrors};
use crate::investigation::{self, DecidedRisk, Entry};
use crate::ports::CaseEntryRecord;

fn id_of<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The engine's proposal for the case as its record stands: the current scope with the
/// latest answers to the questionnaire (`None` while there is no scope or the answers do not
/// make a complete input).
#[must_use]
pub fn current_proposal(entries: &[(CaseEntryRecord, Entry)]) -> Option<Assessment> {
    let scope = investigation::current_scope(entries)?;
    let answers = entries
        .iter()
        .rev()
        .find_map(|(_, e)| match e {
            Entry::AssessmentAnswers(a) => Some(a.as_ref().clone()),
            _ => None,
        })
        .unwrap_or_default();
    engine::assess(&questionnaire::combine(scope, &answers)).ok()
}

/// The decision entry for the record, from the form's fields (`decision` = `accept`, or the
/// override's `notify_authority`, `communicate_to_subjects`, `risk`, `severity`, `likelihood`,
/// `exemption` and `reason`), given the current `proposal`.
///
/// # Errors
/// Every field that is missing or does not hold together, named.
pub fn decide(proposal: Option<&Assessment>, form: &impl AnswerForm) -> Result<Entry, FieldErrors> {
    let mut e = FieldErrors::new();
    let accepted = form.one("decision") == "accept";
    let (notify_authority, communicate, decided_risk) = if accepted {
        match proposal {
            Some(Assessment::Assessed {
                decisions,
                risk_assessment,
                ..
            }) => (
                decisions.notify_authority,
                id_of(&decisions.communicate_to_subjects),
                Some(DecidedRisk {
                    risk: risk_assessment.risk.id().to_owned(),
                    severity: risk_assessment.severity.id().to_owned(),
                    likelihood: risk_assessment.likelihood.id().to_owned(),
                    exemption: decisions.exemption.map(str::to_owned),
                }),
            ),
            // A processor tells the controller; the controller decides the rest.
            Some(Assessment::NotifyController { .. }) => (false, "not_required".to_owned(), None),
            _ => {
                // Nothing complete to accept: only an override (with its reason)
                // decides.
                e.add("decision", FieldError::NoCompleteProposal);
                return Err(e);
            }
        }
    } else {
        let authority = match form.one("notify_authority") {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        };
        if authority.is_none() {
            e.add("notify_authority", FieldError::Required);
        }
        let subjects = form.one("communicate_to_subjects");
        if !["individual", "public", "not_required"].contains(&subjects) {
            e.add("communicate_to_subjects", FieldError::Required);
        }
        let mut chosen = |field: &'static str, allowed: &[&str]| {
            let v = form.one(field);
            if allowed.contains(&v) {
                v.to_owned()
            } else {
                e.add(field, FieldError::Required);
                String::new()
            }
        };
        let mut decided = DecidedRisk {
            risk: chosen("risk", &["unlikely", "risk", "high"]),
            severity: chosen("severity", &["low", "medium", "high", "very_high"]),
            likelihood: chosen(
                "likelihood",
                &["remote", "possible", "likely", "almost_certain"],
            ),
            exemption: match form.one("exemption") {
                "" => None,
                x @ ("a" | "b" | "c") => Some(x.to_owned()),
                _ => {
                    e.add(
                        "exemption",
                        FieldError::InvalidChoice {
                            allowed: &["a", "b", "c"],
                        },
                    );
                    None
                }
            },
        };
        // The decision must hold together as the law does: a risk is notified
        // (Art. 33(1)); a high risk is communicated unless an Art. 34(3) exemption
        // is named; a public communication is exemption (c).
        if subjects == "public" {
            decided.exemption = Some("c".into());
        }
        if matches!(decided.risk.as_str(), "risk" | "high") && authority == Some(false) {
            e.add(
                "notify_authority",
                FieldError::InvalidChoice { allowed: &["yes"] },
            );
        }
        if decided.risk == "high"
            && subjects == "not_required"
            && !matches!(decided.exemption.as_deref(), Some("a" | "b"))
        {
            e.add("exemption", FieldError::Required);
        }
        if form.one("reason").trim().is_empty() {
            e.add("reason", FieldError::Required);
        }
        if !e.is_empty() {
            return Err(e);
        }
        (
            authority.unwrap_or(true),
            subjects.to_owned(),
            Some(decided),
        )
    };
    Ok(Entry::AssessmentDecision {
        proposed: proposal
            .and_then(|p| serde_json::to_value(p).ok())
            .unwrap_or(serde_json::Value::Null),
        accepted,
        notify_authority,
        communicate_to_subjects: communicate,
        reason: Some(form.one("reason").trim().to_owned()).filter(|r| !r.is_empty()),
        decided_risk,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Form(Vec<(&'static str, &'static str)>);

    impl AnswerForm for Form {
        fn one(&self, name: &str) -> &str {
            self.0
                .iter()
                .find(|(k, _)| *k == name)
                .map_or("", |(_, v)| v)
        }

        fn all(&self, name: &str) -> Vec<&str> {
            self.0
                .iter()
                .filter(|(k, _)| *k == name)
                .map(|(_, v)| *v)
                .collect()
        }
    }

    fn refused(form: &[(&'static str, &'static str)]) -> Vec<String> {
        decide(None, &Form(form.to_vec()))
            .unwrap_err()
            .iter()
            .map(|(field, _)| field.to_owned())
            .collect()
    }

    const OVERRIDE: [(&str, &str); 7] = [
        ("decision", "override"),
        ("notify_authority", "yes"),
        ("communicate_to_subjects", "individual"),
        ("risk", "high"),
        ("severity", "high"),
        ("likelihood", "likely"),
        ("reason", "Health data of patients, published."),
    ];

    fn with(changes: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
        let mut form: Vec<_> = OVERRIDE
            .iter()
            .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
            .copied()
            .collect();
        form.extend(changes.iter().filter(|(_, v)| !v.is_empty()));
        form
    }

    #[test]
    fn a_coherent_override_is_recorded_as_decided() {
        let Entry::AssessmentDecision {
            accepted,
            notify_authority,
            communicate_to_subjects,
            decided_risk,
            reason,
            ..
        } = decide(None, &Form(OVERRIDE.to_vec())).unwrap()
        else {
            panic!("not a decision");
        };
        assert!(!accepted);
        assert!(notify_authority);
        assert_eq!(communicate_to_subjects, "individual");
        assert_eq!(decided_risk.unwrap().risk, "high");
        assert_eq!(
            reason.as_deref(),
            Some("Health data of patients, published.")
        );
    }

    #[test]
    fn an_override_that_the_law_does_not_allow_is_refused_field_by_field() {
        // A risk is notified to the authority (Art. 33(1)).
        assert_eq!(
            refused(&with(&[("notify_authority", "no")])),
            ["notify_authority"]
        );
        // A high risk is communicated unless an Art. 34(3) exemption (a) or (b) is named.
        assert_eq!(
            refused(&with(&[("communicate_to_subjects", "not_required")])),
            ["exemption"]
        );
        assert!(
            decide(
                None,
                &Form(with(&[
                    ("communicate_to_subjects", "not_required"),
                    ("exemption", "a"),
                ]))
            )
            .is_ok()
        );
        // An override needs its reason, and only known values count.
        assert_eq!(refused(&with(&[("reason", "  ")])), ["reason"]);
        assert_eq!(refused(&with(&[("risk", "catastrophic")])), ["risk"]);
        assert_eq!(refused(&with(&[("exemption", "d")])), ["exemption"]);
    }

    #[test]
    fn a_public_communication_is_exemption_c() {
        let Entry::AssessmentDecision { decided_risk, .. } =
            decide(None, &Form(with(&[("communicate_to_subjects", "public")]))).unwrap()
        else {
            panic!("not a decision");
        };
        assert_eq!(decided_risk.unwrap().exemption.as_deref(), Some("c"));
    }

    #[test]
    fn nothing_complete_to_accept_is_refused() {
        assert_eq!(refused(&[("decision", "accept")]), ["decision"]);
    }
}
