//! # playlike-web
//!
//! The browser app: a Leptos client-side-rendered site that downloads a Playlike index once
//! ([`api`]), then answers title searches and recommendations locally with `playlike-core`.
//! The whole site map is `App` (app.rs); each page is a module in [`routes`], shared widgets
//! are in [`components`], and all page state lives in the URL ([`query`]) or, for the
//! player's taste lists, in `localStorage` ([`prefs`]).
//!
//! Invariant: catalogue text is only ever rendered as text nodes or attributes, never as
//! HTML (there is no `inner_html` anywhere in this crate).
//!
//! On a native target only [`text`] (pure helpers, unit-tested natively) is built; the rest
//! is wasm-only.

pub mod text;

#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod perf;
#[cfg(target_arch = "wasm32")]
pub mod prefs;
#[cfg(target_arch = "wasm32")]
pub mod query;
#[cfg(target_arch = "wasm32")]
pub mod routes;

#[cfg(target_arch = "wasm32")]
pub use app::{mount, App};
