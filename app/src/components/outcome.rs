//! An application's state in plain words: where the applicant stands and what happens next.

use crate::domain::allocation::AllocationState;
use crate::models::{ApplicationStatus, QueuePosition};
use leptos::prelude::*;

/// "1st", "2nd", "3rd", "4th"…
pub fn ordinal(n: i64) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// The outcome in a sentence, e.g. "You are 3rd on the waiting list for …".
pub fn outcome_sentence(status: &ApplicationStatus) -> String {
    let cohort = status.cohort.as_ref().map(|c| c.name.as_str()).unwrap_or("the course");
    match status.state {
        AllocationState::Allocated => format!("You have a place on {cohort}."),
        AllocationState::Offered => format!("You have been offered a place on {cohort}."),
        AllocationState::Waiting => match status.positions.first() {
            Some(QueuePosition { position, cohort_name, .. }) => {
                format!("You are {} on the waiting list for {cohort_name}.", ordinal(*position))
            }
            None => "You are on the waiting list.".into(),
        },
        AllocationState::AwaitingAttendance => "We are checking that you joined a taster session.".into(),
        AllocationState::Withdrawn => "You have withdrawn your application.".into(),
        AllocationState::Declined => "You declined the place you were offered.".into(),
        AllocationState::Expired => {
            "The place you were offered was not accepted in time, so it went to the next person.".into()
        }
    }
}

/// What happens next, for the state the application is in. On the status page itself
/// (`on_status_page`) it speaks of "this page"; elsewhere of "your status page".
#[component]
pub fn NextSteps(status: ApplicationStatus, #[prop(optional)] on_status_page: bool) -> impl IntoView {
    let status_page = if on_status_page { "this page" } else { "your status page" };
    let meetings = status.cohort.as_ref().map(|c| c.meetings.clone()).unwrap_or_default();
    match status.state {
        AllocationState::Allocated => view! {
            <p>"The course team will email you the Zoom details before the first session. The sessions are:"</p>
            <ol class="meeting-list">{meetings.into_iter().map(|m| view! { <li>{m.when_uk}</li> }).collect_view()}</ol>
            {(!on_status_page).then(|| view! {
                <p>"If you can no longer take part, withdraw from your status page so your place goes to someone on the waiting list."</p>
            })}
        }
        .into_any(),
        AllocationState::Offered => {
            let otherwise = if status.other_queues.is_empty() {
                "If you decline it, or do not accept it in time, it goes to the next person on the waiting list and your application ends.".to_string()
            } else {
                format!(
                    "If you decline it, or do not accept it in time, it goes to the next person on the waiting list, and you stay on the waiting list for {}.",
                    status.other_queues.join(" and ")
                )
            };
            view! {
                <p>
                    "The place is held for you until "
                    <strong>{status.offer_expires_uk.clone().unwrap_or_default()}</strong>
                    ". Accept it before then to keep it."
                </p>
                <p>{otherwise}</p>
            }
            .into_any()
        }
        AllocationState::Waiting => {
            let positions = status.positions.clone();
            view! {
                <p>"All places on the courses you chose are taken at the moment. Your place in each waiting list:"</p>
                <ul class="position-list">
                    {positions
                        .into_iter()
                        .map(|p| view! { <li><strong>{ordinal(p.position)}</strong>" for "{p.cohort_name}</li> })
                        .collect_view()}
                </ul>
                <p>{format!("If a place becomes free, it is offered to the person at the top of the list and held for them for 48 hours. We email you, and {status_page} shows the offer, as soon as it is made.")}</p>
            }
            .into_any()
        }
        AllocationState::AwaitingAttendance => view! {
            <p>"Places go to people who have joined a taster session and completed this form. You did not give an attendance code, so the course team will check the Zoom attendance list instead."</p>
            <p>"If you have not joined a taster session yet, join one: there is no need to book, just turn up."</p>
            <p>"Once your attendance is confirmed, you get a place if one is free, or join the waiting list in the order applications became complete."</p>
            <p><a class="link-standalone" href="/tasters">"See the taster sessions"</a></p>
        }
        .into_any(),
        AllocationState::Withdrawn | AllocationState::Declined | AllocationState::Expired => view! {
            <p>"If you would like a place on a course, you can apply again."</p>
            <p><a class="link-standalone" href="/join">"Apply again"</a></p>
        }
        .into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::ordinal;

    #[test]
    fn ordinals_follow_english_rules() {
        let words: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].into_iter().map(ordinal).collect();
        assert_eq!(
            words,
            ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st", "111th"]
        );
    }
}
