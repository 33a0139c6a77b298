//! The rule checker itself (`Store::rule_breaches`, used by the model test and the crash
//! cycles) must see a breach when there is one: each test breaks one rule behind the
//! workflow's back and expects it named.

mod support;

use app::domain::allocation::CohortChoice;
use support::*;

/// One cohort of one place: one applicant allocated, two waiting; every rule holds before a
/// test breaks one.
async fn sound_store() -> (TestStore, i64) {
    let t = TestStore::new().await;
    let cohort = add_cohort(&t.store, "Tuesdays", 1, 0).await;
    add_taster(&t.store, "willow27").await;
    for email in ["a@nhs.net", "b@nhs.net", "c@nhs.net"] {
        t.store.submit_application(application(email, Some("willow27"), &CohortChoice::Any), t0()).await.unwrap();
    }
    assert_eq!(t.store.rule_breaches().await.unwrap(), Vec::<String>::new());
    assert_eq!(t.store.integrity_check().await.unwrap(), "ok");
    (t, cohort)
}

#[tokio::test]
async fn a_counter_that_disagrees_with_the_applications_is_a_breach() {
    let (t, cohort) = sound_store().await;
    sql("UPDATE cohort SET allocated_count = 0 WHERE id = $1").bind(cohort).execute(&t.raw().await).await.unwrap();
    let breaches = t.store.rule_breaches().await.unwrap();
    assert!(breaches.iter().any(|b| b.contains("counters say 0 allocated")), "{breaches:?}");
}

#[tokio::test]
async fn more_places_taken_than_the_capacity_is_a_breach() {
    // The cohort's own counters cannot pass its capacity (a CHECK constraint), so the breach
    // is made in the applications: someone waiting is marked allocated behind its back.
    let (t, cohort) = sound_store().await;
    sql("UPDATE application SET state = 'allocated', cohort_id = $1 WHERE email = 'b@nhs.net'")
        .bind(cohort)
        .execute(&t.raw().await)
        .await
        .unwrap();
    let breaches = t.store.rule_breaches().await.unwrap();
    assert!(breaches.iter().any(|b| b.contains("2 allocated + 0 offered > capacity 1")), "{breaches:?}");
}

#[tokio::test]
async fn a_free_place_while_someone_waits_is_a_breach() {
    let (t, cohort) = sound_store().await;
    sql("UPDATE cohort SET capacity = 3 WHERE id = $1").bind(cohort).execute(&t.raw().await).await.unwrap();
    let breaches = t.store.rule_breaches().await.unwrap();
    assert!(breaches.iter().any(|b| b.contains("2 free place(s) while 2 wait")), "{breaches:?}");
}
