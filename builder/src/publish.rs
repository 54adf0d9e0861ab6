//! `playlike publish`, `versions`, `rollback`, `promote` and `cors`: putting an index live
//! without ever breaking the live site.
//!
//! Layout at a target (a local directory or `gs://bucket/prefix`):
//! ```text
//! manifest.json                 the live manifest: paths prefixed `v/<version>/`, maybe a
//!                               `rollout` naming a canary; Cache-Control: no-cache; on
//!                               GCS stored in gzip (store::Transit::Gzip)
//! v/<version>/manifest.json     each version's own manifest (paths relative to it)
//! v/<version>/<file>.bin.gz     content-hashed parts, gzip (`.gz`) or LZMA (`.lzma`),
//! v/<version>/<file>.bin.lzma   served as stored bytes (application/octet-stream, no
//!                               Content-Encoding: the app verifies the SHA-256 of the
//!                               stored bytes and decompresses);
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
//! Modules by concern: [`upload`] (verify, upload, write the version, switch), [`live`] (the
//! root manifest: reading it, switching it, rollback and promote), [`versions`] (listing and
//! pruning), [`cors`]; the stores in [`store`] and [`gcs`], the verification in [`verify`].

pub mod cors;
pub mod gcs;
pub mod live;
pub mod store;
pub mod upload;
pub mod verify;
pub mod versions;

use std::path::{Path, PathBuf};

use anyhow::bail;
use rayon::prelude::*;

use store::{LocalStore, Store};

pub use cors::cors;
pub use live::{promote, rollback};
pub use upload::publish;
pub use versions::versions;

/// Cache-Control of immutable, content-hashed objects.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Cache-Control of the root manifest: browsers revalidate it on every load.
pub const ROOT_CACHE: &str = "no-cache";
const ROOT: &str = "manifest.json";
/// Parallel requests for checks and deletes.
const JOBS: usize = 8;

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

impl PublishArgs {
    /// What to do, apart from where.
    pub fn plan(&self) -> upload::Plan {
        upload::Plan {
            keep: self.keep as usize,
            max_shrink: self.max_shrink,
            force: self.force,
            canary: self.canary,
            jobs: usize::from(self.jobs),
            dry_run: self.dry_run,
        }
    }
}

/// Opens a target: `gs://…` or a local directory.
pub fn open_target(
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

/// `v/<version>/`, where a version's files live.
fn version_dir(version: &str) -> String {
    format!("v/{version}/")
}

/// Runs `f` over `items` on a pool of `jobs` threads, stopping at the first error.
fn par_try_each<T: Sync>(
    items: &[T],
    jobs: usize,
    f: impl Fn(&T) -> anyhow::Result<()> + Sync + Send,
) -> anyhow::Result<()> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.clamp(1, items.len().max(1)))
        .build()?;
    pool.install(|| items.par_iter().try_for_each(f))
}
