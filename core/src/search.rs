//! Title search as you type, over every loaded title.
//!
//! The structure is built in memory from the titles (nothing extra is downloaded):
//! - a sorted dictionary of normalised title words, each with the ascending list of games
//!   that contain it;
//! - the games in notability order, for scans of very common words;
//! - per game, the word ids of its title (to check the other query words of a candidate);
//! - a symmetric-delete table (hashes of every word with one character removed) for typos.
//!
//! A query word matches dictionary words exactly, as a prefix (the word being typed), with
//! one typo (two for long words, transpositions included), or as a hyphen-less compound
//! ("halflife" → "Half-Life"). The most selective query word drives: its games are checked
//! against the other words. When even that word is very common ("s"), games are scanned in
//! notability order and the scan stops once enough matches are found (or after the 30,000
//! best-known games). Ranking puts exact
//! titles first, then how well and how completely the query matches, then notability.

use std::collections::HashMap;

use crate::text;

/// One search result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SearchHit {
    /// Dense game id.
    pub game: u32,
    pub score: f32,
}

/// Above this many candidate games, the driving word is scanned in notability order instead.
const SCAN_THRESHOLD: usize = 5_000;
/// Matches collected by a scan before it stops.
const SCAN_CAP: usize = 400;
/// Games a scan looks at, at most: every word of such a query is common, so the player most
/// likely means a well-known game, and the next keystroke narrows the search anyway. This
/// bounds the worst keystroke.
const SCAN_LIMIT: usize = 30_000;
/// Words with at least this many characters tolerate one typo; see [`max_typos`].
const MIN_TYPO_CHARS: usize = 4;

const EXACT_QUALITY: f32 = 1.0;
const TYPO1_QUALITY: f32 = 0.6;
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
    /// Sorted, unique normalised words.
    words: TextColumn,
    /// `word_games[word_starts[w]..word_starts[w + 1]]`: games whose title has word `w`.
    word_starts: Vec<u32>,
    word_games: Vec<u32>,
    /// `title_words[title_starts[g]..title_starts[g + 1]]`: word ids of game `g`'s title.
    title_starts: Vec<u32>,
    title_words: Vec<u32>,
    /// Number of real (not compound) words in each title, "the" excluded.
    title_len: Vec<u8>,
    /// Normalised full titles without spaces, leading "the" removed, for exact comparisons
    /// ("halflife" is exactly "Half-Life").
    normalized: TextColumn,
    /// Ranking prior per game, 0–1.
    prior: Vec<f32>,
    /// Games, best known first.
    by_notability: Vec<u32>,
    /// `(hash of a word with one char deleted, word id)`, sorted.
    deletes: Vec<(u32, u32)>,
    main: Vec<bool>,
}

impl TitleIndex {
    /// Indexes titles by dense id; `None` marks a game whose title is not loaded yet.
    /// `notability` bytes (missing = 0) give the ranking prior and the scan order.
    pub fn build(titles: &[Option<&str>], main_game: &[bool], notability: &[u8]) -> TitleIndex {
        let mut ids: HashMap<String, u32, FxBuild> = HashMap::default();
        let mut raw_starts: Vec<u32> = Vec::with_capacity(titles.len() + 1);
        let mut raw_words: Vec<u32> = Vec::with_capacity(titles.len() * 5);
        let mut title_len = Vec::with_capacity(titles.len());
        let mut normalized = TextColumn::default();
        let (mut buffer, mut previous, mut compound, mut squashed) =
            (String::new(), String::new(), String::new(), String::new());
        raw_starts.push(0);
        for title in titles {
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
            text::for_each_word(title.unwrap_or(""), &mut buffer, |word, joined| {
                raw_words.push(intern(word));
                if joined {
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
            sort_dedup_tail(&mut raw_words, begin);
            raw_starts.push(raw_words.len() as u32);
            title_len.push((count - the_count).clamp(1, 255) as u8);
            // Glued words, a leading "the" dropped: "The Half-Life" → "halflife".
            let skip = if leading_the && count > 1 { 3 } else { 0 };
            normalized.push(&squashed[skip..]);
        }
        // Sort the dictionary and renumber.
        let mut by_text: Vec<(String, u32)> = ids.into_iter().collect();
        by_text.sort_unstable();
        let mut renumber = vec![0u32; by_text.len()];
        for (new, (_, old)) in by_text.iter().enumerate() {
            renumber[*old as usize] = new as u32;
        }
        let mut words = TextColumn::default();
        for (word, _) in &by_text {
            words.push(word);
        }
        drop(by_text);
        let mut title_starts = Vec::with_capacity(titles.len() + 1);
        let mut title_words = Vec::new();
        let mut counts = vec![0u32; words.len()];
        title_starts.push(0);
        for range in raw_starts.windows(2) {
            let own = &raw_words[range[0] as usize..range[1] as usize];
            let start = title_words.len();
            title_words.extend(own.iter().map(|&w| renumber[w as usize]));
            title_words[start..].sort_unstable();
            for &w in &title_words[start..] {
                counts[w as usize] += 1;
            }
            title_starts.push(title_words.len() as u32);
        }
        let mut word_starts = Vec::with_capacity(words.len() + 1);
        let mut acc = 0u32;
        word_starts.push(0);
        for c in &counts {
            acc += c;
            word_starts.push(acc);
        }
        let mut fill = word_starts.clone();
        let mut word_games = vec![0u32; acc as usize];
        for (game, range) in title_starts.windows(2).enumerate() {
            for &w in &title_words[range[0] as usize..range[1] as usize] {
                word_games[fill[w as usize] as usize] = game as u32;
                fill[w as usize] += 1;
            }
        }
        let mut deletes = Vec::new();
        for id in 0..words.len() {
            let chars: Vec<char> = words.get(id).chars().collect();
            if chars.len() + 1 >= MIN_TYPO_CHARS {
                deletes.push((hash_chars(&chars, usize::MAX), id as u32));
                for skip in 0..chars.len() {
                    deletes.push((hash_chars(&chars, skip), id as u32));
                }
            }
        }
        deletes.sort_unstable();
        deletes.dedup();
        deletes.shrink_to_fit();
        words.shrink_to_fit();
        normalized.shrink_to_fit();
        let mut main: Vec<bool> = main_game.to_vec();
        main.resize(titles.len(), true);
        let byte = |g: usize| notability.get(g).copied().unwrap_or(0);
        let prior = (0..titles.len())
            .map(|g| f32::from(byte(g)) / 255.0)
            .collect();
        let mut by_notability: Vec<u32> = (0..titles.len() as u32)
            .filter(|&g| titles[g as usize].is_some())
            .collect();
        by_notability.sort_by_key(|&g| std::cmp::Reverse(byte(g as usize)));
        TitleIndex {
            games: titles.len(),
            words,
            word_starts,
            word_games,
            title_starts,
            title_words,
            title_len,
            normalized,
            deletes,
            main,
            prior,
            by_notability,
        }
    }

    /// Number of distinct words indexed.
    pub fn vocabulary(&self) -> usize {
        self.words.len()
    }

    /// Every dictionary word with the ascending games whose titles contain it.
    pub fn words(&self) -> impl Iterator<Item = (&str, &[u32])> {
        (0..self.words.len()).map(|w| (self.words.get(w), self.games_with(w as u32)))
    }

    /// The best `k` games for a query, best first.
    pub fn search(&self, query: &str, k: usize) -> Vec<SearchHit> {
        let mut words = text::words(query);
        // The whole query as typed ("beneath the surface"), for exact-title comparison.
        let query_norm = squash(&words);
        if words.len() > 1 {
            words.retain(|w| w.text != "the");
        }
        if words.is_empty() || k == 0 || self.games == 0 {
            return Vec::new();
        }
        words.truncate(8);
        let typing_last = !query.ends_with(char::is_whitespace);
        let last = words.len() - 1;
        let terms: Vec<TermMatch> = words
            .iter()
            .enumerate()
            .map(|(i, w)| self.match_word(&w.text, i == last && typing_last))
            .collect();
        let driver = (0..terms.len())
            .min_by_key(|&i| terms[i].postings)
            .expect("at least one term");
        if terms[driver].postings == 0 {
            return Vec::new();
        }
        let mut hits: Vec<SearchHit> = Vec::new();
        let consider = |game: u32, hits: &mut Vec<SearchHit>| {
            if let Some(score) = self.score(game, &terms, &query_norm) {
                hits.push(SearchHit { game, score });
            }
        };
        if terms[driver].postings <= SCAN_THRESHOLD {
            for game in self.games_matching(&terms[driver]) {
                consider(game, &mut hits);
            }
        } else {
            for &game in self.by_notability.iter().take(SCAN_LIMIT) {
                consider(game, &mut hits);
                if hits.len() >= SCAN_CAP {
                    break;
                }
            }
        }
        top_k(hits, k)
    }

    fn games_with(&self, word: u32) -> &[u32] {
        let w = word as usize;
        &self.word_games[self.word_starts[w] as usize..self.word_starts[w + 1] as usize]
    }

    fn words_of(&self, game: u32) -> &[u32] {
        let g = game as usize;
        &self.title_words[self.title_starts[g] as usize..self.title_starts[g + 1] as usize]
    }

    /// Dictionary words a query word can stand for, with how good each match is.
    fn match_word(&self, word: &str, prefix: bool) -> TermMatch {
        let chars: Vec<char> = word.chars().collect();
        // Exact and prefix matches are one contiguous range of the sorted dictionary.
        let start = self.words.partition_point(0, |w| w < word);
        let end = if prefix {
            self.words.partition_point(start, |w| w.starts_with(word))
        } else {
            start + usize::from(start < self.words.len() && self.words.get(start) == word)
        };
        let range = start as u32..end as u32;
        let mut typos: Vec<(u32, f32)> = Vec::new();
        // A word still being typed is a prefix: a typo in it only counts once it is longer.
        let max = max_typos(chars.len() - usize::from(prefix));
        if max > 0 {
            for (w, distance) in self.typo_candidates(&chars, max) {
                if !range.contains(&w) {
                    let quality = if distance == 1 {
                        TYPO1_QUALITY
                    } else {
                        TYPO2_QUALITY
                    };
                    typos.push((w, quality));
                }
            }
        }
        typos.sort_unstable_by_key(|&(w, _)| w);
        // Compounds are indexed as words, so "halflife" already matched exactly above; a
        // compound query like "spider man" needs nothing extra either.
        let postings = (self.word_starts[end] - self.word_starts[start]) as usize
            + typos
                .iter()
                .map(|&(w, _)| self.games_with(w).len())
                .sum::<usize>();
        TermMatch {
            range,
            query_len: word.len(),
            typos,
            postings,
        }
    }

    /// How well dictionary word `w` matches a query word, 0 when it does not.
    fn quality(&self, term: &TermMatch, w: u32) -> f32 {
        if term.range.contains(&w) {
            let len = self.words.get(w as usize).len();
            if len == term.query_len {
                EXACT_QUALITY
            } else {
                0.7 + 0.25 * term.query_len as f32 / len as f32
            }
        } else {
            term.typos
                .binary_search_by_key(&w, |&(t, _)| t)
                .map_or(0.0, |at| term.typos[at].1)
        }
    }

    /// Games matching a query word, ascending, without duplicates.
    fn games_matching(&self, term: &TermMatch) -> Vec<u32> {
        let (a, b) = (term.range.start as usize, term.range.end as usize);
        let mut games: Vec<u32> =
            self.word_games[self.word_starts[a] as usize..self.word_starts[b] as usize].to_vec();
        for &(w, _) in &term.typos {
            games.extend_from_slice(self.games_with(w));
        }
        games.sort_unstable();
        games.dedup();
        games
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
            let from = self.deletes.partition_point(|&(h, _)| h < probe);
            for &(h, w) in &self.deletes[from..] {
                if h != probe {
                    break;
                }
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

    /// Score of a game for a query, or `None` when some query word is missing from it.
    fn score(&self, game: u32, terms: &[TermMatch], query_norm: &str) -> Option<f32> {
        let title = self.words_of(game);
        if title.is_empty() {
            return None;
        }
        let mut quality_sum = 0.0;
        for term in terms {
            let best = title
                .iter()
                .map(|&w| self.quality(term, w))
                .fold(0.0f32, f32::max);
            if best == 0.0 {
                return None;
            }
            quality_sum += best;
        }
        let quality = quality_sum / terms.len() as f32;
        let g = game as usize;
        let coverage = (terms.len() as f32 / f32::from(self.title_len[g])).min(1.0);
        let normalized = self.normalized.get(g);
        let exact = normalized == query_norm;
        let starts = !exact && normalized.starts_with(query_norm);
        let prior = self.prior[g];
        Some(
            quality
                + 0.5 * coverage
                + 2.0 * f32::from(u8::from(exact))
                + 0.3 * f32::from(u8::from(starts))
                + 0.8 * prior
                + 0.1 * f32::from(u8::from(self.main[g])),
        )
    }
}

/// Many short strings in one allocation: a per-title `Box<str>` would cost more in allocator
/// overhead and pointers than the text itself.
#[derive(Debug, Default)]
struct TextColumn {
    text: String,
    ends: Vec<u32>,
}

impl TextColumn {
    fn push(&mut self, item: &str) {
        self.text.push_str(item);
        self.ends.push(self.text.len() as u32);
    }

    fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    /// Gives back the spare capacity left by growing.
    fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }

    /// First index at or after `from` whose item fails `pred`, for items where `pred` holds
    /// on a prefix of `from..` (as `slice::partition_point`).
    fn partition_point(&self, from: usize, pred: impl Fn(&str) -> bool) -> usize {
        let (mut low, mut high) = (from, self.len());
        while low < high {
            let mid = low + (high - low) / 2;
            if pred(self.get(mid)) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        low
    }
}

/// FxHash (rustc's hasher): much faster than SipHash for the many short words interned at
/// load time, and collisions are harmless here (no untrusted keys choose buckets).
#[derive(Default, Clone, Copy)]
struct FxBuild;

#[derive(Default)]
struct FxHasher(u64);

impl std::hash::BuildHasher for FxBuild {
    type Hasher = FxHasher;
    fn build_hasher(&self) -> FxHasher {
        FxHasher(0)
    }
}

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }
    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// What one query word matches: a range of the dictionary (the word itself, or every word it
/// is a prefix of) and a few words within typo distance.
struct TermMatch {
    range: std::ops::Range<u32>,
    /// Length of the query word in bytes.
    query_len: usize,
    typos: Vec<(u32, f32)>,
    /// Total games over all matched words (an upper bound on candidates).
    postings: usize,
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

/// Words glued together, a leading "the" dropped: "The Half-Life" → "halflife".
fn squash(words: &[text::Word]) -> String {
    let skip = usize::from(words.len() > 1 && words[0].text == "the");
    words[skip..].iter().map(|w| w.text.as_str()).collect()
}

/// Best `k` hits, ties broken by dense id (more notable first).
fn top_k(mut hits: Vec<SearchHit>, k: usize) -> Vec<SearchHit> {
    let order =
        |a: &SearchHit, b: &SearchHit| b.score.total_cmp(&a.score).then(a.game.cmp(&b.game));
    if hits.len() > k {
        hits.select_nth_unstable_by(k, order);
        hits.truncate(k);
    }
    hits.sort_by(order);
    hits
}

/// FNV-1a over the characters of a word, leaving out the one at `skip`.
fn hash_chars(chars: &[char], skip: usize) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for (i, &c) in chars.iter().enumerate() {
        if i != skip {
            hash ^= c as u32;
            hash = hash.wrapping_mul(0x0100_0193);
        }
    }
    hash
}

/// Optimal-string-alignment distance if it is at most `max`.
fn bounded_distance(a: &[char], b: &[char], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let width = b.len() + 1;
    let mut prev2 = vec![0usize; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut current = vec![0usize; width];
    for i in 1..=a.len() {
        current[0] = i;
        let mut row_min = current[0];
        for j in 1..width {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut value = (prev[j] + 1)
                .min(current[j - 1] + 1)
                .min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                value = value.min(prev2[j - 2] + 1);
            }
            current[j] = value;
            row_min = row_min.min(value);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut current);
    }
    Some(prev[b.len()]).filter(|&d| d <= max)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Earlier titles are more notable.
    fn index(titles: &[&str]) -> TitleIndex {
        let titles: Vec<Option<&str>> = titles.iter().map(|t| Some(*t)).collect();
        let notability: Vec<u8> = (0..titles.len())
            .map(|i| crate::format::notability_byte(i, titles.len()))
            .collect();
        TitleIndex::build(&titles, &vec![true; titles.len()], &notability)
    }

    fn names<'a>(titles: &[&'a str], hits: &[SearchHit]) -> Vec<&'a str> {
        hits.iter().map(|h| titles[h.game as usize]).collect()
    }

    const TITLES: &[&str] = &[
        "Half-Life 2",
        "Pokémon Red",
        "Final Fantasy VII",
        "Hades",
        "The Witcher 3: Wild Hunt",
        "Half-Life",
        "Hades II",
        "Celeste",
        "Final Fantasy X",
        "Portal",
        "Spider-Man",
        "Hadesia Chronicles",
    ];

    fn top(query: &str) -> Vec<&'static str> {
        let idx = index(TITLES);
        names(TITLES, &idx.search(query, 5))
    }

    #[test]
    fn finds_exact_titles_first() {
        assert_eq!(top("hades")[0], "Hades");
        assert_eq!(top("Celeste")[0], "Celeste");
    }

    #[test]
    fn ignores_punctuation_case_and_diacritics() {
        assert_eq!(top("pokemon")[0], "Pokémon Red");
        assert_eq!(top("halflife")[0], "Half-Life");
        assert_eq!(top("half life 2")[0], "Half-Life 2");
        assert_eq!(top("spiderman")[0], "Spider-Man");
    }

    #[test]
    fn arabic_and_roman_numerals_meet() {
        assert_eq!(top("final fantasy 7")[0], "Final Fantasy VII");
        assert_eq!(top("final fantasy vii")[0], "Final Fantasy VII");
        assert_eq!(top("hades 2")[0], "Hades II");
    }

    #[test]
    fn tolerates_typos_and_a_missing_the() {
        assert_eq!(top("celsete")[0], "Celeste", "transposition");
        assert_eq!(top("portl")[0], "Portal", "deletion while typing");
        assert_eq!(top("witcher 3")[0], "The Witcher 3: Wild Hunt");
        assert_eq!(top("the witcher")[0], "The Witcher 3: Wild Hunt");
        assert_eq!(top("fnial fantasy x")[0], "Final Fantasy X");
    }

    #[test]
    fn prefixes_match_while_typing() {
        let hits = top("fin");
        assert!(hits.contains(&"Final Fantasy VII") && hits.contains(&"Final Fantasy X"));
        assert_eq!(top("wild h")[0], "The Witcher 3: Wild Hunt");
        // A finished word (trailing space) is no longer a prefix.
        assert_eq!(
            top("hade "),
            vec!["Hades", "Hades II"],
            "typo matches only, no prefixes"
        );
    }

    #[test]
    fn a_the_inside_a_title_still_makes_an_exact_match() {
        let titles = [
            "Beneath the Surface: Deluxe",
            "Surface Beneath",
            "Beneath the Surface",
        ];
        let idx = index(&titles);
        let hits = idx.search("beneath the surface", 3);
        assert_eq!(titles[hits[0].game as usize], "Beneath the Surface");
    }

    #[test]
    fn unknown_words_find_nothing() {
        assert!(top("zzzzqqq").is_empty());
        assert!(top("").is_empty());
        assert!(top("   ").is_empty());
    }

    #[test]
    fn notability_breaks_ties() {
        // Two games with the same title: the lower dense id (more notable) wins.
        let titles = ["Tetris", "Tetris"];
        let idx = index(&titles);
        let hits = idx.search("tetris", 2);
        assert_eq!(hits[0].game, 0);
    }

    #[test]
    fn common_prefixes_scan_in_notability_order() {
        let titles: Vec<String> = (0..(SCAN_THRESHOLD + 100))
            .map(|i| format!("Super Game {i}"))
            .collect();
        let refs: Vec<Option<&str>> = titles.iter().map(|t| Some(t.as_str())).collect();
        // The last games are the most notable here: the scan must find them first.
        let notability: Vec<u8> = (0..refs.len())
            .map(|i| u8::from(i >= refs.len() - 10) * 200)
            .collect();
        let idx = TitleIndex::build(&refs, &[], &notability);
        let hits = idx.search("s", 10);
        assert_eq!(hits.len(), 10);
        assert!(
            hits.iter().all(|h| (h.game as usize) >= refs.len() - 10),
            "{hits:?}"
        );
    }

    #[test]
    fn distance_is_bounded() {
        let c = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(bounded_distance(&c("celeste"), &c("celsete"), 1), Some(1));
        assert_eq!(bounded_distance(&c("hades"), &c("hades"), 1), Some(0));
        assert_eq!(bounded_distance(&c("portal"), &c("mortar"), 1), None);
        assert_eq!(bounded_distance(&c("fantasy"), &c("fnatsay"), 2), Some(2));
    }
}
