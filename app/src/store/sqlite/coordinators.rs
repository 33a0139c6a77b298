//! Coordinator accounts.

use crate::errors::AppError;
use crate::store::NewCoordinator;
use chrono::Utc;
use sqlx::SqlitePool;

/// Adds an account; an address already in use is a conflict.
pub async fn insert(pool: &SqlitePool, coordinator: &NewCoordinator) -> Result<i64, AppError> {
    let result = sqlx::query_scalar::<_, i64>(
        "INSERT INTO coordinator (email, email_key, name, role, password_hash, created_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&coordinator.email)
    .bind(coordinator.email.to_lowercase())
    .bind(&coordinator.name)
    .bind(coordinator.role)
    .bind(&coordinator.password_hash)
    .bind(Utc::now())
    .fetch_one(pool)
    .await;
    match result {
        Ok(id) => Ok(id),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            Err(AppError::Conflict("A coordinator with that email address already exists".into()))
        }
        Err(e) => Err(e.into()),
    }
}
