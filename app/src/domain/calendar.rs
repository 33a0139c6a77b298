//! Month grids and keyboard movement for the taster calendar (the WAI-ARIA date grid
//! pattern), and the phase of a session by the clock. Plain Rust for both targets.

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The years enrol shows and schedules in. chrono reaches year 262143, where adding a day or
/// a week overflows; a course is planned years ahead, never centuries, so dates from an address
/// bar or a form outside these years are refused, never computed with.
pub const SUPPORTED_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// Whether `day` falls within [`SUPPORTED_YEARS`].
pub fn is_supported(day: NaiveDate) -> bool {
    SUPPORTED_YEARS.contains(&day.year())
}

/// The first day of the month `day` is in.
pub fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// Reads a month from the address bar, like `2026-12`.
pub fn parse_month(value: &str) -> Result<NaiveDate, String> {
    let problem = || format!("“{value}” is not a month: use the form 2026-12");
    let (year, month) = value.trim().split_once('-').ok_or_else(problem)?;
    let (year, month) = (year.parse::<i32>().map_err(|_| problem())?, month.parse::<u32>().map_err(|_| problem())?);
    if !SUPPORTED_YEARS.contains(&year) {
        return Err(problem());
    }
    NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(problem)
}

/// `2026-12` for the month of `day`.
pub fn month_key(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

/// "December 2026".
pub fn month_title(day: NaiveDate) -> String {
    format!("{} {}", super::clock_words::month_name(day), day.year())
}

/// The same day `months` months away, clamped to the end of a shorter month.
pub fn add_months(day: NaiveDate, months: i32) -> NaiveDate {
    let shifted = if months >= 0 {
        day.checked_add_months(Months::new(months as u32))
    } else {
        day.checked_sub_months(Months::new(months.unsigned_abs()))
    };
    shifted.unwrap_or(day)
}

/// The weeks (Monday first) that show the month of `month`, with days of the neighbouring
/// months filling the first and last week.
pub fn month_weeks(month: NaiveDate) -> Vec<[NaiveDate; 7]> {
    let first = first_of_month(month);
    let start = first - Duration::days(first.weekday().num_days_from_monday() as i64);
    let last = add_months(first, 1) - Duration::days(1);
    let mut weeks = Vec::new();
    let mut monday = start;
    while monday <= last {
        weeks.push(std::array::from_fn(|i| monday + Duration::days(i as i64)));
        monday += Duration::days(7);
    }
    weeks
}

/// A key that moves the focused day in the date grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GridKey {
    Left,
    Right,
    Up,
    Down,
    Home,
    End,
    PageUp,
    PageDown,
    ShiftPageUp,
    ShiftPageDown,
}

impl GridKey {
    /// The grid key for a keyboard event's `key` and Shift state, if it is one.
    pub fn from_key(key: &str, shift: bool) -> Option<Self> {
        Some(match (key, shift) {
            ("ArrowLeft", _) => Self::Left,
            ("ArrowRight", _) => Self::Right,
            ("ArrowUp", _) => Self::Up,
            ("ArrowDown", _) => Self::Down,
            ("Home", _) => Self::Home,
            ("End", _) => Self::End,
            ("PageUp", false) => Self::PageUp,
            ("PageDown", false) => Self::PageDown,
            ("PageUp", true) => Self::ShiftPageUp,
            ("PageDown", true) => Self::ShiftPageDown,
            _ => return None,
        })
    }

    /// Where focus goes from `day`: a day, a week, the week's ends, a month or a year.
    pub fn move_from(self, day: NaiveDate) -> NaiveDate {
        let from_monday = day.weekday().num_days_from_monday() as i64;
        match self {
            Self::Left => day - Duration::days(1),
            Self::Right => day + Duration::days(1),
            Self::Up => day - Duration::days(7),
            Self::Down => day + Duration::days(7),
            Self::Home => day - Duration::days(from_monday),
            Self::End => day + Duration::days(6 - from_monday),
            Self::PageUp => add_months(day, -1),
            Self::PageDown => add_months(day, 1),
            Self::ShiftPageUp => add_months(day, -12),
            Self::ShiftPageDown => add_months(day, 12),
        }
    }
}

/// Where a taster session is, by the clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    Upcoming,
    /// Within 15 minutes of the start: time to join.
    StartingSoon,
    LiveNow,
    Ended,
}

impl Phase {
    /// The phase as the page marks it (`data-phase`). Spelled out, not derived from `Debug`:
    /// the browser's wasm then carries no debug formatting or Unicode case tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Upcoming => "upcoming",
            Self::StartingSoon => "startingsoon",
            Self::LiveNow => "livenow",
            Self::Ended => "ended",
        }
    }
}

/// How long before the start a session counts as starting soon.
pub const STARTING_SOON_MINUTES: i64 = 15;

/// The phase of a session running from `start` to `end` at `now`.
pub fn phase(now: DateTime<Utc>, start: DateTime<Utc>, end: DateTime<Utc>) -> Phase {
    if now >= end {
        Phase::Ended
    } else if now >= start {
        Phase::LiveNow
    } else if now >= start - Duration::minutes(STARTING_SOON_MINUTES) {
        Phase::StartingSoon
    } else {
        Phase::Upcoming
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_month_in_the_address_is_read_or_refused_with_the_expected_form() {
        assert_eq!(parse_month("2026-12"), Ok(day(2026, 12, 1)));
        assert!(parse_month("2026-13").unwrap_err().contains("2026-12"));
        assert!(parse_month("december").is_err());
        assert!(parse_month("1999-01").is_err());
    }

    #[test]
    fn december_2026_fills_five_weeks_starting_on_monday_30_november() {
        let weeks = month_weeks(day(2026, 12, 17));
        assert_eq!(weeks.len(), 5);
        assert_eq!(weeks[0][0], day(2026, 11, 30));
        assert_eq!(weeks[4][6], day(2027, 1, 3));
    }

    #[test]
    fn a_month_starting_on_monday_has_no_leading_days() {
        // February 2027 starts on a Monday and fills exactly four weeks.
        let weeks = month_weeks(day(2027, 2, 1));
        assert_eq!(weeks.len(), 4);
        assert_eq!(weeks[0][0], day(2027, 2, 1));
    }

    #[test]
    fn arrow_keys_move_by_a_day_or_a_week() {
        let d = day(2026, 12, 2);
        assert_eq!(GridKey::Left.move_from(d), day(2026, 12, 1));
        assert_eq!(GridKey::Right.move_from(d), day(2026, 12, 3));
        assert_eq!(GridKey::Up.move_from(d), day(2026, 11, 25));
        assert_eq!(GridKey::Down.move_from(d), day(2026, 12, 9));
    }

    #[test]
    fn home_and_end_go_to_the_ends_of_the_week() {
        let wednesday = day(2026, 12, 2);
        assert_eq!(GridKey::Home.move_from(wednesday), day(2026, 11, 30));
        assert_eq!(GridKey::End.move_from(wednesday), day(2026, 12, 6));
    }

    #[test]
    fn page_keys_move_a_month_or_with_shift_a_year_and_clamp_to_short_months() {
        assert_eq!(GridKey::PageDown.move_from(day(2027, 1, 31)), day(2027, 2, 28));
        assert_eq!(GridKey::PageUp.move_from(day(2026, 12, 2)), day(2026, 11, 2));
        assert_eq!(GridKey::ShiftPageDown.move_from(day(2026, 12, 2)), day(2027, 12, 2));
    }

    #[test]
    fn only_grid_keys_are_recognised() {
        assert_eq!(GridKey::from_key("PageUp", true), Some(GridKey::ShiftPageUp));
        assert_eq!(GridKey::from_key("Enter", false), None);
    }

    #[test]
    fn a_session_is_upcoming_then_starting_soon_then_live_then_ended() {
        let start = DateTime::parse_from_rfc3339("2026-12-02T16:00:00Z").unwrap().with_timezone(&Utc);
        let end = start + Duration::hours(1);
        assert_eq!(phase(start - Duration::minutes(16), start, end), Phase::Upcoming);
        assert_eq!(phase(start - Duration::minutes(15), start, end), Phase::StartingSoon);
        assert_eq!(phase(start, start, end), Phase::LiveNow);
        assert_eq!(phase(end - Duration::seconds(1), start, end), Phase::LiveNow);
        assert_eq!(phase(end, start, end), Phase::Ended);
    }

    #[test]
    fn month_keys_and_titles() {
        assert_eq!(month_key(day(2026, 3, 9)), "2026-03");
        assert_eq!(month_title(day(2026, 12, 1)), "December 2026");
    }
}
