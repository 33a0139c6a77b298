//! The audit log as people read it: every coordinator's action (the append-only `audit_log`)
//! and what applicants and enrol itself did to applications (the workflow's `event` table:
//! applying, declining, withdrawing, places allocated, offers made and lapsed), merged newest
//! first, each with who, what, which application (reference and name) and the values before
//! and after in words. So "why did she get the place and not me?" has an answer.

use super::db::{sql, sql_assembled, Db};
use crate::domain::allocation::AllocationState;
use crate::domain::uk_time::{end_of_uk_day, uk_clock, uk_date, uk_instant};
use crate::errors::AppError;
use crate::models::{AuditFilter, HistoryLine};
use crate::workflow::events::Event;
use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};
use serde_json::Value;
use std::collections::HashMap;

/// Lines on a page.
pub const PAGE_SIZE: usize = 100;
/// The most entries of each source read for one page (newest first).
const READ_LIMIT: i64 = 5000;

/// A page of the history `filter` selects, and whether there is an older page.
pub async fn history(db: &Db, filter: &AuditFilter) -> Result<(Vec<HistoryLine>, bool), AppError> {
    // A date outside these years is no filter (and cannot overflow the date arithmetic).
    let day = |text: &Option<String>| {
        text.as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
            .filter(|d| (2000..=2200).contains(&d.year()))
    };
    let from = day(&filter.from).map(|d| uk_instant(d, NaiveTime::MIN));
    let to = day(&filter.to).map(|d| end_of_uk_day(uk_instant(d, NaiveTime::MIN)));
    let cohorts: HashMap<i64, String> =
        sql("SELECT id, name FROM cohort").fetch_all::<(i64, String)>(db).await?.into_iter().collect();
    // Each entry with the application it is about (its reference and name), joined here.
    #[allow(clippy::type_complexity)]
    let audit: Vec<(
        DateTime<Utc>,
        i64,
        Option<String>,
        String,
        Option<i64>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    )> = sql("SELECT a.at, a.id, c.name, a.action, p.id, p.reference, p.name, a.before_json, a.after_json
         FROM audit_log a LEFT JOIN coordinator c ON c.id = a.coordinator_id
         LEFT JOIN application p ON a.subject_type = 'application' AND p.id = a.subject_id
         WHERE ($1 IS NULL OR a.at >= $1) AND ($2 IS NULL OR a.at < $2)
         ORDER BY a.id DESC LIMIT $3")
    .bind(from)
    .bind(to)
    .bind(READ_LIMIT)
    .fetch_all(db)
    .await?;
    let events: Vec<(DateTime<Utc>, i64, String, i64, String, String)> =
        sql("SELECT e.at, e.id, e.data, p.id, p.reference, p.name FROM event e JOIN application p ON p.id = e.application_id
         WHERE ($1 IS NULL OR e.at >= $1) AND ($2 IS NULL OR e.at < $2)
         ORDER BY e.id DESC LIMIT $3")
    .bind(from)
    .bind(to)
    .bind(READ_LIMIT)
    .fetch_all(db)
    .await?;

    let audit: Vec<_> = audit
        .into_iter()
        .map(|(at, id, who, action, application_id, reference, name, before, after)| {
            (at, id, who, action, application_id, reference, name, parse(before.as_deref()), parse(after.as_deref()))
        })
        .collect();
    // An entry about something else (a Zoom attendee) names its application in its values.
    let named_in_values =
        |before: &Value, after: &Value| after["application_id"].as_i64().or(before["application_id"].as_i64());
    let mut elsewhere: Vec<i64> =
        audit.iter().filter(|row| row.4.is_none()).filter_map(|row| named_in_values(&row.7, &row.8)).collect();
    elsewhere.sort_unstable();
    elsewhere.dedup();
    let named = applications_named(db, &elsewhere).await?;

    let mut lines: Vec<(DateTime<Utc>, i64, HistoryLine)> = Vec::new();
    for (at, id, who, action, application_id, reference, name, before_value, after_value) in audit {
        let (who, who_kind) = match who {
            Some(name) => (format!("{name} (coordinator)"), "coordinator"),
            None if after_value["reason"].as_str().is_some_and(|r| r.starts_with("the applicant")) => {
                ("The applicant".to_string(), "applicant")
            }
            None => ("enrol, automatically".to_string(), "system"),
        };
        let line = HistoryLine {
            at_uk: moment(at),
            who,
            who_kind: who_kind.into(),
            what: action_words(&action).to_string(),
            kind: action.clone(),
            application: match (application_id, reference, name) {
                (Some(id), Some(reference), Some(name)) => Some((id, reference, name)),
                _ => named_in_values(&before_value, &after_value)
                    .and_then(|id| named.get(&id).map(|(reference, name)| (id, reference.clone(), name.clone()))),
            },
            changes: changes(&before_value, &after_value, &cohorts),
        };
        // Audit entries come before events of the same moment: the action, then what it caused.
        lines.push((at, id * 2 + 1, line));
    }
    for (at, id, data, application_id, reference, name) in events {
        let Ok(event) = serde_json::from_str::<Event>(&data) else { continue };
        let Some((who_kind, what)) = event_words(&event, &cohorts) else { continue };
        let who = match who_kind {
            "applicant" => "The applicant",
            _ => "enrol, automatically",
        };
        lines.push((
            at,
            id * 2,
            HistoryLine {
                at_uk: moment(at),
                who: who.into(),
                who_kind: who_kind.into(),
                what,
                kind: event.kind().into(),
                application: Some((application_id, reference, name)),
                changes: Vec::new(),
            },
        ));
    }
    lines.sort_by(|a, b| (b.0, b.1).cmp(&(a.0, a.1)));
    let q = filter.q.as_deref().map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty());
    let wanted = |line: &HistoryLine| {
        filter.who.as_deref().is_none_or(|w| w.is_empty() || line.who_kind == w)
            && filter.what.as_deref().is_none_or(|w| w.is_empty() || line.kind == w)
            && q.as_deref().is_none_or(|q| {
                line.application.as_ref().is_some_and(|(_, reference, name)| {
                    reference.to_lowercase().contains(q) || name.to_lowercase().contains(q)
                }) || line.what.to_lowercase().contains(q)
                    || line.who.to_lowercase().contains(q)
            })
    };
    let skip = usize::try_from(filter.page.max(0)).unwrap_or(0) * PAGE_SIZE;
    let mut page: Vec<HistoryLine> =
        lines.into_iter().map(|(_, _, line)| line).filter(|l| wanted(l)).skip(skip).take(PAGE_SIZE + 1).collect();
    let more = page.len() > PAGE_SIZE;
    page.truncate(PAGE_SIZE);
    Ok((page, more))
}

/// The reference and name of each application in `ids`.
async fn applications_named(db: &Db, ids: &[i64]) -> Result<HashMap<i64, (String, String)>, AppError> {
    let mut named = HashMap::new();
    for chunk in ids.chunks(500) {
        // Numbers read from the audit log's own values, written into the statement as numbers.
        let list = chunk.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        let rows: Vec<(i64, String, String)> =
            sql_assembled(format!("SELECT id, reference, name FROM application WHERE id IN ({list})"))
                .fetch_all(db)
                .await?;
        named.extend(rows.into_iter().map(|(id, reference, name)| (id, (reference, name))));
    }
    Ok(named)
}

fn moment(at: DateTime<Utc>) -> String {
    format!("{}, {}", uk_date(at), uk_clock(at))
}

fn parse(json: Option<&str>) -> Value {
    json.and_then(|j| serde_json::from_str(j).ok()).unwrap_or(Value::Null)
}

/// A coordinator's action in words.
pub fn action_words(action: &str) -> &str {
    match action {
        "application.confirm_attendance" => "Confirmed attendance at a taster session",
        "application.withdraw" => "Withdrew the application on the applicant’s behalf",
        "application.move" => "Moved the applicant to another cohort",
        "application.note" => "Added a note",
        "application.send_status_link" => "Sent the status link again",
        "application.erase" => "Erased the person’s personal data",
        "attendance.import" => "Uploaded a Zoom attendance report",
        "attendance.confirm_match" => "Confirmed a Zoom attendee as an application",
        "attendance.reject_match" => "Rejected a Zoom attendee's suggested match",
        "attendance.undo_reject" => "Undid the rejection of a Zoom attendee",
        "attendance.undo_confirm" => "Took back a confirmed Zoom match",
        "attendance.delete_import" => "Deleted a Zoom report (the attendance it confirmed kept)",
        "attendance.rematch" => "Matched a Zoom report's unmatched attendees again",
        "cohort.create" => "Created a cohort",
        "cohort.edit" => "Changed a cohort",
        "coordinator.create" => "Added a coordinator account",
        "coordinator.password" => "Changed a password",
        "email.retry" => "Sent a failed email again",
        "email.team_message" => "Wrote to a group of applicants",
        "retention.set" => "Set how long an intake’s personal data is kept",
        "taster.create" => "Added a taster session",
        "taster.edit" => "Changed a taster session",
        "taster.cancel" => "Cancelled a taster session",
        "taster.reinstate" => "Reinstated a taster session",
        "taster.regenerate_code" => "Replaced a taster session’s attendance code",
        other => other,
    }
}

/// What an event says happened to an application, and who did it; `None` for events that
/// repeat a coordinator's audited action (their own line says it).
fn event_words(event: &Event, cohorts: &HashMap<i64, String>) -> Option<(&'static str, String)> {
    let cohort = |id: &i64| cohorts.get(id).cloned().unwrap_or_else(|| format!("cohort {id}"));
    Some(match event {
        Event::ApplicationSubmitted { .. } => ("applicant", "Applied".to_string()),
        Event::AttendanceConfirmed { .. } => {
            ("system", "Attendance confirmed: the application became eligible".to_string())
        }
        Event::AttendanceUndone { .. } => {
            ("system", "Attendance taken back: the application awaits an attendance check again".to_string())
        }
        Event::Allocated { cohort_id, .. } => ("system", format!("Given a place on {}", cohort(cohort_id))),
        Event::Waiting { cohort_id: Some(id), position: Some(position), .. } => (
            "system",
            format!("Put on the waiting list: {} for {}", crate::components::outcome::ordinal(*position), cohort(id)),
        ),
        Event::Waiting { .. } => ("system", "Put on the waiting list".to_string()),
        Event::OfferMade { cohort_id, until, .. } => {
            ("system", format!("Offered a freed place on {}, held until {}", cohort(cohort_id), moment(*until)))
        }
        Event::OfferLapsed { cohort_id, .. } => {
            ("system", format!("The offer on {} lapsed unanswered and passed to the next person", cohort(cohort_id)))
        }
        Event::Declined { cohort_id, .. } => {
            ("applicant", format!("Declined the place offered on {}", cohort(cohort_id)))
        }
        Event::Withdrawn { by_coordinator: false, .. } => ("applicant", "Withdrew their application".to_string()),
        Event::Withdrawn { by_coordinator: true, .. }
        | Event::Moved { .. }
        | Event::Erased { .. }
        | Event::CohortChanged { .. }
        | Event::TasterChanged { .. } => return None,
    })
}

/// The values an action changed, as "field: before → after" in words.
fn changes(before: &Value, after: &Value, cohorts: &HashMap<i64, String>) -> Vec<String> {
    let empty = serde_json::Map::new();
    let before_map = before.as_object().unwrap_or(&empty);
    let after_map = after.as_object().unwrap_or(&empty);
    let keys: Vec<&String> = after_map.keys().chain(before_map.keys()).collect();
    let mut seen = Vec::new();
    let mut lines = Vec::new();
    for key in keys {
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let (old, new) = (before_map.get(key).unwrap_or(&Value::Null), after_map.get(key).unwrap_or(&Value::Null));
        // The application an entry names is its line's link, not one of its changes.
        if old == new || key == "application_id" {
            continue;
        }
        let field = key.trim_end_matches("_id").replace('_', " ");
        let (old, new) = (words(key, old, cohorts), words(key, new, cohorts));
        lines.push(match (old.is_empty(), new.is_empty()) {
            (true, _) => format!("{field}: {new}"),
            (false, true) => format!("{field}: {old} → (none)"),
            (false, false) => format!("{field}: {old} → {new}"),
        });
    }
    lines
}

/// One value in words: states by their labels, cohorts by name.
fn words(key: &str, value: &Value, cohorts: &HashMap<i64, String>) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) if key == "state" || key == "application_state" => {
            AllocationState::parse(s).map(|s| s.label().to_string()).unwrap_or_else(|| s.clone())
        }
        Value::Number(n) if key == "cohort_id" => {
            n.as_i64().and_then(|id| cohorts.get(&id).cloned()).unwrap_or_else(|| n.to_string())
        }
        Value::String(s) => s.clone(),
        Value::Bool(b) => if *b { "yes" } else { "no" }.into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changes_read_as_words_with_states_and_cohorts_named() {
        let cohorts = HashMap::from([(3, "January · Tuesday mornings".to_string())]);
        let lines = changes(
            &json!({ "state": "awaiting_attendance", "cohort_id": null }),
            &json!({ "state": "allocated", "cohort_id": 3, "source": "manual" }),
            &cohorts,
        );
        assert_eq!(
            lines,
            ["cohort: January · Tuesday mornings", "source: manual", "state: Awaiting attendance check → Allocated"]
        );
    }

    #[test]
    fn an_attendee_entry_names_its_application_by_link_and_its_state_in_words() {
        let lines = changes(
            &json!({ "state": "confirmed", "application_id": 7, "application_state": "waiting" }),
            &json!({ "state": "pending", "application_id": 7, "application_state": "awaiting_attendance" }),
            &HashMap::new(),
        );
        assert_eq!(
            lines,
            ["application state: Waiting list → Awaiting attendance check", "state: confirmed → pending"]
        );
    }

    #[test]
    fn events_that_repeat_a_coordinators_action_are_left_to_its_own_line() {
        let cohorts = HashMap::new();
        assert!(event_words(&Event::Withdrawn { application_id: 1, by_coordinator: true }, &cohorts).is_none());
        let (who, what) =
            event_words(&Event::Withdrawn { application_id: 1, by_coordinator: false }, &cohorts).unwrap();
        assert_eq!((who, what.as_str()), ("applicant", "Withdrew their application"));
        let (who, _) = event_words(&Event::OfferLapsed { application_id: 1, cohort_id: 2 }, &cohorts).unwrap();
        assert_eq!(who, "system");
    }
}
