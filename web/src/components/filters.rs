//! Filters and knobs for recommendations, behind one button that says how many are on (closed
//! at first, so the recommendations come first on every screen). They live in the URL query
//! (see `query.rs`), so every change is a link and results update at once. Discrete changes
//! push a history entry (Back undoes them); slider moves replace the current entry.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};
use leptos_router::params::ParamsMap;
use leptos_router::NavigateOptions;
use playlike_core::protocol::FilterOptions;
use playlike_core::View;

use crate::api::{self, Progress};
use crate::query::{href, navigate_fn, view_of, Navigate};
use crate::text::parse_year;

/// Query keys that belong to the page, not the filters, and survive filter changes.
const PAGE_KEYS: [&str; 2] = ["like", "dislike"];

#[component]
pub fn FilterPanel() -> impl IntoView {
    let query_map = use_query_map();
    let current = Memo::new(move |_| view_of(&query_map.read()));
    // The controls are built when the panel is first opened: closed, it costs the page nothing
    // while the index loads (its lists of platforms and genres would change with every part).
    let (opened, set_opened) = signal(false);
    view! {
        <details class="filters" on:toggle=move |_| set_opened.set(true)>
            <summary class="filters-toggle" data-testid="filters-toggle">
                "Filters"
                <span class="filters-active" data-testid="filters-active">
                    {move || match current.with(View::active_count) {
                        0 => String::new(),
                        n => format!(" · {n} on"),
                    }}
                </span>
            </summary>
            <Show when=move || opened.get()>
                <FilterControls current=current/>
            </Show>
        </details>
    }
}

/// The filter and knob controls: each change becomes a new address.
#[component]
fn FilterControls(current: Memo<View>) -> impl IntoView {
    let progress = expect_context::<Progress>();
    let edits = ViewEdits::new(current);

    // Platform, store and genre names come from the engine, again when more of the index
    // arrives.
    let options = LocalResource::new(move || {
        progress.generation.track();
        api::filter_options()
    });
    let names = move |pick: fn(FilterOptions) -> Vec<String>| {
        Memo::new(move |_| {
            options
                .get()
                .and_then(Result::ok)
                .map(pick)
                .unwrap_or_default()
        })
    };
    let platforms = names(|o| o.platforms);
    let stores = names(|o| o.stores);
    let genres = names(|o| {
        let mut names = o.genres;
        names.sort_unstable_by_key(|n| n.to_lowercase());
        names
    });

    view! {
        <div class="filter-grid">
            <OneOf label="Platform" any="Any platform" testid="platform-filter" names=platforms edits=edits
                get=|q| &q.filters.platform set=|q, list| q.filters.platform = list
            />
            <OneOf label="Available on" any="Any store" testid="store-filter" names=stores edits=edits
                get=|q| &q.filters.store set=|q, list| q.filters.store = list
            />
            <YearRange edits=edits/>
            <RatingAndKind edits=edits/>
            <GenrePicker label="Must have" testid="genre-include" names=genres
                chosen=Signal::derive(move || current.with(|q| q.filters.genre.clone()))
                on_change=Callback::new(move |list: Vec<String>| edits.change(move |q| q.filters.genre = list.clone()))
            />
            <GenrePicker label="Leave out" testid="genre-exclude" names=genres
                chosen=Signal::derive(move || current.with(|q| q.filters.not_genre.clone()))
                on_change=Callback::new(move |list: Vec<String>| edits.change(move |q| q.filters.not_genre = list.clone()))
            />
            <KnobSliders edits=edits/>
            <button type="button" class="button subtle reset"
                disabled=move || current.with(|q| *q == View::default())
                on:click=move |_| edits.change(|q| *q = View::default())
            >"Reset filters"</button>
        </div>
    }
}

/// The view's filters as in the address, and the way to change them: discrete changes add a
/// history entry (Back undoes them); slider moves replace the current one, so dragging does
/// not flood the history.
#[derive(Clone, Copy)]
struct ViewEdits {
    current: Memo<View>,
    query_map: Memo<ParamsMap>,
    pathname: Memo<String>,
    navigate: StoredValue<Navigate, LocalStorage>,
}

impl ViewEdits {
    /// Edits of `current`, the view's filters as read from the address.
    fn new(current: Memo<View>) -> ViewEdits {
        ViewEdits {
            current,
            query_map: use_query_map(),
            pathname: use_location().pathname,
            navigate: navigate_fn(),
        }
    }

    fn change(self, edit: impl Fn(&mut View)) {
        self.apply(edit, false);
    }

    fn slide(self, edit: impl Fn(&mut View)) {
        self.apply(edit, true);
    }

    fn apply(self, edit: impl Fn(&mut View), replace: bool) {
        let mut q = self.current.get_untracked();
        edit(&mut q);
        let params = self.query_map.get_untracked();
        let mut pairs: Vec<(&str, String)> = PAGE_KEYS
            .iter()
            .filter_map(|&key| Some((key, params.get(key)?)))
            .collect();
        pairs.extend(q.to_query());
        let target = href(&self.pathname.get_untracked(), &pairs);
        let options = NavigateOptions {
            replace,
            scroll: false,
            ..NavigateOptions::default()
        };
        self.navigate.with_value(|nav| nav(&target, options));
    }
}

/// A select of one name (platform, store) among `names`, or any.
#[component]
fn OneOf(
    label: &'static str,
    any: &'static str,
    testid: &'static str,
    names: Memo<Vec<String>>,
    edits: ViewEdits,
    get: fn(&View) -> &Vec<String>,
    set: fn(&mut View, Vec<String>),
) -> impl IntoView {
    let chosen = move |q: &View| get(q).first().cloned().unwrap_or_default();
    view! {
        <label class="field">
            <span>{label}</span>
            <select
                data-testid=testid
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    edits.change(move |q| set(q, if v.is_empty() { vec![] } else { vec![v.clone()] }));
                }
                prop:value=move || edits.current.with(chosen)
            >
                <option value="">{any}</option>
                {move || names.get().into_iter().map(|name| {
                    let selected = edits.current.with_untracked(|q| chosen(q) == name);
                    view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

#[component]
fn YearRange(edits: ViewEdits) -> impl IntoView {
    let current = edits.current;
    let shown = |year: Option<u16>| year.map(|y| y.to_string()).unwrap_or_default();
    view! {
        <div class="field years">
            <span>"Released"</span>
            <div class="inline">
                <input type="number" inputmode="numeric" min="1950" max="2100" placeholder="from" aria-label="Released from year"
                    prop:value=move || current.with(|q| shown(q.filters.from))
                    on:change=move |ev| { let y = parse_year(&event_target_value(&ev)); edits.change(move |q| q.filters.from = y); }
                />
                <span aria-hidden="true">"–"</span>
                <input type="number" inputmode="numeric" min="1950" max="2100" placeholder="to" aria-label="Released up to year"
                    prop:value=move || current.with(|q| shown(q.filters.to))
                    on:change=move |ev| { let y = parse_year(&event_target_value(&ev)); edits.change(move |q| q.filters.to = y); }
                />
            </div>
        </div>
    }
}

/// The minimum critic rating, and main games only or every kind of release.
#[component]
fn RatingAndKind(edits: ViewEdits) -> impl IntoView {
    let current = edits.current;
    view! {
        <label class="field">
            <span>{move || match current.with(|q| q.filters.min_rating) {
                Some(r) => format!("Critic rating ≥ {r}"),
                None => "Critic rating: any".to_string(),
            }}</span>
            <input type="range" min="0" max="95" step="5"
                prop:value=move || current.with(|q| q.filters.min_rating.unwrap_or(0).to_string())
                on:input=move |ev| {
                    let r = event_target_value(&ev).parse::<u8>().ok().filter(|r| *r > 0);
                    edits.slide(move |q| q.filters.min_rating = r);
                }
            />
        </label>
        <label class="field check">
            <input type="checkbox"
                prop:checked=move || !current.with(|q| q.filters.all_types)
                on:change=move |ev| { let main_only = event_target_checked(&ev); edits.change(move |q| q.filters.all_types = !main_only); }
            />
            <span>"Main games only (no DLCs, editions, bundles)"</span>
        </label>
    }
}

/// The popularity and recency knobs.
#[component]
fn KnobSliders(edits: ViewEdits) -> impl IntoView {
    let current = edits.current;
    let knob = |ev: &leptos::ev::Event| event_target_value(ev).parse().unwrap_or(0.0);
    view! {
        <label class="field knob">
            <span>"Hidden gems ↔ Popular"</span>
            <input type="range" min="-1" max="1" step="0.1" data-testid="popularity-knob"
                prop:value=move || current.with(|q| format!("{:.1}", q.knobs.popularity))
                on:input=move |ev| { let v = knob(&ev); edits.slide(move |q| q.knobs.popularity = v); }
            />
        </label>
        <label class="field knob">
            <span>"Older ↔ Newer"</span>
            <input type="range" min="-1" max="1" step="0.1"
                prop:value=move || current.with(|q| format!("{:.1}", q.knobs.recency))
                on:input=move |ev| { let v = knob(&ev); edits.slide(move |q| q.knobs.recency = v); }
            />
        </label>
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
