//! Background work: offers of freed places lapse when their window passes (rule 4), and the
//! applicants holding one are reminded before it does ("Telling people").

use app::store::Store;
use std::time::Duration;

/// Every `period`, lapses the offers whose window has passed and passes their places on, and
/// queues a reminder for each offer that lapses within `mail.reminder_before` (once per
/// offer; none when the whole window is shorter than that, as the offer's own email says it).
pub async fn expire_offers_every(store: Store, mail: app::mail::Settings, period: Duration) {
    let mut ticks = tokio::time::interval(period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match store.expire_offers(chrono::Utc::now()).await {
            Ok(0) => {}
            Ok(lapsed) => tracing::info!(lapsed, "offers lapsed and passed on"),
            Err(error) => tracing::warn!(%error, "could not lapse offers this time"),
        }
        if mail.offer_window > mail.reminder_before {
            match store.remind_offers(mail.reminder_before, chrono::Utc::now()).await {
                Ok(0) => {}
                Ok(reminded) => tracing::info!(reminded, "offer reminders queued"),
                Err(error) => tracing::warn!(%error, "could not queue offer reminders this time"),
            }
        }
    }
}
