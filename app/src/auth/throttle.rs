//! Slowing down password guessing. Every wrong password waits longer before its answer; five
//! in a row lock the account for 15 minutes (a count kept in the database, so the lock holds
//! across restarts, and which starts again once a lock has lapsed or after 15 quiet minutes);
//! twenty from one client address lock that address (in memory on SQLite, in the database on
//! PostgreSQL, so every instance counts them).
//!
//! A flood from many addresses cannot lock every coordinator out: a browser a coordinator has
//! signed in on before carries a device cookie, and sign-in from it keeps a count of its own
//! (see `session.rs`). Wrong passwords from anywhere else lock the account for other browsers
//! only, and the address lock does not apply to a known browser either, so a coordinator on
//! their usual browser still signs in while an attack on their account goes on.

use super::limits::{FailureCounts, Policy};
use crate::errors::AppError;
use crate::store::Store;
use chrono::{DateTime, Duration, Utc};
use std::net::IpAddr;

/// Wrong passwords in a row for an account (or for one known browser) before a lock.
pub const LOCK_AFTER: u32 = 5;
/// Wrong passwords from one client address before it is locked out.
pub const CLIENT_LOCK_AFTER: u32 = 20;
/// How long a lock lasts, and the quiet period after which a count starts again.
pub const LOCK_FOR: Duration = Duration::minutes(15);

/// The policy for an account's (or a known browser's) stored count.
pub const ACCOUNT: Policy = Policy { limit: LOCK_AFTER, lock_for: LOCK_FOR };
/// The policy for a client address.
pub const CLIENT: Policy = Policy { limit: CLIENT_LOCK_AFTER, lock_for: LOCK_FOR };

/// How long to wait before answering the `failures`-th failure in a row: 250 ms, doubling, at
/// most 4 seconds.
pub fn delay_after(failures: u32) -> std::time::Duration {
    let millis = 250u64.saturating_mul(1u64 << failures.saturating_sub(1).min(4));
    std::time::Duration::from_millis(millis.min(4000))
}

/// Wrong passwords by client address (in memory on SQLite, shared by every instance on
/// PostgreSQL: see [`FailureCounts`]).
#[derive(Clone, Debug)]
pub struct Throttle {
    by_client: FailureCounts,
}

impl Throttle {
    /// The client-address throttle for `store`'s database.
    pub fn new(store: &Store) -> Self {
        Self { by_client: FailureCounts::new(CLIENT, "sign_in_client", store) }
    }

    /// The same throttle in this server's memory, whatever the database.
    pub fn in_memory() -> Self {
        Self { by_client: FailureCounts::in_memory(CLIENT, "sign_in_client") }
    }

    /// Whether sign-in is locked for this client address.
    pub async fn is_locked(&self, client: IpAddr, now: DateTime<Utc>) -> Result<bool, AppError> {
        Ok(self.by_client.locked_until(&client.to_string(), now).await?.is_some())
    }

    /// Counts an attempt from this address as wrong before its password is checked; `None`
    /// when the address is locked. Returns its failures in a row.
    pub async fn reserve(&self, client: IpAddr, now: DateTime<Utc>) -> Result<Option<u32>, AppError> {
        Ok(self.by_client.reserve(&client.to_string(), now).await?.map(|f| f.count))
    }

    /// Takes back a reserved attempt whose password was right.
    pub async fn forgive(&self, client: IpAddr, now: DateTime<Utc>) -> Result<(), AppError> {
        self.by_client.forgive(&client.to_string(), now).await
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

    #[tokio::test]
    async fn twenty_failures_from_one_client_lock_that_client() {
        let t = Throttle::in_memory();
        let now = Utc::now();
        for _ in 0..19 {
            assert!(t.reserve(ip(1), now).await.unwrap().is_some());
        }
        assert!(!t.is_locked(ip(1), now).await.unwrap());
        assert_eq!(t.reserve(ip(1), now).await.unwrap(), Some(20));
        assert!(t.is_locked(ip(1), now).await.unwrap());
        assert_eq!(t.reserve(ip(1), now).await.unwrap(), None);
        assert!(!t.is_locked(ip(2), now).await.unwrap());
    }

    #[tokio::test]
    async fn a_client_lock_lifts_after_fifteen_minutes() {
        let t = Throttle::in_memory();
        let now = Utc::now();
        for _ in 0..20 {
            t.reserve(ip(1), now).await.unwrap();
        }
        assert!(t.is_locked(ip(1), now + Duration::minutes(14)).await.unwrap());
        assert!(!t.is_locked(ip(1), now + Duration::minutes(15)).await.unwrap());
    }
}
