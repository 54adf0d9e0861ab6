//! `/game/:igdb_id`: one game and "games like this" — ten recommendations with their
//! explanations, under the filters in the URL.
//!
//! Order (the same on every screen, so focus order follows it): a compact header (cover,
//! title, year, rating, like / not for me / own, copy link), the recommendations (filters
//! behind one button), then what else is known about the game (genres, platforms,
//! developers, and the details fetched on demand). On wide screens the last part is a side
//! column. Every part keeps its size while its data arrives, so nothing moves.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use playlike_core::format::GameDetails;
use playlike_core::protocol::{EngineError, GameInfo, RecQuery};
use playlike_core::IgdbId;

use crate::api::{self, Progress};
use crate::components::cards::{recommendations, RecResults, RECS};
use crate::components::cover::Cover;
use crate::components::filters::FilterPanel;
use crate::components::share::ShareButton;
use crate::components::taste::TasteButtons;
use crate::prefs::Taste;
use crate::query::{rec_query, view_of};

#[component]
pub fn GamePage() -> impl IntoView {
    let progress = expect_context::<Progress>();
    let taste = expect_context::<Taste>();
    let params = use_params_map();
    let query = use_query_map();

    let igdb_id = Memo::new(move |_| {
        params
            .read()
            .get("igdb_id")
            .and_then(|v| v.parse::<IgdbId>().ok())
    });
    // The header, again whenever more of the index arrives (genres come with the features).
    let header = LocalResource::new(move || {
        progress.generation.track();
        let id = igdb_id.get();
        async move {
            match id {
                Some(id) => api::game(id).await,
                None => Ok(None),
            }
        }
    });
    let game = Memo::new(move |_| header.get().and_then(Result::ok).flatten());

    // The details shard is fetched once recommendations can be shown (so it does not compete
    // with the index for bandwidth; the panel shows below them).
    let index_settled = Memo::new(move |_| progress.recommend_ready.get() || progress.failed.get());

    let recommendations = recommendations(move || {
        Some(RecQuery {
            like: vec![igdb_id.get()?],
            dislike: Vec::new(),
            exclude: taste.owned.get(),
            ..rec_query(&view_of(&query.read()), RECS)
        })
    });

    // Whether the game is known to be missing (or the address names none).
    let missing = move || {
        igdb_id.get().is_none()
            || (game.with(Option::is_none)
                && header.with(|h| h.is_some())
                && (progress.titles_complete.get() || progress.failed.get()))
    };

    view! {
        <Show
            when=move || !missing()
            fallback=move || view! { <GameMissing address_ok=igdb_id.get().is_some()/> }
        >
            <div class="split">
                <div class="split-main">
                    {move || match game.get() {
                        Some(g) => view! { <GameHeader game=g/> }.into_any(),
                        None => view! { <GameSkeleton/> }.into_any(),
                    }}
                    <section class="panel recs" aria-labelledby="recs-title">
                        <h2 id="recs-title">"Games like this"</h2>
                        <FilterPanel/>
                        <RecResults state=recommendations/>
                    </section>
                </div>
                <aside class="split-aside">
                    <AboutPanel game=game settled=index_settled/>
                </aside>
            </div>
        </Show>
    }
}

/// The page for an address that names no game, or a game this catalogue lacks.
#[component]
fn GameMissing(address_ok: bool) -> impl IntoView {
    let (title, text) = if address_ok {
        (
            "We could not find this game",
            "It is not in the catalogue this page uses. Search for it by name in the box above.",
        )
    } else {
        (
            "This link does not point to a game",
            "Search for a game by name in the box above.",
        )
    };
    view! {
        <section class="panel empty" data-testid="game-missing">
            <h1>{title}</h1>
            <p>{text}</p>
        </section>
    }
}

/// The compact header: cover beside title, year and rating; the taste buttons and "Copy
/// link" under them. Fixed height, like [`GameSkeleton`].
#[component]
fn GameHeader(game: GameInfo) -> impl IntoView {
    let s = &game.summary;
    let mut meta = vec![s
        .year
        .map(|y| y.to_string())
        .unwrap_or_else(|| "Year unknown".into())];
    if !s.main_game {
        meta.push("DLC / edition".into());
    }
    view! {
        <article class="game-head" data-testid="game-page">
            <Cover image=s.cover.clone() igdb_id=s.igdb_id name=s.name.clone() size="cover_big"/>
            <div class="game-info">
                <h1 title=s.name.clone()>{s.name.clone()}</h1>
                <p class="meta big">
                    {meta.join(" · ")}
                    {game.rating.map(|r| view! {
                        " · "<span class="rating">{format!("★ {r}/100")}<span class="sr-only">" critic rating"</span></span>
                    })}
                </p>
            </div>
            <div class="head-actions">
                <TasteButtons igdb_id=s.igdb_id/>
                <ShareButton/>
            </div>
        </article>
    }
}

#[component]
fn GameSkeleton() -> impl IntoView {
    view! {
        <article class="game-head skeleton" aria-busy="true" aria-label="Loading the game">
            <div class="cover cover-cover_big"></div>
            <div class="game-info">
                <p class="skeleton-line wide"></p>
                <p class="skeleton-line"></p>
            </div>
            <div class="head-actions"></div>
        </article>
    }
}

/// Everything else known about the game: the facts of the feature part, then what only the
/// details shard holds. Placeholder lines until the game's features are in and the index has
/// settled; then the details are a resource shown through `Suspense` (the same placeholder while
/// the shard downloads) and an `ErrorBoundary` (the facts alone and a note when it fails). Drawn
/// in one go, so no row is pushed down by a longer one arriving above it.
#[component]
fn AboutPanel(game: Memo<Option<GameInfo>>, settled: Memo<bool>) -> impl IntoView {
    let asked = Memo::new(move |_| {
        let id = game.with(|g| g.as_ref().map(|g| g.summary.igdb_id));
        id.filter(|_| settled.get())
    });
    let details = LocalResource::new(move || {
        let id = asked.get();
        async move { Some(api::details(id?).await) }
    });
    let features = Memo::new(move |_| game.get().filter(|g| g.features_loaded));
    let shown = move || features.with(Option::is_some) && asked.with(Option::is_some);
    let failed = move |_| {
        view! {
            <Facts game=features.get() more=GameDetails::default()/>
            <p class="muted">"The description could not be downloaded. Check your connection and reload the page to try again."</p>
        }
    };
    view! {
        <section class="panel about" data-testid="game-details"
            data-details=move || match details.get().flatten() {
                None => "loading",
                Some(Ok(_)) => "ready",
                Some(Err(_)) => "error",
            }
        >
            <h2>"About this game"</h2>
            <Show when=shown fallback=AboutSkeleton>
                <Suspense fallback=AboutSkeleton>
                    <ErrorBoundary fallback=failed>
                        {move || Suspend::new(async move {
                            let Some(answer) = details.await else {
                                return Ok(view! { <AboutSkeleton/> }.into_any());
                            };
                            let more = answer?;
                            let note = more.is_none().then(|| view! {
                                <p class="muted">"There is no description of this game yet."</p>
                            });
                            let mut more = more.unwrap_or_default();
                            let summary = more.summary.take();
                            Ok::<_, EngineError>(view! {
                                <Facts game=features.get() more=more/>
                                {summary.map(|text| view! { <p class="summary">{text}</p> })}
                                {note}
                            }.into_any())
                        })}
                    </ErrorBoundary>
                </Suspense>
            </Show>
        </section>
    }
}

/// The facts list: the feature part's genres, platforms and developers, then the details'.
#[component]
fn Facts(game: Option<GameInfo>, more: GameDetails) -> impl IntoView {
    let fact = |label: &'static str, values: Vec<String>| {
        (!values.is_empty()).then(|| {
            view! { <div class="fact"><dt>{label}</dt><dd>{values.join(", ")}</dd></div> }
        })
    };
    let (genres, platforms, developers) = game
        .map(|g| (g.genres, g.summary.platforms, g.developers))
        .unwrap_or_default();
    view! {
        <dl class="facts">
            {fact("Genres", genres)}
            {fact("Platforms", platforms)}
            {fact("Developers", developers)}
            {fact("Themes", more.themes)}
            {fact("Modes", more.game_modes)}
            {fact("Perspectives", more.perspectives)}
            {fact("Series", more.series)}
            {fact("Publishers", more.publishers)}
        </dl>
    }
}

#[component]
fn AboutSkeleton() -> impl IntoView {
    view! {
        <div aria-hidden="true">
            <p class="skeleton-line wide"></p>
            <p class="skeleton-line"></p>
            <p class="skeleton-line"></p>
        </div>
    }
}
