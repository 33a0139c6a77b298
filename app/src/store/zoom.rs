//! Uploaded Zoom participant reports and their match queue.

use super::db::{sql, sql_assembled, Db};
use crate::domain::allocation::AllocationState;
use crate::domain::matching::Candidate;
use crate::domain::uk_time::{uk_clock, uk_date, uk_range};
use crate::errors::AppError;
use crate::models::{AttendeeState, ImportAttendee, ImportDetail, ImportSummary, LikelyApplication};
use chrono::{DateTime, Utc};

/// Active applications an attendee may be (read outside any write transaction: matching a
/// report against them takes a while and must not hold up applicants' submissions).
pub async fn candidates(db: &Db) -> Result<Vec<Candidate>, AppError> {
    let rows: Vec<(i64, String, String)> = sql("SELECT id, name, email FROM application
         WHERE state IN ('awaiting_attendance', 'allocated', 'waiting', 'offered') ORDER BY id")
    .fetch_all(db)
    .await?;
    Ok(rows.iter().map(|(id, name, email)| Candidate::new(*id, name, email)).collect())
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
        session_minutes: (ends - starts).num_minutes(),
    }
}

/// The pending attendees of a report with no suggested application: id, name, email.
pub async fn unmatched(db: &Db, import_id: i64) -> Result<Vec<(i64, String, Option<String>)>, AppError> {
    Ok(sql("SELECT id, name, email FROM zoom_attendee
         WHERE import_id = $1 AND state = 'pending' AND application_id IS NULL ORDER BY id")
    .bind(import_id)
    .fetch_all(db)
    .await?)
}

/// The pending attendees of a report whose suggested application has their Zoom email.
pub async fn email_matches(db: &Db, import_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(sql("SELECT id FROM zoom_attendee
         WHERE import_id = $1 AND state = 'pending' AND match_kind = 'email' AND application_id IS NOT NULL
         ORDER BY id")
    .bind(import_id)
    .scalars(db)
    .await?)
}

/// Every uploaded report, newest first.
pub async fn imports(db: &Db) -> Result<Vec<ImportSummary>, AppError> {
    let rows: Vec<SummaryRow> = sql_assembled(format!("{SUMMARY} ORDER BY i.id DESC")).fetch_all(db).await?;
    Ok(rows.into_iter().map(summary).collect())
}

/// A report's match queue.
pub async fn import(db: &Db, id: i64) -> Result<Option<ImportDetail>, AppError> {
    let row: Option<SummaryRow> =
        sql_assembled(format!("{SUMMARY} WHERE i.id = $1")).bind(id).fetch_optional(db).await?;
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
    )> = sql(
        "SELECT z.id, z.name, z.email, z.minutes, z.state, a.id, a.reference, a.name, a.email, a.state, z.match_kind
             FROM zoom_attendee z LEFT JOIN application a ON a.id = z.application_id
             WHERE z.import_id = $1 ORDER BY z.state <> 'pending', z.id",
    )
    .bind(id)
    .fetch_all(db)
    .await?;
    let awaiting: Vec<(i64, String, String, String, String)> =
        sql("SELECT id, reference, name, email, state FROM application WHERE state = 'awaiting_attendance'
         ORDER BY lower(name), id")
        .fetch_all(db)
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
                    state: AttendeeState::parse(&state).unwrap_or(AttendeeState::Pending),
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
