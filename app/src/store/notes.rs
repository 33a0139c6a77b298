//! Coordinators' notes on an application: written by the writer with an audit entry that
//! says a note was added (never its words, since the audit log cannot be erased), read for the
//! application's page and a person's data, deleted when the person's data is erased.

use super::db::{sql, Conn, Db};
use crate::domain::uk_time::{uk_clock, uk_date};
use crate::errors::AppError;
use crate::models::ApplicationNote;
use chrono::{DateTime, Utc};

/// The longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;

/// Stores a note; returns its id.
pub async fn add(
    conn: &mut Conn<'_>,
    application_id: i64,
    by: i64,
    body: &str,
    at: DateTime<Utc>,
) -> Result<i64, AppError> {
    Ok(sql("INSERT INTO application_note (application_id, coordinator_id, body, created_at) VALUES ($1, $2, $3, $4)
         RETURNING id")
    .bind(application_id)
    .bind(by)
    .bind(body)
    .bind(at)
    .scalar(conn)
    .await?)
}

/// An application's notes, oldest first, with who wrote each.
pub async fn list(db: &Db, application_id: i64) -> Result<Vec<ApplicationNote>, AppError> {
    let rows: Vec<(String, String, DateTime<Utc>)> =
        sql("SELECT c.name, n.body, n.created_at FROM application_note n JOIN coordinator c ON c.id = n.coordinator_id
         WHERE n.application_id = $1 ORDER BY n.created_at, n.id")
        .bind(application_id)
        .fetch_all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(by, body, at)| ApplicationNote { by, body, written_uk: format!("{}, {}", uk_date(at), uk_clock(at)) })
        .collect())
}

/// Deletes an application's notes (its personal data is being erased).
pub async fn forget(conn: &mut Conn<'_>, application_id: i64) -> Result<(), AppError> {
    sql("DELETE FROM application_note WHERE application_id = $1").bind(application_id).execute(conn).await?;
    Ok(())
}
