//! Coordinator authentication (server only).

pub mod password;
