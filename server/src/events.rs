//! `GET /api/v1/events`: server-sent events for every open page. On each (re)connection the
//! client first gets the current places, then every change: `places` when a figure changes,
//! `queue` when anything changed (status pages then refresh their queue position). The data
//! is the in-memory snapshot of `app::live`, serialised once for all clients. Each connection
//! starts with both events, so a page that was away catches up.

use app::state::AppState;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::stream::{self, Stream, StreamExt};
use std::convert::Infallible;
use std::time::Duration;

/// The event stream (documented in docs/api.md).
#[utoipa::path(
    get,
    path = "/api/v1/events",
    tag = "live",
    summary = "Server-sent events: `places` (the live figures, as JSON) and `queue` (a version number that changes whenever a queue may have moved)",
    responses((status = 200, description = "An event stream that stays open", content_type = "text/event-stream", body = String))
)]
pub async fn events(State(state): State<AppState>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = state.live.subscribe();
    let shutting_down = state.live.shutting_down();
    let updates =
        stream::unfold((receiver, 0u64, 0u64, true), |(mut receiver, places_sent, queue_sent, first)| async move {
            receiver.changed().await.ok()?;
            let published = receiver.borrow_and_update().clone();
            let mut events = Vec::with_capacity(2);
            if first || published.places.version != places_sent {
                // Tell the browser to reconnect quickly if the connection drops.
                let event = Event::default().event("places").data(published.places_json.as_str());
                events.push(Ok(if first { event.retry(Duration::from_secs(2)) } else { event }));
            }
            // On every (re)connection too: a page refreshes once, catching up with whatever changed
            // while it was not connected.
            if first || published.queue_version != queue_sent {
                events.push(Ok(Event::default().event("queue").data(published.queue_version.to_string())));
            }
            Some((stream::iter(events), (receiver, published.places.version, published.queue_version, false)))
        })
        .flatten()
        .take_until(shutting_down);
    Sse::new(updates).keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
}
