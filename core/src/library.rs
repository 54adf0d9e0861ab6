//! A loaded index: the reader side that the web app and `playlike query` both use.
//!
//! Parts arrive one at a time (title shards first, the feature part later), so a
//! [`Library`] grows: search works as soon as one title shard is in, recommendations once the
//! feature part and every title shard are.

use crate::features::{self, Family};
use crate::format::{
    self, flags, CoverShard, FeaturePart, FormatError, ManifestFile, Part, TitleShard, MAX_GAMES,
};
use crate::ids::{GameId, IgdbId};
use crate::recommend::{FeatureIndex, GameFacts, RecommendError, Recommendation, Request, Scoring};
use crate::search::{rank_key, PreparedQuery, SearchHit, TitleHit, TitleIndex};
use crate::sorting;

/// What a result card or a game page header shows.
#[derive(Debug, Clone, PartialEq)]
pub struct GameCard<'a> {
    pub game: GameId,
    pub igdb_id: IgdbId,
    pub name: &'a str,
    pub year: Option<u16>,
    pub platforms: Vec<&'a str>,
    /// IGDB image id of the cover.
    pub cover: Option<String>,
    pub main_game: bool,
    /// Known once the feature part is loaded.
    pub critic_rating: Option<u8>,
    pub genres: Vec<&'a str>,
    pub developers: Vec<&'a str>,
}

/// Why a part cannot join the library.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error(transparent)]
    Format(#[from] FormatError),
    #[error("a shard starting at game {0} overlaps one already loaded")]
    OverlappingShard(u32),
    #[error("a shard of games {first}..+{len} reaches past the largest index ({MAX_GAMES} games)")]
    ShardRange { first: u32, len: usize },
    #[error("title shards disagree on the platform table")]
    PlatformTable,
    #[error(transparent)]
    Recommend(#[from] RecommendError),
}

/// Hits of every shard with the dense id of each hit's game and the shard it came from.
fn in_global_ids<'a>(
    prepared: &[(PreparedQuery, &'a LoadedShard)],
    phase: impl Fn(&PreparedQuery) -> Vec<TitleHit>,
) -> Vec<(GameId, TitleHit, &'a LoadedShard)> {
    prepared
        .iter()
        .flat_map(|(query, shard)| {
            let first = shard.titles.first_game;
            phase(query)
                .into_iter()
                .map(move |hit| (GameId::new(first + hit.game), hit, *shard))
        })
        .collect()
}

/// Drops the last merged title word when it is in too few games to be a feature.
fn drop_if_too_rare(merged: &mut Vec<(&str, Vec<u32>)>) {
    if merged
        .last()
        .is_some_and(|(_, games)| games.len() < features::MIN_DERIVED_GAMES)
    {
        merged.pop();
    }
}

/// A title shard with its own search index.
#[derive(Debug)]
struct LoadedShard {
    titles: TitleShard,
    search: TitleIndex,
}

impl LoadedShard {
    fn new(titles: TitleShard) -> LoadedShard {
        let names: Vec<Option<&str>> = titles.names.iter().map(Some).collect();
        let main: Vec<bool> = titles
            .flags
            .iter()
            .map(|f| f & flags::MAIN_GAME != 0)
            .collect();
        let aliases: Vec<(u32, &str)> = titles
            .aliases
            .iter()
            .map(|(row, name)| (*row, name.as_str()))
            .collect();
        let search = TitleIndex::build_with_aliases(&names, &aliases, &main, &titles.notability);
        LoadedShard { titles, search }
    }

    /// Alternative name number `alias` of the shard.
    fn alias(&self, alias: u32) -> Option<&str> {
        self.titles
            .aliases
            .get(alias as usize)
            .map(|(_, name)| name.as_str())
    }

    /// One past the last dense id of the shard.
    fn end(&self) -> u32 {
        self.titles.first_game + self.titles.len() as u32
    }
}

/// A growing, queryable index.
#[derive(Debug, Default)]
pub struct Library {
    shards: Vec<LoadedShard>,
    /// Cover shards (the later tiers' covers), by first game.
    covers: Vec<CoverShard>,
    facts: GameFacts,
    /// Feature parts as downloaded, by first game; kept until they cover the whole index so
    /// a larger prefix can be expanded again.
    feature_parts: Vec<FeaturePart>,
    /// The expanded prefix of the feature parts whose titles are loaded too.
    features: Option<FeatureIndex>,
}

impl Library {
    pub fn new() -> Library {
        Library::default()
    }

    /// Adds a title shard; search covers it at once.
    pub fn add_titles(&mut self, shard: TitleShard) -> Result<(), LibraryError> {
        self.add_title_shards(vec![shard])
    }

    /// Adds several title shards. Each gets its own search index, so adding a shard costs
    /// only that shard's work, never a rebuild of what is already loaded.
    pub fn add_title_shards(&mut self, shards: Vec<TitleShard>) -> Result<(), LibraryError> {
        for shard in shards {
            let start = shard.first_game;
            let end = checked_end(start, shard.len())?;
            if self
                .shards
                .iter()
                .any(|s| start < s.end() && s.titles.first_game < end)
            {
                return Err(LibraryError::OverlappingShard(start));
            }
            if let Some(first) = self.shards.first() {
                if first.titles.platform_names != shard.platform_names {
                    return Err(LibraryError::PlatformTable);
                }
            }
            self.add_facts(&shard);
            let loaded = LoadedShard::new(shard);
            let at = self.shards.partition_point(|s| s.titles.first_game < start);
            self.shards.insert(at, loaded);
        }
        self.complete_features()
    }

    /// Adds a feature part. Recommendations work as soon as the parts from game 0 on and
    /// the title shards of their games are in; each later part widens the candidates.
    pub fn add_features(&mut self, part: FeaturePart) -> Result<(), LibraryError> {
        let (start, end) = (part.first_game, part.first_game.saturating_add(part.games));
        if self
            .feature_parts
            .iter()
            .any(|p| start < p.first_game + p.games && p.first_game < end)
            || self.features.as_ref().is_some_and(FeatureIndex::complete)
        {
            return Err(LibraryError::OverlappingShard(start));
        }
        let at = self.feature_parts.partition_point(|p| p.first_game < start);
        self.feature_parts.insert(at, part);
        self.complete_features()
    }

    /// Adds any verified part: the one place that maps a part to where it goes.
    pub fn add_part(&mut self, part: Part) -> Result<(), LibraryError> {
        match part {
            Part::Titles(shard) => self.add_titles(shard),
            Part::Features(features) => self.add_features(features),
            Part::Covers(shard) => self.add_covers(shard),
            Part::Details(_) => Ok(()),
        }
    }

    /// Adds the covers of a run of games (shown on their cards from now on).
    pub fn add_covers(&mut self, shard: CoverShard) -> Result<(), LibraryError> {
        let start = shard.first_game;
        let end = checked_end(start, shard.len())?;
        let end_of = |s: &CoverShard| s.first_game + s.len() as u32;
        if self
            .covers
            .iter()
            .any(|s| start < end_of(s) && s.first_game < end)
        {
            return Err(LibraryError::OverlappingShard(start));
        }
        let at = self.covers.partition_point(|s| s.first_game < start);
        self.covers.insert(at, shard);
        Ok(())
    }

    /// Cover image id of a game, from its title shard or else from a loaded cover block.
    fn cover(&self, game: GameId, shard: &TitleShard, row: usize) -> Option<String> {
        if !shard.covers.is_empty() {
            return shard.cover(row);
        }
        let (block, row) = self.cover_block_of(game)?;
        block.covers.get(row)
    }

    /// The loaded cover block holding `game`, and the game's row in it.
    fn cover_block_of(&self, game: GameId) -> Option<(&CoverShard, usize)> {
        containing(&self.covers, game, |b| (b.first_game, b.len()))
    }

    /// Cover image id of a loaded game: `None` when it has no cover, or when its cover is in
    /// a cover block not loaded yet (see [`Library::needs_cover_block`]).
    pub fn cover_of(&self, game: GameId) -> Option<String> {
        let (shard, row) = self.shard_of(game)?;
        self.cover(game, shard, row)
    }

    /// Whether the cover of a loaded game is in a cover block that is not loaded yet (the
    /// later tiers' title shards leave their covers to cover blocks fetched on demand).
    pub fn needs_cover_block(&self, game: GameId) -> bool {
        self.shard_of(game)
            .is_some_and(|(shard, _)| shard.covers.is_empty())
            && self.cover_block_of(game).is_none()
    }

    /// Verifies, decodes and adds one stored index file (see [`format::open_part`]).
    pub fn add_file(&mut self, entry: &ManifestFile, stored: &[u8]) -> Result<(), LibraryError> {
        self.add_part(format::open_part(entry, stored)?)
    }

    /// End of the run of title shards loaded from game 0 on.
    fn titles_prefix(&self) -> u32 {
        let mut end = 0;
        for shard in &self.shards {
            if shard.titles.first_game != end {
                break;
            }
            end = shard.end();
        }
        end
    }

    /// Expands the feature parts from game 0 on whose titles are loaded, when that covers
    /// more games than the current expansion.
    fn complete_features(&mut self) -> Result<(), LibraryError> {
        let titles_end = self.titles_prefix();
        let (mut covered, mut parts) = (0u32, 0);
        for part in &self.feature_parts {
            if part.first_game != covered || covered + part.games > titles_end {
                break;
            }
            covered += part.games;
            parts += 1;
        }
        let expanded = self.features.as_ref().map_or(0, FeatureIndex::games);
        if parts == 0 || covered as usize <= expanded {
            return Ok(());
        }
        let below =
            |games: Vec<u32>| -> Vec<u32> { games.into_iter().filter(|&g| g < covered).collect() };
        let words: Vec<(&str, Vec<u32>)> = self
            .title_words()
            .into_iter()
            .map(|(word, games)| (word, below(games)))
            .collect();
        let derived = features::derived_features(
            words,
            self.platform_lists().take(covered as usize),
            &self.facts.platform_names,
        );
        // The smaller expansion goes first: it is rebuilt into the new one, and holding both
        // at once would set the high-water mark of a wasm heap (which never shrinks).
        let scoring = self.features.take().map(|old| old.scoring().clone());
        let total = self.feature_parts.first().map_or(0, |p| p.total_games);
        let mut index = if parts == self.feature_parts.len() && covered == total {
            // The last expansion: the parts go into it.
            FeatureIndex::from_owned_parts(std::mem::take(&mut self.feature_parts), derived)?
        } else {
            FeatureIndex::new(&self.feature_parts[..parts], derived)?
        };
        if let Some(scoring) = scoring {
            index.set_scoring(scoring);
        }
        self.features = Some(index);
        Ok(())
    }

    /// Title words of all shards with their games (global ids, ascending): a k-way merge of
    /// the shards' sorted dictionaries, keeping only words that can be title-word features.
    /// Most distinct words are in one title only; they are dropped as the merge goes, so the
    /// list of them (hundreds of thousands of small vectors, freed right after) never sits in
    /// the wasm heap below the feature index being built.
    fn title_words(&self) -> Vec<(&str, Vec<u32>)> {
        use std::cmp::Reverse;
        let mut dictionaries: Vec<_> = self
            .shards
            .iter()
            .map(|shard| {
                shard
                    .search
                    .words()
                    .filter(|(word, _)| features::is_title_word(word))
                    .peekable()
            })
            .collect();
        let mut heap = std::collections::BinaryHeap::new();
        for (i, dictionary) in dictionaries.iter_mut().enumerate() {
            if let Some(&(word, _)) = dictionary.peek() {
                heap.push(Reverse((word, i)));
            }
        }
        let mut merged: Vec<(&str, Vec<u32>)> = Vec::new();
        while let Some(Reverse((word, i))) = heap.pop() {
            let (_, games) = dictionaries[i].next().expect("peeked");
            let first = self.shards[i].titles.first_game;
            // Shards are popped in index order for equal words, so ids stay ascending.
            match merged.last_mut() {
                Some((last, list)) if *last == word => list.extend(games.iter().map(|g| g + first)),
                _ => {
                    drop_if_too_rare(&mut merged);
                    merged.push((word, games.iter().map(|g| g + first).collect()));
                }
            }
            if let Some(&(next, _)) = dictionaries[i].peek() {
                heap.push(Reverse((next, i)));
            }
        }
        drop_if_too_rare(&mut merged);
        merged
    }

    /// Every loaded game's platform list, in dense id order.
    fn platform_lists(&self) -> impl Iterator<Item = &[u16]> {
        self.shards.iter().flat_map(|s| s.titles.platforms.iter())
    }

    /// Extends the per-game facts with a new shard's rows.
    fn add_facts(&mut self, shard: &TitleShard) {
        let start = shard.first_game as usize;
        let end = start + shard.len();
        let facts = &mut self.facts;
        if facts.platform_names.is_empty() {
            facts.platform_names = shard.platform_names.clone();
        }
        if facts.year.len() < end {
            facts.year.resize(end, 0);
            facts.main.resize(end, true);
            facts.notability.resize(end, 0);
        }
        facts.year[start..end].copy_from_slice(&shard.years);
        facts.notability[start..end].copy_from_slice(&shard.notability);
        for (i, flags) in shard.flags.iter().enumerate() {
            facts.main[start + i] = flags & flags::MAIN_GAME != 0;
        }
    }

    /// Games whose titles are loaded.
    pub fn loaded_titles(&self) -> usize {
        self.shards.iter().map(|s| s.titles.len()).sum()
    }

    /// The dense ids of the games whose titles are loaded, ascending.
    pub fn loaded_games(&self) -> impl Iterator<Item = GameId> + '_ {
        self.shards
            .iter()
            .flat_map(|s| (s.titles.first_game..s.end()).map(GameId::new))
    }

    /// Whether [`Library::recommend`] can answer (at least from the first part).
    pub fn can_recommend(&self) -> bool {
        self.features.is_some()
    }

    /// Whether recommendations consider every game of the index (no part still to come).
    pub fn recommendations_complete(&self) -> bool {
        self.features.as_ref().is_some_and(FeatureIndex::complete)
    }

    /// Whether the features of `game` are loaded, so it can be liked or disliked.
    pub fn has_features(&self, game: GameId) -> bool {
        self.features
            .as_ref()
            .is_some_and(|f| game.index() < f.games())
    }

    /// Total games in the index, once known from a feature part.
    pub fn total_games(&self) -> Option<usize> {
        self.features.as_ref().map(FeatureIndex::total_games)
    }

    /// Year, main-game flag and notability of every loaded game, by dense id.
    pub fn facts(&self) -> &GameFacts {
        &self.facts
    }

    /// The dense id of an IGDB id. IGDB ids ascend within a shard (the decoder checks it), so
    /// this is a binary search per shard rather than a map as large as the catalogue.
    pub fn find_igdb(&self, igdb_id: IgdbId) -> Option<GameId> {
        let igdb_id = u32::try_from(igdb_id.0).ok()?;
        self.shards.iter().find_map(|shard| {
            let titles = &shard.titles;
            let at = titles.igdb_ids.binary_search(&igdb_id).ok()?;
            Some(GameId::new(titles.first_game + at as u32))
        })
    }

    pub fn platform_names(&self) -> &[String] {
        &self.facts.platform_names
    }

    /// Names of the stores games are sold on, most common first (empty until the feature part
    /// is loaded).
    pub fn store_names(&self) -> Vec<&str> {
        self.features
            .as_ref()
            .map(|f| f.vocabulary(&[Family::Store]))
            .unwrap_or_default()
    }

    /// Genre and theme names, most common first (empty until the feature part is loaded).
    pub fn genre_names(&self) -> Vec<&str> {
        self.features
            .as_ref()
            .map(|f| f.vocabulary(&[Family::Genre, Family::Theme]))
            .unwrap_or_default()
    }

    fn shard_of(&self, game: GameId) -> Option<(&TitleShard, usize)> {
        containing(&self.shards, game, |s| {
            (s.titles.first_game, s.titles.len())
        })
        .map(|(shard, row)| (&shard.titles, row))
    }

    /// Card data of a loaded game.
    pub fn card(&self, game: GameId) -> Option<GameCard<'_>> {
        let (shard, i) = self.shard_of(game)?;
        let features = self.features.as_ref().filter(|f| game.index() < f.games());
        Some(GameCard {
            game,
            igdb_id: IgdbId(u64::from(shard.igdb_ids[i])),
            name: &shard.names[i],
            year: Some(shard.years[i]).filter(|&y| y > 0),
            platforms: shard.platforms[i]
                .iter()
                .map(|&p| shard.platform_names[usize::from(p)].as_str())
                .collect(),
            cover: self.cover(game, shard, i),
            main_game: shard.flags[i] & flags::MAIN_GAME != 0,
            critic_rating: features.and_then(|f| f.critic(game)),
            genres: features.map_or_else(Vec::new, |f| f.names_in(game, Family::Genre)),
            developers: features.map_or_else(Vec::new, |f| f.names_in(game, Family::Developer)),
        })
    }

    /// Title search over the loaded titles, best first: games with every query word or,
    /// when no game has them all, games with some of them (see [`crate::search`]). The one
    /// entry point of the CLI, the bench and the app's typeahead.
    pub fn search(&self, query: &str, k: usize) -> Vec<SearchHit> {
        let prepared: Vec<(PreparedQuery, &LoadedShard)> = self
            .shards
            .iter()
            .map(|shard| (shard.search.prepare(query), shard))
            .collect();
        let mut hits = in_global_ids(&prepared, |p| p.full(k));
        if hits.is_empty() {
            hits = in_global_ids(&prepared, |p| p.partial(k));
        }
        let hits =
            sorting::first_by_key(&hits, k, |(game, hit, _)| rank_key(hit.score, game.get()));
        hits.into_iter()
            .map(|(game, hit, shard)| SearchHit {
                game,
                score: hit.score,
                also_known_as: hit.alias.and_then(|a| shard.alias(a)).map(str::to_string),
            })
            .collect()
    }

    /// Recommendations for a request.
    pub fn recommend(&self, request: &Request) -> Result<Vec<Recommendation>, LibraryError> {
        let asked = request.like.iter().chain(&request.dislike);
        let total = self.total_games().unwrap_or(0);
        if !self.can_recommend()
            || asked
                .into_iter()
                .any(|&g| !self.has_features(g) && g.index() < total)
        {
            return Err(RecommendError::NotLoaded.into());
        }
        let features = self.features.as_ref().expect("checked by can_recommend");
        let title = |g: GameId| {
            self.shard_of(g)
                .map_or_else(String::new, |(s, i)| s.names[i].to_string())
        };
        Ok(features.recommend(request, &self.facts, &title)?)
    }

    /// The expanded feature index, for evaluation and inspection tools.
    pub fn features(&self) -> Option<&FeatureIndex> {
        self.features.as_ref()
    }

    /// Replaces the ranking parameters (see [`FeatureIndex::set_scoring`]).
    pub fn set_scoring(&mut self, scoring: Scoring) {
        if let Some(features) = self.features.as_mut() {
            features.set_scoring(scoring);
        }
    }
}

/// One past the last game of a shard of `len` games from `start`, within [`MAX_GAMES`].
fn checked_end(start: u32, len: usize) -> Result<u32, LibraryError> {
    u32::try_from(len)
        .ok()
        .and_then(|len| start.checked_add(len))
        .filter(|&end| end <= MAX_GAMES)
        .ok_or(LibraryError::ShardRange { first: start, len })
}

/// The item of `items` (sorted by first game, not overlapping) whose games `(first, count)`
/// include `game`, and the game's row in it.
fn containing<T>(
    items: &[T],
    game: GameId,
    range: impl Fn(&T) -> (u32, usize),
) -> Option<(&T, usize)> {
    let at = items.partition_point(|item| range(item).0 <= game.get());
    let item = items.get(at.checked_sub(1)?)?;
    let (first, count) = range(item);
    let row = (game.get() - first) as usize;
    (row < count).then_some((item, row))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shard(first_game: u32) -> TitleShard {
        TitleShard {
            first_game,
            platform_names: vec!["PC".into()],
            names: ["Hades"].into_iter().collect(),
            igdb_ids: vec![113112],
            years: vec![2020],
            platforms: [[0]].into_iter().collect(),
            covers: format::Covers::from_ids([None]),
            flags: vec![flags::MAIN_GAME],
            notability: vec![255],
            aliases: vec![],
        }
    }

    #[test]
    fn loaded_games_are_the_rows_of_the_loaded_shards() {
        let mut library = Library::new();
        for first in [7, 0] {
            library.add_titles(shard(first)).unwrap();
        }
        let games: Vec<GameId> = library.loaded_games().collect();
        assert_eq!(games, vec![GameId::new(0), GameId::new(7)]);
        let card = library.card(games[1]).expect("a loaded game has a card");
        assert_eq!((card.game, card.name), (games[1], "Hades"));
        assert!(library.card(GameId::new(3)).is_none(), "between the shards");
    }

    /// A shard claiming games four billion onwards once sized the per-game columns to it
    /// (an 8 GB allocation) or wrapped `first_game + len`.
    #[test]
    fn shards_past_the_largest_index_are_refused_before_allocating() {
        let mut library = Library::new();
        for first in [u32::MAX, 4_000_000_000, MAX_GAMES] {
            let err = library.add_titles(shard(first)).unwrap_err();
            assert!(matches!(err, LibraryError::ShardRange { .. }), "{err}");
        }
        assert_eq!(library.loaded_titles(), 0);
        library.add_titles(shard(MAX_GAMES - 1)).unwrap();
        assert_eq!(
            library.loaded_games().collect::<Vec<_>>(),
            vec![GameId::new(MAX_GAMES - 1)]
        );
        assert_eq!(
            library.find_igdb(IgdbId(113112)),
            Some(GameId::new(MAX_GAMES - 1))
        );
    }
}
