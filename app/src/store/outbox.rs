//! The outbox as the sender and the coordinators see it: claiming due messages, recording how
//! their delivery went, reading what a message is put together from, and listing messages.
//! (Messages are queued by the workflow, through `rows.rs`, in the transaction of the change.)

use super::db::{sql, sql_assembled, Conn, Db};
use super::rows::SqlRows;
use crate::errors::AppError;
use crate::mail::compose::TeamMessage;
use crate::models::{ApplicationStatus, Cohort, DeliveryState, EmailFilter, EmailRow, MessageKind};
use crate::workflow::messages::Facts;
use crate::workflow::rows::{Key, Rows};
use chrono::{DateTime, Utc};

/// A message a sender has taken up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claimed {
    pub id: i64,
    pub queued_at: DateTime<Utc>,
    pub application_id: i64,
    pub kind: MessageKind,
    pub facts: Facts,
    pub attempts: i64,
}

/// How a delivery went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivered {
    Sent,
    /// Not accepted yet: tried again at `next` (or failed for good when `next` is none).
    NotYet {
        error: String,
        next: Option<DateTime<Utc>>,
    },
    Refused(String),
}

/// What a message is put together from: its applicant's name and address, the application as
/// it stands, and the cohorts and team message its facts name.
pub struct Parts {
    pub name: String,
    pub email: String,
    pub status: ApplicationStatus,
    pub cohort: Option<Cohort>,
    pub from_cohort: Option<Cohort>,
    pub team: Option<TeamMessage>,
}

const DUE: &str = "state IN ('pending', 'retrying') AND (next_attempt_at IS NULL OR next_attempt_at <= $2)
     AND (claimed_until IS NULL OR claimed_until < $2)";

/// Takes up to `limit` due messages for `hold` (nobody else takes them up until then), oldest
/// first. On PostgreSQL rows another instance's sender holds are skipped, not waited for; on
/// SQLite this runs on the writer, which takes steps one at a time.
pub async fn claim(
    conn: &mut Conn<'_>,
    now: DateTime<Utc>,
    hold: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Claimed>, AppError> {
    let skip_locked = match conn.dialect() {
        super::db::Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
        super::db::Dialect::Sqlite => "",
    };
    let rows: Vec<(i64, DateTime<Utc>, i64, String, String, i64)> = sql_assembled(format!(
        "UPDATE outbox SET claimed_until = $1
         WHERE id IN (SELECT id FROM outbox WHERE {DUE} ORDER BY id LIMIT $3{skip_locked})
         RETURNING id, queued_at, application_id, kind, facts, attempts"
    ))
    .bind(hold)
    .bind(now)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    let mut claimed: Vec<Claimed> = rows
        .into_iter()
        .filter_map(|(id, queued_at, application_id, kind, facts, attempts)| {
            let kind = MessageKind::parse(&kind)?;
            let facts = serde_json::from_str(&facts).unwrap_or_default();
            Some(Claimed { id, queued_at, application_id, kind, facts, attempts })
        })
        .collect();
    claimed.sort_by_key(|c| c.id);
    Ok(claimed)
}

/// Records how each delivery went.
pub async fn finish(conn: &mut Conn<'_>, outcomes: &[(i64, Delivered)], now: DateTime<Utc>) -> Result<(), AppError> {
    for (id, outcome) in outcomes {
        let statement = match outcome {
            Delivered::Sent => {
                sql("UPDATE outbox SET state = 'sent', sent_at = $1, attempts = attempts + 1, claimed_until = NULL,
                 last_error = NULL WHERE id = $2")
                .bind(now)
                .bind(*id)
            }
            Delivered::NotYet { error, next: Some(next) } => {
                sql("UPDATE outbox SET state = 'retrying', next_attempt_at = $1, attempts = attempts + 1,
                 claimed_until = NULL, last_error = $2 WHERE id = $3")
                .bind(*next)
                .bind(error)
                .bind(*id)
            }
            Delivered::NotYet { error, next: None } | Delivered::Refused(error) => {
                sql("UPDATE outbox SET state = 'failed', attempts = attempts + 1, claimed_until = NULL, last_error = $1
                 WHERE id = $2")
                .bind(error)
                .bind(*id)
            }
        };
        statement.execute(&mut *conn).await?;
    }
    Ok(())
}

/// What a message is put together from; `None` when its application is gone.
pub async fn parts(db: &Db, message: &Claimed) -> Result<Option<Parts>, AppError> {
    let mut pooled = db.acquire().await?;
    let mut conn = pooled.conn();
    let Some((name, email)): Option<(String, String)> = sql("SELECT name, email FROM application WHERE id = $1")
        .bind(message.application_id)
        .fetch_optional(&mut conn)
        .await?
    else {
        return Ok(None);
    };
    let mut rows = SqlRows(conn.reborrow());
    let status = match crate::mail::compose::tells_queue_places(message.kind) {
        true => crate::workflow::applications::status(&mut rows, Key::Id(message.application_id)).await?,
        false => crate::workflow::applications::status_in_brief(&mut rows, Key::Id(message.application_id)).await?,
    };
    let mut cohort_of = async |id: Option<i64>| -> Result<Option<Cohort>, AppError> {
        let Some(id) = id else { return Ok(None) };
        Ok(rows.cohort(id).await?.map(|c| crate::workflow::applications::cohort_view(id, c)))
    };
    let cohort = cohort_of(message.facts.cohort_id).await?;
    let from_cohort = cohort_of(message.facts.from_cohort_id).await?;
    let team = match message.facts.team_message_id {
        Some(id) => sql("SELECT subject, body FROM team_message WHERE id = $1")
            .bind(id)
            .fetch_optional::<(String, String)>(&mut conn)
            .await?
            .map(|(subject, body)| TeamMessage { subject, body }),
        None => None,
    };
    Ok(Some(Parts { name, email, status, cohort, from_cohort, team }))
}

#[derive(sqlx::FromRow)]
struct StoredEmail {
    id: i64,
    kind: String,
    application_id: Option<i64>,
    reference: Option<String>,
    name: Option<String>,
    email: Option<String>,
    queued_at: DateTime<Utc>,
    state: String,
    attempts: i64,
    last_error: Option<String>,
    sent_at: Option<DateTime<Utc>>,
}

fn uk_moment(t: DateTime<Utc>) -> String {
    format!("{}, {}", crate::domain::uk_time::uk_date(t), crate::domain::uk_time::uk_clock(t))
}

impl StoredEmail {
    fn into_row(self) -> Option<EmailRow> {
        Some(EmailRow {
            id: self.id,
            kind: MessageKind::parse(&self.kind)?,
            application_id: self.application_id,
            reference: self.reference,
            to_name: self.name,
            to_email: self.email,
            queued_uk: uk_moment(self.queued_at),
            state: DeliveryState::parse(&self.state)?,
            attempts: self.attempts,
            last_error: self.last_error,
            sent_uk: self.sent_at.map(uk_moment),
        })
    }
}

const EMAIL_SELECT: &str = "SELECT o.id, o.kind, o.application_id, a.reference, a.name, a.email, o.queued_at, o.state,
        o.attempts, o.last_error, o.sent_at
     FROM outbox o LEFT JOIN application a ON a.id = o.application_id";

/// The Emails page: newest first, filtered (at most 500).
pub async fn list(db: &Db, filter: &EmailFilter) -> Result<Vec<EmailRow>, AppError> {
    let state = filter.state.as_deref().filter(|s| DeliveryState::parse(s).is_some());
    let kind = filter.kind.as_deref().filter(|k| MessageKind::parse(k).is_some());
    let q = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(|q| {
        let escaped = q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        format!("%{}%", escaped.to_lowercase())
    });
    let rows: Vec<StoredEmail> = sql_assembled(format!(
        "{EMAIL_SELECT}
         WHERE ($1 IS NULL OR o.state = $1) AND ($2 IS NULL OR o.kind = $2)
           AND ($3 IS NULL OR lower(a.name) LIKE $3 ESCAPE '\\' OR lower(a.email) LIKE $3 ESCAPE '\\'
                OR lower(a.reference) LIKE $3 ESCAPE '\\')
         ORDER BY o.id DESC LIMIT 500"
    ))
    .bind(state)
    .bind(kind)
    .bind(q)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().filter_map(StoredEmail::into_row).collect())
}

/// The messages about one application, newest first.
pub async fn for_application(db: &Db, application_id: i64) -> Result<Vec<EmailRow>, AppError> {
    let rows: Vec<StoredEmail> =
        sql_assembled(format!("{EMAIL_SELECT} WHERE o.application_id = $1 ORDER BY o.id DESC"))
            .bind(application_id)
            .fetch_all(db)
            .await?;
    Ok(rows.into_iter().filter_map(StoredEmail::into_row).collect())
}

/// How many messages have failed for good (the dashboard's warning).
pub async fn failed_count(db: &Db) -> Result<i64, AppError> {
    Ok(sql("SELECT count(*) FROM outbox WHERE state = 'failed'").scalar(db).await?)
}

/// Messages not yet delivered (pending or retrying).
pub async fn undelivered_count(db: &Db) -> Result<i64, AppError> {
    Ok(sql("SELECT count(*) FROM outbox WHERE state IN ('pending', 'retrying')").scalar(db).await?)
}

/// Sends a failed message again: it is due at once. Returns whether it was failed.
pub async fn retry(conn: &mut Conn<'_>, id: i64) -> Result<bool, AppError> {
    let changed = sql(
        "UPDATE outbox SET state = 'pending', next_attempt_at = NULL, claimed_until = NULL WHERE id = $1 AND state = 'failed'",
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(changed == 1)
}
