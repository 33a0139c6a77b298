//! A coordinator's decisions on the attendees of an uploaded Zoom report.

use super::applications::confirm_attendance;
use super::rows::{AttendanceSource, AttendeeState, AuditEntry, Rows};
use super::Actor;
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
    if rows.taster(taster_session_id).await?.is_none() {
        return Err(AppError::invalid("taster_session_id", "Choose the taster session the report is from"));
    }
    let import_id = rows.insert_import(taster_session_id, filename, report.rows, by, now).await?;
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
        let application = application_id.or(attendee.application_id).ok_or_else(|| {
            AppError::invalid("application_id", "Choose the application this attendee is")
        })?;
        confirm_attendance(rows, application, attendee.taster_session_id, AttendanceSource::Zoom, Actor::Coordinator(by), now)
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
