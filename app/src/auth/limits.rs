//! Counting wrong guesses (passwords, attendance codes) so that guessing stops being worth it,
//! without ever refusing the honest people who share one hospital network address.
//!
//! [`Failures`] is one counter: each wrong guess within a quiet period of the previous one adds
//! one; at the policy's limit the key is locked for a while; once the lock has lapsed, or after
//! a quiet period with no wrong guess, the count starts again. The same value is kept per
//! coordinator account in the database (so an account's lock holds across restarts) and per
//! client address or email in [`FailureCounts`] (in memory on SQLite, shared by every instance
//! on PostgreSQL).

use crate::errors::AppError;
use crate::store::db::Dialect;
use crate::store::Store;
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// How many wrong guesses in a row lock a key, and for how long. A count also starts again
/// after `lock_for` without a wrong guess.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    pub limit: u32,
    pub lock_for: Duration,
}

/// A key's wrong guesses: how many in a row, the last one, and the lock they caused.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Failures {
    pub count: u32,
    pub last_failed_at: Option<DateTime<Utc>>,
    pub locked_until: Option<DateTime<Utc>>,
}

impl Failures {
    /// Whether the key is locked at `now`.
    pub fn is_locked(&self, now: DateTime<Utc>) -> bool {
        self.locked_until.is_some_and(|until| now < until)
    }

    /// The wrong guesses that still count at `now`: none once a lock has lapsed or after a
    /// quiet period.
    pub fn standing(&self, policy: Policy, now: DateTime<Utc>) -> u32 {
        let lock_lapsed = self.locked_until.is_some_and(|until| until <= now);
        let quiet = self.last_failed_at.is_none_or(|last| now - last >= policy.lock_for);
        if lock_lapsed || quiet {
            0
        } else {
            self.count
        }
    }

    /// The counter after one more wrong guess at `now`: locked for `lock_for` when it reaches
    /// the limit (a guess during a lock counts too, and moves the lock on).
    pub fn after_failure(&self, policy: Policy, now: DateTime<Utc>) -> Self {
        let count = if self.is_locked(now) { self.count + 1 } else { self.standing(policy, now) + 1 };
        let locked_until = (count >= policy.limit).then(|| now + policy.lock_for);
        Self { count, last_failed_at: Some(now), locked_until }
    }
}

/// Counters by key (a client address or an email key), each under a `scope` name. Where
/// they are kept depends on the database: on SQLite, with one instance, in this server's
/// memory, so a wrong guess never takes a turn on the single writer; on PostgreSQL, in the
/// database (`failure_count`, keys hashed), so every instance counts the same guesses and a
/// lock made on one holds on all of them.
#[derive(Clone, Debug)]
pub struct FailureCounts {
    policy: Policy,
    scope: &'static str,
    kept: Kept,
}

#[derive(Clone, Debug)]
enum Kept {
    Memory(Arc<Mutex<HashMap<String, Failures>>>),
    Store(Store),
}

/// More keys than this in memory and the ones that no longer count are dropped.
const MAX_KEYS: usize = 100_000;

impl FailureCounts {
    /// Counters for `store`'s database: in memory on SQLite, shared on PostgreSQL.
    pub fn new(policy: Policy, scope: &'static str, store: &Store) -> Self {
        match store.dialect() {
            Dialect::Sqlite => Self::in_memory(policy, scope),
            Dialect::Postgres => Self { policy, scope, kept: Kept::Store(store.clone()) },
        }
    }

    /// Counters in this server's memory.
    pub fn in_memory(policy: Policy, scope: &'static str) -> Self {
        Self { policy, scope, kept: Kept::Memory(Arc::default()) }
    }

    /// Until when `key` is locked, if it is.
    pub async fn locked_until(&self, key: &str, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, AppError> {
        match &self.kept {
            Kept::Memory(counts) => {
                let failures = counts.lock().ok().and_then(|c| c.get(key).copied());
                Ok(failures.filter(|f| f.is_locked(now)).and_then(|f| f.locked_until))
            }
            Kept::Store(store) => store.locked_until(&[(self.scope, key)], now).await,
        }
    }

    /// Counts a wrong guess for `key`; returns the counter after it.
    pub async fn fail(&self, key: &str, now: DateTime<Utc>) -> Result<Failures, AppError> {
        let policy = self.policy;
        Ok(self.update(key, now, move |before| Some(before.after_failure(policy, now))).await?.unwrap_or_default())
    }

    /// Counts a guess for `key` as wrong before it is checked, unless `key` is locked (then
    /// `None`): both in one step, so guesses made at once are counted one by one.
    pub async fn reserve(&self, key: &str, now: DateTime<Utc>) -> Result<Option<Failures>, AppError> {
        let policy = self.policy;
        self.update(key, now, move |before| (!before.is_locked(now)).then(|| before.after_failure(policy, now))).await
    }

    /// Takes back one reserved guess that turned out right (and the lock it may have caused).
    pub async fn forgive(&self, key: &str, now: DateTime<Utc>) -> Result<(), AppError> {
        let limit = self.policy.limit;
        self.update(key, now, move |mut f| {
            f.count = f.count.saturating_sub(1);
            if f.count < limit {
                f.locked_until = None;
            }
            Some(f)
        })
        .await
        .map(drop)
    }

    /// Applies `change` to `key`'s counter in one step; returns the counter after it, or
    /// `None` when `change` left it as it was.
    async fn update(
        &self,
        key: &str,
        now: DateTime<Utc>,
        change: impl FnOnce(Failures) -> Option<Failures> + Clone + Send + 'static,
    ) -> Result<Option<Failures>, AppError> {
        match &self.kept {
            Kept::Memory(counts) => {
                let Ok(mut counts) = counts.lock() else { return Ok(None) };
                if counts.len() >= MAX_KEYS {
                    let policy = self.policy;
                    counts.retain(|_, f| f.is_locked(now) || f.standing(policy, now) > 0);
                }
                let after = change(counts.get(key).copied().unwrap_or_default());
                if let Some(after) = after {
                    counts.insert(key.to_string(), after);
                }
                Ok(after)
            }
            Kept::Store(store) => store.change_failures(self.scope, key, self.policy, now, change).await,
        }
    }
}

/// The scope of the wrong-code counters per work email (erasure forgets an email's counter).
pub const WRONG_CODES_BY_EMAIL: &str = "wrong_code_email";

/// DESIGN.md's wrong-code limit: per client address and per work email. A refused attempt
/// stores nothing and never reaches the writer.
#[derive(Clone, Debug)]
pub struct WrongCodes {
    by_client: FailureCounts,
    by_email: FailureCounts,
}

impl WrongCodes {
    /// `per_email` and `per_client` wrong codes an hour, kept as [`FailureCounts::new`] says.
    pub fn new(per_email: u32, per_client: u32, store: &Store) -> Self {
        let policy = |limit| Policy { limit, lock_for: Duration::hours(1) };
        Self {
            by_client: FailureCounts::new(policy(per_client), "wrong_code_client", store),
            by_email: FailureCounts::new(policy(per_email), WRONG_CODES_BY_EMAIL, store),
        }
    }

    /// Until when this client or this email may not try a code, if either is locked.
    pub async fn locked_until(
        &self,
        client: IpAddr,
        email_key: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, AppError> {
        let client = client.to_string();
        // Kept in the database, both are read at once: this runs before every code is checked.
        if let (Kept::Store(store), Kept::Store(_)) = (&self.by_client.kept, &self.by_email.kept) {
            return store.locked_until(&[(self.by_client.scope, &client), (self.by_email.scope, email_key)], now).await;
        }
        let by_client = self.by_client.locked_until(&client, now).await?;
        let by_email = self.by_email.locked_until(email_key, now).await?;
        Ok(by_client.max(by_email))
    }

    /// The same limits in this server's memory, whatever the database.
    pub fn in_memory(per_email: u32, per_client: u32) -> Self {
        let policy = |limit| Policy { limit, lock_for: Duration::hours(1) };
        Self {
            by_client: FailureCounts::in_memory(policy(per_client), "wrong_code_client"),
            by_email: FailureCounts::in_memory(policy(per_email), WRONG_CODES_BY_EMAIL),
        }
    }

    /// Counts a wrong code for both.
    pub async fn failed(&self, client: IpAddr, email_key: &str, now: DateTime<Utc>) -> Result<(), AppError> {
        self.by_client.fail(&client.to_string(), now).await?;
        self.by_email.fail(email_key, now).await?;
        Ok(())
    }
}

/// The limits' settings (README, "Configuration").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LimitSettings {
    /// Proxies whose `X-Forwarded-For` is believed (`ENROL_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Wrong attendance codes an hour per work email (`ENROL_WRONG_CODES_PER_EMAIL`).
    pub wrong_codes_per_email: u32,
    /// Wrong attendance codes an hour per client address (`ENROL_WRONG_CODES_PER_CLIENT`).
    pub wrong_codes_per_client: u32,
    /// Public form posts and API writes per client address: a burst of this many…
    /// (`ENROL_WRITE_BURST`)
    pub write_burst: u32,
    /// …then this many a second (`ENROL_WRITES_PER_SECOND`).
    pub writes_per_second: u32,
    /// Sign-in posts per client address: a burst of this many, then one every 2 seconds
    /// (`ENROL_SIGN_IN_BURST`).
    pub sign_in_burst: u32,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            trusted_proxies: Vec::new(),
            wrong_codes_per_email: 10,
            wrong_codes_per_client: 30,
            write_burst: 5_000,
            writes_per_second: 50,
            sign_in_burst: 30,
        }
    }
}

impl LimitSettings {
    /// The wrong-code counters these settings describe, for `store`'s database.
    pub fn wrong_codes(&self, store: &Store) -> WrongCodes {
        WrongCodes::new(self.wrong_codes_per_email, self.wrong_codes_per_client, store)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: Policy = Policy { limit: 3, lock_for: Duration::minutes(15) };

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-02T10:00:00Z").unwrap().with_timezone(&Utc)
    }

    fn after(failures: Failures, minutes: i64) -> Failures {
        failures.after_failure(POLICY, now() + Duration::minutes(minutes))
    }

    #[test]
    fn the_limit_in_a_row_locks_for_the_lock_period() {
        let f = after(after(after(Failures::default(), 0), 1), 2);
        assert_eq!(f.count, 3);
        assert!(f.is_locked(now() + Duration::minutes(16)));
        assert!(!f.is_locked(now() + Duration::minutes(17)));
    }

    #[test]
    fn the_count_starts_again_after_a_quiet_period() {
        // One wrong guess every 15 minutes never adds up to a lock.
        let mut f = Failures::default();
        for step in 0..10 {
            f = after(f, step * 15);
            assert_eq!(f.count, 1, "step {step}");
            assert!(!f.is_locked(now() + Duration::minutes(step * 15)));
        }
    }

    #[test]
    fn the_count_starts_again_once_a_lock_has_lapsed() {
        let locked = after(after(after(Failures::default(), 0), 1), 2);
        let next = after(locked, 18);
        assert_eq!(next.count, 1);
        assert!(!next.is_locked(now() + Duration::minutes(18)));
    }

    #[tokio::test]
    async fn counts_are_kept_apart_by_key() {
        let counts = FailureCounts::in_memory(POLICY, "test");
        for _ in 0..3 {
            counts.fail("a", now()).await.unwrap();
        }
        assert!(counts.locked_until("a", now()).await.unwrap().is_some());
        assert!(counts.locked_until("b", now()).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn a_reserved_guess_counts_at_once_and_is_forgiven_when_right() {
        let counts = FailureCounts::in_memory(POLICY, "test");
        let reserve = || async { counts.reserve("a", now()).await.unwrap().map(|f| f.count) };
        assert_eq!(reserve().await, Some(1));
        assert_eq!(reserve().await, Some(2));
        assert_eq!(reserve().await, Some(3), "the third locks…");
        assert_eq!(reserve().await, None, "…so a fourth at once is refused before it is checked");
        counts.forgive("a", now()).await.unwrap();
        assert_eq!(reserve().await, Some(3), "a right guess gives its place back");
    }

    #[tokio::test]
    async fn wrong_codes_lock_an_email_whatever_the_address_and_an_address_whatever_the_email() {
        let limits = WrongCodes::in_memory(2, 3);
        let ip = |n: u8| IpAddr::from([10, 0, 0, n]);
        let locked = |ip, email: &'static str| {
            let limits = limits.clone();
            async move { limits.locked_until(ip, email, now()).await.unwrap() }
        };
        limits.failed(ip(1), "a@nhs.net", now()).await.unwrap();
        limits.failed(ip(2), "a@nhs.net", now()).await.unwrap();
        assert!(locked(ip(9), "a@nhs.net").await.is_some(), "the email is locked");
        assert!(locked(ip(9), "b@nhs.net").await.is_none());
        for n in 0..3 {
            limits.failed(ip(5), &format!("p{n}@nhs.net"), now()).await.unwrap();
        }
        assert!(locked(ip(5), "new@nhs.net").await.is_some(), "the address is locked");
        assert_eq!(locked(ip(5), "new@nhs.net").await, Some(now() + Duration::hours(1)), "for an hour");
    }
}
