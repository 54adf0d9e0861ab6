//! A game's cover from the IGDB image CDN, over a placeholder of fixed size: the placeholder
//! shows when there is no cover, while it loads, and when it fails (offline), and the box
//! never changes size, so nothing shifts.

use leptos::prelude::*;

/// IGDB image sizes used here: `cover_small` (90×128), `cover_big` (264×374).
#[component]
pub fn Cover(
    /// IGDB image id (e.g. `co1wyy`), if the game has a cover.
    image: Option<String>,
    /// Game name, for the placeholder's initials.
    name: String,
    #[prop(default = "cover_small")] size: &'static str,
) -> impl IntoView {
    let failed = RwSignal::new(false);
    let url = image
        .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric()))
        .map(|id| format!("https://images.igdb.com/igdb/image/upload/t_{size}/{id}.jpg"));
    view! {
        <div class=format!("cover cover-{size}")>
            <span class="cover-placeholder" aria-hidden="true">{initials(&name)}</span>
            {url.map(|src| view! {
                <img
                    src=src
                    alt=""
                    loading="lazy"
                    decoding="async"
                    class:failed=move || failed.get()
                    on:error=move |_| failed.set(true)
                />
            })}
        </div>
    }
}

/// Up to two initials of the first words: "The Legend of Zelda" → "TL".
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}
