//! Applications for coordinators: a table with filters, search and sorting (cards on a phone),
//! CSV export of what it shows, and each application's page with its actions.

use super::{gate, CoordinatorNav, DoneBanner};
use crate::components::pagination::{grouped, page_count, Pagination};
use crate::components::title::Title;
use crate::domain::allocation::AllocationState;
use crate::domain::application::nurse_advocate_words;
use crate::functions::coordinator::{get_application, get_applications};
use crate::models::ApplicationFilter;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The filter in the address bar.
fn filter_from_query() -> ApplicationFilter {
    use_query_map().with_untracked(|q| ApplicationFilter {
        cohort: q.get("cohort").and_then(|c| c.parse().ok()),
        state: q.get("state").filter(|s| !s.is_empty()),
        q: q.get("q").filter(|s| !s.is_empty()),
        sort: q.get("sort").filter(|s| !s.is_empty()),
        dir: q.get("dir").filter(|s| !s.is_empty()),
        page: q.get("page").and_then(|p| p.parse().ok()),
    })
}

fn query_string(filter: &ApplicationFilter) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(c) = filter.cohort {
        query.append_pair("cohort", &c.to_string());
    }
    for (key, value) in [("state", &filter.state), ("q", &filter.q), ("sort", &filter.sort), ("dir", &filter.dir)] {
        if let Some(v) = value {
            query.append_pair(key, v);
        }
    }
    if let Some(page) = filter.page {
        query.append_pair("page", &page.to_string());
    }
    query.finish()
}

/// What the table shows of how many: "26,960 applications · showing 101 to 200".
fn showing(total: i64, page: u32, page_size: u32, on_page: usize) -> String {
    let noun = if total == 1 { "application" } else { "applications" };
    let first = i64::from(page.max(1) - 1) * i64::from(page_size) + 1;
    let last = first + on_page as i64 - 1;
    if on_page as i64 >= total {
        format!("{} {noun}", grouped(total))
    } else {
        format!("{} {noun} · showing {} to {}", grouped(total), grouped(first), grouped(last))
    }
}

/// The applications table.
#[component]
pub fn ApplicationsPage() -> impl IntoView {
    let filter = filter_from_query();
    let data = Resource::new(|| (), {
        let filter = filter.clone();
        move |_| get_applications(filter.clone())
    });
    // The spreadsheet has every page.
    let csv =
        format!("/coordinator/applications.csv?{}", query_string(&ApplicationFilter { page: None, ..filter.clone() }));
    view! {
        <Title text="Applications – Coordinators – Compassionate leadership" />
        <CoordinatorNav />
        <h1>"Applications"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let filter = filter.clone();
                let csv = csv.clone();
                Suspend::new(async move {
                    gate(data.await, |d| {
                        let shown = showing(d.total, d.page, d.page_size, d.rows.len());
                        let pages = page_count(d.total, d.page_size);
                        let page_href = {
                            let filter = filter.clone();
                            move |page: u32| format!("/coordinator/applications?{}", query_string(&ApplicationFilter { page: Some(page), ..filter.clone() }))
                        };
                        view! {
                            <form method="get" action="/coordinator/applications" class="filters">
                                <div class="form-group">
                                    <label class="label" for="q">"Search"</label>
                                    <div class="hint" id="q-hint">"Part of a name, email address or reference"</div>
                                    <input class="input" id="q" name="q" type="search" aria-describedby="q-hint" value=filter.q.clone().unwrap_or_default() />
                                </div>
                                <div class="form-group">
                                    <label class="label" for="cohort">"Cohort"</label>
                                    <select class="select" id="cohort" name="cohort">
                                        <option value="">"All cohorts"</option>
                                        {d.cohorts.iter().map(|(id, name)| view! {
                                            <option value=id.to_string() selected=filter.cohort == Some(*id)>{name.clone()}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="form-group">
                                    <label class="label" for="state">"Status"</label>
                                    <select class="select" id="state" name="state">
                                        <option value="">"Any status"</option>
                                        {AllocationState::ALL.into_iter().map(|s| view! {
                                            <option value=s.as_str() selected=filter.state.as_deref() == Some(s.as_str())>{s.label()}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="form-group">
                                    <label class="label" for="sort">"Order by"</label>
                                    <select class="select" id="sort" name="sort">
                                        {[("submitted", "Date applied"), ("eligible", "Date eligible"), ("name", "Name"), ("state", "Status"), ("reference", "Reference")]
                                            .into_iter()
                                            .map(|(value, label)| view! { <option value=value selected=filter.sort.as_deref().unwrap_or("submitted") == value>{label}</option> })
                                            .collect_view()}
                                    </select>
                                </div>
                                <div class="form-group">
                                    <label class="label" for="dir">"Direction"</label>
                                    <select class="select" id="dir" name="dir">
                                        <option value="desc" selected=filter.dir.as_deref() != Some("asc")>"Newest or last first"</option>
                                        <option value="asc" selected=filter.dir.as_deref() == Some("asc")>"Oldest or first first"</option>
                                    </select>
                                </div>
                                <button type="submit" class="button button--secondary">"Show applications"</button>
                            </form>
                            <p role="status">{shown} " · "
                                <a href=csv download>"Download these as a spreadsheet (CSV)"</a>
                            </p>
                            <div class="table-wrap">
                                <table class="table table--stack">
                                    <thead><tr>
                                        <th scope="col">"Reference"</th><th scope="col">"Name"</th><th scope="col">"Work email"</th>
                                        <th scope="col">"Nurse advocate"</th><th scope="col">"Status"</th><th scope="col">"Cohort"</th><th scope="col">"Applied"</th>
                                    </tr></thead>
                                    <tbody>
                                        {d.rows.into_iter().map(|r| view! {
                                            <tr>
                                                <th scope="row" data-label="Reference"><a href=format!("/coordinator/applications/{}", r.id)>{r.reference.clone()}</a></th>
                                                <td data-label="Name">{r.name.clone()}</td>
                                                <td data-label="Work email">{r.email.clone()}</td>
                                                <td data-label="Nurse advocate">{nurse_advocate_words(&r.nurse_advocate)}</td>
                                                <td data-label="Status"><strong class=format!("tag tag--{}", r.state.as_str())>{r.state.label()}</strong></td>
                                                <td data-label="Cohort">{r.cohort_name.clone().unwrap_or_default()}</td>
                                                <td data-label="Applied">{r.submitted_uk.clone()}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <Pagination page=d.page pages=pages href=page_href label="Pages of applications" />
                        }
                        .into_any()
                    })
                })
            }}
        </Suspense>
    }
}

/// One application, with its actions.
#[component]
pub fn ApplicationPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0);
    let data = Resource::new(id, get_application);
    view! {
        <Title text="Application – Coordinators – Compassionate leadership" />
        <CoordinatorNav />
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                gate(data.await, |d| {
                    let detail = d.detail;
                    let id = detail.id;
                    let state = detail.row.state;
                    let status_link = format!("/status/{}", detail.status.status_token);
                    view! {
                        <DoneBanner messages=&[
                            ("attendance-confirmed", "Attendance confirmed."),
                            ("withdrawn", "Application withdrawn. Any place it held has been offered to the next in line."),
                            ("moved", "Moved to the other cohort. The place it left has been offered to the next in line."),
                            ("link-sent", "The status link is on its way to the applicant’s work email."),
                            ("note-added", "Note added."),
                            ("erased", "This person’s personal data has been erased. The application’s reference and its place in the counts remain."),
                        ] />
                        {detail.erased_uk.clone().map(|at| view! {
                            <div class="notice" role="status"><p>{format!("Personal data erased on {at}.")}</p></div>
                        })}
                        {d.problem.map(|p| view! { <div class="notice notice--warning" role="alert"><p>{p}</p></div> })}
                        <span class="caption">{detail.row.reference.clone()}</span>
                        <h1>{detail.row.name.clone()}</h1>
                        <dl class="summary-list">
                            <div class="summary-list__row"><dt>"Status"</dt><dd><strong class=format!("tag tag--{}", state.as_str())>{state.label()}</strong></dd></div>
                            <div class="summary-list__row"><dt>"Cohort"</dt><dd>{detail.row.cohort_name.clone().unwrap_or_else(|| "None".into())}</dd></div>
                            <div class="summary-list__row"><dt>"Queue"</dt><dd>{if detail.status.positions.is_empty() { "Not waiting".to_string() } else {
                                detail.status.positions.iter().map(|p| format!("{} for {}", crate::components::outcome::ordinal(p.position), p.cohort_name)).collect::<Vec<_>>().join("; ")
                            }}</dd></div>
                            <div class="summary-list__row"><dt>"Choices"</dt><dd>{if detail.status.choices.is_empty() { "Any cohort".to_string() } else { detail.status.choices.join(", then ") }}</dd></div>
                            <div class="summary-list__row"><dt>"Work email"</dt><dd>{detail.row.email.clone()}</dd></div>
                            <div class="summary-list__row"><dt>"Job title"</dt><dd>{detail.job_title.clone()}</dd></div>
                            <div class="summary-list__row"><dt>"Employer"</dt><dd>{detail.row.employer.clone()}</dd></div>
                            <div class="summary-list__row"><dt>"Nurse advocate"</dt><dd>{nurse_advocate_words(&detail.row.nurse_advocate)}</dd></div>
                            <div class="summary-list__row"><dt>"Access needs"</dt><dd>{if detail.access_needs.is_empty() { "None given".to_string() } else { detail.access_needs.clone() }}</dd></div>
                            <div class="summary-list__row"><dt>"Applied"</dt><dd>{detail.row.submitted_uk.clone()}</dd></div>
                            <div class="summary-list__row"><dt>"Eligible"</dt><dd>{detail.row.eligible_uk.clone().unwrap_or_else(|| "Not yet".into())}</dd></div>
                            <div class="summary-list__row"><dt>"Status page"</dt><dd><a href=status_link>"The applicant’s status page"</a></dd></div>
                        </dl>
                        <h2>"Attendance"</h2>
                        {if detail.attendance.is_empty() {
                            view! { <p>"No attendance confirmed yet."</p> }.into_any()
                        } else {
                            view! { <ul>{detail.attendance.iter().map(|a| view! {
                                <li>{format!("{} — {} on {}{}", a.taster_when_uk, a.source, a.confirmed_uk, a.confirmed_by.as_ref().map(|b| format!(" by {b}")).unwrap_or_default())}</li>
                            }).collect_view()}</ul> }.into_any()
                        }}
                        {state.is_active().then(|| view! {
                            <form method="post" action=format!("/coordinator/applications/{id}/attendance") class="action-form">
                                <label class="label" for="taster">"Confirm attendance at"</label>
                                <select class="select" id="taster" name="taster_session_id">
                                    {d.tasters.iter().map(|t| view! { <option value=t.id.to_string() selected=detail.taster_session_id == Some(t.id)>{t.when_uk.clone()}</option> }).collect_view()}
                                </select>
                                <button type="submit" class="button">"Confirm attendance"</button>
                            </form>
                        })}
                        {(state == AllocationState::Allocated && d.move_targets.is_empty()).then(|| view! {
                            <h2>"Move to another cohort"</h2>
                            <p>"There is no other cohort of this intake with a free place to move to."</p>
                        })}
                        {(state == AllocationState::Allocated && !d.move_targets.is_empty()).then(|| view! {
                            <h2>"Move to another cohort"</h2>
                            <p class="hint">"Only the other open cohorts of the same intake with a free place are listed. The place this application leaves goes to the next person waiting."</p>
                            <form method="post" action=format!("/coordinator/applications/{id}/move") class="action-form">
                                <label class="label" for="move-to">"Cohort to move to"</label>
                                <select class="select" id="move-to" name="cohort_id">
                                    {d.move_targets.iter().map(|(cid, name, left)| view! { <option value=cid.to_string()>{format!("{name} ({left} left)")}</option> }).collect_view()}
                                </select>
                                <button type="submit" class="button button--secondary">"Move"</button>
                            </form>
                        })}
                        {state.can_withdraw().then(|| view! {
                            <details class="details">
                                <summary>"Withdraw on the applicant’s behalf"</summary>
                                <p>"Only with the applicant’s agreement. Any place they hold goes to the next person waiting. This cannot be undone."</p>
                                <form method="post" action=format!("/coordinator/applications/{id}/withdraw")>
                                    <button type="submit" class="button button--warning">"Withdraw this application"</button>
                                </form>
                            </details>
                        })}
                        <h2>"Notes"</h2>
                        {if d.notes.is_empty() {
                            view! { <p>"No notes yet."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="note-list">
                                    {d.notes.iter().map(|n| view! {
                                        <li class="note">
                                            <p class="note__meta">{format!("{} · {}", n.by, n.written_uk)}</p>
                                            <p class="note__body">{n.body.clone()}</p>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                        {detail.erased_uk.is_none().then(|| view! {
                            <form method="post" action=format!("/coordinator/applications/{id}/notes") class="narrow-form">
                                <crate::components::fields::TextArea id="note" label="Add a note"
                                    hint="Only the course team sees notes, but the applicant can ask for everything held about them, notes included. Up to 2,000 characters."
                                    value=String::new() error=Signal::stored(None::<String>) />
                                <button type="submit" class="button button--secondary">"Add the note"</button>
                            </form>
                        })}
                        <h2>"Emails"</h2>
                        {if d.emails.is_empty() {
                            view! { <p>"No emails yet."</p> }.into_any()
                        } else {
                            view! { <crate::routes::coordinator::emails::EmailTable rows=d.emails.clone() with_recipient=false /> }.into_any()
                        }}
                        {detail.erased_uk.is_none().then(|| view! {
                            <form method="post" action=format!("/coordinator/applications/{id}/status-link")>
                                <button type="submit" class="button button--secondary">"Email the status link again"</button>
                            </form>
                        })}
                        <h2>"Personal data"</h2>
                        <p>"For a subject access request: everything held about this person, as one file. The download is recorded in the access log."</p>
                        <p><a class="link-standalone" href=format!("/coordinator/applications/{id}/data.json") download>"Download this person’s data (JSON file)"</a></p>
                        {(d.admin && detail.erased_uk.is_none()).then(|| view! {
                            <details class="details">
                                <summary>"Erase this person’s personal data"</summary>
                                <p>"Their name, work email, job title, employer and access needs are deleted for good, and the application is withdrawn first (any place it holds goes to the next person waiting). Only the reference and the dates remain. This cannot be undone."</p>
                                <form method="post" action=format!("/coordinator/applications/{id}/erase")>
                                    <crate::components::fields::TextArea id="reason" label="Reason for erasing"
                                        hint="For example, the person’s request by email on 3 December. Recorded in the audit log: nothing personal."
                                        value=String::new() error=Signal::stored(None::<String>) />
                                    <button type="submit" class="button button--warning">"Erase personal data"</button>
                                </form>
                            </details>
                        })}
                        <p><a class="link-standalone" href="/coordinator/applications">"Back to applications"</a></p>
                    }
                    .into_any()
                })
            })}
        </Suspense>
    }
}
