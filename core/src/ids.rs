//! The two ids of a game, as two types so that one can never be passed for the other.
//! [`IgdbId`] is the one the outside world uses — addresses, the `playlike` command, the
//! protocol between page and engine, the npm package — and the only one that may leave the
//! engine; [`GameId`], the dense id, is the index's own key (a game's row, `0..games`). Turning
//! one into the other takes the index ([`crate::Library::find_igdb`], [`crate::GameCard`]'s
//! `igdb_id`), so "URLs carry IGDB ids, the engine ranks dense ids" holds by type.

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

/// A game's dense id: its row in the index, `0..games`, numbered by notability tier and IGDB id
/// order within a tier (see [`crate::format`]). What `Library`'s queries take and answer with;
/// the hot arrays inside the engine (postings, per-game columns) keep plain `u32` rows, and
/// [`GameId::index`] turns one back into a position in such an array.
///
/// An IGDB id goes through the index to become a dense id:
///
/// ```
/// use playlike_core::{IgdbId, Library};
/// let library = Library::new();
/// let hades = library.find_igdb(IgdbId(113112));
/// assert!(hades.and_then(|game| library.card(game)).is_none(), "nothing is loaded");
/// ```
///
/// and is never taken for one — neither an IGDB id nor a bare number is a `GameId`:
///
/// ```compile_fail
/// use playlike_core::{IgdbId, Library};
/// let library = Library::new();
/// let _ = library.card(IgdbId(113112));
/// ```
///
/// ```compile_fail
/// use playlike_core::Request;
/// let _ = Request::like(113112);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(transparent)]
pub struct GameId(u32);

impl GameId {
    /// The game at `row` of the index.
    pub const fn new(row: u32) -> GameId {
        GameId(row)
    }

    /// The row as a number (for the engine's own arrays and for printing).
    pub const fn get(self) -> u32 {
        self.0
    }

    /// The row as a position in a per-game array.
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for GameId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
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

    #[test]
    fn a_dense_id_is_a_row() {
        let game = GameId::new(41);
        assert_eq!((game.get(), game.index()), (41, 41));
        assert_eq!(game.to_string(), "41");
        assert!(GameId::new(3) < game);
    }
}
