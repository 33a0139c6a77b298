//! Calendar files (RFC 5545): `/tasters/{id}.ics` for one taster session, `/tasters.ics`, a
//! feed of all of them that calendar apps can subscribe to, and `/status/{token}/calendar.ics`,
//! the six meetings of the cohort an applicant has a place on. Built with the `icalendar`
//! crate (through `app::calendar_files`, which gives every file one product id).

use crate::render::render_page;
use app::models::{TasterSession, TasterStatus};
use app::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};

/// The calendar routes. `/tasters/{id}` is served here too, because axum cannot tell
/// `/tasters/{id}.ics` from `/tasters/{id}`: a name ending in `.ics` gets the file, anything
/// else the session's page.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tasters.ics", get(feed))
        .route("/tasters/{id}", get(session_or_file))
        .route("/status/{token}/calendar.ics", get(cohort_file))
}

/// Stable across every download, so calendar apps update an event rather than duplicate it.
fn uid(session: &TasterSession) -> String {
    format!("taster-session-{}@enrol", session.id)
}

/// The site's address as the client reached it, for the link back to the joining form.
fn site_url(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let scheme = headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).unwrap_or("http");
    Some(format!("{scheme}://{host}"))
}

/// One session as a calendar event, with its Zoom details in the description and location.
pub fn event(session: &TasterSession, site: Option<&str>) -> Event {
    let mut description = format!(
        "Free taster session for the Compassionate leadership course. No need to book, just turn up.\n\n\
         Join on Zoom: {}\nMeeting ID: {}\nPasscode: {}",
        session.zoom_url, session.meeting_id, session.passcode
    );
    if let Some(site) = site {
        description.push_str(&format!("\n\nAfter the session, apply for a place: {site}/join"));
    }
    let cancelled = session.status == TasterStatus::Cancelled;
    let summary = if cancelled {
        "Cancelled: Compassionate leadership taster session".to_string()
    } else {
        "Compassionate leadership taster session (free, on Zoom)".to_string()
    };
    Event::new()
        .uid(&uid(session))
        .timestamp(session.updated_at)
        .starts(session.starts_at)
        .ends(session.ends_at)
        .summary(&summary)
        .description(&description)
        .location(&session.zoom_url)
        .status(if cancelled { EventStatus::Cancelled } else { EventStatus::Confirmed })
        .append_property(Property::new("URL", &session.zoom_url))
        .done()
}

/// A calendar holding `sessions`.
pub fn calendar(sessions: &[TasterSession], name: &str, site: Option<&str>) -> Calendar {
    let mut calendar = app::calendar_files::calendar(name);
    calendar.append_property(Property::new("X-PUBLISHED-TTL", "PT6H"));
    for session in sessions {
        calendar.push(event(session, site));
    }
    calendar
}

fn ics_response(calendar: Calendar, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{filename}\"")),
            (header::CACHE_CONTROL, "public, max-age=300".to_string()),
        ],
        calendar.to_string(),
    )
        .into_response()
}

/// `GET /tasters.ics`: every session, past and future.
async fn feed(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match state.store.all_tasters().await {
        Ok(sessions) => ics_response(
            calendar(&sessions, "Compassionate leadership taster sessions", site_url(&headers).as_deref()),
            "taster-sessions.ics",
        ),
        Err(error) => {
            (StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), error.to_string())
                .into_response()
        }
    }
}

/// `GET /tasters/{id}.ics` (one session's file) or `GET /tasters/{id}` (its page).
async fn session_or_file(State(state): State<AppState>, Path(name): Path<String>, headers: HeaderMap) -> Response {
    let Some(id) = name.strip_suffix(".ics") else {
        return render_page(state, &format!("/tasters/{name}"), &headers, ()).await;
    };
    let not_found = || (StatusCode::NOT_FOUND, "There is no taster session with that number.").into_response();
    let Ok(id) = id.parse::<i64>() else { return not_found() };
    match state.store.taster(id).await {
        Ok(Some(session)) => ics_response(
            calendar(
                std::slice::from_ref(&session),
                "Compassionate leadership taster session",
                site_url(&headers).as_deref(),
            ),
            &format!("taster-session-{id}.ics"),
        ),
        Ok(None) => not_found(),
        Err(error) => {
            (StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), error.to_string())
                .into_response()
        }
    }
}

/// `GET /status/{token}/calendar.ics`: the meetings of the cohort the applicant has a place on.
async fn cohort_file(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "There is no course place behind that link.").into_response();
    if !app::functions::applications::is_token_shaped(&token) {
        return not_found();
    }
    match state.store.application_status(&token).await {
        Ok(status) => match status.cohort.filter(|_| status.state == app::domain::allocation::AllocationState::Allocated) {
            Some(cohort) => {
                let link = format!("{}/status/{token}", state.mail.public_url);
                let file = app::calendar_files::file_name(&cohort.name);
                ics_response(app::calendar_files::cohort_calendar(&cohort, Some(&link)), &file)
            }
            None => not_found(),
        },
        Err(app::errors::AppError::NotFound(_)) => not_found(),
        Err(error) => {
            (StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), error.to_string())
                .into_response()
        }
    }
}
