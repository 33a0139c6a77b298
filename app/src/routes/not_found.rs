//! The page for an address that does not exist (HTTP 404).

use leptos::prelude::*;
use crate::components::title::Title;

/// "Page not found", with the status code set during server rendering.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found – Compassionate leadership" />
        <h1>"Page not found"</h1>
        <p>"If you typed the web address, check it is correct."</p>
        <p>"If you pasted the web address, check you copied the entire address."</p>
        <p><a class="link-standalone" href="/">"Go to the course page"</a></p>
    }
}
