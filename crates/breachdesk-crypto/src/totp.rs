//! The second factor of handlers: TOTP (RFC 6238, SHA-1, 6 digits, 30 s — what every
//! authenticator app reads from an `otpauth://` QR code), enrolment by QR code, and the time step
//! a code matched so that the store can refuse the same code twice.

use std::fmt::Write as _;

use rand::RngCore;
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, TOTP};
use zeroize::Zeroizing;

/// Seconds per time step.
pub const STEP: u64 = 30;

/// A TOTP shared secret (160 random bits). Never printed; sealed with the master key at rest.
pub struct TotpSecret(Zeroizing<Vec<u8>>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(..)")
    }
}

#[derive(Debug, thiserror::Error)]
#[error("a TOTP secret must be 16 to 64 bytes")]
pub struct BadTotpSecret;

/// Percent-encoding of a URI component: everything but the unreserved characters.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

impl TotpSecret {
    /// A fresh secret from the operating system's random source.
    #[must_use]
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new(vec![0u8; 20]);
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, BadTotpSecret> {
        if !(16..=64).contains(&bytes.len()) {
            return Err(BadTotpSecret);
        }
        Ok(Self(Zeroizing::new(bytes.to_vec())))
    }

    /// The bytes, for sealing.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Base32 without padding, for typing into an app by hand.
    #[must_use]
    pub fn base32(&self) -> Zeroizing<String> {
        Zeroizing::new(base32::encode(
            base32::Alphabet::Rfc4648 { padding: false },
            &self.0,
        ))
    }

    /// The `otpauth://` URI the QR code carries.
    #[must_use]
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> Zeroizing<String> {
        Zeroizing::new(format!(
            "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period={STEP}",
            encode(issuer),
            encode(account),
            self.base32().as_str(),
            encode(issuer)
        ))
    }

    fn totp(&self) -> Option<TOTP> {
        TOTP::new(Algorithm::SHA1, 6, 0, STEP, self.0.to_vec()).ok()
    }

    /// The code for a time (tests and the enrolment check).
    #[must_use]
    pub fn code_at(&self, unix_secs: u64) -> String {
        self.totp()
            .map(|t| t.generate(unix_secs))
            .unwrap_or_default()
    }

    /// The time step whose code this is, allowing one step of clock drift either way; `None` for
    /// a wrong code. Compared in constant time.
    #[must_use]
    pub fn matching_step(&self, code: &str, unix_secs: u64) -> Option<i64> {
        let code = code.trim().replace(' ', "");
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let totp = self.totp()?;
        let now = unix_secs / STEP;
        let mut found = None;
        for step in [now.saturating_sub(1), now, now + 1] {
            let expected = totp.generate(step * STEP);
            if bool::from(expected.as_bytes().ct_eq(code.as_bytes())) {
                found = i64::try_from(step).ok();
            }
        }
        found
    }
}

/// An SVG image of a QR code (no scripts, no external references), for the enrolment page.
#[must_use]
pub fn qr_svg(text: &str) -> Option<String> {
    let code =
        qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B, SHA-1 seed; the 8-digit values' last six digits.
    #[test]
    fn rfc_6238_test_vectors() {
        let s = TotpSecret::from_bytes(b"12345678901234567890").unwrap();
        for (t, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(s.code_at(t), code, "t={t}");
        }
    }

    #[test]
    fn a_code_matches_its_step_with_one_step_of_drift() {
        let s = TotpSecret::generate();
        let t = 1_800_000_000;
        let code = s.code_at(t);
        let step = i64::try_from(t / STEP).unwrap();
        assert_eq!(s.matching_step(&code, t), Some(step));
        assert_eq!(s.matching_step(&code, t + STEP), Some(step), "a late code");
        assert_eq!(s.matching_step(&code, t - STEP), Some(step), "a fast phone");
        assert_eq!(s.matching_step(&code, t + 2 * STEP), None);
        assert_eq!(
            s.matching_step(&format!("{} {}", &code[..3], &code[3..]), t),
            Some(step)
        );
        for bad in ["", "12345", "1234567", "abcdef", "12345x"] {
            assert_eq!(s.matching_step(bad, t), None, "{bad:?}");
        }
        let other = TotpSecret::generate();
        assert_eq!(
            other.matching_step(&code, t).is_some(),
            other.code_at(t) == code
        );
    }

    #[test]
    fn enrolment_uri_and_qr_code() {
        let s = TotpSecret::from_bytes(&[0xAB; 20]).unwrap();
        let uri = s.otpauth_uri("BreachDesk (uni)", "dpo@uni.example");
        assert_eq!(
            uri.as_str(),
            format!(
                "otpauth://totp/BreachDesk%20%28uni%29:dpo%40uni.example?secret={}&issuer=BreachDesk%20%28uni%29&algorithm=SHA1&digits=6&period=30",
                s.base32().as_str()
            )
        );
        assert_eq!(s.base32().len(), 32);
        let svg = qr_svg(&uri).unwrap();
        assert!(svg.contains("<svg") && !svg.contains("<script"));
        assert_eq!(format!("{s:?}"), "TotpSecret(..)");
        assert!(TotpSecret::from_bytes(&[1; 8]).is_err());
    }
}
