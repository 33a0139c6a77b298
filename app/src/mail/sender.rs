//! The outbox's sender: a background task that delivers queued emails, at least once each.
//!
//! It takes up due messages in small batches (on PostgreSQL every instance runs one, and rows
//! another has taken up are skipped), puts each into words from the application as it stands
//! and the facts stored with it, and hands it to the transport. A message is marked sent only
//! after the mail server accepted it, so a crash in between sends it again: the Message-ID is
//! the same on every attempt (it is made from the outbox row), so the copy is recognisably
//! the same message. A temporary failure (4xx, a lost connection, a server that is down) is
//! tried again after a growing wait; a permanent one (5xx), or a day of temporary ones, fails
//! the message, with the server's answer, for coordinators to see and send again.

use super::compose::{compose, Composed, Letter};
use super::transport::{Failure, Transport};
use super::Settings;
use crate::store::outbox::{Claimed, Delivered, Parts};
use crate::store::Store;
use chrono::{DateTime, Duration, Utc};
use futures::StreamExt;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::Message;

/// Messages taken up at a time.
const BATCH: i64 = 32;
/// Messages handed to the transport at once.
const IN_FLIGHT: usize = 8;
/// How long a taken-up message is left to its sender before another may take it up.
const HOLD: Duration = Duration::minutes(2);
/// After this long of temporary failures a message fails for good.
const GIVE_UP_AFTER: Duration = Duration::hours(24);
/// The longest wait between two attempts.
const LONGEST_WAIT: Duration = Duration::hours(1);

/// How the sender behaves.
#[derive(Clone, Debug)]
pub struct SenderSettings {
    /// The wait after the first temporary failure; it doubles after each, up to an hour.
    pub first_retry: Duration,
    /// How often to look for due messages when nothing wakes the sender.
    pub poll: std::time::Duration,
}

impl Default for SenderSettings {
    fn default() -> Self {
        Self { first_retry: Duration::seconds(30), poll: std::time::Duration::from_secs(5) }
    }
}

/// When to try again after the `attempts`-th failed attempt: `first` doubling, at most an hour.
pub fn next_attempt(first: Duration, attempts: i64, now: DateTime<Utc>) -> DateTime<Utc> {
    let doubled = first * 2i32.saturating_pow(attempts.clamp(1, 20) as u32 - 1);
    now + doubled.min(LONGEST_WAIT)
}

/// A change is followed by a quiet moment this long before emails go out…
const QUIET: std::time::Duration = std::time::Duration::from_millis(250);
/// …unless changes keep coming for this long: then a batch goes out anyway.
const BUSIEST_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// Delivers the outbox until the store closes: soon after each committed change, and every
/// `poll` for messages whose next attempt has come. While changes come in a burst (a rush of
/// applications), it waits for a quiet moment, at most [`BUSIEST_WAIT`] between batches, so
/// that putting emails together does not take the CPU from the applications themselves.
pub async fn run(store: Store, transport: Transport, settings: Settings, sender: SenderSettings) {
    let mut changes = store.changes();
    loop {
        match deliver_due(&store, &transport, &settings, &sender).await {
            Ok(0) => {}
            Ok(_) => {
                if !quiet_moment(&mut changes).await {
                    return;
                }
                continue;
            }
            Err(crate::errors::AppError::Unavailable) if store.is_closed() => return,
            Err(error) => tracing::warn!(%error, "could not deliver the outbox this time"),
        }
        tokio::select! {
            changed = changes.changed() => if changed.is_err() || !quiet_moment(&mut changes).await { return },
            () = tokio::time::sleep(sender.poll) => {}
        }
    }
}

/// Waits until no change has come for [`QUIET`], or [`BUSIEST_WAIT`] has passed; false when
/// the store has closed.
async fn quiet_moment(changes: &mut tokio::sync::watch::Receiver<u64>) -> bool {
    let started = std::time::Instant::now();
    while started.elapsed() < BUSIEST_WAIT {
        match tokio::time::timeout(QUIET, changes.changed()).await {
            Err(_) => return true,
            Ok(Err(_)) => return false,
            Ok(Ok(())) => {}
        }
    }
    true
}

/// Takes up one batch of due messages and delivers it; returns how many were taken up.
pub async fn deliver_due(
    store: &Store,
    transport: &Transport,
    settings: &Settings,
    sender: &SenderSettings,
) -> Result<usize, crate::errors::AppError> {
    let now = Utc::now();
    let batch = store.claim_messages(now, now + HOLD, BATCH).await?;
    if batch.is_empty() {
        return Ok(0);
    }
    let taken = batch.len();
    let outcomes: Vec<(i64, Delivered)> = futures::stream::iter(batch)
        .map(|message| async move {
            let outcome = deliver(store, transport, settings, sender, &message).await;
            (message.id, outcome)
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    for (id, outcome) in &outcomes {
        match outcome {
            Delivered::Sent => tracing::debug!(id, "email delivered"),
            Delivered::NotYet { error, next } => {
                tracing::warn!(id, %error, retry = next.is_some(), "email not accepted yet")
            }
            Delivered::Refused(error) => tracing::warn!(id, %error, "email refused"),
        }
    }
    store.finish_messages(outcomes, Utc::now()).await?;
    Ok(taken)
}

async fn deliver(
    store: &Store,
    transport: &Transport,
    settings: &Settings,
    sender: &SenderSettings,
    message: &Claimed,
) -> Delivered {
    let parts = match store.message_parts(message).await {
        Ok(Some(parts)) => parts,
        Ok(None) => return Delivered::Refused("The application no longer exists".into()),
        Err(error) => return not_yet(format!("could not read the message's application: {error}"), message, sender),
    };
    let letter = Letter {
        kind: message.kind,
        facts: &message.facts,
        status: &parts.status,
        cohort: parts.cohort.as_ref(),
        from_cohort: parts.from_cohort.as_ref(),
        team: parts.team.as_ref(),
    };
    let composed = compose(&letter, settings);
    let built = match build(&composed, &parts, settings, message) {
        Ok(built) => built,
        Err(problem) => return Delivered::Refused(problem),
    };
    match transport.deliver(&built, &format!("{:08}-{}", message.id, message.kind.as_str())).await {
        Ok(()) => Delivered::Sent,
        Err(Failure::Refused(answer)) => Delivered::Refused(answer),
        Err(Failure::Retry(answer)) => not_yet(answer, message, sender),
    }
}

fn not_yet(error: String, message: &Claimed, sender: &SenderSettings) -> Delivered {
    let now = Utc::now();
    if now - message.queued_at > GIVE_UP_AFTER {
        return Delivered::NotYet {
            error: format!("Not accepted after a day of trying. Last answer: {error}"),
            next: None,
        };
    }
    Delivered::NotYet { error, next: Some(next_attempt(sender.first_retry, message.attempts + 1, now)) }
}

/// The message's Message-ID: the same on every attempt, so a second copy is recognisably the
/// same message.
pub fn message_id(message: &Claimed, settings: &Settings) -> String {
    let domain = settings.from.rsplit('@').next().map(|d| d.trim_end_matches('>').trim()).unwrap_or("enrol");
    format!("<enrol.{}.{}@{}>", message.id, message.queued_at.timestamp_micros(), domain)
}

fn build(composed: &Composed, parts: &Parts, settings: &Settings, message: &Claimed) -> Result<Message, String> {
    let from: Mailbox = settings.from.parse().map_err(|e| format!("ENROL_MAIL_FROM is not an address ({e})"))?;
    let to_address =
        parts.email.parse().map_err(|e| format!("The applicant's email address cannot be sent to ({e})"))?;
    let to = Mailbox::new(Some(parts.name.clone()), to_address);
    let builder = Message::builder()
        .from(from)
        .to(to)
        .subject(composed.subject.clone())
        .message_id(Some(message_id(message, settings)));
    let alternative = MultiPart::alternative_plain_html(composed.text.clone(), composed.html.clone());
    let built = match &composed.calendar {
        None => builder.multipart(alternative),
        Some((file, ics)) => {
            let calendar =
                ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH").map_err(|e| e.to_string())?;
            builder.multipart(
                MultiPart::mixed()
                    .multipart(alternative)
                    .singlepart(Attachment::new(file.clone()).body(ics.clone(), calendar)),
            )
        }
    };
    built.map_err(|e| format!("The message could not be put together ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn retries_wait_longer_each_time_up_to_an_hour() {
        let now = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
        let waits: Vec<i64> =
            (1..=10).map(|n| (next_attempt(Duration::seconds(30), n, now) - now).num_seconds()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
    }

    #[test]
    fn the_message_id_is_the_same_on_every_attempt_and_names_the_senders_domain() {
        let queued_at = Utc.with_ymd_and_hms(2027, 1, 1, 9, 0, 0).unwrap();
        let claimed = |attempts| Claimed {
            id: 42,
            queued_at,
            application_id: 1,
            kind: crate::models::MessageKind::Received,
            facts: Default::default(),
            attempts,
        };
        let settings = Settings { from: "Course team <course@trust.nhs.uk>".into(), ..Settings::default() };
        assert_eq!(message_id(&claimed(0), &settings), message_id(&claimed(3), &settings));
        assert_eq!(
            message_id(&claimed(0), &settings),
            format!("<enrol.42.{}@trust.nhs.uk>", queued_at.timestamp_micros())
        );
    }
}
