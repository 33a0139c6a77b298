//! Reusable views.

pub mod layout;
pub mod load_error;
pub mod taster_card;
