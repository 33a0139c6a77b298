//! The Content-Security-Policy nonce of a page (server only). The host's security-headers
//! middleware draws a fresh nonce for every request, hands it to the page in a request header
//! and names it in the response's policy; the page's own inline scripts (the hydration
//! script) carry it, so a script that anything else put into the page does not run.

use leptos::prelude::*;

/// The request header that carries the nonce from the middleware to the page renderer. The
/// middleware overwrites whatever a client sends in it.
pub const NONCE_HEADER: &str = "x-enrol-csp-nonce";

/// Makes the request's nonce the one Leptos writes on the page's inline scripts (in place of
/// the random one it draws itself, which the response's policy would not know).
pub fn provide_request_nonce() {
    let nonce = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.headers.get(NONCE_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned));
    if let Some(nonce) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(nonce));
    }
}
