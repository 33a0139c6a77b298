//! Taster sessions: reading the calendar and adding sessions.

use super::db::{sql, Db};
use crate::domain::application::FormOptions;
use crate::domain::uk_time;
use crate::errors::AppError;
use crate::models::{TasterSession, TasterStatus};
use chrono::{DateTime, Utc};

#[derive(sqlx::FromRow)]
struct TasterRow {
    id: i64,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    zoom_url: String,
    meeting_id: String,
    passcode: String,
    status: String,
    updated_at: DateTime<Utc>,
}

impl From<TasterRow> for TasterSession {
    fn from(row: TasterRow) -> Self {
        TasterSession {
            id: row.id,
            starts_at: row.starts_at,
            ends_at: row.ends_at,
            uk_day: uk_time::uk_day(row.starts_at),
            when_uk: uk_time::uk_range(row.starts_at, row.ends_at),
            uk_offset_minutes: uk_time::uk_offset_minutes(row.starts_at),
            zoom_url: row.zoom_url,
            meeting_id: row.meeting_id,
            passcode: row.passcode,
            status: TasterStatus::from_stored(&row.status),
            updated_at: row.updated_at,
        }
    }
}

/// Sessions that end after `now`, earliest first (the attendance code is never selected).
pub async fn ending_after(db: &Db, now: DateTime<Utc>) -> Result<Vec<TasterSession>, AppError> {
    let rows: Vec<TasterRow> = sql("SELECT id, starts_at, ends_at, zoom_url, meeting_id, passcode, status, updated_at
         FROM taster_session WHERE ends_at > $1 ORDER BY starts_at, id")
    .bind(now)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(TasterSession::from).collect())
}

/// The start, end and attendance code of the last scheduled session that started before `now`.
pub async fn latest_past_code(
    db: &Db,
    now: DateTime<Utc>,
) -> Result<Option<(DateTime<Utc>, DateTime<Utc>, String)>, AppError> {
    Ok(sql("SELECT starts_at, ends_at, attendance_code FROM taster_session
         WHERE starts_at < $1 AND status = 'scheduled' ORDER BY starts_at DESC LIMIT 1")
    .bind(now)
    .fetch_optional(db)
    .await?)
}

/// Every session, earliest first.
pub async fn all(db: &Db) -> Result<Vec<TasterSession>, AppError> {
    let rows: Vec<TasterRow> = sql(
        "SELECT id, starts_at, ends_at, zoom_url, meeting_id, passcode, status, updated_at FROM taster_session ORDER BY starts_at, id",
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(TasterSession::from).collect())
}

/// One session by id.
pub async fn get(db: &Db, id: i64) -> Result<Option<TasterSession>, AppError> {
    let row: Option<TasterRow> = sql(
        "SELECT id, starts_at, ends_at, zoom_url, meeting_id, passcode, status, updated_at FROM taster_session WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(TasterSession::from))
}

/// Scheduled sessions that started by `now`, most recent first.
pub async fn started_before(db: &Db, now: DateTime<Utc>) -> Result<Vec<TasterSession>, AppError> {
    let rows: Vec<TasterRow> = sql("SELECT id, starts_at, ends_at, zoom_url, meeting_id, passcode, status, updated_at
         FROM taster_session WHERE starts_at <= $1 AND status = 'scheduled' ORDER BY starts_at DESC, id DESC")
    .bind(now)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(TasterSession::from).collect())
}

/// The joining form's options: open cohorts of the current intake, sessions started by `until`.
pub async fn form_options(db: &Db, until: DateTime<Utc>) -> Result<FormOptions, AppError> {
    // One round trip: this runs before every submission.
    let rows: Vec<(String, i64)> = sql(
        "WITH open_cohort AS (
             SELECT c.id, c.intake, (SELECT min(m.starts_at) FROM cohort_meeting m WHERE m.cohort_id = c.id) AS first_meeting
             FROM cohort c WHERE c.status = 'open')
         SELECT kind, id FROM (
             SELECT 'cohort' AS kind, id, first_meeting AS sort FROM open_cohort
             WHERE intake = (SELECT intake FROM open_cohort ORDER BY first_meeting, id LIMIT 1)
             UNION ALL
             SELECT 'taster', id, starts_at FROM taster_session WHERE starts_at <= $1 AND status = 'scheduled') AS options
         ORDER BY kind, sort, id",
    )
    .bind(until)
    .fetch_all(db)
    .await?;
    let ids = |kind: &str| rows.iter().filter(|r| r.0 == kind).map(|r| r.1).collect();
    Ok(FormOptions { open_cohort_ids: ids("cohort"), attended_taster_ids: ids("taster") })
}

/// The start, end and whether it is cancelled of the session whose code has this key.
pub async fn by_code(db: &Db, code_key: &str) -> Result<Option<(DateTime<Utc>, DateTime<Utc>, bool)>, AppError> {
    Ok(sql("SELECT starts_at, ends_at, status = 'cancelled' FROM taster_session WHERE attendance_code_key = $1")
        .bind(code_key)
        .fetch_optional(db)
        .await?)
}

/// Whether any session or cohort has been created yet.
pub async fn has_schedule(db: &Db) -> Result<bool, AppError> {
    Ok(sql("SELECT EXISTS (SELECT 1 FROM taster_session) OR EXISTS (SELECT 1 FROM cohort)").scalar::<bool>(db).await?)
}
