//! The browser half of `playlike bench`: loads an index the way the app does (fetched bytes in,
//! verify + gunzip, decode, build the library) and runs the shared suite
//! ([`playlike_core::bench`]) with `performance.now()` as the clock.
//!
//! `scripts/bench-browser` builds this crate twice (without and with `+simd128`), and its page
//! (`bench.js`) fetches the manifest and files, hands the bytes in here, and reads back text.
//! Fetching is timed in JavaScript; everything after the bytes arrive is timed here.

#![cfg(target_arch = "wasm32")]

use playlike_core::bench::{self, MARKDOWN_HEADER};
use playlike_core::format::{open_stored, FeaturePart, FileRole, Manifest, TitleShard};
use playlike_core::Library;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// The default allocator (dlmalloc on wasm32), counting live and peak bytes. Wasm memory only
/// grows, so `memory.buffer.byteLength` is a high-water mark; these say what is actually in use.
/// Two relaxed atomic adds per allocation (plain adds on single-threaded wasm32) do not show in
/// the timings.
mod counting {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

    pub struct Counting;
    pub static LIVE: AtomicUsize = AtomicUsize::new(0);
    pub static PEAK: AtomicUsize = AtomicUsize::new(0);

    fn grew(by: usize) {
        let live = LIVE.fetch_add(by, Relaxed) + by;
        PEAK.fetch_max(live, Relaxed);
    }

    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let p = unsafe { System.alloc(layout) };
            if !p.is_null() {
                grew(layout.size());
            }
            p
        }

        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            let p = unsafe { System.alloc_zeroed(layout) };
            if !p.is_null() {
                grew(layout.size());
            }
            p
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            unsafe { System.dealloc(ptr, layout) };
            LIVE.fetch_sub(layout.size(), Relaxed);
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            let p = unsafe { System.realloc(ptr, layout, new_size) };
            if !p.is_null() {
                LIVE.fetch_sub(layout.size(), Relaxed);
                grew(new_size);
            }
            p
        }
    }
}

#[global_allocator]
static ALLOCATOR: counting::Counting = counting::Counting;

/// Bytes currently allocated on the Rust heap.
#[wasm_bindgen]
pub fn live_heap_bytes() -> f64 {
    counting::LIVE.load(std::sync::atomic::Ordering::Relaxed) as f64
}

/// Most bytes allocated at once since the start or the last [`reset_peak_heap`].
#[wasm_bindgen]
pub fn peak_heap_bytes() -> f64 {
    counting::PEAK.load(std::sync::atomic::Ordering::Relaxed) as f64
}

/// Starts a new peak measurement from the current live bytes.
#[wasm_bindgen]
pub fn reset_peak_heap() {
    let live = counting::LIVE.load(std::sync::atomic::Ordering::Relaxed);
    counting::PEAK.store(live, std::sync::atomic::Ordering::Relaxed);
}

/// Milliseconds and bytes spent on one kind of load work.
#[derive(Default, Clone, Copy)]
struct Phase {
    ms: f64,
    files: usize,
    stored_bytes: u64,
    raw_bytes: u64,
}

impl Phase {
    fn add(&mut self, ms: f64, stored: u64, raw: u64) {
        self.ms += ms;
        self.files += 1;
        self.stored_bytes += stored;
        self.raw_bytes += raw;
    }
}

/// One benchmark session: an index being loaded, then the suite run over it.
#[wasm_bindgen]
pub struct Bench {
    manifest: Manifest,
    shards: Vec<TitleShard>,
    features: Vec<FeaturePart>,
    library: Option<Library>,
    open_titles: Phase,
    decode_titles: Phase,
    open_features: Phase,
    decode_features: Phase,
    build_search_ms: f64,
    build_features_ms: f64,
}

fn js_error(context: &str, e: impl std::fmt::Display) -> JsError {
    JsError::new(&format!("{context}: {e}"))
}

#[wasm_bindgen]
impl Bench {
    /// Parses and validates `manifest.json`.
    #[wasm_bindgen(constructor)]
    pub fn new(manifest_json: &str) -> Result<Bench, JsError> {
        let manifest =
            Manifest::from_json(manifest_json).map_err(|e| js_error("manifest.json", e))?;
        Ok(Bench {
            manifest,
            shards: Vec::new(),
            features: Vec::new(),
            library: None,
            open_titles: Phase::default(),
            decode_titles: Phase::default(),
            open_features: Phase::default(),
            decode_features: Phase::default(),
            build_search_ms: 0.0,
            build_features_ms: 0.0,
        })
    }

    /// Index version and game count, for the heading.
    pub fn describe(&self) -> String {
        format!(
            "index {} ({} games)",
            self.manifest.version, self.manifest.games
        )
    }

    /// Paths (relative to the manifest) of the title shards.
    pub fn title_files(&self) -> Vec<String> {
        self.files(FileRole::Search)
    }

    /// Paths (relative to the manifest) of the feature part(s).
    pub fn feature_files(&self) -> Vec<String> {
        self.files(FileRole::Recommend)
    }

    /// Verifies, decompresses and decodes one fetched file (a title shard or the feature part).
    pub fn add_file(&mut self, path: &str, stored: &[u8]) -> Result<(), JsError> {
        let entry = self
            .manifest
            .files
            .iter()
            .find(|f| f.path == path)
            .ok_or_else(|| JsError::new(&format!("{path} is not in the manifest")))?
            .clone();
        let start = performance_now();
        let raw = open_stored(&entry, stored).map_err(|e| js_error(path, e))?;
        let opened = performance_now();
        let (stored_len, raw_len) = (stored.len() as u64, raw.len() as u64);
        match entry.role {
            FileRole::Search => {
                let shard = TitleShard::decode(&raw).map_err(|e| js_error(path, e))?;
                drop(raw);
                let done = performance_now();
                self.open_titles.add(opened - start, stored_len, raw_len);
                self.decode_titles.add(done - opened, stored_len, raw_len);
                self.shards.push(shard);
            }
            FileRole::Recommend => {
                let part = FeaturePart::decode(&raw).map_err(|e| js_error(path, e))?;
                drop(raw);
                let done = performance_now();
                self.open_features.add(opened - start, stored_len, raw_len);
                self.decode_features.add(done - opened, stored_len, raw_len);
                self.features.push(part);
            }
            FileRole::Details | FileRole::Covers => {
                return Err(JsError::new(&format!(
                    "{path}: not a search or recommend file"
                )))
            }
        }
        Ok(())
    }

    /// Builds the library from the decoded parts: search (all title shards at once), then
    /// features. Fails if it cannot recommend afterwards.
    pub fn build(&mut self) -> Result<(), JsError> {
        let mut library = Library::new();
        let start = performance_now();
        library
            .add_title_shards(std::mem::take(&mut self.shards))
            .map_err(|e| js_error("add_title_shards", e))?;
        let searched = performance_now();
        for part in std::mem::take(&mut self.features) {
            library
                .add_features(part)
                .map_err(|e| js_error("add_features", e))?;
        }
        let done = performance_now();
        self.build_search_ms = searched - start;
        self.build_features_ms = done - searched;
        if !library.recommendations_complete() {
            return Err(JsError::new(&format!(
                "the index is incomplete (titles for {} games, features for {:?})",
                library.loaded_titles(),
                library.total_games()
            )));
        }
        self.library = Some(library);
        Ok(())
    }

    /// The load breakdown as a Markdown table. The page measures the fetches and the wall
    /// clock of the whole load (which also covers copying the bytes into wasm memory).
    pub fn load_report(
        &self,
        fetch_titles_ms: f64,
        fetch_features_ms: f64,
        wall_ms: f64,
    ) -> String {
        let mb = |b: u64| b as f64 / 1e6;
        let mut out =
            String::from("| load step | files | stored → raw | ms |\n| --- | --- | --- | --- |\n");
        let mut fetch = |what: &str, p: &Phase, ms: f64| {
            out += &format!(
                "| {what} | {} | {:.2} MB | {ms:.1} |\n",
                p.files,
                mb(p.stored_bytes)
            );
        };
        fetch("fetch title shards", &self.open_titles, fetch_titles_ms);
        fetch("fetch feature part", &self.open_features, fetch_features_ms);
        let mut step = |what: &str, p: &Phase| {
            out += &format!(
                "| {what} | {} | {:.2} MB → {:.2} MB | {:.1} |\n",
                p.files,
                mb(p.stored_bytes),
                mb(p.raw_bytes),
                p.ms
            );
        };
        step("verify + gunzip title shards", &self.open_titles);
        step("decode title shards", &self.decode_titles);
        step("verify + gunzip feature part", &self.open_features);
        step("decode feature part", &self.decode_features);
        out += &format!(
            "| build library: search (add_title_shards) | | | {:.1} |\n",
            self.build_search_ms
        );
        out += &format!(
            "| build library: features (add_features) | | | {:.1} |\n",
            self.build_features_ms
        );
        out += &format!("| **total, wall clock** | | | **{wall_ms:.1}** |\n");
        out
    }

    /// Runs the shared suite over the built library; returns the Markdown table.
    pub fn run(&self, games: usize, seed: u64) -> Result<String, JsError> {
        let library = self
            .library
            .as_ref()
            .ok_or_else(|| JsError::new("run before build"))?;
        let suite = bench::suite(library, games, seed);
        let now = || performance_now();
        let timings = bench::run(library, &suite, &now);
        let mut out = format!("{MARKDOWN_HEADER}\n");
        for t in &timings {
            out += &t.markdown_row();
            out.push('\n');
        }
        Ok(out)
    }
}

impl Bench {
    fn files(&self, role: FileRole) -> Vec<String> {
        self.manifest
            .files_with_role(role)
            .map(|f| f.path.clone())
            .collect()
    }
}

/// Whether this build was compiled with `+simd128`.
#[wasm_bindgen]
pub fn simd128() -> bool {
    cfg!(target_feature = "simd128")
}
