//! The coordinators' forms for taster sessions and cohorts: what they post, and the checks that
//! turn it into values the store accepts. Plain Rust, shared by browser and server.

use super::calendar::SUPPORTED_YEARS;
use super::field;
use super::text::parse_text;
use crate::errors::FieldErrors;
use crate::models::CohortStatus;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

/// The taster session form as posted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TasterForm {
    /// `2026-12-02` (UK date).
    pub date: String,
    /// `16:00` (UK time).
    pub start: String,
    /// Length in minutes.
    pub minutes: String,
    pub zoom_url: String,
    pub meeting_id: String,
    pub passcode: String,
}

/// A checked taster session: UK wall-clock date and time, and the Zoom details.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TasterInput {
    pub day: NaiveDate,
    pub start: NaiveTime,
    pub minutes: i64,
    pub zoom_url: String,
    pub meeting_id: String,
    pub passcode: String,
}

/// A date within the years a course is planned in (see [`SUPPORTED_YEARS`]): anything
/// outside them is a typing slip, and would overflow date arithmetic near chrono's limits.
fn within_years(day: NaiveDate, what: &str) -> Result<NaiveDate, String> {
    use chrono::Datelike;
    if SUPPORTED_YEARS.contains(&day.year()) {
        Ok(day)
    } else {
        Err(format!(
            "Enter {what} between the years {} and {}, like 27/03/2027",
            SUPPORTED_YEARS.start(),
            SUPPORTED_YEARS.end()
        ))
    }
}

fn parse_day(raw: &str, what: &str) -> Result<NaiveDate, String> {
    if raw.trim().is_empty() {
        return Err(format!("Enter {what}"));
    }
    // What a browser's date box posts (2027-03-27), or what its hint says to type where the
    // browser shows a plain text box (27/03/2027).
    let day = ["%Y-%m-%d", "%d/%m/%Y"]
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(raw.trim(), format).ok())
        .ok_or_else(|| format!("Enter {what} as a real date, like 27/03/2027"))?;
    within_years(day, what)
}

fn parse_time(raw: &str, what: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(raw.trim(), "%H:%M").map_err(|_| format!("Enter {what} as a 24-hour time, like 16:00"))
}

fn parse_whole(raw: &str, what: &str, range: std::ops::RangeInclusive<i64>) -> Result<i64, String> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| format!("Enter {what} as a whole number from {} to {}", range.start(), range.end()))
}

/// A Zoom join link: an https address.
pub fn parse_zoom_url(raw: &str) -> Result<String, String> {
    let url = raw.trim();
    let host = url.strip_prefix("https://").map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(""));
    match host {
        Some(host) if host.contains('.') && !host.contains(char::is_whitespace) && url.len() <= 500 => {
            Ok(url.to_string())
        }
        _ => Err("Enter the Zoom link, starting with https://, like https://zoom.us/j/91273431323".into()),
    }
}

/// A Zoom meeting ID: 9 to 11 digits, spaces allowed ("912 7343 1323").
pub fn parse_meeting_id(raw: &str) -> Result<String, String> {
    let id = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let digits = id.chars().filter(char::is_ascii_digit).count();
    if id.chars().all(|c| c.is_ascii_digit() || c == ' ') && (9..=11).contains(&digits) {
        Ok(id)
    } else {
        Err("Enter the meeting ID: 9 to 11 digits, like 912 7343 1323".into())
    }
}

/// Reads posted name/value pairs into a form of named string fields, `name` by `name`.
fn set(field: &mut String, value: String) {
    *field = value;
}

impl TasterForm {
    /// Reads a posted form.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut form = Self::default();
        for (name, value) in pairs {
            match name.as_str() {
                "date" => set(&mut form.date, value),
                "start" => set(&mut form.start, value),
                "minutes" => set(&mut form.minutes, value),
                "zoom_url" => set(&mut form.zoom_url, value),
                "meeting_id" => set(&mut form.meeting_id, value),
                "passcode" => set(&mut form.passcode, value),
                _ => {}
            }
        }
        form
    }

    /// Checks every field, one message per field that says how to fix it.
    pub fn parse(&self) -> Result<TasterInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let day = field(&mut errors, "date", parse_day(&self.date, "the date"));
        let start = field(&mut errors, "start", parse_time(&self.start, "the start time"));
        let minutes = field(&mut errors, "minutes", parse_whole(&self.minutes, "the length in minutes", 15..=240));
        let zoom_url = field(&mut errors, "zoom_url", parse_zoom_url(&self.zoom_url));
        let meeting_id = field(&mut errors, "meeting_id", parse_meeting_id(&self.meeting_id));
        let passcode = field(
            &mut errors,
            "passcode",
            parse_text(&self.passcode, "the passcode", 20, true).and_then(|p| {
                if p.contains(char::is_whitespace) {
                    Err("Enter the passcode without spaces".into())
                } else {
                    Ok(p)
                }
            }),
        );
        match (day, start, minutes, zoom_url, meeting_id, passcode) {
            (Some(day), Some(start), Some(minutes), Some(zoom_url), Some(meeting_id), Some(passcode)) => {
                Ok(TasterInput { day, start, minutes, zoom_url, meeting_id, passcode })
            }
            _ => Err(errors),
        }
    }
}

/// The cohort form as posted: creating one generates its weekly meetings; editing one shows
/// each meeting to change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CohortForm {
    pub name: String,
    /// First meeting's UK date, `2027-01-05` (creating only).
    pub first_date: String,
    /// UK start time, `10:00` (creating only).
    pub start: String,
    /// Each meeting's length in minutes.
    pub minutes: String,
    /// How many weekly meetings (creating only).
    pub meeting_count: String,
    pub capacity: String,
    /// "draft", "open" or "closed".
    pub status: String,
    /// Each meeting's UK start, `2027-01-05T10:00` (editing only).
    pub meetings: Vec<String>,
}

/// A checked cohort: its meetings are UK wall-clock starts, each `minutes` long.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CohortInput {
    pub name: String,
    pub capacity: i64,
    pub status: CohortStatus,
    pub minutes: i64,
    pub meeting_starts: Vec<NaiveDateTime>,
}

impl CohortForm {
    /// Reads a posted form; each `meeting` value is one meeting, in order.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut form = Self::default();
        for (name, value) in pairs {
            match name.as_str() {
                "name" => set(&mut form.name, value),
                "first_date" => set(&mut form.first_date, value),
                "start" => set(&mut form.start, value),
                "minutes" => set(&mut form.minutes, value),
                "meeting_count" => set(&mut form.meeting_count, value),
                "capacity" => set(&mut form.capacity, value),
                "status" => set(&mut form.status, value),
                "meeting" if form.meetings.len() < 52 => form.meetings.push(value),
                _ => {}
            }
        }
        form
    }

    /// Checks a new cohort; its meetings are weekly from the first date.
    pub fn parse_new(&self) -> Result<CohortInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let first = parse_day(&self.first_date, "the date of the first meeting")
            .map_err(|m| errors.insert("first_date".into(), m))
            .ok();
        let start = parse_time(&self.start, "the start time").map_err(|m| errors.insert("start".into(), m)).ok();
        let count = parse_whole(&self.meeting_count, "the number of meetings", 1..=52)
            .map_err(|m| errors.insert("meeting_count".into(), m))
            .ok();
        let common = self.parse_common(&mut errors);
        match (first, start, count, common) {
            (Some(first), Some(start), Some(count), Some((name, capacity, status, minutes))) if errors.is_empty() => {
                let meeting_starts = (0..count).map(|w| (first + chrono::Duration::weeks(w)).and_time(start)).collect();
                Ok(CohortInput { name, capacity, status, minutes, meeting_starts })
            }
            _ => Err(errors),
        }
    }

    /// Checks an edited cohort with its meetings as listed.
    pub fn parse_edit(&self) -> Result<CohortInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let common = self.parse_common(&mut errors);
        let mut starts = Vec::with_capacity(self.meetings.len());
        for (i, raw) in self.meetings.iter().enumerate() {
            let what = format!("meeting {}", i + 1);
            if raw.trim().is_empty() {
                errors.insert(format!("meeting_{}", i + 1), format!("Enter the date and time of {what}"));
                continue;
            }
            // What a browser's date-and-time box posts, or the hint's format typed by hand.
            let parsed = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
                .iter()
                .find_map(|format| NaiveDateTime::parse_from_str(raw.trim(), format).ok())
                .ok_or_else(|| format!("Enter {what} as a date and 24-hour time, like 05/01/2027 10:00"))
                .and_then(|t| within_years(t.date(), &what).map(|_| t));
            match parsed {
                Ok(t) => starts.push(t),
                Err(message) => {
                    errors.insert(format!("meeting_{}", i + 1), message);
                }
            }
        }
        if self.meetings.is_empty() {
            errors.insert("meeting_1".into(), "A cohort needs at least one meeting".into());
        }
        if starts.windows(2).any(|w| w[1] <= w[0]) {
            errors.insert("meeting_1".into(), "Put the meetings in date order, each after the one before".into());
        }
        match common {
            Some((name, capacity, status, minutes)) if errors.is_empty() => {
                Ok(CohortInput { name, capacity, status, minutes, meeting_starts: starts })
            }
            _ => Err(errors),
        }
    }

    fn parse_common(&self, errors: &mut FieldErrors) -> Option<(String, i64, CohortStatus, i64)> {
        let name =
            parse_text(&self.name, "the cohort's name", 120, true).map_err(|m| errors.insert("name".into(), m)).ok();
        let capacity = parse_whole(&self.capacity, "the number of places", 0..=500)
            .map_err(|m| errors.insert("capacity".into(), m))
            .ok();
        let minutes = parse_whole(&self.minutes, "the length of each meeting in minutes", 15..=600)
            .map_err(|m| errors.insert("minutes".into(), m))
            .ok();
        let status = CohortStatus::parse(&self.status).or_else(|| {
            errors.insert("status".into(), "Choose draft, open or closed".into());
            None
        });
        Some((name?, capacity?, status?, minutes?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taster() -> TasterForm {
        TasterForm {
            date: "2026-12-02".into(),
            start: "16:00".into(),
            minutes: "60".into(),
            zoom_url: "https://zoom.us/j/91273431323?pwd=x".into(),
            meeting_id: "912  7343 1323".into(),
            passcode: "114640".into(),
        }
    }

    #[test]
    fn a_complete_taster_form_is_accepted_with_the_meeting_id_tidied() {
        let input = taster().parse().unwrap();
        assert_eq!(input.meeting_id, "912 7343 1323");
        assert_eq!(input.minutes, 60);
    }

    #[test]
    fn an_empty_taster_form_names_every_field() {
        let errors = TasterForm::default().parse().unwrap_err();
        let fields: Vec<&str> = errors.keys().map(String::as_str).collect();
        assert_eq!(fields, ["date", "meeting_id", "minutes", "passcode", "start", "zoom_url"]);
    }

    #[test]
    fn a_zoom_link_must_be_https() {
        assert!(parse_zoom_url("http://zoom.us/j/1").is_err());
        assert!(parse_zoom_url("javascript:alert(1)").is_err());
        assert!(parse_zoom_url("https://nhs.zoom.us/j/91273431323").is_ok());
    }

    #[test]
    fn a_meeting_id_is_nine_to_eleven_digits() {
        assert!(parse_meeting_id("12345678").is_err());
        assert!(parse_meeting_id("912-7343-1323").is_err());
        assert_eq!(parse_meeting_id(" 98933144569 ").unwrap(), "98933144569");
    }

    #[test]
    fn a_date_is_taken_as_the_browser_posts_it_or_as_the_hint_says_to_type_it() {
        assert_eq!(parse_day("2027-03-27", "the date"), parse_day("27/03/2027", "the date"));
        assert!(parse_day("27/03/2027", "the date").is_ok());
        assert_eq!(parse_day("  ", "the date").unwrap_err(), "Enter the date");
        let form = CohortForm {
            meetings: vec!["2027-01-05T10:00".into(), "12/01/2027 10:00".into(), "2027-01-19 10:00".into(), "".into()],
            ..CohortForm::default()
        };
        let errors = form.parse_edit().unwrap_err();
        assert!(
            !errors.contains_key("meeting_1") && !errors.contains_key("meeting_2") && !errors.contains_key("meeting_3")
        );
        assert_eq!(errors["meeting_4"], "Enter the date and time of meeting 4");
    }

    #[test]
    fn an_impossible_date_or_time_is_refused() {
        let form = TasterForm { date: "2026-02-30".into(), start: "25:00".into(), ..taster() };
        let errors = form.parse().unwrap_err();
        assert!(errors["date"].contains("like 27/03/2027"));
        assert!(errors["start"].contains("like 16:00"));
    }

    fn cohort() -> CohortForm {
        CohortForm {
            name: "January 2027 · Tuesday mornings".into(),
            first_date: "2027-01-05".into(),
            start: "10:00".into(),
            minutes: "120".into(),
            meeting_count: "6".into(),
            capacity: "12".into(),
            status: "open".into(),
            meetings: vec![],
        }
    }

    #[test]
    fn a_new_cohort_gets_weekly_meetings_from_its_first_date() {
        let input = cohort().parse_new().unwrap();
        assert_eq!(input.meeting_starts.len(), 6);
        assert_eq!(input.meeting_starts[5].to_string(), "2027-02-09 10:00:00");
        assert_eq!(input.status, CohortStatus::Open);
    }

    #[test]
    fn a_cohort_needs_places_as_a_number_and_a_known_status() {
        let form = CohortForm { capacity: "twelve".into(), status: "maybe".into(), ..cohort() };
        let errors = form.parse_new().unwrap_err();
        assert!(errors.contains_key("capacity") && errors.contains_key("status"));
    }

    #[test]
    fn dates_outside_the_years_a_course_is_planned_in_are_field_errors() {
        for date in
            ["9999-12-31", "262143-12-31", "+262143-12-31", "-0001-01-01", "-262144-01-01", "1999-12-31", "2101-01-01"]
        {
            let errors = TasterForm { date: date.into(), ..taster() }.parse().unwrap_err();
            // chrono reads some of these as dates (refused by year) and not others (refused as
            // no date): either way a field error, never a panic.
            let message = &errors["date"];
            assert!(
                message.contains("between the years 2000 and 2100") || message.contains("real date"),
                "{date}: {errors:?}"
            );
            let errors = CohortForm { first_date: date.into(), ..cohort() }.parse_new().unwrap_err();
            assert!(errors.contains_key("first_date"), "{date}: {errors:?}");
        }
        let last_week = CohortForm { first_date: "2100-12-01".into(), ..cohort() }.parse_new();
        assert!(last_week.is_ok(), "a date inside the range whose weeks run past it still works");
        let far = CohortForm { meetings: vec!["9999-01-05T10:00".into()], ..cohort() }.parse_edit().unwrap_err();
        assert!(far["meeting_1"].contains("between the years"), "{far:?}");
    }

    #[test]
    fn a_cohort_has_one_to_52_weekly_meetings() {
        for count in ["0", "53", "-1", "99999999999999999999"] {
            let errors = CohortForm { meeting_count: count.into(), ..cohort() }.parse_new().unwrap_err();
            assert!(errors["meeting_count"].contains("from 1 to 52"), "{count}: {errors:?}");
        }
        assert_eq!(CohortForm { meeting_count: "52".into(), ..cohort() }.parse_new().unwrap().meeting_starts.len(), 52);
    }

    #[test]
    fn an_empty_date_asks_for_the_date() {
        let errors = TasterForm { date: "".into(), ..taster() }.parse().unwrap_err();
        assert_eq!(errors["date"], "Enter the date");
    }

    #[test]
    fn edited_meetings_must_be_in_order() {
        let form = CohortForm { meetings: vec!["2027-01-12T10:00".into(), "2027-01-05T10:00".into()], ..cohort() };
        assert!(form.parse_edit().unwrap_err()["meeting_1"].contains("date order"));
        let form = CohortForm { meetings: vec!["2027-01-05T10:00".into(), "soon".into()], ..cohort() };
        assert!(form.parse_edit().unwrap_err()["meeting_2"].contains("meeting 2"));
    }
}
