//! The workflow's row operations ([`Rows`]), in SQL both databases run: no rule and no
//! wording. Every write runs on the writer's connection in its batch's transaction, which
//! holds the write lock from its start (see `writer.rs`), so nothing else writes between a
//! step's reads and its writes.

use super::db::{sql, sql_assembled, Arg, Conn, Dialect, Sql};
use super::deferred::{Deferred, Kept};
use crate::domain::allocation::{AllocationState, CohortPlaces};
use crate::errors::AppError;
use crate::models::{CohortStatus, MessageKind, TasterStatus};
use crate::workflow::messages::Outgoing;
use crate::workflow::rows::{
    Allocation, ApplicationRow, AttendanceSource, AttendeeRow, AttendeeState, Audience, AuditEntry, CohortName,
    CohortRow, CohortUpdate, Hold, Key, NewApplicationRow, NewCohort, NewTaster, NewTeamMessage, OpenPlaces, Rows,
    Taken, TasterChange, TasterRow,
};
use crate::workflow::Event;
use chrono::{DateTime, Utc};

/// The row operations over one connection (the writer's, or a reader's for views).
pub struct SqlRows<'c>(pub Conn<'c>);

/// What one batch of the writer has read of the open places, kept in step with its own writes.
///
/// Every submission reads the open cohorts of its intake with how many wait for each, and the
/// session its attendance code belongs to: a query whose cost grows with the waiting list. In
/// a rush of applications most steps of a batch only add applications and take places, so the
/// batch reads once and keeps the answer: a place taken, or an application that waits, is
/// counted in it as it is written; any other change forgets it. The writer holds the lock for
/// the whole batch, so nothing else changes these rows meanwhile, and a step that fails leaves
/// the memo as it found it (`writer.rs`).
#[derive(Clone, Debug, Default)]
pub struct Memo {
    /// The intake asked for, and what was read for it (without a code's session).
    places: Option<(Option<String>, OpenPlaces)>,
    /// Attendance code keys read, and the scheduled session each belongs to.
    codes: Vec<(String, Option<(i64, DateTime<Utc>, DateTime<Utc>)>)>,
    /// An application written as waiting (and its intake) whose ranked choices are still to come.
    awaiting_choices: Option<(i64, String)>,
    /// Application ids drawn from PostgreSQL's sequence and not yet used (the smallest last),
    /// and how many this batch has drawn.
    application_ids: Vec<i64>,
    ids_drawn: i64,
    /// New applications not yet sent (PostgreSQL, a batch without savepoints).
    deferred: Deferred,
}

impl Memo {
    /// A memo that keeps the batch's new applications to store them together (`deferred.rs`).
    pub fn keeping_applications() -> Self {
        Self { deferred: Deferred::keeping(), ..Self::default() }
    }

    /// The batch's kept applications.
    pub(super) fn deferred(&mut self) -> &mut Deferred {
        &mut self.deferred
    }

    /// Whether storing the batch's kept applications was refused: it must run again with a
    /// savepoint per step.
    pub fn kept_refused(&self) -> bool {
        self.deferred.refused()
    }

    fn open_places(&self, intake: Option<&str>, code_key: Option<&str>) -> Option<OpenPlaces> {
        let (asked, open) = self.places.as_ref()?;
        if asked.as_deref() != intake {
            return None;
        }
        let code_session = match code_key {
            None => None,
            Some(key) => self.codes.iter().find(|(k, _)| k == key)?.1,
        };
        Some(OpenPlaces { code_session, ..open.clone() })
    }

    fn remember(&mut self, intake: Option<&str>, code_key: Option<&str>, open: &OpenPlaces) {
        self.places = Some((intake.map(str::to_string), OpenPlaces { code_session: None, ..open.clone() }));
        if let Some(key) = code_key {
            self.codes.retain(|(k, _)| k != key);
            self.codes.push((key.to_string(), open.code_session));
        }
    }

    fn took(&mut self, cohort_id: i64, hold: Hold) {
        if let Some((_, open)) = &mut self.places {
            for place in open.places.iter_mut().filter(|p| p.id == cohort_id) {
                match hold {
                    Hold::Allocation => place.allocated += 1,
                    Hold::Offer => place.offered += 1,
                }
            }
        }
    }

    /// One more application waits for each of `cohorts` (every open cohort of the intake when none).
    fn waits(&mut self, intake: &str, cohorts: Option<&[i64]>) {
        if let Some((_, open)) = &mut self.places {
            if open.intake.as_deref() != Some(intake) {
                self.places = None;
                return;
            }
            for (cohort, waiting) in open.waiting.iter_mut() {
                if cohorts.is_none_or(|chosen| chosen.contains(cohort)) {
                    *waiting += 1;
                }
            }
        }
    }
}

/// Forgets what the writer's memo has read (a change it does not follow was made); the
/// applications it keeps to store are kept.
fn forget(conn: &mut Conn<'_>) {
    if let Some(memo) = conn.memo() {
        let deferred = std::mem::take(&mut memo.deferred);
        *memo = Memo { deferred, ..Memo::default() };
    }
}

#[derive(sqlx::FromRow)]
struct StoredApplication {
    id: i64,
    reference: String,
    status_token: String,
    name: String,
    intake: String,
    state: String,
    cohort_id: Option<i64>,
    any_cohort: bool,
    submitted_at: DateTime<Utc>,
    eligible_at: Option<DateTime<Utc>>,
    offer_expires_at: Option<DateTime<Utc>>,
    taster_session_id: Option<i64>,
}

impl TryFrom<StoredApplication> for ApplicationRow {
    type Error = AppError;
    fn try_from(row: StoredApplication) -> Result<Self, AppError> {
        let state = AllocationState::parse(&row.state).ok_or_else(|| {
            tracing::error!(id = row.id, "an application has an unknown state");
            AppError::Internal
        })?;
        Ok(ApplicationRow {
            id: row.id,
            reference: row.reference,
            status_token: row.status_token,
            name: row.name,
            intake: row.intake,
            state,
            cohort_id: row.cohort_id,
            any_cohort: row.any_cohort,
            submitted_at: row.submitted_at,
            eligible_at: row.eligible_at,
            offer_expires_at: row.offer_expires_at,
            taster_session_id: row.taster_session_id,
        })
    }
}

const APPLICATION: &str = "SELECT id, reference, status_token, name, intake, state, cohort_id, any_cohort, \
     submitted_at, eligible_at, offer_expires_at, taster_session_id FROM application";

/// The SQL of "chose the cohort whose id is the expression `cohort`": waiting in its intake,
/// having chosen it (or any), whether or not it has since left its queue.
fn chose(cohort: &str) -> String {
    format!(
        "a.state = 'waiting' AND a.intake = (SELECT intake FROM cohort WHERE id = {cohort})
         AND (a.any_cohort OR EXISTS (
              SELECT 1 FROM application_choice ch WHERE ch.application_id = a.id AND ch.cohort_id = {cohort}))"
    )
}

/// The SQL of "waits for cohort $1": chose it and has not left its queue.
fn waits_for() -> String {
    format!(
        "{} AND NOT EXISTS (
             SELECT 1 FROM application_left_queue l WHERE l.application_id = a.id AND l.cohort_id = $1)",
        chose("$1")
    )
}

/// The SQL of how many wait for the cohort whose id is the expression `cohort` (`$1`, `c.id`),
/// among the applications that also meet `also` (a condition on `a`, or `TRUE`): as
/// [`waits_for`] selects, but counted as those who chose the cohort less those of them who
/// have left its queue. The few who left are subtracted in one go instead of every waiting
/// row being checked against the queues left (on a copy with 27,000 waiting, 14 → 10 ms).
/// One statement for the open places, the cohorts list and a waiting position.
pub fn waiting_count(cohort: &str, also: &str) -> String {
    let chose = format!("{} AND {also}", chose(cohort));
    format!(
        "((SELECT count(*) FROM application a WHERE {chose})
          - (SELECT count(*) FROM application_left_queue l JOIN application a ON a.id = l.application_id
             WHERE l.cohort_id = {cohort} AND {chose}))"
    )
}

fn status_of(stored: &str) -> CohortStatus {
    CohortStatus::parse(stored).unwrap_or(CohortStatus::Closed)
}

fn column(hold: Hold) -> &'static str {
    match hold {
        Hold::Allocation => "allocated_count",
        Hold::Offer => "offered_count",
    }
}

async fn insert_meetings(
    conn: &mut Conn<'_>,
    cohort_id: i64,
    meetings: &[(DateTime<Utc>, DateTime<Utc>)],
) -> Result<(), AppError> {
    for (position, (starts_at, ends_at)) in meetings.iter().enumerate() {
        sql("INSERT INTO cohort_meeting (cohort_id, position, starts_at, ends_at) VALUES ($1, $2, $3, $4)")
            .bind(cohort_id)
            .bind(position as i64 + 1)
            .bind(starts_at)
            .bind(ends_at)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Where recorded events go, in the order of [`event_rows`].
pub(super) const EVENT_INSERT: &str = "INSERT INTO event (at, kind, application_id, data)";

/// A `VALUES` list of `rows` rows of `width` numbered parameters each, from `from` on.
fn values_list(rows: usize, width: usize, from: usize) -> String {
    let rows: Vec<String> = (0..rows)
        .map(|i| {
            let first = from + width * i;
            let row: Vec<String> = (first..first + width).map(|p| format!("${p}")).collect();
            format!("({})", row.join(", "))
        })
        .collect();
    format!("VALUES {}", rows.join(", "))
}

/// Each event's values, in the order of [`EVENT_INSERT`]'s columns.
fn event_rows(events: &[Event], at: DateTime<Utc>) -> Result<Vec<Vec<Arg>>, AppError> {
    events
        .iter()
        .map(|event| {
            let data = serde_json::to_string(event).map_err(|error| {
                tracing::error!(%error, "an event could not be written as JSON");
                AppError::Internal
            })?;
            Ok(vec![Arg::from(at), event.kind().into(), event.application_id().into(), data.into()])
        })
        .collect()
}

/// Events as a `VALUES` list with numbered parameters from `from` on, and their values.
fn event_values(events: &[Event], at: DateTime<Utc>, from: usize) -> Result<(String, Vec<Arg>), AppError> {
    Ok((values_list(events.len(), 4, from), event_rows(events, at)?.concat()))
}

/// Where queued emails go, in the order of [`outbox_rows`]; a message whose `once` key is
/// taken is left out by `ON CONFLICT DO NOTHING` after the rows.
pub(super) const OUTBOX_INSERT: &str = "INSERT INTO outbox (queued_at, application_id, kind, facts, once_key)";

/// Each outbox message's values, in the order of [`OUTBOX_INSERT`]'s columns.
fn outbox_rows(messages: &[Outgoing], at: DateTime<Utc>) -> Result<Vec<Vec<Arg>>, AppError> {
    messages
        .iter()
        .map(|message| {
            let facts = serde_json::to_string(&message.facts).map_err(|_| AppError::Internal)?;
            Ok(vec![
                Arg::from(at),
                message.application_id.into(),
                message.kind.as_str().into(),
                facts.into(),
                message.once.clone().into(),
            ])
        })
        .collect()
}

/// Outbox messages as a `VALUES` list with numbered parameters from `from` on, and their values.
fn outbox_values(messages: &[Outgoing], at: DateTime<Utc>, from: usize) -> Result<(String, Vec<Arg>), AppError> {
    Ok((values_list(messages.len(), 5, from), outbox_rows(messages, at)?.concat()))
}

impl SqlRows<'_> {
    /// Counts a new waiting application in the writer's memo (its choices, if ranked, follow).
    fn waits_after_insert(&mut self, row: &NewApplicationRow<'_>, id: i64) {
        if let (Some(memo), AllocationState::Waiting) = (self.0.memo(), row.allocation.state) {
            match row.any_cohort {
                true => memo.waits(row.intake, None),
                false => memo.awaiting_choices = Some((id, row.intake.to_string())),
            }
        }
    }

    /// The open cohorts of `intake` (or of the current intake), how many wait for each, and
    /// the session an attendance code belongs to, read from the database.
    async fn read_open_places(&mut self, intake: Option<&str>, code_key: Option<&str>) -> Result<OpenPlaces, AppError> {
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
        // One round trip: a submission needs all of it, and every statement costs the single
        // writer a round trip to the database.
        let waiting = waiting_count("c.id", "TRUE");
        let rows: Vec<Row> = sql_assembled(format!(
            "SELECT kind, id, intake, capacity, allocated_count, offered_count, waiting, starts_at, ends_at FROM (
                 SELECT 'cohort' AS kind, c.id, c.intake, c.capacity, c.allocated_count, c.offered_count,
                        {waiting} AS waiting,
                        NULL AS starts_at, NULL AS ends_at,
                        (SELECT min(m.starts_at) FROM cohort_meeting m WHERE m.cohort_id = c.id) AS sort
                 FROM cohort c WHERE c.status = 'open'
                 UNION ALL
                 SELECT 'code', t.id, NULL, NULL, NULL, NULL, NULL, t.starts_at, t.ends_at, NULL
                 FROM taster_session t WHERE t.attendance_code_key = $1 AND t.status = 'scheduled') AS found
             ORDER BY kind, sort, id"
        ))
        .bind(code_key)
        .fetch_all(&mut self.0)
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

    /// The `candidates` no stored application has as its reference (PostgreSQL). What the
    /// batch keeps is not sent first: it is not in the database, and the check does not see it.
    pub async fn unused_references(&mut self, candidates: Vec<String>) -> Result<Vec<String>, AppError> {
        Ok(sql("SELECT c.reference FROM unnest($1::text[]) AS c(reference)
                WHERE NOT EXISTS (SELECT 1 FROM application a WHERE a.reference = c.reference)")
        .bind(Arg::Texts(candidates.into_iter().map(Some).collect()))
        .scalars(&mut self.0.unkept())
        .await?)
    }
}

impl Rows for SqlRows<'_> {
    async fn application(&mut self, key: Key<'_>) -> Result<Option<ApplicationRow>, AppError> {
        let row = match key {
            Key::Id(id) => sql_assembled(format!("{APPLICATION} WHERE id = $1")).bind(id),
            Key::Token(token) => sql_assembled(format!("{APPLICATION} WHERE status_token = $1")).bind(token),
        }
        .fetch_optional::<StoredApplication>(&mut self.0)
        .await?;
        row.map(ApplicationRow::try_from).transpose()
    }

    async fn new_application_id(&mut self) -> Result<i64, AppError> {
        let dialect = self.0.dialect();
        if let Some(memo) = self.0.memo() {
            if let Some(id) = memo.application_ids.pop() {
                // SQLite's ids count on from the batch's first: the writer holds the lock.
                if dialect == Dialect::Sqlite {
                    memo.application_ids.push(id + 1);
                }
                return Ok(id);
            }
        }
        match dialect {
            // Drawn from the id's sequence, the batch's first one at a time, then twice as many
            // as it has drawn so far (at most 64): a rush of submissions costs a round trip per
            // many of them, a quiet batch leaves no id unused. Ids a batch leaves unused are
            // never given out (the sequence has moved past them).
            Dialect::Postgres => {
                let count = self.0.memo().map_or(1, |memo| memo.ids_drawn.clamp(1, 64));
                let mut ids: Vec<i64> =
                    sql("SELECT nextval(pg_get_serial_sequence('application', 'id')) FROM generate_series(1, $1) ORDER BY 1 DESC")
                        .bind(count)
                        .scalars(&mut self.0.unkept())
                        .await?;
                let id = ids.pop().ok_or(AppError::Internal)?;
                if let Some(memo) = self.0.memo() {
                    memo.ids_drawn += count;
                    memo.application_ids = ids;
                }
                Ok(id)
            }
            // The next after the highest, as SQLite would give it; the batch's next ones count
            // on from it (a step that fails leaves the memo as it found it, so its id is drawn
            // again, and any other change forgets it).
            Dialect::Sqlite => {
                let id: i64 = sql("SELECT coalesce(max(id), 0) + 1 FROM application").scalar(&mut self.0).await?;
                if let Some(memo) = self.0.memo() {
                    memo.application_ids = vec![id + 1];
                }
                Ok(id)
            }
        }
    }

    async fn new_reference(&mut self) -> Result<String, AppError> {
        // References are short, so a rush of thousands meets a few in use. A batch that keeps
        // its applications (`deferred.rs`) would hear of one only as it stores them, and then
        // run again step by step; so it draws references already checked unused (the writer
        // holds the lock, so they stay unused), as many at a time as it has drawn ids.
        // Elsewhere a reference is stored at once, and a step that meets one in use draws again.
        // Should nearly every reference be in use, an unchecked one is given after a few tries:
        // the batch then hears of a clash as it stores, and runs again step by step.
        for _ in 0..8 {
            let candidates = match self.0.memo() {
                Some(memo) if memo.deferred.is_keeping() => match memo.deferred.take_reference() {
                    Some(reference) => return Ok(reference),
                    None => {
                        let count = memo.ids_drawn.clamp(1, 64);
                        memo.deferred.reference_candidates((0..count).map(|_| crate::tokens::reference()))
                    }
                },
                _ => return Ok(crate::tokens::reference()),
            };
            let unused = self.unused_references(candidates).await?;
            if let Some(memo) = self.0.memo() {
                memo.deferred.add_unused_references(unused);
            }
        }
        Ok(self.0.memo().and_then(|memo| memo.deferred.take_reference()).unwrap_or_else(crate::tokens::reference))
    }

    async fn insert_application(&mut self, row: &NewApplicationRow<'_>) -> Result<Result<(), Taken>, AppError> {
        const INSERT: &str = "INSERT INTO application
                (reference, status_token, intake, name, email, email_key, job_title, employer, nurse_advocate,
                 taster_session_id, any_cohort, access_needs, consent_at, privacy_notice_version, submitted_at,
                 eligible_at, state, cohort_id, offer_expires_at, updated_at, id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $13, $15, $16, $17, $18, $13, $19)
             ON CONFLICT (reference) DO NOTHING";
        // The application, its attendance by code, its events and its emails are one trip to
        // the database (or, in a PostgreSQL batch that keeps them, part of one trip for many
        // applications: `deferred.rs`): on PostgreSQL one statement (data-modifying WITHs that take their rows
        // from the inserted application), on SQLite one text of statements run in turn by the
        // connection's thread, each after the first taking its rows from the application with
        // the new id and this reference. Either way a reference in use stores none of them.
        let postgres = self.0.dialect() == Dialect::Postgres;
        let app = row.app;
        let mut binds: Vec<Arg> = vec![
            row.reference.into(),
            row.status_token.into(),
            row.intake.into(),
            app.name.as_str().into(),
            app.email.as_str().into(),
            row.email_key.into(),
            (&app.job_title).into(),
            (&app.employer).into(),
            app.nurse_advocate.as_str().into(),
            row.taster_session_id.into(),
            row.any_cohort.into(),
            (&app.access_needs).into(),
            row.submitted_at.into(),
            row.privacy_notice_version.into(),
            row.allocation.eligible_at.into(),
            row.allocation.state.as_str().into(),
            row.allocation.cohort_id.into(),
            row.allocation.offer_expires_at.into(),
            row.id.into(),
        ];
        if postgres && self.0.memo().is_some_and(|memo| memo.deferred.is_keeping()) {
            // The writer's batch stores it with its neighbours' (`deferred.rs`).
            let attendance = row.attended.then(|| {
                let source = AttendanceSource::Code.as_str();
                let (name, email) = (binds[3].clone(), binds[4].clone());
                vec![row.taster_session_id.into(), row.id.into(), source.into(), name, email, row.submitted_at.into()]
            });
            let kept = Kept {
                application: binds,
                attendance,
                events: event_rows(row.events, row.submitted_at)?,
                emails: outbox_rows(row.messages, row.submitted_at)?,
            };
            if let Some(memo) = self.0.memo() {
                memo.deferred.keep(kept);
            }
            self.waits_after_insert(row, row.id);
            return Ok(Ok(()));
        }
        let (inserted, only_it) = match postgres {
            true => ("inserted", ""),
            false => ("application", " WHERE application.id = $19 AND application.reference = $1"),
        };
        let mut with: Vec<(&str, String)> = Vec::new();
        if row.attended {
            binds.push(AttendanceSource::Code.as_str().into());
            with.push((
                "attended",
                format!(
                    "INSERT INTO attendance (taster_session_id, application_id, source, attendee_name, attendee_email,
                                             confirmed_at)
                     SELECT $10, id, ${}, name, email, $13 FROM {inserted}{only_it}",
                    binds.len()
                ),
            ));
        }
        if !row.events.is_empty() {
            let (values, more) = event_values(row.events, row.submitted_at, binds.len() + 1)?;
            binds.extend(more);
            with.push(("recorded", format!("{EVENT_INSERT} SELECT v.* FROM {inserted}, ({values}) AS v{only_it}")));
        }
        if !row.messages.is_empty() {
            let (values, more) = outbox_values(row.messages, row.submitted_at, binds.len() + 1)?;
            binds.extend(more);
            with.push((
                "queued",
                format!("{OUTBOX_INSERT} SELECT v.* FROM {inserted}, ({values}) AS v{only_it} ON CONFLICT DO NOTHING"),
            ));
        }
        let text = match postgres {
            true => {
                let mut parts = vec![format!("inserted AS ({INSERT} RETURNING id, name, email)")];
                parts.extend(with.iter().map(|(name, statement)| format!("{name} AS ({statement})")));
                format!("WITH {} SELECT id FROM inserted", parts.join(",\n"))
            }
            false => {
                let mut parts = vec![format!("{INSERT} RETURNING id")];
                parts.extend(with.into_iter().map(|(_, statement)| statement));
                parts.join(";\n")
            }
        };
        let insert = binds.into_iter().fold(sql_assembled(text), Sql::bind);
        // A reference already in use inserts nothing (the workflow draws another and tries
        // again in the same step); an email key in use is refused by its rule (rule 6). Every
        // statement's rows are read, so each of SQLite's statements runs.
        match insert.fetch_all::<(i64,)>(&mut self.0).await.map(|ids| ids.first().copied()) {
            Ok(Some((id,))) => {
                self.waits_after_insert(row, id);
                Ok(Ok(()))
            }
            Ok(None) => Ok(Err(Taken(crate::workflow::rows::Constraint::ApplicationReference))),
            Err(error) => super::db::taken(&error).map(Err).ok_or_else(|| AppError::from(error)),
        }
    }

    async fn insert_choices(&mut self, id: i64, cohorts: &[i64]) -> Result<(), AppError> {
        if let Some(memo) = self.0.memo() {
            if let Some((_, intake)) = memo.awaiting_choices.take().filter(|(waiting, _)| *waiting == id) {
                memo.waits(&intake, Some(cohorts));
            }
        }
        for (rank, cohort) in cohorts.iter().enumerate() {
            sql("INSERT INTO application_choice (application_id, rank, cohort_id) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(rank as i64 + 1)
                .bind(cohort)
                .execute(&mut self.0)
                .await?;
        }
        Ok(())
    }

    async fn choices(&mut self, id: i64) -> Result<Vec<CohortName>, AppError> {
        let rows: Vec<(i64, String, String)> = sql(
            "SELECT c.id, c.name, c.status FROM application_choice ch JOIN cohort c ON c.id = ch.cohort_id
             WHERE ch.application_id = $1
               AND NOT EXISTS (SELECT 1 FROM application_left_queue l WHERE l.application_id = $1 AND l.cohort_id = c.id)
             ORDER BY ch.rank",
        )
        .bind(id)
        .fetch_all(&mut self.0)
        .await?;
        Ok(rows.into_iter().map(|(id, name, status)| CohortName { id, name, status: status_of(&status) }).collect())
    }

    async fn left_queues(&mut self, id: i64) -> Result<Vec<i64>, AppError> {
        Ok(sql("SELECT cohort_id FROM application_left_queue WHERE application_id = $1")
            .bind(id)
            .scalars(&mut self.0)
            .await?)
    }

    async fn leave_queue(&mut self, id: i64, cohort_id: i64, at: DateTime<Utc>) -> Result<(), AppError> {
        forget(&mut self.0);
        sql("INSERT INTO application_left_queue (application_id, cohort_id, left_at) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING")
        .bind(id)
        .bind(cohort_id)
        .bind(at)
        .execute(&mut self.0)
        .await?;
        Ok(())
    }

    async fn set_allocation(&mut self, id: i64, allocation: &Allocation, at: DateTime<Utc>) -> Result<(), AppError> {
        forget(&mut self.0);
        sql(
            "UPDATE application SET state = $1, cohort_id = $2, eligible_at = $3, offer_expires_at = $4, updated_at = $5
             WHERE id = $6",
        )
        .bind(allocation.state.as_str())
        .bind(allocation.cohort_id)
        .bind(allocation.eligible_at)
        .bind(allocation.offer_expires_at)
        .bind(at)
        .bind(id)
        .execute(&mut self.0)
        .await?;
        Ok(())
    }

    async fn note_taster(&mut self, id: i64, taster_session_id: i64) -> Result<(), AppError> {
        sql("UPDATE application SET taster_session_id = coalesce(taster_session_id, $1) WHERE id = $2")
            .bind(taster_session_id)
            .bind(id)
            .execute(&mut self.0)
            .await?;
        Ok(())
    }

    async fn record_attendance(
        &mut self,
        taster_session_id: i64,
        application_id: i64,
        source: AttendanceSource,
        by: Option<i64>,
        at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        sql("INSERT INTO attendance (taster_session_id, application_id, source, attendee_name, attendee_email,
                                     confirmed_at, confirmed_by)
             SELECT $1, id, $2, name, email, $3, $4 FROM application WHERE id = $5
             ON CONFLICT (taster_session_id, application_id) DO NOTHING")
        .bind(taster_session_id)
        .bind(source.as_str())
        .bind(at)
        .bind(by)
        .bind(application_id)
        .execute(&mut self.0)
        .await?;
        Ok(())
    }

    async fn offers_due(&mut self, now: DateTime<Utc>) -> Result<Vec<i64>, AppError> {
        Ok(sql(
            "SELECT id FROM application WHERE state = 'offered' AND offer_expires_at <= $1 ORDER BY offer_expires_at, id",
        )
        .bind(now)
        .scalars(&mut self.0)
        .await?)
    }

    async fn next_waiting(&mut self, cohort_id: i64) -> Result<Option<i64>, AppError> {
        Ok(sql_assembled(format!(
            "SELECT a.id FROM application a WHERE {} ORDER BY a.eligible_at, a.id LIMIT 1",
            waits_for()
        ))
        .bind(cohort_id)
        .scalar_optional(&mut self.0)
        .await?)
    }

    async fn waiting_ahead(&mut self, cohort_id: i64, eligible_at: DateTime<Utc>, id: i64) -> Result<i64, AppError> {
        let ahead = waiting_count("$1", "(a.eligible_at < $2 OR (a.eligible_at = $2 AND a.id < $3))");
        Ok(sql_assembled(format!("SELECT {ahead}"))
        .bind(cohort_id)
        .bind(eligible_at)
        .bind(id)
        .scalar(&mut self.0)
        .await?)
    }

    async fn open_places(&mut self, intake: Option<&str>, code_key: Option<&str>) -> Result<OpenPlaces, AppError> {
        if let Some(kept) = self.0.memo().and_then(|m| m.open_places(intake, code_key)) {
            return Ok(kept);
        }
        let open = self.read_open_places(intake, code_key).await?;
        if let Some(memo) = self.0.memo() {
            memo.remember(intake, code_key, &open);
        }
        Ok(open)
    }

    async fn cohort(&mut self, id: i64) -> Result<Option<CohortRow>, AppError> {
        let row: Option<(String, String, i64, i64, i64, String)> =
            sql("SELECT name, intake, capacity, allocated_count, offered_count, status FROM cohort WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut self.0)
                .await?;
        let Some((name, intake, capacity, allocated, offered, status)) = row else { return Ok(None) };
        let meetings: Vec<(DateTime<Utc>, DateTime<Utc>)> =
            sql("SELECT starts_at, ends_at FROM cohort_meeting WHERE cohort_id = $1 ORDER BY position")
                .bind(id)
                .fetch_all(&mut self.0)
                .await?;
        let status = status_of(&status);
        Ok(Some(CohortRow {
            places: CohortPlaces { id, capacity, allocated, offered, open: status == CohortStatus::Open },
            name,
            intake,
            status,
            meetings,
        }))
    }

    async fn intake_cohorts(&mut self, intake: &str) -> Result<Vec<CohortName>, AppError> {
        let rows: Vec<(i64, String, String)> =
            sql("SELECT c.id, c.name, c.status FROM cohort c WHERE c.intake = $1 AND c.status <> 'closed'
             ORDER BY (SELECT min(m.starts_at) FROM cohort_meeting m WHERE m.cohort_id = c.id), c.id")
            .bind(intake)
            .fetch_all(&mut self.0)
            .await?;
        Ok(rows.into_iter().map(|(id, name, status)| CohortName { id, name, status: status_of(&status) }).collect())
    }

    async fn take_place(&mut self, cohort_id: i64, hold: Hold) -> Result<(), AppError> {
        // The condition repeats rule 3 in SQL, so even a logic error above cannot overfill a cohort.
        let column = column(hold);
        let taken = sql_assembled(format!(
            "UPDATE cohort SET {column} = {column} + 1
             WHERE id = $1 AND status = 'open' AND allocated_count + offered_count < capacity"
        ))
        .bind(cohort_id)
        .execute(&mut self.0)
        .await?;
        if taken == 1 {
            if let Some(memo) = self.0.memo() {
                memo.took(cohort_id, hold);
            }
            Ok(())
        } else {
            tracing::error!(cohort_id, "refused to take a place the cohort does not have");
            Err(AppError::Internal)
        }
    }

    async fn release_place(&mut self, cohort_id: i64, hold: Hold) -> Result<(), AppError> {
        forget(&mut self.0);
        let column = column(hold);
        sql_assembled(format!("UPDATE cohort SET {column} = {column} - 1 WHERE id = $1"))
            .bind(cohort_id)
            .execute(&mut self.0)
            .await?;
        Ok(())
    }

    async fn accept_place(&mut self, cohort_id: i64) -> Result<(), AppError> {
        forget(&mut self.0);
        let moved = sql(
            "UPDATE cohort SET offered_count = offered_count - 1, allocated_count = allocated_count + 1 WHERE id = $1",
        )
        .bind(cohort_id)
        .execute(&mut self.0)
        .await?;
        if moved == 1 {
            Ok(())
        } else {
            Err(AppError::Internal)
        }
    }

    async fn insert_cohort(&mut self, cohort: &NewCohort, at: DateTime<Utc>) -> Result<Result<i64, Taken>, AppError> {
        forget(&mut self.0);
        let insert = sql("INSERT INTO cohort (course_id, name, intake, capacity, status, created_at)
             VALUES ((SELECT id FROM course ORDER BY id LIMIT 1), $1, $2, $3, $4, $5)
             RETURNING id")
        .bind(&cohort.name)
        .bind(&cohort.intake)
        .bind(cohort.capacity)
        .bind(cohort.status.as_str())
        .bind(at);
        let id = match self.0.attempt::<(i64,)>(insert).await? {
            Ok((id,)) => id,
            Err(taken) => return Ok(Err(taken)),
        };
        insert_meetings(&mut self.0, id, &cohort.meetings).await?;
        Ok(Ok(id))
    }

    async fn update_cohort(&mut self, id: i64, update: &CohortUpdate) -> Result<Result<(), Taken>, AppError> {
        forget(&mut self.0);
        let change = sql("UPDATE cohort SET name = $1, capacity = $2, status = $3 WHERE id = $4 RETURNING id")
            .bind(&update.name)
            .bind(update.capacity)
            .bind(update.status.as_str())
            .bind(id);
        if let Err(taken) = self.0.attempt::<(i64,)>(change).await? {
            return Ok(Err(taken));
        }
        sql("DELETE FROM cohort_meeting WHERE cohort_id = $1").bind(id).execute(&mut self.0).await?;
        insert_meetings(&mut self.0, id, &update.meetings).await?;
        Ok(Ok(()))
    }

    async fn set_capacity(&mut self, id: i64, capacity: i64) -> Result<(), AppError> {
        forget(&mut self.0);
        sql("UPDATE cohort SET capacity = $1 WHERE id = $2").bind(capacity).bind(id).execute(&mut self.0).await?;
        Ok(())
    }

    async fn taster(&mut self, id: i64) -> Result<Option<TasterRow>, AppError> {
        let row: Option<(DateTime<Utc>, DateTime<Utc>, String, Option<DateTime<Utc>>, String)> =
            sql("SELECT starts_at, ends_at, status, cancelled_at, meeting_id FROM taster_session WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut self.0)
                .await?;
        Ok(row.map(|(starts_at, ends_at, status, cancelled_at, meeting_id)| TasterRow {
            id,
            starts_at,
            ends_at,
            status: TasterStatus::from_stored(&status),
            cancelled_at,
            meeting_id: meeting_id.chars().filter(char::is_ascii_digit).collect(),
        }))
    }

    async fn taster_record(&mut self, id: i64) -> Result<Option<serde_json::Value>, AppError> {
        let row: Option<(DateTime<Utc>, DateTime<Utc>, String, String, String, String, String)> = sql(
            "SELECT starts_at, ends_at, zoom_url, meeting_id, passcode, status, attendance_code FROM taster_session
             WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut self.0)
        .await?;
        Ok(row.map(|(starts_at, ends_at, zoom_url, meeting_id, passcode, status, code)| {
            serde_json::json!({
                "starts_at": starts_at, "ends_at": ends_at, "zoom_url": zoom_url, "meeting_id": meeting_id,
                "passcode": passcode, "status": status, "attendance_code": code,
            })
        }))
    }

    async fn insert_taster(&mut self, taster: &NewTaster, at: DateTime<Utc>) -> Result<Result<i64, Taken>, AppError> {
        forget(&mut self.0);
        let insert = sql("INSERT INTO taster_session
                (course_id, starts_at, ends_at, zoom_url, meeting_id, passcode, attendance_code, attendance_code_key,
                 status, created_at, updated_at)
             VALUES ((SELECT id FROM course ORDER BY id LIMIT 1), $1, $2, $3, $4, $5, $6, $7, 'scheduled', $8, $8)
             RETURNING id")
        .bind(taster.starts_at)
        .bind(taster.ends_at)
        .bind(&taster.zoom_url)
        .bind(&taster.meeting_id)
        .bind(&taster.passcode)
        .bind(&taster.attendance_code)
        .bind(crate::domain::application::attendance_code_key(&taster.attendance_code))
        .bind(at);
        Ok(self.0.attempt::<(i64,)>(insert).await?.map(|(id,)| id))
    }

    async fn change_taster(
        &mut self,
        id: i64,
        change: &TasterChange,
        at: DateTime<Utc>,
    ) -> Result<Result<(), Taken>, AppError> {
        forget(&mut self.0);
        let statement = match change {
            TasterChange::Details(t) => sql(
                "UPDATE taster_session SET starts_at = $1, ends_at = $2, zoom_url = $3, meeting_id = $4, passcode = $5,
                 updated_at = $6 WHERE id = $7 RETURNING id",
            )
            .bind(t.starts_at)
            .bind(t.ends_at)
            .bind(&t.zoom_url)
            .bind(&t.meeting_id)
            .bind(&t.passcode)
            .bind(at)
            .bind(id),
            TasterChange::Cancel => sql(
                "UPDATE taster_session SET status = 'cancelled', cancelled_at = $1, updated_at = $1 WHERE id = $2
                 RETURNING id",
            )
            .bind(at)
            .bind(id),
            TasterChange::Reinstate => sql(
                "UPDATE taster_session SET status = 'scheduled', cancelled_at = NULL, updated_at = $1 WHERE id = $2
                 RETURNING id",
            )
            .bind(at)
            .bind(id),
            TasterChange::Code(code) => sql(
                "UPDATE taster_session SET attendance_code = $1, attendance_code_key = $2, updated_at = $3 WHERE id = $4
                 RETURNING id",
            )
            .bind(code)
            .bind(crate::domain::application::attendance_code_key(code))
            .bind(at)
            .bind(id),
        };
        match self.0.attempt::<(i64,)>(statement).await {
            Ok(outcome) => Ok(outcome.map(drop)),
            // No such session: nothing to change (the workflow read it first).
            Err(sqlx::Error::RowNotFound) => Ok(Ok(())),
            Err(error) => Err(error.into()),
        }
    }

    async fn insert_import(
        &mut self,
        taster_session_id: i64,
        filename: &str,
        row_count: usize,
        digest: &str,
        by: i64,
        at: DateTime<Utc>,
    ) -> Result<i64, AppError> {
        Ok(sql("INSERT INTO zoom_import (taster_session_id, uploaded_by, uploaded_at, filename, row_count, digest)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(taster_session_id)
        .bind(by)
        .bind(at)
        .bind(filename)
        .bind(row_count as i64)
        .bind(digest)
        .scalar(&mut self.0)
        .await?)
    }

    async fn import_with_digest(
        &mut self,
        taster_session_id: i64,
        digest: &str,
    ) -> Result<Option<(i64, DateTime<Utc>)>, AppError> {
        Ok(sql(
            "SELECT id, uploaded_at FROM zoom_import WHERE taster_session_id = $1 AND digest = $2 ORDER BY id LIMIT 1",
        )
        .bind(taster_session_id)
        .bind(digest)
        .fetch_optional(&mut self.0)
        .await?)
    }

    async fn insert_attendee(
        &mut self,
        import_id: i64,
        attendee: &crate::domain::zoom_report::Attendee,
        matched: Option<(i64, crate::domain::matching::MatchKind)>,
    ) -> Result<(), AppError> {
        sql("INSERT INTO zoom_attendee (import_id, name, email, minutes, application_id, match_kind)
             VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(import_id)
        .bind(&attendee.name)
        .bind(&attendee.email)
        .bind(attendee.minutes)
        .bind(matched.map(|m| m.0))
        .bind(matched.map(|m| m.1.as_str()))
        .execute(&mut self.0)
        .await?;
        Ok(())
    }

    async fn attendee(&mut self, id: i64) -> Result<Option<AttendeeRow>, AppError> {
        let row: Option<(i64, i64, String, Option<i64>)> =
            sql("SELECT z.import_id, i.taster_session_id, z.state, z.application_id
             FROM zoom_attendee z JOIN zoom_import i ON i.id = z.import_id WHERE z.id = $1")
            .bind(id)
            .fetch_optional(&mut self.0)
            .await?;
        row.map(|(import_id, taster_session_id, state, application_id)| {
            let state = AttendeeState::parse(&state).ok_or(AppError::Internal)?;
            Ok(AttendeeRow { id, import_id, taster_session_id, state, application_id })
        })
        .transpose()
    }

    async fn decide_attendee(
        &mut self,
        id: i64,
        state: AttendeeState,
        application_id: Option<i64>,
        by: i64,
        at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        sql("UPDATE zoom_attendee SET state = $1, application_id = coalesce($2, application_id), decided_by = $3,
             decided_at = $4 WHERE id = $5 AND state = 'pending'")
        .bind(state.as_str())
        .bind(application_id)
        .bind(by)
        .bind(at)
        .bind(id)
        .execute(&mut self.0)
        .await?;
        Ok(())
    }

    async fn delete_import(&mut self, id: i64) -> Result<bool, AppError> {
        sql("DELETE FROM zoom_attendee WHERE import_id = $1").bind(id).execute(&mut self.0).await?;
        Ok(sql("DELETE FROM zoom_import WHERE id = $1").bind(id).execute(&mut self.0).await? > 0)
    }

    async fn reopen_attendee(&mut self, id: i64) -> Result<(), AppError> {
        sql("UPDATE zoom_attendee SET state = 'pending', decided_by = NULL, decided_at = NULL
             WHERE id = $1 AND state IN ('rejected', 'confirmed')")
        .bind(id)
        .execute(&mut self.0)
        .await?;
        Ok(())
    }

    async fn remove_zoom_attendance(&mut self, taster_session_id: i64, application_id: i64) -> Result<bool, AppError> {
        let removed =
            sql("DELETE FROM attendance WHERE taster_session_id = $1 AND application_id = $2 AND source = 'zoom'")
                .bind(taster_session_id)
                .bind(application_id)
                .execute(&mut self.0)
                .await?;
        Ok(removed > 0)
    }

    async fn first_attendance(&mut self, application_id: i64) -> Result<Option<(i64, DateTime<Utc>)>, AppError> {
        Ok(sql("SELECT t.id, t.starts_at FROM attendance a JOIN taster_session t ON t.id = a.taster_session_id
             WHERE a.application_id = $1 ORDER BY t.starts_at, t.id LIMIT 1")
        .bind(application_id)
        .fetch_optional(&mut self.0)
        .await?)
    }

    async fn set_taster(&mut self, id: i64, taster_session_id: Option<i64>) -> Result<(), AppError> {
        sql("UPDATE application SET taster_session_id = $1 WHERE id = $2")
            .bind(taster_session_id)
            .bind(id)
            .execute(&mut self.0)
            .await?;
        Ok(())
    }

    async fn suggest_match(
        &mut self,
        id: i64,
        application_id: i64,
        kind: crate::domain::matching::MatchKind,
    ) -> Result<bool, AppError> {
        let changed = sql("UPDATE zoom_attendee SET application_id = $2, match_kind = $3
             WHERE id = $1 AND state = 'pending' AND application_id IS NULL")
        .bind(id)
        .bind(application_id)
        .bind(kind.as_str())
        .execute(&mut self.0)
        .await?;
        Ok(changed > 0)
    }

    async fn audit(&mut self, entry: &AuditEntry, at: DateTime<Utc>) -> Result<(), AppError> {
        super::coordinators::record_audit(&mut self.0, entry, at).await
    }

    async fn record_events(&mut self, events: &[Event], at: DateTime<Utc>) -> Result<(), AppError> {
        self.record(events, &[], at).await
    }

    async fn queue_messages(&mut self, messages: &[Outgoing], at: DateTime<Utc>) -> Result<u64, AppError> {
        if messages.is_empty() {
            return Ok(0);
        }
        let (values, binds) = outbox_values(messages, at, 1)?;
        let text = format!("{OUTBOX_INSERT} {values} ON CONFLICT DO NOTHING");
        Ok(binds.into_iter().fold(sql_assembled(text), Sql::bind).execute(&mut self.0).await?)
    }

    async fn record(&mut self, events: &[Event], messages: &[Outgoing], at: DateTime<Utc>) -> Result<(), AppError> {
        // Each list is one multi-row insert. On PostgreSQL both go in one statement (the events
        // as a data-modifying WITH), so a step's record costs the writer one round trip.
        match (events.is_empty(), messages.is_empty(), self.0.dialect()) {
            (true, true, _) => {}
            (false, false, Dialect::Postgres) => {
                let (events, mut binds) = event_values(events, at, 1)?;
                let (messages, outbox_binds) = outbox_values(messages, at, binds.len() + 1)?;
                binds.extend(outbox_binds);
                let text = format!(
                    "WITH recorded AS ({EVENT_INSERT} {events}) {OUTBOX_INSERT} {messages} ON CONFLICT DO NOTHING"
                );
                binds.into_iter().fold(sql_assembled(text), Sql::bind).execute(&mut self.0).await?;
            }
            _ => {
                if !events.is_empty() {
                    let (values, binds) = event_values(events, at, 1)?;
                    let text = format!("{EVENT_INSERT} {values}");
                    binds.into_iter().fold(sql_assembled(text), Sql::bind).execute(&mut self.0).await?;
                }
                self.queue_messages(messages, at).await?;
            }
        }
        Ok(())
    }

    async fn offers_ending_by(&mut self, by: DateTime<Utc>) -> Result<Vec<(i64, i64, DateTime<Utc>)>, AppError> {
        Ok(sql("SELECT id, cohort_id, offer_expires_at FROM application
             WHERE state = 'offered' AND offer_expires_at <= $1 ORDER BY offer_expires_at, id")
        .bind(by)
        .fetch_all(&mut self.0)
        .await?)
    }

    async fn application_by_email(&mut self, email_key: &str) -> Result<Option<i64>, AppError> {
        Ok(sql("SELECT id FROM application WHERE email_key = $1 ORDER BY submitted_at DESC, id DESC LIMIT 1")
            .bind(email_key)
            .scalar_optional(&mut self.0)
            .await?)
    }

    async fn messages_since(
        &mut self,
        application_id: i64,
        kind: MessageKind,
        since: DateTime<Utc>,
    ) -> Result<i64, AppError> {
        Ok(sql("SELECT count(*) FROM outbox WHERE application_id = $1 AND kind = $2 AND queued_at >= $3")
            .bind(application_id)
            .bind(kind.as_str())
            .bind(since)
            .scalar(&mut self.0)
            .await?)
    }

    async fn group(&mut self, audience: Audience, cohort_id: i64) -> Result<Vec<i64>, AppError> {
        let statement = match audience {
            Audience::Cohort => {
                sql("SELECT id FROM application WHERE state = 'allocated' AND cohort_id = $1 ORDER BY id")
                    .bind(cohort_id)
            }
            Audience::Waiting => {
                sql_assembled(format!("SELECT a.id FROM application a WHERE {} ORDER BY a.eligible_at, a.id", waits_for()))
                    .bind(cohort_id)
            }
        };
        Ok(statement.scalars(&mut self.0).await?)
    }

    async fn insert_team_message(
        &mut self,
        message: &NewTeamMessage,
        recipients: usize,
        at: DateTime<Utc>,
    ) -> Result<i64, AppError> {
        Ok(sql("INSERT INTO team_message (created_at, created_by, audience, cohort_id, subject, body, recipients)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
        .bind(at)
        .bind(message.by)
        .bind(message.audience.as_str())
        .bind(message.cohort_id)
        .bind(&message.subject)
        .bind(&message.body)
        .bind(recipients as i64)
        .scalar(&mut self.0)
        .await?)
    }

    async fn is_erased(&mut self, id: i64) -> Result<bool, AppError> {
        Ok(sql("SELECT erased_at IS NOT NULL FROM application WHERE id = $1").bind(id).scalar(&mut self.0).await?)
    }

    async fn erase_personal(&mut self, id: i64, new_token: &str, at: DateTime<Utc>) -> Result<Vec<i64>, AppError> {
        forget(&mut self.0);
        let email_key: String =
            sql("SELECT email_key FROM application WHERE id = $1").bind(id).scalar(&mut self.0).await?;
        sql("UPDATE application SET name = '(erased)', email = $2, email_key = $3, job_title = '', employer = '',
                 access_needs = '', status_token = $4, erased_at = $5, updated_at = $5
             WHERE id = $1")
        .bind(id)
        .bind(format!("erased-{id}@erased.invalid"))
        .bind(format!("erased-{id}"))
        .bind(new_token)
        .bind(at)
        .execute(&mut self.0)
        .await?;
        super::notes::forget(&mut self.0, id).await?;
        sql("UPDATE attendance SET attendee_name = NULL, attendee_email = NULL WHERE application_id = $1")
            .bind(id)
            .execute(&mut self.0)
            .await?;
        sql("UPDATE zoom_attendee SET name = '(erased)', email = NULL WHERE application_id = $1 AND state <> 'rejected'")
            .bind(id)
            .execute(&mut self.0)
            .await?;
        sql("UPDATE zoom_attendee SET application_id = NULL WHERE application_id = $1 AND state = 'rejected'")
            .bind(id)
            .execute(&mut self.0)
            .await?;
        super::limits::forget(&mut self.0, crate::auth::limits::WRONG_CODES_BY_EMAIL, &email_key).await?;
        sql("UPDATE outbox SET state = 'failed', claimed_until = NULL,
                 last_error = 'Not sent: the applicant''s personal data was erased'
             WHERE application_id = $1 AND state IN ('pending', 'retrying')")
        .bind(id)
        .execute(&mut self.0)
        .await?;
        Ok(sql("SELECT id FROM outbox WHERE application_id = $1 ORDER BY id").bind(id).scalars(&mut self.0).await?)
    }
}
