//! Actions on emails: sending a failed one again, sending an applicant their status link
//! again, and writing to a cohort or its waiting list (a preview first, then the message).

use super::{problem_on, Outcome, Request};
use crate::errors::{AppError, FieldErrors};
use crate::functions::coordinator::{GroupMessageDraft, GroupPreview};
use crate::mail::compose::{compose, Letter, TeamMessage};
use crate::models::{ApplicationStatus, MessageKind};
use crate::state::AppState;
use crate::workflow::messages::Facts;
use crate::workflow::rows::{Audience, NewTeamMessage};
use chrono::Utc;

/// Sends a failed email again.
pub async fn retry(state: AppState, request: Request) -> Outcome {
    match state.store.retry_email(request.id, request.user.id, Utc::now()).await {
        Ok(()) => Outcome::see("/coordinator/emails?done=retried"),
        Err(error) => problem_on("/coordinator/emails".into(), error),
    }
}

/// Emails an applicant their status link again.
pub async fn send_status_link(state: AppState, request: Request) -> Outcome {
    let path = format!("/coordinator/applications/{}", request.id);
    match state.store.resend_status_link(request.id, request.user.id, Utc::now()).await {
        Ok(()) => Outcome::see(format!("{path}?done=link-sent")),
        Err(error) => problem_on(path, error),
    }
}

/// The form's message, checked: each problem named by its field, in the form's order.
fn parse(request: &Request) -> (GroupMessageDraft, Result<NewTeamMessage, FieldErrors>) {
    let draft = GroupMessageDraft {
        audience: request.value("audience").trim().to_string(),
        cohort_id: request.value("cohort_id").trim().to_string(),
        subject: request.value("subject").trim().to_string(),
        body: request.value("body").trim().replace("\r\n", "\n"),
        errors: FieldErrors::new(),
        preview: None,
    };
    let mut errors = FieldErrors::new();
    let audience = Audience::parse(&draft.audience);
    if audience.is_none() {
        errors.insert("audience".into(), "Choose who the message is for".into());
    }
    let cohort_id = draft.cohort_id.parse::<i64>().ok();
    if cohort_id.is_none() {
        errors.insert("cohort_id".into(), "Choose the cohort".into());
    }
    match draft.subject.chars().count() {
        0 => errors.insert("subject".into(), "Enter a subject".into()),
        n if n > 150 => errors.insert("subject".into(), "The subject must be 150 characters or fewer".into()),
        _ => None,
    };
    match draft.body.chars().count() {
        0 => errors.insert("body".into(), "Enter the message".into()),
        n if n > 5000 => errors.insert("body".into(), "The message must be 5,000 characters or fewer".into()),
        _ => None,
    };
    let message = match (audience, cohort_id, errors.is_empty()) {
        (Some(audience), Some(cohort_id), true) => Ok(NewTeamMessage {
            audience,
            cohort_id,
            subject: draft.subject.clone(),
            body: draft.body.clone(),
            by: request.user.id,
        }),
        _ => Err(errors),
    };
    (draft, message)
}

const WRITE_PAGE: &str = "/coordinator/emails/new";

/// Shows the message as it will be sent, and how many it goes to, before anything is sent.
pub async fn preview(state: AppState, request: Request) -> Outcome {
    let (mut draft, message) = parse(&request);
    let message = match message {
        Ok(message) => message,
        Err(errors) => {
            draft.errors = errors;
            return Outcome::page(WRITE_PAGE, draft);
        }
    };
    let recipients = match state.store.group_size(message.audience, message.cohort_id).await {
        Ok(n) => n,
        Err(error) => return Outcome::Fail(error),
    };
    let cohort = state.store.cohorts(true).await.ok().and_then(|c| c.into_iter().find(|c| c.id == message.cohort_id));
    let cohort_name = cohort.map(|c| c.name).unwrap_or_default();
    let group = match message.audience {
        Audience::Cohort => format!("everyone with a place on {cohort_name}"),
        Audience::Waiting => format!("everyone on the waiting list for {cohort_name}"),
    };
    let stand_in = ApplicationStatus {
        reference: "CL-XXXX".into(),
        status_token: "…".into(),
        name: "[the applicant’s name]".into(),
        state: crate::domain::allocation::AllocationState::Allocated,
        cohort: None,
        positions: Vec::new(),
        offer_expires_at: None,
        offer_expires_uk: None,
        submitted_uk: String::new(),
        choices: Vec::new(),
        other_queues: Vec::new(),
    };
    let team = TeamMessage { subject: message.subject.clone(), body: message.body.clone() };
    let facts = Facts::default();
    let letter = Letter {
        kind: MessageKind::TeamMessage,
        facts: &facts,
        status: &stand_in,
        cohort: None,
        from_cohort: None,
        team: Some(&team),
    };
    let composed = compose(&letter, &state.mail);
    if recipients == 0 {
        draft.errors.insert(
            "audience".into(),
            format!("Nobody is in that group at the moment ({group}). Choose another group"),
        );
    } else {
        draft.preview = Some(GroupPreview { recipients, group, subject: composed.subject, text: composed.text });
    }
    Outcome::page(WRITE_PAGE, draft)
}

/// Sends the previewed message to everyone in the group.
pub async fn send(state: AppState, request: Request) -> Outcome {
    let (mut draft, message) = parse(&request);
    let message = match message {
        Ok(message) => message,
        Err(errors) => {
            draft.errors = errors;
            return Outcome::page(WRITE_PAGE, draft);
        }
    };
    match state.store.write_to_group(message, Utc::now()).await {
        Ok(_) => Outcome::see("/coordinator/emails?done=sent"),
        Err(AppError::Invalid(errors)) => {
            draft.errors = errors;
            Outcome::page(WRITE_PAGE, draft)
        }
        Err(error) => Outcome::Fail(error),
    }
}
