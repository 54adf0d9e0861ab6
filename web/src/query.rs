//! Page state in the URL query, so every view is a shareable link and Back/Forward works:
//! `platform` (names, comma separated), `store` (store names, comma separated), `from`, `to` (years), `rating` (minimum critic
//! rating), `genre` / `without` (genre or theme names to require / exclude), `all=1` (include
//! DLCs, editions…), `pop` (−1 hidden gems … +1 popular), `recent` (−1 older … +1 newer), and on
//! `/for-you` `like` / `dislike` (IGDB ids).

use leptos::prelude::{LocalStorage, StoredValue};
use leptos_router::hooks::use_navigate;
use leptos_router::params::ParamsMap;
use leptos_router::NavigateOptions;
use playlike_core::protocol::RecQuery;
use playlike_core::{Filters, Knobs};

use crate::text::{parse_knob, parse_rating, split_list};

/// The router's navigate function, kept where `Copy` event handlers can reach it (it is not
/// `Send`, so it is stored locally).
pub type Navigate = Box<dyn Fn(&str, NavigateOptions)>;

/// The current router's [`Navigate`], stored; call inside a component.
pub fn navigate_fn() -> StoredValue<Navigate, LocalStorage> {
    let navigate = use_navigate();
    StoredValue::new_local(Box::new(move |to: &str, options| navigate(to, options)))
}

/// Filters and knobs as read from (and written to) the URL.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ViewQuery {
    pub platforms: Vec<String>,
    pub stores: Vec<String>,
    pub year_from: Option<u16>,
    pub year_to: Option<u16>,
    pub min_rating: Option<u8>,
    pub genres: Vec<String>,
    pub without: Vec<String>,
    pub include_all: bool,
    pub popularity: f32,
    pub recency: f32,
}

fn list(map: &ParamsMap, key: &str) -> Vec<String> {
    map.get(key).map(|v| split_list(&v)).unwrap_or_default()
}

fn knob(map: &ParamsMap, key: &str) -> f32 {
    map.get(key).map(|v| parse_knob(&v)).unwrap_or(0.0)
}

impl ViewQuery {
    pub fn from_params(map: &ParamsMap) -> ViewQuery {
        ViewQuery {
            platforms: list(map, "platform"),
            stores: list(map, "store"),
            year_from: map.get("from").and_then(|v| v.parse().ok()),
            year_to: map.get("to").and_then(|v| v.parse().ok()),
            min_rating: map.get("rating").and_then(|v| parse_rating(&v)),
            genres: list(map, "genre"),
            without: list(map, "without"),
            include_all: map.get("all").is_some_and(|v| v == "1"),
            popularity: knob(map, "pop"),
            recency: knob(map, "recent"),
        }
    }

    /// `key=value` pairs for the set values (defaults are left out to keep links short).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if !self.platforms.is_empty() {
            out.push(("platform", self.platforms.join(",")));
        }
        if !self.stores.is_empty() {
            out.push(("store", self.stores.join(",")));
        }
        if let Some(y) = self.year_from {
            out.push(("from", y.to_string()));
        }
        if let Some(y) = self.year_to {
            out.push(("to", y.to_string()));
        }
        if let Some(r) = self.min_rating {
            out.push(("rating", r.to_string()));
        }
        if !self.genres.is_empty() {
            out.push(("genre", self.genres.join(",")));
        }
        if !self.without.is_empty() {
            out.push(("without", self.without.join(",")));
        }
        if self.include_all {
            out.push(("all", "1".into()));
        }
        if self.popularity != 0.0 {
            out.push(("pop", format!("{:.1}", self.popularity)));
        }
        if self.recency != 0.0 {
            out.push(("recent", format!("{:.1}", self.recency)));
        }
        out
    }

    pub fn is_default(&self) -> bool {
        *self == ViewQuery::default()
    }

    /// How many filters and knobs are set (a year range counts once).
    pub fn active_count(&self) -> usize {
        [
            !self.platforms.is_empty(),
            !self.stores.is_empty(),
            self.year_from.is_some() || self.year_to.is_some(),
            self.min_rating.is_some(),
            !self.genres.is_empty(),
            !self.without.is_empty(),
            self.include_all,
            self.popularity != 0.0,
            self.recency != 0.0,
        ]
        .into_iter()
        .filter(|&on| on)
        .count()
    }

    /// The filters (games to exclude are the engine's business: the request names them).
    pub fn filters(&self) -> Filters {
        Filters {
            platforms: self.platforms.clone(),
            stores: self.stores.clone(),
            year_from: self.year_from,
            year_to: self.year_to,
            min_rating: self.min_rating,
            include_genres: self.genres.clone(),
            exclude_genres: self.without.clone(),
            exclude_games: Vec::new(),
            main_only: !self.include_all,
        }
    }

    /// A recommendation query for `k` games under these filters and knobs; the caller fills
    /// in the liked, disliked and excluded games.
    pub fn rec_query(&self, k: usize) -> RecQuery {
        RecQuery {
            like: Vec::new(),
            dislike: Vec::new(),
            exclude: Vec::new(),
            filters: self.filters(),
            knobs: self.knobs(),
            k,
        }
    }

    pub fn knobs(&self) -> Knobs {
        Knobs {
            popularity: self.popularity,
            recency: self.recency,
        }
    }
}

/// The address of a game's page that keeps the filters and knobs of the current address
/// (`params`), so moving from game to game keeps the view.
pub fn game_href(igdb_id: u64, params: &ParamsMap) -> String {
    href(
        &format!("/game/{igdb_id}"),
        &ViewQuery::from_params(params).pairs(),
    )
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
