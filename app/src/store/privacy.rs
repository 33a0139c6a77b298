//! Personal data, as UK GDPR asks (DESIGN.md, "Data, security, scale"): everything held about
//! one person in one document, the intakes' retention periods and when each intake's data is
//! erased, the access log, and making an erasure stick in the database's files.

use super::db::{sql, Conn, Db, Dialect};
use crate::errors::AppError;
use chrono::{DateTime, Months, Utc};
use serde::Serialize;
use serde_json::{json, Value};

/// How long an intake's personal data is kept after its last meeting, unless an admin set
/// another period.
pub const DEFAULT_RETENTION_MONTHS: u32 = 12;

/// A section of the export: what it is, then the data.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Section {
    pub explanation: &'static str,
    pub data: Value,
}

/// Everything enrol holds about one person, with a short explanation of each part.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PersonalData {
    pub about: &'static str,
    pub exported_at: DateTime<Utc>,
    pub application: Section,
    pub consent: Section,
    pub attendance: Section,
    pub zoom_reports: Section,
    pub queue_history: Section,
    pub emails: Section,
    pub notes: Section,
    pub audit_log: Section,
}

impl PersonalData {
    /// The document as a file to download: its name and its pretty-printed JSON.
    pub fn file(&self) -> (String, Vec<u8>) {
        let reference = self.application.data["reference"].as_str().unwrap_or("application").to_string();
        let body = serde_json::to_vec_pretty(self).unwrap_or_default();
        (format!("personal-data-{reference}.json"), body)
    }
}

#[derive(sqlx::FromRow)]
struct Held {
    id: i64,
    reference: String,
    name: String,
    email: String,
    job_title: String,
    employer: String,
    nurse_advocate: String,
    access_needs: String,
    intake: String,
    any_cohort: bool,
    submitted_at: DateTime<Utc>,
    eligible_at: Option<DateTime<Utc>>,
    state: String,
    cohort: Option<String>,
    offer_expires_at: Option<DateTime<Utc>>,
    consent_at: DateTime<Utc>,
    privacy_notice_version: String,
    taster: Option<DateTime<Utc>>,
    erased_at: Option<DateTime<Utc>>,
}

/// Everything held about the application `id`'s applicant.
pub async fn export(db: &Db, id: i64, now: DateTime<Utc>) -> Result<Option<PersonalData>, AppError> {
    let mut pooled = db.acquire().await?;
    let mut conn = pooled.conn();
    let Some(held): Option<Held> = sql(
        "SELECT a.id, a.reference, a.name, a.email, a.job_title, a.employer, a.nurse_advocate, a.access_needs, a.intake,
                a.any_cohort, a.submitted_at, a.eligible_at, a.state, c.name AS cohort, a.offer_expires_at, a.consent_at,
                a.privacy_notice_version, t.starts_at AS taster, a.erased_at
         FROM application a LEFT JOIN cohort c ON c.id = a.cohort_id
         LEFT JOIN taster_session t ON t.id = a.taster_session_id
         WHERE a.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut conn)
    .await?
    else {
        return Ok(None);
    };
    let choices: Vec<String> = sql("SELECT c.name FROM application_choice ch JOIN cohort c ON c.id = ch.cohort_id
         WHERE ch.application_id = $1 ORDER BY ch.rank")
    .bind(id)
    .scalars(&mut conn)
    .await?;
    let attendance: Vec<(DateTime<Utc>, String, DateTime<Utc>, Option<String>, Option<String>, Option<String>)> =
        sql("SELECT t.starts_at, a.source, a.confirmed_at, c.name, a.attendee_name, a.attendee_email
         FROM attendance a JOIN taster_session t ON t.id = a.taster_session_id
         LEFT JOIN coordinator c ON c.id = a.confirmed_by
         WHERE a.application_id = $1 ORDER BY a.confirmed_at")
        .bind(id)
        .fetch_all(&mut conn)
        .await?;
    let zoom: Vec<(DateTime<Utc>, String, Option<String>, i64, String, Option<String>)> = sql(
        "SELECT t.starts_at, z.name, z.email, z.minutes, z.state, z.match_kind
         FROM zoom_attendee z JOIN zoom_import i ON i.id = z.import_id JOIN taster_session t ON t.id = i.taster_session_id
         WHERE z.application_id = $1 ORDER BY z.id",
    )
    .bind(id)
    .fetch_all(&mut conn)
    .await?;
    let events: Vec<(DateTime<Utc>, String)> =
        sql("SELECT at, data FROM event WHERE application_id = $1 ORDER BY id").bind(id).fetch_all(&mut conn).await?;
    let emails: Vec<(DateTime<Utc>, String, String, Option<DateTime<Utc>>)> =
        sql("SELECT queued_at, kind, state, sent_at FROM outbox WHERE application_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&mut conn)
            .await?;
    let notes: Vec<(DateTime<Utc>, String, String)> = sql(
        "SELECT n.created_at, c.name, n.body FROM application_note n JOIN coordinator c ON c.id = n.coordinator_id
         WHERE n.application_id = $1 ORDER BY n.created_at, n.id",
    )
    .bind(id)
    .fetch_all(&mut conn)
    .await?;
    let audit: Vec<(DateTime<Utc>, Option<String>, String, Option<String>, Option<String>)> =
        sql("SELECT l.at, c.name, l.action, l.before_json, l.after_json FROM audit_log l
         LEFT JOIN coordinator c ON c.id = l.coordinator_id
         WHERE l.subject_type = 'application' AND l.subject_id = $1 ORDER BY l.id")
        .bind(id)
        .fetch_all(&mut conn)
        .await?;
    let parse = |text: Option<String>| text.and_then(|t| serde_json::from_str::<Value>(&t).ok());
    Ok(Some(PersonalData {
        about: "Everything the Compassionate leadership course team holds about you in enrol, the system \
                that runs the course's applications, as of the time below. Times are in UTC.",
        exported_at: now,
        application: Section {
            explanation: "Your joining form and where your application stands. The reference stays after your \
                          data is erased, so that the course's numbers stay right.",
            data: json!({
                "reference": held.reference, "name": held.name, "work_email": held.email, "job_title": held.job_title,
                "employer": held.employer, "nurse_advocate": held.nurse_advocate, "access_needs": held.access_needs,
                "intake": held.intake, "courses_chosen": if held.any_cohort { vec!["any".to_string()] } else { choices },
                "taster_session_attended": held.taster, "submitted_at": held.submitted_at,
                "eligible_at": held.eligible_at, "state": held.state, "cohort": held.cohort,
                "offer_expires_at": held.offer_expires_at, "erased_at": held.erased_at, "internal_id": held.id,
            }),
        },
        consent: Section {
            explanation: "When you agreed to the privacy notice, and which version of it you agreed to.",
            data: json!({ "consented_at": held.consent_at, "privacy_notice_version": held.privacy_notice_version }),
        },
        attendance: Section {
            explanation: "How your attendance at a taster session was confirmed: by the attendance code you \
                          typed, by a coordinator by hand, or from the session's Zoom report.",
            data: Value::Array(
                attendance
                    .into_iter()
                    .map(|(session, source, at, by, name, email)| {
                        json!({ "session_started_at": session, "how": source, "confirmed_at": at,
                                "confirmed_by": by, "name_recorded": name, "email_recorded": email })
                    })
                    .collect(),
            ),
        },
        zoom_reports: Section {
            explanation: "Rows of taster sessions' Zoom participant reports that were matched to you: the name \
                          and email Zoom recorded, and how long you stayed.",
            data: Value::Array(
                zoom.into_iter()
                    .map(|(session, name, email, minutes, state, kind)| {
                        json!({ "session_started_at": session, "name": name, "email": email,
                                "minutes": minutes, "decision": state, "matched_by": kind })
                    })
                    .collect(),
            ),
        },
        queue_history: Section {
            explanation: "Every change to your application, in order: submitted, attendance confirmed, a place \
                          allocated or a position on a waiting list, offers made, declined or lapsed, moves, \
                          withdrawal.",
            data: Value::Array(
                events
                    .into_iter()
                    .map(|(at, data)| json!({ "at": at, "change": parse(Some(data)) }))
                    .collect(),
            ),
        },
        emails: Section {
            explanation: "The emails sent to you about your application and whether each was delivered. Their \
                          words are not kept: each was put together from your application when it was sent.",
            data: Value::Array(
                emails
                    .into_iter()
                    .map(|(queued, kind, state, sent)| {
                        json!({ "queued_at": queued, "kind": kind, "delivery": state, "sent_at": sent })
                    })
                    .collect(),
            ),
        },
        notes: Section {
            explanation: "Notes the course team wrote about your application, and who wrote each.",
            data: Value::Array(
                notes.into_iter().map(|(at, by, body)| json!({ "at": at, "by": by, "note": body })).collect(),
            ),
        },
        audit_log: Section {
            explanation: "What coordinators (or enrol itself) did to your application, with the values before \
                          and after.",
            data: Value::Array(
                audit
                    .into_iter()
                    .map(|(at, who, action, before, after)| {
                        json!({ "at": at, "by": who.unwrap_or_else(|| "enrol or you".into()), "action": action,
                                "before": parse(before), "after": parse(after) })
                    })
                    .collect(),
            ),
        },
    }))
}

/// An intake's retention: when its personal data is erased, and how many applications still
/// hold some.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Retention {
    pub intake: String,
    /// The end of the intake's last meeting, if its cohorts have meetings.
    pub last_meeting: Option<DateTime<Utc>>,
    pub months: u32,
    /// Whether an admin set the period (otherwise the default).
    pub set_by_admin: bool,
    /// When its personal data is erased: `months` after the last meeting (or after the last
    /// application, for an intake without meetings).
    pub erase_on: DateTime<Utc>,
    /// Applications of the intake whose personal data is still held.
    pub applications: i64,
}

/// Every intake with applications or cohorts, earliest erasure first.
pub async fn retention(db: &Db) -> Result<Vec<Retention>, AppError> {
    let meetings: Vec<(String, Option<DateTime<Utc>>)> = sql(
        "SELECT c.intake, max(m.ends_at) FROM cohort c LEFT JOIN cohort_meeting m ON m.cohort_id = c.id GROUP BY c.intake",
    )
    .fetch_all(db)
    .await?;
    let held: Vec<(String, i64, DateTime<Utc>)> =
        sql("SELECT intake, count(*), max(submitted_at) FROM application WHERE erased_at IS NULL GROUP BY intake")
            .fetch_all(db)
            .await?;
    let set: Vec<(String, i64)> = sql("SELECT intake, months FROM intake_retention").fetch_all(db).await?;
    let mut intakes: Vec<String> =
        meetings.iter().map(|m| m.0.clone()).chain(held.iter().map(|h| h.0.clone())).collect();
    intakes.sort();
    intakes.dedup();
    let mut out: Vec<Retention> = intakes
        .into_iter()
        .filter_map(|intake| {
            let last_meeting = meetings.iter().find(|m| m.0 == intake).and_then(|m| m.1);
            let (applications, last_applied) =
                held.iter().find(|h| h.0 == intake).map(|h| (h.1, Some(h.2))).unwrap_or((0, None));
            let chosen = set.iter().find(|s| s.0 == intake).map(|s| s.1 as u32);
            let months = chosen.unwrap_or(DEFAULT_RETENTION_MONTHS);
            let from = last_meeting.or(last_applied)?;
            let erase_on = from.checked_add_months(Months::new(months))?;
            Some(Retention { intake, last_meeting, months, set_by_admin: chosen.is_some(), erase_on, applications })
        })
        .collect();
    out.sort_by_key(|r| r.erase_on);
    Ok(out)
}

/// Up to `limit` applications whose intake's retention period has ended by `now` and whose
/// personal data is still held.
pub async fn due(db: &Db, now: DateTime<Utc>, limit: usize) -> Result<Vec<i64>, AppError> {
    let mut ids = Vec::new();
    for r in retention(db).await?.into_iter().filter(|r| r.erase_on <= now && r.applications > 0) {
        let room = limit.saturating_sub(ids.len()) as i64;
        if room == 0 {
            break;
        }
        let mut more: Vec<i64> =
            sql("SELECT id FROM application WHERE intake = $1 AND erased_at IS NULL ORDER BY id LIMIT $2")
                .bind(&r.intake)
                .bind(room)
                .scalars(db)
                .await?;
        ids.append(&mut more);
    }
    Ok(ids)
}

/// Sets an intake's retention period.
pub async fn set_retention(
    conn: &mut Conn<'_>,
    intake: &str,
    months: u32,
    by: i64,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    sql(
        "INSERT INTO intake_retention (intake, months, set_by, set_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (intake) DO UPDATE SET months = excluded.months, set_by = excluded.set_by, set_at = excluded.set_at",
    )
    .bind(intake)
    .bind(i64::from(months))
    .bind(by)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// What a coordinator looked at: an application, the applications table, a person's data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    ViewApplication,
    ExportTable,
    ExportPerson,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ViewApplication => "view_application",
            Self::ExportTable => "export_table",
            Self::ExportPerson => "export_person",
        }
    }

    /// What admins read it as.
    pub fn label(stored: &str) -> &'static str {
        match stored {
            "view_application" => "Viewed the application",
            "export_table" => "Downloaded the applications table",
            "export_person" => "Downloaded the person’s data",
            _ => "Looked at data",
        }
    }
}

/// Notes that a coordinator looked at something (nothing personal beyond a reference).
pub async fn log_access(
    db: &Db,
    coordinator_id: i64,
    access: Access,
    reference: Option<&str>,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    sql("INSERT INTO access_log (at, coordinator_id, action, reference) VALUES ($1, $2, $3, $4)")
        .bind(at)
        .bind(coordinator_id)
        .bind(access.as_str())
        .bind(reference)
        .execute(db)
        .await?;
    Ok(())
}

/// The access log, newest first: when, who, what, which application.
pub async fn access_log(
    db: &Db,
    limit: i64,
    offset: i64,
) -> Result<Vec<(DateTime<Utc>, String, String, Option<String>)>, AppError> {
    Ok(sql("SELECT l.at, c.name, l.action, l.reference FROM access_log l JOIN coordinator c ON c.id = l.coordinator_id
         ORDER BY l.id DESC LIMIT $1 OFFSET $2")
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?)
}

/// Deletes access-log rows from before `before`; returns how many.
pub async fn prune_access_log(db: &Db, before: DateTime<Utc>) -> Result<u64, AppError> {
    Ok(sql("DELETE FROM access_log WHERE at < $1").bind(before).execute(db).await?)
}

/// Makes erased data unrecoverable from the database's files, once an erasure has committed.
/// SQLite zeroes deleted content as it goes (`secure_delete`, set on every connection); the
/// write-ahead log still holds the old pages, so it is checkpointed into the database and
/// emptied. PostgreSQL keeps the old row versions until VACUUM reclaims them, so the tables
/// an erasure touches are vacuumed (the space is then free; see the README for what that does
/// and does not guarantee).
pub async fn seal(db: &Db) -> Result<(), AppError> {
    match db.dialect() {
        Dialect::Sqlite => {
            // Readers in the middle of a read can hold the log; try a few times.
            for _ in 0..20 {
                let (busy, _, _): (i64, i64, i64) = sql("PRAGMA wal_checkpoint(TRUNCATE)").fetch_one(db).await?;
                if busy == 0 {
                    return Ok(());
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            tracing::warn!(
                "the write-ahead log could not be emptied after an erasure; it will be at the next checkpoint"
            );
            Ok(())
        }
        Dialect::Postgres => {
            let mut pooled = db.acquire().await?;
            pooled.conn().batch("VACUUM application, attendance, zoom_attendee, failure_count, outbox").await?;
            Ok(())
        }
    }
}
