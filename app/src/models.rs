//! Serde types that cross the wire between the server and the browser.

use crate::domain::allocation::AllocationState;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Instants and days cross the wire as plain numbers (milliseconds since 1970, days since the
/// common era): the browser then needs no date parser, which keeps the wasm small.
pub mod wire {
    /// A `DateTime<Utc>` as milliseconds since 1970.
    pub mod millis {
        use chrono::{DateTime, Utc};
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_i64(t.timestamp_millis())
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
            let ms = i64::deserialize(d)?;
            DateTime::from_timestamp_millis(ms).ok_or_else(|| serde::de::Error::custom("instant out of range"))
        }
    }

    /// An `Option<DateTime<Utc>>` as milliseconds since 1970, or null.
    pub mod millis_option {
        use chrono::{DateTime, Utc};
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => s.serialize_some(&t.timestamp_millis()),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
            Option::<i64>::deserialize(d)?
                .map(|ms| {
                    DateTime::from_timestamp_millis(ms).ok_or_else(|| serde::de::Error::custom("instant out of range"))
                })
                .transpose()
        }
    }

    /// A `NaiveDate` as days since the common era.
    pub mod day {
        use chrono::{Datelike, NaiveDate};
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_i32(d.num_days_from_ce())
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
            let days = i32::deserialize(d)?;
            NaiveDate::from_num_days_from_ce_opt(days).ok_or_else(|| serde::de::Error::custom("day out of range"))
        }
    }

    /// An `Option<NaiveDate>` as days since the common era, or null.
    pub mod day_option {
        use chrono::{Datelike, NaiveDate};
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
            match d {
                Some(d) => s.serialize_some(&d.num_days_from_ce()),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
            Option::<i32>::deserialize(d)?
                .map(|days| {
                    NaiveDate::from_num_days_from_ce_opt(days)
                        .ok_or_else(|| serde::de::Error::custom("day out of range"))
                })
                .transpose()
        }
    }
}

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
        if value == "scheduled" {
            Self::Scheduled
        } else {
            Self::Cancelled
        }
    }
}

/// Whether a cohort takes applications.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CohortStatus {
    /// Being prepared: not shown to applicants.
    Draft,
    /// Shown, and places are given.
    Open,
    /// Shown, but no more places are given.
    Closed,
}

impl CohortStatus {
    /// Every status, in the order a cohort goes through them.
    pub const ALL: [Self; 3] = [Self::Draft, Self::Open, Self::Closed];

    /// The stored, posted and JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }

    /// Reads the stored or posted spelling.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value.trim())
    }

    /// The word for a badge.
    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Open => "Open",
            Self::Closed => "Closed",
        }
    }
}

/// A taster session as the public sees it: never its attendance code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TasterSession {
    pub id: i64,
    #[serde(with = "wire::millis")]
    pub starts_at: DateTime<Utc>,
    #[serde(with = "wire::millis")]
    pub ends_at: DateTime<Utc>,
    /// UK calendar day, for placing it on the calendar.
    #[serde(with = "wire::day")]
    pub uk_day: NaiveDate,
    /// "Wednesday 2 December 2026, 4pm to 5pm".
    pub when_uk: String,
    /// UK time's offset from UTC at the start, in minutes (0 in winter, 60 in summer): the
    /// browser shows its own local time beside the UK time when its offset differs.
    pub uk_offset_minutes: i32,
    pub zoom_url: String,
    pub meeting_id: String,
    pub passcode: String,
    pub status: TasterStatus,
    /// When the session was last changed (a calendar file's DTSTAMP).
    #[serde(with = "wire::millis")]
    pub updated_at: DateTime<Utc>,
}

/// What the course page shows: the course and the taster sessions still to come.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CoursePage {
    pub course: Option<Course>,
    pub upcoming_tasters: Vec<TasterSession>,
}

/// One meeting of a cohort.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Meeting {
    #[serde(with = "wire::millis")]
    pub starts_at: DateTime<Utc>,
    #[serde(with = "wire::millis")]
    pub ends_at: DateTime<Utc>,
    /// "Tuesday 5 January 2027, 10am to midday".
    pub when_uk: String,
}

/// A cohort as applicants and integrations see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cohort {
    pub id: i64,
    pub name: String,
    pub intake: String,
    pub capacity: i64,
    pub places_remaining: i64,
    pub status: CohortStatus,
    pub meetings: Vec<Meeting>,
}

/// Where an application stands in one cohort's waiting list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuePosition {
    pub cohort_id: i64,
    pub cohort_name: String,
    /// 1 is next in line.
    pub position: i64,
}

/// The answer to a submitted application, as the JSON API gives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApplicationOutcome {
    pub reference: String,
    pub state: AllocationState,
    /// The cohort holding a place (allocated or offered), or the one with the best queue
    /// position while waiting.
    pub cohort_id: Option<i64>,
    /// Queue position while waiting, else none.
    pub position: Option<i64>,
    pub status_token: String,
}

/// What the applicant's status page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApplicationStatus {
    pub reference: String,
    pub status_token: String,
    pub name: String,
    pub state: AllocationState,
    /// The cohort holding a place for the applicant (allocated or offered).
    pub cohort: Option<Cohort>,
    /// The waiting lists the applicant is in, best position first.
    pub positions: Vec<QueuePosition>,
    #[serde(with = "wire::millis_option")]
    pub offer_expires_at: Option<DateTime<Utc>>,
    /// "Friday 4 December 2026, 4:30pm".
    pub offer_expires_uk: Option<String>,
    /// "Thursday 26 November 2026, 10:04pm".
    pub submitted_uk: String,
    /// The cohorts chosen in rank order (names), or empty for any cohort.
    pub choices: Vec<String>,
    /// While a place is offered: the other open cohorts whose waiting lists the applicant
    /// stays on if they decline it or let it lapse (rule 4). Empty when none is left.
    pub other_queues: Vec<String>,
}

impl ApplicationStatus {
    /// The API's shape of this status.
    pub fn outcome(&self) -> ApplicationOutcome {
        let best = self.positions.first();
        ApplicationOutcome {
            reference: self.reference.clone(),
            state: self.state,
            cohort_id: self.cohort.as_ref().map(|c| c.id).or(best.map(|p| p.cohort_id)),
            position: if self.state == AllocationState::Waiting { best.map(|p| p.position) } else { None },
            status_token: self.status_token.clone(),
        }
    }
}

/// One cohort's places, as the live counter shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacesFigure {
    pub id: i64,
    pub name: String,
    /// The intake, e.g. "2027-01".
    pub intake: String,
    pub capacity: i64,
    pub places_remaining: i64,
    /// Open or closed (drafts are never published).
    pub status: CohortStatus,
}

/// The figures every open page shows, with a version that grows with each change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacesSnapshot {
    pub version: u64,
    pub cohorts: Vec<PlacesFigure>,
}

/// What a coordinator account may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything a coordinator does, and managing coordinator accounts and reading the audit log.
    Admin,
    /// Runs taster sessions, cohorts, applications and attendance.
    Coordinator,
}

impl Role {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Coordinator => "coordinator",
        }
    }

    /// Reads the stored spelling; anything unknown is the lesser role.
    pub fn from_stored(value: &str) -> Self {
        if value == "admin" {
            Self::Admin
        } else {
            Self::Coordinator
        }
    }

    /// Whether this role may do what `needed` may.
    pub fn allows(self, needed: Role) -> bool {
        self == Self::Admin || needed == Self::Coordinator
    }
}

/// The signed-in coordinator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoordinatorUser {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
}

/// A taster session as coordinators see it: with its attendance code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TasterAdmin {
    pub session: TasterSession,
    /// The UK start time for the form's time field, "16:00".
    pub uk_start: String,
    pub attendance_code: String,
    /// When the code proves presence, in UK time: "from Wednesday 2 December 2026, 3:45pm
    /// until Wednesday 9 December 2026, 5pm".
    pub code_window_uk: String,
    /// Attendances confirmed for this session.
    pub attendance_count: i64,
    /// The session is over (read on the server when the list was made).
    pub ended: bool,
}

/// A cohort as coordinators see it: its places in detail.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CohortAdmin {
    pub cohort: Cohort,
    /// Each meeting's UK start as the edit form shows it, "2027-01-05T10:00".
    pub meetings_uk: Vec<String>,
    pub allocated: i64,
    pub offered: i64,
    pub waiting: i64,
}

/// One application in the coordinators' table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationRow {
    pub id: i64,
    pub reference: String,
    pub name: String,
    pub email: String,
    pub employer: String,
    pub state: AllocationState,
    pub cohort_name: Option<String>,
    #[serde(with = "wire::millis")]
    pub submitted_at: DateTime<Utc>,
    pub submitted_uk: String,
    pub eligible_uk: Option<String>,
    pub nurse_advocate: String,
}

/// Filters, search and order of the applications table (all optional, from the address).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationFilter {
    pub cohort: Option<i64>,
    pub state: Option<String>,
    /// Part of a name, email or reference.
    pub q: Option<String>,
    /// "submitted", "eligible", "name", "state" or "reference".
    pub sort: Option<String>,
    /// "asc" or "desc".
    pub dir: Option<String>,
    /// The table's page, from 1 (the CSV export takes every page).
    #[serde(default)]
    pub page: Option<u32>,
}

/// One line of the audit log as people read it (see `store::history`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryLine {
    pub at_uk: String,
    /// "Sam Jones (coordinator)", "The applicant" or "enrol, automatically".
    pub who: String,
    /// "coordinator", "applicant" or "system", for the filter.
    pub who_kind: String,
    /// What happened, in a sentence.
    pub what: String,
    /// The action's or event's name, for the filter.
    pub kind: String,
    /// The application it was about: id, reference and name.
    pub application: Option<(i64, String, String)>,
    /// The values it changed, "field: before → after".
    pub changes: Vec<String>,
}

/// The audit log's filters, from the address bar.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditFilter {
    /// "coordinator", "applicant" or "system".
    pub who: Option<String>,
    /// An action's or event's name.
    pub what: Option<String>,
    /// UK dates, YYYY-MM-DD, both included.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Part of a reference, a name or the words.
    pub q: Option<String>,
    pub page: i64,
}

/// A coordinator's note on an application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationNote {
    /// The coordinator who wrote it.
    pub by: String,
    pub body: String,
    pub written_uk: String,
}

/// A confirmed attendance, as the application's page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceRecord {
    pub taster_when_uk: String,
    pub source: String,
    pub confirmed_uk: String,
    pub confirmed_by: Option<String>,
}

/// Everything about one application, for coordinators.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApplicationDetail {
    pub id: i64,
    pub row: ApplicationRow,
    pub job_title: String,
    pub access_needs: String,
    pub status: ApplicationStatus,
    pub attendance: Vec<AttendanceRecord>,
    pub taster_session_id: Option<i64>,
    /// When its personal data was erased, if it was.
    pub erased_uk: Option<String>,
}

/// From taster attendance to places, for the dashboard.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funnel {
    pub attended: i64,
    pub applications: i64,
    pub eligible: i64,
    pub allocated: i64,
}

/// The coordinators' dashboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub cohorts: Vec<CohortAdmin>,
    pub funnel: Funnel,
    /// The newest applications, newest first.
    pub recent: Vec<ApplicationRow>,
    /// Emails that could not be delivered.
    pub emails_failed: i64,
    /// Outstanding offers, the soonest to lapse first, with when each lapses (UK time).
    pub offers: Vec<(ApplicationRow, String)>,
    /// Applications waiting for the course team to check attendance, oldest first (the first
    /// ten), and how many there are in all.
    pub awaiting: Vec<ApplicationRow>,
    pub awaiting_count: i64,
}

/// An uploaded Zoom report and how far its match queue has got.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub id: i64,
    pub taster_when_uk: String,
    pub uploaded_uk: String,
    pub filename: String,
    pub pending: i64,
    pub confirmed: i64,
    pub rejected: i64,
    /// How long the session was, to flag short stays.
    pub session_minutes: i64,
}

impl ImportSummary {
    /// A stay shorter than half the session is flagged for the coordinator to check.
    pub fn short_stay_under(&self) -> i64 {
        (self.session_minutes + 1) / 2
    }
}

/// The application an attendee is likely to be.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LikelyApplication {
    pub id: i64,
    pub reference: String,
    pub name: String,
    pub email: String,
    pub state: AllocationState,
    /// "email" or "name".
    pub kind: String,
}

/// A Zoom attendee's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttendeeState {
    Pending,
    Confirmed,
    Rejected,
}

impl AttendeeState {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Confirmed => "confirmed",
            Self::Rejected => "rejected",
        }
    }

    /// Reads the stored spelling (an unknown one is a corrupt row).
    pub fn parse(value: &str) -> Option<Self> {
        [Self::Pending, Self::Confirmed, Self::Rejected].into_iter().find(|s| s.as_str() == value)
    }
}

/// One attendee of an uploaded report in the match queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportAttendee {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    pub minutes: i64,
    pub likely: Option<LikelyApplication>,
    pub state: AttendeeState,
}

/// A report's match queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportDetail {
    pub summary: ImportSummary,
    pub attendees: Vec<ImportAttendee>,
    /// Applications still waiting for an attendance check, to pick when nothing matched.
    pub awaiting: Vec<LikelyApplication>,
}

/// What an email to an applicant is about (DESIGN.md, "Telling people").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// The application was stored: its reference, outcome and status link.
    Received,
    /// A place was allocated (on becoming eligible later, or by accepting an offer).
    Allocated,
    /// The application became eligible and waits.
    Waiting,
    /// A freed place is offered until a time.
    Offer,
    /// The offer lapses soon.
    OfferReminder,
    /// The offer lapsed.
    OfferLapsed,
    /// The applicant declined an offer.
    Declined,
    /// The application was withdrawn.
    Withdrawn,
    /// A coordinator moved the applicant to another cohort.
    Moved,
    /// The status link, asked for again ("Lost your link?" or a coordinator).
    StatusLink,
    /// A message the course team wrote to a cohort or the waiting list.
    TeamMessage,
    /// A confirmed attendance was taken back (a wrong Zoom match): the attendance check is
    /// open again.
    AttendanceUndone,
}

impl MessageKind {
    /// Every kind, in the order an application meets them.
    pub const ALL: [Self; 12] = [
        Self::Received,
        Self::Allocated,
        Self::Waiting,
        Self::Offer,
        Self::OfferReminder,
        Self::OfferLapsed,
        Self::Declined,
        Self::Withdrawn,
        Self::Moved,
        Self::StatusLink,
        Self::TeamMessage,
        Self::AttendanceUndone,
    ];

    /// The stored and posted spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Allocated => "allocated",
            Self::Waiting => "waiting",
            Self::Offer => "offer",
            Self::OfferReminder => "offer_reminder",
            Self::OfferLapsed => "offer_lapsed",
            Self::Declined => "declined",
            Self::Withdrawn => "withdrawn",
            Self::Moved => "moved",
            Self::StatusLink => "status_link",
            Self::TeamMessage => "team_message",
            Self::AttendanceUndone => "attendance_undone",
        }
    }

    /// Reads the stored or posted spelling.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value.trim())
    }

    /// What coordinators see it called.
    pub fn label(self) -> &'static str {
        match self {
            Self::Received => "Application received",
            Self::Allocated => "Place allocated",
            Self::Waiting => "On the waiting list",
            Self::Offer => "Offer of a place",
            Self::OfferReminder => "Offer reminder",
            Self::OfferLapsed => "Offer lapsed",
            Self::Declined => "Offer declined",
            Self::Withdrawn => "Application withdrawn",
            Self::Moved => "Moved to another cohort",
            Self::StatusLink => "Status link",
            Self::TeamMessage => "Message from the course team",
            Self::AttendanceUndone => "Attendance being checked again",
        }
    }
}

/// Where an email is on its way out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Not sent yet.
    Pending,
    /// Accepted by the mail server (or written to the outbox folder).
    Sent,
    /// Not accepted yet: a temporary failure, tried again later.
    Retrying,
    /// Refused for good, or still not accepted after a day of trying.
    Failed,
}

impl DeliveryState {
    pub const ALL: [Self; 4] = [Self::Pending, Self::Sent, Self::Retrying, Self::Failed];

    /// The stored and posted spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Retrying => "retrying",
            Self::Failed => "failed",
        }
    }

    /// Reads the stored or posted spelling.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value.trim())
    }

    /// The word for a badge.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Waiting to send",
            Self::Sent => "Delivered",
            Self::Retrying => "Retrying",
            Self::Failed => "Failed",
        }
    }
}

/// One email as coordinators see it on the Emails page and an application's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailRow {
    pub id: i64,
    pub kind: MessageKind,
    pub application_id: Option<i64>,
    pub reference: Option<String>,
    /// The applicant's name and address (empty once their data is erased).
    pub to_name: Option<String>,
    pub to_email: Option<String>,
    pub queued_uk: String,
    pub state: DeliveryState,
    pub attempts: i64,
    /// What the mail server last answered (for a retry or a failure).
    pub last_error: Option<String>,
    pub sent_uk: Option<String>,
}

/// The Emails page's filters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailFilter {
    pub state: Option<String>,
    pub kind: Option<String>,
    /// A reference, name or email to search for.
    pub q: Option<String>,
}
