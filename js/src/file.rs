//! `file:` URLs in Node. Node's `fetch` refuses them, yet a script that ships an index next
//! to itself wants `Playlike.open(pathToFileURL('index/manifest.json'))`. Where Node's
//! `process.getBuiltinModule` exists (Node 20.16+, 22.3+), such a URL is read with
//! `fs.promises.readFile` and wrapped in a `Response`, so everything after the fetch —
//! streaming, verification, decoding — is the same code as for HTTP. Browsers and workers
//! have no `process`, so nothing changes there.

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Node's `fs.promises.readFile`, if this is Node (or a runtime with `getBuiltinModule`).
fn node_read_file() -> Option<(JsValue, Function)> {
    let process = Reflect::get(&js_sys::global(), &"process".into()).ok()?;
    if !process.is_object() {
        return None;
    }
    let get_builtin: Function = Reflect::get(&process, &"getBuiltinModule".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let fs = get_builtin.call1(&process, &"fs".into()).ok()?;
    let promises = Reflect::get(&fs, &"promises".into()).ok()?;
    let read_file = Reflect::get(&promises, &"readFile".into())
        .ok()?
        .dyn_into()
        .ok()?;
    Some((promises, read_file))
}

/// Starts reading the file behind a `file:` URL; the promise resolves to its bytes (see
/// [`into_response`]) or rejects with Node's error. `None` when `url` is not a `file:` URL
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
/// `Uint8Array`), as a `Response` to read like a downloaded one.
pub fn into_response(contents: JsValue) -> Result<web_sys::Response, String> {
    let contents: Object = contents
        .dyn_into::<js_sys::Uint8Array>()
        .map_err(|_| "the file read gave no bytes".to_string())?
        .into();
    web_sys::Response::new_with_opt_buffer_source(Some(&contents)).map_err(crate::net::js_error)
}
