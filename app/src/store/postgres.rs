//! The PostgreSQL backend: several instances of enrol on one database, each with its own
//! writer, every rule holding across them.
//!
//! How changes stay correct across instances: every workflow step runs in a batch of its
//! instance's writer (`writer.rs`), and each batch first takes the transaction-scoped advisory
//! lock [`WORKFLOW_LOCK`]. Batches from all instances therefore run one after another: each
//! reads what every earlier batch committed (READ COMMITTED, each statement a fresh snapshot
//! taken after the lock is held), and nothing changes those rows before it commits. One lock,
//! so no deadlock; no read-then-write race, so no serialisation failure to retry. The lock is
//! held per batch, not per change: a batch commits up to 128 changes with one fsync, so the
//! instances take turns in batches. Event ids are drawn while the lock is held, so they commit
//! in increasing order (see the `event` table's comment). Offer expiry runs as a writer step
//! too, so an offer lapses once, and passes on once, whichever instances try at once.
//!
//! How every instance hears of a change: the `event` table announces each committed insert on
//! the channel [`EVENT_CHANNEL`] (ids only); each instance listens with `PgListener` and ticks
//! its store's change signal, and its followers (live figures, page cache, status pages) read
//! the new events from the table. After a lost connection the listener reconnects and ticks
//! once, so whatever was missed is read then.

use super::db::Db;
use super::writer::{Connector, Writer};
use super::OpenError;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

/// The advisory lock every writer batch holds while it runs (any number, fixed for enrol).
pub const WORKFLOW_LOCK: i64 = 0x656e_726f_6c; // "enrol"

/// The channel new events are announced on.
pub const EVENT_CHANNEL: &str = "enrol_event";

/// Connects, applies the migrations (sqlx takes an advisory lock, so instances starting
/// together migrate once), starts this instance's writer and listens for events. It is
/// listening before it returns, so no change another instance commits after that is missed.
pub async fn open(url: &str) -> Result<(Db, Writer), OpenError> {
    let options = PgConnectOptions::from_str(url)?;
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options.clone())
        .await?;
    sqlx::migrate!("../migrations/postgres").run(&pool).await?;
    let writer = Writer::start(Connector::Postgres(options, WORKFLOW_LOCK)).await?;
    let mut listener = PgListener::connect_with(&pool).await?;
    listener.listen(EVENT_CHANNEL).await?;
    tokio::spawn(follow_announcements(listener, writer.clone()));
    Ok((Db::Postgres(pool), writer))
}

/// Ticks the writer's change signal for every announcement from any instance, and once after
/// each reconnection; ends when the pool closes.
async fn follow_announcements(mut listener: PgListener, writer: Writer) {
    loop {
        match listener.try_recv().await {
            Ok(Some(_)) => writer.announce(),
            Ok(None) => {
                // The connection was lost; the next call reconnects and listens again. What
                // was announced meanwhile is read from the event table.
                tracing::warn!("lost the connection that listens for other instances' changes");
                writer.announce();
            }
            Err(sqlx::Error::PoolClosed) => return,
            Err(error) => {
                tracing::warn!(%error, "listening for other instances' changes failed; trying again");
                tokio::time::sleep(Duration::from_secs(1)).await;
                writer.announce();
            }
        }
    }
}
