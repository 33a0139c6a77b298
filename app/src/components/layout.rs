//! The page layout every page shares: skip link, header with the service name and navigation,
//! the main content area and the footer.

use super::contact::CourseTeamEmail;
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
        {if is_course_team_page(&path) {
            view! { <CourseTeamHeader /> }.into_any()
        } else {
            view! { <SiteHeader path /> }.into_any()
        }}
        <main id="main-content" class="container main" tabindex="-1">
            {children()}
        </main>
        <footer class="site-footer">
            <div class="container">
                <p>"Compassionate leadership training is free for nurse advocates."</p>
                <p class="site-footer__contact">"Questions? Email the course team: " <CourseTeamEmail /></p>
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

/// Whether `path` is one of the course team's pages, which have their own navigation.
pub fn is_course_team_page(path: &str) -> bool {
    path == "/coordinator" || path.starts_with("/coordinator/")
}

/// Whether a menu link to `href` is the page at `path` (or a page below it).
pub fn is_current(href: &str, path: &str) -> bool {
    match href {
        "/" | "/coordinator" => path == href,
        _ => path == href || path.starts_with(&format!("{href}/")),
    }
}

/// The course team's header: the service name without the nurses' menu (the coordinators'
/// navigation is on each of their pages). An island like the public header, so it too marks
/// the page once the wasm runs.
#[island]
fn CourseTeamHeader() -> impl IntoView {
    let (enhanced, set_enhanced) = signal(false);
    Effect::new(move |_| set_enhanced.set(true));
    view! {
        <header class="site-header" class:enhanced=enhanced>
            <div class="container site-header__bar">
                <a class="site-header__name" href="/coordinator">
                    <span class="site-header__title">{SERVICE_NAME}</span>
                    <span class="site-header__tagline">"Course team"</span>
                </a>
                <a class="site-header__public" href="/">"View the public site"</a>
            </div>
        </header>
    }
}

/// The header: an island, because on small screens its Menu button folds the navigation once
/// the wasm runs. Server-rendered and without JavaScript the navigation shows in full.
#[island]
fn SiteHeader(path: String) -> impl IntoView {
    let (menu_open, set_menu_open) = signal(false);
    let (enhanced, set_enhanced) = signal(false);
    Effect::new(move |_| set_enhanced.set(true));
    let current = move |href: &str| is_current(href, &path).then_some("page");
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_menu_link_is_current_on_its_page_and_the_pages_below_it() {
        assert!(is_current("/", "/"));
        assert!(!is_current("/", "/tasters"));
        assert!(is_current("/tasters", "/tasters/4"));
        assert!(!is_current("/tasters", "/tasters-old"));
        assert!(is_current("/coordinator", "/coordinator"));
        assert!(!is_current("/coordinator", "/coordinator/cohorts"));
        assert!(is_current("/coordinator/emails", "/coordinator/emails/new"));
    }

    #[test]
    fn the_course_teams_pages_are_told_apart_from_the_public_ones() {
        assert!(is_course_team_page("/coordinator"));
        assert!(is_course_team_page("/coordinator/login"));
        assert!(!is_course_team_page("/coordinators"));
        assert!(!is_course_team_page("/join"));
    }
}
