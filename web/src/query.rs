//! Page state in the URL query, so every view is a shareable link and Back/Forward works: the
//! filters and knobs under core's one vocabulary ([`View`]: `platform`, `store`, `from`, `to`,
//! `min_rating`, `genre`, `not_genre`, `all_types=1`, `popularity`, `recency`; links with the
//! older `rating`, `without`, `all`, `pop`, `recent` still read), and on `/for-you` `like` /
//! `dislike` (IGDB ids).

use leptos::prelude::{LocalStorage, StoredValue};
use leptos_router::hooks::use_navigate;
use leptos_router::params::ParamsMap;
use leptos_router::NavigateOptions;
use playlike_core::protocol::RecQuery;
use playlike_core::{IgdbId, View};

/// The router's navigate function, kept where `Copy` event handlers can reach it (it is not
/// `Send`, so it is stored locally).
pub type Navigate = Box<dyn Fn(&str, NavigateOptions)>;

/// The current router's [`Navigate`], stored; call inside a component.
pub fn navigate_fn() -> StoredValue<Navigate, LocalStorage> {
    let navigate = use_navigate();
    StoredValue::new_local(Box::new(move |to: &str, options| navigate(to, options)))
}

/// The filters and knobs an address's query describes (old spellings included).
pub fn view_of(map: &ParamsMap) -> View {
    View::from_query(map.latest_values())
}

/// A recommendation query for `k` games under `view`'s filters and knobs; the caller fills in
/// the liked, disliked and excluded games.
pub fn rec_query(view: &View, k: usize) -> RecQuery {
    RecQuery {
        like: Vec::new(),
        dislike: Vec::new(),
        exclude: Vec::new(),
        filters: view.filters.clone(),
        knobs: view.knobs,
        k,
    }
}

/// The address of a game's page that keeps the filters and knobs of the current address
/// (`params`), so moving from game to game keeps the view.
pub fn game_href(igdb_id: IgdbId, params: &ParamsMap) -> String {
    href(&format!("/game/{igdb_id}"), &view_of(params).to_query())
}

/// Builds `path?k=v&…` with values URI-encoded (commas kept readable).
pub fn href(path: &str, pairs: &[(&str, String)]) -> String {
    if pairs.is_empty() {
        return path.to_string();
    }
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| {
            let v = String::from(js_sys::encode_uri_component(v)).replace("%2C", ",");
            format!("{k}={v}")
        })
        .collect();
    format!("{path}?{}", query.join("&"))
}
