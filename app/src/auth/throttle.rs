//! Slowing down password guessing: every failed sign-in waits longer before its answer, and
//! after repeated failures from one client address, or for one email address, sign-in is
//! locked for a while. Kept in memory (per server); the account's own lock is in the database.

use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// Failures in a row (per account or per email) before a temporary lock.
pub const LOCK_AFTER: u32 = 5;
/// Failures from one client address before it is locked out.
pub const CLIENT_LOCK_AFTER: u32 = 20;
/// How long a lock lasts.
pub const LOCK_FOR: Duration = Duration::minutes(15);

/// How long to wait before answering the `failures`-th failure in a row: 250 ms, doubling, at
/// most 4 seconds.
pub fn delay_after(failures: u32) -> std::time::Duration {
    let millis = 250u64.saturating_mul(1u64 << failures.saturating_sub(1).min(4));
    std::time::Duration::from_millis(millis.min(4000))
}

#[derive(Clone, Copy, Debug, Default)]
struct Count {
    failures: u32,
    last: Option<DateTime<Utc>>,
}

impl Count {
    /// Failures within the last lock period; older ones are forgotten.
    fn recent(&self, now: DateTime<Utc>) -> u32 {
        match self.last {
            Some(last) if now - last < LOCK_FOR => self.failures,
            _ => 0,
        }
    }
}

/// Failure counts by client address and by email.
#[derive(Clone, Debug, Default)]
pub struct Throttle {
    by_client: Arc<Mutex<HashMap<IpAddr, Count>>>,
    by_email: Arc<Mutex<HashMap<String, Count>>>,
}

impl Throttle {
    /// Whether sign-in is locked for this client or this email.
    pub fn is_locked(&self, client: IpAddr, email_key: &str, now: DateTime<Utc>) -> bool {
        let client_count =
            self.by_client.lock().map(|m| m.get(&client).map(|c| c.recent(now)).unwrap_or(0)).unwrap_or(0);
        let email_count =
            self.by_email.lock().map(|m| m.get(email_key).map(|c| c.recent(now)).unwrap_or(0)).unwrap_or(0);
        client_count >= CLIENT_LOCK_AFTER || email_count >= LOCK_AFTER
    }

    /// Counts a failure; returns the failures in a row for this email (for the delay).
    pub fn failed(&self, client: IpAddr, email_key: &str, now: DateTime<Utc>) -> u32 {
        let bump = |count: &mut Count| {
            count.failures = count.recent(now) + 1;
            count.last = Some(now);
            count.failures
        };
        if let Ok(mut map) = self.by_client.lock() {
            if map.len() > 100_000 {
                map.retain(|_, c| c.recent(now) > 0);
            }
            bump(map.entry(client).or_default());
        }
        self.by_email
            .lock()
            .map(|mut map| {
                if map.len() > 100_000 {
                    map.retain(|_, c| c.recent(now) > 0);
                }
                bump(map.entry(email_key.to_string()).or_default())
            })
            .unwrap_or(1)
    }

    /// Forgets an email's failures after a successful sign-in.
    pub fn succeeded(&self, _client: IpAddr, email_key: &str) {
        if let Ok(mut map) = self.by_email.lock() {
            map.remove(email_key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(n: u8) -> IpAddr {
        IpAddr::from([10, 0, 0, n])
    }

    #[test]
    fn each_failure_in_a_row_waits_longer_up_to_four_seconds() {
        let waits: Vec<u64> = (1..=7).map(|n| delay_after(n).as_millis() as u64).collect();
        assert_eq!(waits, [250, 500, 1000, 2000, 4000, 4000, 4000]);
    }

    #[test]
    fn five_failures_for_one_email_lock_it_whatever_the_client() {
        let t = Throttle::default();
        let now = Utc::now();
        for n in 0..5 {
            assert!(!t.is_locked(ip(n), "a@nhs.net", now));
            t.failed(ip(n), "a@nhs.net", now);
        }
        assert!(t.is_locked(ip(99), "a@nhs.net", now));
        assert!(!t.is_locked(ip(99), "b@nhs.net", now));
    }

    #[test]
    fn twenty_failures_from_one_client_lock_that_client_for_every_email() {
        let t = Throttle::default();
        let now = Utc::now();
        for n in 0..20 {
            t.failed(ip(1), &format!("user{n}@nhs.net"), now);
        }
        assert!(t.is_locked(ip(1), "someone.else@nhs.net", now));
        assert!(!t.is_locked(ip(2), "someone.else@nhs.net", now));
    }

    #[test]
    fn a_lock_lifts_after_fifteen_minutes() {
        let t = Throttle::default();
        let now = Utc::now();
        for _ in 0..5 {
            t.failed(ip(1), "a@nhs.net", now);
        }
        assert!(t.is_locked(ip(1), "a@nhs.net", now + Duration::minutes(14)));
        assert!(!t.is_locked(ip(1), "a@nhs.net", now + Duration::minutes(15)));
    }

    #[test]
    fn success_clears_the_email_count() {
        let t = Throttle::default();
        let now = Utc::now();
        for _ in 0..4 {
            t.failed(ip(1), "a@nhs.net", now);
        }
        t.succeeded(ip(1), "a@nhs.net");
        assert_eq!(t.failed(ip(1), "a@nhs.net", now), 1);
    }
}
