//! Coordinator authentication (server only): passwords, sign-in sessions, throttling.

pub mod password;
pub mod session;
pub mod throttle;
