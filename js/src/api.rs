//! The JavaScript API of the npm package `playlike`: the class `Playlike`.
//!
//! A thin layer over [`Engine`]: it checks what JavaScript passes in (types, ranges, unknown
//! option names) and turns answers into plain objects with `serde-wasm-bindgen`, using the
//! protocol types of [`playlike_core::protocol`] as they are — so data objects keep the
//! index's snake_case field names (`igdb_id`, `main_game`), like the IGDB API itself, while
//! methods and callbacks are camelCase. Every failure is a JavaScript `Error` with a `code`
//! (`bad_id`, `not_loaded`, `corrupt`, `network`, `bad_request`); no input reaches a panic.
//! An aborted `open` rejects with the signal's reason (an `AbortError`), as `fetch` does.
//!
//! The TypeScript declarations for every call are written by hand below
//! ([`TYPESCRIPT`]) and referenced from the bindings, so no option or result is `any`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Function, Reflect};
use playlike_core::format::GameDetails;
use playlike_core::protocol::{EngineError, ErrorCode, GameInfo, LoadStatus, RecQuery};
use playlike_core::recommend::MAX_K;
use playlike_core::{Filters, IgdbId, Knobs};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::engine::Engine;
use crate::net;

#[wasm_bindgen(typescript_custom_section)]
const TYPESCRIPT: &'static str = r#"
/** Why a call failed; `Error.code` of every error the package throws or rejects with. */
export type ErrorCode = "bad_id" | "not_loaded" | "corrupt" | "network" | "bad_request";

/** An error from Playlike: a plain `Error` with a stable `code` to branch on. */
export interface PlaylikeError extends Error {
  name: "PlaylikeError";
  code: ErrorCode;
}

/** How far loading has come (given to `onProgress`, and by `status()`). */
export interface LoadStatus {
  loaded_bytes: number;
  total_bytes: number;
  /** What is being done now, in plain words. */
  activity: string;
  search_ready: boolean;
  titles_complete: boolean;
  /** Recommendations work (at least from the first part of the index). */
  recommend_ready: boolean;
  /** Recommendations consider the whole index. */
  recommend_complete: boolean;
  /** No usable index: the reason. */
  error: string | null;
  notice: string | null;
  update_ready: string | null;
  version: string | null;
  built_at: string | null;
  attribution: string | null;
  games: number;
  from_cache: boolean;
  parts_loaded: number;
}

export interface OpenOptions {
  /** Called whenever loading moves on. */
  onProgress?: (status: LoadStatus) => void;
  /** Aborts the downloads; `open` then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** 0–99, stable per user: decides whether a staged rollout's canary applies (default: random). */
  rolloutBucket?: number;
  /** More URL prefixes a canary manifest may come from (the manifest's own folder always may). */
  allowed?: string[];
}

/** What a result row shows about a game. */
export interface GameSummary {
  igdb_id: number;
  name: string;
  year: number | null;
  /** IGDB image id of the cover, e.g. "co1wyy" (https://images.igdb.com/igdb/image/upload/t_cover_small/<id>.jpg); null when the game has none or when its cover is not loaded yet (see `covers`). */
  cover: string | null;
  platforms: string[];
  /** A main game, not a DLC, pack, edition or soundtrack. */
  main_game: boolean;
  /** Set on a search result found by another of its names (IGDB alternative names, a former title): that name, shown as "also known as …". */
  also_known_as?: string;
}

/** One reason a game was recommended: a label ("shares", "same developer", …) and the things behind it. */
export interface Reason {
  label: string;
  items: string[];
}

export interface Recommendation {
  game: GameSummary;
  /** The reasons in one line. */
  explanation: string;
  reasons: Reason[];
}

export interface GameDetails {
  summary: string | null;
  genres: string[];
  themes: string[];
  developers: string[];
  publishers: string[];
  series: string[];
  game_modes: string[];
  perspectives: string[];
  critic_rating: number | null;
  /** Unix seconds. */
  release_date: number | null;
  links: string[];
}

/** A game page: the header (from the loaded index) and the details (fetched on demand). */
export interface Game {
  summary: GameSummary;
  genres: string[];
  developers: string[];
  rating: number | null;
  features_loaded: boolean;
  /** Null when the index has no details for this game. */
  details: GameDetails | null;
}

/** Which games may be recommended. Every field is optional. */
export interface Filters {
  /** Platform names; a game must be on at least one. */
  platform?: string[];
  /** Store names (e.g. "Steam", "GOG"); a game must be sold on at least one. */
  store?: string[];
  /** Released in or after this year. */
  from?: number;
  /** Released in or before this year. */
  to?: number;
  /** 0–100; unrated games are dropped when set. */
  min_rating?: number;
  /** Genre or theme names a game must have at least one of. */
  genre?: string[];
  /** Genre or theme names a game must not have. */
  not_genre?: string[];
  /** Also DLC, packs, editions and other non-main games (default false: main games only). */
  all_types?: boolean;
}

export interface SearchOptions {
  /** How many results, 1–200 (default 10). */
  k?: number;
}

export interface RecommendOptions {
  /** How many results, 1–200 (default 10). */
  k?: number;
  filters?: Filters;
  /** -1 favours hidden gems, +1 well-known games (default 0). */
  popularity?: number;
  /** -1 favours older games, +1 newer ones (default 0). */
  recency?: number;
}

/** A player's taste, in IGDB ids. */
export interface Taste {
  like: number[];
  dislike?: number[];
  /** Never recommended (e.g. games the player owns). */
  owned?: number[];
}

/** A game's cover, as `covers` answers. */
export interface GameCover {
  igdb_id: number;
  /** IGDB image id, e.g. "co1wyy". */
  cover: string;
}

export interface FilterOptions {
  platforms: string[];
  /** Store names, most common first. */
  stores: string[];
  genres: string[];
}
"#;

/// The `code` of every error this package hands to JavaScript.
fn to_js_error(e: EngineError) -> JsValue {
    let error = js_sys::Error::new(&e.message);
    error.set_name("PlaylikeError");
    let code = serde_wasm_bindgen::to_value(&e.code).unwrap_or(JsValue::NULL);
    let _ = Reflect::set(&error, &"code".into(), &code);
    error.into()
}

fn bad_request(message: impl Into<String>) -> JsValue {
    to_js_error(EngineError::new(ErrorCode::BadRequest, message))
}

/// A plain JavaScript object (objects, not `Map`s; `null` for absent values).
fn to_plain<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| bad_request(format!("cannot convert the answer: {e}")))
}

/// Options object `value` (or defaults when it is absent), named `what` in errors. Names not
/// in `known` are refused: a misspelt option would otherwise be ignored without a word.
fn options<T: for<'de> Deserialize<'de> + Default>(
    value: Option<JsValue>,
    what: &str,
    known: &[&str],
) -> Result<T, JsValue> {
    let Some(value) = value else {
        return Ok(T::default());
    };
    check_keys(&value, what, known)?;
    from_js(value, what)
}

/// `value` as a `T`, or a `bad_request` naming `what`.
fn from_js<T: for<'de> Deserialize<'de>>(value: JsValue, what: &str) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| bad_request(format!("{what}: {}", net::js_error(e.into()))))
}

/// Fails unless `value` is an object whose own keys are all in `known`.
fn check_keys(value: &JsValue, what: &str, known: &[&str]) -> Result<(), JsValue> {
    if !value.is_object() {
        return Err(bad_request(format!(
            "{what} must be an object, not {}",
            describe(value)
        )));
    }
    for key in js_sys::Object::keys(value.unchecked_ref::<js_sys::Object>()).iter() {
        let key = key.as_string().unwrap_or_default();
        if !known.contains(&key.as_str()) {
            return Err(bad_request(format!(
                "{what}: unknown option '{key}' (known: {})",
                known.join(", ")
            )));
        }
    }
    Ok(())
}

/// An IGDB id: a non-negative integer number.
fn igdb_id(value: &JsValue) -> Result<IgdbId, JsValue> {
    const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
    match value.as_f64() {
        Some(n) if n.fract() == 0.0 && (0.0..=MAX_SAFE).contains(&n) => Ok(IgdbId(n as u64)),
        _ => Err(bad_request(format!(
            "an IGDB id must be a non-negative integer, not {}",
            describe(value)
        ))),
    }
}

/// A short description of a JavaScript value for error messages.
fn describe(value: &JsValue) -> String {
    match value.as_string() {
        Some(s) => format!("the string '{s}'"),
        None => value.js_typeof().as_string().unwrap_or_default(),
    }
}

/// `k` from options: 1–[`MAX_K`], default 10.
fn page_size(k: Option<usize>) -> Result<usize, JsValue> {
    match k.unwrap_or(10) {
        k @ 1..=MAX_K => Ok(k),
        k => Err(bad_request(format!(
            "k must be between 1 and {MAX_K}, not {k}"
        ))),
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct OpenOptions {
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    on_progress: JsValue,
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    signal: JsValue,
    rollout_bucket: Option<u8>,
    #[serde(default)]
    allowed: Vec<String>,
}

const OPEN_KEYS: &[&str] = &["onProgress", "signal", "rolloutBucket", "allowed"];

#[derive(Deserialize, Default)]
struct SearchOptions {
    k: Option<usize>,
}

const SEARCH_KEYS: &[&str] = &["k"];

#[derive(Deserialize, Default)]
struct RecommendOptions {
    k: Option<usize>,
    /// Core's one vocabulary (its dense-id exclusion list is not part of it: the engine fills
    /// that in from the taste's `owned` IGDB ids).
    #[serde(default)]
    filters: Filters,
    #[serde(default)]
    popularity: f32,
    #[serde(default)]
    recency: f32,
}

const RECOMMEND_KEYS: &[&str] = &["k", "filters", "popularity", "recency"];

#[derive(Deserialize, Default)]
struct TasteIn {
    like: Vec<IgdbId>,
    #[serde(default)]
    dislike: Vec<IgdbId>,
    #[serde(default)]
    owned: Vec<IgdbId>,
}

const TASTE_KEYS: &[&str] = &["like", "dislike", "owned"];

/// A game page: its header and its details.
#[derive(Serialize)]
struct GameView {
    #[serde(flatten)]
    info: GameInfo,
    details: Option<GameDetails>,
}

/// A knob value: finite, -1 to 1.
fn knob(value: f32, name: &str) -> Result<f32, JsValue> {
    if (-1.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(bad_request(format!(
            "{name} must be between -1 and 1, not {value}"
        )))
    }
}

impl RecommendOptions {
    fn query(self, taste: TasteIn) -> Result<RecQuery, JsValue> {
        Ok(RecQuery {
            like: taste.like,
            dislike: taste.dislike,
            exclude: taste.owned,
            filters: self.filters,
            knobs: Knobs {
                popularity: knob(self.popularity, "popularity")?,
                recency: knob(self.recency, "recency")?,
            },
            k: page_size(self.k)?,
        })
    }
}

/// A Playlike index opened in JavaScript: title search, "games like this", recommendations
/// from a taste, and game pages, all computed locally.
#[wasm_bindgen]
pub struct Playlike {
    engine: Engine,
    /// `open`/`load` was called: an object holds one index for its whole life.
    started: Cell<bool>,
    on_progress: Rc<RefCell<Option<Function>>>,
}

impl Default for Playlike {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen]
impl Playlike {
    /// An empty Playlike; `load` fills it. Most callers use `Playlike.open` instead.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Playlike {
        let on_progress: Rc<RefCell<Option<Function>>> = Rc::default();
        let listener = on_progress.clone();
        let engine = Engine::new(move |status: &LoadStatus| {
            let callback = listener.borrow().clone();
            if let (Some(callback), Ok(value)) = (callback, to_plain(status)) {
                // A throwing callback must not stop loading.
                let _ = callback.call1(&JsValue::NULL, &value);
            }
        });
        Playlike {
            engine,
            started: Cell::new(false),
            on_progress,
        }
    }

    /// Opens the index whose `manifest.json` is at `manifestUrl` (relative URLs resolve
    /// against the page); resolves once everything needed up front is loaded and verified.
    pub async fn open(
        #[wasm_bindgen(js_name = manifestUrl, unchecked_param_type = "string | URL")]
        manifest_url: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "OpenOptions")] options: Option<JsValue>,
    ) -> Result<Playlike, JsValue> {
        let playlike = Playlike::new();
        playlike.opening(manifest_url, options)?.await?;
        Ok(playlike)
    }

    /// Like `Playlike.open`, on this object: loads the index into it. While it loads, search
    /// works once the first titles are in; other calls say `not_loaded` until their data is.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn load(
        &self,
        #[wasm_bindgen(js_name = manifestUrl, unchecked_param_type = "string | URL")]
        manifest_url: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "OpenOptions")] options: Option<JsValue>,
    ) -> js_sys::Promise {
        match self.opening(manifest_url, options) {
            Ok(loading) => wasm_bindgen_futures::future_to_promise(async move {
                loading.await.map(|()| JsValue::UNDEFINED)
            }),
            Err(e) => js_sys::Promise::reject(&e),
        }
    }

    /// How far loading has come.
    #[wasm_bindgen(unchecked_return_type = "LoadStatus")]
    pub fn status(&self) -> Result<JsValue, JsValue> {
        to_plain(&self.engine.status())
    }

    /// Games whose titles match `query`, best first.
    #[wasm_bindgen(unchecked_return_type = "GameSummary[]")]
    pub fn search(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] query: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SearchOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let query = query.as_string().ok_or_else(|| {
            bad_request(format!("query must be a string, not {}", describe(&query)))
        })?;
        let options: SearchOptions = self::options(options, "search options", SEARCH_KEYS)?;
        let k = page_size(options.k)?;
        if !self.engine.status().search_ready {
            return Err(not_loaded("titles"));
        }
        to_plain(&self.engine.search(&query, k))
    }

    /// Result rows for the games with these IGDB ids that the index has, in the given order
    /// (unknown ids are left out).
    #[wasm_bindgen(unchecked_return_type = "GameSummary[]")]
    pub fn games(
        &self,
        #[wasm_bindgen(js_name = igdbIds, unchecked_param_type = "number[]")] igdb_ids: JsValue,
    ) -> Result<JsValue, JsValue> {
        let ids = ids_of_loaded_titles(&self.engine, igdb_ids)?;
        to_plain(&self.engine.games(&ids))
    }

    /// Games like the one with IGDB id `igdbId`, with the reasons for each.
    #[wasm_bindgen(unchecked_return_type = "Recommendation[]")]
    pub fn similar(
        &self,
        #[wasm_bindgen(js_name = igdbId, unchecked_param_type = "number")] igdb_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RecommendOptions")] options: Option<
            JsValue,
        >,
    ) -> Result<JsValue, JsValue> {
        let taste = TasteIn {
            like: vec![self::igdb_id(&igdb_id)?],
            ..TasteIn::default()
        };
        self.recommend(taste, options)
    }

    /// Recommendations for a player's taste: games like the liked ones, away from the
    /// disliked ones, never the owned ones.
    #[wasm_bindgen(unchecked_return_type = "Recommendation[]")]
    pub fn taste(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Taste")] taste: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RecommendOptions")] options: Option<
            JsValue,
        >,
    ) -> Result<JsValue, JsValue> {
        let taste: TasteIn = self::options(Some(taste), "the taste", TASTE_KEYS)?;
        self.recommend(taste, options)
    }

    /// A game page: header and details (the details shard is fetched on first use).
    /// Rejects with `bad_id` when the index has no such game.
    #[wasm_bindgen(unchecked_return_type = "Promise<Game>")]
    pub fn game(
        &self,
        #[wasm_bindgen(js_name = igdbId, unchecked_param_type = "number")] igdb_id: JsValue,
    ) -> js_sys::Promise {
        let engine = self.engine.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            let id = self::igdb_id(&igdb_id)?;
            let info = engine
                .game(id)
                .map_err(to_js_error)?
                .ok_or_else(|| no_such_game(id))?;
            let details = engine.details(id).await.map_err(to_js_error)?;
            to_plain(&GameView { info, details })
        })
    }

    /// The covers of these games (the lesser-known games' covers are fetched on first use, a
    /// small block at a time): one entry per game that has one, in the given order. Games
    /// without a cover, unknown ids and covers that cannot be fetched now are left out;
    /// rejects with `not_loaded` until every title is.
    #[wasm_bindgen(unchecked_return_type = "Promise<GameCover[]>")]
    pub fn covers(
        &self,
        #[wasm_bindgen(js_name = igdbIds, unchecked_param_type = "number[]")] igdb_ids: JsValue,
    ) -> js_sys::Promise {
        let engine = self.engine.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            let ids = ids_of_loaded_titles(&engine, igdb_ids)?;
            to_plain(&engine.covers(&ids).await)
        })
    }

    /// Platform and genre names, for building filters.
    #[wasm_bindgen(js_name = filterOptions, unchecked_return_type = "FilterOptions")]
    pub fn filter_options(&self) -> Result<JsValue, JsValue> {
        if !self.engine.status().recommend_ready {
            return Err(not_loaded("recommendation data"));
        }
        to_plain(&self.engine.filter_options())
    }
}

fn not_loaded(what: &str) -> JsValue {
    to_js_error(EngineError::new(
        ErrorCode::NotLoaded,
        format!("the {what} are not loaded yet: call load() or use Playlike.open()"),
    ))
}

/// The IGDB ids of a call that looks games up by id: an array of ids, and only once every
/// title is loaded (before, an id not found yet may still come).
fn ids_of_loaded_titles(engine: &Engine, igdb_ids: JsValue) -> Result<Vec<IgdbId>, JsValue> {
    let ids = from_js(igdb_ids, "igdbIds must be an array of IGDB ids")?;
    if !engine.status().titles_complete {
        return Err(not_loaded("titles"));
    }
    Ok(ids)
}

fn no_such_game(igdb_id: IgdbId) -> JsValue {
    to_js_error(EngineError::new(
        ErrorCode::BadId,
        format!("no game with IGDB id {igdb_id} in this index"),
    ))
}

impl Playlike {
    fn recommend(&self, taste: TasteIn, options: Option<JsValue>) -> Result<JsValue, JsValue> {
        if let Some(filters) = options
            .as_ref()
            .and_then(|o| Reflect::get(o, &"filters".into()).ok())
            .filter(|f| !f.is_undefined())
        {
            check_keys(&filters, "filters", Filters::KEYS)?;
        }
        let options: RecommendOptions =
            self::options(options, "recommend options", RECOMMEND_KEYS)?;
        let query = options.query(taste)?;
        let answer = self.engine.recommend(&query).map_err(to_js_error)?;
        to_plain(&answer.items)
    }

    /// Checks the arguments of `open`/`load` and starts loading; the future resolves when
    /// the index is loaded.
    fn opening(
        &self,
        manifest_url: JsValue,
        options: Option<JsValue>,
    ) -> Result<impl std::future::Future<Output = Result<(), JsValue>>, JsValue> {
        let url = manifest_location(&manifest_url)?;
        let options: OpenOptions = self::options(options, "open options", OPEN_KEYS)?;
        let on_progress = match options.on_progress {
            v if v.is_undefined() => None,
            v => Some(
                v.dyn_into::<Function>()
                    .map_err(|_| bad_request("onProgress must be a function"))?,
            ),
        };
        let signal = match options.signal {
            v if v.is_undefined() => None,
            v => Some(
                v.dyn_into::<web_sys::AbortSignal>()
                    .map_err(|_| bad_request("signal must be an AbortSignal"))?,
            ),
        };
        let bucket = match options.rollout_bucket {
            Some(b @ 0..=99) => b,
            Some(b) => return Err(bad_request(format!("rolloutBucket must be 0–99, not {b}"))),
            None => (js_sys::Math::random() * 100.0) as u8,
        };
        if self.started.get() {
            return Err(bad_request(
                "this Playlike already has an index; make a new one to open another",
            ));
        }
        if let Some(signal) = signal.as_ref().filter(|s| s.aborted()) {
            return Err(signal.reason());
        }
        self.started.set(true);
        *self.on_progress.borrow_mut() = on_progress;
        self.engine.set_abort_signal(signal.clone());
        let mut allowed = options.allowed;
        allowed.push(url.clone());
        let engine = self.engine.clone();
        Ok(async move {
            let result = engine.open(&url, bucket, &allowed).await;
            engine.set_abort_signal(None);
            let aborted = signal.filter(|s| s.aborted());
            match (result, aborted) {
                (_, Some(signal)) => Err(signal.reason()),
                (Err(e), None) => Err(to_js_error(e)),
                (Ok(()), None) => Ok(()),
            }
        })
    }
}

/// The absolute manifest URL: `value` (a string or `URL`) resolved against the page or
/// worker location; in Node it must already be absolute (`http:`, `https:` or `file:`).
fn manifest_location(value: &JsValue) -> Result<String, JsValue> {
    let text = match value.as_string() {
        Some(text) => text,
        None if value.is_instance_of::<web_sys::Url>() => {
            value.unchecked_ref::<web_sys::Url>().href()
        }
        None => {
            return Err(bad_request(format!(
                "the manifest URL must be a string or URL, not {}",
                describe(value)
            )))
        }
    };
    let base = Reflect::get(&js_sys::global(), &"location".into())
        .ok()
        .and_then(|location| Reflect::get(&location, &"href".into()).ok())
        .and_then(|href| href.as_string())
        .unwrap_or_else(|| text.clone());
    net::resolve_url(&text, &base).ok_or_else(|| {
        bad_request(format!(
            "{text:?} is not a URL (outside a browser it must be absolute, e.g. file:///…/manifest.json)"
        ))
    })
}
