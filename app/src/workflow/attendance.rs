//! A coordinator's decisions on the attendees of an uploaded Zoom report.

use super::applications::confirm_attendance;
use super::events::{record, Event};
use super::rows::{Allocation, AttendanceSource, AttendeeRow, AttendeeState, AuditEntry, Key, Rows};
use super::Actor;
use crate::domain::allocation::{self, AllocationState};
use crate::domain::matching::MatchKind;
use crate::domain::zoom_report::Report;
use crate::errors::AppError;
use chrono::{DateTime, Utc};
use serde_json::json;

/// Stores a Zoom report for a session with each attendee's likely application, worked out
/// before the step began (`matches`, one per attendee, in order). Audited.
pub async fn store_import<R: Rows>(
    rows: &mut R,
    taster_session_id: i64,
    filename: &str,
    report: &Report,
    matches: &[Option<(i64, MatchKind)>],
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let Some(taster) = rows.taster(taster_session_id).await? else {
        return Err(AppError::invalid("taster_session_id", "Choose the taster session the report is from"));
    };
    // A report of another meeting is refused before anything is stored.
    if let Some(meeting) = report.meeting_id.as_deref().filter(|m| *m != taster.meeting_id) {
        return Err(AppError::invalid(
            "report",
            format!(
                "This report is from Zoom meeting {meeting}, but the session on {} has meeting ID {}. \
                 Choose the session the report is from, or export the report of the right meeting.",
                crate::domain::uk_time::uk_range(taster.starts_at, taster.ends_at),
                taster.meeting_id
            ),
        ));
    }
    // A report of another day is refused too. Zoom writes times in its account's time zone:
    // the session's UK day and its UTC day are both taken.
    let session_days = [crate::domain::uk_time::uk_day(taster.starts_at), taster.starts_at.date_naive()];
    if let Some(day) = report.days.first().filter(|_| !report.days.iter().any(|d| session_days.contains(d))) {
        return Err(AppError::invalid(
            "report",
            format!(
                "This report is of a meeting on {}, but the session you chose is on {}. \
                 Choose the session the report is from, or export the report of the right meeting.",
                crate::domain::uk_time::format_date(*day),
                crate::domain::uk_time::uk_date(taster.starts_at)
            ),
        ));
    }
    // The same file twice is recognised, and the first upload's queue is the one to use.
    if let Some((_, uploaded)) = rows.import_with_digest(taster_session_id, &report.digest).await? {
        return Err(AppError::invalid(
            "report",
            format!(
                "This report was already uploaded for this session on {}, {}: carry on with it in the list of uploaded reports below.",
                crate::domain::uk_time::uk_date(uploaded),
                crate::domain::uk_time::uk_clock(uploaded)
            ),
        ));
    }
    let import_id = rows.insert_import(taster_session_id, filename, report.rows, &report.digest, by, now).await?;
    for (attendee, matched) in report.attendees.iter().zip(matches) {
        rows.insert_attendee(import_id, attendee, *matched).await?;
    }
    let entry = AuditEntry {
        coordinator_id: Some(by),
        action: "attendance.import".into(),
        subject_type: "zoom_import".into(),
        subject_id: Some(import_id),
        before: None,
        after: Some(json!({
            "taster_session_id": taster_session_id, "filename": filename,
            "rows": report.rows, "attendees": report.attendees.len(),
        })),
    };
    rows.audit(&entry, now).await?;
    Ok(import_id)
}

/// Confirms an attendee as an application (the suggested one, or `application_id`), which
/// confirms that application's attendance at the report's session (rule 1); or rejects the
/// match. Each attendee is decided once.
pub async fn decide_attendee<R: Rows>(
    rows: &mut R,
    attendee_id: i64,
    confirm: bool,
    application_id: Option<i64>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let attendee = rows.attendee(attendee_id).await?.ok_or_else(|| AppError::NotFound("No such attendee".into()))?;
    if attendee.state != AttendeeState::Pending {
        return Err(AppError::Conflict("This attendee has already been decided".into()));
    }
    let (state, application) = if confirm {
        let application = application_id
            .or(attendee.application_id)
            .ok_or_else(|| AppError::invalid("application_id", "Choose the application this attendee is"))?;
        confirm_attendance(
            rows,
            application,
            attendee.taster_session_id,
            AttendanceSource::Zoom,
            Actor::Coordinator(by),
            now,
        )
        .await?;
        (AttendeeState::Confirmed, Some(application))
    } else {
        (AttendeeState::Rejected, None)
    };
    rows.decide_attendee(attendee_id, state, application, by, now).await?;
    let entry = AuditEntry {
        coordinator_id: Some(by),
        action: format!("attendance.{}", if confirm { "confirm_match" } else { "reject_match" }),
        subject_type: "zoom_attendee".into(),
        subject_id: Some(attendee_id),
        before: Some(json!({ "state": "pending" })),
        after: Some(json!({ "state": state.as_str(), "application_id": application })),
    };
    rows.audit(&entry, now).await
}

/// Undoes a decision on an attendee while the report is open: a rejection
/// ([`undo_rejection`]) or a confirmation ([`undo_confirmation`]).
pub async fn undo_decision<R: Rows>(
    rows: &mut R,
    attendee_id: i64,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let attendee = rows.attendee(attendee_id).await?.ok_or_else(|| AppError::NotFound("No such attendee".into()))?;
    match (attendee.state, attendee.application_id) {
        (AttendeeState::Rejected, _) => undo_rejection(rows, attendee_id, by, now).await,
        (AttendeeState::Confirmed, Some(application_id)) => {
            undo_confirmation(rows, &attendee, application_id, by, now).await
        }
        _ => Err(AppError::Conflict("This attendee has not been decided yet".into())),
    }
}

/// Undoes a rejected match: the attendee is to be decided again.
async fn undo_rejection<R: Rows>(rows: &mut R, attendee_id: i64, by: i64, now: DateTime<Utc>) -> Result<(), AppError> {
    rows.reopen_attendee(attendee_id).await?;
    let entry = AuditEntry {
        coordinator_id: Some(by),
        action: "attendance.undo_reject".into(),
        subject_type: "zoom_attendee".into(),
        subject_id: Some(attendee_id),
        before: Some(json!({ "state": "rejected" })),
        after: Some(json!({ "state": "pending" })),
    };
    rows.audit(&entry, now).await
}

/// Takes back a confirmed match while the report is open: the attendee is to be decided
/// again, and the attendance the match confirmed goes. Places already given are never taken
/// back (DESIGN.md rule 1): for an application with a place or an offer the undo is refused,
/// saying what to do instead. A waiting application with no other attendance goes back to
/// awaiting an attendance check, off the waiting lists, and is told; one with other attendance
/// waits on, its place in the queue counted from the earliest session it attended.
async fn undo_confirmation<R: Rows>(
    rows: &mut R,
    attendee: &AttendeeRow,
    application_id: i64,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let attendee_id = attendee.id;
    let row = rows
        .application(Key::Id(application_id))
        .await?
        .ok_or_else(|| AppError::NotFound("There is no application with that number".into()))?;
    let held = match row.state {
        AllocationState::Allocated => Some("a place"),
        AllocationState::Offered => Some("an offer of a place"),
        _ => None,
    };
    if let Some(held) = held {
        return Err(AppError::invalid(
            "undo",
            format!(
                "{} ({}) has {held} now, and places already given are never taken back. If this match was wrong, \
             withdraw the application from its page instead: that tells them, and the place goes to the next person.",
                row.name, row.reference
            ),
        ));
    }
    rows.remove_zoom_attendance(attendee.taster_session_id, application_id).await?;
    rows.reopen_attendee(attendee_id).await?;
    let remaining = rows.first_attendance(application_id).await?;
    rows.set_taster(application_id, remaining.map(|(session, _)| session)).await?;
    let after = match (row.state, remaining) {
        (AllocationState::Waiting, None) => {
            let awaiting = Allocation {
                state: AllocationState::AwaitingAttendance,
                cohort_id: None,
                eligible_at: None,
                offer_expires_at: None,
            };
            rows.set_allocation(application_id, &awaiting, now).await?;
            let undone = Event::AttendanceUndone { application_id, taster_session_id: attendee.taster_session_id };
            record(rows, &[undone], now).await?;
            AllocationState::AwaitingAttendance
        }
        (AllocationState::Waiting, Some((_, starts_at))) => {
            let waiting = Allocation {
                state: AllocationState::Waiting,
                cohort_id: None,
                eligible_at: Some(allocation::eligible_at(row.submitted_at, starts_at)),
                offer_expires_at: None,
            };
            rows.set_allocation(application_id, &waiting, now).await?;
            AllocationState::Waiting
        }
        // An application that has ended (withdrawn, declined) only loses the record.
        (state, _) => state,
    };
    let entry = AuditEntry {
        coordinator_id: Some(by),
        action: "attendance.undo_confirm".into(),
        subject_type: "zoom_attendee".into(),
        subject_id: Some(attendee_id),
        before: Some(
            json!({ "state": "confirmed", "application_id": application_id, "application_state": row.state.as_str() }),
        ),
        after: Some(
            json!({ "state": "pending", "application_id": application_id, "application_state": after.as_str() }),
        ),
    };
    rows.audit(&entry, now).await
}

/// Stores the applications found for attendees who had none (matched again against the
/// applications there are now); returns how many found one.
pub async fn store_rematches<R: Rows>(
    rows: &mut R,
    import_id: i64,
    found: &[(i64, i64, MatchKind)],
    by: i64,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let mut matched = 0;
    for (attendee, application, kind) in found {
        if rows.suggest_match(*attendee, *application, *kind).await? {
            matched += 1;
        }
    }
    let entry = AuditEntry {
        coordinator_id: Some(by),
        action: "attendance.rematch".into(),
        subject_type: "zoom_import".into(),
        subject_id: Some(import_id),
        before: None,
        after: Some(json!({ "newly_matched": matched })),
    };
    rows.audit(&entry, now).await?;
    Ok(matched)
}

/// Deletes an uploaded report and its match queue (the attendees' names and emails from Zoom).
/// Attendance it confirmed is kept: those applications stay eligible, as their places may
/// already depend on it.
pub async fn delete_import<R: Rows>(rows: &mut R, import_id: i64, by: i64, now: DateTime<Utc>) -> Result<(), AppError> {
    if !rows.delete_import(import_id).await? {
        return Err(AppError::NotFound("There is no report with that number".into()));
    }
    let entry = AuditEntry {
        coordinator_id: Some(by),
        action: "attendance.delete_import".into(),
        subject_type: "zoom_import".into(),
        subject_id: Some(import_id),
        before: None,
        after: Some(json!({ "deleted": true, "confirmed_attendance": "kept" })),
    };
    rows.audit(&entry, now).await
}
