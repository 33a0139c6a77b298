//! Cohorts and their meetings.

use crate::errors::AppError;
use crate::store::NewCohort;
use chrono::Utc;
use sqlx::SqlitePool;

/// Adds a cohort and its meetings in one transaction.
pub async fn insert(pool: &SqlitePool, cohort: &NewCohort) -> Result<i64, AppError> {
    let mut tx = pool.begin().await?;
    let id = sqlx::query_scalar::<_, i64>(
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
    .await?;
    for (position, (starts_at, ends_at)) in cohort.meetings.iter().enumerate() {
        sqlx::query("INSERT INTO cohort_meeting (cohort_id, position, starts_at, ends_at) VALUES (?, ?, ?, ?)")
            .bind(id)
            .bind(position as i64 + 1)
            .bind(starts_at)
            .bind(ends_at)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(id)
}
