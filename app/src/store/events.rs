//! Reading the event table back (the workflow writes it, through `rows.rs`).

use super::db::{sql, Db};
use crate::errors::AppError;
use crate::workflow::{Event, Recorded};
use chrono::{DateTime, Utc};

/// Events after `after`, oldest first, at most `limit`. A row whose JSON no longer reads as an
/// event is skipped with an error in the log, never a failure of every follower.
pub async fn after(db: &Db, after: i64, limit: i64) -> Result<Vec<Recorded>, AppError> {
    let rows: Vec<(i64, DateTime<Utc>, String)> =
        sql("SELECT id, at, data FROM event WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after)
            .bind(limit)
            .fetch_all(db)
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
pub async fn last_id(db: &Db) -> Result<i64, AppError> {
    Ok(sql("SELECT CAST(coalesce(max(id), 0) AS BIGINT) FROM event").scalar(db).await?)
}
