//! Text normalisation shared by title search and feature extraction.
//!
//! Titles and queries go through the same steps so they meet in the middle: HTML entities
//! decoded ("&amp;" → "&", "&#39;" → "'"), lowercase, fold diacritics ("Pokémon" →
//! "pokemon"), drop apostrophes ("Baldur's" → "baldurs"), "&" read as the word "and", split on
//! anything else that is not a letter or digit (™ ® © and other symbols included), and write
//! roman numerals as numbers ("VII" → "7") so "final fantasy 7" finds "Final Fantasy VII".

use std::borrow::Cow;

/// Folds one character to lowercase ASCII where a sensible folding exists.
/// Returns the folded text (possibly two letters, like `ß` → `ss`) or the lowercase char.
fn fold_char(c: char, out: &mut String) {
    let folded: &str = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å'
        | 'Ā' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'ć' | 'č' | 'Ç' | 'Ć' | 'Č' => "c",
        'ď' | 'đ' | 'ð' | 'Ď' | 'Đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' | 'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ě' => {
            "e"
        }
        'ğ' | 'Ğ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' | 'Ì' | 'Í' | 'Î' | 'Ï' | 'İ' => "i",
        'ł' | 'Ł' => "l",
        'ñ' | 'ń' | 'ň' | 'Ñ' | 'Ń' | 'Ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō'
        | 'Ő' => "o",
        'œ' | 'Œ' => "oe",
        'ř' | 'Ř' => "r",
        'ś' | 'š' | 'ş' | 'Ś' | 'Š' | 'Ş' => "s",
        'ß' => "ss",
        'ť' | 'ţ' | 'Ť' | 'Ţ' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů' => {
            "u"
        }
        'ý' | 'ÿ' | 'Ý' | 'Ÿ' => "y",
        'ź' | 'ż' | 'ž' | 'Ź' | 'Ż' | 'Ž' => "z",
        _ => {
            out.extend(c.to_lowercase());
            return;
        }
    };
    out.push_str(folded);
}

/// Characters that vanish inside a word instead of splitting it.
fn is_joiner(c: char) -> bool {
    matches!(c, '\'' | '’' | '`' | '´')
}

/// Characters that split words but mark them as one compound ("Half-Life", "Spider-Man").
fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '–' | '.')
}

/// A normalised word and how it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    /// Glued to the previous word by a hyphen or dot ("Half-Life").
    pub joined_to_previous: bool,
    /// Written as a roman numeral ("V", now "5"): while it is being typed it may also be the
    /// start of a word ("V" → "Viator"), see [`roman_letters`].
    pub roman: bool,
}

/// One normalised word as [`for_each_word`] hands it over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub text: &'a str,
    /// Glued to the previous word by a hyphen or dot.
    pub joined: bool,
    /// Written as a roman numeral.
    pub roman: bool,
    /// First word after a subtitle separator (":" or a spaced dash): "Call of Duty: Black
    /// Ops" has the parts "call of duty" and "black ops".
    pub new_part: bool,
}

/// Splits text into normalised words (see the module docs).
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    for_each_word(text, &mut String::new(), |token| {
        out.push(Word {
            text: token.text.to_string(),
            joined_to_previous: token.joined,
            roman: token.roman,
        })
    });
    out
}

/// Calls `each` for every normalised word, reusing `buffer` instead of allocating: the fast
/// path for indexing many titles.
pub fn for_each_word(text: &str, buffer: &mut String, mut each: impl FnMut(Token<'_>)) {
    let text = decode_entities(text);
    buffer.clear();
    let mut any = false;
    // Flags of the word being read, and of the next one.
    let (mut joined, mut new_part) = (false, false);
    let (mut pending_join, mut pending_part) = (false, false);
    let (mut before, mut previous) = (' ', ' ');
    let mut flush = |current: &mut String, joined: bool, new_part: bool, any: &mut bool| {
        if !current.is_empty() {
            let (text, roman) = match roman_to_arabic(current) {
                Some(number) => (number, true),
                None => (current.as_str(), false),
            };
            each(Token {
                text,
                joined,
                roman,
                new_part,
            });
            current.clear();
            *any = true;
        }
    };
    for c in text.chars() {
        let alphanumeric = if c.is_ascii() {
            c.is_ascii_alphanumeric()
        } else {
            c.is_alphanumeric()
        };
        if alphanumeric {
            if buffer.is_empty() {
                (joined, new_part) = (pending_join && any, pending_part && any);
                (pending_join, pending_part) = (false, false);
            }
            if c.is_ascii() {
                buffer.push(c.to_ascii_lowercase());
            } else {
                fold_char(c, buffer);
            }
        } else if is_joiner(c) {
            continue;
        } else if c == '&' {
            flush(buffer, joined, new_part, &mut any);
            buffer.push_str("and");
            flush(buffer, false, false, &mut any);
            pending_join = false;
        } else {
            let hyphen = is_hyphen(c) && !buffer.is_empty();
            flush(buffer, joined, new_part, &mut any);
            pending_join = hyphen;
            pending_part |=
                c == ':' || (c.is_whitespace() && is_dash(previous) && before.is_whitespace());
        }
        (before, previous) = (previous, c);
    }
    flush(buffer, joined, new_part, &mut any);
}

/// Dashes that separate a subtitle when spaced ("Ys Origin - Deluxe").
fn is_dash(c: char) -> bool {
    matches!(c, '-' | '–' | '—')
}

/// Decodes the HTML entities store pages and feeds leave in titles: `&amp;`, `&#39;`,
/// `&#x2122;`, `&trade;` and the other common named ones. Anything else is left as written.
pub fn decode_entities(text: &str) -> Cow<'_, str> {
    if !(text.contains('&') && text.contains(';')) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.bytes().take(12).position(|b| b == b';');
        match end.and_then(|end| Some((end, entity(&rest[1..end])?))) {
            Some((end, decoded)) => {
                out.push(decoded);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The character an entity name (between `&` and `;`) stands for.
fn entity(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" | "rsquo" | "lsquo" => '\'',
        "ldquo" | "rdquo" => '"',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "trade" => '™',
        "reg" => '®',
        "copy" => '©',
        _ => return None,
    })
}

/// Normalised words as plain strings.
pub fn tokens(text: &str) -> Vec<String> {
    words(text).into_iter().map(|w| w.text).collect()
}

/// The whole text normalised to single-spaced words, for exact comparisons.
pub fn normalize(text: &str) -> String {
    tokens(text).join(" ")
}

/// `ii`..`xx` as arabic numbers. `i` stays a word ("I Am Bread").
fn roman_to_arabic(word: &str) -> Option<&'static str> {
    if word.len() > 5 || !word.bytes().all(|b| matches!(b, b'i' | b'v' | b'x')) {
        return None;
    }
    ROMANS.iter().find(|(r, _)| *r == word).map(|(_, n)| *n)
}

/// The roman numeral (lowercase) that [`words`] turned into `number`.
pub fn roman_letters(number: &str) -> Option<&'static str> {
    ROMANS.iter().find(|(_, n)| *n == number).map(|(r, _)| *r)
}

const ROMANS: [(&str, &str); 19] = [
    ("ii", "2"),
    ("iii", "3"),
    ("iv", "4"),
    ("v", "5"),
    ("vi", "6"),
    ("vii", "7"),
    ("viii", "8"),
    ("ix", "9"),
    ("x", "10"),
    ("xi", "11"),
    ("xii", "12"),
    ("xiii", "13"),
    ("xiv", "14"),
    ("xv", "15"),
    ("xvi", "16"),
    ("xvii", "17"),
    ("xviii", "18"),
    ("xix", "19"),
    ("xx", "20"),
];

/// Common English words that say nothing about a game.
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// Sorted, for binary search. Includes boilerplate of game summaries ("game", "player",
/// "published", "series", …) that says nothing about what a game is like.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "across",
    "after",
    "again",
    "against",
    "all",
    "along",
    "also",
    "an",
    "and",
    "another",
    "any",
    "are",
    "around",
    "as",
    "at",
    "available",
    "back",
    "based",
    "be",
    "become",
    "becomes",
    "been",
    "before",
    "being",
    "best",
    "between",
    "both",
    "brand",
    "but",
    "by",
    "can",
    "come",
    "comes",
    "could",
    "developed",
    "developer",
    "different",
    "do",
    "does",
    "each",
    "easy",
    "edition",
    "enjoy",
    "even",
    "ever",
    "every",
    "experience",
    "feature",
    "features",
    "featuring",
    "first",
    "for",
    "free",
    "from",
    "full",
    "fun",
    "game",
    "gameplay",
    "games",
    "get",
    "gets",
    "go",
    "great",
    "has",
    "have",
    "he",
    "her",
    "here",
    "him",
    "his",
    "how",
    "if",
    "in",
    "include",
    "includes",
    "including",
    "into",
    "is",
    "it",
    "its",
    "just",
    "like",
    "made",
    "make",
    "makes",
    "many",
    "may",
    "more",
    "most",
    "much",
    "multiple",
    "must",
    "new",
    "no",
    "not",
    "now",
    "of",
    "off",
    "on",
    "one",
    "only",
    "or",
    "original",
    "other",
    "our",
    "out",
    "over",
    "own",
    "play",
    "played",
    "player",
    "players",
    "playing",
    "plays",
    "port",
    "ported",
    "published",
    "publisher",
    "release",
    "released",
    "remake",
    "same",
    "see",
    "sequel",
    "serie",
    "series",
    "set",
    "several",
    "she",
    "should",
    "simple",
    "so",
    "some",
    "such",
    "take",
    "takes",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "time",
    "to",
    "together",
    "too",
    "two",
    "under",
    "unique",
    "up",
    "upon",
    "us",
    "use",
    "using",
    "various",
    "version",
    "very",
    "was",
    "way",
    "we",
    "well",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "world",
    "would",
    "you",
    "your",
    "yours",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_diacritics_and_apostrophes() {
        assert_eq!(tokens("Pokémon Ōkami"), vec!["pokemon", "okami"]);
        assert_eq!(tokens("Baldur's Gate"), vec!["baldurs", "gate"]);
        assert_eq!(normalize("  Straße  "), "strasse");
    }

    #[test]
    fn splits_hyphens_and_remembers_the_join() {
        let w = words("Half-Life 2");
        assert_eq!(tokens("Half-Life 2"), vec!["half", "life", "2"]);
        assert!(!w[0].joined_to_previous);
        assert!(w[1].joined_to_previous);
        assert!(!w[2].joined_to_previous);
        // A leading hyphen does not join to nothing.
        assert!(!words("-Life")[0].joined_to_previous);
    }

    #[test]
    fn writes_roman_numerals_as_numbers() {
        assert_eq!(normalize("Final Fantasy VII"), "final fantasy 7");
        assert_eq!(
            normalize("Baldur's Gate II: Shadows of Amn"),
            "baldurs gate 2 shadows of amn"
        );
        assert_eq!(normalize("I Am Bread"), "i am bread");
        assert_eq!(normalize("Civilization"), "civilization");
    }

    #[test]
    fn decodes_entities_and_reads_ampersands_as_and() {
        assert_eq!(
            normalize("Heroes &amp; Villains"),
            "heroes and villains",
            "entity"
        );
        assert_eq!(
            normalize("Heroes & Villains"),
            normalize("Heroes and Villains")
        );
        assert_eq!(normalize("Baldur&#39;s Gate"), "baldurs gate");
        assert_eq!(normalize("Portal&#x2122; 2&trade;"), "portal 2");
        assert_eq!(normalize("Skull Island™: Rise®"), "skull island rise");
        assert_eq!(
            decode_entities("R&D; &bogus; &#xZZ; &"),
            "R&D; &bogus; &#xZZ; &"
        );
        assert_eq!(decode_entities("a &lt;b&gt;"), "a <b>");
    }

    #[test]
    fn remembers_roman_numerals_and_where_subtitles_start() {
        let w = words("Hades V");
        assert!(!w[0].roman && w[1].roman);
        assert_eq!(roman_letters("5"), Some("v"));
        assert_eq!(roman_letters("50"), None);
        let mut parts = Vec::new();
        for_each_word(
            "Call of Duty: Black Ops - Zombies",
            &mut String::new(),
            |t| parts.push((t.text.to_string(), t.new_part)),
        );
        let starts: Vec<&str> = parts
            .iter()
            .filter(|(_, new)| *new)
            .map(|(w, _)| w.as_str())
            .collect();
        assert_eq!(starts, vec!["black", "zombies"]);
        let mut new_parts = 0;
        for_each_word("Half-Life: -Ops", &mut String::new(), |t| {
            new_parts += usize::from(t.new_part)
        });
        assert_eq!(new_parts, 1, "a hyphen is no separator, a colon is");
    }

    #[test]
    fn stop_words_are_sorted_and_found() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(is_stop_word("the"));
        assert!(!is_stop_word("roguelike"));
    }
}
