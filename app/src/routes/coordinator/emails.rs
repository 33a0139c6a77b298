//! Emails for coordinators: every message sent to applicants with how its delivery went
//! (filters, search, and sending a failed one again), and writing to a cohort or its waiting
//! list, with a preview and the number of recipients before anything is sent.

use super::{gate, CoordinatorNav, DoneBanner};
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::{Radios, Select, TextArea, TextInput};
use crate::components::title::Title;
use crate::functions::coordinator::{get_emails, get_write_page, GroupMessageDraft};
use crate::models::{DeliveryState, EmailFilter, EmailRow, MessageKind};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The emails table.
#[component]
pub fn EmailsPage() -> impl IntoView {
    let filter = use_query_map().with_untracked(|q| EmailFilter {
        state: q.get("state").filter(|s| !s.is_empty()),
        kind: q.get("kind").filter(|s| !s.is_empty()),
        q: q.get("q").filter(|s| !s.is_empty()),
    });
    let data = Resource::new(|| (), {
        let filter = filter.clone();
        move |_| get_emails(filter.clone())
    });
    view! {
        <Title text="Emails – Coordinators – Compassionate leadership" />
        <CoordinatorNav />
        <h1>"Emails"</h1>
        <DoneBanner messages=&[
            ("retried", "The email will be sent again in a moment."),
            ("sent", "Your message is on its way to everyone in the group. Each copy is listed below."),
        ] />
        <p><a class="button button--secondary" href="/coordinator/emails/new">"Write to a cohort or waiting list"</a></p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let filter = filter.clone();
                Suspend::new(async move {
                    gate(data.await, |d| {
                        let count = d.rows.len();
                        view! {
                            {(d.failed > 0).then(|| view! {
                                <div class="notice notice--warning" role="status">
                                    <p>{format!("{} email{} could not be delivered. Each shows the mail server’s answer; send it again once the problem is put right.", d.failed, if d.failed == 1 { "" } else { "s" })}</p>
                                </div>
                            })}
                            <form method="get" action="/coordinator/emails" class="filters">
                                <div class="form-group">
                                    <label class="label" for="q">"Search"</label>
                                    <div class="hint" id="q-hint">"Part of a name, email address or reference"</div>
                                    <input class="input" id="q" name="q" type="search" aria-describedby="q-hint" value=filter.q.clone().unwrap_or_default() />
                                </div>
                                <div class="form-group">
                                    <label class="label" for="state">"Delivery"</label>
                                    <select class="select" id="state" name="state">
                                        <option value="">"Any"</option>
                                        {DeliveryState::ALL.into_iter().map(|s| view! {
                                            <option value=s.as_str() selected=filter.state.as_deref() == Some(s.as_str())>{s.label()}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="form-group">
                                    <label class="label" for="kind">"Email"</label>
                                    <select class="select" id="kind" name="kind">
                                        <option value="">"Every kind"</option>
                                        {MessageKind::ALL.into_iter().map(|k| view! {
                                            <option value=k.as_str() selected=filter.kind.as_deref() == Some(k.as_str())>{k.label()}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                                <button type="submit" class="button button--secondary">"Show emails"</button>
                            </form>
                            <p role="status">
                                {format!("{count} email{}", if count == 1 { "" } else { "s" })}
                                {(d.undelivered > 0).then(|| format!(" · {} on the way", d.undelivered))}
                            </p>
                            {if count == 0 {
                                view! { <p>"No emails match. Emails appear here as applicants apply and their applications change."</p> }.into_any()
                            } else {
                                view! { <EmailTable rows=d.rows with_recipient=true /> }.into_any()
                            }}
                        }
                        .into_any()
                    })
                })
            }}
        </Suspense>
    }
}

/// Emails as a table (cards on a phone); `with_recipient` adds who each went to.
#[component]
pub fn EmailTable(rows: Vec<EmailRow>, with_recipient: bool) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table table--stack">
                <thead><tr>
                    <th scope="col">"Email"</th>
                    {with_recipient.then(|| view! { <th scope="col">"To"</th> })}
                    <th scope="col">"Queued"</th>
                    <th scope="col">"Delivery"</th>
                    <th scope="col">"Answer"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|e| {
                        let failed = e.state == DeliveryState::Failed;
                        let id = e.id;
                        view! {
                            <tr>
                                <th scope="row" data-label="Email">{e.kind.label()}</th>
                                {with_recipient.then(|| view! {
                                    <td data-label="To">
                                        {match (e.application_id, e.reference.clone()) {
                                            (Some(app), Some(reference)) => view! { <a href=format!("/coordinator/applications/{app}")>{reference}</a> " " }.into_any(),
                                            _ => ().into_any(),
                                        }}
                                        {e.to_name.clone().unwrap_or_else(|| "(erased)".into())}
                                        <br /><span class="hint">{e.to_email.clone().unwrap_or_default()}</span>
                                    </td>
                                })}
                                <td data-label="Queued">{e.queued_uk.clone()}</td>
                                <td data-label="Delivery">
                                    <strong class=format!("tag tag--email-{}", e.state.as_str())>{e.state.label()}</strong>
                                    {e.sent_uk.clone().map(|t| view! { <br /><span class="hint">{t}</span> })}
                                    {(e.attempts > 1).then(|| view! { <br /><span class="hint">{format!("{} attempts", e.attempts)}</span> })}
                                </td>
                                <td data-label="Answer">
                                    {e.last_error.clone().unwrap_or_default()}
                                    {failed.then(|| view! {
                                        <form method="post" action=format!("/coordinator/emails/{id}/retry")>
                                            <button type="submit" class="button button--secondary button--small">"Send again"</button>
                                        </form>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The form's fields in the order they appear: the error summary lists problems in this order.
const FIELDS: [&str; 4] = ["audience", "cohort_id", "subject", "body"];

/// Writing to a cohort or its waiting list: the form, then its preview with the number of
/// recipients, then sending.
#[component]
pub fn WriteMessagePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_write_page());
    view! {
        <CoordinatorNav />
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                gate(data.await, |d| {
                    let draft = d.draft.unwrap_or_else(|| GroupMessageDraft { audience: "cohort".into(), ..Default::default() });
                    let lines: Vec<(String, String)> = FIELDS
                        .iter()
                        .filter_map(|f| draft.errors.get(*f).map(|m| (f.to_string(), m.clone())))
                        .collect();
                    let errors = draft.errors.clone();
                    let error = move |field: &str| Signal::stored(errors.get(field).cloned());
                    let title = if lines.is_empty() { "Write to a group – Coordinators – Compassionate leadership" } else { "Error: Write to a group – Coordinators – Compassionate leadership" };
                    let preview = draft.preview.clone();
                    let hidden = draft.clone();
                    view! {
                        <Title text=title />
                        <ErrorSummary lines=Signal::derive(move || lines.clone()) />
                        {match preview {
                            Some(p) => view! {
                                <h1>"Check your message before you send it"</h1>
                                <div class="panel panel--plain">
                                    <p class="lead"><strong>{format!("It goes to {} {} — {}.", p.recipients, if p.recipients == 1 { "person" } else { "people" }, p.group)}</strong></p>
                                    <p>"Each person gets their own copy, with their name and their status link."</p>
                                </div>
                                <h2>"Subject"</h2>
                                <p>{p.subject.clone()}</p>
                                <h2>"Message"</h2>
                                <pre class="email-preview">{p.text.clone()}</pre>
                                <form method="post" action="/coordinator/emails/send" class="button-group">
                                    <input type="hidden" name="audience" value=hidden.audience.clone() />
                                    <input type="hidden" name="cohort_id" value=hidden.cohort_id.clone() />
                                    <input type="hidden" name="subject" value=hidden.subject.clone() />
                                    <input type="hidden" name="body" value=hidden.body.clone() />
                                    <button type="submit" class="button">{format!("Send to {} {}", p.recipients, if p.recipients == 1 { "person" } else { "people" })}</button>
                                </form>
                                <h2>"Change something"</h2>
                            }.into_any(),
                            None => view! { <h1>"Write to a cohort or waiting list"</h1> }.into_any(),
                        }}
                        <form method="post" action="/coordinator/emails/preview" class="narrow-form" novalidate>
                            <Radios id="audience" name="audience" legend="Who is it for?"
                                options=vec![
                                    ("cohort".into(), "Everyone with a place on the cohort".into(), None),
                                    ("waiting".into(), "Everyone on the cohort’s waiting list".into(), None),
                                ]
                                selected=draft.audience.clone() error=error("audience") />
                            <Select id="cohort_id" label="Cohort".to_string()
                                options=std::iter::once((String::new(), "Choose a cohort".to_string()))
                                    .chain(d.cohorts.iter().map(|(id, name, allocated, waiting)| {
                                        (id.to_string(), format!("{name} ({allocated} with a place, {waiting} waiting)"))
                                    }))
                                    .collect()
                                selected=draft.cohort_id.clone() error=error("cohort_id") />
                            <TextInput id="subject" label="Subject" value=draft.subject.clone() error=error("subject")
                                hint="After “Compassionate leadership course:”, for example “joining details for 5 January”. Nothing personal: the subject is seen in inbox lists." />
                            <TextArea id="body" label="Message" value=draft.body.clone() error=error("body")
                                hint="Leave a blank line between paragraphs. Each copy starts with the person’s name and ends with their status link." />
                            <button type="submit" class="button button--secondary">"Preview the message"</button>
                        </form>
                        <p><a class="link-standalone" href="/coordinator/emails">"Back to emails"</a></p>
                    }
                    .into_any()
                })
            })}
        </Suspense>
    }
}
