//! A loaded index: the reader side that the web app and `playlike query` both use.
//!
//! Parts arrive one at a time (title shards first, the feature part later), so a
//! [`Library`] grows: search works as soon as one title shard is in, recommendations once the
//! feature part and every title shard are.

use std::collections::HashMap;

use crate::features::{self, Family};
use crate::format::{flags, FeaturePart, FormatError, TitleShard};
use crate::recommend::{FeatureIndex, GameFacts, RecommendError, Recommendation, Request};
use crate::search::{SearchHit, TitleIndex};

/// Dense game id `0..n`, the index's own key (see [`crate::format`]). The IGDB id is a column.
pub type GameId = u32;

/// What a result card or a game page header shows.
#[derive(Debug, Clone, PartialEq)]
pub struct GameCard<'a> {
    pub game: GameId,
    pub igdb_id: u64,
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
    #[error("title shard starting at game {0} overlaps one already loaded")]
    OverlappingShard(u32),
    #[error("title shards disagree on the platform table")]
    PlatformTable,
    #[error(transparent)]
    Recommend(#[from] RecommendError),
}

/// A growing, queryable index.
#[derive(Debug, Default)]
pub struct Library {
    shards: Vec<TitleShard>,
    igdb: HashMap<u64, GameId>,
    search: TitleIndex,
    facts: GameFacts,
    /// The feature part as downloaded, until every title shard is in to complete it.
    pending_features: Option<FeaturePart>,
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

    /// Adds several title shards, rebuilding the search index once.
    pub fn add_title_shards(&mut self, shards: Vec<TitleShard>) -> Result<(), LibraryError> {
        for shard in shards {
            let start = shard.first_game;
            let end = start + shard.len() as u32;
            if self
                .shards
                .iter()
                .any(|s| start < s.first_game + s.len() as u32 && s.first_game < end)
            {
                return Err(LibraryError::OverlappingShard(start));
            }
            if let Some(first) = self.shards.first() {
                if first.platform_names != shard.platform_names {
                    return Err(LibraryError::PlatformTable);
                }
            }
            for (i, &igdb) in shard.igdb_ids.iter().enumerate() {
                self.igdb.insert(u64::from(igdb), start + i as u32);
            }
            let at = self.shards.partition_point(|s| s.first_game < start);
            self.shards.insert(at, shard);
        }
        self.rebuild();
        self.complete_features()
    }

    /// Adds the feature part; recommendations work once every title shard is in too.
    pub fn set_features(&mut self, part: FeaturePart) -> Result<(), LibraryError> {
        self.features = None;
        self.pending_features = Some(part);
        self.complete_features()
    }

    /// Expands the feature part once titles cover every game it describes.
    fn complete_features(&mut self) -> Result<(), LibraryError> {
        let ready = self.pending_features.as_ref().is_some_and(|p| {
            p.games as usize == self.loaded_titles() && p.games as usize == self.facts.year.len()
        });
        if !ready {
            return Ok(());
        }
        let part = self.pending_features.take().expect("checked above");
        let derived = features::derived_features(
            &self.search,
            &self.facts.platforms,
            &self.facts.platform_names,
        );
        self.features = Some(FeatureIndex::new(part, derived)?);
        Ok(())
    }

    fn rebuild(&mut self) {
        let n = self
            .shards
            .last()
            .map_or(0, |s| (s.first_game as usize) + s.len());
        let mut titles: Vec<Option<&str>> = vec![None; n];
        let mut facts = GameFacts {
            year: vec![0; n],
            main: vec![true; n],
            notability: vec![0; n],
            platforms: vec![Vec::new(); n],
            platform_names: self
                .shards
                .first()
                .map(|s| s.platform_names.clone())
                .unwrap_or_default(),
        };
        for shard in &self.shards {
            for i in 0..shard.len() {
                let g = shard.first_game as usize + i;
                let name = shard.names[i].as_str();
                titles[g] = Some(name);
                facts.year[g] = shard.years[i];
                facts.main[g] = shard.flags[i] & flags::MAIN_GAME != 0;
                facts.notability[g] = shard.notability[i];
                facts.platforms[g] = shard.platforms[i].clone();
            }
        }
        self.search = TitleIndex::build(&titles, &facts.main, &facts.notability);
        self.facts = facts;
    }

    /// Games whose titles are loaded.
    pub fn loaded_titles(&self) -> usize {
        self.shards.iter().map(TitleShard::len).sum()
    }

    /// Whether [`Library::recommend`] can answer.
    pub fn can_recommend(&self) -> bool {
        self.features.as_ref().is_some_and(|f| {
            f.games() == self.loaded_titles() && f.games() == self.facts.year.len()
        })
    }

    /// Total games in the index, once known from the feature part.
    pub fn total_games(&self) -> Option<usize> {
        self.features.as_ref().map(FeatureIndex::games)
    }

    pub fn find_igdb(&self, igdb_id: u64) -> Option<GameId> {
        self.igdb.get(&igdb_id).copied()
    }

    pub fn platform_names(&self) -> &[String] {
        &self.facts.platform_names
    }

    /// Genre and theme names, most common first (empty until the feature part is loaded).
    pub fn genre_names(&self) -> Vec<&str> {
        self.features
            .as_ref()
            .map(|f| f.vocabulary(&[Family::Genre, Family::Theme]))
            .unwrap_or_default()
    }

    fn shard_of(&self, game: GameId) -> Option<(&TitleShard, usize)> {
        let at = self.shards.partition_point(|s| s.first_game <= game);
        let shard = self.shards.get(at.checked_sub(1)?)?;
        let offset = (game - shard.first_game) as usize;
        (offset < shard.len()).then_some((shard, offset))
    }

    /// Card data of a loaded game.
    pub fn card(&self, game: GameId) -> Option<GameCard<'_>> {
        let (shard, i) = self.shard_of(game)?;
        let features = self
            .features
            .as_ref()
            .filter(|f| (game as usize) < f.games());
        Some(GameCard {
            game,
            igdb_id: u64::from(shard.igdb_ids[i]),
            name: &shard.names[i],
            year: Some(shard.years[i]).filter(|&y| y > 0),
            platforms: shard.platforms[i]
                .iter()
                .map(|&p| shard.platform_names[usize::from(p)].as_str())
                .collect(),
            cover: shard.cover(i),
            main_game: shard.flags[i] & flags::MAIN_GAME != 0,
            critic_rating: features.and_then(|f| f.critic(game)),
            genres: features.map_or_else(Vec::new, |f| f.names_in(game, Family::Genre)),
            developers: features.map_or_else(Vec::new, |f| f.names_in(game, Family::Developer)),
        })
    }

    /// Title search over the loaded titles, best first.
    pub fn search(&self, query: &str, k: usize) -> Vec<SearchHit> {
        self.search.search(query, k)
    }

    /// Recommendations for a request.
    pub fn recommend(&self, request: &Request) -> Result<Vec<Recommendation>, LibraryError> {
        if !self.can_recommend() {
            return Err(RecommendError::NotLoaded.into());
        }
        let features = self.features.as_ref().expect("checked by can_recommend");
        let title = |g: u32| {
            self.shard_of(g)
                .map_or_else(String::new, |(s, i)| s.names[i].clone())
        };
        Ok(features.recommend(request, &self.facts, &title)?)
    }

    /// The expanded feature index, for evaluation and inspection tools.
    pub fn features(&self) -> Option<&FeatureIndex> {
        self.features.as_ref()
    }

    /// Replaces the family weights (see [`FeatureIndex::reweight`]).
    pub fn reweight(&mut self, family_weight: &dyn Fn(Family) -> f32) {
        if let Some(features) = self.features.as_mut() {
            features.reweight(family_weight);
        }
    }
}
