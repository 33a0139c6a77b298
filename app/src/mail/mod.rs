//! Telling people what happened (DESIGN.md, "Telling people"; server only). The workflow
//! queues each email in the outbox in the same transaction as the change that sends it
//! (`workflow/messages.rs`); here a message is put into words (`compose.rs`), given the
//! cohort's meetings as a calendar file (`crate::calendar_files`), and delivered by a
//! background task (`sender.rs`) through a transport (`transport.rs`): SMTP when
//! `ENROL_SMTP_URL` is set, otherwise `.eml` files in `data/outbox/`.

pub mod compose;
pub mod sender;
pub mod transport;

use chrono::Duration;

/// What the emails need to know about the site, from the environment (README, "Email").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// `ENROL_MAIL_FROM`: who the emails come from, e.g. `Compassionate leadership <course@trust.nhs.uk>`.
    pub from: String,
    /// `ENROL_PUBLIC_URL`: the site's address as applicants reach it; every link in an email
    /// starts with it.
    pub public_url: String,
    /// `ENROL_CONTACT_EMAIL`: the course team's address, for questions.
    pub contact_email: String,
    /// `ENROL_OFFER_REMINDER_HOURS`: how long before an offer lapses its reminder goes.
    pub reminder_before: Duration,
    /// Rule 4's window: how long an offered place is held.
    pub offer_window: Duration,
    /// `ENROL_ORGANISATION`: who runs the course and controls applicants' data.
    pub organisation: String,
    /// Where emails are written as files, when they are (so erasure can delete them too).
    pub outbox_dir: Option<std::path::PathBuf>,
    /// `ENROL_PARENT_URL`: the provider's page the course page links back to ("Mindfulness-based
    /// courses for nurse advocates"), if any.
    pub parent_url: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            from: "Compassionate leadership course <course@enrol.example.nhs.uk>".into(),
            public_url: "http://127.0.0.1:3000".into(),
            contact_email: "course@enrol.example.nhs.uk".into(),
            reminder_before: Duration::hours(12),
            offer_window: Duration::hours(crate::domain::allocation::DEFAULT_OFFER_WINDOW_HOURS),
            organisation: "The Compassionate leadership course team".into(),
            outbox_dir: None,
            parent_url: None,
        }
    }
}

impl Settings {
    /// An absolute link to `path` on the site.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.public_url.trim_end_matches('/'))
    }
}
