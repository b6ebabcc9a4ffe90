//! The key vault: one small file per case, outside the database and outside every database
//! backup, holding the key that wraps the case's data key (sealed under the master key).
//!
//! Destroying a case deletes its vault file — overwritten with zeros first — and leaves a
//! `.destroyed` marker in its place. From then on no copy of the case's data opens, whatever
//! database file, write-ahead log or backup it sits in, even with the master key: the wrapped
//! data key in those copies needs the vault key that no longer exists (crypto-shredding). The
//! marker lets a restore tell a destroyed case (destroy it again) from a vault that is missing a
//! file (restore the vault copy).
//!
//! Every file is written once, atomically (a temporary file, synced, hard-linked under its name
//! — which never replaces a file that stands — the directory synced), so that servers and
//! commands sharing the directory need no lock between them.

use std::io::Write;
use std::path::{Path, PathBuf};

use breachdesk_core::ports::CryptoError;
use uuid::Uuid;

const KEY: &str = "key";
const DESTROYED: &str = "destroyed";

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("key vault {path} is open to group or others (mode {mode:o}); run chmod 700")]
    Permissions { path: String, mode: u32 },
    #[error("key vault {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// A directory of per-case vault keys.
#[derive(Debug, Clone)]
pub struct KeyVault {
    dir: PathBuf,
}

fn vault_io(e: &std::io::Error) -> CryptoError {
    CryptoError::Vault(e.kind().to_string())
}

impl KeyVault {
    /// Opens the vault directory, creating it (mode 0700) when it does not exist; refuses one
    /// that others can enter.
    ///
    /// # Errors
    /// When the directory cannot be created or read, or is open to others.
    pub fn open(dir: &Path) -> Result<Self, VaultError> {
        let io = |source| VaultError::Io {
            path: dir.display().to_string(),
            source,
        };
        if !dir.exists() {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::DirBuilderExt;
                builder.mode(0o700);
            }
            builder.create(dir).map_err(io)?;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir).map_err(io)?.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(VaultError::Permissions {
                    path: dir.display().to_string(),
                    mode,
                });
            }
        }
        Ok(Self {
            dir: dir.to_path_buf(),
        })
    }

    /// The directory, for messages.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, case_id: Uuid, kind: &str) -> PathBuf {
        self.dir.join(format!("{case_id}.{kind}"))
    }

    fn sync_dir(&self) -> std::io::Result<()> {
        std::fs::File::open(&self.dir)?.sync_all()
    }

    /// Writes the file whole and synced under a temporary name, then publishes it under its
    /// own name without ever replacing one (a hard link fails when the name exists: another
    /// process published first, and its file stands). `Ok(false)` when one stood already.
    fn write_new(&self, case_id: Uuid, kind: &str, bytes: &[u8]) -> std::io::Result<bool> {
        let tmp = self
            .dir
            .join(format!("{case_id}.{kind}.{}.tmp", Uuid::new_v4()));
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let written = (|| {
            let mut file = opts.open(&tmp)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            let published = match std::fs::hard_link(&tmp, self.path(case_id, kind)) {
                Ok(()) => true,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => false,
                Err(e) => return Err(e),
            };
            std::fs::remove_file(&tmp)?;
            self.sync_dir()?;
            Ok(published)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written
    }

    /// Stores the sealed vault key of a case, durably, before anything wrapped under it is
    /// written. Never replaces a key that stands: `Ok(false)` then, and the caller uses that
    /// one (two servers binding the same case at once end up with one key). A destruction
    /// that came in between wins: the key is removed again and `Destroyed` returned.
    pub(crate) fn put(&self, case_id: Uuid, sealed: &[u8]) -> Result<bool, CryptoError> {
        if self.path(case_id, DESTROYED).exists() {
            return Err(CryptoError::Destroyed);
        }
        let published = self
            .write_new(case_id, KEY, sealed)
            .map_err(|e| vault_io(&e))?;
        if self.path(case_id, DESTROYED).exists() {
            self.destroy(case_id)?;
            return Err(CryptoError::Destroyed);
        }
        Ok(published)
    }

    /// The sealed vault key of a case.
    pub(crate) fn get(&self, case_id: Uuid) -> Result<Vec<u8>, CryptoError> {
        match std::fs::read(self.path(case_id, KEY)) {
            Ok(bytes) => Ok(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if self.path(case_id, DESTROYED).exists() {
                    Err(CryptoError::Destroyed)
                } else {
                    Err(CryptoError::KeyMissing)
                }
            }
            Err(e) => Err(vault_io(&e)),
        }
    }

    /// Destroys a case's vault key: the marker first (so that a crash part-way still reads as
    /// destroyed), then the key file overwritten with zeros, synced and removed. Destroying
    /// twice, or a case that never had a vault key, is not an error.
    pub(crate) fn destroy(&self, case_id: Uuid) -> Result<(), CryptoError> {
        let marker = self.path(case_id, DESTROYED);
        if !marker.exists() {
            self.write_new(case_id, DESTROYED, b"destroyed\n")
                .map_err(|e| vault_io(&e))?;
        }
        let key = self.path(case_id, KEY);
        match std::fs::OpenOptions::new().write(true).open(&key) {
            Ok(mut file) => {
                let len = file.metadata().map_err(|e| vault_io(&e))?.len();
                let zeros = vec![0u8; usize::try_from(len).unwrap_or(0)];
                file.write_all(&zeros)
                    .and_then(|()| file.sync_all())
                    .map_err(|e| vault_io(&e))?;
                drop(file);
                std::fs::remove_file(&key).map_err(|e| vault_io(&e))?;
                self.sync_dir().map_err(|e| vault_io(&e))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(vault_io(&e)),
        }
    }

    /// Whether the vault holds no key and no destruction marker at all (a new, or the wrong,
    /// directory).
    ///
    /// # Errors
    /// When the directory cannot be read.
    pub fn is_empty(&self) -> Result<bool, VaultError> {
        let entries = std::fs::read_dir(&self.dir).map_err(|source| VaultError::Io {
            path: self.dir.display().to_string(),
            source,
        })?;
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.ends_with(".key") || name.ends_with(".destroyed") {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Whether the vault holds a destruction marker for the case.
    #[must_use]
    pub fn is_destroyed(&self, case_id: Uuid) -> bool {
        self.path(case_id, DESTROYED).exists()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_kept_until_destroyed_and_then_reads_as_destroyed_not_missing() {
        let dir = tempfile::tempdir().unwrap();
        let vault = KeyVault::open(&dir.path().join("case-keys")).unwrap();
        let case = Uuid::new_v4();
        assert!(matches!(vault.get(case), Err(CryptoError::KeyMissing)));
        vault.put(case, b"sealed vault key").unwrap();
        assert_eq!(vault.get(case).unwrap(), b"sealed vault key");
        vault.destroy(case).unwrap();
        assert!(matches!(vault.get(case), Err(CryptoError::Destroyed)));
        assert!(vault.is_destroyed(case));
        // Twice is fine; a destroyed case's key cannot be put back.
        vault.destroy(case).unwrap();
        assert!(matches!(
            vault.put(case, b"again"),
            Err(CryptoError::Destroyed)
        ));
        // Nothing of the key is left in the directory.
        for entry in std::fs::read_dir(vault.dir()).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            assert!(!bytes.windows(6).any(|w| w == b"sealed"));
        }
    }

    #[cfg(unix)]
    #[test]
    fn the_vault_is_created_private_and_an_open_one_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("case-keys");
        KeyVault::open(&path).unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o700
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(matches!(
            KeyVault::open(&path),
            Err(VaultError::Permissions { .. })
        ));
    }
}
