//! `playlike synth`: a deterministic synthetic catalogue for scale tests without the real dump.
//!
//! Distributions follow the real 332,503-game dump (measured once; see the tables below):
//! genre and platform frequencies, how many genres and platforms a game has, release years in
//! five-year buckets, and the missing rates of every field (genres 16.5 %, companies 56.5 %,
//! critic rating 95.3 %, release date 26.5 %, platforms 18.9 %, cover 18.6 %, summary 14.1 %).
//! Companies follow a Zipf law, so a few studios make many games, as in life. Titles and
//! summaries are composed from word lists, so title search and summary terms have work to do.
//! The same `--seed` always gives the same file.

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use playlike_core::bench::SplitMix;
use serde_json::json;

#[derive(clap::Args)]
pub struct SynthArgs {
    /// Number of games.
    #[arg(long)]
    pub games: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output JSONL file (.gz to compress).
    #[arg(long)]
    pub out: PathBuf,
}

/// Share of games with each genre in the real dump.
const GENRES: &[(&str, f64)] = &[
    ("Indie", 0.3518),
    ("Adventure", 0.2695),
    ("Simulator", 0.1573),
    ("Strategy", 0.1365),
    ("Role-playing (RPG)", 0.1217),
    ("Puzzle", 0.0927),
    ("Arcade", 0.0823),
    ("Shooter", 0.0807),
    ("Platform", 0.0671),
    ("Sport", 0.0547),
    ("Racing", 0.0411),
    ("Visual Novel", 0.0385),
    ("Fighting", 0.0202),
    ("Point-and-click", 0.0197),
    ("Card & Board Game", 0.0186),
    ("Turn-based strategy (TBS)", 0.0158),
    ("Hack and slash/Beat 'em up", 0.015),
    ("Music", 0.0144),
    ("Tactical", 0.0112),
    ("Real Time Strategy (RTS)", 0.0093),
    ("Quiz/Trivia", 0.0067),
    ("Pinball", 0.0032),
    ("MOBA", 0.0008),
];

/// Share of games on each of the 24 most common platforms in the real dump.
const PLATFORMS: &[(&str, f64)] = &[
    ("PC (Microsoft Windows)", 0.5123),
    ("Mac", 0.0941),
    ("Nintendo Switch", 0.0762),
    ("Linux", 0.0612),
    ("iOS", 0.0562),
    ("Android", 0.0548),
    ("PlayStation 4", 0.0538),
    ("Xbox One", 0.0441),
    ("Web browser", 0.0341),
    ("PlayStation 5", 0.0308),
    ("Xbox Series X|S", 0.0265),
    ("PlayStation 3", 0.0141),
    ("Arcade", 0.0128),
    ("PlayStation 2", 0.0121),
    ("DOS", 0.0111),
    ("Xbox 360", 0.0111),
    ("PlayStation", 0.011),
    ("Nintendo DS", 0.0097),
    ("Wii", 0.009),
    ("Commodore C64/128/MAX", 0.0088),
    ("PlayStation Portable", 0.0087),
    ("SteamVR", 0.0079),
    ("Amiga", 0.007),
    ("Handheld Electronic LCD", 0.0069),
];

/// Games per five-year bucket of release, from the real dump (dated games only).
const YEAR_BUCKETS: &[(i64, f64)] = &[
    (1970, 100.0),
    (1975, 532.0),
    (1980, 3964.0),
    (1985, 5476.0),
    (1990, 8410.0),
    (1995, 9981.0),
    (2000, 11283.0),
    (2005, 14954.0),
    (2010, 20742.0),
    (2015, 50918.0),
    (2020, 91082.0),
    (2025, 26778.0),
];

const ADJECTIVES: &[&str] = &[
    "Ancient",
    "Broken",
    "Crimson",
    "Dark",
    "Endless",
    "Forgotten",
    "Golden",
    "Hidden",
    "Iron",
    "Lost",
    "Neon",
    "Silent",
    "Super",
    "Tiny",
    "Wild",
    "Frozen",
    "Hollow",
    "Savage",
    "Cosmic",
    "Little",
];
const NOUNS: &[&str] = &[
    "Kingdom",
    "Dungeon",
    "Galaxy",
    "Legend",
    "Knight",
    "Empire",
    "Island",
    "Rally",
    "Circuit",
    "Garden",
    "Tower",
    "Frontier",
    "Odyssey",
    "Tactics",
    "Saga",
    "Quest",
    "Arena",
    "Station",
    "Chronicles",
    "Valley",
    "Racer",
    "Mansion",
    "Colony",
    "Warriors",
];
const SUBTITLES: &[&str] = &[
    "Rebirth",
    "Origins",
    "Deluxe Edition",
    "Soundtrack",
    "Season Pass",
    "Remastered",
    "The Lost Tapes",
    "Director's Cut",
    "Prologue",
    "Reckoning",
];
const SUMMARY_WORDS: &[&str] = &[
    "zombie",
    "dungeon",
    "spaceship",
    "farming",
    "detective",
    "samurai",
    "pirate",
    "robot",
    "dragon",
    "wizard",
    "survival",
    "crafting",
    "roguelike",
    "puzzle",
    "racing",
    "football",
    "castle",
    "mystery",
    "horror",
    "romance",
    "strategy",
    "colony",
    "pixel",
    "stealth",
    "mech",
    "vampire",
    "ninja",
    "cyberpunk",
    "medieval",
    "underwater",
    "desert",
    "island",
    "railway",
    "kitchen",
    "orchestra",
    "tennis",
    "golf",
    "chess",
    "card",
    "monster",
];

/// The synthetic catalogue's random choices, on core's deterministic SplitMix64.
struct Rng(SplitMix);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }

    /// Zipf-like rank in `0..n`: rank r with weight 1/(r+1).
    fn zipf(&mut self, n: usize) -> usize {
        let h = (n as f64).ln() + 0.5772;
        let target = self.unit() * h;
        ((target.exp() - 1.0).floor() as usize).min(n - 1)
    }

    fn weighted(&mut self, table: &[(i64, f64)]) -> i64 {
        let total: f64 = table.iter().map(|(_, w)| w).sum();
        let mut x = self.unit() * total;
        for (value, w) in table {
            if x < *w {
                return *value;
            }
            x -= w;
        }
        table.last().map_or(2020, |(v, _)| *v)
    }
}

/// One synthetic game record in the flat dump's shape.
fn game(rng: &mut Rng, id: u64, companies: usize) -> serde_json::Value {
    let mut name = format!("{} {}", rng.pick(ADJECTIVES), rng.pick(NOUNS));
    if rng.chance(0.25) {
        name.push_str(&format!(" {}", 2 + rng.next() % 6));
    }
    if rng.chance(0.2) {
        name.push_str(&format!(": {}", rng.pick(SUBTITLES)));
    }
    let genres: Vec<&str> = if rng.chance(0.835) {
        let mut g: Vec<&str> = GENRES
            .iter()
            .filter(|(_, p)| rng.chance(p * 1.2))
            .map(|(n, _)| *n)
            .collect();
        if g.is_empty() {
            g.push(GENRES[(rng.next() % GENRES.len() as u64) as usize].0);
        }
        g
    } else {
        Vec::new()
    };
    let platforms: Vec<&str> = if rng.chance(0.811) {
        let mut p: Vec<&str> = PLATFORMS
            .iter()
            .filter(|(_, share)| rng.chance(share / 0.811))
            .map(|(n, _)| *n)
            .collect();
        if p.is_empty() {
            p.push(PLATFORMS[0].0);
        }
        p
    } else {
        Vec::new()
    };
    let company = |rng: &mut Rng| format!("Studio {}", rng.zipf(companies) + 1);
    let (developers, publishers) = if rng.chance(0.435) {
        let dev = company(rng);
        let publisher = if rng.chance(0.5) {
            dev.clone()
        } else {
            company(rng)
        };
        (vec![dev], vec![publisher])
    } else {
        (Vec::new(), Vec::new())
    };
    let release_date = rng.chance(0.735).then(|| {
        let year = rng.weighted(YEAR_BUCKETS) + (rng.next() % 5) as i64;
        (year - 1970) * 31_556_952 + (rng.next() % 31_000_000) as i64
    });
    let summary = rng.chance(0.859).then(|| {
        let words: Vec<&str> = (0..6).map(|_| rng.pick(SUMMARY_WORDS)).collect();
        format!(
            "A {} adventure with {} and {}. Explore the {} of the {}, fight every {} you meet.",
            words[0], words[1], words[2], words[3], words[4], words[5]
        )
    });
    let rating = rng
        .chance(0.047)
        .then(|| 40.0 + (rng.next() % 600) as f64 / 10.0);
    let cover = rng.chance(0.814).then(|| {
        format!(
            "//images.igdb.com/igdb/image/upload/t_thumb/co{}.jpg",
            radix36(id + 1000)
        )
    });
    json!({
        "igdb_id": id,
        "name": name,
        "summary": summary,
        "genres": genres,
        "developers": developers,
        "publishers": publishers,
        "aggregated_rating": rating,
        "release_date": release_date,
        "platforms": platforms,
        "cover_url": cover,
        "external_ids": [],
    })
}

fn radix36(mut n: u64) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push(std::char::from_digit((n % 36) as u32, 36).expect("digit"));
        n /= 36;
        if n == 0 {
            break;
        }
    }
    digits.iter().rev().collect()
}

pub fn run(args: SynthArgs) -> Result<()> {
    let file = std::fs::File::create(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let mut out: Box<dyn Write> = if args.out.to_string_lossy().ends_with(".gz") {
        Box::new(flate2::write::GzEncoder::new(
            BufWriter::new(file),
            flate2::Compression::fast(),
        ))
    } else {
        Box::new(BufWriter::new(file))
    };
    let mut rng = Rng(SplitMix(args.seed));
    let companies = (args.games / 20).max(10);
    let mut id = 0u64;
    for _ in 0..args.games {
        id += 1 + rng.next() % 2;
        writeln!(out, "{}", game(&mut rng, id, companies))?;
    }
    out.flush()?;
    drop(out);
    println!(
        "wrote {} synthetic games to {} (seed {})",
        args.games,
        args.out.display(),
        args.seed
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_games_and_real_like_rates() {
        let games = |seed| {
            let mut rng = Rng(SplitMix(seed));
            (1..=4000)
                .map(|id| game(&mut rng, id, 200))
                .collect::<Vec<_>>()
        };
        let a = games(7);
        assert_eq!(a, games(7));
        assert_ne!(a, games(8));
        let share = |field: &str| {
            a.iter()
                .filter(|g| {
                    g[field].as_array().is_some_and(|v| !v.is_empty())
                        || g[field].is_number()
                        || g[field].is_string()
                })
                .count() as f64
                / a.len() as f64
        };
        assert!(
            (share("genres") - 0.835).abs() < 0.03,
            "genres {}",
            share("genres")
        );
        assert!((share("developers") - 0.435).abs() < 0.03);
        assert!((share("release_date") - 0.735).abs() < 0.03);
        assert!((share("aggregated_rating") - 0.047).abs() < 0.015);
        let indie = a
            .iter()
            .filter(|g| g["genres"].as_array().unwrap().iter().any(|x| x == "Indie"))
            .count() as f64
            / a.len() as f64;
        assert!((0.3..0.5).contains(&indie), "indie {indie}");
        for g in &a {
            let mut warnings = Vec::new();
            playlike_core::catalogue::parse_game_value(g, &mut warnings)
                .expect("synthetic games parse");
            assert!(warnings.is_empty());
        }
    }
}
