//! DESIGN.md's allocation rules, in plain Rust. The store calls these inside one transaction;
//! the queue itself (who waited longest) is read in `eligible_at` order by the store.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Where an application stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AllocationState {
    /// The form is in; attendance at a taster is not confirmed yet.
    AwaitingAttendance,
    /// Holds a place on a cohort.
    Allocated,
    /// Eligible, waiting for a place on one of its chosen cohorts.
    Waiting,
    /// A freed place is held for this applicant until the offer expires.
    Offered,
    /// The applicant (or a coordinator for them) withdrew.
    Withdrawn,
    /// The applicant declined an offered place.
    Declined,
    /// An offered place was not accepted in time.
    Expired,
}

impl AllocationState {
    /// Every state, in the order of a journey.
    pub const ALL: [Self; 7] = [
        Self::AwaitingAttendance,
        Self::Allocated,
        Self::Waiting,
        Self::Offered,
        Self::Withdrawn,
        Self::Declined,
        Self::Expired,
    ];

    /// The stored and JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AwaitingAttendance => "awaiting_attendance",
            Self::Allocated => "allocated",
            Self::Waiting => "waiting",
            Self::Offered => "offered",
            Self::Withdrawn => "withdrawn",
            Self::Declined => "declined",
            Self::Expired => "expired",
        }
    }

    /// Reads the stored spelling.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// Rule 6: an active application blocks a second one from the same work email.
    pub fn is_active(self) -> bool {
        matches!(self, Self::AwaitingAttendance | Self::Allocated | Self::Waiting | Self::Offered)
    }

    /// Holds a place on a cohort (counts against its capacity, rule 5).
    pub fn holds_place(self) -> bool {
        matches!(self, Self::Allocated | Self::Offered)
    }

    /// Rule 7: an applicant may withdraw while the application is active.
    pub fn can_withdraw(self) -> bool {
        self.is_active()
    }

    /// Rule 7: only an outstanding offer can be accepted or declined.
    pub fn can_answer_offer(self) -> bool {
        self == Self::Offered
    }

    /// A short label for tables and badges.
    pub fn label(self) -> &'static str {
        match self {
            Self::AwaitingAttendance => "Awaiting attendance check",
            Self::Allocated => "Allocated",
            Self::Waiting => "Waiting list",
            Self::Offered => "Offered a place",
            Self::Withdrawn => "Withdrawn",
            Self::Declined => "Declined",
            Self::Expired => "Offer expired",
        }
    }
}

/// Which cohorts an applicant will take, best first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CohortChoice {
    /// Any open cohort, earliest start first.
    Any,
    /// These cohort ids in rank order (never empty, no repeats).
    Ranked(Vec<i64>),
}

impl CohortChoice {
    /// Whether this applicant waits for (or may take) a place on `cohort_id`.
    pub fn includes(&self, cohort_id: i64) -> bool {
        match self {
            Self::Any => true,
            Self::Ranked(ids) => ids.contains(&cohort_id),
        }
    }
}

/// A cohort's places as the allocation rules see them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CohortPlaces {
    pub id: i64,
    pub capacity: i64,
    pub allocated: i64,
    pub offered: i64,
    /// Only open cohorts allocate or offer places.
    pub open: bool,
}

impl CohortPlaces {
    /// Rule 5: capacity − allocated − outstanding offers (never below zero).
    pub fn remaining(&self) -> i64 {
        (self.capacity - self.allocated - self.offered).max(0)
    }

    /// Whether a place can be given now.
    pub fn has_free_place(&self) -> bool {
        self.open && self.remaining() > 0
    }
}

/// The outcome of the moment an application becomes eligible (rule 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// Allocate a place on this cohort.
    Allocate(i64),
    /// No chosen cohort has a free place: wait on the choices.
    Wait,
}

/// Rule 1: an application is eligible from the later of its submission and its confirmed
/// attendance.
pub fn eligible_at(submitted_at: DateTime<Utc>, attendance_confirmed_at: DateTime<Utc>) -> DateTime<Utc> {
    submitted_at.max(attendance_confirmed_at)
}

/// Rule 2: the first of the ranked cohorts with a free place; for "any", the first open cohort
/// with a free place in `cohorts`' order (the store lists them earliest start first).
pub fn place(choice: &CohortChoice, cohorts: &[CohortPlaces]) -> Placement {
    let free = |id: i64| cohorts.iter().any(|c| c.id == id && c.has_free_place());
    let found = match choice {
        CohortChoice::Any => cohorts.iter().find(|c| c.has_free_place()).map(|c| c.id),
        CohortChoice::Ranked(ids) => ids.iter().copied().find(|&id| free(id)),
    };
    found.map_or(Placement::Wait, Placement::Allocate)
}

/// Rule 4: how long a freed place is held for the applicant it is offered to.
pub const DEFAULT_OFFER_WINDOW_HOURS: i64 = 48;

/// Rule 4: when an offer made at `now` stops holding the place.
pub fn offer_expires_at(now: DateTime<Utc>, window: Duration) -> DateTime<Utc> {
    now + window
}

/// Rule 4: an offer can be accepted until the moment it expires.
pub fn offer_is_open(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now < expires_at
}

/// Rule 3: a capacity may not drop below the places already given (allocated plus offered).
pub fn capacity_change_allowed(places: &CohortPlaces, new_capacity: i64) -> Result<(), String> {
    let taken = places.allocated + places.offered;
    if new_capacity < 0 {
        Err("Enter a capacity of 0 or more".into())
    } else if new_capacity < taken {
        Err(format!(
            "Capacity cannot be less than the {taken} places already allocated or offered ({} allocated, {} offered)",
            places.allocated, places.offered
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cohort(id: i64, capacity: i64, allocated: i64, offered: i64) -> CohortPlaces {
        CohortPlaces { id, capacity, allocated, offered, open: true }
    }

    fn at(hour: u32) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&format!("2026-12-01T{hour:02}:00:00Z")).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn rule_1_eligibility_starts_at_the_later_of_form_and_attendance() {
        assert_eq!(eligible_at(at(10), at(9)), at(10));
        assert_eq!(eligible_at(at(10), at(15)), at(15));
    }

    #[test]
    fn rule_2_the_first_ranked_cohort_with_a_free_place_allocates() {
        let cohorts = [cohort(1, 12, 12, 0), cohort(2, 12, 3, 0)];
        assert_eq!(place(&CohortChoice::Ranked(vec![1, 2]), &cohorts), Placement::Allocate(2));
        assert_eq!(place(&CohortChoice::Ranked(vec![2, 1]), &cohorts), Placement::Allocate(2));
    }

    #[test]
    fn rule_2_an_applicant_waits_when_no_chosen_cohort_has_a_place() {
        let cohorts = [cohort(1, 12, 12, 0), cohort(2, 12, 0, 0)];
        assert_eq!(place(&CohortChoice::Ranked(vec![1]), &cohorts), Placement::Wait);
    }

    #[test]
    fn rule_2_any_cohort_takes_the_earliest_listed_cohort_with_a_place() {
        let cohorts = [cohort(7, 1, 1, 0), cohort(3, 1, 0, 0), cohort(5, 1, 0, 0)];
        assert_eq!(place(&CohortChoice::Any, &cohorts), Placement::Allocate(3));
    }

    #[test]
    fn rule_2_a_closed_cohort_never_allocates() {
        let mut closed = cohort(1, 12, 0, 0);
        closed.open = false;
        assert_eq!(place(&CohortChoice::Any, &[closed]), Placement::Wait);
    }

    #[test]
    fn rule_3_an_outstanding_offer_holds_a_place_like_an_allocation() {
        let cohorts = [cohort(1, 2, 1, 1)];
        assert_eq!(place(&CohortChoice::Any, &cohorts), Placement::Wait);
    }

    #[test]
    fn rule_3_capacity_cannot_drop_below_allocated_plus_offered() {
        let places = cohort(1, 12, 8, 2);
        assert!(capacity_change_allowed(&places, 10).is_ok());
        let err = capacity_change_allowed(&places, 9).unwrap_err();
        assert!(err.contains("10 places already allocated or offered"), "{err}");
        assert!(capacity_change_allowed(&places, -1).is_err());
    }

    #[test]
    fn rule_4_an_offer_is_held_for_the_window_then_lapses() {
        let expires = offer_expires_at(at(9), Duration::hours(DEFAULT_OFFER_WINDOW_HOURS));
        assert_eq!(expires, at(9) + Duration::hours(48));
        assert!(offer_is_open(expires, expires - Duration::seconds(1)));
        assert!(!offer_is_open(expires, expires));
    }

    #[test]
    fn rule_5_places_remaining_is_capacity_minus_allocated_minus_offered() {
        assert_eq!(cohort(1, 12, 7, 2).remaining(), 3);
        assert_eq!(cohort(1, 12, 12, 0).remaining(), 0);
    }

    #[test]
    fn rule_6_only_active_applications_block_a_second_one() {
        let active: Vec<_> = AllocationState::ALL.into_iter().filter(|s| s.is_active()).collect();
        assert_eq!(
            active,
            [
                AllocationState::AwaitingAttendance,
                AllocationState::Allocated,
                AllocationState::Waiting,
                AllocationState::Offered
            ]
        );
    }

    #[test]
    fn rule_7_withdraw_while_active_and_answer_only_an_offer() {
        assert!(AllocationState::Waiting.can_withdraw());
        assert!(!AllocationState::Withdrawn.can_withdraw());
        assert!(AllocationState::Offered.can_answer_offer());
        assert!(!AllocationState::Allocated.can_answer_offer());
    }

    #[test]
    fn states_round_trip_through_their_stored_spelling() {
        for state in AllocationState::ALL {
            assert_eq!(AllocationState::parse(state.as_str()), Some(state));
        }
        assert_eq!(AllocationState::parse("lost"), None);
    }

    #[test]
    fn a_ranked_choice_includes_only_its_cohorts() {
        assert!(CohortChoice::Ranked(vec![1, 2]).includes(2));
        assert!(!CohortChoice::Ranked(vec![1, 2]).includes(3));
        assert!(CohortChoice::Any.includes(3));
    }
}
