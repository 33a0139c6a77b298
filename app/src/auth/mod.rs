//! Coordinator authentication and the limits on guessing (server only): passwords, sign-in
//! sessions, throttling, wrong attendance codes.

pub mod limits;
pub mod password;
pub mod session;
pub mod throttle;
