//! The painted shell: `index.html` ships a static copy of the header (search box included)
//! and a placeholder of the page inside `<div id="app">`, so the first paint comes with the
//! HTML and CSS, long before the wasm has loaded. At mount the app takes that element over in
//! one task — the shell's nodes go, the app's identical header and the page's own
//! placeholders take their place — so the next frame shows the app where the shell was and
//! nothing moves. Whatever the visitor already typed in the shell's search box, and its
//! focus, carry over.

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The element the shell lives in and the app mounts into.
const APP_ELEMENT: &str = "app";
/// The search box's id, in the shell and in the app.
const SEARCH_INPUT: &str = "search-input";

thread_local! {
    static TYPED: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Replaces the shell with the app `mount` renders into the shell's element (the page body
/// when the shell is missing).
pub fn take_over<F: FnOnce(web_sys::HtmlElement)>(mount: F) {
    let document = document();
    let search = || {
        document
            .get_element_by_id(SEARCH_INPUT)
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
    };
    let typed = search().map(|input| {
        let focused = document.active_element().as_ref() == Some(input.unchecked_ref());
        (input.value(), focused)
    });
    let (text, focused) = typed.unwrap_or_default();
    TYPED.with(|t| *t.borrow_mut() = text.clone());
    let root = document
        .get_element_by_id(APP_ELEMENT)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    match root {
        Some(root) => {
            root.replace_children_with_node_0();
            root.remove_attribute("aria-busy").ok();
            mount(root);
        }
        None => mount(document.body().expect("a page has a body")),
    }
    if focused {
        if let Some(input) = search() {
            input.focus().ok();
            let end = text.encode_utf16().count() as u32;
            input.set_selection_range(end, end).ok();
        }
    }
}

/// What the visitor typed in the shell's search box before the app started.
pub fn typed_text() -> String {
    TYPED.with(|t| t.borrow().clone())
}
