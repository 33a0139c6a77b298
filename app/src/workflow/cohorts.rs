//! Cohorts and their places: creating, opening, closing and resizing them, and rule 3's
//! promise that no place stays free while someone eligible waits for it.

use super::events::{record, Event};
use super::rows::{Allocation, AuditEntry, CohortUpdate, Hold, Key, NewCohort, Rows, Taken};
use super::{Actor, Settings};
use crate::domain::allocation::{self, AllocationState};
use crate::errors::AppError;
use crate::models::CohortStatus;
use chrono::{DateTime, Utc};
use serde_json::json;

const NAME_TAKEN: &str = "Another cohort has that name: choose a different one";

/// Rules 3 and 4: offers every free place of a cohort to the first applicants waiting for it,
/// in `eligible_at` order, each held for the offer window. Records what it did in `events`.
pub async fn offer_free_places<R: Rows>(
    rows: &mut R,
    cohort_id: i64,
    settings: Settings,
    now: DateTime<Utc>,
    events: &mut Vec<Event>,
) -> Result<(), AppError> {
    loop {
        let Some(cohort) = rows.cohort(cohort_id).await? else { return Ok(()) };
        if !cohort.places.has_free_place() {
            return Ok(());
        }
        let Some(next) = rows.next_waiting(cohort_id).await? else { return Ok(()) };
        let Some(row) = rows.application(Key::Id(next)).await? else { return Err(AppError::Internal) };
        rows.take_place(cohort_id, Hold::Offer).await?;
        let until = allocation::offer_expires_at(now, settings.offer_window);
        let offered = Allocation {
            state: AllocationState::Offered,
            cohort_id: Some(cohort_id),
            eligible_at: row.eligible_at,
            offer_expires_at: Some(until),
        };
        rows.set_allocation(next, &offered, now).await?;
        events.push(Event::OfferMade { application_id: next, cohort_id, until });
    }
}

/// Adds a cohort with its meetings. An open one offers its places to those already waiting at
/// once (rule 3: otherwise the places would show as free while people wait, and the next
/// newcomer would jump the queue). Audited when a coordinator adds it.
pub async fn create_cohort<R: Rows>(
    rows: &mut R,
    cohort: &NewCohort,
    actor: Actor,
    settings: Settings,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let id = match rows.insert_cohort(cohort, now).await? {
        Ok(id) => id,
        Err(Taken(_)) => return Err(AppError::invalid("name", NAME_TAKEN)),
    };
    let mut events = vec![Event::CohortChanged { cohort_id: id }];
    if cohort.status == CohortStatus::Open {
        offer_free_places(rows, id, settings, now, &mut events).await?;
    }
    if let Actor::Coordinator(by) = actor {
        let after = json!({
            "name": cohort.name, "intake": cohort.intake, "capacity": cohort.capacity, "status": cohort.status.as_str(),
            "meetings": cohort.meetings.iter().map(|m| m.0).collect::<Vec<_>>(),
        });
        audit(rows, by, "cohort.create", id, None, Some(after), now).await?;
    }
    record(rows, &events, now).await?;
    Ok(id)
}

/// A coordinator changes a cohort: its capacity may not drop below the places given (rule
/// 3); places freed by more capacity, or by opening it, go to the waiting list at once.
pub async fn update_cohort<R: Rows>(
    rows: &mut R,
    id: i64,
    update: &CohortUpdate,
    by: i64,
    settings: Settings,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let before = rows.cohort(id).await?.ok_or_else(|| AppError::NotFound("No such cohort".into()))?;
    allocation::capacity_change_allowed(&before.places, update.capacity).map_err(|m| AppError::invalid("capacity", m))?;
    if let Err(Taken(_)) = rows.update_cohort(id, update).await? {
        return Err(AppError::invalid("name", NAME_TAKEN));
    }
    let mut events = vec![Event::CohortChanged { cohort_id: id }];
    if update.status == CohortStatus::Open {
        offer_free_places(rows, id, settings, now, &mut events).await?;
    }
    let before = json!({
        "name": before.name, "capacity": before.places.capacity, "status": before.status.as_str(),
        "meetings": before.meetings.iter().map(|m| m.0).collect::<Vec<_>>(),
    });
    let after = json!({
        "name": update.name, "capacity": update.capacity, "status": update.status.as_str(),
        "meetings": update.meetings.iter().map(|m| m.0).collect::<Vec<_>>(),
    });
    audit(rows, by, "cohort.edit", id, Some(before), Some(after), now).await?;
    record(rows, &events, now).await
}

/// Changes a cohort's capacity (never below allocated plus offered, rule 3); new places are
/// offered to the waiting list at once (rule 4).
pub async fn set_capacity<R: Rows>(
    rows: &mut R,
    cohort_id: i64,
    capacity: i64,
    settings: Settings,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let cohort = rows.cohort(cohort_id).await?.ok_or_else(|| AppError::NotFound("No such cohort".into()))?;
    allocation::capacity_change_allowed(&cohort.places, capacity).map_err(|m| AppError::invalid("capacity", m))?;
    rows.set_capacity(cohort_id, capacity).await?;
    let mut events = vec![Event::CohortChanged { cohort_id }];
    offer_free_places(rows, cohort_id, settings, now, &mut events).await?;
    record(rows, &events, now).await
}

async fn audit<R: Rows>(
    rows: &mut R,
    by: i64,
    action: &str,
    cohort_id: i64,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let entry = AuditEntry {
        coordinator_id: Some(by),
        action: action.into(),
        subject_type: "cohort".into(),
        subject_id: Some(cohort_id),
        before,
        after,
    };
    rows.audit(&entry, now).await
}
