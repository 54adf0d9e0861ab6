//! Title search as you type, over every loaded title and alternative name.
//!
//! The structure is built in memory from the titles (nothing extra is downloaded):
//! - rows: one per title, then one per alternative name (an alias row points at its game);
//! - a sorted dictionary of normalised row words, each with the ascending rows that contain
//!   it, and per row its word ids (to check the other query words of a candidate);
//! - the initials of each title and of each of its parts ("gta" for "Grand Theft Auto V",
//!   "cod" for "Call of Duty: Black Ops"), hashed, for acronym queries;
//! - the games in notability order, for scans of very common words;
//! - a symmetric-delete table (hashes of every word with one character removed) for typos.
//!
//! A query word matches dictionary words exactly, as a prefix (the word being typed), with
//! one typo (two for long words, transpositions included), as part of a compound written
//! apart ("star craft" → "StarCraft") or glued ("deadcells" → "Dead Cells"), or as initials.
//! Store suffixes ("Steam Edition", "Demo", …) are optional words, and a bilingual query
//! ("Night Shift / ナイトシフト") is also tried half by half.
//!
//! Search runs in two phases. **Full matches** have every required word: the most selective
//! word drives, its rows are checked against the others (a very common driver is replaced by
//! a scan in notability order that stops after enough matches). When no game matches fully,
//! **partial matches** answer instead (scored below any full match): rows sharing any of the
//! rarest words (a bounded number of postings), with typos allowed in short and half-typed
//! words too, ranked by the idf-weighted share of the query they cover, then notability. So
//! a query never comes back empty while any of its words, or a near spelling, is known.

mod column;
mod query;

use std::collections::HashMap;

use rustc_hash::FxBuildHasher;

use crate::ids::GameId;
use crate::sorting::{self, descending, from_descending, high, key, low};
use crate::text;
use column::{bounded_distance, hash_chars, DeleteTable, TextColumn};
use query::{Form, QueryWord};

/// One search result of a [`crate::Library`].
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub game: GameId,
    pub score: f32,
    /// The alternative name that matched, when it matched better than the title.
    pub also_known_as: Option<String>,
}

/// One result of a [`TitleIndex`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TitleHit {
    /// Row of the game within this title index (a title shard's own numbering;
    /// [`crate::Library::search`] makes it a [`GameId`] by adding the shard's first game).
    pub game: u32,
    /// Above [`FULL_MATCH`] for full matches.
    pub score: f32,
    /// Index (into the aliases the index was built with) of the alias that matched.
    pub alias: Option<u32>,
}

/// Score added to every full match, so full matches rank above every partial one.
pub const FULL_MATCH: f32 = 10.0;

/// Above this many candidate rows, the driving word is scanned in notability order instead.
const SCAN_THRESHOLD: usize = 5_000;
/// Matches collected by a scan before it stops.
const SCAN_CAP: usize = 50;
/// Games a scan looks at, at most: every word of such a query is common, so the player most
/// likely means a well-known game, and the next keystroke narrows the search anyway. This
/// bounds the worst keystroke.
const SCAN_LIMIT: usize = 30_000;
/// Postings a partial search reads at most (from its rarest words): partial matching must
/// not cost more than a full search.
const PARTIAL_BUDGET: usize = 2_000;
/// Rows scored on every word per result wanted, after the first score from the postings.
const PARTIAL_VERIFY_PER_HIT: usize = 4;
/// Best-known games a partial search scores when every query word is very common.
const PARTIAL_SCAN: usize = 2_000;
/// Words with at least this many characters tolerate one typo; see [`max_typos`].
const MIN_TYPO_CHARS: usize = 4;
/// Words of a prefix-typed compound tried, at most.
const MAX_COMPOUND_WORDS: usize = 16;
/// Row lists up to this long are deduplicated by sorting, longer ones with a bitmap.
const SMALL_ROW_LIST: usize = 256;
/// Ways a query word is split into two dictionary words, at most.
const MAX_SPLITS: usize = 3;
/// Shortest part of a split compound, in characters.
const MIN_PART_CHARS: usize = 3;
/// Initials indexed and looked up: three to eight letters.
const ACRONYM_LETTERS: std::ops::RangeInclusive<usize> = 3..=8;

const EXACT_QUALITY: f32 = 1.0;
const COMPOUND_QUALITY: f32 = 0.9;
const ACRONYM_QUALITY: f32 = 0.85;
const TYPO1_QUALITY: f32 = 0.6;
/// A typo in a word of three letters, tried by partial matching only.
const SHORT_TYPO_QUALITY: f32 = 0.5;
const TYPO2_QUALITY: f32 = 0.45;

fn max_typos(chars: usize) -> usize {
    match chars {
        0..MIN_TYPO_CHARS => 0,
        MIN_TYPO_CHARS..=7 => 1,
        _ => 2,
    }
}

/// The in-memory title index.
#[derive(Debug, Default)]
pub struct TitleIndex {
    games: usize,
    /// Game of each alias row (rows `games..`).
    alias_game: Vec<u32>,
    /// Sorted, unique normalised words.
    words: TextColumn,
    /// `word_rows[word_starts[w]..word_starts[w + 1]]`: rows with word `w`, ascending.
    word_starts: Vec<u32>,
    word_rows: Vec<u32>,
    /// `row_words[row_starts[r]..row_starts[r + 1]]`: word ids of row `r`, ascending.
    row_starts: Vec<u32>,
    row_words: Vec<u32>,
    /// Number of real (not compound) words in each row, "the" excluded.
    row_len: Vec<u8>,
    /// Normalised rows without spaces, leading "the" removed, for exact comparisons
    /// ("halflife" is exactly "Half-Life").
    normalized: TextColumn,
    /// `(hash of initials, row)`, sorted.
    acronyms: Vec<(u32, u32)>,
    /// Notability byte per game (the ranking prior is it over 255; see [`TitleIndex::prior`]).
    notability: Vec<u8>,
    /// Games, best known first: as many as a scan may look at.
    by_notability: Vec<u32>,
    /// Words by the hash of their spelling with one char deleted (and whole).
    deletes: DeleteTable,
    main: Vec<bool>,
}

/// What one query word matches.
#[derive(Debug, Clone, Default)]
struct TermMatch {
    /// Dictionary ids matched exactly or as a prefix: the word, and its roman-numeral
    /// letters while it is typed ("v" for "5"; usually empty).
    ranges: [std::ops::Range<u32>; 2],
    /// Length of the query word in bytes.
    query_len: usize,
    /// Other dictionary words (typos, compounds) with their quality, sorted by word id.
    others: Vec<(u32, f32)>,
    /// Range of [`TitleIndex::acronyms`] whose initials are the word.
    acronyms: std::ops::Range<usize>,
    /// Letters of the word, when it can be initials: the title words an acronym match covers.
    acronym_letters: usize,
    /// The word split in two dictionary words ("deadcells" → "dead", "cells"), every way it
    /// splits: a row with both words of a split matches too.
    splits: Vec<[TermMatch; 2]>,
    /// Total rows over all matched words (an upper bound on candidates).
    postings: usize,
    optional: bool,
    /// Inverse document frequency: how much covering this word says.
    weight: f32,
}

impl TermMatch {
    /// Matches words or initials, not a split compound, and is required.
    fn is_plain(&self) -> bool {
        self.splits.is_empty() && !self.optional
    }
}

/// How much of a query one row covers.
#[derive(Debug, Default)]
struct Coverage {
    /// Sum of the best match quality of each matched word.
    quality: f32,
    /// Words counted: the required ones and the matched optional ones.
    counted: usize,
    matched: usize,
    /// Title words the matched query words cover.
    covered: usize,
    /// Sum of weight × quality over matched words, and of weights over counted words.
    weight_matched: f32,
    weight_counted: f32,
}

/// A scored row, before rows are folded into games.
#[derive(Debug, Clone, Copy)]
struct RowHit {
    row: u32,
    score: f32,
}

impl TitleIndex {
    /// Indexes titles by dense id; `None` marks a game whose title is not loaded yet.
    /// `notability` bytes (missing = 0) give the ranking prior and the scan order.
    pub fn build(titles: &[Option<&str>], main_game: &[bool], notability: &[u8]) -> TitleIndex {
        TitleIndex::build_with_aliases(titles, &[], main_game, notability)
    }

    /// [`TitleIndex::build`] with alternative names: `(game, name)`, searched like titles.
    /// Aliases of games out of range are ignored.
    pub fn build_with_aliases(
        titles: &[Option<&str>],
        aliases: &[(u32, &str)],
        main_game: &[bool],
        notability: &[u8],
    ) -> TitleIndex {
        let games = titles.len();
        let alias_game: Vec<u32> = aliases.iter().map(|&(game, _)| game).collect();
        let rows: Vec<&str> = titles
            .iter()
            .map(|t| t.unwrap_or(""))
            .chain(
                aliases
                    .iter()
                    .map(|&(game, name)| if (game as usize) < games { name } else { "" }),
            )
            .collect();
        let mut index = TitleIndex {
            games,
            alias_game,
            ..TitleIndex::default()
        };
        index.index_words(&rows);
        index.index_typos();
        index.main = main_game.to_vec();
        index.main.resize(games, true);
        index.notability = notability.to_vec();
        index.notability.resize(games, 0);
        // Best known first, equal notability by id; scans never look further.
        let mut by_notability: Vec<u64> = (0..games as u32)
            .filter(|&g| titles[g as usize].is_some())
            .map(|g| key(u32::from(!index.notability[g as usize]), g))
            .collect();
        let scanned = sorting::smallest(&mut by_notability, SCAN_LIMIT.max(PARTIAL_SCAN));
        index.by_notability = scanned.iter().map(|&k| low(k)).collect();
        index
    }

    /// Builds the dictionary, the postings and the per-row word lists.
    fn index_words(&mut self, rows: &[&str]) {
        let mut ids: HashMap<String, u32, FxBuildHasher> = HashMap::default();
        let mut raw_starts: Vec<u32> = Vec::with_capacity(rows.len() + 1);
        let mut raw_words: Vec<u32> = Vec::with_capacity(rows.len() * 5);
        let mut row_len = Vec::with_capacity(rows.len());
        let mut normalized = TextColumn::default();
        let (mut buffer, mut previous, mut compound, mut squashed) =
            (String::new(), String::new(), String::new(), String::new());
        let mut initials = Initials::default();
        raw_starts.push(0);
        for (r, row) in rows.iter().enumerate() {
            let is_title = r < self.games;
            let begin = raw_words.len();
            let (mut count, mut the_count, mut leading_the) = (0usize, 0usize, false);
            squashed.clear();
            previous.clear();
            let mut intern = |w: &str| match ids.get(w) {
                Some(&id) => id,
                None => {
                    let id = ids.len() as u32;
                    ids.insert(w.to_string(), id);
                    id
                }
            };
            initials.start(r as u32);
            text::for_each_word(row, &mut buffer, |token| {
                let word = token.text;
                if is_title {
                    initials.add(word, token.new_part);
                }
                raw_words.push(intern(word));
                if token.joined {
                    compound.clear();
                    compound.push_str(&previous);
                    compound.push_str(word);
                    raw_words.push(intern(&compound));
                }
                leading_the |= count == 0 && word == "the";
                the_count += usize::from(word == "the");
                count += 1;
                squashed.push_str(word);
                previous.clear();
                previous.push_str(word);
            });
            if is_title {
                initials.finish();
            }
            sort_dedup_tail(&mut raw_words, begin);
            raw_starts.push(raw_words.len() as u32);
            row_len.push((count - the_count).clamp(1, 255) as u8);
            // Glued words, a leading "the" dropped: "The Half-Life" → "halflife".
            let skip = if leading_the && count > 1 { 3 } else { 0 };
            normalized.push(&squashed[skip..]);
        }
        let renumber = self.sorted_dictionary(ids);
        self.invert(&raw_starts, &raw_words, &renumber);
        sorting::sort(&mut initials.found);
        self.acronyms = initials.found.iter().map(|&k| (high(k), low(k))).collect();
        normalized.shrink_to_fit();
        self.normalized = normalized;
        self.row_len = row_len;
    }

    /// Sorts the interned words into the dictionary; returns new id by old id.
    fn sorted_dictionary(&mut self, ids: HashMap<String, u32, FxBuildHasher>) -> Vec<u32> {
        let mut by_text: Vec<(String, u32)> = ids.into_iter().collect();
        by_text.sort_unstable();
        let mut renumber = vec![0u32; by_text.len()];
        let mut words = TextColumn::default();
        for (new, (word, old)) in by_text.iter().enumerate() {
            renumber[*old as usize] = new as u32;
            words.push(word);
        }
        words.shrink_to_fit();
        self.words = words;
        renumber
    }

    /// Per-row word lists in dictionary ids, and per-word row lists.
    fn invert(&mut self, raw_starts: &[u32], raw_words: &[u32], renumber: &[u32]) {
        let mut row_starts = Vec::with_capacity(raw_starts.len());
        let mut row_words = Vec::with_capacity(raw_words.len());
        let mut counts = vec![0u32; self.words.len()];
        row_starts.push(0);
        for range in raw_starts.windows(2) {
            let own = &raw_words[range[0] as usize..range[1] as usize];
            let start = row_words.len();
            row_words.extend(own.iter().map(|&w| renumber[w as usize]));
            row_words[start..].sort_unstable();
            for &w in &row_words[start..] {
                counts[w as usize] += 1;
            }
            row_starts.push(row_words.len() as u32);
        }
        let mut word_starts = Vec::with_capacity(counts.len() + 1);
        let mut acc = 0u32;
        word_starts.push(0);
        for c in &counts {
            acc += c;
            word_starts.push(acc);
        }
        let mut fill = word_starts.clone();
        let mut word_rows = vec![0u32; acc as usize];
        for (row, range) in row_starts.windows(2).enumerate() {
            for &w in &row_words[range[0] as usize..range[1] as usize] {
                word_rows[fill[w as usize] as usize] = row as u32;
                fill[w as usize] += 1;
            }
        }
        (self.row_starts, self.row_words) = (row_starts, row_words);
        (self.word_starts, self.word_rows) = (word_starts, word_rows);
    }

    /// The symmetric-delete table of the dictionary.
    fn index_typos(&mut self) {
        let mut deletes = Vec::new();
        for id in 0..self.words.len() {
            let chars: Vec<char> = self.words.get(id).chars().collect();
            if chars.len() + 1 >= MIN_TYPO_CHARS {
                deletes.push(key(hash_chars(&chars, usize::MAX), id as u32));
                for skip in 0..chars.len() {
                    deletes.push(key(hash_chars(&chars, skip), id as u32));
                }
            }
        }
        self.deletes = DeleteTable::new(deletes);
    }

    /// Ranking prior of a game, 0–1: how well known it is.
    fn prior(&self, game: usize) -> f32 {
        f32::from(self.notability[game]) / 255.0
    }

    /// Number of distinct words indexed.
    pub fn vocabulary(&self) -> usize {
        self.words.len()
    }

    /// Every dictionary word of the titles (aliases left out) with the ascending games whose
    /// titles contain it.
    pub fn words(&self) -> impl Iterator<Item = (&str, &[u32])> {
        (0..self.words.len()).filter_map(|w| {
            let rows = self.rows_with(w as u32);
            let titles = &rows[..rows.partition_point(|&r| (r as usize) < self.games)];
            (!titles.is_empty()).then(|| (self.words.get(w), titles))
        })
    }

    /// The best `k` games for a query, best first: full matches or, when there are none,
    /// partial ones.
    pub fn search(&self, query: &str, k: usize) -> Vec<TitleHit> {
        let prepared = self.prepare(query);
        let hits = prepared.full(k);
        if hits.is_empty() {
            prepared.partial(k)
        } else {
            hits
        }
    }

    /// Reads a query and matches its words against this index's dictionary, once for both
    /// phases.
    pub fn prepare(&self, query: &str) -> PreparedQuery<'_> {
        let typing = !query.ends_with(char::is_whitespace);
        let forms = query::forms(query, typing)
            .into_iter()
            .filter_map(|(text_of_form, typing)| query::parse(text_of_form, typing))
            .map(|form| {
                let terms = self.match_terms(&form.words, None);
                (form, terms)
            })
            .collect();
        PreparedQuery { index: self, forms }
    }

    fn title_hit(&self, hit: RowHit) -> TitleHit {
        let row = hit.row as usize;
        let (game, alias) = match row.checked_sub(self.games) {
            Some(alias) => (self.alias_game[alias], Some(alias as u32)),
            None => (hit.row, None),
        };
        TitleHit {
            game,
            score: hit.score,
            alias,
        }
    }

    fn game_of(&self, row: u32) -> usize {
        let row = row as usize;
        row.checked_sub(self.games)
            .map_or(row, |alias| self.alias_game[alias] as usize)
    }

    fn rows_with(&self, word: u32) -> &[u32] {
        let w = word as usize;
        &self.word_rows[self.word_starts[w] as usize..self.word_starts[w + 1] as usize]
    }

    fn words_of(&self, row: u32) -> &[u32] {
        let r = row as usize;
        &self.row_words[self.row_starts[r] as usize..self.row_starts[r + 1] as usize]
    }

    /// Dictionary ids of `word`, or of every word it is a prefix of.
    fn word_range(&self, word: &str, prefix: bool) -> std::ops::Range<u32> {
        let start = self.words.partition_point(0, |w| w < word);
        let end = if prefix {
            self.words.partition_point(start, |w| w.starts_with(word))
        } else {
            start + usize::from(start < self.words.len() && self.words.get(start) == word)
        };
        start as u32..end as u32
    }

    fn postings_of(&self, range: &std::ops::Range<u32>) -> usize {
        (self.word_starts[range.end as usize] - self.word_starts[range.start as usize]) as usize
    }

    /// Matches every query word. With the strict matches of the same words (`strict`), the
    /// relaxed matching of partial search: a typo is also allowed in a three-letter word and
    /// in a word still being typed; the other words keep their strict matches.
    fn match_terms(&self, words: &[QueryWord], strict: Option<&[TermMatch]>) -> Vec<TermMatch> {
        let joins = self.joined_compounds(words);
        let mut terms = Vec::with_capacity(words.len());
        for (i, (word, joined)) in words.iter().zip(joins).enumerate() {
            let relaxed = strict.is_some();
            if let Some(strict) = strict.filter(|_| !relaxes(word)) {
                terms.push(strict[i].clone());
                continue;
            }
            let mut term = self.match_word(word, relaxed);
            term.others.extend(joined);
            // By word, each word's best quality first (kept by the dedup).
            let mut others: Vec<u64> = term
                .others
                .iter()
                .map(|&(w, quality)| key(w, descending(quality)))
                .collect();
            sorting::sort(&mut others);
            term.others = others
                .into_iter()
                .map(|k| (high(k), from_descending(low(k))))
                .collect();
            term.others.dedup_by_key(|o| o.0);
            term.postings += term
                .others
                .iter()
                .map(|&(w, _)| self.rows_with(w).len())
                .sum::<usize>();
            // A word the dictionary has (or starts) is not split: "daydre" is "daydream"
            // being typed, not "day" + "dre…"; "deadcells" is no title word, so it is split.
            if !word.optional && self.postings_of(&term.ranges[0]) == 0 {
                term.splits = self.split_compound(word);
                term.postings += term
                    .splits
                    .iter()
                    .map(|[head, tail]| head.postings.min(tail.postings))
                    .sum::<usize>();
            }
            terms.push(term);
        }
        let rows = (self.games + self.alias_game.len()) as f32;
        for term in &mut terms {
            term.weight = (1.0 + rows / (1.0 + term.postings as f32)).ln();
        }
        terms
    }

    /// Dictionary words a query word can stand for (typos, prefixes, initials), without
    /// compounds.
    fn match_word(&self, word: &QueryWord, relaxed: bool) -> TermMatch {
        // "Monster V" may be "Monster Viator" while typed.
        let letters = text::roman_letters(&word.text).filter(|_| word.prefix && word.roman);
        let ranges = [
            self.word_range(&word.text, word.prefix),
            letters.map_or(0..0, |r| self.word_range(r, true)),
        ];
        let chars: Vec<char> = word.text.chars().collect();
        // A word still being typed is a prefix: a typo in it only counts once it is longer.
        let max = if relaxed {
            max_typos(chars.len()).max(usize::from(chars.len() == 3))
        } else {
            max_typos(chars.len() - usize::from(word.prefix))
        };
        let mut others: Vec<(u32, f32)> = Vec::new();
        if max > 0 {
            for (w, distance) in self.typo_candidates(&chars, max) {
                if !ranges.iter().any(|r| r.contains(&w)) {
                    let quality = match distance {
                        1 if chars.len() < MIN_TYPO_CHARS => SHORT_TYPO_QUALITY,
                        1 => TYPO1_QUALITY,
                        _ => TYPO2_QUALITY,
                    };
                    others.push((w, quality));
                }
            }
        }
        let acronyms = self.acronym_range(&chars);
        let postings = ranges.iter().map(|r| self.postings_of(r)).sum::<usize>() + acronyms.len();
        TermMatch {
            ranges,
            query_len: word.text.len(),
            others,
            acronym_letters: if acronyms.is_empty() { 0 } else { chars.len() },
            acronyms,
            splits: Vec::new(),
            postings,
            optional: word.optional,
            weight: 0.0,
        }
    }

    /// Rows whose initials are `chars` (three to eight ASCII letters).
    fn acronym_range(&self, chars: &[char]) -> std::ops::Range<usize> {
        if !ACRONYM_LETTERS.contains(&chars.len()) || !chars.iter().all(char::is_ascii_lowercase) {
            return 0..0;
        }
        let hash = hash_chars(chars, usize::MAX);
        let start = self.acronyms.partition_point(|&(h, _)| h < hash);
        let end = start + self.acronyms[start..].partition_point(|&(h, _)| h == hash);
        start..end
    }

    /// For each query word, the dictionary compounds it forms with a neighbour ("star" +
    /// "craft" → "starcraft"), as `(word id, quality)`.
    fn joined_compounds(&self, words: &[QueryWord]) -> Vec<Vec<(u32, f32)>> {
        let mut joins = vec![Vec::new(); words.len()];
        for i in 1..words.len() {
            let (a, b) = (&words[i - 1], &words[i]);
            // "In S" being typed is not "ins…": a half-typed second part needs three letters.
            if b.prefix && b.text.chars().count() < MIN_PART_CHARS {
                continue;
            }
            let glued = format!("{}{}", a.text, b.text);
            let range = self.word_range(&glued, b.prefix);
            for w in range.take(MAX_COMPOUND_WORDS) {
                joins[i - 1].push((w, COMPOUND_QUALITY));
                joins[i].push((w, COMPOUND_QUALITY));
            }
        }
        joins
    }

    /// A long word split into two dictionary words of three letters or more ("deadcells" →
    /// "dead" + "cells"), every way it splits (at most [`MAX_SPLITS`]); the second word may
    /// be a prefix while typed.
    fn split_compound(&self, word: &QueryWord) -> Vec<[TermMatch; 2]> {
        let text = &word.text;
        let mut splits = Vec::new();
        if text.chars().count() < 2 * MIN_PART_CHARS {
            return splits;
        }
        for (at, _) in text.char_indices().skip(MIN_PART_CHARS) {
            if text[at..].chars().count() < MIN_PART_CHARS || splits.len() == MAX_SPLITS {
                break;
            }
            let (head, tail) = text.split_at(at);
            let head = self.part_match(head, self.word_range(head, false));
            if head.postings > 0 {
                let tail = self.part_match(tail, self.word_range(tail, word.prefix));
                if tail.postings > 0 {
                    splits.push([head, tail]);
                }
            }
        }
        splits
    }

    /// One word of a split compound: a dictionary range.
    fn part_match(&self, text: &str, range: std::ops::Range<u32>) -> TermMatch {
        TermMatch {
            postings: self.postings_of(&range),
            ranges: [range, 0..0],
            query_len: text.len(),
            ..TermMatch::default()
        }
    }

    /// How well dictionary word `w` matches a query word, 0 when it does not.
    fn quality(&self, term: &TermMatch, w: u32) -> f32 {
        if term.ranges[0].contains(&w) || term.ranges[1].contains(&w) {
            let len = self.words.get(w as usize).len();
            if len == term.query_len {
                EXACT_QUALITY
            } else {
                0.7 + 0.25 * term.query_len as f32 / len as f32
            }
        } else {
            term.others
                .binary_search_by_key(&w, |&(t, _)| t)
                .map_or(0.0, |at| term.others[at].1)
        }
    }

    /// Best quality of a query word in a row, and how many title words that match covers
    /// (several for initials or a split compound).
    fn row_quality(&self, term: &TermMatch, row: u32) -> (f32, usize) {
        let mut best = (0.0, 1);
        for &w in self.words_of(row) {
            let quality = self.quality(term, w);
            if quality > best.0 {
                best.0 = quality;
            }
        }
        if best.0 < ACRONYM_QUALITY && !term.acronyms.is_empty() {
            let acronyms = &self.acronyms[term.acronyms.clone()];
            if acronyms.binary_search_by_key(&row, |&(_, r)| r).is_ok() {
                best = (ACRONYM_QUALITY, term.acronym_letters);
            }
        }
        for [head, tail] in &term.splits {
            let split = self
                .row_quality(head, row)
                .0
                .min(self.row_quality(tail, row).0);
            if split * COMPOUND_QUALITY > best.0 {
                best = (split * COMPOUND_QUALITY, 2);
            }
        }
        best
    }

    /// Rows matching a query word, each once, ascending (so scoring them reads the row
    /// columns in order, which matters for thousands of rows).
    fn rows_matching(&self, term: &TermMatch) -> Vec<u32> {
        if term.postings <= SMALL_ROW_LIST {
            let mut rows: Vec<u32> = Vec::with_capacity(term.postings);
            self.for_each_row(term, &mut |row| rows.push(row));
            rows.sort_unstable();
            rows.dedup();
            return rows;
        }
        // A bitmap instead of a sort: a common prefix matches thousands of rows.
        let mut seen = vec![0u64; (self.games + self.alias_game.len()).div_ceil(64)];
        self.for_each_row(term, &mut |row| {
            seen[row as usize / 64] |= 1u64 << (row % 64)
        });
        let mut rows = Vec::with_capacity(term.postings);
        for (at, &bits) in seen.iter().enumerate() {
            let mut bits = bits;
            while bits != 0 {
                rows.push((at * 64) as u32 + bits.trailing_zeros());
                bits &= bits - 1;
            }
        }
        rows
    }

    /// Calls `each(row)` for every row a query word matches (rows can repeat).
    fn for_each_row(&self, term: &TermMatch, each: &mut dyn FnMut(u32)) {
        for range in &term.ranges {
            let (a, b) = (range.start as usize, range.end as usize);
            let rows = &self.word_rows[self.word_starts[a] as usize..self.word_starts[b] as usize];
            rows.iter().for_each(|&row| each(row));
        }
        for &(w, _) in &term.others {
            self.rows_with(w).iter().for_each(|&row| each(row));
        }
        for &(_, row) in &self.acronyms[term.acronyms.clone()] {
            each(row);
        }
        for [head, tail] in &term.splits {
            let rarer = if head.postings <= tail.postings {
                head
            } else {
                tail
            };
            self.for_each_row(rarer, each);
        }
    }

    /// Words within `max` edits of `chars` (Damerau, adjacent transpositions count once).
    fn typo_candidates(&self, chars: &[char], max: usize) -> Vec<(u32, usize)> {
        let mut probes = vec![hash_chars(chars, usize::MAX)];
        probes.extend((0..chars.len()).map(|skip| hash_chars(chars, skip)));
        if max >= 2 {
            for a in 0..chars.len() {
                let once: Vec<char> = chars
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| i != a)
                    .map(|(_, &c)| c)
                    .collect();
                probes.extend((0..once.len()).map(|skip| hash_chars(&once, skip)));
            }
        }
        probes.sort_unstable();
        probes.dedup();
        let mut found: Vec<(u32, usize)> = Vec::new();
        for probe in probes {
            for w in self.deletes.words(probe) {
                if found.iter().any(|&(f, _)| f == w) {
                    continue;
                }
                let candidate: Vec<char> = self.words.get(w as usize).chars().collect();
                if let Some(d) = bounded_distance(chars, &candidate, max) {
                    if d > 0 {
                        found.push((w, d));
                    }
                }
            }
        }
        found
    }

    /// How much of the query a row covers; `None` as soon as a required word is missing when
    /// `require_all`.
    fn coverage(&self, row: u32, terms: &[TermMatch], require_all: bool) -> Option<Coverage> {
        let mut c = Coverage::default();
        for term in terms {
            let (best, covered) = self.row_quality(term, row);
            if best == 0.0 && !term.optional && require_all {
                return None;
            }
            if best > 0.0 {
                c.quality += best;
                c.matched += 1;
                c.covered += covered;
                c.weight_matched += term.weight * best;
            }
            // A word no title has (a made-up half, a typo beyond reach) says nothing.
            if (best > 0.0 || !term.optional) && term.postings > 0 {
                c.counted += 1;
                c.weight_counted += term.weight;
            }
        }
        Some(c)
    }

    /// Full matches of one query form, appended to `hits`.
    fn full_matches(&self, terms: &[TermMatch], form: &Form, hits: &mut Vec<RowHit>) {
        let Some(driver) = terms
            .iter()
            .filter(|t| !t.optional)
            .min_by_key(|t| t.postings)
        else {
            return;
        };
        if driver.postings == 0 {
            return;
        }
        let consider = |row: u32, hits: &mut Vec<RowHit>| {
            if let Some(score) = self.full_score(row, terms, form) {
                hits.push(RowHit { row, score });
            }
        };
        if let [term] = terms {
            if term.postings <= SCAN_THRESHOLD && term.is_plain() {
                return self.one_word_matches(term, form, hits);
            }
        }
        if driver.postings <= SCAN_THRESHOLD {
            for row in self.rows_matching(driver) {
                consider(row, hits);
            }
        } else {
            let start = hits.len();
            for &game in self.by_notability.iter().take(SCAN_LIMIT) {
                consider(game, hits);
                if hits.len() - start >= SCAN_CAP {
                    break;
                }
            }
        }
    }

    /// Full matches of a one-word query with no split compound: each row's quality comes
    /// from the postings (its words, then its initials), read best first, so the rows' own
    /// word lists are never read — the costly part of scoring the thousands of rows of a
    /// short prefix.
    fn one_word_matches(&self, term: &TermMatch, form: &Form, hits: &mut Vec<RowHit>) {
        // `None` stands for the rows whose initials the word is; at equal quality, words
        // come first (as in `row_quality`).
        let mut sources: Vec<(Option<u32>, f32)> = term
            .ranges
            .iter()
            .flat_map(|range| range.clone())
            .map(|w| (Some(w), self.quality(term, w)))
            .chain(term.others.iter().map(|&(w, quality)| (Some(w), quality)))
            .collect();
        if !term.acronyms.is_empty() {
            sources.push((None, ACRONYM_QUALITY));
        }
        // Best quality first, equal ones in their order.
        let sources: Vec<(Option<u32>, f32)> =
            sorting::stable_order(sources.iter().map(|&(_, quality)| descending(quality)))
                .into_iter()
                .map(|at| sources[at as usize])
                .collect();
        let mut seen = vec![0u64; (self.games + self.alias_game.len()).div_ceil(64)];
        let mut score = |row: u32, quality: f32, covered: usize| {
            let (at, bit) = (row as usize / 64, 1u64 << (row % 64));
            if seen[at] & bit == 0 {
                seen[at] |= bit;
                let c = Coverage {
                    quality,
                    counted: 1,
                    matched: 1,
                    covered,
                    ..Coverage::default()
                };
                let score = self.scored_full(row, &c, form);
                hits.push(RowHit { row, score });
            }
        };
        for (source, quality) in sources {
            match source {
                Some(w) => self.rows_with(w).iter().for_each(|&r| score(r, quality, 1)),
                None => self.acronyms[term.acronyms.clone()]
                    .iter()
                    .for_each(|&(_, r)| score(r, quality, term.acronym_letters)),
            }
        }
    }

    /// Score of a row with every required word, or `None`.
    fn full_score(&self, row: u32, terms: &[TermMatch], form: &Form) -> Option<f32> {
        let c = self.coverage(row, terms, true)?;
        Some(self.scored_full(row, &c, form))
    }

    /// Score of a full match that covers the query as `c` says.
    fn scored_full(&self, row: u32, c: &Coverage, form: &Form) -> f32 {
        let g = self.game_of(row);
        let quality = c.quality / c.counted.max(1) as f32;
        let coverage = (c.covered as f32 / f32::from(self.row_len[row as usize])).min(1.0);
        let normalized = self.normalized.get(row as usize);
        let exact = form
            .exact
            .iter()
            .position(|e| e == normalized)
            .map_or(0.0, |level| 2.0 - 0.05 * level as f32);
        let starts = exact == 0.0 && normalized.starts_with(&form.exact[0]);
        FULL_MATCH
            + quality
            + 0.5 * coverage
            + exact
            + 0.3 * f32::from(u8::from(starts))
            + 0.8 * self.prior(g)
            + 0.1 * f32::from(u8::from(self.main[g]))
    }

    /// Partial matches of one query form, appended to `hits`. Term at a time: the postings
    /// of the rarest words (up to [`PARTIAL_BUDGET`] of them) give each row a first score
    /// from those words alone; the best rows by that score are then scored on every word.
    /// When every word is very common, the best-known games are scored instead.
    fn partial_matches(&self, terms: &[TermMatch], form: &Form, k: usize, hits: &mut Vec<RowHit>) {
        let order: Vec<usize> = (0..terms.len())
            .filter(|&t| terms[t].postings > 0)
            .collect();
        if order.is_empty() {
            return;
        }
        // Required words first, then by postings (all counts above SCAN_THRESHOLD are alike
        // below: such a word is never read), equal ones in query order.
        let rank = |t: usize| {
            let postings = terms[t].postings.min(SCAN_THRESHOLD + 1) as u32;
            u32::from(terms[t].optional) << 31 | postings
        };
        let mut order: Vec<usize> = sorting::stable_order(order.iter().map(|&t| rank(t)))
            .into_iter()
            .map(|at| order[at as usize])
            .collect();
        let mut read = 0;
        order.retain(|&t| {
            let postings = terms[t].postings;
            let take =
                postings <= SCAN_THRESHOLD && (read == 0 || read + postings <= PARTIAL_BUDGET);
            read += if take { postings } else { PARTIAL_BUDGET };
            take
        });
        // Row → (sum of weighted best qualities, last word seen, its best quality).
        let mut sums: HashMap<u32, (f32, usize, f32), FxBuildHasher> =
            HashMap::with_capacity_and_hasher(read.min(PARTIAL_BUDGET), FxBuildHasher);
        for t in order {
            let term = &terms[t];
            self.for_each_posting(term, &mut |row, quality| {
                let (sum, last, best) = sums.entry(row).or_insert((0.0, usize::MAX, 0.0));
                if *last != t {
                    (*last, *best) = (t, 0.0);
                }
                if quality > *best {
                    *sum += term.weight * (quality - *best);
                    *best = quality;
                }
            });
        }
        let candidates: Vec<u32> = if sums.is_empty() {
            self.by_notability
                .iter()
                .take(PARTIAL_SCAN)
                .copied()
                .collect()
        } else {
            let sums = sums.into_iter().map(|(row, (sum, _, _))| (sum, row));
            self.best_rows(sums, k.max(1) * PARTIAL_VERIFY_PER_HIT)
        };
        for row in candidates {
            if let Some(score) = self.partial_score(row, terms, form) {
                hits.push(RowHit { row, score });
            }
        }
    }

    /// Calls `each(row, quality)` for every row a query word matches (rows can repeat). A
    /// split compound only estimates its quality here; [`TitleIndex::row_quality`] checks it.
    fn for_each_posting(&self, term: &TermMatch, each: &mut dyn FnMut(u32, f32)) {
        for range in &term.ranges {
            for w in range.clone() {
                let quality = self.quality(term, w);
                self.rows_with(w).iter().for_each(|&row| each(row, quality));
            }
        }
        for &(w, quality) in &term.others {
            self.rows_with(w).iter().for_each(|&row| each(row, quality));
        }
        for &(_, row) in &self.acronyms[term.acronyms.clone()] {
            each(row, ACRONYM_QUALITY);
        }
        for [head, tail] in &term.splits {
            let rarer = if head.postings <= tail.postings {
                head
            } else {
                tail
            };
            self.for_each_posting(rarer, &mut |row, q| each(row, 0.5 * q * COMPOUND_QUALITY));
        }
    }

    /// The `n` rows with the highest first score plus notability (ties by row), best first.
    fn best_rows(&self, rows: impl Iterator<Item = (f32, u32)>, n: usize) -> Vec<u32> {
        let mut keys: Vec<u64> = rows
            .map(|(sum, row)| key(descending(sum + self.prior(self.game_of(row))), row))
            .collect();
        sorting::smallest(&mut keys, n)
            .iter()
            .map(|&k| low(k))
            .collect()
    }

    /// Score of a row with at least one query word, or `None`.
    fn partial_score(&self, row: u32, terms: &[TermMatch], form: &Form) -> Option<f32> {
        let c = self.coverage(row, terms, false)?;
        if c.matched == 0 {
            return None;
        }
        let g = self.game_of(row);
        let share = c.weight_matched / c.weight_counted.max(f32::MIN_POSITIVE);
        let coverage = (c.covered as f32 / f32::from(self.row_len[row as usize])).min(1.0);
        let normalized = self.normalized.get(row as usize);
        // The query starts with the whole title: a store's longer name for it.
        let contained = normalized.len() >= 3 && form.exact[0].starts_with(normalized);
        Some(
            3.0 * share
                + 0.5 * coverage
                + f32::from(u8::from(contained))
                + 0.8 * self.prior(g)
                + 0.1 * f32::from(u8::from(self.main[g])),
        )
    }
}

/// Collects the initials of a title's parts and of the whole title, as sort keys of
/// `(hash of the initials, row)`, numbers left out: "Call of Duty: Black Ops 2" gives "cod"
/// and "codbo" (a part needs three letters; "bo" is too short).
#[derive(Default)]
struct Initials {
    row: u32,
    /// Where this row's entries start in `found`.
    begin: usize,
    part: Vec<char>,
    whole: Vec<char>,
    parts: usize,
    found: Vec<u64>,
}

impl Initials {
    fn start(&mut self, row: u32) {
        self.row = row;
        self.begin = self.found.len();
        self.part.clear();
        self.whole.clear();
        self.parts = 0;
    }

    fn add(&mut self, word: &str, new_part: bool) {
        if new_part {
            self.end_part();
        }
        if !word.bytes().all(|b| b.is_ascii_digit()) {
            let first = word.chars().next().expect("words are not empty");
            self.part.push(first);
            self.whole.push(first);
        }
    }

    fn end_part(&mut self) {
        self.parts += 1;
        if ACRONYM_LETTERS.contains(&self.part.len()) {
            self.found
                .push(key(hash_chars(&self.part, usize::MAX), self.row));
        }
        self.part.clear();
    }

    fn finish(&mut self) {
        self.end_part();
        if self.parts > 1 && ACRONYM_LETTERS.contains(&self.whole.len()) {
            self.found
                .push(key(hash_chars(&self.whole, usize::MAX), self.row));
        }
        let mut len = self.found.len();
        if len - self.begin > 1 {
            sorting::sort(&mut self.found[self.begin..]);
            len = self.begin + 1;
            for read in self.begin + 1..self.found.len() {
                if self.found[read] != self.found[len - 1] {
                    self.found[len] = self.found[read];
                    len += 1;
                }
            }
        }
        self.found.truncate(len);
    }
}

/// A query read and matched against one [`TitleIndex`], ready for either phase of search.
#[derive(Debug)]
pub struct PreparedQuery<'a> {
    index: &'a TitleIndex,
    /// Each form of the query with the strict matches of its words.
    forms: Vec<(Form, Vec<TermMatch>)>,
}

impl PreparedQuery<'_> {
    /// The best `k` games with every required word, best first.
    pub fn full(&self, k: usize) -> Vec<TitleHit> {
        self.run(k, |index, form, terms, rows| {
            index.full_matches(terms, form, rows)
        })
    }

    /// The best `k` games with some query words, best first (scored below every full match).
    pub fn partial(&self, k: usize) -> Vec<TitleHit> {
        self.run(k, |index, form, terms, rows| {
            let relaxed = index.match_terms(&form.words, Some(terms));
            index.partial_matches(&relaxed, form, k, rows)
        })
    }

    fn run(
        &self,
        k: usize,
        phase: impl Fn(&TitleIndex, &Form, &[TermMatch], &mut Vec<RowHit>),
    ) -> Vec<TitleHit> {
        let index = self.index;
        if k == 0 || index.games == 0 {
            return Vec::new();
        }
        let mut rows = Vec::new();
        for (form, terms) in &self.forms {
            phase(index, form, terms, &mut rows);
        }
        let hits = rows.into_iter().map(|hit| index.title_hit(hit)).collect();
        if self.forms.len() > 1 || !index.alias_game.is_empty() {
            best_per_game(hits, k)
        } else {
            top_k(hits, k)
        }
    }
}

/// Whether partial search matches a word more loosely than full search: a three-letter word,
/// or a word still being typed (see [`TitleIndex::match_word`]).
fn relaxes(word: &QueryWord) -> bool {
    let chars = word.text.chars().count();
    chars == 3 || (word.prefix && max_typos(chars) > max_typos(chars - 1))
}

/// Sorts `items[from..]` and drops its duplicates, in place.
fn sort_dedup_tail(items: &mut Vec<u32>, from: usize) {
    items[from..].sort_unstable();
    let mut write = from;
    for read in from..items.len() {
        if write == from || items[read] != items[write - 1] {
            items[write] = items[read];
            write += 1;
        }
    }
    items.truncate(write);
}

/// Ranking order as a sort key: higher score first, ties by game id (more notable first).
pub(crate) fn rank_key(score: f32, game: u32) -> u64 {
    key(descending(score), game)
}

/// Best `k` hits, when no game can appear twice.
fn top_k(hits: Vec<TitleHit>, k: usize) -> Vec<TitleHit> {
    sorting::first_by_key(&hits, k, |h| rank_key(h.score, h.game))
}

/// Best `k` games, each with its best hit: its highest score, then the title before its
/// aliases, then its first alias.
fn best_per_game(hits: Vec<TitleHit>, k: usize) -> Vec<TitleHit> {
    let by_game = sorting::first_by_key(&hits, hits.len(), |h| key(h.game, descending(h.score)));
    let mut best: Vec<TitleHit> = Vec::with_capacity(by_game.len());
    for hit in by_game {
        match best.last_mut() {
            Some(last) if last.game == hit.game => {
                if last.score.to_bits() == hit.score.to_bits() && hit.alias < last.alias {
                    *last = hit;
                }
            }
            _ => best.push(hit),
        }
    }
    top_k(best, k)
}

#[cfg(test)]
mod tests;
