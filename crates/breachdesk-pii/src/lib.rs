//! What personal data is, for every crate that meets it: the categories by their stable ids
//! ([`Category`]), validators for protected identifiers and a finder that spots them in free
//! text, and the leak scanner's per-person line ([`SubjectLine`]) that the letters and the case
//! import read.
//!
//! The validators are the single source of truth for "is this really a henkilötunnus / card / IBAN":
//! intake uses them to warn a reporter who pastes leaked data into a report, and the leak scanner
//! uses them to confirm candidates found by its automaton. Nothing here allocates on the happy
//! path of a validator, reads a clock or touches IO.
//!
//! ```
//! use breachdesk_pii::{find_protected, IdentifierKind};
//! let hits = find_protected("customer 131052-308T called about card 4111 1111 1111 1111");
//! let kinds: Vec<_> = hits.iter().map(|h| h.kind).collect();
//! assert_eq!(kinds, [IdentifierKind::NationalId, IdentifierKind::PaymentCard]);
//! ```

mod card;
mod category;
mod finder;
mod hetu;
mod iban;
mod subject_line;

pub use card::{is_valid_payment_card, luhn_valid};
pub use category::Category;
pub use finder::{
    CARD_PATTERN, Finding, HETU_PATTERN, IBAN_PATTERN, IdentifierKind, confirm, find_protected,
};
pub use hetu::{Hetu, parse_hetu};
pub use iban::is_valid_iban;
pub use subject_line::SubjectLine;
