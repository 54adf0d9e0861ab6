//! The ids of a game. [`IgdbId`] is the one the outside world uses — addresses, the
//! `playlike` command, the protocol between page and engine, the npm package — and the only one
//! that may leave the engine; the dense id ([`crate::GameId`]) is the index's own key.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A game's IGDB id, as addresses (`/game/1942`), the command line and the protocol carry it.
/// Serialized as a plain number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IgdbId(pub u64);

impl fmt::Display for IgdbId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for IgdbId {
    type Err = std::num::ParseIntError;

    /// A decimal IGDB id, surrounding white space allowed.
    fn from_str(text: &str) -> Result<IgdbId, Self::Err> {
        text.trim().parse().map(IgdbId)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_igdb_id_is_a_plain_number_in_text_and_json() {
        let id: IgdbId = " 1942".parse().unwrap();
        assert_eq!(id, IgdbId(1942));
        assert_eq!(id.to_string(), "1942");
        assert_eq!(serde_json::to_string(&vec![id]).unwrap(), "[1942]");
        assert_eq!(
            serde_json::from_str::<IgdbId>("113112").unwrap(),
            IgdbId(113112)
        );
        assert!("-3".parse::<IgdbId>().is_err() && "x".parse::<IgdbId>().is_err());
    }
}
