//! Where an index is published: a small object-store interface with two implementations, a
//! local directory ([`LocalStore`]) and Google Cloud Storage ([`super::gcs::GcsStore`]).
//!
//! Keys are `/`-separated paths relative to the target's root (`manifest.json`,
//! `v/<version>/…`). Every write replaces an object whole and atomically (GCS objects are
//! atomic by nature; locally a temp file is renamed into place), and a write can be made
//! conditional on the object's current generation, which is how the root manifest is switched
//! without losing a concurrent publisher's change.

use std::path::{Path, PathBuf};

use playlike_core::format::sha256_hex;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{key}: changed since it was read (generation precondition failed); another publisher may be running — nothing was switched, rerun to retry")]
    PreconditionFailed { key: String },
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{what}: HTTP {status}: {body}")]
    Http {
        what: String,
        status: u16,
        body: String,
    },
    #[error(transparent)]
    Call(#[from] crate::fetch::retry::CallError),
    #[error("{what}: unexpected reply: {reason}")]
    BadReply { what: String, reason: String },
    #[error("GCS credentials: {0}")]
    Auth(#[from] super::gcs::GcsAuthError),
    #[error("`{0}` is not a gs://bucket[/prefix] URL with a valid bucket name")]
    BadTarget(String),
}

/// An object's bytes and the generation they were read at.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub bytes: Vec<u8>,
    pub generation: Generation,
}

/// Opaque version of an object, for conditional writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generation(pub String);

/// What a write requires of the object's current state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    None,
    /// The object must not exist.
    Absent,
    /// The object must still be at this generation.
    Generation(Generation),
}

/// Metadata of an upload.
#[derive(Debug, Clone)]
pub struct PutOptions {
    pub content_type: &'static str,
    pub cache_control: &'static str,
    /// Hex SHA-256 of the bytes, stored as custom metadata so later publishes can skip them.
    pub sha256: String,
    pub precondition: Precondition,
    /// How the host should send the object.
    pub transit: Transit,
}

/// How a host sends an object to browsers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transit {
    /// The stored bytes as they are: the index's parts, compressed already, whose SHA-256 the
    /// app checks.
    AsStored,
    /// Compressed with gzip where the store can keep it so (GCS: `Content-Encoding: gzip`,
    /// sent as stored to clients that accept gzip, every browser does, and decompressed for
    /// the others). Reads still return the bytes written. For the manifests, which are JSON:
    /// the full catalogue's is 85 KB, 23 KB in gzip, and it is on the path of every first
    /// load. A directory keeps the bytes as they are; its web server compresses JSON itself
    /// (`playlike serve` does).
    Gzip,
}

/// What is known of an object without downloading it.
#[derive(Debug, Clone)]
pub struct Stat {
    pub size: u64,
    /// Hex SHA-256 if the store knows it (GCS: the metadata written at upload).
    pub sha256: Option<String>,
    /// CRC-32C as base64, computed by the store itself (GCS) or from the file (local).
    pub crc32c: Option<String>,
}

/// A publish target.
pub trait Store: Send + Sync {
    /// Human-readable name (`gs://bucket/prefix`, a directory path).
    fn describe(&self) -> String;
    /// URL or path of a key, for messages.
    fn locate(&self, key: &str) -> String {
        format!("{}/{key}", self.describe().trim_end_matches('/'))
    }
    fn get(&self, key: &str) -> Result<Option<Fetched>, StoreError>;
    fn stat(&self, key: &str) -> Result<Option<Stat>, StoreError>;
    fn put(&self, key: &str, bytes: &[u8], opts: &PutOptions) -> Result<(), StoreError>;
    /// Every key under `prefix` (which ends with `/`).
    fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError>;
    /// Names of the immediate "subdirectories" of `prefix` (which ends with `/`).
    fn list_dirs(&self, prefix: &str) -> Result<Vec<String>, StoreError>;
    /// Deletes a key; deleting a missing key is not an error.
    fn delete(&self, key: &str) -> Result<(), StoreError>;
}

/// A directory on the local file system (served by any static web server).
pub struct LocalStore {
    root: PathBuf,
}

impl LocalStore {
    pub fn new(root: &Path) -> Self {
        LocalStore {
            root: root.to_path_buf(),
        }
    }

    fn path(&self, key: &str) -> PathBuf {
        self.root.join(key)
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, StoreError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_err(path)(e)),
    }
}

impl Store for LocalStore {
    fn describe(&self) -> String {
        self.root.display().to_string()
    }

    fn get(&self, key: &str) -> Result<Option<Fetched>, StoreError> {
        Ok(read_optional(&self.path(key))?.map(|bytes| Fetched {
            generation: Generation(sha256_hex(&bytes)),
            bytes,
        }))
    }

    fn stat(&self, key: &str) -> Result<Option<Stat>, StoreError> {
        Ok(read_optional(&self.path(key))?.map(|bytes| Stat {
            size: bytes.len() as u64,
            sha256: Some(sha256_hex(&bytes)),
            crc32c: Some(crc32c_base64(&bytes)),
        }))
    }

    fn put(&self, key: &str, bytes: &[u8], opts: &PutOptions) -> Result<(), StoreError> {
        use std::io::Write;
        let path = self.path(key);
        // Best-effort precondition: a directory has no generations, the content hash stands in.
        let current = match opts.precondition {
            Precondition::None => None,
            _ => Some(read_optional(&path)?.map(|b| Generation(sha256_hex(&b)))),
        };
        let ok = match (&opts.precondition, &current) {
            (Precondition::Absent, Some(cur)) => cur.is_none(),
            (Precondition::Generation(want), Some(cur)) => cur.as_ref() == Some(want),
            _ => true,
        };
        if !ok {
            return Err(StoreError::PreconditionFailed {
                key: key.to_string(),
            });
        }
        let dir = path.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        let mut file = std::fs::File::create(&tmp).map_err(io_err(&tmp))?;
        file.write_all(bytes).map_err(io_err(&tmp))?;
        file.sync_all().map_err(io_err(&tmp))?;
        drop(file);
        std::fs::rename(&tmp, &path).map_err(io_err(&path))
    }

    fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        fn walk(dir: &Path, rel: &str, out: &mut Vec<String>) -> Result<(), StoreError> {
            let entries = match std::fs::read_dir(dir) {
                Ok(e) => e,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
                Err(e) => return Err(io_err(dir)(e)),
            };
            for entry in entries {
                let entry = entry.map_err(io_err(dir))?;
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') {
                    continue; // temp files
                }
                let key = format!("{rel}{name}");
                if entry.file_type().map_err(io_err(dir))?.is_dir() {
                    walk(&entry.path(), &format!("{key}/"), out)?;
                } else {
                    out.push(key);
                }
            }
            Ok(())
        }
        let mut out = Vec::new();
        walk(&self.path(prefix), prefix, &mut out)?;
        out.sort();
        Ok(out)
    }

    fn list_dirs(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let dir = self.path(prefix);
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io_err(&dir)(e)),
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.map_err(io_err(&dir))?;
            if entry.file_type().map_err(io_err(&dir))?.is_dir() {
                out.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
        out.sort();
        Ok(out)
    }

    fn delete(&self, key: &str) -> Result<(), StoreError> {
        let path = self.path(key);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(&path)(e)),
        }
        // Tidy empty parent directories up to the root.
        let mut dir = path.parent();
        while let Some(d) = dir {
            if d == self.root || std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
        Ok(())
    }
}

/// CRC-32C (Castagnoli) of some bytes, as GCS computes it server-side for every object.
pub fn crc32c(bytes: &[u8]) -> u32 {
    static TABLE: std::sync::OnceLock<[u32; 256]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut table = [0u32; 256];
        for (i, slot) in table.iter_mut().enumerate() {
            let mut c = i as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0x82F6_3B78 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
            *slot = c;
        }
        table
    });
    let mut crc = !0u32;
    for &b in bytes {
        crc = table[((crc ^ u32::from(b)) & 0xff) as usize] ^ (crc >> 8);
    }
    !crc
}

/// CRC-32C as GCS reports it: base64 of the big-endian value.
pub fn crc32c_base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(crc32c(bytes).to_be_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32c_matches_known_values() {
        assert_eq!(crc32c(b"123456789"), 0xE306_9283);
        // The value fake-gcs-server and GCS report for "HELLO".
        assert_eq!(crc32c_base64(b"HELLO"), "6I6MWA==");
    }

    #[test]
    fn local_store_round_trips_lists_and_honours_preconditions() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::new(dir.path());
        let opts = |precondition| PutOptions {
            content_type: "application/json",
            cache_control: "no-cache",
            sha256: String::new(),
            precondition,
            transit: Transit::AsStored,
        };
        store
            .put("v/a/x.gz", b"1", &opts(Precondition::None))
            .unwrap();
        store
            .put("v/b/d/y.gz", b"2", &opts(Precondition::None))
            .unwrap();
        store
            .put("manifest.json", b"m1", &opts(Precondition::Absent))
            .unwrap();
        assert!(matches!(
            store.put("manifest.json", b"m2", &opts(Precondition::Absent)),
            Err(StoreError::PreconditionFailed { .. })
        ));
        let current = store.get("manifest.json").unwrap().unwrap();
        store
            .put(
                "manifest.json",
                b"m2",
                &opts(Precondition::Generation(current.generation.clone())),
            )
            .unwrap();
        assert!(store
            .put(
                "manifest.json",
                b"m3",
                &opts(Precondition::Generation(current.generation))
            )
            .is_err());
        assert_eq!(store.list_dirs("v/").unwrap(), vec!["a", "b"]);
        assert_eq!(store.list("v/b/").unwrap(), vec!["v/b/d/y.gz"]);
        store.delete("v/b/d/y.gz").unwrap();
        store.delete("v/b/d/y.gz").unwrap();
        assert_eq!(store.list_dirs("v/").unwrap(), vec!["a"]);
        assert_eq!(store.stat("v/a/x.gz").unwrap().unwrap().size, 1);
    }
}
