//! The web app's engine worker: `run_worker` is called by `static/engine-worker.js` inside a
//! dedicated Web Worker. Each incoming message is a [`Call`]; each is answered by one
//! [`EngineEvent::Reply`], and every change of the loading status is sent as
//! [`EngineEvent::Status`]. Calls run concurrently (a search is answered while a later file is
//! still arriving); heavy steps yield between files.

use playlike_core::protocol::{Call, EngineEvent, Reply};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::engine::Engine;

fn post(scope: &web_sys::DedicatedWorkerGlobalScope, event: &EngineEvent) {
    match serde_wasm_bindgen::to_value(event) {
        Ok(value) => {
            let _ = scope.post_message(&value);
        }
        Err(e) => web_sys::console::error_1(&JsValue::from_str(&format!(
            "engine: cannot send a message: {e}"
        ))),
    }
}

/// Starts serving calls from the page and tells it the engine is ready.
#[wasm_bindgen(js_name = runWorker)]
pub fn run_worker() -> Result<(), JsValue> {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().dyn_into()?;
    let status_scope = scope.clone();
    let engine = Engine::new(move |status| {
        post(&status_scope, &EngineEvent::Status(status.clone()));
    });
    let reply_scope = scope.clone();
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let scope = reply_scope.clone();
            let call: Call = match serde_wasm_bindgen::from_value(event.data()) {
                Ok(call) => call,
                Err(e) => {
                    web_sys::console::error_1(&JsValue::from_str(&format!(
                        "engine: not a call: {e}"
                    )));
                    return;
                }
            };
            let engine = engine.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let result = engine.handle(call.request).await;
                post(
                    &scope,
                    &EngineEvent::Reply(Reply {
                        id: call.id,
                        result,
                    }),
                );
            });
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    post(&scope, &EngineEvent::Ready);
    Ok(())
}
