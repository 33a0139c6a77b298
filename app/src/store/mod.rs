//! The store: every SQL statement of enrol lives below this module (server only).
//!
//! `Store` is what the rest of the code holds: reads here, changes in `writes.rs`, each change
//! one step of the allocation workflow (`crate::workflow`) in one transaction of the writer
//! (`writer.rs`). The SQL is written once for both databases (`db.rs` runs it on either):
//! `rows.rs` implements the workflow's `Rows`, and one module per subject holds the reads.
//! What differs between the databases — opening, migrating, the writer's lock, hearing of
//! other instances' changes — is in `sqlite.rs` and `postgres.rs`. The rules, the wording,
//! the audit entries and the events stay above all of it, in `workflow/`.

mod admin;
mod cohorts;
mod coordinators;
mod course;
pub mod db;
mod deferred;
mod events;
pub mod export;
mod form_checks;
pub mod history;
mod invariants;
mod limits;
pub mod notes;
pub mod outbox;
mod postgres;
pub mod privacy;
pub mod rows;
mod sqlite;
mod tasters;
#[doc(hidden)]
pub mod testing;
mod writer;
mod writes;
mod zoom;

pub use admin::PAGE_SIZE as APPLICATIONS_PAGE_SIZE;
pub use crate::workflow::applications::{DUPLICATE_MESSAGE, UNKNOWN_CODE_MESSAGE};
pub use writes::ErasureKey;
pub use crate::workflow::rows::{AttendanceSource, AuditEntry, CohortUpdate, NewCohort, NewTaster, TasterChange};
pub use crate::workflow::Settings as StoreSettings;
pub use coordinators::{DeviceRecord, LoginRecord, SessionRecord};

use crate::auth::limits::{Failures, Policy};
use crate::domain::application::FormOptions;
use crate::errors::AppError;
use crate::models::{
    ApplicationDetail, ApplicationFilter, ApplicationRow, ApplicationStatus, Cohort, CohortAdmin,
    CoordinatorUser, Course, Dashboard, ImportDetail, ImportSummary, PlacesFigure, Role, TasterAdmin, TasterSession,
};
use crate::workflow::{Actor, Recorded};
use chrono::{DateTime, Utc};
use tokio::sync::watch;

/// Where the embedded database lives when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/enrol.db";

/// A connection pool to the configured database, and this instance's single writer.
#[derive(Clone, Debug)]
pub struct Store {
    db: db::Db,
    writer: writer::Writer,
    settings: StoreSettings,
    /// What submissions read before the writer, kept while nothing changes.
    form_checks: form_checks::FormChecks,
    /// The last write probe's time and outcome (see [`Store::can_write`]).
    last_probe: std::sync::Arc<std::sync::Mutex<Option<(std::time::Instant, bool)>>>,
}

/// How long a write probe's outcome is reused: a flood of health checks must not become a
/// flood of commits.
const PROBE_REUSE: std::time::Duration = std::time::Duration::from_secs(1);

/// Why the store could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("DATABASE_URL must start with sqlite:// or postgres://, got {0:?}")]
    UnsupportedUrl(String),
    #[error("could not open the database: {0}")]
    Connect(#[from] sqlx::Error),
    #[error("could not create the database folder {path}: {source}")]
    Folder { path: String, source: std::io::Error },
    #[error("could not apply the database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl Store {
    /// Opens (creating if needed) and migrates the database at `url`, with default settings.
    pub async fn open(url: &str) -> Result<Self, OpenError> {
        Self::open_with(url, StoreSettings::default()).await
    }

    /// Opens (creating if needed) and migrates the database at `url`.
    pub async fn open_with(url: &str, settings: StoreSettings) -> Result<Self, OpenError> {
        let (db, writer) = if url.starts_with("sqlite:") {
            sqlite::open(url).await?
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            postgres::open(url).await?
        } else {
            return Err(OpenError::UnsupportedUrl(redact(url)));
        };
        let form_checks = form_checks::FormChecks::new(writer.commits());
        Ok(Self { db, writer, settings, form_checks, last_probe: Default::default() })
    }

    /// The settings the store was opened with.
    pub fn settings(&self) -> StoreSettings {
        self.settings
    }

    /// Checks the database answers a trivial query.
    pub async fn ping(&self) -> Result<(), AppError> {
        db::sql("SELECT 1").execute(&self.db).await?;
        Ok(())
    }

    /// Which database the store runs on.
    pub fn dialect(&self) -> db::Dialect {
        self.db.dialect()
    }

    /// Whether a change can be committed now: a real write through the writer (its outcome
    /// reused for a second). False while the database file is read-only, its disk is full or
    /// the writer's connection is lost.
    pub async fn can_write(&self) -> bool {
        if let Some((at, ok)) = self.last_probe.lock().ok().and_then(|p| *p) {
            if at.elapsed() < PROBE_REUSE {
                return ok;
            }
        }
        let ok = self.writer.probe().await.is_ok();
        if let Ok(mut last) = self.last_probe.lock() {
            *last = Some((std::time::Instant::now(), ok));
        }
        ok
    }

    /// Fault injection for tests: the writer's connection refuses every write from now on (as
    /// a read-only file or a full disk would), until [`Store::lose_writer_connection`].
    #[doc(hidden)]
    pub async fn refuse_writes(&self) -> Result<(), AppError> {
        self.writer
            .write(chrono::Utc::now(), |mut conn, _| {
                Box::pin(async move {
                    let refuse = match conn.dialect() {
                        db::Dialect::Sqlite => "PRAGMA query_only = ON",
                        db::Dialect::Postgres => "SET SESSION default_transaction_read_only = on",
                    };
                    conn.batch(refuse).await?;
                    Ok(())
                })
            })
            .await?;
        self.forget_probe();
        Ok(())
    }

    /// Fault injection for tests: the writer loses its connection, as if the database went away.
    #[doc(hidden)]
    pub async fn lose_writer_connection(&self) {
        self.writer.lose_connection().await;
        self.forget_probe();
    }

    fn forget_probe(&self) {
        if let Ok(mut last) = self.last_probe.lock() {
            *last = None;
        }
    }

    /// Whether the store was closed (the server is stopping).
    pub fn is_closed(&self) -> bool {
        self.db.is_closed()
    }

    /// Closes every connection; later calls fail with `Unavailable`.
    pub async fn close(&self) {
        self.db.close().await
    }

    /// Ticks after every committed change that recorded events: a follower then reads them
    /// with [`Store::events_after`].
    pub fn changes(&self) -> watch::Receiver<u64> {
        self.writer.commits()
    }

    /// The events recorded after `after` (an event id), oldest first, at most `limit`.
    pub async fn events_after(&self, after: i64, limit: i64) -> Result<Vec<Recorded>, AppError> {
        events::after(&self.db, after, limit).await
    }

    /// The id of the newest event (0 when there is none).
    pub async fn last_event_id(&self) -> Result<i64, AppError> {
        events::last_id(&self.db).await
    }

    /// An application's status, by its private token (the status page).
    pub async fn application_status(&self, token: &str) -> Result<ApplicationStatus, AppError> {
        let mut pooled = self.db.acquire().await?;
        let mut rows = rows::SqlRows(pooled.conn());
        crate::workflow::applications::status(&mut rows, crate::workflow::rows::Key::Token(token)).await
    }

    /// The course and its page sections, if a course exists.
    pub async fn course(&self) -> Result<Option<Course>, AppError> {
        course::load(&self.db).await
    }

    /// Taster sessions that have not ended by `now`, earliest first.
    pub async fn upcoming_tasters(&self, now: DateTime<Utc>) -> Result<Vec<TasterSession>, AppError> {
        tasters::ending_after(&self.db, now).await
    }

    /// One taster session by id.
    pub async fn taster(&self, id: i64) -> Result<Option<TasterSession>, AppError> {
        tasters::get(&self.db, id).await
    }

    /// Every taster session, past and future, earliest first.
    pub async fn all_tasters(&self) -> Result<Vec<TasterSession>, AppError> {
        tasters::all(&self.db).await
    }

    /// Scheduled taster sessions that have started by `now` (an applicant may have attended),
    /// most recent first.
    pub async fn attended_tasters(&self, now: DateTime<Utc>) -> Result<Vec<TasterSession>, AppError> {
        tasters::started_before(&self.db, now).await
    }

    /// The start, end and attendance code of the last session that started before `now`.
    pub async fn latest_past_taster_code(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Option<(DateTime<Utc>, DateTime<Utc>, String)>, AppError> {
        tasters::latest_past_code(&self.db, now).await
    }

    /// Whether an attendance code (by its key) proves presence at `now`: a read (or its copy
    /// kept while nothing changes, `form_checks.rs`), so a wrong code is refused without a
    /// turn on the writer (which checks again as it stores).
    pub async fn attendance_code_accepted(&self, code_key: &str, now: DateTime<Utc>) -> Result<bool, AppError> {
        let session = match self.form_checks.code(code_key) {
            Some(kept) => kept,
            None => {
                let version = self.form_checks.version();
                let session = tasters::by_code(&self.db, code_key).await?;
                self.form_checks.keep_code(version, code_key, session);
                session
            }
        };
        Ok(session.is_some_and(|(starts_at, ends_at, cancelled)| {
            crate::domain::attendance_code::code_accepted(starts_at, ends_at, cancelled, now)
        }))
    }

    /// Whether any taster session or cohort exists (demo data is only seeded into an empty store).
    pub async fn has_schedule(&self) -> Result<bool, AppError> {
        tasters::has_schedule(&self.db).await
    }

    /// Cohorts in order of their first meeting, with meetings and places remaining.
    pub async fn cohorts(&self, include_drafts: bool) -> Result<Vec<Cohort>, AppError> {
        let mut pooled = self.db.acquire().await?;
        cohorts::list(&mut pooled.conn(), include_drafts).await
    }

    /// What the joining form's checks need: the open cohorts of the current intake and the
    /// sessions that started before `until` (ids only: one light query, its result kept while
    /// nothing changes, `form_checks.rs`).
    pub async fn form_options(&self, until: DateTime<Utc>) -> Result<FormOptions, AppError> {
        if let Some(kept) = self.form_checks.options(until) {
            return Ok(kept);
        }
        let version = self.form_checks.version();
        let options = tasters::form_options(&self.db, until).await?;
        self.form_checks.keep_options(version, until, &options);
        Ok(options)
    }

    /// Every published cohort's places, earliest first (one cheap query).
    pub async fn places_figures(&self) -> Result<Vec<PlacesFigure>, AppError> {
        cohorts::places_figures(&self.db).await
    }

    /// Adds a coordinator account (audited when an admin adds it); returns its id.
    pub async fn create_coordinator(&self, coordinator: &NewCoordinator, actor: Actor) -> Result<i64, AppError> {
        coordinators::insert(&self.db, coordinator, actor.coordinator()).await
    }

    /// The account with this email address, for signing in.
    pub async fn login_record(&self, email: &str) -> Result<Option<LoginRecord>, AppError> {
        coordinators::login_record(&self.db, email).await
    }

    /// Counts an attempt on the account as a wrong password before it is checked, unless the
    /// account is locked (`None`); returns its count in a row. One step on the writer, so
    /// attempts made at once are counted one by one (and nobody watching hears of it).
    pub async fn reserve_login_attempt(
        &self,
        id: i64,
        policy: Policy,
        now: DateTime<Utc>,
    ) -> Result<Option<u32>, AppError> {
        self.writer
            .write_unseen(now, move |mut conn, now| {
                Box::pin(async move { coordinators::reserve_login_attempt(&mut conn, id, policy, now).await })
            })
            .await
    }

    /// [`Store::reserve_login_attempt`] for a known browser's own count.
    pub async fn reserve_device_attempt(
        &self,
        id_hash: &str,
        policy: Policy,
        now: DateTime<Utc>,
    ) -> Result<Option<u32>, AppError> {
        let id_hash = id_hash.to_string();
        self.writer
            .write_unseen(now, move |mut conn, now| {
                Box::pin(async move { coordinators::reserve_device_attempt(&mut conn, &id_hash, policy, now).await })
            })
            .await
    }

    /// The latest lock still standing at `now` among these counters of wrong guesses kept in
    /// the database, as `(scope, key)` (see `auth::limits::FailureCounts`): one read.
    pub async fn locked_until(
        &self,
        keys: &[(&str, &str)],
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, AppError> {
        limits::locked_until(&self.db, keys, now).await
    }

    /// Applies `change` to a counter of wrong guesses kept in the database, in one step: on
    /// SQLite a step of the writer, on PostgreSQL a transaction holding the counter's row.
    pub async fn change_failures(
        &self,
        scope: &'static str,
        key: &str,
        policy: Policy,
        now: DateTime<Utc>,
        change: impl FnOnce(Failures) -> Option<Failures> + Clone + Send + 'static,
    ) -> Result<Option<Failures>, AppError> {
        let key = key.to_string();
        self.side_step(now, move |mut conn, now| {
            Box::pin(async move { limits::change(&mut conn, scope, &key, policy, now, change).await })
        })
        .await
    }

    /// Runs `job` in one transaction of its own, outside the workflow and unseen by the live
    /// figures: on SQLite as a step of the writer (the one way to write without waiting on
    /// it), on PostgreSQL on a pool connection, where the rows it locks keep it in order.
    async fn side_step<T, F>(&self, now: DateTime<Utc>, job: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(db::Conn<'c>, DateTime<Utc>) -> writer::JobFuture<'c, T> + Clone + Send + 'static,
    {
        match self.db.dialect() {
            db::Dialect::Sqlite => self.writer.write_unseen(now, job).await,
            db::Dialect::Postgres => {
                let mut tx = self.db.begin().await?;
                let out = job(tx.conn(), now).await?;
                tx.commit().await?;
                Ok(out)
            }
        }
    }

    /// Takes up to `limit` due emails for delivery, held until `hold` (see `outbox::claim`).
    pub async fn claim_messages(
        &self,
        now: DateTime<Utc>,
        hold: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<outbox::Claimed>, AppError> {
        self.side_step(now, move |mut conn, _| Box::pin(async move { outbox::claim(&mut conn, now, hold, limit).await }))
            .await
    }

    /// Records how the delivery of taken-up emails went.
    pub async fn finish_messages(&self, outcomes: Vec<(i64, outbox::Delivered)>, now: DateTime<Utc>) -> Result<(), AppError> {
        self.side_step(now, move |mut conn, now| Box::pin(async move { outbox::finish(&mut conn, &outcomes, now).await }))
            .await
    }

    /// What an email is put together from; `None` when its application is gone.
    pub async fn message_parts(&self, message: &outbox::Claimed) -> Result<Option<outbox::Parts>, AppError> {
        outbox::parts(&self.db, message).await
    }

    /// The Emails page.
    pub async fn emails(&self, filter: &crate::models::EmailFilter) -> Result<Vec<crate::models::EmailRow>, AppError> {
        outbox::list(&self.db, filter).await
    }

    /// The emails about one application, newest first.
    pub async fn application_emails(&self, id: i64) -> Result<Vec<crate::models::EmailRow>, AppError> {
        outbox::for_application(&self.db, id).await
    }

    /// The id of the application with this status token, if any.
    pub async fn application_id(&self, token: &str) -> Result<Option<i64>, AppError> {
        let mut pooled = self.db.acquire().await?;
        let mut rows = rows::SqlRows(pooled.conn());
        Ok(crate::workflow::rows::Rows::application(&mut rows, crate::workflow::rows::Key::Token(token)).await?.map(|r| r.id))
    }

    /// Everything held about the applicant of application `id`, for them or a coordinator.
    pub async fn personal_data(&self, id: i64, now: DateTime<Utc>) -> Result<Option<privacy::PersonalData>, AppError> {
        privacy::export(&self.db, id, now).await
    }

    /// Every intake's retention period and when its personal data is erased.
    pub async fn retention(&self) -> Result<Vec<privacy::Retention>, AppError> {
        privacy::retention(&self.db).await
    }

    /// Up to `limit` applications whose intake's retention period has ended by `now`.
    pub async fn retention_due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<i64>, AppError> {
        privacy::due(&self.db, now, limit).await
    }

    /// Notes that a coordinator looked at an application, the table or a person's data.
    pub async fn log_access(
        &self,
        coordinator_id: i64,
        access: privacy::Access,
        reference: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        privacy::log_access(&self.db, coordinator_id, access, reference, now).await
    }

    /// The access log, newest first.
    pub async fn access_log(
        &self,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<(DateTime<Utc>, String, String, Option<String>)>, AppError> {
        privacy::access_log(&self.db, limit, offset).await
    }

    /// Deletes access-log rows older than `before`.
    pub async fn prune_access_log(&self, before: DateTime<Utc>) -> Result<u64, AppError> {
        privacy::prune_access_log(&self.db, before).await
    }

    /// How many emails failed for good, and how many are still on their way.
    pub async fn email_counts(&self) -> Result<(i64, i64), AppError> {
        Ok((outbox::failed_count(&self.db).await?, outbox::undelivered_count(&self.db).await?))
    }

    /// Whether the demo account exists.
    pub async fn demo_account_exists(&self) -> Result<bool, AppError> {
        coordinators::demo_account_exists(&self.db).await
    }

    /// Ends every session of the demo account; returns how many.
    pub async fn end_demo_sessions(&self) -> Result<u64, AppError> {
        coordinators::end_demo_sessions(&self.db).await
    }

    /// A browser a coordinator has signed in on, by its device secret's hash.
    pub async fn device(&self, id_hash: &str) -> Result<Option<DeviceRecord>, AppError> {
        coordinators::device(&self.db, id_hash).await
    }

    /// Remembers a browser a coordinator signed in on; forgets those unused since `forget_before`.
    pub async fn add_device(
        &self,
        id_hash: &str,
        coordinator_id: i64,
        now: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> Result<(), AppError> {
        coordinators::add_device(&self.db, id_hash, coordinator_id, now, forget_before).await
    }

    /// Clears a known browser's count and notes its use.
    pub async fn device_succeeded(&self, id_hash: &str, now: DateTime<Utc>) -> Result<(), AppError> {
        coordinators::device_succeeded(&self.db, id_hash, now).await
    }

    /// Clears an account's failed sign-ins.
    pub async fn login_succeeded(&self, id: i64) -> Result<(), AppError> {
        coordinators::login_succeeded(&self.db, id).await
    }

    /// Stores a sign-in session by the hash of its secret.
    pub async fn create_session(
        &self,
        id_hash: &str,
        coordinator_id: i64,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        coordinators::create_session(&self.db, id_hash, coordinator_id, now, expires_at).await
    }

    /// The sign-in session with this secret hash.
    pub async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>, AppError> {
        coordinators::session(&self.db, id_hash).await
    }

    /// Records activity on a sign-in session.
    pub async fn touch_session(&self, id_hash: &str, now: DateTime<Utc>) -> Result<(), AppError> {
        coordinators::touch_session(&self.db, id_hash, now).await
    }

    /// Ends a sign-in session.
    pub async fn delete_session(&self, id_hash: &str) -> Result<(), AppError> {
        coordinators::delete_session(&self.db, id_hash).await
    }

    /// Every coordinator account, with when it was disabled (if it was).
    pub async fn coordinators(&self) -> Result<Vec<(CoordinatorUser, Option<DateTime<Utc>>)>, AppError> {
        coordinators::list(&self.db).await
    }

    /// Disables (or re-enables) an account, ending its sessions; audited as `by`.
    pub async fn set_coordinator_disabled(&self, id: i64, disabled: bool, by: i64) -> Result<(), AppError> {
        let at = disabled.then(Utc::now);
        coordinators::set_disabled(&self.db, id, at, by).await
    }

    /// Sets a coordinator's own new password hash and ends their other sessions; audited.
    pub async fn change_password(&self, id: i64, password_hash: &str, keep_session: &str) -> Result<u64, AppError> {
        coordinators::change_password(&self.db, id, password_hash, keep_session, Utc::now()).await
    }

    /// Every taster session with its attendance code (coordinators only), newest first.
    pub async fn tasters_admin(&self) -> Result<Vec<TasterAdmin>, AppError> {
        admin::tasters(&self.db).await
    }

    /// One taster session with its attendance code (coordinators only).
    pub async fn taster_admin(&self, id: i64) -> Result<Option<TasterAdmin>, AppError> {
        admin::taster(&self.db, id).await
    }

    /// Every cohort, drafts too, with allocated, offered and waiting counts.
    pub async fn cohorts_admin(&self) -> Result<Vec<CohortAdmin>, AppError> {
        admin::cohorts(&self.db).await
    }

    /// One page of the applications table (`filter.page`, from 1).
    pub async fn applications(&self, filter: &ApplicationFilter) -> Result<Vec<ApplicationRow>, AppError> {
        admin::applications(&self.db, filter, admin::Span::Page(filter.page.unwrap_or(1))).await
    }

    /// How many applications `filter` selects, on all its pages.
    pub async fn applications_count(&self, filter: &ApplicationFilter) -> Result<i64, AppError> {
        admin::applications_count(&self.db, filter).await
    }

    /// The applications `filter` selects, as the CSV export's rows (see `export::HEADER`).
    pub async fn applications_export(&self, filter: &ApplicationFilter) -> Result<Vec<Vec<String>>, AppError> {
        export::applications(&self.db, filter).await
    }

    /// A page of the readable audit log (coordinators' actions, applicants' and enrol's).
    pub async fn history(&self, filter: &crate::models::AuditFilter) -> Result<(Vec<crate::models::HistoryLine>, bool), AppError> {
        history::history(&self.db, filter).await
    }

    /// An application's notes, oldest first.
    pub async fn notes(&self, application_id: i64) -> Result<Vec<crate::models::ApplicationNote>, AppError> {
        notes::list(&self.db, application_id).await
    }

    /// Everything about one application.
    pub async fn application_detail(&self, id: i64) -> Result<Option<ApplicationDetail>, AppError> {
        admin::application(&self.db, id).await
    }

    /// Every uploaded report, newest first.
    pub async fn imports(&self) -> Result<Vec<ImportSummary>, AppError> {
        zoom::imports(&self.db).await
    }

    /// One report's match queue.
    pub async fn import(&self, id: i64) -> Result<Option<ImportDetail>, AppError> {
        zoom::import(&self.db, id).await
    }

    /// The coordinators' dashboard figures.
    pub async fn dashboard(&self) -> Result<Dashboard, AppError> {
        admin::dashboard(&self.db).await
    }
}

/// A coordinator account to create, with its password already hashed.
#[derive(Clone, Debug)]
pub struct NewCoordinator {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    /// Demo mode's account (published password): it signs in only in demo mode.
    pub demo: bool,
}

/// The URL without its password, fit for a log line or an error message.
pub fn redact(url: &str) -> String {
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
