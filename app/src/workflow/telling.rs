//! Emails sent outside an application's own changes (DESIGN.md, "Telling people"): the reminder
//! before an offer lapses, the status link asked for again, and the course team's messages to a
//! group. Each queues messages in the outbox in one step, like every other change.

use super::messages::{self, Outgoing};
use super::rows::{Audience, AuditEntry, Key, NewTeamMessage, Rows};
use crate::errors::AppError;
use crate::models::MessageKind;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

/// How many times in an hour the status link is sent to one application when asked for.
pub const STATUS_LINKS_AN_HOUR: i64 = 3;

/// A reminder to each applicant whose offered place lapses within `before`, once per offer.
/// Returns how many were queued.
pub async fn remind_offers<R: Rows>(rows: &mut R, before: Duration, now: DateTime<Utc>) -> Result<u64, AppError> {
    let due: Vec<Outgoing> = rows
        .offers_ending_by(now + before)
        .await?
        .into_iter()
        .filter(|(_, _, until)| *until > now)
        .map(|(application, cohort, until)| messages::reminder(application, cohort, until))
        .collect();
    rows.queue_messages(&due, now).await
}

/// "Lost your link?": the status link goes to the newest application with this email key, at
/// most [`STATUS_LINKS_AN_HOUR`] times an hour. Whether anything was sent is not said to the
/// person asking (an address with no application and one past the limit look the same).
pub async fn send_status_link<R: Rows>(rows: &mut R, email_key: &str, now: DateTime<Utc>) -> Result<(), AppError> {
    let Some(id) = rows.application_by_email(email_key).await? else { return Ok(()) };
    if rows.messages_since(id, MessageKind::StatusLink, now - Duration::hours(1)).await? >= STATUS_LINKS_AN_HOUR {
        return Ok(());
    }
    rows.queue_messages(&[messages::status_link(id)], now).await.map(drop)
}

/// A coordinator sends an applicant their status link again (audited).
pub async fn resend_status_link<R: Rows>(rows: &mut R, id: i64, by: i64, now: DateTime<Utc>) -> Result<(), AppError> {
    rows.application(Key::Id(id))
        .await?
        .ok_or_else(|| AppError::NotFound("We could not find that application".into()))?;
    rows.queue_messages(&[messages::status_link(id)], now).await?;
    let entry = AuditEntry {
        coordinator_id: Some(by),
        action: "application.send_status_link".into(),
        subject_type: "application".into(),
        subject_id: Some(id),
        before: None,
        after: Some(json!({ "email": "status link queued" })),
    };
    rows.audit(&entry, now).await
}

/// A coordinator writes to a cohort or its waiting list: the message is stored and queued for
/// each recipient (audited). Returns how many it went to.
pub async fn write_to_group<R: Rows>(
    rows: &mut R,
    message: &NewTeamMessage,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    rows.cohort(message.cohort_id)
        .await?
        .ok_or_else(|| AppError::invalid("cohort_id", "Choose a cohort from the list"))?;
    let recipients = rows.group(message.audience, message.cohort_id).await?;
    if recipients.is_empty() {
        return Err(AppError::invalid(
            "audience",
            "Nobody is in that group at the moment, so there is nobody to write to. Choose another group",
        ));
    }
    let id = rows.insert_team_message(message, recipients.len(), now).await?;
    let queued: Vec<Outgoing> = recipients.iter().map(|a| messages::team_message(*a, id)).collect();
    rows.queue_messages(&queued, now).await?;
    let entry = AuditEntry {
        coordinator_id: Some(message.by),
        action: "email.team_message".into(),
        subject_type: "cohort".into(),
        subject_id: Some(message.cohort_id),
        before: None,
        after: Some(json!({
            "audience": message.audience.as_str(), "subject": message.subject, "recipients": recipients.len(),
        })),
    };
    rows.audit(&entry, now).await?;
    Ok(recipients.len())
}

/// The number of applicants a group message would go to now (the preview's count).
pub async fn group_size<R: Rows>(rows: &mut R, audience: Audience, cohort_id: i64) -> Result<usize, AppError> {
    Ok(rows.group(audience, cohort_id).await?.len())
}
