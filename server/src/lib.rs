//! The axum host of enrol: builds the router that serves the Leptos pages, server functions,
//! health check and static files. `main.rs` wires it to configuration and a socket.

pub mod admin_cli;
pub mod api;
pub mod config;
pub mod coordinator;
pub mod events;
pub mod forms;
pub mod health;
pub mod ics;
pub mod render;
pub mod tasks;

use app::state::AppState;
use app::{shell, App};
use axum::extract::MatchedPath;
use axum::http::Request;
use axum::routing::get;
use axum::Router;
use leptos_axum::{generate_route_list_with_exclusions, LeptosRoutes};
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

/// Coordinators' pages and files hold personal data: browsers and proxies must not keep them.
async fn no_store_for_coordinators(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let private = request.uri().path().starts_with("/coordinator") || request.uri().path().starts_with("/status/");
    let mut response = next.run(request).await;
    if private {
        response
            .headers_mut()
            .insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    }
    response
}

/// The whole HTTP surface of enrol for one application state.
pub fn router(state: AppState) -> Router {
    // `/tasters/{id}` is served by `ics::routes`, which tells a page from a calendar file.
    let routes = generate_route_list_with_exclusions(App, Some(vec!["/tasters/{id}".to_string()]));
    let leptos_options = state.leptos_options.clone();
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/api/v1/events", get(events::events))
        .merge(api::routes())
        .merge(forms::routes())
        .merge(ics::routes())
        .merge(coordinator::routes())
        .layer(axum::middleware::from_fn(no_store_for_coordinators))
        .leptos_routes(&state, routes, move || shell(leptos_options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(CompressionLayer::new())
        .layer(
            // Log the route pattern, never the raw path: status links carry private tokens.
            TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                let route = request
                    .extensions()
                    .get::<MatchedPath>()
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_else(|| "(static or unmatched)".into());
                tracing::info_span!("request", method = %request.method(), route)
            }),
        )
        .with_state(state)
}
