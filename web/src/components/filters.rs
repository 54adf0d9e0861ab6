//! Filters and knobs for recommendations, behind one button that says how many are on (closed
//! at first, so the recommendations come first on every screen). They live in the URL query
//! (see `query.rs`), so every change is a link and results update at once. Discrete changes
//! push a history entry (Back undoes them); slider moves replace the current entry.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::api::{self, Progress};
use crate::query::{href, ViewQuery};
use crate::text::parse_year;

/// Query keys that belong to the page, not the filters, and survive filter changes.
const PAGE_KEYS: [&str; 2] = ["like", "dislike"];

#[component]
pub fn FilterPanel() -> impl IntoView {
    let query_map = use_query_map();
    let current = Memo::new(move |_| ViewQuery::from_params(&query_map.read()));
    // The controls are built when the panel is first opened: closed, it costs the page nothing
    // while the index loads (its lists of platforms and genres would change with every part).
    let (opened, set_opened) = signal(false);
    view! {
        <details class="filters" on:toggle=move |_| set_opened.set(true)>
            <summary class="filters-toggle" data-testid="filters-toggle">
                "Filters"
                <span class="filters-active" data-testid="filters-active">
                    {move || match current.with(ViewQuery::active_count) {
                        0 => String::new(),
                        n => format!(" · {n} on"),
                    }}
                </span>
            </summary>
            <Show when=move || opened.get()>
                <FilterControls/>
            </Show>
        </details>
    }
}

/// The filter and knob controls: each change becomes a new address.
#[component]
fn FilterControls() -> impl IntoView {
    let progress = expect_context::<Progress>();
    let query_map = use_query_map();
    let pathname = use_location().pathname;
    let navigate = StoredValue::new_local(use_navigate());
    let current = Memo::new(move |_| ViewQuery::from_params(&query_map.read()));

    // Discrete changes add a history entry (Back undoes them); slider moves replace the current
    // one, so dragging does not flood the history.
    let apply = move |edit: &dyn Fn(&mut ViewQuery), replace: bool| {
        let mut q = current.get_untracked();
        edit(&mut q);
        let mut pairs: Vec<(&str, String)> = Vec::new();
        let params = query_map.get_untracked();
        for key in PAGE_KEYS {
            if let Some(v) = params.get(key) {
                pairs.push((key, v));
            }
        }
        pairs.extend(q.pairs());
        let target = href(&pathname.get_untracked(), &pairs);
        navigate.with_value(|nav| {
            nav(
                &target,
                NavigateOptions {
                    replace,
                    scroll: false,
                    ..NavigateOptions::default()
                },
            )
        });
    };

    let change = move |edit: &dyn Fn(&mut ViewQuery)| apply(edit, false);
    let slide = move |edit: &dyn Fn(&mut ViewQuery)| apply(edit, true);

    // Platform and genre names come from the engine, again when more of the index arrives.
    let options = LocalResource::new(move || {
        progress.generation.track();
        api::filter_options()
    });
    let platforms = Memo::new(move |_| {
        options
            .get()
            .and_then(Result::ok)
            .map(|o| o.platforms)
            .unwrap_or_default()
    });
    let stores = Memo::new(move |_| {
        options
            .get()
            .and_then(Result::ok)
            .map(|o| o.stores)
            .unwrap_or_default()
    });
    let genres = Memo::new(move |_| {
        let mut names = options
            .get()
            .and_then(Result::ok)
            .map(|o| o.genres)
            .unwrap_or_default();
        names.sort_unstable_by_key(|n| n.to_lowercase());
        names
    });

    let year_input = |value: String| parse_year(&value);

    view! {
            <div class="filter-grid">
                <label class="field">
                    <span>"Platform"</span>
                    <select
                        data-testid="platform-filter"
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            change(&move |q| q.platforms = if v.is_empty() { vec![] } else { vec![v.clone()] });
                        }
                        prop:value=move || current.with(|q| q.platforms.first().cloned().unwrap_or_default())
                    >
                        <option value="">"Any platform"</option>
                        {move || platforms.get().into_iter().map(|p| {
                            let selected = current.with_untracked(|q| q.platforms.first() == Some(&p));
                            view! { <option value=p.clone() selected=selected>{p.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>"Available on"</span>
                    <select
                        data-testid="store-filter"
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            change(&move |q| q.stores = if v.is_empty() { vec![] } else { vec![v.clone()] });
                        }
                        prop:value=move || current.with(|q| q.stores.first().cloned().unwrap_or_default())
                    >
                        <option value="">"Any store"</option>
                        {move || stores.get().into_iter().map(|s| {
                            let selected = current.with_untracked(|q| q.stores.first() == Some(&s));
                            view! { <option value=s.clone() selected=selected>{s.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <div class="field years">
                    <span>"Released"</span>
                    <div class="inline">
                        <input type="number" inputmode="numeric" min="1950" max="2100" placeholder="from" aria-label="Released from year"
                            prop:value=move || current.with(|q| q.year_from.map(|y| y.to_string()).unwrap_or_default())
                            on:change=move |ev| { let y = year_input(event_target_value(&ev)); change(&move |q| q.year_from = y); }
                        />
                        <span aria-hidden="true">"–"</span>
                        <input type="number" inputmode="numeric" min="1950" max="2100" placeholder="to" aria-label="Released up to year"
                            prop:value=move || current.with(|q| q.year_to.map(|y| y.to_string()).unwrap_or_default())
                            on:change=move |ev| { let y = year_input(event_target_value(&ev)); change(&move |q| q.year_to = y); }
                        />
                    </div>
                </div>
                <label class="field">
                    <span>{move || match current.with(|q| q.min_rating) {
                        Some(r) => format!("Critic rating ≥ {r}"),
                        None => "Critic rating: any".to_string(),
                    }}</span>
                    <input type="range" min="0" max="95" step="5"
                        prop:value=move || current.with(|q| q.min_rating.unwrap_or(0).to_string())
                        on:input=move |ev| {
                            let r = event_target_value(&ev).parse::<u8>().ok().filter(|r| *r > 0);
                            slide(&move |q| q.min_rating = r);
                        }
                    />
                </label>
                <label class="field check">
                    <input type="checkbox"
                        prop:checked=move || !current.with(|q| q.include_all)
                        on:change=move |ev| { let main_only = event_target_checked(&ev); change(&move |q| q.include_all = !main_only); }
                    />
                    <span>"Main games only (no DLCs, editions, bundles)"</span>
                </label>
                <GenrePicker label="Must have" testid="genre-include" names=genres
                    chosen=Signal::derive(move || current.with(|q| q.genres.clone()))
                    on_change=Callback::new(move |list: Vec<String>| change(&move |q| q.genres = list.clone()))
                />
                <GenrePicker label="Leave out" testid="genre-exclude" names=genres
                    chosen=Signal::derive(move || current.with(|q| q.without.clone()))
                    on_change=Callback::new(move |list: Vec<String>| change(&move |q| q.without = list.clone()))
                />
                <label class="field knob">
                    <span>"Hidden gems ↔ Popular"</span>
                    <input type="range" min="-1" max="1" step="0.1" data-testid="popularity-knob"
                        prop:value=move || current.with(|q| format!("{:.1}", q.popularity))
                        on:input=move |ev| { let v = event_target_value(&ev).parse().unwrap_or(0.0); slide(&move |q| q.popularity = v); }
                    />
                </label>
                <label class="field knob">
                    <span>"Older ↔ Newer"</span>
                    <input type="range" min="-1" max="1" step="0.1"
                        prop:value=move || current.with(|q| format!("{:.1}", q.recency))
                        on:input=move |ev| { let v = event_target_value(&ev).parse().unwrap_or(0.0); slide(&move |q| q.recency = v); }
                    />
                </label>
                <button type="button" class="button subtle reset"
                    disabled=move || current.with(ViewQuery::is_default)
                    on:click=move |_| change(&|q| *q = ViewQuery::default())
                >"Reset filters"</button>
            </div>
    }
}

/// A set of genre/theme names: chips with remove buttons plus a select to add one.
#[component]
fn GenrePicker(
    label: &'static str,
    testid: &'static str,
    names: Memo<Vec<String>>,
    chosen: Signal<Vec<String>>,
    on_change: Callback<Vec<String>>,
) -> impl IntoView {
    view! {
        <div class="field genres">
            <span>{label}</span>
            <div class="chips">
                {move || chosen.get().into_iter().map(|name| {
                    let remove = name.clone();
                    let remove_label = format!("Remove {name}");
                    view! {
                        <button type="button" class="chip on" aria-label=remove_label
                            on:click=move |_| {
                                let mut list = chosen.get_untracked();
                                list.retain(|n| *n != remove);
                                on_change.run(list);
                            }
                        >{name}<span aria-hidden="true">" ✕"</span></button>
                    }
                }).collect_view()}
                <select data-testid=testid aria-label=format!("{label}: add a genre or theme")
                    prop:value=""
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if !v.is_empty() {
                            let mut list = chosen.get_untracked();
                            if !list.contains(&v) { list.push(v); }
                            on_change.run(list);
                        }
                    }
                >
                    <option value="">{move || if names.with(Vec::is_empty) { "(loading…)" } else { "+ add…" }}</option>
                    {move || names.get().into_iter().map(|n| view! { <option value=n.clone()>{n.clone()}</option> }).collect_view()}
                </select>
            </div>
        </div>
    }
}
