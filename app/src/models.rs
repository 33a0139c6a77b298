//! Serde types that cross the wire between the server and the browser.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The course and the words of its page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Course {
    pub title: String,
    pub summary: String,
    pub session_count: i64,
    pub session_minutes: i64,
    pub outline_path: String,
    pub sections: Vec<CourseSection>,
}

/// One titled part of the course page, e.g. "Why compassion?".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CourseSection {
    pub slug: String,
    pub heading: String,
    pub paragraphs: Vec<String>,
}

/// Whether a taster session will run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TasterStatus {
    Scheduled,
    Cancelled,
}

impl TasterStatus {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::Cancelled => "cancelled",
        }
    }

    /// Reads the stored spelling; anything unknown counts as cancelled, the safe reading.
    pub fn from_stored(value: &str) -> Self {
        if value == "scheduled" { Self::Scheduled } else { Self::Cancelled }
    }
}

/// A taster session as the public sees it: never its attendance code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TasterSession {
    pub id: i64,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// UK calendar day, for placing it on the calendar.
    pub uk_day: NaiveDate,
    /// "Wednesday 2 December 2026, 4pm to 5pm".
    pub when_uk: String,
    pub zoom_url: String,
    pub meeting_id: String,
    pub passcode: String,
    pub status: TasterStatus,
}

/// What the course page shows: the course and the taster sessions still to come.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CoursePage {
    pub course: Option<Course>,
    pub upcoming_tasters: Vec<TasterSession>,
}
