//! Notices and their delivery: the notification to the supervisory authority in the EDPB
//! template (`edpb`, `authority`), readable documents in HTML, Markdown and PDF (`document`,
//! `pdf`), and SMTP delivery behind [`breachdesk_core::ports::Mailer`] (`smtp`).

pub mod authority;
pub mod bounce;
pub mod document;
pub mod edpb;
mod font;
pub mod i18n;
pub mod language;
pub mod letter;
pub mod pdf;
pub mod public;
pub mod recipients;
mod smtp;
pub mod texts;

pub use smtp::{Connection, Courier, SendError, SmtpConfig, SmtpMailer, SmtpSecurity};

/// The sender of letters (re-exported so that callers need not depend on lettre).
pub use lettre::message::Mailbox;
