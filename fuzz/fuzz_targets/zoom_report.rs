//! The Zoom participant report reader: any bytes a coordinator might upload give a report or
//! a message, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(report) = app::domain::zoom_report::parse(bytes) {
        // Whatever was read can be matched against applicants without a panic either.
        let _ = format!("{report:?}");
    }
});
