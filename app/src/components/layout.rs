//! The page layout every page shares: skip link, header with the service name and navigation,
//! the main content area and the footer.

use leptos::prelude::*;
use leptos_router::components::A;

/// The service's name, as the header and page titles say it.
pub const SERVICE_NAME: &str = "Compassionate leadership";

/// Wraps a page in the shared header and footer.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let (menu_open, set_menu_open) = signal(false);
    // False while server-rendered and without JavaScript: the navigation then shows in full.
    // Once the wasm runs, small screens fold it behind the Menu button.
    let (enhanced, set_enhanced) = signal(false);
    Effect::new(move |_| set_enhanced.set(true));

    view! {
        <a class="skip-link" href="#main-content">"Skip to main content"</a>
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
                    <li><A href="/" exact=true>"The course"</A></li>
                    <li><A href="/tasters">"Taster sessions"</A></li>
                    <li><A href="/join">"Joining form"</A></li>
                </ul>
            </nav>
        </header>
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
                </ul>
            </div>
        </footer>
    }
}
