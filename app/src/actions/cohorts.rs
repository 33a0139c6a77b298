//! Cohorts: adding them (weekly meetings from the first date) and changing them.

use super::{Outcome, Request};
use crate::domain::coordinator_forms::CohortForm;
use crate::domain::uk_time::uk_instant;
use crate::errors::AppError;
use crate::functions::coordinator::Draft;
use crate::state::AppState;
use crate::store::{CohortUpdate, NewCohort};
use crate::workflow::Actor;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};

/// Each meeting's start and end, from UK wall-clock starts and a length.
fn meetings(starts: &[NaiveDateTime], minutes: i64) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    starts
        .iter()
        .map(|s| {
            let start = uk_instant(s.date(), s.time());
            (start, start + Duration::minutes(minutes))
        })
        .collect()
}

/// Adds a cohort; its intake is the month of its first meeting.
pub async fn create(state: AppState, request: Request) -> Outcome {
    let path = "/coordinator/cohorts/new";
    let form = CohortForm::from_pairs(request.form.clone());
    let input = match form.parse_new() {
        Ok(input) => input,
        Err(errors) => return Outcome::page(path, Draft { form, errors }),
    };
    let cohort = NewCohort {
        name: input.name.clone(),
        intake: input.meeting_starts.first().map(|s| s.format("%Y-%m").to_string()).unwrap_or_default(),
        capacity: input.capacity,
        status: input.status,
        meetings: meetings(&input.meeting_starts, input.minutes),
    };
    match state.store.create_cohort(&cohort, Actor::Coordinator(request.user.id), Utc::now()).await {
        Ok(id) => Outcome::see(format!("/coordinator/cohorts/{id}?done=created")),
        Err(AppError::Invalid(errors)) => Outcome::page(path, Draft { form, errors }),
        Err(error) => Outcome::Fail(error),
    }
}

/// Changes a cohort's name, capacity, status and meetings.
pub async fn edit(state: AppState, request: Request) -> Outcome {
    let path = format!("/coordinator/cohorts/{}", request.id);
    let form = CohortForm::from_pairs(request.form.clone());
    let input = match form.parse_edit() {
        Ok(input) => input,
        Err(errors) => return Outcome::page(path, Draft { form, errors }),
    };
    let update = CohortUpdate {
        name: input.name.clone(),
        capacity: input.capacity,
        status: input.status,
        meetings: meetings(&input.meeting_starts, input.minutes),
    };
    match state.store.update_cohort(request.id, update, request.user.id, Utc::now()).await {
        Ok(()) => Outcome::see(format!("{path}?done=saved")),
        Err(AppError::Invalid(errors)) => Outcome::page(path, Draft { form, errors }),
        Err(error) => Outcome::Fail(error),
    }
}
