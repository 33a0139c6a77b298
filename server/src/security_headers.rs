//! Security headers on every response: a Content-Security-Policy that lets only the page's own
//! scripts run (the hydration script by a nonce drawn fresh for each request, the wasm and its
//! JavaScript glue from this origin), and the headers that keep pages out of frames, stop
//! content sniffing, keep status links' secrets out of `Referer`, isolate the browsing context
//! and, over https, pin the browser to https.

use app::csp::NONCE_HEADER;
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// What the headers depend on beyond the request.
#[derive(Clone, Copy, Debug)]
pub struct SecurityHeaders {
    /// The site is served over https (`ENROL_SECURE_COOKIES=1`): send HSTS.
    pub https: bool,
}

/// The policy for a response whose inline scripts carry `nonce`. `'wasm-unsafe-eval'` lets the
/// page compile its WebAssembly and nothing else; no inline style, no plugin, no `<base>`, no
/// framing, and forms post only back to enrol.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         frame-ancestors 'none'; form-action 'self'"
    )
}

/// Features no page of enrol uses, switched off for the page and anything it could embed.
/// (Only features every current browser knows: an unknown one is a console error in Chromium.)
const PERMISSIONS_POLICY: &str = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";

/// Draws the request's nonce, hands it to the page renderer, and adds the headers to the answer.
pub async fn add(State(settings): State<SecurityHeaders>, mut request: Request, next: Next) -> Response {
    let nonce = app::tokens::csp_nonce();
    if let Ok(value) = HeaderValue::from_str(&nonce) {
        // Replaces any value a client sent: only the server chooses the nonce.
        request.headers_mut().insert(HeaderName::from_static(NONCE_HEADER), value);
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if let Ok(policy) = HeaderValue::from_str(&content_security_policy(&nonce)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin"));
    headers.insert(HeaderName::from_static("permissions-policy"), HeaderValue::from_static(PERMISSIONS_POLICY));
    if settings.https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::content_security_policy;

    #[test]
    fn the_policy_allows_inline_script_only_by_its_nonce() {
        let policy = content_security_policy("abc123");
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"), "{policy}");
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        for directive in ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"] {
            assert!(policy.contains(directive), "{directive} missing from {policy}");
        }
    }
}
