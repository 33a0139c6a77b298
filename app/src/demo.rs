//! Demo data for `make run` (ENROL_DEMO=1): the source page's two taster sessions, one two days
//! ago so the joining flow can be tried at once, two January cohorts and a demo coordinator.
//! Production mode never calls this.

use crate::auth::password::hash_password;
use crate::domain::schedule::{next_weekday_after, weekday_on_or_after, weekly_meetings};
use crate::domain::uk_time::{uk_day, uk_instant, uk_range};
use crate::errors::AppError;
use crate::models::{CohortStatus, Role};
use crate::workflow::Actor;
use crate::store::{NewCohort, NewCoordinator, NewTaster, Store};
use crate::tokens::attendance_code;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};

/// The demo coordinator's sign-in email.
pub const DEMO_EMAIL: &str = "coordinator@example.nhs.uk";
/// The demo coordinator's password: printed at start; the account exists only in demo mode.
pub const DEMO_PASSWORD: &str = "compassion-demo";

/// What `make run` prints so a new user can try everything at once.
#[derive(Clone, Debug)]
pub struct DemoSummary {
    pub email: &'static str,
    pub password: &'static str,
    /// The attendance code of the most recent past session and when it was.
    pub past_session: Option<(String, String)>,
}

/// Seeds an empty store with demo data (an existing schedule is left alone) and makes sure the
/// demo coordinator exists.
pub async fn seed(store: &Store, now: DateTime<Utc>) -> Result<DemoSummary, AppError> {
    if !store.has_schedule().await? {
        let today = uk_day(now);
        for taster in demo_tasters(today) {
            store.create_taster(&taster, Actor::System, now).await?;
        }
        for cohort in demo_cohorts(today) {
            store.create_cohort(&cohort, Actor::System, now).await?;
        }
        tracing::info!("demo data seeded");
    }
    let password_hash = hash_password(DEMO_PASSWORD).map_err(|_| AppError::Internal)?;
    let coordinator =
        NewCoordinator {
        email: DEMO_EMAIL.into(),
        name: "Demo Coordinator".into(),
        role: Role::Admin,
        password_hash,
        demo: true,
    };
    match store.create_coordinator(&coordinator, Actor::System).await {
        Ok(_) | Err(AppError::Conflict(_)) => {}
        Err(e) => return Err(e),
    }
    let past_session = store
        .latest_past_taster_code(now)
        .await?
        .map(|(starts_at, ends_at, code)| (code, uk_range(starts_at, ends_at)));
    Ok(DemoSummary { email: DEMO_EMAIL, password: DEMO_PASSWORD, past_session })
}

/// Outside demo mode: ends every session of the demo account (its password is published, and
/// sign-in refuses it there) and says whether the account exists, so start-up can warn.
pub async fn shut_out_demo_account(store: &Store) -> Result<bool, AppError> {
    if !store.demo_account_exists().await? {
        return Ok(false);
    }
    let ended = store.end_demo_sessions().await?;
    tracing::warn!(sessions_ended = ended, "the demo coordinator exists; it cannot sign in outside demo mode");
    Ok(true)
}

fn at(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    uk_instant(day, NaiveTime::from_hms_opt(hour, 0, 0).expect("valid hour"))
}

/// The source page's Wednesday 4pm and Tuesday 3pm sessions on the next such days, and a
/// Wednesday-style session two days ago (its code still works: codes work for 7 days after).
fn demo_tasters(today: NaiveDate) -> Vec<NewTaster> {
    let wednesday = |starts_at: DateTime<Utc>| NewTaster {
        starts_at,
        ends_at: starts_at + Duration::hours(1),
        zoom_url: "https://zoom.us/j/91273431323?pwd=Y29tcGFzc2lvbmF0ZQ".into(),
        meeting_id: "912 7343 1323".into(),
        passcode: "114640".into(),
        attendance_code: attendance_code(),
    };
    let tuesday_start = at(next_weekday_after(today, Weekday::Tue), 15);
    vec![
        wednesday(at(today - Duration::days(2), 16)),
        wednesday(at(next_weekday_after(today, Weekday::Wed), 16)),
        NewTaster {
            starts_at: tuesday_start,
            ends_at: tuesday_start + Duration::hours(1),
            zoom_url: "https://zoom.us/j/98933144569?pwd=bGVhZGVyc2hpcA".into(),
            meeting_id: "989 3314 4569".into(),
            passcode: "637529".into(),
            attendance_code: attendance_code(),
        },
    ]
}

/// Two cohorts starting in the coming January, 12 places each, six weekly 2-hour meetings.
fn demo_cohorts(today: NaiveDate) -> Vec<NewCohort> {
    let year = today.year() + 1;
    let first_week = NaiveDate::from_ymd_opt(year, 1, 5).expect("5 January exists");
    let cohort = |name: &str, weekday: Weekday, hour: u32| NewCohort {
        name: format!("January {year} · {name}"),
        intake: format!("{year}-01"),
        capacity: 12,
        status: CohortStatus::Open,
        meetings: weekly_meetings(
            weekday_on_or_after(first_week, weekday),
            NaiveTime::from_hms_opt(hour, 0, 0).expect("valid hour"),
            120,
            6,
        ),
    };
    vec![cohort("Tuesday mornings", Weekday::Tue, 10), cohort("Thursday afternoons", Weekday::Thu, 14)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_tasters_are_two_days_ago_and_on_the_next_wednesday_and_tuesday() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let tasters = demo_tasters(today);
        let days: Vec<String> = tasters.iter().map(|t| uk_range(t.starts_at, t.ends_at)).collect();
        assert_eq!(
            days,
            [
                "Tuesday 24 November 2026, 4pm to 5pm",
                "Wednesday 2 December 2026, 4pm to 5pm",
                "Tuesday 1 December 2026, 3pm to 4pm",
            ]
        );
        assert_ne!(tasters[1].attendance_code, "");
    }

    #[test]
    fn demo_cohorts_start_in_january_with_six_two_hour_meetings() {
        let cohorts = demo_cohorts(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
        assert_eq!(cohorts.len(), 2);
        for cohort in &cohorts {
            assert_eq!(cohort.capacity, 12);
            assert_eq!(cohort.meetings.len(), 6);
            assert_eq!(uk_day(cohort.meetings[0].0).month(), 1);
        }
        assert_eq!(
            uk_range(cohorts[0].meetings[0].0, cohorts[0].meetings[0].1),
            "Tuesday 5 January 2027, 10am to midday"
        );
        assert_eq!(uk_range(cohorts[1].meetings[0].0, cohorts[1].meetings[0].1), "Thursday 7 January 2027, 2pm to 4pm");
    }
}
