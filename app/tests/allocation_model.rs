//! Property test: random interleavings of submit, confirm attendance (early or late, against
//! sessions that started at different times), withdraw, accept, decline, expire, capacity
//! changes, creating cohorts and opening drafts run through the workflow against the SQLite
//! store and against a simple model of DESIGN.md's rules. After every step the two must agree
//! on every application, and the database itself must show: allocated + offered ≤ capacity
//! for every cohort; no open cohort with a free place while someone eligible waits for it;
//! each waiting list in `eligible_at` order.

mod support;

use app::domain::allocation::{AllocationState, CohortChoice};
use app::errors::AppError;
use app::models::CohortStatus;
use app::store::{AttendanceSource, CohortUpdate, StoreSettings};
use app::workflow::Actor;
use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use support::*;

const PEOPLE: usize = 6;
const WINDOW_MINUTES: i64 = 60;
/// Most cohorts a run can have (two at the start, a draft, and those created).
const MAX_COHORTS: usize = 4;
/// When the taster sessions started, in model minutes from t0: one before the run, one during.
const SESSIONS: [i64; 2] = [-60, 20];

#[derive(Clone, Debug)]
enum Choice {
    Any,
    Only(usize),
    Both { first: usize },
}

#[derive(Clone, Debug)]
enum Op {
    Submit { person: usize, with_code: bool, choice: Choice },
    Confirm { person: usize, session: usize },
    Withdraw { person: usize },
    Accept { person: usize },
    Decline { person: usize },
    Expire,
    SetCapacity { cohort: usize, capacity: i64 },
    CreateCohort { capacity: i64, open: bool },
    OpenDraft,
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
        2 => (person.clone(), 0..SESSIONS.len()).prop_map(|(person, session)| Op::Confirm { person, session }),
        2 => person.clone().prop_map(|person| Op::Withdraw { person }),
        2 => person.clone().prop_map(|person| Op::Accept { person }),
        2 => person.prop_map(|person| Op::Decline { person }),
        1 => Just(Op::Expire),
        1 => (0..2usize, 0..4i64).prop_map(|(cohort, capacity)| Op::SetCapacity { cohort, capacity }),
        1 => (0..3i64, any::<bool>()).prop_map(|(capacity, open)| Op::CreateCohort { capacity, open }),
        1 => Just(Op::OpenDraft),
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
    /// Ranked cohort indexes; `None` for "any".
    ranked: Option<Vec<usize>>,
    /// Cohorts whose queue it has left (declined or let lapse).
    left: Vec<usize>,
    submitted_at: i64,
    eligible_at: Option<i64>,
    offer_expires_at: Option<i64>,
}

#[derive(Clone, Debug)]
struct ModelCohort {
    capacity: i64,
    open: bool,
}

#[derive(Debug, Default)]
struct Model {
    cohorts: Vec<ModelCohort>,
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
        if self.cohorts[cohort].open {
            self.cohorts[cohort].capacity - self.taken(cohort)
        } else {
            0
        }
    }

    fn latest(&self, person: usize) -> Option<usize> {
        self.apps.iter().rposition(|a| a.person == person)
    }

    /// Rule 4: the cohorts an application may still get a place on, best first.
    fn choices(&self, i: usize) -> Vec<usize> {
        let app = &self.apps[i];
        let all: Vec<usize> = match &app.ranked {
            Some(ranked) => ranked.clone(),
            None => (0..self.cohorts.len()).collect(),
        };
        all.into_iter().filter(|c| !app.left.contains(c)).collect()
    }

    /// Rule 2.
    fn place(&mut self, i: usize) {
        let found = self.choices(i).into_iter().find(|&c| self.free(c) > 0);
        let app = &mut self.apps[i];
        match found {
            Some(c) => {
                app.state = AllocationState::Allocated;
                app.cohort = Some(c);
            }
            None => app.state = AllocationState::Waiting,
        }
    }

    fn waits_for(&self, i: usize, cohort: usize) -> bool {
        self.apps[i].state == AllocationState::Waiting && self.choices(i).contains(&cohort)
    }

    /// Rule 4: offer free places to the earliest eligible waiting applicants.
    fn offer_free(&mut self, cohort: usize) {
        while self.free(cohort) > 0 {
            let next = (0..self.apps.len())
                .filter(|&i| self.waits_for(i, cohort))
                .min_by_key(|&i| (self.apps[i].eligible_at, i));
            let Some(i) = next else { return };
            let clock = self.clock;
            let app = &mut self.apps[i];
            app.state = AllocationState::Offered;
            app.cohort = Some(cohort);
            app.offer_expires_at = Some(clock + WINDOW_MINUTES);
        }
    }

    fn withdraw(&mut self, i: usize) {
        let released = self.apps[i].cohort.take();
        self.apps[i].state = AllocationState::Withdrawn;
        self.apps[i].offer_expires_at = None;
        if let Some(c) = released {
            self.offer_free(c);
        }
    }

    /// Rule 4: an offer declined or lapsed leaves that cohort's queue only.
    fn leave_offer(&mut self, i: usize, ended: AllocationState) {
        let Some(c) = self.apps[i].cohort.take() else { return };
        self.apps[i].left.push(c);
        self.apps[i].offer_expires_at = None;
        let remaining = self.choices(i);
        self.apps[i].state = if remaining.is_empty() { ended } else { AllocationState::Waiting };
        self.offer_free(c);
        for other in remaining {
            self.offer_free(other);
        }
    }

    fn positions(&self, i: usize) -> Vec<(usize, i64)> {
        let me = &self.apps[i];
        let mut positions: Vec<(usize, i64)> = self
            .choices(i)
            .into_iter()
            .filter(|&c| self.cohorts[c].open)
            .map(|c| {
                let ahead = (0..self.apps.len())
                    .filter(|&j| self.waits_for(j, c) && (self.apps[j].eligible_at, j) < (me.eligible_at, i))
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
    let at = |clock: i64| -> DateTime<Utc> { t0() + Duration::minutes(clock) };
    let mut cohorts = vec![
        add_cohort(&t.store, "Tuesdays", capacity[0], 0).await,
        add_cohort(&t.store, "Thursdays", capacity[1], 1).await,
        add_cohort_with(&t.store, "Saturdays", 1, 2, CohortStatus::Draft, t0()).await,
    ];
    let mut model = Model {
        cohorts: vec![
            ModelCohort { capacity: capacity[0], open: true },
            ModelCohort { capacity: capacity[1], open: true },
            ModelCohort { capacity: 1, open: false },
        ],
        ..Model::default()
    };
    let sessions = [
        add_taster_at(&t.store, "willow27", at(SESSIONS[0])).await,
        add_taster_at(&t.store, "heron11", at(SESSIONS[1])).await,
    ];
    let coordinator = add_coordinator(&t.store).await;

    for (step, op) in ops.into_iter().enumerate() {
        model.clock += 1;
        let now = at(model.clock);
        let (expected, actual) = match &op {
            Op::Submit { person, with_code, choice } => {
                let email = format!("person{person}@nhs.net");
                let (ranked, choices) = match choice {
                    Choice::Any => (CohortChoice::Any, None),
                    Choice::Only(c) => (CohortChoice::Ranked(vec![cohorts[*c]]), Some(vec![*c])),
                    Choice::Both { first } => {
                        let other = 1 - first;
                        (CohortChoice::Ranked(vec![cohorts[*first], cohorts[other]]), Some(vec![*first, other]))
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
                        ranked: choices,
                        left: Vec::new(),
                        submitted_at: model.clock,
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
            Op::Confirm { person, session } => match model.latest(*person) {
                None => (Expect::Skip, Expect::Skip),
                Some(i) => {
                    let id = application_id_by_token(&t, &model.apps[i].token).await;
                    let by = Actor::Coordinator(coordinator);
                    let result =
                        t.store.confirm_attendance(id, sessions[*session], AttendanceSource::Manual, by, now).await;
                    let started = SESSIONS[*session];
                    if started > model.clock {
                        (Expect::Invalid, kind(&result))
                    } else {
                        if model.apps[i].state == AllocationState::AwaitingAttendance {
                            // Rule 1: the fact is the attendance, not the click.
                            model.apps[i].eligible_at = Some(model.apps[i].submitted_at.max(started));
                            model.place(i);
                        }
                        (Expect::Ok, kind(&result))
                    }
                }
            },
            Op::Withdraw { person } => match model.latest(*person) {
                None => (Expect::Skip, Expect::Skip),
                Some(i) => {
                    let result = t.store.withdraw(&model.apps[i].token, now).await;
                    if model.apps[i].state.is_active() {
                        model.withdraw(i);
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
                            model.leave_offer(i, AllocationState::Expired);
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
                        model.leave_offer(i, AllocationState::Declined);
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
                        model.leave_offer(i, AllocationState::Expired);
                    }
                }
                (Expect::Ok, kind(&result))
            }
            Op::SetCapacity { cohort, capacity } => {
                let result = t.store.set_capacity(cohorts[*cohort], *capacity, now).await;
                if *capacity >= model.taken(*cohort) {
                    model.cohorts[*cohort].capacity = *capacity;
                    model.offer_free(*cohort);
                    (Expect::Ok, kind(&result))
                } else {
                    (Expect::Invalid, kind(&result))
                }
            }
            Op::CreateCohort { capacity, open } if model.cohorts.len() < MAX_COHORTS => {
                let status = if *open { CohortStatus::Open } else { CohortStatus::Draft };
                let week = model.cohorts.len() as i64;
                let id = add_cohort_with(&t.store, &format!("Cohort {week}"), *capacity, week, status, now).await;
                cohorts.push(id);
                model.cohorts.push(ModelCohort { capacity: *capacity, open: *open });
                // Rule 3: a new open cohort's places go to those already waiting.
                model.offer_free(model.cohorts.len() - 1);
                (Expect::Ok, Expect::Ok)
            }
            Op::CreateCohort { .. } => (Expect::Skip, Expect::Skip),
            Op::OpenDraft => match model.cohorts.iter().position(|c| !c.open) {
                None => (Expect::Skip, Expect::Skip),
                Some(c) => {
                    let result = open_cohort(&t, cohorts[c], model.cohorts[c].capacity, coordinator, now).await;
                    model.cohorts[c].open = true;
                    model.offer_free(c);
                    (Expect::Ok, kind(&result))
                }
            },
        };
        assert_eq!(actual, expected, "step {step}: {op:?}");
        check(&t, &model, &cohorts, step, &op).await;
    }
}

async fn application_id_by_token(t: &TestStore, token: &str) -> i64 {
    let raw = t.raw().await;
    sql("SELECT id FROM application WHERE status_token = $1").bind(token).scalar(&raw).await.unwrap()
}

/// A coordinator opens a draft cohort (same name, capacity and meetings).
async fn open_cohort(t: &TestStore, id: i64, capacity: i64, by: i64, now: DateTime<Utc>) -> Result<(), AppError> {
    let raw = t.raw().await;
    let name: String = sql("SELECT name FROM cohort WHERE id = $1").bind(id).scalar(&raw).await.unwrap();
    let meetings: Vec<(DateTime<Utc>, DateTime<Utc>)> =
        sql("SELECT starts_at, ends_at FROM cohort_meeting WHERE cohort_id = $1 ORDER BY position")
            .bind(id)
            .fetch_all(&raw)
            .await
            .unwrap();
    let update = CohortUpdate { name, capacity, status: CohortStatus::Open, meetings };
    t.store.update_cohort(id, update, by, now).await
}

async fn check(t: &TestStore, model: &Model, cohorts: &[i64], step: usize, op: &Op) {
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
    let breaches = t.store.rule_breaches().await.unwrap();
    assert!(breaches.is_empty(), "step {step} ({op:?}): {breaches:?}");
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
