//! The catalogue snapshot on disk: JSONL, one API record per line, sorted by `id`, no
//! duplicates. Written atomically (temp file in the same directory, fsync, rename) so a crash
//! or a full disk never leaves a half-written file where `playlike build` looks for one.
//!
//! An incremental pull (`--since`) is merged into the previous snapshot by a streaming merge
//! of two id-sorted sequences, where the fresh record wins, so memory stays flat however large
//! the catalogue is.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Why a snapshot could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: expected a JSON object with a numeric `id`: {reason}")]
    BadRecord {
        path: String,
        line: usize,
        reason: String,
    },
    #[error("{path}:{line}: ids are not ascending (id {id} after {previous}); expected a snapshot written by `playlike fetch`")]
    Unsorted {
        path: String,
        line: usize,
        id: u64,
        previous: u64,
    },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> SnapshotError + '_ {
    move |source| SnapshotError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// The `id` of one record line (the rest of the record is not interpreted).
pub fn record_id(line: &str) -> Result<u64, String> {
    #[derive(serde::Deserialize)]
    struct IdOnly {
        id: u64,
    }
    serde_json::from_str::<IdOnly>(line)
        .map(|r| r.id)
        .map_err(|e| e.to_string())
}

/// The largest `updated_at` (Unix seconds) in a snapshot, for `--since auto`.
pub fn max_updated_at(path: &Path) -> Result<Option<i64>, SnapshotError> {
    #[derive(serde::Deserialize)]
    struct Updated {
        #[serde(default)]
        updated_at: Option<i64>,
    }
    let file = File::open(path).map_err(io_err(path))?;
    let mut best = None;
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(io_err(path))?;
        if line.trim().is_empty() {
            continue;
        }
        let rec: Updated = serde_json::from_str(&line).map_err(|e| SnapshotError::BadRecord {
            path: path.display().to_string(),
            line: i + 1,
            reason: e.to_string(),
        })?;
        best = best.max(rec.updated_at);
    }
    Ok(best)
}

/// Streams `(id, line)` pairs from a snapshot, checking ids ascend.
pub struct SnapshotReader {
    path: PathBuf,
    lines: std::iter::Enumerate<std::io::Lines<BufReader<File>>>,
    previous: Option<u64>,
}

impl SnapshotReader {
    pub fn open(path: &Path) -> Result<Self, SnapshotError> {
        let file = File::open(path).map_err(io_err(path))?;
        Ok(SnapshotReader {
            path: path.to_path_buf(),
            lines: BufReader::new(file).lines().enumerate(),
            previous: None,
        })
    }
}

impl Iterator for SnapshotReader {
    type Item = Result<(u64, String), SnapshotError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (i, line) = self.lines.next()?;
            let line = match line {
                Ok(l) => l,
                Err(e) => return Some(Err(io_err(&self.path)(e))),
            };
            if line.trim().is_empty() {
                continue;
            }
            let path = self.path.display().to_string();
            let id = match record_id(&line) {
                Ok(id) => id,
                Err(reason) => {
                    return Some(Err(SnapshotError::BadRecord {
                        path,
                        line: i + 1,
                        reason,
                    }))
                }
            };
            if let Some(previous) = self.previous.filter(|&p| p >= id) {
                return Some(Err(SnapshotError::Unsorted {
                    path,
                    line: i + 1,
                    id,
                    previous,
                }));
            }
            self.previous = Some(id);
            return Some(Ok((id, line)));
        }
    }
}

/// Counts of a merge.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MergeStats {
    pub written: u64,
    pub added: u64,
    pub replaced: u64,
    pub kept: u64,
}

/// Merges two id-ascending streams into `out`; on equal ids the `fresh` record wins.
pub fn merge_sorted<E>(
    old: impl Iterator<Item = Result<(u64, String), E>>,
    fresh: impl Iterator<Item = Result<(u64, String), E>>,
    out: &mut impl Write,
) -> Result<MergeStats, MergeError<E>> {
    let mut stats = MergeStats::default();
    let mut old = old.peekable();
    let mut fresh = fresh.peekable();
    loop {
        // 0: take old, 1: take fresh (new id), 2: take fresh replacing old.
        let pick = match (old.peek(), fresh.peek()) {
            (None, None) => break,
            (Some(Err(_)), _) => return Err(MergeError::Input(take_err(&mut old))),
            (_, Some(Err(_))) => return Err(MergeError::Input(take_err(&mut fresh))),
            (Some(Ok(_)), None) => 0,
            (None, Some(Ok(_))) => 1,
            (Some(Ok((a, _))), Some(Ok((b, _)))) => match a.cmp(b) {
                std::cmp::Ordering::Less => 0,
                std::cmp::Ordering::Greater => 1,
                std::cmp::Ordering::Equal => 2,
            },
        };
        let taken = match pick {
            0 => {
                stats.kept += 1;
                old.next()
            }
            1 => {
                stats.added += 1;
                fresh.next()
            }
            _ => {
                old.next();
                stats.replaced += 1;
                fresh.next()
            }
        };
        let Some(Ok((_, line))) = taken else {
            unreachable!("peeked an Ok item")
        };
        out.write_all(line.as_bytes()).map_err(MergeError::Write)?;
        out.write_all(b"\n").map_err(MergeError::Write)?;
        stats.written += 1;
    }
    Ok(stats)
}

fn take_err<T, E>(it: &mut impl Iterator<Item = Result<T, E>>) -> E {
    match it.next() {
        Some(Err(e)) => e,
        _ => unreachable!("peeked an Err item"),
    }
}

/// A merge failed reading an input or writing the output.
#[derive(Debug)]
pub enum MergeError<E> {
    Input(E),
    Write(std::io::Error),
}

/// Writes a file atomically: `write` fills a temp file next to `path`, which is fsynced and
/// renamed over `path` only if `write` succeeded.
pub fn write_atomically<T, E: From<SnapshotError>>(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<T, E>,
) -> Result<T, E> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|e| E::from(io_err(&dir)(e)))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "snapshot".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let file = File::create(&tmp).map_err(|e| E::from(io_err(&tmp)(e)))?;
    let mut writer = BufWriter::new(file);
    let result = write(&mut writer).and_then(|value| {
        let file = writer
            .into_inner()
            .map_err(|e| E::from(io_err(&tmp)(e.into_error())))?;
        file.sync_all().map_err(|e| E::from(io_err(&tmp)(e)))?;
        Ok(value)
    });
    match result {
        Ok(value) => {
            std::fs::rename(&tmp, path).map_err(|e| E::from(io_err(path)(e)))?;
            if let Ok(d) = File::open(&dir) {
                let _ = d.sync_all();
            }
            Ok(value)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Parses `--since`: `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SSZ` or Unix seconds, into Unix seconds.
pub fn parse_since(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(secs) = text.parse::<i64>() {
        return Some(secs);
    }
    let (date, time) = match text.split_once(['T', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None => (text, None),
    };
    let mut parts = date.splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let mut secs = days_from_civil(y, m, d) * 86_400;
    if let Some(t) = time {
        let t = t.strip_suffix('Z').or_else(|| t.strip_suffix("+00:00"))?;
        let mut hms = t.splitn(3, ':');
        let h: i64 = hms.next()?.parse().ok()?;
        let mi: i64 = hms.next()?.parse().ok()?;
        let s: f64 = hms.next().unwrap_or("0").parse().ok()?;
        if h > 23 || mi > 59 || !(0.0..61.0).contains(&s) {
            return None;
        }
        secs += h * 3600 + mi * 60 + s as i64;
    }
    Some(secs)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(ids: &[u64], tag: &str) -> Vec<Result<(u64, String), SnapshotError>> {
        ids.iter()
            .map(|&id| Ok((id, format!("{{\"id\":{id},\"v\":\"{tag}\"}}"))))
            .collect()
    }

    #[test]
    fn merge_keeps_order_and_prefers_fresh_records() {
        let mut out = Vec::new();
        let stats = merge_sorted(
            rows(&[1, 3, 5, 7], "old").into_iter(),
            rows(&[2, 3, 8], "new").into_iter(),
            &mut out,
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        let ids: Vec<u64> = text.lines().map(|l| record_id(l).unwrap()).collect();
        assert_eq!(ids, vec![1, 2, 3, 5, 7, 8]);
        assert!(text.contains("{\"id\":3,\"v\":\"new\"}"));
        assert!(!text.contains("{\"id\":3,\"v\":\"old\"}"));
        assert_eq!(
            stats,
            MergeStats {
                written: 6,
                added: 2,
                replaced: 1,
                kept: 3
            }
        );
    }

    #[test]
    fn since_accepts_dates_times_and_seconds() {
        assert_eq!(parse_since("1970-01-01"), Some(0));
        assert_eq!(parse_since("2024-03-01"), Some(1_709_251_200));
        assert_eq!(
            parse_since("2024-03-01T01:02:03Z"),
            Some(1_709_251_200 + 3723)
        );
        assert_eq!(parse_since("1700000000"), Some(1_700_000_000));
        assert_eq!(parse_since("2024-13-01"), None);
        assert_eq!(parse_since("yesterday"), None);
    }

    #[test]
    fn atomic_write_leaves_the_old_file_on_failure() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("games.jsonl");
        std::fs::write(&path, "old\n").unwrap();
        let failed: Result<(), SnapshotError> = write_atomically(&path, |w| {
            w.write_all(b"half").unwrap();
            Err(SnapshotError::BadRecord {
                path: "x".into(),
                line: 1,
                reason: "boom".into(),
            })
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        write_atomically::<_, SnapshotError>(&path, |w| {
            w.write_all(b"new\n").unwrap();
            Ok(())
        })
        .unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
    }

    #[test]
    fn reader_rejects_unsorted_snapshots() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        std::fs::write(&path, "{\"id\":2}\n\n{\"id\":1}\n").unwrap();
        let items: Vec<_> = SnapshotReader::open(&path).unwrap().collect();
        assert!(items[0].is_ok());
        assert!(matches!(
            items[1],
            Err(SnapshotError::Unsorted { line: 3, .. })
        ));
    }
}
