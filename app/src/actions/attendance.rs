//! Attendance from Zoom: uploading a participant report, and deciding each attendee.

use super::{Outcome, Request, MAX_REPORT_BYTES};
use crate::domain::zoom_report;
use crate::errors::AppError;
use crate::functions::coordinator::ActionProblem;
use crate::state::AppState;
use chrono::Utc;

const PAGE: &str = "/coordinator/attendance";

/// Reads an uploaded report, matches its attendees to applications and stores the match queue.
pub async fn upload_report(state: AppState, request: Request) -> Outcome {
    let problem = |message: &str| Outcome::page(PAGE, ActionProblem(message.to_string()));
    let Ok(files) = &request.files else {
        return problem(&format!(
            "The file is too large or did not arrive whole. Choose the CSV report Zoom exported (under {} MB).",
            MAX_REPORT_BYTES / (1024 * 1024)
        ));
    };
    let Ok(taster) = request.value("taster_session_id").trim().parse::<i64>() else {
        return problem("Choose the taster session the report is from");
    };
    let Some(file) = files.iter().find(|f| f.field == "report" && !f.bytes.is_empty()) else {
        return problem("Choose the participant report file (CSV) to upload");
    };
    let report = match zoom_report::parse(&file.bytes) {
        Ok(report) => report,
        Err(message) => return problem(&message),
    };
    match state.store.create_import(taster, &file.filename, &report, request.user.id, Utc::now()).await {
        Ok(id) => Outcome::see(format!("{PAGE}/{id}?done=uploaded")),
        Err(AppError::Invalid(errors)) => problem(&errors.into_values().next().unwrap_or_default()),
        Err(error) => Outcome::Fail(error),
    }
}

/// Confirms an attendee as the application chosen (or the one suggested).
pub async fn confirm(state: AppState, request: Request) -> Outcome {
    decide(state, request, true).await
}

/// Rejects an attendee's suggested match.
pub async fn reject(state: AppState, request: Request) -> Outcome {
    decide(state, request, false).await
}

/// Back to the report's page at the attendee's row, so the coordinator keeps their place; a
/// problem comes back as an error (`?problem=`), never in the success banner.
async fn decide(state: AppState, request: Request, confirm: bool) -> Outcome {
    let chosen = request.value("application_id").parse::<i64>().ok();
    let back =
        request.value("import_id").parse::<i64>().map(|i| format!("{PAGE}/{i}")).unwrap_or_else(|_| PAGE.to_string());
    let id = request.id;
    match state.store.decide_attendee(id, confirm, chosen, request.user.id, Utc::now()).await {
        Ok(()) => {
            let done = if confirm { "confirmed" } else { "rejected" };
            Outcome::see(format!("{back}?done={done}#attendee-{id}"))
        }
        Err(AppError::Invalid(_)) => {
            Outcome::see(format!("{back}?problem=choose-application&attendee={id}#attendee-{id}"))
        }
        Err(AppError::Conflict(_)) => {
            Outcome::see(format!("{back}?problem=already-decided&attendee={id}#attendee-{id}"))
        }
        Err(error) => Outcome::Fail(error),
    }
}

/// Confirms every attendee of a report matched by email, in one action.
pub async fn confirm_email_matches(state: AppState, request: Request) -> Outcome {
    let back = format!("{PAGE}/{}", request.id);
    match state.store.confirm_email_matches(request.id, request.user.id, Utc::now()).await {
        Ok(count) => Outcome::see(format!("{back}?done=confirmed-all&count={count}")),
        Err(error) => Outcome::Fail(error),
    }
}

/// Puts a rejected or confirmed attendee back to be decided again.
pub async fn undo_decision(state: AppState, request: Request) -> Outcome {
    let back =
        request.value("import_id").parse::<i64>().map(|i| format!("{PAGE}/{i}")).unwrap_or_else(|_| PAGE.to_string());
    let id = request.id;
    match state.store.undo_decision(id, request.user.id, Utc::now()).await {
        Ok(()) => Outcome::see(format!("{back}?done=undone#attendee-{id}")),
        // A place or an offer that rests on the match stays: the page says what to do instead.
        Err(AppError::Invalid(_)) => Outcome::see(format!("{back}?problem=place-given&attendee={id}#attendee-{id}")),
        Err(AppError::Conflict(_)) => {
            Outcome::see(format!("{back}?problem=already-decided&attendee={id}#attendee-{id}"))
        }
        Err(error) => Outcome::Fail(error),
    }
}

/// Matches the report's unmatched attendees again (new applications may have arrived).
pub async fn rematch(state: AppState, request: Request) -> Outcome {
    let back = format!("{PAGE}/{}", request.id);
    match state.store.rematch(request.id, request.user.id, Utc::now()).await {
        Ok(count) => Outcome::see(format!("{back}?done=rematched&count={count}")),
        Err(error) => Outcome::Fail(error),
    }
}

/// Deletes a report and its match queue; what it confirmed stays confirmed.
pub async fn delete_import(state: AppState, request: Request) -> Outcome {
    match state.store.delete_import(request.id, request.user.id, Utc::now()).await {
        Ok(()) => Outcome::see(format!("{PAGE}?done=deleted")),
        Err(error) => Outcome::Fail(error),
    }
}
