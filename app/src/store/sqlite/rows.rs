//! The workflow's row operations on SQLite ([`Rows`]): SQL only, no rule and no wording.
//! Every write runs on the single writer's connection inside a savepoint of its batch's
//! `BEGIN IMMEDIATE` transaction (see `writer.rs`), so nothing else writes between a step's
//! reads and its writes.

use crate::domain::allocation::{AllocationState, CohortPlaces};
use crate::errors::AppError;
use crate::models::{CohortStatus, TasterStatus};
use crate::workflow::rows::{
    Allocation, ApplicationRow, AttendanceSource, AttendeeRow, AttendeeState, AuditEntry, CohortName, CohortRow,
    CohortUpdate, Constraint, Hold, Key, NewApplicationRow, NewCohort, NewTaster, OpenPlaces, Rows, Taken, TasterChange,
    TasterRow,
};
use crate::workflow::Event;
use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

/// The row operations over one SQLite connection (the writer's, or a reader's for views).
pub struct SqliteRows<'c>(pub &'c mut SqliteConnection);

/// The uniqueness rules by the columns SQLite names when one is broken ("UNIQUE constraint
/// failed: application.intake, application.email_key"): SQLite reports a unique index's
/// columns, not its name. `constraints_match_the_schema` (below) checks each against the
/// migrated schema's unique indexes.
const UNIQUE_COLUMNS: [(&str, Constraint); 4] = [
    ("application.reference", Constraint::ApplicationReference),
    ("application.intake, application.email_key", Constraint::OneActivePerEmail),
    ("cohort.course_id, cohort.name", Constraint::CohortName),
    ("taster_session.attendance_code_key", Constraint::AttendanceCode),
];

/// The uniqueness rule an error broke, if it broke one.
fn taken(error: &sqlx::Error) -> Option<Taken> {
    let sqlx::Error::Database(e) = error else { return None };
    if !e.is_unique_violation() {
        return None;
    }
    let columns = e.message().strip_prefix("UNIQUE constraint failed: ")?;
    UNIQUE_COLUMNS.iter().find(|(c, _)| *c == columns).map(|(_, constraint)| Taken(*constraint))
}

/// An insert's outcome: the new id, a named uniqueness rule broken, or a fault.
fn inserted<T>(result: Result<T, sqlx::Error>) -> Result<Result<T, Taken>, AppError> {
    match result {
        Ok(value) => Ok(Ok(value)),
        Err(error) => match taken(&error) {
            Some(taken) => Ok(Err(taken)),
            None => Err(error.into()),
        },
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

/// "Waits for cohort ?1": waiting in its intake, having chosen it (or any), not having left its queue.
const WAITS_FOR: &str = "a.state = 'waiting'
       AND a.intake = (SELECT intake FROM cohort WHERE id = ?1)
       AND (a.any_cohort = 1 OR EXISTS (
            SELECT 1 FROM application_choice ch WHERE ch.application_id = a.id AND ch.cohort_id = ?1))
       AND NOT EXISTS (
            SELECT 1 FROM application_left_queue l WHERE l.application_id = a.id AND l.cohort_id = ?1)";

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
    conn: &mut SqliteConnection,
    cohort_id: i64,
    meetings: &[(DateTime<Utc>, DateTime<Utc>)],
) -> Result<(), AppError> {
    for (position, (starts_at, ends_at)) in meetings.iter().enumerate() {
        sqlx::query("INSERT INTO cohort_meeting (cohort_id, position, starts_at, ends_at) VALUES (?, ?, ?, ?)")
            .bind(cohort_id)
            .bind(position as i64 + 1)
            .bind(starts_at)
            .bind(ends_at)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

impl Rows for SqliteRows<'_> {
    async fn application(&mut self, key: Key<'_>) -> Result<Option<ApplicationRow>, AppError> {
        let row = match key {
            Key::Id(id) => {
                sqlx::query_as::<_, StoredApplication>(sqlx::AssertSqlSafe(format!("{APPLICATION} WHERE id = ?")))
                    .bind(id)
                    .fetch_optional(&mut *self.0)
                    .await?
            }
            Key::Token(token) => {
                sqlx::query_as::<_, StoredApplication>(sqlx::AssertSqlSafe(format!("{APPLICATION} WHERE status_token = ?")))
                    .bind(token)
                    .fetch_optional(&mut *self.0)
                    .await?
            }
        };
        row.map(ApplicationRow::try_from).transpose()
    }

    async fn insert_application(&mut self, row: &NewApplicationRow<'_>) -> Result<Result<i64, Taken>, AppError> {
        let app = row.app;
        let result = sqlx::query_scalar::<_, i64>(
            "INSERT INTO application
                (reference, status_token, intake, name, email, email_key, job_title, employer, nurse_advocate,
                 taster_session_id, any_cohort, access_needs, consent_at, privacy_notice_version, submitted_at,
                 eligible_at, state, cohort_id, offer_expires_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             RETURNING id",
        )
        .bind(row.reference)
        .bind(row.status_token)
        .bind(row.intake)
        .bind(app.name.as_str())
        .bind(app.email.as_str())
        .bind(row.email_key)
        .bind(&app.job_title)
        .bind(&app.employer)
        .bind(app.nurse_advocate.as_str())
        .bind(row.taster_session_id)
        .bind(row.any_cohort)
        .bind(&app.access_needs)
        .bind(row.submitted_at)
        .bind(row.privacy_notice_version)
        .bind(row.submitted_at)
        .bind(row.allocation.eligible_at)
        .bind(row.allocation.state.as_str())
        .bind(row.allocation.cohort_id)
        .bind(row.allocation.offer_expires_at)
        .bind(row.submitted_at)
        .fetch_one(&mut *self.0)
        .await;
        inserted(result)
    }

    async fn insert_choices(&mut self, id: i64, cohorts: &[i64]) -> Result<(), AppError> {
        for (rank, cohort) in cohorts.iter().enumerate() {
            sqlx::query("INSERT INTO application_choice (application_id, rank, cohort_id) VALUES (?, ?, ?)")
                .bind(id)
                .bind(rank as i64 + 1)
                .bind(cohort)
                .execute(&mut *self.0)
                .await?;
        }
        Ok(())
    }

    async fn choices(&mut self, id: i64) -> Result<Vec<CohortName>, AppError> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT c.id, c.name, c.status FROM application_choice ch JOIN cohort c ON c.id = ch.cohort_id
             WHERE ch.application_id = ?1
               AND NOT EXISTS (SELECT 1 FROM application_left_queue l WHERE l.application_id = ?1 AND l.cohort_id = c.id)
             ORDER BY ch.rank",
        )
        .bind(id)
        .fetch_all(&mut *self.0)
        .await?;
        Ok(rows.into_iter().map(|(id, name, status)| CohortName { id, name, status: status_of(&status) }).collect())
    }

    async fn left_queues(&mut self, id: i64) -> Result<Vec<i64>, AppError> {
        Ok(sqlx::query_scalar("SELECT cohort_id FROM application_left_queue WHERE application_id = ?")
            .bind(id)
            .fetch_all(&mut *self.0)
            .await?)
    }

    async fn leave_queue(&mut self, id: i64, cohort_id: i64, at: DateTime<Utc>) -> Result<(), AppError> {
        sqlx::query(
            "INSERT INTO application_left_queue (application_id, cohort_id, left_at) VALUES (?, ?, ?)
             ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(cohort_id)
        .bind(at)
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }

    async fn set_allocation(&mut self, id: i64, allocation: &Allocation, at: DateTime<Utc>) -> Result<(), AppError> {
        sqlx::query(
            "UPDATE application SET state = ?, cohort_id = ?, eligible_at = ?, offer_expires_at = ?, updated_at = ?
             WHERE id = ?",
        )
        .bind(allocation.state.as_str())
        .bind(allocation.cohort_id)
        .bind(allocation.eligible_at)
        .bind(allocation.offer_expires_at)
        .bind(at)
        .bind(id)
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }

    async fn note_taster(&mut self, id: i64, taster_session_id: i64) -> Result<(), AppError> {
        sqlx::query("UPDATE application SET taster_session_id = coalesce(taster_session_id, ?) WHERE id = ?")
            .bind(taster_session_id)
            .bind(id)
            .execute(&mut *self.0)
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
        sqlx::query(
            "INSERT INTO attendance (taster_session_id, application_id, source, attendee_name, attendee_email,
                                     confirmed_at, confirmed_by)
             SELECT ?, id, ?, name, email, ?, ? FROM application WHERE id = ?
             ON CONFLICT (taster_session_id, application_id) DO NOTHING",
        )
        .bind(taster_session_id)
        .bind(source.as_str())
        .bind(at)
        .bind(by)
        .bind(application_id)
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }

    async fn offers_due(&mut self, now: DateTime<Utc>) -> Result<Vec<i64>, AppError> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM application WHERE state = 'offered' AND offer_expires_at <= ? ORDER BY offer_expires_at, id",
        )
        .bind(now)
        .fetch_all(&mut *self.0)
        .await?)
    }

    async fn next_waiting(&mut self, cohort_id: i64) -> Result<Option<i64>, AppError> {
        Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT a.id FROM application a WHERE {WAITS_FOR} ORDER BY a.eligible_at, a.id LIMIT 1"
        )))
        .bind(cohort_id)
        .fetch_optional(&mut *self.0)
        .await?)
    }

    async fn waiting_ahead(&mut self, cohort_id: i64, eligible_at: DateTime<Utc>, id: i64) -> Result<i64, AppError> {
        Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT count(*) FROM application a WHERE {WAITS_FOR}
               AND (a.eligible_at < ?2 OR (a.eligible_at = ?2 AND a.id < ?3))"
        )))
        .bind(cohort_id)
        .bind(eligible_at)
        .bind(id)
        .fetch_one(&mut *self.0)
        .await?)
    }

    async fn open_places(&mut self, intake: Option<&str>, code_key: Option<&str>) -> Result<OpenPlaces, AppError> {
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
        // writer a hand-off to SQLite's thread.
        let rows = sqlx::query_as::<_, Row>(
            "SELECT kind, id, intake, capacity, allocated_count, offered_count, waiting, starts_at, ends_at FROM (
                 SELECT 'cohort' AS kind, c.id, c.intake, c.capacity, c.allocated_count, c.offered_count,
                        (SELECT count(*) FROM application b
                         WHERE b.state = 'waiting' AND b.intake = c.intake
                           AND (b.any_cohort = 1 OR EXISTS (
                                SELECT 1 FROM application_choice ch WHERE ch.application_id = b.id AND ch.cohort_id = c.id))
                           AND NOT EXISTS (
                                SELECT 1 FROM application_left_queue l WHERE l.application_id = b.id AND l.cohort_id = c.id))
                        AS waiting,
                        NULL AS starts_at, NULL AS ends_at,
                        (SELECT min(m.starts_at) FROM cohort_meeting m WHERE m.cohort_id = c.id) AS sort
                 FROM cohort c WHERE c.status = 'open'
                 UNION ALL
                 SELECT 'code', t.id, NULL, NULL, NULL, NULL, NULL, t.starts_at, t.ends_at, NULL
                 FROM taster_session t WHERE ?1 IS NOT NULL AND t.attendance_code_key = ?1 AND t.status = 'scheduled')
             ORDER BY kind, sort, id",
        )
        .bind(code_key)
        .fetch_all(&mut *self.0)
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

    async fn cohort(&mut self, id: i64) -> Result<Option<CohortRow>, AppError> {
        let row: Option<(String, String, i64, i64, i64, String)> = sqlx::query_as(
            "SELECT name, intake, capacity, allocated_count, offered_count, status FROM cohort WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&mut *self.0)
        .await?;
        let Some((name, intake, capacity, allocated, offered, status)) = row else { return Ok(None) };
        let meetings: Vec<(DateTime<Utc>, DateTime<Utc>)> =
            sqlx::query_as("SELECT starts_at, ends_at FROM cohort_meeting WHERE cohort_id = ? ORDER BY position")
                .bind(id)
                .fetch_all(&mut *self.0)
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
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT c.id, c.name, c.status FROM cohort c WHERE c.intake = ? AND c.status <> 'closed'
             ORDER BY (SELECT min(m.starts_at) FROM cohort_meeting m WHERE m.cohort_id = c.id), c.id",
        )
        .bind(intake)
        .fetch_all(&mut *self.0)
        .await?;
        Ok(rows.into_iter().map(|(id, name, status)| CohortName { id, name, status: status_of(&status) }).collect())
    }

    async fn take_place(&mut self, cohort_id: i64, hold: Hold) -> Result<(), AppError> {
        // The condition repeats rule 3 in SQL, so even a logic error above cannot overfill a cohort.
        let column = column(hold);
        let taken = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE cohort SET {column} = {column} + 1
             WHERE id = ? AND status = 'open' AND allocated_count + offered_count < capacity"
        )))
        .bind(cohort_id)
        .execute(&mut *self.0)
        .await?;
        if taken.rows_affected() == 1 {
            Ok(())
        } else {
            tracing::error!(cohort_id, "refused to take a place the cohort does not have");
            Err(AppError::Internal)
        }
    }

    async fn release_place(&mut self, cohort_id: i64, hold: Hold) -> Result<(), AppError> {
        let column = column(hold);
        sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE cohort SET {column} = {column} - 1 WHERE id = ?")))
            .bind(cohort_id)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn accept_place(&mut self, cohort_id: i64) -> Result<(), AppError> {
        let moved = sqlx::query(
            "UPDATE cohort SET offered_count = offered_count - 1, allocated_count = allocated_count + 1 WHERE id = ?",
        )
        .bind(cohort_id)
        .execute(&mut *self.0)
        .await?;
        if moved.rows_affected() == 1 {
            Ok(())
        } else {
            Err(AppError::Internal)
        }
    }

    async fn insert_cohort(&mut self, cohort: &NewCohort, at: DateTime<Utc>) -> Result<Result<i64, Taken>, AppError> {
        let result = sqlx::query_scalar::<_, i64>(
            "INSERT INTO cohort (course_id, name, intake, capacity, status, created_at)
             VALUES ((SELECT id FROM course ORDER BY id LIMIT 1), ?, ?, ?, ?, ?)
             RETURNING id",
        )
        .bind(&cohort.name)
        .bind(&cohort.intake)
        .bind(cohort.capacity)
        .bind(cohort.status.as_str())
        .bind(at)
        .fetch_one(&mut *self.0)
        .await;
        let id = match inserted(result)? {
            Ok(id) => id,
            Err(taken) => return Ok(Err(taken)),
        };
        insert_meetings(self.0, id, &cohort.meetings).await?;
        Ok(Ok(id))
    }

    async fn update_cohort(&mut self, id: i64, update: &CohortUpdate) -> Result<Result<(), Taken>, AppError> {
        let result = sqlx::query("UPDATE cohort SET name = ?, capacity = ?, status = ? WHERE id = ?")
            .bind(&update.name)
            .bind(update.capacity)
            .bind(update.status.as_str())
            .bind(id)
            .execute(&mut *self.0)
            .await;
        if let Err(taken) = inserted(result)? {
            return Ok(Err(taken));
        }
        sqlx::query("DELETE FROM cohort_meeting WHERE cohort_id = ?").bind(id).execute(&mut *self.0).await?;
        insert_meetings(self.0, id, &update.meetings).await?;
        Ok(Ok(()))
    }

    async fn set_capacity(&mut self, id: i64, capacity: i64) -> Result<(), AppError> {
        sqlx::query("UPDATE cohort SET capacity = ? WHERE id = ?").bind(capacity).bind(id).execute(&mut *self.0).await?;
        Ok(())
    }

    async fn taster(&mut self, id: i64) -> Result<Option<TasterRow>, AppError> {
        let row: Option<(DateTime<Utc>, DateTime<Utc>, String, Option<DateTime<Utc>>)> =
            sqlx::query_as("SELECT starts_at, ends_at, status, cancelled_at FROM taster_session WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *self.0)
                .await?;
        Ok(row.map(|(starts_at, ends_at, status, cancelled_at)| TasterRow {
            id,
            starts_at,
            ends_at,
            status: TasterStatus::from_stored(&status),
            cancelled_at,
        }))
    }

    async fn taster_record(&mut self, id: i64) -> Result<Option<serde_json::Value>, AppError> {
        let row: Option<(DateTime<Utc>, DateTime<Utc>, String, String, String, String, String)> = sqlx::query_as(
            "SELECT starts_at, ends_at, zoom_url, meeting_id, passcode, status, attendance_code FROM taster_session
             WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&mut *self.0)
        .await?;
        Ok(row.map(|(starts_at, ends_at, zoom_url, meeting_id, passcode, status, code)| {
            serde_json::json!({
                "starts_at": starts_at, "ends_at": ends_at, "zoom_url": zoom_url, "meeting_id": meeting_id,
                "passcode": passcode, "status": status, "attendance_code": code,
            })
        }))
    }

    async fn insert_taster(&mut self, taster: &NewTaster, at: DateTime<Utc>) -> Result<Result<i64, Taken>, AppError> {
        let result = sqlx::query_scalar::<_, i64>(
            "INSERT INTO taster_session
                (course_id, starts_at, ends_at, zoom_url, meeting_id, passcode, attendance_code, attendance_code_key,
                 status, created_at, updated_at)
             VALUES ((SELECT id FROM course ORDER BY id LIMIT 1), ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?)
             RETURNING id",
        )
        .bind(taster.starts_at)
        .bind(taster.ends_at)
        .bind(&taster.zoom_url)
        .bind(&taster.meeting_id)
        .bind(&taster.passcode)
        .bind(&taster.attendance_code)
        .bind(crate::domain::application::attendance_code_key(&taster.attendance_code))
        .bind(at)
        .bind(at)
        .fetch_one(&mut *self.0)
        .await;
        inserted(result)
    }

    async fn change_taster(&mut self, id: i64, change: &TasterChange, at: DateTime<Utc>) -> Result<Result<(), Taken>, AppError> {
        let result = match change {
            TasterChange::Details(t) => {
                sqlx::query(
                    "UPDATE taster_session SET starts_at = ?, ends_at = ?, zoom_url = ?, meeting_id = ?, passcode = ?,
                     updated_at = ? WHERE id = ?",
                )
                .bind(t.starts_at)
                .bind(t.ends_at)
                .bind(&t.zoom_url)
                .bind(&t.meeting_id)
                .bind(&t.passcode)
                .bind(at)
                .bind(id)
                .execute(&mut *self.0)
                .await
            }
            TasterChange::Cancel => {
                sqlx::query(
                    "UPDATE taster_session SET status = 'cancelled', cancelled_at = ?, updated_at = ? WHERE id = ?",
                )
                .bind(at)
                .bind(at)
                .bind(id)
                .execute(&mut *self.0)
                .await
            }
            TasterChange::Reinstate => {
                sqlx::query(
                    "UPDATE taster_session SET status = 'scheduled', cancelled_at = NULL, updated_at = ? WHERE id = ?",
                )
                .bind(at)
                .bind(id)
                .execute(&mut *self.0)
                .await
            }
            TasterChange::Code(code) => {
                sqlx::query(
                    "UPDATE taster_session SET attendance_code = ?, attendance_code_key = ?, updated_at = ? WHERE id = ?",
                )
                .bind(code)
                .bind(crate::domain::application::attendance_code_key(code))
                .bind(at)
                .bind(id)
                .execute(&mut *self.0)
                .await
            }
        };
        Ok(inserted(result)?.map(|_| ()))
    }

    async fn insert_import(
        &mut self,
        taster_session_id: i64,
        filename: &str,
        row_count: usize,
        by: i64,
        at: DateTime<Utc>,
    ) -> Result<i64, AppError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO zoom_import (taster_session_id, uploaded_by, uploaded_at, filename, row_count)
             VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(taster_session_id)
        .bind(by)
        .bind(at)
        .bind(filename)
        .bind(row_count as i64)
        .fetch_one(&mut *self.0)
        .await?)
    }

    async fn insert_attendee(
        &mut self,
        import_id: i64,
        attendee: &crate::domain::zoom_report::Attendee,
        matched: Option<(i64, crate::domain::matching::MatchKind)>,
    ) -> Result<(), AppError> {
        sqlx::query(
            "INSERT INTO zoom_attendee (import_id, name, email, minutes, application_id, match_kind)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(import_id)
        .bind(&attendee.name)
        .bind(&attendee.email)
        .bind(attendee.minutes)
        .bind(matched.map(|m| m.0))
        .bind(matched.map(|m| m.1.as_str()))
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }

    async fn attendee(&mut self, id: i64) -> Result<Option<AttendeeRow>, AppError> {
        let row: Option<(i64, i64, String, Option<i64>)> = sqlx::query_as(
            "SELECT z.import_id, i.taster_session_id, z.state, z.application_id
             FROM zoom_attendee z JOIN zoom_import i ON i.id = z.import_id WHERE z.id = ?",
        )
        .bind(id)
        .fetch_optional(&mut *self.0)
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
        sqlx::query(
            "UPDATE zoom_attendee SET state = ?, application_id = coalesce(?, application_id), decided_by = ?,
             decided_at = ? WHERE id = ? AND state = 'pending'",
        )
        .bind(state.as_str())
        .bind(application_id)
        .bind(by)
        .bind(at)
        .bind(id)
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }

    async fn audit(&mut self, entry: &AuditEntry, at: DateTime<Utc>) -> Result<(), AppError> {
        super::coordinators::record_audit(self.0, entry, at).await
    }

    async fn record_events(&mut self, events: &[Event], at: DateTime<Utc>) -> Result<(), AppError> {
        if events.is_empty() {
            return Ok(());
        }
        // One statement for all of a step's events: the writer pays one round trip, not one each.
        let mut query = sqlx::QueryBuilder::<sqlx::Sqlite>::new("INSERT INTO event (at, kind, application_id, data) ");
        let mut failed = None;
        query.push_values(events, |mut row, event| {
            let data = serde_json::to_string(event).unwrap_or_else(|e| {
                failed = Some(e);
                String::new()
            });
            row.push_bind(at).push_bind(event.kind()).push_bind(event.application_id()).push_bind(data);
        });
        if let Some(error) = failed {
            tracing::error!(%error, "an event could not be written as JSON");
            return Err(AppError::Internal);
        }
        query.build().execute(&mut *self.0).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::UNIQUE_COLUMNS;

    /// Every unique index of the migrated schema, as the columns SQLite names when one is broken.
    async fn unique_indexes(pool: &sqlx::SqlitePool) -> Vec<String> {
        let tables: Vec<String> = sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetch_all(pool)
            .await
            .unwrap();
        let mut unique = Vec::new();
        for table in tables {
            let indexes: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT name FROM pragma_index_list('{table}') WHERE \"unique\" = 1"
            )))
            .fetch_all(pool)
            .await
            .unwrap();
            for index in indexes {
                let columns: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT name FROM pragma_index_info('{index}') ORDER BY seqno"
                )))
                .fetch_all(pool)
                .await
                .unwrap();
                unique.push(columns.iter().map(|c| format!("{table}.{c}")).collect::<Vec<_>>().join(", "));
            }
        }
        unique
    }

    #[tokio::test]
    async fn each_named_constraint_is_a_unique_index_of_the_schema() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("enrol.db").display());
        crate::store::Store::open(&url).await.unwrap();
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        let unique = unique_indexes(&pool).await;
        for (columns, constraint) in UNIQUE_COLUMNS {
            assert!(unique.contains(&columns.to_string()), "{constraint:?}: no unique index on {columns} in {unique:?}");
        }
    }
}
