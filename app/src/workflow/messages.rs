//! Which emails a change sends (DESIGN.md rule 8, "Telling people"): from the events a step
//! recorded, the messages to queue in the outbox in the same transaction. A change that rolls
//! back queues nothing; a committed one loses nothing, as the sender works through the outbox
//! afterwards. Only the kind and what the applicant's row may no longer say (the cohort, the
//! offer's end, a position) are stored here; the words are put together when the message is
//! sent (`crate::mail`).

use super::events::Event;
use crate::models::MessageKind;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A message for the outbox: to an application's applicant, of a kind, with its facts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub application_id: i64,
    pub kind: MessageKind,
    pub facts: Facts,
    /// At most one message with the same key is ever queued (a reminder per offer).
    pub once: Option<String>,
}

/// What a message says that the application's row may no longer say by the time it is sent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// The cohort allocated, offered, left or moved to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cohort_id: Option<i64>,
    /// The cohort moved from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_cohort_id: Option<i64>,
    /// When an offer lapses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<DateTime<Utc>>,
    /// A queue position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
    /// The outcome a new application got: "allocated", "waiting" or "awaiting_attendance".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// A coordinator withdrew the application (not the applicant).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub by_coordinator: bool,
    /// The course team's message (a team message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_message_id: Option<i64>,
}

impl Outgoing {
    fn new(application_id: i64, kind: MessageKind, facts: Facts) -> Self {
        Self { application_id, kind, facts, once: None }
    }
}

/// The messages a step's events send. A new application gets one message, with its outcome,
/// however many events its submission recorded.
pub fn for_events(events: &[Event]) -> Vec<Outgoing> {
    let submitted: Vec<i64> = events
        .iter()
        .filter_map(|e| match e {
            Event::ApplicationSubmitted { application_id } => Some(*application_id),
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    for event in events {
        let message = match *event {
            Event::ApplicationSubmitted { application_id } => {
                let outcome = events.iter().find_map(|e| match *e {
                    Event::Allocated { application_id: a, cohort_id } if a == application_id => {
                        Some(("allocated", Some(cohort_id), None))
                    }
                    Event::Waiting { application_id: a, cohort_id, position } if a == application_id => {
                        Some(("waiting", cohort_id, position))
                    }
                    _ => None,
                });
                let (outcome, cohort_id, position) = outcome.unwrap_or(("awaiting_attendance", None, None));
                Some(Outgoing::new(
                    application_id,
                    MessageKind::Received,
                    Facts { outcome: Some(outcome.into()), cohort_id, position, ..Facts::default() },
                ))
            }
            Event::Allocated { application_id, .. } | Event::Waiting { application_id, .. }
                if submitted.contains(&application_id) =>
            {
                None
            }
            Event::Allocated { application_id, cohort_id } => Some(Outgoing::new(
                application_id,
                MessageKind::Allocated,
                Facts { cohort_id: Some(cohort_id), ..Facts::default() },
            )),
            Event::Waiting { application_id, cohort_id, position } => Some(Outgoing::new(
                application_id,
                MessageKind::Waiting,
                Facts { cohort_id, position, ..Facts::default() },
            )),
            Event::OfferMade { application_id, cohort_id, until } => Some(Outgoing::new(
                application_id,
                MessageKind::Offer,
                Facts { cohort_id: Some(cohort_id), until: Some(until), ..Facts::default() },
            )),
            Event::OfferLapsed { application_id, cohort_id } => Some(Outgoing::new(
                application_id,
                MessageKind::OfferLapsed,
                Facts { cohort_id: Some(cohort_id), ..Facts::default() },
            )),
            Event::Declined { application_id, cohort_id } => Some(Outgoing::new(
                application_id,
                MessageKind::Declined,
                Facts { cohort_id: Some(cohort_id), ..Facts::default() },
            )),
            Event::Withdrawn { application_id, by_coordinator } => Some(Outgoing::new(
                application_id,
                MessageKind::Withdrawn,
                Facts { by_coordinator, ..Facts::default() },
            )),
            Event::Moved { application_id, from_cohort_id, to_cohort_id } => Some(Outgoing::new(
                application_id,
                MessageKind::Moved,
                Facts { cohort_id: Some(to_cohort_id), from_cohort_id: Some(from_cohort_id), ..Facts::default() },
            )),
            Event::AttendanceUndone { application_id, .. } => {
                Some(Outgoing::new(application_id, MessageKind::AttendanceUndone, Facts::default()))
            }
            Event::AttendanceConfirmed { .. }
            | Event::Erased { .. }
            | Event::CohortChanged { .. }
            | Event::TasterChanged { .. } => None,
        };
        out.extend(message);
    }
    out
}

/// The reminder before an offer lapses: one per offer (its application and end).
pub fn reminder(application_id: i64, cohort_id: i64, until: DateTime<Utc>) -> Outgoing {
    Outgoing {
        application_id,
        kind: MessageKind::OfferReminder,
        facts: Facts { cohort_id: Some(cohort_id), until: Some(until), ..Facts::default() },
        once: Some(format!("reminder:{application_id}:{}", until.timestamp())),
    }
}

/// The status link, sent again.
pub fn status_link(application_id: i64) -> Outgoing {
    Outgoing::new(application_id, MessageKind::StatusLink, Facts::default())
}

/// The course team's message to one applicant.
pub fn team_message(application_id: i64, team_message_id: i64) -> Outgoing {
    Outgoing::new(
        application_id,
        MessageKind::TeamMessage,
        Facts { team_message_id: Some(team_message_id), ..Facts::default() },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_application_gets_one_message_with_its_outcome() {
        let events = [
            Event::ApplicationSubmitted { application_id: 7 },
            Event::AttendanceConfirmed { application_id: 7, taster_session_id: 2 },
            Event::Waiting { application_id: 7, cohort_id: Some(3), position: Some(12) },
        ];
        let messages = for_events(&events);
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].kind, MessageKind::Received);
        assert_eq!(messages[0].facts.outcome.as_deref(), Some("waiting"));
        assert_eq!(messages[0].facts.position, Some(12));
    }

    #[test]
    fn a_submission_without_a_code_is_received_awaiting_the_attendance_check() {
        let messages = for_events(&[Event::ApplicationSubmitted { application_id: 1 }]);
        assert_eq!(messages[0].facts.outcome.as_deref(), Some("awaiting_attendance"));
    }

    #[test]
    fn a_withdrawal_that_frees_a_place_tells_both_people() {
        let until = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let events = [
            Event::Withdrawn { application_id: 1, by_coordinator: false },
            Event::OfferMade { application_id: 2, cohort_id: 5, until },
        ];
        let kinds: Vec<(i64, MessageKind)> = for_events(&events).iter().map(|m| (m.application_id, m.kind)).collect();
        assert_eq!(kinds, [(1, MessageKind::Withdrawn), (2, MessageKind::Offer)]);
    }

    #[test]
    fn changes_to_cohorts_and_sessions_alone_send_nothing() {
        assert!(for_events(&[Event::CohortChanged { cohort_id: 1 }, Event::TasterChanged { taster_session_id: 1 }])
            .is_empty());
    }

    #[test]
    fn facts_are_stored_without_empty_fields_and_read_back_the_same() {
        let facts = Facts { cohort_id: Some(3), position: Some(2), ..Facts::default() };
        let json = serde_json::to_string(&facts).unwrap();
        assert_eq!(json, r#"{"cohort_id":3,"position":2}"#);
        assert_eq!(serde_json::from_str::<Facts>(&json).unwrap(), facts);
    }
}
