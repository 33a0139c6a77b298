//! The JSON API, version 1, for integrations and load tests (documented in docs/api.md). It
//! runs the same domain checks and store operations as the joining form.

use app::domain::application::ApplicationInput;
use app::errors::AppError;
use app::functions::applications::{is_token_shaped, submit_input};
use app::models::{ApplicationOutcome, Cohort, TasterSession};
use app::state::AppState;
use crate::client_ip::ClientIp;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The `/api/v1` routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/cohorts", get(list_cohorts))
        .route("/api/v1/tasters", get(list_tasters))
        .route("/api/v1/applications", post(create_application))
        .route("/api/v1/applications/{status_token}", get(get_application))
        .layer(axum::middleware::from_fn(require_json))
}

/// A request with a body must say it is JSON. Browsers send a cross-site form or `text/plain`
/// post without asking first (a "simple" request); demanding `application/json` makes any
/// cross-site write need a CORS preflight, which enrol never grants.
async fn require_json(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let has_body = !matches!(*request.method(), axum::http::Method::GET | axum::http::Method::HEAD);
    let is_json = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"));
    if has_body && !is_json {
        let message = "Send the body as JSON, with the header Content-Type: application/json";
        return (StatusCode::UNSUPPORTED_MEDIA_TYPE, Json(json!({ "error": message, "errors": { "body": message } })))
            .into_response();
    }
    next.run(request).await
}

/// An error as JSON with the status code that says the same thing.
pub struct ApiError(pub AppError);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = match &self.0 {
            AppError::Invalid(errors) => json!({ "errors": errors }),
            AppError::Conflict(message) => json!({ "error": message, "errors": { "email": message } }),
            AppError::TooManyAttempts(message) => json!({ "error": message, "errors": { "attendance_code": message } }),
            other => json!({ "error": other.to_string() }),
        };
        (status, Json(body)).into_response()
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        Self(error)
    }
}

#[derive(Serialize)]
struct ApiMeeting {
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
}

#[derive(Serialize)]
struct ApiCohort {
    id: i64,
    name: String,
    intake: String,
    capacity: i64,
    places_remaining: i64,
    status: app::models::CohortStatus,
    meetings: Vec<ApiMeeting>,
}

impl From<Cohort> for ApiCohort {
    fn from(c: Cohort) -> Self {
        Self {
            id: c.id,
            name: c.name,
            intake: c.intake,
            capacity: c.capacity,
            places_remaining: c.places_remaining,
            status: c.status,
            meetings: c
                .meetings
                .into_iter()
                .map(|m| ApiMeeting { starts_at: m.starts_at, ends_at: m.ends_at })
                .collect(),
        }
    }
}

/// `GET /api/v1/cohorts`: published cohorts, earliest first, with places remaining.
async fn list_cohorts(State(state): State<AppState>) -> Result<Json<Vec<ApiCohort>>, ApiError> {
    Ok(Json(state.store.cohorts(false).await?.into_iter().map(ApiCohort::from).collect()))
}

#[derive(Deserialize)]
struct TasterQuery {
    include: Option<String>,
}

#[derive(Serialize)]
struct ApiTaster {
    id: i64,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    status: &'static str,
    zoom_url: String,
    meeting_id: String,
    passcode: String,
}

impl From<TasterSession> for ApiTaster {
    fn from(t: TasterSession) -> Self {
        Self {
            id: t.id,
            starts_at: t.starts_at,
            ends_at: t.ends_at,
            status: t.status.as_str(),
            zoom_url: t.zoom_url,
            meeting_id: t.meeting_id,
            passcode: t.passcode,
        }
    }
}

/// `GET /api/v1/tasters[?include=past]`: taster sessions (never their attendance codes).
async fn list_tasters(
    State(state): State<AppState>,
    Query(query): Query<TasterQuery>,
) -> Result<Json<Vec<ApiTaster>>, ApiError> {
    let tasters = match query.include.as_deref() {
        None | Some("") => state.store.upcoming_tasters(Utc::now()).await?,
        Some("past") => state.store.all_tasters().await?,
        Some(_) => return Err(AppError::invalid("include", "Leave include out, or set it to past").into()),
    };
    Ok(Json(tasters.into_iter().map(ApiTaster::from).collect()))
}

/// The JSON body of `POST /api/v1/applications`.
#[derive(Default, Deserialize)]
#[serde(default)]
struct ApiApplication {
    name: String,
    email: String,
    job_title: String,
    employer: String,
    nurse_advocate: String,
    taster_session_id: Option<i64>,
    attendance_code: Option<String>,
    cohort_preferences: Vec<i64>,
    access_needs: Option<String>,
    consent: bool,
}

/// `POST /api/v1/applications`: 201 with the outcome, 422 with field errors, 409 for a
/// duplicate, 400 for a body that is not JSON.
async fn create_application(State(state): State<AppState>, client: ClientIp, body: Bytes) -> Response {
    let mut deserializer = serde_json::Deserializer::from_slice(&body);
    let body: ApiApplication = match serde_path_to_error::deserialize(&mut deserializer) {
        Ok(body) => body,
        Err(error) => return body_error(error).into_response(),
    };
    let input = ApplicationInput {
        name: body.name,
        email: body.email,
        job_title: body.job_title,
        employer: body.employer,
        nurse_advocate: body.nurse_advocate,
        taster_session_id: body.taster_session_id,
        attendance_code: body.attendance_code.unwrap_or_default(),
        cohort_preferences: body.cohort_preferences,
        access_needs: body.access_needs.unwrap_or_default(),
        consent: body.consent,
    };
    match submit_input(&state, client.0, &input, Utc::now()).await {
        Ok(outcome) => (StatusCode::CREATED, Json(outcome)).into_response(),
        Err(error) => ApiError(error).into_response(),
    }
}

/// A body that is not JSON is a 400; JSON with a field of the wrong type is a 422 naming it.
fn body_error(error: serde_path_to_error::Error<serde_json::Error>) -> (StatusCode, Json<serde_json::Value>) {
    let path = error.path().to_string();
    let inner = error.into_inner();
    if inner.is_syntax() || inner.is_eof() || path == "." {
        let message = format!("The request body must be a JSON object: {inner}");
        (StatusCode::BAD_REQUEST, Json(json!({ "errors": { "body": message } })))
    } else {
        let field = path.split(['.', '[']).next().unwrap_or("body").to_string();
        let message = match field.as_str() {
            "consent" => "consent must be true or false".to_string(),
            "taster_session_id" => "taster_session_id must be a whole number or null".to_string(),
            "cohort_preferences" => "cohort_preferences must be an array of cohort ids, like [1, 2]".to_string(),
            _ => format!("{field} must be a string"),
        };
        (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({ "errors": { field: message } })))
    }
}

/// `GET /api/v1/applications/{status_token}`: the application's current outcome.
async fn get_application(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<ApplicationOutcome>, ApiError> {
    if !is_token_shaped(&token) {
        return Err(AppError::NotFound("No application has that status token".into()).into());
    }
    let status = state.store.application_status(&token).await.map_err(|e| match e {
        AppError::NotFound(_) => AppError::NotFound("No application has that status token".into()),
        other => other,
    })?;
    Ok(Json(status.outcome()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::allocation::AllocationState;

    #[test]
    fn a_wrongly_typed_field_is_named() {
        let mut d = serde_json::Deserializer::from_str(r#"{"consent": "yes"}"#);
        let err = serde_path_to_error::deserialize::<_, ApiApplication>(&mut d).map(|_| ()).unwrap_err();
        let (status, Json(body)) = body_error(err);
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["errors"]["consent"], "consent must be true or false");
    }

    #[test]
    fn a_body_that_is_not_json_is_a_bad_request() {
        let mut d = serde_json::Deserializer::from_str("name=Sam");
        let err = serde_path_to_error::deserialize::<_, ApiApplication>(&mut d).map(|_| ()).unwrap_err();
        assert_eq!(body_error(err).0, StatusCode::BAD_REQUEST);
    }

    #[test]
    fn the_outcome_state_is_spelled_in_snake_case() {
        assert_eq!(serde_json::to_value(AllocationState::AwaitingAttendance).unwrap(), "awaiting_attendance");
    }
}
