//! A fresh store per test (SQLite, or PostgreSQL when `ENROL_TEST_DATABASE_URL` says so), and
//! quick ways to fill it.

#![allow(dead_code)]

use app::domain::allocation::CohortChoice;
use app::domain::application::{ApplicationInput, FormOptions, NewApplication};
use app::models::CohortStatus;
#[allow(unused_imports)]
pub use app::store::db::{sql, sql_assembled, Db};
use app::store::{NewCohort, NewTaster, Store, StoreSettings};
use app::workflow::Actor;
use chrono::{DateTime, Duration, TimeZone, Utc};
use tempfile::TempDir;

/// A store on a fresh database that lives as long as this value.
pub struct TestStore {
    pub store: Store,
    pub url: String,
    _dir: TempDir,
}

impl TestStore {
    pub async fn new() -> Self {
        Self::with_settings(StoreSettings::default()).await
    }

    pub async fn with_settings(settings: StoreSettings) -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let url = app::store::testing::fresh_database(dir.path()).await;
        let store = Store::open_with(&url, settings).await.expect("open store");
        Self { store, url, _dir: dir }
    }

    /// A second, plain pool for looking at rows directly (SQL with `$1` parameters).
    pub async fn raw(&self) -> Db {
        Db::connect(&self.url).await.expect("raw connection")
    }
}

/// A fixed moment to start test clocks from: Monday 1 February 2027, 9am UTC.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 2, 1, 9, 0, 0).unwrap()
}

/// Adds an open cohort starting `week` weeks after t0 with six weekly meetings.
pub async fn add_cohort(store: &Store, name: &str, capacity: i64, week: i64) -> i64 {
    add_cohort_with(store, name, capacity, week, CohortStatus::Open, t0()).await
}

/// Adds a cohort of `status` starting `week` weeks after t0, created at `now`.
pub async fn add_cohort_with(
    store: &Store,
    name: &str,
    capacity: i64,
    week: i64,
    status: CohortStatus,
    now: DateTime<Utc>,
) -> i64 {
    let first = t0() + Duration::weeks(week + 1);
    store
        .create_cohort(
            &NewCohort {
                name: name.into(),
                intake: "2027-03".into(),
                capacity,
                status,
                meetings: (0..6)
                    .map(|w| (first + Duration::weeks(w), first + Duration::weeks(w) + Duration::hours(2)))
                    .collect(),
            },
            Actor::System,
            now,
        )
        .await
        .expect("insert cohort")
}

/// Adds a taster session that started an hour before t0, with this attendance code.
pub async fn add_taster(store: &Store, code: &str) -> i64 {
    add_taster_at(store, code, t0() - Duration::hours(1)).await
}

pub async fn add_taster_at(store: &Store, code: &str, starts_at: DateTime<Utc>) -> i64 {
    store
        .create_taster(
            &NewTaster {
                starts_at,
                ends_at: starts_at + Duration::hours(1),
                zoom_url: "https://zoom.us/j/91273431323".into(),
                meeting_id: "912 7343 1323".into(),
                passcode: "114640".into(),
                attendance_code: code.into(),
            },
            Actor::System,
            Utc::now(),
        )
        .await
        .expect("insert taster")
}

/// Adds a coordinator account and returns its id.
pub async fn add_coordinator(store: &Store) -> i64 {
    let password_hash = app::auth::password::hash_password("a long test password").expect("hash");
    store
        .create_coordinator(
            &app::store::NewCoordinator {
                email: format!("coordinator{}@example.nhs.uk", rand_suffix()),
                name: "Test Coordinator".into(),
                role: app::models::Role::Coordinator,
                password_hash,
                demo: false,
            },
            Actor::System,
        )
        .await
        .expect("insert coordinator")
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
}

/// A valid application from `email`, with an attendance code (or none) and cohort choice.
pub fn application(email: &str, code: Option<&str>, choice: &CohortChoice) -> NewApplication {
    let (preferences, open) = match choice {
        CohortChoice::Any => (vec![], vec![0]),
        CohortChoice::Ranked(ids) => (ids.clone(), ids.clone()),
    };
    let input = ApplicationInput {
        name: "Sam Jones".into(),
        email: email.into(),
        job_title: "Ward manager".into(),
        employer: "An NHS trust".into(),
        nurse_advocate: "yes".into(),
        taster_session_id: None,
        attendance_code: code.unwrap_or_default().into(),
        cohort_preferences: preferences,
        access_needs: String::new(),
        consent: true,
    };
    NewApplication::parse(&input, &FormOptions { open_cohort_ids: open, attended_taster_ids: vec![] })
        .expect("a valid application")
}
