//! What every request handler and server function can reach (server only).

use crate::errors::AppError;
use crate::live::Live;
use crate::store::Store;
use axum::extract::FromRef;
use leptos::prelude::*;

/// Shared by the axum router and provided to every server function as context.
#[derive(Clone, Debug, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Store,
    /// The live places figures, pushed to open pages.
    pub live: Live,
    /// Demo mode: demo data was seeded and the demo login exists.
    pub demo: bool,
}

/// The application state from the reactive context of a server function or page render.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the context");
        AppError::Internal
    })
}
