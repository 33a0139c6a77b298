//! Coordinator accounts: an admin adds, disables and enables them; each coordinator changes
//! their own password.

use super::{Outcome, Request};
use crate::auth::password::hash_password;
use crate::auth::session::{self, Checked, SignInError};
use crate::domain::password_change::PasswordChange;
use crate::domain::{PersonName, WorkEmail};
use crate::errors::{AppError, FieldErrors};
use crate::functions::coordinator::{AccountForm, CreatedPassword, Draft, PasswordProblems};
use crate::models::Role;
use crate::state::AppState;
use crate::store::NewCoordinator;
use crate::workflow::Actor;

const ACCOUNTS: &str = "/coordinator/accounts";

/// An admin adds an account; its one-time password is shown once.
pub async fn create(state: AppState, request: Request) -> Outcome {
    let form = AccountForm {
        name: request.value("name").trim().to_string(),
        email: request.value("email").trim().to_string(),
        role: request.value("role").to_string(),
    };
    let mut errors = FieldErrors::new();
    let name = PersonName::parse(&form.name)
        .map_err(|m| {
            errors.insert(
                "name".into(),
                m.replace("your full name", "their full name").replace("Your full name", "Their full name"),
            )
        })
        .ok();
    let email =
        WorkEmail::parse(&form.email).map_err(|m| errors.insert("email".into(), m.replace("your work", "their work"))).ok();
    let role = match form.role.as_str() {
        "admin" => Some(Role::Admin),
        "coordinator" => Some(Role::Coordinator),
        _ => {
            errors.insert("role".into(), "Choose coordinator or admin".into());
            None
        }
    };
    let (Some(name), Some(email), Some(role)) = (name, email, role) else {
        return Outcome::page(ACCOUNTS, Draft { form, errors });
    };
    let password = crate::tokens::one_time_password();
    let Ok(password_hash) = hash_password(&password) else { return Outcome::Fail(AppError::Internal) };
    let account = NewCoordinator {
        email: email.as_str().to_string(),
        name: name.as_str().to_string(),
        role,
        password_hash,
        demo: false,
    };
    match state.store.create_coordinator(&account, Actor::Coordinator(request.user.id)).await {
        Ok(_) => Outcome::page(ACCOUNTS, CreatedPassword(password)),
        Err(AppError::Conflict(message)) => {
            errors.insert("email".into(), message);
            Outcome::page(ACCOUNTS, Draft { form, errors })
        }
        Err(error) => Outcome::Fail(error),
    }
}

/// Disables an account, ending its sessions.
pub async fn disable(state: AppState, request: Request) -> Outcome {
    set_disabled(state, request, true).await
}

/// Enables a disabled account.
pub async fn enable(state: AppState, request: Request) -> Outcome {
    set_disabled(state, request, false).await
}

async fn set_disabled(state: AppState, request: Request, disabled: bool) -> Outcome {
    if request.id == request.user.id {
        return Outcome::see(format!("{ACCOUNTS}?done=not-yourself"));
    }
    match state.store.set_coordinator_disabled(request.id, disabled, request.user.id).await {
        Ok(()) => Outcome::see(format!("{ACCOUNTS}?done={}", if disabled { "disabled" } else { "enabled" })),
        Err(error) => Outcome::Fail(error),
    }
}

/// A coordinator changes their own password: the current one must be right (wrong guesses are
/// slowed, counted and locked out exactly like sign-in attempts), and their other sessions end.
pub async fn change_password(state: AppState, request: Request) -> Outcome {
    let path = "/coordinator/password";
    let change = PasswordChange {
        current: request.value("current_password").to_string(),
        new: request.value("new_password").to_string(),
        confirm: request.value("confirm_password").to_string(),
    };
    if let Err(errors) = change.check() {
        return Outcome::page(path, PasswordProblems(errors));
    }
    let wrong = |message: &str| {
        Outcome::page(path, PasswordProblems(FieldErrors::from([("current_password".to_string(), message.to_string())])))
    };
    let email_key = crate::domain::email::email_key(&request.user.email);
    let record = match state.store.login_record(&email_key).await {
        Ok(Some(record)) => record,
        Ok(None) => return Outcome::Fail(AppError::Unauthorised),
        Err(error) => return Outcome::Fail(error),
    };
    match session::check_password(&state.store, &state.throttle, Some(&record), true, &change.current, &request.attempt)
        .await
    {
        Ok(Checked::Right { .. }) => {}
        Ok(Checked::Wrong) => return wrong("Your current password is not right. Enter the password you signed in with"),
        Err(SignInError::TooManyAttempts) => return wrong("Too many wrong passwords. Wait 15 minutes, then try again."),
        Err(_) => return Outcome::Fail(AppError::Unavailable),
    }
    let new = change.new;
    let Ok(Ok(password_hash)) = tokio::task::spawn_blocking(move || hash_password(&new)).await else {
        return Outcome::Fail(AppError::Internal);
    };
    match state.store.change_password(request.user.id, &password_hash, &request.session_hash).await {
        Ok(ended) => {
            tracing::info!(coordinator = request.user.id, other_sessions_ended = ended, "password changed");
            Outcome::see(format!("{path}?done=changed"))
        }
        Err(error) => Outcome::Fail(error),
    }
}
