//! What the workflow records about every change it makes, in the same transaction as the
//! change: an `event` row with an ever-increasing id, and the emails the change sends
//! (`messages.rs`) in the outbox. The live figures, the page cache and the status pages follow
//! the events (see `live.rs`), on every instance (PostgreSQL's notifications).

use super::rows::Rows;
use crate::errors::AppError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Records a step's events and queues the emails they send, in the step's transaction.
pub async fn record<R: Rows>(rows: &mut R, events: &[Event], now: DateTime<Utc>) -> Result<(), AppError> {
    rows.record(events, &super::messages::for_events(events), now).await
}

/// One change, as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// A joining form was stored.
    ApplicationSubmitted { application_id: i64 },
    /// Attendance at a taster was confirmed (by a code, by hand or from a Zoom report).
    AttendanceConfirmed { application_id: i64, taster_session_id: i64 },
    /// A confirmed attendance was taken back, and with it the application's eligibility: it
    /// awaits an attendance check again.
    AttendanceUndone { application_id: i64, taster_session_id: i64 },
    /// A place was allocated (on becoming eligible, or by accepting an offer).
    Allocated { application_id: i64, cohort_id: i64 },
    /// An eligible application waits; `cohort_id` is where its position is best.
    Waiting { application_id: i64, cohort_id: Option<i64>, position: Option<i64> },
    /// A freed place is held for the application until `until`.
    OfferMade { application_id: i64, cohort_id: i64, until: DateTime<Utc> },
    /// An offer was not accepted in time.
    OfferLapsed { application_id: i64, cohort_id: i64 },
    /// The applicant declined an offered place.
    Declined { application_id: i64, cohort_id: i64 },
    /// The application was withdrawn, by the applicant or a coordinator.
    Withdrawn { application_id: i64, by_coordinator: bool },
    /// A coordinator moved an allocated applicant to another cohort.
    Moved { application_id: i64, from_cohort_id: i64, to_cohort_id: i64 },
    /// The application's personal details were erased (it was withdrawn first if active).
    Erased { application_id: i64 },
    /// A cohort was created or changed (name, capacity, status, meetings).
    CohortChanged { cohort_id: i64 },
    /// A taster session was created or changed.
    TasterChanged { taster_session_id: i64 },
}

impl Event {
    /// The stored `kind` column.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::ApplicationSubmitted { .. } => "application_submitted",
            Self::AttendanceConfirmed { .. } => "attendance_confirmed",
            Self::AttendanceUndone { .. } => "attendance_undone",
            Self::Allocated { .. } => "allocated",
            Self::Waiting { .. } => "waiting",
            Self::OfferMade { .. } => "offer_made",
            Self::OfferLapsed { .. } => "offer_lapsed",
            Self::Declined { .. } => "declined",
            Self::Withdrawn { .. } => "withdrawn",
            Self::Moved { .. } => "moved",
            Self::Erased { .. } => "erased",
            Self::CohortChanged { .. } => "cohort_changed",
            Self::TasterChanged { .. } => "taster_changed",
        }
    }

    /// The application it is about, if any.
    pub fn application_id(&self) -> Option<i64> {
        match self {
            Self::ApplicationSubmitted { application_id }
            | Self::AttendanceConfirmed { application_id, .. }
            | Self::AttendanceUndone { application_id, .. }
            | Self::Allocated { application_id, .. }
            | Self::Waiting { application_id, .. }
            | Self::OfferMade { application_id, .. }
            | Self::OfferLapsed { application_id, .. }
            | Self::Declined { application_id, .. }
            | Self::Withdrawn { application_id, .. }
            | Self::Moved { application_id, .. }
            | Self::Erased { application_id } => Some(*application_id),
            Self::CohortChanged { .. } | Self::TasterChanged { .. } => None,
        }
    }

    /// Whether it can change a cohort's places remaining (the live counter then refreshes).
    pub fn moves_places(&self) -> bool {
        !matches!(
            self,
            Self::ApplicationSubmitted { .. }
                | Self::AttendanceConfirmed { .. }
                | Self::AttendanceUndone { .. }
                | Self::Waiting { .. }
                | Self::Erased { .. }
                | Self::TasterChanged { .. }
        )
    }
}

/// An event as read back, with its id and time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub event: Event,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_is_stored_as_tagged_json_and_read_back_the_same() {
        let event = Event::Moved { application_id: 3, from_cohort_id: 1, to_cohort_id: 2 };
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["kind"], event.kind());
        assert_eq!(serde_json::from_value::<Event>(json).unwrap(), event);
    }
}
