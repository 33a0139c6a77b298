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
use utoipa::{IntoParams, ToSchema};

/// The `/api/v1` routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/cohorts", get(list_cohorts))
        .route("/api/v1/tasters", get(list_tasters))
        // Only on the POST itself: a method a route lacks is a 405, whatever its body.
        .route("/api/v1/applications", post(create_application).route_layer(axum::middleware::from_fn(require_json)))
        .route("/api/v1/applications/{status_token}", get(get_application))
        .route("/api/v1/openapi.json", get(crate::openapi::document))
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

/// One meeting of a cohort.
#[derive(Serialize, ToSchema)]
pub struct ApiMeeting {
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
}

/// A published cohort.
#[derive(Serialize, ToSchema)]
pub struct ApiCohort {
    id: i64,
    name: String,
    /// The intake the cohort belongs to, like `2027-01`.
    intake: String,
    capacity: i64,
    /// Capacity − allocated − outstanding offers.
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
#[utoipa::path(
    get,
    path = "/api/v1/cohorts",
    tag = "cohorts",
    summary = "The published cohorts, earliest first, with their places remaining",
    responses(
        (status = 200, description = "The cohorts", body = [ApiCohort]),
        (status = 503, description = "The database is unavailable; try again in a minute", body = crate::openapi::Problem),
    )
)]
pub async fn list_cohorts(State(state): State<AppState>) -> Result<Json<Vec<ApiCohort>>, ApiError> {
    Ok(Json(state.store.cohorts(false).await?.into_iter().map(ApiCohort::from).collect()))
}

/// Which taster sessions to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TasterQuery {
    /// `past` lists past sessions too; left out, only upcoming ones.
    #[param(pattern = "^(past)?$")]
    include: Option<String>,
}

/// A taster session (never its attendance code).
#[derive(Serialize, ToSchema)]
pub struct ApiTaster {
    id: i64,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    /// `scheduled` or `cancelled`.
    #[schema(value_type = String, pattern = "^(scheduled|cancelled)$")]
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
#[utoipa::path(
    get,
    path = "/api/v1/tasters",
    tag = "tasters",
    summary = "Taster sessions, earliest first",
    params(TasterQuery),
    responses(
        (status = 200, description = "The sessions", body = [ApiTaster]),
        (status = 422, description = "`include` is neither left out nor `past` (or given twice)", body = crate::openapi::FieldProblems),
        (status = 503, description = "The database is unavailable; try again in a minute", body = crate::openapi::Problem),
    )
)]
pub async fn list_tasters(
    State(state): State<AppState>,
    query: Result<Query<TasterQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<ApiTaster>>, ApiError> {
    // A query that cannot be read (`include` twice, say) is the same field error as a wrong value.
    let Ok(Query(query)) = query else {
        return Err(AppError::invalid("include", "Give include once: leave it out, or set it to past").into());
    };
    let tasters = match query.include.as_deref() {
        None | Some("") => state.store.upcoming_tasters(Utc::now()).await?,
        Some("past") => state.store.all_tasters().await?,
        Some(_) => return Err(AppError::invalid("include", "Leave include out, or set it to past").into()),
    };
    Ok(Json(tasters.into_iter().map(ApiTaster::from).collect()))
}

/// The JSON body of `POST /api/v1/applications`.
#[derive(Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ApiApplication {
    /// Up to 100 characters.
    #[schema(required = true)]
    name: String,
    /// A work email address; one active application per address per intake.
    #[schema(required = true)]
    email: String,
    #[schema(required = true)]
    job_title: String,
    #[schema(required = true)]
    employer: String,
    #[schema(required = true, value_type = crate::openapi::NurseAdvocateAnswer)]
    nurse_advocate: String,
    /// A taster session that has started.
    taster_session_id: Option<i64>,
    /// The code shown in a taster session: four words, compared without case, spaces or
    /// hyphens. It confirms attendance from 15 minutes before its session until 7 days after.
    attendance_code: Option<String>,
    /// Cohort ids in rank order; empty means any open cohort.
    cohort_preferences: Vec<i64>,
    /// Up to 1000 characters.
    access_needs: Option<String>,
    /// Must be `true`.
    #[schema(required = true)]
    consent: bool,
}

/// `POST /api/v1/applications`: 201 with the outcome, 422 with field errors, 409 for a
/// duplicate, 400 for a body that is not JSON.
#[utoipa::path(
    post,
    path = "/api/v1/applications",
    tag = "applications",
    summary = "Apply for a place",
    request_body = ApiApplication,
    responses(
        (status = 201, description = "Stored: the outcome and the status token", body = ApplicationOutcome),
        (status = 400, description = "The body is not a JSON object", body = crate::openapi::FieldProblems),
        (status = 409, description = "This email already has an active application for the intake", body = crate::openapi::Problem),
        (status = 415, description = "The body is not sent as `application/json`", body = crate::openapi::Problem),
        (status = 422, description = "A field breaks a rule: each named with how to fix it", body = crate::openapi::FieldProblems),
        (status = 429, description = "Too many requests, or too many wrong attendance codes; try again later", body = crate::openapi::Problem),
        (status = 503, description = "The database is unavailable or full; nothing was stored, try again in a minute", body = crate::openapi::Problem),
    )
)]
pub async fn create_application(State(state): State<AppState>, client: ClientIp, body: Bytes) -> Response {
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
#[utoipa::path(
    get,
    path = "/api/v1/applications/{status_token}",
    tag = "applications",
    summary = "An application's current outcome",
    params(("status_token" = String, Path, description = "The status token given when the application was made")),
    responses(
        (status = 200, description = "The outcome", body = ApplicationOutcome),
        (status = 404, description = "No application has that status token", body = crate::openapi::Problem),
        (status = 503, description = "The database is unavailable; try again in a minute", body = crate::openapi::Problem),
    )
)]
pub async fn get_application(
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
