//! The JSON API's contract: an OpenAPI 3.1 document generated from the handlers and types of
//! `api.rs` and `events.rs`, served at `/api/v1/openapi.json`. `docs/openapi.json` is a copy
//! that a test keeps in step (server/tests/openapi.rs); `docs/api.md` explains it in prose.

use axum::Json;
use std::collections::BTreeMap;
use utoipa::{OpenApi, ToSchema};

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "enrol JSON API",
        version = "1",
        description = "Cohorts, taster sessions and applications for the Compassionate leadership course: \
            the same checks and allocation rules as the joining form. Instants are RFC 3339 in UTC. \
            See docs/api.md."
    ),
    paths(
        crate::api::list_cohorts,
        crate::api::list_tasters,
        crate::api::create_application,
        crate::api::get_application,
        crate::events::events,
    ),
    tags(
        (name = "cohorts", description = "The cohorts and their places"),
        (name = "tasters", description = "Free taster sessions on Zoom"),
        (name = "applications", description = "Applying for a place and following it"),
        (name = "live", description = "Live figures as server-sent events"),
    )
)]
pub struct ApiDoc;

/// `GET /api/v1/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// The answer to input that breaks a rule (422) or is not JSON at all (400): each field named
/// with how to fix it (`body` for the request as a whole).
#[derive(ToSchema)]
#[allow(dead_code)] // Describes the JSON that `api.rs` builds; never built from this type.
pub struct FieldProblems {
    errors: BTreeMap<String, String>,
}

/// Any other problem (404, 409, 415, 429, 503): what happened and what to do, with the field
/// it concerns in `errors` where there is one.
#[derive(ToSchema)]
#[allow(dead_code)] // As above.
pub struct Problem {
    error: String,
    errors: Option<BTreeMap<String, String>>,
}

/// The answer to "Are you a nurse advocate?".
#[derive(ToSchema, serde::Serialize)]
#[allow(dead_code)] // As above.
#[serde(rename_all = "snake_case")]
pub enum NurseAdvocateAnswer {
    Yes,
    InTraining,
    No,
}
