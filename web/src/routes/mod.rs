//! One module per page; the routes themselves are listed in `App` (lib.rs).

pub mod for_you;
pub mod game;
pub mod home;
pub mod not_found;
