//! Notices and their delivery: the notification to the supervisory authority in the EDPB
//! template (`edpb`, `authority`), readable documents in HTML, Markdown and PDF (`document`,
//! `pdf`), and SMTP delivery behind [`breachdesk_core::ports::Mailer`] (`smtp`).

pub mod authority;
pub mod document;
pub mod edpb;
pub mod i18n;
pub mod letter;
pub mod pdf;
pub mod public;
pub mod recipients;
pub mod texts;
mod smtp;

pub use smtp::{SmtpConfig, SmtpMailer, SmtpSecurity};
