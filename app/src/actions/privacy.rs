//! Actions on personal data: a person's data as a file (logged), erasure by an admin with a
//! reason, and an intake's retention period.

use super::{problem_on, Outcome, Request};
use crate::errors::AppError;
use crate::state::AppState;
use crate::store::privacy::Access;
use crate::store::ErasureKey;
use crate::workflow::privacy::Reason;
use crate::workflow::Actor;
use chrono::Utc;

/// Everything held about an application's applicant, as a JSON file (the download is logged).
pub async fn export_person(state: AppState, request: Request) -> Outcome {
    let now = Utc::now();
    let data = match state.store.personal_data(request.id, now).await {
        Ok(Some(data)) => data,
        Ok(None) => return Outcome::Fail(AppError::NotFound("There is no application with that number".into())),
        Err(error) => return Outcome::Fail(error),
    };
    let reference = data.application.data["reference"].as_str().map(str::to_string);
    if let Err(error) = state.store.log_access(request.user.id, Access::ExportPerson, reference.as_deref(), now).await {
        return Outcome::Fail(error);
    }
    let (filename, body) = data.file();
    Outcome::File { content_type: "application/json; charset=utf-8", filename, body }
}

/// An admin erases an application's personal data, giving the reason (audited).
pub async fn erase(state: AppState, request: Request) -> Outcome {
    let path = format!("/coordinator/applications/{}", request.id);
    let reason = request.value("reason").trim().to_string();
    if reason.is_empty() {
        return problem_on(path, AppError::invalid("reason", "Enter the reason for erasing this person’s data"));
    }
    if reason.chars().count() > 500 {
        return problem_on(path, AppError::invalid("reason", "The reason must be 500 characters or fewer"));
    }
    let by = Actor::Coordinator(request.user.id);
    match state.store.erase(ErasureKey::Id(request.id), by, Reason::Admin(reason), Utc::now()).await {
        Ok(done) => {
            if let Some(folder) = &state.mail.outbox_dir {
                crate::mail::transport::forget_files(folder, &done.email_ids);
            }
            Outcome::see(format!("{path}?done=erased"))
        }
        Err(error) => problem_on(path, error),
    }
}

/// An admin sets how many months after its last meeting an intake's personal data is kept.
pub async fn set_retention(state: AppState, request: Request) -> Outcome {
    let path = "/coordinator/retention".to_string();
    let intake = request.value("intake").trim().to_string();
    let months = match request.value("months").trim().parse::<u32>() {
        Ok(m) if (1..=120).contains(&m) => m,
        _ => return problem_on(path, AppError::invalid("months", "Enter a number of months from 1 to 120")),
    };
    let known = match state.store.retention().await {
        Ok(intakes) => intakes.iter().any(|r| r.intake == intake),
        Err(error) => return Outcome::Fail(error),
    };
    if !known {
        return problem_on(path, AppError::invalid("intake", "Choose an intake from the list"));
    }
    match state.store.set_retention(&intake, months, request.user.id, Utc::now()).await {
        Ok(()) => Outcome::see(format!("{path}?done=changed")),
        Err(error) => problem_on(path, error),
    }
}
