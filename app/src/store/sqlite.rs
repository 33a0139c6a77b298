//! The SQLite backend: the embedded default, a single file under `data/`, with one writer.

use super::db::Db;
use super::writer::{Connector, Writer};
use super::OpenError;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

/// Opens the file (creating it and its folder on first start), applies the migrations and
/// starts the writer on a connection of its own.
pub async fn open(url: &str) -> Result<(Db, Writer), OpenError> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        // WAL lets readers carry on while the single writer commits.
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: an application we acknowledged survives a power cut, not just a crash.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        // Writers queue for the lock instead of failing at once.
        .busy_timeout(Duration::from_secs(10))
        // Deleted and overwritten content is zeroed in the file, so erased personal data
        // cannot be read back from free pages (see `privacy::seal`).
        .pragma("secure_delete", "ON");
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
    let writer = Writer::start(Connector::Sqlite(options)).await?;
    Ok((Db::Sqlite(pool), writer))
}
