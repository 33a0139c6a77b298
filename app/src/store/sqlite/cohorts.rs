//! Cohorts and their meetings: creating them, listing them, and their places.

use crate::domain::allocation::CohortPlaces;
use crate::domain::uk_time::uk_range;
use crate::errors::AppError;
use crate::models::{Cohort, Meeting, PlacesFigure};
use crate::store::NewCohort;
use chrono::{DateTime, Utc};
use sqlx::{SqliteConnection, SqlitePool};
use std::collections::HashMap;

/// Adds a cohort and its meetings in one transaction (audited when a coordinator, `by`, adds it).
pub async fn insert(pool: &SqlitePool, cohort: &NewCohort, by: Option<i64>) -> Result<i64, AppError> {
    let mut tx = super::begin_immediate(pool).await?;
    let inserted = sqlx::query_scalar::<_, i64>(
        "INSERT INTO cohort (course_id, name, intake, capacity, status, created_at)
         VALUES ((SELECT id FROM course ORDER BY id LIMIT 1), ?, ?, ?, ?, ?)
         RETURNING id",
    )
    .bind(&cohort.name)
    .bind(&cohort.intake)
    .bind(cohort.capacity)
    .bind(cohort.status)
    .bind(Utc::now())
    .fetch_one(&mut *tx)
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(AppError::invalid("name", "Another cohort has that name: choose a different one"))
        }
        Err(e) => return Err(e.into()),
    };
    for (position, (starts_at, ends_at)) in cohort.meetings.iter().enumerate() {
        sqlx::query("INSERT INTO cohort_meeting (cohort_id, position, starts_at, ends_at) VALUES (?, ?, ?, ?)")
            .bind(id)
            .bind(position as i64 + 1)
            .bind(starts_at)
            .bind(ends_at)
            .execute(&mut *tx)
            .await?;
    }
    if let Some(by) = by {
        super::coordinators::record_audit(
            &mut tx,
            &crate::store::AuditEntry {
                coordinator_id: by,
                action: "cohort.create".into(),
                subject_type: "cohort".into(),
                subject_id: Some(id),
                before: None,
                after: Some(serde_json::json!({
                    "name": cohort.name, "intake": cohort.intake, "capacity": cohort.capacity, "status": cohort.status,
                    "meetings": cohort.meetings.iter().map(|m| m.0).collect::<Vec<_>>(),
                })),
            },
            Utc::now(),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct CohortRow {
    id: i64,
    name: String,
    intake: String,
    capacity: i64,
    allocated_count: i64,
    offered_count: i64,
    status: String,
}

#[derive(sqlx::FromRow)]
struct MeetingRow {
    cohort_id: i64,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
}

/// Cohorts in order of their first meeting (drafts only when asked), with their meetings.
pub async fn list(conn: &mut SqliteConnection, include_drafts: bool) -> Result<Vec<Cohort>, AppError> {
    let rows = sqlx::query_as::<_, CohortRow>(
        "SELECT c.id, c.name, c.intake, c.capacity, c.allocated_count, c.offered_count, c.status
         FROM cohort c
         WHERE c.status <> 'draft' OR ?
         ORDER BY (SELECT min(m.starts_at) FROM cohort_meeting m WHERE m.cohort_id = c.id), c.id",
    )
    .bind(include_drafts)
    .fetch_all(&mut *conn)
    .await?;
    let mut meetings: HashMap<i64, Vec<Meeting>> = HashMap::new();
    let meeting_rows = sqlx::query_as::<_, MeetingRow>(
        "SELECT cohort_id, starts_at, ends_at FROM cohort_meeting ORDER BY cohort_id, position",
    )
    .fetch_all(&mut *conn)
    .await?;
    for m in meeting_rows {
        meetings.entry(m.cohort_id).or_default().push(Meeting {
            starts_at: m.starts_at,
            ends_at: m.ends_at,
            when_uk: uk_range(m.starts_at, m.ends_at),
        });
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let places = places_of(&row);
            Cohort {
                id: row.id,
                name: row.name,
                intake: row.intake,
                capacity: row.capacity,
                places_remaining: places.remaining(),
                status: row.status,
                meetings: meetings.remove(&row.id).unwrap_or_default(),
            }
        })
        .collect())
}

/// One cohort with its meetings.
pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<Option<Cohort>, AppError> {
    Ok(list(conn, true).await?.into_iter().find(|c| c.id == id))
}

fn places_of(row: &CohortRow) -> CohortPlaces {
    CohortPlaces {
        id: row.id,
        capacity: row.capacity,
        allocated: row.allocated_count,
        offered: row.offered_count,
        open: row.status == "open",
    }
}

/// Open cohorts of `intake`, or of the current intake (that of the earliest open cohort),
/// earliest first, with the intake they belong to.
pub async fn open_places(
    conn: &mut SqliteConnection,
    intake: Option<&str>,
) -> Result<(Option<String>, Vec<CohortPlaces>), AppError> {
    let found = open_places_and_code(conn, intake, None).await?;
    Ok((found.intake, found.places))
}

/// What a submission reads before it decides: the open cohorts, how many wait for each, and
/// the session its attendance code belongs to.
#[derive(Debug, Default)]
pub struct OpenPlaces {
    pub intake: Option<String>,
    /// Open cohorts of the intake, earliest first.
    pub places: Vec<CohortPlaces>,
    /// Cohort id → applications waiting for it.
    pub waiting: Vec<(i64, i64)>,
    /// The scheduled session the code belongs to: its id, start and end.
    pub code_session: Option<(i64, DateTime<Utc>, DateTime<Utc>)>,
}

/// [`open_places`], the waiting counts and the session an attendance code belongs to, in one
/// round trip: a submission needs them all, and every statement costs the single writer a
/// hand-off to SQLite's thread.
pub async fn open_places_and_code(
    conn: &mut SqliteConnection,
    intake: Option<&str>,
    code: Option<&str>,
) -> Result<OpenPlaces, AppError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        kind: String,
        id: i64,
        intake: Option<String>,
        capacity: Option<i64>,
        allocated_count: Option<i64>,
        offered_count: Option<i64>,
        waiting: Option<i64>,
        starts_at: Option<DateTime<Utc>>,
        ends_at: Option<DateTime<Utc>>,
    }
    let rows = sqlx::query_as::<_, Row>(
        "SELECT kind, id, intake, capacity, allocated_count, offered_count, waiting, starts_at, ends_at FROM (
             SELECT 'cohort' AS kind, c.id, c.intake, c.capacity, c.allocated_count, c.offered_count,
                    (SELECT count(*) FROM application b
                     WHERE b.state = 'waiting' AND b.intake = c.intake
                       AND (b.any_cohort = 1 OR EXISTS (
                            SELECT 1 FROM application_choice ch WHERE ch.application_id = b.id AND ch.cohort_id = c.id)))
                    AS waiting,
                    NULL AS starts_at, NULL AS ends_at,
                    (SELECT min(m.starts_at) FROM cohort_meeting m WHERE m.cohort_id = c.id) AS sort
             FROM cohort c WHERE c.status = 'open'
             UNION ALL
             SELECT 'code', t.id, NULL, NULL, NULL, NULL, NULL, t.starts_at, t.ends_at, NULL
             FROM taster_session t WHERE ?1 IS NOT NULL AND t.attendance_code_key = ?1 AND t.status = 'scheduled')
         ORDER BY kind, sort, id",
    )
    .bind(code)
    .fetch_all(&mut *conn)
    .await?;
    let code_session = rows
        .iter()
        .find(|r| r.kind == "code")
        .and_then(|r| r.starts_at.zip(r.ends_at).map(|(starts, ends)| (r.id, starts, ends)));
    let cohorts: Vec<&Row> = rows.iter().filter(|r| r.kind == "cohort").collect();
    let intake = intake.map(str::to_string).or_else(|| cohorts.first().and_then(|r| r.intake.clone()));
    let cohorts: Vec<&Row> = cohorts.into_iter().filter(|r| r.intake.is_some() && r.intake == intake).collect();
    Ok(OpenPlaces {
        places: cohorts
            .iter()
            .map(|r| CohortPlaces {
                id: r.id,
                capacity: r.capacity.unwrap_or(0),
                allocated: r.allocated_count.unwrap_or(0),
                offered: r.offered_count.unwrap_or(0),
                open: true,
            })
            .collect(),
        waiting: cohorts.iter().map(|r| (r.id, r.waiting.unwrap_or(0))).collect(),
        intake,
        code_session,
    })
}

/// The places of one cohort, whatever its status.
pub async fn places(conn: &mut SqliteConnection, id: i64) -> Result<Option<CohortPlaces>, AppError> {
    let row = sqlx::query_as::<_, CohortRow>(
        "SELECT id, name, intake, capacity, allocated_count, offered_count, status FROM cohort WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.as_ref().map(places_of))
}

/// Every published cohort's places, earliest first: what the live counter shows.
pub async fn places_figures(pool: &SqlitePool) -> Result<Vec<PlacesFigure>, AppError> {
    let rows: Vec<(i64, String, String, i64, i64, String)> = sqlx::query_as(
        "SELECT c.id, c.name, c.intake, c.capacity, max(c.capacity - c.allocated_count - c.offered_count, 0), c.status
         FROM cohort c WHERE c.status <> 'draft'
         ORDER BY (SELECT min(m.starts_at) FROM cohort_meeting m WHERE m.cohort_id = c.id), c.id",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, intake, capacity, places_remaining, status)| PlacesFigure {
            id,
            name,
            intake,
            capacity,
            places_remaining,
            status,
        })
        .collect())
}
