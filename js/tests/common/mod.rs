//! Helpers shared by the browser tests of the npm API: fixture URLs (served by wasm-bindgen's
//! test server from js/tests/fixture/, see scripts/helpers/npm-fixtures) and small JS glue.
#![allow(dead_code)]

use js_sys::{Array, Object, Reflect};
use playlike::api::Playlike;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// The demo index (18,000 games from data/sample/).
pub const INDEX: &str = "/tests/fixture/index/manifest.json";
/// The demo index with a damaged feature part (verifies, then fails to decode).
pub const CORRUPT: &str = "/tests/fixture/corrupt/manifest.json";
/// A manifest.json that is not JSON.
pub const GARBAGE: &str = "/tests/fixture/garbage/manifest.json";

pub const HADES: u64 = 113_112;
pub const HOLLOW_KNIGHT: u64 = 14_593;

/// An id as JavaScript passes it: a number (`JsValue::from(u64)` would be a BigInt).
pub fn num(id: u64) -> JsValue {
    JsValue::from_f64(id as f64)
}

pub async fn open_demo() -> Playlike {
    Playlike::open(INDEX.into(), None)
        .await
        .expect("the demo index opens")
}

/// A plain object with these properties.
pub fn object(entries: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in entries {
        Reflect::set(&object, &(*key).into(), value).unwrap();
    }
    object.into()
}

/// A JavaScript array of numbers.
pub fn ids(ids: &[u64]) -> JsValue {
    ids.iter().map(|&id| num(id)).collect::<Array>().into()
}

pub fn from_js<T: DeserializeOwned>(value: JsValue) -> T {
    serde_wasm_bindgen::from_value(value).expect("an answer of the documented shape")
}

pub fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// The `code` of an error from the API (empty when it has none).
pub fn code_of(error: &JsValue) -> String {
    assert!(
        error.is_instance_of::<js_sys::Error>(),
        "not an Error: {error:?}"
    );
    get(error, "code").as_string().unwrap_or_default()
}

pub async fn resolve(promise: js_sys::Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(promise).await
}
