//! Wrong guesses counted in the database, by scope and key (a client address, an email key),
//! so that every instance counts the same guesses (see `auth/limits.rs`, which decides where
//! counters are kept). Keys are stored as SHA-256 hashes: the table names no address or email.

use super::coordinators::failures;
use super::db::{sql, sql_assembled, Conn, Db};
use crate::auth::limits::{Failures, Policy};
use crate::errors::AppError;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

fn key_hash(scope: &str, key: &str) -> String {
    let digest = Sha256::digest(format!("{scope}\n{key}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The latest lock still standing at `now` among the counters of these `(scope, key)` pairs:
/// one read for all of them (a submission with a code checks two before it is stored).
pub async fn locked_until(
    db: &Db,
    keys: &[(&str, &str)],
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, AppError> {
    let Some(last) = keys.len().checked_sub(1) else { return Ok(None) };
    let any_key =
        (0..=last).map(|i| format!("(scope = ${} AND key_hash = ${})", 2 * i + 2, 2 * i + 3)).collect::<Vec<_>>();
    let text = format!(
        "SELECT locked_until FROM failure_count WHERE locked_until > $1 AND ({}) ORDER BY locked_until DESC LIMIT 1",
        any_key.join(" OR ")
    );
    let query = keys
        .iter()
        .fold(sql_assembled(text).bind(now), |query, (scope, key)| query.bind(*scope).bind(key_hash(scope, key)));
    Ok(query.scalar_optional::<DateTime<Utc>>(db).await?)
}

/// Applies `change` to a key's counter inside the caller's transaction, with the row locked on
/// PostgreSQL (on SQLite the writer's transaction already holds the lock), and forgets the
/// scope's counters that no longer count. Returns the counter after the change, or `None` when
/// `change` left it as it was.
pub async fn change(
    conn: &mut Conn<'_>,
    scope: &str,
    key: &str,
    policy: Policy,
    now: DateTime<Utc>,
    change: impl FnOnce(Failures) -> Option<Failures>,
) -> Result<Option<Failures>, AppError> {
    let hash = key_hash(scope, key);
    sql("DELETE FROM failure_count WHERE scope = $1 AND last_failed_at < $2 AND (locked_until IS NULL OR locked_until < $3)")
        .bind(scope)
        .bind(now - policy.lock_for)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    sql("INSERT INTO failure_count (scope, key_hash, failures) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING")
        .bind(scope)
        .bind(&hash)
        .execute(&mut *conn)
        .await?;
    let lock = match conn.dialect() {
        super::db::Dialect::Postgres => " FOR UPDATE",
        super::db::Dialect::Sqlite => "",
    };
    let row: (i64, Option<DateTime<Utc>>, Option<DateTime<Utc>>) = super::db::sql_assembled(format!(
        "SELECT failures, last_failed_at, locked_until FROM failure_count WHERE scope = $1 AND key_hash = $2{lock}"
    ))
    .bind(scope)
    .bind(&hash)
    .fetch_one(&mut *conn)
    .await?;
    let Some(after) = change(failures(row)) else { return Ok(None) };
    sql("UPDATE failure_count SET failures = $1, last_failed_at = $2, locked_until = $3 WHERE scope = $4 AND key_hash = $5")
        .bind(i64::from(after.count))
        .bind(after.last_failed_at)
        .bind(after.locked_until)
        .bind(scope)
        .bind(&hash)
        .execute(&mut *conn)
        .await?;
    Ok(Some(after))
}

/// Forgets a key's counter (its subject's data was erased).
pub async fn forget(conn: &mut Conn<'_>, scope: &str, key: &str) -> Result<(), AppError> {
    sql("DELETE FROM failure_count WHERE scope = $1 AND key_hash = $2")
        .bind(scope)
        .bind(key_hash(scope, key))
        .execute(&mut *conn)
        .await?;
    Ok(())
}
