//! The store: every SQL statement of enrol lives below this module (server only).
//!
//! `Store` is what the rest of the code holds. It dispatches to one module per database
//! backend; the rules of the course stay in `domain`, so a new backend only adds SQL.

mod sqlite;

use crate::errors::AppError;
use crate::models::{Course, TasterSession};
use chrono::{DateTime, Utc};

/// Where the embedded database lives when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/enrol.db";

/// A connection pool to the configured database.
#[derive(Clone, Debug)]
pub struct Store {
    backend: Backend,
}

#[derive(Clone, Debug)]
enum Backend {
    Sqlite(sqlx::SqlitePool),
}

/// Why the store could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("DATABASE_URL must start with sqlite:// (PostgreSQL support is not available yet), got {0:?}")]
    UnsupportedUrl(String),
    #[error("could not open the database: {0}")]
    Connect(#[from] sqlx::Error),
    #[error("could not create the database folder {path}: {source}")]
    Folder { path: String, source: std::io::Error },
    #[error("could not apply the database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl Store {
    /// Opens (creating if needed) and migrates the database at `url`.
    pub async fn open(url: &str) -> Result<Self, OpenError> {
        if url.starts_with("sqlite:") {
            let pool = sqlite::open(url).await?;
            Ok(Self { backend: Backend::Sqlite(pool) })
        } else {
            Err(OpenError::UnsupportedUrl(redact(url)))
        }
    }

    /// Checks the database answers a trivial query.
    pub async fn ping(&self) -> Result<(), AppError> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::ping(pool).await,
        }
    }

    /// Closes every connection; later calls fail with `Unavailable`.
    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite(pool) => pool.close().await,
        }
    }

    /// The course and its page sections, if a course exists.
    pub async fn course(&self) -> Result<Option<Course>, AppError> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::course::load(pool).await,
        }
    }

    /// Taster sessions that have not ended by `now`, earliest first.
    pub async fn upcoming_tasters(&self, now: DateTime<Utc>) -> Result<Vec<TasterSession>, AppError> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::tasters::ending_after(pool, now).await,
        }
    }

    /// The start, end and attendance code of the last session that started before `now`.
    pub async fn latest_past_taster_code(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Option<(DateTime<Utc>, DateTime<Utc>, String)>, AppError> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::tasters::latest_past_code(pool, now).await,
        }
    }

    /// Adds a taster session; returns its id.
    pub async fn insert_taster(&self, taster: &NewTaster) -> Result<i64, AppError> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::tasters::insert(pool, taster).await,
        }
    }

    /// Adds a cohort with its meetings; returns its id.
    pub async fn insert_cohort(&self, cohort: &NewCohort) -> Result<i64, AppError> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::cohorts::insert(pool, cohort).await,
        }
    }

    /// Adds a coordinator account; returns its id.
    pub async fn insert_coordinator(&self, coordinator: &NewCoordinator) -> Result<i64, AppError> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::coordinators::insert(pool, coordinator).await,
        }
    }

    /// Whether any taster session or cohort exists (demo data is only seeded into an empty store).
    pub async fn has_schedule(&self) -> Result<bool, AppError> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::tasters::has_schedule(pool).await,
        }
    }
}

/// A taster session to create.
#[derive(Clone, Debug)]
pub struct NewTaster {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub zoom_url: String,
    pub meeting_id: String,
    pub passcode: String,
    pub attendance_code: String,
}

/// A cohort to create, with its meetings' start and end instants.
#[derive(Clone, Debug)]
pub struct NewCohort {
    pub name: String,
    pub intake: String,
    pub capacity: i64,
    pub status: &'static str,
    pub meetings: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

/// A coordinator account to create, with its password already hashed.
#[derive(Clone, Debug)]
pub struct NewCoordinator {
    pub email: String,
    pub name: String,
    pub role: &'static str,
    pub password_hash: String,
}

/// The URL without its password, fit for a log line or an error message.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => format!("{}://…@{}", &url[..scheme_end], &url[at + 1..]),
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_with_a_password_is_redacted() {
        assert_eq!(redact("postgres://enrol:secret@db:5432/enrol"), "postgres://…@db:5432/enrol");
        assert_eq!(redact("sqlite://data/enrol.db"), "sqlite://data/enrol.db");
    }
}
