//! Envelope encryption of case data and slow hashing of secrets.
//!
//! * [`MasterKey`] — the installation's key-encryption key, read from a 0600 file or the
//!   environment; it never leaves memory and is zeroized on drop.
//! * [`MasterKeyring`] — the [`Keyring`] port: one random 256-bit data key per case, wrapped with
//!   XChaCha20-Poly1305, the wrap bound to the case id, under a per-case key of the [`KeyVault`]
//!   (itself sealed under the master key). Destroying the vault key makes every copy of the
//!   case's data unreadable, backups included (crypto-shredding).
//! * [`KeyVault`] — a directory outside the database and its backups, one file per case.
//! * [`CaseKey`] — seals values with XChaCha20-Poly1305 and a random 192-bit nonce; the associated
//!   data binds each ciphertext to table, column and row.
//! * [`Argon2Hasher`] — the [`SecretHasher`] port for receipt codes and passwords.
//!
//! None of the key types derive `Clone`, `Serialize` or a revealing `Debug`.

mod hasher;
mod keys;
mod totp;
mod vault;

pub use hasher::{Argon2Hasher, HashCost, new_api_token, token_digest};
pub use keys::{CaseKey, MasterKey, MasterKeyError, MasterKeyring};
pub use totp::{BadTotpSecret, STEP as TOTP_STEP, TotpSecret, qr_svg};
pub use vault::{KeyVault, VaultError};

pub use breachdesk_core::ports::{Aad, CaseCipher, CryptoError, Keyring, SecretHasher, WrappedKey};
