//! The words of each email (DESIGN.md, "Telling people"), in NHS style: plain English, dates in
//! UK time, one thing per paragraph. Each message is written once as a list of blocks and
//! rendered twice, as plain text and as simple accessible HTML (a language, a title, real
//! headings, lists and links, no layout tables, no images), so both always say the same. The
//! subject says only the course's name and what happened: nothing personal.

use super::Settings;
use crate::domain::allocation::AllocationState;
use crate::domain::uk_time::{uk_clock, uk_date};
use crate::models::{ApplicationStatus, Cohort, MessageKind};
use crate::workflow::messages::Facts;
use chrono::{DateTime, Utc};

/// The course's name, at the start of every subject.
const COURSE: &str = "Compassionate leadership course";

/// A coordinators' message to a group of applicants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamMessage {
    pub subject: String,
    pub body: String,
}

/// Everything a message is put together from.
pub struct Letter<'a> {
    pub kind: MessageKind,
    pub facts: &'a Facts,
    /// The application as it stands when the message is sent.
    pub status: &'a ApplicationStatus,
    /// The cohort the facts name (allocated, offered, left or moved to).
    pub cohort: Option<&'a Cohort>,
    /// The cohort moved from.
    pub from_cohort: Option<&'a Cohort>,
    pub team: Option<&'a TeamMessage>,
}

/// A message in words: its subject, its two renderings, and a calendar file to attach.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Composed {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// File name and contents of a calendar of the cohort's meetings.
    pub calendar: Option<(String, String)>,
}

/// One part of a message.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Block {
    Para(String),
    Heading(String),
    List(Vec<String>),
    /// A link shown as a labelled address.
    Link {
        label: String,
        url: String,
    },
}

use Block::{Heading, Link, List, Para};

fn para(text: impl Into<String>) -> Block {
    Para(text.into())
}

fn link(label: &str, url: String) -> Block {
    Link { label: label.into(), url }
}

/// "Friday 4 December 2026 at 4:30pm".
fn moment(t: DateTime<Utc>) -> String {
    format!("{} at {}", uk_date(t), uk_clock(t))
}

fn meetings(cohort: &Cohort) -> Vec<Block> {
    vec![
        para(format!("{} meets {} times, online:", cohort.name, cohort.meetings.len())),
        List(cohort.meetings.iter().map(|m| m.when_uk.clone()).collect()),
        para("The dates are in UK time. The attached calendar file adds them to your calendar."),
    ]
}

/// Whether an email of this kind tells where the applicant stands in each queue now (from
/// the status's positions, which cost a count per queue to read); the others need none.
pub fn tells_queue_places(kind: MessageKind) -> bool {
    matches!(kind, MessageKind::Waiting | MessageKind::OfferLapsed | MessageKind::Declined)
}

/// Where a waiting applicant stands, in words, from the status as it is now.
fn queue_places(status: &ApplicationStatus) -> Vec<Block> {
    match status.positions.as_slice() {
        [] => Vec::new(),
        [only] => vec![para(format!("You are number {} on the waiting list for {}.", only.position, only.cohort_name))],
        several => vec![
            para("You are on the waiting lists for:"),
            List(several.iter().map(|p| format!("{}: number {}", p.cohort_name, p.position)).collect()),
        ],
    }
}

fn status_link(status: &ApplicationStatus, settings: &Settings) -> String {
    settings.link(&format!("/status/{}", status.status_token))
}

/// Puts a message into words.
pub fn compose(letter: &Letter<'_>, settings: &Settings) -> Composed {
    let status = letter.status;
    let facts = letter.facts;
    let status_url = status_link(status, settings);
    let cohort_name = letter.cohort.map(|c| c.name.clone()).unwrap_or_else(|| "the course".into());
    let hold = format!("{} hours", settings.offer_window.num_hours());
    let mut calendar_of = None;
    let (what, mut blocks): (String, Vec<Block>) = match letter.kind {
        MessageKind::Received => {
            let mut blocks = vec![
                para("Thank you for applying for a free place on the Compassionate leadership course for nurse advocates."),
                para(format!("Your reference is {}.", status.reference)),
            ];
            match facts.outcome.as_deref() {
                Some("allocated") => {
                    blocks.push(Heading("You have a place".into()));
                    blocks.push(para(format!("You have a place on {cohort_name}.")));
                    if let Some(cohort) = letter.cohort {
                        blocks.extend(meetings(cohort));
                        calendar_of = Some(cohort);
                    }
                }
                Some("waiting") => {
                    blocks.push(Heading("You are on the waiting list".into()));
                    blocks.push(para("All the places on the courses you chose have been allocated."));
                    if let Some(position) = facts.position {
                        blocks.push(para(format!("You are number {position} on the waiting list for {cohort_name}.")));
                    }
                    blocks.push(para(format!(
                        "If a place becomes free, we will offer it to the first person on its waiting list and email \
                         them. The place is held for {hold}."
                    )));
                }
                _ => {
                    blocks.push(Heading("What happens next".into()));
                    blocks.push(para(
                        "The course team will check that you attended a taster session. When they have, your place in \
                         the queue counts from the start of the session you attended, not from when they checked.",
                    ));
                    blocks.push(para(
                        "We will email you when your attendance is confirmed, to tell you whether you have a place.",
                    ));
                }
            }
            ("application received".to_string(), blocks)
        }
        MessageKind::Allocated => {
            let mut blocks = vec![para(format!("You have a place on {cohort_name}."))];
            if let Some(cohort) = letter.cohort {
                blocks.extend(meetings(cohort));
                calendar_of = Some(cohort);
            }
            blocks.push(para("If you can no longer take the place, please withdraw on your status page so that it goes to someone else."));
            ("you have a place".to_string(), blocks)
        }
        MessageKind::Waiting => {
            let mut blocks = vec![
                para("Your attendance at a taster session has been confirmed, so your application is complete."),
                para("All the places on the courses you chose have been allocated."),
            ];
            let now = queue_places(status);
            if now.is_empty() {
                if let Some(position) = facts.position {
                    blocks.push(para(format!("You are number {position} on the waiting list for {cohort_name}.")));
                }
            } else {
                blocks.extend(now);
            }
            blocks.push(para(format!(
                "If a place becomes free, we will offer it to the first person on its waiting list and email them. \
                 The place is held for {hold}."
            )));
            ("you are on the waiting list".to_string(), blocks)
        }
        MessageKind::Offer | MessageKind::OfferReminder => {
            let until = facts.until.map(moment).unwrap_or_else(|| "the time shown on your status page".into());
            let mut blocks = if letter.kind == MessageKind::Offer {
                vec![
                    para(format!("A place has become free on {cohort_name}, and you are next on its waiting list.")),
                    para(format!("We are holding the place for you until {until}.")),
                ]
            } else {
                vec![para(format!(
                    "This is a reminder that the place on {cohort_name} is held for you until {until}. You have not \
                     accepted it yet."
                ))]
            };
            blocks.push(link("Accept the place", settings.link(&format!("/status/{}/accept", status.status_token))));
            blocks.push(link("Decline the place", settings.link(&format!("/status/{}/decline", status.status_token))));
            blocks.push(para("Each link opens your status page, which asks you to confirm before anything changes."));
            blocks.push(para(format!(
                "If you do not accept the place by {until}, it goes to the next person on the waiting list."
            )));
            if !status.other_queues.is_empty() {
                blocks.push(para(format!(
                    "If you decline it or it lapses, you stay on the waiting list for {}.",
                    status.other_queues.join(" and ")
                )));
            }
            if let Some(cohort) = letter.cohort {
                blocks.extend(meetings(cohort).into_iter().take(2));
            }
            let what = if letter.kind == MessageKind::Offer {
                "a place is offered to you"
            } else {
                "reminder, a place is held for you"
            };
            (what.to_string(), blocks)
        }
        MessageKind::OfferLapsed | MessageKind::Declined => {
            let mut blocks = vec![if letter.kind == MessageKind::Declined {
                para(format!(
                    "You declined the place on {cohort_name}. It goes to the next person on its waiting list."
                ))
            } else {
                para(format!(
                    "The place on {cohort_name} that we held for you was not accepted in time, so it has gone to the \
                     next person on its waiting list."
                ))
            }];
            match status.state {
                AllocationState::Waiting => blocks.extend(queue_places(status)),
                AllocationState::Offered | AllocationState::Allocated => {
                    blocks.push(para("Your application has changed since: your status page shows where it stands now."))
                }
                _ => blocks.push(para(
                    "You are not on any other waiting list, so your application has now ended. You are welcome to apply \
                     again.",
                )),
            }
            let what = if letter.kind == MessageKind::Declined {
                "you declined the offered place"
            } else {
                "your offer has ended"
            };
            (what.to_string(), blocks)
        }
        MessageKind::Withdrawn => {
            let who = if facts.by_coordinator { "The course team has withdrawn" } else { "You have withdrawn" };
            (
                "application withdrawn".to_string(),
                vec![
                    para(format!("{who} your application {}.", status.reference)),
                    para("If you had a place or an offer of one, it goes to the next person on the waiting list."),
                    para(format!(
                        "If this is a mistake, contact the course team at {} straight away. You are welcome to apply again.",
                        settings.contact_email
                    )),
                ],
            )
        }
        MessageKind::Moved => {
            let from = letter.from_cohort.map(|c| c.name.clone()).unwrap_or_else(|| "your cohort".into());
            let mut blocks = vec![para(format!("The course team has moved you from {from} to {cohort_name}."))];
            if let Some(cohort) = letter.cohort {
                blocks.extend(meetings(cohort));
                calendar_of = Some(cohort);
            }
            blocks.push(para("Remove the old dates from your calendar: the attached file replaces them."));
            ("your course dates have changed".to_string(), blocks)
        }
        MessageKind::AttendanceUndone => (
            "your attendance is being checked again".to_string(),
            vec![
                para(
                    "The course team confirmed your attendance at a taster session from the session's Zoom report, but \
                     matched the wrong person to your application. They have taken that confirmation back.",
                ),
                para(
                    "Your application is waiting for an attendance check again, so for now you are not on a waiting \
                     list. If you attended a taster session, you do not need to do anything: when the course team \
                     confirms it, your place in the queue counts from the start of that session, not from when they \
                     checked.",
                ),
            ],
        ),
        MessageKind::StatusLink => (
            "your status link".to_string(),
            vec![
                para("You asked for the link to your application's status page. Here it is."),
                para("If you did not ask for it, you can ignore this email: nobody else has been sent your link."),
            ],
        ),
        MessageKind::TeamMessage => {
            let team = letter
                .team
                .cloned()
                .unwrap_or(TeamMessage { subject: "a message from the course team".into(), body: String::new() });
            let blocks = team.body.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(para).collect();
            (team.subject, blocks)
        }
    };
    blocks.push(Heading("Your status page".into()));
    blocks.push(para(
        "Your status page shows where your application stands. Keep this email: the link is private to you.",
    ));
    blocks.push(link("Your status page", status_url.clone()));
    blocks.push(para(format!(
        "If you have a question, contact the course team at {}. Please quote your reference, {}.",
        settings.contact_email, status.reference
    )));
    let subject = format!("{COURSE}: {what}");
    Composed {
        text: text(&status.name, &blocks),
        html: html(&subject, &status.name, &blocks),
        subject,
        calendar: calendar_of.map(|c| {
            let file = crate::calendar_files::file_name(&c.name);
            (file, crate::calendar_files::cohort_calendar(c, Some(&status_url)).to_string())
        }),
    }
}

/// The plain-text rendering, wrapped at 72 columns.
fn text(name: &str, blocks: &[Block]) -> String {
    let mut out = format!("Dear {name},\n\n");
    for block in blocks {
        match block {
            Para(p) => out.push_str(&wrap(p, "")),
            Heading(h) => out.push_str(&format!("{h}\n{}\n", "-".repeat(h.chars().count()))),
            List(items) => {
                for item in items {
                    out.push_str(&wrap(item, "- "));
                }
            }
            Link { label, url } => out.push_str(&format!("{label}:\n{url}\n")),
        }
        out.push('\n');
    }
    out.push_str("The Compassionate leadership course team\n");
    out
}

fn wrap(text: &str, bullet: &str) -> String {
    let indent = " ".repeat(bullet.len());
    let mut lines = vec![bullet.to_string()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("a line");
        let fresh = line.trim().is_empty() || line.as_str() == bullet;
        if !fresh && line.chars().count() + 1 + word.chars().count() > 72 {
            lines.push(format!("{indent}{word}"));
        } else {
            if !fresh {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines.join("\n") + "\n"
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// The HTML rendering: one column, the reader's own fonts and sizes, links underlined.
fn html(subject: &str, name: &str, blocks: &[Block]) -> String {
    let mut body = format!("<p>Dear {},</p>\n", escape(name));
    for block in blocks {
        match block {
            Para(p) => body.push_str(&format!("<p>{}</p>\n", escape(p))),
            Heading(h) => body.push_str(&format!("<h2>{}</h2>\n", escape(h))),
            List(items) => {
                body.push_str("<ul>\n");
                for item in items {
                    body.push_str(&format!("<li>{}</li>\n", escape(item)));
                }
                body.push_str("</ul>\n");
            }
            Link { label, url } => body.push_str(&format!(
                "<p><a href=\"{}\" style=\"color:#005eb8;font-weight:bold;text-decoration:underline\">{}</a></p>\n",
                escape(url),
                escape(label)
            )),
        }
    }
    body.push_str("<p>The Compassionate leadership course team</p>\n");
    format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n</head>\n\
         <body style=\"font-family:Arial,sans-serif;line-height:1.5;color:#212b32;max-width:40em;margin:0 auto;padding:16px\">\n\
         {body}</body>\n</html>\n",
        escape(subject)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{CohortStatus, Meeting, QueuePosition};
    use chrono::TimeZone;

    fn status(state: AllocationState) -> ApplicationStatus {
        ApplicationStatus {
            reference: "CL-7K3Q".into(),
            status_token: "a".repeat(48),
            name: "Sam <Jones>".into(),
            state,
            cohort: None,
            positions: Vec::new(),
            offer_expires_at: None,
            offer_expires_uk: None,
            submitted_uk: String::new(),
            choices: Vec::new(),
            other_queues: Vec::new(),
        }
    }

    fn cohort() -> Cohort {
        // Tuesday 5 January 2027, 10am UK time (GMT), weekly.
        let start = Utc.with_ymd_and_hms(2027, 1, 5, 10, 0, 0).unwrap();
        Cohort {
            id: 3,
            name: "January 2027 · Tuesday mornings".into(),
            intake: "2027-01".into(),
            capacity: 12,
            places_remaining: 0,
            status: CohortStatus::Open,
            meetings: (0..6)
                .map(|w| {
                    let starts_at = start + chrono::Duration::weeks(w);
                    let ends_at = starts_at + chrono::Duration::hours(2);
                    Meeting { starts_at, ends_at, when_uk: crate::domain::uk_time::uk_range(starts_at, ends_at) }
                })
                .collect(),
        }
    }

    /// The text with line breaks as spaces (the plain text is wrapped).
    fn flat(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn letter<'a>(
        kind: MessageKind,
        facts: &'a Facts,
        status: &'a ApplicationStatus,
        cohort: Option<&'a Cohort>,
    ) -> Letter<'a> {
        Letter { kind, facts, status, cohort, from_cohort: None, team: None }
    }

    #[test]
    fn a_received_application_with_a_place_lists_the_six_dates_and_attaches_them() {
        let status = status(AllocationState::Allocated);
        let facts = Facts { outcome: Some("allocated".into()), cohort_id: Some(3), ..Facts::default() };
        let cohort = cohort();
        let m = compose(&letter(MessageKind::Received, &facts, &status, Some(&cohort)), &Settings::default());
        assert_eq!(m.subject, "Compassionate leadership course: application received");
        assert!(m.text.contains("Your reference is CL-7K3Q."));
        assert!(flat(&m.text).contains("You have a place on January 2027 · Tuesday mornings."));
        assert!(m.text.contains("- Tuesday 5 January 2027, 10am to midday"), "{}", m.text);
        assert!(m.text.contains("- Tuesday 9 February 2027, 10am to midday"));
        assert!(m.text.contains(&format!("http://127.0.0.1:3000/status/{}", "a".repeat(48))));
        let (file, ics) = m.calendar.expect("a calendar file");
        assert_eq!(file, "january-2027-tuesday-mornings.ics");
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 6);
    }

    #[test]
    fn a_received_application_awaiting_its_check_says_what_happens_next_without_a_calendar() {
        let status = status(AllocationState::AwaitingAttendance);
        let facts = Facts { outcome: Some("awaiting_attendance".into()), ..Facts::default() };
        let m = compose(&letter(MessageKind::Received, &facts, &status, None), &Settings::default());
        assert!(flat(&m.text).contains("check that you attended a taster session"));
        assert!(m.calendar.is_none());
    }

    #[test]
    fn an_offer_says_until_when_in_uk_time_and_links_to_the_confirmation_steps() {
        let mut status = status(AllocationState::Offered);
        status.other_queues = vec!["February 2027 · Thursday evenings".into()];
        // 4:30pm UTC on 3 July 2027 is 5:30pm in UK summer time.
        let until = Utc.with_ymd_and_hms(2027, 7, 3, 16, 30, 0).unwrap();
        let facts = Facts { cohort_id: Some(3), until: Some(until), ..Facts::default() };
        let cohort = cohort();
        let m = compose(&letter(MessageKind::Offer, &facts, &status, Some(&cohort)), &Settings::default());
        assert_eq!(m.subject, "Compassionate leadership course: a place is offered to you");
        assert!(flat(&m.text).contains("until Saturday 3 July 2027 at 5:30pm"), "{}", m.text);
        assert!(m.text.contains(&format!("/status/{}/accept", "a".repeat(48))));
        assert!(m.text.contains(&format!("/status/{}/decline", "a".repeat(48))));
        assert!(flat(&m.text).contains("you stay on the waiting list for February 2027 · Thursday evenings"));
    }

    #[test]
    fn a_lapsed_offer_says_where_they_still_wait_or_that_the_application_ended() {
        let mut waiting = status(AllocationState::Waiting);
        waiting.positions = vec![QueuePosition { cohort_id: 4, cohort_name: "February 2027".into(), position: 2 }];
        let facts = Facts { cohort_id: Some(3), ..Facts::default() };
        let m = compose(&letter(MessageKind::OfferLapsed, &facts, &waiting, None), &Settings::default());
        assert!(flat(&m.text).contains("You are number 2 on the waiting list for February 2027."));
        let ended = status(AllocationState::Expired);
        let m = compose(&letter(MessageKind::OfferLapsed, &facts, &ended, None), &Settings::default());
        assert!(flat(&m.text).contains("your application has now ended"));
    }

    #[test]
    fn only_the_kinds_that_tell_queue_places_change_with_the_positions() {
        let mut waiting = status(AllocationState::Waiting);
        let facts = Facts { cohort_id: Some(3), position: Some(7), outcome: Some("waiting".into()), ..Facts::default() };
        let without = MessageKind::ALL.map(|kind| compose(&letter(kind, &facts, &waiting, None), &Settings::default()).text);
        waiting.positions = vec![QueuePosition { cohort_id: 4, cohort_name: "February 2027".into(), position: 2 }];
        for (kind, before) in MessageKind::ALL.into_iter().zip(without) {
            let after = compose(&letter(kind, &facts, &waiting, None), &Settings::default()).text;
            assert_eq!(after != before, tells_queue_places(kind), "{kind:?}");
        }
    }

    #[test]
    fn the_subject_holds_nothing_personal_and_the_html_escapes_what_people_typed() {
        let status = status(AllocationState::Withdrawn);
        let facts = Facts::default();
        let m = compose(&letter(MessageKind::Withdrawn, &facts, &status, None), &Settings::default());
        assert_eq!(m.subject, "Compassionate leadership course: application withdrawn");
        assert!(!m.subject.contains("Sam") && !m.subject.contains("CL-7K3Q"));
        assert!(m.html.contains("Dear Sam &lt;Jones&gt;,"));
        assert!(!m.html.contains("<Jones>"));
        assert!(m.html.starts_with("<!DOCTYPE html>") && m.html.contains("<html lang=\"en-GB\">"));
        assert!(m.text.starts_with("Dear Sam <Jones>,"));
    }

    #[test]
    fn a_team_message_keeps_its_paragraphs() {
        let status = status(AllocationState::Allocated);
        let team = TeamMessage {
            subject: "joining details for 5 January".into(),
            body: "First line.\n\nSecond <b>line</b>.".into(),
        };
        let facts = Facts::default();
        let l = Letter {
            kind: MessageKind::TeamMessage,
            facts: &facts,
            status: &status,
            cohort: None,
            from_cohort: None,
            team: Some(&team),
        };
        let m = compose(&l, &Settings::default());
        assert_eq!(m.subject, "Compassionate leadership course: joining details for 5 January");
        assert!(m.html.contains("<p>First line.</p>") && m.html.contains("<p>Second &lt;b&gt;line&lt;/b&gt;.</p>"));
    }

    #[test]
    fn plain_text_lines_are_wrapped_at_72_columns() {
        let status = status(AllocationState::AwaitingAttendance);
        let facts = Facts::default();
        let m = compose(&letter(MessageKind::Received, &facts, &status, None), &Settings::default());
        assert!(m.text.lines().filter(|l| !l.starts_with("http")).all(|l| l.chars().count() <= 72), "{}", m.text);
    }
}
