//! `playlike fetch` against the mock IGDB + Twitch server of [`fetch_support`] on loopback:
//! throttling, transient errors, token revocation, a server that dies, a client that is
//! killed, incremental pulls, pacing and credentials. The tests run the real binary.

mod fetch_support;

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fetch_support::*;
use serde_json::json;

#[test]
fn fetch_gets_every_game_once_despite_throttling_errors_and_token_revocation() {
    let games = catalogue(2345);
    let shared = Arc::new(Mutex::new(games.clone()));
    let faults = Faults {
        throttle_every: 5,
        fail_every: 7,
        revoke_tokens_after: Some(12),
        ..Faults::default()
    };
    let mock = Mock::start(shared, faults);
    let run = Run::new();
    let out = run.fetch(&mock, &["--page-size", "100", "--concurrency", "4"]);
    assert!(out.status.success(), "fetch failed: {}", stderr(&out));
    assert_same(&read_snapshot(&run.out()), &games);
    let c = &mock.counters;
    assert!(c.throttled.load(Ordering::SeqCst) > 0, "the mock throttled");
    assert!(
        c.failed.load(Ordering::SeqCst) > 0,
        "the mock failed transiently"
    );
    assert!(
        c.unauthorized.load(Ordering::SeqCst) > 0,
        "the mock revoked the token"
    );
    assert_eq!(
        c.tokens_minted.load(Ordering::SeqCst),
        2,
        "one token, one refresh after 401"
    );
    assert!(c.max_in_flight.load(Ordering::SeqCst) <= 4);
    assert!(
        !run.checkpoint().exists(),
        "checkpoint removed after success"
    );
    assert!(
        stderr(&out).contains("fetched 2345 games"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn fetch_resumes_after_the_server_dies_mid_run() {
    let games = catalogue(1500);
    let shared = Arc::new(Mutex::new(games.clone()));
    let run = Run::new();
    let mut first = Mock::start(
        shared.clone(),
        Faults {
            die_after_pages: Some(6),
            ..Faults::default()
        },
    );
    let out = run.fetch(&first, &["--page-size", "50", "--max-retries", "2"]);
    first.wait_dead();
    assert!(
        !out.status.success(),
        "fetch must fail when the server dies"
    );
    assert!(stderr(&out).contains("resumes"), "{}", stderr(&out));
    assert!(!run.out().exists(), "no snapshot from an interrupted run");
    let stored: usize = std::fs::read_dir(run.checkpoint())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .map(|p| std::fs::read_to_string(p).unwrap().lines().count())
        .sum();
    assert!(
        stored >= 50,
        "pages fetched before the crash are kept ({stored})"
    );

    let second = Mock::start(shared, Faults::default());
    let out = run.fetch(&second, &["--page-size", "50"]);
    assert!(out.status.success(), "resume failed: {}", stderr(&out));
    assert!(stderr(&out).contains("resuming"), "{}", stderr(&out));
    assert_same(&read_snapshot(&run.out()), &games);
    let c = &second.counters;
    assert_eq!(
        c.count_requests.load(Ordering::SeqCst),
        0,
        "the plan is reused"
    );
    assert_eq!(
        c.records_served.load(Ordering::SeqCst),
        games.len() - stored,
        "only what was missing is fetched again"
    );
}

#[test]
fn fetch_resumes_after_being_killed() {
    let games = catalogue(1200);
    let shared = Arc::new(Mutex::new(games.clone()));
    let run = Run::new();
    let slow = Mock::start(
        shared.clone(),
        Faults {
            delay: Duration::from_millis(40),
            ..Faults::default()
        },
    );
    let mut child = run
        .command(&slow, &["--page-size", "40", "--concurrency", "3"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while slow.counters.pages_served.load(Ordering::SeqCst) < 8 {
        assert!(Instant::now() < deadline, "mock never served 8 pages");
        std::thread::sleep(Duration::from_millis(5));
    }
    // A second fetch into the same snapshot is refused while the first runs.
    let second = run.fetch(&slow, &["--page-size", "40"]);
    assert!(!second.status.success());
    assert!(
        stderr(&second).contains("another fetch"),
        "{}",
        stderr(&second)
    );
    child.kill().unwrap(); // SIGKILL: no cleanup at all
    child.wait().unwrap();
    assert!(!run.out().exists());
    assert!(run.checkpoint().join("plan.json").exists());

    let out = run.fetch(&slow, &["--page-size", "40", "--concurrency", "3"]);
    assert!(out.status.success(), "resume failed: {}", stderr(&out));
    assert_same(&read_snapshot(&run.out()), &games);
    let served = slow.counters.records_served.load(Ordering::SeqCst);
    assert!(
        served <= games.len() + 3 * 40,
        "the resumed run refetched at most the pages in flight at the kill ({served})"
    );
}

#[test]
fn since_merges_updated_and_new_games_into_the_previous_snapshot() {
    let games = catalogue(800);
    let shared = Arc::new(Mutex::new(games.clone()));
    let mock = Mock::start(shared.clone(), Faults::default());
    let run = Run::new();
    let out = run.fetch(&mock, &["--page-size", "100"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_same(&read_snapshot(&run.out()), &games);

    // The catalogue moves on: three games are edited, two are added.
    let mut expected = games.clone();
    {
        let mut live = shared.lock().unwrap();
        for i in [0, 400, 799] {
            live[i]["name"] = json!(format!("Renamed {i}"));
            live[i]["updated_at"] = json!(1_800_000_000);
            expected[i] = live[i].clone();
        }
        for id in [2, 100_000] {
            let mut g = live[1].clone();
            g["id"] = json!(id);
            g["updated_at"] = json!(1_800_000_001);
            live.push(g.clone());
            expected.push(g);
        }
    }
    expected.sort_by_key(|g| g["id"].as_u64().unwrap());

    let before = mock.counters.records_served.load(Ordering::SeqCst);
    let out = run.fetch(&mock, &["--since", "auto"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_same(&read_snapshot(&run.out()), &expected);
    assert_eq!(
        mock.counters.records_served.load(Ordering::SeqCst) - before,
        5,
        "only changed games are fetched"
    );
    assert_eq!(
        mock.counters.tokens_minted.load(Ordering::SeqCst),
        1,
        "the cached token is reused by the second run"
    );
    assert!(
        stderr(&out).contains("(2 new, 3 updated"),
        "{}",
        stderr(&out)
    );

    // An explicit date works too, and a date with nothing new leaves the snapshot as is.
    let out = run.fetch(&mock, &["--since", "2030-01-01"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_same(&read_snapshot(&run.out()), &expected);
}

#[test]
fn requests_are_paced_to_the_rate_limit() {
    let games = catalogue(600);
    let mock = Mock::start(Arc::new(Mutex::new(games.clone())), Faults::default());
    let run = Run::new();
    let out = run.fetch(
        &mock,
        &["--page-size", "40", "--concurrency", "8", "--rate", "10"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_same(&read_snapshot(&run.out()), &games);
    let mut starts = mock.counters.starts.lock().unwrap().clone();
    starts.sort();
    assert!(starts.len() >= 16, "{} requests", starts.len());
    for (i, s) in starts.iter().enumerate() {
        let in_window = starts[i..]
            .iter()
            .take_while(|t| t.duration_since(*s) < Duration::from_secs(1))
            .count();
        // 10/s pacing, measured where requests arrive: allow two for delivery jitter on a
        // loaded machine (the pacer itself is exact; see retry::tests).
        assert!(in_window <= 12, "{in_window} requests within one second");
    }
}

#[test]
fn records_the_build_would_skip_are_reported_not_dropped() {
    let mut games = catalogue(30);
    games[3].as_object_mut().unwrap().remove("name");
    let mock = Mock::start(Arc::new(Mutex::new(games.clone())), Faults::default());
    let run = Run::new();
    let out = run.fetch(&mock, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let id = games[3]["id"].as_u64().unwrap();
    assert!(
        stderr(&out).contains(&format!(
            "1 fetched records would be skipped by `playlike build` (first: id {id}: field `name`"
        )),
        "{}",
        stderr(&out)
    );
    let text = std::fs::read_to_string(run.out()).unwrap();
    assert_eq!(text.lines().count(), 30, "kept as the API returned it");
}

#[test]
fn missing_credentials_are_a_clear_error() {
    let mock = Mock::start(Arc::new(Mutex::new(catalogue(3))), Faults::default());
    let run = Run::new();
    let out = run
        .command(&mock, &[])
        .env_remove("TWITCH_CLIENT_ID")
        .env_remove("TWITCH_CLIENT_SECRET")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("TWITCH_CLIENT_ID"),
        "{}",
        stderr(&out)
    );

    // The same credentials from a config file work.
    let config = run.dir.path().join("igdb.env");
    std::fs::write(
        &config,
        format!("TWITCH_CLIENT_ID={CLIENT_ID}\nTWITCH_CLIENT_SECRET=\"{CLIENT_SECRET}\"\n"),
    )
    .unwrap();
    let config = config.to_str().unwrap();
    let out = run
        .command(&mock, &["--config", config])
        .env_remove("TWITCH_CLIENT_ID")
        .env_remove("TWITCH_CLIENT_SECRET")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(read_snapshot(&run.out()).len(), 3);
}

/// Throughput, not correctness: `cargo test -p playlike-builder --release --test fetch --
/// --ignored --nocapture`. Prints games/s with no rate limit (client overhead) and with
/// IGDB's limits plus 300 ms of server latency per request (what a real run is bound by).
#[test]
#[ignore]
fn measure_fetch_throughput() {
    for (games, rate, delay_ms) in [(100_000, "0", 0), (12_000, "4", 300)] {
        let catalogue = catalogue(games);
        let mock = Mock::start(
            Arc::new(Mutex::new(catalogue.clone())),
            Faults {
                delay: Duration::from_millis(delay_ms),
                ..Faults::default()
            },
        );
        let run = Run::new();
        let started = Instant::now();
        let out = run.fetch(&mock, &["--rate", rate]);
        assert!(out.status.success(), "{}", stderr(&out));
        let secs = started.elapsed().as_secs_f64();
        let requests = mock.counters.games_requests.load(Ordering::SeqCst);
        println!(
            "{games} games, rate {rate}/s, {delay_ms} ms latency: {secs:.2}s, {:.0} games/s, {requests} requests, max {} in flight, snapshot {} bytes",
            games as f64 / secs,
            mock.counters.max_in_flight.load(Ordering::SeqCst),
            std::fs::metadata(run.out()).unwrap().len()
        );
    }
}

/// A token reply with a wrong field type was printed in the error, token included; plain
/// HTTP endpoints other than loopback received the client secret and the bearer token.
#[test]
fn secrets_are_never_printed_nor_sent_without_tls() {
    let faults = Faults {
        token_reply: Some(r#"{"access_token":"LEAKED-TOKEN","expires_in":"soon"}"#),
        ..Faults::default()
    };
    let mock = Mock::start(Arc::new(Mutex::new(catalogue(3))), faults);
    let run = Run::new();
    let out = run.fetch(&mock, &["--max-retries", "0"]);
    assert!(!out.status.success());
    let report = stderr(&out);
    assert!(
        report.contains("without a usable access_token") && report.contains("<redacted>"),
        "{report}"
    );
    assert!(!report.contains("LEAKED-TOKEN"), "{report}");

    for (flag, url) in [
        ("--api-base", "http://api.igdb.example/v4"),
        ("--token-url", "http://id.twitch.example/oauth2/token"),
    ] {
        let out = run.fetch(&mock, &[flag, url]);
        assert!(!out.status.success());
        assert!(
            stderr(&out).contains(&format!("{flag} `{url}` is not an https:// URL")),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn alternative_names_are_fetched_and_searched_but_never_shown() {
    let mut games = catalogue(40);
    games[7]["name"] = json!("PUBG: Battlegrounds");
    games[7]["slug"] = json!("playerunknowns-battlegrounds");
    games[7]["alternative_names"] = json!([
        {"id": 1, "name": "絕地求生", "comment": "Chinese title"},
        {"id": 2, "name": "Battle Royale Simulator"}
    ]);
    games[8]["not_asked_for"] = json!("dropped by the API");
    let mock = Mock::start(Arc::new(Mutex::new(games.clone())), Faults::default());
    let run = Run::new();
    let out = run.fetch(&mock, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let snapshot = read_snapshot(&run.out());
    assert_eq!(
        snapshot[7]["alternative_names"],
        games[7]["alternative_names"]
    );
    assert_eq!(snapshot[7]["slug"], games[7]["slug"]);
    assert!(
        snapshot[8].get("not_asked_for").is_none(),
        "the mock answers only fields asked for"
    );

    let index = run.dir.path().join("index");
    let playlike = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_playlike"))
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    let (snapshot, index) = (run.out(), index.to_str().unwrap().to_string());
    playlike(&[
        "build",
        "--input",
        snapshot.to_str().unwrap(),
        "--out",
        &index,
    ]);
    let id = games[7]["id"].as_u64().unwrap();
    for (query, alias) in [
        ("battle royale simulator", Some("Battle Royale Simulator")),
        ("絕地求生", Some("絕地求生")),
        (
            "playerunknowns battlegrounds",
            Some("playerunknowns battlegrounds"),
        ),
        ("pubg battlegrounds", None),
    ] {
        let reply: serde_json::Value =
            serde_json::from_str(&playlike(&["search", "--index", &index, "--json", query]))
                .unwrap();
        assert_eq!(reply["hits"][0], id, "{query}: {reply}");
        assert_eq!(
            reply["also_known_as"][id.to_string()].as_str(),
            alias,
            "{query}: {reply}"
        );
    }
    let listing = playlike(&["search", "--index", &index, "絕地求生"]);
    assert!(
        listing.contains("PUBG: Battlegrounds") && listing.contains("(also known as 絕地求生)"),
        "{listing}"
    );
}
