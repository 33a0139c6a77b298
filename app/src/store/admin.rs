//! What coordinators read and change outside the allocation rules: taster sessions (with
//! their attendance codes), cohort listings, the applications table and detail, and the
//! dashboard. Every change is written to the audit log in the same transaction.

use super::db::{sql, sql_assembled, Db};
use crate::domain::allocation::AllocationState;
use crate::domain::uk_time::{uk_clock, uk_date, uk_range};
use crate::errors::AppError;
use crate::models::{
    ApplicationDetail, ApplicationFilter, ApplicationRow, AttendanceRecord, CohortAdmin, Dashboard, Funnel, TasterAdmin,
};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

fn uk_moment(t: DateTime<Utc>) -> String {
    format!("{}, {}", uk_date(t), uk_clock(t))
}

/// Every taster session with its attendance code, newest first.
pub async fn tasters(db: &Db) -> Result<Vec<TasterAdmin>, AppError> {
    let sessions = super::tasters::all(db).await?;
    let codes: Vec<(i64, String, i64)> =
        sql("SELECT t.id, t.attendance_code, (SELECT count(*) FROM attendance a WHERE a.taster_session_id = t.id)
         FROM taster_session t")
        .fetch_all(db)
        .await?;
    let mut list: Vec<TasterAdmin> = sessions
        .into_iter()
        .map(|session| {
            let (code, count) =
                codes.iter().find(|c| c.0 == session.id).map(|c| (c.1.clone(), c.2)).unwrap_or_default();
            let uk_start = crate::domain::uk_time::in_uk(session.starts_at).format("%H:%M").to_string();
            let (opens, closes) = crate::domain::attendance_code::code_window(session.starts_at, session.ends_at);
            let code_window_uk = format!("from {} until {}", uk_moment(opens), uk_moment(closes));
            let ended = session.ends_at < Utc::now();
            TasterAdmin { session, uk_start, attendance_code: code, code_window_uk, attendance_count: count, ended }
        })
        .collect();
    list.reverse();
    Ok(list)
}

/// One taster session with its attendance code.
pub async fn taster(db: &Db, id: i64) -> Result<Option<TasterAdmin>, AppError> {
    Ok(tasters(db).await?.into_iter().find(|t| t.session.id == id))
}

/// Every cohort (drafts too) with allocated, offered and waiting counts.
pub async fn cohorts(db: &Db) -> Result<Vec<CohortAdmin>, AppError> {
    let mut pooled = db.acquire().await?;
    let mut conn = pooled.conn();
    let list = super::cohorts::list(&mut conn, true).await?;
    let waiting = super::rows::waiting_count("c.id", "TRUE");
    let counts: Vec<(i64, i64, i64, i64)> =
        sql_assembled(format!("SELECT c.id, c.allocated_count, c.offered_count, {waiting} FROM cohort c"))
            .fetch_all(&mut conn)
            .await?;
    Ok(list
        .into_iter()
        .map(|cohort| {
            let (_, allocated, offered, waiting) =
                counts.iter().find(|c| c.0 == cohort.id).copied().unwrap_or_default();
            let meetings_uk = cohort
                .meetings
                .iter()
                .map(|m| crate::domain::uk_time::in_uk(m.starts_at).format("%Y-%m-%dT%H:%M").to_string())
                .collect();
            CohortAdmin { cohort, meetings_uk, allocated, offered, waiting }
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct RowRecord {
    id: i64,
    reference: String,
    name: String,
    email: String,
    employer: String,
    state: String,
    cohort_name: Option<String>,
    submitted_at: DateTime<Utc>,
    eligible_at: Option<DateTime<Utc>>,
    nurse_advocate: String,
}

impl RowRecord {
    fn into_row(self) -> Option<ApplicationRow> {
        Some(ApplicationRow {
            id: self.id,
            reference: self.reference,
            name: self.name,
            email: self.email,
            employer: self.employer,
            state: AllocationState::parse(&self.state)?,
            cohort_name: self.cohort_name,
            submitted_uk: uk_moment(self.submitted_at),
            submitted_at: self.submitted_at,
            eligible_uk: self.eligible_at.map(uk_moment),
            nurse_advocate: self.nurse_advocate,
        })
    }
}

const ROW_SELECT: &str = "SELECT a.id, a.reference, a.name, a.email, a.employer, a.state, c.name AS cohort_name,
        a.submitted_at, a.eligible_at, a.nurse_advocate
     FROM application a LEFT JOIN cohort c ON c.id = a.cohort_id";

/// How many applications one page of the coordinators' table shows.
pub const PAGE_SIZE: u32 = 100;

/// Which of the applications a filter selects are read.
#[derive(Clone, Copy, Debug)]
pub enum Span {
    /// Every one (the CSV export).
    All,
    /// One page of the table, counted from 1.
    Page(u32),
}

/// The filter's conditions on `application a`: $1 cohort, $2 state, $3 search pattern.
const FILTERED: &str = "($1 IS NULL OR a.cohort_id = $1 OR EXISTS (
          SELECT 1 FROM application_choice ch WHERE ch.application_id = a.id AND ch.cohort_id = $1))
   AND ($2 IS NULL OR a.state = $2)
   AND ($3 IS NULL OR lower(a.name) LIKE $3 ESCAPE '\\' OR lower(a.email) LIKE $3 ESCAPE '\\'
        OR lower(a.reference) LIKE $3 ESCAPE '\\')";

/// The filter's state, if it is one, and its search as a LIKE pattern.
fn filter_binds(filter: &ApplicationFilter) -> (Option<&str>, Option<String>) {
    let q = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(|q| {
        let escaped = q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        format!("%{}%", escaped.to_lowercase())
    });
    (filter.state.as_deref().filter(|s| AllocationState::parse(s).is_some()), q)
}

/// The applications table: filtered, searched and sorted; one page of it, or all for the export.
pub async fn applications(db: &Db, filter: &ApplicationFilter, span: Span) -> Result<Vec<ApplicationRow>, AppError> {
    // The order is picked from a fixed list, never taken from the request as SQL.
    let order = match filter.sort.as_deref() {
        Some("name") => "lower(a.name)",
        Some("state") => "a.state",
        Some("reference") => "a.reference",
        Some("eligible") => "CASE WHEN a.eligible_at IS NULL THEN 1 ELSE 0 END, a.eligible_at",
        _ => "a.submitted_at",
    };
    let dir = if filter.dir.as_deref() == Some("asc") { "ASC" } else { "DESC" };
    let (limit, offset) = match span {
        Span::All => (i64::MAX, 0),
        Span::Page(page) => (i64::from(PAGE_SIZE), i64::from(page.max(1) - 1) * i64::from(PAGE_SIZE)),
    };
    let statement = format!("{ROW_SELECT} WHERE {FILTERED} ORDER BY {order} {dir}, a.id {dir} LIMIT $4 OFFSET $5");
    let (state, q) = filter_binds(filter);
    let rows: Vec<RowRecord> =
        sql_assembled(statement).bind(filter.cohort).bind(state).bind(q).bind(limit).bind(offset).fetch_all(db).await?;
    Ok(rows.into_iter().filter_map(RowRecord::into_row).collect())
}

/// How many applications the filter selects.
pub async fn applications_count(db: &Db, filter: &ApplicationFilter) -> Result<i64, AppError> {
    let (state, q) = filter_binds(filter);
    Ok(sql_assembled(format!("SELECT count(*) FROM application a WHERE {FILTERED}"))
        .bind(filter.cohort)
        .bind(state)
        .bind(q)
        .scalar(db)
        .await?)
}

/// Everything about one application.
pub async fn application(db: &Db, id: i64) -> Result<Option<ApplicationDetail>, AppError> {
    let mut pooled = db.acquire().await?;
    let mut conn = pooled.conn();
    let Some(record) =
        sql_assembled(format!("{ROW_SELECT} WHERE a.id = $1")).bind(id).fetch_optional::<RowRecord>(&mut conn).await?
    else {
        return Ok(None);
    };
    let row = record.into_row().ok_or(AppError::Internal)?;
    let (job_title, access_needs, taster_session_id, erased_at): (String, String, Option<i64>, Option<DateTime<Utc>>) =
        sql("SELECT job_title, access_needs, taster_session_id, erased_at FROM application WHERE id = $1")
            .bind(id)
            .fetch_one(&mut conn)
            .await?;
    let status = crate::workflow::applications::status(
        &mut super::rows::SqlRows(conn.reborrow()),
        crate::workflow::rows::Key::Id(id),
    )
    .await?;
    let attendance: Vec<(DateTime<Utc>, DateTime<Utc>, String, DateTime<Utc>, Option<String>)> =
        sql("SELECT t.starts_at, t.ends_at, a.source, a.confirmed_at, c.name
         FROM attendance a JOIN taster_session t ON t.id = a.taster_session_id
         LEFT JOIN coordinator c ON c.id = a.confirmed_by
         WHERE a.application_id = $1 ORDER BY a.confirmed_at")
        .bind(id)
        .fetch_all(&mut conn)
        .await?;
    Ok(Some(ApplicationDetail {
        id,
        row,
        job_title,
        access_needs,
        status,
        attendance: attendance
            .into_iter()
            .map(|(start, end, source, confirmed, by)| AttendanceRecord {
                taster_when_uk: uk_range(start, end),
                source: match source.as_str() {
                    "code" => "Attendance code".into(),
                    "zoom" => "Zoom report".into(),
                    _ => "Marked by hand".into(),
                },
                confirmed_uk: uk_moment(confirmed),
                confirmed_by: by,
            })
            .collect(),
        taster_session_id,
        erased_uk: erased_at.map(uk_moment),
    }))
}

/// The dashboard: cohorts, the funnel and the newest applications.
pub async fn dashboard(db: &Db) -> Result<Dashboard, AppError> {
    let cohorts = cohorts(db).await?;
    let (attended, applications, eligible, allocated): (i64, i64, i64, i64) =
        sql("SELECT (SELECT count(DISTINCT coalesce(application_id, -id)) FROM attendance),
                (SELECT count(*) FROM application),
                (SELECT count(*) FROM application WHERE eligible_at IS NOT NULL),
                (SELECT count(*) FROM application WHERE state = 'allocated')")
        .fetch_one(db)
        .await?;
    let recent = sql_assembled(format!("{ROW_SELECT} ORDER BY a.id DESC LIMIT 10"))
        .fetch_all::<RowRecord>(db)
        .await?
        .into_iter()
        .filter_map(RowRecord::into_row)
        .collect();
    let emails_failed = super::outbox::failed_count(db).await?;
    // Outstanding offers, the soonest to lapse first, each with when it lapses.
    let lapses: HashMap<i64, DateTime<Utc>> =
        sql("SELECT id, offer_expires_at FROM application WHERE state = 'offered' AND offer_expires_at IS NOT NULL")
            .fetch_all::<(i64, DateTime<Utc>)>(db)
            .await?
            .into_iter()
            .collect();
    let offers = sql_assembled(format!("{ROW_SELECT} WHERE a.state = 'offered' ORDER BY a.offer_expires_at, a.id"))
        .fetch_all::<RowRecord>(db)
        .await?
        .into_iter()
        .filter_map(RowRecord::into_row)
        .filter_map(|row| lapses.get(&row.id).copied().map(|until| (row, uk_moment(until))))
        .collect();
    let awaiting = sql_assembled(format!(
        "{ROW_SELECT} WHERE a.state = 'awaiting_attendance' ORDER BY a.submitted_at, a.id LIMIT 10"
    ))
    .fetch_all::<RowRecord>(db)
    .await?
    .into_iter()
    .filter_map(RowRecord::into_row)
    .collect();
    let awaiting_count = sql("SELECT count(*) FROM application WHERE state = 'awaiting_attendance'").scalar(db).await?;
    Ok(Dashboard {
        cohorts,
        funnel: Funnel { attended, applications, eligible, allocated },
        recent,
        emails_failed,
        offers,
        awaiting,
        awaiting_count,
    })
}
