//! `/coordinator/login`: the coordinators' sign-in.

use super::DoneBanner;
use crate::components::error_summary::ErrorSummary;
use crate::components::title::Title;
use crate::functions::coordinator::get_login_page;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The sign-in page.
#[component]
pub fn LoginPage() -> impl IntoView {
    let next = use_query_map().with_untracked(|q| q.get("next")).unwrap_or_default();
    let page = Resource::new(|| (), |_| get_login_page());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let next = next.clone();
                Suspend::new(async move {
                    let data = page.await.ok();
                    let draft = data.as_ref().and_then(|d| d.draft.clone()).unwrap_or_default();
                    let signed_in = data.and_then(|d| d.signed_in);
                    let has_error = !draft.error.is_empty();
                    let lines = if has_error { vec![("email".to_string(), draft.error.clone())] } else { vec![] };
                    let title = if has_error { "Error: Sign in – Compassionate leadership" } else { "Sign in – Compassionate leadership" };
                    view! {
                        <Title text=title />
                        <ErrorSummary lines=Signal::derive(move || lines.clone()) />
                        <DoneBanner messages=&[("signed-out", "You have signed out.")] />
                        <h1>"Sign in"</h1>
                        {signed_in.map(|user| view! {
                            <div class="notice"><p>{format!("You are signed in as {}. ", user.name)}<a href="/coordinator">"Go to the dashboard"</a></p></div>
                        })}
                        <p>"For the course team. Applicants do not need an account."</p>
                        <form method="post" action="/coordinator/login" class="narrow-form">
                            <input type="hidden" name="next" value=next />
                            <div class="form-group" class:form-group--error=has_error>
                                <label class="label" for="email">"Email address"</label>
                                {has_error.then(|| view! {
                                    <p class="error-message" id="email-error"><span class="visually-hidden">"Error: "</span>{draft.error.clone()}</p>
                                })}
                                <input class="input" id="email" name="email" type="email" autocomplete="username" spellcheck="false"
                                    value=draft.email.clone() aria-describedby=has_error.then_some("email-error") />
                            </div>
                            <div class="form-group">
                                <label class="label" for="password">"Password"</label>
                                <input class="input" id="password" name="password" type="password" autocomplete="current-password" />
                            </div>
                            <button type="submit" class="button">"Sign in"</button>
                        </form>
                    }
                })
            }}
        </Suspense>
    }
}
