//! The title typeahead: debounced, keyboard navigable (↑/↓, Enter, Escape) with ARIA
//! combobox semantics; results show cover thumbnail, year and platforms. Picking a result
//! opens its game page, keeping the current filters.

use std::time::Duration;

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;
use leptos_router::NavigateOptions;

use playlike_core::IgdbId;

use crate::api::{self, Progress, Status};
use crate::components::cards::{meta_line, GameSummary};
use crate::components::cover::Cover;
use crate::query::{game_href, navigate_fn, Navigate};
use crate::text::group_thousands;

/// Results shown in the dropdown.
const SUGGESTIONS: usize = 8;
/// Wait this long after the last keystroke before searching.
const DEBOUNCE: Duration = Duration::from_millis(40);

#[component]
pub fn SearchBox() -> impl IntoView {
    let status = expect_context::<Status>();
    let progress = expect_context::<Progress>();
    let typeahead = Typeahead::new();

    // Titles arriving (more shards) refresh the open dropdown.
    Effect::new(move |_| {
        progress.generation.track();
        if typeahead.open.get_untracked() && !typeahead.text.get_untracked().trim().is_empty() {
            typeahead.search(typeahead.text.get_untracked());
        }
    });

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
    let Typeahead {
        text, open, active, ..
    } = typeahead;
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
                on:input=move |ev| typeahead.typed(event_target_value(&ev))
                on:keydown=move |ev| typeahead.key(&ev)
                on:focus=move |_| open.set(true)
                on:blur=move |_| open.set(false)
            />
            <Suggestions typeahead=typeahead expanded=Signal::derive(expanded)/>
        </div>
    }
}

/// The dropdown: one option per hit, or a plain-words line when nothing matches.
#[component]
fn Suggestions(typeahead: Typeahead, expanded: Signal<bool>) -> impl IntoView {
    let progress = expect_context::<Progress>();
    let Typeahead {
        text,
        hits,
        searched,
        active,
        ..
    } = typeahead;
    view! {
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
                                on:click=move |_| typeahead.pick(id)
                            >
                                <Cover image=g.cover igdb_id=id name=g.name.clone()/>
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
    }
}

/// The typeahead's state: what is typed, what was searched, the hits shown, the highlighted
/// option. All handles are `Copy`, so event handlers take the whole state by value.
#[derive(Clone, Copy)]
struct Typeahead {
    text: RwSignal<String>,
    hits: RwSignal<Vec<GameSummary>>,
    /// The query whose results are shown.
    searched: RwSignal<String>,
    /// The query last sent to the engine.
    requested: StoredValue<String>,
    open: RwSignal<bool>,
    active: RwSignal<Option<usize>>,
    pending: StoredValue<Option<TimeoutHandle>>,
    /// Searches run in the engine worker; only the answer to the latest one is shown.
    latest: StoredValue<u32>,
    query_map: Memo<ParamsMap>,
    navigate: StoredValue<Navigate, LocalStorage>,
}

impl Typeahead {
    fn new() -> Typeahead {
        Typeahead {
            // Typing may have started in the painted shell's search box, before the app ran.
            text: RwSignal::new(crate::components::shell::typed_text()),
            hits: RwSignal::new(Vec::new()),
            searched: RwSignal::new(String::new()),
            requested: StoredValue::new(String::new()),
            open: RwSignal::new(false),
            active: RwSignal::new(None),
            pending: StoredValue::new(None),
            latest: StoredValue::new(0),
            query_map: use_query_map(),
            navigate: navigate_fn(),
        }
    }

    /// Asks the engine for `q`; its answer is shown unless a newer search was started since.
    fn search(self, q: String) {
        let started = crate::perf::now();
        self.requested.set_value(q.clone());
        let ticket = self.latest.get_value().wrapping_add(1);
        self.latest.set_value(ticket);
        leptos::task::spawn_local(async move {
            let results = if q.trim().is_empty() {
                Vec::new()
            } else {
                api::search(q.clone(), SUGGESTIONS)
                    .await
                    .unwrap_or_default()
            };
            if self.latest.get_value() != ticket {
                return;
            }
            crate::perf::record("search", crate::perf::now() - started);
            self.hits.set(results);
            self.searched.set(q);
            self.active.set(None);
            // Queued after the render effects the updates above scheduled, so this measures
            // the keystroke's whole work: the engine's answer, result cards and the DOM update.
            leptos::task::spawn_local(async move {
                crate::perf::record("keystroke", crate::perf::now() - started);
            });
        });
    }

    /// A keystroke in the box: search once typing pauses.
    fn typed(self, value: String) {
        self.text.set(value);
        self.open.set(true);
        if let Some(handle) = self.pending.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                self.pending.set_value(None);
                self.search(self.text.get_untracked());
            },
            DEBOUNCE,
        )
        .ok();
        self.pending.set_value(handle);
    }

    /// Searches now what is typed, if it was not searched yet (a key that needs the answer).
    fn flush(self) {
        if let Some(handle) = self.pending.get_value() {
            handle.clear();
            self.pending.set_value(None);
        }
        if self.requested.get_value() != self.text.get_untracked() {
            self.search(self.text.get_untracked());
        }
    }

    /// Opens a game's page, keeping the current filters, and clears the box.
    fn pick(self, igdb_id: IgdbId) {
        let target = game_href(igdb_id, &self.query_map.get_untracked());
        self.open.set(false);
        self.text.set(String::new());
        self.hits.set(Vec::new());
        self.searched.set(String::new());
        self.requested.set_value(String::new());
        self.latest
            .update_value(|ticket| *ticket = ticket.wrapping_add(1));
        self.navigate
            .with_value(|nav| nav(&target, NavigateOptions::default()));
    }

    /// ↑/↓ move the highlight, Enter opens the highlighted (or first) game, Escape closes the
    /// list, then clears the box.
    fn key(self, ev: &KeyboardEvent) {
        let count = self.hits.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" => {
                ev.prevent_default();
                self.flush();
                self.open.set(true);
                let count = self.hits.with_untracked(Vec::len);
                if count > 0 {
                    self.active
                        .update(|a| *a = Some(a.map_or(0, |i| (i + 1) % count)));
                }
            }
            "ArrowUp" => {
                ev.prevent_default();
                if count > 0 {
                    self.active
                        .update(|a| *a = Some(a.map_or(count - 1, |i| (i + count - 1) % count)));
                }
            }
            "Enter" => {
                ev.prevent_default();
                self.flush();
                let index = self.active.get_untracked().unwrap_or(0);
                if let Some(id) = self
                    .hits
                    .with_untracked(|h| h.get(index).map(|g| g.igdb_id))
                {
                    self.pick(id);
                }
            }
            "Escape" => {
                if self.open.get_untracked() {
                    self.open.set(false);
                    self.active.set(None);
                } else {
                    self.text.set(String::new());
                }
            }
            _ => {}
        }
    }
}
