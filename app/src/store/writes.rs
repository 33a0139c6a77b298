//! The store's changes: each runs one step of the workflow (`crate::workflow`) as a job of
//! this instance's single writer, in the writer's transaction (`writer.rs`); the step's rules,
//! wording, audit entries and events are the workflow's, the SQL is `rows.rs`.

use super::rows::SqlRows;
use super::Store;
use crate::domain::application::NewApplication;
use crate::domain::matching::best_match;
use crate::domain::zoom_report::Report;
use crate::errors::AppError;
use crate::models::{ApplicationOutcome, ApplicationStatus};
use crate::workflow::privacy::{Erased, Reason};
use crate::workflow::rows::{AttendanceSource, CohortUpdate, Key, NewCohort, NewTaster, TasterChange};
use crate::workflow::rows::{Audience, NewTeamMessage};
use crate::workflow::{applications, attendance, cohorts, privacy, tasters, telling, Actor};
use chrono::{DateTime, Utc};

/// Runs `$body` as one write step at `$now`, with the step's `Rows` bound to `$rows` and the
/// writer's clock of record to `$at`.
macro_rules! step {
    ($store:expr, $now:expr, |$rows:ident, $at:ident| $body:expr) => {
        $store
            .writer
            .write($now, move |conn, $at| {
                Box::pin(async move {
                    let mut rows = SqlRows(conn);
                    let $rows = &mut rows;
                    $body
                })
            })
            .await
    };
}

impl Store {
    /// Rules 1, 2 and 6: stores a checked application and places it when its code is valid.
    pub async fn submit_application(
        &self,
        app: NewApplication,
        now: DateTime<Utc>,
    ) -> Result<ApplicationOutcome, AppError> {
        step!(self, now, |rows, at| applications::submit(rows, app, at).await)
    }

    /// Rule 1: records attendance at a taster session; an application waiting for that check
    /// becomes eligible (from the session's start) and is placed.
    pub async fn confirm_attendance(
        &self,
        application_id: i64,
        taster_session_id: i64,
        source: AttendanceSource,
        actor: Actor,
        now: DateTime<Utc>,
    ) -> Result<ApplicationStatus, AppError> {
        step!(self, now, |rows, at| {
            applications::confirm_attendance(rows, application_id, taster_session_id, source, actor, at).await
        })
    }

    /// The applicant withdraws, by their status token.
    pub async fn withdraw(&self, token: &str, now: DateTime<Utc>) -> Result<ApplicationStatus, AppError> {
        let (token, settings) = (token.to_string(), self.settings);
        step!(self, now, |rows, at| applications::withdraw(rows, Key::Token(&token), Actor::Applicant, settings, at)
            .await)
    }

    /// A coordinator withdraws an application on the applicant's behalf (audited).
    pub async fn withdraw_by_id(&self, id: i64, by: i64, now: DateTime<Utc>) -> Result<ApplicationStatus, AppError> {
        let settings = self.settings;
        step!(self, now, |rows, at| applications::withdraw(rows, Key::Id(id), Actor::Coordinator(by), settings, at)
            .await)
    }

    /// The applicant accepts an offered place.
    pub async fn accept_offer(&self, token: &str, now: DateTime<Utc>) -> Result<ApplicationStatus, AppError> {
        let (token, settings) = (token.to_string(), self.settings);
        step!(self, now, |rows, at| applications::accept_offer(rows, Key::Token(&token), settings, at).await)
    }

    /// The applicant declines an offered place (and waits on for their other choices).
    pub async fn decline_offer(&self, token: &str, now: DateTime<Utc>) -> Result<ApplicationStatus, AppError> {
        let (token, settings) = (token.to_string(), self.settings);
        step!(self, now, |rows, at| applications::decline_offer(rows, Key::Token(&token), settings, at).await)
    }

    /// Lapses the offers whose window has passed and passes their places on; returns how many.
    pub async fn expire_offers(&self, now: DateTime<Utc>) -> Result<usize, AppError> {
        let settings = self.settings;
        step!(self, now, |rows, at| applications::expire_offers(rows, settings, at).await)
    }

    /// A coordinator moves an allocated applicant to another cohort of the same intake.
    pub async fn move_to_cohort(
        &self,
        id: i64,
        cohort_id: i64,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<ApplicationStatus, AppError> {
        let settings = self.settings;
        step!(self, now, |rows, at| applications::move_to_cohort(rows, id, cohort_id, by, settings, at).await)
    }

    /// Adds a cohort with its meetings; an open one offers its places to the waiting list at once.
    pub async fn create_cohort(&self, cohort: &NewCohort, actor: Actor, now: DateTime<Utc>) -> Result<i64, AppError> {
        let (cohort, settings) = (cohort.clone(), self.settings);
        step!(self, now, |rows, at| cohorts::create_cohort(rows, &cohort, actor, settings, at).await)
    }

    /// A coordinator changes a cohort (name, capacity, status, meetings).
    pub async fn update_cohort(
        &self,
        id: i64,
        update: CohortUpdate,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let settings = self.settings;
        step!(self, now, |rows, at| cohorts::update_cohort(rows, id, &update, by, settings, at).await)
    }

    /// Changes a cohort's capacity; new places go to the waiting list at once.
    pub async fn set_capacity(&self, cohort_id: i64, capacity: i64, now: DateTime<Utc>) -> Result<(), AppError> {
        let settings = self.settings;
        step!(self, now, |rows, at| cohorts::set_capacity(rows, cohort_id, capacity, settings, at).await)
    }

    /// Adds a taster session (audited when a coordinator adds it).
    pub async fn create_taster(&self, taster: &NewTaster, actor: Actor, now: DateTime<Utc>) -> Result<i64, AppError> {
        let taster = taster.clone();
        step!(self, now, |rows, at| tasters::create_taster(rows, &taster, actor, at).await)
    }

    /// A coordinator changes a taster session (details, cancellation, attendance code).
    pub async fn change_taster(
        &self,
        id: i64,
        change: TasterChange,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        step!(self, now, |rows, at| tasters::change_taster(rows, id, &change, by, at).await)
    }

    /// A coordinator confirms an attendee of a Zoom report as an application (the suggested
    /// one, or `application_id`), confirming its attendance; or rejects the match.
    pub async fn decide_attendee(
        &self,
        attendee_id: i64,
        confirm: bool,
        application_id: Option<i64>,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        step!(self, now, |rows, at| attendance::decide_attendee(rows, attendee_id, confirm, application_id, by, at)
            .await)
    }

    /// Confirms every pending attendee of a report whose suggested application has the same
    /// email (each its own step, as if confirmed one by one); returns how many.
    pub async fn confirm_email_matches(&self, import_id: i64, by: i64, now: DateTime<Utc>) -> Result<usize, AppError> {
        let attendees = super::zoom::email_matches(&self.db, import_id).await?;
        let mut confirmed = 0;
        for attendee in attendees {
            match self.decide_attendee(attendee, true, None, by, now).await {
                Ok(()) => confirmed += 1,
                // Decided meanwhile by someone else: nothing to do.
                Err(AppError::Conflict(_)) => {}
                Err(error) => return Err(error),
            }
        }
        Ok(confirmed)
    }

    /// A coordinator deletes an uploaded report and its match queue (audited); attendance it
    /// confirmed is kept.
    pub async fn delete_import(&self, import_id: i64, by: i64, now: DateTime<Utc>) -> Result<(), AppError> {
        step!(self, now, |rows, at| attendance::delete_import(rows, import_id, by, at).await)
    }

    /// A coordinator undoes a rejected or confirmed match while the report is open (audited;
    /// see `workflow::attendance::undo_decision`).
    pub async fn undo_decision(&self, attendee_id: i64, by: i64, now: DateTime<Utc>) -> Result<(), AppError> {
        step!(self, now, |rows, at| attendance::undo_decision(rows, attendee_id, by, at).await)
    }

    /// Matches a report's unmatched attendees again, against the applications there are now
    /// (matching runs before the write, as for an upload); returns how many found one.
    pub async fn rematch(&self, import_id: i64, by: i64, now: DateTime<Utc>) -> Result<usize, AppError> {
        let unmatched = super::zoom::unmatched(&self.db, import_id).await?;
        let candidates = super::zoom::candidates(&self.db).await?;
        let found = tokio::task::spawn_blocking(move || {
            unmatched
                .iter()
                .filter_map(|(id, name, email)| {
                    best_match(name, email.as_deref(), &candidates).map(|(app, kind)| (*id, app, kind))
                })
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|_| AppError::Internal)?;
        step!(self, now, |rows, at| attendance::store_rematches(rows, import_id, &found, by, at).await)
    }

    /// Stores an uploaded Zoom report and its match queue; returns its id. Each attendee is
    /// matched to the application it most likely is before the write begins (and off the
    /// async threads), so matching never holds up a submission.
    pub async fn create_import(
        &self,
        taster_session_id: i64,
        filename: &str,
        report: &Report,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<i64, AppError> {
        let candidates = super::zoom::candidates(&self.db).await?;
        let attendees = report.attendees.clone();
        let matches = tokio::task::spawn_blocking(move || {
            attendees.iter().map(|a| best_match(&a.name, a.email.as_deref(), &candidates)).collect::<Vec<_>>()
        })
        .await
        .map_err(|_| AppError::Internal)?;
        let (filename, report) = (filename.to_string(), report.clone());
        step!(self, now, |rows, at| {
            attendance::store_import(rows, taster_session_id, &filename, &report, &matches, by, at).await
        })
    }

    /// Queues a reminder for every offer that lapses within `before` (once per offer).
    pub async fn remind_offers(&self, before: chrono::Duration, now: DateTime<Utc>) -> Result<u64, AppError> {
        step!(self, now, |rows, at| telling::remind_offers(rows, before, at).await)
    }

    /// "Lost your link?": queues the status link for the newest application with this email
    /// key, within the hourly limit; says nothing of whether there was one.
    pub async fn send_status_link(&self, email_key: &str, now: DateTime<Utc>) -> Result<(), AppError> {
        let email_key = email_key.to_string();
        step!(self, now, |rows, at| telling::send_status_link(rows, &email_key, at).await)
    }

    /// A coordinator sends an applicant their status link again (audited).
    pub async fn resend_status_link(&self, id: i64, by: i64, now: DateTime<Utc>) -> Result<(), AppError> {
        step!(self, now, |rows, at| telling::resend_status_link(rows, id, by, at).await)
    }

    /// A coordinator writes to a cohort or its waiting list (audited); returns how many it went to.
    pub async fn write_to_group(&self, message: NewTeamMessage, now: DateTime<Utc>) -> Result<usize, AppError> {
        step!(self, now, |rows, at| telling::write_to_group(rows, &message, at).await)
    }

    /// How many applicants a group message would go to now.
    pub async fn group_size(&self, audience: Audience, cohort_id: i64) -> Result<usize, AppError> {
        let mut pooled = self.db.acquire().await?;
        telling::group_size(&mut SqlRows(pooled.conn()), audience, cohort_id).await
    }

    /// A coordinator sends a failed email again (audited).
    pub async fn retry_email(&self, id: i64, by: i64, now: DateTime<Utc>) -> Result<(), AppError> {
        step!(self, now, |rows, at| {
            if !super::outbox::retry(&mut rows.0, id).await? {
                return Err(AppError::Conflict("Only a failed email can be sent again".into()));
            }
            let entry = crate::workflow::rows::AuditEntry {
                coordinator_id: Some(by),
                action: "email.retry".into(),
                subject_type: "email".into(),
                subject_id: Some(id),
                before: Some(serde_json::json!({ "state": "failed" })),
                after: Some(serde_json::json!({ "state": "pending" })),
            };
            crate::workflow::rows::Rows::audit(rows, &entry, at).await
        })
    }

    /// Erases an application's personal details for good (withdrawing it first if active), and
    /// makes the erasure stick in the database's files. By its status token (the applicant),
    /// or by id (an admin with a reason, or the retention task).
    pub async fn erase(
        &self,
        key: ErasureKey,
        actor: Actor,
        reason: Reason,
        now: DateTime<Utc>,
    ) -> Result<Erased, AppError> {
        let settings = self.settings;
        let erased = step!(self, now, |rows, at| {
            let key = match &key {
                ErasureKey::Token(token) => Key::Token(token),
                ErasureKey::Id(id) => Key::Id(*id),
            };
            privacy::erase(rows, key, actor, reason, settings, at).await
        })?;
        super::privacy::seal(&self.db).await?;
        Ok(erased)
    }

    /// An admin sets how many months after an intake's last meeting its personal data is kept
    /// (audited).
    pub async fn set_retention(&self, intake: &str, months: u32, by: i64, now: DateTime<Utc>) -> Result<(), AppError> {
        let intake = intake.to_string();
        step!(self, now, |rows, at| {
            super::privacy::set_retention(&mut rows.0, &intake, months, by, at).await?;
            let entry = crate::workflow::rows::AuditEntry {
                coordinator_id: Some(by),
                action: "retention.set".into(),
                subject_type: "intake".into(),
                subject_id: None,
                before: None,
                after: Some(serde_json::json!({ "intake": intake, "months": months })),
            };
            crate::workflow::rows::Rows::audit(rows, &entry, at).await
        })
    }
}

impl Store {
    /// A coordinator adds a note to an application (audited: that a note was added, not its
    /// words). Refuses an empty or over-long note, and an application whose data was erased.
    pub async fn add_note(&self, application_id: i64, body: &str, by: i64, now: DateTime<Utc>) -> Result<(), AppError> {
        let body = crate::domain::text::parse_text(body, "a note", super::notes::MAX_NOTE_CHARS, true)
            .map_err(|message| AppError::invalid("note", &message))?;
        step!(self, now, |rows, at| {
            if crate::workflow::rows::Rows::is_erased(rows, application_id).await? {
                return Err(AppError::Conflict("This person’s data has been erased, so no notes can be added".into()));
            }
            let note = super::notes::add(&mut rows.0, application_id, by, &body, at).await?;
            let entry = crate::workflow::rows::AuditEntry {
                coordinator_id: Some(by),
                action: "application.note".into(),
                subject_type: "application".into(),
                subject_id: Some(application_id),
                before: None,
                after: Some(serde_json::json!({ "note": note })),
            };
            crate::workflow::rows::Rows::audit(rows, &entry, at).await
        })
    }
}

/// Which application to erase.
#[derive(Clone, Debug)]
pub enum ErasureKey {
    Token(String),
    Id(i64),
}
