//! A game's cover from the IGDB image CDN, over a placeholder of fixed size: the placeholder
//! shows when there is no cover, while it loads, and when it fails (offline), and the box
//! never changes size, so nothing shifts.

use leptos::prelude::*;

use crate::text::initials;

/// IGDB image sizes used here: `cover_small` (90×128), `cover_big` (264×374).
#[component]
pub fn Cover(
    /// IGDB image id (e.g. `co1wyy`), if the game has a cover.
    image: Option<String>,
    /// Game name, for the placeholder's initials.
    name: String,
    #[prop(default = "cover_small")] size: &'static str,
) -> impl IntoView {
    // The image stays invisible until it has loaded, so a failed or blocked request (offline,
    // no network) never shows a broken-image icon over the placeholder.
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
    let url = image
        .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric()))
        .map(|id| format!("https://images.igdb.com/igdb/image/upload/t_{size}/{id}.jpg"));
    view! {
        <div class=format!("cover cover-{size}")>
            <span class="cover-placeholder" aria-hidden="true">{initials(&name)}</span>
            {url.map(|src| view! {
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
            })}
        </div>
    }
}
