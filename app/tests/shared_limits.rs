//! The sign-in throttle and the wrong-code limits are kept where every instance counts the
//! same guesses: on PostgreSQL, two stores on one database (two instances) share them.

mod support;

use app::auth::limits::WrongCodes;
use app::auth::throttle::{Throttle, CLIENT_LOCK_AFTER};
use app::store::Store;
use chrono::Utc;
use std::net::IpAddr;
use support::TestStore;

#[tokio::test]
async fn a_client_address_locked_through_one_instance_is_locked_on_the_other() {
    let t = TestStore::new().await;
    let other = Store::open(&t.url).await.unwrap();
    let (here, there) = (Throttle::new(&t.store), Throttle::new(&other));
    let client = IpAddr::from([10, 1, 2, 3]);
    let now = Utc::now();
    for attempt in 0..CLIENT_LOCK_AFTER {
        let throttle = if attempt % 2 == 0 { &here } else { &there };
        assert!(throttle.reserve(client, now).await.unwrap().is_some(), "attempt {attempt}");
    }
    if app::store::testing::on_postgres() {
        assert!(there.is_locked(client, now).await.unwrap(), "locked on the other instance too");
        assert!(here.is_locked(client, now).await.unwrap());
        assert_eq!(there.reserve(client, now).await.unwrap(), None);
    } else {
        // On SQLite one instance serves, and each server keeps its own count in memory.
        assert!(!there.is_locked(client, now).await.unwrap());
    }
    assert!(!here.is_locked(IpAddr::from([10, 1, 2, 4]), now).await.unwrap(), "another address is not");
}

#[tokio::test]
async fn wrong_codes_through_both_instances_add_up_to_one_lock() {
    let t = TestStore::new().await;
    let other = Store::open(&t.url).await.unwrap();
    let (here, there) = (WrongCodes::new(4, 100, &t.store), WrongCodes::new(4, 100, &other));
    let now = Utc::now();
    for attempt in 0..4u8 {
        let limits = if attempt % 2 == 0 { &here } else { &there };
        limits.failed(IpAddr::from([10, 0, 0, attempt]), "sam@nhs.net", now).await.unwrap();
    }
    let locked = there.locked_until(IpAddr::from([10, 9, 9, 9]), "sam@nhs.net", now).await.unwrap();
    if app::store::testing::on_postgres() {
        let until = locked.expect("locked through the other instance's count");
        // Stored to the microsecond.
        assert!((until - (now + chrono::Duration::hours(1))).num_milliseconds().abs() < 1, "{until}");
    } else {
        assert_eq!(locked, None, "on SQLite each server counts in memory");
    }
}
