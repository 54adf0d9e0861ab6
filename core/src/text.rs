//! Text normalisation shared by title search and feature extraction.
//!
//! Titles and queries go through the same steps so they meet in the middle: lowercase, fold
//! diacritics ("Pokémon" → "pokemon"), drop apostrophes ("Baldur's" → "baldurs"), split on
//! anything else that is not a letter or digit, and write roman numerals as numbers
//! ("VII" → "7") so "final fantasy 7" finds "Final Fantasy VII".

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

/// A normalised word and whether it was glued to the previous one by a hyphen or dot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub joined_to_previous: bool,
}

/// Splits text into normalised words (see the module docs).
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    for_each_word(text, &mut String::new(), |word, joined_to_previous| {
        out.push(Word {
            text: word.to_string(),
            joined_to_previous,
        })
    });
    out
}

/// Calls `each(word, joined_to_previous)` for every normalised word, reusing `buffer`
/// instead of allocating: the fast path for indexing many titles.
pub fn for_each_word(text: &str, buffer: &mut String, mut each: impl FnMut(&str, bool)) {
    buffer.clear();
    let mut any = false;
    let mut joined_next = false;
    let mut pending_join = false;
    let mut flush = |current: &mut String, joined: bool, any: &mut bool| {
        if !current.is_empty() {
            match roman_to_arabic(current) {
                Some(number) => each(number, joined),
                None => each(current, joined),
            }
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
                joined_next = pending_join && any;
                pending_join = false;
            }
            if c.is_ascii() {
                buffer.push(c.to_ascii_lowercase());
            } else {
                fold_char(c, buffer);
            }
        } else if is_joiner(c) {
            continue;
        } else {
            let hyphen = is_hyphen(c) && !buffer.is_empty();
            flush(buffer, joined_next, &mut any);
            pending_join = hyphen;
        }
    }
    flush(buffer, joined_next, &mut any);
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
    ROMANS.iter().find(|(r, _)| *r == word).map(|(_, n)| *n)
}

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
    fn stop_words_are_sorted_and_found() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(is_stop_word("the"));
        assert!(!is_stop_word("roguelike"));
    }
}
