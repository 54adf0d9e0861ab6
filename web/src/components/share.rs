//! "Copy link": the address already holds the whole view (game, filters, taste lists on
//! For you), so sharing is copying it. Uses the Clipboard API; where that is missing or
//! refused, the link is shown selected in a field so it can be copied by hand.

use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// How long "Link copied" stays before the button reads "Copy link" again.
const CONFIRMATION: Duration = Duration::from_millis(2500);

#[derive(Clone, Debug, PartialEq)]
enum Shared {
    Idle,
    Copied,
    /// Copying failed: the link to copy by hand.
    ByHand(String),
}

#[component]
pub fn ShareButton() -> impl IntoView {
    let state = RwSignal::new(Shared::Idle);
    let field = NodeRef::<leptos::html::Input>::new();
    let copy = move |_| {
        let url = window().location().href().unwrap_or_default();
        leptos::task::spawn_local(async move {
            if copy_text(&url).await {
                state.set(Shared::Copied);
                set_timeout(move || state.set(Shared::Idle), CONFIRMATION);
            } else {
                state.set(Shared::ByHand(url));
            }
        });
    };
    // The by-hand field is selected as soon as it shows.
    Effect::new(move |_| {
        if let Some(input) = field.get() {
            input.select();
        }
    });
    view! {
        <div class="share">
            <button type="button" class="button subtle share-button" data-testid="share" on:click=copy>
                {move || if state.get() == Shared::Copied { "Link copied" } else { "Copy link" }}
            </button>
            <span class="sr-only" role="status">
                {move || (state.get() == Shared::Copied).then_some("The link to this page is copied.")}
            </span>
            {move || match state.get() {
                Shared::ByHand(url) => Some(view! {
                    <div class="share-by-hand">
                        <label>
                            <span>"Copy this link:"</span>
                            <input node_ref=field type="text" readonly value=url/>
                        </label>
                        <button type="button" class="button subtle" on:click=move |_| state.set(Shared::Idle)>"Close"</button>
                    </div>
                }),
                _ => None,
            }}
        </div>
    }
}

/// Puts `text` on the clipboard; false when the browser has no Clipboard API here or refuses.
async fn copy_text(text: &str) -> bool {
    let navigator = window().navigator();
    let clipboard = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard"))
        .ok()
        .filter(|c| !c.is_undefined() && !c.is_null());
    match clipboard.and_then(|c| c.dyn_into::<web_sys::Clipboard>().ok()) {
        Some(clipboard) => JsFuture::from(clipboard.write_text(text)).await.is_ok(),
        None => false,
    }
}
