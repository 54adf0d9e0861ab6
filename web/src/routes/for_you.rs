//! `/for-you?like=…&dislike=…`: recommendations from a whole taste list. The lists in the
//! URL are the page's state (shareable); opening the page without them fills them in from
//! the player's saved lists.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use playlike_core::IgdbId;

use crate::api::{self, Progress};
use crate::components::cards::{recommendations, taste_query, GameGrid, RecResults, RECS};
use crate::components::filters::FilterPanel;
use crate::components::share::ShareButton;
use crate::prefs::{parse_ids, Taste};
use crate::query::{rec_query, view_of};

#[component]
pub fn ForYou() -> impl IntoView {
    let progress = expect_context::<Progress>();
    let taste = expect_context::<Taste>();
    let query = use_query_map();
    keep_taste_in_address(taste);

    let ids_of = move |key: &'static str| {
        Memo::new(move |_| {
            query
                .read()
                .get(key)
                .map(|v| parse_ids(&v))
                .unwrap_or_default()
        })
    };
    let liked_ids = ids_of("like");
    let disliked_ids = ids_of("dislike");
    let summaries = move |ids: Memo<Vec<IgdbId>>| {
        let rows = LocalResource::new(move || {
            progress.generation.track();
            api::games(ids.get())
        });
        Signal::derive(move || rows.get().and_then(Result::ok).unwrap_or_default())
    };
    let liked = summaries(liked_ids);
    let disliked = summaries(disliked_ids);

    let recommendations = recommendations(move || {
        taste_query(
            liked_ids.get(),
            disliked_ids.get(),
            taste.owned.get(),
            rec_query(&view_of(&query.read()), RECS),
        )
    });

    view! {
        <div class="split">
            <div class="split-main">
                <section class="panel page-title">
                    <div class="panel-head">
                        <h1>"For you"</h1>
                        <Show when=move || !liked_ids.with(Vec::is_empty)>
                            <ShareButton/>
                        </Show>
                    </div>
                    <Show when=move || liked_ids.with(Vec::is_empty)>
                        <p class="empty-line" data-testid="for-you-empty">
                            "Like a few games (the ♥ button on any game page) and this page ranks the whole catalogue for you."
                        </p>
                    </Show>
                </section>
                <Show when=move || !liked_ids.with(Vec::is_empty)>
                    <section class="panel recs" aria-labelledby="recs-title">
                        <h2 id="recs-title">"Recommended for you"</h2>
                        <FilterPanel/>
                        <RecResults state=recommendations/>
                    </section>
                </Show>
            </div>
            <Show when=move || !liked_ids.with(Vec::is_empty)>
                <aside class="split-aside">
                    <section class="panel taste-lists">
                        <h2 class="sub">"Because you like"</h2>
                        <GameGrid games=liked with_taste=true/>
                        <Show when=move || !disliked.with(Vec::is_empty)>
                            <h2 class="sub">"Steering away from"</h2>
                            <GameGrid games=disliked with_taste=true/>
                        </Show>
                    </section>
                </aside>
            </Show>
        </div>
    }
}

/// The taste lists live in the address: opening the page without them puts the saved ones
/// there (replacing this history entry), and changing them here (the toggles under each game)
/// updates it.
fn keep_taste_in_address(taste: Taste) {
    let navigate = use_navigate();
    let params = use_query_map().get_untracked();
    let replace = |scroll| NavigateOptions {
        replace: true,
        scroll,
        ..NavigateOptions::default()
    };
    if params.get("like").is_none() && params.get("dislike").is_none() {
        let target = taste.for_you_href();
        if target != "/for-you" {
            navigate(&target, replace(true));
        }
    }
    Effect::new(move |previous: Option<()>| {
        let target = taste.for_you_href();
        if previous.is_some() {
            navigate(&target, replace(false));
        }
    });
}
