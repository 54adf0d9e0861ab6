//! A game's cover from the IGDB image CDN, over a placeholder of fixed size: the placeholder
//! shows when there is no cover, while it loads, and when it fails (offline), and the box
//! never changes size, so nothing shifts.
//!
//! Rows of the later tiers come without a cover id (those ids are in cover blocks the engine
//! fetches on demand): given the game's IGDB id, a cover with no image asks the engine for it
//! ([`api::cover`], batched with the other cards of the render) and shows it when it arrives.

use leptos::prelude::*;
use playlike_core::IgdbId;

use crate::api;
use crate::text::initials;

/// IGDB image sizes used here: `cover_small` (90×128), `cover_big` (264×374).
#[component]
pub fn Cover(
    /// IGDB image id (e.g. `co1wyy`), if the row came with one.
    image: Option<String>,
    /// The game, to ask for its cover when the row came without one.
    #[prop(optional)]
    igdb_id: Option<IgdbId>,
    /// Game name, for the placeholder's initials.
    name: String,
    #[prop(default = "cover_small")] size: &'static str,
) -> impl IntoView {
    let asked = match (&image, igdb_id) {
        (None, Some(id)) => Some(LocalResource::new(move || api::cover(id))),
        _ => None,
    };
    let url = move || {
        let image = image
            .clone()
            .or_else(|| asked.and_then(|asked| asked.get()).flatten())?;
        let valid = !image.is_empty() && image.bytes().all(|b| b.is_ascii_alphanumeric());
        valid.then(|| format!("https://images.igdb.com/igdb/image/upload/t_{size}/{image}.jpg"))
    };
    view! {
        <div class=format!("cover cover-{size}")>
            <span class="cover-placeholder" aria-hidden="true">{initials(&name)}</span>
            {move || url().map(|src| view! { <CoverImage src=src/> })}
        </div>
    }
}

/// The image itself, invisible until it has loaded, so a failed or blocked request (offline,
/// no network) never shows a broken-image icon over the placeholder.
#[component]
fn CoverImage(src: String) -> impl IntoView {
    let loaded = RwSignal::new(false);
    let img_ref = NodeRef::<leptos::html::Img>::new();
    // A cached image may finish before the listener is attached: check once mounted.
    Effect::new(move |_| {
        if let Some(img) = img_ref.get() {
            if img.complete() && img.natural_width() > 0 {
                loaded.set(true);
            }
        }
    });
    view! {
        <img
            node_ref=img_ref
            src=src
            alt=""
            loading="lazy"
            decoding="async"
            class:loaded=move || loaded.get()
            on:load=move |_| loaded.set(true)
            on:error=move |_| loaded.set(false)
        />
    }
}
