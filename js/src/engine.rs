//! The engine: one index, loaded progressively, answering the calls of
//! [`playlike_core::protocol`].
//!
//! Order of work: `manifest.json` (following a staged rollout by the caller's bucket), then
//! the up-front files in the manifest's order (title shards first, so search works after the
//! first; then the recommendation data), each downloaded one ahead of decoding. Every file is
//! checked against the manifest's SHA-256 before it is decoded or cached. Details shards and
//! the later tiers' cover blocks are fetched on demand (a card without a cover asks for it),
//! cached the same way, and kept in memory once loaded.
//!
//! Warm starts: verified files stay in the Cache API keyed by content hash, with the manifest
//! of the last complete load; a later visit starts from there without the network, then looks
//! for a newer manifest in the background and downloads it for the next visit. A corrupt or
//! unreachable index is an error in the status (the page offers Retry); a usable cached index
//! stays in use when an update fails.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use playlike_core::format::manifest::is_safe_relative_path;
use playlike_core::format::{
    decode_raw_part, DetailsShard, FileRole, FormatError, GameDetails, Manifest, ManifestFile, Part,
};
use playlike_core::protocol::{
    index_url_allowed, Answer, EngineError, EngineRequest, ErrorCode, FilterOptions, GameCover,
    GameInfo, GameSummary, LoadStatus, RecAnswer, RecItem, RecQuery, Showcase,
};
use playlike_core::recommend::RecommendError;
use playlike_core::{GameId, IgdbId, Library, LibraryError, Request};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use crate::net::{self, IndexCache};
use crate::stored;

/// A manifest together with the URL it came from (file paths are relative to it).
struct Loaded {
    manifest: Manifest,
    url: String,
}

/// The engine. Cheap to clone: clones share one index.
#[derive(Clone)]
pub struct Engine {
    inner: Rc<Inner>,
}

struct Inner {
    library: RefCell<Library>,
    current: RefCell<Option<Rc<Loaded>>>,
    details: RefCell<HashMap<String, Rc<DetailsShard>>>,
    /// Cover blocks being fetched (a few at most), by SHA-256: every call that needs one waits
    /// for the same download (it resolves once the block is in the library, or has failed).
    cover_fetches: RefCell<Vec<(String, js_sys::Promise)>>,
    status: RefCell<LoadStatus>,
    notify: Box<dyn Fn(&LoadStatus)>,
    /// When downloaded bytes were last reported (see [`PROGRESS_EVERY_MS`]).
    progress_sent: Cell<f64>,
    /// Aborts the downloads of `open` (set by the npm API's `signal` option).
    abort: RefCell<Option<web_sys::AbortSignal>>,
}

/// Byte-count progress is reported at most this often (every other change at once).
const PROGRESS_EVERY_MS: f64 = 250.0;

fn error(code: ErrorCode, message: impl Into<String>) -> EngineError {
    EngineError::new(code, message)
}

impl Engine {
    /// An engine with nothing loaded; `notify` hears every change of the loading status.
    pub fn new(notify: impl Fn(&LoadStatus) + 'static) -> Engine {
        Engine {
            inner: Rc::new(Inner {
                library: RefCell::new(Library::new()),
                current: RefCell::new(None),
                details: RefCell::new(HashMap::new()),
                cover_fetches: RefCell::new(Vec::new()),
                status: RefCell::new(LoadStatus::default()),
                notify: Box::new(notify),
                progress_sent: Cell::new(f64::NEG_INFINITY),
                abort: RefCell::new(None),
            }),
        }
    }

    /// Downloads started by `open` from now on stop when `signal` aborts.
    pub fn set_abort_signal(&self, signal: Option<web_sys::AbortSignal>) {
        *self.inner.abort.borrow_mut() = signal;
    }

    fn abort_signal(&self) -> Option<web_sys::AbortSignal> {
        self.inner.abort.borrow().clone()
    }

    pub fn status(&self) -> LoadStatus {
        self.inner.status.borrow().clone()
    }

    fn update(&self, change: impl FnOnce(&mut LoadStatus)) {
        let status = {
            let mut status = self.inner.status.borrow_mut();
            change(&mut status);
            status.clone()
        };
        self.inner.progress_sent.set(net::now());
        (self.inner.notify)(&status);
    }

    /// Counts downloaded bytes; reported with the next change, or on their own at most every
    /// [`PROGRESS_EVERY_MS`]. On a slow link bytes arrive in thousands of small chunks, and an
    /// event for each kept the page's thread busy for seconds.
    fn add_loaded_bytes(&self, bytes: u64) {
        self.inner.status.borrow_mut().loaded_bytes += bytes;
        if net::now() - self.inner.progress_sent.get() >= PROGRESS_EVERY_MS {
            self.update(|_| {});
        }
    }

    /// Answers one call.
    pub async fn handle(&self, request: EngineRequest) -> Result<Answer, EngineError> {
        match request {
            EngineRequest::OpenPlace {
                place,
                rollout_bucket,
            } => {
                let location = place.resolve();
                self.open(&location.manifest_url, rollout_bucket, &location.allowed)
                    .await
                    .map(|()| Answer::Opened)
            }
            EngineRequest::Search { query, k } => Ok(Answer::Hits(self.search(&query, k))),
            EngineRequest::Recommend(query) => self.recommend(&query).map(Answer::Recs),
            EngineRequest::Game { igdb_id } => self.game(igdb_id).map(Answer::Game),
            EngineRequest::Details { igdb_id } => self.details(igdb_id).await.map(Answer::Details),
            EngineRequest::FilterOptions => Ok(Answer::FilterOptions(self.filter_options())),
            EngineRequest::Games { igdb_ids } => Ok(Answer::Hits(self.games(&igdb_ids))),
            EngineRequest::Covers { igdb_ids } => Ok(Answer::Covers(self.covers(&igdb_ids).await)),
            EngineRequest::Showcase { n, genre } => {
                Ok(Answer::Showcase(self.showcase(n, genre.as_deref())))
            }
        }
    }

    /// Title search over the loaded titles, best first.
    pub fn search(&self, query: &str, k: usize) -> Vec<GameSummary> {
        if query.trim().is_empty() {
            return Vec::new();
        }
        GameSummary::search(&self.inner.library.borrow(), query, k)
    }

    /// Result rows for the games of `igdb_ids` that are loaded, in that order.
    pub fn games(&self, igdb_ids: &[IgdbId]) -> Vec<GameSummary> {
        let library = self.inner.library.borrow();
        igdb_ids
            .iter()
            .filter_map(|&id| GameSummary::of(&library, library.find_igdb(id)?))
            .collect()
    }

    /// Up to `n` well-known main games across eras and platforms, of `genre` when given, with
    /// the genre entry points ([`Library::showcase_choice`]).
    pub fn showcase(&self, n: usize, genre: Option<&str>) -> Showcase {
        let library = self.inner.library.borrow();
        let choice = library.showcase_choice(n, genre);
        Showcase {
            games: choice
                .games
                .into_iter()
                .filter_map(|game| GameSummary::of(&library, game))
                .collect(),
            genres: choice.genres,
        }
    }

    /// The dense id of a game, or why it has none yet.
    fn find(&self, library: &Library, igdb_id: IgdbId) -> Result<GameId, EngineError> {
        library.find_igdb(igdb_id).ok_or_else(|| {
            if self.inner.status.borrow().titles_complete {
                error(ErrorCode::BadId, format!("no game with IGDB id {igdb_id}"))
            } else {
                error(ErrorCode::NotLoaded, "the titles are still loading")
            }
        })
    }

    /// The dense ids of `igdb_ids` whose features are loaded. While the index is still
    /// arriving, games of later parts are left out (the answer is refined when they come);
    /// once it is complete, an unknown id is an error.
    fn loaded_games(
        &self,
        library: &Library,
        igdb_ids: &[IgdbId],
    ) -> Result<Vec<GameId>, EngineError> {
        let complete = library.recommendations_complete();
        let mut games = Vec::with_capacity(igdb_ids.len());
        for &igdb_id in igdb_ids {
            match self.find(library, igdb_id) {
                Ok(game) if complete || library.has_features(game) => games.push(game),
                Ok(_) => {}
                Err(e) if e.code == ErrorCode::NotLoaded => {}
                Err(e) => return Err(e),
            }
        }
        Ok(games)
    }

    /// Recommendations for liked/disliked games.
    pub fn recommend(&self, query: &RecQuery) -> Result<RecAnswer, EngineError> {
        let library = self.inner.library.borrow();
        if !library.can_recommend() {
            return Err(error(
                ErrorCode::NotLoaded,
                "recommendations are still loading",
            ));
        }
        let like = self.loaded_games(&library, &query.like)?;
        if like.is_empty() && !query.like.is_empty() {
            return Err(error(
                ErrorCode::NotLoaded,
                "this game's part of the index is still loading",
            ));
        }
        let dislike = self.loaded_games(&library, &query.dislike)?;
        let mut filters = query.filters.clone();
        // Owned games may be unknown to this index; they just cannot be recommended.
        filters.exclude_games = query
            .exclude
            .iter()
            .filter_map(|&id| library.find_igdb(id))
            .chain(like.iter().copied())
            .collect();
        let request = Request {
            like,
            dislike,
            filters,
            knobs: query.knobs,
            k: query.k,
        };
        let recs = library.recommend(&request).map_err(|e| match e {
            LibraryError::Recommend(RecommendError::NotLoaded) => error(
                ErrorCode::NotLoaded,
                "this game's part of the index is still loading",
            ),
            other => error(ErrorCode::BadRequest, other.to_string()),
        })?;
        Ok(RecAnswer {
            items: RecItem::list(&library, &recs),
            complete: library.recommendations_complete(),
        })
    }

    /// A game page's header; `None` when the index has no such game.
    pub fn game(&self, igdb_id: IgdbId) -> Result<Option<GameInfo>, EngineError> {
        let library = self.inner.library.borrow();
        match self.find(&library, igdb_id) {
            Ok(game) => Ok(GameInfo::of(&library, game)),
            Err(e) if e.code == ErrorCode::BadId => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub fn filter_options(&self) -> FilterOptions {
        let library = self.inner.library.borrow();
        FilterOptions {
            platforms: library.platform_names().to_vec(),
            stores: library
                .store_names()
                .into_iter()
                .map(str::to_string)
                .collect(),
            genres: library
                .genre_names()
                .into_iter()
                .map(str::to_string)
                .collect(),
        }
    }

    /// Details of one game, from its details shard (downloaded once, cached, kept in memory).
    pub async fn details(&self, igdb_id: IgdbId) -> Result<Option<GameDetails>, EngineError> {
        let game = {
            let library = self.inner.library.borrow();
            match self.find(&library, igdb_id) {
                Ok(game) => game,
                Err(e) if e.code == ErrorCode::BadId => return Ok(None),
                Err(e) => return Err(e),
            }
        };
        let loaded = self
            .inner
            .current
            .borrow()
            .clone()
            .ok_or_else(|| error(ErrorCode::NotLoaded, "the index is not loaded"))?;
        let Some(entry) = loaded.manifest.details_file_for(game).cloned() else {
            return Ok(None);
        };
        let cached = self.inner.details.borrow().get(&entry.sha256).cloned();
        if let Some(shard) = cached {
            return Ok(shard.get(game).cloned());
        }
        let Part::Details(shard) = fetch_part(&loaded.url, &entry).await? else {
            return Err(corrupt(&entry, "it is not a details shard"));
        };
        let shard = Rc::new(shard);
        self.inner
            .details
            .borrow_mut()
            .insert(entry.sha256.clone(), shard.clone());
        Ok(shard.get(game).cloned())
    }

    /// The covers of the games of `igdb_ids` (those that have one), fetching the cover blocks
    /// they need first: each block once, however many calls ask for it at the same time. A
    /// block that cannot be had (offline and not cached, or corrupt) leaves its games out;
    /// a later call tries again.
    pub async fn covers(&self, igdb_ids: &[IgdbId]) -> Vec<GameCover> {
        let loaded = self.inner.current.borrow().clone();
        let blocks: Vec<js_sys::Promise> = loaded
            .map(|loaded| {
                self.missing_cover_blocks(&loaded.manifest, igdb_ids)
                    .into_iter()
                    .map(|entry| self.cover_block(&loaded, entry))
                    .collect()
            })
            .unwrap_or_default();
        for block in blocks {
            let _ = JsFuture::from(block).await;
        }
        GameCover::list(&self.inner.library.borrow(), igdb_ids)
    }

    /// The cover blocks of `manifest` that hold games of `igdb_ids` and are not loaded.
    fn missing_cover_blocks(&self, manifest: &Manifest, igdb_ids: &[IgdbId]) -> Vec<ManifestFile> {
        let library = self.inner.library.borrow();
        let mut blocks: Vec<ManifestFile> = Vec::new();
        for &igdb_id in igdb_ids {
            let block = library
                .find_igdb(igdb_id)
                .filter(|&game| library.needs_cover_block(game))
                .and_then(|game| manifest.covers_file_for(game));
            if let Some(block) = block.filter(|b| !blocks.iter().any(|f| f.path == b.path)) {
                blocks.push(block.clone());
            }
        }
        blocks
    }

    /// A promise that settles once cover block `entry` is in the library (or has failed): the
    /// download under way, or a new one.
    fn cover_block(&self, loaded: &Loaded, entry: ManifestFile) -> js_sys::Promise {
        let fetching = self.inner.cover_fetches.borrow();
        if let Some((_, pending)) = fetching.iter().find(|(key, _)| *key == entry.sha256) {
            return pending.clone();
        }
        drop(fetching);
        let (engine, url, key) = (self.clone(), loaded.url.clone(), entry.sha256.clone());
        let version = loaded.manifest.version.clone();
        let pending = wasm_bindgen_futures::future_to_promise(async move {
            let added = match fetch_part(&url, &entry).await {
                // Only into the index it belongs to (a failed warm start may have replaced it).
                Ok(Part::Covers(_)) if engine.status().version.as_ref() != Some(&version) => Ok(()),
                Ok(Part::Covers(block)) => engine
                    .inner
                    .library
                    .borrow_mut()
                    .add_covers(block)
                    .map_err(|e| corrupt(&entry, &e.to_string())),
                Ok(_) => Err(corrupt(&entry, "it is not a cover block")),
                Err(e) => Err(e),
            };
            engine
                .inner
                .cover_fetches
                .borrow_mut()
                .retain(|(key, _)| *key != entry.sha256);
            if let Err(e) = added {
                web_sys::console::warn_1(&JsValue::from_str(&e.message));
            }
            Ok(JsValue::UNDEFINED)
        });
        self.inner
            .cover_fetches
            .borrow_mut()
            .push((key, pending.clone()));
        pending
    }

    /// Loads the index behind `manifest_url`: from the cache when a complete copy is there
    /// (then checks for a newer one in the background), else from the network.
    /// `allowed` are the URL prefixes the index (and a canary manifest) may come from.
    pub async fn open(
        &self,
        manifest_url: &str,
        rollout_bucket: u8,
        allowed: &[String],
    ) -> Result<(), EngineError> {
        if !index_url_allowed(manifest_url, allowed) {
            let message = format!("The game index at {manifest_url} is not one this page allows.");
            self.fail(&message);
            return Err(error(ErrorCode::BadRequest, message));
        }
        let rollout = Rollout {
            bucket: rollout_bucket,
            allowed: allowed.to_vec(),
            signal: self.abort_signal(),
        };
        let started = net::now();
        let cache = IndexCache::open().await;
        net::measure("playlike:open cache", started);
        // A first visit asks for the first file early; after a warm start that stopped at a
        // missing or damaged file, the first file is most likely in the cache already.
        let mut first_file = FirstFile::RequestEarly;
        if let Some(cache) = &cache {
            match self.open_cached(manifest_url, cache).await {
                WarmStart::Done => {
                    let engine = self.clone();
                    let url = manifest_url.to_string();
                    wasm_bindgen_futures::spawn_local(async move {
                        engine.check_for_update(&url, &rollout).await;
                    });
                    return Ok(());
                }
                WarmStart::NothingSaved => {}
                WarmStart::Incomplete => first_file = FirstFile::Wait,
            }
        }
        self.update(|s| s.activity = "Fetching the index manifest…".into());
        let (text, loaded) = match fetch_manifest(manifest_url, &rollout, first_file).await {
            Ok(found) => found,
            Err(e) => {
                self.fail(&e.message);
                return Err(e);
            }
        };
        let loaded = Rc::new(loaded);
        *self.inner.current.borrow_mut() = Some(loaded.clone());
        if let Err(e) = self.load_files(&loaded, cache.as_ref(), false).await {
            self.fail(&e.message);
            return Err(e);
        }
        if let Some(cache) = &cache {
            cache.put_manifest(manifest_url, &text, &loaded.url).await;
            if same_origin_as_engine(manifest_url) {
                cache.prune(&loaded.manifest, None).await;
            }
        }
        Ok(())
    }

    /// A warm start from the last complete index in the cache, if there is one; when it is
    /// incomplete everything is reset for a network load.
    async fn open_cached(&self, manifest_url: &str, cache: &IndexCache) -> WarmStart {
        let started = net::now();
        let Some((text, from_url)) = cache.manifest(manifest_url).await else {
            return WarmStart::NothingSaved;
        };
        let Ok(manifest) = net::parse_manifest(&text) else {
            return WarmStart::NothingSaved;
        };
        net::measure("playlike:cached manifest", started);
        let loaded = Rc::new(Loaded {
            manifest,
            url: from_url,
        });
        *self.inner.current.borrow_mut() = Some(loaded.clone());
        if self.load_files(&loaded, Some(cache), true).await.is_err() {
            // The cache lost some files: start over from the network.
            *self.inner.library.borrow_mut() = Library::new();
            self.update(|s| {
                s.search_ready = false;
                s.recommend_ready = false;
                s.recommend_complete = false;
                s.titles_complete = false;
                s.from_cache = false;
            });
            return WarmStart::Incomplete;
        }
        if same_origin_as_engine(manifest_url) {
            // Files of versions replaced since go, before any update downloads.
            cache.prune(&loaded.manifest, None).await;
        }
        WarmStart::Done
    }

    fn fail(&self, message: &str) {
        web_sys::console::error_1(&JsValue::from_str(message));
        self.update(|s| {
            s.error = Some(message.to_string());
            s.activity.clear();
        });
    }

    /// Loads the up-front files of `loaded` into the library, updating progress. With
    /// `cache_only`, a file missing from the cache is an error instead of a download.
    async fn load_files(
        &self,
        loaded: &Loaded,
        cache: Option<&IndexCache>,
        cache_only: bool,
    ) -> Result<(), EngineError> {
        let manifest = &loaded.manifest;
        // In the manifest's order: the builder lists first answers first.
        let files: Vec<ManifestFile> = manifest.upfront_files().cloned().collect();
        let title_count = manifest.files_with_role(FileRole::Search).count();
        if title_count == 0 {
            return Err(error(ErrorCode::Corrupt, "The index lists no title files."));
        }
        let total: u64 = files.iter().map(|f| f.bytes).sum();
        self.update(|s| {
            s.total_bytes = total;
            s.loaded_bytes = 0;
            s.error = None;
            s.version = Some(manifest.version.clone());
            s.built_at = Some(manifest.built_at.clone());
            s.attribution = Some(manifest.attribution.clone());
            s.games = manifest.games;
            // Said from the first status on, so a view shown from the first part says so too.
            s.from_cache = cache_only;
        });
        // Downloads run one file ahead of decoding: while one file is decoded, the next one
        // is already arriving.
        let mut next = Some(self.start_fetch(loaded, &files[0], cache, cache_only));
        let mut titles_loaded = 0;
        for (i, entry) in files.iter().enumerate() {
            self.update(|s| {
                s.activity = match entry.role {
                    FileRole::Search => {
                        format!("Downloading titles ({}/{title_count})…", titles_loaded + 1)
                    }
                    _ => "Downloading recommendation data…".into(),
                }
            });
            let waited = net::now();
            let (stored, origin) = next.take().expect("one file is pending").wait().await?;
            net::measure(&format!("playlike:wait {}", entry.path), waited);
            if let Some(following) = files.get(i + 1) {
                let pending = self.start_fetch(loaded, following, cache, cache_only);
                pending.sent().await;
                next = Some(pending);
            }
            let kept = self.add_file(entry, stored, origin, cache).await?;
            if entry.role == FileRole::Search {
                titles_loaded += 1;
            }
            let (recommend_ready, recommend_complete) = {
                let library = self.inner.library.borrow();
                (library.can_recommend(), library.recommendations_complete())
            };
            self.update(|s| {
                s.parts_loaded += 1;
                s.search_ready = titles_loaded > 0;
                s.titles_complete = titles_loaded == title_count;
                s.recommend_ready = recommend_ready;
                s.recommend_complete = recommend_complete;
                if i + 1 == files.len() {
                    s.activity.clear();
                }
            });
            if let Some(kept) = kept {
                let _ = kept.await;
            }
            net::yield_now().await;
        }
        Ok(())
    }

    /// Verifies (unless [`get_file`](Self::get_file) did), decompresses and decodes one
    /// up-front file and adds it to the library; once decoded, a downloaded file starts being
    /// kept in `cache` (the returned future ends when it is kept). The file's bytes leave the
    /// wasm heap before the part is added, so they do not raise the high-water mark of the
    /// index build (wasm memory never shrinks).
    async fn add_file(
        &self,
        entry: &ManifestFile,
        stored: Vec<u8>,
        origin: Origin,
        cache: Option<&IndexCache>,
    ) -> Result<Option<JsFuture>, EngineError> {
        let started = net::now();
        let raw = match origin {
            Origin::CacheVerified => stored::decompress(entry, &stored).await,
            Origin::Network | Origin::CacheUnverified => stored::open_stored(entry, &stored).await,
        }
        .map_err(|e| describe(entry, e))?;
        net::measure(&format!("playlike:decompress {}", entry.path), started);
        let part = decode_raw_part(entry, &raw).map_err(|e| describe(entry, e))?;
        drop(raw);
        // Verified and decoded: now it may be kept.
        let kept = cache
            .filter(|_| origin == Origin::Network)
            .and_then(|cache| cache.put_file(&entry.sha256, &stored));
        drop(stored);
        self.inner
            .library
            .borrow_mut()
            .add_part(part)
            .map_err(|e| match e {
                LibraryError::Format(failure) => describe(entry, failure),
                other => corrupt(entry, &other.to_string()),
            })?;
        net::measure(&format!("playlike:add {}", entry.path), started);
        Ok(kept)
    }

    fn start_fetch(
        &self,
        loaded: &Loaded,
        entry: &ManifestFile,
        cache: Option<&IndexCache>,
        cache_only: bool,
    ) -> Pending {
        let engine = self.clone();
        let (url, entry, cache) = (loaded.url.clone(), entry.clone(), cache.cloned());
        Pending::start(move |issued| async move {
            engine
                .get_file(&url, &entry, cache.as_ref(), cache_only, issued)
                .await
        })
    }

    /// Stored (still compressed) bytes of one file, and where they came from. Downloaded
    /// bytes are not yet verified: the caller verifies, and only then caches.
    /// `issued` is called once the bytes are on their way (request sent, or found cached).
    async fn get_file(
        &self,
        manifest_url: &str,
        entry: &ManifestFile,
        cache: Option<&IndexCache>,
        cache_only: bool,
        issued: Issued,
    ) -> Fetched {
        let _issued = IssuedOnDrop(Some(issued));
        if let Some(cache) = cache {
            if let Some(bytes) = cache.file(&entry.sha256).await {
                // A warm start verifies while decoding; a cold one must not reuse a bad copy.
                let usable = if cache_only {
                    Some(Origin::CacheUnverified)
                } else {
                    let verified = stored::verify(entry, &bytes).is_ok();
                    verified.then_some(Origin::CacheVerified)
                };
                if let Some(origin) = usable {
                    self.add_loaded_bytes(entry.bytes);
                    return Ok((bytes, origin));
                }
            }
        }
        if cache_only {
            return Err(error(
                ErrorCode::NotLoaded,
                format!("{} is not in the cache", entry.path),
            ));
        }
        let url = file_url(entry, manifest_url)?;
        let mut seen = 0;
        let mut issued = _issued;
        let signal = self.abort_signal();
        let bytes = net::fetch_bytes(
            &url,
            entry.bytes,
            signal.as_ref(),
            move || issued.fire(),
            |n| {
                let n = n.min(entry.bytes);
                let delta = n.saturating_sub(seen);
                seen = n;
                self.add_loaded_bytes(delta)
            },
        )
        .await
        .map_err(|e| {
            error(
                ErrorCode::Network,
                format!("The index file {} could not be downloaded: {e}", entry.path),
            )
        })?;
        Ok((bytes, Origin::Network))
    }

    /// After a warm start: is there a newer index? If so, download it into the cache for the
    /// next visit; if that fails, keep the cached one and say so.
    async fn check_for_update(&self, manifest_url: &str, rollout: &Rollout) {
        let Some(cache) = IndexCache::open().await else {
            return;
        };
        let current = self.status().version.unwrap_or_default();
        let (text, loaded) = match fetch_manifest(manifest_url, rollout, FirstFile::Wait).await {
            Ok(found) => found,
            Err(_) => {
                self.update(|s| {
                    s.notice = Some("Offline: using the index saved in this browser.".into())
                });
                return;
            }
        };
        if loaded.manifest.version == current {
            return;
        }
        for entry in loaded.manifest.upfront_files() {
            if cache.file(&entry.sha256).await.is_some() {
                continue;
            }
            if let Err(e) = fetch_verified(&loaded.url, entry, Some(&cache)).await {
                self.update(|s| {
                    s.notice = Some(format!(
                        "A newer index ({}) could not be loaded ({}); still using {current}.",
                        loaded.manifest.version, e.message
                    ))
                });
                return;
            }
        }
        cache.put_manifest(manifest_url, &text, &loaded.url).await;
        self.update(|s| s.update_ready = Some(loaded.manifest.version.clone()));
    }
}

/// Whether a manifest URL is on the engine's own origin (only those may prune the cache).
fn same_origin_as_engine(manifest_url: &str) -> bool {
    matches!((net::origin_of(manifest_url), net::own_origin()), (Some(a), Some(b)) if a == b)
}

fn file_url(entry: &ManifestFile, manifest_url: &str) -> Result<String, EngineError> {
    net::resolve_url(&entry.path, manifest_url).ok_or_else(|| {
        error(
            ErrorCode::Corrupt,
            format!("bad file path {} in the manifest", entry.path),
        )
    })
}

/// A file's stored bytes, verified against `entry`: from the cache, or downloaded and then
/// cached.
async fn fetch_verified(
    manifest_url: &str,
    entry: &ManifestFile,
    cache: Option<&IndexCache>,
) -> Result<Vec<u8>, EngineError> {
    if let Some(cache) = cache {
        if let Some(bytes) = cache.file(&entry.sha256).await {
            stored::verify(entry, &bytes).map_err(|e| describe(entry, e))?;
            return Ok(bytes);
        }
    }
    let url = file_url(entry, manifest_url)?;
    let bytes = net::fetch_bytes(&url, entry.bytes, None, || {}, |_| {})
        .await
        .map_err(|e| error(ErrorCode::Network, e))?;
    stored::verify(entry, &bytes).map_err(|e| describe(entry, e))?;
    if let Some(cache) = cache {
        if let Some(kept) = cache.put_file(&entry.sha256, &bytes) {
            let _ = kept.await;
        }
    }
    Ok(bytes)
}

/// A file fetched on demand (details shard, cover block): from the cache or downloaded,
/// verified once ([`fetch_verified`]), cached, decompressed and decoded.
async fn fetch_part(manifest_url: &str, entry: &ManifestFile) -> Result<Part, EngineError> {
    let cache = IndexCache::open().await;
    let stored = fetch_verified(manifest_url, entry, cache.as_ref()).await?;
    let raw = stored::decompress(entry, &stored)
        .await
        .map_err(|e| describe(entry, e))?;
    decode_raw_part(entry, &raw).map_err(|e| describe(entry, e))
}

/// Which side of a staged rollout this browser is on, and where manifests may come from.
struct Rollout {
    /// 0–99, stable per browser.
    bucket: u8,
    allowed: Vec<String>,
    /// Aborts the manifest downloads.
    signal: Option<web_sys::AbortSignal>,
}

/// Fetches `manifest.json` (bypassing the HTTP cache) and follows a staged rollout when the
/// browser's bucket falls in the canary share and the canary manifest lies where the page
/// allows indexes. A manifest that cannot be fetched is a `Network` error; one that does not
/// parse, `Corrupt`.
async fn fetch_manifest(
    url: &str,
    rollout: &Rollout,
    first_file: FirstFile,
) -> Result<(String, Loaded), EngineError> {
    let text = net::fetch_text(url, rollout.signal.as_ref())
        .await
        .map_err(|e| {
            error(
                ErrorCode::Network,
                format!("The game index is unreachable: {e}"),
            )
        })?;
    let unusable = |e| {
        error(
            ErrorCode::Corrupt,
            format!("The game index manifest {url} is unusable: {e}"),
        )
    };
    let json = net::parse_json(&text).map_err(unusable)?;
    if first_file == FirstFile::RequestEarly {
        if let Some(first) = first_file_url(&json, url) {
            net::request_early(&first);
        }
    }
    let manifest = net::manifest_from_json(json).map_err(unusable)?;
    let stable = |text, manifest| {
        Ok((
            text,
            Loaded {
                manifest,
                url: url.to_string(),
            },
        ))
    };
    let Some(canary) = manifest.rollout.clone() else {
        return stable(text, manifest);
    };
    if rollout.bucket >= canary.percent {
        return stable(text, manifest);
    }
    let canary_url = net::resolve_url(&canary.manifest, url)
        .filter(|canary_url| index_url_allowed(canary_url, &rollout.allowed));
    let Some(canary_url) = canary_url else {
        web_sys::console::warn_1(&JsValue::from_str(&format!(
            "canary manifest {} is outside the allowed index locations; staying on the stable one",
            canary.manifest
        )));
        return stable(text, manifest);
    };
    let canary = net::fetch_text(&canary_url, rollout.signal.as_ref())
        .await
        .and_then(|t| net::parse_manifest(&t).map(|m| (t, m)));
    match canary {
        Ok((text, manifest)) => Ok((
            text,
            Loaded {
                manifest,
                url: canary_url,
            },
        )),
        Err(e) => {
            web_sys::console::warn_1(&JsValue::from_str(&format!(
                "canary index {canary_url} unusable, staying on the stable one: {e}"
            )));
            stable(text, manifest)
        }
    }
}

/// Whether [`fetch_manifest`] requests the first file its manifest lists before checking the
/// rest: on a first load the engine needs that file next (the first title shard), and the
/// checks of a few hundred entries in not-yet-optimised wasm take longer than the request's
/// first round trip; a background update check has no hurry.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FirstFile {
    RequestEarly,
    Wait,
}

/// How a warm start from the browser's cache went.
enum WarmStart {
    /// The saved index is loaded.
    Done,
    /// No index is saved for this address.
    NothingSaved,
    /// A saved index lacks a file or has a damaged one: the network load that follows finds
    /// the others in the cache.
    Incomplete,
}

/// The URL of the first file a parsed manifest lists, when it names no staged rollout (a
/// canary may be this browser's index) and the path is one the checks will accept.
fn first_file_url(json: &JsValue, manifest_url: &str) -> Option<String> {
    let field = |value: &JsValue, name: &str| js_sys::Reflect::get(value, &name.into()).ok();
    if field(json, "rollout").is_some_and(|r| !r.is_undefined() && !r.is_null()) {
        return None;
    }
    let first = js_sys::Reflect::get_u32(&field(json, "files")?, 0).ok()?;
    let path = field(&first, "path")?.as_string()?;
    is_safe_relative_path(&path)
        .then(|| net::resolve_url(&path, manifest_url))
        .flatten()
}

fn corrupt(entry: &ManifestFile, message: &str) -> EngineError {
    error(
        ErrorCode::Corrupt,
        format!("The index file {} is corrupt: {message}", entry.path),
    )
}

/// A short, plain message for a file that fails verification or decoding.
fn describe(entry: &ManifestFile, failure: FormatError) -> EngineError {
    match failure {
        FormatError::Hash {
            expected, actual, ..
        } => error(
            ErrorCode::Corrupt,
            format!(
                "The index file {} is corrupt: its SHA-256 ({}…) does not match the manifest ({}…).",
                entry.path,
                actual.get(..12).unwrap_or(&actual),
                expected.get(..12).unwrap_or(&expected),
            ),
        ),
        other => corrupt(entry, &other.to_string()),
    }
}

/// Where an up-front file's stored bytes came from, which says what is left to do with them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// Downloaded: verified while decoding, then kept in the cache.
    Network,
    /// From the cache on a cold start, which verified them before using them.
    CacheVerified,
    /// From the cache on a warm start: verified while decoding.
    CacheUnverified,
}

type Fetched = Result<(Vec<u8>, Origin), EngineError>;

/// Resolves a promise saying "this file's bytes are on their way".
type Issued = js_sys::Function;

/// Calls its [`Issued`] once: when fired, or at the latest when dropped (the fetch ended).
struct IssuedOnDrop(Option<Issued>);

impl IssuedOnDrop {
    fn fire(&mut self) {
        if let Some(resolve) = self.0.take() {
            let _ = resolve.call0(&JsValue::NULL);
        }
    }
}

impl Drop for IssuedOnDrop {
    fn drop(&mut self) {
        self.fire();
    }
}

/// A promise and the function that resolves it.
fn promise() -> (js_sys::Promise, js_sys::Function) {
    let mut resolve = None;
    let promise = js_sys::Promise::new(&mut |res, _| resolve = Some(res));
    (promise, resolve.expect("the Promise executor runs at once"))
}

/// One file being fetched in the background (from the cache or the network).
struct Pending {
    issued: js_sys::Promise,
    done: js_sys::Promise,
    result: Rc<RefCell<Option<Fetched>>>,
}

impl Pending {
    /// Starts `fetch`, which gets the function to call once its request is out.
    fn start<F: std::future::Future<Output = Fetched> + 'static>(
        fetch: impl FnOnce(Issued) -> F,
    ) -> Pending {
        let (issued, on_issued) = promise();
        let (done, on_done) = promise();
        let result = Rc::new(RefCell::new(None));
        let slot = result.clone();
        let fetching = fetch(on_issued);
        wasm_bindgen_futures::spawn_local(async move {
            *slot.borrow_mut() = Some(fetching.await);
            let _ = on_done.call0(&JsValue::NULL);
        });
        Pending {
            issued,
            done,
            result,
        }
    }

    /// Waits until the request is out (or the bytes came from the cache), so that decoding
    /// another file meanwhile does not delay it.
    async fn sent(&self) {
        let _ = JsFuture::from(self.issued.clone()).await;
    }

    async fn wait(self) -> Fetched {
        let _ = JsFuture::from(self.done).await;
        let got = self.result.borrow_mut().take();
        got.unwrap_or_else(|| Err(error(ErrorCode::Network, "download did not finish")))
    }
}
