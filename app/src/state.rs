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
    #[from_ref(skip)]
    pub demo: bool,
    /// Failed sign-ins by client address, to slow down guessing.
    pub throttle: crate::auth::throttle::Throttle,
    /// Wrong attendance codes by client address and work email.
    pub wrong_codes: crate::auth::limits::WrongCodes,
    /// The limits' settings (trusted proxies, wrong codes, write rates).
    #[from_ref(skip)]
    pub limits: crate::auth::limits::LimitSettings,
    /// Mark the session cookie Secure (the site is served over https).
    #[from_ref(skip)]
    pub secure_cookies: bool,
    /// The site's address, the course team's and where emails come from.
    #[from_ref(skip)]
    pub mail: crate::mail::Settings,
}

/// The signed-in coordinator for a server function, if they hold `role`; otherwise
/// `Unauthorised` or `Forbidden`.
pub async fn require(role: crate::models::Role) -> Result<crate::models::CoordinatorUser, AppError> {
    let state = app_state()?;
    let headers: axum::http::HeaderMap = leptos_axum::extract().await.map_err(|_| AppError::Unauthorised)?;
    let result = crate::auth::session::require(&state.store, &headers, role).await;
    if let (Err(error), Some(response)) = (&result, use_context::<leptos_axum::ResponseOptions>()) {
        // A server function called over HTTP answers 401 or 403, not a generic 500.
        if let Ok(status) = axum::http::StatusCode::from_u16(error.status_code()) {
            response.set_status(status);
        }
    }
    result
}

/// The signed-in coordinator, if any (for pages that greet or offer sign-in; no status set).
pub async fn signed_in() -> Result<Option<crate::models::CoordinatorUser>, AppError> {
    let state = app_state()?;
    let headers: axum::http::HeaderMap = leptos_axum::extract().await.map_err(|_| AppError::Unauthorised)?;
    crate::auth::session::current(&state.store, &headers, chrono::Utc::now()).await
}

/// The application state from the reactive context of a server function or page render.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the context");
        AppError::Internal
    })
}
