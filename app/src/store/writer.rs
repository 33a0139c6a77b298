//! The single writer: every change to applications and places runs on one dedicated
//! connection, one job after another, and jobs that arrive together commit together.
//!
//! Why: SQLite allows one writer at a time. With a pool of writers, a deferred transaction
//! that reads then writes fails with SQLITE_BUSY when another commits in between, and
//! `BEGIN IMMEDIATE` on many connections queues them on a sleeping busy handler (the probe saw
//! a p99 of 715 ms for 50 writers). Here the queue is an in-memory channel instead: each
//! batch is one transaction that holds the write lock from its start, so every job reads and
//! writes with nobody else writing in between — the allocation rules hold by construction —
//! and a job that fails leaves nothing behind while its neighbours still commit. A savepoint
//! costs a trip to the database (on SQLite a hand-over to the connection's own thread), so a
//! batch first runs without them; if a job fails, the batch is rolled back and run again with
//! a savepoint per job (a job can run more than once, and only its last run's answer is
//! delivered). On PostgreSQL a batch without savepoints also keeps its new applications and
//! stores them together, one statement for many (`deferred.rs`). One durable commit (one fsync) then covers the whole batch, and
//! only after it does any caller hear "done": an acknowledged write survives a power cut.
//!
//! On PostgreSQL, with several instances each running a writer, a batch first takes the
//! workflow's transaction-scoped advisory lock (see `postgres.rs`): batches from every instance
//! run one at a time, so the same holds across instances, and event ids are committed in the
//! order they were drawn.
//!
//! If the connection is lost (a commit fails and the connection no longer answers), the writer
//! drops it and opens a new one for the next batch; callers of the failed batch hear
//! "unavailable", and nothing they sent was written. [`Writer::probe`] commits a real write
//! for the health check, so `/healthz` says 503 while the writer cannot commit.
//!
//! The writer also keeps the clock of record: a job runs at the later of the time its caller
//! asked for and the time the previous job ran at (on PostgreSQL also the time of the newest
//! event any instance recorded), so the order jobs commit in is the order of their timestamps,
//! and `eligible_at` order is queue order even when requests captured their clocks in a
//! different order than they reached the writer. Times are kept to the microsecond, the
//! precision both databases store.

use super::db::{Conn, Memo};
use crate::errors::AppError;
use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use futures::FutureExt;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot, watch};

/// A boxed future borrowing the writer's connection.
pub type JobFuture<'c, T> = Pin<Box<dyn Future<Output = Result<T, AppError>> + Send + 'c>>;

/// Tells the caller how its job ended, once the batch's commit is known.
type Deliver = Box<dyn FnOnce(Result<(), AppError>) + Send>;

/// What a job does: runs on the connection at the writer's `now`, and reports whether it
/// succeeded and how to deliver its result. A batch run again runs its jobs again.
type Run = Box<
    dyn for<'c> FnMut(Conn<'c>, DateTime<Utc>) -> Pin<Box<dyn Future<Output = (bool, Deliver)> + Send + 'c>> + Send,
>;

/// A job and the time its caller asked it to run at.
struct Job {
    requested: DateTime<Utc>,
    run: Run,
    /// Whether it changes what people see (a health probe does not): watchers of
    /// [`Writer::commits`] hear only of those.
    visible: bool,
}

/// What the writer is sent: a job, or (tests only) a fault to simulate.
enum Message {
    Job(Job),
    LoseConnection,
}

/// Most jobs committed by one transaction; bounds the latency one batch adds to the next.
const MAX_BATCH: usize = 128;

/// How the writer reaches its database: the settings to open a connection with.
#[derive(Clone, Debug)]
pub enum Connector {
    Sqlite(SqliteConnectOptions),
    /// With the advisory lock key that batches of every instance take in turn.
    Postgres(PgConnectOptions, i64),
}

/// The writer's own connection.
enum Link {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

impl Connector {
    async fn connect(&self) -> Result<Link, sqlx::Error> {
        Ok(match self {
            Connector::Sqlite(options) => Link::Sqlite(options.connect().await?),
            Connector::Postgres(options, _) => Link::Postgres(options.connect().await?),
        })
    }

    /// Opens the batch's transaction with the write lock held (and the first job's savepoint
    /// when `guard` says so), and returns the newest time another writer has recorded
    /// (PostgreSQL), below which this batch's clock must not go.
    async fn begin(&self, conn: &mut Conn<'_>, guard: Guard) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
        match self {
            Connector::Sqlite(_) => {
                conn.batch(match guard {
                    Guard::Savepoints => "BEGIN IMMEDIATE; SAVEPOINT job",
                    Guard::RunAgain => "BEGIN IMMEDIATE",
                })
                .await?;
                Ok(None)
            }
            Connector::Postgres(_, key) => {
                conn.batch("BEGIN").await?;
                super::db::sql("SELECT pg_advisory_xact_lock($1)::text").bind(*key).execute(&mut *conn).await?;
                // A statement of its own, so its snapshot is taken after the lock is held.
                let newest = super::db::sql("SELECT at FROM event ORDER BY id DESC LIMIT 1")
                    .scalar_optional::<DateTime<Utc>>(&mut *conn)
                    .await?;
                if guard == Guard::Savepoints {
                    conn.batch("SAVEPOINT job").await?;
                }
                Ok(newest)
            }
        }
    }
}

/// How a batch keeps a job that fails from its neighbours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Guard {
    /// Each job in a savepoint of its own, rolled back to it if the job fails.
    Savepoints,
    /// No savepoints: if a job fails, the whole batch is rolled back and run again with them.
    RunAgain,
}

impl Link {
    fn conn(&mut self) -> Conn<'_> {
        match self {
            Link::Sqlite(c) => Conn::sqlite(c),
            Link::Postgres(c) => Conn::postgres(c),
        }
    }

    async fn ping(&mut self) -> Result<(), sqlx::Error> {
        match self {
            Link::Sqlite(c) => c.ping().await,
            Link::Postgres(c) => c.ping().await,
        }
    }
}

/// Sends jobs to the writer task.
#[derive(Clone, Debug)]
pub struct Writer {
    jobs: mpsc::Sender<Message>,
    commits: watch::Receiver<u64>,
    announce: Arc<watch::Sender<u64>>,
}

impl Writer {
    /// Opens the writer's connection and starts the writer task on it.
    pub async fn start(connector: Connector) -> Result<Self, sqlx::Error> {
        let link = connector.connect().await?;
        let (jobs, receiver) = mpsc::channel::<Message>(4096);
        let (commit_tx, commits) = watch::channel(0u64);
        let announce = Arc::new(commit_tx);
        let commit_tx = announce.clone();
        // The writer gets a thread and a runtime of its own: its statements then never wait in
        // line behind the request handlers on the shared runtime, and every wait it does is
        // the time the database itself takes.
        let spawned = std::thread::Builder::new().name("enrol-writer".into()).spawn(move || {
            match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(runtime) => runtime.block_on(run(link, connector, receiver, commit_tx)),
                Err(error) => tracing::error!(%error, "could not start the writer's runtime"),
            }
        });
        if let Err(error) = spawned {
            tracing::error!(%error, "could not start the writer thread");
        }
        Ok(Self { jobs, commits, announce })
    }

    /// Counts committed batches that changed something (and, on PostgreSQL, changes other
    /// instances announced); watchers refresh what they show.
    pub fn commits(&self) -> watch::Receiver<u64> {
        self.commits.clone()
    }

    /// Tells the watchers of [`Writer::commits`] that something changed elsewhere.
    pub fn announce(&self) {
        self.announce.send_modify(|n| *n += 1);
    }

    /// Runs `job` in the next batch, at `requested` or the writer's last time if that is
    /// later, and returns its result once the batch has committed. The job may run more than
    /// once (a copy each time; see the module's doc): it must do nothing but its statements.
    pub async fn write<T, F>(&self, requested: DateTime<Utc>, job: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(Conn<'c>, DateTime<Utc>) -> JobFuture<'c, T> + Clone + Send + 'static,
    {
        self.send(requested, true, job).await
    }

    /// [`Writer::write`] for a change nobody watching needs to hear of (a sign-in count).
    pub async fn write_unseen<T, F>(&self, requested: DateTime<Utc>, job: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(Conn<'c>, DateTime<Utc>) -> JobFuture<'c, T> + Clone + Send + 'static,
    {
        self.send(requested, false, job).await
    }

    /// Commits a real (invisible) write, to tell whether the writer can commit at all.
    pub async fn probe(&self) -> Result<(), AppError> {
        self.send(Utc::now(), false, |mut conn, now| {
            Box::pin(async move {
                super::db::sql(
                    "INSERT INTO health_check (id, checked_at) VALUES (1, $1)
                     ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
                )
                .bind(now)
                .execute(&mut conn)
                .await?;
                Ok(())
            })
        })
        .await
    }

    /// Tests only: drops the writer's connection, as if the database had gone away.
    #[doc(hidden)]
    pub async fn lose_connection(&self) {
        let _ = self.jobs.send(Message::LoseConnection).await;
    }

    async fn send<T, F>(&self, requested: DateTime<Utc>, visible: bool, job: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(Conn<'c>, DateTime<Utc>) -> JobFuture<'c, T> + Clone + Send + 'static,
    {
        let (reply, answer) = oneshot::channel::<Result<T, AppError>>();
        // Each run makes its own delivery; the one the writer calls (the last run's) answers.
        let reply = Arc::new(Mutex::new(Some(reply)));
        let run: Run = Box::new(move |conn: Conn<'_>, now: DateTime<Utc>| {
            let (job, reply) = (job.clone(), reply.clone());
            Box::pin(async move {
                let result = AssertUnwindSafe(job(conn, now)).catch_unwind().await.unwrap_or_else(|_| {
                    tracing::error!("a write job panicked; its changes are rolled back");
                    Err(AppError::Internal)
                });
                let ok = result.is_ok();
                let deliver: Deliver = Box::new(move |commit: Result<(), AppError>| {
                    if let Some(reply) = reply.lock().ok().and_then(|mut reply| reply.take()) {
                        let _ = reply.send(commit.and(result));
                    }
                });
                (ok, deliver)
            })
        });
        self.jobs.send(Message::Job(Job { requested, run, visible })).await.map_err(|_| AppError::Unavailable)?;
        // A dropped reply means the batch never ran (the database failed): nothing was written.
        answer.await.unwrap_or(Err(AppError::Unavailable))
    }
}

async fn run(
    link: Link,
    connector: Connector,
    mut receiver: mpsc::Receiver<Message>,
    commits: Arc<watch::Sender<u64>>,
) {
    let mut link = Some(link);
    let mut clock = DateTime::<Utc>::MIN_UTC;
    while let Some(first) = receiver.recv().await {
        let mut batch = Vec::new();
        let mut message = Some(first);
        while let Some(next) = message.take() {
            match next {
                Message::Job(job) => batch.push(job),
                Message::LoseConnection => link = None,
            }
            if batch.len() < MAX_BATCH {
                message = receiver.try_recv().ok();
            }
        }
        if batch.is_empty() {
            continue;
        }
        if link.is_none() {
            match connector.connect().await {
                Ok(fresh) => {
                    tracing::warn!("the writer opened a new database connection");
                    link = Some(fresh);
                }
                Err(error) => tracing::error!(%error, "the writer could not open a database connection"),
            }
        }
        let Some(live) = link.as_mut() else {
            continue; // dropping the batch tells every caller: unavailable, nothing written
        };
        if !commit_batch(&mut live.conn(), &connector, batch, &mut clock, &commits).await && live.ping().await.is_err()
        {
            tracing::error!("the writer's database connection is lost; a new one is opened for the next batch");
            link = None;
        }
    }
}

/// Runs one batch in one transaction and tells each caller how it ended; returns whether the
/// batch committed.
async fn commit_batch(
    conn: &mut Conn<'_>,
    connector: &Connector,
    mut batch: Vec<Job>,
    clock: &mut DateTime<Utc>,
    commits: &watch::Sender<u64>,
) -> bool {
    let started = std::time::Instant::now();
    let jobs = batch.len();
    let before = *clock;
    // A batch first runs without savepoints: each costs a trip to the database (on SQLite a
    // hand-over to the connection's thread), and jobs seldom fail.
    let mut guard = Guard::RunAgain;
    let (delivers, changed, commit) = loop {
        *clock = before;
        match run_batch(conn, connector, &mut batch, clock, guard).await {
            Attempt::Ended { delivers, changed, commit } => break (delivers, changed, commit),
            // A job failed in a batch without savepoints: the batch was rolled back.
            Attempt::JobFailed if guard == Guard::RunAgain => guard = Guard::Savepoints,
            // Dropping the batch tells every caller: unavailable, nothing written.
            Attempt::JobFailed | Attempt::NotBegun => return false,
        }
    };
    let committed = commit.is_ok();
    if !committed {
        let _ = conn.batch("ROLLBACK").await;
    } else if changed {
        commits.send_modify(|n| *n += 1);
    }
    tracing::debug!(jobs, micros = started.elapsed().as_micros() as u64, ok = committed, ?guard, "write batch");
    for deliver in delivers {
        deliver(commit.clone());
    }
    committed
}

/// How one run of a batch ended.
enum Attempt {
    /// Every job ran; `commit` is how the batch's commit (or the statement that failed
    /// before it) ended, and each job's delivery waits for it.
    Ended { delivers: Vec<Deliver>, changed: bool, commit: Result<(), AppError> },
    /// A job failed without a savepoint to roll back to; the transaction was rolled back.
    JobFailed,
    /// The transaction could not begin.
    NotBegun,
}

/// Runs every job of the batch in one transaction, guarded as `guard` says.
async fn run_batch(
    conn: &mut Conn<'_>,
    connector: &Connector,
    batch: &mut [Job],
    clock: &mut DateTime<Utc>,
    guard: Guard,
) -> Attempt {
    match connector.begin(conn, guard).await {
        Ok(newest) => *clock = (*clock).max(newest.unwrap_or(DateTime::<Utc>::MIN_UTC)),
        Err(error) => {
            tracing::error!(%error, "could not start a write transaction");
            let _ = conn.batch("ROLLBACK").await;
            return Attempt::NotBegun;
        }
    }
    let mut delivers = Vec::with_capacity(batch.len());
    let mut changed = false;
    let mut commit = Err(AppError::Unavailable);
    let last = batch.len() - 1;
    // What the batch's jobs read and keep for each other (see `Memo`); a job that fails
    // leaves it as it found it, as its statements are rolled back. On PostgreSQL a batch
    // without savepoints also keeps its new applications, to store them together
    // (`deferred.rs`): if that is refused, the batch runs again with savepoints.
    let mut memo = match (guard, connector) {
        (Guard::RunAgain, Connector::Postgres(..)) => Memo::keeping_applications(),
        _ => Memo::default(),
    };
    for (index, job) in batch.iter_mut().enumerate() {
        *clock = (*clock).max(to_micros(job.requested));
        let before = (guard == Guard::Savepoints).then(|| memo.clone());
        let (mut ok, deliver) = (job.run)(conn.with_memo(&mut memo), *clock).await;
        if guard == Guard::RunAgain {
            if ok && index == last {
                ok = conn.with_memo(&mut memo).store_kept().await.is_ok();
            }
            if !ok || memo.kept_refused() {
                let _ = conn.batch("ROLLBACK").await;
                return Attempt::JobFailed;
            }
        }
        if let (false, Some(before)) = (ok, before) {
            memo = before;
        }
        changed |= ok && job.visible;
        delivers.push(deliver);
        // Statements go to the database one round trip at a time, so the transaction's
        // bookkeeping rides along with its neighbours: each job's end with the next job's
        // SAVEPOINT, and the last job's end with the COMMIT.
        let end = match (guard, ok, index == last) {
            (Guard::RunAgain, _, false) => continue,
            (Guard::RunAgain, _, true) => "COMMIT",
            (Guard::Savepoints, true, false) => "RELEASE job; SAVEPOINT job",
            (Guard::Savepoints, false, false) => "ROLLBACK TO job; RELEASE job; SAVEPOINT job",
            (Guard::Savepoints, true, true) => "RELEASE job; COMMIT",
            (Guard::Savepoints, false, true) => "ROLLBACK TO job; RELEASE job; COMMIT",
        };
        let ended = conn.batch(end).await.map_err(AppError::from);
        if index == last || ended.is_err() {
            commit = ended;
            break;
        }
    }
    Attempt::Ended { delivers, changed, commit }
}

/// `t` to the microsecond (both databases store instants to the microsecond): what a job
/// computes with is exactly what is stored and read back.
fn to_micros(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(t)
}
