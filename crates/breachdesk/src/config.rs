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
        #[cfg(unix)]
        if config.smtp.as_ref().is_some_and(|s| s.password.is_some()) {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)?.permissions().mode();
            if mode & 0o077 != 0 {
                bail!(
                    "{} holds the SMTP password and is readable by others: chmod 600 it",
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
