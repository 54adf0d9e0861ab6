//! `/`: what Playlike is, a short "For you" row when the visitor has liked games, genre entry
//! points, and well-known games across eras and platforms to start from (the engine's
//! showcase, chosen from the catalogue's own notability and release years).
//!
//! `/?genre=G` narrows the well-known games to one genre. The genre is the same `genre`
//! filter the game pages use, so a tile opened from there keeps its recommendations in that
//! genre until the visitor resets the filters. Genres come from the well-known games
//! themselves (the engine's `Library::showcase_choice`): a genre is offered when enough of
//! them share it.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use playlike_core::protocol::{EngineError, ErrorCode, GameSummary, RecAnswer};
use playlike_core::View;

use crate::api::{self, Progress, Status};
use crate::components::cards::{recommendations, taste_query, GameGrid, GridSkeleton};
use crate::prefs::Taste;
use crate::query::{href, rec_query, view_of};

/// Well-known games shown (full rows at 3, 4, 6 and 8 columns).
const SHOWCASE: usize = 24;
/// Recommendations in the "For you" row (one row at every width).
const FOR_YOU: usize = 8;

#[component]
pub fn Home() -> impl IntoView {
    let taste = expect_context::<Taste>();
    view! {
        <section class="hero">
            <h1>"Find games like the ones you love"</h1>
            <p class="lede">
                "Search for a game you enjoyed, open it, and get ten games like it — each with the reason it was picked. "
                "Everything runs in your browser: no account, no tracking."
            </p>
        </section>
        <Show when=move || !taste.liked.with(Vec::is_empty)>
            <ForYouRow/>
        </Show>
        <Showcase/>
    }
}

/// The well-known games, or those of the genre in the URL, with the genre entry points.
#[component]
fn Showcase() -> impl IntoView {
    let progress = expect_context::<Progress>();
    let status = expect_context::<Status>();
    let query = use_query_map();
    let genre = Memo::new(move |_| view_of(&query.read()).filters.genre.first().cloned());
    // One engine call per index step: the games from the first title shard on; genres (and so
    // genre views and entry points) once the feature part is in.
    let showcase = LocalResource::new(move || {
        progress.generation.track();
        let ready = progress.recommend_ready.get_untracked();
        let genre = genre.get();
        async move {
            if genre.is_some() && !ready {
                return None;
            }
            api::showcase(SHOWCASE, genre).await.ok()
        }
    });
    let showcase = Memo::new(move |_| showcase.get().flatten());
    let entry_points = Memo::new(move |_| {
        showcase.with(|s| s.as_ref().map(|s| s.genres.clone()).unwrap_or_default())
    });
    // `None` while what to show is still loading.
    let shown = Memo::new(move |_| showcase.with(|s| s.as_ref().map(|s| s.games.clone())));

    let title = move || match genre.get() {
        Some(g) => format!("Well-known games: {g}"),
        None => "Well-known games to start from".to_string(),
    };
    view! {
        <section class="panel showcase" aria-labelledby="showcase-title">
            <h2 id="showcase-title">{title}</h2>
            <nav class="genre-row" aria-label="Well-known games by genre" data-testid="genres">
                <a class="chip" href="/" aria-current=move || genre.with(Option::is_none).then_some("page")>"All genres"</a>
                <For
                    each=move || entry_points.get().into_iter().enumerate()
                    key=|entry| entry.clone()
                    children=move |(_, name)| {
                        let link = href("/", &[("genre", name.clone())]);
                        let current = name.clone();
                        view! {
                            <a class="chip" href=link
                                aria-current=move || genre.with(|g| g.as_deref() == Some(current.as_str())).then_some("page")
                            >{name}</a>
                        }
                    }
                />
            </nav>
            {move || match shown.get() {
                None => view! {
                    <p class="status-line" aria-live="polite">
                        {move || format!("Well-known games appear as the catalogue downloads ({:.0}%)…", status.with(|s| s.percent()))}
                    </p>
                    <GridSkeleton count=SHOWCASE/>
                }.into_any(),
                Some(games) if games.is_empty() && genre.with(Option::is_some) => view! {
                    <p class="empty-line">"None of the well-known games has this genre. Pick another genre, or search for a game by name."</p>
                }.into_any(),
                Some(games) if games.is_empty() => view! {
                    <p class="empty-line">"Well-known games appear here once the catalogue has downloaded."</p>
                }.into_any(),
                Some(games) => view! {
                    <p class="status-line"></p>
                    <GameGrid games=Signal::derive(move || games.clone()) full_rows=true testid="showcase"/>
                }.into_any(),
            }}
        </section>
    }
}

/// A row of recommendations from the visitor's taste lists, and the way to all of them.
#[component]
fn ForYouRow() -> impl IntoView {
    let taste = expect_context::<Taste>();
    let recommendations = recommendations(move || {
        taste_query(
            taste.liked.get(),
            taste.disliked.get(),
            taste.owned.get(),
            rec_query(&View::default(), FOR_YOU),
        )
    });
    view! {
        <section class="panel for-you-row" aria-labelledby="for-you-title" data-testid="for-you-row">
            <div class="panel-head">
                <h2 id="for-you-title">"For you"</h2>
                <a class="button subtle" href=move || taste.for_you_href()>"All your recommendations →"</a>
            </div>
            {move || match recommendations.get() {
                None | Some(Err(EngineError { code: ErrorCode::NotLoaded, .. })) => {
                    view! { <GridSkeleton count=FOR_YOU rows=1/> }.into_any()
                }
                Some(Err(_)) => view! {
                    <p class="empty-line">"Your recommendations could not be worked out. Open “All your recommendations” to try again."</p>
                }.into_any(),
                Some(Ok(RecAnswer { items, .. })) if items.is_empty() => view! {
                    <p class="empty-line">"Nothing new to suggest from your likes yet. Like a few more games to widen the picks."</p>
                }.into_any(),
                Some(Ok(RecAnswer { items, .. })) => {
                    let games: Vec<GameSummary> = items.into_iter().map(|item| item.game).collect();
                    view! { <GameGrid games=Signal::derive(move || games.clone()) rows=1/> }.into_any()
                }
            }}
        </section>
    }
}
