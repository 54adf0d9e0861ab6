//! The lists that show games: search results, recommendations with their explanations,
//! taste lists. Rows are plain data from the engine ([`GameSummary`], [`RecItem`]).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
pub use playlike_core::protocol::{GameSummary, RecItem};

use crate::components::cover::Cover;
use crate::components::taste::TasteButtons;
use crate::query::{href, ViewQuery};

/// "2018 · PC, Switch, PS4 +3"
pub fn meta_line(game: &GameSummary) -> String {
    crate::text::meta_line(game.year, &game.platforms)
}

/// Link to a game page that keeps the current filters.
pub fn game_href(igdb_id: u64) -> String {
    let query = use_query_map().get_untracked();
    href(
        &format!("/game/{igdb_id}"),
        &ViewQuery::from_params(&query).pairs(),
    )
}

/// The "games like this" / "for you" list.
#[component]
pub fn RecList(#[prop(into)] items: Signal<Vec<RecItem>>) -> impl IntoView {
    let query = use_query_map();
    view! {
        <ol class="rec-list" data-testid="recommendations">
            <For
                each=move || items.get()
                key=|item| item.game.igdb_id
                children=move |item| {
                    let id = item.game.igdb_id;
                    let link = move || href(
                        &format!("/game/{id}"),
                        &ViewQuery::from_params(&query.read()).pairs(),
                    );
                    view! {
                        <li class="rec">
                            <a class="rec-main" href=link>
                                <Cover image=item.game.cover.clone() name=item.game.name.clone()/>
                                <div class="rec-text">
                                    <span class="rec-name">{item.game.name.clone()}</span>
                                    <span class="meta">{meta_line(&item.game)}</span>
                                    <span class="why">{item.explanation.clone()}</span>
                                </div>
                            </a>
                            <TasteButtons igdb_id=id compact=true/>
                        </li>
                    }
                }
            />
        </ol>
    }
}

/// A compact list of games (liked, disliked, popular).
#[component]
pub fn GameGrid(
    #[prop(into)] games: Signal<Vec<GameSummary>>,
    /// Show like / dislike / own toggles under each tile.
    #[prop(optional)]
    with_taste: bool,
) -> impl IntoView {
    let query = use_query_map();
    view! {
        <ul class="game-grid">
            <For
                each=move || games.get()
                key=|g| g.igdb_id
                children=move |g| {
                    let id = g.igdb_id;
                    let link = move || href(
                        &format!("/game/{id}"),
                        &ViewQuery::from_params(&query.read()).pairs(),
                    );
                    view! {
                        <li>
                            <a class="tile" href=link>
                                <Cover image=g.cover.clone() name=g.name.clone()/>
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
