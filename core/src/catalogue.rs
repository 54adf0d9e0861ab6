//! The catalogue model: one [`Game`] per IGDB game, parsed from a JSON record.
//!
//! Two record shapes are accepted, because Playlike is fed by both:
//! - the flat dump (`igdb_id`, `developers`, `cover_url`, `release_date`, …), and
//! - the IGDB API v4 shape with expanded fields (`id`, `genres.name`, `involved_companies`,
//!   `cover.image_id`, `first_release_date`, …), as written by `playlike fetch`.
//!
//! Missing fields are normal and simply absent. A record that is not an object, lacks an id
//! or a name, has a field of the wrong type or an absurd value is rejected with a
//! [`RecordError`] naming the field, so callers can report `file:line: field: reason`.
//! Fields the model does not know are reported as [`Warning`]s and otherwise ignored.

use serde_json::{Map, Value};
use thiserror::Error;

/// Largest IGDB id we accept; real ids are below 400k, so anything past this is corrupt input.
pub const MAX_IGDB_ID: u64 = 100_000_000;
/// Latest release date we accept (2100-01-01); later values are corrupt input.
const MAX_RELEASE_SECONDS: i64 = 4_102_444_800;
/// Earliest release date we accept (1900-01-01).
const MIN_RELEASE_SECONDS: i64 = -2_208_988_800;
/// Longest title we accept, in bytes.
const MAX_NAME_BYTES: usize = 512;
/// Longest list (genres, platforms, …) we keep from one record.
const MAX_LIST_LEN: usize = 256;

/// One game, normalised from either input shape.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Game {
    pub igdb_id: u64,
    pub name: String,
    pub summary: Option<String>,
    pub genres: Vec<String>,
    pub themes: Vec<String>,
    pub keywords: Vec<String>,
    pub platforms: Vec<String>,
    pub developers: Vec<String>,
    pub publishers: Vec<String>,
    /// IGDB collections and franchises together: both name a series.
    pub series: Vec<String>,
    pub game_modes: Vec<String>,
    pub perspectives: Vec<String>,
    /// First release, Unix seconds (UTC).
    pub release_date: Option<i64>,
    /// Critic score 0–100 (`aggregated_rating`).
    pub critic_rating: Option<f32>,
    /// Critic + user score 0–100 (`total_rating`), API only.
    pub total_rating: Option<f32>,
    /// Number of ratings behind `total_rating`, API only.
    pub rating_count: Option<u32>,
    /// Pre-release follows, API only.
    pub hypes: Option<u32>,
    /// IGDB image id of the cover, e.g. `co1w60`.
    pub cover_image_id: Option<String>,
    /// Links to stores and other sites (Steam, GOG, Twitch, …).
    pub links: Vec<String>,
    /// IGDB `category` / `game_type` (0 = main game).
    pub category: Option<u32>,
    /// For DLCs, expansions, bundles: the game they belong to.
    pub parent_game: Option<u64>,
    /// For editions and ports: the game they are a version of.
    pub version_parent: Option<u64>,
    /// IGDB's own "similar games", kept for evaluation.
    pub similar_games: Vec<u64>,
    /// Other names of the game (IGDB `alternative_names`: abbreviations, former, regional
    /// and native-script titles), API only. Searched, never shown as the title.
    pub alternative_names: Vec<String>,
    /// IGDB's URL name, API only. Made from the title when the game entered IGDB, so it keeps
    /// a former title ("playerunknowns-battlegrounds").
    pub slug: Option<String>,
    /// Descriptive terms already derived from the summary (by `playlike sample`, which ships
    /// terms instead of summary text). When empty, the build derives them from `summary`.
    pub terms: Vec<String>,
    /// Sub-genre and mechanic descriptors already found in the summary (by `playlike sample`;
    /// see [`crate::descriptors`]). A game with a summary has them found there instead.
    pub descriptors: Vec<String>,
    /// Notability already computed from the whole record (by `playlike sample`, which keeps
    /// only part of its evidence: two links, no summary). When absent it is computed from the
    /// record ([`crate::features::notability`]).
    pub notability: Option<f32>,
}

impl Game {
    /// Release year, if the release date is known.
    pub fn release_year(&self) -> Option<u16> {
        self.release_date.map(year_of_unix_seconds)
    }

    /// Stores the game is available on, from its links, in [`Store::ALL`] order.
    pub fn stores(&self) -> Vec<Store> {
        let mut stores: Vec<Store> = self.links.iter().filter_map(|l| Store::of_url(l)).collect();
        stores.sort_unstable();
        stores.dedup();
        stores
    }
}

/// A store that sells or distributes games, told by the host of a link to it. IGDB's own
/// labels of external ids are unreliable (its "playstation" category holds Twitch links), so
/// the URL decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Store {
    Steam,
    Gog,
    Itch,
    Epic,
    PlayStation,
    Microsoft,
    Nintendo,
    Apple,
    GooglePlay,
    Amazon,
    Humble,
    Utomik,
    GameJolt,
    Kartridge,
    Meta,
}

impl Store {
    pub const ALL: [Store; 15] = [
        Store::Steam,
        Store::Gog,
        Store::Itch,
        Store::Epic,
        Store::PlayStation,
        Store::Microsoft,
        Store::Nintendo,
        Store::Apple,
        Store::GooglePlay,
        Store::Amazon,
        Store::Humble,
        Store::Utomik,
        Store::GameJolt,
        Store::Kartridge,
        Store::Meta,
    ];

    /// The name players know it by (also its feature name and its filter value).
    pub fn name(self) -> &'static str {
        match self {
            Store::Steam => "Steam",
            Store::Gog => "GOG",
            Store::Itch => "itch.io",
            Store::Epic => "Epic Games Store",
            Store::PlayStation => "PlayStation Store",
            Store::Microsoft => "Microsoft Store",
            Store::Nintendo => "Nintendo eShop",
            Store::Apple => "App Store",
            Store::GooglePlay => "Google Play",
            Store::Amazon => "Amazon",
            Store::Humble => "Humble Store",
            Store::Utomik => "Utomik",
            Store::GameJolt => "Game Jolt",
            Store::Kartridge => "Kartridge",
            Store::Meta => "Meta Quest",
        }
    }

    /// The store a name means, in any case.
    pub fn from_name(name: &str) -> Option<Store> {
        Store::ALL
            .into_iter()
            .find(|s| s.name().eq_ignore_ascii_case(name.trim()))
    }

    /// The index's spelling of a store name given in any case, or an error listing the known
    /// ones (the `playlike` command's `--store`).
    pub fn parse_name(name: &str) -> Result<String, String> {
        Store::from_name(name)
            .map(|s| s.name().to_string())
            .ok_or_else(|| {
                let known: Vec<&str> = Store::ALL.iter().map(|s| s.name()).collect();
                format!("unknown store {name:?} (known: {})", known.join(", "))
            })
    }

    /// Domain labels that identify the store's hosts (`store.steampowered.com`,
    /// `amazon.co.uk`, `zachtronics.itch.io`, …).
    fn labels(self) -> &'static [&'static str] {
        match self {
            Store::Steam => &["steampowered", "steamcommunity"],
            Store::Gog => &["gog"],
            Store::Itch => &["itch"],
            Store::Epic => &["epicgames"],
            Store::PlayStation => &["playstation"],
            Store::Microsoft => &["xbox", "microsoft"],
            Store::Nintendo => &["nintendo"],
            Store::Apple => &["apple"],
            Store::GooglePlay => &[],
            Store::Amazon => &["amazon"],
            Store::Humble => &["humblebundle"],
            Store::Utomik => &["utomik"],
            Store::GameJolt => &["gamejolt"],
            Store::Kartridge => &["kartridge"],
            Store::Meta => &["meta", "oculus"],
        }
    }

    /// The store a link points to, if it is one: a label of its host other than the last
    /// (the top-level domain) names the store; Google Play is its own host.
    pub fn of_url(url: &str) -> Option<Store> {
        let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
        let host = rest
            .split(['/', '?', '#'])
            .next()
            .unwrap_or("")
            .rsplit('@')
            .next()
            .unwrap_or("")
            .split(':')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if host == "play.google.com" {
            return Some(Store::GooglePlay);
        }
        let labels: Vec<&str> = host.split('.').collect();
        let named = &labels[..labels.len().saturating_sub(1)];
        Store::ALL
            .into_iter()
            .find(|store| store.labels().iter().any(|l| named.contains(l)))
    }
}

/// Calendar year (UTC) of a Unix timestamp in seconds.
pub fn year_of_unix_seconds(seconds: i64) -> u16 {
    let (year, _, _) = civil_from_days(seconds.div_euclid(86_400));
    year.clamp(0, i64::from(u16::MAX)) as u16
}

/// `(year, month, day)` of a count of days since 1970-01-01 (Howard Hinnant's algorithm).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// Why a record was rejected.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum RecordError {
    #[error("malformed JSON: {0}")]
    Json(String),
    #[error("record is not a JSON object")]
    NotAnObject,
    #[error("field `{field}`: {reason}")]
    Field { field: &'static str, reason: String },
}

/// Something odd but harmless in a record that was kept.
#[derive(Debug, Clone, PartialEq)]
pub enum Warning {
    UnknownField(String),
}

/// Fields we read, plus API bookkeeping fields we deliberately ignore.
const KNOWN_FIELDS: &[&str] = &[
    "igdb_id",
    "id",
    "name",
    "summary",
    "storyline",
    "genres",
    "themes",
    "keywords",
    "platforms",
    "developers",
    "publishers",
    "involved_companies",
    "collections",
    "collection",
    "franchises",
    "franchise",
    "game_modes",
    "player_perspectives",
    "release_date",
    "first_release_date",
    "aggregated_rating",
    "aggregated_rating_count",
    "total_rating",
    "total_rating_count",
    "rating",
    "rating_count",
    "hypes",
    "follows",
    "cover",
    "cover_url",
    "external_ids",
    "external_games",
    "websites",
    "category",
    "game_type",
    "parent_game",
    "version_parent",
    "version_title",
    "similar_games",
    "slug",
    "url",
    "checksum",
    "created_at",
    "updated_at",
    "status",
    "game_status",
    "alternative_names",
    "screenshots",
    "artworks",
    "videos",
    "dlcs",
    "expansions",
    "bundles",
    "ports",
    "remakes",
    "remasters",
    "standalone_expansions",
    "expanded_games",
    "forks",
    "tags",
    "language_supports",
    "game_localizations",
    "game_engines",
    "multiplayer_modes",
    "age_ratings",
    "release_dates",
    "terms",
    "descriptors",
    "notability",
];

/// Parses one JSON line into a [`Game`], collecting warnings for fields it does not know.
pub fn parse_game_line(line: &str, warnings: &mut Vec<Warning>) -> Result<Game, RecordError> {
    let value: Value = serde_json::from_str(line).map_err(|e| RecordError::Json(e.to_string()))?;
    parse_game_value(&value, warnings)
}

/// Parses one already-decoded JSON value into a [`Game`].
pub fn parse_game_value(value: &Value, warnings: &mut Vec<Warning>) -> Result<Game, RecordError> {
    let obj = value.as_object().ok_or(RecordError::NotAnObject)?;
    for key in obj.keys() {
        if !KNOWN_FIELDS.contains(&key.as_str()) {
            warnings.push(Warning::UnknownField(key.clone()));
        }
    }
    let igdb_id = match (obj.get("igdb_id"), obj.get("id")) {
        (Some(v), _) if !v.is_null() => id_value(v, "igdb_id")?,
        (_, Some(v)) if !v.is_null() => id_value(v, "id")?,
        _ => return Err(missing("id")),
    };
    let name = match obj.get("name") {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Null) | None => return Err(missing("name")),
        Some(_) => return Err(wrong_type("name", "a string")),
    };
    if name.is_empty() {
        return Err(field_error("name", "is empty"));
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(field_error("name", format!("is {} bytes long", name.len())));
    }
    let (developers, publishers) = companies(obj)?;
    let mut series = names(obj, "collections")?;
    series.extend(names(obj, "collection")?);
    series.extend(names(obj, "franchises")?);
    series.extend(names(obj, "franchise")?);
    dedup_keep_order(&mut series);
    let mut links = Vec::new();
    for field in ["external_ids", "websites", "external_games"] {
        links.extend(link_urls(obj, field)?);
    }
    Ok(Game {
        igdb_id,
        name,
        summary: opt_string(obj, "summary")?.filter(|s| !s.trim().is_empty()),
        genres: names(obj, "genres")?,
        themes: names(obj, "themes")?,
        keywords: names(obj, "keywords")?,
        platforms: names(obj, "platforms")?,
        developers,
        publishers,
        series,
        game_modes: names(obj, "game_modes")?,
        perspectives: names(obj, "player_perspectives")?,
        release_date: release_date(obj)?,
        critic_rating: rating(obj, "aggregated_rating")?,
        total_rating: rating(obj, "total_rating")?,
        rating_count: opt_count(obj, "total_rating_count")?,
        hypes: opt_count(obj, "hypes")?,
        cover_image_id: cover_image_id(obj)?,
        links,
        category: category(obj)?,
        parent_game: opt_ref_id(obj, "parent_game")?,
        version_parent: opt_ref_id(obj, "version_parent")?,
        similar_games: id_list(obj, "similar_games")?,
        alternative_names: alternative_names(obj)?,
        slug: opt_string(obj, "slug")?.filter(|s| !s.trim().is_empty()),
        terms: names(obj, "terms")?,
        descriptors: names(obj, "descriptors")?,
        notability: number_in(obj, "notability", -NOTABILITY_LIMIT..=NOTABILITY_LIMIT)?,
    })
}

/// The largest notability a record may carry: computed ones stay far below (about 15 for the
/// best-known games of the dump).
const NOTABILITY_LIMIT: f64 = 100.0;

fn missing(field: &'static str) -> RecordError {
    field_error(field, "is missing")
}

fn wrong_type(field: &'static str, expected: &str) -> RecordError {
    field_error(field, format!("expected {expected}"))
}

fn field_error(field: &'static str, reason: impl Into<String>) -> RecordError {
    RecordError::Field {
        field,
        reason: reason.into(),
    }
}

fn id_value(v: &Value, field: &'static str) -> Result<u64, RecordError> {
    let id = v
        .as_u64()
        .ok_or_else(|| wrong_type(field, "a positive integer"))?;
    if id == 0 || id > MAX_IGDB_ID {
        return Err(field_error(field, format!("{id} is out of range")));
    }
    Ok(id)
}

fn opt_string(
    obj: &Map<String, Value>,
    field: &'static str,
) -> Result<Option<String>, RecordError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(wrong_type(field, "a string")),
    }
}

/// A list of names: `["Indie", …]`, `[{"name": "Indie"}, …]`, or bare ids (ignored: no name).
fn names(obj: &Map<String, Value>, field: &'static str) -> Result<Vec<String>, RecordError> {
    let items = match obj.get(field) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items.as_slice(),
        Some(single @ Value::Object(_)) => std::slice::from_ref(single),
        Some(_) => return Err(wrong_type(field, "a list")),
    };
    let mut out = Vec::with_capacity(items.len().min(MAX_LIST_LEN));
    for item in items.iter().take(MAX_LIST_LEN) {
        let name = match item {
            Value::String(s) => Some(s.as_str()),
            Value::Object(o) => o.get("name").and_then(Value::as_str),
            Value::Number(_) | Value::Null => None,
            _ => return Err(wrong_type(field, "a list of names")),
        };
        if let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) {
            out.push(name.to_string());
        }
    }
    dedup_keep_order(&mut out);
    Ok(out)
}

/// `alternative_names` (`[{"name": …}]` or plain strings), each no longer than a title.
fn alternative_names(obj: &Map<String, Value>) -> Result<Vec<String>, RecordError> {
    let mut names = names(obj, "alternative_names")?;
    if let Some(long) = names.iter().find(|n| n.len() > MAX_NAME_BYTES) {
        return Err(field_error(
            "alternative_names",
            format!("a name is {} bytes long", long.len()),
        ));
    }
    names.retain(|n| n.chars().any(char::is_alphanumeric));
    Ok(names)
}

fn dedup_keep_order(items: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    items.retain(|item| seen.insert(item.clone()));
}

/// Developers and publishers: flat lists in the dump, `involved_companies` in the API.
fn companies(obj: &Map<String, Value>) -> Result<(Vec<String>, Vec<String>), RecordError> {
    let mut developers = names(obj, "developers")?;
    let mut publishers = names(obj, "publishers")?;
    match obj.get("involved_companies") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for item in items.iter().take(MAX_LIST_LEN) {
                let Value::Object(involved) = item else {
                    continue; // bare ids carry no name
                };
                let Some(name) = involved
                    .get("company")
                    .and_then(|c| c.get("name"))
                    .and_then(Value::as_str)
                else {
                    continue;
                };
                let flag = |key: &str| involved.get(key).and_then(Value::as_bool) == Some(true);
                if flag("developer") {
                    developers.push(name.trim().to_string());
                }
                if flag("publisher") {
                    publishers.push(name.trim().to_string());
                }
            }
        }
        Some(_) => return Err(wrong_type("involved_companies", "a list")),
    }
    dedup_keep_order(&mut developers);
    dedup_keep_order(&mut publishers);
    Ok((developers, publishers))
}

fn release_date(obj: &Map<String, Value>) -> Result<Option<i64>, RecordError> {
    for field in ["release_date", "first_release_date"] {
        match obj.get(field) {
            None | Some(Value::Null) => continue,
            Some(v) => {
                let secs = v
                    .as_i64()
                    .or_else(|| v.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))
                    .ok_or_else(|| wrong_type(field, "Unix seconds"))?;
                if !(MIN_RELEASE_SECONDS..=MAX_RELEASE_SECONDS).contains(&secs) {
                    return Err(field_error(
                        field,
                        format!("{secs} is not a plausible date"),
                    ));
                }
                return Ok(Some(secs));
            }
        }
    }
    Ok(None)
}

fn rating(obj: &Map<String, Value>, field: &'static str) -> Result<Option<f32>, RecordError> {
    number_in(obj, field, 0.0..=100.0)
}

fn number_in(
    obj: &Map<String, Value>,
    field: &'static str,
    range: std::ops::RangeInclusive<f64>,
) -> Result<Option<f32>, RecordError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => {
            let r = v.as_f64().ok_or_else(|| wrong_type(field, "a number"))?;
            if !range.contains(&r) {
                return Err(field_error(
                    field,
                    format!("{r} is outside {}..={}", range.start(), range.end()),
                ));
            }
            Ok(Some(r as f32))
        }
    }
}

fn opt_count(obj: &Map<String, Value>, field: &'static str) -> Result<Option<u32>, RecordError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => {
            let n = v
                .as_u64()
                .ok_or_else(|| wrong_type(field, "a non-negative integer"))?;
            u32::try_from(n)
                .map(Some)
                .map_err(|_| field_error(field, format!("{n} is too large")))
        }
    }
}

/// A reference to another game: a bare id or an expanded `{ "id": … }` object.
fn opt_ref_id(obj: &Map<String, Value>, field: &'static str) -> Result<Option<u64>, RecordError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) => o.get("id").map(|v| id_value(v, field)).transpose(),
        Some(v) => id_value(v, field).map(Some),
    }
}

fn id_list(obj: &Map<String, Value>, field: &'static str) -> Result<Vec<u64>, RecordError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .take(MAX_LIST_LEN)
            .map(|item| match item {
                Value::Object(o) => o
                    .get("id")
                    .ok_or_else(|| missing(field))
                    .and_then(|v| id_value(v, field)),
                v => id_value(v, field),
            })
            .collect(),
        Some(_) => Err(wrong_type(field, "a list of ids")),
    }
}

fn category(obj: &Map<String, Value>) -> Result<Option<u32>, RecordError> {
    for field in ["game_type", "category"] {
        match obj.get(field) {
            None | Some(Value::Null) => continue,
            Some(Value::Object(o)) => {
                if let Some(id) = o.get("id").and_then(Value::as_u64) {
                    return Ok(Some(id.min(u64::from(u32::MAX)) as u32));
                }
            }
            Some(v) => {
                let n = v.as_u64().ok_or_else(|| wrong_type(field, "an integer"))?;
                return Ok(Some(n.min(u64::from(u32::MAX)) as u32));
            }
        }
    }
    Ok(None)
}

fn cover_image_id(obj: &Map<String, Value>) -> Result<Option<String>, RecordError> {
    let raw = match (obj.get("cover"), obj.get("cover_url")) {
        (Some(Value::Object(cover)), _) => cover
            .get("image_id")
            .and_then(Value::as_str)
            .map(str::to_string),
        (_, Some(Value::String(url))) => url
            .rsplit('/')
            .next()
            .and_then(|file| file.split('.').next())
            .map(str::to_string),
        (_, Some(Value::Null) | None) => None,
        (_, Some(_)) => return Err(wrong_type("cover_url", "a string")),
    };
    Ok(raw.filter(|id| is_image_id(id)))
}

/// IGDB image ids are short lowercase alphanumerics; anything else would be unsafe in a URL.
pub fn is_image_id(id: &str) -> bool {
    (1..=32).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn link_urls(obj: &Map<String, Value>, field: &'static str) -> Result<Vec<String>, RecordError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => Ok(items
            .iter()
            .take(MAX_LIST_LEN)
            .filter_map(|item| item.get("url").and_then(Value::as_str))
            .filter(|url| url.starts_with("https://") || url.starts_with("http://"))
            .map(str::to_string)
            .collect()),
        Some(_) => Err(wrong_type(field, "a list")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Game, RecordError> {
        parse_game_line(line, &mut Vec::new())
    }

    #[test]
    fn reads_what_the_sample_derived_and_refuses_implausible_notability() {
        let g = parse(r#"{"igdb_id":7,"name":"Cut","descriptors":["roguelike","deck-building"],"notability":9.125}"#).unwrap();
        assert_eq!(g.descriptors, ["roguelike", "deck-building"]);
        assert_eq!(g.notability, Some(9.125));
        let e = parse(r#"{"igdb_id":7,"name":"Cut","notability":1e9}"#).unwrap_err();
        assert!(e.to_string().contains("notability"), "{e}");
        let e = parse(r#"{"igdb_id":7,"name":"Cut","notability":"high"}"#).unwrap_err();
        assert!(e.to_string().contains("notability"), "{e}");
    }

    #[test]
    fn parses_the_flat_dump_shape() {
        let g = parse(r#"{"igdb_id":5,"name":"Baldur's Gate","summary":"A party.","genres":["Role-playing (RPG)"],"developers":["BioWare"],"publishers":["Interplay"],"aggregated_rating":null,"release_date":914198400,"platforms":["Linux","Mac"],"cover_url":"//images.igdb.com/igdb/image/upload/t_thumb/co20gb.jpg","external_ids":[{"url":"https://store.steampowered.com/app/1/"}]}"#).unwrap();
        assert_eq!(g.igdb_id, 5);
        assert_eq!(g.developers, vec!["BioWare"]);
        assert_eq!(g.cover_image_id.as_deref(), Some("co20gb"));
        assert_eq!(g.release_year(), Some(1998));
        assert_eq!(g.links.len(), 1);
        assert_eq!(g.critic_rating, None);
    }

    #[test]
    fn parses_the_api_shape_with_expanded_fields() {
        let g = parse(r#"{"id":1942,"name":"Witcher","genres":[{"id":12,"name":"RPG"}],"themes":[{"name":"Fantasy"}],"involved_companies":[{"company":{"name":"CD Projekt RED"},"developer":true,"publisher":false},{"company":{"name":"CD Projekt"},"developer":false,"publisher":true}],"first_release_date":1431993600,"cover":{"image_id":"co1wyy"},"collections":[{"name":"The Witcher"}],"franchises":[{"name":"The Witcher"}],"game_type":0,"total_rating_count":3000,"similar_games":[{"id":1},{"id":2}]}"#).unwrap();
        assert_eq!(g.igdb_id, 1942);
        assert_eq!(g.developers, vec!["CD Projekt RED"]);
        assert_eq!(g.publishers, vec!["CD Projekt"]);
        assert_eq!(g.series, vec!["The Witcher"]);
        assert_eq!(g.themes, vec!["Fantasy"]);
        assert_eq!(g.category, Some(0));
        assert_eq!(g.rating_count, Some(3000));
        assert_eq!(g.similar_games, vec![1, 2]);
        assert_eq!(g.release_year(), Some(2015));
    }

    #[test]
    fn reads_alternative_names_and_the_slug_from_the_api_shape() {
        let g = parse(r#"{"id":27789,"name":"PUBG: Battlegrounds","slug":"playerunknowns-battlegrounds","alternative_names":[{"id":1,"name":"PUBG","comment":"Acronym"},{"id":2,"name":"絕地求生"},{"id":3,"name":"  "}]}"#).unwrap();
        assert_eq!(g.alternative_names, vec!["PUBG", "絕地求生"]);
        assert_eq!(g.slug.as_deref(), Some("playerunknowns-battlegrounds"));
        let flat = parse(r#"{"igdb_id":5,"name":"A"}"#).unwrap();
        assert!(flat.alternative_names.is_empty() && flat.slug.is_none());
        let err = parse(r#"{"id":3,"name":"A","alternative_names":"PUBG"}"#).unwrap_err();
        assert!(err.to_string().contains("alternative_names"), "{err}");
        let long = format!(
            r#"{{"id":3,"name":"A","alternative_names":["{}"]}}"#,
            "x".repeat(600)
        );
        assert!(parse(&long)
            .unwrap_err()
            .to_string()
            .contains("alternative_names"));
        let err = parse(r#"{"id":3,"name":"A","slug":7}"#).unwrap_err();
        assert!(err.to_string().contains("slug"), "{err}");
    }

    #[test]
    fn rejects_bad_records_naming_the_field() {
        assert!(matches!(parse("{not json"), Err(RecordError::Json(_))));
        assert_eq!(parse("[1,2]"), Err(RecordError::NotAnObject));
        let err = parse(r#"{"igdb_id":"x","name":"A"}"#).unwrap_err();
        assert!(err.to_string().contains("igdb_id"), "{err}");
        let err = parse(r#"{"igdb_id":3}"#).unwrap_err();
        assert!(err.to_string().contains("name"), "{err}");
        let err = parse(r#"{"igdb_id":3,"name":"A","aggregated_rating":1e300}"#).unwrap_err();
        assert!(err.to_string().contains("aggregated_rating"), "{err}");
        let err = parse(r#"{"igdb_id":3,"name":"A","release_date":99999999999999}"#).unwrap_err();
        assert!(err.to_string().contains("release_date"), "{err}");
        let err = parse(r#"{"igdb_id":3,"name":"A","genres":"Indie"}"#).unwrap_err();
        assert!(err.to_string().contains("genres"), "{err}");
    }

    #[test]
    fn unknown_fields_are_warnings_not_errors() {
        let mut warnings = Vec::new();
        let g = parse_game_line(r#"{"igdb_id":3,"name":"A","mystery":1}"#, &mut warnings).unwrap();
        assert_eq!(g.name, "A");
        assert_eq!(warnings, vec![Warning::UnknownField("mystery".into())]);
    }

    #[test]
    fn unsafe_cover_ids_are_dropped() {
        let g = parse(r#"{"igdb_id":3,"name":"A","cover":{"image_id":"x\"><script>"}}"#).unwrap();
        assert_eq!(g.cover_image_id, None);
    }

    #[test]
    fn stores_are_told_by_the_link_host() {
        let cases = [
            (
                "https://store.steampowered.com/app/1145360/",
                Some(Store::Steam),
            ),
            ("https://www.gog.com/game/hades", Some(Store::Gog)),
            ("https://zachtronics.itch.io/opus-magnum", Some(Store::Itch)),
            ("https://store.epicgames.com/p/hades", Some(Store::Epic)),
            ("https://www.epicgames.com/store/p/x", Some(Store::Epic)),
            (
                "https://store.playstation.com/en-us/product/1",
                Some(Store::PlayStation),
            ),
            (
                "https://marketplace.xbox.com/en-US/Product/x",
                Some(Store::Microsoft),
            ),
            (
                "https://www.microsoft.com/store/p/x/9n",
                Some(Store::Microsoft),
            ),
            ("https://www.nintendo.co.uk/Games/x", Some(Store::Nintendo)),
            ("https://itunes.apple.com/app/id1", Some(Store::Apple)),
            (
                "https://play.google.com/store/apps/details?id=x",
                Some(Store::GooglePlay),
            ),
            ("https://amazon.co.uk/dp/B0", Some(Store::Amazon)),
            ("http://www.humblebundle.com/store/x", Some(Store::Humble)),
            ("https://gamejolt.com/games/x/1", Some(Store::GameJolt)),
            (
                "https://www.oculus.com/experiences/quest/1",
                Some(Store::Meta),
            ),
            (
                "https://STORE.STEAMPOWERED.COM:443/app/1",
                Some(Store::Steam),
            ),
            ("https://www.twitch.tv/directory/game/Hades", None),
            ("https://www.giantbomb.com/hades/3030-1/", None),
            ("https://google.com/?q=store.steampowered.com", None),
            ("https://gog", None),
            ("https://steam.example.com/", None),
            ("", None),
        ];
        for (url, store) in cases {
            assert_eq!(Store::of_url(url), store, "{url}");
        }
        let g = parse(r#"{"igdb_id":3,"name":"A","external_ids":[{"url":"https://www.gog.com/x"},{"url":"https://store.steampowered.com/app/2"},{"url":"https://store.steampowered.com/app/3"},{"url":"https://www.twitch.tv/x"}]}"#).unwrap();
        assert_eq!(g.stores(), vec![Store::Steam, Store::Gog]);
        assert_eq!(Store::from_name("steam"), Some(Store::Steam));
        assert_eq!(Store::from_name(" Epic Games Store "), Some(Store::Epic));
        assert_eq!(Store::from_name("Origin"), None);
        for store in Store::ALL {
            assert_eq!(Store::from_name(store.name()), Some(store));
        }
    }

    #[test]
    fn years_are_computed_in_utc() {
        assert_eq!(year_of_unix_seconds(0), 1970);
        assert_eq!(year_of_unix_seconds(946_684_799), 1999);
        assert_eq!(year_of_unix_seconds(946_684_800), 2000);
        assert_eq!(year_of_unix_seconds(-1), 1969);
    }
}
