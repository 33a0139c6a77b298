//! The axum host of enrol: builds the router that serves the Leptos pages, server functions,
//! health check and static files. `main.rs` wires it to configuration and a socket.

pub mod admin_cli;
pub mod api;
pub mod client_ip;
pub mod config;
pub mod coordinator;
pub mod events;
pub mod forms;
pub mod health;
pub mod ics;
pub mod memory;
pub mod openapi;
pub mod page_cache;
pub mod rate_limit;
pub mod render;
pub mod security_headers;
pub mod tasks;

use app::state::AppState;
use app::{shell, App};
use axum::extract::MatchedPath;
use axum::http::Request;
use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::Router;
use leptos_axum::{generate_route_list_with_exclusions, AxumRouteListing, LeptosRoutes};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// The built assets (`/pkg`): served precompressed (brotli or gzip, as made by
/// `cargo leptos build --precompress`) when the client accepts it; kept by browsers for a year
/// when their names carry a content hash, revalidated otherwise.
fn assets(options: &leptos::config::LeptosOptions) -> Router {
    let dir = std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let cache = if options.hash_files { "public, max-age=31536000, immutable" } else { "no-cache" };
    Router::new()
        .fallback_service(ServeDir::new(dir).precompressed_br().precompressed_gzip())
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static(cache)))
}

/// Whether the answer to a request may hold personal data or a status token: coordinators'
/// pages, status and confirmation pages, the API's applications, and the answer to any form
/// post (a form shown again with what was typed).
fn is_private(method: &axum::http::Method, path: &str) -> bool {
    let safe = method == axum::http::Method::GET || method == axum::http::Method::HEAD;
    !safe
        || ["/coordinator", "/status/", "/join/confirmation/", "/api/v1/applications"]
            .iter()
            .any(|prefix| path.starts_with(prefix))
}

/// Caching rules by address: what may hold personal data or a status token must not be kept
/// by browsers or proxies; the favicon and the programme outline may be kept for a day.
async fn cache_headers(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let path = request.uri().path().to_owned();
    let private = is_private(request.method(), &path);
    let mut response = next.run(request).await;
    let rule = if private {
        Some("no-store")
    } else if response.status().is_success() && [".ico", ".svg", ".pdf"].iter().any(|ext| path.ends_with(ext)) {
        Some("public, max-age=86400")
    } else {
        None
    };
    if let Some(rule) = rule {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(rule));
    }
    response
}

/// The pages' routes, found once per process. Finding them renders the app once with data
/// loading switched off for the whole process (a Leptos flag), and a page that started
/// rendering in that moment would wait forever for its data; so it happens once, before
/// any server built here has answered a request.
pub fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    // `/tasters/{id}` is served by `ics::routes`, which tells a page from a calendar file.
    ROUTES.get_or_init(|| generate_route_list_with_exclusions(App, Some(vec!["/tasters/{id}".to_string()]))).clone()
}

/// The whole HTTP surface of enrol for one application state.
pub fn router(state: AppState) -> Router {
    let routes = page_routes();
    let leptos_options = state.leptos_options.clone();
    let assets = assets(&leptos_options);
    Router::new()
        .nest_service(&format!("/{}", leptos_options.site_pkg_dir), assets)
        .route("/healthz", get(health::healthz))
        .route("/api/v1/events", get(events::events))
        .merge(api::routes().route_layer(rate_limit::writes(&state.limits, rate_limit::Answer::Json)))
        .merge(forms::routes().route_layer(rate_limit::writes(&state.limits, rate_limit::Answer::Page)))
        .merge(ics::routes())
        .merge(coordinator::sign_in_routes().route_layer(rate_limit::sign_in(&state.limits)))
        .merge(coordinator::routes())
        .leptos_routes(&state, routes, move || shell(leptos_options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(cache_headers))
        .layer(axum::middleware::from_fn_with_state(
            page_cache::PageCache::new(state.store.changes(), state.live.clone()),
            page_cache::cached,
        ))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            client_ip::TrustedProxies(std::sync::Arc::new(state.limits.trusted_proxies.clone())),
            client_ip::resolve,
        ))
        .layer(axum::middleware::from_fn_with_state(
            security_headers::SecurityHeaders { https: state.secure_cookies },
            security_headers::add,
        ))
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
