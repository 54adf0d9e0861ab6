//! Recommendations: "games like X" and taste from several liked and disliked games.
//!
//! The query is a weighted feature vector: the sum of the liked games' normalised vectors,
//! minus a share of the disliked ones'. Scores are accumulated over the postings of the
//! query's features only (an inverted index: a query touches the games that share something
//! with it, never all feature pairs), divided by each game's norm (cosine), then adjusted by
//! the notability prior, the popularity and recency knobs and year proximity. Filters drop
//! games before ranking; a diversity pass collapses versions of one game and caps games per
//! series and per developer; each result explains itself from the features that contributed
//! most.

use std::collections::HashMap;

use crate::features::{self, idf, DerivedFeature, Family};
use crate::filters::{Filters, Knobs};
use crate::format::{decode_postings, postings_end_at, FeatureDef, FeaturePart, FormatError};
use crate::ids::GameId;
use crate::sorting::{self, descending, from_descending, high, key, low};

/// Share of a disliked game's vector subtracted from the query.
const DISLIKE_WEIGHT: f32 = 0.6;
/// Results of one series on a page.
const SERIES_CAP: usize = 2;
/// Results of one developer on a page.
const DEVELOPER_CAP: usize = 3;
/// Weight of the notability prior, against well-known games, at the popularity knob's −1.
const HIDDEN_GEMS_PRIOR: f32 = 0.05;
/// An explanation names a kind of evidence only if it gave at least this share of the
/// similarity, and within it the items giving at least this share of its strongest one.
const EXPLAINED_SHARE: f32 = 0.05;
/// Fewest first-part games the hub penalty's centroid is taken over (see
/// [`FeatureIndex::hubness`]).
const HUB_REFERENCE_GAMES: usize = 1_000;
/// One query's accumulation.
struct Accumulated {
    /// Each game's dot product with the query.
    acc: Vec<f32>,
    /// Games sharing a genre the query has (for [`Scoring::genre_bonus`]).
    shares_genre: GameSet,
    /// Candidate games, or `None` to consider all games.
    candidates: Option<GameSet>,
}

/// A set of games as one bit per game: marking a posting list is one pass without
/// branches, and the members come out in game order, so the per-game arrays the score
/// reads are walked forwards rather than in the order postings reached them.
struct GameSet {
    words: Vec<u64>,
}

impl GameSet {
    fn new(games: usize) -> GameSet {
        GameSet {
            words: vec![0; games.div_ceil(64)],
        }
    }

    fn insert_all(&mut self, games: &[u32]) {
        for &g in games {
            self.words[g as usize / 64] |= 1 << (g % 64);
        }
    }

    fn contains(&self, game: usize) -> bool {
        self.words[game / 64] & (1 << (game % 64)) != 0
    }

    fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Calls `f` with each member, ascending.
    fn for_each(&self, mut f: impl FnMut(usize)) {
        for (at, &word) in self.words.iter().enumerate() {
            let mut rest = word;
            while rest != 0 {
                f(at * 64 + rest.trailing_zeros() as usize);
                rest &= rest - 1;
            }
        }
    }
}

/// The global parameters of ranking: how much each kind of evidence counts. The defaults were
/// chosen by `playlike tune` on one half of a held-out similarity set and checked on the other
/// half (see docs/QUALITY.md); evaluation tools swap in alternatives with
/// [`FeatureIndex::set_scoring`].
#[derive(Debug, Clone, PartialEq)]
pub struct Scoring {
    /// Weight of a shared feature before idf, by family (indexed by the family's byte).
    pub family: [f32; Family::ALL.len()],
    /// Bonus for sharing a genre with a liked game: a game of another genre must be more
    /// similar otherwise to rank above one of the same genre.
    pub genre_bonus: f32,
    /// Weight of the notability prior at the popularity knob's middle. The knob moves it
    /// linearly to `2 × prior + HIDDEN_GEMS_PRIOR` at +1 (well known) and to
    /// `−HIDDEN_GEMS_PRIOR` at −1, where it turns against well-known games.
    pub prior: f32,
    /// Shape of the prior: it grows with the notability byte (0–1) to this power, so above 1
    /// it tells the best-known games apart more than the obscure ones.
    pub prior_power: f32,
    /// Hub penalty: this multiple of a game's similarity to the centroid of the best-known
    /// games is taken from its similarity (a one-sided centring), so games that are a little
    /// like everything (many common genres and platforms) stop appearing in every list.
    /// 0 is the plain cosine.
    pub hub_penalty: f32,
    /// Bonus for a release year near the liked games' (`× exp(−|Δyear| / year_scale)`).
    pub year_bonus: f32,
    pub year_scale: f32,
    /// A candidate's similarity is divided by its vector norm to this power: 1 is the
    /// cosine; below 1, games with fewer known features are no longer favoured for being
    /// sparse.
    pub norm_power: f32,
    /// Features held by more than this share of games do not make a game a candidate alone…
    pub common_share: f32,
    /// …unless the rarer features reach fewer games than this. At least 20 × the largest
    /// page ([`MAX_K`]), so a page's first results do not depend on its length.
    pub min_candidates: usize,
}

impl Default for Scoring {
    fn default() -> Self {
        let mut family = [0.0; Family::ALL.len()];
        for (fam, weight) in [
            (Family::Genre, 2.7),
            (Family::Theme, 1.2),
            (Family::Keyword, 0.9),
            (Family::Platform, 0.7),
            (Family::Developer, 1.0),
            (Family::Publisher, 0.5),
            (Family::Series, 1.2),
            (Family::Mode, 0.5),
            (Family::Perspective, 0.7),
            (Family::Term, 0.7),
            (Family::TitleWord, 0.9),
            (Family::Store, 0.0),
            (Family::Descriptor, 1.0),
        ] {
            family[fam as usize] = weight;
        }
        Scoring {
            family,
            genre_bonus: 0.08,
            prior: 0.665,
            prior_power: 0.5625,
            hub_penalty: 2.25,
            year_bonus: 0.1,
            year_scale: 5.0,
            norm_power: 1.0,
            common_share: 0.1,
            min_candidates: 8_000,
        }
    }
}

impl Scoring {
    /// Weight of a family before idf.
    pub fn weight(&self, family: Family) -> f32 {
        self.family[family as usize]
    }

    /// The same scoring with some families' weights replaced.
    pub fn with_weights(&self, weight: impl Fn(Family, f32) -> f32) -> Scoring {
        let mut out = self.clone();
        for fam in Family::ALL {
            out.family[fam as usize] = weight(fam, self.weight(fam));
        }
        out
    }
}

/// Largest page.
pub const MAX_K: usize = 200;

/// A recommendation request.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub like: Vec<GameId>,
    pub dislike: Vec<GameId>,
    pub filters: Filters,
    pub knobs: Knobs,
    pub k: usize,
}

impl Default for Request {
    fn default() -> Self {
        Request {
            like: Vec::new(),
            dislike: Vec::new(),
            filters: Filters::default(),
            knobs: Knobs::default(),
            k: 10,
        }
    }
}

impl Request {
    /// "Games like `game`".
    pub fn like(game: GameId) -> Request {
        Request {
            like: vec![game],
            ..Request::default()
        }
    }
}

/// One reason a game was recommended: a label and the shared things behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    /// "shares", "same developer", "same publisher", "same series", "about", "also on",
    /// "title like", "both".
    pub label: &'static str,
    pub items: Vec<String>,
}

/// Why a game was recommended.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Explanation {
    pub reasons: Vec<Reason>,
}

impl Explanation {
    /// e.g. "shares Roguelike, Indie; same developer Supergiant Games; both 2018–2020".
    pub fn text(&self) -> String {
        self.reasons
            .iter()
            .map(|r| format!("{} {}", r.label, r.items.join(", ")))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// One recommended game.
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    pub game: GameId,
    pub score: f32,
    pub explanation: Explanation,
}

/// Why a request cannot be answered.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RecommendError {
    #[error("no liked game given")]
    NothingLiked,
    #[error("game {0} is not in the index")]
    UnknownGame(GameId),
    #[error("recommendations are not loaded yet")]
    NotLoaded,
}

/// Per-game facts from the title shards that ranking and filters need.
#[derive(Debug, Clone, Default)]
pub struct GameFacts {
    pub year: Vec<u16>,
    pub main: Vec<bool>,
    /// Notability byte (see [`crate::format::notability_byte`]).
    pub notability: Vec<u8>,
    pub platform_names: Vec<String>,
}

/// Feature parts expanded for querying: postings and per-game feature lists as arrays.
///
/// Built from the parts loaded so far (a prefix of the games, see [`FeaturePart`]); weights
/// use the whole index's document frequencies, so a game's scores do not change when later
/// parts arrive, only the candidates grow.
#[derive(Debug)]
pub struct FeatureIndex {
    /// Games covered: `0..games`.
    games: usize,
    /// Games in the whole index.
    total_games: u32,
    defs: Vec<FeatureDef>,
    family: Vec<Family>,
    /// Each feature's weight: its family's weight × idf.
    weight: Vec<f32>,
    post_starts: Vec<u32>,
    post_games: Vec<u32>,
    fwd_starts: Vec<u32>,
    fwd_features: Vec<u32>,
    /// What each game's similarity is divided by: its vector norm ([`FeatureIndex::norm`]) to
    /// [`Scoring::norm_power`]. The norms themselves are not kept (1.3 MB on the full
    /// catalogue): the few places that need one compute it from the game's features.
    divisor: Vec<f32>,
    /// Games of the first feature part (`0..reference_games`): the best-known games, whose
    /// centroid [`FeatureIndex::hubness`] measures against, loaded before any answer.
    reference_games: usize,
    /// Each game's unit vector · that centroid (see [`Scoring::hub_penalty`]).
    hubness: Vec<f32>,
    critic: Vec<u8>,
    scoring: Scoring,
}

/// Checks that `parts` are contiguous from game 0 and feature 0 and agree on the index size;
/// returns the games they cover and that size.
fn check_prefix(parts: &[FeaturePart]) -> Result<(usize, u32), FormatError> {
    let total_games = parts.first().map_or(0, |p| p.total_games);
    let (mut games, mut features) = (0u64, 0u64);
    for part in parts {
        if u64::from(part.first_game) != games
            || u64::from(part.first_feature) != features
            || part.total_games != total_games
        {
            return Err(FormatError::Inconsistent(format!(
                "feature part at game {} does not follow the parts before it",
                part.first_game
            )));
        }
        games += u64::from(part.games);
        features += part.features.len() as u64;
    }
    Ok((games as usize, total_games))
}

/// Feature definitions and postings, expanded from the parts: every feature's games as
/// one array of dense ids, in feature order.
struct Expanded {
    defs: Vec<FeatureDef>,
    family: Vec<Family>,
    post_starts: Vec<u32>,
    post_games: Vec<u32>,
}

impl Expanded {
    /// Decodes each feature's postings from every part that has it (parts cover
    /// consecutive games, so a feature's list stays ascending). The arrays are sized once
    /// for these and for `extra_features` derived features with `extra_postings` postings
    /// in all, so none grows by doubling (the peak of loading is here).
    /// `defs` are the parts' feature definitions, in order.
    fn from_parts(
        parts: &[FeaturePart],
        mut defs: Vec<FeatureDef>,
        extra_features: usize,
        extra_postings: usize,
    ) -> Result<Expanded, FormatError> {
        defs.reserve_exact(extra_features);
        let features = defs.len() + extra_features;
        let mut family = Vec::with_capacity(features);
        let mut post_starts = Vec::with_capacity(features + 1);
        let total: usize = parts
            .iter()
            .flat_map(|p| p.counts.iter().map(|&c| c as usize))
            .sum();
        let mut post_games = Vec::with_capacity(total + extra_postings);
        let mut pos = vec![0; parts.len()];
        post_starts.push(0);
        for (f, def) in defs.iter().enumerate() {
            let fam = Family::from_u8(def.family).ok_or_else(|| {
                FormatError::Inconsistent(format!("unknown feature family {}", def.family))
            })?;
            family.push(fam);
            for (part, pos) in parts.iter().zip(&mut pos) {
                let Some(&count) = part.counts.get(f) else {
                    continue;
                };
                let from = post_games.len();
                decode_postings(
                    &part.postings,
                    pos,
                    count as usize,
                    part.games,
                    &mut post_games,
                )?;
                for g in &mut post_games[from..] {
                    *g += part.first_game;
                }
            }
            post_starts.push(post_games.len() as u32);
        }
        if parts
            .iter()
            .zip(&pos)
            .any(|(p, &at)| !postings_end_at(&p.postings, at))
        {
            return Err(FormatError::Inconsistent("trailing postings bytes".into()));
        }
        Ok(Expanded {
            defs,
            family,
            post_starts,
            post_games,
        })
    }

    /// Adds the features derived from titles. They are counted over the loaded `games`
    /// only: their df is scaled to the whole index so their weights match the final ones.
    fn add_derived(
        &mut self,
        derived: Vec<DerivedFeature>,
        games: usize,
        total_games: u32,
    ) -> Result<(), FormatError> {
        let scale = f64::from(total_games) / games.max(1) as f64;
        for (fam, name, list) in derived {
            if list.last().is_some_and(|&g| g as usize >= games) {
                return Err(FormatError::Inconsistent(format!(
                    "{name}: game out of range"
                )));
            }
            let df = ((list.len() as f64 * scale).round() as u32).min(total_games.max(1));
            self.family.push(fam);
            self.defs.push(FeatureDef {
                family: fam as u8,
                name,
                df,
            });
            self.post_games.extend(list);
            self.post_starts.push(self.post_games.len() as u32);
        }
        Ok(())
    }
}

/// Checked parts covering `0..games` of `total_games`, expanded: everything the index keeps
/// from them.
struct Postings {
    expanded: Expanded,
    games: usize,
    total_games: u32,
    /// Games of the first part (see [`FeatureIndex::hubness`]).
    reference_games: usize,
    critic: Vec<u8>,
}

impl Postings {
    /// The postings of `parts` (with their definitions `defs`) and the derived features.
    fn expand(
        parts: &[FeaturePart],
        defs: Vec<FeatureDef>,
        (games, total_games): (usize, u32),
        derived: Vec<DerivedFeature>,
    ) -> Result<Postings, FormatError> {
        let derived_postings = derived.iter().map(|(_, _, list)| list.len()).sum();
        let mut expanded = Expanded::from_parts(parts, defs, derived.len(), derived_postings)?;
        expanded.add_derived(derived, games, total_games)?;
        Ok(Postings {
            expanded,
            games,
            total_games,
            reference_games: parts.first().map_or(0, |p| p.games as usize),
            critic: parts
                .iter()
                .flat_map(|p| p.critic.iter().copied())
                .collect(),
        })
    }
}

/// Postings inverted into per-game feature lists (ascending feature ids): each game's
/// start in the second array.
fn forward_lists(games: usize, post_starts: &[u32], post_games: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let mut counts = vec![0u32; games + 1];
    for &g in post_games {
        counts[g as usize + 1] += 1;
    }
    for i in 1..counts.len() {
        counts[i] += counts[i - 1];
    }
    let fwd_starts = counts.clone();
    let mut fill = counts;
    let mut fwd_features = vec![0u32; post_games.len()];
    for (f, range) in post_starts.windows(2).enumerate() {
        for &g in &post_games[range[0] as usize..range[1] as usize] {
            fwd_features[fill[g as usize] as usize] = f as u32;
            fill[g as usize] += 1;
        }
    }
    (fwd_starts, fwd_features)
}

impl FeatureIndex {
    /// Expands and checks feature parts covering games `0..n` (in order), adding the
    /// features derived from titles (whose postings must lie below `n`).
    pub fn new(
        parts: &[FeaturePart],
        derived: Vec<DerivedFeature>,
    ) -> Result<FeatureIndex, FormatError> {
        let prefix = check_prefix(parts)?;
        let defs = parts
            .iter()
            .flat_map(|p| p.features.iter().cloned())
            .collect();
        let postings = Postings::expand(parts, defs, prefix, derived)?;
        Ok(FeatureIndex::from_postings(postings))
    }

    /// [`FeatureIndex::new`] from parts not needed afterwards: their feature definitions move
    /// into the index instead of being copied, and the parts (their compressed postings) are
    /// gone before the forward lists are built, so neither is held at the high-water mark of
    /// loading.
    pub fn from_owned_parts(
        mut parts: Vec<FeaturePart>,
        derived: Vec<DerivedFeature>,
    ) -> Result<FeatureIndex, FormatError> {
        let prefix = check_prefix(&parts)?;
        let defs = parts
            .iter_mut()
            .flat_map(|p| std::mem::take(&mut p.features))
            .collect();
        let postings = Postings::expand(&parts, defs, prefix, derived)?;
        drop(parts);
        Ok(FeatureIndex::from_postings(postings))
    }

    /// The index over expanded postings: forward lists and weights computed from them.
    fn from_postings(postings: Postings) -> FeatureIndex {
        let Postings {
            expanded:
                Expanded {
                    defs,
                    family,
                    post_starts,
                    post_games,
                },
            games,
            total_games,
            reference_games,
            critic,
        } = postings;
        let (fwd_starts, fwd_features) = forward_lists(games, &post_starts, &post_games);
        let mut index = FeatureIndex {
            games,
            total_games,
            defs,
            family,
            weight: Vec::new(),
            post_starts,
            post_games,
            fwd_starts,
            fwd_features,
            divisor: Vec::new(),
            reference_games,
            hubness: Vec::new(),
            critic,
            scoring: Scoring::default(),
        };
        index.set_scoring(Scoring::default());
        index
    }

    /// Games in the whole index, covered or not.
    pub fn total_games(&self) -> usize {
        self.total_games as usize
    }

    /// Whether every game of the index is covered (no later part to come).
    pub fn complete(&self) -> bool {
        self.games == self.total_games as usize
    }

    pub fn games(&self) -> usize {
        self.games
    }

    /// The ranking parameters in use.
    pub fn scoring(&self) -> &Scoring {
        &self.scoring
    }

    /// Replaces the ranking parameters (evaluation tools compare alternatives; the index
    /// starts with [`Scoring::default`]) and recomputes feature weights and game norms.
    pub fn set_scoring(&mut self, scoring: Scoring) {
        self.weight = self
            .defs
            .iter()
            .zip(&self.family)
            .map(|(def, &fam)| scoring.weight(fam) * idf(def.df, self.total_games))
            .collect();
        self.divisor = (0..self.games)
            .map(|g| self.norm(g).powf(scoring.norm_power))
            .collect();
        self.hubness = self.hubness();
        self.scoring = scoring;
    }

    /// The length of game `g`'s weighted feature vector (never 0).
    fn norm(&self, g: usize) -> f32 {
        let range = self.fwd_starts[g] as usize..self.fwd_starts[g + 1] as usize;
        let sum: f32 = self.fwd_features[range]
            .iter()
            .map(|&f| self.weight[f as usize].powi(2))
            .sum();
        sum.sqrt().max(1e-6)
    }

    /// Each game's similarity to the centroid (the mean of the unit vectors) of the first
    /// part's games, with the game's own divisor: high for games that share what the
    /// best-known games have in common, low for distinctive ones. Computed from the catalogue
    /// alone; the first part is always loaded, so later parts do not change it. All zero when
    /// the first part has fewer than [`HUB_REFERENCE_GAMES`] games: the centroid of a handful
    /// of games is those games, not what a catalogue has in common.
    fn hubness(&self) -> Vec<f32> {
        let reference = self.reference_games;
        if reference < HUB_REFERENCE_GAMES {
            return vec![0.0; self.games];
        }
        let norms: Vec<f32> = (0..reference).map(|g| self.norm(g)).collect();
        let centroid: Vec<f32> = (0..self.defs.len())
            .map(|f| {
                let members: f32 = self
                    .postings(f as u32)
                    .iter()
                    .take_while(|&&g| (g as usize) < reference)
                    .map(|&g| 1.0 / norms[g as usize])
                    .sum();
                self.weight[f] * members / reference as f32
            })
            .collect();
        (0..self.games)
            .map(|g| {
                let dot: f32 = self
                    .features_of(g as u32)
                    .iter()
                    .map(|&f| centroid[f as usize] * self.weight[f as usize])
                    .sum();
                dot / self.divisor[g]
            })
            .collect()
    }

    /// Families that have at least one feature in this index, in [`Family::ALL`] order.
    pub fn families_present(&self) -> Vec<Family> {
        Family::ALL
            .into_iter()
            .filter(|f| self.family.contains(f))
            .collect()
    }

    /// Feature ids of a game (a row, as the postings hold it), ascending.
    fn features_of(&self, game: u32) -> &[u32] {
        let g = game as usize;
        &self.fwd_features[self.fwd_starts[g] as usize..self.fwd_starts[g + 1] as usize]
    }

    fn postings(&self, feature: u32) -> &[u32] {
        let f = feature as usize;
        &self.post_games[self.post_starts[f] as usize..self.post_starts[f + 1] as usize]
    }

    pub fn feature(&self, feature: u32) -> (Family, &str) {
        (
            self.family[feature as usize],
            &self.defs[feature as usize].name,
        )
    }

    /// Names of a game's features in one family, most distinctive first.
    pub fn names_in(&self, game: GameId, family: Family) -> Vec<&str> {
        let mut ids: Vec<u64> = self
            .features_of(game.get())
            .iter()
            .filter(|&&f| self.family[f as usize] == family)
            .map(|&f| best_first_key(self.weight[f as usize], f))
            .collect();
        sorting::sort(&mut ids);
        ids.into_iter()
            .map(|k| self.defs[low(k) as usize].name.as_str())
            .collect()
    }

    /// Names of all features in some families, by how many games have them.
    pub fn vocabulary(&self, families: &[Family]) -> Vec<&str> {
        let mut ids: Vec<u64> = (0..self.defs.len())
            .filter(|&f| families.contains(&self.family[f]))
            .map(|f| key(!self.defs[f].df, f as u32))
            .collect();
        sorting::sort(&mut ids);
        ids.into_iter()
            .map(|k| self.defs[low(k) as usize].name.as_str())
            .collect()
    }

    /// Critic rating 0–100, if any.
    pub fn critic(&self, game: GameId) -> Option<u8> {
        self.critic[game.index()].checked_sub(1)
    }

    /// Ids of features in these families with these names (any case).
    fn feature_ids(&self, families: &[Family], names: &[String]) -> Vec<u32> {
        (0..self.defs.len() as u32)
            .filter(|&f| {
                families.contains(&self.family[f as usize])
                    && names
                        .iter()
                        .any(|n| n.eq_ignore_ascii_case(&self.defs[f as usize].name))
            })
            .collect()
    }

    /// Answers a request. `facts` must cover every game of the index; `title` gives a game's
    /// name (base titles and series are derived from names only for the games ranking
    /// looks at, not for the whole catalogue).
    pub fn recommend(
        &self,
        request: &Request,
        facts: &GameFacts,
        title: &dyn Fn(GameId) -> String,
    ) -> Result<Vec<Recommendation>, RecommendError> {
        if request.like.is_empty() {
            return Err(RecommendError::NothingLiked);
        }
        for &g in request.like.iter().chain(&request.dislike) {
            if g.index() >= self.games {
                return Err(RecommendError::UnknownGame(g));
            }
        }
        let query = self.query_vector(request);
        let query_norm = query
            .iter()
            .map(|(_, q)| q * q)
            .sum::<f32>()
            .sqrt()
            .max(1e-6);
        let k = request.k.min(MAX_K);
        let mut window = (k * 20).max(200);
        let Accumulated {
            acc,
            shares_genre,
            candidates: reached,
        } = self.accumulate(&query, window.max(self.scoring.min_candidates));
        let filter = CompiledFilter::new(self, request, facts);
        let target_year = mean_year(&request.like, facts);
        let adjust = Adjustments::new(&self.scoring, request.knobs, target_year);
        let score = |g: usize| {
            let a = acc[g];
            (a > 0.0 && filter.allows(self, g as u32)).then(|| {
                let sim =
                    a / (self.divisor[g] * query_norm) - self.scoring.hub_penalty * self.hubness[g];
                let genre = if shares_genre.contains(g) {
                    self.scoring.genre_bonus
                } else {
                    0.0
                };
                best_first_key(sim + genre + adjust.of(g, facts), g as u32)
            })
        };
        let mut candidates: Vec<u64> =
            Vec::with_capacity(reached.as_ref().map_or(self.games, GameSet::len));
        let mut add = |g: usize| candidates.extend(score(g));
        match &reached {
            Some(set) => set.for_each(&mut add),
            None => (0..self.games).for_each(add),
        }
        let query_titles: Vec<String> = request
            .like
            .iter()
            .chain(&request.dislike)
            .map(|&g| features::base_title(&title(g)))
            .collect();
        // Rank only the best few candidates; widen when the diversity walk runs out.
        let picked = loop {
            let best: Vec<(f32, u32)> = sorting::smallest(&mut candidates, window)
                .iter()
                .map(|&k| (from_descending(high(k)), low(k)))
                .collect();
            let ranking = Ranking {
                index: self,
                facts,
                title,
                query_titles: &query_titles,
            };
            let picked = ranking.diversify(&best, k);
            if picked.len() >= k || window >= candidates.len() {
                break picked;
            }
            window *= 4;
        };
        Ok(picked
            .into_iter()
            .map(|(score, g)| Recommendation {
                game: GameId::new(g),
                score,
                explanation: self.explain(g, &query, target_year, facts),
            })
            .collect())
    }

    /// Adds every query feature's weight to the games that have it. Candidates are the games
    /// reached through features held by at most [`Scoring::common_share`] of the catalogue; features
    /// more common than that (a big platform, "Indie") only add to their scores. When the
    /// rarer features reach fewer than `enough` games, the rarest common feature's games join
    /// the candidates; all games are candidates (`None`) only when even that is not enough.
    fn accumulate(&self, query: &[(u32, f32)], enough: usize) -> Accumulated {
        let common_df = (self.games as f32 * self.scoring.common_share) as usize;
        let mut acc = vec![0f32; self.games];
        let mut shares_genre = GameSet::new(self.games);
        let mut reached = GameSet::new(self.games);
        for &(f, q) in query {
            let w = q * self.weight[f as usize];
            if w == 0.0 {
                continue;
            }
            let postings = self.postings(f);
            for &g in postings {
                acc[g as usize] += w;
            }
            if w > 0.0 && self.family[f as usize] == Family::Genre {
                shares_genre.insert_all(postings);
            }
            if postings.len() <= common_df {
                reached.insert_all(postings);
            }
        }
        if reached.len() < enough {
            // Only common features reach enough games: take the rarest of them as the
            // candidates, which the best matches share, rather than every game.
            let rarest = query
                .iter()
                .filter(|&&(f, q)| q > 0.0 && self.postings(f).len() > common_df)
                .min_by_key(|&&(f, _)| self.postings(f).len());
            if let Some(&(f, _)) = rarest {
                reached.insert_all(self.postings(f));
            }
        }
        Accumulated {
            acc,
            shares_genre,
            candidates: (reached.len() >= enough).then_some(reached),
        }
    }

    /// The query vector: every feature of the liked and disliked games once, ascending,
    /// with its weight. In feature order, every sum over it is the same from run to run (a
    /// hash map's order changes with each process).
    fn query_vector(&self, request: &Request) -> Vec<(u32, f32)> {
        let mut query: Vec<(u32, f32)> = Vec::new();
        let liked = request.like.len() as f32;
        for (games, sign) in [
            (&request.like, 1.0 / liked),
            (&request.dislike, -DISLIKE_WEIGHT / liked),
        ] {
            for &g in games {
                let norm = self.norm(g.index());
                let game = self
                    .features_of(g.get())
                    .iter()
                    .map(|&f| (f, sign * self.weight[f as usize] / norm));
                query = merge_adding(&query, game);
            }
        }
        query
    }

    fn explain(
        &self,
        g: u32,
        query: &[(u32, f32)],
        target_year: Option<f32>,
        facts: &GameFacts,
    ) -> Explanation {
        // (label, total contribution, (contribution, feature name) items)
        type Group = (&'static str, f32, Vec<(f32, String)>);
        let mut by_label: Vec<Group> = Vec::new();
        for &f in self.features_of(g) {
            let Ok(at) = query.binary_search_by_key(&f, |&(f, _)| f) else {
                continue;
            };
            let q = query[at].1;
            let contribution = q * self.weight[f as usize];
            if contribution <= 0.0 {
                continue;
            }
            let label = reason_label(self.family[f as usize]);
            let name = self.defs[f as usize].name.clone();
            match by_label.iter_mut().find(|(l, _, _)| *l == label) {
                Some((_, total, items)) => {
                    *total += contribution;
                    items.push((contribution, name));
                }
                None => by_label.push((label, contribution, vec![(contribution, name)])),
            }
        }
        // Name only what drove the match: a kind of evidence that gave little of the
        // similarity (platforms shared by half the catalogue, say) is left unsaid. A shared
        // developer or series is a fact worth saying however much it weighed.
        let total: f32 = by_label.iter().map(|(_, t, _)| t).sum();
        let mut reasons: Vec<Reason> = ranked(by_label.iter().map(|(_, t, _)| *t))
            .into_iter()
            .enumerate()
            .map(|(rank, at)| (rank, std::mem::take(&mut by_label[at])))
            .filter(|(rank, (label, t, _))| {
                *rank == 0
                    || *t >= EXPLAINED_SHARE * total
                    || ["same developer", "same series"].contains(label)
            })
            .take(4)
            .map(|(_, (label, _, mut items))| {
                let order = ranked(items.iter().map(|(c, _)| *c));
                let top = items[order[0]].0;
                let named: Vec<usize> = order
                    .into_iter()
                    .filter(|&at| items[at].0 >= EXPLAINED_SHARE * top)
                    .take(3)
                    .collect();
                Reason {
                    label,
                    items: named
                        .into_iter()
                        .map(|at| std::mem::take(&mut items[at].1))
                        .collect(),
                }
            })
            .collect();
        // What the games have in common comes first; shared platforms and stores (where it can
        // be played; one reason, as reasons are grouped by label) after it, whatever they
        // weighed.
        let played_on = reason_label(Family::Platform);
        if let Some(at) = reasons.iter().position(|reason| reason.label == played_on) {
            let platforms = reasons.remove(at);
            reasons.push(platforms);
        }
        let year = facts.year.get(g as usize).copied().unwrap_or(0);
        if let (Some(target), true) = (target_year, year > 0) {
            let target = target.round() as u16;
            if year.abs_diff(target) <= 2 {
                let (from, to) = (year.min(target), year.max(target));
                let span = if from == to {
                    from.to_string()
                } else {
                    format!("{from}–{to}")
                };
                reasons.push(Reason {
                    label: "both",
                    items: vec![span],
                });
            }
        }
        Explanation { reasons }
    }
}

/// The prior, the knobs and year proximity, added to the cosine. They depend only on a
/// game's notability byte and year, so they are tabulated once per request.
struct Adjustments {
    by_notability: [f32; 256],
    by_year: Vec<f32>,
}

impl Adjustments {
    fn new(scoring: &Scoring, knobs: Knobs, target_year: Option<f32>) -> Adjustments {
        let popularity_weight =
            scoring.prior + (scoring.prior + HIDDEN_GEMS_PRIOR) * knobs.popularity.clamp(-1.0, 1.0);
        let by_notability = std::array::from_fn(|b| {
            popularity_weight * ((b as f32 / 255.0).powf(scoring.prior_power) - 0.5)
        });
        let recency = knobs.recency.clamp(-1.0, 1.0);
        let by_year = (0..=MAX_YEAR)
            .map(|year| {
                if year == 0 {
                    return 0.0;
                }
                let year = year as f32;
                let newness = ((year - 1980.0) / 46.0).clamp(0.0, 1.0);
                let proximity = target_year.map_or(0.0, |t| {
                    scoring.year_bonus * (-(year - t).abs() / scoring.year_scale).exp()
                });
                0.12 * recency * (newness - 0.5) + proximity
            })
            .collect();
        Adjustments {
            by_notability,
            by_year,
        }
    }

    fn of(&self, g: usize, facts: &GameFacts) -> f32 {
        let notability = facts.notability.get(g).copied().unwrap_or(0);
        let year = facts.year.get(g).copied().unwrap_or(0).min(MAX_YEAR);
        self.by_notability[usize::from(notability)] + self.by_year[usize::from(year)]
    }
}

/// Years past this are treated as this (the catalogue rejects dates after 2100).
const MAX_YEAR: u16 = 2100;

fn reason_label(family: Family) -> &'static str {
    match family {
        Family::Genre
        | Family::Theme
        | Family::Keyword
        | Family::Mode
        | Family::Perspective
        | Family::Descriptor => "shares",
        Family::Developer => "same developer",
        Family::Publisher => "same publisher",
        Family::Series => "same series",
        Family::Term => "about",
        Family::Platform | Family::Store => "also on",
        Family::TitleWord => "title like",
    }
}

fn mean_year(games: &[GameId], facts: &GameFacts) -> Option<f32> {
    let years: Vec<f32> = games
        .iter()
        .filter_map(|&g| facts.year.get(g.index()).copied())
        .filter(|&y| y > 0)
        .map(f32::from)
        .collect();
    (!years.is_empty()).then(|| years.iter().sum::<f32>() / years.len() as f32)
}

/// A request's filters and exclusions, resolved once: the feature-based ones (platforms,
/// genres) become one per-game bitmap built from postings.
struct CompiledFilter<'a> {
    request: &'a Request,
    facts: &'a GameFacts,
    /// Query games and games the player excluded, sorted.
    excluded: Vec<u32>,
    /// Games passing the platform and genre filters, when any is set.
    allowed: Option<Vec<bool>>,
}

impl<'a> CompiledFilter<'a> {
    fn new(index: &FeatureIndex, request: &'a Request, facts: &'a GameFacts) -> Self {
        let f = &request.filters;
        let mut excluded: Vec<u32> = request
            .like
            .iter()
            .chain(&request.dislike)
            .chain(&f.exclude_games)
            .map(|g| g.get())
            .collect();
        excluded.sort_unstable();
        let mut allowed: Option<Vec<bool>> = None;
        let mut require_any = |features: Vec<u32>| {
            let mut any = vec![false; index.games];
            for feature in features {
                for &g in index.postings(feature) {
                    any[g as usize] = true;
                }
            }
            allowed = Some(match allowed.take() {
                None => any,
                Some(previous) => previous.iter().zip(any).map(|(a, b)| *a && b).collect(),
            });
        };
        if !f.platform.is_empty() {
            require_any(index.feature_ids(&[Family::Platform], &f.platform));
        }
        if !f.store.is_empty() {
            require_any(index.feature_ids(&[Family::Store], &f.store));
        }
        if !f.genre.is_empty() {
            require_any(index.feature_ids(&[Family::Genre, Family::Theme], &f.genre));
        }
        if !f.not_genre.is_empty() {
            let allowed = allowed.get_or_insert_with(|| vec![true; index.games]);
            for feature in index.feature_ids(&[Family::Genre, Family::Theme], &f.not_genre) {
                for &g in index.postings(feature) {
                    allowed[g as usize] = false;
                }
            }
        }
        CompiledFilter {
            request,
            facts,
            excluded,
            allowed,
        }
    }

    fn allows(&self, index: &FeatureIndex, g: u32) -> bool {
        let f = &self.request.filters;
        let i = g as usize;
        if self.allowed.as_ref().is_some_and(|a| !a[i]) || self.excluded.binary_search(&g).is_ok() {
            return false;
        }
        if !f.all_types && !self.facts.main.get(i).copied().unwrap_or(true) {
            return false;
        }
        let year = self.facts.year.get(i).copied().unwrap_or(0);
        if f.from.is_some_and(|from| year == 0 || year < from)
            || f.to.is_some_and(|to| year == 0 || year > to)
        {
            return false;
        }
        f.min_rating
            .is_none_or(|min| index.critic(GameId::new(g)).is_some_and(|c| c >= min))
    }
}

/// Higher score first, then lower id: the one order every ranking in this module sorts
/// `(score, id)` pairs by, as a key of [`crate::sorting`] (one sort routine for the whole
/// engine keeps the npm package small).
fn best_first_key(score: f32, id: u32) -> u64 {
    key(descending(score), id)
}

/// Two lists ascending by feature as one, the weights of a feature in both added.
fn merge_adding(a: &[(u32, f32)], b: impl Iterator<Item = (u32, f32)>) -> Vec<(u32, f32)> {
    let mut out = Vec::with_capacity(a.len());
    let mut a = a.iter().copied().peekable();
    for (f, w) in b {
        while let Some(before) = a.next_if(|&(af, _)| af < f) {
            out.push(before);
        }
        match a.next_if(|&(af, _)| af == f) {
            Some((_, aw)) => out.push((f, aw + w)),
            None => out.push((f, w)),
        }
    }
    out.extend(a);
    out
}

/// Positions of `scores`, highest first, equal scores in their order (a stable sort).
fn ranked(scores: impl Iterator<Item = f32>) -> Vec<usize> {
    sorting::stable_order(scores.map(descending))
        .into_iter()
        .map(|at| at as usize)
        .collect()
}

/// What the final walk over ranked candidates needs.
struct Ranking<'a> {
    index: &'a FeatureIndex,
    facts: &'a GameFacts,
    title: &'a dyn Fn(GameId) -> String,
    /// Base titles of the query games: their versions and add-ons are never recommended.
    query_titles: &'a [String],
}

impl Ranking<'_> {
    /// Walks candidates best first: drops versions and add-ons of the query games, collapses
    /// versions of one game, caps games per series and per developer.
    fn diversify(&self, candidates: &[(f32, u32)], k: usize) -> Vec<(f32, u32)> {
        let mut picked: Vec<(f32, u32)> = Vec::with_capacity(k);
        let mut bases: Vec<String> = Vec::new();
        let mut series: HashMap<String, usize> = HashMap::new();
        let mut developers: HashMap<u32, usize> = HashMap::new();
        for &(score, g) in candidates {
            if picked.len() >= k {
                break;
            }
            let name = (self.title)(GameId::new(g));
            let base = features::base_title(&name);
            let main = self.facts.main.get(g as usize).copied().unwrap_or(true);
            let add_on_of = |q: &String| {
                !main && base.starts_with(q.as_str()) && base[q.len()..].starts_with(' ')
            };
            if self.query_titles.contains(&base) || self.query_titles.iter().any(add_on_of) {
                continue;
            }
            if !base.is_empty() && bases.contains(&base) {
                continue;
            }
            let series_key = features::series_key(&name);
            if series.get(&series_key).copied().unwrap_or(0) >= SERIES_CAP {
                continue;
            }
            let developer = self
                .index
                .features_of(g)
                .iter()
                .copied()
                .find(|&f| self.index.family[f as usize] == Family::Developer);
            if let Some(d) = developer {
                if developers.get(&d).copied().unwrap_or(0) >= DEVELOPER_CAP {
                    continue;
                }
                *developers.entry(d).or_insert(0) += 1;
            }
            *series.entry(series_key).or_insert(0) += 1;
            bases.push(base);
            picked.push((score, g));
        }
        picked
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::SplitMix;
    use crate::build::{build_index, BuildOptions};
    use crate::{Game, Library};

    /// One of `pool` names, the first ones far more often (a rough Zipf law), so a catalogue
    /// has features held by most games, by some and by a handful.
    fn skewed(rng: &mut SplitMix, prefix: &str, pool: usize) -> String {
        let a = rng.below(pool) + 1;
        format!("{prefix} {}", rng.below(a))
    }

    /// A seeded catalogue of `games` games with common platforms and genres and rare
    /// keywords and developers.
    fn synthetic_library(games: u64, seed: u64) -> Library {
        let mut rng = SplitMix(seed);
        let syllables = ["ba", "ko", "ri", "mu", "te", "sa", "lo", "vi", "ne", "du"];
        let catalogue = (0..games)
            .map(|i| {
                let name = format!(
                    "{}{}{} {}",
                    syllables[i as usize % 10],
                    syllables[i as usize / 10 % 10],
                    syllables[i as usize / 100 % 10],
                    syllables[rng.below(10)]
                );
                let mut list = |prefix: &str, pool: usize, most: usize| {
                    let mut items: Vec<String> = (0..=rng.below(most + 1))
                        .map(|_| skewed(&mut rng, prefix, pool))
                        .collect();
                    items.sort();
                    items.dedup();
                    items
                };
                Game {
                    igdb_id: 10 + i,
                    name,
                    platforms: list("Platform", 6, 3),
                    genres: list("Genre", 10, 2),
                    themes: list("Theme", 12, 1),
                    keywords: list("keyword", 300, 5),
                    developers: list("Studio", 400, 0),
                    release_date: Some((1985 + rng.below(40) as i64 - 1970) * 31_557_600),
                    critic_rating: (rng.below(3) == 0).then(|| 40.0 + rng.below(60) as f32),
                    links: (0..rng.below(8))
                        .map(|l| format!("https://example.org/{i}/{l}"))
                        .collect(),
                    ..Game::default()
                }
            })
            .collect();
        build_index(catalogue, &BuildOptions::default())
            .load()
            .expect("the synthetic index loads")
    }

    /// What [`accumulate_with_flags`] found: dot products, genre flags, candidates, and
    /// whether the rarest common feature had to add candidates.
    type Flagged = (Vec<f32>, Vec<bool>, Option<Vec<u32>>, bool);

    /// The accumulation as it was before the game sets (a candidate list in the order the
    /// postings reached the games, per-game flag bytes), kept to show they agree.
    fn accumulate_with_flags(index: &FeatureIndex, query: &[(u32, f32)], enough: usize) -> Flagged {
        const REACHED: u8 = 1;
        const SHARES_GENRE: u8 = 2;
        let common_df = (index.games as f32 * index.scoring.common_share) as usize;
        let mut acc = vec![0f32; index.games];
        let mut flags = vec![0u8; index.games];
        let mut touched = Vec::new();
        for &(f, q) in query {
            let w = q * index.weight[f as usize];
            if w == 0.0 {
                continue;
            }
            let genre = w > 0.0 && index.family[f as usize] == Family::Genre;
            let common = index.postings(f).len() > common_df;
            for &g in index.postings(f) {
                let g = g as usize;
                acc[g] += w;
                if genre {
                    flags[g] |= SHARES_GENRE;
                }
                if !common {
                    if flags[g] & REACHED == 0 {
                        touched.push(g as u32);
                    }
                    flags[g] |= REACHED;
                }
            }
        }
        let widened = touched.len() < enough;
        if widened {
            let rarest = query
                .iter()
                .filter(|&&(f, q)| q > 0.0 && index.postings(f).len() > common_df)
                .min_by_key(|&&(f, _)| index.postings(f).len());
            if let Some(&(f, _)) = rarest {
                for &g in index.postings(f) {
                    if flags[g as usize] & REACHED == 0 {
                        flags[g as usize] |= REACHED;
                        touched.push(g);
                    }
                }
            }
        }
        let genre = flags.iter().map(|f| f & SHARES_GENRE != 0).collect();
        let candidates = (touched.len() >= enough).then_some(touched);
        (acc, genre, candidates, widened)
    }

    fn members(set: &GameSet) -> Vec<u32> {
        let mut out = Vec::new();
        set.for_each(|g| out.push(g as u32));
        out
    }

    #[test]
    fn game_set_accumulation_matches_the_flag_bytes() {
        let mut library = synthetic_library(3_000, 7);
        let mut rng = SplitMix(11);
        let mut regimes = [0usize; 3];
        for common_share in [0.02, 0.1, 0.4] {
            library.set_scoring(Scoring {
                common_share,
                ..Scoring::default()
            });
            let index = library.features().expect("features loaded");
            for _ in 0..40 {
                let mut pick = || GameId::new(rng.below(index.games()) as u32);
                let request = Request {
                    like: vec![pick(), pick()],
                    dislike: vec![pick()],
                    ..Request::default()
                };
                let query = index.query_vector(&request);
                for enough in [1, 50, 400, 2_000, 10_000] {
                    let (acc, genre, touched, widened) =
                        accumulate_with_flags(index, &query, enough);
                    let now = index.accumulate(&query, enough);
                    assert_eq!(now.acc, acc);
                    let shares: Vec<bool> = (0..index.games())
                        .map(|g| now.shares_genre.contains(g))
                        .collect();
                    assert_eq!(shares, genre);
                    let touched = touched.map(|mut t| {
                        t.sort_unstable();
                        t
                    });
                    assert_eq!(now.candidates.as_ref().map(members), touched);
                    regimes[match (&now.candidates, widened) {
                        (None, _) => 0,
                        (Some(_), false) => 1,
                        (Some(_), true) => 2,
                    }] += 1;
                }
            }
        }
        // Every regime was exercised: all games, the rarer features' games, those and the
        // rarest common feature's.
        assert!(regimes.iter().all(|&n| n > 0), "{regimes:?}");
    }

    #[test]
    fn the_query_vector_is_the_map_sum_in_feature_order() {
        let library = synthetic_library(1_500, 9);
        let index = library.features().expect("features loaded");
        let mut rng = SplitMix(4);
        for likes in 1..5 {
            let mut pick = || GameId::new(rng.below(index.games()) as u32);
            let request = Request {
                like: (0..likes).map(|_| pick()).collect(),
                dislike: vec![pick(), pick()],
                ..Request::default()
            };
            let liked = request.like.len() as f32;
            let mut map: HashMap<u32, f32> = HashMap::new();
            for (games, sign) in [
                (&request.like, 1.0 / liked),
                (&request.dislike, -DISLIKE_WEIGHT / liked),
            ] {
                for &g in games {
                    for &f in index.features_of(g.get()) {
                        *map.entry(f).or_insert(0.0) +=
                            sign * index.weight[f as usize] / index.norm(g.index());
                    }
                }
            }
            let mut expected: Vec<(u32, f32)> = map.into_iter().collect();
            expected.sort_by_key(|&(f, _)| f);
            assert_eq!(index.query_vector(&request), expected);
        }
    }

    #[test]
    fn ranked_is_a_stable_sort_by_descending_score() {
        let mut rng = SplitMix(3);
        for len in [0, 1, 2, 7, 40, 300] {
            // Few distinct values, so ties are many.
            let scores: Vec<f32> = (0..len).map(|_| rng.below(5) as f32 * 0.25 - 0.5).collect();
            let mut stable: Vec<usize> = (0..len).collect();
            stable.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
            assert_eq!(ranked(scores.iter().copied()), stable);
        }
    }

    #[test]
    fn names_and_vocabulary_keep_the_order_of_a_stable_sort() {
        let library = synthetic_library(1_500, 5);
        let index = library.features().expect("features loaded");
        let families = [Family::Genre, Family::Theme];
        let mut ids: Vec<usize> = (0..index.defs.len())
            .filter(|&f| families.contains(&index.family[f]))
            .collect();
        ids.sort_by(|&a, &b| index.defs[b].df.cmp(&index.defs[a].df));
        let expected: Vec<&str> = ids.iter().map(|&f| index.defs[f].name.as_str()).collect();
        assert_eq!(index.vocabulary(&families), expected);
        for game in 0..200u32 {
            let mut ids: Vec<u32> = index
                .features_of(game)
                .iter()
                .copied()
                .filter(|&f| index.family[f as usize] == Family::Keyword)
                .collect();
            ids.sort_by(|&a, &b| index.weight[b as usize].total_cmp(&index.weight[a as usize]));
            let expected: Vec<&str> = ids
                .iter()
                .map(|&f| index.defs[f as usize].name.as_str())
                .collect();
            assert_eq!(index.names_in(GameId::new(game), Family::Keyword), expected);
        }
    }
}
