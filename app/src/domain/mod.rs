//! Plain Rust, no I/O: validated values and the rules of the course, built for both targets
//! so the browser and the server check a form with the very same code.

pub mod allocation;
pub mod application;
pub mod attendance_code;
pub mod calendar;
pub mod clock_words;
pub mod coordinator_forms;
pub mod email;
pub mod password_change;
pub mod person_name;
pub mod text;

#[cfg(feature = "ssr")]
pub mod csv_export;
#[cfg(feature = "ssr")]
pub mod matching;
#[cfg(feature = "ssr")]
pub mod schedule;
#[cfg(feature = "ssr")]
pub mod uk_time;
#[cfg(feature = "parsers")]
pub mod zoom_report;

pub use email::WorkEmail;
pub use person_name::PersonName;

/// The value when `result` is good; otherwise records its message against `name` in `errors`.
pub fn field<T>(errors: &mut crate::errors::FieldErrors, name: &str, result: Result<T, String>) -> Option<T> {
    result.map_err(|message| errors.insert(name.to_string(), message)).ok()
}
