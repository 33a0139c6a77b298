//! What the taster calendar and a session's page load.

use crate::errors::AppError;
use crate::models::TasterSession;
use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Everything the taster calendar shows; the browser moves between months without asking again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TasterCalendar {
    /// Today in the UK.
    #[serde(with = "crate::models::wire::day")]
    pub today: NaiveDate,
    /// The server's clock at rendering: the browser starts from it, so hydration matches.
    #[serde(with = "crate::models::wire::millis")]
    pub now: DateTime<Utc>,
    /// The first day of the month to show.
    #[serde(with = "crate::models::wire::day")]
    pub month: NaiveDate,
    /// The day whose sessions to show (from `?day=`), if any.
    #[serde(with = "crate::models::wire::day_option")]
    pub day: Option<NaiveDate>,
    /// Every session, past and future, earliest first.
    pub sessions: Vec<TasterSession>,
    /// A problem with the address (`?month=` or `?day=`), said plainly.
    pub notice: Option<String>,
}

/// One session for its own page, with the server's clock.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TasterPageData {
    pub session: TasterSession,
    #[serde(with = "crate::models::wire::millis")]
    pub now: DateTime<Utc>,
}

/// The calendar for `month` (`2026-12`; default this month) with `day` (`2026-12-02`) chosen.
#[server(endpoint = "taster_calendar")]
pub async fn get_taster_calendar(month: Option<String>, day: Option<String>) -> Result<TasterCalendar, AppError> {
    use crate::domain::calendar::{first_of_month, parse_month};
    use crate::domain::uk_time::uk_day;
    let state = crate::state::app_state()?;
    let now = Utc::now();
    let today = uk_day(now);
    let mut notice = None;
    let day = match day.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => None,
        Some(text) => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(day) if crate::domain::calendar::is_supported(day) => Some(day),
            _ => {
                notice = Some(format!("“{text}” is not a date, so no day is chosen: use the form 2026-12-02."));
                None
            }
        },
    };
    let month = match month.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        None => day.map(first_of_month).unwrap_or_else(|| first_of_month(today)),
        Some(text) => parse_month(text).unwrap_or_else(|problem| {
            notice = Some(format!("{problem}. Showing this month instead."));
            first_of_month(today)
        }),
    };
    let sessions = state.store.all_tasters().await?;
    Ok(TasterCalendar { today, now, month, day, sessions, notice })
}

/// One taster session, for its page.
#[server(endpoint = "taster_page")]
pub async fn get_taster_page(id: String) -> Result<TasterPageData, AppError> {
    let not_found = || AppError::NotFound("There is no taster session at this address".into());
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let session = crate::state::app_state()?.store.taster(id).await?.ok_or_else(not_found)?;
    Ok(TasterPageData { session, now: Utc::now() })
}
