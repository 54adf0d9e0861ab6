//! All index loading and the one in-memory [`Library`] the pages query.
//!
//! Order of work: `manifest.json`, then the `search` title shards (the first holds the most
//! notable games, so search works after it alone), then the `recommend` part, each with a
//! byte-level progress bar. Every file is checked with [`open_stored`] (SHA-256 of the stored
//! bytes, then gunzip) before it is decoded. `details` shards are fetched on demand.
//!
//! Offline and warm starts: every verified file is kept in the Cache API keyed by its content
//! hash, and the manifest of the last complete load under a fixed key. A later visit starts
//! from that cache without the network, then checks for a newer manifest in the background
//! and, when there is one, downloads it into the cache and offers to switch. A corrupt or
//! unreachable index shows an error with Retry; when a cached index exists it stays in use.
//!
//! The library lives in a thread-local (wasm is single-threaded); pages read it through
//! [`with_library`] and re-run when [`IndexStatus::generation`] changes.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::{Reflect, Uint8Array};
use leptos::prelude::*;
use playlike_core::format::{
    open_stored, verify_file, DetailsShard, FeaturePart, FileRole, FormatError, GameDetails,
    Manifest, ManifestFile, TitleShard,
};
use playlike_core::{GameId, Library};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::prefs;

/// Name of the Cache API bucket holding verified index files.
const CACHE_NAME: &str = "playlike-index-v1";

/// What the pages know about the index, reactively.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IndexStatus {
    /// Bytes received (or read from the cache) of the files needed up front.
    pub loaded_bytes: u64,
    /// Bytes of the search and recommend files, from the manifest.
    pub total_bytes: u64,
    /// What is being done now, for the progress line.
    pub activity: String,
    /// Title search works (at least the first title shard is in).
    pub search_ready: bool,
    /// Every title shard is in.
    pub titles_complete: bool,
    /// Recommendations work.
    pub recommend_ready: bool,
    /// No usable index: the reason, shown with a Retry button.
    pub error: Option<String>,
    /// Something worth telling that does not stop the app (update failed, offline).
    pub notice: Option<String>,
    /// A newer index has been downloaded and can be switched to.
    pub update_ready: Option<String>,
    pub version: Option<String>,
    pub built_at: Option<String>,
    pub attribution: Option<String>,
    pub games: u32,
    /// The index in use came from the browser's cache.
    pub from_cache: bool,
    /// Bumped whenever the library gains data; queries depend on it.
    pub generation: u32,
}

impl IndexStatus {
    pub fn percent(&self) -> f64 {
        if self.total_bytes == 0 {
            0.0
        } else {
            (self.loaded_bytes as f64 * 100.0 / self.total_bytes as f64).min(100.0)
        }
    }
}

/// The reactive status, shared through context.
pub type Status = RwSignal<IndexStatus>;

/// A manifest together with the URL it came from (file paths are relative to it).
struct Loaded {
    manifest: Manifest,
    url: String,
}

thread_local! {
    static LIBRARY: RefCell<Library> = RefCell::new(Library::new());
    static CURRENT: RefCell<Option<Rc<Loaded>>> = const { RefCell::new(None) };
    static DETAILS: RefCell<HashMap<String, Rc<DetailsShard>>> = RefCell::new(HashMap::new());
    static LOADING: RefCell<bool> = const { RefCell::new(false) };
}

/// Runs `f` on the loaded library. Cheap; call it inside memos that also read
/// `status.generation` so they re-run when data arrives.
pub fn with_library<R>(f: impl FnOnce(&Library) -> R) -> R {
    LIBRARY.with(|lib| f(&lib.borrow()))
}

/// Starts loading the index (once; a second call while loading does nothing).
pub fn start(status: Status) {
    if LOADING.with(|l| l.replace(true)) {
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        load(status).await;
        LOADING.with(|l| *l.borrow_mut() = false);
    });
}

/// Retry after an error: drops partial data and loads again.
pub fn retry(status: Status) {
    if LOADING.with(|l| *l.borrow()) {
        return;
    }
    LIBRARY.with(|lib| *lib.borrow_mut() = Library::new());
    CURRENT.with(|c| *c.borrow_mut() = None);
    status.update(|s| {
        *s = IndexStatus {
            generation: s.generation + 1,
            ..IndexStatus::default()
        }
    });
    start(status);
}

/// The manifest URL: `?index=` on the page, else `<meta name="playlike-index">`, else
/// `index/manifest.json` on this origin. Resolved to an absolute URL.
pub fn manifest_url() -> String {
    let window = window();
    let location = window.location();
    let href = location.href().unwrap_or_default();
    let from_query = web_sys::Url::new(&href)
        .ok()
        .and_then(|u| u.search_params().get("index"));
    let from_meta = || {
        window
            .document()?
            .query_selector("meta[name=playlike-index]")
            .ok()??
            .get_attribute("content")
            .filter(|c| !c.trim().is_empty())
    };
    let raw = from_query
        .or_else(from_meta)
        .unwrap_or_else(|| "/index/manifest.json".into());
    resolve_url(&raw, &href).unwrap_or(raw)
}

fn resolve_url(relative: &str, base: &str) -> Option<String> {
    web_sys::Url::new_with_base(relative, base)
        .ok()
        .map(|u| u.href())
}

async fn load(status: Status) {
    let url = manifest_url();
    let cache = IndexCache::open().await;

    // Warm start: the last complete index, straight from the cache.
    if let Some(cache) = &cache {
        if let Some((text, from_url)) = cache.manifest(&url).await {
            if let Ok(manifest) = Manifest::from_json(&text) {
                let loaded = Rc::new(Loaded {
                    manifest,
                    url: from_url,
                });
                CURRENT.with(|c| *c.borrow_mut() = Some(loaded.clone()));
                match load_files(&loaded, Some(cache), true, status).await {
                    Ok(()) => {
                        status.update(|s| s.from_cache = true);
                        // Files of versions replaced since go, before any update downloads.
                        cache.prune(&loaded.manifest).await;
                        check_for_update(url, loaded.manifest.version.clone(), status).await;
                        return;
                    }
                    Err(_) => {
                        // The cache lost some files: start over from the network.
                        LIBRARY.with(|lib| *lib.borrow_mut() = Library::new());
                        status.update(|s| {
                            s.search_ready = false;
                            s.recommend_ready = false;
                            s.titles_complete = false;
                            s.generation += 1;
                        });
                    }
                }
            }
        }
    }

    // Cold start: the network.
    status.update(|s| s.activity = "Fetching the index manifest…".into());
    let (text, loaded) = match fetch_manifest(&url).await {
        Ok(found) => found,
        Err(e) => {
            fail(status, format!("The game index is unreachable: {e}"));
            return;
        }
    };
    let loaded = Rc::new(loaded);
    CURRENT.with(|c| *c.borrow_mut() = Some(loaded.clone()));
    match load_files(&loaded, cache.as_ref(), false, status).await {
        Ok(()) => {
            if let Some(cache) = &cache {
                cache.put_manifest(&url, &text, &loaded.url).await;
                cache.prune(&loaded.manifest).await;
            }
        }
        Err(e) => fail(status, e),
    }
}

fn fail(status: Status, message: String) {
    web_sys::console::error_1(&JsValue::from_str(&message));
    status.update(|s| {
        s.error = Some(message);
        s.activity.clear();
    });
}

/// Fetches `manifest.json` (bypassing the HTTP cache) and follows a staged rollout when this
/// browser's bucket falls in the canary share.
async fn fetch_manifest(url: &str) -> Result<(String, Loaded), String> {
    let text = fetch_text(url).await?;
    let manifest = Manifest::from_json(&text).map_err(|e| e.to_string())?;
    if let Some(rollout) = &manifest.rollout {
        if prefs::rollout_bucket() < rollout.percent {
            if let Some(canary_url) = resolve_url(&rollout.manifest, url) {
                match fetch_text(&canary_url).await.and_then(|t| {
                    Manifest::from_json(&t)
                        .map(|m| (t, m))
                        .map_err(|e| e.to_string())
                }) {
                    Ok((text, manifest)) => {
                        return Ok((
                            text,
                            Loaded {
                                manifest,
                                url: canary_url,
                            },
                        ))
                    }
                    Err(e) => web_sys::console::warn_1(&JsValue::from_str(&format!(
                        "canary index {canary_url} unusable, staying on the stable one: {e}"
                    ))),
                }
            }
        }
    }
    Ok((
        text,
        Loaded {
            manifest,
            url: url.to_string(),
        },
    ))
}

/// Loads the search and recommend files of `loaded` into the library, updating progress.
/// With `cache_only`, a file missing from the cache is an error instead of a download.
async fn load_files(
    loaded: &Loaded,
    cache: Option<&IndexCache>,
    cache_only: bool,
    status: Status,
) -> Result<(), String> {
    let manifest = &loaded.manifest;
    let titles: Vec<&ManifestFile> = manifest.files_with_role(FileRole::Search).collect();
    let features: Vec<&ManifestFile> = manifest.files_with_role(FileRole::Recommend).collect();
    if titles.is_empty() {
        return Err("The index lists no title files.".into());
    }
    let total: u64 = titles.iter().chain(&features).map(|f| f.bytes).sum();
    status.update(|s| {
        s.total_bytes = total;
        s.loaded_bytes = 0;
        s.error = None;
        s.version = Some(manifest.version.clone());
        s.built_at = Some(manifest.built_at.clone());
        s.attribution = Some(manifest.attribution.clone());
        s.games = manifest.games;
    });

    // Downloads run one file ahead of decoding: while one file is decoded and indexed (main
    // thread), the next one is already arriving.
    let files: Vec<ManifestFile> = titles
        .iter()
        .chain(&features)
        .map(|f| (*f).clone())
        .collect();
    let title_count = titles.len();
    let mut next = Some(Pending::start(loaded, &files[0], cache, cache_only, status));
    for (i, entry) in files.iter().enumerate() {
        status.update(|s| {
            s.activity = if i < title_count {
                format!("Downloading titles ({}/{title_count})…", i + 1)
            } else {
                "Downloading recommendation data…".into()
            }
        });
        let (stored, from_cache) = next
            .take()
            .expect("one file is always pending")
            .wait()
            .await?;
        if let Some(following) = files.get(i + 1) {
            next = Some(Pending::start(loaded, following, cache, cache_only, status));
        }
        // Let the next download start (and the page paint) before the heavy work.
        yield_now().await;
        if i < title_count {
            let started = crate::perf::now();
            let shard = open_stored(entry, &stored)
                .map_err(|e| describe(entry, e))
                .and_then(|raw| TitleShard::decode(&raw).map_err(|e| describe(entry, e)))?;
            crate::perf::record("titles_decode", crate::perf::now() - started);
            yield_now().await;
            let started = crate::perf::now();
            LIBRARY
                .with(|lib| lib.borrow_mut().add_titles(shard))
                .map_err(|e| corrupt(entry, &e.to_string()))?;
            crate::perf::record("titles_index", crate::perf::now() - started);
            if i == 0 {
                crate::perf::mark("playlike:search-ready");
            }
            status.update(|s| {
                s.search_ready = true;
                s.titles_complete = i + 1 == title_count;
                s.generation += 1;
            });
        } else {
            status.update(|s| s.activity = "Preparing recommendations…".into());
            yield_now().await;
            let started = crate::perf::now();
            let part = open_stored(entry, &stored)
                .map_err(|e| describe(entry, e))
                .and_then(|raw| FeaturePart::decode(&raw).map_err(|e| describe(entry, e)))?;
            crate::perf::record("features_decode", crate::perf::now() - started);
            yield_now().await;
            let started = crate::perf::now();
            LIBRARY
                .with(|lib| lib.borrow_mut().set_features(part))
                .map_err(|e| corrupt(entry, &e.to_string()))?;
            crate::perf::record("features_index", crate::perf::now() - started);
        }
        // Verified and decoded: now it may be kept.
        if !from_cache {
            if let Some(cache) = cache {
                cache.put_file(&entry.sha256, &stored).await;
            }
        }
        yield_now().await;
    }
    crate::perf::mark("playlike:recommend-ready");
    status.update(|s| {
        s.recommend_ready = LIBRARY.with(|lib| lib.borrow().can_recommend());
        s.activity.clear();
        s.generation += 1;
    });
    Ok(())
}

fn corrupt(entry: &ManifestFile, error: &str) -> String {
    format!("The index file {} is corrupt: {error}", entry.path)
}

/// A short, plain message for a file that fails verification or decoding.
fn describe(entry: &ManifestFile, error: FormatError) -> String {
    match error {
        FormatError::Hash {
            expected, actual, ..
        } => format!(
            "The index file {} is corrupt: its SHA-256 ({}…) does not match the manifest ({}…).",
            entry.path,
            actual.get(..12).unwrap_or(&actual),
            expected.get(..12).unwrap_or(&expected),
        ),
        other => corrupt(entry, &other.to_string()),
    }
}

/// Stored bytes of a file and whether they came from the cache, or why there are none.
type Fetched = Result<(Vec<u8>, bool), String>;

/// One file being fetched in the background (from the cache or the network).
struct Pending {
    done: js_sys::Promise,
    result: Rc<RefCell<Option<Fetched>>>,
}

impl Pending {
    fn start(
        loaded: &Loaded,
        entry: &ManifestFile,
        cache: Option<&IndexCache>,
        cache_only: bool,
        status: Status,
    ) -> Pending {
        let mut resolve = None;
        let done = js_sys::Promise::new(&mut |res, _| resolve = Some(res));
        let resolve = resolve.expect("the Promise executor runs at once");
        let result = Rc::new(RefCell::new(None));
        let slot = result.clone();
        let (url, entry, cache) = (loaded.url.clone(), entry.clone(), cache.cloned());
        wasm_bindgen_futures::spawn_local(async move {
            let got = get_file(&url, &entry, cache.as_ref(), cache_only, status).await;
            *slot.borrow_mut() = Some(got);
            let _ = resolve.call0(&JsValue::NULL);
        });
        Pending { done, result }
    }

    /// The stored bytes, and whether they came from the cache.
    async fn wait(self) -> Fetched {
        let _ = JsFuture::from(self.done).await;
        let got = self.result.borrow_mut().take();
        got.unwrap_or_else(|| Err("download did not finish".into()))
    }
}

/// Stored (still gzip) bytes of one file, and whether they came from the cache. Not yet
/// verified: the caller verifies with `open_stored` and only then caches downloaded bytes.
async fn get_file(
    manifest_url: &str,
    entry: &ManifestFile,
    cache: Option<&IndexCache>,
    cache_only: bool,
    status: Status,
) -> Fetched {
    if let Some(cache) = cache {
        if let Some(bytes) = cache.file(&entry.sha256).await {
            // A warm start verifies while decoding; a cold one must not reuse a bad copy.
            if cache_only || verify_file(entry, &bytes).is_ok() {
                status.update(|s| s.loaded_bytes += entry.bytes);
                return Ok((bytes, true));
            }
        }
    }
    if cache_only {
        return Err(format!("{} is not in the cache", entry.path));
    }
    let url = resolve_url(&entry.path, manifest_url).ok_or("bad file URL")?;
    let mut seen = 0;
    let bytes = fetch_bytes(&url, entry.bytes, |n| {
        let n = n.min(entry.bytes);
        let delta = n.saturating_sub(seen);
        seen = n;
        status.update(|s| s.loaded_bytes += delta)
    })
    .await
    .map_err(|e| format!("The index file {} could not be downloaded: {e}", entry.path))?;
    Ok((bytes, false))
}

/// After a warm start: is there a newer index? If so, download it into the cache and offer
/// to switch; if that fails, keep the cached one and say so.
async fn check_for_update(url: String, current: String, status: Status) {
    let Some(cache) = IndexCache::open().await else {
        return;
    };
    let (text, loaded) = match fetch_manifest(&url).await {
        Ok(found) => found,
        Err(_) => {
            status.update(|s| {
                s.notice = Some("Offline: using the index saved in this browser.".into())
            });
            return;
        }
    };
    if loaded.manifest.version == current {
        return;
    }
    let files: Vec<&ManifestFile> = loaded
        .manifest
        .files_with_role(FileRole::Search)
        .chain(loaded.manifest.files_with_role(FileRole::Recommend))
        .collect();
    for entry in files {
        if cache.file(&entry.sha256).await.is_some() {
            continue;
        }
        let result = async {
            let file_url = resolve_url(&entry.path, &loaded.url).ok_or("bad file URL")?;
            let bytes = fetch_bytes(&file_url, entry.bytes, |_| {}).await?;
            verify_file(entry, &bytes).map_err(|e| e.to_string())?;
            cache.put_file(&entry.sha256, &bytes).await;
            Ok::<(), String>(())
        }
        .await;
        if let Err(e) = result {
            status.update(|s| {
                s.notice = Some(format!(
                    "A newer index ({}) could not be loaded ({e}); still using {current}.",
                    loaded.manifest.version
                ))
            });
            return;
        }
    }
    cache.put_manifest(&url, &text, &loaded.url).await;
    status.update(|s| s.update_ready = Some(loaded.manifest.version.clone()));
}

/// Details of one game, from its `details` shard (downloaded once, cached, kept in memory).
pub async fn details(game: GameId) -> Result<Option<GameDetails>, String> {
    let Some(loaded) = CURRENT.with(|c| c.borrow().clone()) else {
        return Err("the index is not loaded".into());
    };
    let Some(entry) = loaded.manifest.details_file_for(game).cloned() else {
        return Ok(None);
    };
    if let Some(shard) = DETAILS.with(|d| d.borrow().get(&entry.sha256).cloned()) {
        return Ok(shard.get(game).cloned());
    }
    let cache = IndexCache::open().await;
    let mut stored = None;
    if let Some(cache) = &cache {
        stored = cache.file(&entry.sha256).await;
    }
    let stored = match stored {
        Some(bytes) => bytes,
        None => {
            let url = resolve_url(&entry.path, &loaded.url).ok_or("bad file URL")?;
            let bytes = fetch_bytes(&url, entry.bytes, |_| {}).await?;
            verify_file(&entry, &bytes).map_err(|e| e.to_string())?;
            if let Some(cache) = &cache {
                cache.put_file(&entry.sha256, &bytes).await;
            }
            bytes
        }
    };
    let shard = open_stored(&entry, &stored)
        .and_then(|raw| DetailsShard::decode(&raw))
        .map_err(|e| corrupt(&entry, &e.to_string()))?;
    let shard = Rc::new(shard);
    DETAILS.with(|d| d.borrow_mut().insert(entry.sha256.clone(), shard.clone()));
    Ok(shard.get(game).cloned())
}

/// Lets the browser handle input and paint between heavy steps.
pub async fn yield_now() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
    });
    let _ = JsFuture::from(promise).await;
}

fn js_error(e: JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| "network error".into())
}

async fn fetch_response(url: &str, no_cache: bool) -> Result<web_sys::Response, String> {
    let init = web_sys::RequestInit::new();
    if no_cache {
        init.set_cache(web_sys::RequestCache::NoCache);
    }
    let response = JsFuture::from(window().fetch_with_str_and_init(url, &init))
        .await
        .map_err(js_error)?;
    let response: web_sys::Response = response.unchecked_into();
    if !response.ok() {
        return Err(format!("HTTP {} for {url}", response.status()));
    }
    Ok(response)
}

async fn fetch_text(url: &str) -> Result<String, String> {
    let response = fetch_response(url, true).await?;
    let text = JsFuture::from(response.text().map_err(js_error)?)
        .await
        .map_err(js_error)?;
    text.as_string().ok_or_else(|| "not text".into())
}

/// Downloads a file chunk by chunk, reporting the bytes received so far.
async fn fetch_bytes(
    url: &str,
    expected: u64,
    mut progress: impl FnMut(u64),
) -> Result<Vec<u8>, String> {
    let response = fetch_response(url, false).await?;
    let body = response.body().ok_or("empty response")?;
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut out = Vec::with_capacity(expected.min(1 << 28) as usize);
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(js_error)?;
        let done = Reflect::get(&chunk, &JsValue::from_str("done"))
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            break;
        }
        let value: Uint8Array = Reflect::get(&chunk, &JsValue::from_str("value"))
            .map_err(js_error)?
            .unchecked_into();
        let start = out.len();
        out.resize(start + value.length() as usize, 0);
        value.copy_to(&mut out[start..]);
        progress(out.len() as u64);
    }
    Ok(out)
}

/// Verified index files in the Cache API, keyed by content hash; plus the last complete
/// manifest per manifest URL.
#[derive(Clone)]
struct IndexCache {
    cache: web_sys::Cache,
    origin: String,
}

impl IndexCache {
    async fn open() -> Option<IndexCache> {
        let window = window();
        // `caches` only exists in secure contexts (https, localhost).
        let storage = window.caches().ok()?;
        let cache = JsFuture::from(storage.open(CACHE_NAME)).await.ok()?;
        Some(IndexCache {
            cache: cache.unchecked_into(),
            origin: window.location().origin().ok()?,
        })
    }

    fn file_key(&self, sha256: &str) -> String {
        format!("{}/__playlike-cache/file/{sha256}", self.origin)
    }

    fn manifest_key(&self, manifest_url: &str) -> String {
        format!(
            "{}/__playlike-cache/manifest?src={}",
            self.origin,
            String::from(js_sys::encode_uri_component(manifest_url))
        )
    }

    async fn get(&self, key: &str) -> Option<web_sys::Response> {
        let found = JsFuture::from(self.cache.match_with_str(key)).await.ok()?;
        if found.is_undefined() || found.is_null() {
            return None;
        }
        Some(found.unchecked_into())
    }

    async fn file(&self, sha256: &str) -> Option<Vec<u8>> {
        let response = self.get(&self.file_key(sha256)).await?;
        let buffer = JsFuture::from(response.array_buffer().ok()?).await.ok()?;
        Some(Uint8Array::new(&buffer).to_vec())
    }

    async fn put_file(&self, sha256: &str, bytes: &[u8]) {
        let array = Uint8Array::from(bytes);
        if let Ok(response) = web_sys::Response::new_with_opt_buffer_source(Some(&array)) {
            let _ =
                JsFuture::from(self.cache.put_with_str(&self.file_key(sha256), &response)).await;
        }
    }

    /// The manifest text saved for `manifest_url`, and the URL it was fetched from (a
    /// canary manifest may live elsewhere).
    async fn manifest(&self, manifest_url: &str) -> Option<(String, String)> {
        let response = self.get(&self.manifest_key(manifest_url)).await?;
        let from = response
            .headers()
            .get("x-playlike-manifest-url")
            .ok()
            .flatten()
            .unwrap_or_else(|| manifest_url.to_string());
        let text = JsFuture::from(response.text().ok()?)
            .await
            .ok()?
            .as_string()?;
        Some((text, from))
    }

    async fn put_manifest(&self, manifest_url: &str, text: &str, from: &str) {
        let init = web_sys::ResponseInit::new();
        let headers = web_sys::Headers::new().ok();
        if let Some(headers) = &headers {
            let _ = headers.set("content-type", "application/json");
            let _ = headers.set("x-playlike-manifest-url", from);
            init.set_headers(headers);
        }
        if let Ok(response) = web_sys::Response::new_with_opt_str_and_init(Some(text), &init) {
            let _ = JsFuture::from(
                self.cache
                    .put_with_str(&self.manifest_key(manifest_url), &response),
            )
            .await;
        }
    }

    /// Deletes cached files that `manifest` no longer lists.
    async fn prune(&self, manifest: &Manifest) {
        let Ok(keys) = JsFuture::from(self.cache.keys()).await else {
            return;
        };
        let keep: Vec<String> = manifest
            .files
            .iter()
            .map(|f| self.file_key(&f.sha256))
            .collect();
        let prefix = format!("{}/__playlike-cache/file/", self.origin);
        for request in js_sys::Array::from(&keys).iter() {
            let request: web_sys::Request = request.unchecked_into();
            let url = request.url();
            if url.starts_with(&prefix) && !keep.contains(&url) {
                let _ = JsFuture::from(self.cache.delete_with_str(&url)).await;
            }
        }
    }
}
