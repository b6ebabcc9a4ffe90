//! Mailbox intake (issue 22): the guidance tells people to report a breach by e-mail to the data
//! protection officer's and the security team's addresses. This crate reads those mailboxes over
//! IMAP (`imap.rs`) and reads each message for intake (`message.rs`); what becomes of a message —
//! a new case, a supplement to a case, an acknowledgement — is the application's use case.

pub mod imap;
pub mod message;

pub use imap::{After, Disposition, MailboxConfig, Security, Sink};
pub use message::{Address, Automatic, Inbound, Part};
