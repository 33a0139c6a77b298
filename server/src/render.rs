//! Rendering a Leptos page from a handler of our own (a form post's answer, or a route that
//! shares its address pattern with a file such as `/tasters/{id}.ics`).

use app::shell;
use app::state::AppState;
use axum::body::Body;
use axum::http::{header, HeaderMap, Request};
use axum::response::{IntoResponse, Response};
use app::actions::PageContext;
use leptos::prelude::provide_context;

/// Renders the page at `path` in full (the async mode the public pages use), with `context`
/// available to its server functions. The request's cookie goes along, so a coordinator's page
/// knows who is signed in.
pub async fn render_page<T: Clone + Send + Sync + 'static>(
    state: AppState,
    path: &str,
    headers: &HeaderMap,
    context: T,
) -> Response {
    render_with(state, path, headers, PageContext::of(context)).await
}

/// [`render_page`] with a context an action prepared.
pub async fn render_with(state: AppState, path: &str, headers: &HeaderMap, context: PageContext) -> Response {
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(state.clone());
            context.provide();
        },
        move || shell(options.clone()),
    );
    let mut builder = Request::builder().uri(path);
    // The nonce goes along too, so the page's scripts carry the one its policy names.
    let nonce = header::HeaderName::from_static(app::csp::NONCE_HEADER);
    for name in [header::COOKIE, header::HOST, header::ACCEPT_LANGUAGE, nonce] {
        for value in headers.get_all(&name) {
            builder = builder.header(&name, value);
        }
    }
    let request = builder.body(Body::empty()).unwrap_or_default();
    handler(request).await.into_response()
}
