//! The SQLite backend: the embedded default, a single file under `data/`.

pub mod admin;
pub mod cohorts;
pub mod coordinators;
pub mod course;
pub mod events;
pub mod rows;
pub mod tasters;
pub mod writer;
pub mod zoom;

use super::OpenError;
use crate::errors::AppError;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, SqlitePool};
use std::str::FromStr;
use std::time::Duration;
use writer::Writer;

/// The SQLite backend's handles: a pool for reads and the single writer.
#[derive(Clone, Debug)]
pub struct Sqlite {
    pub pool: SqlitePool,
    pub writer: Writer,
}

impl Sqlite {
    /// Opens the file (creating it and its folder on first start), applies the migrations and
    /// starts the writer on a connection of its own.
    pub async fn open(url: &str) -> Result<Self, OpenError> {
        let (pool, options) = open_pool(url).await?;
        let writer = Writer::start(options.connect().await?, options);
        Ok(Self { pool, writer })
    }

    /// Checks the database answers.
    pub async fn ping(&self) -> Result<(), AppError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

async fn open_pool(url: &str) -> Result<(SqlitePool, SqliteConnectOptions), OpenError> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        // WAL lets readers carry on while the single writer commits.
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: an application we acknowledged survives a power cut, not just a crash.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        // Writers queue for the lock instead of failing at once.
        .busy_timeout(Duration::from_secs(10));
    if let Some(folder) = options.get_filename().parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder)
            .map_err(|source| OpenError::Folder { path: folder.display().to_string(), source })?;
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options.clone())
        .await?;
    sqlx::migrate!("../migrations/sqlite").run(&pool).await?;
    Ok((pool, options))
}

/// A write transaction that takes SQLite's write lock at once. A deferred transaction that
/// reads before it writes fails at once (SQLITE_BUSY, no waiting) when another connection
/// commits in between; taking the lock first makes it wait its turn instead.
pub async fn begin_immediate(pool: &SqlitePool) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
    pool.begin_with("BEGIN IMMEDIATE").await
}
