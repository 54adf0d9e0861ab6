//! The engine boundary: the messages between a page and the engine that holds an index.
//!
//! The web app runs the engine in a dedicated Web Worker (crate `playlike-js`) and talks to it
//! only with these types, serialized with `serde-wasm-bindgen` and moved by `postMessage`; the
//! npm package exposes the same calls as methods. Defining them once here keeps the two sides
//! from drifting. Everything that crosses carries IGDB ids, never dense ids, and only owned,
//! plain data (names, years, cover ids, explanation parts) — a view can render it as is.

use serde::{Deserialize, Serialize};

use crate::filters::{Filters, Knobs};
use crate::format::GameDetails;
use crate::ids::{GameId, IgdbId};
use crate::library::Library;
use crate::recommend::Recommendation;

/// A call from the page, answered by exactly one [`Reply`] with the same `id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Call {
    pub id: u32,
    pub request: EngineRequest,
}

/// What the page asks the engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EngineRequest {
    /// Load the index a page names (see [`IndexPlace::resolve`]; cache first, then the
    /// network): what the page's first script sends, before the app's code has arrived.
    /// `rollout_bucket` (0–99, stable per browser) decides whether a staged rollout's canary
    /// applies; a canary manifest must lie where the page allows indexes too (see
    /// [`index_url_allowed`]).
    OpenPlace {
        place: IndexPlace,
        rollout_bucket: u8,
    },
    /// Title search over the loaded titles.
    Search { query: String, k: usize },
    /// Recommendations from liked/disliked games.
    Recommend(RecQuery),
    /// What a game page's header shows.
    Game { igdb_id: IgdbId },
    /// What only the game's details shard holds (fetched on demand).
    Details { igdb_id: IgdbId },
    /// Choices for the filter panel.
    FilterOptions,
    /// Result rows for these games (those this index has, in the given order).
    Games { igdb_ids: Vec<IgdbId> },
    /// The cover ids of these games, fetching the cover blocks they need (later tiers' covers
    /// are not loaded up front): cards whose row came without a cover ask for it.
    Covers { igdb_ids: Vec<IgdbId> },
    /// Up to `n` well-known games to start from, of one genre when `genre` is given, with the
    /// genres to offer as entry points.
    Showcase {
        n: usize,
        #[serde(default)]
        genre: Option<String>,
    },
}

/// Where a page says its index is, as its first script (`static/shell.js`) reads it: URLs
/// absolute (resolved against the page), nothing decided yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexPlace {
    /// The page's origin.
    pub origin: String,
    /// `<meta name="playlike-index">`, or `/index/manifest.json` on the page's origin.
    pub default_url: String,
    /// The prefixes of `<meta name="playlike-index-allow">`.
    #[serde(default)]
    pub extra_allowed: Vec<String>,
    /// The page's `?index=`, when it has one.
    #[serde(default)]
    pub linked: Option<String>,
}

/// Which index a page opens, and where indexes may come from.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexLocation {
    pub manifest_url: String,
    /// The page's origin, the folder of its default index and its extra prefixes.
    pub allowed: Vec<String>,
    /// Set when a `?index=` link was refused.
    pub notice: Option<String>,
}

/// Shown when a link's `?index=` is not one the page allows.
pub const REFUSED_INDEX_NOTICE: &str = "This link asked for a game index from another site, which this page does not allow; showing the usual catalogue instead.";

impl IndexPlace {
    /// The manifest to open: the linked one when it lies where the page allows indexes (see
    /// [`index_url_allowed`]), else the default one (with a notice if a link was refused).
    pub fn resolve(&self) -> IndexLocation {
        let mut allowed = vec![self.origin.clone(), self.default_url.clone()];
        allowed.extend(self.extra_allowed.iter().cloned());
        let (manifest_url, notice) = match &self.linked {
            Some(url) if index_url_allowed(url, &allowed) => (url.clone(), None),
            Some(_) => (
                self.default_url.clone(),
                Some(REFUSED_INDEX_NOTICE.to_string()),
            ),
            None => (self.default_url.clone(), None),
        };
        IndexLocation {
            manifest_url,
            allowed,
            notice,
        }
    }
}

/// Whether an index file at `url` may be used by a page that allows the URL prefixes
/// `allowed` (origins like `https://cdn.example` or folders like
/// `https://storage.googleapis.com/my-bucket/index/`).
///
/// `url` must be absolute and already normalised (as `new URL(..).href` gives it, so `..`
/// segments are gone). A prefix matches only at a path boundary: `https://a.example` allows
/// `https://a.example/x` but not `https://a.example.evil/x`, and a folder prefix allows only
/// what is inside that folder — on a shared storage host, one bucket, not all of them.
pub fn index_url_allowed(url: &str, allowed: &[String]) -> bool {
    allowed.iter().any(|prefix| {
        let prefix = prefix.trim();
        if prefix.is_empty() || !prefix.contains("://") {
            return false;
        }
        let scheme_end = prefix.find("://").map_or(0, |i| i + 3);
        let folder = if prefix[scheme_end..].contains('/') {
            // A folder: keep up to its last slash.
            &prefix[..=prefix.rfind('/').unwrap_or(prefix.len() - 1)]
        } else {
            prefix
        };
        match url.strip_prefix(folder) {
            Some(rest) => folder.ends_with('/') || rest.starts_with('/'),
            None => false,
        }
    })
}

/// A recommendation request in IGDB ids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecQuery {
    pub like: Vec<IgdbId>,
    #[serde(default)]
    pub dislike: Vec<IgdbId>,
    /// Games never to recommend (the player's owned games), besides the liked ones.
    #[serde(default)]
    pub exclude: Vec<IgdbId>,
    #[serde(default)]
    pub filters: Filters,
    #[serde(default)]
    pub knobs: Knobs,
    pub k: usize,
}

/// The answer to one [`Call`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    pub id: u32,
    pub result: Result<Answer, EngineError>,
}

/// A successful answer; its shape follows the request's kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Answer {
    Opened,
    Hits(Vec<GameSummary>),
    Recs(RecAnswer),
    Game(Option<GameInfo>),
    Details(Option<GameDetails>),
    FilterOptions(FilterOptions),
    Showcase(Showcase),
    Covers(Vec<GameCover>),
}

/// Why a call failed, with a stable code a caller can branch on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct EngineError {
    pub code: ErrorCode,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// No game with that IGDB id in this index.
    BadId,
    /// The index (or the part this call needs) is not loaded yet.
    NotLoaded,
    /// An index file failed verification or decoding.
    Corrupt,
    /// A file could not be downloaded.
    Network,
    /// The call itself is malformed.
    BadRequest,
}

impl EngineError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> EngineError {
        EngineError {
            code,
            message: message.into(),
        }
    }
}

/// Sent by the engine on its own, whenever its loading state changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EngineEvent {
    /// The engine is running and takes calls.
    Ready,
    /// Sent by the worker's loader script when the engine cannot start (its wasm failed to
    /// load or instantiate).
    Failed {
        message: String,
    },
    Status(LoadStatus),
    Reply(Reply),
}

/// How far loading has come, for the status bar and for pages waiting on data.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoadStatus {
    /// Bytes received (or read from the cache) of the files needed up front.
    pub loaded_bytes: u64,
    /// Bytes of the up-front files, from the manifest.
    pub total_bytes: u64,
    /// What is being done now, in plain words.
    pub activity: String,
    /// Title search works (at least the first title shard is in).
    pub search_ready: bool,
    /// Every title shard is in.
    pub titles_complete: bool,
    /// Recommendations work (at least from the first part of the index).
    pub recommend_ready: bool,
    /// Recommendations consider the whole index.
    pub recommend_complete: bool,
    /// No usable index: the reason.
    pub error: Option<String>,
    /// Worth telling, but nothing stops (update failed, offline).
    pub notice: Option<String>,
    /// A newer index is downloaded and used on the next visit.
    pub update_ready: Option<String>,
    pub version: Option<String>,
    pub built_at: Option<String>,
    pub attribution: Option<String>,
    pub games: u32,
    /// The index in use came from the browser's cache.
    pub from_cache: bool,
    /// Index files added so far; grows each time more data becomes queryable.
    pub parts_loaded: u32,
}

impl LoadStatus {
    /// Share of the up-front bytes loaded, 0–100.
    pub fn percent(&self) -> f64 {
        if self.total_bytes == 0 {
            0.0
        } else {
            (self.loaded_bytes as f64 * 100.0 / self.total_bytes as f64).min(100.0)
        }
    }
}

/// What a result row shows about a game.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GameSummary {
    pub igdb_id: IgdbId,
    pub name: String,
    pub year: Option<u16>,
    /// IGDB image id of the cover.
    pub cover: Option<String>,
    pub platforms: Vec<String>,
    pub main_game: bool,
    /// For a search result found by another name: that name ("also known as …").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub also_known_as: Option<String>,
}

impl GameSummary {
    /// The summary of a loaded game.
    pub fn of(library: &Library, game: GameId) -> Option<GameSummary> {
        let card = library.card(game)?;
        Some(GameSummary {
            igdb_id: card.igdb_id,
            name: card.name.to_string(),
            year: card.year,
            cover: card.cover,
            platforms: card.platforms.iter().map(|p| p.to_string()).collect(),
            main_game: card.main_game,
            also_known_as: None,
        })
    }

    /// Result rows of a title search, in rank order: `playlike search`, the npm package and
    /// the app's typeahead all answer with these.
    pub fn search(library: &Library, query: &str, k: usize) -> Vec<GameSummary> {
        library
            .search(query, k)
            .into_iter()
            .filter_map(|hit| {
                Some(GameSummary {
                    also_known_as: hit.also_known_as,
                    ..GameSummary::of(library, hit.game)?
                })
            })
            .collect()
    }
}

/// A game's cover image id, as answered to [`EngineRequest::Covers`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GameCover {
    pub igdb_id: IgdbId,
    /// IGDB image id, e.g. `co1wyy`.
    pub cover: String,
}

impl GameCover {
    /// The covers the library knows of the games of `igdb_ids`, in that order: games without
    /// a cover, unknown to the index or whose cover block is not loaded are left out.
    pub fn list(library: &Library, igdb_ids: &[IgdbId]) -> Vec<GameCover> {
        igdb_ids
            .iter()
            .filter_map(|&igdb_id| {
                let cover = library.cover_of(library.find_igdb(igdb_id)?)?;
                Some(GameCover { igdb_id, cover })
            })
            .collect()
    }
}

/// A game page's header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GameInfo {
    pub summary: GameSummary,
    pub genres: Vec<String>,
    pub developers: Vec<String>,
    pub rating: Option<u8>,
    /// Genres, developers and rating are known (they come with the feature part).
    pub features_loaded: bool,
}

impl GameInfo {
    pub fn of(library: &Library, game: GameId) -> Option<GameInfo> {
        let card = library.card(game)?;
        let owned = |names: &[&str]| names.iter().map(|n| n.to_string()).collect();
        Some(GameInfo {
            genres: owned(&card.genres),
            developers: owned(&card.developers),
            rating: card.critic_rating,
            features_loaded: library.can_recommend(),
            summary: GameSummary::of(library, game)?,
        })
    }
}

/// One recommended game with the reasons it was picked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecItem {
    pub game: GameSummary,
    /// The reasons in one line ("shares Roguelike, Indie; same developer Supergiant Games").
    pub explanation: String,
    /// The same reasons, as parts.
    pub reasons: Vec<ReasonView>,
}

/// One reason: a label ("shares", "same developer", …) and the things behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReasonView {
    pub label: String,
    pub items: Vec<String>,
}

impl RecItem {
    /// Result rows for recommendations whose titles are loaded.
    pub fn list(library: &Library, recs: &[Recommendation]) -> Vec<RecItem> {
        recs.iter()
            .filter_map(|r| {
                Some(RecItem {
                    game: GameSummary::of(library, r.game)?,
                    explanation: r.explanation.text(),
                    reasons: r
                        .explanation
                        .reasons
                        .iter()
                        .map(|reason| ReasonView {
                            label: reason.label.to_string(),
                            items: reason.items.clone(),
                        })
                        .collect(),
                })
            })
            .collect()
    }
}

/// Recommendations, and whether they come from the whole index or a first part of it (they
/// are refined when the rest arrives).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecAnswer {
    pub items: Vec<RecItem>,
    pub complete: bool,
}

/// The home page's well-known games and genre entry points.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Showcase {
    pub games: Vec<GameSummary>,
    /// Genre names, most shared first; empty until genres are loaded.
    pub genres: Vec<String>,
}

/// Choices for the filter panel.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FilterOptions {
    pub platforms: Vec<String>,
    /// Store names, most common first.
    #[serde(default)]
    pub stores: Vec<String>,
    /// Genre and theme names, most common first.
    pub genres: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(linked: Option<&str>) -> IndexPlace {
        IndexPlace {
            origin: "https://play.example".into(),
            default_url: "https://cdn.example/idx/manifest.json".into(),
            extra_allowed: vec!["https://storage.example/bucket/".into()],
            linked: linked.map(str::to_string),
        }
    }

    #[test]
    fn a_page_opens_its_own_index_unless_a_link_names_an_allowed_one() {
        let plain = place(None).resolve();
        assert_eq!(plain.manifest_url, "https://cdn.example/idx/manifest.json");
        assert_eq!(plain.notice, None);
        for allowed in [
            "https://play.example/other/manifest.json",
            "https://cdn.example/idx/canary.json",
            "https://storage.example/bucket/v2/manifest.json",
        ] {
            let linked = place(Some(allowed)).resolve();
            assert_eq!(linked.manifest_url, allowed);
            assert_eq!(linked.notice, None);
        }
        for refused in [
            "https://evil.example/manifest.json",
            "https://cdn.example/other/manifest.json",
            "https://storage.example/bucket2/manifest.json",
        ] {
            let linked = place(Some(refused)).resolve();
            assert_eq!(linked.manifest_url, "https://cdn.example/idx/manifest.json");
            assert_eq!(linked.notice.as_deref(), Some(REFUSED_INDEX_NOTICE));
            assert!(!index_url_allowed(refused, &linked.allowed));
        }
    }

    #[test]
    fn calls_and_events_round_trip_through_json() {
        let call = Call {
            id: 7,
            request: EngineRequest::Recommend(RecQuery {
                like: vec![IgdbId(1942)],
                dislike: vec![],
                exclude: vec![IgdbId(113112)],
                filters: Filters {
                    store: vec!["GOG".into(), "Steam".into()],
                    ..Filters::default()
                },
                knobs: Knobs {
                    popularity: 0.5,
                    recency: -0.2,
                },
                k: 10,
            }),
        };
        let text = serde_json::to_string(&call).unwrap();
        assert!(text.contains(r#""store":["GOG","Steam"]"#), "{text}");
        assert!(
            !text.contains("exclude_games"),
            "dense ids stay out: {text}"
        );
        assert_eq!(serde_json::from_str::<Call>(&text).unwrap(), call);

        let event = EngineEvent::Reply(Reply {
            id: 7,
            result: Err(EngineError::new(ErrorCode::BadId, "no game 5")),
        });
        let text = serde_json::to_string(&event).unwrap();
        assert!(text.contains("\"bad_id\""), "{text}");
        assert_eq!(serde_json::from_str::<EngineEvent>(&text).unwrap(), event);
    }

    #[test]
    fn index_urls_are_allowed_only_under_named_origins_and_folders() {
        let allowed = vec![
            "https://playlike.example".to_string(),
            "https://storage.googleapis.com/my-bucket/index/manifest.json".to_string(),
            "https://cdn.example/indexes/".to_string(),
        ];
        let ok = |url: &str| index_url_allowed(url, &allowed);
        assert!(ok("https://playlike.example/index/manifest.json"));
        assert!(ok(
            "https://storage.googleapis.com/my-bucket/index/manifest.json"
        ));
        assert!(ok(
            "https://storage.googleapis.com/my-bucket/index/v/2/manifest.json"
        ));
        assert!(ok("https://cdn.example/indexes/a/manifest.json"));
        // Another bucket on the same shared host, a look-alike host, another scheme.
        assert!(!ok(
            "https://storage.googleapis.com/evil-bucket/manifest.json"
        ));
        assert!(!ok(
            "https://storage.googleapis.com/my-bucket/other/manifest.json"
        ));
        assert!(!ok("https://playlike.example.evil/manifest.json"));
        assert!(!ok("http://playlike.example/index/manifest.json"));
        assert!(!ok("https://cdn.example/indexes-evil/manifest.json"));
        // Nothing allowed, or junk prefixes, allow nothing.
        assert!(!index_url_allowed("https://a.example/m.json", &[]));
        assert!(!index_url_allowed(
            "https://a.example/m.json",
            &[String::new(), "a.example".into()]
        ));
    }

    #[test]
    fn a_recommend_query_needs_only_likes_and_k() {
        let query: RecQuery = serde_json::from_str(r#"{"like":[1],"k":5}"#).unwrap();
        assert_eq!(query.filters, Filters::default());
        assert_eq!(query.knobs, Knobs::default());
        assert!(query.exclude.is_empty());
    }
}
