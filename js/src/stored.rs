//! Opening a stored index file: its SHA-256 checked against the manifest (Rust, `sha2`), then
//! decompressed by what its manifest entry names. LZMA (the later title tiers) is decoded
//! here, in wasm ([`playlike_core::format::unlzma_at_most`]). Gzip is inflated by the platform
//! instead of `flate2` compiled to wasm: `DecompressionStream` in browsers and workers,
//! `zlib.gunzipSync` in Node (whose web streams cost a cold `open` ~15 ms to set up, and whose
//! `DecompressionStream` is that same zlib behind them). The native inflater is faster, and
//! leaving `flate2` and `miniz_oxide` out of the wasm makes the engine ~30 KB (gzip) smaller.
//! The output is capped at the size the manifest announces, so a hostile stream cannot
//! balloon memory.

use js_sys::{Function, Object, Reflect, Uint8Array};
use playlike_core::format::{
    unlzma_at_most, verify_file_by, Encoding, FormatError, ManifestFile, MAX_RAW_BYTES,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::net::js_error;

#[wasm_bindgen]
extern "C" {
    /// The platform's `DecompressionStream` (bound here: web-sys has it only behind
    /// `web_sys_unstable_apis`).
    type DecompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<DecompressionStream, JsValue>;
}

/// Checks stored bytes against their manifest entry: size, then SHA-256 (Node's own in Node,
/// see [`crate::file::sha256_hex`]).
pub fn verify(entry: &ManifestFile, stored: &[u8]) -> Result<(), FormatError> {
    verify_file_by(entry, stored, crate::file::sha256_hex)
}

/// The decompressed bytes of a stored file, once its SHA-256 matches `entry`.
pub async fn open_stored(entry: &ManifestFile, stored: &[u8]) -> Result<Vec<u8>, FormatError> {
    verify(entry, stored)?;
    decompress(entry, stored).await
}

/// The decompressed bytes of a stored file already checked against `entry` ([`verify`]), by
/// the encoding the entry names.
pub async fn decompress(entry: &ManifestFile, stored: &[u8]) -> Result<Vec<u8>, FormatError> {
    let limit = entry.raw_bytes.min(MAX_RAW_BYTES);
    match entry.encoding {
        Encoding::Lzma => unlzma_at_most(stored, limit),
        Encoding::Gzip => gunzip(stored, limit)
            .await
            .map_err(|reason| FormatError::Stream {
                encoding: Encoding::Gzip,
                reason,
            }),
    }
}

/// A gzip stream decompressed, refusing more than `limit` bytes of output.
async fn gunzip(stored: &[u8], limit: u64) -> Result<Vec<u8>, String> {
    match crate::file::node_builtin("zlib") {
        Some(zlib) => gunzip_in_node(&zlib, stored, limit),
        None => gunzip_stream(stored, limit).await,
    }
}

/// [`gunzip`] by Node's `zlib.gunzipSync`, its `maxOutputLength` the cap. On the calling
/// thread: the engine waits for the bytes anyway, and a hop to Node's thread pool left the
/// main thread idle while that thread waited for a CPU (V8 compiles in the background during
/// a cold `open`).
fn gunzip_in_node(zlib: &JsValue, stored: &[u8], limit: u64) -> Result<Vec<u8>, String> {
    let too_big = || format!("it decompresses to more than {limit} bytes");
    let out = node_gunzip(zlib, stored, limit).map_err(|e| {
        let code = Reflect::get(&e, &"code".into())
            .ok()
            .and_then(|c| c.as_string());
        match code.as_deref() {
            Some("ERR_BUFFER_TOO_LARGE") => too_big(),
            _ => js_error(e),
        }
    })?;
    let out: Uint8Array = out
        .dyn_into()
        .map_err(|_| "the decompressor gave no bytes".to_string())?;
    if u64::from(out.length()) > limit {
        return Err(too_big());
    }
    Ok(out.to_vec())
}

/// `zlib.gunzipSync(stored, { maxOutputLength })`; a throw is the error.
fn node_gunzip(zlib: &JsValue, stored: &[u8], limit: u64) -> Result<JsValue, JsValue> {
    let gunzip: Function = Reflect::get(zlib, &"gunzipSync".into())?.dyn_into()?;
    let options = Object::new();
    // zlib refuses a cap of 0; a 0-byte limit is checked on the output instead.
    Reflect::set(
        &options,
        &"maxOutputLength".into(),
        &(limit.max(1) as f64).into(),
    )?;
    gunzip.call2(zlib, &Uint8Array::from(stored), &options)
}

/// [`gunzip`] through a `DecompressionStream`, chunk by chunk.
async fn gunzip_stream(stored: &[u8], limit: u64) -> Result<Vec<u8>, String> {
    let reader = decompressing_reader(stored).map_err(js_error)?;
    let mut out = Vec::with_capacity(limit.min(1 << 28) as usize);
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(js_error)?;
        if Reflect::get(&chunk, &"done".into())
            .map_err(js_error)?
            .is_truthy()
        {
            return Ok(out);
        }
        let value: Uint8Array = Reflect::get(&chunk, &"value".into())
            .map_err(js_error)?
            .dyn_into()
            .map_err(|_| "the decompressor gave no bytes".to_string())?;
        if out.len() as u64 + u64::from(value.length()) > limit {
            let _ = reader.cancel();
            return Err(format!("it decompresses to more than {limit} bytes"));
        }
        let start = out.len();
        out.resize(start + value.length() as usize, 0);
        value.copy_to(&mut out[start..]);
    }
}

/// A reader of `stored` piped through `new DecompressionStream('gzip')`.
fn decompressing_reader(stored: &[u8]) -> Result<web_sys::ReadableStreamDefaultReader, JsValue> {
    let source = web_sys::Response::new_with_opt_buffer_source(Some(&Uint8Array::from(stored)))?
        .body()
        .ok_or_else(|| JsValue::from_str("no body to decompress"))?;
    let inflate = DecompressionStream::new("gzip")?;
    let output = source.pipe_through(inflate.unchecked_ref::<web_sys::ReadableWritablePair>());
    Ok(output.get_reader().unchecked_into())
}
