//! The versions at a target: listing them with their status, and pruning old ones.

use playlike_core::format::Manifest;

use super::live::read_root;
use super::store::Store;
use super::{gcs, open_target, par_try_each, version_dir, VersionsArgs, JOBS};

/// What a version is to the readers of a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionStatus {
    /// The root manifest serves it.
    Live,
    /// The root manifest's rollout serves it to this share of browsers.
    Canary { percent: u8 },
    /// Files without a version manifest: an interrupted publish or prune.
    Incomplete,
    /// Published and complete, served to no one.
    Kept,
}

impl std::fmt::Display for VersionStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VersionStatus::Live => f.write_str("live"),
            VersionStatus::Canary { percent } => write!(f, "canary {percent}%"),
            VersionStatus::Incomplete => f.write_str("incomplete"),
            VersionStatus::Kept => Ok(()),
        }
    }
}

/// `versions --json` keeps the status as the text the table shows.
impl serde::Serialize for VersionStatus {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// One published version, as `versions` lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct VersionInfo {
    pub version: String,
    pub built_at: Option<String>,
    pub games: Option<u32>,
    pub files: Option<usize>,
    pub bytes: Option<u64>,
    pub status: VersionStatus,
}

pub fn list_versions(
    store: &dyn Store,
    root: Option<&Manifest>,
) -> anyhow::Result<Vec<VersionInfo>> {
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
            VersionStatus::Live
        } else if let Some(r) = canary.filter(|r| r.version == name) {
            VersionStatus::Canary { percent: r.percent }
        } else if manifest.is_none() {
            VersionStatus::Incomplete
        } else {
            VersionStatus::Kept
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
pub fn prune(
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
