//! The application component: shared state, header, routes, footer — the whole site map.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

use crate::api::{self, IndexStatus, Progress};
use crate::components::search_box::SearchBox;
use crate::components::status::{Footer, StatusBar};
use crate::prefs::Taste;
use crate::routes;

/// The application: shared state, header, routes, footer.
#[component]
pub fn App() -> impl IntoView {
    let status = RwSignal::new(IndexStatus::default());
    let taste = Taste::load();
    provide_context(status);
    provide_context(Progress::new(status));
    provide_context(taste);
    api::start(status);

    view! {
        <Router>
            <header class="site-header">
                <div class="bar">
                    <A href="/" attr:class="brand">
                        <span class="logo" aria-hidden="true">"▶"</span>
                        "Playlike"
                    </A>
                    <SearchBox/>
                    <nav class="nav">
                        <a href=move || taste.for_you_href() class="nav-link">
                            "For you"
                            <span class="count">{move || {
                                let n = taste.liked.with(Vec::len);
                                if n == 0 { String::new() } else { format!(" ({n})") }
                            }}</span>
                        </a>
                    </nav>
                </div>
                <StatusBar/>
            </header>
            <main class="page">
                <Routes fallback=|| view! { <routes::not_found::NotFound/> }>
                    <Route path=path!("/") view=routes::home::Home/>
                    <Route path=path!("/game/:igdb_id") view=routes::game::GamePage/>
                    <Route path=path!("/for-you") view=routes::for_you::ForYou/>
                </Routes>
            </main>
            <Footer/>
        </Router>
    }
}

/// Entry point used by `main.rs`: the app takes over the painted shell (see
/// [`components::shell`](crate::components::shell)).
pub fn mount() {
    console_error_panic_hook::set_once();
    crate::components::shell::take_over(|root| leptos::mount::mount_to(root, App).forget());
}
