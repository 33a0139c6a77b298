//! The live places counter (server only): an in-memory snapshot of every cohort's places,
//! kept up to date by following the event table (`workflow::events`) and pushed to every open
//! page over server-sent events. Reading it never touches the database: one query per batch
//! of changes, not per client.

use crate::errors::AppError;
use crate::models::PlacesSnapshot;
use crate::store::Store;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Changes closer together than this are published together: bursts of allocations cost one
/// query and one event per client, and every figure is still on screen well within a second.
const COALESCE: Duration = Duration::from_millis(100);

/// What is published: the places (serialised once for every client) and a queue version (the
/// newest event followed) that grows with every change, for status pages to refresh their
/// queue position and the page cache to know its copies are old.
#[derive(Debug)]
pub struct Published {
    pub places: PlacesSnapshot,
    /// `places` as JSON, the data of the `places` event.
    pub places_json: String,
    pub queue_version: u64,
}

/// A handle on the live figures; cheap to clone.
#[derive(Clone, Debug)]
pub struct Live {
    published: watch::Receiver<Arc<Published>>,
    shutdown: watch::Receiver<bool>,
    stop: Arc<watch::Sender<bool>>,
}

impl Live {
    /// Loads the figures and starts following the store's events.
    pub async fn start(store: Store) -> Result<Self, AppError> {
        let first = publish(&store, 1, store.last_event_id().await?.max(0) as u64 + 1).await?;
        let (sender, published) = watch::channel(Arc::new(first));
        let (stop, shutdown) = watch::channel(false);
        tokio::spawn(follow(store, sender, shutdown.clone()));
        Ok(Self { published, shutdown, stop: Arc::new(stop) })
    }

    /// The figures now.
    pub fn current(&self) -> Arc<Published> {
        self.published.borrow().clone()
    }

    /// Every later publication (the current one is marked as unseen, so it comes first).
    pub fn subscribe(&self) -> watch::Receiver<Arc<Published>> {
        let mut receiver = self.published.clone();
        receiver.mark_changed();
        receiver
    }

    /// Resolves when the server begins to shut down: event streams end so it can.
    pub fn shutting_down(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut shutdown = self.shutdown.clone();
        async move {
            let _ = shutdown.wait_for(|stopping| *stopping).await;
        }
    }

    /// Ends every event stream (on SIGTERM or Ctrl-C).
    pub fn shut_down(&self) {
        let _ = self.stop.send(true);
    }
}

async fn publish(store: &Store, version: u64, queue_version: u64) -> Result<Published, AppError> {
    let cohorts = store.places_figures().await?;
    let places = PlacesSnapshot { version, cohorts };
    let places_json = serde_json::to_string(&places).map_err(|_| AppError::Internal)?;
    Ok(Published { places, places_json, queue_version })
}

/// Events read per query while catching up.
const PAGE: i64 = 10_000;

/// Follows the event table: after each commit that recorded events (the store's change
/// signal), reads the events since the last one seen; when any of them can move a place, the
/// figures are read again. Either way the queue version moves on.
async fn follow(store: Store, sender: watch::Sender<Arc<Published>>, mut shutdown: watch::Receiver<bool>) {
    let mut changes = store.changes();
    let mut seen = sender.borrow().queue_version as i64 - 1;
    loop {
        tokio::select! {
            changed = changes.changed() => if changed.is_err() { return },
            _ = shutdown.changed() => return,
        }
        tokio::time::sleep(COALESCE).await;
        changes.borrow_and_update();
        let mut moves_places = false;
        let mut newest = seen;
        loop {
            match store.events_after(newest, PAGE).await {
                Ok(events) => {
                    moves_places |= events.iter().any(|e| e.event.moves_places());
                    let full = events.len() as i64 == PAGE;
                    newest = events.last().map_or(newest, |e| e.id);
                    if !full {
                        break;
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "could not read the events; will retry on the next change");
                    break;
                }
            }
        }
        if newest == seen {
            continue;
        }
        seen = newest;
        let previous = sender.borrow().clone();
        let queue_version = seen as u64 + 1;
        if !moves_places {
            let published = Published { places: previous.places.clone(), places_json: previous.places_json.clone(), queue_version };
            let _ = sender.send(Arc::new(published));
            continue;
        }
        match store.places_figures().await {
            Ok(cohorts) => {
                let version = if cohorts == previous.places.cohorts {
                    previous.places.version
                } else {
                    previous.places.version + 1
                };
                let places = PlacesSnapshot { version, cohorts };
                match serde_json::to_string(&places) {
                    Ok(places_json) => {
                        let _ = sender.send(Arc::new(Published { places, places_json, queue_version }));
                    }
                    Err(error) => tracing::error!(%error, "could not serialise the places"),
                }
            }
            Err(error) => tracing::warn!(%error, "could not refresh the live places; will retry on the next change"),
        }
    }
}
