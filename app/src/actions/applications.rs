//! Actions on applications: the CSV export, confirming attendance by hand, withdrawing on an
//! applicant's behalf, moving to another cohort.

use super::{problem_on, Outcome, Request};
use crate::domain::csv_export;
use crate::errors::AppError;
use crate::models::ApplicationFilter;
use crate::state::AppState;
use crate::store::AttendanceSource;
use crate::workflow::Actor;
use chrono::Utc;

/// The applications the table shows (its filters come in the query string), as CSV.
pub async fn export_csv(state: AppState, request: Request) -> Outcome {
    let query =
        |name: &str| request.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).filter(|v| !v.is_empty());
    let filter = ApplicationFilter {
        cohort: query("cohort").and_then(|c| c.parse().ok()),
        state: query("state"),
        q: query("q"),
        sort: query("sort"),
        dir: query("dir"),
        page: None,
    };
    let cells = match state.store.applications_export(&filter).await {
        Ok(cells) => cells,
        Err(error) => return Outcome::Fail(error),
    };
    let logged = state.store.log_access(request.user.id, crate::store::privacy::Access::ExportTable, None, Utc::now());
    if let Err(error) = logged.await {
        return Outcome::Fail(error);
    }
    match csv_export::write(&crate::store::export::HEADER, &cells) {
        // The byte-order mark tells Excel the file is UTF-8 (names with accents stay right).
        Ok(csv) => Outcome::File {
            content_type: "text/csv; charset=utf-8",
            filename: format!("applications-{}.csv", Utc::now().format("%Y-%m-%d")),
            body: [csv_export::BYTE_ORDER_MARK.as_bytes(), csv.as_bytes()].concat(),
        },
        Err(_) => Outcome::Fail(AppError::Internal),
    }
}

/// Back to the application's page, or its page with the problem.
fn after(id: i64, result: Result<impl Sized, AppError>, done: &str) -> Outcome {
    let path = format!("/coordinator/applications/{id}");
    match result {
        Ok(_) => Outcome::see(format!("{path}?done={done}")),
        Err(error) => problem_on(path, error),
    }
}

/// Confirms, by hand, that the applicant attended a taster session.
pub async fn confirm_attendance(state: AppState, request: Request) -> Outcome {
    let result = match request.value("taster_session_id").parse::<i64>() {
        Ok(taster) => {
            let by = Actor::Coordinator(request.user.id);
            state.store.confirm_attendance(request.id, taster, AttendanceSource::Manual, by, Utc::now()).await
        }
        Err(_) => Err(AppError::invalid("taster_session_id", "Choose the taster session they attended")),
    };
    after(request.id, result, "attendance-confirmed")
}

/// Adds a coordinator's note to the application.
pub async fn add_note(state: AppState, request: Request) -> Outcome {
    let result = state.store.add_note(request.id, &request.value("note"), request.user.id, Utc::now()).await;
    after(request.id, result, "note-added")
}

/// Withdraws the application on the applicant's behalf.
pub async fn withdraw(state: AppState, request: Request) -> Outcome {
    let result = state.store.withdraw_by_id(request.id, request.user.id, Utc::now()).await;
    after(request.id, result, "withdrawn")
}

/// Moves an allocated applicant to another cohort of the intake with a free place.
pub async fn move_cohort(state: AppState, request: Request) -> Outcome {
    let result = match request.value("cohort_id").parse::<i64>() {
        Ok(cohort) => state.store.move_to_cohort(request.id, cohort, request.user.id, Utc::now()).await,
        Err(_) => Err(AppError::invalid("cohort_id", "Choose the cohort to move them to")),
    };
    after(request.id, result, "moved")
}
