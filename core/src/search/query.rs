//! What a query says before it meets the dictionary: its alternative forms (a bilingual
//! store title is tried whole and half by half), its words, which of them a store adds
//! ("Steam Edition", "free2play", "Demo"… are optional), and the glued spellings an exact
//! title comparison needs.

use crate::text;

/// One query word.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct QueryWord {
    pub text: String,
    /// Still being typed: the last word of a query without a trailing space.
    pub prefix: bool,
    /// Typed as a roman numeral after other words ("Monster V", now "monster 5").
    pub roman: bool,
    /// Part of a store suffix: a bonus when a title has it, never required.
    pub optional: bool,
}

/// One way to read the query.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Form {
    pub words: Vec<QueryWord>,
    /// Every word glued, a leading "the" dropped, for exact-title comparison; then the same
    /// with the store suffixes dropped one by one ("Jazzpunk: Director's Cut: Deluxe
    /// Edition" is exactly "Jazzpunk: Director's Cut", a bit less exactly "Jazzpunk").
    pub exact: Vec<String>,
}

/// Words a query keeps at most; the rest of a very long query adds little.
const MAX_WORDS: usize = 8;

/// Store suffixes, as normalised words, that say nothing about which game is meant. A
/// trailing "<word> edition" is one too.
const STORE_SUFFIXES: &[&[&str]] = &[
    &["game", "of", "the", "year", "edition"],
    &["game", "of", "the", "year"],
    &["goty"],
    &["the", "complete", "collection"],
    &["complete", "collection"],
    &["digital", "deluxe"],
    &["free2play"],
    &["free", "to", "play"],
    &["f2p"],
    &["early", "access"],
    &["demo"],
    &["playtest"],
    &["pc"],
    &["directors", "cut"],
];

/// Separators between the halves of a bilingual title ("Night Shift / ナイトシフト").
const HALF_SEPARATORS: &[char] = &['/', '|', '／', '｜'];

/// The texts to search for a query, each with whether its last word is still being typed:
/// the whole query, then each half of a bilingual one.
/// The halves are split at a spaced separator when there is one ("Xevious 3D/G / …" keeps
/// "3D/G"), else at any separator between halves of different scripts.
pub(super) fn forms(query: &str, typing: bool) -> Vec<(&str, bool)> {
    let mut out = vec![(query, typing)];
    let has_text = |half: &&str| half.chars().any(char::is_alphanumeric);
    let spaced: Vec<&str> = query
        .split(|c: char| c.is_whitespace())
        .filter(|token| token.chars().count() == 1 && token.contains(HALF_SEPARATORS))
        .collect();
    let halves: Vec<&str> = match spaced.first() {
        Some(separator) => query
            .split(&format!(" {separator} "))
            .filter(has_text)
            .collect(),
        None => query.split(HALF_SEPARATORS).filter(has_text).collect(),
    };
    // Another script: letters, none of them ASCII ("1/2" is a number, not a second half).
    let latin = |half: &str| half.chars().any(|c| c.is_ascii_alphabetic());
    let other = |half: &str| !latin(half) && half.chars().any(char::is_alphabetic);
    let mixed_scripts = halves.iter().any(|h| latin(h)) && halves.iter().any(|h| other(h));
    if halves.len() > 1 && (!spaced.is_empty() || mixed_scripts) {
        let last = halves.len() - 1;
        out.extend(
            halves
                .into_iter()
                .enumerate()
                .map(|(i, half)| (half, typing && i == last)),
        );
    }
    out
}

/// Reads one form of a query; `None` when it has no words.
pub(super) fn parse(text_of_form: &str, typing: bool) -> Option<Form> {
    let mut words: Vec<QueryWord> = text::words(text_of_form)
        .into_iter()
        .map(|w| QueryWord {
            text: w.text,
            prefix: false,
            roman: w.roman,
            optional: false,
        })
        .collect();
    if words.is_empty() {
        return None;
    }
    let exact = mark_store_suffix(&mut words)
        .into_iter()
        .map(|end| squash(&words[..end]))
        .collect();
    if words.len() > 1 {
        words.retain(|w| w.text != "the");
    }
    words.truncate(MAX_WORDS);
    let alone = words.len() == 1;
    if let Some(last) = words.last_mut() {
        last.prefix = typing;
        last.roman &= !alone;
    }
    Some(Form { words, exact })
}

/// Marks the store suffixes at the end of the query as optional, as long as a word is left
/// to require. Returns how many words are left before each suffix, the whole query first.
fn mark_store_suffix(words: &mut [QueryWord]) -> Vec<usize> {
    let mut end = words.len();
    let mut ends = vec![end];
    loop {
        let texts: Vec<&str> = words[..end].iter().map(|w| w.text.as_str()).collect();
        let edition = end >= 3 && texts[end - 1] == "edition";
        let found = STORE_SUFFIXES
            .iter()
            .find(|suffix| suffix.len() < end && texts.ends_with(suffix))
            .map(|suffix| suffix.len())
            .or(edition.then_some(2));
        let Some(len) = found else { break };
        for word in &mut words[end - len..end] {
            word.optional = true;
        }
        end -= len;
        ends.push(end);
    }
    ends
}

/// Words glued together, a leading "the" dropped: "The Half-Life" → "halflife".
fn squash(words: &[QueryWord]) -> String {
    let skip = usize::from(words.len() > 1 && words[0].text == "the");
    words[skip..].iter().map(|w| w.text.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn optional(query: &str) -> Vec<String> {
        parse(query, false)
            .unwrap()
            .words
            .into_iter()
            .filter(|w| w.optional)
            .map(|w| w.text)
            .collect()
    }

    #[test]
    fn store_suffixes_are_optional() {
        assert_eq!(
            optional("Farmtown 3 Steam Edition"),
            vec!["steam", "edition"]
        );
        assert_eq!(
            optional("Skyfort: Complete Collection"),
            vec!["complete", "collection"]
        );
        assert_eq!(optional("Rally 2 free2play"), vec!["free2play"]);
        assert_eq!(
            optional("Twin Sector - Game of the Year Edition Demo"),
            vec!["game", "of", "year", "edition", "demo"]
        );
        assert_eq!(optional("Hades (Free to Play) [Early Access]").len(), 5);
        // A query that is only a suffix, or has one in the middle, keeps its words.
        assert!(optional("Demo").is_empty());
        assert!(optional("Early Access Heroes").is_empty());
        assert!(
            optional("Limited Edition").is_empty(),
            "nothing would be left"
        );
    }

    #[test]
    fn exact_forms_drop_a_leading_the_and_the_suffix() {
        let form = parse("The Half-Life Demo", true).unwrap();
        assert_eq!(form.exact, vec!["halflifedemo", "halflife"]);
        assert_eq!(form.words.len(), 3, "the 'the' words go, not the others");
        assert!(form.words[2].prefix && !form.words[0].prefix);
        let form = parse("Jazzpunk: Director's Cut: Deluxe Edition", true).unwrap();
        assert_eq!(
            form.exact,
            vec![
                "jazzpunkdirectorscutdeluxeedition",
                "jazzpunkdirectorscut",
                "jazzpunk"
            ]
        );
        assert!(parse(" ™ ", true).is_none());
    }

    #[test]
    fn bilingual_queries_are_tried_half_by_half() {
        assert_eq!(
            forms("Night Shift / ナイトシフト", true),
            vec![
                ("Night Shift / ナイトシフト", true),
                ("Night Shift", false),
                ("ナイトシフト", true)
            ]
        );
        assert_eq!(forms("ナイトシフト/Night Shift", false).len(), 3);
        assert_eq!(
            forms("Fate/stay night", true).len(),
            1,
            "one script, no spaces"
        );
        assert_eq!(forms("AC/DC Live", true).len(), 1);
        assert_eq!(forms("Touch Detective 2 1/2", true).len(), 1, "a fraction");
        assert_eq!(
            forms("Xevious 3D/G / セカソ", false)[1..],
            [("Xevious 3D/G", false), ("セカソ", false)]
        );
    }
}
