//! Reading the event table back (the workflow writes it, in `rows.rs`).

use crate::errors::AppError;
use crate::workflow::{Event, Recorded};
use chrono::{DateTime, Utc};
use sqlx::SqlitePool;

/// Events after `after`, oldest first, at most `limit`. A row whose JSON no longer reads as an
/// event is skipped with an error in the log, never a failure of every follower.
pub async fn after(pool: &SqlitePool, after: i64, limit: i64) -> Result<Vec<Recorded>, AppError> {
    let rows: Vec<(i64, DateTime<Utc>, String)> =
        sqlx::query_as("SELECT id, at, data FROM event WHERE id > ? ORDER BY id LIMIT ?")
            .bind(after)
            .bind(limit)
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, at, data)| match serde_json::from_str::<Event>(&data) {
            Ok(event) => Some(Recorded { id, at, event }),
            Err(error) => {
                tracing::error!(id, %error, "an event could not be read");
                None
            }
        })
        .collect())
}

/// The newest event's id, or 0.
pub async fn last_id(pool: &SqlitePool) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM event").fetch_one(pool).await?)
}
