//! The holdout check of the assessment: the EDPB's case collection (Guidelines 01/2021),
//! encoded from the guidelines by someone who had not seen the rules, run through the engine and
//! compared with the published outcome. A measurement, not a test: the rules are not tuned to
//! these cases (docs/ASSESSMENT.md says which of them the issue that shaped the rules described).
//!
//! `cargo run -p breachdesk-core --example holdout [DIR]` (default `docs/holdout/edpb-01-2021`)
//! prints one Markdown row per case and the agreement.
#![allow(clippy::print_stdout)]

use breachdesk_core::assessment::{Assessment, AssessmentInput, SubjectCommunication, assess};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "docs/holdout/edpb-01-2021".into());
    let mut files: Vec<_> = std::fs::read_dir(&dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let (mut cases, mut both, mut authority_ok) = (0, 0, 0);
    println!("| case | published SA / people | ours SA / people | agrees |");
    println!("|---|---|---|---|");
    for path in files {
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
        let input: AssessmentInput = serde_json::from_value(v["input"].clone())
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let want_sa = v["published"]["notify_authority"]
            .as_bool()
            .unwrap_or_default();
        let want_people = v["published"]["communicate_to_subjects"]
            .as_bool()
            .unwrap_or_default();
        let yn = |b: bool| if b { "yes" } else { "no" };
        let name = v["case"].as_str().unwrap_or_default();
        let ours = match assess(&input) {
            Ok(Assessment::Assessed { decisions, .. }) => Some((
                decisions.notify_authority,
                decisions.communicate_to_subjects != SubjectCommunication::NotRequired,
            )),
            Ok(Assessment::NotifyController { .. }) => Some((false, false)),
            Ok(Assessment::NeedsMoreInformation { missing }) => {
                println!(
                    "| {name} | {} / {} | needs {} | — |",
                    yn(want_sa),
                    yn(want_people),
                    missing.join(", ")
                );
                None
            }
            Err(e) => {
                println!(
                    "| {name} | {} / {} | refused: {e} | — |",
                    yn(want_sa),
                    yn(want_people)
                );
                None
            }
        };
        cases += 1;
        if let Some((sa, people)) = ours {
            let agrees = sa == want_sa && people == want_people;
            authority_ok += usize::from(sa == want_sa);
            both += usize::from(agrees);
            println!(
                "| {name} | {} / {} | {} / {} | {} |",
                yn(want_sa),
                yn(want_people),
                yn(sa),
                yn(people),
                if agrees { "yes" } else { "**no**" }
            );
        }
    }
    println!();
    println!(
        "{cases} cases: authority decision agrees in {authority_ok}, both decisions in {both}."
    );
    Ok(())
}
