//! A mock IGDB + Twitch server on loopback, and helpers to run `playlike fetch` against it.
//!
//! The mock speaks enough of the real protocols to be honest: Twitch client-credentials
//! tokens (form POST), IGDB `POST /v4/games` and `/v4/games/count` with Apicalypse bodies
//! (`fields`, `where` with `&`-joined `id`/`updated_at` comparisons, `sort`, `limit`),
//! `Client-ID` + bearer auth, pretty-printed JSON replies. It can throttle (429), fail (500),
//! revoke tokens (401), slow down, and die.

#![allow(dead_code)] // each test file uses a different subset

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub const CLIENT_ID: &str = "test-client";
pub const CLIENT_SECRET: &str = "test-secret";

/// Misbehaviour knobs of the mock.
#[derive(Clone, Default)]
pub struct Faults {
    /// Every Nth games request is answered 429.
    pub throttle_every: usize,
    /// Every Nth games request is answered 500.
    pub fail_every: usize,
    /// After this many games requests, all issued tokens are revoked (once).
    pub revoke_tokens_after: Option<usize>,
    /// After this many pages served, the server stops listening.
    pub die_after_pages: Option<usize>,
    /// Delay before answering each games request.
    pub delay: Duration,
    /// A fixed body for every token request (answered 200), instead of a fresh token.
    pub token_reply: Option<&'static str>,
}

#[derive(Default)]
pub struct Counters {
    pub games_requests: AtomicUsize,
    pub count_requests: AtomicUsize,
    pub pages_served: AtomicUsize,
    pub records_served: AtomicUsize,
    pub throttled: AtomicUsize,
    pub failed: AtomicUsize,
    pub unauthorized: AtomicUsize,
    pub tokens_minted: AtomicUsize,
    pub in_flight: AtomicUsize,
    pub max_in_flight: AtomicUsize,
    pub starts: Mutex<Vec<Instant>>,
}

pub struct Mock {
    pub url: String,
    pub counters: Arc<Counters>,
    pub stop: Arc<AtomicBool>,
    pub thread: Option<std::thread::JoinHandle<()>>,
}

impl Mock {
    pub fn start(games: Arc<Mutex<Vec<Value>>>, faults: Faults) -> Mock {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind loopback"));
        let url = format!("http://{}", server.server_addr().to_ip().unwrap());
        let counters = Arc::new(Counters::default());
        let stop = Arc::new(AtomicBool::new(false));
        let tokens: Arc<Mutex<HashSet<String>>> = Arc::default();
        let revoked = Arc::new(AtomicBool::new(false));
        let thread = {
            let (counters, stop) = (counters.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut workers = Vec::new();
                while !stop.load(Ordering::SeqCst) {
                    let Ok(Some(request)) = server.recv_timeout(Duration::from_millis(20)) else {
                        continue;
                    };
                    let ctx = (
                        games.clone(),
                        faults.clone(),
                        counters.clone(),
                        tokens.clone(),
                        revoked.clone(),
                        stop.clone(),
                    );
                    workers.push(std::thread::spawn(move || {
                        let (games, faults, counters, tokens, revoked, stop) = ctx;
                        handle(
                            request, &games, &faults, &counters, &tokens, &revoked, &stop,
                        );
                    }));
                }
                for w in workers {
                    let _ = w.join();
                }
                // Dropping the server closes the listener: the "host" is gone.
                server.unblock();
            })
        };
        Mock {
            url,
            counters,
            stop,
            thread: Some(thread),
        }
    }

    pub fn api(&self) -> String {
        format!("{}/v4", self.url)
    }

    pub fn token_url(&self) -> String {
        format!("{}/oauth2/token", self.url)
    }

    pub fn wait_dead(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        self.wait_dead();
    }
}

pub fn respond(request: tiny_http::Request, status: u16, body: String) {
    let response = tiny_http::Response::from_string(body)
        .with_status_code(status)
        .with_header(
            "Content-Type: application/json"
                .parse::<tiny_http::Header>()
                .unwrap(),
        );
    let _ = request.respond(response);
}

pub fn handle(
    mut request: tiny_http::Request,
    games: &Mutex<Vec<Value>>,
    faults: &Faults,
    c: &Counters,
    tokens: &Mutex<HashSet<String>>,
    revoked: &AtomicBool,
    stop: &AtomicBool,
) {
    let mut body = String::new();
    request.as_reader().read_to_string(&mut body).unwrap();
    let path = request.url().to_string();
    if path.starts_with("/oauth2/token") {
        let ok = body.contains(&format!("client_id={CLIENT_ID}"))
            && body.contains(&format!("client_secret={CLIENT_SECRET}"))
            && body.contains("grant_type=client_credentials");
        if !ok {
            return respond(
                request,
                400,
                json!({"message": "invalid client"}).to_string(),
            );
        }
        if let Some(reply) = faults.token_reply {
            return respond(request, 200, reply.into());
        }
        let n = c.tokens_minted.fetch_add(1, Ordering::SeqCst) + 1;
        let token = format!("token-{n}");
        tokens.lock().unwrap().insert(token.clone());
        let reply = json!({"access_token": token, "expires_in": 5_000_000, "token_type": "bearer"});
        return respond(request, 200, reply.to_string());
    }
    if stop.load(Ordering::SeqCst) {
        return; // dying: drop the request unanswered
    }
    let header = |name: &'static str| {
        request
            .headers()
            .iter()
            .find(|h| h.field.equiv(name))
            .map(|h| h.value.as_str().to_string())
    };
    let is_count = path == "/v4/games/count";
    if path != "/v4/games" && !is_count {
        return respond(request, 404, "{}".into());
    }
    let n = c.games_requests.fetch_add(1, Ordering::SeqCst) + 1;
    c.starts.lock().unwrap().push(Instant::now());
    let now = c.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    c.max_in_flight.fetch_max(now, Ordering::SeqCst);
    std::thread::sleep(faults.delay);
    let result = (|| {
        if faults.revoke_tokens_after.is_some_and(|k| n > k)
            && !revoked.swap(true, Ordering::SeqCst)
        {
            tokens.lock().unwrap().clear();
        }
        let bearer = header("Authorization").unwrap_or_default();
        let token_ok = bearer
            .strip_prefix("Bearer ")
            .is_some_and(|t| tokens.lock().unwrap().contains(t));
        if header("Client-ID").as_deref() != Some(CLIENT_ID) || !token_ok {
            c.unauthorized.fetch_add(1, Ordering::SeqCst);
            return (401, json!({"message": "Authorization Failure"}).to_string());
        }
        if faults.throttle_every > 0 && n.is_multiple_of(faults.throttle_every) {
            c.throttled.fetch_add(1, Ordering::SeqCst);
            return (429, json!({"message": "Too Many Requests"}).to_string());
        }
        if faults.fail_every > 0 && n.is_multiple_of(faults.fail_every) {
            c.failed.fetch_add(1, Ordering::SeqCst);
            return (500, json!({"message": "Internal Server Error"}).to_string());
        }
        let q = parse_query(&body);
        let games = games.lock().unwrap();
        let mut hits: Vec<&Value> = games.iter().filter(|g| q.matches(g)).collect();
        if is_count {
            return (200, json!({"count": hits.len()}).to_string());
        }
        hits.sort_by_key(|g| g["id"].as_u64().unwrap());
        if q.desc {
            hits.reverse();
        }
        hits.truncate(q.limit);
        let page: Vec<Value> = hits.into_iter().map(|g| q.project(g)).collect();
        if q.fields != ["id"] {
            c.pages_served.fetch_add(1, Ordering::SeqCst);
            c.records_served.fetch_add(page.len(), Ordering::SeqCst);
        }
        (200, serde_json::to_string_pretty(&page).unwrap())
    })();
    if is_count {
        c.count_requests.fetch_add(1, Ordering::SeqCst);
    }
    c.in_flight.fetch_sub(1, Ordering::SeqCst);
    if result.0 == 200
        && faults
            .die_after_pages
            .is_some_and(|k| c.pages_served.load(Ordering::SeqCst) >= k)
    {
        stop.store(true, Ordering::SeqCst);
    }
    respond(request, result.0, result.1);
}

pub struct Query {
    fields: Vec<String>,
    conds: Vec<(String, String, i64)>,
    desc: bool,
    limit: usize,
}

impl Query {
    /// The record with only the fields asked for (and `id`), as the API answers: an
    /// expanded field (`genres.name`) keeps its top-level object.
    pub fn project(&self, game: &Value) -> Value {
        let asked =
            |key: &str| key == "id" || self.fields.iter().any(|f| f.split('.').next() == Some(key));
        let kept = game
            .as_object()
            .expect("mock games are objects")
            .iter()
            .filter(|(key, _)| asked(key))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        Value::Object(kept)
    }

    pub fn matches(&self, game: &Value) -> bool {
        self.conds.iter().all(|(field, op, v)| {
            let Some(x) = game[field.as_str()].as_i64() else {
                return false;
            };
            match op.as_str() {
                ">" => x > *v,
                ">=" => x >= *v,
                "<" => x < *v,
                "<=" => x <= *v,
                "=" => x == *v,
                other => panic!("mock: unsupported operator {other}"),
            }
        })
    }
}

pub fn parse_query(body: &str) -> Query {
    let mut q = Query {
        fields: vec![],
        conds: vec![],
        desc: false,
        limit: 10,
    };
    for clause in body.split(';').map(str::trim).filter(|c| !c.is_empty()) {
        let (kw, rest) = clause.split_once(' ').expect("clause has a keyword");
        match kw {
            "fields" => q.fields = rest.split(',').map(|f| f.trim().to_string()).collect(),
            "where" => {
                for cond in rest.split('&') {
                    let parts: Vec<&str> = cond.split_whitespace().collect();
                    assert_eq!(parts.len(), 3, "mock: cannot parse condition `{cond}`");
                    q.conds
                        .push((parts[0].into(), parts[1].into(), parts[2].parse().unwrap()));
                }
            }
            "sort" => q.desc = rest.trim() == "id desc",
            "limit" => {
                q.limit = rest.trim().parse().unwrap();
                assert!(q.limit <= 500, "IGDB caps limit at 500");
            }
            other => panic!("mock: unknown clause {other}"),
        }
    }
    q
}

/// A catalogue in the API v4 shape, with sparse ids.
pub fn catalogue(n: usize) -> Vec<Value> {
    let mut games: Vec<Value> = (0..n)
        .map(|i| {
            let id = 1 + i as u64 * 3 + (i as u64 % 7);
            json!({
                "id": id,
                "name": format!("Game {id} \"quoted\"  with  spaces"),
                "summary": format!("A game about {}.\nSecond line.", i % 13),
                "genres": [{"id": 5, "name": "Shooter"}, {"id": 12, "name": "Role-playing (RPG)"}],
                "platforms": [{"id": 6, "name": "PC (Microsoft Windows)"}],
                "involved_companies": [
                    {"id": id * 10, "company": {"id": 70, "name": "Studio Ω"}, "developer": true, "publisher": false}
                ],
                "cover": {"id": id, "image_id": format!("co{id:x}")},
                "first_release_date": 1_000_000_000 + id as i64 * 1000,
                "aggregated_rating": 50.0 + (i % 50) as f64,
                "updated_at": 1_600_000_000 + i as i64,
            })
        })
        .collect();
    games.sort_by_key(|g| g["id"].as_u64().unwrap());
    games
}

pub struct Run {
    pub dir: tempfile::TempDir,
}

impl Run {
    pub fn new() -> Run {
        Run {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn out(&self) -> PathBuf {
        self.dir.path().join("games.jsonl")
    }

    pub fn command(&self, mock: &Mock, extra: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_playlike"));
        cmd.arg("fetch")
            .arg("--out")
            .arg(self.out())
            .arg("--token-cache")
            .arg(self.dir.path().join("token.json"))
            .args(["--retry-base-ms", "5", "--timeout-secs", "5"]);
        // Defaults for the tests, unless the test sets them itself.
        if !extra.contains(&"--api-base") {
            cmd.args(["--api-base", &mock.api()]);
        }
        if !extra.contains(&"--token-url") {
            cmd.args(["--token-url", &mock.token_url()]);
        }
        if !extra.contains(&"--config") {
            cmd.arg("--config")
                .arg(self.dir.path().join("no-such-config.env"));
        }
        if !extra.contains(&"--rate") {
            cmd.args(["--rate", "400"]);
        }
        cmd.args(extra)
            .env("TWITCH_CLIENT_ID", CLIENT_ID)
            .env("TWITCH_CLIENT_SECRET", CLIENT_SECRET);
        cmd
    }

    pub fn fetch(&self, mock: &Mock, extra: &[&str]) -> Output {
        self.command(mock, extra).output().unwrap()
    }

    pub fn checkpoint(&self) -> PathBuf {
        self.dir.path().join("games.jsonl.fetch")
    }
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts two catalogues are equal, reporting the first difference briefly.
pub fn assert_same(actual: &[Value], expected: &[Value]) {
    let ids = |v: &[Value]| {
        v.iter()
            .map(|g| g["id"].as_u64().unwrap())
            .collect::<Vec<_>>()
    };
    let (a, e) = (ids(actual), ids(expected));
    if a != e {
        let missing: Vec<_> = e.iter().filter(|id| !a.contains(id)).take(10).collect();
        let extra: Vec<_> = a.iter().filter(|id| !e.contains(id)).take(10).collect();
        panic!(
            "ids differ: {} fetched vs {} expected; missing {missing:?}, unexpected {extra:?}",
            a.len(),
            e.len()
        );
    }
    for (x, y) in actual.iter().zip(expected) {
        assert!(x == y, "record {} differs:\n{x}\n{y}", y["id"]);
    }
}

/// Reads the snapshot, asserting ids ascend strictly (so no duplicates) and that every
/// record is accepted by the core catalogue parser that `playlike build` uses.
pub fn read_snapshot(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut previous = 0;
    let mut out = Vec::new();
    for line in text.lines() {
        let value: Value = serde_json::from_str(line).unwrap();
        let id = value["id"].as_u64().unwrap();
        assert!(id > previous, "ids must ascend: {id} after {previous}");
        previous = id;
        let mut warnings = Vec::new();
        let game = playlike_core::catalogue::parse_game_line(line, &mut warnings)
            .unwrap_or_else(|e| panic!("core rejects fetched record {line}: {e}"));
        assert_eq!(game.igdb_id, id);
        out.push(value);
    }
    out
}
