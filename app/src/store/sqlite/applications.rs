//! Applications and places: every operation of the allocation rules on SQLite.
//!
//! Each write function here runs on the single writer's connection inside its own SAVEPOINT of
//! a `BEGIN IMMEDIATE` transaction (see `writer.rs`): nothing else writes between its reads
//! and its writes, and an error undoes all it did. The decisions come from
//! `domain::allocation`; this file only reads and writes rows.

use super::cohorts;
use crate::domain::allocation::{self, AllocationState, CohortChoice, Placement};
use crate::domain::application::NewApplication;
use crate::domain::attendance_code::code_accepted;
use crate::domain::uk_time::{uk_clock, uk_date};
use crate::errors::AppError;
use crate::models::{ApplicationOutcome, ApplicationStatus, QueuePosition};
use crate::store::AuditEntry;
use crate::tokens;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use sqlx::SqliteConnection;

/// What the applicant is told when their work email already has an active application.
pub const DUPLICATE_MESSAGE: &str = "You have already applied with this work email address. \
    Use the status link from your confirmation page to see where you are in the queue, or \
    contact the course team if you no longer have it.";

/// What the applicant is told when the attendance code matches no session.
pub const UNKNOWN_CODE_MESSAGE: &str = "We do not recognise that attendance code. Check it and \
    try again, or leave it blank and the course team will check your attendance";

/// How attendance was confirmed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttendanceSource {
    Code,
    Manual,
    Zoom,
}

impl AttendanceSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Code => "code",
            Self::Manual => "manual",
            Self::Zoom => "zoom",
        }
    }
}

/// Stores a new application and, when its attendance code is valid, places it at once (rules
/// 1, 2 and 6).
pub async fn submit(
    conn: &mut SqliteConnection,
    app: NewApplication,
    now: DateTime<Utc>,
) -> Result<ApplicationOutcome, AppError> {
    let found = cohorts::open_places_and_code(conn, None, app.attendance_code.as_deref()).await?;
    let (places, code_session) = (found.places, found.code_session);
    let Some(intake) = found.intake else {
        return Err(AppError::invalid("cohort_preferences", "No courses are open for applications at the moment"));
    };
    if let CohortChoice::Ranked(ids) = &app.choice {
        if ids.iter().any(|id| !places.iter().any(|p| p.id == *id)) {
            return Err(AppError::invalid(
                "cohort_preferences",
                "One of the courses you chose is no longer open for applications. Choose again from the list",
            ));
        }
    }

    // Rule 6 is the partial unique index `application_one_active_per_email`: a second active
    // application fails its INSERT below, and the savepoint undoes everything before it.
    let email_key = app.email.key();

    // A valid attendance code confirms attendance at once (rule 1) and names its session.
    let mut taster_session_id = app.taster_session_id;
    let mut attended = false;
    if app.attendance_code.is_some() {
        // The code proves presence only within its window (DESIGN.md, "Attendance codes").
        match code_session {
            Some((id, starts_at, ends_at)) if code_accepted(starts_at, ends_at, false, now) => {
                taster_session_id = Some(id);
                attended = true;
            }
            _ => return Err(AppError::invalid("attendance_code", UNKNOWN_CODE_MESSAGE)),
        }
    }

    let (state, cohort_id, eligible_at) = if attended {
        match allocation::place(&app.choice, &places) {
            Placement::Allocate(id) => (AllocationState::Allocated, Some(id), Some(now)),
            Placement::Wait => (AllocationState::Waiting, None, Some(now)),
        }
    } else {
        (AllocationState::AwaitingAttendance, None, None)
    };
    if let Some(id) = cohort_id {
        take_place(conn, id, AllocationState::Allocated).await?;
    }

    let token = tokens::status_token();
    let any_cohort = matches!(app.choice, CohortChoice::Any);
    // A fresh reference is almost always free; on the rare clash, draw another.
    let mut attempts = 0;
    let (id, reference) = loop {
        attempts += 1;
        let reference = tokens::reference();
        let inserted = sqlx::query_scalar::<_, i64>(
            "INSERT INTO application
                (reference, status_token, intake, name, email, email_key, job_title, employer, nurse_advocate,
                 taster_session_id, any_cohort, access_needs, consent_at, privacy_notice_version, submitted_at,
                 eligible_at, state, cohort_id, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             RETURNING id",
        )
        .bind(&reference)
        .bind(&token)
        .bind(&intake)
        .bind(app.name.as_str())
        .bind(app.email.as_str())
        .bind(&email_key)
        .bind(&app.job_title)
        .bind(&app.employer)
        .bind(app.nurse_advocate.as_str())
        .bind(taster_session_id)
        .bind(any_cohort)
        .bind(&app.access_needs)
        .bind(now)
        .bind(crate::PRIVACY_NOTICE_VERSION)
        .bind(now)
        .bind(eligible_at)
        .bind(state.as_str())
        .bind(cohort_id)
        .bind(now)
        .fetch_one(&mut *conn)
        .await;
        match inserted {
            Ok(id) => break (id, reference),
            Err(sqlx::Error::Database(e))
                if e.is_unique_violation() && e.message().contains("application.reference") =>
            {
                if attempts >= 20 {
                    tracing::error!("no free application reference after 20 tries");
                    return Err(AppError::Internal);
                }
            }
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(AppError::Conflict(DUPLICATE_MESSAGE.into()))
            }
            Err(e) => return Err(e.into()),
        }
    };
    if let CohortChoice::Ranked(ids) = &app.choice {
        for (rank, cohort) in ids.iter().enumerate() {
            sqlx::query("INSERT INTO application_choice (application_id, rank, cohort_id) VALUES (?, ?, ?)")
                .bind(id)
                .bind(rank as i64 + 1)
                .bind(cohort)
                .execute(&mut *conn)
                .await?;
        }
    }
    if attended {
        if let Some(session) = taster_session_id {
            record_attendance(conn, session, id, AttendanceSource::Code, None, now).await?;
        }
    }
    // Joining now, with the writer's clock of record, puts it last in every waiting list it
    // joins: its position is one more than the number already waiting there.
    let best = match (state, &app.choice) {
        (AllocationState::Waiting, CohortChoice::Ranked(ids)) => ids
            .iter()
            .filter_map(|id| found.waiting.iter().find(|(c, _)| c == id))
            .min_by_key(|(_, waiting)| *waiting)
            .map(|(c, waiting)| (*c, waiting + 1)),
        (AllocationState::Waiting, CohortChoice::Any) => {
            found.waiting.iter().min_by_key(|(_, waiting)| *waiting).map(|(c, waiting)| (*c, waiting + 1))
        }
        _ => None,
    };
    Ok(ApplicationOutcome {
        reference,
        state,
        cohort_id: cohort_id.or(best.map(|(c, _)| c)),
        position: best.map(|(_, position)| position),
        status_token: token,
    })
}

/// Records a confirmed attendance for an application and, if it was waiting for that check,
/// makes it eligible now and places it (rules 1 and 2).
pub async fn confirm_attendance(
    conn: &mut SqliteConnection,
    application_id: i64,
    taster_session_id: i64,
    source: AttendanceSource,
    coordinator_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<ApplicationStatus, AppError> {
    let row = application_row(conn, Key::Id(application_id)).await?;
    let session_exists: Option<i64> = sqlx::query_scalar("SELECT id FROM taster_session WHERE id = ?")
        .bind(taster_session_id)
        .fetch_optional(&mut *conn)
        .await?;
    if session_exists.is_none() {
        return Err(AppError::invalid("taster_session_id", "Select a taster session from the list"));
    }
    record_attendance(conn, taster_session_id, application_id, source, coordinator_id, now).await?;
    let before = json!({ "state": row.state.as_str(), "cohort_id": row.cohort_id });
    if row.state == AllocationState::AwaitingAttendance {
        let eligible_at = allocation::eligible_at(row.submitted_at, now);
        let choice = choice_of(conn, &row).await?;
        let (_, places) = cohorts::open_places(conn, Some(&row.intake)).await?;
        let (state, cohort_id) = match allocation::place(&choice, &places) {
            Placement::Allocate(id) => (AllocationState::Allocated, Some(id)),
            Placement::Wait => (AllocationState::Waiting, None),
        };
        if let Some(id) = cohort_id {
            take_place(conn, id, AllocationState::Allocated).await?;
        }
        sqlx::query(
            "UPDATE application SET state = ?, cohort_id = ?, eligible_at = ?,
             taster_session_id = coalesce(taster_session_id, ?), updated_at = ? WHERE id = ?",
        )
        .bind(state.as_str())
        .bind(cohort_id)
        .bind(eligible_at)
        .bind(taster_session_id)
        .bind(now)
        .bind(application_id)
        .execute(&mut *conn)
        .await?;
    }
    let status = status_by_id(conn, application_id).await?;
    if let Some(by) = coordinator_id {
        let after = json!({
            "state": status.state.as_str(), "cohort_id": status.cohort.as_ref().map(|c| c.id),
            "taster_session_id": taster_session_id, "source": source.as_str(),
        });
        audit(conn, by, "application.confirm_attendance", application_id, before, after, now).await?;
    }
    Ok(status)
}

/// Rule 7: the applicant (or a coordinator for them) withdraws; a place they held is offered
/// to the next in line (rule 4).
pub async fn withdraw(
    conn: &mut SqliteConnection,
    key: Key<'_>,
    actor: Option<i64>,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<ApplicationStatus, AppError> {
    let row = application_row(conn, key).await?;
    if !row.state.can_withdraw() {
        return Err(AppError::Conflict(format!(
            "This application cannot be withdrawn: it is already {}",
            row.state.label().to_lowercase()
        )));
    }
    leave(conn, &row, AllocationState::Withdrawn, now, window).await?;
    if let Some(by) = actor {
        let before = json!({ "state": row.state.as_str(), "cohort_id": row.cohort_id });
        audit(conn, by, "application.withdraw", row.id, before, json!({ "state": "withdrawn" }), now).await?;
    }
    status_by_id(conn, row.id).await
}

/// A coordinator moves an allocated applicant to another open cohort with a free place; the
/// place left behind is offered to the next in line (rules 3 and 4).
pub async fn move_to_cohort(
    conn: &mut SqliteConnection,
    id: i64,
    target: i64,
    actor: i64,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<ApplicationStatus, AppError> {
    let row = application_row(conn, Key::Id(id)).await?;
    let Some(from) = row.cohort_id.filter(|_| *row.state == AllocationState::Allocated) else {
        return Err(AppError::Conflict("Only an application with a place can be moved to another cohort".into()));
    };
    if from == target {
        return Err(AppError::invalid("cohort_id", "Choose a different cohort from the one it is on"));
    }
    let places = cohorts::places(conn, target)
        .await?
        .ok_or_else(|| AppError::invalid("cohort_id", "Choose a cohort from the list"))?;
    if !places.has_free_place() {
        return Err(AppError::invalid(
            "cohort_id",
            "That cohort has no free place: choose another, or raise its capacity first",
        ));
    }
    take_place(conn, target, AllocationState::Allocated).await?;
    sqlx::query("UPDATE cohort SET allocated_count = allocated_count - 1 WHERE id = ?")
        .bind(from)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE application SET cohort_id = ?, updated_at = ? WHERE id = ?")
        .bind(target)
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    offer_free_places(conn, from, now, window).await?;
    audit(conn, actor, "application.move", id, json!({ "cohort_id": from }), json!({ "cohort_id": target }), now)
        .await?;
    status_by_id(conn, id).await
}

/// What a coordinator sets on a cohort.
#[derive(Clone, Debug)]
pub struct CohortUpdate {
    pub name: String,
    pub capacity: i64,
    pub status: &'static str,
    pub meetings: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

/// A coordinator changes a cohort: its capacity may not drop below the places given (rule 3);
/// places freed by more capacity or by opening it go to the waiting list at once (rule 4).
pub async fn update_cohort(
    conn: &mut SqliteConnection,
    id: i64,
    update: CohortUpdate,
    actor: i64,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<(), AppError> {
    let places = cohorts::places(conn, id).await?.ok_or_else(|| AppError::NotFound("No such cohort".into()))?;
    allocation::capacity_change_allowed(&places, update.capacity).map_err(|m| AppError::invalid("capacity", m))?;
    let before: (String, i64, String) =
        sqlx::query_as("SELECT name, capacity, status FROM cohort WHERE id = ?").bind(id).fetch_one(&mut *conn).await?;
    let before_meetings: Vec<(DateTime<Utc>,)> =
        sqlx::query_as("SELECT starts_at FROM cohort_meeting WHERE cohort_id = ? ORDER BY position")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    let renamed = sqlx::query("UPDATE cohort SET name = ?, capacity = ?, status = ? WHERE id = ?")
        .bind(&update.name)
        .bind(update.capacity)
        .bind(update.status)
        .bind(id)
        .execute(&mut *conn)
        .await;
    match renamed {
        Ok(_) => {}
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(AppError::invalid("name", "Another cohort has that name: choose a different one"))
        }
        Err(e) => return Err(e.into()),
    }
    sqlx::query("DELETE FROM cohort_meeting WHERE cohort_id = ?").bind(id).execute(&mut *conn).await?;
    for (position, (starts_at, ends_at)) in update.meetings.iter().enumerate() {
        sqlx::query("INSERT INTO cohort_meeting (cohort_id, position, starts_at, ends_at) VALUES (?, ?, ?, ?)")
            .bind(id)
            .bind(position as i64 + 1)
            .bind(starts_at)
            .bind(ends_at)
            .execute(&mut *conn)
            .await?;
    }
    if update.status == "open" {
        offer_free_places(conn, id, now, window).await?;
    }
    let before = json!({
        "name": before.0, "capacity": before.1, "status": before.2,
        "meetings": before_meetings.iter().map(|m| m.0).collect::<Vec<_>>(),
    });
    let after = json!({
        "name": update.name, "capacity": update.capacity, "status": update.status,
        "meetings": update.meetings.iter().map(|m| m.0).collect::<Vec<_>>(),
    });
    super::coordinators::record_audit(
        conn,
        &AuditEntry {
            coordinator_id: actor,
            action: "cohort.edit".into(),
            subject_type: "cohort".into(),
            subject_id: Some(id),
            before: Some(before),
            after: Some(after),
        },
        now,
    )
    .await
}

/// Appends an audit entry about an application, in the job's transaction.
async fn audit(
    conn: &mut SqliteConnection,
    by: i64,
    action: &str,
    application_id: i64,
    before: serde_json::Value,
    after: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    super::coordinators::record_audit(
        conn,
        &AuditEntry {
            coordinator_id: by,
            action: action.into(),
            subject_type: "application".into(),
            subject_id: Some(application_id),
            before: Some(before),
            after: Some(after),
        },
        now,
    )
    .await
}

/// Rule 7: the applicant accepts an offered place before it expires. An expired offer is
/// expired now (and passed on) instead, and the status says so.
pub async fn accept_offer(
    conn: &mut SqliteConnection,
    key: Key<'_>,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<ApplicationStatus, AppError> {
    let row = application_row(conn, key).await?;
    if !row.state.can_answer_offer() {
        return Err(AppError::Conflict("There is no offer to accept on this application".into()));
    }
    let (Some(cohort_id), Some(expires_at)) = (row.cohort_id, row.offer_expires_at) else {
        return Err(AppError::Internal);
    };
    if !allocation::offer_is_open(expires_at, now) {
        leave(conn, &row, AllocationState::Expired, now, window).await?;
        return status_by_id(conn, row.id).await;
    }
    let moved = sqlx::query(
        "UPDATE cohort SET offered_count = offered_count - 1, allocated_count = allocated_count + 1 WHERE id = ?",
    )
    .bind(cohort_id)
    .execute(&mut *conn)
    .await?;
    if moved.rows_affected() != 1 {
        return Err(AppError::Internal);
    }
    sqlx::query("UPDATE application SET state = 'allocated', offer_expires_at = NULL, updated_at = ? WHERE id = ?")
        .bind(now)
        .bind(row.id)
        .execute(&mut *conn)
        .await?;
    status_by_id(conn, row.id).await
}

/// Rule 7: the applicant declines an offered place; it passes to the next in line (rule 4).
pub async fn decline_offer(
    conn: &mut SqliteConnection,
    key: Key<'_>,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<ApplicationStatus, AppError> {
    let row = application_row(conn, key).await?;
    if !row.state.can_answer_offer() {
        return Err(AppError::Conflict("There is no offer to decline on this application".into()));
    }
    leave(conn, &row, AllocationState::Declined, now, window).await?;
    status_by_id(conn, row.id).await
}

/// Rule 4: offers not accepted in time lapse and pass to the next in line. Returns how many
/// lapsed.
pub async fn expire_offers(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<usize, AppError> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM application WHERE state = 'offered' AND offer_expires_at <= ? ORDER BY offer_expires_at, id",
    )
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    for id in &ids {
        let row = application_row(conn, Key::Id(*id)).await?;
        leave(conn, &row, AllocationState::Expired, now, window).await?;
    }
    Ok(ids.len())
}

/// Changes a cohort's capacity (rule 3 forbids dropping below allocated plus offered); new
/// places are offered to the waiting list at once (rule 4).
pub async fn set_capacity(
    conn: &mut SqliteConnection,
    cohort_id: i64,
    capacity: i64,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<(), AppError> {
    let places = cohorts::places(conn, cohort_id).await?.ok_or_else(|| AppError::NotFound("No such cohort".into()))?;
    allocation::capacity_change_allowed(&places, capacity).map_err(|m| AppError::invalid("capacity", m))?;
    sqlx::query("UPDATE cohort SET capacity = ? WHERE id = ?")
        .bind(capacity)
        .bind(cohort_id)
        .execute(&mut *conn)
        .await?;
    offer_free_places(conn, cohort_id, now, window).await
}

/// Offers every free place of a cohort to the first waiting applicants for it, in
/// `eligible_at` order (rule 4), so no place stays free while someone waits (rule 3).
pub async fn offer_free_places(
    conn: &mut SqliteConnection,
    cohort_id: i64,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<(), AppError> {
    loop {
        let Some(places) = cohorts::places(conn, cohort_id).await? else { return Ok(()) };
        if !places.has_free_place() {
            return Ok(());
        }
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT a.id FROM application a
             WHERE a.state = 'waiting'
               AND a.intake = (SELECT intake FROM cohort WHERE id = ?1)
               AND (a.any_cohort = 1 OR EXISTS (
                    SELECT 1 FROM application_choice ch WHERE ch.application_id = a.id AND ch.cohort_id = ?1))
             ORDER BY a.eligible_at, a.id
             LIMIT 1",
        )
        .bind(cohort_id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(application_id) = next else { return Ok(()) };
        take_place(conn, cohort_id, AllocationState::Offered).await?;
        sqlx::query(
            "UPDATE application SET state = 'offered', cohort_id = ?, offer_expires_at = ?, updated_at = ? WHERE id = ?",
        )
        .bind(cohort_id)
        .bind(allocation::offer_expires_at(now, window))
        .bind(now)
        .bind(application_id)
        .execute(&mut *conn)
        .await?;
    }
}

/// Which application an operation is about.
#[derive(Clone, Copy, Debug)]
pub enum Key<'a> {
    Id(i64),
    Token(&'a str),
}

#[derive(sqlx::FromRow)]
struct ApplicationRow {
    id: i64,
    reference: String,
    status_token: String,
    name: String,
    intake: String,
    #[sqlx(try_from = "String")]
    state: StoredState,
    cohort_id: Option<i64>,
    any_cohort: bool,
    submitted_at: DateTime<Utc>,
    eligible_at: Option<DateTime<Utc>>,
    offer_expires_at: Option<DateTime<Utc>>,
}

/// A state read from the database (an unknown spelling is a corrupt row, not a panic).
struct StoredState(AllocationState);

impl TryFrom<String> for StoredState {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        AllocationState::parse(&value).map(StoredState).ok_or_else(|| format!("unknown application state {value:?}"))
    }
}

impl std::ops::Deref for StoredState {
    type Target = AllocationState;
    fn deref(&self) -> &AllocationState {
        &self.0
    }
}

impl PartialEq<AllocationState> for StoredState {
    fn eq(&self, other: &AllocationState) -> bool {
        self.0 == *other
    }
}

const ROW_COLUMNS: &str = "SELECT id, reference, status_token, name, intake, state, cohort_id, any_cohort, \
     submitted_at, eligible_at, offer_expires_at FROM application";

async fn application_row(conn: &mut SqliteConnection, key: Key<'_>) -> Result<ApplicationRow, AppError> {
    let row = match key {
        Key::Id(id) => {
            sqlx::query_as::<_, ApplicationRow>(sqlx::AssertSqlSafe(format!("{ROW_COLUMNS} WHERE id = ?")))
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?
        }
        Key::Token(token) => {
            sqlx::query_as::<_, ApplicationRow>(sqlx::AssertSqlSafe(format!("{ROW_COLUMNS} WHERE status_token = ?")))
                .bind(token)
                .fetch_optional(&mut *conn)
                .await?
        }
    };
    row.ok_or_else(|| AppError::NotFound("We could not find that application".into()))
}

async fn choice_of(conn: &mut SqliteConnection, row: &ApplicationRow) -> Result<CohortChoice, AppError> {
    if row.any_cohort {
        return Ok(CohortChoice::Any);
    }
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT cohort_id FROM application_choice WHERE application_id = ? ORDER BY rank")
            .bind(row.id)
            .fetch_all(&mut *conn)
            .await?;
    Ok(CohortChoice::Ranked(ids))
}

/// Ends an application (withdrawn, declined or expired): releases any place it held and
/// offers that place to the next in line.
async fn leave(
    conn: &mut SqliteConnection,
    row: &ApplicationRow,
    to: AllocationState,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<(), AppError> {
    let released = match (row.state.holds_place(), row.cohort_id) {
        (true, Some(cohort_id)) => {
            let column = if *row.state == AllocationState::Offered { "offered_count" } else { "allocated_count" };
            sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE cohort SET {column} = {column} - 1 WHERE id = ?")))
                .bind(cohort_id)
                .execute(&mut *conn)
                .await?;
            Some(cohort_id)
        }
        _ => None,
    };
    sqlx::query(
        "UPDATE application SET state = ?, cohort_id = NULL, offer_expires_at = NULL, updated_at = ? WHERE id = ?",
    )
    .bind(to.as_str())
    .bind(now)
    .bind(row.id)
    .execute(&mut *conn)
    .await?;
    if let Some(cohort_id) = released {
        offer_free_places(conn, cohort_id, now, window).await?;
    }
    Ok(())
}

/// Takes one place on an open cohort for an allocation or an offer. The condition repeats
/// rule 3 in SQL, so even a logic error elsewhere cannot overfill a cohort.
async fn take_place(conn: &mut SqliteConnection, cohort_id: i64, kind: AllocationState) -> Result<(), AppError> {
    let column = if kind == AllocationState::Offered { "offered_count" } else { "allocated_count" };
    let taken = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE cohort SET {column} = {column} + 1
         WHERE id = ? AND status = 'open' AND allocated_count + offered_count < capacity"
    )))
    .bind(cohort_id)
    .execute(&mut *conn)
    .await?;
    if taken.rows_affected() == 1 {
        Ok(())
    } else {
        tracing::error!(cohort_id, "refused to take a place the cohort does not have");
        Err(AppError::Internal)
    }
}

async fn record_attendance(
    conn: &mut SqliteConnection,
    taster_session_id: i64,
    application_id: i64,
    source: AttendanceSource,
    coordinator_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO attendance (taster_session_id, application_id, source, attendee_name, attendee_email,
                                 confirmed_at, confirmed_by)
         SELECT ?, id, ?, name, email, ?, ? FROM application WHERE id = ?
         ON CONFLICT (taster_session_id, application_id) DO NOTHING",
    )
    .bind(taster_session_id)
    .bind(source.as_str())
    .bind(now)
    .bind(coordinator_id)
    .bind(application_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The status page's view of an application, by its private token.
pub async fn status_by_token(conn: &mut SqliteConnection, token: &str) -> Result<ApplicationStatus, AppError> {
    let row = application_row(conn, Key::Token(token)).await?;
    status_of(conn, row).await
}

/// The status of an application by id.
pub async fn status_by_id(conn: &mut SqliteConnection, id: i64) -> Result<ApplicationStatus, AppError> {
    let row = application_row(conn, Key::Id(id)).await?;
    status_of(conn, row).await
}

async fn status_of(conn: &mut SqliteConnection, row: ApplicationRow) -> Result<ApplicationStatus, AppError> {
    let cohort = match row.cohort_id {
        Some(id) => cohorts::get(conn, id).await?,
        None => None,
    };
    let choices: Vec<(i64, String)> = sqlx::query_as(
        "SELECT c.id, c.name FROM application_choice ch JOIN cohort c ON c.id = ch.cohort_id
         WHERE ch.application_id = ? ORDER BY ch.rank",
    )
    .bind(row.id)
    .fetch_all(&mut *conn)
    .await?;
    let positions = match (*row.state, row.eligible_at) {
        (AllocationState::Waiting, Some(eligible_at)) => {
            positions(conn, row.id, &row.intake, eligible_at, row.any_cohort).await?
        }
        _ => Vec::new(),
    };
    Ok(ApplicationStatus {
        reference: row.reference,
        status_token: row.status_token,
        name: row.name,
        state: *row.state,
        cohort,
        positions,
        offer_expires_at: row.offer_expires_at,
        offer_expires_uk: row.offer_expires_at.map(|t| format!("{}, {}", uk_date(t), uk_clock(t))),
        submitted_uk: format!("{}, {}", uk_date(row.submitted_at), uk_clock(row.submitted_at)),
        choices: choices.into_iter().map(|(_, name)| name).collect(),
    })
}

/// Where a waiting application stands in each waiting list it is in: 1 + the number of
/// applications waiting for the same cohort that became eligible before it. One statement,
/// best position first (ties: the applicant's rank, then the earliest cohort).
async fn positions(
    conn: &mut SqliteConnection,
    id: i64,
    intake: &str,
    eligible_at: DateTime<Utc>,
    any_cohort: bool,
) -> Result<Vec<QueuePosition>, AppError> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT c.id, c.name,
                1 + (SELECT count(*) FROM application b
                     WHERE b.state = 'waiting' AND b.intake = ?1
                       AND (b.eligible_at < ?2 OR (b.eligible_at = ?2 AND b.id < ?3))
                       AND (b.any_cohort = 1 OR EXISTS (
                            SELECT 1 FROM application_choice ch WHERE ch.application_id = b.id AND ch.cohort_id = c.id)))
                AS position
         FROM cohort c
         WHERE c.status = 'open' AND c.intake = ?1
           AND (?4 OR EXISTS (SELECT 1 FROM application_choice ch WHERE ch.application_id = ?3 AND ch.cohort_id = c.id))
         ORDER BY position,
                  (SELECT ch.rank FROM application_choice ch WHERE ch.application_id = ?3 AND ch.cohort_id = c.id),
                  (SELECT min(m.starts_at) FROM cohort_meeting m WHERE m.cohort_id = c.id), c.id",
    )
    .bind(intake)
    .bind(eligible_at)
    .bind(id)
    .bind(any_cohort)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(cohort_id, cohort_name, position)| QueuePosition { cohort_id, cohort_name, position })
        .collect())
}
