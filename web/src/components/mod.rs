//! Widgets shared by several pages.

pub mod cards;
pub mod cover;
pub mod filters;
pub mod search_box;
pub mod share;
pub mod shell;
pub mod status;
pub mod taste;
