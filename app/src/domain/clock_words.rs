//! Times and dates in NHS style — "4pm", "4:30pm", "midday", "Wednesday 2 December 2026" —
//! for any wall clock: the server uses them for UK time, the browser for the viewer's own.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

/// Month names, January first.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Weekday names, Monday first.
pub const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// "December" for a day in December.
pub fn month_name(day: NaiveDate) -> &'static str {
    MONTHS[day.month0() as usize]
}

/// "Wednesday 2 December 2026". Spelled out by hand rather than with a format string, so the
/// browser carries no date formatter.
pub fn format_date(day: NaiveDate) -> String {
    format!(
        "{} {} {} {}",
        WEEKDAYS[day.weekday().num_days_from_monday() as usize],
        day.day(),
        month_name(day),
        day.year()
    )
}

/// NHS style for a time of day: no leading zero, no ":00", and words for 12:00 and 00:00.
pub fn format_clock(time: NaiveTime) -> String {
    let (hour, minute) = (time.hour(), time.minute());
    match (hour, minute) {
        (0, 0) => "midnight".into(),
        (12, 0) => "midday".into(),
        _ => {
            let suffix = if hour < 12 { "am" } else { "pm" };
            let hour12 = match hour % 12 {
                0 => 12,
                h => h,
            };
            if minute == 0 {
                format!("{hour12}{suffix}")
            } else {
                format!("{hour12}:{minute:02}{suffix}")
            }
        }
    }
}

/// "Wednesday 2 December 2026, 4pm to 5pm"; the end's date is repeated only when it differs.
pub fn format_range(start: NaiveDateTime, end: NaiveDateTime) -> String {
    if start.date() == end.date() {
        format!("{}, {} to {}", format_date(start.date()), format_clock(start.time()), format_clock(end.time()))
    } else {
        format!(
            "{}, {} to {}, {}",
            format_date(start.date()),
            format_clock(start.time()),
            format_date(end.date()),
            format_clock(end.time())
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn midday_and_midnight_are_words() {
        assert_eq!(format_clock(hm(12, 0)), "midday");
        assert_eq!(format_clock(hm(0, 0)), "midnight");
        assert_eq!(format_clock(hm(12, 30)), "12:30pm");
        assert_eq!(format_clock(hm(0, 15)), "12:15am");
    }

    #[test]
    fn times_have_no_leading_zero_and_no_zero_minutes() {
        assert_eq!(format_clock(hm(9, 0)), "9am");
        assert_eq!(format_clock(hm(9, 5)), "9:05am");
        assert_eq!(format_clock(hm(15, 45)), "3:45pm");
    }

    #[test]
    fn dates_are_spelled_out_in_full() {
        assert_eq!(format_date(NaiveDate::from_ymd_opt(2027, 1, 5).unwrap()), "Tuesday 5 January 2027");
        assert_eq!(format_date(NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()), "Sunday 29 November 2026");
    }

    #[test]
    fn a_range_on_one_day_names_the_day_once() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(
            format_range(day.and_time(hm(17, 0)), day.and_time(hm(18, 0))),
            "Wednesday 2 December 2026, 5pm to 6pm"
        );
    }
}
