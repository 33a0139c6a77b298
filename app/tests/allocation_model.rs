//! Property test: random interleavings of submit, confirm attendance, withdraw, accept,
//! decline, expire and capacity change run against the SQLite store and against a simple
//! model of DESIGN.md's rules. After every step the two must agree on every application, and
//! the database itself must show: allocated + offered ≤ capacity for every cohort; no cohort
//! with a free place while someone eligible waits for it; each waiting list in `eligible_at`
//! order.

mod support;

use app::domain::allocation::{AllocationState, CohortChoice};
use app::errors::AppError;
use app::store::{AttendanceSource, StoreSettings};
use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use support::*;

const PEOPLE: usize = 6;
const WINDOW_MINUTES: i64 = 60;

#[derive(Clone, Debug)]
enum Choice {
    Any,
    Only(usize),
    Both { first: usize },
}

#[derive(Clone, Debug)]
enum Op {
    Submit { person: usize, with_code: bool, choice: Choice },
    Confirm { person: usize },
    Withdraw { person: usize },
    Accept { person: usize },
    Decline { person: usize },
    Expire,
    SetCapacity { cohort: usize, capacity: i64 },
}

fn op() -> impl Strategy<Value = Op> {
    let person = 0..PEOPLE;
    let choice = prop_oneof![
        Just(Choice::Any),
        (0..2usize).prop_map(Choice::Only),
        (0..2usize).prop_map(|first| Choice::Both { first })
    ];
    prop_oneof![
        4 => (person.clone(), any::<bool>(), choice).prop_map(|(person, with_code, choice)| Op::Submit { person, with_code, choice }),
        2 => person.clone().prop_map(|person| Op::Confirm { person }),
        2 => person.clone().prop_map(|person| Op::Withdraw { person }),
        2 => person.clone().prop_map(|person| Op::Accept { person }),
        1 => person.prop_map(|person| Op::Decline { person }),
        1 => Just(Op::Expire),
        1 => (0..2usize, 0..4i64).prop_map(|(cohort, capacity)| Op::SetCapacity { cohort, capacity }),
    ]
}

/// The model's view of one application.
#[derive(Clone, Debug)]
struct ModelApp {
    person: usize,
    token: String,
    state: AllocationState,
    /// Cohort index holding a place (allocated or offered).
    cohort: Option<usize>,
    /// Ranked cohort indexes; both cohorts in start order for "any".
    choices: Vec<usize>,
    eligible_at: Option<i64>,
    offer_expires_at: Option<i64>,
}

#[derive(Debug, Default)]
struct Model {
    capacity: [i64; 2],
    apps: Vec<ModelApp>,
    clock: i64,
}

/// What the model expects an operation to return.
#[derive(Debug, PartialEq)]
enum Expect {
    Ok,
    Conflict,
    Invalid,
    Skip,
}

impl Model {
    fn taken(&self, cohort: usize) -> i64 {
        self.apps.iter().filter(|a| a.cohort == Some(cohort)).count() as i64
    }

    fn free(&self, cohort: usize) -> i64 {
        self.capacity[cohort] - self.taken(cohort)
    }

    fn latest(&self, person: usize) -> Option<usize> {
        self.apps.iter().rposition(|a| a.person == person)
    }

    /// Rule 2.
    fn place(&mut self, i: usize) {
        let found = self.apps[i].choices.clone().into_iter().find(|&c| self.free(c) > 0);
        let app = &mut self.apps[i];
        match found {
            Some(c) => {
                app.state = AllocationState::Allocated;
                app.cohort = Some(c);
            }
            None => app.state = AllocationState::Waiting,
        }
    }

    /// Rule 4: offer free places to the earliest eligible waiting applicants.
    fn offer_free(&mut self, cohort: usize) {
        while self.free(cohort) > 0 {
            let next = (0..self.apps.len())
                .filter(|&i| self.apps[i].state == AllocationState::Waiting && self.apps[i].choices.contains(&cohort))
                .min_by_key(|&i| (self.apps[i].eligible_at, i));
            let Some(i) = next else { return };
            let clock = self.clock;
            let app = &mut self.apps[i];
            app.state = AllocationState::Offered;
            app.cohort = Some(cohort);
            app.offer_expires_at = Some(clock + WINDOW_MINUTES);
        }
    }

    fn leave(&mut self, i: usize, to: AllocationState) {
        let released = self.apps[i].cohort.take();
        self.apps[i].state = to;
        self.apps[i].offer_expires_at = None;
        if let Some(c) = released {
            self.offer_free(c);
        }
    }

    fn positions(&self, i: usize) -> Vec<(usize, i64)> {
        let me = &self.apps[i];
        let mut positions: Vec<(usize, i64)> = me
            .choices
            .iter()
            .map(|&c| {
                let ahead = (0..self.apps.len())
                    .filter(|&j| {
                        let other = &self.apps[j];
                        other.state == AllocationState::Waiting
                            && other.choices.contains(&c)
                            && (other.eligible_at, j) < (me.eligible_at, i)
                    })
                    .count() as i64;
                (c, ahead + 1)
            })
            .collect();
        positions.sort_by_key(|p| p.1);
        positions
    }
}

fn kind(result: &Result<impl Sized, AppError>) -> Expect {
    match result {
        Ok(_) => Expect::Ok,
        Err(AppError::Conflict(_)) => Expect::Conflict,
        Err(AppError::Invalid(_)) => Expect::Invalid,
        Err(other) => panic!("unexpected error {other:?}"),
    }
}

async fn run(capacity: [i64; 2], ops: Vec<Op>) {
    let t = TestStore::with_settings(StoreSettings { offer_window: Duration::minutes(WINDOW_MINUTES) }).await;
    let cohorts = [
        add_cohort(&t.store, "Tuesdays", capacity[0], 0).await,
        add_cohort(&t.store, "Thursdays", capacity[1], 1).await,
    ];
    let taster = add_taster(&t.store, "willow27").await;
    let coordinator = add_coordinator(&t.store).await;
    let mut model = Model { capacity, ..Model::default() };
    let at = |clock: i64| -> DateTime<Utc> { t0() + Duration::minutes(clock) };

    for (step, op) in ops.into_iter().enumerate() {
        model.clock += 1;
        let now = at(model.clock);
        let (expected, actual) = match &op {
            Op::Submit { person, with_code, choice } => {
                let email = format!("person{person}@nhs.net");
                let (ranked, choices) = match choice {
                    Choice::Any => (CohortChoice::Any, vec![0, 1]),
                    Choice::Only(c) => (CohortChoice::Ranked(vec![cohorts[*c]]), vec![*c]),
                    Choice::Both { first } => {
                        let other = 1 - first;
                        (CohortChoice::Ranked(vec![cohorts[*first], cohorts[other]]), vec![*first, other])
                    }
                };
                let result = t
                    .store
                    .submit_application(application(&email, with_code.then_some("willow27"), &ranked), now)
                    .await;
                let active = model.latest(*person).is_some_and(|i| model.apps[i].state.is_active());
                let expected = if active { Expect::Conflict } else { Expect::Ok };
                if let (false, Ok(status)) = (active, &result) {
                    model.apps.push(ModelApp {
                        person: *person,
                        token: status.status_token.clone(),
                        state: AllocationState::AwaitingAttendance,
                        cohort: None,
                        choices,
                        eligible_at: with_code.then_some(model.clock),
                        offer_expires_at: None,
                    });
                    let i = model.apps.len() - 1;
                    if *with_code {
                        model.place(i);
                    }
                    // The answer given at once agrees with the model: cohort and best position.
                    let expected_answer = match model.apps[i].state {
                        AllocationState::Waiting => {
                            model.positions(i).first().map(|&(c, p)| (Some(cohorts[c]), Some(p)))
                        }
                        _ => Some((model.apps[i].cohort.map(|c| cohorts[c]), None)),
                    };
                    assert_eq!(
                        Some((status.cohort_id, status.position)),
                        expected_answer,
                        "step {step}: submit answer"
                    );
                }
                (expected, kind(&result))
            }
            Op::Confirm { person } => match model.latest(*person) {
                None => (Expect::Skip, Expect::Skip),
                Some(i) => {
                    let mut raw = t.raw().await;
                    let id: i64 = sqlx::query_scalar("SELECT id FROM application WHERE status_token = ?")
                        .bind(&model.apps[i].token)
                        .fetch_one(&mut raw)
                        .await
                        .unwrap();
                    let result =
                        t.store.confirm_attendance(id, taster, AttendanceSource::Manual, Some(coordinator), now).await;
                    if model.apps[i].state == AllocationState::AwaitingAttendance {
                        model.apps[i].eligible_at = Some(model.clock);
                        model.place(i);
                    }
                    (Expect::Ok, kind(&result))
                }
            },
            Op::Withdraw { person } => match model.latest(*person) {
                None => (Expect::Skip, Expect::Skip),
                Some(i) => {
                    let result = t.store.withdraw(&model.apps[i].token, now).await;
                    if model.apps[i].state.is_active() {
                        model.leave(i, AllocationState::Withdrawn);
                        (Expect::Ok, kind(&result))
                    } else {
                        (Expect::Conflict, kind(&result))
                    }
                }
            },
            Op::Accept { person } => match model.latest(*person) {
                None => (Expect::Skip, Expect::Skip),
                Some(i) => {
                    let result = t.store.accept_offer(&model.apps[i].token, now).await;
                    if model.apps[i].state == AllocationState::Offered {
                        if model.clock < model.apps[i].offer_expires_at.unwrap() {
                            model.apps[i].state = AllocationState::Allocated;
                            model.apps[i].offer_expires_at = None;
                        } else {
                            model.leave(i, AllocationState::Expired);
                        }
                        (Expect::Ok, kind(&result))
                    } else {
                        (Expect::Conflict, kind(&result))
                    }
                }
            },
            Op::Decline { person } => match model.latest(*person) {
                None => (Expect::Skip, Expect::Skip),
                Some(i) => {
                    let result = t.store.decline_offer(&model.apps[i].token, now).await;
                    if model.apps[i].state == AllocationState::Offered {
                        model.leave(i, AllocationState::Declined);
                        (Expect::Ok, kind(&result))
                    } else {
                        (Expect::Conflict, kind(&result))
                    }
                }
            },
            Op::Expire => {
                model.clock += WINDOW_MINUTES + 1;
                let result = t.store.expire_offers(at(model.clock)).await;
                let mut due: Vec<usize> = (0..model.apps.len())
                    .filter(|&i| model.apps[i].offer_expires_at.is_some_and(|e| e <= model.clock))
                    .collect();
                due.sort_by_key(|&i| (model.apps[i].offer_expires_at, i));
                for i in due {
                    // An earlier expiry in this run may have offered (and so re-dated) others.
                    if model.apps[i].offer_expires_at.is_some_and(|e| e <= model.clock) {
                        model.leave(i, AllocationState::Expired);
                    }
                }
                (Expect::Ok, kind(&result))
            }
            Op::SetCapacity { cohort, capacity } => {
                let result = t.store.set_capacity(cohorts[*cohort], *capacity, now).await;
                if *capacity >= model.taken(*cohort) {
                    model.capacity[*cohort] = *capacity;
                    model.offer_free(*cohort);
                    (Expect::Ok, kind(&result))
                } else {
                    (Expect::Invalid, kind(&result))
                }
            }
        };
        assert_eq!(actual, expected, "step {step}: {op:?}");
        check(&t, &model, &cohorts, step, &op).await;
    }
}

async fn check(t: &TestStore, model: &Model, cohorts: &[i64; 2], step: usize, op: &Op) {
    for (i, app) in model.apps.iter().enumerate() {
        let status = t.store.application_status(&app.token).await.unwrap();
        assert_eq!(status.state, app.state, "step {step} ({op:?}): application {i} state");
        assert_eq!(
            status.cohort.as_ref().map(|c| c.id),
            app.cohort.map(|c| cohorts[c]),
            "step {step}: application {i} cohort"
        );
        if app.state == AllocationState::Waiting {
            let actual: Vec<(i64, i64)> = status.positions.iter().map(|p| (p.cohort_id, p.position)).collect();
            let expected: Vec<(i64, i64)> = model.positions(i).into_iter().map(|(c, p)| (cohorts[c], p)).collect();
            assert_eq!(actual, expected, "step {step}: application {i} queue positions");
        }
    }
    let mut raw = t.raw().await;
    for (index, &cohort) in cohorts.iter().enumerate() {
        let (capacity, allocated_count, offered_count): (i64, i64, i64) =
            sqlx::query_as("SELECT capacity, allocated_count, offered_count FROM cohort WHERE id = ?")
                .bind(cohort)
                .fetch_one(&mut raw)
                .await
                .unwrap();
        let (allocated, offered): (i64, i64) = sqlx::query_as(
            "SELECT count(*) FILTER (WHERE state = 'allocated'), count(*) FILTER (WHERE state = 'offered')
             FROM application WHERE cohort_id = ?",
        )
        .bind(cohort)
        .fetch_one(&mut raw)
        .await
        .unwrap();
        assert_eq!((allocated, offered), (allocated_count, offered_count), "step {step}: counters match the rows");
        assert!(allocated + offered <= capacity, "step {step}: cohort {index} holds more than its capacity");
        let waiting_for_it: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM application a WHERE a.state = 'waiting' AND (a.any_cohort = 1 OR EXISTS (
                 SELECT 1 FROM application_choice ch WHERE ch.application_id = a.id AND ch.cohort_id = ?))",
        )
        .bind(cohort)
        .fetch_one(&mut raw)
        .await
        .unwrap();
        assert!(
            allocated + offered == capacity || waiting_for_it == 0,
            "step {step}: cohort {index} has a free place while {waiting_for_it} wait for it"
        );
        // The waiting list, read in eligible_at order, must be numbered 1, 2, 3… in that order.
        let queue: Vec<String> = sqlx::query_scalar(
            "SELECT a.status_token FROM application a WHERE a.state = 'waiting' AND (a.any_cohort = 1 OR EXISTS (
                 SELECT 1 FROM application_choice ch WHERE ch.application_id = a.id AND ch.cohort_id = ?))
             ORDER BY a.eligible_at, a.id",
        )
        .bind(cohort)
        .fetch_all(&mut raw)
        .await
        .unwrap();
        for (expected, token) in queue.iter().enumerate() {
            let status = t.store.application_status(token).await.unwrap();
            let position = status.positions.iter().find(|p| p.cohort_id == cohort).map(|p| p.position);
            assert_eq!(position, Some(expected as i64 + 1), "step {step}: cohort {index} queue order");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn the_allocation_rules_hold_after_every_step(
        capacity in [0..3i64, 0..3i64],
        ops in prop::collection::vec(op(), 1..40),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(run(capacity, ops));
    }
}
