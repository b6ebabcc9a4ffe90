//! `breachdesk case …`: work on a case from the server. `import-scan` puts the leak scanner's
//! findings into the case's scope.

use std::io::BufRead;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use breachdesk_core::assessment::DataCategory;
use breachdesk_core::ports::Store;
use breachdesk_core::scope::ScanFindings;
use breachdesk_pii::SubjectLine;

use crate::cli::CaseCommand;

/// Reads the scanner's subject list: one JSON line per data subject. Every bad line is named
/// (never with its content, which may hold identifiers); a file with any is refused whole.
pub fn read_findings(input: impl BufRead) -> Result<ScanFindings, Vec<String>> {
    let mut found = ScanFindings::default();
    let mut problems = Vec::new();
    for (i, line) in input.lines().enumerate() {
        let n = i + 1;
        let Ok(line) = line else {
            problems.push(format!("line {n}: not UTF-8 text"));
            break;
        };
        if line.trim().is_empty() {
            continue;
        }
        let Ok(subject) = serde_json::from_str::<SubjectLine>(&line) else {
            problems.push(format!(
                "line {n}: not a line of `breachdesk scan --subjects` (a JSON object with \"categories\")"
            ));
            continue;
        };
        for id in &subject.categories {
            match DataCategory::ALL.iter().copied().find(|c| c.id() == *id) {
                Some(c) if !found.categories.contains(&c) => found.categories.push(c),
                Some(_) => {}
                None => problems.push(format!("line {n}: unknown data category")),
            }
        }
        found.subjects += 1;
    }
    if found.subjects == 0 && problems.is_empty() {
        problems.push("the file lists no data subjects".to_owned());
    }
    if problems.is_empty() {
        found.categories.sort_by_key(|c| c.id());
        Ok(found)
    } else {
        Err(problems)
    }
}

pub async fn run(cmd: CaseCommand, data_dir: &Path, store: Arc<dyn Store>) -> anyhow::Result<()> {
    match cmd {
        CaseCommand::ImportScan { case, file, keys } => {
            let case = crate::commands::find_case(&store, &case).await?;
            let input = std::fs::File::open(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let found = match read_findings(std::io::BufReader::new(input)) {
                Ok(f) => f,
                Err(problems) => bail!(
                    "{}: nothing imported\n{}",
                    file.display(),
                    problems.join("\n")
                ),
            };
            let (state, _) = crate::commands::app(&keys, data_dir, store).await?;
            let scope = state.import_scan(&case, None, &found).await?;
            let ids: Vec<String> = scope.affected.iter().map(|c| c.id()).collect();
            #[allow(clippy::print_stdout)]
            {
                println!(
                    "{}: scope saved — {} data subjects (exact, from the scan); affected data: {}",
                    case.reference,
                    found.subjects,
                    ids.join(", ")
                );
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subject_list_gives_the_count_and_the_categories() {
        let file = "{\"subject\":1,\"identifiers\":{\"email\":[\"a***@example.fi\"]},\"categories\":[\"email\",\"national_id\"],\"files\":[\"a.csv\"]}\n\
                    \n\
                    {\"subject\":2,\"identifiers\":{},\"categories\":[\"email\",\"iban\"],\"files\":[\"b.csv\"]}\n";
        let found = read_findings(file.as_bytes()).unwrap();
        assert_eq!(found.subjects, 2);
        assert_eq!(
            found.categories,
            [
                DataCategory::Email,
                DataCategory::Iban,
                DataCategory::NationalId
            ]
        );
    }

    #[test]
    fn a_bad_line_is_named_without_its_content() {
        let file = "{\"categories\":[\"email\"]}\n{\"categories\":[\"shoe_size\"]}\n010190-123A\n";
        let problems = read_findings(file.as_bytes()).unwrap_err();
        assert_eq!(
            problems,
            [
                "line 2: unknown data category",
                "line 3: not a line of `breachdesk scan --subjects` (a JSON object with \"categories\")"
            ]
        );
        assert_eq!(
            read_findings("".as_bytes()).unwrap_err(),
            ["the file lists no data subjects"]
        );
    }
}
