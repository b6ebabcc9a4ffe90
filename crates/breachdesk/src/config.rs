//! The configuration file (`breachdesk.toml` in the data dir, or `serve --config FILE`): what
//! does not fit a flag — outgoing mail and the reminder points. Unknown keys are refused, so a
//! typo does not silently switch mail off.
//!
//! ```toml
//! public_url = "https://breachdesk.uni.example"
//!
//! [smtp]
//! host = "smtp.uni.example"
//! port = 587
//! security = "starttls"        # or "tls", or "none" for a relay on localhost
//! from = "BreachDesk <breachdesk@uni.example>"
//! username = "breachdesk"
//! password = "…"               # keep the file 0600
//!
//! [reminders]
//! hours = [24, 48, 64]         # after the awareness time
//!
//! [letters]                    # letters to data subjects
//! connections = 4              # SMTP connections at once
//! per_second = 200             # the relay's limit; default none
//!
//! [[intake.imap]]               # a reporting mailbox; one table each
//! org = "uni"                  # the organisation's slug
//! host = "imap.uni.example"
//! port = 993
//! security = "tls"             # or "starttls", or "none" for a server on localhost
//! username = "tietosuoja"
//! password_file = "/run/secrets/imap-tietosuoja"   # or password = "…" (file 0600)
//! folder = "INBOX"             # default
//! after = "move"               # default; or "delete"
//! move_to = "BreachDesk"       # default
//! address = "tietosuoja@uni.example"   # Reply-To of acknowledgements
//! secure_instruction = "…"     # how to send protected data; default: the report form
//! ca_file = "/etc/ssl/uni-ca.pem"  # a CA trusted besides the public ones
//! ```

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use breachdesk_core::deadline::ReminderSchedule;
use breachdesk_notify::SmtpConfig;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub public_url: Option<String>,
    pub smtp: Option<SmtpConfig>,
    pub reminders: Option<Reminders>,
    pub letters: Option<Letters>,
    pub intake: Option<Intake>,
}

/// `[intake]`: where reports arrive besides the forms and the API.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intake {
    /// `[[intake.imap]]`: the reporting mailboxes read over IMAP.
    #[serde(default)]
    pub imap: Vec<ImapMailbox>,
}

/// One `[[intake.imap]]` table.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImapMailbox {
    pub org: String,
    pub host: String,
    pub port: Option<u16>,
    pub security: String,
    pub username: String,
    pub password: Option<String>,
    pub password_file: Option<PathBuf>,
    pub folder: Option<String>,
    pub after: Option<String>,
    pub move_to: Option<String>,
    pub address: Option<String>,
    pub secure_instruction: Option<String>,
    /// A PEM file of certificate authorities trusted besides the public ones (the organisation's
    /// own CA for its IMAP server).
    pub ca_file: Option<PathBuf>,
    /// Seconds between readings without IDLE, and the longest IDLE wait (default 60).
    pub poll_seconds: Option<u64>,
}

impl std::fmt::Debug for ImapMailbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImapMailbox")
            .field("org", &self.org)
            .field("host", &self.host)
            .field("folder", &self.folder)
            .finish_non_exhaustive()
    }
}

impl ImapMailbox {
    /// The mailbox as the reader takes it, and how its messages are answered; the password read
    /// from its file. Every mistake named with the mailbox's place in the file.
    pub fn resolve(
        &self,
        n: usize,
    ) -> anyhow::Result<(
        breachdesk_inbox::MailboxConfig,
        breachdesk_app::mail_intake::MailIntakeSettings,
    )> {
        use breachdesk_inbox::{After, MailboxConfig, Security};
        let at = format!("intake.imap[{n}] ({})", self.org);
        let security = Security::parse(&self.security).map_err(|e| anyhow::anyhow!("{at}: {e}"))?;
        if security == Security::None
            && !matches!(self.host.as_str(), "localhost" | "127.0.0.1" | "::1")
        {
            bail!("{at}: security = \"none\" is only for a server on this machine (localhost)");
        }
        let password = match (&self.password, &self.password_file) {
            (Some(p), None) => p.clone(),
            (None, Some(file)) => std::fs::read_to_string(file)
                .with_context(|| format!("{at}: reading password_file {}", file.display()))?
                .trim_end_matches(['\r', '\n'])
                .to_owned(),
            _ => bail!("{at}: give exactly one of password and password_file"),
        };
        let after = match self.after.as_deref().unwrap_or("move") {
            "move" => After::Move(
                self.move_to
                    .clone()
                    .unwrap_or_else(|| "BreachDesk".to_owned()),
            ),
            "delete" if self.move_to.is_none() => After::Delete,
            "delete" => bail!("{at}: move_to goes with after = \"move\""),
            other => bail!("{at}: after = \"{other}\": expected \"move\" or \"delete\""),
        };
        let folder = self.folder.clone().unwrap_or_else(|| "INBOX".to_owned());
        if let Some(address) = &self.address
            && (address.contains(char::is_whitespace)
                || address.split('@').filter(|p| !p.is_empty()).count() != 2)
        {
            bail!("{at}: address \"{address}\" is not an e-mail address");
        }
        let extra_roots = match &self.ca_file {
            Some(file) => breachdesk_inbox::imap::read_roots(file)
                .map_err(|e| anyhow::anyhow!("{at}: ca_file {e}"))?,
            None => Vec::new(),
        };
        if matches!(&after, After::Move(to) if *to == folder) {
            bail!("{at}: move_to is the folder read");
        }
        Ok((
            MailboxConfig {
                label: format!("intake.imap[{n}] {}/{folder}", self.org),
                host: self.host.clone(),
                port: self.port.unwrap_or(match security {
                    Security::Tls => 993,
                    Security::StartTls | Security::None => 143,
                }),
                security,
                username: self.username.clone(),
                password: zeroize::Zeroizing::new(password),
                folder,
                after,
                extra_roots,
                poll: std::time::Duration::from_secs(self.poll_seconds.unwrap_or(60).max(1)),
            },
            breachdesk_app::mail_intake::MailIntakeSettings {
                address: self.address.clone(),
                secure_instruction: self.secure_instruction.clone(),
            },
        ))
    }
}

/// `[letters]`: how letters to data subjects are delivered.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Letters {
    /// SMTP connections at once (default 4).
    pub connections: Option<usize>,
    /// At most this many messages per second (default: no limit).
    pub per_second: Option<u32>,
    /// Messages claimed at a time per connection (default 20).
    pub batch: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reminders {
    pub hours: Vec<i64>,
}

impl ConfigFile {
    /// How letters are delivered: `[letters]`, else 4 connections, batches of 20, no rate
    /// limit.
    pub fn delivery(&self) -> breachdesk_app::letters::DeliveryOptions {
        let letters = self.letters.as_ref();
        breachdesk_app::letters::DeliveryOptions {
            connections: letters.and_then(|l| l.connections).unwrap_or(4).max(1),
            per_second: letters
                .and_then(|l| l.per_second)
                .and_then(std::num::NonZeroU32::new),
            batch: letters.and_then(|l| l.batch).unwrap_or(20).max(1),
            wait_for_lease: true,
        }
    }

    /// Reads `explicit`, or `breachdesk.toml` in the data dir if it exists, or nothing.
    pub fn load(explicit: Option<&Path>, data_dir: &Path) -> anyhow::Result<Self> {
        let path: PathBuf =
            explicit.map_or_else(|| data_dir.join("breachdesk.toml"), Path::to_owned);
        if explicit.is_none() && !path.exists() {
            return Ok(Self::default());
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading the configuration file {}", path.display()))?;
        let config: Self = toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.message()))?;
        config
            .reminder_schedule()
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        for (n, mailbox) in config.intake.iter().flat_map(|i| &i.imap).enumerate() {
            mailbox
                .resolve(n)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        }
        #[cfg(unix)]
        if config.smtp.as_ref().is_some_and(|s| s.password.is_some())
            || config
                .intake
                .iter()
                .flat_map(|i| &i.imap)
                .any(|m| m.password.is_some())
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)?.permissions().mode();
            if mode & 0o077 != 0 {
                bail!(
                    "{} holds a password and is readable by others: chmod 600 it",
                    path.display()
                );
            }
        }
        Ok(config)
    }

    pub fn reminder_schedule(&self) -> anyhow::Result<ReminderSchedule> {
        match &self.reminders {
            None => Ok(ReminderSchedule::default()),
            Some(r) => {
                let joined = r
                    .hours
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(",");
                if joined.is_empty() {
                    bail!("reminders.hours is empty: give at least one point, e.g. [24, 48, 64]");
                }
                ReminderSchedule::parse_hours(&joined)
                    .map_err(|e| anyhow::anyhow!("reminders.hours: {e}"))
            }
        }
    }
}
