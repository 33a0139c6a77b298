//! One file per page.

pub mod coordinator;
pub mod course;
pub mod join;
pub mod not_found;
pub mod privacy;
pub mod status;
pub mod tasters;
