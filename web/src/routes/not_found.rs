//! Any path the router does not know.

use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="panel empty">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. "<A href="/">"Search for a game"</A>" instead."</p>
        </section>
    }
}
