//! Like / dislike / "I own this" toggles for one game, persisted in localStorage.

use leptos::prelude::*;

use playlike_core::IgdbId;

use crate::prefs::{Opinion, Taste};

/// One of the three toggles: what it does to a game's standing in the taste lists.
#[derive(Clone, Copy, PartialEq)]
enum Toggle {
    Like,
    Dislike,
    Own,
}

impl Toggle {
    /// CSS class, symbol, label and tooltip.
    fn looks(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            Toggle::Like => (
                "chip like",
                "♥",
                "Like",
                "I like this: recommend games like it",
            ),
            Toggle::Dislike => (
                "chip dislike",
                "✕",
                "Not for me",
                "Not for me: steer away from games like it",
            ),
            Toggle::Own => (
                "chip own",
                "✓",
                "I own this",
                "I own this: leave it out of recommendations",
            ),
        }
    }

    fn is_on(self, taste: Taste, igdb_id: IgdbId) -> bool {
        match self {
            Toggle::Like => taste.opinion(igdb_id) == Some(Opinion::Liked),
            Toggle::Dislike => taste.opinion(igdb_id) == Some(Opinion::Disliked),
            Toggle::Own => taste.owns(igdb_id),
        }
    }

    fn flip(self, taste: Taste, igdb_id: IgdbId) {
        match self {
            Toggle::Like => taste.toggle(igdb_id, Opinion::Liked),
            Toggle::Dislike => taste.toggle(igdb_id, Opinion::Disliked),
            Toggle::Own => taste.toggle_owned(igdb_id),
        }
    }
}

#[component]
pub fn TasteButtons(igdb_id: IgdbId, #[prop(optional)] compact: bool) -> impl IntoView {
    view! {
        <div class="taste" class:compact=compact role="group" aria-label="Your taste">
            <TasteToggle toggle=Toggle::Like igdb_id=igdb_id compact=compact/>
            <TasteToggle toggle=Toggle::Dislike igdb_id=igdb_id compact=compact/>
            <TasteToggle toggle=Toggle::Own igdb_id=igdb_id compact=compact/>
        </div>
    }
}

/// One toggle button; compact ones show only the symbol (the label stays for screen readers).
#[component]
fn TasteToggle(toggle: Toggle, igdb_id: IgdbId, compact: bool) -> impl IntoView {
    let taste = expect_context::<Taste>();
    let (class, symbol, label, title) = toggle.looks();
    view! {
        <button
            type="button"
            class=class
            aria-pressed=move || toggle.is_on(taste, igdb_id).to_string()
            title=title
            on:click=move |_| toggle.flip(taste, igdb_id)
        >
            <span aria-hidden="true">{symbol}</span>
            {(!compact).then(|| format!(" {label}"))}
            {compact.then(|| view! { <span class="sr-only">{label}</span> })}
        </button>
    }
}
