//! Small pure helpers for what the pages show and what the URL holds. No browser APIs, so
//! they build and are unit-tested on the native target too (`cargo test -p playlike-web`).

use playlike_core::IgdbId;

/// `"1,2,x,3,2"` → `[1, 2, 3]`: bad entries and duplicates dropped, order kept.
pub fn parse_ids(text: &str) -> Vec<IgdbId> {
    let mut ids: Vec<IgdbId> = Vec::new();
    for id in text.split(',').filter_map(|p| p.trim().parse().ok()) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// `[1, 2]` → `"1,2"`.
pub fn join_ids(ids: &[IgdbId]) -> String {
    ids.iter()
        .map(IgdbId::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// A release year typed by the player, if plausible.
pub fn parse_year(value: &str) -> Option<u16> {
    value
        .trim()
        .parse::<u16>()
        .ok()
        .filter(|y| (1950..=2100).contains(y))
}

/// Up to two initials of the first words: "The Legend of Zelda" → "TL".
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

/// 18000 → "18,000".
pub fn group_thousands(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// 612_000 → "612 KB", 7_790_000 → "7.8 MB".
pub fn human_bytes(n: u64) -> String {
    if n >= 1_000_000 {
        format!("{:.1} MB", n as f64 / 1e6)
    } else {
        format!("{} KB", n.div_ceil(1000))
    }
}

/// "2018 · PC, Switch, PS4 +3": year and up to three platforms.
pub fn meta_line(year: Option<u16>, platforms: &[String]) -> String {
    let mut parts = Vec::new();
    if let Some(y) = year {
        parts.push(y.to_string());
    }
    if !platforms.is_empty() {
        let shown: Vec<&str> = platforms.iter().take(3).map(String::as_str).collect();
        let mut p = shown.join(", ");
        let more = platforms.len().saturating_sub(3);
        if more > 0 {
            p.push_str(&format!(" +{more}"));
        }
        parts.push(p);
    }
    parts.join(" · ")
}

/// How many of `total` tiles a grid of `columns` columns shows so that every row is full:
/// whole rows only (all of them when there are fewer than one row), at most `max_rows` rows
/// when that is not 0.
pub fn full_rows(total: usize, columns: usize, max_rows: usize) -> usize {
    let columns = columns.max(1);
    let whole = if total < columns {
        total
    } else {
        total / columns * columns
    };
    if max_rows == 0 {
        whole
    } else {
        whole.min(max_rows * columns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_lists_round_trip_and_drop_junk() {
        assert_eq!(
            parse_ids("14593, 26226,x,,14593"),
            vec![IgdbId(14593), IgdbId(26226)]
        );
        assert_eq!(parse_ids(""), Vec::<IgdbId>::new());
        assert_eq!(join_ids(&parse_ids("3,1,2")), "3,1,2");
    }

    #[test]
    fn typed_years_must_be_plausible() {
        assert_eq!(parse_year("2015"), Some(2015));
        assert_eq!(parse_year("15"), None);
    }

    #[test]
    fn display_helpers() {
        assert_eq!(initials("The Legend of Zelda"), "TL");
        assert_eq!(initials("ōkami"), "Ō");
        assert_eq!(initials("  "), "");
        assert_eq!(group_thousands(18000), "18,000");
        assert_eq!(group_thousands(332503), "332,503");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(human_bytes(611_500), "612 KB");
        assert_eq!(human_bytes(7_790_000), "7.8 MB");
        let platforms: Vec<String> = ["PC", "Switch", "PS4", "PS5", "Xbox"]
            .map(String::from)
            .into();
        assert_eq!(
            meta_line(Some(2018), &platforms),
            "2018 · PC, Switch, PS4 +2"
        );
        assert_eq!(meta_line(None, &[]), "");
    }

    #[test]
    fn grids_show_whole_rows_only() {
        assert_eq!(full_rows(24, 3, 0), 24);
        assert_eq!(full_rows(24, 4, 0), 24);
        assert_eq!(full_rows(24, 6, 0), 24);
        assert_eq!(full_rows(17, 6, 0), 12);
        assert_eq!(full_rows(17, 4, 0), 16);
        assert_eq!(full_rows(2, 6, 0), 2, "fewer than a row: all of them");
        assert_eq!(full_rows(24, 6, 1), 6);
        assert_eq!(full_rows(8, 3, 2), 6);
        assert_eq!(full_rows(0, 4, 1), 0);
    }
}
