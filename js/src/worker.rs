//! The web app's engine worker: `run_worker` is called by `static/engine-worker.js` inside a
//! dedicated Web Worker. Each incoming message is a [`Call`]; each is answered by one
//! [`EngineEvent::Reply`], and every change of the loading status is sent as
//! [`EngineEvent::Status`]. Calls run concurrently (a search is answered while a later file is
//! still arriving); heavy steps yield between files.
//!
//! A call that needs a part of the index still to come (recommendations, a game page's
//! header) waits in the worker instead of failing: it is answered at the status change that
//! makes it answerable, just before that status goes out. Asking again once the page hears
//! the status would cost a round trip through the page's busy thread, by when the worker may
//! be in the middle of decoding the next, large file.

use std::cell::{Cell, OnceCell, RefCell};
use std::rc::Rc;

use playlike_core::protocol::{
    Answer, Call, EngineError, EngineEvent, EngineRequest, ErrorCode, Reply,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::engine::Engine;

type Scope = web_sys::DedicatedWorkerGlobalScope;

fn post(scope: &Scope, event: &EngineEvent) {
    match serde_wasm_bindgen::to_value(event) {
        Ok(value) => {
            let _ = scope.post_message(&value);
        }
        Err(e) => web_sys::console::error_1(&JsValue::from_str(&format!(
            "engine: cannot send a message: {e}"
        ))),
    }
}

fn reply(scope: &Scope, id: u32, result: Result<Answer, EngineError>) {
    post(scope, &EngineEvent::Reply(Reply { id, result }));
}

/// The answer to a call that the loaded part of the index decides at once; `None` for calls
/// answered by [`Engine::handle`].
fn answer_now(engine: &Engine, request: &EngineRequest) -> Option<Result<Answer, EngineError>> {
    match request {
        EngineRequest::Recommend(query) => Some(engine.recommend(query).map(Answer::Recs)),
        EngineRequest::Game { igdb_id } => Some(engine.game(*igdb_id).map(Answer::Game)),
        _ => None,
    }
}

fn not_loaded(result: &Result<Answer, EngineError>) -> bool {
    matches!(result, Err(e) if e.code == ErrorCode::NotLoaded)
}

/// The worker's state around its engine.
struct Worker {
    scope: Scope,
    engine: OnceCell<Engine>,
    /// Open calls in progress: while one is, a call the index cannot answer yet waits.
    opening: Cell<u32>,
    waiting: RefCell<Vec<Call>>,
}

impl Worker {
    fn engine(&self) -> &Engine {
        self.engine
            .get()
            .expect("the engine is set before any call")
    }

    /// Answers the waiting calls the index now can (all of them once no open is in progress).
    fn answer_waiting(&self) {
        let waiting = std::mem::take(&mut *self.waiting.borrow_mut());
        for call in waiting {
            if let Some(result) = answer_now(self.engine(), &call.request) {
                self.reply_or_wait(call, result);
            }
        }
    }

    /// Sends `result`, or keeps `call` waiting when the index may still bring what it needs.
    fn reply_or_wait(&self, call: Call, result: Result<Answer, EngineError>) {
        if not_loaded(&result) && self.opening.get() > 0 {
            self.waiting.borrow_mut().push(call);
        } else {
            reply(&self.scope, call.id, result);
        }
    }

    fn receive(self: &Rc<Self>, call: Call) {
        if let Some(result) = answer_now(self.engine(), &call.request) {
            self.reply_or_wait(call, result);
            return;
        }
        let opens = matches!(call.request, EngineRequest::OpenPlace { .. });
        if opens {
            self.opening.set(self.opening.get() + 1);
        }
        let worker = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let result = worker.engine().handle(call.request).await;
            reply(&worker.scope, call.id, result);
            if opens {
                worker.opening.set(worker.opening.get() - 1);
                worker.answer_waiting();
            }
        });
    }
}

/// Starts serving calls from the page and tells it the engine is ready.
#[wasm_bindgen(js_name = runWorker)]
pub fn run_worker() -> Result<(), JsValue> {
    let scope: Scope = js_sys::global().dyn_into()?;
    let worker = Rc::new(Worker {
        scope: scope.clone(),
        engine: OnceCell::new(),
        opening: Cell::new(0),
        waiting: RefCell::new(Vec::new()),
    });
    let notified = worker.clone();
    let engine = Engine::new(move |status| {
        notified.answer_waiting();
        post(&notified.scope, &EngineEvent::Status(status.clone()));
    });
    let _ = worker.engine.set(engine);
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            match serde_wasm_bindgen::from_value::<Call>(event.data()) {
                Ok(call) => worker.receive(call),
                Err(e) => web_sys::console::error_1(&JsValue::from_str(&format!(
                    "engine: not a call: {e}"
                ))),
            }
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    post(&scope, &EngineEvent::Ready);
    Ok(())
}
