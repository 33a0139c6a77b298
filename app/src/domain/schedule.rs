//! Dates of taster sessions and cohort meetings, worked out in UK time (server only).

use super::uk_time::uk_instant;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};

/// The first `weekday` strictly after `day`.
pub fn next_weekday_after(day: NaiveDate, weekday: Weekday) -> NaiveDate {
    let ahead = (7 + weekday.num_days_from_monday() as i64 - day.weekday().num_days_from_monday() as i64) % 7;
    day + Duration::days(if ahead == 0 { 7 } else { ahead })
}

/// The first `weekday` on or after `day`.
pub fn weekday_on_or_after(day: NaiveDate, weekday: Weekday) -> NaiveDate {
    next_weekday_after(day - Duration::days(1), weekday)
}

/// `count` weekly meetings from `first_day`, each starting at `start` UK time for `minutes`.
/// The UK wall-clock time stays the same across a change of the clocks.
pub fn weekly_meetings(
    first_day: NaiveDate,
    start: NaiveTime,
    minutes: i64,
    count: usize,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    (0..count)
        .map(|week| {
            let starts_at = uk_instant(first_day + Duration::weeks(week as i64), start);
            (starts_at, starts_at + Duration::minutes(minutes))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_next_wednesday_after_a_thursday_is_six_days_on() {
        assert_eq!(next_weekday_after(day(2026, 11, 26), Weekday::Wed), day(2026, 12, 2));
    }

    #[test]
    fn the_next_thursday_after_a_thursday_is_a_week_on() {
        assert_eq!(next_weekday_after(day(2026, 11, 26), Weekday::Thu), day(2026, 12, 3));
    }

    #[test]
    fn on_or_after_includes_the_day_itself() {
        assert_eq!(weekday_on_or_after(day(2027, 1, 5), Weekday::Tue), day(2027, 1, 5));
        assert_eq!(weekday_on_or_after(day(2027, 1, 1), Weekday::Tue), day(2027, 1, 5));
    }

    #[test]
    fn weekly_meetings_keep_uk_wall_clock_time_across_the_clock_change() {
        // 10am UK on Tuesdays from 17 March 2026: the clocks go forward on 29 March.
        let meetings = weekly_meetings(day(2026, 3, 17), NaiveTime::from_hms_opt(10, 0, 0).unwrap(), 120, 6);
        assert_eq!(meetings.len(), 6);
        assert_eq!(meetings[0].0.to_rfc3339(), "2026-03-17T10:00:00+00:00");
        assert_eq!(meetings[2].0.to_rfc3339(), "2026-03-31T09:00:00+00:00");
        assert!(meetings.iter().all(|(s, e)| *e - *s == Duration::hours(2)));
    }
}
