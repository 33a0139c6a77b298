//! The taster calendar at `/tasters` (upcoming sessions first on small screens, the month grid
//! first on wide ones) and a session's own page at `/tasters/{id}`.

use crate::components::clock::use_clock;
use crate::components::load_error::LoadError;
use crate::components::month_grid::{calendar_href, replace_address, MonthGrid};
use crate::components::places::PlacesPanel;
use crate::components::taster_details::TasterDetails;
use crate::domain::calendar::{first_of_month, month_title, phase, Phase};
use crate::domain::clock_words::format_date;
use crate::errors::AppError;
use crate::functions::tasters::{get_taster_calendar, get_taster_page, TasterCalendar};
use crate::models::{TasterSession, TasterStatus};
use chrono::NaiveDate;
use leptos::prelude::*;
use crate::components::title::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The taster calendar page.
#[component]
pub fn TastersPage() -> impl IntoView {
    // Read once: after hydration the calendar moves between months itself, without reloading.
    let (month, day) = use_query_map().with_untracked(|q| (q.get("month"), q.get("day")));
    let calendar = Resource::new(|| (), move |_| get_taster_calendar(month.clone(), day.clone()));
    view! {
        <Title text="Taster sessions – Compassionate leadership" />
        <h1>"Taster sessions"</h1>
        <p class="lead">"Free one-hour sessions on Zoom to find out about the course. No need to book, just turn up. Joining one is the first step to a place."</p>
        <Suspense fallback=|| view! { <p class="loading">"Loading the taster sessions…"</p> }>
            {move || Suspend::new(async move {
                match calendar.await {
                    Ok(data) => view! { <CalendarView data /> <PlacesPanel /> }.into_any(),
                    Err(error) => view! { <LoadError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The agenda and the month grid: an island, so months, days and clocks move in the browser.
#[cfg_attr(bundle = "tasters", island)]
#[cfg_attr(not(bundle = "tasters"), component)]
fn CalendarView(data: TasterCalendar) -> impl IntoView {
    let now = use_clock(data.now);
    let today = data.today;
    let month = RwSignal::new(data.month);
    let focus = RwSignal::new(data.day.unwrap_or(if first_of_month(today) == data.month { today } else { data.month }));
    let selected = RwSignal::new(data.day);
    let upcoming: Vec<TasterSession> =
        data.sessions.iter().filter(|s| phase(data.now, s.starts_at, s.ends_at) != Phase::Ended).cloned().collect();
    let next_open = upcoming.iter().find(|s| s.status == TasterStatus::Scheduled).cloned();
    let sessions = StoredValue::new(data.sessions);

    view! {
        {data.notice.map(|notice| view! { <div class="notice notice--warning" role="status"><p>{notice}</p></div> })}
        <div class="tasters-layout">
            <section class="tasters-calendar" aria-labelledby="calendar-heading">
                <h2 id="calendar-heading">"Calendar"</h2>
                <MonthGrid sessions today month focus selected />
                <EmptyMonth sessions month next=next_open.clone() />
                <DaySessions sessions selected now next=next_open />
            </section>
            <section class="tasters-agenda" aria-labelledby="agenda-heading">
                <h2 id="agenda-heading">"Upcoming sessions"</h2>
                {if upcoming.is_empty() {
                    view! {
                        <div class="notice">
                            <p>"No taster sessions are scheduled at the moment. New dates are added here as soon as they are set."</p>
                        </div>
                    }
                        .into_any()
                } else {
                    view! {
                        <ul class="agenda">
                            {upcoming
                                .into_iter()
                                .map(|taster| view! { <li><TasterDetails taster now heading_level=3 /></li> })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
                <p>
                    <a href="/tasters.ics">"Subscribe to all taster sessions in your calendar app"</a>
                    " (the feed updates when sessions are added or cancelled)."
                </p>
            </section>
        </div>
    }
}

/// "No taster sessions in January 2027. The next session is on …".
#[component]
fn EmptyMonth(
    sessions: StoredValue<Vec<TasterSession>>,
    month: RwSignal<NaiveDate>,
    next: Option<TasterSession>,
) -> impl IntoView {
    move || {
        let shown = month.get();
        let empty = sessions.with_value(|all| all.iter().all(|s| first_of_month(s.uk_day) != shown));
        empty.then(|| {
            let next_view = match &next {
                Some(session) => {
                    let target = first_of_month(session.uk_day);
                    view! {
                        " The next session is on " {format_date(session.uk_day)} ". "
                        <a
                            href=calendar_href(target, None)
                            on:click=move |ev| {
                                ev.prevent_default();
                                month.set(target);
                                replace_address(target, None);
                            }
                        >
                            {format!("Go to {}", month_title(target))}
                        </a>
                    }
                    .into_any()
                }
                None => " No more sessions are scheduled yet.".into_any(),
            };
            view! { <p class="calendar__empty" role="status">{format!("No taster sessions in {}.", month_title(shown))} {next_view}</p> }
        })
    }
}

/// The sessions of the chosen day, below the grid.
#[component]
fn DaySessions(
    sessions: StoredValue<Vec<TasterSession>>,
    selected: RwSignal<Option<NaiveDate>>,
    now: Signal<chrono::DateTime<chrono::Utc>>,
    next: Option<TasterSession>,
) -> impl IntoView {
    view! {
        <div id="day-sessions" class="day-sessions">
            {move || match selected.get() {
                None => view! { <p class="hint">"Choose a day with a dot to see its sessions here."</p> }.into_any(),
                Some(day) => {
                    let on_day: Vec<TasterSession> = sessions.with_value(|all| all.iter().filter(|s| s.uk_day == day).cloned().collect());
                    let body = if on_day.is_empty() {
                        let hint = next
                            .as_ref()
                            .map(|s| format!("The next session is on {}.", s.when_uk))
                            .unwrap_or_else(|| "No more sessions are scheduled yet.".into());
                        view! { <p>"There are no taster sessions on this day. " {hint}</p> }.into_any()
                    } else {
                        on_day
                            .into_iter()
                            .map(|taster| view! { <TasterDetails taster now heading_level=4 /> })
                            .collect_view()
                            .into_any()
                    };
                    view! {
                        <h3 id="day-sessions-title" class="day-sessions__title" tabindex="-1">{format_date(day)}</h3>
                        {body}
                    }
                        .into_any()
                }
            }}
        </div>
    }
}

/// A session's own page.
#[component]
pub fn TasterSessionPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let page = Resource::new(id, get_taster_page);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the session…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(data) => {
                        view! {
                            <Title text=format!("Taster session, {} – Compassionate leadership", data.session.when_uk) />
                            <span class="caption">"Compassionate leadership"</span>
                            <h1>"Free taster session"</h1>
                            <SessionDetails data />
                            <p><a class="link-standalone" href="/tasters">"See all taster sessions"</a></p>
                        }
                            .into_any()
                    }
                    Err(AppError::NotFound(_)) => view! { <UnknownSession /> }.into_any(),
                    Err(error) => view! { <h1>"Taster session"</h1> <LoadError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A session's details on its own page: an island, so its state follows the clock.
#[cfg_attr(bundle = "tasters", island)]
#[cfg_attr(not(bundle = "tasters"), component)]
fn SessionDetails(data: crate::functions::tasters::TasterPageData) -> impl IntoView {
    let now = use_clock(data.now);
    view! { <TasterDetails taster=data.session now heading_level=2 page_link=false /> }
}

#[component]
fn UnknownSession() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Session not found – Compassionate leadership" />
        <h1>"We could not find that taster session"</h1>
        <p>"It may have been removed, or the link may be incomplete."</p>
        <p><a class="link-standalone" href="/tasters">"See all taster sessions"</a></p>
    }
}
