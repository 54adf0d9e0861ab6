//! The npm package's API (`Playlike`) in a real browser page (headless Chromium through
//! `wasm-pack test --headless --chrome`): open the demo index over HTTP with progress, search,
//! "games like this", taste, game pages with details, and every error code — bad ids, calls
//! before open, a corrupt file, a manifest that is not one, a missing index, bad options, an
//! aborted open — as a JavaScript `Error` with a `code`, never a trap.
//!
//! The indexes are served by wasm-bindgen's test server from `js/tests/fixture/`, made by
//! `scripts/helpers/npm-fixtures` (scripts/test runs it first).
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use js_sys::{Array, Function};
use playlike::api::Playlike;
use playlike_core::protocol::{GameSummary, LoadStatus, RecItem};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn opens_with_progress_then_searches() {
    let statuses = Array::new();
    let sink = statuses.clone();
    let on_progress = Closure::<dyn Fn(JsValue)>::new(move |status: JsValue| {
        sink.push(&status);
    });
    let options = object(&[("onProgress", on_progress.as_ref().clone())]);
    let playlike = Playlike::open(INDEX.into(), Some(options))
        .await
        .expect("the demo index opens");
    let statuses: Vec<LoadStatus> = statuses.iter().map(from_js).collect();
    assert!(statuses.len() >= 3, "progress was reported: {statuses:?}");
    let last = statuses.last().unwrap();
    assert!(last.recommend_ready && last.titles_complete, "{last:?}");
    assert_eq!(last.loaded_bytes, last.total_bytes);
    assert!(last.total_bytes > 100_000, "{last:?}");
    assert!(statuses
        .windows(2)
        .all(|w| w[0].loaded_bytes <= w[1].loaded_bytes));

    let hits: Vec<GameSummary> = from_js(playlike.search("hollow knight".into(), None).unwrap());
    assert_eq!(hits[0].igdb_id.0, HOLLOW_KNIGHT);
    assert_eq!(hits[0].name, "Hollow Knight");
    assert_eq!(hits[0].year, Some(2017));
    assert!(!hits[0].platforms.is_empty() && hits[0].cover.is_some());
    let two: Vec<GameSummary> = from_js(
        playlike
            .search("portal".into(), Some(object(&[("k", 2.into())])))
            .unwrap(),
    );
    assert_eq!(two.len(), 2);
    let none: Vec<GameSummary> = from_js(playlike.search("   ".into(), None).unwrap());
    assert!(none.is_empty());
    // A huge query is answered, not a trap.
    let long = "hollow ".repeat(20_000);
    playlike
        .search(long.into(), None)
        .expect("a long query is fine");
    let status: LoadStatus = from_js(playlike.status().unwrap());
    assert_eq!(status.games, 18_000);
}

#[wasm_bindgen_test]
async fn similar_and_taste_explain_and_respect_the_lists() {
    let playlike = open_demo().await;
    let k6 = object(&[("k", 6.into())]);
    let recs: Vec<RecItem> = from_js(playlike.similar(num(HADES), Some(k6)).unwrap());
    assert_eq!(recs.len(), 6);
    assert!(recs.iter().all(|r| r.game.igdb_id.0 != HADES));
    assert!(
        recs.iter()
            .all(|r| !r.explanation.is_empty() && !r.reasons.is_empty()),
        "every recommendation says why: {recs:?}"
    );

    // Owned games are never recommended; liked ones neither.
    let owned = recs[0].game.igdb_id.0;
    let taste = object(&[
        ("like", ids(&[HADES, HOLLOW_KNIGHT])),
        ("owned", ids(&[owned])),
    ]);
    let recs: Vec<RecItem> = from_js(playlike.taste(taste, None).unwrap());
    assert_eq!(recs.len(), 10, "k defaults to 10");
    assert!(recs
        .iter()
        .all(|r| ![HADES, HOLLOW_KNIGHT, owned].contains(&r.game.igdb_id.0)));

    // Filters and knobs use the index's names.
    let filters = object(&[("from", 2015.into()), ("all_types", false.into())]);
    let options = object(&[
        ("k", 20.into()),
        ("filters", filters),
        ("popularity", (-1.0).into()),
    ]);
    let recs: Vec<RecItem> = from_js(playlike.similar(num(HADES), Some(options)).unwrap());
    assert!(!recs.is_empty());
    assert!(
        recs.iter().all(|r| r.game.year.unwrap_or(0) >= 2015),
        "{recs:?}"
    );
}

#[wasm_bindgen_test]
async fn game_pages_fetch_their_details_on_demand() {
    let playlike = open_demo().await;
    let page = resolve(playlike.game(num(HOLLOW_KNIGHT)))
        .await
        .expect("Hollow Knight has a page");
    let name = get(&get(&page, "summary"), "name");
    assert_eq!(name.as_string().as_deref(), Some("Hollow Knight"));
    let details = get(&page, "details");
    assert!(details.is_object(), "details were fetched");
    let developers: Vec<String> = from_js(get(&details, "developers"));
    assert!(
        developers.iter().any(|d| d.contains("Team Cherry")),
        "{developers:?}"
    );

    let missing = resolve(playlike.game(num(4_000_000_000))).await;
    assert_eq!(code_of(&missing.unwrap_err()), "bad_id");
}

#[wasm_bindgen_test]
async fn bad_ids_and_bad_arguments_are_errors_with_codes() {
    let playlike = open_demo().await;
    let similar = |id: JsValue, options: Option<JsValue>| playlike.similar(id, options);
    assert_eq!(
        code_of(&similar(num(4_000_000_000), None).unwrap_err()),
        "bad_id"
    );
    for id in [
        JsValue::from(-1),
        JsValue::from(1.5),
        JsValue::from("1942"),
        JsValue::NULL,
        JsValue::from(f64::NAN),
        JsValue::from(1e300),
    ] {
        assert_eq!(
            code_of(&similar(id.clone(), None).unwrap_err()),
            "bad_request",
            "{id:?}"
        );
    }
    let bad_options = [
        object(&[("k", 0.into())]),
        object(&[("k", 1e9.into())]),
        object(&[("k", "ten".into())]),
        object(&[("popularity", 2.into())]),
        object(&[("recency", f64::NAN.into())]),
        object(&[("filters", object(&[("yearFrom", 2000.into())]))]),
        object(&[("filters", object(&[("from", (-3).into())]))]),
        object(&[("filters", object(&[("year_from", 2000.into())]))]),
        object(&[("filters", 7.into())]),
        object(&[("count", 3.into())]),
        JsValue::from("k=3"),
    ];
    for options in bad_options {
        let error = similar(num(HADES), Some(options.clone())).unwrap_err();
        assert_eq!(code_of(&error), "bad_request", "{options:?}");
        assert!(error.is_instance_of::<js_sys::Error>());
    }
    let taste = |value: JsValue| playlike.taste(value, None).unwrap_err();
    assert_eq!(code_of(&taste(JsValue::NULL)), "bad_request");
    assert_eq!(
        code_of(&taste(object(&[("like", ids(&[]))]))),
        "bad_request"
    );
    assert_eq!(
        code_of(&taste(object(&[("like", "x".into())]))),
        "bad_request"
    );
    assert_eq!(
        code_of(&taste(object(&[("liked", ids(&[HADES]))]))),
        "bad_request"
    );
    assert_eq!(
        code_of(&taste(object(&[("like", ids(&[HADES, 4_000_000_000]))]))),
        "bad_id"
    );
    assert_eq!(
        code_of(&playlike.search(5.into(), None).unwrap_err()),
        "bad_request"
    );
    assert_eq!(
        code_of(&playlike.games("x".into()).unwrap_err()),
        "bad_request"
    );
    let unknown: Vec<GameSummary> = from_js(playlike.games(ids(&[4_000_000_000, HADES])).unwrap());
    assert_eq!(unknown.len(), 1, "unknown ids are left out");
}

#[wasm_bindgen_test]
async fn calls_before_open_say_not_loaded() {
    let empty = Playlike::new();
    assert_eq!(
        code_of(&empty.search("hades".into(), None).unwrap_err()),
        "not_loaded"
    );
    assert_eq!(
        code_of(&empty.similar(num(HADES), None).unwrap_err()),
        "not_loaded"
    );
    let taste = object(&[("like", ids(&[HADES]))]);
    assert_eq!(
        code_of(&empty.taste(taste, None).unwrap_err()),
        "not_loaded"
    );
    assert_eq!(
        code_of(&empty.games(ids(&[HADES])).unwrap_err()),
        "not_loaded"
    );
    assert_eq!(code_of(&empty.filter_options().unwrap_err()), "not_loaded");
    let game = resolve(empty.game(num(HADES))).await;
    assert_eq!(code_of(&game.unwrap_err()), "not_loaded");

    // load() fills it; a second load is refused.
    resolve(empty.load(INDEX.into(), None))
        .await
        .expect("loads");
    let hits: Vec<GameSummary> = from_js(empty.search("hades".into(), None).unwrap());
    assert!(hits.iter().any(|g| g.igdb_id.0 == HADES));
    let again = resolve(empty.load(INDEX.into(), None)).await;
    assert_eq!(code_of(&again.unwrap_err()), "bad_request");
}

#[wasm_bindgen_test]
async fn broken_indexes_reject_with_their_codes() {
    for (url, code) in [
        (CORRUPT, "corrupt"),
        (GARBAGE, "corrupt"),
        ("/tests/fixture/nowhere/manifest.json", "network"),
        ("http://127.0.0.1:9/manifest.json", "network"),
    ] {
        let error = Playlike::open(url.into(), None)
            .await
            .err()
            .unwrap_or_else(|| panic!("{url} opened"));
        assert_eq!(code_of(&error), code, "{url}: {error:?}");
        let message = get(&error, "message").as_string().unwrap_or_default();
        assert!(!message.is_empty(), "{url}");
    }
    for (url, options) in [
        (JsValue::from(42), None),
        (JsValue::from("http://["), None),
        (INDEX.into(), Some(object(&[("rolloutBucket", 100.into())]))),
        (INDEX.into(), Some(object(&[("onProgress", 1.into())]))),
        (INDEX.into(), Some(object(&[("signal", "stop".into())]))),
        (
            INDEX.into(),
            Some(object(&[("onprogress", Function::new_no_args("").into())])),
        ),
    ] {
        let error = Playlike::open(url.clone(), options)
            .await
            .err()
            .expect("refused");
        assert_eq!(code_of(&error), "bad_request", "{url:?}");
    }
}

#[wasm_bindgen_test]
async fn an_aborted_open_rejects_with_the_abort_reason() {
    // Aborted before it starts.
    let controller = web_sys::AbortController::new().unwrap();
    controller.abort();
    let options = object(&[("signal", controller.signal().into())]);
    let error = Playlike::open(INDEX.into(), Some(options))
        .await
        .err()
        .expect("aborted");
    assert_eq!(
        get(&error, "name").as_string().as_deref(),
        Some("AbortError")
    );

    // Aborted while loading (from the first progress report on).
    let controller = web_sys::AbortController::new().unwrap();
    let abort = controller.clone();
    let on_progress = Closure::<dyn Fn(JsValue)>::new(move |_| abort.abort());
    let options = object(&[
        ("signal", controller.signal().into()),
        ("onProgress", on_progress.as_ref().clone()),
    ]);
    let error = Playlike::open(CORRUPT.into(), Some(options))
        .await
        .err()
        .expect("aborted");
    assert_eq!(
        get(&error, "name").as_string().as_deref(),
        Some("AbortError")
    );
}
