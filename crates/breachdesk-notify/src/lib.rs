//! Outgoing mail. For now the SMTP delivery behind [`breachdesk_core::ports::Mailer`]: deadline
//! reminders to handlers. Notices to the authority and to data subjects arrive here later.

mod smtp;

pub use smtp::{SmtpConfig, SmtpMailer, SmtpSecurity};
