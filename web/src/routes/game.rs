//! `/game/:igdb_id`: one game — cover, title, year, genres, platforms, developers, rating,
//! details fetched on demand — and "games like this", ten recommendations with their
//! explanations, under the filters in the URL.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use playlike_core::format::GameDetails;
use playlike_core::{GameId, Request};

use crate::api::{self, Status};
use crate::components::cards::{GameSummary, RecItem, RecList};
use crate::components::cover::Cover;
use crate::components::filters::FilterPanel;
use crate::components::taste::TasteButtons;
use crate::prefs::Taste;
use crate::query::ViewQuery;

/// Everything the page header shows, copied out of the library.
#[derive(Clone, Debug, PartialEq)]
struct GameView {
    game: GameId,
    summary: GameSummary,
    genres: Vec<String>,
    developers: Vec<String>,
    rating: Option<u8>,
    /// Genres, developers and rating come with the feature part.
    features_loaded: bool,
}

#[component]
pub fn GamePage() -> impl IntoView {
    let status = expect_context::<Status>();
    let taste = expect_context::<Taste>();
    let params = use_params_map();
    let query = use_query_map();

    let igdb_id = Memo::new(move |_| {
        params
            .read()
            .get("igdb_id")
            .and_then(|v| v.parse::<u64>().ok())
    });
    let game = Memo::new(move |_| {
        status.with(|s| s.generation);
        let id = igdb_id.get()?;
        api::with_library(|lib| {
            let game = lib.find_igdb(id)?;
            let card = lib.card(game)?;
            Some(GameView {
                game,
                summary: GameSummary::of(lib, game)?,
                genres: card.genres.iter().map(|g| g.to_string()).collect(),
                developers: card.developers.iter().map(|d| d.to_string()).collect(),
                rating: card.critic_rating,
                features_loaded: lib.can_recommend(),
            })
        })
    });

    // Details come from a shard fetched on demand, once the up-front index is in (so it does
    // not compete with it for bandwidth; the details panel shows after the recommendations).
    let details = RwSignal::new(None::<Result<Option<GameDetails>, String>>);
    let index_settled = Memo::new(move |_| status.with(|s| s.recommend_ready || s.error.is_some()));
    let game_id = Memo::new(move |_| game.with(|g| g.as_ref().map(|g| g.game)));
    Effect::new(move |_| {
        let Some(g) = game_id.get() else {
            return;
        };
        if !index_settled.get() {
            return;
        }
        details.set(None);
        wasm_bindgen_futures::spawn_local(async move {
            let result = api::details(g).await;
            // Ignore answers for a page we already left.
            if game_id.get_untracked() == Some(g) {
                details.set(Some(result));
            }
        });
    });

    let recommendations = Memo::new(move |_| {
        let ready = status.with(|s| s.recommend_ready);
        let view_query = ViewQuery::from_params(&query.read());
        let owned = taste.owned.get();
        let game = game.with(|g| g.as_ref().map(|g| g.game))?;
        if !ready {
            return None;
        }
        let started = crate::perf::now();
        let result = api::with_library(|lib| {
            let mut exclude: Vec<GameId> =
                owned.iter().filter_map(|&id| lib.find_igdb(id)).collect();
            exclude.push(game);
            let request = Request {
                like: vec![game],
                dislike: Vec::new(),
                filters: view_query.filters(exclude),
                knobs: view_query.knobs(),
                k: 10,
            };
            lib.recommend(&request)
                .map(|recs| RecItem::list(lib, &recs))
        });
        crate::perf::record("recommend", crate::perf::now() - started);
        Some(result.map_err(|e| e.to_string()))
    });

    view! {
        {move || {
            if igdb_id.get().is_none() {
                return view! { <section class="panel empty"><h1>"Not a game address"</h1></section> }.into_any();
            }
            if !status.with(|s| s.search_ready) {
                return view! { <GameSkeleton/> }.into_any();
            }
            match game.get() {
                None if !status.with(|s| s.titles_complete) => view! { <GameSkeleton/> }.into_any(),
                None => view! {
                    <section class="panel empty">
                        <h1>"Game not found"</h1>
                        <p>"This index has no game with IGDB id "{igdb_id.get().unwrap_or(0)}". Try the search box."</p>
                    </section>
                }.into_any(),
                Some(g) => view! { <GameHeader game=g details=details/> }.into_any(),
            }
        }}
        <section class="panel recs">
            <h2>"Games like this"</h2>
            <FilterPanel/>
            {move || match recommendations.get() {
                None => view! {
                    <p class="loading-line" data-testid="recs-loading">
                        {move || status.with(|s| if s.error.is_some() {
                            "Recommendations need the full index, which did not load.".to_string()
                        } else {
                            format!("Recommendations are loading… {:.0}%", s.percent())
                        })}
                    </p>
                }.into_any(),
                Some(Err(e)) => view! { <p class="alert error">{e}</p> }.into_any(),
                Some(Ok(items)) if items.is_empty() => view! {
                    <p class="empty-line">"No games match these filters. Loosen them to see more."</p>
                }.into_any(),
                Some(Ok(items)) => view! { <RecList items=Signal::derive(move || items.clone())/> }.into_any(),
            }}
        </section>
        // Shown once the recommendations are in, so they never push it around on screen.
        <Show when=move || {
            game.with(Option::is_some)
                && (recommendations.with(Option::is_some) || status.with(|s| s.error.is_some()))
        }>
            <GameDetailsPanel details=details/>
        </Show>
    }
}

#[component]
fn GameHeader(
    game: GameView,
    details: RwSignal<Option<Result<Option<GameDetails>, String>>>,
) -> impl IntoView {
    let s = &game.summary;
    // Rows that are always there (placeholders until the feature part arrives), so the
    // header keeps its height while the index loads.
    let row = |label: &'static str, values: &[String], loaded: bool| {
        let text = if !loaded {
            "…".to_string()
        } else if values.is_empty() {
            "—".to_string()
        } else {
            values.join(", ")
        };
        view! { <div class="fact"><dt>{label}</dt><dd>{text}</dd></div> }
    };
    view! {
        <article
            class="game-head"
            data-testid="game-page"
            data-details=move || match details.get() {
                None => "loading",
                Some(Ok(_)) => "ready",
                Some(Err(_)) => "error",
            }
        >
            <Cover image=s.cover.clone() name=s.name.clone() size="cover_big"/>
            <div class="game-info">
                <h1>{s.name.clone()}</h1>
                <p class="meta big">
                    {s.year.map(|y| y.to_string()).unwrap_or_else(|| "Year unknown".into())}
                    {(!s.main_game).then_some(" · DLC / edition")}
                    {game.rating.map(|r| view! { <span class="rating" title="Critic rating">{format!(" · ★ {r}/100")}</span> })}
                </p>
                <TasteButtons igdb_id=s.igdb_id/>
                <dl class="facts">
                    {row("Genres", &game.genres, game.features_loaded)}
                    {row("Platforms", &s.platforms, true)}
                    {row("Developers", &game.developers, game.features_loaded)}
                </dl>
            </div>
        </article>
    }
}

/// What only the `details` shard knows, below the recommendations so its late arrival moves
/// nothing on screen.
#[component]
fn GameDetailsPanel(
    details: RwSignal<Option<Result<Option<GameDetails>, String>>>,
) -> impl IntoView {
    let facts = move |label: &'static str, values: Vec<String>| {
        (!values.is_empty()).then(|| {
            view! {
                <div class="fact"><dt>{label}</dt><dd>{values.join(", ")}</dd></div>
            }
        })
    };
    view! {
        <section class="panel details" data-testid="game-details">
            <h2>"About this game"</h2>
            {move || match details.get() {
                None => view! { <p class="loading-line">"Loading details…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="muted">{format!("Details unavailable: {e}")}</p> }.into_any(),
                Some(Ok(None)) => view! { <p class="muted">"No further details in this index."</p> }.into_any(),
                Some(Ok(Some(d))) => view! {
                    {d.summary.clone().map(|text| view! { <p class="summary">{text}</p> })}
                    <dl class="facts">
                        {facts("Themes", d.themes.clone())}
                        {facts("Modes", d.game_modes.clone())}
                        {facts("Perspectives", d.perspectives.clone())}
                        {facts("Series", d.series.clone())}
                        {facts("Publishers", d.publishers.clone())}
                    </dl>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn GameSkeleton() -> impl IntoView {
    view! {
        <article class="game-head skeleton" aria-busy="true">
            <div class="cover cover-cover_big"></div>
            <div class="game-info">
                <h1 class="skeleton-line">"Loading…"</h1>
            </div>
        </article>
    }
}
