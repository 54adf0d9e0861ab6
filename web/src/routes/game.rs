//! `/game/:igdb_id`: one game — cover, title, year, genres, platforms, developers, rating,
//! details fetched on demand — and "games like this", ten recommendations with their
//! explanations, under the filters in the URL.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use playlike_core::format::GameDetails;
use playlike_core::protocol::{EngineError, ErrorCode, GameInfo, RecAnswer, RecQuery};

use crate::api::{self, Progress, Status};
use crate::components::cards::RecList;
use crate::components::cover::Cover;
use crate::components::filters::FilterPanel;
use crate::components::taste::TasteButtons;
use crate::prefs::Taste;
use crate::query::ViewQuery;

/// Details as the page holds them: `None` until asked for.
type DetailsState = Option<Result<Option<GameDetails>, EngineError>>;

#[component]
pub fn GamePage() -> impl IntoView {
    let status = expect_context::<Status>();
    let progress = expect_context::<Progress>();
    let taste = expect_context::<Taste>();
    let params = use_params_map();
    let query = use_query_map();

    let igdb_id = Memo::new(move |_| {
        params
            .read()
            .get("igdb_id")
            .and_then(|v| v.parse::<u64>().ok())
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

    // Details come from a shard fetched on demand, once recommendations can be shown (so it
    // does not compete with the index for bandwidth; the panel shows below them).
    let index_settled = Memo::new(move |_| progress.recommend_ready.get() || progress.failed.get());
    let details = LocalResource::new(move || {
        let id = game.with(|g| g.as_ref().map(|g| g.summary.igdb_id));
        let settled = index_settled.get();
        async move {
            match id {
                Some(id) if settled => Some(api::details(id).await),
                _ => None,
            }
        }
    });
    let details = Signal::derive(move || details.get().flatten());

    let recommendations = LocalResource::new(move || {
        progress.generation.track();
        let ready = progress.recommend_ready.get_untracked();
        let view_query = ViewQuery::from_params(&query.read());
        let owned = taste.owned.get();
        let id = igdb_id.get();
        async move {
            let id = id.filter(|_| ready)?;
            let started = crate::perf::now();
            let answer = api::recommend(RecQuery {
                like: vec![id],
                dislike: Vec::new(),
                exclude: owned,
                filters: view_query.filters(),
                knobs: view_query.knobs(),
                k: 10,
            })
            .await;
            crate::perf::record("recommend", crate::perf::now() - started);
            Some(answer)
        }
    });
    let recommendations = Memo::new(move |_| recommendations.get().flatten());

    view! {
        {move || {
            if igdb_id.get().is_none() {
                return view! { <section class="panel empty"><h1>"Not a game address"</h1></section> }.into_any();
            }
            if !progress.search_ready.get() {
                return view! { <GameSkeleton/> }.into_any();
            }
            match game.get() {
                None if !(progress.titles_complete.get() || progress.failed.get()) => view! { <GameSkeleton/> }.into_any(),
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
                None | Some(Err(EngineError { code: ErrorCode::NotLoaded, .. })) => view! {
                    <p class="loading-line" data-testid="recs-loading">
                        {move || status.with(|s| if s.error.is_some() {
                            "Recommendations need the full index, which did not load.".to_string()
                        } else {
                            format!("Recommendations are loading… {:.0}%", s.percent())
                        })}
                    </p>
                }.into_any(),
                Some(Err(e)) => view! { <p class="alert error">{e.message}</p> }.into_any(),
                Some(Ok(RecAnswer { items, .. })) if items.is_empty() => view! {
                    <p class="empty-line">"No games match these filters. Loosen them to see more."</p>
                }.into_any(),
                Some(Ok(RecAnswer { items, complete })) => view! {
                    <RecList items=Signal::derive(move || items.clone())/>
                    <p class="refining" data-testid="recs-refining" aria-live="polite">
                        {(!complete).then_some("First picks from the best-known games; refining as the rest of the catalogue arrives…")}
                    </p>
                }.into_any(),
            }}
        </section>
        // Shown once the recommendations are in, so they never push it around on screen.
        <Show when=move || {
            game.with(Option::is_some)
                && (recommendations.with(Option::is_some) || progress.failed.get())
        }>
            <GameDetailsPanel details=details/>
        </Show>
    }
}

#[component]
fn GameHeader(game: GameInfo, details: Signal<DetailsState>) -> impl IntoView {
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
fn GameDetailsPanel(details: Signal<DetailsState>) -> impl IntoView {
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
                Some(Err(e)) => view! { <p class="muted">{format!("Details are unavailable right now ({}). Reload the page to try again.", e.message)}</p> }.into_any(),
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
