//! `breachdesk notify …`: the letters to data subjects from the command line — the operator's
//! way to import a large recipient list on the server and to run (or resume) a delivery with a
//! progress bar. Sending needs the DPO's approval of the letter in the desk.

use std::fs::File;
use std::io::BufReader;
use std::num::NonZeroU32;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use breachdesk_app::letters::DeliveryOptions;
use breachdesk_core::ports::{RecipientCounts, Store};
use breachdesk_core::report::Language;
use breachdesk_notify::recipients;

use crate::cli::{NotifyCommand, RecipientFormat};

fn say(line: &str) {
    #[allow(clippy::print_stdout)]
    {
        println!("{line}");
    }
}

pub async fn run(cmd: NotifyCommand, data_dir: &Path, store: Arc<dyn Store>) -> anyhow::Result<()> {
    match cmd {
        NotifyCommand::Recipients {
            case,
            file,
            format,
            language,
            replace,
            keys,
        } => {
            let Some(language) = Language::parse(&language) else {
                bail!("--language must be fi, sv or en");
            };
            let case = crate::commands::find_case(&store, &case).await?;
            let input = File::open(&file).with_context(|| format!("reading {}", file.display()))?;
            let parsed = match format {
                RecipientFormat::Csv => recipients::from_csv(BufReader::new(input)),
                RecipientFormat::Subjects => {
                    recipients::from_subjects(BufReader::new(input), language)
                }
            };
            let imported = match parsed {
                Ok(i) => i,
                Err(refused) => bail!(
                    "{}: nothing imported\n{}",
                    file.display(),
                    refused.to_string().trim_end()
                ),
            };
            let (state, _) = crate::commands::app(&keys, data_dir, store).await?;
            state
                .import_recipients(&case, None, &imported, replace)
                .await?;
            let RecipientCounts {
                email,
                post: letters,
            } = state.letter_progress(&case).await?.1;
            say(&format!(
                "imported {} recipients ({} without any address left out); the case has {email} by e-mail and {letters} by printed letter",
                imported.recipients.len(),
                imported.unreachable
            ));
            Ok(())
        }
        NotifyCommand::Send {
            case,
            connections,
            rate,
            retry_failed,
            queue_only,
            keys,
        } => {
            let case = crate::commands::find_case(&store, &case).await?;
            let (state, config) = crate::commands::app(&keys, data_dir, store).await?;
            let configured = config.delivery();
            let options = DeliveryOptions {
                connections: connections.unwrap_or(configured.connections).max(1),
                per_second: rate.map_or(configured.per_second, NonZeroU32::new),
                ..configured
            };
            if retry_failed {
                let n = state.retry_failed_letters(&case, None).await?;
                say(&format!("{n} failed messages queued again"));
            }
            let queued = state.queue_letters(&case, None).await?;
            let (counts, _) = state.letter_progress(&case).await?;
            let due = counts.queued + counts.sending;
            say(&format!(
                "{queued} messages queued now; {due} to send, {} sent before",
                counts.sent
            ));
            if queue_only {
                say("the servers' scheduler sends them");
                return Ok(());
            }
            let bar = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
                let bar = indicatif::ProgressBar::new(due);
                if let Ok(style) = indicatif::ProgressStyle::with_template(
                    "{spinner} {pos}/{len} messages {per_sec} ETA {eta} {wide_bar}",
                ) {
                    bar.set_style(style);
                }
                Some(bar)
            } else {
                None
            };
            let tick = |n: u64| {
                if let Some(b) = &bar {
                    b.inc(n);
                }
            };
            let report = state.deliver_letters(&case, None, options, &tick).await;
            if let Some(b) = &bar {
                b.finish_and_clear();
            }
            let report = report?;
            say(&format!(
                "sent {}, failed {}, to retry later {}, in doubt after a crash and sent again {}",
                report.sent, report.failed, report.retry_later, report.in_doubt
            ));
            Ok(())
        }
        NotifyCommand::Bounces { case, paths, keys } => {
            let case = crate::commands::find_case(&store, &case).await?;
            let mut files = Vec::new();
            for path in &paths {
                mail_files(path, &mut files)
                    .with_context(|| format!("cannot read {}", path.display()))?;
            }
            let mut contents = Vec::with_capacity(files.len());
            for f in &files {
                contents.push(
                    std::fs::read(f).with_context(|| format!("cannot read {}", f.display()))?,
                );
            }
            let files: Vec<&[u8]> = contents.iter().map(Vec::as_slice).collect();
            let (state, _) = crate::commands::app(&keys, data_dir, store).await?;
            let r = state.record_bounces(&case, None, &files).await?;
            say(&format!(
                "{} messages read: {} letters marked failed, {} delayed (still being tried), {} delivered, {} reports about other messages, {} not delivery reports",
                r.messages, r.failed, r.delayed, r.delivered, r.not_ours, r.not_reports
            ));
            Ok(())
        }
        NotifyCommand::Status { case, keys } => {
            let case = crate::commands::find_case(&store, &case).await?;
            let (state, _) = crate::commands::app(&keys, data_dir, store).await?;
            let (
                c,
                RecipientCounts {
                    email,
                    post: letters,
                },
            ) = state.letter_progress(&case).await?;
            say(&format!(
                "recipients: {email} by e-mail, {letters} by printed letter\nqueued {} sending {} sent {} failed {} in doubt {}",
                c.queued, c.sending, c.sent, c.failed, c.in_doubt
            ));
            Ok(())
        }
    }
}

/// The files under `path`: the file itself, or every file in the directory tree (a Maildir's
/// `new` and `cur`, a folder of `.eml` files), in name order.
fn mail_files(path: &Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    if !path.is_dir() {
        std::fs::metadata(path)?;
        out.push(path.to_owned());
        return Ok(());
    }
    let mut entries: Vec<_> = std::fs::read_dir(path)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for e in entries {
        let p = e.path();
        if e.file_type()?.is_dir() {
            mail_files(&p, out)?;
        } else if e.file_type()?.is_file() {
            out.push(p);
        }
    }
    Ok(())
}
