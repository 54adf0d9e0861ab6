//! Reading catalogue files: `.jsonl` or `.json` arrays, plain, `.gz` or `.zst`, streamed.
//!
//! Every record goes through `playlike_core::catalogue`. A bad record never stops the run:
//! it is skipped and counted, and the report names file, line and reason. `--strict` turns
//! any skipped record into a failure. Duplicate ids keep the first record.
//!
//! Memory stays bounded whatever the input: a JSONL line longer than `max_record_bytes` is
//! skipped as a bad record without being held, and a JSON array element that long stops
//! the file with an error naming it. Compression is recognised by its magic bytes; a file
//! whose extension promises gzip or zstd but holds something else, a corrupt stream and a
//! file with no records are errors naming the file.

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use playlike_core::catalogue::{self, Game, Warning};
use rayon::prelude::*;
use serde::de::{Deserializer, SeqAccess, Visitor};

/// Lines parsed per parallel batch.
const BATCH_LINES: usize = 8192;
/// Longest record read by default: about 60 times the longest in the IGDB dump (16 KB).
pub const DEFAULT_MAX_RECORD_BYTES: usize = 1 << 20;
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];
/// Largest zstd window accepted (128 MiB: the dump's, and the most `zstd --long` or level 22
/// ask for); a frame demanding more is refused rather than allocated.
const ZSTD_WINDOW_LOG_MAX: u32 = 27;

/// How catalogue files are read.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// Fail on any skipped record instead of reporting it.
    pub strict: bool,
    /// Longest record (JSONL line or array element) accepted, in bytes.
    pub max_record_bytes: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            strict: false,
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
        }
    }
}
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
pub fn read_games(paths: &[PathBuf], options: ReadOptions) -> Result<(Vec<Game>, IngestReport)> {
    let mut report = IngestReport::default();
    let mut games = Vec::new();
    let mut seen: HashMap<u64, (usize, usize)> = HashMap::new();
    for (file_index, path) in paths.iter().enumerate() {
        let records_before = report.records;
        let mut accept = |line: usize, parsed: ParsedRecord, report: &mut IngestReport| {
            report.records += 1;
            for Warning::UnknownField(field) in parsed.warnings {
                *report.unknown_fields.entry(field).or_default() += 1;
            }
            let game = match parsed.game {
                Ok(game) => game,
                Err(reason) => return report.skip(Problem::new(path, line, reason)),
            };
            if let Some(&(f, l)) = seen.get(&game.igdb_id) {
                report.duplicates += 1;
                let first = format!("{}:{l}", paths[f].display());
                let reason = format!("duplicate id: {} already read at {first}", game.igdb_id);
                report.skip(Problem::new(path, line, reason));
            } else {
                seen.insert(game.igdb_id, (file_index, line));
                games.push(game);
            }
        };
        read_file(path, options.max_record_bytes, &mut |line, parsed| {
            accept(line, parsed, &mut report)
        })?;
        if report.records == records_before {
            bail!("{}: no records (the file is empty)", path.display());
        }
    }
    if options.strict && report.skipped > 0 {
        bail!("--strict: {}", report.summary());
    }
    Ok((games, report))
}

/// Streams one file's records to `accept`, as JSONL or as one JSON array.
fn read_file(
    path: &Path,
    max_record_bytes: usize,
    accept: &mut dyn FnMut(usize, ParsedRecord),
) -> Result<()> {
    let total = std::fs::metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    let bar = progress_bar(total, path);
    let reader = open_decompressed(path, bar.clone())?;
    let mut reader = BufReader::with_capacity(1 << 20, reader);
    let is_array = starts_with_array(&mut reader)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    if is_array {
        read_array(reader, path, max_record_bytes, accept)?;
    } else {
        read_lines(reader, path, max_record_bytes, accept)?;
    }
    bar.finish_and_clear();
    Ok(())
}

struct ParsedRecord {
    game: Result<Game, String>,
    warnings: Vec<Warning>,
}

impl Problem {
    fn new(file: &Path, line: usize, reason: String) -> Problem {
        Problem {
            file: file.to_path_buf(),
            line,
            reason,
        }
    }
}

/// A line of JSONL: its bytes, or why it was not kept.
type RawLine = Result<Vec<u8>, String>;

fn parse_line(line: &RawLine) -> ParsedRecord {
    let mut warnings = Vec::new();
    let game = match line.as_deref().map(std::str::from_utf8) {
        Err(reason) => Err(reason.clone()),
        Ok(Ok(text)) => catalogue::parse_game_line(text, &mut warnings).map_err(|e| e.to_string()),
        Ok(Err(e)) => Err(format!("invalid UTF-8: {e}")),
    };
    ParsedRecord { game, warnings }
}

/// What [`read_bounded_line`] found.
enum LineRead {
    End,
    /// A line (in the buffer), possibly without a final newline.
    Line,
    /// A line longer than the limit, of this many bytes; the buffer holds none of it.
    TooLong(u64),
}

/// Reads one line into `line` (newline included), never holding more than `limit` bytes of
/// it: a longer line is read to its end and dropped.
fn read_bounded_line(
    reader: &mut impl BufRead,
    limit: usize,
    line: &mut Vec<u8>,
) -> std::io::Result<LineRead> {
    line.clear();
    let mut length = 0u64;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        let (chunk, ends) = match buf.iter().position(|&b| b == b'\n') {
            Some(at) => (&buf[..=at], true),
            None => (buf, false),
        };
        length += chunk.len() as u64;
        if length <= limit as u64 + 1 {
            line.extend_from_slice(chunk);
        } else {
            line.clear();
        }
        let used = chunk.len();
        reader.consume(used);
        if ends {
            break;
        }
    }
    Ok(match length {
        0 => LineRead::End,
        n if n > limit as u64 + 1 => LineRead::TooLong(n),
        _ => LineRead::Line,
    })
}

/// JSON Lines: parsed in parallel batches, reported in order. Blank lines are ignored.
fn read_lines(
    mut reader: impl BufRead,
    path: &Path,
    max_record_bytes: usize,
    accept: &mut dyn FnMut(usize, ParsedRecord),
) -> Result<()> {
    let mut line_number = 0;
    let mut line = Vec::new();
    loop {
        let mut batch: Vec<(usize, RawLine)> = Vec::with_capacity(BATCH_LINES);
        while batch.len() < BATCH_LINES {
            let read =
                read_bounded_line(&mut reader, max_record_bytes, &mut line).with_context(|| {
                    format!("{}: read failed after line {line_number}", path.display())
                })?;
            line_number += 1;
            match read {
                LineRead::End => break,
                LineRead::TooLong(bytes) => batch.push((
                    line_number,
                    Err(format!(
                        "record longer than {max_record_bytes} bytes (raise \
                         --max-record-bytes): {bytes} bytes"
                    )),
                )),
                LineRead::Line if line.iter().all(u8::is_ascii_whitespace) => {}
                LineRead::Line => batch.push((line_number, Ok(std::mem::take(&mut line)))),
            }
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

/// Bytes read since the current array element began, shared by the reader that counts them
/// and the visitor that starts each element.
#[derive(Default)]
struct ElementBudget {
    element: Cell<usize>,
    used: Cell<u64>,
}

/// A reader that fails once one array element has taken more than `limit` bytes.
struct Budgeted<R> {
    inner: R,
    budget: Rc<ElementBudget>,
    limit: u64,
}

impl<R: Read> Read for Budgeted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buf)?;
        let used = self.budget.used.get() + read as u64;
        self.budget.used.set(used);
        if used > self.limit {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "element {} is longer than {} bytes (raise --max-record-bytes)",
                    self.budget.element.get(),
                    self.limit
                ),
            ));
        }
        Ok(read)
    }
}

/// A JSON array of records, streamed element by element (numbered from 1).
fn read_array(
    reader: impl Read,
    path: &Path,
    max_record_bytes: usize,
    accept: &mut dyn FnMut(usize, ParsedRecord),
) -> Result<()> {
    struct Elements<'a> {
        accept: &'a mut dyn FnMut(usize, ParsedRecord),
        budget: Rc<ElementBudget>,
    }
    impl<'de> Visitor<'de> for Elements<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON array of game records")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let mut index = 0;
            loop {
                self.budget.element.set(index + 1);
                self.budget.used.set(0);
                let Some(value) = seq.next_element::<serde_json::Value>()? else {
                    return Ok(());
                };
                index += 1;
                let mut warnings = Vec::new();
                let game =
                    catalogue::parse_game_value(&value, &mut warnings).map_err(|e| e.to_string());
                (self.accept)(index, ParsedRecord { game, warnings });
            }
        }
    }
    let budget = Rc::new(ElementBudget::default());
    let budgeted = Budgeted {
        inner: reader,
        budget: budget.clone(),
        limit: max_record_bytes as u64,
    };
    let mut de = serde_json::Deserializer::from_reader(budgeted);
    de.deserialize_seq(Elements { accept, budget })
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

/// Opens a file, decompressing gzip and zstd by their magic bytes; a `.gz` or `.zst` name
/// must hold what it says. Progress counts the bytes read from disk.
pub fn open_decompressed(path: &Path, bar: ProgressBar) -> Result<Box<dyn Read + Send>> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut file = BufReader::new(bar.wrap_read(file));
    let head = file
        .fill_buf()
        .with_context(|| format!("cannot read {}", path.display()))?;
    if head.is_empty() {
        bail!("{}: the file is empty", path.display());
    }
    let (gzip, zstd) = (head.starts_with(&GZIP_MAGIC), head.starts_with(&ZSTD_MAGIC));
    let name = path.to_string_lossy();
    for (extension, holds_it, what) in [(".gz", gzip, "gzip"), (".zst", zstd, "zstd")] {
        if name.ends_with(extension) && !holds_it {
            bail!(
                "{}: not a {what} stream (the name ends in {extension}, the bytes do not)",
                path.display()
            );
        }
    }
    Ok(if zstd {
        let mut decoder = zstd::Decoder::with_buffer(file)
            .with_context(|| format!("{}: not a zstd stream", path.display()))?;
        decoder.window_log_max(ZSTD_WINDOW_LOG_MAX)?;
        Box::new(decoder)
    } else if gzip {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
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
        let (games, report) =
            read_games(&[jsonl.clone(), gz, array], ReadOptions::default()).unwrap();
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
            read_games(
                &[jsonl],
                ReadOptions {
                    strict: true,
                    ..ReadOptions::default()
                }
            )
            .is_err(),
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
        let err = read_games(&[path], ReadOptions::default()).unwrap_err();
        assert!(format!("{err:#}").contains("cut.json"), "{err:#}");
    }

    #[test]
    fn a_missing_file_is_an_error_naming_it() {
        let err = read_games(
            &[PathBuf::from("/nonexistent/x.jsonl")],
            ReadOptions::default(),
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("/nonexistent/x.jsonl"));
    }

    fn small_records() -> ReadOptions {
        ReadOptions {
            strict: false,
            max_record_bytes: 1000,
        }
    }

    /// A 50 KB `.zst` holding one 1.5 GB line once aborted the build on allocation.
    #[test]
    fn an_overlong_line_is_a_bad_record_and_is_never_held() {
        let dir = tempfile::tempdir().unwrap();
        let huge = format!("{{\"igdb_id\":2,\"name\":\"{}\"}}\n", "x".repeat(5_000_000));
        let lines =
            format!("{{\"igdb_id\":1,\"name\":\"A\"}}\n{huge}{{\"igdb_id\":3,\"name\":\"C\"}}");
        let zst = zstd::encode_all(lines.as_bytes(), 19).unwrap();
        assert!(zst.len() < 1000, "{} bytes", zst.len());
        let path = write(dir.path(), "bomb.jsonl.zst", &zst);
        let (games, report) = read_games(&[path], small_records()).unwrap();
        let ids: Vec<u64> = games.iter().map(|g| g.igdb_id).collect();
        assert_eq!(ids, vec![1, 3], "the line after the long one is read");
        let text = report.summary();
        assert!(
            text.contains(
                "bomb.jsonl.zst:2: record longer than 1000 bytes (raise --max-record-bytes): 5000024 bytes"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_line_at_the_limit_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let record = format!("{{\"igdb_id\":1,\"name\":\"{}\"}}", "y".repeat(100));
        let options = ReadOptions {
            strict: true,
            max_record_bytes: record.len(),
        };
        let path = write(
            dir.path(),
            "edge.jsonl",
            format!("{record}\n{record}").as_bytes(),
        );
        let err = read_games(std::slice::from_ref(&path), options).unwrap_err();
        assert!(format!("{err:#}").contains("duplicate id"), "{err:#}");
        let shorter = ReadOptions {
            max_record_bytes: record.len() - 1,
            ..options
        };
        let err = read_games(&[path], shorter).unwrap_err();
        assert!(
            format!("{err:#}").contains("edge.jsonl:1: record longer"),
            "{err:#}"
        );
    }

    #[test]
    fn an_overlong_array_element_stops_the_file_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let array = format!(
            "[{{\"igdb_id\":1,\"name\":\"A\"}}, {{\"igdb_id\":2,\"name\":\"{}\"}}]",
            "x".repeat(5000)
        );
        let path = write(dir.path(), "big.json", array.as_bytes());
        let err = format!("{:#}", read_games(&[path], small_records()).unwrap_err());
        assert!(
            err.contains("big.json: not a valid JSON array")
                && err.contains("element 2 is longer than 1000 bytes"),
            "{err}"
        );
    }

    #[test]
    fn empty_and_mislabelled_inputs_are_errors_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"{\"igdb_id\":1,\"name\":\"A\"}\n").unwrap();
        let gz = gz.finish().unwrap();
        let mut cut_gz = gz.clone();
        cut_gz.truncate(gz.len() / 2);
        let cases: [(&str, &[u8], &str); 7] = [
            ("empty.jsonl", b"", "empty.jsonl: the file is empty"),
            ("blank.jsonl", b"\n \n", "blank.jsonl: no records"),
            (
                "plain.jsonl.gz",
                b"{}\n",
                "plain.jsonl.gz: not a gzip stream",
            ),
            ("gzip.jsonl.zst", &gz, "gzip.jsonl.zst: not a zstd stream"),
            ("empty.jsonl.zst", b"", "empty.jsonl.zst: the file is empty"),
            ("cut.jsonl.gz", &cut_gz, "cut.jsonl.gz"),
            ("bad.jsonl.zst", b"\x28\xb5\x2f\xfdgarbage", "bad.jsonl.zst"),
        ];
        for (name, bytes, expected) in cases {
            let path = write(dir.path(), name, bytes);
            let err = format!(
                "{:#}",
                read_games(&[path], ReadOptions::default()).unwrap_err()
            );
            assert!(err.contains(expected), "{name}: {err}");
        }
        // Compression is recognised by its bytes, whatever the name.
        let path = write(dir.path(), "really-gzip.jsonl", &gz);
        let (games, _) = read_games(&[path], ReadOptions::default()).unwrap();
        assert_eq!(games.len(), 1);
    }

    #[test]
    fn a_zstd_frame_asking_for_a_huge_window_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut encoder = zstd::stream::Encoder::new(Vec::new(), 3).unwrap();
        encoder.window_log(30).unwrap();
        encoder.include_contentsize(false).unwrap();
        encoder
            .write_all(b"{\"igdb_id\":1,\"name\":\"A\"}\n")
            .unwrap();
        let path = write(dir.path(), "wide.jsonl.zst", &encoder.finish().unwrap());
        let err = format!(
            "{:#}",
            read_games(&[path], ReadOptions::default()).unwrap_err()
        );
        assert!(err.contains("wide.jsonl.zst"), "{err}");
    }
}
