//! An application's journey, by DESIGN.md's rules: submitted, its attendance confirmed,
//! placed or waiting, offered a freed place, accepting or declining it, letting it lapse,
//! withdrawn, moved. Each function is one step in one transaction over [`Rows`].

use super::cohorts::offer_free_places;
use super::events::{record, Event};
use super::messages::for_events;
use super::rows::{
    Allocation, ApplicationRow, AttendanceSource, AuditEntry, CohortName, Constraint, Hold, Key, NewApplicationRow,
    Rows, Taken,
};
use super::{Actor, Settings};
use crate::domain::allocation::{self, AllocationState, CohortChoice, Placement};
use crate::domain::application::NewApplication;
use crate::domain::attendance_code::code_accepted;
use crate::domain::uk_time::{uk_clock, uk_date, uk_range};
use crate::errors::AppError;
use crate::models::{ApplicationOutcome, ApplicationStatus, Cohort, CohortStatus, Meeting, QueuePosition, TasterStatus};
use crate::tokens;
use chrono::{DateTime, Utc};
use serde_json::json;

/// What the applicant is told when their work email already has an active application.
pub const DUPLICATE_MESSAGE: &str = "You have already applied with this work email address. \
    Use the status link from your confirmation page to see where you are in the queue, or \
    contact the course team if you no longer have it.";

/// What the applicant is told when the attendance code matches no session (or no longer works).
pub const UNKNOWN_CODE_MESSAGE: &str = "We do not recognise that attendance code. Check it and \
    try again, or leave it blank and the course team will check your attendance";

/// Rules 1, 2 and 6: stores a new application and, when its attendance code proves presence
/// now, makes it eligible at once and places it.
pub async fn submit<R: Rows>(rows: &mut R, app: NewApplication, now: DateTime<Utc>) -> Result<ApplicationOutcome, AppError> {
    let code_key = app.attendance_code.clone();
    let found = rows.open_places(None, code_key.as_deref()).await?;
    let Some(intake) = found.intake.clone() else {
        return Err(AppError::invalid("cohort_preferences", "No courses are open for applications at the moment"));
    };
    if let CohortChoice::Ranked(ids) = &app.choice {
        if ids.iter().any(|id| !found.places.iter().any(|p| p.id == *id)) {
            return Err(AppError::invalid(
                "cohort_preferences",
                "One of the courses you chose is no longer open for applications. Choose again from the list",
            ));
        }
    }
    // A valid attendance code confirms attendance at once (rule 1) and names its session.
    let mut taster_session_id = app.taster_session_id;
    let attended = match (&code_key, found.code_session) {
        (None, _) => false,
        (Some(_), Some((id, starts_at, ends_at))) if code_accepted(starts_at, ends_at, false, now) => {
            taster_session_id = Some(id);
            true
        }
        (Some(_), _) => return Err(AppError::invalid("attendance_code", UNKNOWN_CODE_MESSAGE)),
    };
    let allocation = if attended {
        match allocation::place(&app.choice, &found.places) {
            Placement::Allocate(id) => {
                Allocation { state: AllocationState::Allocated, cohort_id: Some(id), eligible_at: Some(now), offer_expires_at: None }
            }
            Placement::Wait => {
                Allocation { state: AllocationState::Waiting, cohort_id: None, eligible_at: Some(now), offer_expires_at: None }
            }
        }
    } else {
        Allocation { state: AllocationState::AwaitingAttendance, cohort_id: None, eligible_at: None, offer_expires_at: None }
    };
    if let Some(id) = allocation.cohort_id {
        rows.take_place(id, Hold::Allocation).await?;
    }

    // What the step records is known before the application is stored (its id is drawn
    // first), so it is recorded with it: on PostgreSQL one statement for all of it.
    let id = rows.new_application_id().await?;
    let mut events = vec![Event::ApplicationSubmitted { application_id: id }];
    if let (true, Some(session)) = (attended, taster_session_id) {
        events.push(Event::AttendanceConfirmed { application_id: id, taster_session_id: session });
    }
    // Joining now, with the writer's clock of record, puts it last in every waiting list it
    // joins: its position is one more than the number already waiting there.
    let best = match (allocation.state, &app.choice) {
        (AllocationState::Waiting, CohortChoice::Ranked(ids)) => ids
            .iter()
            .filter_map(|id| found.waiting.iter().find(|(c, _)| c == id))
            .min_by_key(|(_, waiting)| *waiting)
            .map(|(c, waiting)| (*c, waiting + 1)),
        (AllocationState::Waiting, CohortChoice::Any) => {
            found.waiting.iter().min_by_key(|(_, waiting)| *waiting).map(|(c, waiting)| (*c, waiting + 1))
        }
        _ => None,
    };
    match (allocation.state, allocation.cohort_id) {
        (AllocationState::Allocated, Some(cohort_id)) => events.push(Event::Allocated { application_id: id, cohort_id }),
        (AllocationState::Waiting, _) => events.push(Event::Waiting {
            application_id: id,
            cohort_id: best.map(|(c, _)| c),
            position: best.map(|(_, p)| p),
        }),
        _ => {}
    }
    let messages = for_events(&events);

    let token = tokens::status_token();
    let email_key = app.email.key();
    // A fresh reference is usually free; on a clash, draw another. Rule 6 is the database's
    // one-active-application-per-email rule: a second one is refused here, and the step's
    // transaction undoes the place taken above.
    let mut attempts = 0;
    let reference = loop {
        attempts += 1;
        let reference = rows.new_reference().await?;
        let row = NewApplicationRow {
            id,
            reference: &reference,
            status_token: &token,
            intake: &intake,
            app: &app,
            email_key: &email_key,
            taster_session_id,
            attended,
            any_cohort: matches!(app.choice, CohortChoice::Any),
            privacy_notice_version: crate::PRIVACY_NOTICE_VERSION,
            submitted_at: now,
            allocation: &allocation,
            events: &events,
            messages: &messages,
        };
        match rows.insert_application(&row).await? {
            Ok(()) => break reference,
            Err(Taken(Constraint::OneActivePerEmail)) => return Err(AppError::Conflict(DUPLICATE_MESSAGE.into())),
            Err(Taken(_)) if attempts < 20 => continue,
            Err(Taken(_)) => {
                tracing::error!("no free application reference after 20 tries");
                return Err(AppError::Internal);
            }
        }
    };
    if let CohortChoice::Ranked(ids) = &app.choice {
        rows.insert_choices(id, ids).await?;
    }
    Ok(ApplicationOutcome {
        reference,
        state: allocation.state,
        cohort_id: allocation.cohort_id.or(best.map(|(c, _)| c)),
        position: best.map(|(_, position)| position),
        status_token: token,
    })
}

/// Rule 1: records attendance at a taster session and, for an application waiting for that
/// check, makes it eligible and places it (rule 2). The fact is the attendance itself, so
/// `eligible_at` is the later of the submission and the session's start, never the moment of
/// the confirmation: a late confirmation can stand ahead of people already waiting (places
/// already given are never taken back), and confirming a report's attendees in any order
/// gives the same queue. Only a session that has started counts; a cancelled one only when a
/// coordinator confirms by hand that it took place before it was cancelled.
pub async fn confirm_attendance<R: Rows>(
    rows: &mut R,
    application_id: i64,
    taster_session_id: i64,
    source: AttendanceSource,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<ApplicationStatus, AppError> {
    let row = found(rows.application(Key::Id(application_id)).await?)?;
    let session = rows
        .taster(taster_session_id)
        .await?
        .ok_or_else(|| AppError::invalid("taster_session_id", "Select a taster session from the list"))?;
    if session.starts_at > now {
        return Err(AppError::invalid(
            "taster_session_id",
            "That taster session has not started yet: attendance can be confirmed once it has",
        ));
    }
    let took_place = session.status == TasterStatus::Scheduled
        || (source != AttendanceSource::Code && session.cancelled_at.is_some_and(|at| at > session.starts_at));
    if !took_place {
        return Err(AppError::invalid(
            "taster_session_id",
            "That taster session was cancelled before it took place. Choose the session they attended",
        ));
    }
    rows.record_attendance(taster_session_id, application_id, source, actor.coordinator(), now).await?;
    rows.note_taster(application_id, taster_session_id).await?;
    let mut events = vec![Event::AttendanceConfirmed { application_id, taster_session_id }];
    if row.state == AllocationState::AwaitingAttendance {
        let eligible_at = allocation::eligible_at(row.submitted_at, session.starts_at);
        let choice = choice_of(rows, &row).await?;
        let open = rows.open_places(Some(&row.intake), None).await?;
        let allocation = match allocation::place(&choice, &open.places) {
            Placement::Allocate(cohort_id) => {
                rows.take_place(cohort_id, Hold::Allocation).await?;
                events.push(Event::Allocated { application_id, cohort_id });
                Allocation { state: AllocationState::Allocated, cohort_id: Some(cohort_id), eligible_at: Some(eligible_at), offer_expires_at: None }
            }
            Placement::Wait => Allocation { state: AllocationState::Waiting, cohort_id: None, eligible_at: Some(eligible_at), offer_expires_at: None },
        };
        rows.set_allocation(application_id, &allocation, now).await?;
        if allocation.state == AllocationState::Waiting {
            let best = positions(rows, &ApplicationRow { state: AllocationState::Waiting, eligible_at: Some(eligible_at), ..row.clone() })
                .await?
                .into_iter()
                .next();
            events.push(Event::Waiting {
                application_id,
                cohort_id: best.as_ref().map(|p| p.cohort_id),
                position: best.map(|p| p.position),
            });
        }
    }
    let status = status(rows, Key::Id(application_id)).await?;
    if let Actor::Coordinator(by) = actor {
        let before = json!({ "state": row.state.as_str(), "cohort_id": row.cohort_id });
        let after = json!({
            "state": status.state.as_str(), "cohort_id": status.cohort.as_ref().map(|c| c.id),
            "taster_session_id": taster_session_id, "source": source.as_str(),
        });
        audit(rows, by, "application.confirm_attendance", application_id, before, after, now).await?;
    }
    record(rows, &events, now).await?;
    Ok(status)
}

/// Rule 7: the applicant (or a coordinator for them) withdraws; a place they held is offered
/// to the next in line (rule 4).
pub async fn withdraw<R: Rows>(
    rows: &mut R,
    key: Key<'_>,
    actor: Actor,
    settings: Settings,
    now: DateTime<Utc>,
) -> Result<ApplicationStatus, AppError> {
    let row = found(rows.application(key).await?)?;
    if !row.state.can_withdraw() {
        return Err(AppError::Conflict(format!(
            "This application cannot be withdrawn: it is already {}",
            row.state.label().to_lowercase()
        )));
    }
    let mut events = vec![Event::Withdrawn { application_id: row.id, by_coordinator: actor.coordinator().is_some() }];
    let ended = Allocation { state: AllocationState::Withdrawn, cohort_id: None, eligible_at: row.eligible_at, offer_expires_at: None };
    rows.set_allocation(row.id, &ended, now).await?;
    if let Some(cohort_id) = held(&row) {
        rows.release_place(cohort_id, hold_of(&row)).await?;
        offer_free_places(rows, cohort_id, settings, now, &mut events).await?;
    }
    if let Actor::Coordinator(by) = actor {
        let before = json!({ "state": row.state.as_str(), "cohort_id": row.cohort_id });
        audit(rows, by, "application.withdraw", row.id, before, json!({ "state": "withdrawn" }), now).await?;
    }
    record(rows, &events, now).await?;
    status(rows, Key::Id(row.id)).await
}

/// Rule 7: the applicant accepts an offered place before it lapses. An offer past its time
/// lapses now instead (and passes on), and the status says so.
pub async fn accept_offer<R: Rows>(
    rows: &mut R,
    key: Key<'_>,
    settings: Settings,
    now: DateTime<Utc>,
) -> Result<ApplicationStatus, AppError> {
    let row = found(rows.application(key).await?)?;
    let (Some(cohort_id), Some(expires_at)) = (row.cohort_id.filter(|_| row.state.can_answer_offer()), row.offer_expires_at)
    else {
        return Err(AppError::Conflict("There is no offer to accept on this application".into()));
    };
    if !allocation::offer_is_open(expires_at, now) {
        return leave_offer(rows, row, OfferEnd::Lapsed, settings, now).await;
    }
    rows.accept_place(cohort_id).await?;
    let allocated = Allocation { state: AllocationState::Allocated, cohort_id: Some(cohort_id), eligible_at: row.eligible_at, offer_expires_at: None };
    rows.set_allocation(row.id, &allocated, now).await?;
    record(rows, &[Event::Allocated { application_id: row.id, cohort_id }], now).await?;
    status(rows, Key::Id(row.id)).await
}

/// Rules 4 and 7: the applicant declines an offered place. It passes to the next in line; the
/// applicant leaves that cohort's queue only, and keeps their place in the queues of their
/// other choices.
pub async fn decline_offer<R: Rows>(
    rows: &mut R,
    key: Key<'_>,
    settings: Settings,
    now: DateTime<Utc>,
) -> Result<ApplicationStatus, AppError> {
    let row = found(rows.application(key).await?)?;
    if !row.state.can_answer_offer() {
        return Err(AppError::Conflict("There is no offer to decline on this application".into()));
    }
    leave_offer(rows, row, OfferEnd::Declined, settings, now).await
}

/// Rule 4: offers not accepted in time lapse and pass to the next in line. Returns how many.
pub async fn expire_offers<R: Rows>(rows: &mut R, settings: Settings, now: DateTime<Utc>) -> Result<usize, AppError> {
    let due = rows.offers_due(now).await?;
    for id in &due {
        let row = found(rows.application(Key::Id(*id)).await?)?;
        leave_offer(rows, row, OfferEnd::Lapsed, settings, now).await?;
    }
    Ok(due.len())
}

/// How an offer ended without being accepted.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OfferEnd {
    Declined,
    Lapsed,
}

/// Rule 4: an offer declined or lapsed. The place passes on; the applicant leaves only that
/// cohort's queue, waits on for their other choices (with the same `eligible_at`, so the same
/// place in those queues) and is offered a free place there at once if one is free; the
/// application ends only when no choice is left.
async fn leave_offer<R: Rows>(
    rows: &mut R,
    row: ApplicationRow,
    end: OfferEnd,
    settings: Settings,
    now: DateTime<Utc>,
) -> Result<ApplicationStatus, AppError> {
    let Some(cohort_id) = row.cohort_id else { return Err(AppError::Internal) };
    let application_id = row.id;
    rows.release_place(cohort_id, Hold::Offer).await?;
    rows.leave_queue(application_id, cohort_id, now).await?;
    let mut events = vec![match end {
        OfferEnd::Declined => Event::Declined { application_id, cohort_id },
        OfferEnd::Lapsed => Event::OfferLapsed { application_id, cohort_id },
    }];
    let left_for = remaining_choices(rows, &row).await?;
    let state = match (left_for.is_empty(), end) {
        (false, _) => AllocationState::Waiting,
        (true, OfferEnd::Declined) => AllocationState::Declined,
        (true, OfferEnd::Lapsed) => AllocationState::Expired,
    };
    let allocation = Allocation { state, cohort_id: None, eligible_at: row.eligible_at, offer_expires_at: None };
    rows.set_allocation(application_id, &allocation, now).await?;
    offer_free_places(rows, cohort_id, settings, now, &mut events).await?;
    // Back in the other queues: a place free there (nobody else was waiting for it) is theirs.
    for other in left_for.iter().filter(|c| c.status == CohortStatus::Open) {
        offer_free_places(rows, other.id, settings, now, &mut events).await?;
    }
    record(rows, &events, now).await?;
    status(rows, Key::Id(application_id)).await
}

/// A coordinator moves an allocated applicant to another open cohort of the same intake with
/// a free place; the place left behind is offered to the next in line (rules 3 and 4).
pub async fn move_to_cohort<R: Rows>(
    rows: &mut R,
    id: i64,
    target: i64,
    by: i64,
    settings: Settings,
    now: DateTime<Utc>,
) -> Result<ApplicationStatus, AppError> {
    let row = found(rows.application(Key::Id(id)).await?)?;
    let Some(from) = row.cohort_id.filter(|_| row.state == AllocationState::Allocated) else {
        return Err(AppError::Conflict("Only an application with a place can be moved to another cohort".into()));
    };
    if from == target {
        return Err(AppError::invalid("cohort_id", "Choose a different cohort from the one it is on"));
    }
    let cohort = rows.cohort(target).await?.ok_or_else(|| AppError::invalid("cohort_id", "Choose a cohort from the list"))?;
    if cohort.intake != row.intake {
        return Err(AppError::invalid(
            "cohort_id",
            "That cohort belongs to another intake: choose a cohort that starts with this one",
        ));
    }
    if !cohort.places.has_free_place() {
        return Err(AppError::invalid(
            "cohort_id",
            "That cohort has no free place: choose another, or raise its capacity first",
        ));
    }
    rows.take_place(target, Hold::Allocation).await?;
    rows.release_place(from, Hold::Allocation).await?;
    let moved = Allocation { state: AllocationState::Allocated, cohort_id: Some(target), eligible_at: row.eligible_at, offer_expires_at: None };
    rows.set_allocation(id, &moved, now).await?;
    let mut events = vec![Event::Moved { application_id: id, from_cohort_id: from, to_cohort_id: target }];
    offer_free_places(rows, from, settings, now, &mut events).await?;
    audit(rows, by, "application.move", id, json!({ "cohort_id": from }), json!({ "cohort_id": target }), now).await?;
    record(rows, &events, now).await?;
    status(rows, Key::Id(id)).await
}

/// What the status page shows of an application: its state, the place it holds, and where it
/// stands in each queue it waits in.
pub async fn status<R: Rows>(rows: &mut R, key: Key<'_>) -> Result<ApplicationStatus, AppError> {
    status_with(rows, key, true).await
}

/// [`status`] without where it stands in the queues (no positions): each position is a count
/// over its queue, which an email that does not tell them need not pay for.
pub async fn status_in_brief<R: Rows>(rows: &mut R, key: Key<'_>) -> Result<ApplicationStatus, AppError> {
    status_with(rows, key, false).await
}

async fn status_with<R: Rows>(rows: &mut R, key: Key<'_>, with_positions: bool) -> Result<ApplicationStatus, AppError> {
    let row = found(rows.application(key).await?)?;
    let cohort = match row.cohort_id {
        Some(id) => rows.cohort(id).await?.map(|c| cohort_view(id, c)),
        None => None,
    };
    let choices = if row.any_cohort { Vec::new() } else { rows.choices(row.id).await?.into_iter().map(|c| c.name).collect() };
    let positions = if with_positions { positions(rows, &row).await? } else { Vec::new() };
    let other_queues = match (row.state, row.cohort_id) {
        (AllocationState::Offered, Some(offered)) => remaining_choices(rows, &row)
            .await?
            .into_iter()
            .filter(|c| c.id != offered && c.status == CohortStatus::Open)
            .map(|c| c.name)
            .collect(),
        _ => Vec::new(),
    };
    Ok(ApplicationStatus {
        reference: row.reference,
        status_token: row.status_token,
        name: row.name,
        state: row.state,
        cohort,
        positions,
        offer_expires_at: row.offer_expires_at,
        offer_expires_uk: row.offer_expires_at.map(|t| format!("{}, {}", uk_date(t), uk_clock(t))),
        submitted_uk: format!("{}, {}", uk_date(row.submitted_at), uk_clock(row.submitted_at)),
        choices,
        other_queues,
    })
}

/// Where a waiting application stands in each open cohort's queue it is in: 1 + those waiting
/// there who became eligible before it. Best position first (ties: the applicant's rank, then
/// the earliest cohort).
async fn positions<R: Rows>(rows: &mut R, row: &ApplicationRow) -> Result<Vec<QueuePosition>, AppError> {
    let (AllocationState::Waiting, Some(eligible_at)) = (row.state, row.eligible_at) else { return Ok(Vec::new()) };
    let mut positions = Vec::new();
    for cohort in remaining_choices(rows, row).await?.into_iter().filter(|c| c.status == CohortStatus::Open) {
        let ahead = rows.waiting_ahead(cohort.id, eligible_at, row.id).await?;
        positions.push(QueuePosition { cohort_id: cohort.id, cohort_name: cohort.name, position: ahead + 1 });
    }
    // A stable sort keeps the rank (or start) order among equal positions.
    positions.sort_by_key(|p| p.position);
    Ok(positions)
}

/// The cohorts an application may still get a place on, best first: its ranked choices, or
/// for "any" every cohort of its intake not closed; less the queues it has left (rule 4).
async fn remaining_choices<R: Rows>(rows: &mut R, row: &ApplicationRow) -> Result<Vec<CohortName>, AppError> {
    if !row.any_cohort {
        return rows.choices(row.id).await;
    }
    let left = rows.left_queues(row.id).await?;
    Ok(rows.intake_cohorts(&row.intake).await?.into_iter().filter(|c| !left.contains(&c.id)).collect())
}

/// The application's choice as rule 2 reads it, less the queues it has left.
async fn choice_of<R: Rows>(rows: &mut R, row: &ApplicationRow) -> Result<CohortChoice, AppError> {
    if row.any_cohort && rows.left_queues(row.id).await?.is_empty() {
        return Ok(CohortChoice::Any);
    }
    Ok(CohortChoice::Ranked(remaining_choices(rows, row).await?.into_iter().map(|c| c.id).collect()))
}

/// The cohort whose place an application holds (allocated or offered), if any.
fn held(row: &ApplicationRow) -> Option<i64> {
    row.cohort_id.filter(|_| row.state.holds_place())
}

fn hold_of(row: &ApplicationRow) -> Hold {
    if row.state == AllocationState::Offered {
        Hold::Offer
    } else {
        Hold::Allocation
    }
}

fn found(row: Option<ApplicationRow>) -> Result<ApplicationRow, AppError> {
    row.ok_or_else(|| AppError::NotFound("We could not find that application".into()))
}

/// A cohort as the status page shows it.
pub fn cohort_view(id: i64, c: super::rows::CohortRow) -> Cohort {
    Cohort {
        id,
        name: c.name,
        intake: c.intake,
        capacity: c.places.capacity,
        places_remaining: c.places.remaining(),
        status: c.status,
        meetings: c
            .meetings
            .into_iter()
            .map(|(starts_at, ends_at)| Meeting { starts_at, ends_at, when_uk: uk_range(starts_at, ends_at) })
            .collect(),
    }
}

/// Appends an audit entry about an application.
async fn audit<R: Rows>(
    rows: &mut R,
    by: i64,
    action: &str,
    application_id: i64,
    before: serde_json::Value,
    after: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let entry = AuditEntry {
        coordinator_id: Some(by),
        action: action.into(),
        subject_type: "application".into(),
        subject_id: Some(application_id),
        before: Some(before),
        after: Some(after),
    };
    rows.audit(&entry, now).await
}
