//! `/for-you?like=…&dislike=…`: recommendations from a whole taste list. The lists in the
//! URL are the page's state (shareable); opening the page without them fills them in from
//! the player's saved lists.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use playlike_core::protocol::{EngineError, ErrorCode, RecAnswer, RecQuery};

use crate::api::{self, Progress, Status};
use crate::components::cards::{GameGrid, RecList};
use crate::components::filters::FilterPanel;
use crate::prefs::{parse_ids, Taste};
use crate::query::ViewQuery;

#[component]
pub fn ForYou() -> impl IntoView {
    let status = expect_context::<Status>();
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
                    k: 10,
                })
                .await,
            )
        }
    });
    let recommendations = Memo::new(move |_| recommendations.get().flatten());

    view! {
        <section class="panel">
            <h1>"For you"</h1>
            <Show
                when=move || !liked_ids.with(Vec::is_empty)
                fallback=|| view! {
                    <p class="empty-line" data-testid="for-you-empty">
                        "Like a few games (the ♥ button on any game) and this page ranks the whole catalogue for you."
                    </p>
                }
            >
                <h2 class="sub">"Because you like"</h2>
                <GameGrid games=liked with_taste=true/>
                <Show when=move || !disliked.with(Vec::is_empty)>
                    <h2 class="sub">"Steering away from"</h2>
                    <GameGrid games=disliked with_taste=true/>
                </Show>
            </Show>
        </section>
        <Show when=move || !liked_ids.with(Vec::is_empty)>
            <section class="panel recs">
                <h2>"Recommended for you"</h2>
                <FilterPanel/>
                {move || match recommendations.get() {
                    None | Some(Err(EngineError { code: ErrorCode::NotLoaded, .. })) => view! {
                        <p class="loading-line" data-testid="recs-loading">
                            {move || format!("Recommendations are loading… {:.0}%", status.with(|s| s.percent()))}
                        </p>
                    }.into_any(),
                    Some(Err(e)) => view! { <p class="alert error">{e.message}</p> }.into_any(),
                    Some(Ok(RecAnswer { items, .. })) if items.is_empty() => view! {
                        <p class="empty-line">"No games match these filters. Loosen them to see more."</p>
                    }.into_any(),
                    Some(Ok(RecAnswer { items, .. })) => view! { <RecList items=Signal::derive(move || items.clone())/> }.into_any(),
                }}
            </section>
        </Show>
    }
}
