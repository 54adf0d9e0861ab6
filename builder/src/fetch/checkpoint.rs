//! Resumable progress of one fetch: a directory (default `<out>.fetch/`) holding the run's
//! plan and every page fetched so far.
//!
//! The id space is cut into chunks (`lo < id <= hi`, the last one open-ended so games created
//! during the run are not missed); workers page through chunks independently, each page by
//! `where id > LAST`. Every page is written as its own file, atomically (temp file, fsync,
//! rename), *after* it was received in full, so the directory always describes exactly what
//! was fetched: a chunk's cursor is the last id of its newest page, and a chunk is finished
//! when its newest page is short (fewer records than the page size, possibly empty). A run
//! killed at any instant therefore resumes with no page lost and none fetched twice.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::snapshot::{record_id, SnapshotError};

const PLAN_FILE: &str = "plan.json";
const PLAN_VERSION: u32 = 1;

/// Why a checkpoint could not be used.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("checkpoint {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("checkpoint {path}: {reason}")]
    Corrupt { path: String, reason: String },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> CheckpointError + '_ {
    move |source| CheckpointError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// One slice of the id space: `lo < id <= hi` (`hi = None`: no upper bound).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chunk {
    pub lo: u64,
    pub hi: Option<u64>,
}

/// What a run fetches; a checkpoint is only resumed by a run with the same query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub version: u32,
    pub fields: String,
    pub page_size: u32,
    /// `updated_at >= since` filter of an incremental pull.
    pub since: Option<i64>,
    /// Games the API counted when the run started (for progress and ETA).
    pub total: u64,
    pub chunks: Vec<Chunk>,
}

impl Plan {
    pub fn new(fields: &str, page_size: u32, since: Option<i64>, total: u64, max_id: u64) -> Self {
        Plan {
            version: PLAN_VERSION,
            fields: fields.to_string(),
            page_size,
            since,
            total,
            chunks: split_id_space(total, max_id, u64::from(page_size) * 10),
        }
    }

    /// Whether a checkpoint made for `other` can continue this run.
    pub fn same_query(&self, other: &Plan) -> bool {
        self.version == other.version
            && self.fields == other.fields
            && self.page_size == other.page_size
            && self.since == other.since
    }
}

/// Cuts `0 < id` into chunks expected to hold about `per_chunk` games each, assuming ids
/// are spread evenly up to `max_id`; the last chunk is open-ended.
pub fn split_id_space(total: u64, max_id: u64, per_chunk: u64) -> Vec<Chunk> {
    let per_chunk = per_chunk.max(1);
    let count = total.div_ceil(per_chunk);
    if count <= 1 || max_id == 0 {
        return vec![Chunk { lo: 0, hi: None }];
    }
    let width = max_id.div_ceil(count).max(1);
    let mut chunks = Vec::new();
    let mut lo = 0;
    while lo + width < max_id {
        chunks.push(Chunk {
            lo,
            hi: Some(lo + width),
        });
        lo += width;
    }
    chunks.push(Chunk { lo, hi: None });
    chunks
}

/// Where a chunk stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkState {
    /// Last id fetched (or the chunk's `lo`).
    pub cursor: u64,
    /// Pages written so far.
    pub pages: u32,
    pub done: bool,
}

/// A checkpoint directory.
pub struct Checkpoint {
    dir: PathBuf,
}

/// Exclusive use of a checkpoint directory by one process: `<dir>.lock` holding its pid,
/// removed on drop. A lock whose process is gone (crash, SIGKILL) is taken over.
pub struct RunLock {
    path: PathBuf,
}

impl RunLock {
    pub fn acquire(checkpoint_dir: &Path) -> Result<RunLock, CheckpointError> {
        let mut name = checkpoint_dir
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_default();
        name.push(".lock");
        let path = checkpoint_dir.with_file_name(name);
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(io_err(parent))?;
        }
        for _ in 0..2 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    let _ = write!(file, "{}", std::process::id());
                    return Ok(RunLock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = std::fs::read_to_string(&path).unwrap_or_default();
                    let alive = holder
                        .trim()
                        .parse::<u32>()
                        .is_ok_and(|pid| pid != std::process::id() && process_alive(pid));
                    if alive {
                        return Err(CheckpointError::Corrupt {
                            path: path.display().to_string(),
                            reason: format!(
                                "another fetch (pid {}) is using this checkpoint; wait for it or stop it",
                                holder.trim()
                            ),
                        });
                    }
                    // Stale: its process is gone.
                    let _ = std::fs::remove_file(&path);
                }
                Err(e) => return Err(io_err(&path)(e)),
            }
        }
        Err(CheckpointError::Corrupt {
            path: path.display().to_string(),
            reason: "cannot take the lock".into(),
        })
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Whether a process with this pid exists (Linux: `/proc/<pid>`; elsewhere assume it does
/// not, so a stale lock never blocks).
fn process_alive(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

impl Checkpoint {
    /// Opens `dir` for `plan`: resumes it if it holds the same query, else starts it afresh.
    /// Returns the plan in force (the stored one when resuming) and whether it resumed.
    pub fn open(
        dir: &Path,
        plan: Plan,
        restart: bool,
    ) -> Result<(Self, Plan, bool), CheckpointError> {
        let cp = Checkpoint {
            dir: dir.to_path_buf(),
        };
        let plan_path = dir.join(PLAN_FILE);
        if !restart {
            if let Ok(text) = std::fs::read(&plan_path) {
                match serde_json::from_slice::<Plan>(&text) {
                    Ok(stored) if stored.same_query(&plan) => return Ok((cp, stored, true)),
                    Ok(_) => eprintln!(
                        "note: checkpoint {} was made for a different query; starting afresh",
                        dir.display()
                    ),
                    Err(e) => eprintln!(
                        "note: checkpoint plan {} is unreadable ({e}); starting afresh",
                        plan_path.display()
                    ),
                }
            }
        }
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(io_err(dir))?;
        }
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        write_file_atomically(
            &plan_path,
            &serde_json::to_vec_pretty(&plan).expect("plan serializes"),
        )?;
        Ok((cp, plan, false))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn page_path(&self, chunk: usize, page: u32) -> PathBuf {
        self.dir
            .join(format!("chunk-{chunk:05}-page-{page:06}.jsonl"))
    }

    /// Pages on disk, by chunk, in page order.
    fn pages(&self) -> Result<BTreeMap<usize, Vec<(u32, PathBuf)>>, CheckpointError> {
        let mut pages: BTreeMap<usize, Vec<(u32, PathBuf)>> = BTreeMap::new();
        for entry in std::fs::read_dir(&self.dir).map_err(io_err(&self.dir))? {
            let entry = entry.map_err(io_err(&self.dir))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(rest) = name
                .strip_prefix("chunk-")
                .and_then(|r| r.strip_suffix(".jsonl"))
            else {
                continue; // plan.json, temp files of a killed run
            };
            let parsed = rest
                .split_once("-page-")
                .and_then(|(c, p)| Some((c.parse::<usize>().ok()?, p.parse::<u32>().ok()?)));
            if let Some((chunk, page)) = parsed {
                pages.entry(chunk).or_default().push((page, entry.path()));
            }
        }
        for list in pages.values_mut() {
            list.sort();
        }
        Ok(pages)
    }

    /// Each chunk's state and the number of games already fetched.
    pub fn state(&self, plan: &Plan) -> Result<(Vec<ChunkState>, u64), CheckpointError> {
        let pages = self.pages()?;
        let mut fetched = 0;
        let mut states = Vec::with_capacity(plan.chunks.len());
        for (i, chunk) in plan.chunks.iter().enumerate() {
            let mut state = ChunkState {
                cursor: chunk.lo,
                pages: 0,
                done: false,
            };
            if let Some(list) = pages.get(&i) {
                for (n, (page, path)) in list.iter().enumerate() {
                    if *page as usize != n {
                        return Err(CheckpointError::Corrupt {
                            path: path.display().to_string(),
                            reason: format!("expected page {n} of chunk {i}, found page {page}"),
                        });
                    }
                    let ids = read_page_ids(path)?;
                    fetched += ids.len() as u64;
                    if let Some(&last) = ids.last() {
                        state.cursor = last;
                    }
                    state.pages += 1;
                    state.done = (ids.len() as u64) < u64::from(plan.page_size);
                }
            }
            states.push(state);
        }
        Ok((states, fetched))
    }

    /// Stores one fetched page (records already compact, one per line).
    pub fn write_page(
        &self,
        chunk: usize,
        page: u32,
        lines: &[String],
    ) -> Result<(), CheckpointError> {
        let mut bytes = Vec::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
        for line in lines {
            bytes.extend_from_slice(line.as_bytes());
            bytes.push(b'\n');
        }
        write_file_atomically(&self.page_path(chunk, page), &bytes)
    }

    /// All fetched records as `(id, line)` in chunk and page order (ascending ids).
    pub fn records(
        &self,
    ) -> Result<impl Iterator<Item = Result<(u64, String), SnapshotError>>, CheckpointError> {
        let files: Vec<PathBuf> = self
            .pages()?
            .into_values()
            .flat_map(|list| list.into_iter().map(|(_, p)| p))
            .collect();
        let mut previous: Option<u64> = None;
        Ok(files
            .into_iter()
            .flat_map(|path| match super::snapshot::SnapshotReader::open(&path) {
                Ok(reader) => Box::new(reader) as Box<dyn Iterator<Item = _>>,
                Err(e) => Box::new(std::iter::once(Err(e))),
            })
            .filter_map(move |item| match item {
                Ok((id, line)) => match previous {
                    // A record seen twice (e.g. an API page overlapping a boundary) is dropped.
                    Some(p) if id == p => None,
                    Some(p) if id < p => Some(Err(SnapshotError::Unsorted {
                        path: "fetched pages".into(),
                        line: 0,
                        id,
                        previous: p,
                    })),
                    _ => {
                        previous = Some(id);
                        Some(Ok((id, line)))
                    }
                },
                Err(e) => Some(Err(e)),
            }))
    }

    /// Deletes the checkpoint after a successful run.
    pub fn remove(self) -> Result<(), CheckpointError> {
        std::fs::remove_dir_all(&self.dir).map_err(io_err(&self.dir))
    }
}

fn read_page_ids(path: &Path) -> Result<Vec<u64>, CheckpointError> {
    let text = std::fs::read_to_string(path).map_err(io_err(path))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            record_id(l).map_err(|reason| CheckpointError::Corrupt {
                path: path.display().to_string(),
                reason,
            })
        })
        .collect()
}

fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<(), CheckpointError> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    let mut file = std::fs::File::create(&tmp).map_err(io_err(&tmp))?;
    file.write_all(bytes).map_err(io_err(&tmp))?;
    file.sync_all().map_err(io_err(&tmp))?;
    drop(file);
    std::fs::rename(&tmp, path).map_err(io_err(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_lock_is_exclusive_and_released() {
        let dir = tempfile::tempdir().unwrap();
        let cp = dir.path().join("games.jsonl.fetch");
        let lock = RunLock::acquire(&cp).unwrap();
        let lock_path = dir.path().join("games.jsonl.fetch.lock");
        // Pretend another live process holds it: pid 1 always exists on Linux.
        std::fs::write(&lock_path, "1").unwrap();
        if Path::new("/proc/1").exists() {
            let err = RunLock::acquire(&cp).err().unwrap();
            assert!(err.to_string().contains("another fetch (pid 1)"), "{err}");
        }
        // A dead holder's lock is taken over.
        std::fs::write(&lock_path, "4294967295").unwrap();
        drop(lock);
        std::fs::write(&lock_path, "4294967295").unwrap();
        let again = RunLock::acquire(&cp).unwrap();
        drop(again);
        assert!(!lock_path.exists());
    }

    #[test]
    fn id_space_is_covered_without_gaps_or_overlap() {
        let chunks = split_id_space(10_000, 12_345, 2000);
        assert_eq!(chunks[0].lo, 0);
        for pair in chunks.windows(2) {
            assert_eq!(pair[0].hi, Some(pair[1].lo));
        }
        assert_eq!(chunks.last().unwrap().hi, None);
        assert!(chunks.len() >= 5);
        assert_eq!(
            split_id_space(100, 5000, 2000),
            vec![Chunk { lo: 0, hi: None }]
        );
    }

    #[test]
    fn state_follows_pages_and_resumes() {
        let dir = tempfile::tempdir().unwrap();
        let cp_dir = dir.path().join("cp");
        let plan = Plan {
            version: PLAN_VERSION,
            fields: "name".into(),
            page_size: 2,
            since: None,
            total: 5,
            chunks: vec![
                Chunk {
                    lo: 0,
                    hi: Some(10),
                },
                Chunk { lo: 10, hi: None },
            ],
        };
        let (cp, plan, resumed) = Checkpoint::open(&cp_dir, plan, false).unwrap();
        assert!(!resumed);
        cp.write_page(0, 0, &["{\"id\":1}".into(), "{\"id\":4}".into()])
            .unwrap();
        cp.write_page(0, 1, &["{\"id\":9}".into()]).unwrap();
        cp.write_page(1, 0, &["{\"id\":11}".into(), "{\"id\":12}".into()])
            .unwrap();
        let (cp, plan, resumed) = Checkpoint::open(&cp_dir, plan, false).unwrap();
        assert!(resumed);
        let (states, fetched) = cp.state(&plan).unwrap();
        assert_eq!(fetched, 5);
        assert_eq!(
            states[0],
            ChunkState {
                cursor: 9,
                pages: 2,
                done: true
            }
        );
        assert_eq!(
            states[1],
            ChunkState {
                cursor: 12,
                pages: 1,
                done: false
            }
        );
        let ids: Vec<u64> = cp.records().unwrap().map(|r| r.unwrap().0).collect();
        assert_eq!(ids, vec![1, 4, 9, 11, 12]);
        let mut other = plan.clone();
        other.since = Some(5);
        let (_, _, resumed) = Checkpoint::open(&cp_dir, other, false).unwrap();
        assert!(!resumed);
    }
}
