//! Many applications at once, so that the writer commits them in batches: whatever a batch's
//! steps keep for each other (the open places and waiting counts read once per batch), every
//! outcome told at submission must be the one the database holds, and the rules must hold,
//! also when a step of the batch fails.

mod support;

use app::domain::allocation::{AllocationState, CohortChoice};
use app::errors::AppError;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn positions_told_in_a_rush_of_mixed_choices_are_the_positions_held() {
    let t = TestStore::new().await;
    let a = add_cohort(&t.store, "Tuesdays", 5, 0).await;
    let b = add_cohort(&t.store, "Thursdays", 3, 1).await;
    add_taster(&t.store, "willow27").await;
    // Any cohort, A only, B then A, and every tenth a second application from an address
    // already used (refused: its step fails inside a batch and must leave nothing behind).
    let choices = [CohortChoice::Any, CohortChoice::Ranked(vec![a]), CohortChoice::Ranked(vec![b, a])];
    let tasks: Vec<_> = (0..240)
        .map(|i| {
            let store = t.store.clone();
            let choice = choices[i % 3].clone();
            let email = if i % 10 == 9 { format!("n{}@nhs.net", i - 1) } else { format!("n{i}@nhs.net") };
            tokio::spawn(
                async move { store.submit_application(application(&email, Some("willow27"), &choice), t0()).await },
            )
        })
        .collect();
    let mut told = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok(outcome) => told.push(outcome),
            Err(AppError::Conflict(_)) => {}
            Err(other) => panic!("{other:?}"),
        }
    }
    assert_eq!(told.len(), 240 - 24, "every duplicate refused, every other stored");
    // A refused step leaves nothing, and its neighbours' writes stay (its batch
    // is rolled back and run again with savepoints).
    let stored: i64 = sql("SELECT count(*) FROM application").scalar(&t.raw().await).await.unwrap();
    assert_eq!(stored, 240 - 24);
    assert_eq!(t.store.rule_breaches().await.unwrap(), Vec::<String>::new());
    assert_eq!(told.iter().filter(|o| o.state == AllocationState::Allocated).count(), 8, "5 + 3 places");
    for outcome in &told {
        let held = t.store.application_status(&outcome.status_token).await.unwrap();
        assert_eq!(held.state, outcome.state);
        if outcome.state == AllocationState::Waiting {
            let best = held.positions.first().expect("a position");
            assert_eq!(
                (Some(best.cohort_id), Some(best.position)),
                (outcome.cohort_id, outcome.position),
                "{}",
                outcome.reference
            );
        }
    }
    // Each cohort's queue is numbered 1, 2, 3… without a gap or a repeat.
    for cohort in [a, b] {
        let mut positions: Vec<i64> = Vec::new();
        for outcome in told.iter().filter(|o| o.state == AllocationState::Waiting) {
            let held = t.store.application_status(&outcome.status_token).await.unwrap();
            positions.extend(held.positions.iter().filter(|p| p.cohort_id == cohort).map(|p| p.position));
        }
        positions.sort();
        assert_eq!(positions, (1..=positions.len() as i64).collect::<Vec<_>>(), "cohort {cohort}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_step_gives_back_the_place_it_took_before_it_was_refused() {
    // A second application from an address already used takes a place, then is refused when
    // it is stored (rule 6): its batch must not keep the place, on either database.
    let t = TestStore::new().await;
    add_cohort(&t.store, "Tuesdays", 3, 0).await;
    add_taster(&t.store, "willow27").await;
    let any = CohortChoice::Any;
    t.store.submit_application(application("dup@nhs.net", None, &any), t0()).await.unwrap();
    let tasks: Vec<_> = ["dup@nhs.net", "a@nhs.net", "b@nhs.net"]
        .into_iter()
        .map(|email| {
            let (store, any) = (t.store.clone(), any.clone());
            tokio::spawn(
                async move { store.submit_application(application(email, Some("willow27"), &any), t0()).await },
            )
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap().map(|o| o.state));
    }
    assert!(matches!(answers[0], Err(AppError::Conflict(_))), "{:?}", answers[0]);
    assert_eq!(answers[1..].iter().filter(|a| matches!(a, Ok(AllocationState::Allocated))).count(), 2);
    // The third place is still free.
    let last = t.store.submit_application(application("c@nhs.net", Some("willow27"), &any), t0()).await.unwrap();
    assert_eq!(last.state, AllocationState::Allocated);
    assert_eq!(t.store.rule_breaches().await.unwrap(), Vec::<String>::new());
}
