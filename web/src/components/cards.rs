//! The lists that show games: recommendations with their explanations (and the whole
//! "recommendations" area of a page: loading, errors, empty, refining), and grids of game
//! tiles. Rows are plain data from the engine ([`GameSummary`], [`RecItem`]).
//!
//! Layout shift: a recommendation row and a tile have a fixed height (text is clamped), the
//! placeholders shown while data arrives have the same size, and rows are keyed by position
//! *and* game, so refining a list in place replaces only the rows that changed, where they
//! stand, instead of moving them or rebuilding the list.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use playlike_core::protocol::{EngineError, ErrorCode, RecAnswer, RecQuery};
pub use playlike_core::protocol::{GameSummary, RecItem};
use playlike_core::IgdbId;

use crate::api::{self, Progress, Status};
use crate::components::cover::Cover;
use crate::components::taste::TasteButtons;
use crate::query::game_href;
use crate::text::full_rows;

/// Recommendations a page asks for, and placeholder rows shown until they arrive.
pub const RECS: usize = 10;

/// "2018 · PC, Switch, PS4 +3"
pub fn meta_line(game: &GameSummary) -> String {
    crate::text::meta_line(game.year, &game.platforms)
}

/// The state of a page's recommendations: `None` until asked (index still loading).
pub type RecState = Option<Result<RecAnswer, EngineError>>;

/// `base` (filters, knobs, k) for games like `like`, away from `dislike`, never one of those
/// or an `owned` game; `None` without liked games (nothing to ask).
pub fn taste_query(
    like: Vec<IgdbId>,
    dislike: Vec<IgdbId>,
    owned: Vec<IgdbId>,
    base: RecQuery,
) -> Option<RecQuery> {
    let mut exclude = owned;
    exclude.extend(&dislike);
    (!like.is_empty()).then_some(RecQuery {
        like,
        dislike,
        exclude,
        ..base
    })
}

/// A page's recommendations: asked for at once (the engine answers as soon as the part of
/// the index they need is in, without waiting for the page to hear about it), and again
/// whenever more of the index arrives or what `ask` reads changes. `ask` builds the query
/// from the page's state, or `None` when there is nothing to ask (no game, no liked games).
pub fn recommendations(ask: impl Fn() -> Option<RecQuery> + 'static) -> Signal<RecState> {
    let progress = expect_context::<Progress>();
    let answer = LocalResource::new(move || {
        progress.generation.track();
        let query = ask();
        async move {
            let started = crate::perf::now();
            let answer = api::recommend(query?).await;
            crate::perf::record("recommend", crate::perf::now() - started);
            Some(answer)
        }
    });
    Signal::derive(move || answer.get().flatten())
}

/// A page's recommendations with everything around them: a status line that always keeps its
/// place (loading progress, "refining", nothing), placeholder rows until the answer, then the
/// list, or a plain-words message.
#[component]
pub fn RecResults(#[prop(into)] state: Signal<RecState>) -> impl IntoView {
    let status = expect_context::<Status>();
    // What the area shows changes rarely (loading → list); the list's rows change when the
    // answer is refined. Kept apart so a refined answer updates rows in the one list instead of
    // building a new list (and re-requesting every cover).
    let shown = Memo::new(move |_| {
        state.with(|state| match state {
            None
            | Some(Err(EngineError {
                code: ErrorCode::NotLoaded,
                ..
            })) => Shown::Loading,
            Some(Err(e)) => Shown::Failed(plain_error(e)),
            Some(Ok(answer)) if answer.items.is_empty() => Shown::Empty,
            Some(Ok(_)) => Shown::List,
        })
    });
    let refining = Memo::new(move |_| {
        state.with(|state| {
            matches!(
                state,
                Some(Ok(RecAnswer {
                    complete: false,
                    ..
                }))
            )
        })
    });
    let status_line = move || match shown.get() {
        Shown::Loading => status.with(|s| {
            if s.error.is_some() {
                "The catalogue did not download: press Retry above.".to_string()
            } else {
                format!(
                    "Picking games as the catalogue downloads ({:.0}%)…",
                    s.percent()
                )
            }
        }),
        _ if refining.get() => {
            "First picks; refining as the rest of the catalogue arrives…".to_string()
        }
        _ => String::new(),
    };
    let items = Memo::new(move |_| {
        state.with(|state| match state {
            Some(Ok(answer)) => answer.items.clone(),
            _ => Vec::new(),
        })
    });
    view! {
        <p class="status-line" data-testid="recs-status" aria-live="polite">{status_line}</p>
        {move || match shown.get() {
            Shown::Loading => view! { <RecSkeleton/> }.into_any(),
            Shown::Failed(message) => view! { <p class="alert error">{message}</p> }.into_any(),
            Shown::Empty => view! {
                <p class="empty-line" data-testid="recs-empty">
                    "No games match these filters. Loosen or reset them to see more."
                </p>
            }.into_any(),
            Shown::List => view! { <RecList items=items/> }.into_any(),
        }}
    }
}

/// Which of its states a recommendations area is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    Loading,
    Failed(&'static str),
    Empty,
    List,
}

/// What went wrong, in words a player can act on.
fn plain_error(error: &EngineError) -> &'static str {
    match error.code {
        ErrorCode::BadId => {
            "This game is not in the catalogue any more, so there is nothing to compare it with."
        }
        ErrorCode::BadRequest => {
            "These filters could not be used. Reset the filters to see recommendations."
        }
        ErrorCode::Corrupt | ErrorCode::Network | ErrorCode::NotLoaded => {
            "The catalogue could not be read. Reload the page to try again."
        }
    }
}

/// The recommendation list, keyed by position and game (see the module doc): a refined answer
/// re-creates only the rows whose game changed (a row with focus keeps it); a kept row's
/// explanation follows the answer.
#[component]
pub fn RecList(#[prop(into)] items: Signal<Vec<RecItem>>) -> impl IntoView {
    let query = use_query_map();
    view! {
        <ol class="rec-list" data-testid="recommendations">
            <For
                each=move || items.get().into_iter().enumerate()
                key=|(at, item)| (*at, item.game.igdb_id)
                children=move |(at, item)| {
                    let id = item.game.igdb_id;
                    let link = move || game_href(id, &query.read());
                    let why = move || items.with(|items| {
                        items.get(at).filter(|i| i.game.igdb_id == id).map(|i| i.explanation.clone())
                    });
                    view! {
                        <li class="rec">
                            <a class="rec-main" href=link>
                                <Cover image=item.game.cover.clone() igdb_id=id name=item.game.name.clone()/>
                                <span class="rec-text">
                                    <span class="rec-name">{item.game.name.clone()}</span>
                                    <span class="meta">{meta_line(&item.game)}</span>
                                    <span class="why">{why}</span>
                                </span>
                            </a>
                            <TasteButtons igdb_id=id compact=true/>
                        </li>
                    }
                }
            />
        </ol>
    }
}

/// Placeholder rows of the size of real ones, while recommendations are on their way.
#[component]
pub fn RecSkeleton() -> impl IntoView {
    view! {
        <ol class="rec-list" aria-hidden="true" data-testid="recs-skeleton">
            {(0..RECS).map(|_| view! { <li class="rec skeleton"></li> }).collect_view()}
        </ol>
    }
}

/// A grid of game tiles. With `full_rows` (or `rows`) it only ever shows full rows: each
/// tile is marked with the column counts at which it would start an incomplete last row, and
/// the stylesheet hides it where the grid has that many columns (see `.beyond-*` in
/// style.css).
#[component]
pub fn GameGrid(
    #[prop(into)] games: Signal<Vec<GameSummary>>,
    /// Show like / dislike / own toggles under each tile.
    #[prop(optional)]
    with_taste: bool,
    /// Leave out the tiles of an incomplete last row.
    #[prop(optional)]
    full_rows: bool,
    /// At most this many (full) rows (0: no limit).
    #[prop(optional)]
    rows: usize,
    #[prop(optional)] testid: &'static str,
) -> impl IntoView {
    let whole = full_rows || rows > 0;
    let query = use_query_map();
    view! {
        <ul class="game-grid" class:with-taste=with_taste data-testid=testid>
            <For
                each=move || {
                    let games = games.get();
                    let total = games.len();
                    games.into_iter().enumerate().map(move |(at, g)| (at, total, g))
                }
                key=|(at, total, g)| (*at, *total, g.igdb_id)
                children=move |(at, total, g)| {
                    let id = g.igdb_id;
                    let link = move || game_href(id, &query.read());
                    view! {
                        <li class=if whole { beyond_classes(at, total, rows) } else { String::new() }>
                            <a class="tile" href=link>
                                <Cover image=g.cover.clone() igdb_id=id name=g.name.clone()/>
                                <span class="tile-name">{g.name.clone()}</span>
                                <span class="meta">{g.year.map(|y| y.to_string()).unwrap_or_default()}</span>
                            </a>
                            {with_taste.then(|| view! { <TasteButtons igdb_id=id compact=true/> })}
                        </li>
                    }
                }
            />
        </ul>
    }
}

/// Placeholder tiles of the size of real ones, in full rows like [`GameGrid`].
#[component]
pub fn GridSkeleton(count: usize, #[prop(optional)] rows: usize) -> impl IntoView {
    view! {
        <ul class="game-grid" aria-hidden="true">
            {(0..count).map(|at| view! {
                <li class=beyond_classes(at, count, rows)>
                    <span class="tile skeleton">
                        <span class="cover"></span>
                        <span class="tile-name"></span>
                        <span class="meta"></span>
                    </span>
                </li>
            }).collect_view()}
        </ul>
    }
}

/// The grid's column counts (one per width band in style.css).
const GRID_COLUMNS: [usize; 4] = [3, 4, 6, 8];

/// `beyond-3 beyond-6 …`: the column counts at which tile `at` of `total` is left out.
fn beyond_classes(at: usize, total: usize, rows: usize) -> String {
    GRID_COLUMNS
        .iter()
        .filter(|&&columns| at >= full_rows(total, columns, rows))
        .map(|columns| format!("beyond-{columns}"))
        .collect::<Vec<_>>()
        .join(" ")
}
