//! Background work: offers of freed places lapse when their window passes (rule 4).

use app::store::Store;
use std::time::Duration;

/// Every `period`, lapses the offers whose window has passed and passes their places on.
pub async fn expire_offers_every(store: Store, period: Duration) {
    let mut ticks = tokio::time::interval(period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match store.expire_offers(chrono::Utc::now()).await {
            Ok(0) => {}
            Ok(lapsed) => tracing::info!(lapsed, "offers lapsed and passed on"),
            Err(error) => tracing::warn!(%error, "could not lapse offers this time"),
        }
    }
}
