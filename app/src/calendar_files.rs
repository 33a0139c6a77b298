//! Calendar files (RFC 5545; server only): one product id for every file enrol writes, and a
//! cohort's six meetings as a calendar to attach to an email or download from the status page.
//! Built with the `icalendar` crate, which writes CRLF line ends, folds long lines and escapes
//! text. Times are written in UTC, which every calendar shows in its own time zone.

use crate::models::Cohort;
use icalendar::{Calendar, Component, Event, EventLike, Property};

/// An empty calendar named `name`, with enrol's one product id.
pub fn calendar(name: &str) -> Calendar {
    Calendar::empty()
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", "-//enrol//Compassionate leadership//EN"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", "PUBLISH"))
        .name(name)
        .done()
}

/// A cohort's meetings, one event each, with ids that stay the same in every copy, so a
/// calendar app updates them (after a move or a change of date) rather than adding more.
pub fn cohort_calendar(cohort: &Cohort, status_link: Option<&str>) -> Calendar {
    let mut calendar = calendar(&format!("Compassionate leadership: {}", cohort.name));
    let count = cohort.meetings.len();
    for (n, meeting) in cohort.meetings.iter().enumerate() {
        let mut description =
            format!("Session {} of {count} of the Compassionate leadership course ({}).", n + 1, cohort.name);
        if let Some(link) = status_link {
            description.push_str(&format!("\n\nYour place and how to join: {link}"));
        }
        calendar.push(
            Event::new()
                .uid(&format!("cohort-{}-meeting-{}@enrol", cohort.id, n + 1))
                .timestamp(meeting.starts_at)
                .starts(meeting.starts_at)
                .ends(meeting.ends_at)
                .summary(&format!("Compassionate leadership course, session {} of {count}", n + 1))
                .description(&description)
                .done(),
        );
    }
    calendar
}

/// `name` as a file name: letters and digits, the rest as hyphens.
pub fn file_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    format!("{}.ics", out.trim_matches('-'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{CohortStatus, Meeting};
    use chrono::{TimeZone, Utc};

    fn cohort() -> Cohort {
        let start = Utc.with_ymd_and_hms(2027, 1, 5, 10, 0, 0).unwrap();
        Cohort {
            id: 4,
            name: "January 2027 · Tuesday mornings".into(),
            intake: "2027-01".into(),
            capacity: 12,
            places_remaining: 3,
            status: CohortStatus::Open,
            meetings: (0..6)
                .map(|w| Meeting {
                    starts_at: start + chrono::Duration::weeks(w),
                    ends_at: start + chrono::Duration::weeks(w) + chrono::Duration::hours(2),
                    when_uk: String::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn a_cohort_calendar_has_six_events_and_one_product_id() {
        let text = cohort_calendar(&cohort(), Some("https://enrol.example/status/abc")).to_string();
        assert_eq!(text.matches("BEGIN:VEVENT").count(), 6);
        assert_eq!(text.matches("PRODID").count(), 1, "{text}");
        assert!(text.contains("UID:cohort-4-meeting-6@enrol"));
        assert!(text.contains("DTSTART:20270105T100000Z"));
    }

    #[test]
    fn file_names_keep_letters_and_digits() {
        assert_eq!(file_name("January 2027 · Tuesday mornings"), "january-2027-tuesday-mornings.ics");
    }
}
