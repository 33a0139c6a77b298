//! The applications table as a spreadsheet: every field a coordinator needs, in words, with
//! ISO 8601 times in UK time. The rows are the table's own (same filters and order); the rest
//! is read in three queries for all of them, and queue positions from the workflow for those
//! waiting.

use super::db::{sql, Db};
use crate::domain::allocation::AllocationState;
use crate::domain::application::nurse_advocate_words;
use crate::domain::uk_time::in_uk;
use crate::errors::AppError;
use crate::models::{ApplicationFilter, ApplicationRow};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// The spreadsheet's header; times are UK time (GMT or BST, with the offset in each cell).
pub const HEADER: [&str; 17] = [
    "Reference",
    "Name",
    "Work email",
    "Job title",
    "Employer",
    "Nurse advocate",
    "Access needs",
    "Courses chosen (in order)",
    "Taster session attended (UK time)",
    "Attendance confirmed by",
    "State",
    "Cohort",
    "Waiting list position",
    "Applied (UK time)",
    "Eligible (UK time)",
    "Offer held until (UK time)",
    "Personal data erased",
];

/// A time as ISO 8601 in UK time, e.g. `2027-01-12T14:00:00+00:00`.
pub fn iso_uk(at: DateTime<Utc>) -> String {
    in_uk(at).format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// How attendance was confirmed, in words.
pub fn source_words(source: &str) -> &'static str {
    match source {
        "code" => "attendance code",
        "manual" => "course team (by hand)",
        "zoom" => "Zoom attendance report",
        _ => "other",
    }
}

/// The applications `filter` selects, as the spreadsheet's rows (one cell per header column).
pub async fn applications(db: &Db, filter: &ApplicationFilter) -> Result<Vec<Vec<String>>, AppError> {
    let rows = super::admin::applications(db, filter, super::admin::Span::All).await?;
    let mut pooled = db.acquire().await?;
    let mut conn = pooled.conn();
    type More = (i64, String, String, bool, Option<DateTime<Utc>>, Option<DateTime<Utc>>, Option<DateTime<Utc>>);
    let more: HashMap<i64, More> = sql(
        "SELECT id, job_title, access_needs, any_cohort, eligible_at, offer_expires_at, erased_at FROM application",
    )
    .fetch_all::<More>(&mut conn)
    .await?
    .into_iter()
    .map(|m| (m.0, m))
    .collect();
    let mut choices: HashMap<i64, Vec<String>> = HashMap::new();
    let ranked: Vec<(i64, String)> =
        sql("SELECT ch.application_id, c.name FROM application_choice ch JOIN cohort c ON c.id = ch.cohort_id
         ORDER BY ch.application_id, ch.rank")
        .fetch_all(&mut conn)
        .await?;
    for (id, name) in ranked {
        choices.entry(id).or_default().push(name);
    }
    // The first confirmation of each application is the one that made it eligible.
    let mut attended: HashMap<i64, (DateTime<Utc>, String)> = HashMap::new();
    let confirmations: Vec<(i64, DateTime<Utc>, String)> =
        sql("SELECT at.application_id, t.starts_at, at.source FROM attendance at
           JOIN taster_session t ON t.id = at.taster_session_id
         WHERE at.application_id IS NOT NULL ORDER BY at.confirmed_at DESC, at.id DESC")
        .fetch_all(&mut conn)
        .await?;
    for (id, starts_at, source) in confirmations {
        attended.insert(id, (starts_at, source));
    }
    let mut cells = Vec::with_capacity(rows.len());
    for row in rows {
        let positions = if row.state == AllocationState::Waiting {
            let mut rows = super::rows::SqlRows(conn.reborrow());
            let status =
                crate::workflow::applications::status(&mut rows, crate::workflow::rows::Key::Id(row.id)).await?;
            status
                .positions
                .iter()
                .map(|p| format!("{} for {}", p.position, p.cohort_name))
                .collect::<Vec<_>>()
                .join("; ")
        } else {
            String::new()
        };
        let id = row.id;
        let (job_title, access_needs, any, eligible_at, offer_until, erased_at) = match more.get(&id) {
            Some((_, job, needs, any, eligible, offer, erased)) => {
                (job.clone(), needs.clone(), *any, *eligible, *offer, *erased)
            }
            None => Default::default(),
        };
        let chosen =
            if any { "any course".to_string() } else { choices.get(&id).map(|c| c.join("; ")).unwrap_or_default() };
        let (taster, by) = match attended.get(&id) {
            Some((starts_at, source)) => (iso_uk(*starts_at), source_words(source).to_string()),
            None => (String::new(), String::new()),
        };
        let ApplicationRow {
            reference, name, email, employer, state, cohort_name, submitted_at, nurse_advocate, ..
        } = row;
        cells.push(vec![
            reference,
            name,
            email,
            job_title,
            employer,
            nurse_advocate_words(&nurse_advocate).to_string(),
            access_needs,
            chosen,
            taster,
            by,
            state.label().to_lowercase(),
            cohort_name.unwrap_or_default(),
            positions,
            iso_uk(submitted_at),
            eligible_at.map(iso_uk).unwrap_or_default(),
            offer_until.filter(|_| state == AllocationState::Offered).map(iso_uk).unwrap_or_default(),
            erased_at.map(|_| "yes").unwrap_or("no").to_string(),
        ]);
    }
    Ok(cells)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_are_iso_8601_in_uk_time_with_the_offset() {
        assert_eq!(iso_uk(Utc.with_ymd_and_hms(2027, 1, 12, 14, 0, 0).unwrap()), "2027-01-12T14:00:00+00:00");
        assert_eq!(iso_uk(Utc.with_ymd_and_hms(2027, 6, 1, 9, 30, 0).unwrap()), "2027-06-01T10:30:00+01:00");
    }

    #[test]
    fn codes_become_words() {
        assert_eq!(source_words("zoom"), "Zoom attendance report");
    }
}
