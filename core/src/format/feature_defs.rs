//! How a feature part stores its feature definitions: column by column, names front-coded.
//!
//! The builder numbers the features of a part by family, then name, so neighbouring names
//! share prefixes ("zombie", "zombies", "zombie survival"). Each name is stored as the number
//! of leading bytes it shares with the one before (a byte column) and the rest (one
//! `'\n'`-joined text), families and document frequencies as columns of their own. On the
//! full catalogue this is a third smaller after gzip than one record per feature.

use serde::{Deserialize, Serialize};

use super::{FeatureDef, FormatError, StrColumn};

/// Feature definitions, stored.
#[derive(Serialize, Deserialize)]
pub(super) struct StoredDefs {
    families: Vec<u8>,
    /// Bytes each name shares with the name before it (at most 255).
    prefixes: Vec<u8>,
    /// The rest of each name, `'\n'`-joined.
    suffixes: String,
    dfs: Vec<u32>,
}

impl StoredDefs {
    /// Stores definitions (a line break inside a name becomes a space).
    pub(super) fn new(defs: &[FeatureDef]) -> StoredDefs {
        let mut prefixes = Vec::with_capacity(defs.len());
        let mut suffixes = StrColumn::default();
        let mut previous = String::new();
        for def in defs {
            let name = def.name.replace('\n', " ");
            let mut shared = previous
                .bytes()
                .zip(name.bytes())
                .take_while(|(a, b)| a == b)
                .count()
                .min(usize::from(u8::MAX));
            while !name.is_char_boundary(shared) {
                shared -= 1;
            }
            prefixes.push(shared as u8);
            suffixes.push(&name[shared..]);
            previous = name;
        }
        StoredDefs {
            families: defs.iter().map(|d| d.family).collect(),
            prefixes,
            suffixes: suffixes.joined().to_string(),
            dfs: defs.iter().map(|d| d.df).collect(),
        }
    }

    /// The definitions back, checking that the columns agree and every prefix fits.
    pub(super) fn load(self) -> Result<Vec<FeatureDef>, FormatError> {
        let count = self.families.len();
        if self.prefixes.len() != count || self.dfs.len() != count {
            return Err(FormatError::Inconsistent(format!(
                "feature definitions: {count} families, {} prefixes, {} dfs",
                self.prefixes.len(),
                self.dfs.len()
            )));
        }
        let suffixes = StrColumn::from_joined(self.suffixes, count)?;
        let mut defs: Vec<FeatureDef> = Vec::with_capacity(count);
        for (i, suffix) in suffixes.iter().enumerate() {
            let shared = usize::from(self.prefixes[i]);
            let previous = defs.last().map_or("", |d| d.name.as_str());
            let prefix = previous.get(..shared).ok_or_else(|| {
                FormatError::Inconsistent(format!("feature {i} shares more than its neighbour"))
            })?;
            defs.push(FeatureDef {
                family: self.families[i],
                name: format!("{prefix}{suffix}"),
                df: self.dfs[i],
            });
        }
        Ok(defs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(name: &str) -> FeatureDef {
        FeatureDef {
            family: 3,
            name: name.into(),
            df: name.len() as u32,
        }
    }

    #[test]
    fn front_coded_names_round_trip() {
        let long = "x".repeat(300);
        let defs: Vec<FeatureDef> = [
            "zombie",
            "zombies",
            "zombie survival",
            "",
            "zoé",
            "zoë",
            &long,
            &format!("{long}y"),
        ]
        .into_iter()
        .map(def)
        .collect();
        let stored = StoredDefs::new(&defs);
        assert_eq!(stored.prefixes[..3], [0, 6, 6]);
        assert_eq!(stored.load().unwrap(), defs);
    }

    #[test]
    fn prefixes_longer_than_the_name_before_are_rejected() {
        let mut stored = StoredDefs::new(&[def("ab"), def("abc")]);
        stored.prefixes[1] = 3;
        let err = stored.load().unwrap_err();
        assert!(err.to_string().contains("feature 1"), "{err}");
        let mut split = StoredDefs::new(&[def("é"), def("éa")]);
        split.prefixes[1] = 1;
        assert!(
            split.load().is_err(),
            "a prefix must end on a character boundary"
        );
        let mut short = StoredDefs::new(&[def("a")]);
        short.dfs.clear();
        assert!(short.load().is_err());
    }
}
