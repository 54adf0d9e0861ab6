//! Reading catalogue files: `.jsonl` or `.json` arrays, plain, `.gz` or `.zst`, streamed.
//!
//! Every record goes through `playlike_core::catalogue`. A bad record never stops the run:
//! it is skipped and counted, and the report names file, line and reason. `--strict` turns
//! any skipped record into a failure. Duplicate ids keep the first record.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use playlike_core::catalogue::{self, Game, Warning};
use rayon::prelude::*;
use serde::de::{Deserializer, SeqAccess, Visitor};

/// Lines parsed per parallel batch.
const BATCH_LINES: usize = 8192;
/// Problems kept verbatim per report; the rest are only counted.
const KEPT_PROBLEMS: usize = 20;

/// A skipped record.
#[derive(Debug, Clone)]
pub struct Problem {
    pub file: PathBuf,
    /// 1-based line (JSONL) or element (JSON array) number.
    pub line: usize,
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.reason)
    }
}

/// What reading produced besides the games.
#[derive(Debug, Default)]
pub struct IngestReport {
    pub records: usize,
    pub skipped: usize,
    pub duplicates: usize,
    pub problems: Vec<Problem>,
    /// Skipped records by reason kind (the text before the first `:`).
    pub reasons: BTreeMap<String, usize>,
    pub unknown_fields: BTreeMap<String, usize>,
}

impl IngestReport {
    fn skip(&mut self, problem: Problem) {
        self.skipped += 1;
        let kind = problem
            .reason
            .split(':')
            .next()
            .unwrap_or_default()
            .to_string();
        *self.reasons.entry(kind).or_default() += 1;
        if self.problems.len() < KEPT_PROBLEMS {
            self.problems.push(problem);
        }
    }

    /// A short human summary, one line per kind of problem.
    pub fn summary(&self) -> String {
        let mut out = format!(
            "{} records read, {} skipped ({} duplicate ids)",
            self.records, self.skipped, self.duplicates
        );
        for (reason, count) in &self.reasons {
            out.push_str(&format!("\n  {count:>8} × {reason}"));
        }
        for problem in &self.problems {
            out.push_str(&format!("\n  e.g. {problem}"));
        }
        if !self.unknown_fields.is_empty() {
            let fields: Vec<String> = self
                .unknown_fields
                .iter()
                .map(|(f, n)| format!("{f} ({n})"))
                .collect();
            out.push_str(&format!(
                "\n  unknown fields ignored: {}",
                fields.join(", ")
            ));
        }
        out
    }
}

/// Reads every input file, in order.
pub fn read_games(paths: &[PathBuf], strict: bool) -> Result<(Vec<Game>, IngestReport)> {
    let mut report = IngestReport::default();
    let mut games = Vec::new();
    let mut seen: HashMap<u64, (usize, usize)> = HashMap::new();
    for (file_index, path) in paths.iter().enumerate() {
        let total = std::fs::metadata(path)
            .with_context(|| format!("cannot read {}", path.display()))?
            .len();
        let bar = progress_bar(total, path);
        let reader = open_decompressed(path, bar.clone())?;
        let mut accept = |line: usize, parsed: ParsedRecord, report: &mut IngestReport| {
            report.records += 1;
            for Warning::UnknownField(field) in parsed.warnings {
                *report.unknown_fields.entry(field).or_default() += 1;
            }
            match parsed.game {
                Ok(game) => {
                    if let Some(&(f, l)) = seen.get(&game.igdb_id) {
                        report.duplicates += 1;
                        report.skip(Problem {
                            file: path.clone(),
                            line,
                            reason: format!(
                                "duplicate id: {} already read at {}:{l}",
                                game.igdb_id,
                                paths[f].display()
                            ),
                        });
                    } else {
                        seen.insert(game.igdb_id, (file_index, line));
                        games.push(game);
                    }
                }
                Err(reason) => report.skip(Problem {
                    file: path.clone(),
                    line,
                    reason,
                }),
            }
        };
        let mut reader = BufReader::with_capacity(1 << 20, reader);
        if starts_with_array(&mut reader)? {
            read_array(reader, path, &mut |line, parsed| {
                accept(line, parsed, &mut report)
            })?;
        } else {
            read_lines(reader, path, &mut |line, parsed| {
                accept(line, parsed, &mut report)
            })?;
        }
        bar.finish_and_clear();
    }
    if strict && report.skipped > 0 {
        bail!("--strict: {}", report.summary());
    }
    Ok((games, report))
}

struct ParsedRecord {
    game: Result<Game, String>,
    warnings: Vec<Warning>,
}

fn parse_line(line: &[u8]) -> ParsedRecord {
    let mut warnings = Vec::new();
    let game = match std::str::from_utf8(line) {
        Ok(text) => catalogue::parse_game_line(text, &mut warnings).map_err(|e| e.to_string()),
        Err(e) => Err(format!("invalid UTF-8: {e}")),
    };
    ParsedRecord { game, warnings }
}

/// JSON Lines: parsed in parallel batches, reported in order. Blank lines are ignored.
fn read_lines(
    mut reader: impl BufRead,
    path: &Path,
    accept: &mut dyn FnMut(usize, ParsedRecord),
) -> Result<()> {
    let mut line_number = 0;
    loop {
        let mut batch: Vec<(usize, Vec<u8>)> = Vec::with_capacity(BATCH_LINES);
        while batch.len() < BATCH_LINES {
            let mut line = Vec::new();
            let read = reader.read_until(b'\n', &mut line).with_context(|| {
                format!("{}: read failed after line {line_number}", path.display())
            })?;
            if read == 0 {
                break;
            }
            line_number += 1;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            batch.push((line_number, line));
        }
        if batch.is_empty() {
            return Ok(());
        }
        let parsed: Vec<(usize, ParsedRecord)> = batch
            .par_iter()
            .map(|(n, line)| (*n, parse_line(line)))
            .collect();
        for (n, record) in parsed {
            accept(n, record);
        }
    }
}

/// A JSON array of records, streamed element by element (numbered from 1).
fn read_array(
    reader: impl Read,
    path: &Path,
    accept: &mut dyn FnMut(usize, ParsedRecord),
) -> Result<()> {
    struct Elements<'a>(&'a mut dyn FnMut(usize, ParsedRecord));
    impl<'de> Visitor<'de> for Elements<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON array of game records")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let mut index = 0;
            while let Some(value) = seq.next_element::<serde_json::Value>()? {
                index += 1;
                let mut warnings = Vec::new();
                let game =
                    catalogue::parse_game_value(&value, &mut warnings).map_err(|e| e.to_string());
                (self.0)(index, ParsedRecord { game, warnings });
            }
            Ok(())
        }
    }
    let mut de = serde_json::Deserializer::from_reader(reader);
    de.deserialize_seq(Elements(accept))
        .with_context(|| format!("{}: not a valid JSON array", path.display()))?;
    Ok(())
}

fn starts_with_array(reader: &mut impl BufRead) -> Result<bool> {
    loop {
        let buf = reader.fill_buf()?;
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => {
                let is_array = buf[i] == b'[';
                reader.consume(i);
                return Ok(is_array);
            }
            None if buf.is_empty() => return Ok(false),
            None => {
                let len = buf.len();
                reader.consume(len);
            }
        }
    }
}

/// Opens a file, decompressing `.gz` and `.zst` by extension; progress counts raw bytes read.
pub fn open_decompressed(path: &Path, bar: ProgressBar) -> Result<Box<dyn Read + Send>> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let counted = bar.wrap_read(file);
    let name = path.to_string_lossy();
    Ok(if name.ends_with(".zst") {
        let mut decoder = zstd::Decoder::new(counted)
            .with_context(|| format!("{}: not a zstd stream", path.display()))?;
        decoder.window_log_max(31)?;
        Box::new(decoder)
    } else if name.ends_with(".gz") {
        Box::new(flate2::read::MultiGzDecoder::new(counted))
    } else {
        Box::new(counted)
    })
}

fn progress_bar(total: u64, path: &Path) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total), indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar.set_message(format!("reading {}", path.display()));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn reads_jsonl_gz_and_arrays_and_reports_bad_lines() {
        let dir = tempfile::tempdir().unwrap();
        let jsonl = write(
            dir.path(),
            "a.jsonl",
            b"{\"igdb_id\":1,\"name\":\"A\"}\n\n{broken\n{\"igdb_id\":2}\n{\"igdb_id\":1,\"name\":\"again\"}\n",
        );
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"{\"id\":3,\"name\":\"C\",\"genres\":[{\"name\":\"Indie\"}]}\n")
            .unwrap();
        let gz = write(dir.path(), "b.jsonl.gz", &gz.finish().unwrap());
        let array = write(
            dir.path(),
            "c.json",
            b" [{\"igdb_id\":4,\"name\":\"D\"}, 7]",
        );
        let (games, report) = read_games(&[jsonl.clone(), gz, array], false).unwrap();
        let ids: Vec<u64> = games.iter().map(|g| g.igdb_id).collect();
        assert_eq!(ids, vec![1, 3, 4]);
        assert_eq!(report.skipped, 4);
        assert_eq!(report.duplicates, 1);
        let text = report.summary();
        assert!(text.contains("a.jsonl:3: malformed JSON"), "{text}");
        assert!(
            text.contains("a.jsonl:4: field `name`: is missing"),
            "{text}"
        );
        assert!(
            text.contains("c.json:2: record is not a JSON object"),
            "{text}"
        );
        assert!(
            read_games(&[jsonl], true).is_err(),
            "--strict fails on any skipped record"
        );
    }

    #[test]
    fn a_truncated_array_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "cut.json",
            b"[{\"igdb_id\":4,\"name\":\"D\"}, {\"igdb_",
        );
        let err = read_games(&[path], false).unwrap_err();
        assert!(format!("{err:#}").contains("cut.json"), "{err:#}");
    }

    #[test]
    fn a_missing_file_is_an_error_naming_it() {
        let err = read_games(&[PathBuf::from("/nonexistent/x.jsonl")], false).unwrap_err();
        assert!(format!("{err:#}").contains("/nonexistent/x.jsonl"));
    }
}
