//! Instants shown in UK time (Europe/London) in NHS style: "Wednesday 2 December 2026, 4pm to 5pm".
//!
//! Server only: the browser receives the words already formatted, which keeps the time zone
//! database out of the wasm and makes hydration see exactly what the server rendered.

pub use super::clock_words::format_date;
use super::clock_words::{format_clock, format_range};
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::{Europe::London, Tz};

/// The instant in UK local time.
pub fn in_uk(instant: DateTime<Utc>) -> DateTime<Tz> {
    instant.with_timezone(&London)
}

/// UK time's offset from UTC at `instant`, in minutes: 0 (GMT) or 60 (BST).
pub fn uk_offset_minutes(instant: DateTime<Utc>) -> i32 {
    use chrono::Offset;
    in_uk(instant).offset().fix().local_minus_utc() / 60
}

/// The UK calendar day of an instant.
pub fn uk_day(instant: DateTime<Utc>) -> NaiveDate {
    in_uk(instant).date_naive()
}

/// "Wednesday 2 December 2026".
pub fn uk_date(instant: DateTime<Utc>) -> String {
    format_date(uk_day(instant))
}

/// "4pm", "4:30pm", "midday", "midnight".
pub fn uk_clock(instant: DateTime<Utc>) -> String {
    format_clock(in_uk(instant).time())
}

/// "Wednesday 2 December 2026, 4pm to 5pm"; the end's date is repeated only when it differs.
pub fn uk_range(start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    format_range(in_uk(start).naive_local(), in_uk(end).naive_local())
}

/// The first instant of the UK day after the one `instant` falls on.
pub fn end_of_uk_day(instant: DateTime<Utc>) -> DateTime<Utc> {
    uk_instant(uk_day(instant) + chrono::Duration::days(1), NaiveTime::MIN)
}

/// The UTC instant of a wall-clock time on a UK calendar day. In the hour the clocks go back
/// the earlier of the two readings is taken; in the hour that does not exist (clocks forward)
/// the time an hour later is taken.
pub fn uk_instant(day: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let local = day.and_time(time);
    match London.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(earlier, _) => earlier.with_timezone(&Utc),
        chrono::LocalResult::None => {
            let later = local + chrono::Duration::hours(1);
            London
                .from_local_datetime(&later)
                .earliest()
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_else(|| Utc.from_utc_datetime(&local))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn a_winter_session_is_shown_in_gmt() {
        let start = utc("2026-12-02T16:00:00Z");
        assert_eq!(uk_range(start, start + chrono::Duration::hours(1)), "Wednesday 2 December 2026, 4pm to 5pm");
    }

    #[test]
    fn a_summer_session_is_shown_in_bst() {
        let start = utc("2026-06-10T15:00:00Z");
        assert_eq!(uk_range(start, start + chrono::Duration::hours(1)), "Wednesday 10 June 2026, 4pm to 5pm");
    }

    #[test]
    fn a_4pm_session_on_the_day_the_clocks_go_forward_is_at_15_00_utc() {
        // Sunday 29 March 2026: clocks go forward at 1am GMT, so 4pm is BST.
        let start = uk_instant(day(2026, 3, 29), hm(16, 0));
        assert_eq!(start, utc("2026-03-29T15:00:00Z"));
        assert_eq!(uk_range(start, start + chrono::Duration::hours(1)), "Sunday 29 March 2026, 4pm to 5pm");
    }

    #[test]
    fn a_4pm_session_on_the_day_the_clocks_go_back_is_at_16_00_utc() {
        // Sunday 25 October 2026: clocks go back at 2am BST, so 4pm is GMT.
        let start = uk_instant(day(2026, 10, 25), hm(16, 0));
        assert_eq!(start, utc("2026-10-25T16:00:00Z"));
        assert_eq!(uk_range(start, start + chrono::Duration::hours(1)), "Sunday 25 October 2026, 4pm to 5pm");
    }

    #[test]
    fn a_session_spanning_the_change_keeps_wall_clock_times() {
        // 00:30 to 03:30 UTC on 25 October 2026 is 1:30am BST to 3:30am GMT.
        let text = uk_range(utc("2026-10-25T00:30:00Z"), utc("2026-10-25T03:30:00Z"));
        assert_eq!(text, "Sunday 25 October 2026, 1:30am to 3:30am");
    }

    #[test]
    fn the_missing_hour_when_clocks_go_forward_moves_an_hour_later() {
        assert_eq!(uk_instant(day(2026, 3, 29), hm(1, 30)), utc("2026-03-29T01:30:00Z"));
    }

    #[test]
    fn the_repeated_hour_when_clocks_go_back_takes_the_first_reading() {
        assert_eq!(uk_instant(day(2026, 10, 25), hm(1, 30)), utc("2026-10-25T00:30:00Z"));
    }

    #[test]
    fn the_uk_day_ends_at_midnight_uk_time() {
        assert_eq!(end_of_uk_day(utc("2026-06-10T22:30:00Z")), utc("2026-06-10T23:00:00Z"));
        assert_eq!(end_of_uk_day(utc("2026-12-02T09:00:00Z")), utc("2026-12-03T00:00:00Z"));
    }

    #[test]
    fn the_uk_offset_is_zero_in_winter_and_an_hour_in_summer() {
        assert_eq!(uk_offset_minutes(utc("2026-12-02T16:00:00Z")), 0);
        assert_eq!(uk_offset_minutes(utc("2026-06-10T15:00:00Z")), 60);
    }

    #[test]
    fn a_range_across_midnight_names_both_days() {
        let text = uk_range(utc("2026-12-02T23:00:00Z"), utc("2026-12-03T01:00:00Z"));
        assert_eq!(text, "Wednesday 2 December 2026, 11pm to Thursday 3 December 2026, 1am");
    }

    #[test]
    fn a_range_ending_at_midnight_names_the_next_day() {
        let text = uk_range(utc("2026-12-02T23:00:00Z"), utc("2026-12-03T00:00:00Z"));
        assert_eq!(text, "Wednesday 2 December 2026, 11pm to Thursday 3 December 2026, midnight");
    }

    #[test]
    fn a_range_from_midday_reads_naturally() {
        let text = uk_range(utc("2026-12-02T12:00:00Z"), utc("2026-12-02T13:30:00Z"));
        assert_eq!(text, "Wednesday 2 December 2026, midday to 1:30pm");
    }
}
