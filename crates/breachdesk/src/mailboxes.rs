//! `serve`'s mailbox intake: each `[[intake.imap]]` mailbox is read by a task of its own, and
//! each message goes to the application's `intake_mail` of its organisation. A message stays in
//! the mailbox until intake has stored it (and, for a new report, acknowledged it or found it
//! needs no acknowledgement); the errors are logged without anything of the message.

use std::sync::Arc;

use breachdesk_app::mail_intake::MailIntakeSettings;
use breachdesk_core::org::Organisation;
use breachdesk_inbox::{Disposition, Sink};

struct IntakeSink {
    state: breachdesk_web::AppState,
    org: Organisation,
    settings: MailIntakeSettings,
}

#[async_trait::async_trait]
impl Sink for IntakeSink {
    async fn accept(&self, raw: Vec<u8>) -> Disposition {
        match self.state.intake_mail(&self.org, raw, &self.settings).await {
            Ok(taken) if taken.settled() => Disposition::Done,
            Ok(_) => Disposition::Keep,
            Err(e) => {
                tracing::error!(org = %self.org.slug.as_str(), error = %e, "mailbox intake: the message could not be stored; it stays in the mailbox");
                Disposition::Keep
            }
        }
    }
}

/// Starts a reader for every configured mailbox; the tasks run until aborted.
pub async fn start(
    config: &crate::config::ConfigFile,
    state: &breachdesk_web::AppState,
) -> anyhow::Result<Vec<tokio::task::JoinHandle<()>>> {
    let mut tasks = Vec::new();
    for (n, mailbox) in config.intake.iter().flat_map(|i| &i.imap).enumerate() {
        let (cfg, settings) = mailbox.resolve(n)?;
        let org = state.org(&mailbox.org).await.map_err(|_| {
            anyhow::anyhow!(
                "intake.imap[{n}]: no organisation \"{}\" (its slug)",
                mailbox.org
            )
        })?;
        tracing::info!(mailbox = %cfg.label, "mailbox intake: reading");
        let sink = Arc::new(IntakeSink {
            state: state.clone(),
            org,
            settings,
        });
        tasks.push(tokio::spawn(breachdesk_inbox::imap::watch(cfg, sink)));
    }
    Ok(tasks)
}
