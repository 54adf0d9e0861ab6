//! # playlike-js
//!
//! The engine boundary for JavaScript. [`engine::Engine`] opens a published Playlike index
//! the way every reader must — manifest, staged rollout, each file fetched (or read from the
//! Cache API), verified by SHA-256 and decoded with `playlike-core` — and answers the calls of
//! [`playlike_core::protocol`]. Two front doors share it:
//! - [`worker`]: the web app's dedicated Web Worker. The page sends `Call`s and receives
//!   `EngineEvent`s; all downloading, decoding, index building, searching and recommending
//!   happens off the page's UI thread.
//! - [`api`]: the class `Playlike` of the npm package `playlike` (built with wasm-pack from
//!   this crate, see `scripts/build-npm`), for any page, worker or Node.
//!
//! Invariants: no call panics on bad input (errors carry an [`playlike_core::protocol::ErrorCode`]);
//! index files are verified before they are used or cached; cache pruning only follows a
//! manifest from the worker's own origin.
//!
//! On a native target this crate is empty; it is built for `wasm32-unknown-unknown`.

#[cfg(all(target_arch = "wasm32", feature = "api"))]
pub mod api;
#[cfg(target_arch = "wasm32")]
pub mod engine;
#[cfg(target_arch = "wasm32")]
mod file;
#[cfg(target_arch = "wasm32")]
mod net;
#[cfg(target_arch = "wasm32")]
mod stored;
#[cfg(all(target_arch = "wasm32", feature = "worker"))]
pub mod worker;
