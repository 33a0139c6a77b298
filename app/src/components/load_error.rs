//! What a page shows when its data could not be loaded.

use crate::errors::AppError;
use leptos::prelude::*;

/// A calm message in place of the page's content; the details stay in the server log.
#[component]
pub fn LoadError(error: AppError) -> impl IntoView {
    let message = match &error {
        AppError::NotFound(what) => what.clone(),
        AppError::Unavailable => "The service is busy or unavailable. Try again in a minute.".to_string(),
        _ => "Sorry, there is a problem with the service. Try again later.".to_string(),
    };
    view! {
        <div class="notice notice--warning" role="alert">
            <h2 class="notice__title">"Sorry, this could not be loaded"</h2>
            <p>{message}</p>
        </div>
    }
}
