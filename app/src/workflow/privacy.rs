//! Erasure (DESIGN.md, "Data, security, scale"): an applicant asks for their data to be
//! deleted, an admin erases it (with a reason), or the intake's retention period ends. It is a
//! change like any other, in one step: the application is withdrawn first, so a place it held
//! is offered to the next in line (rule 4), then its personal details are removed for good.
//! The row stays — its reference, state and `eligible_at` — so counts and every queue position
//! stay right. The erasure itself is audited, without anything personal.

use super::applications::withdraw;
use super::events::{record, Event};
use super::rows::{AuditEntry, Key, Rows};
use super::{Actor, Settings};
use crate::errors::AppError;
use chrono::{DateTime, Utc};
use serde_json::json;

/// Who asked for an erasure, for the audit log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// The applicant, from their status page.
    Applicant,
    /// An admin, with the reason they gave.
    Admin(String),
    /// The intake's retention period ended.
    Retention,
}

impl Reason {
    fn words(&self) -> String {
        match self {
            Self::Applicant => "the applicant asked for their data to be deleted".into(),
            Self::Admin(reason) => reason.clone(),
            Self::Retention => "the intake's retention period ended".into(),
        }
    }
}

/// What an erasure leaves to do once it has committed: the ids of the application's emails
/// (their `.eml` files, when emails are written as files, are deleted too).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Erased {
    pub application_id: i64,
    pub email_ids: Vec<i64>,
}

/// Withdraws the application if it is still active (its place goes to the next in line),
/// then removes its personal details for good. Erasing an application already erased
/// changes nothing.
pub async fn erase<R: Rows>(
    rows: &mut R,
    key: Key<'_>,
    actor: Actor,
    reason: Reason,
    settings: Settings,
    now: DateTime<Utc>,
) -> Result<Erased, AppError> {
    let row =
        rows.application(key).await?.ok_or_else(|| AppError::NotFound("We could not find that application".into()))?;
    if rows.is_erased(row.id).await? {
        return Ok(Erased { application_id: row.id, email_ids: Vec::new() });
    }
    if row.state.can_withdraw() {
        // Withdrawn as the applicant or the admin would; the withdrawal's own email is not
        // sent, as the address is about to go.
        withdraw(rows, Key::Id(row.id), actor, settings, now).await?;
    }
    let email_ids = rows.erase_personal(row.id, &crate::tokens::status_token(), now).await?;
    let entry = AuditEntry {
        coordinator_id: actor.coordinator(),
        action: "application.erase".into(),
        subject_type: "application".into(),
        subject_id: Some(row.id),
        before: None,
        after: Some(json!({ "personal_data": "erased", "reason": reason.words() })),
    };
    rows.audit(&entry, now).await?;
    record(rows, &[Event::Erased { application_id: row.id }], now).await?;
    Ok(Erased { application_id: row.id, email_ids })
}
