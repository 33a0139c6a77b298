//! Admin pages: coordinator accounts, and the audit log (read-only, newest first).

use super::tasters::lines_for;
use super::{gate, CoordinatorNav, DoneBanner};
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::{Radios, TextInput};
use crate::functions::coordinator::{get_accounts, get_audit};
use crate::models::Role;
use leptos::prelude::*;
use crate::components::title::Title;
use leptos_router::hooks::use_query_map;

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
                    let lines = lines_for(&draft.errors);
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

/// The audit log.
#[component]
pub fn AuditPage() -> impl IntoView {
    let page =
        use_query_map().with_untracked(|q| q.get("page").and_then(|p| p.parse::<i64>().ok())).unwrap_or(0).max(0);
    let data = Resource::new(|| (), move |_| get_audit(page));
    view! {
        <Title text="Audit log – Coordinators – Compassionate leadership" />
        <CoordinatorNav />
        <h1>"Audit log"</h1>
        <p>"Every change made by a coordinator, newest first. It cannot be edited or deleted."</p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                gate(data.await, |rows| {
                    let full = rows.len() == 100;
                    view! {
                        <div class="table-wrap">
                            <table class="table table--stack audit">
                                <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th><th scope="col">"Before"</th><th scope="col">"After"</th></tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|r| view! {
                                        <tr>
                                            <th scope="row" data-label="When">{r.at_uk.clone()}</th>
                                            <td data-label="Who">{r.who.clone()}</td>
                                            <td data-label="What">{format!("{} · {}", r.action, r.subject)}</td>
                                            <td data-label="Before"><code class="json">{r.before.clone()}</code></td>
                                            <td data-label="After"><code class="json">{r.after.clone()}</code></td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <p class="pager">
                            {(page > 0).then(|| view! { <a href=format!("/coordinator/audit?page={}", page - 1)>"Newer"</a> " " })}
                            {full.then(|| view! { <a href=format!("/coordinator/audit?page={}", page + 1)>"Older"</a> })}
                        </p>
                    }
                    .into_any()
                })
            })}
        </Suspense>
    }
}
