//! The one error type of enrol: it crosses the wire from server functions to the browser, and
//! the server turns it into a status code in one place.

#[cfg(feature = "ui")]
use leptos::server_fn::codec::JsonEncoding;
#[cfg(feature = "ui")]
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Field name → message that says how to fix it, in the order the fields appear on the form.
pub type FieldErrors = BTreeMap<String, String>;

/// Everything that can go wrong, phrased for the person who sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The thing asked for does not exist (or is not yours to see).
    #[error("{0}")]
    NotFound(String),
    /// The input broke a rule; each message names its field and the fix.
    #[error("the form has errors")]
    Invalid(FieldErrors),
    /// The request conflicts with what is stored (a duplicate, a stale action).
    #[error("{0}")]
    Conflict(String),
    /// Sign in first.
    #[error("sign in to continue")]
    Unauthorised,
    /// Signed in, but this needs another role.
    #[error("you do not have permission to do that")]
    Forbidden,
    /// Too many attempts; try again later.
    #[error("{0}")]
    TooManyAttempts(String),
    /// The database could not be reached; nothing was changed.
    #[error("the service is unavailable, try again in a minute")]
    Unavailable,
    /// A fault on our side; the details are in the server log, never in the answer.
    #[error("something went wrong on our side, try again later")]
    Internal,
    /// The call between browser and server failed.
    #[error("{0}")]
    Transport(String),
}

impl AppError {
    /// One invalid field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(FieldErrors::from([(field.to_string(), message.into())]))
    }

    /// The HTTP status that says the same thing.
    pub fn status_code(&self) -> u16 {
        match self {
            Self::NotFound(_) => 404,
            Self::Invalid(_) => 422,
            Self::Conflict(_) => 409,
            Self::Unauthorised => 401,
            Self::Forbidden => 403,
            Self::TooManyAttempts(_) => 429,
            Self::Unavailable => 503,
            Self::Internal | Self::Transport(_) => 500,
        }
    }
}

#[cfg(feature = "ui")]
impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                Self::invalid("request", "The request was incomplete; reload the page and try again")
            }
            other => Self::Transport(other.to_string()),
        }
    }
}

/// Whether a database error is a fault of the database's place rather than of the request,
/// so that nothing was written and trying later may work (503). SQLite: busy, read-only, an
/// I/O error, a full disk, a file that cannot be opened (primary result codes 5, 8, 10, 13,
/// 14). PostgreSQL: a lost or refused connection (SQLSTATE class 08), too few resources (53:
/// disk full, out of memory, too many connections), a server shutting down or starting
/// (57P01-57P03), a read-only transaction (25006), an I/O error (58030).
#[cfg(feature = "ssr")]
fn is_fault(error: &(dyn sqlx::error::DatabaseError + 'static)) -> bool {
    if let Some(e) = error.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
        let code = e.code();
        return code.starts_with("08")
            || code.starts_with("53")
            || matches!(code, "57P01" | "57P02" | "57P03" | "25006" | "58030");
    }
    error
        .try_downcast_ref::<sqlx::sqlite::SqliteError>()
        .and_then(|e| sqlx::error::DatabaseError::code(e))
        .and_then(|code| code.parse::<i32>().ok())
        .is_some_and(|code| matches!(code & 0xff, 5 | 8 | 10 | 13 | 14))
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::RowNotFound => Self::NotFound("Not found".into()),
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                tracing::error!(%error, "database unavailable");
                Self::Unavailable
            }
            sqlx::Error::Database(e) if is_fault(e.as_ref()) => {
                tracing::error!(%error, "database cannot write");
                Self::Unavailable
            }
            _ => {
                tracing::error!(%error, "database error");
                Self::Internal
            }
        }
    }
}
