//! Timing marks the end-to-end tests and docs/BENCHMARKS.md read: `performance.mark`s for
//! "search ready" and "recommendations ready", and per-keystroke search timings collected in
//! `window.__playlikePerf`.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

pub fn now() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or(0.0)
}

/// `performance.mark(name)`, once per page load is enough for the readers.
pub fn mark(name: &str) {
    if let Some(p) = window().performance() {
        let _ = p.mark(name);
    }
}

/// Appends `ms` to `window.__playlikePerf[kind]`.
pub fn record(kind: &str, ms: f64) {
    let window: JsValue = window().into();
    let key = JsValue::from_str("__playlikePerf");
    let perf = js_sys::Reflect::get(&window, &key)
        .ok()
        .filter(|v| v.is_object())
        .unwrap_or_else(|| {
            let obj: JsValue = js_sys::Object::new().into();
            let _ = js_sys::Reflect::set(&window, &key, &obj);
            obj
        });
    let kind = JsValue::from_str(kind);
    let list = js_sys::Reflect::get(&perf, &kind)
        .ok()
        .filter(js_sys::Array::is_array)
        .unwrap_or_else(|| {
            let arr: JsValue = js_sys::Array::new().into();
            let _ = js_sys::Reflect::set(&perf, &kind, &arr);
            arr
        });
    list.unchecked_into::<js_sys::Array>()
        .push(&JsValue::from_f64(ms));
}
