//! Reusable views.

pub mod error_summary;
pub mod fields;
pub mod layout;
pub mod load_error;
pub mod outcome;
pub mod places;
pub mod taster_card;
