//! Uploaded Zoom participant reports and their match queue.

use super::coordinators::record_audit;
use crate::domain::allocation::AllocationState;
use crate::domain::matching::{Candidate, MatchKind};
use crate::domain::uk_time::{uk_clock, uk_date, uk_range};
use crate::domain::zoom_report::Report;
use crate::errors::AppError;
use crate::models::{ImportAttendee, ImportDetail, ImportSummary, LikelyApplication};
use crate::store::AuditEntry;
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{SqliteConnection, SqlitePool};

/// Active applications an attendee may be (read outside any write transaction: matching a
/// report against them takes a while and must not hold up applicants' submissions).
pub async fn candidates(pool: &SqlitePool) -> Result<Vec<Candidate>, AppError> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, name, email FROM application
         WHERE state IN ('awaiting_attendance', 'allocated', 'waiting', 'offered') ORDER BY id",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.iter().map(|(id, name, email)| Candidate::new(*id, name, email)).collect())
}

/// Stores a report for a session with each attendee's likely application, already worked out
/// (`matches`, one per attendee, in order). Audited.
pub async fn create_import(
    pool: &SqlitePool,
    taster_session_id: i64,
    filename: &str,
    report: &Report,
    matches: &[Option<(i64, MatchKind)>],
    by: i64,
) -> Result<i64, AppError> {
    let mut tx = super::begin_immediate(pool).await?;
    let now = Utc::now();
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM taster_session WHERE id = ?")
        .bind(taster_session_id)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        return Err(AppError::invalid("taster_session_id", "Choose the taster session the report is from"));
    }
    let import_id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO zoom_import (taster_session_id, uploaded_by, uploaded_at, filename, row_count) VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(taster_session_id)
    .bind(by)
    .bind(now)
    .bind(filename)
    .bind(report.rows as i64)
    .fetch_one(&mut *tx)
    .await?;
    for (attendee, matched) in report.attendees.iter().zip(matches) {
        sqlx::query(
            "INSERT INTO zoom_attendee (import_id, name, email, minutes, application_id, match_kind) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(import_id)
        .bind(&attendee.name)
        .bind(&attendee.email)
        .bind(attendee.minutes)
        .bind(matched.map(|m| m.0))
        .bind(matched.map(|m| m.1.as_str()))
        .execute(&mut *tx)
        .await?;
    }
    record_audit(
        &mut tx,
        &AuditEntry {
            coordinator_id: by,
            action: "attendance.import".into(),
            subject_type: "zoom_import".into(),
            subject_id: Some(import_id),
            before: None,
            after: Some(json!({
                "taster_session_id": taster_session_id, "filename": filename,
                "rows": report.rows, "attendees": report.attendees.len(),
            })),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(import_id)
}

type SummaryRow = (i64, DateTime<Utc>, DateTime<Utc>, DateTime<Utc>, String, i64, i64, i64);

const SUMMARY: &str = "SELECT i.id, t.starts_at, t.ends_at, i.uploaded_at, i.filename,
        (SELECT count(*) FROM zoom_attendee z WHERE z.import_id = i.id AND z.state = 'pending'),
        (SELECT count(*) FROM zoom_attendee z WHERE z.import_id = i.id AND z.state = 'confirmed'),
        (SELECT count(*) FROM zoom_attendee z WHERE z.import_id = i.id AND z.state = 'rejected')
     FROM zoom_import i JOIN taster_session t ON t.id = i.taster_session_id";

fn summary((id, starts, ends, uploaded, filename, pending, confirmed, rejected): SummaryRow) -> ImportSummary {
    ImportSummary {
        id,
        taster_when_uk: uk_range(starts, ends),
        uploaded_uk: format!("{}, {}", uk_date(uploaded), uk_clock(uploaded)),
        filename,
        pending,
        confirmed,
        rejected,
    }
}

/// Every uploaded report, newest first.
pub async fn imports(pool: &SqlitePool) -> Result<Vec<ImportSummary>, AppError> {
    let rows: Vec<SummaryRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SUMMARY} ORDER BY i.id DESC"))).fetch_all(pool).await?;
    Ok(rows.into_iter().map(summary).collect())
}

/// A report's match queue.
pub async fn import(pool: &SqlitePool, id: i64) -> Result<Option<ImportDetail>, AppError> {
    let row: Option<SummaryRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SUMMARY} WHERE i.id = ?"))).bind(id).fetch_optional(pool).await?;
    let Some(row) = row else { return Ok(None) };
    #[allow(clippy::type_complexity)]
    let attendees: Vec<(
        i64,
        String,
        Option<String>,
        i64,
        String,
        Option<i64>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    )> = sqlx::query_as(
        "SELECT z.id, z.name, z.email, z.minutes, z.state, a.id, a.reference, a.name, a.email, a.state, z.match_kind
             FROM zoom_attendee z LEFT JOIN application a ON a.id = z.application_id
             WHERE z.import_id = ? ORDER BY z.state <> 'pending', z.id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    let awaiting: Vec<(i64, String, String, String, String)> = sqlx::query_as(
        "SELECT id, reference, name, email, state FROM application WHERE state = 'awaiting_attendance' ORDER BY name COLLATE NOCASE",
    )
    .fetch_all(pool)
    .await?;
    Ok(Some(ImportDetail {
        summary: summary(row),
        attendees: attendees
            .into_iter()
            .map(|(id, name, email, minutes, state, app_id, reference, app_name, app_email, app_state, kind)| {
                ImportAttendee {
                    id,
                    name,
                    email,
                    minutes,
                    likely: match (
                        app_id,
                        reference,
                        app_name,
                        app_email,
                        app_state.as_deref().and_then(AllocationState::parse),
                    ) {
                        (Some(id), Some(reference), Some(name), Some(email), Some(state)) => Some(LikelyApplication {
                            id,
                            reference,
                            name,
                            email,
                            state,
                            kind: kind.unwrap_or_default(),
                        }),
                        _ => None,
                    },
                    state,
                }
            })
            .collect(),
        awaiting: awaiting
            .into_iter()
            .filter_map(|(id, reference, name, email, state)| {
                Some(LikelyApplication {
                    id,
                    reference,
                    name,
                    email,
                    state: AllocationState::parse(&state)?,
                    kind: String::new(),
                })
            })
            .collect(),
    }))
}

/// The import and session an attendee belongs to, and its state.
pub async fn attendee(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<(i64, i64, String, Option<i64>)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT z.import_id, i.taster_session_id, z.state, z.application_id
         FROM zoom_attendee z JOIN zoom_import i ON i.id = z.import_id WHERE z.id = ?",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// Marks an attendee decided (confirmed against `application_id`, or rejected), audited.
pub async fn decide(
    conn: &mut SqliteConnection,
    id: i64,
    confirmed: bool,
    application_id: Option<i64>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let state = if confirmed { "confirmed" } else { "rejected" };
    sqlx::query(
        "UPDATE zoom_attendee SET state = ?, application_id = coalesce(?, application_id), decided_by = ?, decided_at = ?
         WHERE id = ? AND state = 'pending'",
    )
    .bind(state)
    .bind(application_id)
    .bind(by)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    record_audit(
        conn,
        &AuditEntry {
            coordinator_id: by,
            action: format!("attendance.{}", if confirmed { "confirm_match" } else { "reject_match" }),
            subject_type: "zoom_attendee".into(),
            subject_id: Some(id),
            before: Some(json!({ "state": "pending" })),
            after: Some(json!({ "state": state, "application_id": application_id })),
        },
        now,
    )
    .await
}
