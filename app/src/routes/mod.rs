//! One file per page.

pub mod coming_soon;
pub mod course;
pub mod not_found;
