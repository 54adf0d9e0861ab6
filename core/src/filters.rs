//! The one vocabulary of filters and knobs: which games may be recommended ([`Filters`]) and
//! how they are ranked ([`Knobs`]).
//!
//! The field names are the names everywhere: the serde names (the protocol between page and
//! engine, the npm package's option objects), the URL query (`?platform=…&from=2015`, see
//! [`View::to_query`]) and, with core's `cli` feature, the `playlike` command's flags (clap
//! derives `--platform`, `--not-genre`, … from them). Links written before this vocabulary
//! used a few other names (`rating`, `without`, `all=1`, `pop`, `recent`); [`View::from_query`]
//! still reads them ([`OLD_QUERY_KEYS`]).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

use crate::ids::GameId;

#[cfg(feature = "cli")]
use crate::catalogue::Store;

/// Which games may be recommended.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[serde(default)]
pub struct Filters {
    /// Only games on this platform (repeatable; any of them; none = any).
    #[cfg_attr(feature = "cli", arg(long))]
    pub platform: Vec<String>,
    /// Only games sold on this store, e.g. Steam, GOG, itch.io (repeatable; any of them; none
    /// = any).
    #[cfg_attr(feature = "cli", arg(long, value_parser = Store::parse_name))]
    pub store: Vec<String>,
    /// Released in or after this year.
    #[cfg_attr(feature = "cli", arg(long))]
    pub from: Option<u16>,
    /// Released in or before this year.
    #[cfg_attr(feature = "cli", arg(long))]
    pub to: Option<u16>,
    /// Minimum critic rating (0-100); unrated games are dropped when set.
    #[cfg_attr(feature = "cli", arg(long))]
    pub min_rating: Option<u8>,
    /// Only games with this genre or theme (repeatable; any of them; none = any).
    #[cfg_attr(feature = "cli", arg(long))]
    pub genre: Vec<String>,
    /// No games with this genre or theme (repeatable).
    #[cfg_attr(feature = "cli", arg(long))]
    pub not_genre: Vec<String>,
    /// Also recommend DLC, packs, editions and other non-main games.
    #[cfg_attr(feature = "cli", arg(long))]
    pub all_types: bool,
    /// Dense ids of games never to recommend (e.g. owned). Not part of the vocabulary: the
    /// outside world names games by IGDB id, and the engine fills this in from those.
    #[serde(skip)]
    #[cfg_attr(feature = "cli", arg(skip))]
    pub exclude_games: Vec<GameId>,
}

impl Filters {
    /// The vocabulary's names of the filters, in order (`exclude_games` is not one).
    pub const KEYS: &'static [&'static str] = &[
        "platform",
        "store",
        "from",
        "to",
        "min_rating",
        "genre",
        "not_genre",
        "all_types",
    ];
}

/// Ranking preferences.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[serde(default)]
pub struct Knobs {
    /// -1 favours hidden gems, +1 well-known games, 0 is balanced.
    #[cfg_attr(
        feature = "cli",
        arg(long, default_value_t = 0.0, allow_hyphen_values = true)
    )]
    pub popularity: f32,
    /// -1 favours older games, +1 newer ones.
    #[cfg_attr(
        feature = "cli",
        arg(long, default_value_t = 0.0, allow_hyphen_values = true)
    )]
    pub recency: f32,
}

impl Knobs {
    /// The vocabulary's names of the knobs, in order.
    pub const KEYS: &'static [&'static str] = &["popularity", "recency"];

    /// Each knob finite and within −1…1 (anything else is neutral or clamped).
    fn bounded(self) -> Knobs {
        let bound = |v: f32| {
            if v.is_finite() {
                v.clamp(-1.0, 1.0)
            } else {
                0.0
            }
        };
        Knobs {
            popularity: bound(self.popularity),
            recency: bound(self.recency),
        }
    }
}

/// A view of recommendations: filters and knobs together, as a page's address carries them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct View {
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub filters: Filters,
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub knobs: Knobs,
}

/// Query keys of links written before the one vocabulary, and the names they stand for.
pub const OLD_QUERY_KEYS: &[(&str, &str)] = &[
    ("rating", "min_rating"),
    ("without", "not_genre"),
    ("all", "all_types"),
    ("pop", "popularity"),
    ("recent", "recency"),
];

impl View {
    /// `key=value` pairs of the values that differ from the default (so links stay short), in
    /// the vocabulary's order: lists comma-joined, `all_types=1`, numbers as written.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let (Ok(Value::Object(set)), Ok(Value::Object(default))) = (
            serde_json::to_value(self),
            serde_json::to_value(View::default()),
        ) else {
            return Vec::new();
        };
        Filters::KEYS
            .iter()
            .chain(Knobs::KEYS)
            .filter_map(|&key| {
                let value = set.get(key)?;
                (default.get(key) != Some(value)).then(|| (key, query_text(value)))
            })
            .collect()
    }

    /// The view a URL query describes, leniently: unknown keys and values that do not fit are
    /// left out (a link is never an error), old key spellings ([`OLD_QUERY_KEYS`]) are read,
    /// ratings over 100 are dropped and knobs are held within −1…1.
    pub fn from_query<K: AsRef<str>, V: AsRef<str>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> View {
        let mut view: View = lenient_from_pairs(pairs);
        view.filters.min_rating = view.filters.min_rating.filter(|&r| r <= 100);
        view.knobs = view.knobs.bounded();
        view
    }

    /// How many filters and knobs are set (a year range counts once).
    pub fn active_count(&self) -> usize {
        let f = &self.filters;
        let both_years = f.from.is_some() && f.to.is_some();
        self.to_query().len() - usize::from(both_years)
    }
}

/// A value as query text: lists comma-joined, `true` as `1`, floats (all `f32` here) in their
/// shortest form.
fn query_text(value: &Value) -> String {
    match value {
        Value::Array(items) => items.iter().map(query_text).collect::<Vec<_>>().join(","),
        Value::Bool(on) => if *on { "1" } else { "0" }.to_string(),
        Value::Number(n) if n.is_f64() => (n.as_f64().unwrap_or(0.0) as f32).to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A `T` from `key=value` text pairs under its serde names: each value is typed like the
/// field's default (list, flag or number), and a pair that does not fit is left out.
fn lenient_from_pairs<T, K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> T
where
    T: Serialize + DeserializeOwned + Default,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let Ok(Value::Object(mut fields)) = serde_json::to_value(T::default()) else {
        return T::default();
    };
    for (key, text) in pairs {
        let key = current_key(key.as_ref());
        let Some(default) = fields.get(key) else {
            continue;
        };
        let mut trial: Map<String, Value> = fields.clone();
        trial.insert(key.to_string(), typed(default, text.as_ref()));
        if serde_json::from_value::<T>(Value::Object(trial.clone())).is_ok() {
            fields = trial;
        }
    }
    serde_json::from_value(Value::Object(fields)).unwrap_or_default()
}

/// The vocabulary's name for a query key, old spellings included.
fn current_key(key: &str) -> &str {
    OLD_QUERY_KEYS
        .iter()
        .find(|(old, _)| *old == key)
        .map_or(key, |(_, current)| current)
}

/// Query text typed like `default`: a list of names, a flag (`1`/`true`) or a number.
fn typed(default: &Value, text: &str) -> Value {
    let text = text.trim();
    match default {
        Value::Array(_) => Value::Array(split_list(text).map(Value::from).collect()),
        Value::Bool(_) => Value::Bool(matches!(text, "1" | "true")),
        _ => number(text).map_or_else(|| Value::from(text), Value::Number),
    }
}

fn number(text: &str) -> Option<Number> {
    if let Ok(n) = text.parse::<u64>() {
        return Some(n.into());
    }
    if let Ok(n) = text.parse::<i64>() {
        return Some(n.into());
    }
    Number::from_f64(text.parse::<f64>().ok()?)
}

/// Comma-separated names, trimmed, empty ones left out.
fn split_list(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full_view() -> View {
        View {
            filters: Filters {
                platform: vec!["PC (Microsoft Windows)".into(), "Nintendo Switch".into()],
                store: vec!["GOG".into()],
                from: Some(2001),
                to: Some(2019),
                min_rating: Some(75),
                genre: vec!["Role-playing (RPG)".into()],
                not_genre: vec!["Indie".into(), "Puzzle".into()],
                all_types: true,
                exclude_games: Vec::new(),
            },
            knobs: Knobs {
                popularity: -0.3,
                recency: 1.0,
            },
        }
    }

    #[test]
    fn keys_are_the_serde_names() {
        let names = |value: Value| -> Vec<String> {
            let Value::Object(map) = value else {
                panic!("not an object")
            };
            let mut keys: Vec<String> = map.keys().cloned().collect();
            keys.sort();
            keys
        };
        let sorted = |keys: &[&str]| {
            let mut keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
            keys.sort();
            keys
        };
        let filters = serde_json::to_value(Filters::default()).unwrap();
        assert_eq!(names(filters), sorted(Filters::KEYS));
        let knobs = serde_json::to_value(Knobs::default()).unwrap();
        assert_eq!(names(knobs), sorted(Knobs::KEYS));
    }

    #[test]
    fn view_round_trips_through_the_url_query() {
        let view = full_view();
        let query = view.to_query();
        let keys: Vec<&str> = query.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, [Filters::KEYS, Knobs::KEYS].concat());
        assert!(query.contains(&("platform", "PC (Microsoft Windows),Nintendo Switch".into())));
        assert!(query.contains(&("all_types", "1".into())));
        assert!(query.contains(&("popularity", "-0.3".into())));
        assert_eq!(View::from_query(query), view);
    }

    #[test]
    fn defaults_are_left_out_of_the_query() {
        assert!(View::default().to_query().is_empty());
        let view = View {
            filters: Filters {
                from: Some(2015),
                ..Filters::default()
            },
            ..View::default()
        };
        assert_eq!(view.to_query(), [("from", "2015".to_string())]);
    }

    #[test]
    fn view_round_trips_through_json_as_javascript_sees_it() {
        let view = full_view();
        let json = serde_json::to_value(&view.filters).unwrap();
        assert_eq!(json["not_genre"], serde_json::json!(["Indie", "Puzzle"]));
        assert_eq!(json["all_types"], Value::Bool(true));
        assert_eq!(
            serde_json::from_value::<Filters>(json).unwrap(),
            view.filters
        );
        let knobs = serde_json::to_value(view.knobs).unwrap();
        assert_eq!(serde_json::from_value::<Knobs>(knobs).unwrap(), view.knobs);
    }

    #[test]
    fn links_with_the_old_spellings_still_work() {
        let old = [
            ("platform", "Nintendo Switch"),
            ("store", "GOG"),
            ("from", "2001"),
            ("to", "2019"),
            ("rating", "75"),
            ("genre", "Role-playing (RPG)"),
            ("without", "Indie,Puzzle"),
            ("all", "1"),
            ("pop", "-0.3"),
            ("recent", "1.0"),
        ];
        let view = View::from_query(old);
        let mut expected = full_view();
        expected.filters.platform = vec!["Nintendo Switch".into()];
        assert_eq!(view, expected);
    }

    #[test]
    fn a_bad_link_gives_the_parts_that_make_sense() {
        let view = View::from_query([
            ("from", "soon"),
            ("to", "-3"),
            ("min_rating", "150"),
            ("genre", " Shooter , ,Horror "),
            ("popularity", "7"),
            ("recency", "NaN"),
            ("all_types", "yes"),
            ("exclude_games", "1,2"),
            ("like", "12"),
        ]);
        let expected = View {
            filters: Filters {
                genre: vec!["Shooter".into(), "Horror".into()],
                ..Filters::default()
            },
            knobs: Knobs {
                popularity: 1.0,
                recency: 0.0,
            },
        };
        assert_eq!(view, expected);
    }

    #[test]
    fn active_count_counts_a_year_range_once() {
        assert_eq!(View::default().active_count(), 0);
        assert_eq!(full_view().active_count(), 9);
        let only_from = View::from_query([("from", "2000"), ("pop", "0.5")]);
        assert_eq!(only_from.active_count(), 2);
    }
}
