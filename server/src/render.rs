//! Rendering a Leptos page from a handler of our own (a form post's answer, or a route that
//! shares its address pattern with a file such as `/tasters/{id}.ics`).

use app::shell;
use app::state::AppState;
use axum::body::Body;
use axum::http::Request;
use axum::response::{IntoResponse, Response};
use leptos::prelude::provide_context;

/// Renders the page at `path` in full (the async mode the public pages use), with `context`
/// available to its server functions.
pub async fn render_page<T: Clone + Send + Sync + 'static>(state: AppState, path: &str, context: T) -> Response {
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(state.clone());
            provide_context(context.clone());
        },
        move || shell(options.clone()),
    );
    let request = Request::builder().uri(path).body(Body::empty()).unwrap_or_default();
    handler(request).await.into_response()
}
