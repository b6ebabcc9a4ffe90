//! The `BreachDesk` domain: organisations, handlers, reports, cases and the rules between them.
//!
//! Everything here is plain data and pure functions plus the *ports* through which the outside
//! world is reached ([`ports::Store`], [`ports::Keyring`], [`ports::SecretHasher`],
//! [`clock::Clock`]). No HTTP, no SQL, no files, no async runtime: the web and store crates adapt
//! to these types, never the other way round.
//!
//! Input from the outside is parsed at the edge into types that cannot hold invalid values
//! ([`org::OrgSlug`], [`report::ValidReport`], [`receipt::ReceiptCode`]); bad input yields
//! [`errors::FieldErrors`] that name each field and what is wrong with it.

pub mod assessment;
pub mod attachment;
pub mod audit;
pub mod case;
pub mod clock;
pub mod deadline;
pub mod errors;
pub mod grant;
pub mod input;
pub mod intake;
pub mod investigation;
pub mod notice;
pub mod notice_facts;
pub mod org;
pub mod ports;
pub mod receipt;
pub mod register;
pub mod report;
pub mod retention;
pub mod scope;
pub mod user;
pub mod workflow;
