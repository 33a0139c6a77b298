//! The coordinators' actions (server only): each a plain function from the signed-in
//! coordinator's request to an [`Outcome`] — go to a page, show a form again with its
//! problems, send a file, or fail. [`ACTIONS`] is the one table of them, with the method,
//! address and role of each: the host routes every entry through one adapter that checks the
//! role first, and the authorization test walks the same table, so no action can escape it.

mod accounts;
mod applications;
mod attendance;
mod cohorts;
mod emails;
mod privacy;
mod tasters;

use crate::auth::session::Attempt;
use crate::errors::AppError;
use crate::models::{CoordinatorUser, Role};
use crate::state::AppState;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// How an action's request carries its input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    /// Nothing but the address (and its query string).
    None,
    /// A urlencoded form.
    Form,
    /// A multipart form with a file, up to this many bytes.
    Upload { max_bytes: usize },
}

/// The HTTP method of an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
        }
    }
}

/// A file sent with an upload.
#[derive(Clone, Debug)]
pub struct Upload {
    pub field: String,
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// What an action is given: the coordinator (already checked for the role), the id in the
/// address, the posted fields and files, the query string, and the sign-in attempt details a
/// password check needs.
#[derive(Clone, Debug)]
pub struct Request {
    pub user: CoordinatorUser,
    /// The `{id}` of the address, when it has one.
    pub id: i64,
    pub form: Vec<(String, String)>,
    /// The uploaded files; `Err` when the upload was too large or broke off.
    pub files: Result<Vec<Upload>, ()>,
    pub query: Vec<(String, String)>,
    pub attempt: Attempt,
    /// The SHA-256 of the request's session secret (kept when a password changes).
    pub session_hash: String,
}

impl Request {
    /// A posted field's value, or "".
    pub fn value(&self, name: &str) -> &str {
        self.form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
    }
}

/// Something a page rendered again can read from its context (a form with its problems).
#[derive(Clone)]
pub struct PageContext(Arc<dyn Fn() + Send + Sync>);

impl PageContext {
    /// Provides `value` to the page's server functions.
    pub fn of<T: Clone + Send + Sync + 'static>(value: T) -> Self {
        Self(Arc::new(move || leptos::prelude::provide_context(value.clone())))
    }

    /// Puts the value in the current reactive context.
    pub fn provide(&self) {
        (self.0)()
    }
}

impl std::fmt::Debug for PageContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PageContext")
    }
}

/// How an action ends.
#[derive(Debug)]
pub enum Outcome {
    /// Go to this address (303).
    Redirect(String),
    /// Render the page at `path` again, with `context` for its server functions.
    Page { path: String, context: PageContext },
    /// A file to download.
    File { content_type: &'static str, filename: String, body: Vec<u8> },
    /// The action failed; the host answers with the error's status and message.
    Fail(AppError),
}

impl Outcome {
    /// The page at `path` again, with `value` in its context.
    pub fn page<T: Clone + Send + Sync + 'static>(path: impl Into<String>, value: T) -> Self {
        Self::Page { path: path.into(), context: PageContext::of(value) }
    }

    /// Go to `path`.
    pub fn see(path: impl Into<String>) -> Self {
        Self::Redirect(path.into())
    }
}

/// An action's function.
pub type Run = fn(AppState, Request) -> Pin<Box<dyn Future<Output = Outcome> + Send>>;

/// One coordinator action: method, address (as routed), the role it needs, its body, and
/// what it does.
#[derive(Clone, Copy)]
pub struct Action {
    pub method: Method,
    pub path: &'static str,
    pub role: Role,
    pub body: Body,
    pub run: Run,
}

/// Turns an `async fn(AppState, Request) -> Outcome` into an action's [`Run`].
macro_rules! run {
    ($f:path) => {{
        fn run(state: AppState, request: Request) -> Pin<Box<dyn Future<Output = Outcome> + Send>> {
            Box::pin($f(state, request))
        }
        run as Run
    }};
}

/// The largest Zoom report accepted (a report of a few hundred people is a few tens of KB).
pub const MAX_REPORT_BYTES: usize = 1024 * 1024;

const fn post(path: &'static str, role: Role, body: Body, run: Run) -> Action {
    Action { method: Method::Post, path, role, body, run }
}

/// Every coordinator action.
pub const ACTIONS: &[Action] = &[
    post("/coordinator/tasters", Role::Coordinator, Body::Form, run!(tasters::create)),
    post("/coordinator/tasters/{id}", Role::Coordinator, Body::Form, run!(tasters::edit)),
    post("/coordinator/tasters/{id}/cancel", Role::Coordinator, Body::None, run!(tasters::cancel)),
    post("/coordinator/tasters/{id}/reinstate", Role::Coordinator, Body::None, run!(tasters::reinstate)),
    post("/coordinator/tasters/{id}/regenerate", Role::Coordinator, Body::None, run!(tasters::regenerate_code)),
    post("/coordinator/cohorts", Role::Coordinator, Body::Form, run!(cohorts::create)),
    post("/coordinator/cohorts/{id}", Role::Coordinator, Body::Form, run!(cohorts::edit)),
    Action {
        method: Method::Get,
        path: "/coordinator/applications.csv",
        role: Role::Coordinator,
        body: Body::None,
        run: run!(applications::export_csv),
    },
    post("/coordinator/applications/{id}/attendance", Role::Coordinator, Body::Form, run!(applications::confirm_attendance)),
    post("/coordinator/applications/{id}/withdraw", Role::Coordinator, Body::None, run!(applications::withdraw)),
    post("/coordinator/applications/{id}/notes", Role::Coordinator, Body::Form, run!(applications::add_note)),
    post("/coordinator/applications/{id}/move", Role::Coordinator, Body::Form, run!(applications::move_cohort)),
    post("/coordinator/applications/{id}/status-link", Role::Coordinator, Body::None, run!(emails::send_status_link)),
    Action {
        method: Method::Get,
        path: "/coordinator/applications/{id}/data.json",
        role: Role::Coordinator,
        body: Body::None,
        run: run!(privacy::export_person),
    },
    post("/coordinator/applications/{id}/erase", Role::Admin, Body::Form, run!(privacy::erase)),
    post("/coordinator/retention", Role::Admin, Body::Form, run!(privacy::set_retention)),
    post("/coordinator/emails/{id}/retry", Role::Coordinator, Body::None, run!(emails::retry)),
    post("/coordinator/emails/preview", Role::Coordinator, Body::Form, run!(emails::preview)),
    post("/coordinator/emails/send", Role::Coordinator, Body::Form, run!(emails::send)),
    post(
        "/coordinator/attendance",
        Role::Coordinator,
        Body::Upload { max_bytes: MAX_REPORT_BYTES },
        run!(attendance::upload_report),
    ),
    post("/coordinator/attendance/attendees/{id}/confirm", Role::Coordinator, Body::Form, run!(attendance::confirm)),
    post("/coordinator/attendance/{id}/confirm-email-matches", Role::Coordinator, Body::None, run!(attendance::confirm_email_matches)),
    post("/coordinator/attendance/{id}/rematch", Role::Coordinator, Body::None, run!(attendance::rematch)),
    post("/coordinator/attendance/{id}/delete", Role::Coordinator, Body::None, run!(attendance::delete_import)),
    post("/coordinator/attendance/attendees/{id}/undo", Role::Coordinator, Body::Form, run!(attendance::undo_decision)),
    post("/coordinator/attendance/attendees/{id}/reject", Role::Coordinator, Body::Form, run!(attendance::reject)),
    post("/coordinator/accounts", Role::Admin, Body::Form, run!(accounts::create)),
    post("/coordinator/accounts/{id}/disable", Role::Admin, Body::None, run!(accounts::disable)),
    post("/coordinator/accounts/{id}/enable", Role::Admin, Body::None, run!(accounts::enable)),
    post("/coordinator/password", Role::Coordinator, Body::Form, run!(accounts::change_password)),
];

/// An error as an outcome: a problem the page explains, or a failure.
fn problem_on(path: String, error: AppError) -> Outcome {
    match error {
        AppError::Invalid(errors) => {
            Outcome::page(path, crate::functions::coordinator::ActionProblem(errors.into_values().next().unwrap_or_default()))
        }
        AppError::Conflict(message) => Outcome::page(path, crate::functions::coordinator::ActionProblem(message)),
        other => Outcome::Fail(other),
    }
}

#[cfg(test)]
mod tests {
    use super::ACTIONS;

    #[test]
    fn every_action_has_its_own_address() {
        let mut seen = std::collections::HashSet::new();
        for action in ACTIONS {
            assert!(seen.insert((action.method, action.path)), "{} {} twice", action.method.as_str(), action.path);
            assert!(action.path.starts_with("/coordinator/"), "{}", action.path);
        }
    }
}
