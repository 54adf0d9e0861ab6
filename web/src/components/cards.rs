//! Game summaries copied out of the library (so views never borrow it) and the lists that
//! show them: search results, recommendations with their explanations, taste lists.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use playlike_core::{GameId, Library};

use crate::components::cover::Cover;
use crate::components::taste::TasteButtons;
use crate::query::{href, ViewQuery};

/// What a result row shows about a game.
#[derive(Clone, Debug, PartialEq)]
pub struct GameSummary {
    pub igdb_id: u64,
    pub name: String,
    pub year: Option<u16>,
    pub cover: Option<String>,
    pub platforms: Vec<String>,
    pub main_game: bool,
}

impl GameSummary {
    pub fn of(lib: &Library, game: GameId) -> Option<GameSummary> {
        let card = lib.card(game)?;
        Some(GameSummary {
            igdb_id: card.igdb_id,
            name: card.name.to_string(),
            year: card.year,
            cover: card.cover.map(|c| c.to_string()),
            platforms: card.platforms.iter().map(|p| p.to_string()).collect(),
            main_game: card.main_game,
        })
    }

    /// "2018 · PC, Switch, PS4 +3"
    pub fn meta_line(&self) -> String {
        crate::text::meta_line(self.year, &self.platforms)
    }
}

/// A recommendation ready to show.
#[derive(Clone, Debug, PartialEq)]
pub struct RecItem {
    pub game: GameSummary,
    pub explanation: String,
}

impl RecItem {
    /// Result rows for recommendations (games whose titles are loaded).
    pub fn list(lib: &Library, recs: &[playlike_core::Recommendation]) -> Vec<RecItem> {
        recs.iter()
            .filter_map(|r| {
                Some(RecItem {
                    game: GameSummary::of(lib, r.game)?,
                    explanation: r.explanation.text(),
                })
            })
            .collect()
    }
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
                                    <span class="meta">{item.game.meta_line()}</span>
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
