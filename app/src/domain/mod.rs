//! Plain Rust, no I/O: validated values and the rules of the course, built for both targets
//! so the browser and the server check a form with the very same code.

pub mod allocation;
pub mod application;
pub mod calendar;
pub mod clock_words;
pub mod email;
pub mod person_name;
pub mod text;

#[cfg(feature = "ssr")]
pub mod schedule;
#[cfg(feature = "ssr")]
pub mod uk_time;

pub use email::WorkEmail;
pub use person_name::PersonName;
