//! The player's taste, kept in `localStorage`: liked, disliked and owned games (by IGDB id,
//! which stays stable across index versions), and the stable random bucket that decides
//! whether this browser takes part in a staged index rollout.

use playlike_core::IgdbId;

use leptos::prelude::*;

const LIKED: &str = "playlike.liked";
const DISLIKED: &str = "playlike.disliked";
const OWNED: &str = "playlike.owned";
const BUCKET: &str = "playlike.bucket";

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn read_ids(key: &str) -> Vec<IgdbId> {
    storage()
        .and_then(|s| s.get_item(key).ok().flatten())
        .map(|v| parse_ids(&v))
        .unwrap_or_default()
}

fn write_ids(key: &str, ids: &[IgdbId]) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, &join_ids(ids));
    }
}

pub use crate::text::{join_ids, parse_ids};

/// This browser's rollout bucket, 0–99, drawn once and kept.
pub fn rollout_bucket() -> u8 {
    let stored = storage()
        .and_then(|s| s.get_item(BUCKET).ok().flatten())
        .and_then(|v| v.parse::<u8>().ok())
        .filter(|b| *b < 100);
    stored.unwrap_or_else(|| {
        let bucket = (js_sys::Math::random() * 100.0).floor().clamp(0.0, 99.0) as u8;
        if let Some(s) = storage() {
            let _ = s.set_item(BUCKET, &bucket.to_string());
        }
        bucket
    })
}

/// What the player said about a game.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opinion {
    Liked,
    Disliked,
}

/// The taste lists, reactive and persisted. Shared through context.
#[derive(Clone, Copy)]
pub struct Taste {
    pub liked: RwSignal<Vec<IgdbId>>,
    pub disliked: RwSignal<Vec<IgdbId>>,
    pub owned: RwSignal<Vec<IgdbId>>,
}

impl Taste {
    pub fn load() -> Taste {
        Taste {
            liked: RwSignal::new(read_ids(LIKED)),
            disliked: RwSignal::new(read_ids(DISLIKED)),
            owned: RwSignal::new(read_ids(OWNED)),
        }
    }

    fn save(&self) {
        write_ids(LIKED, &self.liked.get_untracked());
        write_ids(DISLIKED, &self.disliked.get_untracked());
        write_ids(OWNED, &self.owned.get_untracked());
    }

    pub fn opinion(&self, igdb_id: IgdbId) -> Option<Opinion> {
        if self.liked.with(|l| l.contains(&igdb_id)) {
            Some(Opinion::Liked)
        } else if self.disliked.with(|d| d.contains(&igdb_id)) {
            Some(Opinion::Disliked)
        } else {
            None
        }
    }

    /// Sets (or, when already set, clears) an opinion; a game is never in both lists.
    pub fn toggle(&self, igdb_id: IgdbId, opinion: Opinion) {
        let was = self.opinion(igdb_id);
        self.liked.update(|l| l.retain(|&g| g != igdb_id));
        self.disliked.update(|d| d.retain(|&g| g != igdb_id));
        if was != Some(opinion) {
            match opinion {
                Opinion::Liked => self.liked.update(|l| l.push(igdb_id)),
                Opinion::Disliked => self.disliked.update(|d| d.push(igdb_id)),
            }
        }
        self.save();
    }

    pub fn owns(&self, igdb_id: IgdbId) -> bool {
        self.owned.with(|o| o.contains(&igdb_id))
    }

    pub fn toggle_owned(&self, igdb_id: IgdbId) {
        self.owned.update(|o| {
            if o.contains(&igdb_id) {
                o.retain(|&g| g != igdb_id)
            } else {
                o.push(igdb_id)
            }
        });
        self.save();
    }

    /// `/for-you?like=…&dislike=…` for the current lists.
    pub fn for_you_href(&self) -> String {
        let liked = self.liked.get();
        let disliked = self.disliked.get();
        let mut href = String::from("/for-you");
        let mut sep = '?';
        if !liked.is_empty() {
            href.push_str(&format!("{sep}like={}", join_ids(&liked)));
            sep = '&';
        }
        if !disliked.is_empty() {
            href.push_str(&format!("{sep}dislike={}", join_ids(&disliked)));
        }
        href
    }
}
