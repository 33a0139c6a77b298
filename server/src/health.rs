//! `GET /healthz`: 200 when the database answers reads and the writer can commit, 503 when
//! either fails (a load balancer then stops sending traffic here until it recovers).

use app::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

/// Checks the database with a trivial query and the writer with a real commit.
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    if state.store.ping().await.is_err() {
        return (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "unavailable", "database": "unreachable" })));
    }
    if !state.store.can_write().await {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable", "database": "ok", "writes": "failing" })),
        );
    }
    (StatusCode::OK, Json(json!({ "status": "ok", "database": "ok", "writes": "ok" })))
}
