//! `/`: what Playlike is, a short "For you" row when the visitor has liked games, genre entry
//! points, and well-known games across eras and platforms to start from (the engine's
//! showcase, chosen from the catalogue's own notability and release years).
//!
//! `/?genre=G` narrows the well-known games to one genre. The genre is the same `genre`
//! filter the game pages use, so a tile opened from there keeps its recommendations in that
//! genre until the visitor resets the filters. Genres come from the well-known games
//! themselves: a genre is offered when enough of them share it.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use playlike_core::protocol::{EngineError, ErrorCode, GameSummary, RecAnswer, RecQuery};

use crate::api::{self, Progress, Status};
use crate::components::cards::{GameGrid, GridSkeleton};
use crate::prefs::Taste;
use crate::query::{href, ViewQuery};
use crate::text::common_genres;

/// Well-known games shown (full rows at 3, 4, 6 and 8 columns).
const SHOWCASE: usize = 24;
/// Well-known games the genre entry points and genre views draw from.
const POOL: usize = 96;
/// A genre is offered when at least this many of the pool share it.
const GENRE_MIN_GAMES: usize = 6;
/// Genre entry points offered.
const GENRES: usize = 8;
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
    let genre = Memo::new(move |_| {
        ViewQuery::from_params(&query.read())
            .genres
            .first()
            .cloned()
    });

    // The well-known games, from the first title shard on.
    let pool = LocalResource::new(move || {
        progress.generation.track();
        api::showcase(POOL)
    });
    let pool = Memo::new(move |_| pool.get().and_then(Result::ok));
    // The same games with their genres, once the feature part (genres, and the developers the
    // showcase spreads over) is in: asked for together so they always match.
    let described = LocalResource::new(move || {
        progress.generation.track();
        let ready = progress.recommend_ready.get_untracked();
        async move {
            if !ready {
                return None;
            }
            let games = api::showcase(POOL).await.ok()?;
            let genres = genres_of(&games).await;
            Some(games.into_iter().zip(genres).collect::<Vec<_>>())
        }
    });
    let described = Memo::new(move |_| described.get().flatten());
    let entry_points = Memo::new(move |_| {
        described.with(|d| {
            let genres: Vec<Vec<String>> = d.iter().flatten().map(|(_, g)| g.clone()).collect();
            common_genres(&genres, GENRE_MIN_GAMES, GENRES)
        })
    });
    // `None` while what to show is still loading.
    let shown = Memo::new(move |_| match genre.get() {
        None => Some(pool.get()?.into_iter().take(SHOWCASE).collect::<Vec<_>>()),
        Some(wanted) => {
            let has = |list: &[String]| list.iter().any(|g| g.eq_ignore_ascii_case(&wanted));
            Some(
                described
                    .get()?
                    .into_iter()
                    .filter(|(_, genres)| has(genres))
                    .map(|(game, _)| game)
                    .take(SHOWCASE)
                    .collect(),
            )
        }
    });

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
                Some(games) if games.is_empty() => view! {
                    <p class="empty-line">"None of the well-known games has this genre. Pick another genre, or search for a game by name."</p>
                }.into_any(),
                Some(games) => view! {
                    <p class="status-line"></p>
                    <GameGrid games=Signal::derive(move || games.clone()) full_rows=true testid="showcase"/>
                }.into_any(),
            }}
        </section>
    }
}

/// The genres of each game, in order (empty for a game the engine cannot describe).
async fn genres_of(games: &[GameSummary]) -> Vec<Vec<String>> {
    let asks = games.iter().map(|g| api::game(g.igdb_id));
    futures::future::join_all(asks)
        .await
        .into_iter()
        .map(|info| info.ok().flatten().map(|i| i.genres).unwrap_or_default())
        .collect()
}

/// A row of recommendations from the visitor's taste lists, and the way to all of them.
#[component]
fn ForYouRow() -> impl IntoView {
    let progress = expect_context::<Progress>();
    let taste = expect_context::<Taste>();
    let recommendations = LocalResource::new(move || {
        progress.generation.track();
        let ready = progress.recommend_ready.get_untracked();
        let like = taste.liked.get();
        let dislike = taste.disliked.get();
        let mut exclude = taste.owned.get();
        exclude.extend(&dislike);
        async move {
            ready.then_some(())?;
            Some(
                api::recommend(RecQuery {
                    like,
                    dislike,
                    exclude,
                    filters: Default::default(),
                    knobs: Default::default(),
                    k: FOR_YOU,
                })
                .await,
            )
        }
    });
    let recommendations = Memo::new(move |_| recommendations.get().flatten());
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
