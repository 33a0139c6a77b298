//! Reading a Zoom participant report (Reports → Usage → Participants → Export) into the
//! people who attended a taster session. Handles Zoom's real layouts: a byte-order mark, the
//! optional meeting block above the participant table, header names in any capitalisation,
//! blank emails for people not signed in, one person in several rows after rejoining (their
//! minutes are added up), and the host's own rows (left out). Anything else is refused with a
//! message that says what is wrong. Server only.

use chrono::NaiveDate;
use std::collections::BTreeMap;

/// One person in the report, their rows merged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attendee {
    /// The name as shown in Zoom, without the "(original name)" part.
    pub name: String,
    /// Lower-case email, when they were signed in to Zoom.
    pub email: Option<String>,
    /// Minutes in the session, all their rows together.
    pub minutes: i64,
}

/// What a report held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub attendees: Vec<Attendee>,
    /// Participant rows read (before merging, host rows included).
    pub rows: usize,
    /// The meeting's ID (digits only), when the export has its meeting block.
    pub meeting_id: Option<String>,
    /// The SHA-256 of the file's bytes, to recognise the same file uploaded twice.
    pub digest: String,
    /// The day the meeting was on, from its start time (or else the first join time): one
    /// reading of the date, or two when day and month could be either way round (03/12/2026).
    /// Empty when the report has no times.
    pub days: Vec<NaiveDate>,
}

/// Why a file is not a participant report, in words for the coordinator.
pub const NOT_A_REPORT: &str = "This file is not a Zoom participant report: it has no Name and Duration columns. \
    In Zoom, go to Reports, then Usage, find the meeting, open Participants and choose Export.";

fn normalise_header(cell: &str) -> String {
    cell.trim().trim_start_matches('\u{feff}').to_lowercase()
}

/// Reads a report. Errors name the problem and, where there is one, the line.
pub fn parse(bytes: &[u8]) -> Result<Report, String> {
    if bytes.is_empty() {
        return Err("The file is empty. Choose the participant report you downloaded from Zoom.".into());
    }
    let text = std::str::from_utf8(bytes).map_err(|_| {
        "The file is not a text (CSV) file. Choose the participant report you downloaded from Zoom.".to_string()
    })?;
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(index as u64 + 1);
            format!("The file could not be read as CSV near line {line}: check it was not edited, or export it from Zoom again.")
        })?;
        records.push(record);
    }

    // The host, from the meeting block ("User Email" of the meeting), when it is there.
    let mut host_email = None;
    let mut meeting_id = None;
    let mut days = Vec::new();
    let mut header_at = None;
    for (i, record) in records.iter().enumerate() {
        let cells: Vec<String> = record.iter().map(normalise_header).collect();
        let has = |names: &[&str]| cells.iter().position(|c| names.contains(&c.as_str()));
        if let Some(id_col) = has(&["meeting id"]) {
            if let Some(next) = records.get(i + 1) {
                meeting_id = next
                    .get(id_col)
                    .map(|id| id.chars().filter(char::is_ascii_digit).collect::<String>())
                    .filter(|id| !id.is_empty());
                if let Some(email_col) = has(&["user email"]) {
                    host_email = next.get(email_col).map(|e| e.trim().to_lowercase()).filter(|e| !e.is_empty());
                }
                if let Some(start_col) = has(&["start time"]) {
                    days = next.get(start_col).map(days_of).unwrap_or_default();
                }
            }
            continue;
        }
        let name = has(&["name (original name)", "name", "participant name", "user name"]);
        let duration = has(&["duration (minutes)", "duration (mins)", "duration", "total duration (minutes)"]);
        if let (Some(_), Some(_)) = (name, duration) {
            header_at = Some(i);
            break;
        }
    }
    let header_at = header_at.ok_or_else(|| NOT_A_REPORT.to_string())?;
    let header: Vec<String> = records[header_at].iter().map(normalise_header).collect();
    let column = |names: &[&str]| header.iter().position(|c| names.contains(&c.as_str()));
    let name_col = column(&["name (original name)", "name", "participant name", "user name"]).ok_or(NOT_A_REPORT)?;
    let minutes_col = column(&["duration (minutes)", "duration (mins)", "duration", "total duration (minutes)"])
        .ok_or(NOT_A_REPORT)?;
    let email_col = column(&["user email", "email", "email address", "user email address"]);
    let guest_col = column(&["guest"]);
    let join_col = column(&["join time"]);

    let mut merged: BTreeMap<String, Attendee> = BTreeMap::new();
    let mut rows = 0;
    for (offset, record) in records.iter().enumerate().skip(header_at + 1) {
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        rows += 1;
        let line = offset + 1;
        let cell = |col: usize| record.get(col).map(str::trim).unwrap_or("");
        let raw_name = cell(name_col);
        if raw_name.is_empty() {
            return Err(format!("Line {line} has no name. Export the report from Zoom again."));
        }
        let minutes: i64 = cell(minutes_col)
            .parse()
            .map_err(|_| format!("Line {line} has no duration in minutes (found “{}”).", cell(minutes_col)))?;
        if let (true, Some(join)) = (days.is_empty(), join_col) {
            days = days_of(cell(join));
        }
        let email = email_col.map(cell).filter(|e| !e.is_empty()).map(str::to_lowercase);
        let is_host =
            guest_col.is_some_and(|g| cell(g).eq_ignore_ascii_case("no")) || (email.is_some() && email == host_email);
        if is_host {
            continue;
        }
        let name = display_name(raw_name);
        let key = email.clone().unwrap_or_else(|| format!("name:{}", name.to_lowercase()));
        merged.entry(key).and_modify(|a| a.minutes += minutes).or_insert(Attendee { name, email, minutes });
    }
    let mut attendees: Vec<Attendee> = merged.into_values().collect();
    attendees.sort_by_cached_key(|a| a.name.to_lowercase());
    let digest = {
        use sha2::{Digest, Sha256};
        Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
    };
    Ok(Report { attendees, rows, meeting_id, digest, days })
}

/// The days a time in a report may be on: "11/29/2023 03:55:12 PM" (Zoom's US layout, month
/// first), "29/11/2023 15:55:12" (day first, as in the UK) or "2023-11-29 15:55:12". The
/// likelier reading comes first (month first with a 12-hour clock, day first without); the
/// other follows when it is a date too.
fn days_of(cell: &str) -> Vec<NaiveDate> {
    let cell = cell.trim();
    let date = cell.split_whitespace().next().unwrap_or("");
    if let Ok(day) = NaiveDate::parse_from_str(date, "%Y-%m-%d") {
        return vec![day];
    }
    let numbers: Vec<Option<u32>> = date.split('/').map(|n| n.parse().ok()).collect();
    let [Some(first), Some(second), Some(year)] = numbers[..] else { return Vec::new() };
    let upper = cell.to_ascii_uppercase();
    let month_first = upper.ends_with("AM") || upper.ends_with("PM");
    let readings = if month_first { [(first, second), (second, first)] } else { [(second, first), (first, second)] };
    let mut days: Vec<NaiveDate> = Vec::new();
    for (month, day) in readings {
        if let Some(d) = NaiveDate::from_ymd_opt(year as i32, month, day).filter(|d| !days.contains(d)) {
            days.push(d);
        }
    }
    days
}

/// "Grace Adeyemi (Grace A.)" → "Grace Adeyemi": Zoom adds the original name in brackets when
/// someone renamed themselves. A name that is only brackets ("iPhone (2)") is kept whole.
fn display_name(raw: &str) -> String {
    match raw.rfind(" (") {
        Some(at) if raw.ends_with(')') && !raw[at + 2..raw.len() - 1].chars().all(|c| c.is_ascii_digit()) => {
            raw[..at].trim().to_string()
        }
        _ => raw.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/tests/fixtures/zoom/{name}", env!("CARGO_MANIFEST_DIR"))).expect("fixture")
    }

    fn find<'a>(report: &'a Report, name: &str) -> &'a Attendee {
        report.attendees.iter().find(|a| a.name == name).unwrap_or_else(|| panic!("{name} missing"))
    }

    #[test]
    fn the_export_with_meeting_data_is_read_past_its_byte_order_mark_and_meeting_block() {
        let report = parse(&fixture("participants-with-meeting-header.csv")).unwrap();
        assert_eq!(report.meeting_id.as_deref(), Some("91273431323"));
        assert_eq!(report.digest.len(), 64);
        assert_eq!(parse(&fixture("participants-only.csv")).unwrap().meeting_id, None);
        assert_eq!(report.rows, 9);
        // The host is left out; Tom O'Neill's two rows become one of 58 minutes.
        assert!(report.attendees.iter().all(|a| !a.name.starts_with("Course Team")));
        assert_eq!(find(&report, "Tom O'Neill").minutes, 58);
        assert_eq!(find(&report, "Tom O'Neill").email, None);
        assert_eq!(find(&report, "Grace Adeyemi").email.as_deref(), Some("grace.adeyemi@example.nhs.uk"));
        assert_eq!(find(&report, "Patel, Raj").minutes, 60);
        assert_eq!(find(&report, "Siobhán Murphy").email.as_deref(), Some("siobhan.murphy@example.nhs.uk"));
        assert_eq!(find(&report, "Siobhán Murphy").minutes, 5);
        assert_eq!(find(&report, "iPhone (2)").minutes, 55);
        assert_eq!(report.attendees.len(), 7);
    }

    #[test]
    fn the_meeting_s_day_is_read_from_its_start_or_else_the_first_join_time() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(parse(&fixture("participants-with-meeting-header.csv")).unwrap().days, vec![day(2023, 11, 29)]);
        assert_eq!(parse(&fixture("participants-only.csv")).unwrap().days, vec![day(2023, 12, 12)]);
        assert_eq!(parse(&fixture("participants-uk-dates.csv")).unwrap().days, vec![day(2023, 12, 12)]);
        let no_times = b"Name (Original Name),User Email,Duration (Minutes)\nAmina Khan,a@x.nhs.uk,60\n";
        assert_eq!(parse(no_times).unwrap().days, Vec::<NaiveDate>::new());
    }

    #[test]
    fn a_date_that_reads_either_way_gives_both_days_the_likelier_first() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(days_of("03/12/2026 15:00:12"), vec![day(2026, 12, 3), day(2026, 3, 12)]);
        assert_eq!(days_of("03/12/2026 03:00:12 PM"), vec![day(2026, 3, 12), day(2026, 12, 3)]);
        assert_eq!(days_of("29/11/2023 03:55:12 PM"), vec![day(2023, 11, 29)]);
        assert_eq!(days_of("2023-11-29 15:55:12"), vec![day(2023, 11, 29)]);
        assert_eq!(days_of("yesterday"), Vec::<NaiveDate>::new());
        assert_eq!(days_of("31/31/2023 10:00"), Vec::<NaiveDate>::new());
        assert_eq!(days_of(""), Vec::<NaiveDate>::new());
    }

    #[test]
    fn the_participant_table_alone_with_the_waiting_room_column_is_read() {
        let report = parse(&fixture("participants-only.csv")).unwrap();
        assert_eq!(report.attendees.len(), 4);
        assert_eq!(find(&report, "Daniel Okafor").email, None);
        assert_eq!(find(&report, "Hannah Lewis").minutes, 60);
    }

    #[test]
    fn headers_in_another_capitalisation_and_uk_dates_are_read() {
        let report = parse(&fixture("participants-uk-dates.csv")).unwrap();
        assert_eq!(report.attendees.len(), 3);
        assert_eq!(find(&report, "Mohammed Ali").minutes, 55);
    }

    #[test]
    fn a_file_that_is_not_a_report_is_refused_with_a_clear_message() {
        assert_eq!(parse(&fixture("malformed.csv")).unwrap_err(), NOT_A_REPORT);
        assert!(parse(b"").unwrap_err().contains("empty"));
        assert!(parse(&[0xff, 0xfe, 0x00]).unwrap_err().contains("not a text"));
    }

    #[test]
    fn a_row_without_minutes_is_refused_naming_its_line() {
        let bad = b"Name (Original Name),User Email,Duration (Minutes)\nAmina Khan,a@x.nhs.uk,sixty\n";
        assert!(parse(bad).unwrap_err().contains("Line 2"));
    }

    #[test]
    fn original_names_in_brackets_are_dropped_but_device_numbers_kept() {
        assert_eq!(display_name("Course Team (Robert M)"), "Course Team");
        assert_eq!(display_name("iPhone (2)"), "iPhone (2)");
        assert_eq!(display_name("Amina Khan"), "Amina Khan");
    }
}
