//! `playlike queries`: a realistic, reproducible set of noisy title-search queries, made from
//! the catalogue itself, to measure search quality with (`playlike eval-search`).
//!
//! The games are the best-known main games (by `playlike_core::features::notability`), so
//! the set asks for games people actually look up. Each [`Kind`] is one way a person (or a
//! store page) writes a title differently from IGDB: typed as is, without punctuation, cut
//! short while typing, with a typo, with a store's longer title, without IGDB's subtitle or
//! with one IGDB lacks, with ™ and HTML entities, bilingual, with compounds split or joined,
//! or as an acronym. A kind that does not apply to a title (no punctuation to drop, no
//! subtitle to leave out…) is skipped for it, and a variant that is itself the exact title
//! of another catalogue game is not store noise but another game, so it is skipped too.
//!
//! Each query carries every IGDB id it may be answered with: games whose normalised title is
//! the same as the wanted game's (re-releases share titles, and no query can tell them apart).
//! The set is deterministic for a catalogue, `--n`, `--seed` and `--pool`.

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::{Context, Result};
use playlike_core::bench::SplitMix;
use playlike_core::{features, text, Game};
use serde::{Deserialize, Serialize};

use crate::ingest;

#[derive(clap::Args)]
pub struct QueriesArgs {
    /// Catalogue files (the dump, the sample or a fetched snapshot).
    #[arg(long, num_args = 1.., required = true)]
    pub input: Vec<PathBuf>,
    /// Output file: one JSON query per line.
    #[arg(long)]
    pub out: PathBuf,
    /// Number of queries, spread evenly over the kinds.
    #[arg(long, default_value_t = 3000)]
    pub n: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Draw games from this many best-known main games.
    #[arg(long, default_value_t = 5000)]
    pub pool: usize,
}

/// How a query differs from the IGDB title it is after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The title as IGDB has it.
    Exact,
    /// Punctuation left out ("Baldurs Gate 3", "Half Life 2").
    NoPunctuation,
    /// The first 60 % of the title, as while typing.
    Prefix,
    /// Two adjacent letters of a word swapped.
    SwappedLetters,
    /// A neighbouring key hit in a word of three to five letters.
    ShortWordTypo,
    /// A store's longer title: edition, collection, free-to-play, early access, demo…
    StoreSuffix,
    /// IGDB's subtitle left out.
    MissingSubtitle,
    /// A subtitle IGDB does not have.
    ExtraSubtitle,
    /// ™ ® and HTML entities (`&amp;`, `&#39;`).
    Symbols,
    /// The title and a name in another script, separated by a slash.
    Bilingual,
    /// A compound split ("Star Craft") or joined ("HalfLife", "DeadCells").
    Compound,
    /// The initials of the title's main part ("GTA V").
    Acronym,
}

impl Kind {
    pub const ALL: [Kind; 12] = [
        Kind::Exact,
        Kind::NoPunctuation,
        Kind::Prefix,
        Kind::SwappedLetters,
        Kind::ShortWordTypo,
        Kind::StoreSuffix,
        Kind::MissingSubtitle,
        Kind::ExtraSubtitle,
        Kind::Symbols,
        Kind::Bilingual,
        Kind::Compound,
        Kind::Acronym,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Kind::Exact => "exact",
            Kind::NoPunctuation => "no punctuation",
            Kind::Prefix => "60 % prefix",
            Kind::SwappedLetters => "swapped letters",
            Kind::ShortWordTypo => "typo in a short word",
            Kind::StoreSuffix => "store suffix",
            Kind::MissingSubtitle => "missing subtitle",
            Kind::ExtraSubtitle => "extra subtitle",
            Kind::Symbols => "symbols, entities",
            Kind::Bilingual => "bilingual",
            Kind::Compound => "split/joined compound",
            Kind::Acronym => "acronym",
        }
    }
}

/// One query and the games that answer it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Query {
    pub kind: Kind,
    /// What is typed.
    pub q: String,
    /// The game the query was made from.
    pub id: u64,
    /// Its IGDB title.
    pub title: String,
    /// Every IGDB id that counts as found (same normalised title).
    pub accept: Vec<u64>,
}

/// Store suffixes as stores write them; each is appended with its own separator.
const STORE_SUFFIXES: &[&str] = &[
    " Steam Edition",
    ": Complete Collection",
    " - Definitive Edition",
    " free2play",
    " (Free to Play)",
    " [Early Access]",
    " Demo",
    " - Game of the Year Edition",
    " GOTY",
    ": Deluxe Edition",
    " Digital Deluxe Edition",
    " (PC)",
];

/// What the generators need to know about the whole catalogue.
struct Catalogue<'a> {
    /// Normalised title → IGDB ids with that title.
    by_title: HashMap<String, Vec<u64>>,
    /// Subtitles of pool games, for [`Kind::ExtraSubtitle`].
    subtitles: Vec<&'a str>,
    /// Normalised main part (before a subtitle) → pool games with that main part: a store
    /// title without the subtitle names one well-known game only when this is 1.
    main_parts: HashMap<String, usize>,
}

impl Catalogue<'_> {
    fn is_title(&self, text: &str) -> bool {
        self.by_title.contains_key(&text::normalize(text))
    }
}

pub fn run(args: QueriesArgs) -> Result<()> {
    let (games, report) = ingest::read_games(&args.input, ingest::ReadOptions::default())?;
    eprintln!("{}", report.summary());
    let queries = generate(&games, args.n, args.seed, args.pool);
    let mut out = Vec::new();
    for query in &queries {
        serde_json::to_writer(&mut out, query)?;
        out.push(b'\n');
    }
    if let Some(parent) = args.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&args.out, out)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    let mut per_kind: HashMap<Kind, usize> = HashMap::new();
    for query in &queries {
        *per_kind.entry(query.kind).or_default() += 1;
    }
    let counts: Vec<String> = Kind::ALL
        .iter()
        .map(|k| format!("{} {}", k.label(), per_kind.get(k).unwrap_or(&0)))
        .collect();
    println!(
        "wrote {} queries to {} ({})",
        queries.len(),
        args.out.display(),
        counts.join(", ")
    );
    Ok(())
}

/// `n` queries (spread evenly over [`Kind::ALL`]) about the `pool` best-known main games.
pub fn generate(games: &[Game], n: usize, seed: u64, pool: usize) -> Vec<Query> {
    let pool = best_known(games, pool);
    let mut by_title: HashMap<String, Vec<u64>> = HashMap::new();
    for game in games {
        by_title
            .entry(text::normalize(&game.name))
            .or_default()
            .push(game.igdb_id);
    }
    let mut main_parts: HashMap<String, usize> = HashMap::new();
    for game in &pool {
        let main = split_subtitle(&game.name).map_or(game.name.as_str(), |(main, _)| main);
        *main_parts.entry(text::normalize(main)).or_default() += 1;
    }
    let catalogue = Catalogue {
        by_title,
        main_parts,
        subtitles: pool
            .iter()
            .filter_map(|g| split_subtitle(&g.name).map(|(_, sub)| sub))
            .collect(),
    };
    let mut rng = SplitMix(seed);
    let per_kind = n.div_ceil(Kind::ALL.len());
    let mut queries = Vec::with_capacity(per_kind * Kind::ALL.len());
    for kind in Kind::ALL {
        let mut order: Vec<usize> = (0..pool.len()).collect();
        shuffle(&mut order, &mut rng);
        let mut made = 0;
        for &at in &order {
            if made == per_kind {
                break;
            }
            let game = pool[at];
            let Some(q) = variant(kind, &game.name, &catalogue, &mut rng) else {
                continue;
            };
            let mut accept = catalogue.by_title[&text::normalize(&game.name)].clone();
            accept.sort_unstable();
            queries.push(Query {
                kind,
                q,
                id: game.igdb_id,
                title: game.name.clone(),
                accept,
            });
            made += 1;
        }
    }
    queries
}

/// The `pool` best-known main games, best first (ties by IGDB id).
fn best_known(games: &[Game], pool: usize) -> Vec<&Game> {
    let mut ranked: Vec<(f32, &Game)> = games
        .iter()
        .filter(|g| features::is_main_game(g))
        .map(|g| (features::notability(g), g))
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.igdb_id.cmp(&b.1.igdb_id)));
    ranked.into_iter().take(pool).map(|(_, g)| g).collect()
}

/// Fisher–Yates with the suite's generator.
fn shuffle<T>(items: &mut [T], rng: &mut SplitMix) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
}

/// The query of `kind` for `title`, or `None` when the kind does not apply to it.
fn variant(kind: Kind, title: &str, catalogue: &Catalogue, rng: &mut SplitMix) -> Option<String> {
    let q = match kind {
        Kind::Exact => Some(title.to_string()),
        Kind::NoPunctuation => Some(without_punctuation(title)).filter(|q| q != title),
        Kind::Prefix => prefix(title),
        Kind::SwappedLetters => swapped_letters(title, rng),
        Kind::ShortWordTypo => short_word_typo(title, rng),
        Kind::StoreSuffix => {
            let suffix = STORE_SUFFIXES[rng.below(STORE_SUFFIXES.len())];
            Some(format!("{title}{suffix}"))
        }
        Kind::MissingSubtitle => split_subtitle(title)
            .map(|(main, _)| main.to_string())
            .filter(|main| main.chars().filter(|c| c.is_alphanumeric()).count() >= 4)
            .filter(|main| catalogue.main_parts[&text::normalize(main)] == 1),
        Kind::ExtraSubtitle => match split_subtitle(title) {
            Some(_) => None,
            None => {
                let subtitle = pick(&catalogue.subtitles, rng)?;
                Some(format!("{title}: {subtitle}"))
            }
        },
        Kind::Symbols => symbols(title, rng),
        Kind::Bilingual => {
            let other = foreign_name(rng);
            Some(if rng.below(2) == 0 {
                format!("{title} / {other}")
            } else {
                format!("{other} / {title}")
            })
        }
        Kind::Compound => compound(title),
        Kind::Acronym => acronym(title),
    }?;
    // A variant that names another catalogue game is that game, not noise.
    let other_game = !matches!(kind, Kind::Exact | Kind::Prefix) && catalogue.is_title(&q);
    let same = text::normalize(&q) == text::normalize(title);
    (!other_game || same).then_some(q)
}

fn pick<'a>(items: &[&'a str], rng: &mut SplitMix) -> Option<&'a str> {
    items.get(rng.below(items.len())).copied()
}

/// `(main title, subtitle)` split at the first ": " or " - " (or en dash).
fn split_subtitle(title: &str) -> Option<(&str, &str)> {
    [": ", " - ", " – "]
        .iter()
        .filter_map(|sep| title.find(sep).map(|at| (at, sep.len())))
        .min()
        .map(|(at, len)| (title[..at].trim(), title[at + len..].trim()))
        .filter(|(main, sub)| !main.is_empty() && !sub.is_empty())
}

fn without_punctuation(title: &str) -> String {
    let kept: String = title
        .chars()
        .filter(|c| !matches!(c, '\'' | '’'))
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first 60 % of the characters (at least three).
fn prefix(title: &str) -> Option<String> {
    let chars: Vec<char> = title.chars().collect();
    let keep = (chars.len() * 3).div_ceil(5).max(3);
    (keep <= chars.len()).then(|| {
        chars[..keep]
            .iter()
            .collect::<String>()
            .trim_end()
            .to_string()
    })
}

/// Character ranges of the words of `title` whose letters pass `accept`.
fn word_spans(title: &[char], accept: impl Fn(&[char]) -> bool) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for i in 0..=title.len() {
        let letter = i < title.len() && title[i].is_alphabetic();
        match (start, letter) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                if accept(&title[s..i]) {
                    spans.push((s, i));
                }
                start = None;
            }
            _ => {}
        }
    }
    spans
}

fn swapped_letters(title: &str, rng: &mut SplitMix) -> Option<String> {
    let mut chars: Vec<char> = title.chars().collect();
    let spans = word_spans(&chars, |w| w.len() >= 4);
    let (start, end) = *spans.get(rng.below(spans.len().max(1)))?;
    let pairs: Vec<usize> = (start..end - 1)
        .filter(|&i| !chars[i].eq_ignore_ascii_case(&chars[i + 1]))
        .collect();
    let at = *pairs.get(rng.below(pairs.len().max(1)))?;
    chars.swap(at, at + 1);
    Some(chars.into_iter().collect())
}

/// Keys next to each letter on a QWERTY keyboard.
fn neighbours(c: char) -> &'static str {
    match c.to_ascii_lowercase() {
        'q' => "wa",
        'w' => "qes",
        'e' => "wrd",
        'r' => "etf",
        't' => "ryg",
        'y' => "tuh",
        'u' => "yij",
        'i' => "uok",
        'o' => "ipl",
        'p' => "ol",
        'a' => "qsz",
        's' => "adw",
        'd' => "sfe",
        'f' => "dgr",
        'g' => "fht",
        'h' => "gjy",
        'j' => "hku",
        'k' => "jli",
        'l' => "ko",
        'z' => "xa",
        'x' => "zcs",
        'c' => "xvd",
        'v' => "cbf",
        'b' => "vng",
        'n' => "bmh",
        'm' => "nj",
        _ => "",
    }
}

/// One letter (not the first) of a 3–5-letter word replaced by a neighbouring key.
fn short_word_typo(title: &str, rng: &mut SplitMix) -> Option<String> {
    let mut chars: Vec<char> = title.chars().collect();
    let spans = word_spans(&chars, |w| {
        (3..=5).contains(&w.len()) && w.iter().all(char::is_ascii_alphabetic) && !is_roman(w)
    });
    let (start, end) = *spans.get(rng.below(spans.len().max(1)))?;
    let at = start + 1 + rng.below(end - start - 1);
    let keys: Vec<char> = neighbours(chars[at]).chars().collect();
    let key = *keys.get(rng.below(keys.len().max(1)))?;
    chars[at] = if chars[at].is_uppercase() {
        key.to_ascii_uppercase()
    } else {
        key
    };
    Some(chars.into_iter().collect())
}

fn is_roman(word: &[char]) -> bool {
    word.iter()
        .all(|c| matches!(c.to_ascii_lowercase(), 'i' | 'v' | 'x'))
}

/// HTML entities for `&` and `'` when the title has them, otherwise ™ or ® after its main part.
fn symbols(title: &str, rng: &mut SplitMix) -> Option<String> {
    if title.contains('&') {
        return Some(title.replace('&', "&amp;"));
    }
    if title.contains('\'') {
        return Some(title.replace('\'', "&#39;"));
    }
    let mark = if rng.below(2) == 0 { "™" } else { "®" };
    Some(match split_subtitle(title) {
        Some((main, _)) => title.replacen(main, &format!("{main}{mark}"), 1),
        None => format!("{title}{mark}"),
    })
}

/// Unicode ranges of the letters of four scripts: katakana, hangul syllables, CJK
/// ideographs, Cyrillic lowercase.
const SCRIPTS: [(u32, u32); 4] = [
    (0x30A1, 0x30F6),
    (0xAC00, 0xD7A3),
    (0x4E00, 0x9FFF),
    (0x0430, 0x044F),
];

/// A name in another script: three to six random letters of one of [`SCRIPTS`]. The dump has
/// no titles in other scripts (its names are all Latin), so the other half of a bilingual
/// store title is made up; search can only match the Latin half either way.
fn foreign_name(rng: &mut SplitMix) -> String {
    let (low, high) = SCRIPTS[rng.below(SCRIPTS.len())];
    let len = 3 + rng.below(4);
    (0..len)
        .filter_map(|_| char::from_u32(low + rng.below((high - low + 1) as usize) as u32))
        .collect()
}

/// A hyphenated compound joined ("Half-Life" → "HalfLife"), a CamelCase word split
/// ("StarCraft" → "Star Craft"), or else two adjacent words joined ("Dead Cells" →
/// "DeadCells").
fn compound(title: &str) -> Option<String> {
    let chars: Vec<char> = title.chars().collect();
    let hyphen = (1..chars.len().saturating_sub(1)).find(|&i| {
        chars[i] == '-' && chars[i - 1].is_alphanumeric() && chars[i + 1].is_alphanumeric()
    });
    if let Some(at) = hyphen {
        let mut joined = chars.clone();
        joined.remove(at);
        return Some(joined.into_iter().collect());
    }
    let camel = (1..chars.len().saturating_sub(1)).find(|&i| {
        chars[i].is_uppercase() && chars[i - 1].is_lowercase() && chars[i + 1].is_lowercase()
    });
    if let Some(at) = camel {
        let mut split = chars.clone();
        split.insert(at, ' ');
        return Some(split.into_iter().collect());
    }
    let words: Vec<&str> = title.split(' ').collect();
    let long = |w: &str| w.chars().count() >= 4 && w.chars().all(char::is_alphabetic);
    let at = (0..words.len().saturating_sub(1)).find(|&i| long(words[i]) && long(words[i + 1]))?;
    let mut joined: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    let next = joined.remove(at + 1);
    joined[at].push_str(&next);
    Some(joined.join(" "))
}

/// Initials of the main part's words (three or four), then its numbers and the subtitle:
/// "Grand Theft Auto V" → "GTA V", "Call of Duty: Black Ops" → "COD Black Ops". Only for
/// main parts of plain words and numbers.
fn acronym(title: &str) -> Option<String> {
    let (main, subtitle) = split_subtitle(title).unwrap_or((title, ""));
    let words: Vec<&str> = main.split_whitespace().collect();
    let is_number = |(i, w): &(usize, &&str)| {
        let chars: Vec<char> = w.chars().collect();
        chars.iter().all(char::is_ascii_digit)
            || (*i > 0 && chars.iter().all(|c| matches!(c, 'I' | 'V' | 'X')))
    };
    type Numbered<'a> = Vec<(usize, &'a &'a str)>;
    let (numbers, letters): (Numbered, Numbered) = words.iter().enumerate().partition(is_number);
    if !(3..=4).contains(&letters.len())
        || letters
            .iter()
            .any(|(_, w)| !w.chars().all(|c| c.is_ascii_alphabetic()))
    {
        return None;
    }
    let initials: String = letters
        .iter()
        .filter_map(|(_, w)| w.chars().next())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let mut parts = vec![initials];
    parts.extend(numbers.iter().map(|(_, w)| w.to_string()));
    if !subtitle.is_empty() {
        parts.push(subtitle.to_string());
    }
    Some(parts.join(" "))
}

/// Reads a query file written by [`run`].
pub fn read(path: &std::path::Path) -> Result<Vec<Query>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            serde_json::from_str(line)
                .with_context(|| format!("{}:{}: not a query line", path.display(), i + 1))
        })
        .collect()
}

/// Checks that every query accepts its own game (a hand-edited file could break that).
pub fn check(queries: &[Query]) -> Result<()> {
    for (i, query) in queries.iter().enumerate() {
        anyhow::ensure!(
            query.accept.contains(&query.id),
            "query {}: its game {} is not among the accepted ids",
            i + 1,
            query.id
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn rng() -> SplitMix {
        SplitMix(7)
    }

    #[test]
    fn variants_change_titles_the_way_people_do() {
        assert_eq!(without_punctuation("Baldur's Gate 3"), "Baldurs Gate 3");
        assert_eq!(without_punctuation("Half-Life 2"), "Half Life 2");
        assert_eq!(
            prefix("Celeste").as_deref(),
            Some("Celes"),
            "5 of 7 letters"
        );
        assert_eq!(compound("Half-Life 2").as_deref(), Some("HalfLife 2"));
        assert_eq!(compound("StarCraft II").as_deref(), Some("Star Craft II"));
        assert_eq!(compound("Dead Cells").as_deref(), Some("DeadCells"));
        assert_eq!(acronym("Grand Theft Auto V").as_deref(), Some("GTA V"));
        assert_eq!(
            acronym("Call of Duty: Black Ops").as_deref(),
            Some("COD Black Ops")
        );
        assert_eq!(acronym("Hades II"), None, "too few words");
        assert_eq!(
            symbols("Heroes & Villains", &mut rng()).as_deref(),
            Some("Heroes &amp; Villains")
        );
        assert_eq!(
            split_subtitle("Hades: Battle Out - of Hell"),
            Some(("Hades", "Battle Out - of Hell"))
        );
        let other = foreign_name(&mut rng());
        assert!((3..=6).contains(&other.chars().count()));
        assert!(
            other.chars().all(|c| c.is_alphabetic() && !c.is_ascii()),
            "{other}"
        );
    }

    #[test]
    fn typos_change_exactly_one_word() {
        let mut rng = rng();
        for _ in 0..50 {
            let q = swapped_letters("Celeste Classic", &mut rng).unwrap();
            assert_ne!(q, "Celeste Classic");
            let mut a: Vec<char> = q.chars().collect();
            let mut b: Vec<char> = "Celeste Classic".chars().collect();
            a.sort_unstable();
            b.sort_unstable();
            assert_eq!(a, b, "same letters, other order: {q}");
            let q = short_word_typo("Dead Cells", &mut rng).unwrap();
            let changed = q
                .chars()
                .zip("Dead Cells".chars())
                .filter(|(x, y)| x != y)
                .count();
            assert_eq!(changed, 1, "{q}");
            assert!(
                q.starts_with('D') && q.contains(" C"),
                "first letters kept: {q}"
            );
        }
        assert_eq!(short_word_typo("Sekiro", &mut rng), None, "no short word");
    }

    fn game(id: u64, name: &str, links: usize) -> Game {
        Game {
            igdb_id: id,
            name: name.into(),
            links: (0..links)
                .map(|i| format!("https://example.com/{i}"))
                .collect(),
            ..Game::default()
        }
    }

    #[test]
    fn sets_are_reproducible_and_accept_every_same_titled_game() {
        let mut games = vec![
            game(1, "Grand Theft Auto V", 9),
            game(2, "Grand Theft Auto V", 5),
            game(3, "Half-Life 2: Episode One", 8),
            game(4, "Dead Cells", 7),
            game(6, "Half-Life 2", 1),
        ];
        games.extend((10..40).map(|i| game(i, &format!("Filler Quest {i}: Saga"), 2)));
        let a = generate(&games, 120, 3, 20);
        assert_eq!(a, generate(&games, 120, 3, 20));
        assert_ne!(a, generate(&games, 120, 4, 20));
        check(&a).unwrap();
        let gta = a.iter().find(|q| q.id == 1 || q.id == 2).unwrap();
        assert_eq!(gta.accept, vec![1, 2]);
        // "Half-Life 2" is a game of its own, so it is never the missing-subtitle query for
        // its episode.
        assert!(!a
            .iter()
            .any(|q| q.kind == Kind::MissingSubtitle && q.id == 3));
        let kinds: HashSet<Kind> = a.iter().map(|q| q.kind).collect();
        assert_eq!(kinds.len(), Kind::ALL.len(), "{kinds:?}");
    }
}
