//! # playlike-core
//!
//! Everything Playlike knows, with no I/O: the catalogue model ([`catalogue`]), text
//! normalisation ([`text`]), feature extraction ([`features`]), the index format
//! ([`format`]), building an index from games ([`build`]), and answering queries over a loaded
//! index ([`library`]: title search and recommendations). It compiles to native code for the
//! `playlike` builder and to `wasm32-unknown-unknown` for the web app, which both use these
//! same definitions.

pub mod bench;
pub mod build;
pub mod catalogue;
pub mod descriptors;
pub mod features;
pub mod filters;
pub mod format;
#[doc(hidden)]
pub mod fuzzing;
mod ids;
pub mod library;
mod parallel;
pub mod protocol;
pub mod recommend;
pub mod search;
mod showcase;
mod sorting;
pub mod terms;
pub mod text;

pub use catalogue::Game;
pub use features::Family;
pub use filters::{Filters, Knobs, View};
pub use ids::{GameId, IgdbId};
pub use library::{GameCard, Library, LibraryError};
pub use recommend::{Explanation, Reason, Recommendation, Request};
pub use search::SearchHit;
pub use showcase::ShowcaseChoice;
