//! `/`: what Playlike is, the search box's invitation, your liked games, and the best-known
//! games of the index as a starting point.

use leptos::prelude::*;

use crate::api::{self, Progress};
use crate::components::cards::GameGrid;
use crate::prefs::Taste;

/// How many of the most notable games the home page shows.
const POPULAR: usize = 18;

#[component]
pub fn Home() -> impl IntoView {
    let progress = expect_context::<Progress>();
    let taste = expect_context::<Taste>();

    let popular = LocalResource::new(move || {
        progress.generation.track();
        api::showcase(POPULAR)
    });
    let popular = Signal::derive(move || popular.get().and_then(Result::ok).unwrap_or_default());
    let liked = LocalResource::new(move || {
        progress.generation.track();
        api::games(taste.liked.get())
    });
    let liked = Signal::derive(move || liked.get().and_then(Result::ok).unwrap_or_default());

    view! {
        <section class="hero">
            <h1>"Find games like the ones you love"</h1>
            <p class="lede">
                "Type a game you enjoyed in the search box above, open it, and get ten games like it — "
                "each with the reason it was picked. Everything runs in your browser: no account, no tracking."
            </p>
        </section>
        <Show when=move || !liked.with(Vec::is_empty)>
            <section class="panel">
                <div class="panel-head">
                    <h2>"Games you like"</h2>
                    <a class="button" href=move || taste.for_you_href()>"Recommendations for you →"</a>
                </div>
                <GameGrid games=liked/>
            </section>
        </Show>
        <section class="panel">
            <h2>"Well-known games to start from"</h2>
            <Show
                when=move || progress.search_ready.get()
                fallback=|| view! { <div class="grid-skeleton" aria-hidden="true"></div> }
            >
                <GameGrid games=popular/>
            </Show>
        </section>
    }
}
