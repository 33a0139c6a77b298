//! `/coordinator/audit` (admins): the audit log as people read it — who did what to which
//! application, with the values before and after in words — coordinators' actions, and what
//! applicants and enrol itself did. Filters (who, what, when, application) and search are in
//! the address bar, so a view can be shared and works without JavaScript.

use super::{gate, CoordinatorNav};
use crate::components::title::Title;
use crate::functions::coordinator::get_audit;
use crate::models::AuditFilter;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// What the "What" filter offers: coordinators' actions and the workflow's events.
const KINDS: [(&str, &str); 20] = [
    ("application_submitted", "Applied"),
    ("attendance_confirmed", "Attendance confirmed"),
    ("allocated", "Given a place"),
    ("waiting", "Put on the waiting list"),
    ("offer_made", "Offered a freed place"),
    ("offer_lapsed", "Offer lapsed"),
    ("declined", "Declined an offer"),
    ("withdrawn", "Withdrew (applicant)"),
    ("application.withdraw", "Withdrew on the applicant’s behalf"),
    ("application.confirm_attendance", "Confirmed attendance by hand"),
    ("application.move", "Moved to another cohort"),
    ("application.note", "Added a note"),
    ("application.erase", "Erased personal data"),
    ("application.send_status_link", "Sent the status link again"),
    ("attendance.import", "Uploaded a Zoom report"),
    ("cohort.create", "Created a cohort"),
    ("cohort.edit", "Changed a cohort"),
    ("taster.create", "Added a taster session"),
    ("taster.cancel", "Cancelled a taster session"),
    ("taster.regenerate_code", "Replaced an attendance code"),
];

/// Who the "Who" filter offers.
const WHO: [(&str, &str); 3] =
    [("coordinator", "Coordinators"), ("applicant", "Applicants"), ("system", "enrol, automatically")];

fn filter_from_query() -> AuditFilter {
    use_query_map().with_untracked(|q| {
        let text = |key: &str| q.get(key).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        AuditFilter {
            who: text("who"),
            what: text("what"),
            from: text("from"),
            to: text("to"),
            q: text("q"),
            page: q.get("page").and_then(|p| p.parse::<i64>().ok()).unwrap_or(0).clamp(0, 10_000),
        }
    })
}

/// The address of `filter` at `page`.
fn page_link(filter: &AuditFilter, page: i64) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (key, value) in
        [("who", &filter.who), ("what", &filter.what), ("from", &filter.from), ("to", &filter.to), ("q", &filter.q)]
    {
        if let Some(v) = value {
            query.append_pair(key, v);
        }
    }
    query.append_pair("page", &page.to_string());
    format!("/coordinator/audit?{}", query.finish())
}

/// The audit log.
#[component]
pub fn AuditPage() -> impl IntoView {
    let filter = filter_from_query();
    let data = Resource::new(|| (), {
        let filter = filter.clone();
        move |_| get_audit(filter.clone())
    });
    view! {
        <Title text="Audit log – Coordinators – Compassionate leadership" />
        <CoordinatorNav />
        <h1>"Audit log"</h1>
        <p>"Who did what to which application, newest first: the course team’s actions, applicants’ own (applying, declining, withdrawing) and enrol’s (places given, offers made and lapsed). It cannot be edited or deleted."</p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let filter = filter.clone();
                Suspend::new(async move {
                    gate(data.await, |(lines, more)| {
                        let count = lines.len();
                        let page = filter.page;
                        view! {
                            <form method="get" action="/coordinator/audit" class="filters">
                                <div class="form-group">
                                    <label class="label" for="q">"Search"</label>
                                    <div class="hint" id="q-hint">"A reference, a name or words of what happened"</div>
                                    <input class="input" id="q" name="q" type="search" aria-describedby="q-hint" value=filter.q.clone().unwrap_or_default() />
                                </div>
                                <div class="form-group">
                                    <label class="label" for="who">"Who"</label>
                                    <select class="select" id="who" name="who">
                                        <option value="">"Anyone"</option>
                                        {WHO.iter().map(|(value, label)| view! {
                                            <option value=*value selected=filter.who.as_deref() == Some(*value)>{*label}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="form-group">
                                    <label class="label" for="what">"What"</label>
                                    <select class="select" id="what" name="what">
                                        <option value="">"Anything"</option>
                                        {KINDS.iter().map(|(value, label)| view! {
                                            <option value=*value selected=filter.what.as_deref() == Some(*value)>{*label}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="form-group">
                                    <label class="label" for="from">"From (UK date)"</label>
                                    <input class="input input--width-10" id="from" name="from" type="date" value=filter.from.clone().unwrap_or_default() />
                                </div>
                                <div class="form-group">
                                    <label class="label" for="to">"To (UK date)"</label>
                                    <input class="input input--width-10" id="to" name="to" type="date" value=filter.to.clone().unwrap_or_default() />
                                </div>
                                <button type="submit" class="button button--secondary">"Show entries"</button>
                            </form>
                            {if count == 0 {
                                view! { <p role="status">"Nothing in the log matches these filters."</p> }.into_any()
                            } else {
                                view! {
                                    <div class="table-wrap">
                                        <table class="table table--stack audit">
                                            <thead><tr>
                                                <th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th>
                                                <th scope="col">"Application"</th><th scope="col">"Changes"</th>
                                            </tr></thead>
                                            <tbody>
                                                {lines.into_iter().map(|line| view! {
                                                    <tr>
                                                        <th scope="row" data-label="When">{line.at_uk.clone()}</th>
                                                        <td data-label="Who">{line.who.clone()}</td>
                                                        <td data-label="What">{line.what.clone()}</td>
                                                        <td data-label="Application">{line.application.clone().map(|(id, reference, name)| view! {
                                                            <a href=format!("/coordinator/applications/{id}")>{reference}</a> " " {name}
                                                        })}</td>
                                                        <td data-label="Changes">
                                                            {(!line.changes.is_empty()).then(|| view! {
                                                                <ul class="audit__changes">{line.changes.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}</ul>
                                                            })}
                                                        </td>
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                }.into_any()
                            }}
                            <p class="pager">
                                {(page > 0).then(|| view! { <a href=page_link(&filter, page - 1)>"Newer entries"</a> " " })}
                                {more.then(|| view! { <a href=page_link(&filter, page + 1)>"Older entries"</a> })}
                            </p>
                        }
                        .into_any()
                    })
                })
            }}
        </Suspense>
    }
}
