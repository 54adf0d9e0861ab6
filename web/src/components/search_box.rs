//! The title typeahead: debounced, keyboard navigable (↑/↓, Enter, Escape) with ARIA
//! combobox semantics; results show cover thumbnail, year and platforms. Picking a result
//! opens its game page, keeping the current filters.

use std::time::Duration;

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::api::{self, Progress, Status};
use crate::components::cards::{meta_line, GameSummary};
use crate::components::cover::Cover;
use crate::query::{href, ViewQuery};
use crate::text::group_thousands;

/// Results shown in the dropdown.
const SUGGESTIONS: usize = 8;
/// Wait this long after the last keystroke before searching.
const DEBOUNCE: Duration = Duration::from_millis(40);

#[component]
pub fn SearchBox() -> impl IntoView {
    let status = expect_context::<Status>();
    let progress = expect_context::<Progress>();
    let query_map = use_query_map();
    let navigate = StoredValue::new_local(use_navigate());

    // Typing may have started in the painted shell's search box, before the app was running.
    let text = RwSignal::new(crate::components::shell::typed_text());
    let hits = RwSignal::new(Vec::<GameSummary>::new());
    // The query whose results are shown, and the one last sent to the engine.
    let searched = RwSignal::new(String::new());
    let requested = StoredValue::new(String::new());
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);
    let pending = StoredValue::new(None::<TimeoutHandle>);

    // Searches run in the engine worker; only the answer to the latest one is shown.
    let latest = StoredValue::new(0u32);
    let run_search = move |q: String| {
        let started = crate::perf::now();
        requested.set_value(q.clone());
        let ticket = latest.get_value().wrapping_add(1);
        latest.set_value(ticket);
        leptos::task::spawn_local(async move {
            let results = if q.trim().is_empty() {
                Vec::new()
            } else {
                api::search(q.clone(), SUGGESTIONS)
                    .await
                    .unwrap_or_default()
            };
            if latest.get_value() != ticket {
                return;
            }
            crate::perf::record("search", crate::perf::now() - started);
            hits.set(results);
            searched.set(q);
            active.set(None);
            // Queued after the render effects the updates above scheduled, so this measures
            // the keystroke's whole work: the engine's answer, result cards and the DOM update.
            leptos::task::spawn_local(async move {
                crate::perf::record("keystroke", crate::perf::now() - started);
            });
        });
    };

    // Titles arriving (more shards) refresh the open dropdown.
    Effect::new(move |_| {
        progress.generation.track();
        if open.get_untracked() && !text.get_untracked().trim().is_empty() {
            run_search(text.get_untracked());
        }
    });

    let flush = move || {
        if let Some(handle) = pending.get_value() {
            handle.clear();
            pending.set_value(None);
        }
        if requested.get_value() != text.get_untracked() {
            run_search(text.get_untracked());
        }
    };

    let pick = move |igdb_id: u64| {
        let target = href(
            &format!("/game/{igdb_id}"),
            &ViewQuery::from_params(&query_map.get_untracked()).pairs(),
        );
        open.set(false);
        text.set(String::new());
        hits.set(Vec::new());
        searched.set(String::new());
        requested.set_value(String::new());
        latest.update_value(|ticket| *ticket = ticket.wrapping_add(1));
        navigate.with_value(|nav| nav(&target, NavigateOptions::default()));
    };

    let on_input = move |ev| {
        let value = event_target_value(&ev);
        text.set(value);
        open.set(true);
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                pending.set_value(None);
                run_search(text.get_untracked());
            },
            DEBOUNCE,
        )
        .ok();
        pending.set_value(handle);
    };

    let on_keydown = move |ev: KeyboardEvent| {
        let count = hits.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" => {
                ev.prevent_default();
                flush();
                open.set(true);
                let count = hits.with_untracked(Vec::len);
                if count > 0 {
                    active.update(|a| *a = Some(a.map_or(0, |i| (i + 1) % count)));
                }
            }
            "ArrowUp" => {
                ev.prevent_default();
                if count > 0 {
                    active.update(|a| *a = Some(a.map_or(count - 1, |i| (i + count - 1) % count)));
                }
            }
            "Enter" => {
                ev.prevent_default();
                flush();
                let index = active.get_untracked().unwrap_or(0);
                if let Some(id) = hits.with_untracked(|h| h.get(index).map(|g| g.igdb_id)) {
                    pick(id);
                }
            }
            "Escape" => {
                if open.get_untracked() {
                    open.set(false);
                    active.set(None);
                } else {
                    text.set(String::new());
                }
            }
            _ => {}
        }
    };

    let placeholder = move || {
        status.with(|s| {
            if s.search_ready {
                if s.titles_complete {
                    format!("Search {} games…", group_thousands(s.games))
                } else {
                    "Search games…".to_string()
                }
            } else {
                "Search games (loading…)".to_string()
            }
        })
    };
    let expanded = move || open.get() && !text.with(|t| t.trim().is_empty());

    view! {
        <div class="search" role="search">
            <label for="search-input" class="sr-only">"Search games by title"</label>
            <input
                id="search-input"
                type="search"
                role="combobox"
                aria-autocomplete="list"
                aria-controls="search-listbox"
                aria-expanded=move || expanded().to_string()
                aria-activedescendant=move || active.get().map(|i| format!("search-opt-{i}"))
                autocomplete="off"
                spellcheck="false"
                placeholder=placeholder
                prop:value=move || text.get()
                on:input=on_input
                on:keydown=on_keydown
                on:focus=move |_| open.set(true)
                on:blur=move |_| open.set(false)
            />
            <ul
                id="search-listbox"
                role="listbox"
                aria-label="Matching games"
                class="search-results"
                class:open=expanded
                data-query=move || searched.get()
            >
                {move || {
                    hits.get()
                        .into_iter()
                        .enumerate()
                        .map(|(i, g)| {
                            let id = g.igdb_id;
                            let meta = meta_line(&g);
                            let aka = g.also_known_as.map(|name| view! {
                                <span class="meta aka">"also known as " {name}</span>
                            });
                            view! {
                                <li
                                    role="option"
                                    id=format!("search-opt-{i}")
                                    class="option"
                                    class:active=move || active.get() == Some(i)
                                    aria-selected=move || (active.get() == Some(i)).to_string()
                                    on:mousedown=|ev| ev.prevent_default()
                                    on:click=move |_| pick(id)
                                >
                                    <Cover image=g.cover name=g.name.clone()/>
                                    <span class="option-text">
                                        <span class="option-name">{g.name}</span>
                                        {aka}
                                        <span class="meta">{meta}</span>
                                    </span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
                <Show when=move || {
                    hits.with(Vec::is_empty)
                        && !searched.with(|s| s.trim().is_empty())
                        && searched.get() == text.get()
                }>
                    <li class="option-empty" role="presentation">
                        {move || if progress.search_ready.get() {
                            "No games match. Check the spelling, or try fewer or other words."
                        } else {
                            "Search starts as soon as the first game titles have downloaded…"
                        }}
                    </li>
                </Show>
            </ul>
        </div>
    }
}
