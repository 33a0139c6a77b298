//! What every submission reads before it reaches the writer — the joining form's options and
//! the session its attendance code names — kept in this server's memory while nothing has
//! changed: an entry is used only while the store's change counter (which on PostgreSQL also
//! ticks for every other instance's change) stands where it stood when the entry was read.
//! During a rush of applications that saves the database a read or two per submission.
//!
//! A copy can be as old as the last change this instance has heard of, no older; the writer
//! checks the cohorts and the code again as it stores an application, so a copy read just
//! before a change can never place anyone by a rule that no longer holds.

use crate::domain::application::FormOptions;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

/// A code's session, as read: its start, its end and whether it was cancelled.
pub type CodeSession = Option<(DateTime<Utc>, DateTime<Utc>, bool)>;

/// Most codes kept at once; more (a run of wrong guesses) and the copies start again.
const MAX_CODES: usize = 1024;

/// The copies, and the change counter they follow.
#[derive(Clone, Debug)]
pub struct FormChecks {
    changes: watch::Receiver<u64>,
    kept: Arc<Mutex<Kept>>,
}

/// Copies read at change count `version`.
#[derive(Debug, Default)]
struct Kept {
    version: u64,
    /// The options for sessions that started before the given time.
    options: Option<(DateTime<Utc>, FormOptions)>,
    codes: HashMap<String, CodeSession>,
}

impl FormChecks {
    /// Copies that follow `changes` (the store's change counter).
    pub fn new(changes: watch::Receiver<u64>) -> Self {
        Self { changes, kept: Arc::default() }
    }

    /// The change count now: read it before reading the database, and keep what is read
    /// under it.
    pub fn version(&self) -> u64 {
        *self.changes.borrow()
    }

    /// The kept options for sessions before `until`, if they are current.
    pub fn options(&self, until: DateTime<Utc>) -> Option<FormOptions> {
        let kept = self.current()?;
        kept.options.as_ref().filter(|(at, _)| *at == until).map(|(_, options)| options.clone())
    }

    /// Keeps `options`, read at `version`.
    pub fn keep_options(&self, version: u64, until: DateTime<Utc>, options: &FormOptions) {
        self.keep(version, |kept| kept.options = Some((until, options.clone())));
    }

    /// The kept session of the code with this key, if it is current.
    pub fn code(&self, code_key: &str) -> Option<CodeSession> {
        self.current()?.codes.get(code_key).copied()
    }

    /// Keeps the session of the code with this key, read at `version`.
    pub fn keep_code(&self, version: u64, code_key: &str, session: CodeSession) {
        self.keep(version, |kept| {
            if kept.codes.len() >= MAX_CODES {
                kept.codes.clear();
            }
            kept.codes.insert(code_key.to_string(), session);
        });
    }

    /// The copies, when nothing has changed since they were read.
    fn current(&self) -> Option<std::sync::MutexGuard<'_, Kept>> {
        let version = self.version();
        self.kept.lock().ok().filter(|kept| kept.version == version)
    }

    /// Applies `put` to the copies read at `version`: to fresh ones if the kept ones are
    /// older; not at all if a change came before the read ended (the next read keeps it).
    fn keep(&self, version: u64, put: impl FnOnce(&mut Kept)) {
        let Ok(mut kept) = self.kept.lock() else { return };
        if version != self.version() {
            return;
        }
        if kept.version != version {
            *kept = Kept { version, ..Kept::default() };
        }
        put(&mut kept);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(id: i64) -> FormOptions {
        FormOptions { open_cohort_ids: vec![id], attended_taster_ids: vec![] }
    }

    #[test]
    fn a_copy_is_used_until_the_next_change() {
        let (tick, changes) = watch::channel(0u64);
        let checks = FormChecks::new(changes);
        let until = Utc::now();
        assert_eq!(checks.options(until), None);
        checks.keep_options(checks.version(), until, &options(1));
        checks.keep_code(checks.version(), "abc", Some((until, until, false)));
        assert_eq!(checks.options(until), Some(options(1)));
        assert_eq!(checks.options(until + chrono::Duration::days(1)), None, "another day's options");
        assert_eq!(checks.code("abc"), Some(Some((until, until, false))));
        assert_eq!(checks.code("xyz"), None);
        tick.send_modify(|n| *n += 1);
        assert_eq!(checks.options(until), None);
        assert_eq!(checks.code("abc"), None);
    }

    #[test]
    fn what_was_read_before_a_change_is_not_kept_after_it() {
        let (tick, changes) = watch::channel(0u64);
        let checks = FormChecks::new(changes);
        let until = Utc::now();
        let version = checks.version();
        tick.send_modify(|n| *n += 1);
        checks.keep_options(version, until, &options(1));
        checks.keep_code(version, "abc", None);
        assert_eq!(checks.options(until), None);
        assert_eq!(checks.code("abc"), None);
    }

    #[test]
    fn a_run_of_unknown_codes_starts_the_copies_again() {
        let (_tick, changes) = watch::channel(0u64);
        let checks = FormChecks::new(changes);
        for n in 0..=MAX_CODES {
            checks.keep_code(0, &n.to_string(), None);
        }
        assert_eq!(checks.code("0"), None);
        assert_eq!(checks.code(&MAX_CODES.to_string()), Some(None));
    }
}
