//! The npm API inside a dedicated Web Worker (headless Chromium, `wasm-pack test`): no window,
//! no DOM — the same `Playlike` opens the demo index (relative URL resolved against the
//! worker's location), searches, recommends and fetches a game's details.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use playlike_core::protocol::{GameSummary, RecItem};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[wasm_bindgen_test]
async fn the_api_works_in_a_dedicated_worker() {
    assert!(
        js_sys::global()
            .dyn_into::<web_sys::DedicatedWorkerGlobalScope>()
            .is_ok(),
        "this test must run in a worker"
    );
    let playlike = open_demo().await;
    let hits: Vec<GameSummary> = from_js(playlike.search("hades".into(), None).unwrap());
    assert!(hits.iter().any(|g| g.igdb_id.0 == HADES), "{hits:?}");
    let recs: Vec<RecItem> = from_js(playlike.similar(num(HADES), None).unwrap());
    assert_eq!(recs.len(), 10);
    let page = resolve(playlike.game(num(HADES)))
        .await
        .expect("a game page");
    assert!(get(&page, "details").is_object());
    let missing = playlike.similar(num(4_000_000_000), None).unwrap_err();
    assert_eq!(code_of(&missing), "bad_id");
}
