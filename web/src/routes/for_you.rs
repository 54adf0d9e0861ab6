//! `/for-you?like=…&dislike=…`: recommendations from a whole taste list. The lists in the
//! URL are the page's state (shareable); opening the page without them fills them in from
//! the player's saved lists.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use playlike_core::protocol::RecQuery;

use crate::api::{self, Progress};
use crate::components::cards::{GameGrid, RecResults, RECS};
use crate::components::filters::FilterPanel;
use crate::components::share::ShareButton;
use crate::prefs::{parse_ids, Taste};
use crate::query::ViewQuery;

#[component]
pub fn ForYou() -> impl IntoView {
    let progress = expect_context::<Progress>();
    let taste = expect_context::<Taste>();
    let query = use_query_map();
    let navigate = use_navigate();

    // No lists in the URL: put the saved ones there (replacing this history entry).
    let params = query.get_untracked();
    if params.get("like").is_none() && params.get("dislike").is_none() {
        let target = taste.for_you_href();
        if target != "/for-you" {
            navigate(
                &target,
                NavigateOptions {
                    replace: true,
                    ..NavigateOptions::default()
                },
            );
        }
    }

    // Changing the taste lists here (the toggles under each game) updates the URL.
    let navigate_on_change = navigate.clone();
    Effect::new(move |previous: Option<()>| {
        let target = taste.for_you_href();
        if previous.is_some() {
            navigate_on_change(
                &target,
                NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..NavigateOptions::default()
                },
            );
        }
    });

    let liked_ids = Memo::new(move |_| {
        query
            .read()
            .get("like")
            .map(|v| parse_ids(&v))
            .unwrap_or_default()
    });
    let disliked_ids = Memo::new(move |_| {
        query
            .read()
            .get("dislike")
            .map(|v| parse_ids(&v))
            .unwrap_or_default()
    });

    let summaries = move |ids: Memo<Vec<u64>>| {
        let rows = LocalResource::new(move || {
            progress.generation.track();
            api::games(ids.get())
        });
        Signal::derive(move || rows.get().and_then(Result::ok).unwrap_or_default())
    };
    let liked = summaries(liked_ids);
    let disliked = summaries(disliked_ids);

    let recommendations = LocalResource::new(move || {
        progress.generation.track();
        let ready = progress.recommend_ready.get_untracked();
        let view_query = ViewQuery::from_params(&query.read());
        let like = liked_ids.get();
        let dislike = disliked_ids.get();
        let mut exclude = taste.owned.get();
        exclude.extend(&dislike);
        async move {
            if !ready || like.is_empty() {
                return None;
            }
            Some(
                api::recommend(RecQuery {
                    like,
                    dislike,
                    exclude,
                    filters: view_query.filters(),
                    knobs: view_query.knobs(),
                    k: RECS,
                })
                .await,
            )
        }
    });
    let recommendations = Signal::derive(move || recommendations.get().flatten());

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
