//! Node's own modules, where the engine runs in Node (or a runtime with Node's
//! `process.getBuiltinModule`: Node 20.16+, 22.3+). Browsers and workers have no `process`,
//! so nothing changes there.
//!
//! `file:` URLs: Node's `fetch` refuses them, yet a script that ships an index next to itself
//! wants `Playlike.open(pathToFileURL('index/manifest.json'))`. Such a URL is read whole with
//! `fs.promises.readFile`, and its bytes go straight to verification and decoding, the same
//! code as for HTTP. They are not wrapped in a `Response`: the first `Response` of a Node
//! process loads undici (Node's `fetch`), ~30 ms of a cold `open` from disk.

use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Node's module `name` (`process.getBuiltinModule(name)`), if this is Node.
pub fn node_builtin(name: &str) -> Option<JsValue> {
    let process = Reflect::get(&js_sys::global(), &"process".into()).ok()?;
    if !process.is_object() {
        return None;
    }
    let get_builtin: Function = Reflect::get(&process, &"getBuiltinModule".into())
        .ok()?
        .dyn_into()
        .ok()?;
    get_builtin
        .call1(&process, &name.into())
        .ok()
        .filter(JsValue::is_object)
}

/// Lowercase hex SHA-256 of `bytes`: by Node's `crypto` in Node (native, well under a
/// millisecond for a title shard, where a cold `open` spent 20–60 ms in the wasm's `sha2`
/// before V8 had optimised it), else by `sha2` in the wasm.
pub fn sha256_hex(bytes: &[u8]) -> String {
    node_sha256_hex(bytes).unwrap_or_else(|| playlike_core::format::sha256_hex(bytes))
}

/// `crypto.createHash('sha256').update(bytes).digest('hex')`, if this is Node.
fn node_sha256_hex(bytes: &[u8]) -> Option<String> {
    let method = |object: &JsValue, name: &str| -> Option<Function> {
        Reflect::get(object, &name.into()).ok()?.dyn_into().ok()
    };
    let crypto = node_builtin("crypto")?;
    let hash = method(&crypto, "createHash")?
        .call1(&crypto, &"sha256".into())
        .ok()?;
    method(&hash, "update")?
        .call1(&hash, &Uint8Array::from(bytes))
        .ok()?;
    method(&hash, "digest")?
        .call1(&hash, &"hex".into())
        .ok()?
        .as_string()
}

/// Node's `fs.promises.readFile`, if this is Node.
fn node_read_file() -> Option<(JsValue, Function)> {
    let promises = Reflect::get(&node_builtin("fs")?, &"promises".into()).ok()?;
    let read_file = Reflect::get(&promises, &"readFile".into())
        .ok()?
        .dyn_into()
        .ok()?;
    Some((promises, read_file))
}

/// Starts reading the file behind a `file:` URL; the promise resolves to its bytes (see
/// [`into_bytes`]) or rejects with Node's error. `None` when `url` is not a `file:` URL
/// or this runtime cannot read files (then the caller fetches it as usual).
pub fn read_in_node(url: &str, signal: Option<&web_sys::AbortSignal>) -> Option<Promise> {
    if !url.starts_with("file:") {
        return None;
    }
    let (promises, read_file) = node_read_file()?;
    Some(read(&promises, &read_file, url, signal).unwrap_or_else(|e| Promise::reject(&e)))
}

fn read(
    promises: &JsValue,
    read_file: &Function,
    url: &str,
    signal: Option<&web_sys::AbortSignal>,
) -> Result<Promise, JsValue> {
    let options = Object::new();
    if let Some(signal) = signal {
        Reflect::set(&options, &"signal".into(), signal)?;
    }
    read_file
        .call2(promises, &web_sys::Url::new(url)?.into(), &options)?
        .dyn_into()
}

/// The bytes a [`read_in_node`] promise resolved to (a Node `Buffer`, which is a
/// `Uint8Array`).
pub fn into_bytes(contents: JsValue) -> Result<Uint8Array, String> {
    contents
        .dyn_into::<Uint8Array>()
        .map_err(|_| "the file read gave no bytes".to_string())
}
