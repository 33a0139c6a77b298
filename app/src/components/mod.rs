//! Reusable views.

pub mod clock;
pub mod contact;
pub mod error_summary;
pub mod fields;
pub mod join_qr;
pub mod layout;
pub mod load_error;
pub mod month_grid;
pub mod outcome;
pub mod pagination;
pub mod places;
pub mod taster_card;
pub mod taster_details;
pub mod title;
