//! The seam between the allocation workflow and a database: [`Rows`], the row operations the
//! workflow needs inside one transaction, and the plain row types they pass.
//!
//! A new backend implements [`Rows`] on its transaction handle and must provide:
//! - **one transaction per workflow step**, in which nothing else changes the rows the step
//!   reads between its reads and its writes (SQLite: the single writer's `BEGIN IMMEDIATE`;
//!   a server database: row locks on the cohorts the step touches, taken in a fixed order);
//! - **the constraints of the schema** as a last line of defence: a cohort's allocated plus
//!   offered places never above its capacity, one active application per email key per
//!   intake, unique references, cohort names and attendance codes, an append-only audit log;
//! - **unique violations by constraint name**: an insert that breaks one answers
//!   [`Taken`] with the [`Constraint`], never an error to match by its text;
//! - **an `event` table** with an ever-increasing id, written by [`Rows::record_events`] in the
//!   step's transaction, that the live figures, the page cache and the status pages follow;
//! - **an `outbox` table** of emails to send, written by [`Rows::queue_messages`] in the same
//!   transaction, that the mail sender works through (a new application's events and emails
//!   are written with it, by [`Rows::insert_application`]).
//!
//! No rule and no wording lives below this trait: which place to give, who is next, what an
//! applicant is told, what is audited and which events are recorded are all decided above it,
//! in `workflow`.

use crate::domain::allocation::{AllocationState, CohortPlaces};
use crate::errors::AppError;
pub use crate::models::AttendeeState;
use crate::models::{CohortStatus, TasterStatus};
use crate::workflow::events::Event;
use chrono::{DateTime, Utc};
use std::future::Future;

/// Which application an operation is about.
#[derive(Clone, Copy, Debug)]
pub enum Key<'a> {
    Id(i64),
    Token(&'a str),
}

/// The allocation columns of an application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplicationRow {
    pub id: i64,
    pub reference: String,
    pub status_token: String,
    pub name: String,
    pub intake: String,
    pub state: AllocationState,
    /// The cohort holding a place for it (allocated or offered).
    pub cohort_id: Option<i64>,
    pub any_cohort: bool,
    pub submitted_at: DateTime<Utc>,
    pub eligible_at: Option<DateTime<Utc>>,
    pub offer_expires_at: Option<DateTime<Utc>>,
    pub taster_session_id: Option<i64>,
}

/// A checked application as it is stored, with what its step records.
#[derive(Clone, Debug)]
pub struct NewApplicationRow<'a> {
    /// Drawn beforehand with [`Rows::new_application_id`], so its events can name it.
    pub id: i64,
    pub reference: &'a str,
    pub status_token: &'a str,
    pub intake: &'a str,
    pub app: &'a crate::domain::application::NewApplication,
    pub email_key: &'a str,
    pub taster_session_id: Option<i64>,
    /// Its attendance code proved the applicant was at `taster_session_id`: the attendance
    /// is recorded with the application (by code, at `submitted_at`).
    pub attended: bool,
    pub any_cohort: bool,
    pub privacy_notice_version: &'a str,
    pub submitted_at: DateTime<Utc>,
    pub allocation: &'a Allocation,
    /// The step's events and the emails they send, recorded with the application.
    pub events: &'a [Event],
    pub messages: &'a [crate::workflow::messages::Outgoing],
}

/// Where an application stands: the columns a workflow step sets together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allocation {
    pub state: AllocationState,
    pub cohort_id: Option<i64>,
    pub eligible_at: Option<DateTime<Utc>>,
    pub offer_expires_at: Option<DateTime<Utc>>,
}

/// A place counts against a cohort as an allocation or as an outstanding offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hold {
    Allocation,
    Offer,
}

/// A cohort as the workflow sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CohortRow {
    pub places: CohortPlaces,
    pub name: String,
    pub intake: String,
    pub status: CohortStatus,
    /// Each meeting's start and end, in order.
    pub meetings: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

/// A cohort by name, for lists of choices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CohortName {
    pub id: i64,
    pub name: String,
    pub status: CohortStatus,
}

/// What a submission reads before it decides, in one round trip.
#[derive(Clone, Debug, Default)]
pub struct OpenPlaces {
    /// The intake: the one asked for, or that of the earliest open cohort.
    pub intake: Option<String>,
    /// Open cohorts of the intake, earliest first.
    pub places: Vec<CohortPlaces>,
    /// Cohort id → applications waiting for it.
    pub waiting: Vec<(i64, i64)>,
    /// The scheduled session whose attendance code has the key asked for: id, start, end.
    pub code_session: Option<(i64, DateTime<Utc>, DateTime<Utc>)>,
}

/// A taster session as the workflow sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TasterRow {
    pub id: i64,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub status: TasterStatus,
    /// When it was cancelled (while cancelled).
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Its Zoom meeting ID, digits only.
    pub meeting_id: String,
}

/// How attendance was confirmed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttendanceSource {
    Code,
    Manual,
    Zoom,
}

impl AttendanceSource {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Code => "code",
            Self::Manual => "manual",
            Self::Zoom => "zoom",
        }
    }
}

/// A Zoom attendee as the workflow sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttendeeRow {
    pub id: i64,
    pub import_id: i64,
    pub taster_session_id: i64,
    pub state: AttendeeState,
    /// The application it most likely is, or the one it was confirmed as.
    pub application_id: Option<i64>,
}

/// A uniqueness rule of the schema, named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Constraint {
    /// `application.reference`.
    ApplicationReference,
    /// `application_one_active_per_email` (rule 6).
    OneActivePerEmail,
    /// `cohort (course_id, name)`.
    CohortName,
    /// `taster_session_attendance_code_key`.
    AttendanceCode,
}

/// An insert that a uniqueness rule refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Taken(pub Constraint);

/// One entry of the audit log: who, what, and the values before and after. Entries name
/// applications by id, never by their personal details, so erasing an application leaves
/// nothing personal in the log, which no one may change.
#[derive(Clone, Debug)]
pub struct AuditEntry {
    /// The coordinator who made the change; none for the applicant or enrol itself.
    pub coordinator_id: Option<i64>,
    /// e.g. "taster.create", "application.withdraw".
    pub action: String,
    pub subject_type: String,
    pub subject_id: Option<i64>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// A cohort to create, with its meetings' start and end instants.
#[derive(Clone, Debug)]
pub struct NewCohort {
    pub name: String,
    pub intake: String,
    pub capacity: i64,
    pub status: CohortStatus,
    pub meetings: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

/// What a coordinator sets on a cohort.
#[derive(Clone, Debug)]
pub struct CohortUpdate {
    pub name: String,
    pub capacity: i64,
    pub status: CohortStatus,
    pub meetings: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

/// A taster session to create.
#[derive(Clone, Debug)]
pub struct NewTaster {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub zoom_url: String,
    pub meeting_id: String,
    pub passcode: String,
    pub attendance_code: String,
}

/// Who a message from the course team goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Everyone with a place on the cohort.
    Cohort,
    /// Everyone on the cohort's waiting list.
    Waiting,
}

impl Audience {
    /// The stored and posted spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cohort => "cohort",
            Self::Waiting => "waiting",
        }
    }

    /// Reads the stored or posted spelling.
    pub fn parse(value: &str) -> Option<Self> {
        [Self::Cohort, Self::Waiting].into_iter().find(|a| a.as_str() == value.trim())
    }
}

/// A message from the course team to a group, as a coordinator wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTeamMessage {
    pub audience: Audience,
    pub cohort_id: i64,
    pub subject: String,
    pub body: String,
    pub by: i64,
}

/// What a change to a taster session sets.
#[derive(Clone, Debug)]
pub enum TasterChange {
    /// New times and Zoom details (the attendance code is kept).
    Details(NewTaster),
    Cancel,
    Reinstate,
    /// A new attendance code.
    Code(String),
}

/// The row operations of the allocation workflow, in one transaction (see the module's
/// documentation for what a backend must provide). Every method is one or two statements.
pub trait Rows: Send {
    // Applications.

    /// One application's allocation columns.
    fn application(&mut self, key: Key<'_>) -> impl Future<Output = Result<Option<ApplicationRow>, AppError>> + Send;
    /// An id for a new application, not used before (nor given out again).
    fn new_application_id(&mut self) -> impl Future<Output = Result<i64, AppError>> + Send;
    /// A reference for a new application (`CL-7K3Q`), likely unused: [`Rows::insert_application`]
    /// still refuses one in use, and the step draws another.
    fn new_reference(&mut self) -> impl Future<Output = Result<String, AppError>> + Send;
    /// Stores a new application, its attendance when `attended`, and records its events and
    /// emails (as [`Rows::record`]); [`Taken`] for a reference or an email key in use, and
    /// then nothing is stored or recorded.
    fn insert_application(
        &mut self,
        row: &NewApplicationRow<'_>,
    ) -> impl Future<Output = Result<Result<(), Taken>, AppError>> + Send;
    /// Stores an application's ranked cohort choices (rank 1 first).
    fn insert_choices(&mut self, id: i64, cohorts: &[i64]) -> impl Future<Output = Result<(), AppError>> + Send;
    /// An application's ranked choices, leaving out the cohorts it has left the queue of
    /// (rule 4). Empty for "any cohort".
    fn choices(&mut self, id: i64) -> impl Future<Output = Result<Vec<CohortName>, AppError>> + Send;
    /// The cohorts an application has left the queue of (declined, or let an offer lapse).
    fn left_queues(&mut self, id: i64) -> impl Future<Output = Result<Vec<i64>, AppError>> + Send;
    /// Takes the application off one cohort's queue for good (rule 4).
    fn leave_queue(&mut self, id: i64, cohort_id: i64, at: DateTime<Utc>) -> impl Future<Output = Result<(), AppError>> + Send;
    /// Sets where an application stands.
    fn set_allocation(
        &mut self,
        id: i64,
        allocation: &Allocation,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), AppError>> + Send;
    /// Names the session an application attended, unless it names one already.
    fn note_taster(&mut self, id: i64, taster_session_id: i64) -> impl Future<Output = Result<(), AppError>> + Send;
    /// Records a confirmed attendance (once per application and session).
    fn record_attendance(
        &mut self,
        taster_session_id: i64,
        application_id: i64,
        source: AttendanceSource,
        by: Option<i64>,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), AppError>> + Send;
    /// Applications with an offer that has lapsed by `now`, earliest first.
    fn offers_due(&mut self, now: DateTime<Utc>) -> impl Future<Output = Result<Vec<i64>, AppError>> + Send;
    /// The first application waiting for `cohort_id` (by `eligible_at`, then id).
    fn next_waiting(&mut self, cohort_id: i64) -> impl Future<Output = Result<Option<i64>, AppError>> + Send;
    /// How many applications wait for `cohort_id` ahead of one eligible at `eligible_at` with id `id`.
    fn waiting_ahead(
        &mut self,
        cohort_id: i64,
        eligible_at: DateTime<Utc>,
        id: i64,
    ) -> impl Future<Output = Result<i64, AppError>> + Send;

    // Cohorts.

    /// The open cohorts of `intake` (or of the current intake), how many wait for each, and the
    /// session an attendance code (by its key) belongs to.
    fn open_places(
        &mut self,
        intake: Option<&str>,
        code_key: Option<&str>,
    ) -> impl Future<Output = Result<OpenPlaces, AppError>> + Send;
    /// One cohort.
    fn cohort(&mut self, id: i64) -> impl Future<Output = Result<Option<CohortRow>, AppError>> + Send;
    /// The cohorts of an intake that are not closed, earliest first.
    fn intake_cohorts(&mut self, intake: &str) -> impl Future<Output = Result<Vec<CohortName>, AppError>> + Send;
    /// Takes one place of an open cohort with a free place; an error (never an overfilled
    /// cohort) when it has none.
    fn take_place(&mut self, cohort_id: i64, hold: Hold) -> impl Future<Output = Result<(), AppError>> + Send;
    /// Gives back one place.
    fn release_place(&mut self, cohort_id: i64, hold: Hold) -> impl Future<Output = Result<(), AppError>> + Send;
    /// Turns one outstanding offer of a cohort into an allocation.
    fn accept_place(&mut self, cohort_id: i64) -> impl Future<Output = Result<(), AppError>> + Send;
    /// Stores a new cohort and its meetings; [`Taken`] for a name in use.
    fn insert_cohort(
        &mut self,
        cohort: &NewCohort,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<Result<i64, Taken>, AppError>> + Send;
    /// Changes a cohort and replaces its meetings; [`Taken`] for a name in use.
    fn update_cohort(
        &mut self,
        id: i64,
        update: &CohortUpdate,
    ) -> impl Future<Output = Result<Result<(), Taken>, AppError>> + Send;
    /// Sets a cohort's capacity.
    fn set_capacity(&mut self, id: i64, capacity: i64) -> impl Future<Output = Result<(), AppError>> + Send;

    // Taster sessions.

    /// One taster session.
    fn taster(&mut self, id: i64) -> impl Future<Output = Result<Option<TasterRow>, AppError>> + Send;
    /// A taster session and its attendance code, as the audit log records them.
    fn taster_record(&mut self, id: i64) -> impl Future<Output = Result<Option<serde_json::Value>, AppError>> + Send;
    /// Stores a taster session; [`Taken`] for an attendance code in use.
    fn insert_taster(
        &mut self,
        taster: &NewTaster,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<Result<i64, Taken>, AppError>> + Send;
    /// Changes a taster session; [`Taken`] for an attendance code in use.
    fn change_taster(
        &mut self,
        id: i64,
        change: &TasterChange,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<Result<(), Taken>, AppError>> + Send;

    // Zoom reports.

    /// Stores an uploaded report's header: its session, who uploaded it, how many rows it had
    /// and the file's digest.
    fn insert_import(
        &mut self,
        taster_session_id: i64,
        filename: &str,
        row_count: usize,
        digest: &str,
        by: i64,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<i64, AppError>> + Send;
    /// The report of this session already uploaded with this digest, if any: its id and when.
    fn import_with_digest(
        &mut self,
        taster_session_id: i64,
        digest: &str,
    ) -> impl Future<Output = Result<Option<(i64, DateTime<Utc>)>, AppError>> + Send;
    /// Stores one attendee of a report, with the application it most likely is.
    fn insert_attendee(
        &mut self,
        import_id: i64,
        attendee: &crate::domain::zoom_report::Attendee,
        matched: Option<(i64, crate::domain::matching::MatchKind)>,
    ) -> impl Future<Output = Result<(), AppError>> + Send;
    /// One attendee of an uploaded report.
    fn attendee(&mut self, id: i64) -> impl Future<Output = Result<Option<AttendeeRow>, AppError>> + Send;
    /// Deletes a report and its attendees; whether there was one.
    fn delete_import(&mut self, id: i64) -> impl Future<Output = Result<bool, AppError>> + Send;
    /// Puts a decided (rejected or confirmed) attendee back to be decided again.
    fn reopen_attendee(&mut self, id: i64) -> impl Future<Output = Result<(), AppError>> + Send;
    /// Takes back the attendance a Zoom report confirmed for an application at a session;
    /// whether there was one (attendance proved another way stays).
    fn remove_zoom_attendance(
        &mut self,
        taster_session_id: i64,
        application_id: i64,
    ) -> impl Future<Output = Result<bool, AppError>> + Send;
    /// The earliest session an application's remaining attendance is at: its id and start.
    fn first_attendance(
        &mut self,
        application_id: i64,
    ) -> impl Future<Output = Result<Option<(i64, DateTime<Utc>)>, AppError>> + Send;
    /// Names the session an application attended, or none.
    fn set_taster(
        &mut self,
        id: i64,
        taster_session_id: Option<i64>,
    ) -> impl Future<Output = Result<(), AppError>> + Send;
    /// Suggests an application for a pending attendee who had none; whether it was stored.
    fn suggest_match(
        &mut self,
        id: i64,
        application_id: i64,
        kind: crate::domain::matching::MatchKind,
    ) -> impl Future<Output = Result<bool, AppError>> + Send;
    /// Records a coordinator's decision on an attendee.
    fn decide_attendee(
        &mut self,
        id: i64,
        state: AttendeeState,
        application_id: Option<i64>,
        by: i64,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), AppError>> + Send;

    // The record.

    /// Appends an entry to the audit log.
    fn audit(&mut self, entry: &AuditEntry, at: DateTime<Utc>) -> impl Future<Output = Result<(), AppError>> + Send;
    /// Appends events, in order, each with an id greater than every earlier one.
    fn record_events(&mut self, events: &[Event], at: DateTime<Utc>) -> impl Future<Output = Result<(), AppError>> + Send;
    /// Records a step's events and queues the emails they send, in one go when the database
    /// allows (see [`Rows::record_events`] and [`Rows::queue_messages`]).
    fn record(
        &mut self,
        events: &[Event],
        messages: &[crate::workflow::messages::Outgoing],
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), AppError>> + Send;
    /// Queues emails in the outbox, to be sent once the step has committed; a message whose
    /// `once` key was queued before is left out. Returns how many were queued.
    fn queue_messages(
        &mut self,
        messages: &[crate::workflow::messages::Outgoing],
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<u64, AppError>> + Send;
    /// Whether an application's personal details were erased.
    fn is_erased(&mut self, id: i64) -> impl Future<Output = Result<bool, AppError>> + Send;
    /// Removes an application's personal details for good, keeping its row (reference, state,
    /// queue order): its name, email, job title, employer and access needs; the copies of name
    /// and email on its attendance records; the Zoom report rows confirmed or suggested as it
    /// (rows rejected as it are only unlinked); its wrong-code counter. Its status token
    /// becomes `new_token`, which nobody holds, and its emails not yet sent are stopped.
    /// Returns the ids of its emails.
    fn erase_personal(
        &mut self,
        id: i64,
        new_token: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<i64>, AppError>> + Send;
    /// The newest application with this email key, if any (for "Lost your link?").
    fn application_by_email(&mut self, email_key: &str) -> impl Future<Output = Result<Option<i64>, AppError>> + Send;
    /// How many messages of `kind` were queued for an application since `since`.
    fn messages_since(
        &mut self,
        application_id: i64,
        kind: crate::models::MessageKind,
        since: DateTime<Utc>,
    ) -> impl Future<Output = Result<i64, AppError>> + Send;
    /// The applications a group message goes to: everyone with a place on the cohort, or
    /// everyone waiting for it.
    fn group(&mut self, audience: Audience, cohort_id: i64) -> impl Future<Output = Result<Vec<i64>, AppError>> + Send;
    /// Stores the course team's message to a group; returns its id.
    fn insert_team_message(
        &mut self,
        message: &NewTeamMessage,
        recipients: usize,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<i64, AppError>> + Send;
    /// Outstanding offers that lapse by `by`: application, cohort and the offer's end.
    fn offers_ending_by(
        &mut self,
        by: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<(i64, i64, DateTime<Utc>)>, AppError>> + Send;
}
