//! Index loading feedback (progress bar in bytes and percent, errors with Retry, notices,
//! "newer index ready") and the footer with attribution, index version and build date.

use leptos::prelude::*;

use crate::api::{self, Status};
use crate::text::human_bytes;

#[component]
pub fn StatusBar() -> impl IntoView {
    let status = expect_context::<Status>();
    let loading = move || status.with(|s| s.error.is_none() && !s.recommend_complete);
    view! {
        // Fixed height while loading so the page below never jumps.
        <div class="status-slot">
            <Show when=loading>
                <div class="progress" role="status" aria-live="polite" data-testid="progress">
                    <progress
                        max="100"
                        value=move || format!("{:.0}", status.with(|s| s.percent()))
                        aria-label="Index download"
                    ></progress>
                    <span class="progress-text">
                        {move || status.with(|s| {
                            let what = if s.activity.is_empty() { "Loading the game index…" } else { s.activity.as_str() };
                            if s.total_bytes == 0 {
                                what.to_string()
                            } else {
                                format!(
                                    "{what} {} of {} ({:.0}%){}",
                                    human_bytes(s.loaded_bytes),
                                    human_bytes(s.total_bytes),
                                    s.percent(),
                                    if s.search_ready { " — search is ready" } else { "" },
                                )
                            }
                        })}
                    </span>
                </div>
            </Show>
            {move || status.with(|s| s.error.clone()).map(|error| view! {
                <div class="alert error" role="alert" data-testid="index-error">
                    <strong>"The game index could not be loaded. Check your connection, then press Retry."</strong>
                    <span class="alert-text alert-detail">{format!("What went wrong: {error}")}</span>
                    <button type="button" class="button" on:click=move |_| api::retry(status)>"Retry"</button>
                </div>
            })}
            {move || status.with(|s| s.notice.clone()).map(|notice| view! {
                <div class="alert notice" role="status" data-testid="index-notice">
                    <span class="alert-text">{notice}</span>
                    <button type="button" class="button subtle" on:click=move |_| status.update(|s| s.notice = None)>"Dismiss"</button>
                </div>
            })}
            {move || status.with(|s| s.update_ready.clone()).map(|version| view! {
                <div class="alert notice" role="status" data-testid="index-update">
                    <span class="alert-text">{format!("A newer game index ({version}) is ready.")}</span>
                    <button type="button" class="button" on:click=move |_| { let _ = window().location().reload(); }>"Use it"</button>
                </div>
            })}
        </div>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    let status = expect_context::<Status>();
    view! {
        <footer class="site-footer">
            <span>
                {move || status.with(|s| s.attribution.clone()).unwrap_or_else(|| "Data from IGDB.com".into())}
            </span>
            <span data-testid="index-version">
                {move || status.with(|s| match (&s.version, &s.built_at) {
                    (Some(v), Some(b)) => format!(
                        "Index {v}, built {} · {} games{}",
                        b.get(..10).unwrap_or(b),
                        s.games,
                        if s.from_cache { " · saved in this browser" } else { "" },
                    ),
                    _ => "Loading the game index…".to_string(),
                })}
            </span>
            <span>"Runs entirely in your browser."</span>
        </footer>
    }
}
