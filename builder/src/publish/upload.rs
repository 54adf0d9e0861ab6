//! `playlike publish`: verify an index, check it against the live one, upload what is not
//! already there (reading every upload back), write the version's manifest, switch the root
//! manifest, prune. The phases are separate functions so each stays short; [`publish_to`]
//! runs them against any [`Store`] (the tests pass one that fails on purpose).

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{bail, Context};
use playlike_core::format::{Manifest, ManifestFile, Rollout};

use super::live::{put_verified, read_root, rooted, switch_root};
use super::store::{self, Generation, LocalStore, Precondition, PutOptions, Store, Transit};
use super::verify::{verify_in_store, VerifiedIndex};
use super::versions::prune;
use super::{gcs, open_target, par_try_each, version_dir, PublishArgs, IMMUTABLE, ROOT};

/// What a publish does, apart from where.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Versions to keep at the target.
    pub keep: usize,
    /// Most percent fewer games than the live version, unless `force`.
    pub max_shrink: f64,
    pub force: bool,
    /// Serve the new version to this percentage of browsers only.
    pub canary: Option<u8>,
    /// Parallel uploads.
    pub jobs: usize,
    /// Only report what would be uploaded.
    pub dry_run: bool,
}

/// The live root manifest and the generation it was read at.
type Live = Option<(Manifest, Generation)>;

pub fn publish(args: PublishArgs) -> anyhow::Result<()> {
    let index = verified_source(&args.index)?;
    let store = open_target(&args.to, args.credentials.as_deref(), gcs::SCOPE_READ_WRITE)?;
    publish_verified(&index, store.as_ref(), &args.plan())
}

/// Verifies the index in `index_dir` and publishes it to `store`.
pub fn publish_to(index_dir: &Path, store: &dyn Store, plan: &Plan) -> anyhow::Result<()> {
    publish_verified(&verified_source(index_dir)?, store, plan)
}

fn verified_source(index_dir: &Path) -> anyhow::Result<VerifiedIndex> {
    verify_in_store(&LocalStore::new(index_dir), "").with_context(|| {
        format!(
            "refusing to publish {}: verification failed",
            index_dir.display()
        )
    })
}

fn publish_verified(index: &VerifiedIndex, store: &dyn Store, plan: &Plan) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let live = read_root(store)?;
    check_against_live(&index.manifest, &live, plan, store)?;
    check_immutable(store, index)?;
    if plan.dry_run {
        return dry_run(store, index, &live);
    }
    let stats = upload_all(store, index, plan.jobs)?;
    let version = &index.manifest.version;
    let version_manifest = format!("{}manifest.json", version_dir(version));
    let opts = PutOptions {
        content_type: "application/json",
        cache_control: IMMUTABLE,
        sha256: String::new(),
        precondition: Precondition::None,
        transit: Transit::Gzip,
    };
    put_verified(store, &version_manifest, &index.manifest_bytes, opts)?;
    let (root, what) = next_root(&index.manifest, &version_manifest, plan.canary, &live);
    switch_root(store, &root, live.as_ref().map(|(_, g)| g))?;
    let pruned = prune(store, plan.keep, &root, live.as_ref().map(|(m, _)| m))?;
    println!(
        "published {version} ({} games) to {}: {} files uploaded ({} bytes), {} already there, all verified; {what}",
        index.manifest.games,
        store.describe(),
        stats.uploaded.load(Ordering::Relaxed),
        stats.bytes.load(Ordering::Relaxed),
        stats.skipped.load(Ordering::Relaxed),
    );
    if !pruned.is_empty() {
        println!(
            "pruned {} old version(s): {}",
            pruned.len(),
            pruned.join(", ")
        );
    }
    eprintln!("done in {:.1}s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Refuses a catalogue that shrank too much against the live one, and a canary that has
/// nothing to run against.
fn check_against_live(
    manifest: &Manifest,
    live: &Live,
    plan: &Plan,
    store: &dyn Store,
) -> anyhow::Result<()> {
    let version = &manifest.version;
    let Some((live, _)) = live else {
        if plan.canary.is_some() {
            bail!(
                "no live version at {} to run a canary against; publish without --canary first",
                store.describe()
            );
        }
        return Ok(());
    };
    if live.games > 0 && manifest.games < live.games {
        let shrink = 100.0 * f64::from(live.games - manifest.games) / f64::from(live.games);
        if shrink > plan.max_shrink && !plan.force {
            bail!(
                "refusing to publish {version}: {} games vs {} live ({}), {shrink:.1}% fewer, more than --max-shrink {}%; pass --force if this is intended",
                manifest.games,
                live.games,
                live.version,
                plan.max_shrink
            );
        }
    }
    if plan.canary.is_some() && live.version == *version {
        bail!("{version} is already the live version; nothing to canary");
    }
    Ok(())
}

/// A version is immutable once published: the same name must mean the same manifest.
fn check_immutable(store: &dyn Store, index: &VerifiedIndex) -> anyhow::Result<()> {
    let key = format!("{}manifest.json", version_dir(&index.manifest.version));
    if let Some(existing) = store.get(&key)? {
        if existing.bytes != index.manifest_bytes {
            bail!(
                "{} already exists with different content; versions are immutable — rebuild to get a new version name",
                store.locate(&key)
            );
        }
    }
    Ok(())
}

fn dry_run(store: &dyn Store, index: &VerifiedIndex, live: &Live) -> anyhow::Result<()> {
    let dir = version_dir(&index.manifest.version);
    let mut missing = 0;
    let mut bytes = 0;
    for (entry, data) in &index.files {
        let present = store
            .stat(&format!("{dir}{}", entry.path))?
            .is_some_and(|s| s.size == entry.bytes && s.sha256.as_deref() == Some(&entry.sha256));
        if !present {
            missing += 1;
            bytes += data.len();
        }
    }
    println!(
        "dry run: {} ({} games, {} files) verified; {missing} files ({bytes} bytes) to upload to {}; live: {}",
        index.manifest.version,
        index.manifest.games,
        index.files.len(),
        store.describe(),
        live.as_ref().map_or("none".to_string(), |(m, _)| format!("{} ({} games)", m.version, m.games)),
    );
    Ok(())
}

/// Counts of one publish.
#[derive(Default)]
struct UploadStats {
    uploaded: AtomicUsize,
    skipped: AtomicUsize,
    bytes: AtomicUsize,
}

/// Uploads every file of the index that is not already there intact, `jobs` at a time.
fn upload_all(
    store: &dyn Store,
    index: &VerifiedIndex,
    jobs: usize,
) -> anyhow::Result<UploadStats> {
    let dir = version_dir(&index.manifest.version);
    let stats = UploadStats::default();
    let bar = indicatif::ProgressBar::new(index.files.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} uploading {wide_bar} {pos}/{len} files ({eta})",
        )
        .expect("valid template"),
    );
    let uploaded = par_try_each(&index.files, jobs, |(entry, bytes)| {
        upload_file(store, &dir, entry, bytes, &stats)?;
        bar.inc(1);
        Ok(())
    });
    bar.finish_and_clear();
    uploaded.map_err(|e| {
        e.context(format!(
            "publish of {} interrupted; the live manifest at {} is unchanged — rerun to finish (uploaded files are skipped)",
            index.manifest.version,
            store.locate(ROOT)
        ))
    })?;
    Ok(stats)
}

/// Uploads one file unless it is already there intact; verifies it by reading it back.
fn upload_file(
    store: &dyn Store,
    dir: &str,
    entry: &ManifestFile,
    bytes: &[u8],
    stats: &UploadStats,
) -> anyhow::Result<()> {
    let key = format!("{dir}{}", entry.path);
    if let Some(stat) = store.stat(&key)? {
        let intact = stat.size == entry.bytes
            && stat.sha256.as_deref() == Some(entry.sha256.as_str())
            && stat
                .crc32c
                .as_deref()
                .is_none_or(|c| c == store::crc32c_base64(bytes));
        if intact {
            stats.skipped.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
    }
    let opts = PutOptions {
        content_type: "application/octet-stream",
        cache_control: IMMUTABLE,
        sha256: String::new(),
        precondition: Precondition::None,
        transit: Transit::AsStored,
    };
    put_verified(store, &key, bytes, opts)?;
    stats.uploaded.fetch_add(1, Ordering::SeqCst);
    stats.bytes.fetch_add(bytes.len(), Ordering::Relaxed);
    Ok(())
}

/// The root manifest to switch to, and what the switch means in words: a canary rollout on
/// top of the live manifest, or the new version for everyone.
fn next_root(
    manifest: &Manifest,
    version_manifest: &str,
    canary: Option<u8>,
    live: &Live,
) -> (Manifest, String) {
    let version = &manifest.version;
    if let (Some(percent), Some((live, _))) = (canary, live) {
        let mut root = live.clone();
        root.rollout = Some(Rollout {
            version: version.clone(),
            manifest: version_manifest.to_string(),
            percent,
        });
        let what = format!(
            "canary {version} at {percent}% (stable stays {})",
            live.version
        );
        return (root, what);
    }
    let replaced = live
        .as_ref()
        .and_then(|(m, _)| m.rollout.as_ref())
        .filter(|r| r.version != *version)
        .map(|r| format!(" (canary {} dropped)", r.version))
        .unwrap_or_default();
    (
        rooted(manifest),
        format!("live version is now {version}{replaced}"),
    )
}
