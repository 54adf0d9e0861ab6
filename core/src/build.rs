//! Turns a catalogue (a list of [`Game`]s) into the index files and their manifest.
//!
//! This is the writer + serializer side of every index part; it returns bytes and leaves
//! writing them to the caller (the builder), so it stays free of I/O and testable anywhere.
//!
//! Steps: drop duplicate ids, rank games by notability and cut that ranking into tiers (the
//! first small, with the best-known games, so search starts early), order each tier by IGDB
//! id (dense ids follow that order), derive summary terms, intern features and collect their
//! postings, then write the title shards, the feature part and the details shards, each
//! compressed (gzip, LZMA for the later title tiers) and named by its content hash.

use std::collections::{HashMap, HashSet};

use crate::catalogue::Game;
use crate::features::{self, Family};
use crate::format::{
    self, flags, CoverShard, Covers, DetailsShard, Encoding, FeatureDef, FeaturePart, FileRole,
    GameDetails, Manifest, ManifestFile, PostingsWriter, TitleShard, FORMAT_VERSION,
};
use crate::library::{Library, LibraryError};
use crate::terms::{self, TermOptions};
use crate::text;

/// Attribution every index carries.
pub const ATTRIBUTION: &str = "Data from IGDB.com";

/// Knobs of a build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Games in the first title shard (the best known), which the page loads before anything;
    /// the first feature part covers the same games, so first answers need just these two
    /// files. 15,000 on the full catalogue: first answers agree with the final ones as much as
    /// with 30,000 (overlap@10 0.791 vs 0.800) and held-out recall is unchanged, for half the
    /// bytes (598 KB vs 1.09 MB; see docs/BENCHMARKS.md).
    pub head_titles: usize,
    /// Games per later title shard.
    pub title_shard_size: usize,
    /// Games per details shard.
    pub details_shard_size: u32,
    /// Games per cover block (the later tiers' cover ids, fetched when a card needs one):
    /// 8,192 on the full catalogue make 40 blocks of 12–25 KB (see docs/BENCHMARKS.md).
    pub cover_block_size: usize,
    /// Whether details shards carry summary text.
    pub keep_summaries: bool,
    pub terms: TermOptions,
    /// Terms kept per game in the least notable tiers…
    pub tail_terms: usize,
    /// …which are the title tiers starting past this share of the catalogue.
    pub tail_share: f32,
    /// Compressor of the first title shard, the feature parts and the cover blocks; must
    /// produce a gzip stream. The builder plugs in a stronger encoder than [`format::gzip`],
    /// the default, which always compresses the details shards. The later title shards are
    /// LZMA ([`format::lzma`]).
    pub compress: Compressor,
    /// RFC 3339 build time; the caller supplies it (core has no clock).
    pub built_at: String,
    /// Where the catalogue came from.
    pub source: String,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            head_titles: 15_000,
            title_shard_size: 100_000,
            details_shard_size: 1024,
            cover_block_size: 8192,
            keep_summaries: true,
            terms: TermOptions::default(),
            tail_terms: 1,
            tail_share: 0.5,
            compress: format::gzip,
            built_at: "1970-01-01T00:00:00Z".into(),
            source: "unknown".into(),
        }
    }
}

/// Raw bytes in, stored bytes out.
pub type Compressor = fn(&[u8]) -> Vec<u8>;

/// The result of a build: the manifest and every file it lists, as stored (compressed).
#[derive(Debug, Clone)]
pub struct BuiltIndex {
    pub manifest: Manifest,
    /// `(path relative to the manifest, stored bytes)`.
    pub files: Vec<(String, Vec<u8>)>,
    pub stats: BuildStats,
}

/// Counts worth reporting about a build.
#[derive(Debug, Clone, Default)]
pub struct BuildStats {
    pub games: usize,
    pub duplicates_dropped: usize,
    pub main_games: usize,
    /// Features kept per family: (family, features, postings).
    pub families: Vec<(Family, usize, usize)>,
    pub features_dropped_singletons: usize,
    /// The rarest platform names left out because a title shard can name at most
    /// [`MAX_PLATFORMS`].
    pub platforms_dropped: usize,
}

/// Most platform names an index holds: title shards refer to them by `u16`.
pub const MAX_PLATFORMS: usize = 1 << 16;

impl BuiltIndex {
    /// Loads this index's search, recommend and cover parts into a [`Library`], exactly as
    /// a reader of the stored files would (hash check, gunzip, decode).
    pub fn load(&self) -> Result<Library, LibraryError> {
        let mut library = Library::new();
        for (entry, (_, stored)) in self.manifest.files.iter().zip(&self.files) {
            if entry.role != FileRole::Details {
                library.add_file(entry, stored)?;
            }
        }
        Ok(library)
    }
}

/// Builds an index from games. Duplicate ids keep their first record.
pub fn build_index(games: Vec<Game>, options: &BuildOptions) -> BuiltIndex {
    let mut stats = BuildStats::default();
    let games = dedup_by_id(games, &mut stats);
    let (games, notability) = order_games(games, options);
    stats.games = games.len();
    let main: Vec<bool> = games.iter().map(features::is_main_game).collect();
    stats.main_games = main.iter().filter(|m| **m).count();

    let game_terms = tiered_terms(&games, options);
    let chunks = title_chunks(games.len(), options);
    let first_tier_end = chunks.first().map_or(0, |(_, range)| range.end);
    let feature_parts = feature_parts(&games, &game_terms, first_tier_end, &mut stats);
    let platform_names = platform_table(&games, &mut stats);

    // Up-front parts in the order a reader wants them: the first title shard and the first
    // feature part (first answers), the other title shards (complete search), the rest of
    // the features (complete recommendations), then the later tiers' covers.
    let titles = TitleRows {
        games: &games,
        main: &main,
        notability: &notability,
    };
    let mut parts = title_parts(titles, chunks, &platform_names);
    for (tier, part) in feature_parts.iter().enumerate() {
        let at = if tier == 0 {
            parts.len().min(1)
        } else {
            parts.len()
        };
        parts.insert(at, feature_part(part));
    }
    parts.extend(cover_parts(
        &games,
        first_tier_end,
        options.cover_block_size,
    ));
    parts.extend(details_parts(&games, options));
    let (entries, files): (Vec<ManifestFile>, Vec<(String, Vec<u8>)>) =
        crate::parallel::map(&parts, |part| part.store(part.encoding(options)))
            .into_iter()
            .unzip();
    BuiltIndex {
        manifest: manifest(entries, games.len() as u32, options),
        files,
        stats,
    }
}

/// Each game's descriptive terms, at most `terms.per_game` (terms given by the source too,
/// which list the best first); the least notable games (obscure games, add-ons) keep only
/// their strongest: they are rarely asked about, and their postings would cost more bytes than
/// any other part.
fn tiered_terms(games: &[Game], options: &BuildOptions) -> Vec<Vec<String>> {
    let mut game_terms = descriptive_terms(games, &options.terms);
    let tail = tail_start(games.len(), options);
    for (game, terms) in game_terms.iter_mut().enumerate() {
        let kept = if game < tail {
            options.terms.per_game
        } else {
            options.tail_terms
        };
        terms.truncate(kept);
    }
    game_terms
}

/// One title shard per chunk of `rows`; only the first keeps its covers (the others' are in
/// the cover blocks).
fn title_parts(
    rows: TitleRows,
    chunks: Vec<(u32, std::ops::Range<usize>)>,
    platform_names: &[String],
) -> Vec<EncodedPart> {
    chunks
        .into_iter()
        .map(|(first, chunk)| {
            let rows = TitleRows {
                games: &rows.games[chunk.clone()],
                main: &rows.main[chunk.clone()],
                notability: &rows.notability[chunk],
            };
            let mut shard = title_shard(rows, first, platform_names);
            if first > 0 {
                shard.covers = Covers::default();
            }
            EncodedPart {
                stem: format!("titles-{first}"),
                role: FileRole::Search,
                raw: shard.encode(),
                games: shard.len(),
                first,
            }
        })
        .collect()
}

fn feature_part(part: &FeaturePart) -> EncodedPart {
    EncodedPart {
        stem: format!("features-{}", part.first_game),
        role: FileRole::Recommend,
        raw: part.encode(),
        games: part.games as usize,
        first: part.first_game,
    }
}

/// The on-demand details shards.
fn details_parts(games: &[Game], options: &BuildOptions) -> Vec<EncodedPart> {
    let shard_size = options.details_shard_size.max(1) as usize;
    let chunks: Vec<(usize, &[Game])> = games.chunks(shard_size).enumerate().collect();
    crate::parallel::map(&chunks, |&(index, chunk)| {
        let first = (index * shard_size) as u32;
        let shard = DetailsShard {
            first_game: first,
            games: chunk
                .iter()
                .map(|g| details(g, options.keep_summaries))
                .collect(),
        };
        EncodedPart {
            stem: format!("details/{first}"),
            role: FileRole::Details,
            raw: shard.encode(),
            games: chunk.len(),
            first,
        }
    })
}

/// The manifest of stored files `entries`; its version is the build time and a hash of the
/// files' hashes.
fn manifest(entries: Vec<ManifestFile>, games: u32, options: &BuildOptions) -> Manifest {
    let content_id: String = entries.iter().map(|e| e.sha256.as_str()).collect();
    let version = format!(
        "{}-{}",
        compact_timestamp(&options.built_at),
        &format::sha256_hex(content_id.as_bytes())[..8]
    );
    Manifest {
        format_version: FORMAT_VERSION,
        version,
        built_at: options.built_at.clone(),
        source: options.source.clone(),
        games,
        details_shard_size: options.details_shard_size.max(1),
        files: entries,
        rollout: None,
        attribution: ATTRIBUTION.into(),
    }
}

fn dedup_by_id(games: Vec<Game>, stats: &mut BuildStats) -> Vec<Game> {
    let mut seen = HashSet::with_capacity(games.len());
    let before = games.len();
    let games: Vec<Game> = games
        .into_iter()
        .filter(|g| seen.insert(g.igdb_id))
        .collect();
    stats.duplicates_dropped = before - games.len();
    games
}

/// Dense order: notability tiers (as cut by [`title_chunks`]), IGDB id order within a tier.
/// Returns the games in that order and each one's notability byte.
fn order_games(games: Vec<Game>, options: &BuildOptions) -> (Vec<Game>, Vec<u8>) {
    let n = games.len();
    let mut scored: Vec<(f32, Game)> = games
        .into_iter()
        .map(|g| (features::notability(&g), g))
        .collect();
    // Most notable first; ties by IGDB id so builds are deterministic.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.igdb_id.cmp(&b.1.igdb_id)));
    let mut ranked: Vec<(u8, Game)> = scored
        .into_iter()
        .enumerate()
        .map(|(rank, (_, g))| (format::notability_byte(rank, n), g))
        .collect();
    for (_, range) in title_chunks(n, options) {
        ranked[range].sort_by_key(|(_, g)| g.igdb_id);
    }
    ranked.into_iter().map(|(b, g)| (g, b)).unzip()
}

/// Terms given by the source (the committed sample ships them) or derived from summaries.
pub fn descriptive_terms(games: &[Game], options: &TermOptions) -> Vec<Vec<String>> {
    let summaries: Vec<Option<&str>> = games
        .iter()
        .map(|g| {
            if g.terms.is_empty() {
                g.summary.as_deref()
            } else {
                None
            }
        })
        .collect();
    let derived = terms::select_terms(&summaries, options);
    games
        .iter()
        .zip(derived)
        .map(|(g, derived)| {
            if g.terms.is_empty() {
                derived
            } else {
                g.terms.clone()
            }
        })
        .collect()
}

/// Interns every feature, keeps those shared by at least two games (and every genre and
/// theme), and encodes them as feature parts split at `tier_end`: the first part covers the
/// games before it and defines the features they have; the second covers the rest and
/// defines the remaining features (no second part when every game is in the first tier).
fn feature_parts(
    games: &[Game],
    game_terms: &[Vec<String>],
    tier_end: usize,
    stats: &mut BuildStats,
) -> Vec<FeaturePart> {
    let interned = Interned::new(games, game_terms);
    let tier_end = tier_end.min(games.len()) as u32;
    let order = interned.kept_in_order(tier_end, stats);
    let in_first_tier = |&i: &usize| interned.postings[i].first().is_some_and(|&g| g < tier_end);
    let first_tier_features = order.iter().take_while(|i| in_first_tier(i)).count();
    let critic: Vec<u8> = games
        .iter()
        .map(|g| {
            g.critic_rating
                .map_or(0, |r| r.round().clamp(0.0, 100.0) as u8 + 1)
        })
        .collect();
    let total = games.len() as u32;
    let tiers = [
        (0..tier_end, 0..first_tier_features),
        (tier_end..total, first_tier_features..order.len()),
    ];
    tiers
        .into_iter()
        .filter(|(range, _)| !range.is_empty() || games.is_empty())
        .map(|(range, defined)| {
            let critic = critic[range.start as usize..range.end as usize].to_vec();
            interned.part(&order, range, defined, total, critic)
        })
        .collect()
}

/// Every feature of every game, interned: its family and name, and the dense ids of the games
/// that have it (ascending).
struct Interned {
    defs: Vec<(Family, String)>,
    postings: Vec<Vec<u32>>,
}

impl Interned {
    fn new(games: &[Game], game_terms: &[Vec<String>]) -> Interned {
        let mut ids: HashMap<(Family, String), usize> = HashMap::new();
        let mut interned = Interned {
            defs: Vec::new(),
            postings: Vec::new(),
        };
        for (dense, (game, terms)) in games.iter().zip(game_terms).enumerate() {
            let mut features = features::direct_features(game);
            features.retain(|(family, _)| {
                !features::DERIVED_FAMILIES.contains(family)
                    && !features::UNSHIPPED_FAMILIES.contains(family)
            });
            features.extend(terms.iter().map(|t| (Family::Term, t.clone())));
            features.sort();
            features.dedup();
            for key in features {
                let id = *ids.entry(key).or_insert_with_key(|key| {
                    interned.defs.push(key.clone());
                    interned.postings.push(Vec::new());
                    interned.defs.len() - 1
                });
                interned.postings[id].push(dense as u32);
            }
        }
        interned
    }

    /// The features kept (shared by two games, or usable as a filter), counted into `stats`:
    /// those of the first tier first (so its part defines a prefix of the ids), then by family
    /// and name, so the stored names share prefixes (see `format::feature_defs`).
    fn kept_in_order(&self, tier_end: u32, stats: &mut BuildStats) -> Vec<usize> {
        let (defs, postings) = (&self.defs, &self.postings);
        // A feature of one game links nothing, but genres, themes and stores are also filters:
        // keep them.
        let filterable =
            |family: Family| matches!(family, Family::Genre | Family::Theme | Family::Store);
        let mut order: Vec<usize> = (0..defs.len())
            .filter(|&i| postings[i].len() >= 2 || filterable(defs[i].0))
            .collect();
        stats.features_dropped_singletons = defs.len() - order.len();
        for family in Family::ALL {
            let in_family = order.iter().filter(|&&i| defs[i].0 == family);
            let (count, total) =
                in_family.fold((0, 0), |(c, t), &i| (c + 1, t + postings[i].len()));
            if count > 0 {
                stats.families.push((family, count, total));
            }
        }
        let in_first_tier = |i: usize| postings[i].first().is_some_and(|&g| g < tier_end);
        order.sort_by(|&a, &b| {
            in_first_tier(b)
                .cmp(&in_first_tier(a))
                .then(defs[a].0.cmp(&defs[b].0))
                .then(defs[a].1.cmp(&defs[b].1))
        });
        order
    }

    /// The feature part of the games in `range`: postings of the features known so far
    /// (`order[..defined.end]`), definitions of those it adds (`order[defined]`).
    fn part(
        &self,
        order: &[usize],
        range: std::ops::Range<u32>,
        defined: std::ops::Range<usize>,
        total_games: u32,
        critic: Vec<u8>,
    ) -> FeaturePart {
        let known = &order[..defined.end];
        let mut writer = PostingsWriter::default();
        let mut counts = Vec::with_capacity(known.len());
        for &i in known {
            let list = &self.postings[i];
            let from = list.partition_point(|&g| g < range.start);
            let to = list.partition_point(|&g| g < range.end);
            let relative: Vec<u32> = list[from..to].iter().map(|g| g - range.start).collect();
            writer.push(&relative, range.len() as u32);
            counts.push(relative.len() as u32);
        }
        FeaturePart {
            first_game: range.start,
            games: range.len() as u32,
            total_games,
            first_feature: defined.start as u32,
            features: order[defined]
                .iter()
                .map(|&i| FeatureDef {
                    family: self.defs[i].0 as u8,
                    name: self.defs[i].1.clone(),
                    df: self.postings[i].len() as u32,
                })
                .collect(),
            counts,
            postings: writer.finish(),
            critic,
        }
    }
}

/// First dense id of the tail: the first tier that starts at or past `tail_share` of `n`.
fn tail_start(n: usize, options: &BuildOptions) -> usize {
    let threshold = (n as f32 * options.tail_share) as usize;
    title_chunks(n, options)
        .into_iter()
        .map(|(first, _)| first as usize)
        .find(|&first| first >= threshold && first > 0)
        .unwrap_or(n)
}

/// Platform names by how many games have them, most common first, at most
/// [`MAX_PLATFORMS`] of them (the rarer ones are counted in `stats`).
fn platform_table(games: &[Game], stats: &mut BuildStats) -> Vec<String> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for p in games.iter().flat_map(|g| &g.platforms) {
        *counts.entry(p).or_default() += 1;
    }
    let mut names: Vec<(&str, usize)> = counts.into_iter().collect();
    names.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    stats.platforms_dropped = names.len().saturating_sub(MAX_PLATFORMS);
    names.truncate(MAX_PLATFORMS);
    names.into_iter().map(|(n, _)| n.to_string()).collect()
}

/// `(first dense id, range)` of every title shard: a small head, then equal shards.
fn title_chunks(n: usize, options: &BuildOptions) -> Vec<(u32, std::ops::Range<usize>)> {
    let mut chunks = Vec::new();
    let head = options.head_titles.max(1).min(n);
    chunks.push((0, 0..head));
    // The rest in equal shards of at most `title_shard_size` games.
    let rest = n - head;
    let count = rest.div_ceil(options.title_shard_size.max(1));
    let size = rest.div_ceil(count.max(1)).max(1);
    let mut start = head;
    while start < n {
        let end = (start + size).min(n);
        chunks.push((start as u32, start..end));
        start = end;
    }
    chunks
}

/// The covers of the games after the first tier, in blocks of `block_size` games (none when
/// there are no such games).
fn cover_parts(games: &[Game], first_tier_end: usize, block_size: usize) -> Vec<EncodedPart> {
    let later = games.get(first_tier_end..).unwrap_or_default();
    let block_size = block_size.max(1);
    later
        .chunks(block_size)
        .enumerate()
        .map(|(block, chunk)| {
            let first = (first_tier_end + block * block_size) as u32;
            let shard = CoverShard {
                first_game: first,
                covers: Covers::from_ids(chunk.iter().map(|g| g.cover_image_id.as_deref())),
            };
            EncodedPart {
                stem: format!("covers-{first}"),
                role: FileRole::Covers,
                raw: shard.encode(),
                games: chunk.len(),
                first,
            }
        })
        .collect()
}

/// The games of one title shard with their per-game facts.
struct TitleRows<'a> {
    games: &'a [Game],
    main: &'a [bool],
    notability: &'a [u8],
}

fn title_shard(rows: TitleRows, first: u32, platform_names: &[String]) -> TitleShard {
    let TitleRows {
        games,
        main,
        notability,
    } = rows;
    let platform_index: HashMap<&str, u16> = platform_names
        .iter()
        .zip(0..=u16::MAX)
        .map(|(n, i)| (n.as_str(), i))
        .collect();
    TitleShard {
        first_game: first,
        platform_names: platform_names.to_vec(),
        names: games.iter().map(|g| g.name.as_str()).collect(),
        igdb_ids: games.iter().map(|g| g.igdb_id as u32).collect(),
        years: games
            .iter()
            .map(|g| g.release_year().unwrap_or(0))
            .collect(),
        platforms: games
            .iter()
            .map(|g| -> Vec<u16> {
                g.platforms
                    .iter()
                    .filter_map(|p| platform_index.get(p.as_str()).copied())
                    .collect()
            })
            .collect(),
        covers: Covers::from_ids(games.iter().map(|g| g.cover_image_id.as_deref())),
        flags: games
            .iter()
            .zip(main)
            .map(|(g, &is_main)| {
                let mut f = 0;
                if is_main {
                    f |= flags::MAIN_GAME;
                }
                if g.critic_rating.is_some() {
                    f |= flags::RATED;
                }
                f
            })
            .collect(),
        notability: notability.to_vec(),
        aliases: games
            .iter()
            .enumerate()
            .flat_map(|(row, g)| aliases(g).into_iter().map(move |a| (row as u32, a)))
            .collect(),
    }
}

/// Alternative names kept per game, at most.
const MAX_ALIASES: usize = 8;

/// A game's other names for search: its alternative names, and its slug when that holds a
/// word the title lacks (a former title), each spelled differently from the title and from
/// each other.
fn aliases(game: &Game) -> Vec<String> {
    let mut seen = vec![text::normalize(&game.name)];
    let title_words: HashSet<String> = text::tokens(&game.name).into_iter().collect();
    let former = game
        .slug
        .as_deref()
        .map(slug_words)
        .filter(|words| text::tokens(words).iter().any(|w| !title_words.contains(w)));
    let mut out = Vec::new();
    for name in game.alternative_names.iter().cloned().chain(former) {
        let normalized = text::normalize(&name);
        if out.len() == MAX_ALIASES || normalized.is_empty() || seen.contains(&normalized) {
            continue;
        }
        seen.push(normalized);
        out.push(name);
    }
    out
}

/// A slug as words: "playerunknowns-battlegrounds--1" → "playerunknowns battlegrounds".
fn slug_words(slug: &str) -> String {
    let base = match slug.rsplit_once("--") {
        Some((base, n)) if n.bytes().all(|b| b.is_ascii_digit()) => base,
        _ => slug,
    };
    base.replace('-', " ")
}

fn details(game: &Game, keep_summary: bool) -> GameDetails {
    GameDetails {
        summary: if keep_summary {
            game.summary.clone()
        } else {
            None
        },
        genres: game.genres.clone(),
        themes: game.themes.clone(),
        developers: game.developers.clone(),
        publishers: game.publishers.clone(),
        series: game.series.clone(),
        game_modes: game.game_modes.clone(),
        perspectives: game.perspectives.clone(),
        critic_rating: game.critic_rating,
        release_date: game.release_date,
        links: game.links.clone(),
    }
}

/// One part, encoded but not yet compressed.
struct EncodedPart {
    /// File name without hash and extension, e.g. `titles-0` or `details/1024`.
    stem: String,
    role: FileRole,
    raw: Vec<u8>,
    games: usize,
    first: u32,
}

impl EncodedPart {
    /// How this part is compressed, and by what: LZMA for the later title tiers (the bulk of
    /// the up-front bytes, which the first answers do not wait for), the builder's gzip for
    /// the first tier, the feature parts and the cover blocks, and the default gzip for the
    /// details shards (hundreds of them, fetched one at a time).
    fn encoding(&self, options: &BuildOptions) -> (Encoding, Compressor) {
        match self.role {
            FileRole::Search if self.first > 0 => (Encoding::Lzma, format::lzma),
            FileRole::Search | FileRole::Recommend | FileRole::Covers => {
                (Encoding::Gzip, options.compress)
            }
            FileRole::Details => (Encoding::Gzip, format::gzip),
        }
    }

    /// Compresses the part and describes it for the manifest: `(entry, (path, stored))`.
    fn store(
        &self,
        (encoding, compress): (Encoding, Compressor),
    ) -> (ManifestFile, (String, Vec<u8>)) {
        let stored = compress(&self.raw);
        let sha256 = format::sha256_hex(&stored);
        // Named by the first 12 hex digits of the hash the manifest lists.
        let path = format!(
            "{}-{}.bin.{}",
            self.stem,
            &sha256[..12],
            encoding.extension()
        );
        let entry = ManifestFile {
            path: path.clone(),
            role: self.role,
            sha256,
            bytes: stored.len() as u64,
            raw_bytes: self.raw.len() as u64,
            encoding,
            first_game: self.first,
            game_count: self.games as u32,
        };
        (entry, (path, stored))
    }
}

/// `2026-11-30T04:40:00Z` → `20261130T044000Z`.
fn compact_timestamp(rfc3339: &str) -> String {
    rfc3339
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{gunzip, open_stored};
    use crate::{GameId, IgdbId};

    fn game(id: u64, name: &str, genres: &[&str], links: usize) -> Game {
        Game {
            igdb_id: id,
            name: name.into(),
            genres: genres.iter().map(|s| s.to_string()).collect(),
            platforms: vec!["PC".into()],
            links: (0..links)
                .map(|i| format!("https://example.org/{i}"))
                .collect(),
            ..Game::default()
        }
    }

    /// More than 65,536 platform names once wrapped their `u16` references silently, so a
    /// game showed another game's platform.
    #[test]
    fn platforms_past_the_u16_table_are_left_out_not_wrapped() {
        let extra = 10;
        let games: Vec<Game> = (0..MAX_PLATFORMS + extra)
            .map(|i| Game {
                igdb_id: i as u64 + 1,
                name: format!("Game {i}"),
                // Platform `p{i}` on game i, and on every tenth game `common`, so `common`
                // heads the table and the last names (by count then name) are rare ones.
                platforms: [format!("p{i:06}")]
                    .into_iter()
                    .chain((i % 10 == 0).then(|| "common".to_string()))
                    .collect(),
                ..Game::default()
            })
            .collect();
        let mut stats = BuildStats::default();
        let table = platform_table(&games, &mut stats);
        assert_eq!(
            (table.len(), stats.platforms_dropped),
            (MAX_PLATFORMS, extra + 1)
        );
        assert_eq!(table[0], "common");
        let main = vec![true; games.len()];
        let notability = vec![0; games.len()];
        let rows = TitleRows {
            games: &games,
            main: &main,
            notability: &notability,
        };
        let shard = title_shard(rows, 0, &table);
        let in_table: HashSet<&str> = table.iter().map(String::as_str).collect();
        for (i, refs) in shard.platforms.iter().enumerate() {
            let named: Vec<&str> = refs
                .iter()
                .map(|&p| table[usize::from(p)].as_str())
                .collect();
            let own: Vec<&str> = games[i]
                .platforms
                .iter()
                .map(String::as_str)
                .filter(|p| in_table.contains(p))
                .collect();
            assert_eq!(named, own, "game {i} names exactly its own kept platforms");
        }
        // The 11 dropped names are the last `p…` ones; one of their games also has `common`.
        let without = shard
            .platforms
            .iter()
            .filter(|refs| refs.is_empty())
            .count();
        assert_eq!(without, extra);
    }

    /// Six games with covers (game 5's of another shape), a first tier of 2 and cover blocks
    /// of `block` games.
    fn covered_index(block: usize) -> BuiltIndex {
        let games: Vec<Game> = (1..=6)
            .map(|id| Game {
                cover_image_id: Some(if id == 5 {
                    "sc_odd".into()
                } else {
                    format!("co{id}")
                }),
                ..game(id, &format!("Game {id}"), &["Puzzle"], 6 - id as usize)
            })
            .collect();
        let options = BuildOptions {
            head_titles: 2,
            title_shard_size: 2,
            cover_block_size: block,
            ..BuildOptions::default()
        };
        build_index(games, &options)
    }

    /// The expected cover of a game: `co<IGDB id>`, or game 5's odd one.
    fn expected_cover(library: &Library, game: GameId) -> Option<String> {
        let id = library.card(game)?.igdb_id;
        Some(if id == IgdbId(5) {
            "sc_odd".into()
        } else {
            format!("co{id}")
        })
    }

    #[test]
    fn later_tiers_covers_come_in_blocks_that_tile_them_and_reach_the_cards() {
        let built = covered_index(3);
        let id = GameId::new;
        let blocks: Vec<&ManifestFile> = built.manifest.files_with_role(FileRole::Covers).collect();
        let ranges: Vec<(u32, u32)> = blocks
            .iter()
            .map(|f| (f.first_game, f.game_count))
            .collect();
        assert_eq!(ranges, [(2, 3), (5, 1)], "games 2..6 in blocks of 3");
        assert!(
            built.manifest.upfront_files().all(|f| f.role.is_upfront()),
            "cover blocks are not loaded up front"
        );
        assert_eq!(
            built.manifest.covers_file_for(id(1)),
            None,
            "the first tier's are in titles-0"
        );
        assert_eq!(built.manifest.covers_file_for(id(4)), Some(blocks[0]));
        assert_eq!(built.manifest.covers_file_for(id(5)), Some(blocks[1]));
        let mut library = Library::new();
        for (entry, (_, stored)) in built.manifest.files.iter().zip(&built.files) {
            if entry.role.is_upfront() {
                library.add_file(entry, stored).unwrap();
            }
        }
        // Up front: the first tier's covers only; a missing block means no cover, no panic.
        for game in (0..6).map(id) {
            let later = game >= id(2);
            assert_eq!(library.needs_cover_block(game), later, "game {game}");
            let expected = if later {
                None
            } else {
                expected_cover(&library, game)
            };
            assert_eq!(library.cover_of(game), expected, "game {game}");
            assert_eq!(library.card(game).unwrap().cover, expected);
        }
        // The second block alone: lookups across blocks find only what is loaded.
        let (entry, stored) = built
            .manifest
            .files
            .iter()
            .zip(&built.files)
            .find(|(f, _)| f.path == blocks[1].path)
            .map(|(f, (_, stored))| (f, stored))
            .unwrap();
        library.add_file(entry, stored).unwrap();
        assert_eq!(library.cover_of(id(5)), expected_cover(&library, id(5)));
        assert_eq!(library.cover_of(id(4)), None);
        assert!(library.needs_cover_block(id(4)) && !library.needs_cover_block(id(5)));
        let whole = built.load().unwrap();
        let covers: Vec<Option<String>> =
            (0..6).map(|g| whole.card(id(g)).unwrap().cover).collect();
        let expected: Vec<Option<String>> = (0..6).map(|g| expected_cover(&whole, id(g))).collect();
        assert_eq!(covers, expected);
        assert!((0..6).all(|g| !whole.needs_cover_block(id(g))));
        let head = TitleShard::decode(&gunzip(&built.files[0].1).unwrap()).unwrap();
        assert_eq!(head.covers.len(), 2, "the first tier keeps its own covers");
    }

    #[test]
    fn a_corrupt_cover_block_is_refused_naming_the_file() {
        let built = covered_index(3);
        let at = built
            .manifest
            .files
            .iter()
            .position(|f| f.role == FileRole::Covers)
            .unwrap();
        let (entry, mut stored) = (&built.manifest.files[at], built.files[at].1.clone());
        let middle = stored.len() / 2;
        stored[middle] ^= 0x5a;
        let mut library = built.load().unwrap();
        let err = library.add_file(entry, &stored).unwrap_err().to_string();
        assert!(err.contains(&entry.path), "{err}");
        // A block already loaded cannot be added twice.
        let err = library.add_file(entry, &built.files[at].1).unwrap_err();
        assert!(matches!(err, LibraryError::OverlappingShard(2)), "{err}");
    }

    #[test]
    fn cover_blocks_of_several_sizes_hold_the_same_covers() {
        let one = covered_index(1).load().unwrap();
        let all = covered_index(100).load().unwrap();
        assert_eq!(
            covered_index(1)
                .manifest
                .files_with_role(FileRole::Covers)
                .count(),
            4
        );
        assert_eq!(
            covered_index(100)
                .manifest
                .files_with_role(FileRole::Covers)
                .count(),
            1
        );
        for game in (0..6).map(GameId::new) {
            assert_eq!(one.cover_of(game), all.cover_of(game));
            assert!(all.cover_of(game).is_some());
        }
    }

    #[test]
    fn builds_a_consistent_index() {
        let games = vec![
            game(1, "Obscure", &["Puzzle"], 0),
            game(2, "Famous", &["Puzzle", "Indie"], 5),
            game(2, "Duplicate", &["Puzzle"], 9),
            game(3, "Middle", &["Indie"], 2),
        ];
        let options = BuildOptions {
            head_titles: 2,
            title_shard_size: 10,
            details_shard_size: 2,
            ..BuildOptions::default()
        };
        let built = build_index(games, &options);
        assert_eq!(built.stats.duplicates_dropped, 1);
        assert_eq!(built.manifest.games, 3);
        let roles: Vec<FileRole> = built.manifest.files.iter().map(|f| f.role).collect();
        assert_eq!(
            roles,
            vec![
                FileRole::Search,
                FileRole::Recommend,
                FileRole::Search,
                FileRole::Recommend,
                FileRole::Covers,
                FileRole::Details,
                FileRole::Details
            ],
            "first answers (first titles and features) come first, the later covers last"
        );
        let encodings: Vec<(Encoding, &str)> = (built.manifest.files.iter())
            .map(|f| (f.encoding, f.path.rsplit('.').next().unwrap()))
            .collect();
        assert_eq!(
            encodings[..4],
            [
                (Encoding::Gzip, "gz"),
                (Encoding::Gzip, "gz"),
                (Encoding::Lzma, "lzma"),
                (Encoding::Gzip, "gz")
            ],
            "only the later title tiers are LZMA, and their names say so"
        );
        for (entry, (path, stored)) in built.manifest.files.iter().zip(&built.files) {
            assert_eq!(&entry.path, path);
            let raw = open_stored(entry, stored).unwrap();
            assert_eq!(raw.len() as u64, entry.raw_bytes);
        }
        let head = TitleShard::decode(&gunzip(&built.files[0].1).unwrap()).unwrap();
        assert_eq!(
            head.names.iter().collect::<Vec<_>>(),
            vec!["Famous", "Middle"],
            "most notable first, in id order"
        );
        assert_eq!(head.igdb_ids, vec![2, 3]);
        assert!(head.notability[0] > head.notability[1]);
        let first = FeaturePart::decode(&gunzip(&built.files[1].1).unwrap()).unwrap();
        let rest = FeaturePart::decode(&gunzip(&built.files[3].1).unwrap()).unwrap();
        let names: Vec<&str> = first.features.iter().map(|f| f.name.as_str()).collect();
        // Shared genres are kept; platforms and title words are derived by the reader.
        assert!(names.contains(&"Puzzle") && names.contains(&"Indie"));
        assert!(!names.contains(&"PC") && !names.contains(&"famous"));
        // The first part covers the first tier, the rest the others; df counts every game.
        assert_eq!(
            (first.first_game, first.games, first.total_games),
            (0, 2, 3)
        );
        assert_eq!((rest.first_game, rest.games, rest.first_feature), (2, 1, 2));
        let puzzle = first
            .features
            .iter()
            .position(|f| f.name == "Puzzle")
            .unwrap();
        assert_eq!(first.features[puzzle].df, 2, "Famous and Obscure");
        assert_eq!((first.counts[puzzle], rest.counts[puzzle]), (1, 1));
        assert!(
            rest.features.is_empty(),
            "Obscure has no feature of its own"
        );
    }

    #[test]
    fn alternative_names_and_former_titles_are_searched_never_shown() {
        let mut pubg = game(27789, "PUBG: Battlegrounds", &["Shooter"], 3);
        pubg.alternative_names = vec!["PUBG".into(), "絕地求生".into(), "pubg".into()];
        pubg.slug = Some("playerunknowns-battlegrounds".into());
        let mut hades = game(113112, "Hades", &["Indie"], 2);
        hades.slug = Some("hades--1".into());
        let library = build_index(vec![pubg, hades], &BuildOptions::default())
            .load()
            .unwrap();
        let aka = |q: &str| {
            let hits = library.search(q, 5);
            let card = library.card(hits[0].game).unwrap();
            (card.name.to_string(), hits[0].also_known_as.clone())
        };
        assert_eq!(
            aka("playerunknowns battlegrounds"),
            (
                "PUBG: Battlegrounds".to_string(),
                Some("playerunknowns battlegrounds".to_string())
            )
        );
        assert_eq!(
            aka("絕地求生"),
            ("PUBG: Battlegrounds".into(), Some("絕地求生".into()))
        );
        assert_eq!(
            aka("pubg battlegrounds"),
            ("PUBG: Battlegrounds".into(), None)
        );
        assert_eq!(
            aka("hades"),
            ("Hades".into(), None),
            "a slug like the title adds nothing"
        );
        let head = TitleShard::decode(
            &gunzip(&build_index(vec![game(1, "A", &[], 0)], &BuildOptions::default()).files[0].1)
                .unwrap(),
        )
        .unwrap();
        assert!(head.aliases.is_empty());
    }

    #[test]
    fn builds_are_deterministic() {
        let games = || vec![game(1, "A", &["X"], 1), game(2, "B", &["X"], 1)];
        let a = build_index(games(), &BuildOptions::default());
        let b = build_index(games(), &BuildOptions::default());
        assert_eq!(a.manifest, b.manifest);
    }

    /// Terms a source gives (best first, as the committed sample lists them) are cut to the
    /// same budget as derived ones: `per_game` in the notable tiers, `tail_terms` past them.
    #[test]
    fn given_terms_keep_the_per_game_budget() {
        let games: Vec<Game> = (1..=4)
            .map(|id| Game {
                terms: ["first", "second", "third", "fourth", "fifth"]
                    .map(String::from)
                    .to_vec(),
                ..game(id, &format!("Game {id}"), &["X"], 1)
            })
            .collect();
        let options = BuildOptions {
            head_titles: 2,
            title_shard_size: 2,
            terms: TermOptions {
                per_game: 3,
                ..TermOptions::default()
            },
            tail_terms: 1,
            tail_share: 0.5,
            ..BuildOptions::default()
        };
        // Games in tier order: the first tier (2 games) is notable, the second is the tail.
        let terms = tiered_terms(&games, &options);
        let kept: Vec<usize> = terms.iter().map(Vec::len).collect();
        assert_eq!(kept, vec![3, 3, 1, 1]);
        assert_eq!(
            terms[0],
            vec!["first", "second", "third"],
            "the best terms stay"
        );
    }
}
