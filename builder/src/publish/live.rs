//! The root manifest, the one mutable object of a target: reading it, switching it
//! atomically (conditional on the generation read, then read back), and the commands that
//! only switch it: `rollback` and `promote`.

use std::path::Path;

use anyhow::{bail, Context};
use playlike_core::format::{sha256_hex, Manifest};

use super::store::{self, Precondition, PutOptions, Store, StoreError, Transit};
use super::verify::is_safe_version;
use super::versions::list_versions;
use super::{
    gcs, open_target, par_try_each, version_dir, PromoteArgs, RollbackArgs, JOBS, ROOT, ROOT_CACHE,
};

/// The live root manifest and its generation, if any.
pub fn read_root(store: &dyn Store) -> anyhow::Result<Option<(Manifest, store::Generation)>> {
    let Some(fetched) = store.get(ROOT)? else {
        return Ok(None);
    };
    let text = String::from_utf8_lossy(&fetched.bytes);
    let manifest = Manifest::from_json(&text)
        .with_context(|| format!("live manifest {}", store.locate(ROOT)))?;
    Ok(Some((manifest, fetched.generation)))
}

/// A version's manifest rewritten for the root: every path prefixed with `v/<version>/`.
pub fn rooted(manifest: &Manifest) -> Manifest {
    let mut root = manifest.clone();
    let dir = version_dir(&manifest.version);
    for f in &mut root.files {
        f.path = format!("{dir}{}", f.path);
    }
    root.rollout = None;
    root
}

/// Writes the root manifest atomically, only if it is still at `expected`.
pub fn switch_root(
    store: &dyn Store,
    root: &Manifest,
    expected: Option<&store::Generation>,
) -> anyhow::Result<()> {
    let opts = PutOptions {
        content_type: "application/json",
        cache_control: ROOT_CACHE,
        sha256: String::new(),
        precondition: match expected {
            Some(g) => Precondition::Generation(g.clone()),
            None => Precondition::Absent,
        },
        transit: Transit::Gzip,
    };
    put_verified(store, ROOT, &root.to_json().into_bytes(), opts)
}

/// Writes `bytes` at `key` and reads them back, failing unless they are exactly what was
/// written. A write whose precondition fails because an earlier attempt of it already
/// landed (same bytes) counts as done.
pub fn put_verified(
    store: &dyn Store,
    key: &str,
    bytes: &[u8],
    opts: PutOptions,
) -> anyhow::Result<()> {
    let opts = PutOptions {
        sha256: sha256_hex(bytes),
        ..opts
    };
    match store.put(key, bytes, &opts) {
        Ok(()) => {}
        Err(StoreError::PreconditionFailed { .. })
            if store.get(key)?.is_some_and(|f| f.bytes == bytes) => {}
        Err(e) => return Err(e.into()),
    }
    let back = store
        .get(key)?
        .with_context(|| format!("{} is missing right after writing it", store.locate(key)))?;
    if back.bytes != bytes {
        bail!(
            "{} reads back different from what was written (another publisher?)",
            store.locate(key)
        );
    }
    Ok(())
}

/// Loads `v/<version>/manifest.json` and checks every file it lists is present with the
/// listed size (and hashes, where the store knows them) — a quick check, no download.
fn load_version_checked(store: &dyn Store, version: &str) -> anyhow::Result<Manifest> {
    if !is_safe_version(version) {
        bail!("`{version}` is not a valid version name");
    }
    let dir = version_dir(version);
    let key = format!("{dir}manifest.json");
    let fetched = store.get(&key)?.with_context(|| {
        format!(
            "version {version} is not published at {} (no {key}); see `playlike versions`",
            store.describe()
        )
    })?;
    let manifest = Manifest::from_json(&String::from_utf8_lossy(&fetched.bytes))
        .with_context(|| store.locate(&key))?;
    if manifest.version != version {
        bail!(
            "{} names version {}, expected {version}",
            store.locate(&key),
            manifest.version
        );
    }
    par_try_each(&manifest.files, JOBS, |f| {
        let key = format!("{dir}{}", f.path);
        let stat = store.stat(&key)?.with_context(|| {
            format!(
                "{} is missing; refusing to switch to {version}",
                store.locate(&key)
            )
        })?;
        let hash_mismatch = stat.sha256.as_ref().is_some_and(|h| *h != f.sha256);
        if stat.size != f.bytes || hash_mismatch {
            bail!(
                "{} does not match its manifest entry (size {} vs {}); refusing to switch to {version}",
                store.locate(&key),
                stat.size,
                f.bytes
            );
        }
        Ok(())
    })?;
    Ok(manifest)
}

pub fn rollback(args: RollbackArgs) -> anyhow::Result<()> {
    let (store, root, generation) = open_live(&args.target, args.credentials.as_deref())?;
    let target_version = match (&args.to, &root.rollout) {
        (Some(v), _) => v.clone(),
        (None, Some(rollout)) => {
            let mut next = root.clone();
            next.rollout = None;
            switch_root(store.as_ref(), &next, Some(&generation))?;
            println!(
                "canary {} cancelled; everyone gets {} again",
                rollout.version, root.version
            );
            return Ok(());
        }
        (None, None) => {
            let versions = list_versions(store.as_ref(), Some(&root))?;
            versions
                .iter()
                .rfind(|v| {
                    v.built_at.is_some()
                        && v.version != root.version
                        && v.built_at.as_deref() < Some(root.built_at.as_str())
                })
                .map(|v| v.version.clone())
                .with_context(|| {
                    format!(
                        "no version older than the live {} to roll back to",
                        root.version
                    )
                })?
        }
    };
    if target_version == root.version && root.rollout.is_none() {
        println!("{target_version} is already live");
        return Ok(());
    }
    let manifest = load_version_checked(store.as_ref(), &target_version)?;
    switch_root(store.as_ref(), &rooted(&manifest), Some(&generation))?;
    let cancelled = root
        .rollout
        .as_ref()
        .map(|r| format!(" (canary {} cancelled)", r.version))
        .unwrap_or_default();
    println!(
        "live version is now {target_version} (was {}){cancelled}",
        root.version
    );
    Ok(())
}

/// Opens a target for writing and reads its live manifest, which must exist.
fn open_live(
    target: &str,
    credentials: Option<&Path>,
) -> anyhow::Result<(Box<dyn Store>, Manifest, store::Generation)> {
    let store = open_target(target, credentials, gcs::SCOPE_READ_WRITE)?;
    let (root, generation) = read_root(store.as_ref())?
        .with_context(|| format!("nothing is published at {}", store.describe()))?;
    Ok((store, root, generation))
}

pub fn promote(args: PromoteArgs) -> anyhow::Result<()> {
    let (store, root, generation) = open_live(&args.target, args.credentials.as_deref())?;
    let rollout = root.rollout.as_ref().with_context(|| {
        format!(
            "no canary is active at {} (live: {})",
            store.describe(),
            root.version
        )
    })?;
    let manifest = load_version_checked(store.as_ref(), &rollout.version)?;
    switch_root(store.as_ref(), &rooted(&manifest), Some(&generation))?;
    println!(
        "promoted {} to everyone (was {} for {}%)",
        rollout.version,
        root.version,
        100 - u32::from(rollout.percent)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use playlike_core::format::{ManifestFile, Rollout};

    #[test]
    fn rooted_manifests_prefix_every_path() {
        let m = Manifest {
            format_version: playlike_core::format::FORMAT_VERSION,
            version: "v1".into(),
            built_at: "2026-01-01T00:00:00Z".into(),
            source: "t".into(),
            games: 0,
            details_shard_size: 1,
            files: vec![ManifestFile {
                path: "details/0-ab.bin.gz".into(),
                role: playlike_core::format::FileRole::Details,
                sha256: "ab".repeat(32),
                bytes: 1,
                raw_bytes: 1,
                encoding: playlike_core::format::Encoding::Gzip,
                first_game: 0,
                game_count: 0,
            }],
            rollout: Some(Rollout {
                version: "x".into(),
                manifest: "v/x/manifest.json".into(),
                percent: 5,
            }),
            attribution: String::new(),
        };
        let r = rooted(&m);
        assert_eq!(r.files[0].path, "v/v1/details/0-ab.bin.gz");
        assert!(r.rollout.is_none());
        assert!(Manifest::from_json(&r.to_json()).is_ok());
    }
}
