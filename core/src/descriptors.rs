//! Sub-genre and mechanic descriptors found in summaries: "metroidvania", "roguelike",
//! "soulslike", "deck-building", "city builder", "visual novel", "twin-stick shooter", …
//!
//! The dump has 23 broad genres and no IGDB keywords or themes, yet the words players use to
//! say what a game is like are usually in its summary, spelled many ways ("rogue-like",
//! "roguelite", "Roguelikes"). Each descriptor here is a name and the spellings that mean it;
//! a summary has the descriptor when one of them occurs as whole words. Spellings are matched
//! on normalised words ([`crate::text`]), a multi-word spelling also matches its words run
//! together ("deck building" finds "deckbuilding" and "deck-building"), and the last word also
//! matches its plural. Unlike ordinary summary terms (which compete for a handful of slots by
//! TF-IDF), every descriptor found is kept, as a feature of its own family with its own
//! weight: they say what kind of game it is. Descriptors that only repeat one of IGDB's 23
//! genres ("puzzle", "shooter", "racing", …) are left out: the genre says it already.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::text;

/// Descriptor name, then its spellings separated by `|` (the name itself always counts).
const LEXICON: &[(&str, &str)] = &[
    // Sub-genres.
    ("metroidvania", "metroid vania|search action"),
    ("roguelike", "rogue like|roguelite|rogue lite|roguelit"),
    ("soulslike", "souls like|soulsborne|souls lite"),
    ("deck-building", "deck building|deck builder|deckbuilding"),
    (
        "card battler",
        "card battle|card combat|card based combat|card battles",
    ),
    (
        "collectible card game",
        "trading card game|collectible card|ccg|tcg",
    ),
    (
        "city builder",
        "city building|city builder|city management|build a city",
    ),
    (
        "colony sim",
        "colony simulation|colony management|colony builder|colony sim",
    ),
    ("base building", "base building|base builder"),
    ("visual novel", "visual novel|kinetic novel"),
    (
        "dating sim",
        "dating sim|dating simulation|dating simulator|otome",
    ),
    ("twin-stick shooter", "twin stick"),
    (
        "bullet hell",
        "bullet hell|danmaku|shmup|shoot em up|shoot them up",
    ),
    (
        "dungeon crawler",
        "dungeon crawler|dungeon crawling|dungeon crawl",
    ),
    ("battle royale", "battle royale"),
    ("tower defense", "tower defense|tower defence"),
    ("match-3", "match 3|match three"),
    ("hidden object", "hidden object"),
    ("walking simulator", "walking simulator|walking sim"),
    ("survival horror", "survival horror"),
    (
        "psychological horror",
        "psychological horror|psychological thriller",
    ),
    ("cosmic horror", "cosmic horror|lovecraftian|cthulhu"),
    (
        "survival",
        "survival game|survival sandbox|survival crafting|open world survival",
    ),
    ("open world", "open world"),
    ("sandbox", "sandbox"),
    ("crafting", "crafting|craft"),
    (
        "farming sim",
        "farming|farm sim|farming simulator|farm life|run a farm",
    ),
    ("life sim", "life sim|life simulation|life simulator"),
    (
        "management sim",
        "management sim|management simulation|management game",
    ),
    ("tycoon", "tycoon|business sim|business simulation"),
    ("grand strategy", "grand strategy"),
    ("4x", "4x|explore expand exploit exterminate"),
    ("turn-based", "turn based"),
    ("real-time with pause", "real time with pause"),
    (
        "tactics",
        "tactical rpg|tactics rpg|strategy rpg|srpg|tactical role playing",
    ),
    ("jrpg", "jrpg|japanese rpg|japanese role playing"),
    ("action rpg", "action rpg|arpg|action role playing"),
    (
        "crpg",
        "crpg|computer role playing|isometric rpg|party based rpg",
    ),
    (
        "precision platformer",
        "precision platformer|precision platforming",
    ),
    ("puzzle platformer", "puzzle platformer"),
    (
        "endless runner",
        "endless runner|auto runner|endless running",
    ),
    (
        "rhythm",
        "rhythm game|rhythm action|rhythm based|to the beat|rhythm",
    ),
    ("kart racing", "kart racing|kart racer|karts"),
    (
        "flight sim",
        "flight simulator|flight sim|flight simulation|combat flight",
    ),
    (
        "space sim",
        "space sim|space simulation|space combat|space trading|space flight",
    ),
    (
        "vehicle sim",
        "driving simulator|truck simulator|train simulator|bus simulator",
    ),
    ("stealth", "stealth"),
    ("immersive sim", "immersive sim"),
    ("first-person shooter", "first person shooter"),
    ("third-person shooter", "third person shooter"),
    ("tactical shooter", "tactical shooter"),
    ("looter shooter", "looter shooter|looter"),
    ("arena shooter", "arena shooter"),
    ("hero shooter", "hero shooter"),
    (
        "boomer shooter",
        "boomer shooter|retro shooter|old school shooter|retro fps",
    ),
    ("extraction shooter", "extraction shooter"),
    ("mmorpg", "mmorpg|mmo|massively multiplayer"),
    ("auto battler", "auto battler|auto chess"),
    (
        "bullet heaven",
        "bullet heaven|survivors like|horde survival",
    ),
    ("gacha", "gacha"),
    (
        "monster taming",
        "monster taming|monster collecting|creature collector|collect monsters|catch monsters",
    ),
    (
        "idle",
        "idle game|idle clicker|clicker|incremental game|incremental",
    ),
    (
        "interactive fiction",
        "interactive fiction|text adventure|text based adventure|choose your own adventure",
    ),
    (
        "choices matter",
        "choices matter|branching story|branching narrative|multiple endings|your choices",
    ),
    (
        "story rich",
        "story driven|story rich|narrative driven|narrative adventure",
    ),
    (
        "detective",
        "detective|murder mystery|investigation|investigate",
    ),
    ("escape room", "escape room"),
    (
        "physics",
        "physics based|physics puzzle|physics driven|ragdoll",
    ),
    ("sokoban", "sokoban|block pushing|push blocks"),
    ("logic puzzle", "logic puzzle|nonogram|picross|sudoku"),
    ("word game", "word game|word puzzle|crossword"),
    ("party game", "party game|minigames|mini games"),
    ("board game", "board game|tabletop|boardgame"),
    ("chess", "chess"),
    ("mahjong", "mahjong"),
    ("solitaire", "solitaire|klondike"),
    ("poker", "poker|blackjack|casino|slot machine"),
    ("football", "football|soccer"),
    ("basketball", "basketball"),
    ("golf", "golf|minigolf|mini golf"),
    ("tennis", "tennis"),
    ("baseball", "baseball"),
    ("hockey", "hockey"),
    ("skateboarding", "skateboarding|skateboard|skater"),
    ("snowboarding", "snowboarding|skiing"),
    ("boxing", "boxing|wrestling|mma"),
    ("fishing", "fishing"),
    ("hunting", "hunting sim|hunting game|hunt animals"),
    ("cooking", "cooking|restaurant|chef"),
    (
        "co-op",
        "co op|cooperative|couch co op|local co op|online co op",
    ),
    (
        "local multiplayer",
        "local multiplayer|split screen|couch multiplayer",
    ),
    ("pvp", "pvp|player versus player|player vs player"),
    (
        "asymmetric multiplayer",
        "asymmetric multiplayer|asymmetrical multiplayer|asymmetric",
    ),
    (
        "procedural generation",
        "procedurally generated|procedural generation|randomly generated|procedurally",
    ),
    ("permadeath", "permadeath|permanent death"),
    ("time loop", "time loop"),
    (
        "time manipulation",
        "time manipulation|rewind time|manipulate time|time travel",
    ),
    ("gravity", "gravity"),
    ("grappling hook", "grappling hook|grapple"),
    ("parkour", "parkour|free running|wall running"),
    ("bullet time", "bullet time|slow motion"),
    ("loot", "loot"),
    (
        "character customization",
        "character customization|character creation|customize your character",
    ),
    ("skill tree", "skill tree|skill trees|talent tree"),
    (
        "party-based",
        "party based|party of adventurers|recruit companions|companions",
    ),
    ("isometric", "isometric"),
    ("top-down", "top down|overhead view|birds eye view"),
    ("side-scroller", "side scrolling|side scroller|side view"),
    ("first-person", "first person"),
    ("third-person", "third person"),
    (
        "pixel art",
        "pixel art|pixel graphics|pixelated|16 bit|8 bit",
    ),
    ("hand-drawn", "hand drawn|hand painted|watercolor"),
    ("voxel", "voxel|blocky"),
    ("low poly", "low poly"),
    ("retro", "retro|old school|classic arcade"),
    ("vr", "virtual reality|vr"),
    ("anime", "anime|manga"),
    ("cute", "cute|adorable|kawaii"),
    ("cozy", "cozy|cosy|wholesome|relaxing"),
    ("dark fantasy", "dark fantasy|grimdark"),
    ("cyberpunk", "cyberpunk"),
    ("steampunk", "steampunk"),
    (
        "post-apocalyptic",
        "post apocalyptic|apocalypse|nuclear wasteland|wasteland",
    ),
    ("zombies", "zombie|undead horde|walkers"),
    ("sci-fi", "sci fi|science fiction|scifi"),
    (
        "space",
        "outer space|spaceship|starship|galaxy|space station",
    ),
    ("mech", "mech|mecha|giant robots"),
    ("western", "wild west|western|cowboy|gunslinger"),
    ("world war ii", "world war 2|wwii|ww2|second world war|nazi"),
    (
        "world war i",
        "world war 1|wwi|ww1|first world war|great war",
    ),
    ("medieval", "medieval|knights|castle siege"),
    ("vikings", "viking|norse"),
    ("pirates", "pirate|pirates|naval"),
    ("ninja", "ninja|samurai|shogun"),
    ("dinosaurs", "dinosaur|jurassic"),
    ("lovecraft", "lovecraft|eldritch"),
    ("mythology", "mythology|gods|greek myth|norse myth"),
    (
        "superhero",
        "superhero|superheroes|super powers|superpowers",
    ),
    ("military", "military|soldier|squad|warfare"),
    ("heist", "heist|robbery|bank robbery"),
    ("crime", "crime|gangster|mafia|gang"),
    ("magic", "magic|spells|wizard|sorcery"),
    ("dragons", "dragon"),
    ("underwater", "underwater|ocean depths|deep sea"),
    ("dungeon", "dungeon"),
    ("exploration", "explore|exploration"),
    ("education", "educational|learn to|teaches"),
];

/// Spelling words → the descriptors they spell, grouped by first word for a quick scan.
struct Matcher {
    by_first: HashMap<String, Vec<(Vec<String>, u16)>>,
}

fn matcher() -> &'static Matcher {
    static MATCHER: OnceLock<Matcher> = OnceLock::new();
    MATCHER.get_or_init(|| {
        let mut by_first: HashMap<String, Vec<(Vec<String>, u16)>> = HashMap::new();
        for (id, (name, spellings)) in LEXICON.iter().enumerate() {
            for spelling in std::iter::once(*name).chain(spellings.split('|')) {
                let words = text::tokens(spelling);
                let mut forms = vec![words.clone()];
                if words.len() > 1 {
                    forms.push(vec![words.concat()]);
                }
                for form in forms {
                    by_first
                        .entry(form[0].clone())
                        .or_default()
                        .push((form, id as u16));
                }
            }
        }
        Matcher { by_first }
    })
}

/// Whether summary word `word` spells `wanted`, the `last` word of a spelling (which may
/// also be in the plural).
fn same_word(word: &str, wanted: &str, last: bool) -> bool {
    word == wanted
        || (last
            && word.len() == wanted.len() + 1
            && word.ends_with('s')
            && word.starts_with(wanted))
}

/// The descriptors spelled by the words starting at `start`: (words used, descriptor).
fn matches_at<S: AsRef<str>>(words: &[S], start: usize) -> Vec<(usize, u16)> {
    let word = words[start].as_ref();
    let singular = word.strip_suffix('s').unwrap_or(word);
    let keys: &[&str] = if singular == word {
        &[word]
    } else {
        &[word, singular]
    };
    let mut out = Vec::new();
    for key in keys {
        for (form, id) in matcher().by_first.get(*key).into_iter().flatten() {
            let fits = words.len() - start >= form.len()
                && form.iter().enumerate().all(|(i, wanted)| {
                    same_word(words[start + i].as_ref(), wanted, i + 1 == form.len())
                });
            if fits {
                out.push((form.len(), *id));
            }
        }
    }
    out
}

/// The descriptors a summary has, as their names, in lexicon order.
pub fn descriptors(summary: &str) -> Vec<&'static str> {
    let words = text::tokens(summary);
    let mut found: Vec<u16> = (0..words.len())
        .flat_map(|start| matches_at(&words, start))
        .map(|(_, id)| id)
        .collect();
    found.sort_unstable();
    found.dedup();
    found.into_iter().map(|id| LEXICON[id as usize].0).collect()
}

/// Whether these normalised words are exactly a spelling of a descriptor ("rogue", "like"),
/// so a summary term made of them would only repeat the descriptor.
pub fn spells_descriptor(words: &[&str]) -> bool {
    !words.is_empty()
        && matches_at(words, 0)
            .iter()
            .any(|&(used, _)| used == words.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_meet_in_one_descriptor() {
        for summary in [
            "A roguelike dungeon crawler.",
            "A rogue-like with permadeath.",
            "Roguelites are hard.",
            "A Rogue Lite adventure.",
        ] {
            assert!(descriptors(summary).contains(&"roguelike"), "{summary}");
        }
        assert_eq!(
            descriptors("A Metroidvania-style action platformer with deck-building."),
            vec!["metroidvania", "deck-building"]
        );
        assert!(descriptors("Build the deckbuilder of your dreams").contains(&"deck-building"));
        assert!(descriptors("a souls-like boss rush").contains(&"soulslike"));
        assert!(descriptors("A TWIN-STICK shooter").contains(&"twin-stick shooter"));
        assert!(descriptors("The best city-building game").contains(&"city builder"));
        assert!(descriptors("Two visual novels in one").contains(&"visual novel"));
        assert!(descriptors("A shoot 'em up from 1991").contains(&"bullet hell"));
    }

    #[test]
    fn only_whole_words_count() {
        assert!(descriptors("A roguelikeish thing").is_empty());
        assert!(descriptors("Rhythmic breathing").is_empty());
        assert!(descriptors("").is_empty());
        // "visual" alone is not "visual novel"; a phrase needs all its words in a row.
        assert!(!descriptors("a visual treat, a novel idea").contains(&"visual novel"));
        assert_eq!(
            descriptors("Chess. Chess! chess"),
            vec!["chess"],
            "once each"
        );
    }

    #[test]
    fn whole_spellings_are_told_apart_from_longer_phrases() {
        assert!(spells_descriptor(&["roguelites"]));
        assert!(spells_descriptor(&["deck", "building"]));
        assert!(!spells_descriptor(&["deck"]));
        assert!(!spells_descriptor(&["roguelike", "castle"]));
        assert!(!spells_descriptor(&[]));
    }

    #[test]
    fn every_spelling_is_findable() {
        for (name, spellings) in LEXICON {
            for spelling in std::iter::once(*name).chain(spellings.split('|')) {
                assert!(
                    descriptors(spelling).contains(name),
                    "{spelling:?} should find {name:?}"
                );
            }
        }
    }
}
