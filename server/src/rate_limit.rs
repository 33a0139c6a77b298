//! Rate limits per client address (see `client_ip`) on every public write: the joining form
//! and the API's applications, the status page's actions, and sign-in. They stop one address
//! flooding the writer, not people: many nurses reach enrol from one hospital network address,
//! so the default for public writes is a burst of 5,000 posts and then 50 a second, which the
//! join race (2,000 applications from one address within seconds) passes untouched. Sign-in
//! gets a tighter one (a burst of 30, then one every 2 seconds) on top of its wrong-password
//! throttle. The settings are in the README.

use crate::client_ip::ClientIp;
use app::auth::limits::LimitSettings;
use axum::body::Body;
use axum::http::{header, Method, Request, Response, StatusCode};
use governor::middleware::NoOpMiddleware;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::key_extractor::KeyExtractor;
use tower_governor::{GovernorError, GovernorLayer};

/// The key of a request: its client address, as resolved by `client_ip::resolve`.
#[derive(Clone, Copy, Debug)]
pub struct ClientKey;

impl KeyExtractor for ClientKey {
    type Key = IpAddr;

    fn extract<T>(&self, request: &Request<T>) -> Result<Self::Key, GovernorError> {
        Ok(request.extensions().get::<ClientIp>().map(|c| c.0).unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)))
    }
}

/// How a refused request is answered: a page for forms, JSON for the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Page,
    Json,
}

/// A rate-limit layer: the POSTs through it share one quota per client address.
pub type Limit = GovernorLayer<ClientKey, NoOpMiddleware, Body>;

/// The limit on public writes (forms, API, status actions).
pub fn writes(settings: &LimitSettings, answer: Answer) -> Limit {
    let per_second = u64::from(settings.writes_per_second.max(1));
    layer(Duration::from_nanos(1_000_000_000 / per_second), settings.write_burst, answer)
}

/// The limit on sign-in posts.
pub fn sign_in(settings: &LimitSettings) -> Limit {
    layer(Duration::from_secs(2), settings.sign_in_burst, Answer::Page)
}

fn layer(period: Duration, burst: u32, answer: Answer) -> Limit {
    let config = GovernorConfigBuilder::default()
        .key_extractor(ClientKey)
        .period(period)
        .burst_size(burst.max(1))
        .methods(vec![Method::POST])
        .finish()
        .unwrap_or_else(|| unreachable!("the period and burst are never zero"));
    forget_quiet_clients(&config);
    GovernorLayer::new(config).error_handler(move |error| refused(error, answer))
}

/// Every minute, forgets the addresses whose quota is full again, so the table of addresses
/// stays small; the task ends with the last router using the limit.
fn forget_quiet_clients<M>(config: &tower_governor::governor::GovernorConfig<ClientKey, M>)
where
    M: governor::middleware::RateLimitingMiddleware<governor::clock::QuantaInstant> + Send + Sync + 'static,
{
    let limiter = std::sync::Arc::downgrade(config.limiter());
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn(async move {
            let mut ticks = tokio::time::interval(Duration::from_secs(60));
            loop {
                ticks.tick().await;
                let Some(limiter) = limiter.upgrade() else { break };
                limiter.retain_recent();
            }
        });
    }
}

/// The answer to a request over the limit: 429 with `Retry-After`, saying how long to wait.
fn refused(error: GovernorError, answer: Answer) -> Response<Body> {
    let wait = match &error {
        GovernorError::TooManyRequests { wait_time, .. } => (*wait_time).max(1),
        _ => 1,
    };
    let message = format!(
        "Too many requests have come from your network in a short time. Wait {wait} second{} and try again.",
        if wait == 1 { "" } else { "s" }
    );
    let (content_type, body) = match answer {
        Answer::Json => ("application/json", serde_json::json!({ "error": message }).to_string()),
        Answer::Page => ("text/html; charset=utf-8", page(&message)),
    };
    Response::builder()
        .status(StatusCode::TOO_MANY_REQUESTS)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::RETRY_AFTER, wait.to_string())
        .body(Body::from(body))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

/// A plain page: a flood is no time to render the site, and the message is fixed text.
fn page(message: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><title>Too many requests – Compassionate leadership</title>\
         </head><body><main><h1>Too many requests</h1><p>{message}</p><p><a href=\"/\">Go to the course page</a></p>\
         </main></body></html>"
    )
}
