//! The page layout every page shares: skip link, header with the service name and navigation,
//! the main content area and the footer.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The service's name, as the header and page titles say it.
pub const SERVICE_NAME: &str = "Compassionate leadership";

/// Wraps a page in the shared header and footer.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let path = use_location().pathname.get_untracked();
    view! {
        <a class="skip-link" href="#main-content">"Skip to main content"</a>
        <SiteHeader path />
        <main id="main-content" class="container main" tabindex="-1">
            {children()}
        </main>
        <footer class="site-footer">
            <div class="container">
                <p>"Compassionate leadership training is free for nurse advocates."</p>
                <ul class="site-footer__links">
                    <li><a href="/">"The course"</a></li>
                    <li><a href="/tasters">"Taster sessions"</a></li>
                    <li><a href="/join">"Joining form"</a></li>
                    <li><a href="/programme-outline.pdf">"Programme outline (PDF)"</a></li>
                    <li><a href="/privacy">"Privacy notice"</a></li>
                    <li><a href="/coordinator">"Course team"</a></li>
                </ul>
            </div>
        </footer>
    }
}

/// The header: an island, because on small screens its Menu button folds the navigation once
/// the wasm runs. Server-rendered and without JavaScript the navigation shows in full.
#[island]
fn SiteHeader(path: String) -> impl IntoView {
    let (menu_open, set_menu_open) = signal(false);
    let (enhanced, set_enhanced) = signal(false);
    Effect::new(move |_| set_enhanced.set(true));
    let current = move |href: &str| {
        let here = if href == "/" { path == "/" } else { path == href || path.starts_with(&format!("{href}/")) };
        here.then_some("page")
    };
    view! {
        <header class="site-header" class:enhanced=enhanced>
            <div class="container site-header__bar">
                <a class="site-header__name" href="/">
                    <span class="site-header__title">{SERVICE_NAME}</span>
                    <span class="site-header__tagline">"Free courses for nurse advocates"</span>
                </a>
                <button
                    type="button"
                    class="site-header__menu"
                    aria-controls="site-nav"
                    aria-expanded=move || menu_open.get().to_string()
                    on:click=move |_| set_menu_open.update(|open| *open = !*open)
                >
                    "Menu"
                </button>
            </div>
            <nav id="site-nav" class="site-nav" class:open=menu_open aria-label="Main">
                <ul class="container site-nav__list">
                    <li><a href="/" aria-current=current("/")>"The course"</a></li>
                    <li><a href="/tasters" aria-current=current("/tasters")>"Taster sessions"</a></li>
                    <li><a href="/join" aria-current=current("/join")>"Joining form"</a></li>
                </ul>
            </nav>
        </header>
    }
}
