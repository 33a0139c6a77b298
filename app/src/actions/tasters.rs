//! Taster sessions: adding, changing, cancelling and reinstating them, and new codes.

use super::{Outcome, Request};
use crate::domain::coordinator_forms::{TasterForm, TasterInput};
use crate::domain::uk_time::uk_instant;
use crate::errors::AppError;
use crate::functions::coordinator::Draft;
use crate::state::AppState;
use crate::store::{NewTaster, TasterChange};
use crate::workflow::Actor;
use chrono::{Duration, Utc};

fn new_taster(input: &TasterInput, attendance_code: String) -> NewTaster {
    let starts_at = uk_instant(input.day, input.start);
    NewTaster {
        starts_at,
        ends_at: starts_at + Duration::minutes(input.minutes),
        zoom_url: input.zoom_url.clone(),
        meeting_id: input.meeting_id.clone(),
        passcode: input.passcode.clone(),
        attendance_code,
    }
}

/// Adds a taster session with a fresh attendance code.
pub async fn create(state: AppState, request: Request) -> Outcome {
    let form = TasterForm::from_pairs(request.form.clone());
    let input = match form.parse() {
        Ok(input) => input,
        Err(errors) => return Outcome::page("/coordinator/tasters/new", Draft { form, errors }),
    };
    // A fresh code; on the rare clash with another session's, draw again.
    for _ in 0..5 {
        let taster = new_taster(&input, crate::tokens::attendance_code());
        match state.store.create_taster(&taster, Actor::Coordinator(request.user.id), Utc::now()).await {
            Ok(id) => return Outcome::see(format!("/coordinator/tasters/{id}?done=created")),
            Err(AppError::Conflict(_)) => continue,
            Err(other) => return Outcome::Fail(other),
        }
    }
    Outcome::Fail(AppError::Internal)
}

/// Changes a session's time and Zoom details.
pub async fn edit(state: AppState, request: Request) -> Outcome {
    let id = request.id;
    let form = TasterForm::from_pairs(request.form.clone());
    let input = match form.parse() {
        Ok(input) => input,
        Err(errors) => return Outcome::page(format!("/coordinator/tasters/{id}"), Draft { form, errors }),
    };
    let change = TasterChange::Details(new_taster(&input, String::new()));
    changed(state, request, change, "saved").await
}

/// Cancels a session (the public calendar says so).
pub async fn cancel(state: AppState, request: Request) -> Outcome {
    changed(state, request, TasterChange::Cancel, "cancelled").await
}

/// Reinstates a cancelled session.
pub async fn reinstate(state: AppState, request: Request) -> Outcome {
    changed(state, request, TasterChange::Reinstate, "reinstated").await
}

/// Gives a session a new attendance code.
pub async fn regenerate_code(state: AppState, request: Request) -> Outcome {
    changed(state, request, TasterChange::Code(crate::tokens::attendance_code()), "new-code").await
}

async fn changed(state: AppState, request: Request, change: TasterChange, done: &str) -> Outcome {
    let id = request.id;
    match state.store.change_taster(id, change, request.user.id, Utc::now()).await {
        Ok(()) => Outcome::see(format!("/coordinator/tasters/{id}?done={done}")),
        Err(error) => Outcome::Fail(error),
    }
}
