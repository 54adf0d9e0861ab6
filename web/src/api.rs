//! The page's side of the engine boundary: the only place the app touches the index.
//!
//! The engine (crate `playlike-js`) runs in a dedicated Web Worker started from
//! `/engine/engine-worker.js` by `shell.js`, the page's first script, which also asks it to
//! open the index at once: the index downloads while the app's own wasm still does. The
//! engine downloads, verifies, caches and decodes the index, builds the search and feature
//! indexes and answers queries, so the UI thread only renders. This module adopts that worker
//! (or starts one, on Retry), sends it [`Call`]s (serialized with `serde-wasm-bindgen`, moved
//! by `postMessage`) and turns its replies into futures and its status events into the
//! reactive [`Status`]. Pages call the typed functions below ([`search`], [`recommend`],
//! [`game`], …), usually from a `LocalResource` that re-runs when [`IndexStatus::generation`]
//! changes.
//!
//! Which index: [`IndexPlace::resolve`] (in core) on what `shell.js` read of the page —
//! `?index=` only where the page allows indexes (its own origin, the folder of its
//! `<meta name="playlike-index">` and the prefixes of `<meta name="playlike-index-allow">`),
//! else that meta, else `/index/manifest.json`.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::rc::Rc;

use futures::channel::oneshot;
use leptos::prelude::*;
use playlike_core::format::GameDetails;
use playlike_core::protocol::{
    Answer, Call, EngineError, EngineEvent, EngineRequest, ErrorCode, FilterOptions, GameCover,
    GameInfo, GameSummary, IndexPlace, LoadStatus, RecAnswer, RecQuery, Showcase,
};
use playlike_core::IgdbId;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::prefs;

/// The engine worker's script: the one `index.html` names on the shell script's tag (with its
/// content hash in a release build), else its unhashed name.
fn worker_url() -> String {
    window()
        .document()
        .and_then(|d| {
            d.query_selector("script[data-playlike-engine]")
                .ok()
                .flatten()
        })
        .and_then(|tag| tag.get_attribute("data-playlike-engine"))
        .unwrap_or_else(|| "/engine/engine-worker.js".into())
}

/// What the pages know about the index, reactively: the engine's status plus a counter.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IndexStatus {
    pub engine: LoadStatus,
    /// Bumped whenever more of the index becomes queryable (or loading fails); queries that
    /// depend on it re-run.
    pub generation: u32,
    /// The last notice the engine sent: `engine.notice` is what is shown, which the visitor
    /// may dismiss or the page may set itself.
    engine_notice: Option<String>,
}

impl Deref for IndexStatus {
    type Target = LoadStatus;
    fn deref(&self) -> &LoadStatus {
        &self.engine
    }
}

impl DerefMut for IndexStatus {
    fn deref_mut(&mut self) -> &mut LoadStatus {
        &mut self.engine
    }
}

/// The reactive status, shared through context. It changes on every progress tick: pages
/// that only care whether data arrived read [`Progress`] instead.
pub type Status = RwSignal<IndexStatus>;

/// Memos over the status that change only when something a page shows could change (not on
/// every progress tick), shared through context.
#[derive(Clone, Copy)]
pub struct Progress {
    /// See [`IndexStatus::generation`]: queries re-run when it moves.
    pub generation: Memo<u32>,
    pub search_ready: Memo<bool>,
    pub titles_complete: Memo<bool>,
    pub recommend_ready: Memo<bool>,
    /// Loading failed (the status bar says why).
    pub failed: Memo<bool>,
}

impl Progress {
    pub fn new(status: Status) -> Progress {
        Progress {
            generation: Memo::new(move |_| status.with(|s| s.generation)),
            search_ready: Memo::new(move |_| status.with(|s| s.search_ready)),
            titles_complete: Memo::new(move |_| status.with(|s| s.titles_complete)),
            recommend_ready: Memo::new(move |_| status.with(|s| s.recommend_ready)),
            failed: Memo::new(move |_| status.with(|s| s.error.is_some())),
        }
    }
}

type Replied = Result<Answer, EngineError>;

/// A running engine worker and the calls waiting for its replies.
struct Client {
    worker: web_sys::Worker,
    next_id: Cell<u32>,
    pending: RefCell<HashMap<u32, oneshot::Sender<Replied>>>,
    _on_message: Closure<dyn Fn(web_sys::MessageEvent)>,
    _on_error: Closure<dyn Fn(web_sys::ErrorEvent)>,
}

thread_local! {
    static CLIENT: RefCell<Option<Rc<Client>>> = const { RefCell::new(None) };
}

/// Starts the engine worker (or adopts the one `shell.js` started) and has it open the index.
pub fn start(status: Status) {
    let place = index_place();
    if let Some(notice) = place.resolve().notice {
        status.update(|s| s.engine.notice = Some(notice));
    }
    match spawn_worker(status) {
        Ok((client, opening)) => {
            CLIENT.with(|c| *c.borrow_mut() = Some(client.clone()));
            let opened = if opening {
                // shell.js sent the open call already: only its reply is awaited.
                expect_reply(&client, EARLY_OPEN_ID)
            } else {
                let open = EngineRequest::OpenPlace {
                    place,
                    rollout_bucket: prefs::rollout_bucket(),
                };
                send(&client, open)
            };
            // Loading reports through status events; the reply only matters when it failed
            // before any status said so.
            leptos::task::spawn_local(async move {
                if let Err(e) = replied(opened).await {
                    // Unless a more precise error (the worker failed) is already shown.
                    if status.with_untracked(|s| s.error.is_none()) {
                        fail(status, e.message);
                    }
                }
            });
        }
        Err(message) => fail(status, message),
    }
}

/// Retry after an error: a fresh worker loads everything again.
pub fn retry(status: Status) {
    if let Some(client) = CLIENT.with(|c| c.borrow_mut().take()) {
        client.worker.terminate();
        drop_pending(&client, "the engine was restarted");
    }
    status.update(|s| {
        *s = IndexStatus {
            generation: s.generation + 1,
            ..IndexStatus::default()
        }
    });
    start(status);
}

fn fail(status: Status, message: String) {
    web_sys::console::error_1(&JsValue::from_str(&message));
    status.update(|s| {
        s.engine.error = Some(message);
        s.engine.activity.clear();
        s.generation += 1;
    });
}

/// The id of the open call `shell.js` sends (the app's own calls count from 1).
const EARLY_OPEN_ID: u32 = 0;

/// The worker `shell.js` started before the app (taken once; shell.js asked it to open the
/// index as it started it), with the messages it sent before anyone listened.
fn adopt_early_worker() -> Option<(web_sys::Worker, Vec<JsValue>)> {
    let window: JsValue = window().into();
    let worker = js_sys::Reflect::get(&window, &"playlikeEngine".into()).ok()?;
    let worker: web_sys::Worker = worker.dyn_into().ok()?;
    let early = js_sys::Reflect::get(&window, &"playlikeEngineEarly".into()).ok();
    let target: &js_sys::Object = window.unchecked_ref();
    for name in ["playlikeEngine", "playlikeEngineEarly"] {
        let _ = js_sys::Reflect::delete_property(target, &name.into());
    }
    let early = early
        .filter(js_sys::Array::is_array)
        .map(|a| js_sys::Array::from(&a).to_vec())
        .unwrap_or_default();
    Some((worker, early))
}

/// The engine's client, and whether the index is being opened already.
fn spawn_worker(status: Status) -> Result<(Rc<Client>, bool), String> {
    let (worker, early, opening) = match adopt_early_worker() {
        Some((worker, early)) => (worker, early, true),
        None => {
            let worker = web_sys::Worker::new(&worker_url())
                .map_err(|e| format!("The search engine could not start: {}", js_message(&e)))?;
            (worker, Vec::new(), false)
        }
    };
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            handle_message(status, event.data());
        });
    let on_error =
        Closure::<dyn Fn(web_sys::ErrorEvent)>::new(move |event: web_sys::ErrorEvent| {
            event.prevent_default();
            engine_failed(status, event.message());
        });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    // What the worker said before the app listened is handled once the client is in place.
    if !early.is_empty() {
        leptos::task::spawn_local(async move {
            for message in early {
                handle_message(status, message);
            }
        });
    }
    let client = Client {
        worker,
        next_id: Cell::new(EARLY_OPEN_ID + 1),
        pending: RefCell::new(HashMap::new()),
        _on_message: on_message,
        _on_error: on_error,
    };
    Ok((Rc::new(client), opening))
}

fn handle_message(status: Status, message: JsValue) {
    match serde_wasm_bindgen::from_value::<EngineEvent>(message) {
        Ok(event) => on_event(status, event),
        Err(e) => web_sys::console::error_1(&JsValue::from_str(&format!(
            "engine sent an unreadable message: {e}"
        ))),
    }
}

fn engine_failed(status: Status, detail: String) {
    if let Some(client) = CLIENT.with(|c| c.borrow().clone()) {
        drop_pending(&client, "the engine stopped");
    }
    let detail = if detail.is_empty() {
        "its code did not load".to_string()
    } else {
        detail
    };
    fail(
        status,
        format!("The search engine could not start ({detail}). Check your connection and retry."),
    );
}

/// Fails every call still waiting on `client`.
fn drop_pending(client: &Client, why: &str) {
    for (_, reply) in client.pending.borrow_mut().drain() {
        let _ = reply.send(Err(EngineError::new(ErrorCode::NotLoaded, why)));
    }
}

fn on_event(status: Status, event: EngineEvent) {
    match event {
        // Calls need not wait for it: the worker keeps them until its engine runs.
        EngineEvent::Ready => {}
        EngineEvent::Failed { message } => engine_failed(status, message),
        EngineEvent::Status(engine) => apply_status(status, engine),
        EngineEvent::Reply(reply) => {
            let waiting = CLIENT.with(|c| {
                c.borrow()
                    .as_ref()
                    .and_then(|client| client.pending.borrow_mut().remove(&reply.id))
            });
            if let Some(waiting) = waiting {
                let _ = waiting.send(reply.result);
            }
        }
    }
}

/// Takes the engine's status; bumps the generation when more became queryable, and sets the
/// timing marks the benchmarks read.
fn apply_status(status: Status, engine: LoadStatus) {
    status.update(|s| {
        let before = &s.engine;
        let more = engine.parts_loaded != before.parts_loaded
            || engine.recommend_ready != before.recommend_ready
            || engine.error.is_some() != before.error.is_some();
        if engine.search_ready && !before.search_ready {
            crate::perf::mark("playlike:search-ready");
        }
        if engine.recommend_ready && !before.recommend_ready {
            crate::perf::mark("playlike:recommend-ready");
        }
        if engine.recommend_complete && !before.recommend_complete {
            crate::perf::mark("playlike:index-complete");
        }
        // A notice stays as shown (or dismissed) until the engine says something new.
        let notice = if engine.notice != s.engine_notice && engine.notice.is_some() {
            engine.notice.clone()
        } else {
            s.engine.notice.clone()
        };
        s.engine_notice = engine.notice.clone();
        s.engine = LoadStatus { notice, ..engine };
        if more {
            s.generation += 1;
        }
    });
}

fn post(client: &Client, call: &Call) {
    match serde_wasm_bindgen::to_value(call) {
        Ok(message) => {
            if let Err(e) = client.worker.post_message(&message) {
                web_sys::console::error_1(&e);
            }
        }
        Err(e) => web_sys::console::error_1(&JsValue::from_str(&e.to_string())),
    }
}

fn not_running() -> EngineError {
    EngineError::new(ErrorCode::NotLoaded, "the engine is not running")
}

/// Sends one call to the engine and waits for its reply.
async fn call(request: EngineRequest) -> Replied {
    let Some(client) = CLIENT.with(|c| c.borrow().clone()) else {
        return Err(not_running());
    };
    replied(send(&client, request)).await
}

/// Sends one call (the worker keeps it until its engine runs); its reply arrives on the
/// receiver.
fn send(client: &Client, request: EngineRequest) -> oneshot::Receiver<Replied> {
    let id = client.next_id.get();
    // Never the early open call's id, even after wrapping around.
    client
        .next_id
        .set(id.wrapping_add(1).max(EARLY_OPEN_ID + 1));
    let receiver = expect_reply(client, id);
    post(client, &Call { id, request });
    receiver
}

/// Where the reply to call `id` will arrive.
fn expect_reply(client: &Client, id: u32) -> oneshot::Receiver<Replied> {
    let (sender, receiver) = oneshot::channel();
    client.pending.borrow_mut().insert(id, sender);
    receiver
}

async fn replied(receiver: oneshot::Receiver<Replied>) -> Replied {
    receiver.await.unwrap_or_else(|_| Err(not_running()))
}

fn unexpected(answer: Answer) -> EngineError {
    EngineError::new(
        ErrorCode::BadRequest,
        format!("the engine answered with the wrong kind of data: {answer:?}"),
    )
}

/// Title search over the titles loaded so far.
pub async fn search(query: String, k: usize) -> Result<Vec<GameSummary>, EngineError> {
    match call(EngineRequest::Search { query, k }).await? {
        Answer::Hits(hits) => Ok(hits),
        other => Err(unexpected(other)),
    }
}

/// Recommendations (possibly from a first part of the index: see [`RecAnswer::complete`]).
pub async fn recommend(query: RecQuery) -> Result<RecAnswer, EngineError> {
    match call(EngineRequest::Recommend(query)).await? {
        Answer::Recs(recs) => Ok(recs),
        other => Err(unexpected(other)),
    }
}

/// A game page's header; `None` when the index has no such game.
pub async fn game(igdb_id: IgdbId) -> Result<Option<GameInfo>, EngineError> {
    match call(EngineRequest::Game { igdb_id }).await? {
        Answer::Game(info) => Ok(info),
        other => Err(unexpected(other)),
    }
}

/// What only the game's details shard holds (downloaded on demand).
pub async fn details(igdb_id: IgdbId) -> Result<Option<GameDetails>, EngineError> {
    match call(EngineRequest::Details { igdb_id }).await? {
        Answer::Details(details) => Ok(details),
        other => Err(unexpected(other)),
    }
}

/// Result rows for these games, in order (games the index lacks are left out).
pub async fn games(igdb_ids: Vec<IgdbId>) -> Result<Vec<GameSummary>, EngineError> {
    if igdb_ids.is_empty() {
        return Ok(Vec::new());
    }
    match call(EngineRequest::Games { igdb_ids }).await? {
        Answer::Hits(hits) => Ok(hits),
        other => Err(unexpected(other)),
    }
}

/// Cards waiting for a cover, gathered until the current task ends (see [`cover`]).
type CoverWaiters = Vec<(IgdbId, oneshot::Sender<Option<String>>)>;

thread_local! {
    static COVER_WAITERS: RefCell<CoverWaiters> = const { RefCell::new(Vec::new()) };
}

/// The cover image id of a game whose row came without one (its cover block may not be
/// loaded yet); `None` when it has none or its block cannot be had (offline). The cards of
/// one render ask together: their ids go to the engine in one [`EngineRequest::Covers`] call
/// once the current task is over, so a list of twenty cards is one call and at most a few
/// block downloads, and nothing else waits for it.
pub async fn cover(igdb_id: IgdbId) -> Option<String> {
    let (sender, receiver) = oneshot::channel();
    let first = COVER_WAITERS.with(|waiters| {
        let mut waiters = waiters.borrow_mut();
        waiters.push((igdb_id, sender));
        waiters.len() == 1
    });
    if first {
        set_timeout(
            || leptos::task::spawn_local(ask_for_covers()),
            std::time::Duration::ZERO,
        );
    }
    receiver.await.ok().flatten()
}

/// Sends the covers asked for so far as one call and gives each card its answer.
async fn ask_for_covers() {
    let waiters = COVER_WAITERS.with(|waiters| std::mem::take(&mut *waiters.borrow_mut()));
    let mut igdb_ids: Vec<IgdbId> = waiters.iter().map(|(id, _)| *id).collect();
    igdb_ids.sort_unstable();
    igdb_ids.dedup();
    let found: HashMap<IgdbId, String> = match call(EngineRequest::Covers { igdb_ids }).await {
        Ok(Answer::Covers(covers)) => covers
            .into_iter()
            .map(|GameCover { igdb_id, cover }| (igdb_id, cover))
            .collect(),
        _ => HashMap::new(),
    };
    for (igdb_id, sender) in waiters {
        let _ = sender.send(found.get(&igdb_id).cloned());
    }
}

/// Well-known games to start from (of one genre when given), with genre entry points.
pub async fn showcase(n: usize, genre: Option<String>) -> Result<Showcase, EngineError> {
    match call(EngineRequest::Showcase { n, genre }).await? {
        Answer::Showcase(showcase) => Ok(showcase),
        other => Err(unexpected(other)),
    }
}

/// Choices for the filter panel.
pub async fn filter_options() -> Result<FilterOptions, EngineError> {
    match call(EngineRequest::FilterOptions).await? {
        Answer::FilterOptions(options) => Ok(options),
        other => Err(unexpected(other)),
    }
}

/// What the page says about its index, as `shell.js` read it (the one reader of the page's
/// metas and `?index=`); the default index on this origin if that script did not run.
fn index_place() -> IndexPlace {
    let window = window();
    js_sys::Reflect::get(&window, &"playlikeIndexPlace".into())
        .ok()
        .and_then(|place| serde_wasm_bindgen::from_value(place).ok())
        .unwrap_or_else(|| {
            let origin = window.location().origin().unwrap_or_default();
            IndexPlace {
                default_url: format!("{origin}/index/manifest.json"),
                origin,
                extra_allowed: Vec::new(),
                linked: None,
            }
        })
}

fn js_message(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| "unknown error".into())
}
