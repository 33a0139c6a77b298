//! Counting wrong guesses (passwords, attendance codes) so that guessing stops being worth it,
//! without ever refusing the honest people who share one hospital network address.
//!
//! [`Failures`] is one counter: each wrong guess within a quiet period of the previous one adds
//! one; at the policy's limit the key is locked for a while; once the lock has lapsed, or after
//! a quiet period with no wrong guess, the count starts again. The same value is kept per
//! coordinator account in the database (so an account's lock holds across restarts) and per
//! client address or email in memory ([`FailureCounts`]).

use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::hash::Hash;
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

/// In-memory counters by key (client address or email key), bounded in size.
#[derive(Clone, Debug)]
pub struct FailureCounts<K> {
    policy: Policy,
    counts: Arc<Mutex<HashMap<K, Failures>>>,
}

/// More keys than this and the ones that no longer count are dropped.
const MAX_KEYS: usize = 100_000;

impl<K: Eq + Hash + Clone> FailureCounts<K> {
    pub fn new(policy: Policy) -> Self {
        Self { policy, counts: Arc::default() }
    }

    /// Until when `key` is locked, if it is.
    pub fn locked_until(&self, key: &K, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let counts = self.counts.lock().ok()?;
        counts.get(key).filter(|f| f.is_locked(now)).and_then(|f| f.locked_until)
    }

    /// Counts a wrong guess for `key`; returns the counter after it.
    pub fn fail(&self, key: &K, now: DateTime<Utc>) -> Failures {
        let Ok(mut counts) = self.counts.lock() else { return Failures::default() };
        if counts.len() >= MAX_KEYS {
            let policy = self.policy;
            counts.retain(|_, f| f.is_locked(now) || f.standing(policy, now) > 0);
        }
        let after = counts.get(key).copied().unwrap_or_default().after_failure(self.policy, now);
        counts.insert(key.clone(), after);
        after
    }

    /// Counts a guess for `key` as wrong before it is checked, unless `key` is locked (then
    /// `None`): both under one lock, so guesses made at once are counted one by one.
    pub fn reserve(&self, key: &K, now: DateTime<Utc>) -> Option<Failures> {
        let Ok(mut counts) = self.counts.lock() else { return None };
        let before = counts.get(key).copied().unwrap_or_default();
        if before.is_locked(now) {
            return None;
        }
        if counts.len() >= MAX_KEYS {
            let policy = self.policy;
            counts.retain(|_, f| f.is_locked(now) || f.standing(policy, now) > 0);
        }
        let after = before.after_failure(self.policy, now);
        counts.insert(key.clone(), after);
        Some(after)
    }

    /// Takes back one reserved guess that turned out right (and the lock it may have caused).
    pub fn forgive(&self, key: &K) {
        if let Ok(mut counts) = self.counts.lock() {
            if let Some(f) = counts.get_mut(key) {
                f.count = f.count.saturating_sub(1);
                if f.count < self.policy.limit {
                    f.locked_until = None;
                }
            }
        }
    }

    /// Forgets `key`'s wrong guesses (after a right one).
    pub fn clear(&self, key: &K) {
        if let Ok(mut counts) = self.counts.lock() {
            counts.remove(key);
        }
    }
}

/// DESIGN.md's wrong-code limit: per client address and per work email. A refused attempt
/// stores nothing and never reaches the writer.
#[derive(Clone, Debug)]
pub struct WrongCodes {
    by_client: FailureCounts<IpAddr>,
    by_email: FailureCounts<String>,
}

impl WrongCodes {
    /// `per_email` and `per_client` wrong codes an hour.
    pub fn new(per_email: u32, per_client: u32) -> Self {
        let policy = |limit| Policy { limit, lock_for: Duration::hours(1) };
        Self { by_client: FailureCounts::new(policy(per_client)), by_email: FailureCounts::new(policy(per_email)) }
    }

    /// Until when this client or this email may not try a code, if either is locked.
    pub fn locked_until(&self, client: IpAddr, email_key: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let by_client = self.by_client.locked_until(&client, now);
        let by_email = self.by_email.locked_until(&email_key.to_string(), now);
        by_client.max(by_email)
    }

    /// Counts a wrong code for both.
    pub fn failed(&self, client: IpAddr, email_key: &str, now: DateTime<Utc>) {
        self.by_client.fail(&client, now);
        self.by_email.fail(&email_key.to_string(), now);
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
    /// The wrong-code counters these settings describe.
    pub fn wrong_codes(&self) -> WrongCodes {
        WrongCodes::new(self.wrong_codes_per_email, self.wrong_codes_per_client)
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

    #[test]
    fn counts_are_kept_apart_by_key() {
        let counts = FailureCounts::new(POLICY);
        for _ in 0..3 {
            counts.fail(&"a", now());
        }
        assert!(counts.locked_until(&"a", now()).is_some());
        assert!(counts.locked_until(&"b", now()).is_none());
        counts.clear(&"a");
        assert!(counts.locked_until(&"a", now()).is_none());
    }

    #[test]
    fn a_reserved_guess_counts_at_once_and_is_forgiven_when_right() {
        let counts = FailureCounts::new(POLICY);
        assert_eq!(counts.reserve(&"a", now()).map(|f| f.count), Some(1));
        assert_eq!(counts.reserve(&"a", now()).map(|f| f.count), Some(2));
        assert_eq!(counts.reserve(&"a", now()).map(|f| f.count), Some(3), "the third locks…");
        assert_eq!(counts.reserve(&"a", now()), None, "…so a fourth at once is refused before it is checked");
        counts.forgive(&"a");
        assert_eq!(counts.reserve(&"a", now()).map(|f| f.count), Some(3), "a right guess gives its place back");
    }

    #[test]
    fn wrong_codes_lock_an_email_whatever_the_address_and_an_address_whatever_the_email() {
        let limits = WrongCodes::new(2, 3);
        let ip = |n: u8| IpAddr::from([10, 0, 0, n]);
        limits.failed(ip(1), "a@nhs.net", now());
        limits.failed(ip(2), "a@nhs.net", now());
        assert!(limits.locked_until(ip(9), "a@nhs.net", now()).is_some(), "the email is locked");
        assert!(limits.locked_until(ip(9), "b@nhs.net", now()).is_none());
        for n in 0..3 {
            limits.failed(ip(5), &format!("p{n}@nhs.net"), now());
        }
        assert!(limits.locked_until(ip(5), "new@nhs.net", now()).is_some(), "the address is locked");
        assert_eq!(
            limits.locked_until(ip(5), "new@nhs.net", now()),
            Some(now() + Duration::hours(1)),
            "for an hour"
        );
    }
}
