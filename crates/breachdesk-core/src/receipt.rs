//! Receipt codes: the reporter's only key to their report.
//!
//! A code is 24 random decimal digits shown as six groups of four. The first 8 digits are a
//! *locator* stored in clear to find the report; the remaining 16 are the *secret*, stored only as
//! an Argon2id hash. Knowing a locator therefore gives nothing: 10^16 secrets remain, each guess
//! costs an Argon2 evaluation, and guesses are rate-limited and counted per report.

use std::fmt;

use rand::Rng;
use zeroize::{Zeroize, ZeroizeOnDrop};

pub const LOCATOR_DIGITS: usize = 8;
pub const SECRET_DIGITS: usize = 16;
pub const CODE_DIGITS: usize = LOCATOR_DIGITS + SECRET_DIGITS;

/// A receipt code. Not `Clone`, not `Serialize`; `Debug` shows only the locator.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct ReceiptCode {
    digits: String,
}

impl ReceiptCode {
    /// A fresh code from the operating system's random source.
    #[must_use]
    pub fn generate() -> Self {
        let mut rng = rand::rngs::OsRng;
        let digits = (0..CODE_DIGITS)
            .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
            .collect();
        Self { digits }
    }

    /// Parses what a reporter typed: digits with optional spaces or hyphens.
    #[must_use]
    pub fn parse(typed: &str) -> Option<Self> {
        let digits: String = typed.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        (digits.len() == CODE_DIGITS && digits.bytes().all(|b| b.is_ascii_digit()))
            .then_some(Self { digits })
    }

    #[must_use]
    pub fn locator(&self) -> &str {
        &self.digits[..LOCATOR_DIGITS]
    }

    /// The secret part, to be hashed or verified. Never log it.
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        &self.digits[LOCATOR_DIGITS..]
    }

    /// The full code grouped for display, shown to the reporter exactly once.
    #[must_use]
    pub fn expose_display(&self) -> String {
        self.digits
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap_or_default())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl fmt::Debug for ReceiptCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReceiptCode({}…)", self.locator())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_code_round_trips_through_its_display_form() {
        let code = ReceiptCode::generate();
        let shown = code.expose_display();
        assert_eq!(shown.len(), CODE_DIGITS + 5);
        let typed = ReceiptCode::parse(&shown).expect("parses");
        assert_eq!(typed.locator(), code.locator());
        assert_eq!(typed.expose_secret(), code.expose_secret());
        assert!(!format!("{code:?}").contains(code.expose_secret()));
    }

    #[test]
    fn codes_of_the_wrong_length_or_with_letters_are_refused() {
        assert!(ReceiptCode::parse("1234 5678").is_none());
        assert!(ReceiptCode::parse("1234 5678 9012 3456 7890 123a").is_none());
        assert!(ReceiptCode::parse("1234-5678-9012-3456-7890-1234").is_some());
    }

    #[test]
    fn two_generated_codes_differ() {
        assert_ne!(
            ReceiptCode::generate().expose_secret(),
            ReceiptCode::generate().expose_secret()
        );
    }
}
