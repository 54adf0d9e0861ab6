//! Opening a stored index file: its SHA-256 checked against the manifest (Rust, `sha2`), then
//! gunzipped by the platform's `DecompressionStream` (browsers, workers, Node 18+) instead of
//! `flate2` compiled to wasm. The native inflater is faster, and leaving `flate2` and
//! `miniz_oxide` (and the `std::io` machinery they pull in) out of the wasm makes the engine
//! ~30 KB (gzip) smaller. The output is capped
//! at the size the manifest announces, so a hostile stream cannot balloon memory.

use js_sys::{Reflect, Uint8Array};
use playlike_core::format::{verify_file, FormatError, ManifestFile, MAX_RAW_BYTES};
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

/// The decompressed bytes of a stored file, once its SHA-256 matches `entry`.
pub async fn open_stored(entry: &ManifestFile, stored: &[u8]) -> Result<Vec<u8>, FormatError> {
    verify_file(entry, stored)?;
    gunzip(stored, entry.raw_bytes.min(MAX_RAW_BYTES))
        .await
        .map_err(FormatError::Gzip)
}

/// A gzip stream decompressed, refusing more than `limit` bytes of output.
async fn gunzip(stored: &[u8], limit: u64) -> Result<Vec<u8>, String> {
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
