//! DESIGN.md's allocation rules, held by the SQLite store.

mod support;

use app::workflow::Actor;

use app::domain::allocation::{AllocationState, CohortChoice};
use app::errors::AppError;
use app::store::{AttendanceSource, StoreSettings};
use chrono::Duration;
use support::*;

const ANY: CohortChoice = CohortChoice::Any;

#[tokio::test]
async fn rule_1_a_valid_attendance_code_makes_an_application_eligible_at_once() {
    let t = TestStore::new().await;
    let cohort = add_cohort(&t.store, "Tuesdays", 2, 0).await;
    let session = add_taster(&t.store, "willow27").await;
    let status = t.store.submit_application(application("a@nhs.net", Some("WILLOW-27"), &ANY), t0()).await.unwrap();
    assert_eq!(status.state, AllocationState::Allocated);
    assert_eq!(status.cohort_id, Some(cohort));
    // The attendance the code proves is stored with the application.
    let attended: Vec<(i64, String, String, String, chrono::DateTime<chrono::Utc>)> = sql(
        "SELECT t.taster_session_id, t.source, t.attendee_name, t.attendee_email, t.confirmed_at
         FROM attendance t JOIN application a ON a.id = t.application_id WHERE a.reference = $1",
    )
    .bind(status.reference.as_str())
    .fetch_all(&t.raw().await)
    .await
    .unwrap();
    assert_eq!(attended, [(session, "code".to_string(), "Sam Jones".to_string(), "a@nhs.net".to_string(), t0())]);
}

#[tokio::test]
async fn rule_1_without_a_code_the_application_waits_for_the_attendance_check() {
    let t = TestStore::new().await;
    add_cohort(&t.store, "Tuesdays", 2, 0).await;
    let status = t.store.submit_application(application("a@nhs.net", None, &ANY), t0()).await.unwrap();
    assert_eq!(status.state, AllocationState::AwaitingAttendance);
    assert_eq!((status.cohort_id, status.position), (None, None));
}

#[tokio::test]
async fn rule_1_an_unknown_attendance_code_is_refused_and_nothing_is_stored() {
    let t = TestStore::new().await;
    add_cohort(&t.store, "Tuesdays", 2, 0).await;
    add_taster(&t.store, "willow27").await;
    let err = t.store.submit_application(application("a@nhs.net", Some("willow28"), &ANY), t0()).await.unwrap_err();
    assert!(matches!(&err, AppError::Invalid(f) if f.contains_key("attendance_code")), "{err:?}");
    let raw = t.raw().await;
    let count: i64 = sql("SELECT count(*) FROM application").scalar(&raw).await.unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn rule_1_a_code_for_a_session_that_has_not_started_is_refused() {
    let t = TestStore::new().await;
    add_cohort(&t.store, "Tuesdays", 2, 0).await;
    add_taster_at(&t.store, "later12", t0() + Duration::hours(2)).await;
    let err = t.store.submit_application(application("a@nhs.net", Some("later12"), &ANY), t0()).await.unwrap_err();
    assert!(matches!(err, AppError::Invalid(_)));
}

#[tokio::test]
async fn rule_1_a_coordinators_attendance_check_makes_it_eligible_then() {
    let t = TestStore::new().await;
    let cohort = add_cohort(&t.store, "Tuesdays", 1, 0).await;
    let taster = add_taster(&t.store, "willow27").await;
    let waiting = t.store.submit_application(application("a@nhs.net", None, &ANY), t0()).await.unwrap();
    // Someone with a code, arriving later, takes the only place first.
    t.store
        .submit_application(application("b@nhs.net", Some("willow27"), &ANY), t0() + Duration::minutes(5))
        .await
        .unwrap();
    let id = application_id(&t, &waiting.reference).await;
    let coordinator = add_coordinator(&t.store).await;
    let checked = t
        .store
        .confirm_attendance(id, taster, AttendanceSource::Manual, Actor::Coordinator(coordinator), t0() + Duration::minutes(10))
        .await
        .unwrap();
    assert_eq!(checked.state, AllocationState::Waiting);
    assert_eq!(checked.positions[0].cohort_id, cohort);
    assert_eq!(checked.positions[0].position, 1);
}

#[tokio::test]
async fn rule_2_the_first_ranked_cohort_with_a_place_allocates() {
    let t = TestStore::new().await;
    let tuesdays = add_cohort(&t.store, "Tuesdays", 1, 0).await;
    let thursdays = add_cohort(&t.store, "Thursdays", 1, 0).await;
    add_taster(&t.store, "willow27").await;
    let ranked = CohortChoice::Ranked(vec![tuesdays, thursdays]);
    let first = t.store.submit_application(application("a@nhs.net", Some("willow27"), &ranked), t0()).await.unwrap();
    let second = t.store.submit_application(application("b@nhs.net", Some("willow27"), &ranked), t0()).await.unwrap();
    let third = t.store.submit_application(application("c@nhs.net", Some("willow27"), &ranked), t0()).await.unwrap();
    assert_eq!(first.cohort_id, Some(tuesdays));
    assert_eq!(second.cohort_id, Some(thursdays));
    assert_eq!(third.state, AllocationState::Waiting);
    assert_eq!((third.cohort_id, third.position), (Some(tuesdays), Some(1)));
    let third = t.store.application_status(&third.status_token).await.unwrap();
    assert_eq!(third.positions.iter().map(|p| p.cohort_id).collect::<Vec<_>>(), [tuesdays, thursdays]);
}

#[tokio::test]
async fn rule_3_a_full_cohort_takes_no_more_and_the_database_refuses_overfilling() {
    let t = TestStore::new().await;
    let cohort = add_cohort(&t.store, "Tuesdays", 1, 0).await;
    add_taster(&t.store, "willow27").await;
    t.store.submit_application(application("a@nhs.net", Some("willow27"), &ANY), t0()).await.unwrap();
    let raw = t.raw().await;
    let overfill = sql("UPDATE cohort SET allocated_count = allocated_count + 1 WHERE id = $1")
        .bind(cohort)
        .execute(&raw)
        .await;
    assert!(overfill.is_err(), "the CHECK constraint must refuse more allocated than capacity");
}

#[tokio::test]
async fn rule_4_a_withdrawal_offers_the_place_to_the_first_in_line_who_can_accept_it() {
    let t = TestStore::new().await;
    let cohort = add_cohort(&t.store, "Tuesdays", 1, 0).await;
    add_taster(&t.store, "willow27").await;
    let holder = t.store.submit_application(application("a@nhs.net", Some("willow27"), &ANY), t0()).await.unwrap();
    let next = t.store.submit_application(application("b@nhs.net", Some("willow27"), &ANY), t0()).await.unwrap();
    let later = t.store.submit_application(application("c@nhs.net", Some("willow27"), &ANY), t0()).await.unwrap();
    t.store.withdraw(&holder.status_token, t0() + Duration::hours(1)).await.unwrap();

    let offered = t.store.application_status(&next.status_token).await.unwrap();
    assert_eq!(offered.state, AllocationState::Offered);
    assert_eq!(offered.offer_expires_at, Some(t0() + Duration::hours(1) + Duration::hours(48)));
    let still_waiting = t.store.application_status(&later.status_token).await.unwrap();
    assert_eq!(still_waiting.positions[0].position, 1);
    assert_eq!(places(&t, cohort).await, 0, "an outstanding offer holds the place");

    let accepted = t.store.accept_offer(&next.status_token, t0() + Duration::hours(2)).await.unwrap();
    assert_eq!(accepted.state, AllocationState::Allocated);
}

#[tokio::test]
async fn rule_4_declining_passes_the_place_to_the_next() {
    let t = TestStore::new().await;
    add_cohort(&t.store, "Tuesdays", 1, 0).await;
    add_taster(&t.store, "willow27").await;
    let holder = t.store.submit_application(application("a@nhs.net", Some("willow27"), &ANY), t0()).await.unwrap();
    let next = t.store.submit_application(application("b@nhs.net", Some("willow27"), &ANY), t0()).await.unwrap();
    let after = t.store.submit_application(application("c@nhs.net", Some("willow27"), &ANY), t0()).await.unwrap();
    t.store.withdraw(&holder.status_token, t0()).await.unwrap();
    let declined = t.store.decline_offer(&next.status_token, t0()).await.unwrap();
    assert_eq!(declined.state, AllocationState::Declined);
    assert_eq!(t.store.application_status(&after.status_token).await.unwrap().state, AllocationState::Offered);
}

#[tokio::test]
async fn rule_4_an_offer_not_accepted_in_the_window_expires_and_passes_on() {
    let window = Duration::hours(2);
    let t = TestStore::with_settings(StoreSettings { offer_window: window }).await;
    add_cohort(&t.store, "Tuesdays", 1, 0).await;
    add_taster(&t.store, "willow27").await;
    let holder = t.store.submit_application(application("a@nhs.net", Some("willow27"), &ANY), t0()).await.unwrap();
    let next = t.store.submit_application(application("b@nhs.net", Some("willow27"), &ANY), t0()).await.unwrap();
    let after = t.store.submit_application(application("c@nhs.net", Some("willow27"), &ANY), t0()).await.unwrap();
    t.store.withdraw(&holder.status_token, t0()).await.unwrap();

    assert_eq!(t.store.expire_offers(t0() + window - Duration::seconds(1)).await.unwrap(), 0);
    assert_eq!(t.store.expire_offers(t0() + window).await.unwrap(), 1);
    assert_eq!(t.store.application_status(&next.status_token).await.unwrap().state, AllocationState::Expired);
    assert_eq!(t.store.application_status(&after.status_token).await.unwrap().state, AllocationState::Offered);
}

#[tokio::test]
async fn rule_4_accepting_after_the_window_is_too_late() {
    let window = Duration::hours(2);
    let t = TestStore::with_settings(StoreSettings { offer_window: window }).await;
    add_cohort(&t.store, "Tuesdays", 1, 0).await;
    add_taster(&t.store, "willow27").await;
    let holder = t.store.submit_application(application("a@nhs.net", Some("willow27"), &ANY), t0()).await.unwrap();
    let next = t.store.submit_application(application("b@nhs.net", Some("willow27"), &ANY), t0()).await.unwrap();
    t.store.withdraw(&holder.status_token, t0()).await.unwrap();
    let late = t.store.accept_offer(&next.status_token, t0() + window).await.unwrap();
    assert_eq!(late.state, AllocationState::Expired);
}

#[tokio::test]
async fn rule_4_raising_capacity_offers_the_new_places_at_once() {
    let t = TestStore::new().await;
    let cohort = add_cohort(&t.store, "Tuesdays", 1, 0).await;
    add_taster(&t.store, "willow27").await;
    t.store.submit_application(application("a@nhs.net", Some("willow27"), &ANY), t0()).await.unwrap();
    let b = t.store.submit_application(application("b@nhs.net", Some("willow27"), &ANY), t0()).await.unwrap();
    let c = t.store.submit_application(application("c@nhs.net", Some("willow27"), &ANY), t0()).await.unwrap();
    t.store.set_capacity(cohort, 3, t0()).await.unwrap();
    assert_eq!(t.store.application_status(&b.status_token).await.unwrap().state, AllocationState::Offered);
    assert_eq!(t.store.application_status(&c.status_token).await.unwrap().state, AllocationState::Offered);
    assert_eq!(places(&t, cohort).await, 0);
}

#[tokio::test]
async fn rule_3_capacity_cannot_drop_below_allocated_plus_offered() {
    let t = TestStore::new().await;
    let cohort = add_cohort(&t.store, "Tuesdays", 2, 0).await;
    add_taster(&t.store, "willow27").await;
    t.store.submit_application(application("a@nhs.net", Some("willow27"), &ANY), t0()).await.unwrap();
    let err = t.store.set_capacity(cohort, 0, t0()).await.unwrap_err();
    assert!(matches!(&err, AppError::Invalid(f) if f["capacity"].contains("1 places already")), "{err:?}");
    t.store.set_capacity(cohort, 1, t0()).await.unwrap();
}

#[tokio::test]
async fn rule_5_places_remaining_counts_allocations_and_offers() {
    let t = TestStore::new().await;
    let cohort = add_cohort(&t.store, "Tuesdays", 3, 0).await;
    add_taster(&t.store, "willow27").await;
    assert_eq!(places(&t, cohort).await, 3);
    t.store.submit_application(application("a@nhs.net", Some("willow27"), &ANY), t0()).await.unwrap();
    assert_eq!(places(&t, cohort).await, 2);
}

#[tokio::test]
async fn rule_6_a_second_application_from_the_same_email_changes_nothing() {
    let t = TestStore::new().await;
    let cohort = add_cohort(&t.store, "Tuesdays", 3, 0).await;
    add_taster(&t.store, "willow27").await;
    let first = t.store.submit_application(application("Sam@NHS.net", None, &ANY), t0()).await.unwrap();
    let err = t.store.submit_application(application("sam@nhs.NET", Some("willow27"), &ANY), t0()).await.unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)));
    let unchanged = t.store.application_status(&first.status_token).await.unwrap();
    assert_eq!(unchanged.state, AllocationState::AwaitingAttendance);
    assert_eq!(places(&t, cohort).await, 3);
    let attended: i64 = sql("SELECT count(*) FROM attendance").scalar(&t.raw().await).await.unwrap();
    assert_eq!(attended, 0, "the refused application's attendance is not kept either");
}

#[tokio::test]
async fn rule_6_after_withdrawing_the_same_email_may_apply_again() {
    let t = TestStore::new().await;
    add_cohort(&t.store, "Tuesdays", 3, 0).await;
    let first = t.store.submit_application(application("sam@nhs.net", None, &ANY), t0()).await.unwrap();
    t.store.withdraw(&first.status_token, t0()).await.unwrap();
    t.store.submit_application(application("sam@nhs.net", None, &ANY), t0()).await.unwrap();
}

#[tokio::test]
async fn rule_7_withdrawing_twice_or_answering_no_offer_is_refused() {
    let t = TestStore::new().await;
    add_cohort(&t.store, "Tuesdays", 3, 0).await;
    let app = t.store.submit_application(application("sam@nhs.net", None, &ANY), t0()).await.unwrap();
    assert!(matches!(t.store.accept_offer(&app.status_token, t0()).await, Err(AppError::Conflict(_))));
    t.store.withdraw(&app.status_token, t0()).await.unwrap();
    assert!(matches!(t.store.withdraw(&app.status_token, t0()).await, Err(AppError::Conflict(_))));
}

#[tokio::test]
async fn an_unknown_status_token_is_not_found() {
    let t = TestStore::new().await;
    assert!(matches!(t.store.application_status("nope").await, Err(AppError::NotFound(_))));
}

#[tokio::test]
async fn with_no_open_cohort_an_application_is_refused() {
    let t = TestStore::new().await;
    let err = t.store.submit_application(application("sam@nhs.net", None, &ANY), t0()).await.unwrap_err();
    assert!(matches!(&err, AppError::Invalid(f) if f.contains_key("cohort_preferences")));
}

#[tokio::test]
async fn many_concurrent_applications_never_overfill_and_queue_in_order() {
    let t = TestStore::new().await;
    let cohort = add_cohort(&t.store, "Tuesdays", 20, 0).await;
    add_taster(&t.store, "willow27").await;
    let tasks: Vec<_> = (0..300)
        .map(|i| {
            let store = t.store.clone();
            tokio::spawn(async move {
                store.submit_application(application(&format!("n{i}@nhs.net"), Some("willow27"), &ANY), t0()).await
            })
        })
        .collect();
    let mut allocated = 0;
    let mut positions = Vec::new();
    for task in tasks {
        let status = task.await.unwrap().unwrap();
        match status.state {
            AllocationState::Allocated => allocated += 1,
            AllocationState::Waiting => positions.push(status.position.unwrap()),
            other => panic!("unexpected state {other:?}"),
        }
    }
    positions.sort();
    assert_eq!(allocated, 20);
    assert_eq!(positions, (1..=280).collect::<Vec<i64>>());
    assert_eq!(places(&t, cohort).await, 0);
}

async fn places(t: &TestStore, cohort: i64) -> i64 {
    t.store.cohorts(true).await.unwrap().into_iter().find(|c| c.id == cohort).unwrap().places_remaining
}

async fn application_id(t: &TestStore, reference: &str) -> i64 {
    let raw = t.raw().await;
    sql("SELECT id FROM application WHERE reference = $1")
        .bind(reference)
        .scalar(&raw)
        .await
        .unwrap()
}

#[tokio::test]
async fn coordinator_writes_beside_the_writer_wait_their_turn_instead_of_failing() {
    let t = TestStore::new().await;
    add_cohort(&t.store, "Tuesdays", 5, 0).await;
    add_taster(&t.store, "willow27").await;
    // Another session to cancel and reinstate meanwhile (cancelling the code's own session
    // would rightly refuse its code).
    let taster = add_taster(&t.store, "heron11").await;
    let coordinator = add_coordinator(&t.store).await;
    let mut tasks = Vec::new();
    for i in 0..30 {
        let store = t.store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .submit_application(application(&format!("w{i}@nhs.net"), Some("willow27"), &ANY), t0())
                .await
                .map(|_| ())
        }));
        let store = t.store.clone();
        tasks.push(tokio::spawn(async move { add_cohort_named(&store, &format!("Extra {i}")).await }));
        // Reads, then writes: the pattern that fails at once inside a deferred transaction.
        let store = t.store.clone();
        tasks.push(tokio::spawn(async move {
            let change =
                if i % 2 == 0 { app::store::TasterChange::Cancel } else { app::store::TasterChange::Reinstate };
            store.change_taster(taster, change, coordinator, t0()).await
        }));
    }
    for task in tasks {
        task.await.unwrap().expect("no write fails because another was busy");
    }
}

async fn add_cohort_named(store: &app::store::Store, name: &str) -> Result<(), AppError> {
    let first = t0() + Duration::weeks(2);
    store
        .create_cohort(
            &app::store::NewCohort {
                name: name.into(),
                intake: "2027-03".into(),
                capacity: 3,
                status: app::models::CohortStatus::Draft,
                meetings: vec![(first, first + Duration::hours(2))],
            },
            Actor::System,
            t0(),
        )
        .await
        .map(|_| ())
}
