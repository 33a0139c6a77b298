//! The coordinators' forms: a taster session's and a cohort's fields (dates, times, Zoom
//! links, meeting ids, capacities) give values or field messages, never a panic, even at the
//! edges of the calendar.
#![no_main]

use app::domain::coordinator_forms::{parse_meeting_id, parse_zoom_url, CohortForm, TasterForm};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(bytes).into_owned().collect();
    let _ = TasterForm::from_pairs(pairs.clone()).parse();
    let cohort = CohortForm::from_pairs(pairs);
    let _ = cohort.parse_new();
    let _ = cohort.parse_edit();
    if let Ok(text) = std::str::from_utf8(bytes) {
        let _ = parse_zoom_url(text);
        let _ = parse_meeting_id(text);
    }
});
