use std::fmt;
use std::io::Write;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use breachdesk_core::ports::{Aad, CaseCipher, CryptoError, Keyring, WrappedKey};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::vault::KeyVault;

const NONCE_LEN: usize = 24;
const KEY_LEN: usize = 32;
/// Version byte in front of every sealed value so the format can change without guessing.
const FORMAT_V1: u8 = 1;

#[derive(Debug, thiserror::Error)]
pub enum MasterKeyError {
    #[error("master key must be {KEY_LEN} bytes encoded as base64 (got {0} bytes)")]
    WrongLength(usize),
    #[error("master key is not valid base64")]
    NotBase64,
    #[error("master key file {path} is readable by group or others (mode {mode:o}); run chmod 600")]
    Permissions { path: String, mode: u32 },
    #[error("master key file {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// The installation's key-encryption key.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct MasterKey([u8; KEY_LEN]);

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(…)")
    }
}

impl MasterKey {
    /// A fresh random key.
    #[must_use]
    pub fn generate() -> Self {
        let mut k = [0u8; KEY_LEN];
        rand::rngs::OsRng.fill_bytes(&mut k);
        Self(k)
    }

    /// Parses the base64 text form (as in the key file or `BREACHDESK_MASTER_KEY`).
    pub fn from_base64(text: &str) -> Result<Self, MasterKeyError> {
        let mut bytes = Zeroizing::new(
            STANDARD
                .decode(text.trim())
                .map_err(|_| MasterKeyError::NotBase64)?,
        );
        if bytes.len() != KEY_LEN {
            return Err(MasterKeyError::WrongLength(bytes.len()));
        }
        let mut k = [0u8; KEY_LEN];
        k.copy_from_slice(&bytes);
        bytes.zeroize();
        Ok(Self(k))
    }

    /// Reads a key file, refusing one that others can read.
    pub fn read_file(path: &Path) -> Result<Self, MasterKeyError> {
        let io = |source| MasterKeyError::Io {
            path: path.display().to_string(),
            source,
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path).map_err(io)?.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(MasterKeyError::Permissions {
                    path: path.display().to_string(),
                    mode,
                });
            }
        }
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(io)?);
        Self::from_base64(&text)
    }

    /// Reads the key file, or creates it with mode 0600 if it does not exist yet.
    pub fn load_or_create(path: &Path) -> Result<(Self, bool), MasterKeyError> {
        if path.exists() {
            return Self::read_file(path).map(|k| (k, false));
        }
        let io = |source| MasterKeyError::Io {
            path: path.display().to_string(),
            source,
        };
        let key = Self::generate();
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut file = opts.open(path).map_err(io)?;
        let text = Zeroizing::new(STANDARD.encode(key.0));
        file.write_all(text.as_bytes()).map_err(io)?;
        file.write_all(b"\n").map_err(io)?;
        file.sync_all().map_err(io)?;
        Ok((key, true))
    }

    /// The base64 text form, for backing up the key. Never log it.
    #[must_use]
    pub fn expose_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(STANDARD.encode(self.0))
    }
}

fn seal_with(cipher: &XChaCha20Poly1305, aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let mut nonce = [0u8; NONCE_LEN];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let ct = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        // Encryption only fails for plaintexts beyond 256 GiB.
        .unwrap_or_default();
    let mut out = Vec::with_capacity(1 + NONCE_LEN + ct.len());
    out.push(FORMAT_V1);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ct);
    out
}

fn open_with(
    cipher: &XChaCha20Poly1305,
    aad: &[u8],
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    if sealed.len() < 1 + NONCE_LEN + 16 || sealed[0] != FORMAT_V1 {
        return Err(CryptoError::Malformed);
    }
    let (nonce, ct) = sealed[1..].split_at(NONCE_LEN);
    cipher
        .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad })
        .map(Zeroizing::new)
        .map_err(|_| CryptoError::Authentication)
}

/// First byte of a data key wrapped through the key vault (a key wrapped under the master key
/// alone starts with [`FORMAT_V1`]).
const VAULT_BOUND: u8 = 2;

/// The keyring of an installation: wraps and unwraps case keys under the master key and, with a
/// [`KeyVault`], under a per-case vault key kept outside the database, which destroying the
/// case destroys.
pub struct MasterKeyring {
    cipher: XChaCha20Poly1305,
    vault: Option<KeyVault>,
    /// Derived from the master key: keys the digests that stand for client addresses.
    pseudonym_key: Zeroizing<[u8; 32]>,
}

impl fmt::Debug for MasterKeyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKeyring(…)")
    }
}

impl MasterKeyring {
    /// A keyring without a key vault: case keys are wrapped under the master key alone, so a
    /// destroyed case stays readable in a backup taken before (with the master key). For tests,
    /// benchmarks and tools that only read; an installation runs [`Self::with_vault`].
    #[must_use]
    pub fn new(master: &MasterKey) -> Self {
        let mut derive = Sha256::new();
        derive.update(b"breachdesk pseudonyms v1\0");
        derive.update(master.0);
        Self {
            cipher: XChaCha20Poly1305::new(Key::from_slice(&master.0)),
            vault: None,
            pseudonym_key: Zeroizing::new(derive.finalize().into()),
        }
    }

    /// The installation's keyring: new case keys are bound to the key vault.
    #[must_use]
    pub fn with_vault(master: &MasterKey, vault: KeyVault) -> Self {
        Self {
            vault: Some(vault),
            ..Self::new(master)
        }
    }

    /// The key vault, if the keyring has one.
    #[must_use]
    pub fn vault(&self) -> Option<&KeyVault> {
        self.vault.as_ref()
    }

    fn vault_aad(case_id: Uuid) -> Vec<u8> {
        Aad {
            table: "vault",
            column: "case_key",
            row: case_id,
        }
        .to_bytes()
    }

    /// The cipher of the case's vault key.
    fn vault_cipher(
        &self,
        vault: &KeyVault,
        case_id: Uuid,
    ) -> Result<XChaCha20Poly1305, CryptoError> {
        let sealed = vault.get(case_id)?;
        let raw = open_with(&self.cipher, &Self::vault_aad(case_id), &sealed)?;
        if raw.len() != KEY_LEN {
            return Err(CryptoError::Malformed);
        }
        Ok(XChaCha20Poly1305::new(Key::from_slice(&raw)))
    }

    /// The case's vault key: a new one stored durably in the vault, or — when one stands
    /// already (another server binding the same case at the same time) — that one; its cipher.
    fn new_vault_key(
        &self,
        vault: &KeyVault,
        case_id: Uuid,
    ) -> Result<XChaCha20Poly1305, CryptoError> {
        let mut raw = Zeroizing::new([0u8; KEY_LEN]);
        rand::rngs::OsRng.fill_bytes(raw.as_mut());
        let published = vault.put(
            case_id,
            &seal_with(&self.cipher, &Self::vault_aad(case_id), raw.as_ref()),
        )?;
        if published {
            Ok(XChaCha20Poly1305::new(Key::from_slice(raw.as_ref())))
        } else {
            self.vault_cipher(vault, case_id)
        }
    }

    fn wrap(&self, case_id: Uuid, raw: &[u8]) -> Result<WrappedKey, CryptoError> {
        match &self.vault {
            None => Ok(WrappedKey(seal_with(
                &self.cipher,
                &Self::wrap_aad(case_id),
                raw,
            ))),
            Some(vault) => {
                let cipher = self.new_vault_key(vault, case_id)?;
                let mut out = vec![VAULT_BOUND];
                out.extend(seal_with(&cipher, &Self::wrap_aad(case_id), raw));
                Ok(WrappedKey(out))
            }
        }
    }

    fn unwrap_raw(
        &self,
        case_id: Uuid,
        wrapped: &WrappedKey,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let raw = match wrapped.0.split_first() {
            Some((&VAULT_BOUND, rest)) => {
                let vault = self.vault.as_ref().ok_or(CryptoError::KeyMissing)?;
                open_with(
                    &self.vault_cipher(vault, case_id)?,
                    &Self::wrap_aad(case_id),
                    rest,
                )?
            }
            _ => open_with(&self.cipher, &Self::wrap_aad(case_id), &wrapped.0)?,
        };
        if raw.len() != KEY_LEN {
            return Err(CryptoError::Malformed);
        }
        Ok(raw)
    }

    /// A keyed digest of `parts` (length-prefixed), the same on every server of the
    /// installation: it stands for a client address in the shared attempt counters, so that
    /// what is stored cannot be turned back into the address by trying all of them.
    #[must_use]
    pub fn pseudonym(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(*self.pseudonym_key);
        for p in parts {
            h.update((p.len() as u64).to_be_bytes());
            h.update(p);
        }
        h.finalize().into()
    }

    /// Seals a secret of the installation itself (an account's TOTP secret) directly under the
    /// master key, bound to its table, column and row.
    #[must_use]
    pub fn seal_secret(&self, aad: &Aad, plaintext: &[u8]) -> Vec<u8> {
        seal_with(&self.cipher, &aad.to_bytes(), plaintext)
    }

    pub fn open_secret(&self, aad: &Aad, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        open_with(&self.cipher, &aad.to_bytes(), sealed)
    }

    fn wrap_aad(case_id: Uuid) -> Vec<u8> {
        Aad {
            table: "cases",
            column: "data_key",
            row: case_id,
        }
        .to_bytes()
    }
}

impl Keyring for MasterKeyring {
    type CaseKey = CaseKey;

    fn new_case_key(&self, case_id: Uuid) -> Result<(CaseKey, WrappedKey), CryptoError> {
        let mut raw = Zeroizing::new([0u8; KEY_LEN]);
        rand::rngs::OsRng.fill_bytes(raw.as_mut());
        let wrapped = self.wrap(case_id, raw.as_ref())?;
        Ok((CaseKey::from_raw(raw.as_ref()), wrapped))
    }

    fn unwrap_case_key(&self, case_id: Uuid, wrapped: &WrappedKey) -> Result<CaseKey, CryptoError> {
        Ok(CaseKey::from_raw(&self.unwrap_raw(case_id, wrapped)?))
    }

    fn destroy_case_key(&self, case_id: Uuid) -> Result<(), CryptoError> {
        match &self.vault {
            Some(vault) => vault.destroy(case_id),
            None => Ok(()),
        }
    }

    fn bind_to_vault(
        &self,
        case_id: Uuid,
        wrapped: &WrappedKey,
    ) -> Result<Option<WrappedKey>, CryptoError> {
        if self.vault.is_none() || wrapped.0.first() == Some(&VAULT_BOUND) {
            return Ok(None);
        }
        let raw = self.unwrap_raw(case_id, wrapped)?;
        self.wrap(case_id, &raw).map(Some)
    }
}

/// The data key of one case. Dropping it forgets the key (the cipher zeroizes its key schedule).
pub struct CaseKey {
    cipher: XChaCha20Poly1305,
}

impl CaseKey {
    fn from_raw(raw: &[u8]) -> Self {
        Self {
            cipher: XChaCha20Poly1305::new(Key::from_slice(raw)),
        }
    }
}

impl fmt::Debug for CaseKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CaseKey(…)")
    }
}

impl CaseCipher for CaseKey {
    fn seal(&self, aad: &Aad, plaintext: &[u8]) -> Vec<u8> {
        seal_with(&self.cipher, &aad.to_bytes(), plaintext)
    }

    fn open(&self, aad: &Aad, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        open_with(&self.cipher, &aad.to_bytes(), sealed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aad(column: &'static str, row: Uuid) -> Aad {
        Aad {
            table: "reports",
            column,
            row,
        }
    }

    #[test]
    fn a_sealed_value_opens_only_with_its_own_key_table_column_and_row() {
        let ring = MasterKeyring::new(&MasterKey::generate());
        let case = Uuid::new_v4();
        let row = Uuid::new_v4();
        let (key, wrapped) = ring.new_case_key(case).unwrap();
        let sealed = key.seal(&aad("body", row), b"the grades list leaked");
        assert!(!sealed.windows(6).any(|w| w == b"grades"));

        let again = ring.unwrap_case_key(case, &wrapped).unwrap();
        assert_eq!(
            again.open(&aad("body", row), &sealed).unwrap().as_slice(),
            b"the grades list leaked"
        );
        assert!(matches!(
            again.open(&aad("contact", row), &sealed),
            Err(CryptoError::Authentication)
        ));
        assert!(matches!(
            again.open(&aad("body", Uuid::new_v4()), &sealed),
            Err(CryptoError::Authentication)
        ));
        let (other, _) = ring.new_case_key(case).unwrap();
        assert!(other.open(&aad("body", row), &sealed).is_err());
    }

    #[test]
    fn a_wrapped_key_does_not_unwrap_for_another_case_or_master_key() {
        let master = MasterKey::generate();
        let ring = MasterKeyring::new(&master);
        let case = Uuid::new_v4();
        let (_, wrapped) = ring.new_case_key(case).unwrap();
        assert!(ring.unwrap_case_key(Uuid::new_v4(), &wrapped).is_err());
        assert!(
            MasterKeyring::new(&MasterKey::generate())
                .unwrap_case_key(case, &wrapped)
                .is_err()
        );
        let same = MasterKey::from_base64(&master.expose_base64()).unwrap();
        assert!(
            MasterKeyring::new(&same)
                .unwrap_case_key(case, &wrapped)
                .is_ok()
        );
    }

    #[test]
    fn destroying_the_vault_key_leaves_no_copy_of_the_case_openable_even_with_the_master_key() {
        let dir = tempfile::tempdir().unwrap();
        let master = MasterKey::generate();
        let ring =
            MasterKeyring::with_vault(&master, KeyVault::open(&dir.path().join("keys")).unwrap());
        let (case, other) = (Uuid::new_v4(), Uuid::new_v4());
        let row = Uuid::new_v4();
        let (key, wrapped) = ring.new_case_key(case).unwrap();
        let sealed = key.seal(&aad("body", row), b"marker-7431");
        let (_, other_wrapped) = ring.new_case_key(other).unwrap();
        // An old backup keeps `wrapped` and `sealed`; the master key alone does not open them.
        assert!(matches!(
            MasterKeyring::new(&master).unwrap_case_key(case, &wrapped),
            Err(CryptoError::KeyMissing)
        ));
        ring.destroy_case_key(case).unwrap();
        let again = MasterKeyring::with_vault(
            &MasterKey::from_base64(&master.expose_base64()).unwrap(),
            KeyVault::open(&dir.path().join("keys")).unwrap(),
        );
        assert!(matches!(
            again.unwrap_case_key(case, &wrapped),
            Err(CryptoError::Destroyed)
        ));
        // Other cases are untouched.
        assert!(again.unwrap_case_key(other, &other_wrapped).is_ok());
        assert_eq!(sealed.first(), Some(&FORMAT_V1));
    }

    #[test]
    fn a_key_wrapped_before_the_vault_is_bound_to_it_and_still_opens_the_same_data() {
        let dir = tempfile::tempdir().unwrap();
        let master = MasterKey::generate();
        let legacy = MasterKeyring::new(&master);
        let case = Uuid::new_v4();
        let row = Uuid::new_v4();
        let (key, old) = legacy.new_case_key(case).unwrap();
        assert!(legacy.bind_to_vault(case, &old).unwrap().is_none());
        let sealed = key.seal(&aad("body", row), b"kept");
        let ring =
            MasterKeyring::with_vault(&master, KeyVault::open(&dir.path().join("keys")).unwrap());
        // The old form still opens, so nothing breaks before the binding has run.
        assert!(ring.unwrap_case_key(case, &old).is_ok());
        let bound = ring.bind_to_vault(case, &old).unwrap().unwrap();
        assert_ne!(bound, old);
        assert!(ring.bind_to_vault(case, &bound).unwrap().is_none());
        let opened = ring.unwrap_case_key(case, &bound).unwrap();
        assert_eq!(
            opened.open(&aad("body", row), &sealed).unwrap().as_slice(),
            b"kept"
        );
        ring.destroy_case_key(case).unwrap();
        assert!(matches!(
            ring.unwrap_case_key(case, &bound),
            Err(CryptoError::Destroyed)
        ));
    }

    #[test]
    fn two_servers_binding_one_case_at_once_end_up_with_one_key_that_opens_both_wraps() {
        let dir = tempfile::tempdir().unwrap();
        let master = MasterKey::generate();
        let legacy = MasterKeyring::new(&master);
        let case = Uuid::new_v4();
        let (_, old) = legacy.new_case_key(case).unwrap();
        let path = dir.path().join("keys");
        let a = MasterKeyring::with_vault(&master, KeyVault::open(&path).unwrap());
        let b = MasterKeyring::with_vault(&master, KeyVault::open(&path).unwrap());
        let from_a = a.bind_to_vault(case, &old).unwrap().unwrap();
        let from_b = b.bind_to_vault(case, &old).unwrap().unwrap();
        // Whichever wrap the database keeps, the vault's one key opens it.
        assert!(a.unwrap_case_key(case, &from_a).is_ok());
        assert!(a.unwrap_case_key(case, &from_b).is_ok());
        assert!(b.unwrap_case_key(case, &from_a).is_ok());
    }

    #[test]
    fn debug_output_reveals_no_key_material() {
        let master = MasterKey::generate();
        let b64 = master.expose_base64();
        assert_eq!(format!("{master:?}"), "MasterKey(…)");
        assert!(!format!("{:?}", MasterKeyring::new(&master)).contains(b64.as_str()));
    }

    #[cfg(unix)]
    #[test]
    fn the_key_file_is_created_private_and_a_readable_one_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("master.key");
        let (first, created) = MasterKey::load_or_create(&path).unwrap();
        assert!(created);
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let (second, created) = MasterKey::load_or_create(&path).unwrap();
        assert!(!created);
        assert_eq!(first.expose_base64(), second.expose_base64());
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(
            MasterKey::read_file(&path),
            Err(MasterKeyError::Permissions { .. })
        ));
    }

    #[test]
    fn keys_of_the_wrong_size_or_encoding_are_refused() {
        assert!(matches!(
            MasterKey::from_base64("AAAA"),
            Err(MasterKeyError::WrongLength(3))
        ));
        assert!(matches!(
            MasterKey::from_base64("not base64!"),
            Err(MasterKeyError::NotBase64)
        ));
    }
}
