//! `/coordinator`: places per cohort, the funnel from taster to place, and applications as
//! they arrive (live, through the event stream).

use super::{gate, CoordinatorNav};
use crate::components::places::use_live_refresh;
use crate::components::title::Title;
use crate::errors::AppError;
use crate::functions::coordinator::get_dashboard;
use crate::models::Dashboard;
use leptos::prelude::*;

/// The dashboard.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_dashboard());
    view! {
        <Title text="Dashboard – Coordinators – Compassionate leadership" />
        <CoordinatorNav />
        <h1>"Dashboard"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                gate(data.await, |dashboard| view! { <LiveDashboard html=dashboard_html(dashboard) /> }.into_any())
            })}
        </Suspense>
    }
}

/// The dashboard's figures as HTML, rendered on the server.
/// The dashboard's figures as HTML (for the page to refresh itself). It renders a view, so it
/// lives with the view.
#[server(endpoint = "coordinator/dashboard_html")]
pub async fn get_dashboard_html() -> Result<String, AppError> {
    Ok(dashboard_html(get_dashboard().await?))
}

pub fn dashboard_html(dashboard: Dashboard) -> String {
    use leptos::tachys::view::RenderHtml;
    view! { <DashboardBody d=dashboard /> }.to_html()
}

/// The figures kept current: an island that fetches them again as HTML when the event stream
/// says something changed, so new applications appear without a reload.
#[cfg_attr(bundle = "site", island)]
#[cfg_attr(not(bundle = "site"), component)]
fn LiveDashboard(html: String) -> impl IntoView {
    let html = RwSignal::new(html);
    let refresh = use_live_refresh(std::time::Duration::from_millis(800));
    Effect::new(move |previous: Option<u64>| {
        let round = refresh.get();
        if previous.is_some() {
            leptos::task::spawn_local(async move {
                if let Ok(fresh) = get_dashboard_html().await {
                    html.set(fresh);
                }
            });
        }
        round
    });
    view! { <div class="live-dashboard" inner_html=move || html.get()></div> }
}

/// Places per cohort, the funnel, and the newest applications.
#[component]
fn DashboardBody(d: Dashboard) -> impl IntoView {
    let f = d.funnel.clone();
    let failed = d.emails_failed;
    view! {
        {(failed > 0).then(|| view! {
            <div class="notice notice--warning" role="status">
                <p>
                    {format!("{failed} email{} to applicants could not be delivered. ", if failed == 1 { "" } else { "s" })}
                    <a href="/coordinator/emails?state=failed">"See which, and send them again"</a>
                </p>
            </div>
        })}
        <h2>"Offers waiting for an answer"</h2>
        {if d.offers.is_empty() {
            view! { <p>"No offers are waiting for an answer."</p> }.into_any()
        } else {
            view! {
                <p class="hint">"Soonest to lapse first. An offer that lapses passes to the next person waiting."</p>
                <ul class="dashboard-todo">
                    {d.offers.into_iter().map(|(r, until)| view! {
                        <li>
                            <a href=format!("/coordinator/applications/{}", r.id)>{r.reference.clone()}</a>
                            " · " {r.name.clone()} " · " {r.cohort_name.clone().unwrap_or_default()}
                            " · " <strong>{format!("lapses {until}")}</strong>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        <h2>"Awaiting an attendance check"</h2>
        {if d.awaiting_count == 0 {
            view! { <p>"Nobody is waiting for an attendance check."</p> }.into_any()
        } else {
            let count = d.awaiting_count;
            view! {
                <p>
                    {format!("{count} application{} gave no attendance code, so the course team checks the taster session's attendance. ", if count == 1 { "" } else { "s" })}
                    <a href="/coordinator/attendance">"Match a Zoom report"</a>
                    " or "
                    <a href="/coordinator/applications?state=awaiting_attendance&sort=submitted&dir=asc">"see them all"</a>
                    "."
                </p>
                <ul class="dashboard-todo">
                    {d.awaiting.into_iter().map(|r| view! {
                        <li>
                            <a href=format!("/coordinator/applications/{}", r.id)>{r.reference.clone()}</a>
                            " · " {r.name.clone()} " · " <span class="hint">{format!("applied {}", r.submitted_uk)}</span>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        <h2>"Places"</h2>
        <div class="table-wrap">
            <table class="table">
                <thead><tr>
                    <th scope="col">"Cohort"</th><th scope="col">"Status"</th><th scope="col" class="num">"Capacity"</th>
                    <th scope="col" class="num">"Allocated"</th><th scope="col" class="num">"Offered"</th>
                    <th scope="col" class="num">"Waiting"</th><th scope="col" class="num">"Places left"</th>
                </tr></thead>
                <tbody>
                    {d.cohorts.into_iter().map(|c| view! {
                        <tr data-cohort=c.cohort.id>
                            <th scope="row"><a href=format!("/coordinator/cohorts/{}", c.cohort.id)>{c.cohort.name.clone()}</a></th>
                            <td data-label="Status">{c.cohort.status.as_str()}</td>
                            <td class="num" data-label="Capacity">{c.cohort.capacity}</td>
                            <td class="num" data-label="Allocated">{c.allocated}</td>
                            <td class="num" data-label="Offered">{c.offered}</td>
                            <td class="num" data-label="Waiting">{c.waiting}</td>
                            <td class="num places-cell" data-label="Places left">{c.cohort.places_remaining}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <h2>"From taster to place"</h2>
        <dl class="funnel">
            <div><dt>"Attended a taster"</dt><dd>{f.attended}</dd></div>
            <div><dt>"Applied"</dt><dd>{f.applications}</dd></div>
            <div><dt>"Eligible"</dt><dd>{f.eligible}</dd></div>
            <div><dt>"Allocated"</dt><dd>{f.allocated}</dd></div>
        </dl>
        <h2>"Newest applications"</h2>
        <p class="hint">"New applications appear here as they arrive."</p>
        {if d.recent.is_empty() {
            view! { <p>"No applications yet."</p> }.into_any()
        } else {
            view! {
                <ul class="recent-list" aria-live="polite">
                    {d.recent.into_iter().map(|r| view! {
                        <li>
                            <a href=format!("/coordinator/applications/{}", r.id)>{r.reference.clone()}</a>
                            " · " {r.name.clone()} " · "
                            <strong class=format!("tag tag--{}", r.state.as_str())>{r.state.label()}</strong>
                            " · " <span class="hint">{r.submitted_uk.clone()}</span>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}
