//! Cohorts and their meetings as pages list them, and the live counter's figures.

use super::db::{sql, Conn, Db};
use crate::domain::allocation::CohortPlaces;
use crate::domain::uk_time::uk_range;
use crate::errors::AppError;
use crate::models::{Cohort, CohortStatus, Meeting, PlacesFigure};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

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
pub async fn list(conn: &mut Conn<'_>, include_drafts: bool) -> Result<Vec<Cohort>, AppError> {
    let rows: Vec<CohortRow> =
        sql("SELECT c.id, c.name, c.intake, c.capacity, c.allocated_count, c.offered_count, c.status
         FROM cohort c
         WHERE c.status <> 'draft' OR $1
         ORDER BY (SELECT min(m.starts_at) FROM cohort_meeting m WHERE m.cohort_id = c.id), c.id")
        .bind(include_drafts)
        .fetch_all(&mut *conn)
        .await?;
    let mut meetings: HashMap<i64, Vec<Meeting>> = HashMap::new();
    let meeting_rows: Vec<MeetingRow> =
        sql("SELECT cohort_id, starts_at, ends_at FROM cohort_meeting ORDER BY cohort_id, position")
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
                status: CohortStatus::parse(&row.status).unwrap_or(CohortStatus::Closed),
                meetings: meetings.remove(&row.id).unwrap_or_default(),
            }
        })
        .collect())
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

/// Every published cohort's places, earliest first: what the live counter shows.
pub async fn places_figures(db: &Db) -> Result<Vec<PlacesFigure>, AppError> {
    let rows: Vec<(i64, String, String, i64, i64, String)> = sql("SELECT c.id, c.name, c.intake, c.capacity,
                CASE WHEN c.capacity > c.allocated_count + c.offered_count
                     THEN c.capacity - c.allocated_count - c.offered_count ELSE 0 END,
                c.status
         FROM cohort c WHERE c.status <> 'draft'
         ORDER BY (SELECT min(m.starts_at) FROM cohort_meeting m WHERE m.cohort_id = c.id), c.id")
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, intake, capacity, places_remaining, status)| PlacesFigure {
            id,
            name,
            intake,
            capacity,
            places_remaining,
            status: CohortStatus::parse(&status).unwrap_or(CohortStatus::Closed),
        })
        .collect())
}
