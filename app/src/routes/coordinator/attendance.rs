//! Attendance for coordinators: upload a Zoom participant report for a taster session, then
//! confirm or reject each attendee against the application they most likely are.

use super::{gate, CoordinatorNav, DoneBanner};
use crate::components::error_summary::ErrorSummary;
use crate::components::title::Title;
use crate::functions::coordinator::{get_import, get_imports};
use crate::models::AttendeeState;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// A problem with the last decision (`?problem=…&attendee=…`), as the error summary, whose link
/// leads to that attendee's application chooser.
#[component]
fn DecisionProblem() -> impl IntoView {
    let (problem, attendee) = use_query_map().with_untracked(|q| (q.get("problem"), q.get("attendee")));
    let message = match problem.as_deref() {
        Some("choose-application") => "Choose the application this attendee is, then confirm",
        Some("already-decided") => "That attendee had already been decided: the page shows the decision",
        Some("place-given") => {
            "That applicant has a place or an offer now, and places already given are never taken back. If the \
             match was wrong, withdraw the application from its page instead: that tells them, and the place goes \
             to the next person"
        }
        _ => "",
    };
    // The error leads to the control to use: the application chooser, or the Undo button.
    let control = if problem.as_deref() == Some("place-given") { "undo" } else { "app" };
    let target = attendee
        .filter(|a| a.bytes().all(|b| b.is_ascii_digit()))
        .map(|a| format!("{control}-{a}"))
        .unwrap_or_default();
    let lines = if message.is_empty() { Vec::new() } else { vec![(target, message.to_string())] };
    view! { <ErrorSummary lines=Signal::stored(lines) /> }
}

/// Upload a report; the reports uploaded so far.
#[component]
pub fn ImportsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_imports());
    view! {
        <Title text="Attendance – Coordinators – Compassionate leadership" />
        <CoordinatorNav />
        <h1>"Attendance"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                gate(data.await, |d| view! {
                    <DoneBanner messages=&[("deleted", "Report deleted. The attendance it confirmed is kept.")] />
                    {d.problem.clone().map(|p| view! {
                        <div class="error-summary" role="alert" tabindex="-1" autofocus>
                            <h2 class="error-summary__title">"There is a problem"</h2>
                            <ul class="error-summary__list"><li><a href="#report">{p}</a></li></ul>
                        </div>
                    })}
                    <h2>"Upload a Zoom participant report"</h2>
                    <p>"In Zoom: Reports, then Usage, find the meeting, open Participants, and choose Export. Then upload the file here. Each person in it is matched to an application for you to confirm."</p>
                    <form method="post" action="/coordinator/attendance" enctype="multipart/form-data" class="narrow-form">
                        <div class="form-group">
                            <label class="label" for="taster">"Taster session"</label>
                            <select class="select" id="taster" name="taster_session_id">
                                {d.tasters.iter().map(|t| view! { <option value=t.id.to_string()>{t.when_uk.clone()}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="form-group" class:form-group--error=d.problem.is_some()>
                            <label class="label" for="report">"Participant report (CSV)"</label>
                            <input class="file-upload" id="report" name="report" type="file" accept=".csv,text/csv" />
                        </div>
                        <button type="submit" class="button">"Upload and match"</button>
                    </form>
                    <h2>"Uploaded reports"</h2>
                    {if d.imports.is_empty() {
                        view! { <p>"None yet."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="report-list">
                                {d.imports.into_iter().map(|i| view! {
                                    <li>
                                        <a href=format!("/coordinator/attendance/{}", i.id)>{format!("{} ({})", i.taster_when_uk, i.filename)}</a>
                                        {format!(": {} to check, {} confirmed, {} rejected · uploaded {}", i.pending, i.confirmed, i.rejected, i.uploaded_uk)}
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                }.into_any())
            })}
        </Suspense>
    }
}

/// One report's match queue.
#[component]
pub fn ImportPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0);
    let data = Resource::new(id, get_import);
    view! {
        <Title text="Match attendees – Coordinators – Compassionate leadership" />
        <CoordinatorNav />
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                gate(data.await, |d| {
                    let import_id = d.summary.id;
                    let awaiting = d.awaiting.clone();
                    let short = d.summary.short_stay_under();
                    let confirmed = d.summary.confirmed;
                    let unmatched = d.attendees.iter().filter(|a| a.state == AttendeeState::Pending && a.likely.is_none()).count();
                    let email_matches = d
                        .attendees
                        .iter()
                        .filter(|a| a.state == AttendeeState::Pending && a.likely.as_ref().is_some_and(|l| l.kind == "email"))
                        .count();
                    view! {
                        <DecisionProblem />
                        <DoneBanner messages=&[
                            ("uploaded", "Report uploaded. Check each match below."),
                            ("confirmed", "Attendance confirmed."),
                            ("rejected", "Match rejected."),
                            ("confirmed-all", "Every attendee matched by email has been confirmed."),
                            ("undone", "Decision undone: decide this attendee again."),
                            ("rematched", "Unmatched attendees were matched again against the applications there are now."),
                        ] />
                        <h1>"Match attendees"</h1>
                        <p class="lead">{format!("{} · {}", d.summary.taster_when_uk, d.summary.filename)}</p>
                        <p>{format!("{} to check, {} confirmed, {} rejected.", d.summary.pending, d.summary.confirmed, d.summary.rejected)}</p>
                        <p class="hint">{format!(
                            "Stays shorter than {} of the session’s {} minutes are flagged “Short stay”: check them before confirming.",
                            short, d.summary.session_minutes
                        )}</p>
                        {(email_matches > 0).then(|| view! {
                            <form method="post" action=format!("/coordinator/attendance/{import_id}/confirm-email-matches")>
                                <button type="submit" class="button">{format!(
                                    "Confirm all {email_matches} email match{}", if email_matches == 1 { "" } else { "es" }
                                )}</button>
                            </form>
                        })}
                        {(unmatched > 0).then(|| view! {
                            <form method="post" action=format!("/coordinator/attendance/{import_id}/rematch")>
                                <p>{format!(
                                    "{unmatched} attendee{} had no matching application when the report was uploaded. Applications may have arrived since.",
                                    if unmatched == 1 { "" } else { "s" }
                                )}</p>
                                <button type="submit" class="button button--secondary">"Match them again"</button>
                            </form>
                        })}
                        <p class="hint">"A decision can be undone here while the report is open. Undoing a confirmation takes the attendance back: an applicant on a waiting list goes back to awaiting an attendance check, and is told. A place or an offer already given is never taken back."</p>
                        <div class="table-wrap">
                            <table class="table table--stack match-table">
                                <thead><tr>
                                    <th scope="col">"In Zoom"</th><th scope="col" class="num">"Minutes"</th>
                                    <th scope="col">"Likely application"</th><th scope="col">"Decision"</th>
                                </tr></thead>
                                <tbody>
                                    {d.attendees.into_iter().map(|a| {
                                        let awaiting = awaiting.clone();
                                        let pending = a.state == AttendeeState::Pending;
                                        view! {
                                            <tr id=format!("attendee-{}", a.id) class:row--decided=!pending>
                                                <th scope="row" data-label="In Zoom">{a.name.clone()}<br /><span class="hint">{a.email.clone().unwrap_or_else(|| "not signed in to Zoom".into())}</span></th>
                                                <td class="num" data-label="Minutes">
                                                    {a.minutes}
                                                    {(a.minutes < short).then(|| view! { <br /><strong class="tag tag--yellow">"Short stay"</strong> })}
                                                </td>
                                                <td data-label="Likely application">{match &a.likely {
                                                    Some(l) => view! {
                                                        <a href=format!("/coordinator/applications/{}", l.id)>{format!("{} {}", l.reference, l.name)}</a>
                                                        <br /><span class="hint">{format!("{} · matched by {}", l.email, l.kind)}</span>
                                                    }.into_any(),
                                                    None => view! { <span>"No match"</span> }.into_any(),
                                                }}</td>
                                                <td data-label="Decision">{if pending {
                                                    let has_match = a.likely.is_some();
                                                    view! {
                                                        <form method="post" action=format!("/coordinator/attendance/attendees/{}/confirm", a.id) class="inline-form">
                                                            <input type="hidden" name="import_id" value=import_id.to_string() />
                                                            {(!has_match).then(|| view! {
                                                                <label class="visually-hidden" for=format!("app-{}", a.id)>{format!("Application for {}", a.name)}</label>
                                                                <select class="select" id=format!("app-{}", a.id) name="application_id">
                                                                    <option value="">"Choose an application"</option>
                                                                    {awaiting.iter().map(|l| view! { <option value=l.id.to_string()>{format!("{} {} ({})", l.reference, l.name, l.email)}</option> }).collect_view()}
                                                                </select>
                                                            })}
                                                            <button type="submit" class="button button--small">"Confirm"<span class="visually-hidden">{format!(" {}", a.name)}</span></button>
                                                        </form>
                                                        <form method="post" action=format!("/coordinator/attendance/attendees/{}/reject", a.id) class="inline-form">
                                                            <input type="hidden" name="import_id" value=import_id.to_string() />
                                                            <button type="submit" class="button button--secondary button--small">"Reject"<span class="visually-hidden">{format!(" {}", a.name)}</span></button>
                                                        </form>
                                                    }.into_any()
                                                } else if a.state == AttendeeState::Rejected {
                                                    view! {
                                                        <strong>"Rejected"</strong>
                                                        <form method="post" action=format!("/coordinator/attendance/attendees/{}/undo", a.id) class="inline-form">
                                                            <input type="hidden" name="import_id" value=import_id.to_string() />
                                                            <button type="submit" class="button button--secondary button--small">"Undo"<span class="visually-hidden">{format!(" the rejection of {}", a.name)}</span></button>
                                                        </form>
                                                    }.into_any()
                                                } else {
                                                    view! {
                                                        <strong>"Confirmed"</strong>
                                                        <form method="post" action=format!("/coordinator/attendance/attendees/{}/undo", a.id) class="inline-form">
                                                            <input type="hidden" name="import_id" value=import_id.to_string() />
                                                            <button type="submit" id=format!("undo-{}", a.id) class="button button--secondary button--small">"Undo"<span class="visually-hidden">{format!(" the confirmation of {}", a.name)}</span></button>
                                                        </form>
                                                    }.into_any()
                                                }}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <details class="details">
                            <summary>"Delete this report"</summary>
                            <p>{format!(
                                "The report and its list of attendees (their names and emails from Zoom) are deleted. The {} attendance{} it confirmed {} kept: those applicants stay eligible.",
                                confirmed, if confirmed == 1 { "" } else { "s" }, if confirmed == 1 { "is" } else { "are" }
                            )}</p>
                            <form method="post" action=format!("/coordinator/attendance/{import_id}/delete")>
                                <button type="submit" class="button button--warning">"Yes, delete this report"</button>
                            </form>
                        </details>
                        <p><a class="link-standalone" href="/coordinator/attendance">"Back to attendance"</a></p>
                    }
                    .into_any()
                })
            })}
        </Suspense>
    }
}
