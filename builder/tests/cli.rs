//! The real `playlike` binary on a small fixture catalogue: build reports bad lines by file
//! and line, keeps the previous index when a build fails, and the query and search commands
//! print the JSON shapes scripts rely on.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn playlike(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_playlike"))
        .args(args)
        .output()
        .expect("the playlike binary runs")
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/catalogue.jsonl")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn build(out: &Path) -> Output {
    playlike(&[
        "build",
        "--input",
        fixture().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

#[test]
fn build_reports_bad_records_by_line_and_strict_fails() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("index");
    let built = build(&out);
    assert!(built.status.success(), "{}", text(&built.stderr));
    let report = text(&built.stderr);
    assert!(
        report.contains("12 records read, 4 skipped (1 duplicate ids)"),
        "{report}"
    );
    assert!(
        report.contains("catalogue.jsonl:9: malformed JSON"),
        "{report}"
    );
    assert!(
        report.contains("catalogue.jsonl:10: field `name`: is missing"),
        "{report}"
    );
    assert!(
        report.contains("catalogue.jsonl:11: field `aggregated_rating`"),
        "{report}"
    );
    assert!(
        text(&built.stdout).contains("(8 games"),
        "{}",
        text(&built.stdout)
    );

    let strict = playlike(&[
        "build",
        "--strict",
        "--input",
        fixture().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!strict.status.success());
    let inspect = playlike(&["inspect", out.to_str().unwrap()]);
    assert!(
        inspect.status.success(),
        "the previous index is intact: {}",
        text(&inspect.stderr)
    );
    assert!(text(&inspect.stdout).contains("games: 8"));
}

#[test]
fn a_failed_build_keeps_the_previous_index() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("index");
    assert!(build(&out).status.success());
    let before = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    let empty = dir.path().join("empty.jsonl");
    std::fs::write(&empty, "{broken\n").unwrap();
    let failed = playlike(&[
        "build",
        "--input",
        empty.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--min-games",
        "5",
    ]);
    assert!(!failed.status.success());
    assert!(
        text(&failed.stderr).contains("previous index is kept"),
        "{}",
        text(&failed.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(out.join("manifest.json")).unwrap(),
        before
    );
}

#[test]
fn inspect_rejects_a_corrupt_file_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("index");
    assert!(build(&out).status.success());
    let features = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("features-")
        })
        .unwrap();
    let mut bytes = std::fs::read(&features).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&features, bytes).unwrap();
    let inspect = playlike(&["inspect", out.to_str().unwrap()]);
    assert!(!inspect.status.success());
    let report = text(&inspect.stdout) + &text(&inspect.stderr);
    assert!(
        report.contains("sha256 mismatch") && report.contains("features-"),
        "{report}"
    );
}

#[test]
fn query_and_search_print_the_documented_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("index");
    assert!(build(&out).status.success());
    let index = out.to_str().unwrap();

    let ids = dir.path().join("ids.txt");
    std::fs::write(&ids, "1\n3\n999\n").unwrap();
    let batch = playlike(&[
        "query",
        "--index",
        index,
        "--ids-file",
        ids.to_str().unwrap(),
        "--k",
        "3",
        "--json",
    ]);
    assert!(batch.status.success(), "{}", text(&batch.stderr));
    let lines: Vec<serde_json::Value> = text(&batch.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["id"], 1);
    let recs: Vec<u64> = lines[0]["recs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(
        recs[0], 2,
        "Bastion, same developer, comes first for Hades: {recs:?}"
    );
    assert!(
        !recs.contains(&1) && !recs.contains(&7),
        "never Hades or its soundtrack: {recs:?}"
    );
    assert_eq!(lines[2]["id"], 999);
    assert_eq!(lines[2]["recs"].as_array().unwrap().len(), 0);
    assert!(lines[2]["error"].is_string());

    let one = playlike(&[
        "query",
        "--index",
        index,
        "--like",
        "1",
        "--platform",
        "Nintendo Switch",
        "--json",
    ]);
    let one: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
    for rec in one["recs"].as_array().unwrap() {
        assert!(rec["id"].is_u64() && rec["name"].is_string() && rec["why"].is_string());
    }

    let queries = dir.path().join("queries.txt");
    std::fs::write(&queries, "pokemon\nhalflife 2\nfinal fantasy 7\ncelsete\n").unwrap();
    let searched = playlike(&[
        "search",
        "--index",
        index,
        "--queries-file",
        queries.to_str().unwrap(),
        "--json",
    ]);
    assert!(searched.status.success(), "{}", text(&searched.stderr));
    let firsts: Vec<(String, u64)> = text(&searched.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["q"].as_str().unwrap().to_string(),
                v["hits"][0].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        firsts,
        vec![
            ("pokemon".to_string(), 4),
            ("halflife 2".to_string(), 5),
            ("final fantasy 7".to_string(), 6),
            ("celsete".to_string(), 8)
        ]
    );
}

/// `--out` replaced any folder, deleting what was in it (even the input), and swapped the
/// index in over a file before failing. Now only a new path, an empty directory or an
/// earlier index is ever replaced.
#[test]
fn build_never_replaces_a_folder_that_is_not_an_index() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("my-stuff");
    std::fs::create_dir_all(folder.join("sub")).unwrap();
    std::fs::write(folder.join("notes.txt"), "keep me").unwrap();
    std::fs::copy(fixture(), folder.join("sub/catalogue.jsonl")).unwrap();
    let input = folder.join("sub/catalogue.jsonl");
    let refused = playlike(&[
        "build",
        "--input",
        input.to_str().unwrap(),
        "--out",
        folder.to_str().unwrap(),
    ]);
    assert!(!refused.status.success());
    let stderr = text(&refused.stderr);
    assert!(
        stderr.contains("2 file(s) that are not part of an index")
            && stderr.contains("notes.txt")
            && stderr.contains("nothing was changed"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(folder.join("notes.txt")).unwrap(),
        "keep me"
    );
    assert!(input.exists());

    let file = dir.path().join("a-file");
    std::fs::write(&file, "mine").unwrap();
    let onto_file = build(&file);
    assert!(!onto_file.status.success());
    assert!(
        text(&onto_file.stderr).contains("is not a directory"),
        "{}",
        text(&onto_file.stderr)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");

    // An earlier index with a stray file in it is refused too; without it, replaced.
    let index = dir.path().join("index");
    assert!(build(&index).status.success());
    std::fs::write(index.join("README"), "notes").unwrap();
    assert!(!build(&index).status.success());
    assert!(index.join("README").exists());
    std::fs::remove_file(index.join("README")).unwrap();
    assert!(build(&index).status.success());

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert!(build(&empty).status.success());
    assert!(empty.join("manifest.json").exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "no staging left: {leftovers:?}");
}

/// A build where most records were bad, or one far smaller than the index it replaces, used
/// to replace it all the same.
#[test]
fn mostly_bad_or_much_smaller_builds_keep_the_previous_index_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("index");
    assert!(build(&out).status.success());
    let before = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    let catalogue = |name: &str, lines: &str| -> String {
        let path = dir.path().join(name);
        std::fs::write(&path, lines).unwrap();
        path.to_str().unwrap().to_string()
    };
    let mostly_bad = catalogue(
        "bad.jsonl",
        "{\"igdb_id\":1,\"name\":\"A\"}\n{oops\n{oops\n{\"igdb_id\":2}\n",
    );
    let small = catalogue(
        "small.jsonl",
        "{\"igdb_id\":1,\"name\":\"A\"}\n{\"igdb_id\":2,\"name\":\"B\"}\n",
    );
    let run = |input: &str, extra: &[&str]| -> Output {
        let mut args = vec!["build", "--input", input, "--out", out.to_str().unwrap()];
        args.extend_from_slice(extra);
        playlike(&args)
    };
    let refused = run(&mostly_bad, &[]);
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr)
            .contains("75.0% of the records read were skipped, more than --max-skipped 50%"),
        "{}",
        text(&refused.stderr)
    );
    let shrunk = run(&small, &[]);
    assert!(!shrunk.status.success());
    assert!(
        text(&shrunk.stderr).contains("2 games read, 8 in the index at")
            && text(&shrunk.stderr).contains("75.0% fewer"),
        "{}",
        text(&shrunk.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(out.join("manifest.json")).unwrap(),
        before,
        "the previous index is kept"
    );
    let forced = run(&mostly_bad, &["--force"]);
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    assert!(
        text(&forced.stderr).contains("WARNING: 75.0% of the records read were skipped"),
        "{}",
        text(&forced.stderr)
    );
    assert!(text(&forced.stdout).contains("(1 games"));
}

#[test]
fn the_store_filter_keeps_games_sold_there() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("index");
    assert!(build(&out).status.success());
    let index = out.to_str().unwrap();
    let recs = |like: &str, store: &str| -> Vec<u64> {
        let run = playlike(&[
            "query", "--index", index, "--like", like, "--store", store, "--json",
        ]);
        assert!(run.status.success(), "{}", text(&run.stderr));
        let v: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
        v["recs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_u64().unwrap())
            .collect()
    };
    // GOG sells Dead Cells and Celeste; Steam sells Hades and Celeste.
    let gog = recs("1", "GOG");
    assert!(
        !gog.is_empty() && gog.iter().all(|g| [3, 8].contains(g)),
        "{gog:?}"
    );
    let steam = recs("3", "steam");
    assert_eq!(steam.len(), 2, "any case; Hades and Celeste: {steam:?}");
    assert!(steam.contains(&1) && steam.contains(&8), "{steam:?}");
    let unknown = playlike(&[
        "query", "--index", index, "--like", "1", "--store", "Origin",
    ]);
    assert!(!unknown.status.success());
    let message = text(&unknown.stderr);
    assert!(
        message.contains("unknown store \"Origin\"") && message.contains("itch.io"),
        "{message}"
    );
}

#[test]
fn eval_scores_recommendations_against_a_truth_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("index");
    assert!(build(&out).status.success());
    let truth = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/truth.jsonl");
    for universe in [false, true] {
        let mut args = vec![
            "eval",
            "--index",
            out.to_str().unwrap(),
            "--truth",
            truth.to_str().unwrap(),
            "--default-only",
        ];
        if universe {
            args.push("--universe");
        }
        let run = playlike(&args);
        assert!(run.status.success(), "{}", text(&run.stderr));
        let report = text(&run.stdout);
        assert!(report.contains("3 queries"), "{report}");
        // Hades' three similar games and Celeste's one are all recommended; none of
        // Half-Life 2's twelve are in the catalogue: recall (2 + 0) / 3, hit rate 2 / 3.
        let row = report.lines().last().unwrap();
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let n = cells.len();
        assert_eq!(cells[n - 4], "0.6667", "recall: {row}");
        assert_eq!(cells[n - 2], "0.6667", "hit rate: {row}");
    }
}

#[test]
fn tune_fits_on_one_part_and_reports_the_other() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("index");
    assert!(build(&out).status.success());
    let truth = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/truth.jsonl");
    let run = playlike(&[
        "tune",
        "--index",
        out.to_str().unwrap(),
        "--truth",
        truth.to_str().unwrap(),
        "--rounds",
        "1",
        "--sample",
        "0",
    ]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let report = text(&run.stdout);
    assert!(report.contains("| fitted | held out |"), "{report}");
    assert!(report.contains("fitted: Scoring {"), "{report}");
    let bad = playlike(&[
        "tune",
        "--index",
        out.to_str().unwrap(),
        "--truth",
        truth.to_str().unwrap(),
        "--split",
        "1",
    ]);
    assert!(!bad.status.success(), "a split must leave a held-out part");
    let tune = |extra: &[&str]| -> Output {
        let mut args = vec![
            "tune",
            "--index",
            out.to_str().unwrap(),
            "--truth",
            truth.to_str().unwrap(),
            "--sample",
            "0",
        ];
        args.extend_from_slice(extra);
        playlike(&args)
    };
    let quick = tune(&["--quick", "--params", "HubPenalty", "--set", "Prior=0.25"]);
    assert!(quick.status.success(), "{}", text(&quick.stderr));
    let report = text(&quick.stdout);
    assert!(
        report.contains("round 1 HubPenalty") && !report.contains("round 1 Prior "),
        "only the named parameter moves: {report}"
    );
    assert!(report.contains("prior: 0.25,"), "{report}");
    assert!(!report.contains("| fitted | held out |"), "{report}");
    for (extra, message) in [
        (["--params", "NoSuch"], "--params: no parameter NoSuch"),
        (
            ["--set", "Prior=lots"],
            "--set Prior=lots: lots is not a number",
        ),
        (["--set", "NoSuch=1"], "--set NoSuch=1: no parameter NoSuch"),
    ] {
        let refused = tune(&extra);
        assert!(!refused.status.success());
        assert!(
            text(&refused.stderr).contains(message),
            "{}",
            text(&refused.stderr)
        );
    }
}

/// `playlike inspect DIR | head -1`: when the reader goes away, the command ends quietly (by
/// SIGPIPE, as `cat` does) instead of panicking on a failed print.
#[test]
fn a_closed_stdout_ends_a_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("index");
    assert!(build(&out).status.success());
    let mut child = Command::new(env!("CARGO_BIN_EXE_playlike"))
        .args(["inspect", "--sizes", out.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the playlike binary runs");
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = text(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn sample_keeps_facts_and_what_its_cut_fields_gave_the_index() {
    use playlike_core::catalogue::parse_game_line;
    use playlike_core::features::{direct_features, notability, Family};
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("full.jsonl");
    let links = |n: usize| -> String {
        let urls: Vec<String> = (0..n)
            .map(|i| format!(r#"{{"url":"https://site{i}.example/game"}}"#))
            .collect();
        urls.join(",")
    };
    std::fs::write(
        &input,
        format!(
            "{}\n{}\n{}\n",
            format_args!(r#"{{"igdb_id":1,"name":"Known Dungeon","summary":"A roguelike deck-building dungeon crawl.","genres":["Strategy"],"platforms":["PC (Microsoft Windows)"],"external_ids":[{}]}}"#, links(12)),
            format_args!(r#"{{"igdb_id":2,"name":"Spread Thin","summary":"A quiet farm.","genres":["Simulator"],"platforms":["PC (Microsoft Windows)","Mac","Linux","iOS"],"external_ids":[{}]}}"#, links(2)),
            r#"{"igdb_id":3,"name":"Obscure","genres":["Puzzle"]}"#,
        ),
    )
    .unwrap();
    let out = dir.path().join("sample.jsonl");
    let made = playlike(&[
        "sample",
        "--input",
        input.to_str().unwrap(),
        "--games",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(made.status.success(), "{}", text(&made.stderr));
    let full: Vec<_> = std::fs::read_to_string(&input)
        .unwrap()
        .lines()
        .map(|l| parse_game_line(l, &mut Vec::new()).unwrap())
        .collect();
    let sample = std::fs::read_to_string(&out).unwrap();
    assert!(!sample.contains("summary"), "{sample}");
    let kept: Vec<_> = sample
        .lines()
        .map(|l| parse_game_line(l, &mut Vec::new()).unwrap())
        .collect();
    assert_eq!(kept.iter().map(|g| g.igdb_id).collect::<Vec<_>>(), [1, 2]);
    let descriptors = |g: &playlike_core::Game| -> Vec<String> {
        direct_features(g)
            .into_iter()
            .filter(|(family, _)| *family == Family::Descriptor)
            .map(|(_, name)| name)
            .collect()
    };
    for (cut, whole) in kept.iter().zip(&full) {
        assert!(cut.links.len() <= 2 && cut.summary.is_none());
        // Ranked and linked as the whole record would be, though links and summary are cut.
        assert!(
            (notability(cut) - notability(whole)).abs() < 0.001,
            "{}",
            cut.name
        );
        assert_eq!(descriptors(cut), descriptors(whole), "{}", cut.name);
    }
    assert_eq!(
        descriptors(&kept[0]),
        ["deck-building", "dungeon", "dungeon crawler", "roguelike"]
    );
    assert!(notability(&kept[0]) > notability(&kept[1]));
}
