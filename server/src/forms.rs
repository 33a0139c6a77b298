//! Plain HTML form posts, so the joining form and the status page's actions work without
//! JavaScript: each handler does its work and redirects (303), or renders the page again with
//! the problems found.

use crate::render::render_page;
use app::domain::allocation::AllocationState;
use app::domain::application::JoinForm;
use app::errors::AppError;
use app::functions::applications::{is_token_shaped, submit_form, FindLinkDraft, JoinDraft};
use app::models::ApplicationStatus;
use app::state::AppState;
use crate::client_ip::ClientIp;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};

/// The form-post routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/join", post(post_join))
        .route("/status/{token}/withdraw", post(post_withdraw))
        .route("/status/{token}/accept", post(post_accept))
        .route("/status/{token}/decline", post(post_decline))
        .route("/status/find", post(post_find_link))
        .route("/status/{token}/erase", post(post_erase))
        .route("/status/{token}/data.json", axum::routing::get(get_personal_data))
}

/// `GET /status/{token}/data.json` ("Download my data"): everything held about the applicant,
/// as one JSON document.
async fn get_personal_data(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "We could not find that application.").into_response();
    if !is_token_shaped(&token) {
        return not_found();
    }
    let now = chrono::Utc::now();
    let data = match state.store.application_id(&token).await {
        Ok(Some(id)) => state.store.personal_data(id, now).await,
        Ok(None) | Err(AppError::NotFound(_)) => return not_found(),
        Err(error) => Err(error),
    };
    match data {
        Ok(Some(data)) => {
            let (filename, body) = data.file();
            (
                [
                    (axum::http::header::CONTENT_TYPE, "application/json; charset=utf-8".to_string()),
                    (axum::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
                ],
                body,
            )
                .into_response()
        }
        Ok(None) => not_found(),
        Err(error) => (StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), error.to_string())
            .into_response(),
    }
}

/// `POST /status/{token}/erase` ("Delete my data", after its confirmation step): withdraws the
/// application and erases the applicant's personal data for good.
async fn post_erase(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    if !is_token_shaped(&token) {
        return Redirect::to("/status/unknown").into_response();
    }
    let erased = state
        .store
        .erase(
            app::store::ErasureKey::Token(token.clone()),
            app::workflow::Actor::Applicant,
            app::workflow::privacy::Reason::Applicant,
            chrono::Utc::now(),
        )
        .await;
    match erased {
        Ok(done) => {
            if let Some(folder) = &state.mail.outbox_dir {
                app::mail::transport::forget_files(folder, &done.email_ids);
            }
            Redirect::to("/status/erased").into_response()
        }
        Err(AppError::NotFound(_)) => Redirect::to(&format!("/status/{token}")).into_response(),
        Err(_) => Redirect::to(&format!("/status/{token}?done=failed")).into_response(),
    }
}

/// `POST /status/find` ("Lost your link?"): emails the status link to a work email that has
/// an application (within an hourly limit), and answers the same whether or not it has one.
async fn post_find_link(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let typed = pairs.iter().find(|(k, _)| k == "email").map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    let mut draft = FindLinkDraft { email: typed.clone(), error: None, sent: false };
    match app::domain::email::WorkEmail::parse(&typed) {
        Err(message) => draft.error = Some(message),
        Ok(email) => match state.store.send_status_link(&email.key(), chrono::Utc::now()).await {
            Ok(()) => draft.sent = true,
            Err(error) => draft.error = Some(format!("{error}. Nothing was sent: try again in a minute")),
        },
    }
    render_page(state, "/status/find", &headers, draft).await
}

/// `POST /join`: stores the application and shows its confirmation, or shows the form again
/// with what was typed and a message for each problem.
async fn post_join(
    State(state): State<AppState>,
    client: ClientIp,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let form = JoinForm::from_pairs(pairs);
    let mut status = StatusCode::OK;
    let draft = match submit_form(&state, client.0, &form, chrono::Utc::now()).await {
        Ok(status) => return Redirect::to(&format!("/join/confirmation/{}", status.status_token)).into_response(),
        Err(AppError::Invalid(errors)) => JoinDraft { form, errors, notice: None },
        Err(AppError::Conflict(message)) => {
            JoinDraft { form, errors: [("email".to_string(), message)].into(), notice: None }
        }
        Err(AppError::TooManyAttempts(message)) => {
            status = StatusCode::TOO_MANY_REQUESTS;
            JoinDraft { form, errors: [("attendance_code".to_string(), message)].into(), notice: None }
        }
        Err(other) => {
            // The database is unreachable or full (503), or a fault of ours (500): the form
            // comes back with what was typed, a notice, and the status that says so.
            status = StatusCode::from_u16(other.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            JoinDraft { form, errors: Default::default(), notice: Some(other.to_string()) }
        }
    };
    let mut page = render_page(state, "/join", &headers, draft).await;
    if page.status() == StatusCode::OK {
        *page.status_mut() = status;
    }
    page
}

/// Back to the status page, with a banner saying what happened (`done`).
fn after_action(token: &str, result: Result<ApplicationStatus, AppError>, done: &str) -> Response {
    match result {
        // Accepting too late ends the offer instead: say so, not "accepted".
        Ok(status) if status.state == AllocationState::Expired => {
            Redirect::to(&format!("/status/{token}?done=expired")).into_response()
        }
        Ok(_) => Redirect::to(&format!("/status/{token}?done={done}")).into_response(),
        // Already withdrawn, or the offer changed meanwhile: the page explains the current state.
        Err(AppError::Conflict(_)) => Redirect::to(&format!("/status/{token}?done=unchanged")).into_response(),
        Err(AppError::NotFound(_)) => Redirect::to(&format!("/status/{token}")).into_response(),
        Err(_) => Redirect::to(&format!("/status/{token}?done=failed")).into_response(),
    }
}

async fn post_withdraw(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    if !is_token_shaped(&token) {
        return Redirect::to("/status/unknown").into_response();
    }
    let result = state.store.withdraw(&token, chrono::Utc::now()).await;
    after_action(&token, result, "withdrawn")
}

async fn post_accept(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    if !is_token_shaped(&token) {
        return Redirect::to("/status/unknown").into_response();
    }
    let result = state.store.accept_offer(&token, chrono::Utc::now()).await;
    after_action(&token, result, "accepted")
}

async fn post_decline(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    if !is_token_shaped(&token) {
        return Redirect::to("/status/unknown").into_response();
    }
    let result = state.store.decline_offer(&token, chrono::Utc::now()).await;
    after_action(&token, result, "declined")
}
