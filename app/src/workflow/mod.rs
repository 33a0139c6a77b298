//! The allocation workflow, written once for every database (server only): each change an
//! applicant, a coordinator or the clock makes — submit, confirm attendance, withdraw,
//! accept, decline, let an offer lapse, move, create, open, close or resize a cohort, add or
//! change a taster session, decide a Zoom attendee — as one function of plain Rust that reads
//! like DESIGN.md's rules, over the row operations of [`Rows`]. Each function runs inside
//! one transaction its caller provides, and records what it changed as events ([`Event`]) in
//! that transaction.
//!
//! ```text
//!   routes, functions, server handlers
//!          │  Store::submit_application(…), Store::withdraw(…), …
//!          ▼
//!   store/mod.rs ── runs a workflow step in one transaction of the configured backend
//!          │
//!          ▼
//!   workflow/  (this module: the rules, the wording, the audit entries, the events)
//!          │  Rows: application(), open_places(), take_place(), next_waiting(), …
//!          ▼
//!   store/sqlite/rows.rs  (SQL only; a new backend implements Rows the same way)
//! ```

pub mod applications;
pub mod attendance;
pub mod cohorts;
pub mod events;
pub mod messages;
pub mod privacy;
pub mod rows;
pub mod tasters;
pub mod telling;

pub use events::{Event, Recorded};
pub use rows::Rows;

use chrono::Duration;

/// Who makes a change: it decides what is audited and what the applicant is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// The applicant, by their status link.
    Applicant,
    /// A signed-in coordinator (audited).
    Coordinator(i64),
    /// enrol itself: demo data, the clock lapsing offers.
    System,
}

impl Actor {
    /// The coordinator, when one makes the change.
    pub fn coordinator(self) -> Option<i64> {
        match self {
            Self::Coordinator(id) => Some(id),
            _ => None,
        }
    }
}

/// How the workflow behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Rule 4: how long a freed place is held for the applicant it is offered to.
    pub offer_window: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self { offer_window: Duration::hours(crate::domain::allocation::DEFAULT_OFFER_WINDOW_HOURS) }
    }
}
