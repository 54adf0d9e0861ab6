//! Descriptive terms from summaries: the few words and two-word phrases that best say what a
//! game is about ("roguelike", "dungeon crawler", "zombie", "pixel art"), chosen by TF-IDF.
//!
//! Genres and platforms are coarse (23 genres: thousands of games tie); summary terms carry
//! setting, mechanics and mood. Stop words and summary boilerplate are removed, plurals are
//! folded, and terms too rare to link games or too common to tell them apart are dropped, as
//! are the sub-genre and mechanic words that [`crate::descriptors`] already finds.

use std::collections::HashMap;

use crate::{descriptors, text};

/// How terms are chosen.
#[derive(Debug, Clone)]
pub struct TermOptions {
    /// Terms kept per game (the best by TF-IDF, best first).
    pub per_game: usize,
    /// A term must occur in at least this many summaries.
    pub min_df: u32,
    /// A term must occur in at most this share of summaries.
    pub max_df_ratio: f32,
}

impl Default for TermOptions {
    fn default() -> Self {
        TermOptions {
            // 4 rather than 5: the fifth term of a summary is its weakest, and dropping it saves
            // 0.25 MB of postings up front with held-out recall unchanged (docs/QUALITY.md).
            per_game: 4,
            min_df: 6,
            max_df_ratio: 0.03,
        }
    }
}

/// The singular a term would have if it is a simple English plural ("zombies" → "zombie",
/// "dungeon crawlers" → "dungeon crawler"). Only used when the corpus has that singular too,
/// so names like "Hades" stay whole.
fn singular(term: &str) -> Option<&str> {
    let plural = term.len() > 4
        && term.ends_with('s')
        && !term.ends_with("ss")
        && !term.ends_with("us")
        && !term.ends_with("is");
    plural.then(|| &term[..term.len() - 1])
}

/// Candidate terms of one summary with their counts: content words and adjacent pairs of
/// content words (a stop word or sentence break between two words breaks the pair).
pub fn candidates(summary: &str) -> HashMap<String, u16> {
    let mut counts: HashMap<String, u16> = HashMap::new();
    for sentence in summary.split(['.', '!', '?', ';', ':', '\n', '(', ')', ',']) {
        let mut previous: Option<String> = None;
        for word in text::tokens(sentence) {
            let content = word.len() >= 3
                && word.chars().all(char::is_alphabetic)
                && !text::is_stop_word(&word);
            if !content {
                previous = None;
                continue;
            }
            // Descriptor spellings are features of their own family (see
            // crate::descriptors): as terms they would only count twice.
            if let Some(prev) = previous.take() {
                if !descriptors::spells_descriptor(&[&prev, &word]) {
                    let c = counts.entry(format!("{prev} {word}")).or_insert(0);
                    *c = c.saturating_add(1);
                }
            }
            if !descriptors::spells_descriptor(&[&word]) {
                let c = counts.entry(word.clone()).or_insert(0);
                *c = c.saturating_add(1);
            }
            previous = Some(word);
        }
    }
    counts
}

/// Chooses terms for every summary (`None` = no summary) over the whole corpus.
pub fn select_terms(summaries: &[Option<&str>], options: &TermOptions) -> Vec<Vec<String>> {
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut names: Vec<String> = Vec::new();
    let counted = crate::parallel::map(summaries, |summary| summary.map(candidates));
    let per_game: Vec<Vec<(u32, u16)>> = counted
        .into_iter()
        .map(|counts| {
            let Some(counts) = counts else {
                return Vec::new();
            };
            counts
                .into_iter()
                .map(|(term, tf)| {
                    let id = *ids.entry(term).or_insert_with_key(|term| {
                        names.push(term.clone());
                        (names.len() - 1) as u32
                    });
                    (id, tf)
                })
                .collect()
        })
        .collect();
    let documents = summaries.iter().filter(|s| s.is_some()).count() as f32;
    // Fold plurals into their singular when the corpus has it, then count documents again.
    let folded: Vec<u32> = (0..names.len() as u32)
        .map(|id| {
            singular(&names[id as usize])
                .and_then(|one| ids.get(one).copied())
                .unwrap_or(id)
        })
        .collect();
    let mut df = vec![0u32; names.len()];
    let per_game: Vec<Vec<(u32, u16)>> = per_game
        .into_iter()
        .map(|terms| {
            let mut merged: Vec<(u32, u16)> = terms
                .into_iter()
                .map(|(id, tf)| (folded[id as usize], tf))
                .collect();
            merged.sort_unstable_by_key(|&(id, _)| id);
            merged.dedup_by(|next, kept| {
                let same = next.0 == kept.0;
                if same {
                    kept.1 = kept.1.saturating_add(next.1);
                }
                same
            });
            for &(id, _) in &merged {
                df[id as usize] += 1;
            }
            merged
        })
        .collect();
    let max_df = (documents * options.max_df_ratio).max(options.min_df as f32);
    per_game
        .into_iter()
        .map(|terms| {
            let mut scored: Vec<(f32, u32)> = terms
                .into_iter()
                .filter(|&(id, _)| {
                    let d = df[id as usize];
                    d >= options.min_df && (d as f32) <= max_df
                })
                .map(|(id, tf)| {
                    let idf = (documents / df[id as usize] as f32).ln();
                    ((1.0 + f32::from(tf).ln()) * idf, id)
                })
                .collect();
            scored.sort_by(|a, b| {
                b.0.total_cmp(&a.0)
                    .then_with(|| names[a.1 as usize].cmp(&names[b.1 as usize]))
            });
            scored
                .into_iter()
                .take(options.per_game)
                .map(|(_, id)| names[id as usize].clone())
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_are_content_words_and_pairs() {
        let c = candidates("The player sees caverns. Goblins and cavern diving!");
        assert_eq!(c.get("cavern"), Some(&1));
        assert_eq!(c.get("caverns"), Some(&1));
        assert_eq!(c.get("goblins"), Some(&1));
        assert_eq!(c.get("cavern diving"), Some(&1));
        assert!(!c.contains_key("the"));
        assert!(!c.contains_key("player"));
        // A sentence break splits pairs.
        assert!(!c.contains_key("caverns goblins"));
    }

    #[test]
    fn descriptor_spellings_are_not_terms() {
        let c = candidates("A roguelike with deck building and a haunted castle.");
        assert!(!c.contains_key("roguelike"));
        assert!(!c.contains_key("deck building"));
        assert_eq!(
            c.get("deck"),
            Some(&1),
            "a word of a spelling alone is a term"
        );
        assert_eq!(c.get("haunted castle"), Some(&1));
    }

    #[test]
    fn plurals_fold_only_into_singulars_the_corpus_has() {
        let summaries = [
            Some("Goblins attack the Hades gate."),
            Some("A goblin walks through Hades."),
            Some("Goblins again, near Hades."),
        ];
        let options = TermOptions {
            per_game: 5,
            min_df: 2,
            max_df_ratio: 1.0,
        };
        let terms = select_terms(&summaries, &options);
        assert!(terms[0].contains(&"goblin".to_string()), "{:?}", terms[0]);
        assert!(
            terms[0].contains(&"hades".to_string()),
            "no 'hade' in the corpus: {:?}",
            terms[0]
        );
        assert!(!terms
            .iter()
            .flatten()
            .any(|t| t == "goblins" || t == "hade"));
    }

    #[test]
    fn selects_distinctive_terms_only() {
        let goblin = "Goblins! Goblins everywhere in a ruined city.";
        let space = "Trade and fight among distant stars in space.";
        let mut summaries = vec![Some(goblin); 4];
        summaries.extend(vec![Some(space); 4]);
        summaries.push(Some("A lonely lighthouse keeper."));
        summaries.push(None);
        let options = TermOptions {
            per_game: 4,
            min_df: 2,
            max_df_ratio: 0.6,
        };
        let terms = select_terms(&summaries, &options);
        assert_eq!(terms.len(), 10);
        assert_eq!(
            terms[0][0], "goblins",
            "the most frequent term ranks first: {:?}",
            terms[0]
        );
        assert_eq!(terms[0].len(), 4);
        assert!(terms[4].iter().all(|t| !t.contains("goblin")));
        assert!(terms[8].is_empty(), "terms of one summary link no games");
        assert!(terms[9].is_empty());
    }
}
