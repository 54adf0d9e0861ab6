//! `playlike publish`, `versions`, `rollback`, `promote` and `cors`: putting an index live
//! without ever breaking the live site.
//!
//! Layout at a target (a local directory or `gs://bucket/prefix`):
//! ```text
//! manifest.json                 the live manifest: paths prefixed `v/<version>/`, maybe a
//!                               `rollout` naming a canary; Cache-Control: no-cache
//! v/<version>/manifest.json     each version's own manifest (paths relative to it)
//! v/<version>/<file>.bin.gz     content-hashed gzip parts, served as stored bytes
//!                               (application/octet-stream, no Content-Encoding: the app
//!                               verifies the SHA-256 of the gzip bytes and decompresses);
//!                               Cache-Control: public, max-age=31536000, immutable
//! ```
//! Publishing verifies the index ([`verify`]), refuses a catalogue that shrank more than
//! `--max-shrink` percent against the live one, uploads what is not already there (skipping
//! objects whose size, CRC-32C and SHA-256 match), reads every upload back and checks its
//! SHA-256, writes the version manifest, and only then replaces the root manifest — in one
//! atomic write, conditional on the generation read at the start, so a concurrent publisher
//! is never silently overwritten. A reader therefore only ever sees a manifest whose files
//! are all present. Old versions beyond `--keep` are pruned afterwards, never the live or
//! canary one, nor the versions of the root manifest just replaced, so a browser holding
//! that manifest (it may be cached up to a minute by proxies) still finds its files.
//!
//! Test hook: `PLAYLIKE_PUBLISH_FAIL_AFTER=k` makes an upload fail after `k` files, to prove an
//! interrupted publish leaves the live manifest intact.

pub(crate) mod gcs;
pub(crate) mod store;
pub(crate) mod verify;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use anyhow::{bail, Context};
use playlike_core::format::{sha256_hex, Manifest, ManifestFile, Rollout};

use store::{LocalStore, Precondition, PutOptions, Store, StoreError};
use verify::{is_safe_version, verify_in_store};

/// Cache-Control of immutable, content-hashed objects.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Cache-Control of the root manifest: browsers revalidate it on every load.
pub const ROOT_CACHE: &str = "no-cache";
const ROOT: &str = "manifest.json";

/// Upload an index to a directory or a GCS bucket, with versions and staged rollout.
#[derive(clap::Args, Debug)]
pub struct PublishArgs {
    /// Index directory made by `playlike build` (holding manifest.json).
    #[arg(long)]
    pub index: PathBuf,
    /// Target: a local directory or gs://bucket[/prefix].
    #[arg(long)]
    pub to: String,
    /// Versions to keep at the target (the live and canary versions are always kept).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(2..))]
    pub keep: u32,
    /// Refuse an index whose catalogue is more than this many percent smaller than the live one.
    #[arg(long, default_value_t = 5.0)]
    pub max_shrink: f64,
    /// Publish even if the catalogue shrank by more than --max-shrink.
    #[arg(long)]
    pub force: bool,
    /// Staged rollout: serve the new version to this percentage of browsers (1–99) and keep
    /// the current stable version for the rest; finish with `promote`, undo with `rollback`.
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=99))]
    pub canary: Option<u8>,
    /// Service-account key or authorized-user JSON for gs:// targets (default: application
    /// default credentials).
    #[arg(long)]
    pub credentials: Option<PathBuf>,
    /// Parallel uploads.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=32))]
    pub jobs: u16,
    /// Verify and compare with the live version, report what would be uploaded, change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// List published versions.
#[derive(clap::Args, Debug)]
pub struct VersionsArgs {
    /// Target: a local directory or gs://bucket[/prefix].
    #[arg(long)]
    pub from: String,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    #[arg(long)]
    pub credentials: Option<PathBuf>,
}

/// Switch the live manifest to another version, or cancel a canary.
#[derive(clap::Args, Debug)]
pub struct RollbackArgs {
    /// Target: a local directory or gs://bucket[/prefix].
    #[arg(long)]
    pub target: String,
    /// Version to make live. Without it: cancel the active canary if there is one, else go
    /// back to the newest version built before the live one.
    #[arg(long)]
    pub to: Option<String>,
    #[arg(long)]
    pub credentials: Option<PathBuf>,
}

/// Finish a staged rollout: serve the canary to everyone.
#[derive(clap::Args, Debug)]
pub struct PromoteArgs {
    /// Target: a local directory or gs://bucket[/prefix].
    #[arg(long)]
    pub target: String,
    #[arg(long)]
    pub credentials: Option<PathBuf>,
}

/// Print (and optionally apply) the CORS configuration the bucket needs.
#[derive(clap::Args, Debug)]
pub struct CorsArgs {
    /// gs://bucket[/prefix] (CORS is set on the whole bucket).
    #[arg(long)]
    pub target: String,
    /// Origin of the web app (repeatable). Default: any origin.
    #[arg(long = "origin")]
    pub origins: Vec<String>,
    /// How long browsers may cache the preflight answer, in seconds.
    #[arg(long, default_value_t = 3600)]
    pub max_age: u32,
    /// Set it on the bucket (JSON API bucket PATCH) instead of only printing it.
    #[arg(long)]
    pub apply: bool,
    #[arg(long)]
    pub credentials: Option<PathBuf>,
}

/// Opens a target: `gs://…` or a local directory.
fn open_target(
    target: &str,
    credentials: Option<&Path>,
    scope: &str,
) -> anyhow::Result<Box<dyn Store>> {
    if target.starts_with("gs://") {
        Ok(Box::new(gcs::GcsStore::connect(
            target,
            credentials,
            scope,
        )?))
    } else if target.contains("://") {
        bail!("target `{target}`: expected a local directory or gs://bucket[/prefix]")
    } else {
        Ok(Box::new(LocalStore::new(Path::new(target))))
    }
}

/// The live root manifest and its generation, if any.
fn read_root(store: &dyn Store) -> anyhow::Result<Option<(Manifest, store::Generation)>> {
    let Some(fetched) = store.get(ROOT)? else {
        return Ok(None);
    };
    let text = String::from_utf8_lossy(&fetched.bytes);
    let manifest = Manifest::from_json(&text)
        .with_context(|| format!("live manifest {}", store.locate(ROOT)))?;
    Ok(Some((manifest, fetched.generation)))
}

fn version_dir(version: &str) -> String {
    format!("v/{version}/")
}

/// A version's manifest rewritten for the root: every path prefixed with `v/<version>/`.
fn rooted(manifest: &Manifest) -> Manifest {
    let mut root = manifest.clone();
    let dir = version_dir(&manifest.version);
    for f in &mut root.files {
        f.path = format!("{dir}{}", f.path);
    }
    root.rollout = None;
    root
}

/// Writes the root manifest atomically, only if it is still at `expected`.
fn switch_root(
    store: &dyn Store,
    root: &Manifest,
    expected: Option<&store::Generation>,
) -> anyhow::Result<()> {
    let bytes = root.to_json().into_bytes();
    let opts = PutOptions {
        content_type: "application/json",
        cache_control: ROOT_CACHE,
        sha256: sha256_hex(&bytes),
        precondition: match expected {
            Some(g) => Precondition::Generation(g.clone()),
            None => Precondition::Absent,
        },
    };
    match store.put(ROOT, &bytes, &opts) {
        Ok(()) => {}
        // A retried write whose first attempt landed fails its precondition: check content.
        Err(StoreError::PreconditionFailed { .. })
            if store.get(ROOT)?.is_some_and(|f| f.bytes == bytes) => {}
        Err(e) => return Err(e.into()),
    }
    let back = store
        .get(ROOT)?
        .with_context(|| format!("{} vanished after writing it", store.locate(ROOT)))?;
    if back.bytes != bytes {
        bail!(
            "{} reads back different from what was written (another publisher?)",
            store.locate(ROOT)
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

/// Runs `f` over `items` on up to `jobs` threads; returns the first error.
fn par_try_each<T: Sync>(
    items: &[T],
    jobs: usize,
    f: impl Fn(&T) -> anyhow::Result<()> + Sync,
) -> anyhow::Result<()> {
    let next = AtomicUsize::new(0);
    let first_error: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, items.len().max(1)) {
            scope.spawn(|| loop {
                if first_error.lock().expect("error lock").is_some() {
                    return;
                }
                let Some(item) = items.get(next.fetch_add(1, Ordering::SeqCst)) else {
                    return;
                };
                if let Err(e) = f(item) {
                    first_error.lock().expect("error lock").get_or_insert(e);
                    return;
                }
            });
        }
    });
    match first_error.into_inner().expect("error lock") {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Parallel requests for checks and deletes.
const JOBS: usize = 8;

/// One published version, as `versions` lists it.
#[derive(Debug, Clone, serde::Serialize)]
struct VersionInfo {
    version: String,
    built_at: Option<String>,
    games: Option<u32>,
    files: Option<usize>,
    bytes: Option<u64>,
    status: String,
}

fn list_versions(store: &dyn Store, root: Option<&Manifest>) -> anyhow::Result<Vec<VersionInfo>> {
    let live = root.map(|r| r.version.as_str());
    let canary = root.and_then(|r| r.rollout.as_ref());
    let mut out = Vec::new();
    for name in store.list_dirs("v/")? {
        let key = format!("v/{name}/manifest.json");
        let manifest = match store.get(&key)? {
            Some(f) => Manifest::from_json(&String::from_utf8_lossy(&f.bytes)).ok(),
            None => None,
        };
        let status = if Some(name.as_str()) == live {
            "live".to_string()
        } else if let Some(r) = canary.filter(|r| r.version == name) {
            format!("canary {}%", r.percent)
        } else if manifest.is_none() {
            "incomplete".to_string()
        } else {
            String::new()
        };
        out.push(VersionInfo {
            version: name,
            built_at: manifest.as_ref().map(|m| m.built_at.clone()),
            games: manifest.as_ref().map(|m| m.games),
            files: manifest.as_ref().map(|m| m.files.len()),
            bytes: manifest
                .as_ref()
                .map(|m| m.files.iter().map(|f| f.bytes).sum()),
            status,
        });
    }
    // Oldest first; versions without a manifest sort first.
    out.sort_by(|a, b| (&a.built_at, &a.version).cmp(&(&b.built_at, &b.version)));
    Ok(out)
}

/// Deletes complete versions beyond the newest `keep`, never one that `root` or `previous`
/// (the root manifest just replaced, which browsers may still hold) serves.
fn prune(
    store: &dyn Store,
    keep: usize,
    root: &Manifest,
    previous: Option<&Manifest>,
) -> anyhow::Result<Vec<String>> {
    let protected: Vec<&str> = [Some(root), previous]
        .into_iter()
        .flatten()
        .flat_map(|m| {
            std::iter::once(m.version.as_str())
                .chain(m.rollout.as_ref().map(|r| r.version.as_str()))
        })
        .collect();
    let versions = list_versions(store, Some(root))?;
    let complete: Vec<&VersionInfo> = versions.iter().filter(|v| v.built_at.is_some()).collect();
    let cut = complete.len().saturating_sub(keep);
    let mut pruned = Vec::new();
    for v in &complete[..cut] {
        if protected.contains(&v.version.as_str()) {
            continue;
        }
        let dir = version_dir(&v.version);
        // The manifest goes first, so a half-pruned version is never listed as complete.
        store.delete(&format!("{dir}manifest.json"))?;
        par_try_each(&store.list(&dir)?, JOBS, |key| Ok(store.delete(key)?))?;
        pruned.push(v.version.clone());
    }
    Ok(pruned)
}

/// Counts of one publish.
#[derive(Default)]
struct UploadStats {
    uploaded: AtomicUsize,
    skipped: AtomicUsize,
    bytes: AtomicUsize,
}

/// Uploads one file unless it is already there intact; verifies it by reading it back.
fn upload_file(
    store: &dyn Store,
    dir: &str,
    entry: &ManifestFile,
    bytes: &[u8],
    stats: &UploadStats,
    fail_after: Option<usize>,
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
    if let Some(k) = fail_after {
        if stats.uploaded.load(Ordering::SeqCst) >= k {
            return Err(StoreError::Injected(k).into());
        }
    }
    let opts = PutOptions {
        content_type: "application/octet-stream",
        cache_control: IMMUTABLE,
        sha256: entry.sha256.clone(),
        precondition: Precondition::None,
    };
    store.put(&key, bytes, &opts)?;
    let back = store
        .get(&key)?
        .with_context(|| format!("{} is missing right after upload", store.locate(&key)))?;
    let actual = sha256_hex(&back.bytes);
    if actual != entry.sha256 {
        bail!(
            "{} reads back with sha256 {actual}, expected {}",
            store.locate(&key),
            entry.sha256
        );
    }
    stats.uploaded.fetch_add(1, Ordering::SeqCst);
    stats.bytes.fetch_add(bytes.len(), Ordering::Relaxed);
    Ok(())
}

pub fn publish(args: PublishArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let source = LocalStore::new(&args.index);
    let index = verify_in_store(&source, "").with_context(|| {
        format!(
            "refusing to publish {}: verification failed",
            args.index.display()
        )
    })?;
    let manifest = &index.manifest;
    let version = manifest.version.clone();
    let store = open_target(&args.to, args.credentials.as_deref(), gcs::SCOPE_READ_WRITE)?;
    let live = read_root(store.as_ref())?;

    if let Some((live, _)) = &live {
        if live.games > 0 && manifest.games < live.games {
            let shrink = 100.0 * f64::from(live.games - manifest.games) / f64::from(live.games);
            if shrink > args.max_shrink && !args.force {
                bail!(
                    "refusing to publish {version}: {} games vs {} live ({}), {shrink:.1}% fewer, more than --max-shrink {}%; pass --force if this is intended",
                    manifest.games,
                    live.games,
                    live.version,
                    args.max_shrink
                );
            }
        }
        if args.canary.is_some() && live.version == version {
            bail!("{version} is already the live version; nothing to canary");
        }
    } else if args.canary.is_some() {
        bail!(
            "no live version at {} to run a canary against; publish without --canary first",
            store.describe()
        );
    }

    // A version is immutable once published: the same name must mean the same manifest.
    let dir = version_dir(&version);
    let version_manifest_key = format!("{dir}manifest.json");
    if let Some(existing) = store.get(&version_manifest_key)? {
        if existing.bytes != index.manifest_bytes {
            bail!(
                "{} already exists with different content; versions are immutable — rebuild to get a new version name",
                store.locate(&version_manifest_key)
            );
        }
    }

    if args.dry_run {
        let mut missing = 0;
        let mut bytes = 0;
        for (entry, data) in &index.files {
            let present = store
                .stat(&format!("{dir}{}", entry.path))?
                .is_some_and(|s| {
                    s.size == entry.bytes && s.sha256.as_deref() == Some(&entry.sha256)
                });
            if !present {
                missing += 1;
                bytes += data.len();
            }
        }
        println!(
            "dry run: {version} ({} games, {} files) verified; {missing} files ({bytes} bytes) to upload to {}; live: {}",
            manifest.games,
            index.files.len(),
            store.describe(),
            live.as_ref().map_or("none".to_string(), |(m, _)| format!("{} ({} games)", m.version, m.games)),
        );
        return Ok(());
    }

    let fail_after = std::env::var("PLAYLIKE_PUBLISH_FAIL_AFTER")
        .ok()
        .and_then(|v| v.parse().ok());
    let stats = UploadStats::default();
    let bar = indicatif::ProgressBar::new(index.files.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} uploading {wide_bar} {pos}/{len} files ({eta})",
        )
        .expect("valid template"),
    );
    let uploaded = par_try_each(&index.files, usize::from(args.jobs), |(entry, bytes)| {
        upload_file(store.as_ref(), &dir, entry, bytes, &stats, fail_after)?;
        bar.inc(1);
        Ok(())
    });
    bar.finish_and_clear();
    if let Err(e) = uploaded {
        return Err(e.context(format!(
            "publish of {version} interrupted; the live manifest at {} is unchanged — rerun to finish (uploaded files are skipped)",
            store.locate(ROOT)
        )));
    }

    // The version's own manifest, then the switch.
    store.put(
        &version_manifest_key,
        &index.manifest_bytes,
        &PutOptions {
            content_type: "application/json",
            cache_control: IMMUTABLE,
            sha256: sha256_hex(&index.manifest_bytes),
            precondition: Precondition::None,
        },
    )?;
    let back = store.get(&version_manifest_key)?.with_context(|| {
        format!(
            "{} missing after upload",
            store.locate(&version_manifest_key)
        )
    })?;
    if back.bytes != index.manifest_bytes {
        bail!(
            "{} reads back different from what was written",
            store.locate(&version_manifest_key)
        );
    }

    let (root, what) = match (args.canary, &live) {
        (Some(percent), Some((live, _))) => {
            let mut root = live.clone();
            root.rollout = Some(Rollout {
                version: version.clone(),
                manifest: version_manifest_key.clone(),
                percent,
            });
            (
                root,
                format!(
                    "canary {version} at {percent}% (stable stays {})",
                    live.version
                ),
            )
        }
        _ => {
            let replaced = live
                .as_ref()
                .and_then(|(m, _)| m.rollout.as_ref())
                .filter(|r| r.version != version)
                .map(|r| format!(" (canary {} dropped)", r.version))
                .unwrap_or_default();
            (
                rooted(manifest),
                format!("live version is now {version}{replaced}"),
            )
        }
    };
    switch_root(store.as_ref(), &root, live.as_ref().map(|(_, g)| g))?;
    let pruned = prune(
        store.as_ref(),
        args.keep as usize,
        &root,
        live.as_ref().map(|(m, _)| m),
    )?;

    println!(
        "published {version} ({} games) to {}: {} files uploaded ({} bytes), {} already there, all verified; {what}",
        manifest.games,
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

pub fn versions(args: VersionsArgs) -> anyhow::Result<()> {
    let store = open_target(
        &args.from,
        args.credentials.as_deref(),
        gcs::SCOPE_READ_WRITE,
    )?;
    let root = read_root(store.as_ref())?.map(|(m, _)| m);
    let list = list_versions(store.as_ref(), root.as_ref())?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(());
    }
    if list.is_empty() {
        println!("no versions published at {}", store.describe());
        return Ok(());
    }
    println!(
        "{:<36} {:<22} {:>9} {:>6} {:>12}  status",
        "version", "built_at", "games", "files", "bytes"
    );
    let opt = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    for v in list {
        println!(
            "{:<36} {:<22} {:>9} {:>6} {:>12}  {}",
            v.version,
            opt(v.built_at),
            opt(v.games.map(|g| g.to_string())),
            opt(v.files.map(|f| f.to_string())),
            opt(v.bytes.map(|b| b.to_string())),
            v.status
        );
    }
    Ok(())
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

/// The CORS rules the web app needs: read-only, from its origin(s).
pub fn cors_rules(origins: &[String], max_age: u32) -> serde_json::Value {
    let origins: Vec<&str> = if origins.is_empty() {
        vec!["*"]
    } else {
        origins.iter().map(String::as_str).collect()
    };
    serde_json::json!([{
        "origin": origins,
        "method": ["GET", "HEAD"],
        "responseHeader": ["Content-Type", "Content-Length", "ETag", "Cache-Control"],
        "maxAgeSeconds": max_age,
    }])
}

pub fn cors(args: CorsArgs) -> anyhow::Result<()> {
    if !args.target.starts_with("gs://") {
        bail!(
            "cors: `{}` is not a gs:// target; a local directory's CORS is the web server's job",
            args.target
        );
    }
    let rules = cors_rules(&args.origins, args.max_age);
    println!("{}", serde_json::to_string_pretty(&rules)?);
    if !args.apply {
        eprintln!(
            "(printed only; pass --apply to set it, or save it and run `gcloud storage buckets update gs://BUCKET --cors-file=FILE`)"
        );
        return Ok(());
    }
    let store = gcs::GcsStore::connect(
        &args.target,
        args.credentials.as_deref(),
        gcs::SCOPE_FULL_CONTROL,
    )?;
    let bucket = store.set_cors(&rules)?;
    match bucket.get("cors") {
        Some(set) if set == &rules => eprintln!("CORS set on gs://{}", store.bucket()),
        Some(set) => eprintln!(
            "CORS set on gs://{}; the bucket now reports {set}",
            store.bucket()
        ),
        None => eprintln!(
            "CORS PATCH accepted by gs://{} (the server did not echo the rules back)",
            store.bucket()
        ),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
                encoding: "gzip".into(),
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

    #[test]
    fn cors_rules_default_to_any_origin_and_read_only() {
        let rules = cors_rules(&[], 600);
        assert_eq!(rules[0]["origin"][0], "*");
        assert_eq!(rules[0]["method"], serde_json::json!(["GET", "HEAD"]));
        assert_eq!(rules[0]["maxAgeSeconds"], 600);
        let rules = cors_rules(&["https://a.example".into()], 60);
        assert_eq!(rules[0]["origin"], serde_json::json!(["https://a.example"]));
    }
}
