//! Server functions: thin, they parse input, call the domain and the store, and map errors.

pub mod applications;
pub mod coordinator;
pub mod course;
pub mod places;
pub mod tasters;
