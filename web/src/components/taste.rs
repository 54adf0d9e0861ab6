//! Like / dislike / "I own this" toggles for one game, persisted in localStorage.

use leptos::prelude::*;

use crate::prefs::{Opinion, Taste};

#[component]
pub fn TasteButtons(igdb_id: u64, #[prop(optional)] compact: bool) -> impl IntoView {
    let taste = expect_context::<Taste>();
    let liked = move || taste.opinion(igdb_id) == Some(Opinion::Liked);
    let disliked = move || taste.opinion(igdb_id) == Some(Opinion::Disliked);
    let owned = move || taste.owns(igdb_id);
    view! {
        <div class="taste" class:compact=compact role="group" aria-label="Your taste">
            <button
                type="button"
                class="chip like"
                aria-pressed=move || liked().to_string()
                title="I like this: recommend games like it"
                on:click=move |_| taste.toggle(igdb_id, Opinion::Liked)
            >
                <span aria-hidden="true">"♥"</span>
                {(!compact).then_some(" Like")}
                {compact.then(|| view! { <span class="sr-only">"Like"</span> })}
            </button>
            <button
                type="button"
                class="chip dislike"
                aria-pressed=move || disliked().to_string()
                title="Not for me: steer away from games like it"
                on:click=move |_| taste.toggle(igdb_id, Opinion::Disliked)
            >
                <span aria-hidden="true">"✕"</span>
                {(!compact).then_some(" Not for me")}
                {compact.then(|| view! { <span class="sr-only">"Not for me"</span> })}
            </button>
            <button
                type="button"
                class="chip own"
                aria-pressed=move || owned().to_string()
                title="I own this: leave it out of recommendations"
                on:click=move |_| taste.toggle_owned(igdb_id)
            >
                <span aria-hidden="true">"✓"</span>
                {(!compact).then_some(" I own this")}
                {compact.then(|| view! { <span class="sr-only">"I own this"</span> })}
            </button>
        </div>
    }
}
