//! Admin pages: coordinator accounts (the audit log is `audit.rs`).

use super::tasters::lines_for;
use super::{gate, CoordinatorNav, DoneBanner};
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::{Radios, TextInput};
use crate::components::title::Title;
use crate::functions::coordinator::get_accounts;
use crate::models::Role;
use leptos::prelude::*;

/// Coordinator accounts: add one, disable or enable one.
#[component]
pub fn AccountsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_accounts());
    view! {
        <Title text="Accounts – Coordinators – Compassionate leadership" />
        <CoordinatorNav />
        <h1>"Coordinator accounts"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                gate(data.await, |d| {
                    let draft = d.draft.clone().unwrap_or_default();
                    let lines = lines_for(&draft.errors, &["name", "email", "role"]);
                    let error = |field: &str| {
                        let m = draft.errors.get(field).cloned();
                        Signal::derive(move || m.clone())
                    };
                    view! {
                        <ErrorSummary lines=Signal::derive(move || lines.clone()) />
                        <DoneBanner messages=&[
                            ("disabled", "Account disabled. Its sessions have ended."),
                            ("enabled", "Account enabled."),
                            ("not-yourself", "You cannot disable your own account."),
                        ] />
                        {d.created_password.map(|p| view! {
                            <div class="panel panel--left" role="status">
                                <h2 class="panel__title">"Account added"</h2>
                                <p>"Give them this password in person or by phone. It is shown only once. After signing in they choose their own under “Your password”."</p>
                                <p class="reference"><code>{p}</code></p>
                            </div>
                        })}
                        <div class="table-wrap">
                            <table class="table table--stack">
                                <thead><tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Account"</th></tr></thead>
                                <tbody>
                                    {d.accounts.into_iter().map(|a| {
                                        let id = a.user.id;
                                        view! {
                                            <tr>
                                                <th scope="row" data-label="Name">{a.user.name.clone()}</th>
                                                <td data-label="Email">{a.user.email.clone()}</td>
                                                <td data-label="Role">{if a.user.role == Role::Admin { "Admin" } else { "Coordinator" }}</td>
                                                <td data-label="Account">{if id == d.me { view! { <span>"You"</span> }.into_any() } else {
                                                    view! {
                                                        <form method="post" action=format!("/coordinator/accounts/{id}/{}", if a.disabled { "enable" } else { "disable" })>
                                                            <button type="submit" class="button button--secondary button--small">
                                                                {if a.disabled { "Enable" } else { "Disable" }}<span class="visually-hidden">{format!(" {}", a.user.name)}</span>
                                                            </button>
                                                        </form>
                                                    }.into_any()
                                                }}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <h2>"Add an account"</h2>
                        <form method="post" action="/coordinator/accounts" class="narrow-form" novalidate>
                            <TextInput id="name" label="Full name" value=draft.form.name.clone() error=error("name") />
                            <TextInput id="email" label="Work email address" value=draft.form.email.clone() error=error("email") input_type="email" spellcheck=false />
                            <Radios id="role" name="role" legend="Role" selected=draft.form.role.clone() error=error("role") options=vec![
                                ("coordinator".to_string(), "Coordinator".to_string(), Some("Runs taster sessions, cohorts, applications and attendance.".to_string())),
                                ("admin".to_string(), "Admin".to_string(), Some("Also manages accounts and reads the audit log.".to_string())),
                            ] />
                            <button type="submit" class="button">"Add the account"</button>
                        </form>
                    }
                    .into_any()
                })
            })}
        </Suspense>
    }
}
