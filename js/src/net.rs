//! Network and Cache API access for the engine, through the global scope so the same code
//! runs in a window, a Web Worker and Node (which has `fetch` but no Cache API; its `file:`
//! URLs are read with [`crate::file`]).

use js_sys::{Reflect, Uint8Array};
use playlike_core::format::Manifest;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Name of the Cache API bucket holding verified index files.
const CACHE_NAME: &str = "playlike-index-v1";

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(input: &str, init: &web_sys::RequestInit) -> js_sys::Promise;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &js_sys::Function, millis: i32) -> JsValue;
}

/// `performance.now()` of this context, or 0 where there is none.
pub fn now() -> f64 {
    Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .and_then(|p| {
            let now: js_sys::Function = Reflect::get(&p, &"now".into()).ok()?.dyn_into().ok()?;
            now.call0(&p).ok()?.as_f64()
        })
        .unwrap_or(0.0)
}

/// Records `performance.measure(name, { start, end: now })`, so benchmarks can read how long
/// each step of loading took in this context (the worker's own timeline).
pub fn measure(name: &str, start: f64) {
    let Ok(performance) = Reflect::get(&js_sys::global(), &"performance".into()) else {
        return;
    };
    let Some(measure) = Reflect::get(&performance, &"measure".into())
        .ok()
        .and_then(|m| m.dyn_into::<js_sys::Function>().ok())
    else {
        return;
    };
    let options = js_sys::Object::new();
    let _ = Reflect::set(&options, &"start".into(), &start.into());
    let _ = Reflect::set(&options, &"end".into(), &now().into());
    let _ = measure.call2(&performance, &name.into(), &options);
}

/// A message for a failed JavaScript call.
pub fn js_error(e: JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| "network error".into())
}

/// Lets other tasks (incoming calls, in a worker) run between heavy steps: by Node's
/// `setImmediate` where there is one (its `setTimeout(0)` waits at least a millisecond),
/// else `setTimeout(0)`.
pub async fn yield_now() {
    let immediate = Reflect::get(&js_sys::global(), &"setImmediate".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let promise = js_sys::Promise::new(&mut |resolve, _| match &immediate {
        Some(set_immediate) => {
            let _ = set_immediate.call1(&JsValue::UNDEFINED, &resolve);
        }
        None => {
            set_timeout(&resolve, 0);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// A property (`href`, `origin`) of `new URL(relative, base)`, or `None` when that throws.
fn url_property(relative: &str, base: &str, property: &str) -> Option<String> {
    let constructor: js_sys::Function = Reflect::get(&js_sys::global(), &"URL".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let args = js_sys::Array::of2(&relative.into(), &base.into());
    let url = Reflect::construct(&constructor, &args).ok()?;
    Reflect::get(&url, &property.into()).ok()?.as_string()
}

/// `relative` resolved against `base`, as an absolute URL.
pub fn resolve_url(relative: &str, base: &str) -> Option<String> {
    url_property(relative, base, "href")
}

/// The origin (`scheme://host:port`) of an absolute URL.
pub fn origin_of(url: &str) -> Option<String> {
    url_property(url, url, "origin")
}

/// The origin this code runs on (`self.location.origin`), if it has one (not in Node).
pub fn own_origin() -> Option<String> {
    let location = Reflect::get(&js_sys::global(), &"location".into()).ok()?;
    Reflect::get(&location, &"origin".into()).ok()?.as_string()
}

/// The request for `url` sent before this fetch of it — by the worker's start code (the
/// manifest, `static/engine-worker.js`) or by [`request_early`] —, taken once.
fn prefetched(url: &str) -> Option<js_sys::Promise> {
    let requests = early_requests(false)?;
    let key = JsValue::from_str(url);
    let request = Reflect::get(&requests, &key).ok()?.dyn_into().ok()?;
    let _ = Reflect::delete_property(requests.unchecked_ref::<js_sys::Object>(), &key);
    Some(request)
}

/// What a request brought: an HTTP response to read, or the whole file behind a `file:` URL
/// in Node (see [`crate::file`]).
enum Body {
    Response(web_sys::Response),
    File(Uint8Array),
}

/// Sends the request at once (not on first poll, so callers know it is out) and returns the
/// body to come; an HTTP error status is an error. An aborted `signal` stops it.
fn fetch_response(
    url: &str,
    no_cache: bool,
    signal: Option<&web_sys::AbortSignal>,
) -> impl std::future::Future<Output = Result<Body, String>> {
    let read = crate::file::read_in_node(url, signal);
    let from_file = read.is_some();
    let sent = read.or_else(|| prefetched(url));
    let request = JsFuture::from(sent.unwrap_or_else(|| {
        let init = web_sys::RequestInit::new();
        if no_cache {
            init.set_cache(web_sys::RequestCache::NoCache);
        }
        init.set_signal(signal);
        global_fetch(url, &init)
    }));
    let url = url.to_string();
    async move {
        let answer = request.await.map_err(js_error)?;
        if from_file {
            return crate::file::into_bytes(answer).map(Body::File);
        }
        let response: web_sys::Response = answer.unchecked_into();
        if !response.ok() {
            return Err(format!("HTTP {} for {url}", response.status()));
        }
        Ok(Body::Response(response))
    }
}

/// A manifest's text parsed with `JSON.parse` and checked like [`Manifest::from_json`] does
/// (keeping `serde_json`'s parser out of the wasm).
pub fn parse_manifest(text: &str) -> Result<Manifest, String> {
    manifest_from_json(parse_json(text)?)
}

/// A manifest's text as a JavaScript value (`JSON.parse`, native and fast).
pub fn parse_json(text: &str) -> Result<JsValue, String> {
    js_sys::JSON::parse(text)
        .map_err(|e| format!("manifest.json is not valid JSON: {}", js_error(e)))
}

/// The manifest in a parsed JSON value, checked like [`Manifest::from_json`] does.
pub fn manifest_from_json(value: JsValue) -> Result<Manifest, String> {
    let manifest: Manifest = serde_wasm_bindgen::from_value(value)
        .map_err(|e| format!("manifest.json is not valid: {}", js_error(e.into())))?;
    manifest.checked().map_err(|e| e.to_string())
}

thread_local! {
    /// A rejection handler that does nothing, shared by every early request.
    static IGNORE: Closure<dyn FnMut(JsValue)> = Closure::new(|_: JsValue| {});
}

/// Requests `url` now, for the first [`fetch_bytes`] of it to take (as it takes the worker
/// start code's requests): the engine asks for the first file it needs while it still reads
/// the manifest that names it. Only http(s) (Node reads `file:` URLs itself); a failure is
/// seen by the fetch that takes the request.
pub fn request_early(url: &str) {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return;
    }
    let Some(requests) = early_requests(true) else {
        return;
    };
    let request = global_fetch(url, &web_sys::RequestInit::new());
    IGNORE.with(|ignore| {
        let _ = request.catch(ignore);
    });
    let _ = Reflect::set(&requests, &JsValue::from_str(url), &request);
}

/// The global map of requests sent ahead of their fetch, by URL (`self.playlikePrefetched`,
/// shared with the worker's start code, `static/engine-worker.js`); made when `create` and
/// missing.
fn early_requests(create: bool) -> Option<JsValue> {
    let global = js_sys::global();
    let key = JsValue::from_str("playlikePrefetched");
    match Reflect::get(&global, &key) {
        Ok(requests) if requests.is_object() => Some(requests),
        _ if create => {
            let requests: JsValue = js_sys::Object::new().into();
            Reflect::set(&global, &key, &requests).ok()?;
            Some(requests)
        }
        _ => None,
    }
}

/// A text file, bypassing the HTTP cache (manifests change in place).
pub async fn fetch_text(
    url: &str,
    signal: Option<&web_sys::AbortSignal>,
) -> Result<String, String> {
    let response = match fetch_response(url, true, signal).await? {
        Body::Response(response) => response,
        Body::File(bytes) => return Ok(utf8_text(&bytes.to_vec())),
    };
    let text = JsFuture::from(response.text().map_err(js_error)?)
        .await
        .map_err(js_error)?;
    text.as_string().ok_or_else(|| "not text".into())
}

/// Bytes as `Response.text()` decodes them: UTF-8 without a leading byte-order mark, bad
/// sequences replaced.
fn utf8_text(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.strip_prefix('\u{feff}').unwrap_or(&text).to_string()
}

/// Downloads a file chunk by chunk, reporting the bytes received so far;
/// `sent` is called as soon as the request is out. An aborted `signal` stops the download.
pub async fn fetch_bytes(
    url: &str,
    expected: u64,
    signal: Option<&web_sys::AbortSignal>,
    sent: impl FnOnce(),
    mut progress: impl FnMut(u64),
) -> Result<Vec<u8>, String> {
    let request = fetch_response(url, false, signal);
    sent();
    let response = match request.await? {
        Body::Response(response) => response,
        Body::File(bytes) => {
            let out = bytes.to_vec();
            progress(out.len() as u64);
            return Ok(out);
        }
    };
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

/// Verified index files in the Cache API, keyed by content hash, and the last complete
/// manifest per manifest URL. Absent where there is no Cache API (Node, insecure pages).
#[derive(Clone)]
pub struct IndexCache {
    cache: web_sys::Cache,
    /// Keys live under this origin's `/__playlike-cache/` (never fetched, only cache keys).
    origin: String,
}

impl IndexCache {
    pub async fn open() -> Option<IndexCache> {
        let storage = Reflect::get(&js_sys::global(), &"caches".into()).ok()?;
        if storage.is_undefined() || storage.is_null() {
            return None;
        }
        let storage: web_sys::CacheStorage = storage.unchecked_into();
        let cache = JsFuture::from(storage.open(CACHE_NAME)).await.ok()?;
        Some(IndexCache {
            cache: cache.unchecked_into(),
            origin: own_origin()?,
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

    pub async fn file(&self, sha256: &str) -> Option<Vec<u8>> {
        let response = self.get(&self.file_key(sha256)).await?;
        let buffer = JsFuture::from(response.array_buffer().ok()?).await.ok()?;
        Some(Uint8Array::new(&buffer).to_vec())
    }

    /// Starts keeping `bytes` as the file `sha256`. They are copied out of the wasm heap at
    /// once (the caller may drop them); the returned future ends when the cache has them.
    pub fn put_file(&self, sha256: &str, bytes: &[u8]) -> Option<JsFuture> {
        let array = Uint8Array::from(bytes);
        let response = web_sys::Response::new_with_opt_buffer_source(Some(&array)).ok()?;
        Some(JsFuture::from(
            self.cache.put_with_str(&self.file_key(sha256), &response),
        ))
    }

    /// The manifest text saved for `manifest_url`, and the URL it was fetched from (a
    /// canary manifest may live elsewhere).
    pub async fn manifest(&self, manifest_url: &str) -> Option<(String, String)> {
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

    pub async fn put_manifest(&self, manifest_url: &str, text: &str, from: &str) {
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

    /// Deletes cached files that neither `manifest` nor `also_keep` lists. Only ever called
    /// for a manifest from this origin, so a foreign index cannot evict the real one.
    pub async fn prune(&self, manifest: &Manifest, also_keep: Option<&Manifest>) {
        let Ok(keys) = JsFuture::from(self.cache.keys()).await else {
            return;
        };
        let keep: Vec<String> = manifest
            .files
            .iter()
            .chain(also_keep.iter().flat_map(|m| m.files.iter()))
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
