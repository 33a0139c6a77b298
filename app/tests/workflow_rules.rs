//! The rules that leaked before the workflow was written once (DESIGN.md, rules 1, 3 and 4 and
//! "Attendance codes"), and the events every step records.

mod support;

use app::domain::allocation::{AllocationState, CohortChoice};
use app::errors::AppError;
use app::models::CohortStatus;
use app::store::{AttendanceSource, CohortUpdate, NewCohort};
use app::workflow::{Actor, Event};
use chrono::{DateTime, Duration, Utc};
use support::*;

const ANY: CohortChoice = CohortChoice::Any;

async fn state(t: &TestStore, token: &str) -> AllocationState {
    t.store.application_status(token).await.unwrap().state
}

async fn id_of(t: &TestStore, token: &str) -> i64 {
    let raw = t.raw().await;
    sql("SELECT id FROM application WHERE status_token = $1").bind(token).scalar(&raw).await.unwrap()
}

async fn eligible_at(t: &TestStore, token: &str) -> Option<DateTime<Utc>> {
    let raw = t.raw().await;
    sql("SELECT eligible_at FROM application WHERE status_token = $1")
        .bind(token)
        .scalar(&raw)
        .await
        .unwrap()
}

fn january(name: &str, capacity: i64, status: CohortStatus) -> NewCohort {
    let first = t0() + Duration::weeks(3);
    NewCohort {
        name: name.into(),
        intake: "2027-03".into(),
        capacity,
        status,
        meetings: vec![(first, first + Duration::hours(2))],
    }
}

// Rule 3: new or newly open places go to those already waiting ------------------------------

#[tokio::test]
async fn rule_3_creating_an_open_cohort_offers_its_places_to_those_already_waiting() {
    let t = TestStore::new().await;
    add_cohort(&t.store, "Tuesdays", 1, 0).await;
    add_taster(&t.store, "willow27").await;
    t.store.submit_application(application("a@nhs.net", Some("willow27"), &ANY), t0()).await.unwrap();
    let waiting = t.store.submit_application(application("b@nhs.net", Some("willow27"), &ANY), t0()).await.unwrap();
    assert_eq!(waiting.state, AllocationState::Waiting);

    let fresh = t.store.create_cohort(&january("Saturdays", 2, CohortStatus::Open), Actor::System, t0()).await.unwrap();
    let status = t.store.application_status(&waiting.status_token).await.unwrap();
    assert_eq!(status.state, AllocationState::Offered, "the one waiting is offered the new place at once");
    assert_eq!(status.cohort.map(|c| c.id), Some(fresh));
    // A newcomer after that takes the remaining place, not a place someone waited for.
    let newcomer = t.store.submit_application(application("c@nhs.net", Some("willow27"), &ANY), t0()).await.unwrap();
    assert_eq!((newcomer.state, newcomer.cohort_id), (AllocationState::Allocated, Some(fresh)));
}

#[tokio::test]
async fn rule_3_opening_a_draft_offers_its_places_to_those_already_waiting() {
    let t = TestStore::new().await;
    add_cohort(&t.store, "Tuesdays", 1, 0).await;
    add_taster(&t.store, "willow27").await;
    let coordinator = add_coordinator(&t.store).await;
    let draft = t.store.create_cohort(&january("Saturdays", 1, CohortStatus::Draft), Actor::System, t0()).await.unwrap();
    t.store.submit_application(application("a@nhs.net", Some("willow27"), &ANY), t0()).await.unwrap();
    let waiting = t.store.submit_application(application("b@nhs.net", Some("willow27"), &ANY), t0()).await.unwrap();
    assert_eq!(waiting.state, AllocationState::Waiting, "a draft gives no place");

    let c = january("Saturdays", 1, CohortStatus::Open);
    let open = CohortUpdate { name: c.name, capacity: c.capacity, status: CohortStatus::Open, meetings: c.meetings };
    t.store.update_cohort(draft, open, coordinator, t0()).await.unwrap();
    assert_eq!(state(&t, &waiting.status_token).await, AllocationState::Offered);
}

// Rule 1: a late confirmation dates from the attendance, not the click ----------------------

#[tokio::test]
async fn rule_1_a_late_confirmation_is_eligible_from_the_session_start_or_the_submission() {
    let t = TestStore::new().await;
    add_cohort(&t.store, "Tuesdays", 5, 0).await;
    let session = add_taster_at(&t.store, "willow27", t0() - Duration::hours(1)).await;
    let coordinator = add_coordinator(&t.store).await;
    let later_session = add_taster_at(&t.store, "heron11", t0() + Duration::hours(3)).await;
    let after = t.store.submit_application(application("a@nhs.net", None, &ANY), t0()).await.unwrap();
    let before = t.store.submit_application(application("b@nhs.net", None, &ANY), t0()).await.unwrap();
    let click = t0() + Duration::days(2);
    let by = Actor::Coordinator(coordinator);

    // Applied after the session: eligible from the submission.
    let id = id_of(&t, &after.status_token).await;
    t.store.confirm_attendance(id, session, AttendanceSource::Manual, by, click).await.unwrap();
    assert_eq!(eligible_at(&t, &after.status_token).await, Some(t0()), "not the moment of the click");

    // Applied before the session it then attended: eligible from the session's start.
    let id = id_of(&t, &before.status_token).await;
    t.store.confirm_attendance(id, later_session, AttendanceSource::Manual, by, click).await.unwrap();
    assert_eq!(eligible_at(&t, &before.status_token).await, Some(t0() + Duration::hours(3)));
}

#[tokio::test]
async fn rule_1_a_late_confirmation_can_stand_ahead_of_people_already_waiting() {
    let t = TestStore::new().await;
    add_cohort(&t.store, "Tuesdays", 1, 0).await;
    let session = add_taster(&t.store, "willow27").await;
    let coordinator = add_coordinator(&t.store).await;
    let early = t.store.submit_application(application("early@nhs.net", None, &ANY), t0()).await.unwrap();
    t.store.submit_application(application("a@nhs.net", Some("willow27"), &ANY), t0() + Duration::minutes(5)).await.unwrap();
    let coded = t
        .store
        .submit_application(application("b@nhs.net", Some("willow27"), &ANY), t0() + Duration::minutes(6))
        .await
        .unwrap();
    assert_eq!(coded.position, Some(1));
    let id = id_of(&t, &early.status_token).await;
    let status = t
        .store
        .confirm_attendance(id, session, AttendanceSource::Manual, Actor::Coordinator(coordinator), t0() + Duration::days(1))
        .await
        .unwrap();
    assert_eq!(status.positions[0].position, 1, "applied first, attended first: first in line");
    let behind = t.store.application_status(&coded.status_token).await.unwrap();
    assert_eq!((behind.state, behind.positions[0].position), (AllocationState::Waiting, 2));
}

#[tokio::test]
async fn rule_1_confirming_a_reports_attendees_in_any_order_gives_the_same_queue() {
    async fn queue(order: [usize; 3]) -> Vec<String> {
        let t = TestStore::new().await;
        add_cohort(&t.store, "Tuesdays", 0, 0).await;
        let session = add_taster(&t.store, "willow27").await;
        let coordinator = add_coordinator(&t.store).await;
        let mut tokens = Vec::new();
        for (n, minutes) in [0, 10, 20].into_iter().enumerate() {
            let app = application(&format!("p{n}@nhs.net"), None, &ANY);
            tokens.push(t.store.submit_application(app, t0() + Duration::minutes(minutes)).await.unwrap().status_token);
        }
        for (step, &n) in order.iter().enumerate() {
            let id = id_of(&t, &tokens[n]).await;
            let click = t0() + Duration::hours(1) + Duration::minutes(step as i64);
            t.store.confirm_attendance(id, session, AttendanceSource::Zoom, Actor::Coordinator(coordinator), click).await.unwrap();
        }
        let mut positions = Vec::new();
        for (n, token) in tokens.iter().enumerate() {
            let status = t.store.application_status(token).await.unwrap();
            positions.push(format!("p{n}:{}", status.positions[0].position));
        }
        positions
    }
    let in_order = queue([0, 1, 2]).await;
    assert_eq!(in_order, ["p0:1", "p1:2", "p2:3"]);
    assert_eq!(queue([2, 0, 1]).await, in_order);
    assert_eq!(queue([1, 2, 0]).await, in_order);
}

// Rule 4: declining or a lapse leaves one queue only ---------------------------------------

#[tokio::test]
async fn rule_4_declining_an_offer_keeps_the_applicants_place_in_their_other_queues() {
    let t = TestStore::new().await;
    let tuesdays = add_cohort(&t.store, "Tuesdays", 1, 0).await;
    let thursdays = add_cohort(&t.store, "Thursdays", 1, 1).await;
    add_taster(&t.store, "willow27").await;
    let both = CohortChoice::Ranked(vec![tuesdays, thursdays]);
    let a = t.store.submit_application(application("a@nhs.net", Some("willow27"), &both), t0()).await.unwrap();
    t.store.submit_application(application("b@nhs.net", Some("willow27"), &both), t0()).await.unwrap();
    let waiting = t.store.submit_application(application("c@nhs.net", Some("willow27"), &both), t0()).await.unwrap();
    let behind = t.store.submit_application(application("d@nhs.net", Some("willow27"), &both), t0()).await.unwrap();
    t.store.withdraw(&a.status_token, t0() + Duration::minutes(1)).await.unwrap();
    assert_eq!(state(&t, &waiting.status_token).await, AllocationState::Offered);

    let after = t.store.decline_offer(&waiting.status_token, t0() + Duration::minutes(2)).await.unwrap();
    assert_eq!(after.state, AllocationState::Waiting, "declining one cohort does not end the application");
    let thursday: Vec<(i64, i64)> = after.positions.iter().map(|p| (p.cohort_id, p.position)).collect();
    assert_eq!(thursday, [(thursdays, 1)], "still first in Thursday's queue, off Tuesday's");
    assert_eq!(state(&t, &behind.status_token).await, AllocationState::Offered, "Tuesday's place passes on");
}

#[tokio::test]
async fn rule_4_a_lapsed_offer_keeps_the_other_queues_and_ends_only_when_no_choice_is_left() {
    let window = Duration::hours(2);
    let t = TestStore::with_settings(app::store::StoreSettings { offer_window: window }).await;
    let tuesdays = add_cohort(&t.store, "Tuesdays", 1, 0).await;
    let thursdays = add_cohort(&t.store, "Thursdays", 1, 1).await;
    add_taster(&t.store, "willow27").await;
    let both = CohortChoice::Ranked(vec![tuesdays, thursdays]);
    let a = t.store.submit_application(application("a@nhs.net", Some("willow27"), &both), t0()).await.unwrap();
    let b = t.store.submit_application(application("b@nhs.net", Some("willow27"), &both), t0()).await.unwrap();
    let c = t.store.submit_application(application("c@nhs.net", Some("willow27"), &both), t0()).await.unwrap();
    t.store.withdraw(&a.status_token, t0()).await.unwrap();
    t.store.expire_offers(t0() + window).await.unwrap();
    let lapsed = t.store.application_status(&c.status_token).await.unwrap();
    assert_eq!(lapsed.state, AllocationState::Waiting, "a lapse on Tuesdays leaves Thursdays' queue alone");
    assert_eq!(lapsed.positions.len(), 1);
    // Then Thursday's place frees too: offered, and declined: no choice is left.
    t.store.withdraw(&b.status_token, t0() + window).await.unwrap();
    assert_eq!(state(&t, &c.status_token).await, AllocationState::Offered);
    let ended = t.store.decline_offer(&c.status_token, t0() + window).await.unwrap();
    assert_eq!(ended.state, AllocationState::Declined);
}

// Attendance counts only for a session that took place -------------------------------------

#[tokio::test]
async fn attendance_is_confirmed_only_for_a_session_that_has_started_and_was_not_cancelled_before() {
    let t = TestStore::new().await;
    add_cohort(&t.store, "Tuesdays", 5, 0).await;
    let coordinator = add_coordinator(&t.store).await;
    let by = Actor::Coordinator(coordinator);
    let future = add_taster_at(&t.store, "future01", t0() + Duration::days(1)).await;
    let cancelled_first = add_taster_at(&t.store, "cancelled01", t0() + Duration::hours(2)).await;
    let took_place = add_taster_at(&t.store, "tookplace01", t0() - Duration::hours(2)).await;
    t.store.change_taster(cancelled_first, app::store::TasterChange::Cancel, coordinator, t0()).await.unwrap();
    let a = t.store.submit_application(application("a@nhs.net", None, &ANY), t0()).await.unwrap();
    let id = id_of(&t, &a.status_token).await;
    let now = t0() + Duration::days(3);

    let err = t.store.confirm_attendance(id, future, AttendanceSource::Manual, by, t0()).await.unwrap_err();
    assert!(matches!(&err, AppError::Invalid(f) if f["taster_session_id"].contains("not started")), "{err:?}");
    let err = t.store.confirm_attendance(id, cancelled_first, AttendanceSource::Manual, by, now).await.unwrap_err();
    assert!(matches!(&err, AppError::Invalid(f) if f["taster_session_id"].contains("cancelled")), "{err:?}");

    // A session cancelled after it took place: people who were there are confirmed by hand.
    t.store.change_taster(took_place, app::store::TasterChange::Cancel, coordinator, now).await.unwrap();
    let status = t.store.confirm_attendance(id, took_place, AttendanceSource::Manual, by, now).await.unwrap();
    assert_eq!(status.state, AllocationState::Allocated);
}

// A move stays within its intake ------------------------------------------------------------

#[tokio::test]
async fn a_move_goes_only_to_a_cohort_of_the_same_intake() {
    let t = TestStore::new().await;
    let tuesdays = add_cohort(&t.store, "Tuesdays", 1, 0).await;
    add_taster(&t.store, "willow27").await;
    let coordinator = add_coordinator(&t.store).await;
    let elsewhere = NewCohort { intake: "2027-09".into(), ..january("September", 5, CohortStatus::Open) };
    let september = t.store.create_cohort(&elsewhere, Actor::System, t0()).await.unwrap();
    let a = t.store.submit_application(application("a@nhs.net", Some("willow27"), &ANY), t0()).await.unwrap();
    assert_eq!(a.cohort_id, Some(tuesdays));
    let id = id_of(&t, &a.status_token).await;
    let err = t.store.move_to_cohort(id, september, coordinator, t0()).await.unwrap_err();
    assert!(matches!(&err, AppError::Invalid(f) if f["cohort_id"].contains("another intake")), "{err:?}");
    assert_eq!(t.store.application_status(&a.status_token).await.unwrap().cohort.map(|c| c.id), Some(tuesdays));
}

// Events ---------------------------------------------------------------------------------------

#[tokio::test]
async fn every_step_records_what_it_changed_as_events_in_order() {
    let t = TestStore::new().await;
    let cohort = add_cohort(&t.store, "Tuesdays", 1, 0).await;
    let session = add_taster(&t.store, "willow27").await;
    let start = t.store.last_event_id().await.unwrap();
    let a = t.store.submit_application(application("a@nhs.net", Some("willow27"), &ANY), t0()).await.unwrap();
    let b = t.store.submit_application(application("b@nhs.net", Some("willow27"), &ANY), t0()).await.unwrap();
    t.store.withdraw(&a.status_token, t0()).await.unwrap();
    t.store.decline_offer(&b.status_token, t0()).await.unwrap();
    let events = t.store.events_after(start, 100).await.unwrap();
    assert!(events.windows(2).all(|w| w[0].id < w[1].id), "ids only grow");
    let (ia, ib) = (id_of(&t, &a.status_token).await, id_of(&t, &b.status_token).await);
    let kinds: Vec<Event> = events.into_iter().map(|e| e.event).collect();
    assert_eq!(
        kinds,
        [
            Event::ApplicationSubmitted { application_id: ia },
            Event::AttendanceConfirmed { application_id: ia, taster_session_id: session },
            Event::Allocated { application_id: ia, cohort_id: cohort },
            Event::ApplicationSubmitted { application_id: ib },
            Event::AttendanceConfirmed { application_id: ib, taster_session_id: session },
            Event::Waiting { application_id: ib, cohort_id: Some(cohort), position: Some(1) },
            Event::Withdrawn { application_id: ia, by_coordinator: false },
            Event::OfferMade { application_id: ib, cohort_id: cohort, until: t0() + Duration::hours(48) },
            Event::Declined { application_id: ib, cohort_id: cohort },
        ]
    );
}

#[tokio::test]
async fn a_step_that_fails_records_no_event() {
    let t = TestStore::new().await;
    add_cohort(&t.store, "Tuesdays", 1, 0).await;
    add_taster(&t.store, "willow27").await;
    t.store.submit_application(application("a@nhs.net", None, &ANY), t0()).await.unwrap();
    let before = t.store.last_event_id().await.unwrap();
    let duplicate = t.store.submit_application(application("a@nhs.net", Some("willow27"), &ANY), t0()).await;
    assert!(matches!(duplicate, Err(AppError::Conflict(_))));
    assert_eq!(t.store.last_event_id().await.unwrap(), before, "the rolled-back step left nothing behind");
}
