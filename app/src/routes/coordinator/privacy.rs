//! Personal data for coordinators: when each intake's data will be erased (admins change the
//! period), and the access log of who looked at whose data (admins).

use super::{gate, CoordinatorNav, DoneBanner};
use crate::components::title::Title;
use crate::functions::coordinator::{get_access_log, get_retention};
use leptos::prelude::*;

/// When each intake's personal data will be erased.
#[component]
pub fn RetentionPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_retention());
    view! {
        <Title text="Retention – Coordinators – Compassionate leadership" />
        <CoordinatorNav />
        <h1>"When personal data is erased"</h1>
        <DoneBanner messages=&[("changed", "The retention period has been changed.")] />
        <p class="lead">"Each intake’s applicants’ personal data is erased a set number of months after the intake’s last meeting, so nothing disappears unannounced. Applications that never became eligible are included. The reference and the dates stay, for the course’s numbers."</p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                gate(data.await, |d| {
                    let admin = d.admin;
                    view! {
                        {d.problem.map(|p| view! { <div class="notice notice--warning" role="alert"><p>{p}</p></div> })}
                        {if d.intakes.is_empty() {
                            view! { <p>"No intakes yet: they appear here with their first cohort or application."</p> }.into_any()
                        } else {
                            view! {
                                <div class="table-wrap">
                                    <table class="table table--stack">
                                        <thead><tr>
                                            <th scope="col">"Intake"</th><th scope="col">"Last meeting"</th>
                                            <th scope="col">"Kept for"</th><th scope="col">"Erased on"</th>
                                            <th scope="col" class="num">"Applications with personal data"</th>
                                            {admin.then(|| view! { <th scope="col">"Change"</th> })}
                                        </tr></thead>
                                        <tbody>
                                            {d.intakes.into_iter().map(|r| {
                                                let field = format!("months-{}", r.intake);
                                                view! {
                                                    <tr>
                                                        <th scope="row" data-label="Intake">{r.intake.clone()}</th>
                                                        <td data-label="Last meeting">{r.last_meeting_uk.clone().unwrap_or_else(|| "No meetings yet".into())}</td>
                                                        <td data-label="Kept for">{format!("{} months{}", r.months, if r.set_by_admin { "" } else { " (default)" })}</td>
                                                        <td data-label="Erased on">{r.erase_on_uk.clone()}{r.due.then_some(" (due now)")}</td>
                                                        <td class="num" data-label="Applications with personal data">{r.applications}</td>
                                                        {admin.then(|| view! {
                                                            <td data-label="Change">
                                                                <form method="post" action="/coordinator/retention" class="inline-form">
                                                                    <input type="hidden" name="intake" value=r.intake.clone() />
                                                                    <label class="label" for=field.clone()>{format!("Months to keep {}", r.intake)}</label>
                                                                    <input class="input input--width-3" id=field name="months" type="text" inputmode="numeric" value=r.months.to_string() />
                                                                    <button type="submit" class="button button--secondary button--small">"Save"</button>
                                                                </form>
                                                            </td>
                                                        })}
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }.into_any()
                        }}
                    }
                    .into_any()
                })
            })}
        </Suspense>
    }
}

/// Who looked at whose data (admins).
#[component]
pub fn AccessLogPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_access_log(0));
    view! {
        <Title text="Access log – Coordinators – Compassionate leadership" />
        <CoordinatorNav />
        <h1>"Access log"</h1>
        <p class="lead">"Who viewed an application, downloaded the applications table or a person’s data, and when. Kept for a year."</p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                gate(data.await, |rows| {
                    if rows.is_empty() {
                        return view! { <p>"Nobody has looked at any application yet."</p> }.into_any();
                    }
                    view! {
                        <div class="table-wrap">
                            <table class="table table--stack">
                                <thead><tr>
                                    <th scope="col">"When"</th><th scope="col">"Who"</th>
                                    <th scope="col">"What"</th><th scope="col">"Application"</th>
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|r| view! {
                                        <tr>
                                            <td data-label="When">{r.at_uk}</td>
                                            <td data-label="Who">{r.who}</td>
                                            <td data-label="What">{r.what}</td>
                                            <td data-label="Application">{r.reference.unwrap_or_else(|| "All shown in the table".into())}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                    .into_any()
                })
            })}
        </Suspense>
    }
}
