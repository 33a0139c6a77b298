//! Taster sessions: adding and changing them (details, cancelling, a new attendance code).

use super::events::{record, Event};
use super::rows::{AuditEntry, NewTaster, Rows, Taken, TasterChange};
use super::Actor;
use crate::errors::AppError;
use chrono::{DateTime, Utc};

const CODE_TAKEN: &str = "That attendance code is already in use; generate another";

/// Adds a taster session; audited when a coordinator adds it. A code in use is a conflict
/// (the caller draws another).
pub async fn create_taster<R: Rows>(rows: &mut R, taster: &NewTaster, actor: Actor, now: DateTime<Utc>) -> Result<i64, AppError> {
    let id = match rows.insert_taster(taster, now).await? {
        Ok(id) => id,
        Err(Taken(_)) => return Err(AppError::Conflict(CODE_TAKEN.into())),
    };
    if let Actor::Coordinator(by) = actor {
        let after = rows.taster_record(id).await?;
        audit(rows, by, "taster.create", id, None, after, now).await?;
    }
    record(rows, &[Event::TasterChanged { taster_session_id: id }], now).await?;
    Ok(id)
}

/// A coordinator changes a taster session, audited with the values before and after.
pub async fn change_taster<R: Rows>(
    rows: &mut R,
    id: i64,
    change: &TasterChange,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let before = rows.taster_record(id).await?.ok_or_else(|| AppError::NotFound("No such taster session".into()))?;
    if let Err(Taken(_)) = rows.change_taster(id, change, now).await? {
        return Err(AppError::Conflict(CODE_TAKEN.into()));
    }
    let action = match change {
        TasterChange::Details(_) => "taster.edit",
        TasterChange::Cancel => "taster.cancel",
        TasterChange::Reinstate => "taster.reinstate",
        TasterChange::Code(_) => "taster.regenerate_code",
    };
    let after = rows.taster_record(id).await?;
    audit(rows, by, action, id, Some(before), after, now).await?;
    record(rows, &[Event::TasterChanged { taster_session_id: id }], now).await
}

async fn audit<R: Rows>(
    rows: &mut R,
    by: i64,
    action: &str,
    id: i64,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let entry = AuditEntry {
        coordinator_id: Some(by),
        action: action.into(),
        subject_type: "taster_session".into(),
        subject_id: Some(id),
        before,
        after,
    };
    rows.audit(&entry, now).await
}
