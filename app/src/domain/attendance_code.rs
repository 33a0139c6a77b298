//! DESIGN.md's "Attendance codes": a session's code proves presence only for a while around it.
//! It works from 15 minutes before the session starts (coordinators reveal it as people join)
//! until 7 days after it ends (people who noted it apply in the following days); after that a
//! coordinator confirms attendance by hand. A cancelled session's code works at no time.

use chrono::{DateTime, Duration, Utc};

/// How long before its session starts a code works.
pub const OPENS_BEFORE_START: Duration = Duration::minutes(15);
/// How long after its session ends a code still works.
pub const CLOSES_AFTER_END: Duration = Duration::days(7);

/// The first and last instants a session's code is accepted.
pub fn code_window(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    (starts_at - OPENS_BEFORE_START, ends_at + CLOSES_AFTER_END)
}

/// Whether a code typed at `now` proves presence at its session.
pub fn code_accepted(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>, cancelled: bool, now: DateTime<Utc>) -> bool {
    let (opens, closes) = code_window(starts_at, ends_at);
    !cancelled && opens <= now && now <= closes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339).unwrap().with_timezone(&Utc)
    }

    const START: &str = "2026-12-02T16:00:00Z";
    const END: &str = "2026-12-02T17:00:00Z";

    #[test]
    fn a_code_works_from_15_minutes_before_the_start() {
        assert!(!code_accepted(at(START), at(END), false, at("2026-12-02T15:44:59Z")));
        assert!(code_accepted(at(START), at(END), false, at("2026-12-02T15:45:00Z")));
    }

    #[test]
    fn a_code_works_until_7_days_after_the_end_and_not_after() {
        assert!(code_accepted(at(START), at(END), false, at("2026-12-09T17:00:00Z")));
        assert!(!code_accepted(at(START), at(END), false, at("2026-12-09T17:00:01Z")));
        assert!(!code_accepted(at(START), at(END), false, at("2027-06-01T12:00:00Z")), "never for ever");
    }

    #[test]
    fn a_cancelled_sessions_code_never_works() {
        assert!(!code_accepted(at(START), at(END), true, at("2026-12-02T16:30:00Z")));
    }

    #[test]
    fn the_window_is_shown_as_its_two_ends() {
        assert_eq!(code_window(at(START), at(END)), (at("2026-12-02T15:45:00Z"), at("2026-12-09T17:00:00Z")));
    }
}
