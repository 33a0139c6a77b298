//! Coordinator accounts, their sign-in sessions, and the audit log.

use super::db::{sql, Conn, Db};
use crate::auth::limits::{Failures, Policy};
use crate::errors::AppError;
use crate::models::{CoordinatorUser, Role};
use crate::store::{AuditEntry, NewCoordinator};
use chrono::{DateTime, Utc};

/// Adds an account (audited when an admin, `by`, adds it); an address in use is a conflict.
pub async fn insert(db: &Db, coordinator: &NewCoordinator, by: Option<i64>) -> Result<i64, AppError> {
    let mut tx = db.begin().await?;
    let result = sql("INSERT INTO coordinator (email, email_key, name, role, password_hash, is_demo, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
    .bind(&coordinator.email)
    .bind(crate::domain::email::email_key(&coordinator.email))
    .bind(&coordinator.name)
    .bind(coordinator.role.as_str())
    .bind(&coordinator.password_hash)
    .bind(coordinator.demo)
    .bind(Utc::now())
    .scalar(&mut tx.conn())
    .await;
    let id = match result {
        Ok(id) => id,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(AppError::Conflict("A coordinator with that email address already exists".into()))
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(by) = by {
        record_audit(
            &mut tx.conn(),
            &AuditEntry {
                coordinator_id: Some(by),
                action: "coordinator.create".into(),
                subject_type: "coordinator".into(),
                subject_id: Some(id),
                before: None,
                after: Some(serde_json::json!({ "email": coordinator.email, "name": coordinator.name, "role": coordinator.role.as_str() })),
            },
            Utc::now(),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// What signing in needs to know about an account.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LoginRecord {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub password_hash: String,
    pub failed_logins: i64,
    pub last_failed_at: Option<DateTime<Utc>>,
    pub locked_until: Option<DateTime<Utc>>,
    pub disabled_at: Option<DateTime<Utc>>,
    /// The account demo mode made: it signs in only while the server runs in demo mode.
    pub is_demo: bool,
}

impl LoginRecord {
    /// The account as the rest of the site sees it.
    pub fn user(&self) -> CoordinatorUser {
        CoordinatorUser {
            id: self.id,
            name: self.name.clone(),
            email: self.email.clone(),
            role: Role::from_stored(&self.role),
        }
    }

    /// The account's wrong passwords from browsers it has not signed in on.
    pub fn failures(&self) -> Failures {
        failures((self.failed_logins, self.last_failed_at, self.locked_until))
    }
}

/// The account with this email address (any capitalisation).
pub async fn login_record(db: &Db, email: &str) -> Result<Option<LoginRecord>, AppError> {
    Ok(sql(
        "SELECT id, email, name, role, password_hash, failed_logins, last_failed_at, locked_until, disabled_at, is_demo
         FROM coordinator WHERE email_key = $1",
    )
    .bind(crate::domain::email::email_key(email))
    .fetch_optional(db)
    .await?)
}

/// Counts an attempt on the account as a wrong password before it is checked, unless the
/// account is locked (`None`); returns its count in a row. Runs on the writer, so attempts
/// made at once are counted one after another.
pub async fn reserve_login_attempt(
    conn: &mut Conn<'_>,
    id: i64,
    policy: Policy,
    now: DateTime<Utc>,
) -> Result<Option<u32>, AppError> {
    let row: Option<(i64, Option<DateTime<Utc>>, Option<DateTime<Utc>>)> =
        sql("SELECT failed_logins, last_failed_at, locked_until FROM coordinator WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(before) = row.map(failures) else { return Ok(None) };
    if before.is_locked(now) {
        return Ok(None);
    }
    let after = before.after_failure(policy, now);
    sql("UPDATE coordinator SET failed_logins = $1, last_failed_at = $2, locked_until = $3 WHERE id = $4")
        .bind(i64::from(after.count))
        .bind(after.last_failed_at)
        .bind(after.locked_until)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(Some(after.count))
}

/// A stored count, the time of its last wrong guess and its lock, as a counter.
pub(super) fn failures(
    (count, last_failed_at, locked_until): (i64, Option<DateTime<Utc>>, Option<DateTime<Utc>>),
) -> Failures {
    Failures { count: u32::try_from(count).unwrap_or(u32::MAX), last_failed_at, locked_until }
}

/// Clears the failure count after a successful sign-in.
pub async fn login_succeeded(db: &Db, id: i64) -> Result<(), AppError> {
    sql("UPDATE coordinator SET failed_logins = 0, last_failed_at = NULL, locked_until = NULL WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Whether the account demo mode creates exists (a warning at start outside demo mode).
pub async fn demo_account_exists(db: &Db) -> Result<bool, AppError> {
    Ok(sql("SELECT count(*) FROM coordinator WHERE is_demo").scalar::<i64>(db).await? > 0)
}

/// Ends every session of the demo account (at start outside demo mode).
pub async fn end_demo_sessions(db: &Db) -> Result<u64, AppError> {
    let ended =
        sql("DELETE FROM coordinator_session WHERE coordinator_id IN (SELECT id FROM coordinator WHERE is_demo)")
            .execute(db)
            .await?;
    Ok(ended)
}

/// A browser a coordinator has signed in on, by the hash of its device cookie's secret.
#[derive(Clone, Debug)]
pub struct DeviceRecord {
    pub coordinator_id: i64,
    pub failures: Failures,
}

/// The known browser with this secret hash, if it is still known.
pub async fn device(db: &Db, id_hash: &str) -> Result<Option<DeviceRecord>, AppError> {
    let row: Option<(i64, i64, Option<DateTime<Utc>>, Option<DateTime<Utc>>)> = sql(
        "SELECT coordinator_id, failed_logins, last_failed_at, locked_until FROM coordinator_device WHERE id_hash = $1",
    )
    .bind(id_hash)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(coordinator_id, count, last_failed_at, locked_until)| DeviceRecord {
        coordinator_id,
        failures: failures((count, last_failed_at, locked_until)),
    }))
}

/// Remembers a browser a coordinator has just signed in on (and forgets those unused for a
/// long time).
pub async fn add_device(
    db: &Db,
    id_hash: &str,
    coordinator_id: i64,
    now: DateTime<Utc>,
    forget_before: DateTime<Utc>,
) -> Result<(), AppError> {
    sql("DELETE FROM coordinator_device WHERE last_used_at < $1").bind(forget_before).execute(db).await?;
    sql("INSERT INTO coordinator_device (id_hash, coordinator_id, created_at, last_used_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id_hash) DO NOTHING")
    .bind(id_hash)
    .bind(coordinator_id)
    .bind(now)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// [`reserve_login_attempt`] for a known browser's own count.
pub async fn reserve_device_attempt(
    conn: &mut Conn<'_>,
    id_hash: &str,
    policy: Policy,
    now: DateTime<Utc>,
) -> Result<Option<u32>, AppError> {
    let row: Option<(i64, Option<DateTime<Utc>>, Option<DateTime<Utc>>)> =
        sql("SELECT failed_logins, last_failed_at, locked_until FROM coordinator_device WHERE id_hash = $1")
            .bind(id_hash)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(before) = row.map(failures) else { return Ok(None) };
    if before.is_locked(now) {
        return Ok(None);
    }
    let after = before.after_failure(policy, now);
    sql("UPDATE coordinator_device SET failed_logins = $1, last_failed_at = $2, locked_until = $3 WHERE id_hash = $4")
        .bind(i64::from(after.count))
        .bind(after.last_failed_at)
        .bind(after.locked_until)
        .bind(id_hash)
        .execute(&mut *conn)
        .await?;
    Ok(Some(after.count))
}

/// Clears a known browser's count after a right password, and notes its use.
pub async fn device_succeeded(db: &Db, id_hash: &str, now: DateTime<Utc>) -> Result<(), AppError> {
    sql(
        "UPDATE coordinator_device SET failed_logins = 0, last_failed_at = NULL, locked_until = NULL, last_used_at = $1
         WHERE id_hash = $2",
    )
    .bind(now)
    .bind(id_hash)
    .execute(db)
    .await?;
    Ok(())
}

/// Stores a new sign-in session (by the hash of its secret).
pub async fn create_session(
    db: &Db,
    id_hash: &str,
    coordinator_id: i64,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), AppError> {
    sql(
        "INSERT INTO coordinator_session (id_hash, coordinator_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id_hash)
    .bind(coordinator_id)
    .bind(now)
    .bind(now)
    .bind(expires_at)
    .execute(db)
    .await?;
    Ok(())
}

/// A sign-in session and its account (only while the account is enabled).
#[derive(Clone, Debug)]
pub struct SessionRecord {
    pub user: CoordinatorUser,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// The session with this secret hash, if any.
pub async fn session(db: &Db, id_hash: &str) -> Result<Option<SessionRecord>, AppError> {
    let row: Option<(i64, String, String, String, DateTime<Utc>, DateTime<Utc>)> =
        sql("SELECT c.id, c.name, c.email, c.role, s.last_seen_at, s.expires_at
         FROM coordinator_session s JOIN coordinator c ON c.id = s.coordinator_id
         WHERE s.id_hash = $1 AND c.disabled_at IS NULL")
        .bind(id_hash)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|(id, name, email, role, last_seen_at, expires_at)| SessionRecord {
        user: CoordinatorUser { id, name, email, role: Role::from_stored(&role) },
        last_seen_at,
        expires_at,
    }))
}

/// Records activity on a session (for the idle timeout).
pub async fn touch_session(db: &Db, id_hash: &str, now: DateTime<Utc>) -> Result<(), AppError> {
    sql("UPDATE coordinator_session SET last_seen_at = $1 WHERE id_hash = $2")
        .bind(now)
        .bind(id_hash)
        .execute(db)
        .await?;
    Ok(())
}

/// Ends a session.
pub async fn delete_session(db: &Db, id_hash: &str) -> Result<(), AppError> {
    sql("DELETE FROM coordinator_session WHERE id_hash = $1").bind(id_hash).execute(db).await?;
    Ok(())
}

/// Every account, admins first.
pub async fn list(db: &Db) -> Result<Vec<(CoordinatorUser, Option<DateTime<Utc>>)>, AppError> {
    let rows: Vec<(i64, String, String, String, Option<DateTime<Utc>>)> =
        sql("SELECT id, name, email, role, disabled_at FROM coordinator ORDER BY role, name, id").fetch_all(db).await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, email, role, disabled)| {
            (CoordinatorUser { id, name, email, role: Role::from_stored(&role) }, disabled)
        })
        .collect())
}

/// Disables or re-enables an account; disabling ends its sessions.
pub async fn set_disabled(db: &Db, id: i64, disabled_at: Option<DateTime<Utc>>, by: i64) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let before: Option<Option<DateTime<Utc>>> =
        sql("SELECT disabled_at FROM coordinator WHERE id = $1").bind(id).scalar_optional(&mut tx.conn()).await?;
    let Some(before) = before else { return Err(AppError::NotFound("No such coordinator".into())) };
    sql("UPDATE coordinator SET disabled_at = $1 WHERE id = $2")
        .bind(disabled_at)
        .bind(id)
        .execute(&mut tx.conn())
        .await?;
    if disabled_at.is_some() {
        sql("DELETE FROM coordinator_session WHERE coordinator_id = $1").bind(id).execute(&mut tx.conn()).await?;
    }
    record_audit(
        &mut tx.conn(),
        &AuditEntry {
            coordinator_id: Some(by),
            action: if disabled_at.is_some() { "coordinator.disable" } else { "coordinator.enable" }.into(),
            subject_type: "coordinator".into(),
            subject_id: Some(id),
            before: Some(serde_json::json!({ "disabled": before.is_some() })),
            after: Some(serde_json::json!({ "disabled": disabled_at.is_some() })),
        },
        Utc::now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Replaces an account's password hash and ends its other sign-in sessions (all but the one
/// whose secret hash is `keep_session`), audited; returns how many sessions ended.
pub async fn change_password(
    db: &Db,
    id: i64,
    password_hash: &str,
    keep_session: &str,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    let mut tx = db.begin().await?;
    let changed =
        sql("UPDATE coordinator SET password_hash = $1, failed_logins = 0, locked_until = NULL WHERE id = $2")
            .bind(password_hash)
            .bind(id)
            .execute(&mut tx.conn())
            .await?;
    if changed == 0 {
        return Err(AppError::NotFound("No such coordinator".into()));
    }
    let ended = sql("DELETE FROM coordinator_session WHERE coordinator_id = $1 AND id_hash <> $2")
        .bind(id)
        .bind(keep_session)
        .execute(&mut tx.conn())
        .await?;
    record_audit(
        &mut tx.conn(),
        &AuditEntry {
            coordinator_id: Some(id),
            action: "coordinator.password".into(),
            subject_type: "coordinator".into(),
            subject_id: Some(id),
            // Never the hashes: the log says that it changed, and what else it ended.
            before: None,
            after: Some(serde_json::json!({ "password": "changed", "other_sessions_ended": ended })),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(ended)
}

/// Appends an entry to the audit log, in the caller's transaction.
pub async fn record_audit(conn: &mut Conn<'_>, entry: &AuditEntry, now: DateTime<Utc>) -> Result<(), AppError> {
    sql("INSERT INTO audit_log (at, coordinator_id, action, subject_type, subject_id, before_json, after_json)
         VALUES ($1, $2, $3, $4, $5, $6, $7)")
    .bind(now)
    .bind(entry.coordinator_id)
    .bind(&entry.action)
    .bind(&entry.subject_type)
    .bind(entry.subject_id)
    .bind(entry.before.as_ref().map(|v| v.to_string()))
    .bind(entry.after.as_ref().map(|v| v.to_string()))
    .execute(conn)
    .await?;
    Ok(())
}

