//! A short-lived cache of the public pages that everyone sees the same (`/`, `/tasters`,
//! `/join`, with their query strings). An entry is used only while nothing has changed since
//! it was rendered (the store's change counter, and the live places figures, which follow it a
//! moment later) and within the same minute (taster sessions start and end by the clock), so a
//! page is never staler than the live figures allow. Form
//! posts, status pages and coordinators' pages never pass through it.

use app::live::Live;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

/// Distinct addresses kept (the query string makes `/tasters?month=…` many).
const MAX_ENTRIES: usize = 256;

/// The pages that may be cached.
const CACHEABLE: [&str; 3] = ["/", "/tasters", "/join"];

#[derive(Clone)]
struct Entry {
    version: (u64, u64, i64),
    headers: HeaderMap,
    body: Bytes,
    /// The Content-Security-Policy nonce the page was rendered with: a copy served later gets
    /// that request's own nonce in its place (see `security_headers`).
    nonce: Option<String>,
}

/// The nonce the security-headers middleware gave this request.
fn request_nonce(request: &Request) -> Option<String> {
    request.headers().get(app::csp::NONCE_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// The cached page with its render's nonce swapped for this response's.
fn with_nonce(entry: &Entry, nonce: Option<&str>) -> Bytes {
    match (entry.nonce.as_deref(), nonce, std::str::from_utf8(&entry.body)) {
        (Some(old), Some(new), Ok(html)) if old != new => Bytes::from(html.replace(old, new)),
        _ => entry.body.clone(),
    }
}

/// The cache and what tells it something changed.
#[derive(Clone)]
pub struct PageCache {
    entries: Arc<Mutex<HashMap<String, Entry>>>,
    changes: watch::Receiver<u64>,
    live: Live,
}

impl PageCache {
    /// A cache that follows `changes` (the store's commit counter) and the live figures.
    pub fn new(changes: watch::Receiver<u64>, live: Live) -> Self {
        Self { entries: Arc::default(), changes, live }
    }

    /// Changes since the copy was made: a commit (the store's change signal, at once), the
    /// newest event the live figures have followed, and the minute.
    fn version(&self) -> (u64, u64, i64) {
        (*self.changes.borrow(), self.live.current().queue_version, chrono::Utc::now().timestamp() / 60)
    }
}

/// Serves a cached copy when there is a current one; otherwise renders and keeps the result.
pub async fn cached(State(cache): State<PageCache>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if request.method() != Method::GET || !CACHEABLE.contains(&path) {
        return next.run(request).await;
    }
    let key = request.uri().path_and_query().map(|pq| pq.as_str().to_string()).unwrap_or_default();
    let version = cache.version();
    let nonce = request_nonce(&request);
    if let Some(entry) = cache.entries.lock().ok().and_then(|e| e.get(&key).cloned()) {
        if entry.version == version {
            let mut response = Body::from(with_nonce(&entry, nonce.as_deref())).into_response();
            *response.headers_mut() = entry.headers;
            return response;
        }
    }
    let response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if response.status() != StatusCode::OK || !is_html {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(collected) = body.collect().await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let body = collected.to_bytes();
    if let Ok(mut entries) = cache.entries.lock() {
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(key, Entry { version, headers: parts.headers.clone(), body: body.clone(), nonce });
    }
    Response::from_parts(parts, Body::from(body))
}
