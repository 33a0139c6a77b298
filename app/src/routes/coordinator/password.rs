//! `/coordinator/password`: a signed-in coordinator changes their own password (for example
//! the one-time password an admin gave them). Changing it signs out their other sessions.

use super::{gate, CoordinatorNav, DoneBanner};
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::TextInput;
use crate::components::title::Title;
use crate::domain::password_change::{summary_lines, MIN_PASSWORD_CHARS};
use crate::functions::coordinator::get_password_page;
use leptos::prelude::*;

const TITLE: &str = "Change your password – Coordinators – Compassionate leadership";

/// The change-password page.
#[component]
pub fn PasswordPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_password_page());
    view! {
        <CoordinatorNav />
        <Suspense fallback=|| view! { <Title text=TITLE /> <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                gate(data.await, |d| {
                    let lines = summary_lines(&d.errors);
                    let title = if lines.is_empty() { TITLE.to_string() } else { format!("Error: {TITLE}") };
                    let error = |field: &str| {
                        let message = d.errors.get(field).cloned();
                        Signal::derive(move || message.clone())
                    };
                    view! {
                        <Title text=title />
                        <ErrorSummary lines=Signal::derive(move || lines.clone()) />
                        <DoneBanner messages=&[(
                            "changed",
                            "Your password has been changed. Anywhere else you were signed in, you have been signed out.",
                        )] />
                        <h1>"Change your password"</h1>
                        <p>{format!("For your account, {}.", d.email)}</p>
                        <form method="post" action="/coordinator/password" class="narrow-form" novalidate>
                            <TextInput id="current-password" label="Current password" value="" error=error("current_password")
                                input_type="password" autocomplete="current-password" />
                            <TextInput id="new-password" label="New password" value="" error=error("new_password")
                                hint=format!("At least {MIN_PASSWORD_CHARS} characters. A few unrelated words make a strong password that is easy to remember.")
                                input_type="password" autocomplete="new-password" />
                            <TextInput id="confirm-password" label="New password again" value="" error=error("confirm_password")
                                input_type="password" autocomplete="new-password" />
                            <button type="submit" class="button">"Change password"</button>
                        </form>
                    }
                    .into_any()
                })
            })}
        </Suspense>
    }
}
