//! Background work: offers of freed places lapse when their window passes (rule 4), and the
//! applicants holding one are reminded before it does ("Telling people"); personal data is
//! erased when its intake's retention period ends, and the access log forgets old rows.

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

/// Every `period`: erases the personal data of intakes whose retention period has ended (each
/// application in a step of its own, its email files too), and forgets access-log rows older
/// than `access_log_days`.
pub async fn keep_personal_data_no_longer_than_needed(
    store: Store,
    mail: app::mail::Settings,
    access_log_days: u32,
    period: Duration,
) {
    let mut ticks = tokio::time::interval(period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let now = chrono::Utc::now();
        match erase_due(&store, &mail, now).await {
            Ok(0) => {}
            Ok(erased) => tracing::info!(erased, "personal data erased at the end of its retention period"),
            Err(error) => tracing::warn!(%error, "could not erase the personal data that is due this time"),
        }
        let before = now - chrono::Duration::days(i64::from(access_log_days));
        if let Err(error) = store.prune_access_log(before).await {
            tracing::warn!(%error, "could not forget old access-log rows this time");
        }
    }
}

/// Erases every application whose intake's retention period has ended; returns how many.
pub async fn erase_due(store: &Store, mail: &app::mail::Settings, now: chrono::DateTime<chrono::Utc>) -> Result<usize, app::errors::AppError> {
    let mut erased = 0;
    loop {
        let due = store.retention_due(now, 100).await?;
        if due.is_empty() {
            return Ok(erased);
        }
        for id in due {
            let done = store
                .erase(app::store::ErasureKey::Id(id), app::workflow::Actor::System, app::workflow::privacy::Reason::Retention, now)
                .await?;
            if let Some(folder) = &mail.outbox_dir {
                app::mail::transport::forget_files(folder, &done.email_ids);
            }
            erased += 1;
        }
    }
}
