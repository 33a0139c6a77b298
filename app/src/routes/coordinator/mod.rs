//! The coordinators' pages, behind a sign-in. Each page loads through a server function that
//! checks the coordinator's role; its actions are plain form posts (`server/src/coordinator.rs`).

pub mod admin;
pub mod applications;
pub mod attendance;
pub mod audit;
pub mod cohorts;
pub mod dashboard;
pub mod emails;
pub mod login;
pub mod password;
pub mod privacy;
pub mod tasters;

use crate::errors::AppError;
use crate::functions::coordinator::get_me;
use crate::models::Role;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

/// Turns a coordinator page's load result into its view: the page itself, or the way to sign
/// in (a redirect while rendering on the server), or a refusal.
pub fn gate<T>(result: Result<T, AppError>, page: impl FnOnce(T) -> AnyView) -> AnyView {
    match result {
        Ok(data) => page(data),
        Err(AppError::Unauthorised) => view! { <SignInNeeded /> }.into_any(),
        Err(AppError::Forbidden) => {
            #[cfg(feature = "ssr")]
            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(axum::http::StatusCode::FORBIDDEN);
            }
            view! {
                <h1>"You do not have permission to see this page"</h1>
                <p>"Only an admin can see it. Ask an admin if you need it."</p>
                <p><a class="link-standalone" href="/coordinator">"Go to the dashboard"</a></p>
            }
            .into_any()
        }
        Err(AppError::NotFound(what)) => {
            #[cfg(feature = "ssr")]
            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(axum::http::StatusCode::NOT_FOUND);
            }
            view! { <h1>"Not found"</h1> <p>{what}</p> <p><a class="link-standalone" href="/coordinator">"Go to the dashboard"</a></p> }
                .into_any()
        }
        Err(error) => view! { <crate::components::load_error::LoadError error /> }.into_any(),
    }
}

#[component]
fn SignInNeeded() -> impl IntoView {
    let location = use_location();
    let next = format!("{}{}", location.pathname.get_untracked(), location.search.get_untracked());
    let href = format!(
        "/coordinator/login?{}",
        form_urlencoded::Serializer::new(String::new()).append_pair("next", &next).finish()
    );
    #[cfg(feature = "ssr")]
    {
        leptos_axum::redirect(&href);
        // The page's data said 401 first; the answer to a browser is the redirect.
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(axum::http::StatusCode::FOUND);
        }
    }
    let target = href.clone();
    Effect::new(move |_| {
        let _ = window().location().set_href(&target);
    });
    view! {
        <h1>"Sign in to continue"</h1>
        <p><a class="link-standalone" href=href>"Sign in as a coordinator"</a></p>
    }
}

/// The coordinators' navigation, with the admin pages for admins and a sign-out button.
#[component]
pub fn CoordinatorNav() -> impl IntoView {
    let me = Resource::new(|| (), |_| get_me());
    let path = use_location().pathname.get_untracked();
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let path = path.clone();
                Suspend::new(async move {
                me.await.ok().flatten().map(move |user| {
                    let admin = user.role == Role::Admin;
                    let link = move |href: &'static str, text: &'static str| {
                        let current = crate::components::layout::is_current(href, &path).then_some("page");
                        view! { <li><a href=href aria-current=current>{text}</a></li> }
                    };
                    view! {
                        <nav class="coordinator-nav" aria-label="Coordinators">
                            <ul class="coordinator-nav__list">
                                {link("/coordinator", "Dashboard")}
                                {link("/coordinator/tasters", "Taster sessions")}
                                {link("/coordinator/cohorts", "Cohorts")}
                                {link("/coordinator/applications", "Applications")}
                                {link("/coordinator/attendance", "Attendance")}
                                {link("/coordinator/emails", "Emails")}
                                {link("/coordinator/retention", "Retention")}
                                {admin.then(|| view! {
                                    {link("/coordinator/accounts", "Accounts")}
                                    {link("/coordinator/audit", "Audit log")}
                                    {link("/coordinator/access-log", "Access log")}
                                })}
                                {link("/coordinator/password", "Your password")}
                            </ul>
                            <form method="post" action="/coordinator/logout" class="coordinator-nav__signout">
                                <span class="coordinator-nav__who">{format!("Signed in as {}", user.name)}</span>
                                <button type="submit" class="button button--secondary button--small">"Sign out"</button>
                            </form>
                        </nav>
                    }
                })
            })}}
        </Suspense>
    }
}

/// A green or amber banner for `?done=…`, from the page's own list of messages.
#[component]
pub fn DoneBanner(messages: &'static [(&'static str, &'static str)]) -> impl IntoView {
    let done = use_query_map().with_untracked(|q| q.get("done")).unwrap_or_default();
    messages.iter().find(|(key, _)| *key == done).map(|(_, text)| {
        view! {
            <div class="notice notice--success" role="status">
                <p>{*text}</p>
            </div>
        }
    })
}
