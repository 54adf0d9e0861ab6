//! `playlike fetch`: download the IGDB catalogue (API v4) into the JSONL snapshot that
//! `playlike build` reads.
//!
//! How a run goes:
//! 1. Get a Twitch app token ([`twitch`]; cached on disk, refreshed on 401).
//! 2. Ask `/games/count` and the largest id for the query, and cut the id space into chunks
//!    ([`checkpoint::Plan`]), or resume the plan of an interrupted run.
//! 3. Up to `--concurrency` (≤ 8, IGDB's in-flight limit) workers page through chunks with
//!    `fields …; where id > LAST & id <= HI; sort id asc; limit 500;`, every request start
//!    paced to `--rate` (≤ 4/s, IGDB's limit) by a shared [`retry::Pacer`], throttling
//!    (429), server errors and timeouts retried with jittered exponential backoff. Each page
//!    lands in the checkpoint directory before the next is asked for.
//! 4. When every chunk is done, the pages (already id-ordered) are streamed into the snapshot
//!    — merged into the previous one for `--since` — written atomically, and the checkpoint
//!    is deleted.
//!
//! HTTP client: `ureq`, blocking. The work is a few hundred large requests limited to 4/s and
//! 8 in flight, which a handful of threads serve exactly; an async runtime would add a large
//! dependency and colour every function for no throughput gain. The same client serves the
//! GCS JSON API in `publish`.

pub(crate) mod checkpoint;
pub(crate) mod retry;
pub(crate) mod snapshot;
pub(crate) mod twitch;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde_json::value::RawValue;

use checkpoint::{Checkpoint, Plan, RunLock};
use retry::{call_with_retries, Backoff, Pacer};
use snapshot::{merge_sorted, write_atomically, MergeError, SnapshotError, SnapshotReader};
use twitch::{Credentials, TokenSource};

/// Expanded fields requested for every game: everything `playlike_core::catalogue` reads.
pub const GAME_FIELDS: &str = "name, summary, genres.name, themes.name, keywords.name, \
platforms.name, involved_companies.company.name, involved_companies.developer, \
involved_companies.publisher, first_release_date, aggregated_rating, total_rating, \
total_rating_count, hypes, cover.image_id, collections.name, franchises.name, game_modes.name, \
player_perspectives.name, game_type, category, parent_game, version_parent, similar_games, \
websites.url, alternative_names.name, slug, updated_at";

/// Download the catalogue from the IGDB API v4 into JSONL.
#[derive(clap::Args, Debug)]
pub struct FetchArgs {
    /// Snapshot to write (JSONL, sorted by id; replaced atomically). With --since, the
    /// existing snapshot at this path is the one merged into.
    #[arg(long, short, default_value = "igdb-games.jsonl")]
    pub out: PathBuf,
    /// Incremental pull: only games with `updated_at` at or after this time (YYYY-MM-DD,
    /// YYYY-MM-DDTHH:MM:SSZ, Unix seconds, or `auto` for the newest `updated_at` already in
    /// the snapshot), merged into the existing snapshot.
    #[arg(long)]
    pub since: Option<String>,
    /// IGDB API base URL.
    #[arg(long, default_value = "https://api.igdb.com/v4")]
    pub api_base: String,
    /// Twitch OAuth token endpoint.
    #[arg(long, default_value = "https://id.twitch.tv/oauth2/token")]
    pub token_url: String,
    /// KEY=VALUE file with TWITCH_CLIENT_ID / TWITCH_CLIENT_SECRET (the environment wins).
    /// Default: ~/.config/playlike/igdb.env.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Where to cache the app access token. Default: ~/.cache/playlike/twitch-token.json.
    #[arg(long)]
    pub token_cache: Option<PathBuf>,
    /// Do not read or write the token cache.
    #[arg(long)]
    pub no_token_cache: bool,
    /// Request starts per second (IGDB allows 4).
    #[arg(long, default_value_t = 4.0)]
    pub rate: f64,
    /// Requests in flight at once (IGDB allows 8).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=8))]
    pub concurrency: u16,
    /// Games per request (IGDB's maximum is 500).
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=500))]
    pub page_size: u32,
    /// Retries per request for throttling, server errors and timeouts.
    #[arg(long, default_value_t = 8)]
    pub max_retries: u32,
    /// First retry delay in milliseconds (doubles per retry, capped at 30 s, jittered).
    #[arg(long, default_value_t = 500)]
    pub retry_base_ms: u64,
    /// Timeout for one request, in seconds.
    #[arg(long, default_value_t = 60)]
    pub timeout_secs: u64,
    /// Checkpoint directory. Default: `<out>.fetch` next to the snapshot.
    #[arg(long)]
    pub checkpoint: Option<PathBuf>,
    /// Ignore any checkpoint and start from scratch.
    #[arg(long)]
    pub restart: bool,
}

/// Counters shown in the final summary.
#[derive(Default)]
struct Stats {
    requests: AtomicU64,
    retries: AtomicU64,
    rejected_tokens: AtomicU64,
}

/// The IGDB API as this run uses it.
struct Igdb {
    agent: ureq::Agent,
    api_base: String,
    tokens: TokenSource,
    pacer: Pacer,
    backoff: Backoff,
    stats: Stats,
}

impl Igdb {
    /// POSTs an Apicalypse query to `/{endpoint}` and returns the body, retrying transient
    /// failures and refreshing the token on 401.
    fn query(&self, endpoint: &str, body: &str) -> anyhow::Result<Vec<u8>> {
        let url = format!("{}/{endpoint}", self.api_base.trim_end_matches('/'));
        let mut rejected = 0;
        loop {
            let token = self.tokens.get()?;
            let auth = format!("Bearer {}", token.value);
            let reply = call_with_retries(
                &format!("POST {url}"),
                &self.backoff,
                Some(&self.pacer),
                || {
                    self.stats.requests.fetch_add(1, Ordering::Relaxed);
                    self.agent
                        .post(&url)
                        .header("Client-ID", self.tokens.client_id())
                        .header("Authorization", &auth)
                        .header("Accept", "application/json")
                        .content_type("text/plain")
                        .send(body)
                },
                |_| {
                    self.stats.retries.fetch_add(1, Ordering::Relaxed);
                },
            )?;
            match reply.status {
                200 => return Ok(reply.body),
                401 if rejected < 2 => {
                    rejected += 1;
                    self.stats.rejected_tokens.fetch_add(1, Ordering::Relaxed);
                    self.tokens.invalidate(&token);
                }
                status => bail!(
                    "IGDB answered HTTP {status} to POST {url} (query `{}`): {}",
                    body.trim(),
                    reply.snippet()
                ),
            }
        }
    }

    fn count(&self, filter: &str) -> anyhow::Result<u64> {
        #[derive(serde::Deserialize)]
        struct Count {
            count: u64,
        }
        let body = self.query("games/count", &format!("where {filter};"))?;
        let count: Count = serde_json::from_slice(&body).with_context(|| {
            format!(
                "IGDB games/count: expected {{\"count\": N}}, got `{}`",
                String::from_utf8_lossy(&body)
            )
        })?;
        Ok(count.count)
    }

    fn max_id(&self, filter: &str) -> anyhow::Result<u64> {
        let body = self.query(
            "games",
            &format!("fields id; where {filter}; sort id desc; limit 1;"),
        )?;
        let records = parse_page(&body).context("IGDB games (largest id)")?;
        Ok(records.first().map_or(0, |(id, _)| *id))
    }
}

/// Parses a page: a JSON array of objects, each with a numeric `id`. Returns `(id, record)`
/// with each record minified onto one line, its fields otherwise exactly as returned.
fn parse_page(body: &[u8]) -> anyhow::Result<Vec<(u64, String)>> {
    let raw: Vec<&RawValue> = serde_json::from_slice(body).map_err(|e| {
        anyhow!(
            "expected a JSON array of game records ({e}); got `{}`",
            String::from_utf8_lossy(&body[..body.len().min(300)])
        )
    })?;
    raw.into_iter()
        .map(|r| {
            let line = minify_json(r.get());
            let id = snapshot::record_id(&line)
                .map_err(|e| anyhow!("a game record has no numeric id ({e}): {line}"))?;
            Ok((id, line))
        })
        .collect()
}

/// Removes insignificant whitespace from valid JSON text (IGDB pretty-prints its replies).
fn minify_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

fn resolve_since(args: &FetchArgs) -> anyhow::Result<Option<i64>> {
    let Some(text) = args.since.as_deref() else {
        return Ok(None);
    };
    if !args.out.exists() {
        bail!(
            "--since needs the previous snapshot at {} to merge into; run a full fetch first",
            args.out.display()
        );
    }
    if text == "auto" {
        let newest = snapshot::max_updated_at(&args.out)?.with_context(|| {
            format!(
                "--since auto: no record in {} has updated_at",
                args.out.display()
            )
        })?;
        return Ok(Some(newest));
    }
    snapshot::parse_since(text).map(Some).with_context(|| {
        format!(
            "--since `{text}`: expected YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ, Unix seconds or `auto`"
        )
    })
}

pub fn run(args: FetchArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    retry::require_tls(&args.api_base, "--api-base").map_err(anyhow::Error::msg)?;
    retry::require_tls(&args.token_url, "--token-url").map_err(anyhow::Error::msg)?;
    let since = resolve_since(&args)?;
    let igdb = Igdb::connect(&args)?;
    let filter = match since {
        Some(t) => format!("id > 0 & updated_at >= {t}"),
        None => "id > 0".to_string(),
    };
    let checkpoint_dir = args
        .checkpoint
        .clone()
        .unwrap_or_else(|| sibling(&args.out, ".fetch"));
    let fields = GAME_FIELDS.split_whitespace().collect::<Vec<_>>().join(" ");
    let _lock = RunLock::acquire(&checkpoint_dir)?;
    let plan = plan_or_resume(&igdb, &args, &checkpoint_dir, &fields, &filter, since)?;
    let (cp, plan, resumed) = Checkpoint::open(&checkpoint_dir, plan, args.restart)?;
    let got = Chunks::new(&igdb, &cp, &plan, &filter, &fields, resumed)?
        .fetch_all(usize::from(args.concurrency))?;
    let written = write_snapshot(&args, cp, since)?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "fetched {got} games in {secs:.1}s ({:.0} games/s; {} requests, {} retries, {} tokens minted, {} rejected) → {}: {} games ({} new, {} updated, {} kept)",
        got as f64 / secs.max(0.001),
        igdb.stats.requests.load(Ordering::Relaxed),
        igdb.stats.retries.load(Ordering::Relaxed),
        igdb.tokens.refreshes(),
        igdb.stats.rejected_tokens.load(Ordering::Relaxed),
        args.out.display(),
        written.written,
        written.added,
        written.replaced,
        written.kept,
    );
    Ok(())
}

impl Igdb {
    /// The client for a run: credentials, HTTP agent, retry policy, pacing, token cache.
    fn connect(args: &FetchArgs) -> anyhow::Result<Igdb> {
        let config = args
            .config
            .clone()
            .unwrap_or_else(twitch::default_config_path);
        let creds = Credentials::load(&config)?;
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(args.timeout_secs.max(1))))
            .timeout_connect(Some(Duration::from_secs(10)))
            .max_idle_connections_per_host(usize::from(args.concurrency) + 1)
            .user_agent(concat!("playlike/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        let backoff = Backoff {
            base: Duration::from_millis(args.retry_base_ms),
            max_retries: args.max_retries,
            ..Backoff::default()
        };
        let cache = (!args.no_token_cache).then(|| {
            args.token_cache
                .clone()
                .unwrap_or_else(twitch::default_token_cache)
        });
        Ok(Igdb {
            tokens: TokenSource::new(creds, args.token_url.clone(), cache, agent.clone(), backoff),
            agent,
            api_base: args.api_base.clone(),
            pacer: Pacer::new(args.rate),
            backoff,
            stats: Stats::default(),
        })
    }
}

/// The checkpoint's plan when it holds this very query (a resumed run); otherwise a new one
/// from the API's count and largest id.
fn plan_or_resume(
    igdb: &Igdb,
    args: &FetchArgs,
    checkpoint_dir: &Path,
    fields: &str,
    filter: &str,
    since: Option<i64>,
) -> anyhow::Result<Plan> {
    let probe = Plan::new(fields, args.page_size, since, 0, 0);
    let stored = (!args.restart)
        .then(|| std::fs::read(checkpoint_dir.join("plan.json")).ok())
        .flatten()
        .and_then(|b| serde_json::from_slice::<Plan>(&b).ok())
        .filter(|p| p.same_query(&probe));
    if let Some(plan) = stored {
        return Ok(plan);
    }
    let total = igdb.count(filter)?;
    let max_id = if total == 0 { 0 } else { igdb.max_id(filter)? };
    Ok(Plan::new(fields, args.page_size, since, total, max_id))
}

/// The chunks of a run and what fetching them shares: the client, the checkpoint, the
/// query, each chunk's progress, and a flag that stops every chunk once one has failed.
struct Chunks<'a> {
    igdb: &'a Igdb,
    cp: &'a Checkpoint,
    plan: &'a Plan,
    filter: &'a str,
    fields: &'a str,
    states: Mutex<Vec<checkpoint::ChunkState>>,
    failed: AtomicBool,
    bar: ProgressBar,
    fetched_now: AtomicU64,
}

impl<'a> Chunks<'a> {
    fn new(
        igdb: &'a Igdb,
        cp: &'a Checkpoint,
        plan: &'a Plan,
        filter: &'a str,
        fields: &'a str,
        resumed: bool,
    ) -> anyhow::Result<Chunks<'a>> {
        let (states, already) = cp.state(plan)?;
        if resumed {
            let done = states.iter().filter(|s| s.done).count();
            eprintln!(
                "resuming {}: {already} games in hand, {done}/{} chunks done",
                cp.dir().display(),
                states.len()
            );
        }
        let bar = ProgressBar::new(plan.total.max(already));
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} games ({per_sec}, ETA {eta})",
            )
            .expect("valid template"),
        );
        bar.set_position(already);
        bar.reset_eta();
        Ok(Chunks {
            igdb,
            cp,
            plan,
            filter,
            fields,
            states: Mutex::new(states),
            failed: AtomicBool::new(false),
            bar,
            fetched_now: AtomicU64::new(0),
        })
    }

    /// Fetches every unfinished chunk, `concurrency` at a time; returns the games fetched.
    fn fetch_all(&self, concurrency: usize) -> anyhow::Result<u64> {
        let pending: Vec<usize> = (self.states.lock().expect("state lock").iter())
            .enumerate()
            .filter(|(_, s)| !s.done)
            .map(|(i, _)| i)
            .collect();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(concurrency.max(1))
            .build()?;
        let result = pool.install(|| {
            pending.par_iter().try_for_each(|&i| {
                self.fetch_chunk(i).inspect_err(|_| {
                    self.failed.store(true, Ordering::Relaxed);
                })
            })
        });
        self.bar.finish_and_clear();
        result.map_err(|e| {
            e.context(format!(
                "fetch interrupted; progress is kept in {} and the next run resumes from it",
                self.cp.dir().display()
            ))
        })?;
        Ok(self.fetched_now.load(Ordering::Relaxed))
    }

    /// Pages through chunk `i` from its cursor to its end, storing every page.
    fn fetch_chunk(&self, i: usize) -> anyhow::Result<()> {
        let chunk = self.plan.chunks[i];
        let mut state = self.states.lock().expect("state lock")[i];
        while !state.done {
            if self.failed.load(Ordering::Relaxed) {
                return Ok(());
            }
            let upper = chunk
                .hi
                .map(|hi| format!(" & id <= {hi}"))
                .unwrap_or_default();
            let query = format!(
                "fields {}; where {} & id > {}{upper}; sort id asc; limit {};",
                self.fields, self.filter, state.cursor, self.plan.page_size
            );
            let body = self.igdb.query("games", &query)?;
            let records = parse_page(&body).context("IGDB games page")?;
            // The server must honour the range and order; anything else would corrupt the
            // merge.
            let mut last = state.cursor;
            for (id, _) in &records {
                let in_range = *id > last && chunk.hi.is_none_or(|hi| *id <= hi);
                if !in_range {
                    bail!(
                        "IGDB returned id {id} for query `{query}`: expected ascending ids after {last}{upper}"
                    );
                }
                last = *id;
            }
            let lines: Vec<String> = records.into_iter().map(|(_, l)| l).collect();
            self.cp.write_page(i, state.pages, &lines)?;
            state.pages += 1;
            state.cursor = last;
            state.done = (lines.len() as u64) < u64::from(self.plan.page_size);
            self.states.lock().expect("state lock")[i] = state;
            self.progress(lines.len() as u64);
        }
        Ok(())
    }

    fn progress(&self, games: u64) {
        self.fetched_now.fetch_add(games, Ordering::Relaxed);
        self.bar.inc(games);
        if self.bar.position() > self.bar.length().unwrap_or(0) {
            self.bar.set_length(self.bar.position());
        }
    }
}

/// Assembles the snapshot from the pages, merged into the previous one for `--since`,
/// checking each fresh record with the parser `playlike build` uses (reported, not dropped:
/// the snapshot keeps what the API returned). Removes the checkpoint once written.
fn write_snapshot(
    args: &FetchArgs,
    cp: Checkpoint,
    since: Option<i64>,
) -> anyhow::Result<snapshot::MergeStats> {
    let rejected = Mutex::new((0u64, None::<String>));
    let fresh = cp.records()?.inspect(|item| {
        if let Ok((id, line)) = item {
            let mut warnings = Vec::new();
            if let Err(e) = playlike_core::catalogue::parse_game_line(line, &mut warnings) {
                let mut r = rejected.lock().expect("rejected lock");
                r.0 += 1;
                r.1.get_or_insert_with(|| format!("id {id}: {e}"));
            }
        }
    });
    let stats = write_atomically(&args.out, |w| {
        let result = if since.is_some() {
            merge_sorted(SnapshotReader::open(&args.out)?, fresh, w)
        } else {
            merge_sorted(std::iter::empty(), fresh, w)
        };
        result.map_err(|e| match e {
            MergeError::Input(e) => e,
            MergeError::Write(source) => SnapshotError::Io {
                path: args.out.display().to_string(),
                source,
            },
        })
    })?;
    cp.remove()?;
    let (bad, first_bad) = rejected.into_inner().expect("rejected lock");
    if bad > 0 {
        eprintln!(
            "warning: {bad} fetched records would be skipped by `playlike build` (first: {})",
            first_bad.unwrap_or_default()
        );
    }
    Ok(stats)
}

/// `path` with `suffix` appended to its file name.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "snapshot".into());
    name.push(suffix);
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minify_keeps_strings_intact() {
        let pretty = "{\n  \"id\": 1,\n  \"name\": \"A  \\\"b\\\" c\",\n  \"x\": [ 1, 2 ]\n}";
        assert_eq!(
            minify_json(pretty),
            "{\"id\":1,\"name\":\"A  \\\"b\\\" c\",\"x\":[1,2]}"
        );
    }

    #[test]
    fn pages_parse_into_ids_and_lines() {
        let page = parse_page(b"[\n {\"id\": 3, \"name\": \"x\"},\n {\"id\": 5}\n]").unwrap();
        assert_eq!(page[0], (3, "{\"id\":3,\"name\":\"x\"}".to_string()));
        assert_eq!(page[1].0, 5);
        assert!(parse_page(b"{\"message\":\"nope\"}").is_err());
        assert!(parse_page(b"[{\"name\":\"no id\"}]").is_err());
    }

    #[test]
    fn fields_cover_what_the_catalogue_reads() {
        for f in [
            "involved_companies.company.name",
            "cover.image_id",
            "updated_at",
            "websites.url",
            "alternative_names.name",
            "slug",
        ] {
            assert!(GAME_FIELDS.contains(f), "{f}");
        }
    }
}
