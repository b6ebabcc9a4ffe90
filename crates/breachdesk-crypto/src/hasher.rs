use std::fmt;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use breachdesk_core::ports::SecretHasher;
use sha2::{Digest, Sha256};

/// Argon2id cost. `Owasp` is the OWASP Password Storage Cheat Sheet's first recommendation
/// (19 MiB, 2 iterations, 1 lane); `Test` is for test suites only and is refused by config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashCost {
    Owasp,
    Test,
}

/// The [`SecretHasher`] for receipt codes and passwords.
pub struct Argon2Hasher {
    argon: Argon2<'static>,
}

impl fmt::Debug for Argon2Hasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Argon2Hasher")
            .field("params", self.argon.params())
            .finish()
    }
}

impl Argon2Hasher {
    #[must_use]
    pub fn new(cost: HashCost) -> Self {
        let params = match cost {
            HashCost::Owasp => Params::new(19_456, 2, 1, None),
            HashCost::Test => Params::new(256, 1, 1, None),
        }
        .unwrap_or_default();
        Self {
            argon: Argon2::new(Algorithm::Argon2id, Version::V0x13, params),
        }
    }
}

impl SecretHasher for Argon2Hasher {
    fn hash(&self, secret: &str) -> String {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        self.argon
            .hash_password(secret.as_bytes(), &salt)
            .map(|h| h.to_string())
            // Only fails for salts or outputs of invalid length, which we never produce.
            .unwrap_or_default()
    }

    fn verify(&self, secret: &str, phc: &str) -> bool {
        // Verification uses the parameters recorded in the hash, so raising the cost later keeps
        // old hashes valid.
        PasswordHash::new(phc)
            .is_ok_and(|h| self.argon.verify_password(secret.as_bytes(), &h).is_ok())
    }
}

/// Digest of a high-entropy bearer token: tokens carry 256 random bits, so a fast hash suffices
/// and lets the store look a token up by its digest.
#[must_use]
pub fn token_digest(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A new bearer API token (`bd_` and 256 random bits, URL-safe base64) and its digest, which is
/// all that is stored. The token is shown once to whoever made it.
#[must_use]
pub fn new_api_token() -> (String, Vec<u8>) {
    use base64::Engine as _;
    use rand::RngCore as _;
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    let token = format!(
        "bd_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
    );
    let digest = token_digest(&token);
    (token, digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_own_secret_only_and_never_contains_it() {
        let h = Argon2Hasher::new(HashCost::Owasp);
        let phc = h.hash("1234567890123456");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(!phc.contains("1234567890123456"));
        assert!(h.verify("1234567890123456", &phc));
        assert!(!h.verify("1234567890123457", &phc));
        assert!(!h.verify("1234567890123456", "garbage"));
        // Salted: the same secret hashes differently each time.
        assert_ne!(phc, h.hash("1234567890123456"));
    }
}
