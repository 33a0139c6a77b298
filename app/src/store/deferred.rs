//! New applications a writer batch stores together, on PostgreSQL.
//!
//! In a rush of submissions nearly every step of a batch only adds an application (with its
//! attendance by code, its events and its emails), and one statement a step is one round trip
//! to the database while every instance's writer waits for the lock. So a PostgreSQL batch
//! that runs without savepoints (`writer.rs`) keeps each new application here instead of
//! sending it, and sends everything it keeps as one statement (arrays, one `unnest` a table)
//! before the batch's next statement of any kind and before its commit. Every read therefore
//! sees every earlier write, as if each had been sent at once.
//!
//! A step answers as if its application were stored. If the statement is refused (an email
//! key already in use), or stores fewer applications than it was given, the refusal sticks:
//! the batch is rolled back and runs again with a savepoint per step, where nothing is kept
//! and each step hears its own refusal. References cannot refuse it: the batch gives out only
//! references checked unused, each once (`take_reference`).

use super::db::Arg;
use sqlx::postgres::PgConnection;
use std::collections::HashSet;

/// Rows kept for one table: a column of values each, all of one type.
#[derive(Clone, Debug, Default)]
struct Table {
    columns: Vec<Vec<Arg>>,
}

impl Table {
    fn push(&mut self, row: Vec<Arg>) {
        self.columns.resize_with(row.len(), Vec::new);
        for (column, value) in self.columns.iter_mut().zip(row) {
            column.push(value);
        }
    }

    fn rows(&self) -> usize {
        self.columns.first().map_or(0, Vec::len)
    }

    /// `unnest($n, $n+1, …)` over this table's columns as arrays, numbered from `args.len() + 1`.
    fn unnest(&mut self, args: &mut Vec<Arg>) -> Result<String, sqlx::Error> {
        let mut names = Vec::new();
        for column in std::mem::take(&mut self.columns) {
            args.push(Arg::list(column).ok_or_else(|| sqlx::Error::Protocol("a kept column mixes types".into()))?);
            names.push(format!("${}", args.len()));
        }
        Ok(format!("unnest({})", names.join(", ")))
    }
}

/// What a batch keeps to store in one statement, and whether storing it was refused.
#[derive(Clone, Debug, Default)]
pub struct Deferred {
    keeping: bool,
    refused: bool,
    /// In the order of `insert_application`'s parameters `$1`..`$19`.
    applications: Table,
    /// taster_session_id, application_id, source, attendee_name, attendee_email, confirmed_at.
    attendance: Table,
    /// In the order of `EVENT_INSERT`'s columns.
    events: Table,
    /// In the order of `OUTBOX_INSERT`'s columns.
    emails: Table,
    /// References checked unused in the database and not yet given out.
    unused_references: Vec<String>,
    /// References given out in this batch: kept rows are not in the database yet, so a check
    /// there cannot see them.
    given_references: HashSet<String>,
}

/// An application and what is written with it, each row's values in its table's order.
pub struct Kept {
    pub application: Vec<Arg>,
    pub attendance: Option<Vec<Arg>>,
    pub events: Vec<Vec<Arg>>,
    pub emails: Vec<Vec<Arg>>,
}

impl Deferred {
    /// Keeps new applications until the batch's next statement (the writer's choice).
    pub fn keeping() -> Self {
        Self { keeping: true, ..Self::default() }
    }

    /// Whether new applications are kept here rather than sent.
    pub fn is_keeping(&self) -> bool {
        self.keeping
    }

    /// Whether storing what was kept was refused: the batch must run again with savepoints.
    pub fn refused(&self) -> bool {
        self.refused
    }

    /// A reference checked unused ([`Deferred::add_unused_references`]), if one is left.
    pub fn take_reference(&mut self) -> Option<String> {
        let reference = self.unused_references.pop()?;
        self.given_references.insert(reference.clone());
        Some(reference)
    }

    /// The `fresh` references to check, less any given out in this batch and any repeated.
    pub fn reference_candidates(&self, fresh: impl Iterator<Item = String>) -> Vec<String> {
        let mut candidates: Vec<String> = Vec::new();
        for reference in fresh {
            if !self.given_references.contains(&reference) && !candidates.contains(&reference) {
                candidates.push(reference);
            }
        }
        candidates
    }

    /// References found unused, to give out.
    pub fn add_unused_references(&mut self, references: Vec<String>) {
        self.unused_references.extend(references);
    }

    /// Keeps one application and what is written with it.
    pub fn keep(&mut self, kept: Kept) {
        self.applications.push(kept.application);
        if let Some(row) = kept.attendance {
            self.attendance.push(row);
        }
        for row in kept.events {
            self.events.push(row);
        }
        for row in kept.emails {
            self.emails.push(row);
        }
    }

    /// Sends everything kept as one statement (nothing when nothing is kept).
    pub async fn store(&mut self, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        if self.refused {
            return Err(refusal());
        }
        let expected = self.applications.rows();
        if expected == 0 {
            return Ok(());
        }
        let stored = match self.statement() {
            Ok((text, args)) => match super::db::pg_args(args) {
                Ok(args) => sqlx::query_scalar_with::<_, i64, _>(sqlx::AssertSqlSafe(text), args).fetch_one(&mut *conn).await,
                Err(error) => Err(error),
            },
            Err(error) => Err(error),
        };
        match stored {
            Ok(count) if count as usize == expected => Ok(()),
            Ok(count) => {
                tracing::debug!(expected, count, "a kept application's reference was in use; the batch runs again");
                self.refused = true;
                Err(refusal())
            }
            Err(error) => {
                tracing::debug!(%error, "storing the batch's kept applications was refused; the batch runs again");
                self.refused = true;
                Err(refusal())
            }
        }
    }

    /// The statement that stores what is kept, and its values; takes what is kept. Columns
    /// are named as `insert_application`'s parameters are numbered; the attendance, events
    /// and emails name applications of this statement, so their foreign keys are checked
    /// against it at its end.
    fn statement(&mut self) -> Result<(String, Vec<Arg>), sqlx::Error> {
        let mut args = Vec::new();
        let applications = self.applications.unnest(&mut args)?;
        let mut parts = vec![format!(
            "inserted AS (
                INSERT INTO application
                    (reference, status_token, intake, name, email, email_key, job_title, employer, nurse_advocate,
                     taster_session_id, any_cohort, access_needs, consent_at, privacy_notice_version, submitted_at,
                     eligible_at, state, cohort_id, offer_expires_at, updated_at, id)
                SELECT reference, status_token, intake, name, email, email_key, job_title, employer, nurse_advocate,
                       taster_session_id, any_cohort, access_needs, submitted_at, privacy_notice_version, submitted_at,
                       eligible_at, state, cohort_id, offer_expires_at, submitted_at, id
                FROM {applications} AS a(reference, status_token, intake, name, email, email_key, job_title, employer,
                     nurse_advocate, taster_session_id, any_cohort, access_needs, submitted_at, privacy_notice_version,
                     eligible_at, state, cohort_id, offer_expires_at, id)
                ON CONFLICT (reference) DO NOTHING
                RETURNING id)"
        )];
        if self.attendance.rows() > 0 {
            let rows = self.attendance.unnest(&mut args)?;
            parts.push(format!(
                "attended AS (INSERT INTO attendance (taster_session_id, application_id, source, attendee_name,
                                                     attendee_email, confirmed_at)
                              SELECT * FROM {rows})"
            ));
        }
        // Events and emails keep their order: event ids are the order of record.
        if self.events.rows() > 0 {
            let rows = self.events.unnest(&mut args)?;
            parts.push(format!(
                "recorded AS ({} SELECT at, kind, application_id, data
                              FROM {rows} WITH ORDINALITY AS e(at, kind, application_id, data, n) ORDER BY n)",
                super::rows::EVENT_INSERT
            ));
        }
        if self.emails.rows() > 0 {
            let rows = self.emails.unnest(&mut args)?;
            parts.push(format!(
                "queued AS ({} SELECT queued_at, application_id, kind, facts, once_key
                            FROM {rows} WITH ORDINALITY AS m(queued_at, application_id, kind, facts, once_key, n)
                            ORDER BY n ON CONFLICT DO NOTHING)",
                super::rows::OUTBOX_INSERT
            ));
        }
        Ok((format!("WITH {} SELECT count(*) FROM inserted", parts.join(",\n")), args))
    }
}

/// What every statement of a batch whose kept applications were refused hears.
fn refusal() -> sqlx::Error {
    sqlx::Error::Protocol("the batch's new applications were refused; it runs again step by step".into())
}

#[cfg(test)]
mod tests {
    use super::Deferred;

    fn fresh(references: &[&str]) -> impl Iterator<Item = String> {
        references.iter().map(|r| r.to_string()).collect::<Vec<_>>().into_iter()
    }

    #[test]
    fn a_reference_is_given_out_once_in_a_batch_and_never_offered_again() {
        let mut kept = Deferred::keeping();
        assert_eq!(kept.take_reference(), None, "nothing checked yet");
        kept.add_unused_references(kept.reference_candidates(fresh(&["CL-AAAA", "CL-BBBB", "CL-AAAA"])));
        let given = [kept.take_reference(), kept.take_reference(), kept.take_reference()];
        assert_eq!(given, [Some("CL-BBBB".to_string()), Some("CL-AAAA".to_string()), None], "the repeat was dropped");
        assert_eq!(kept.reference_candidates(fresh(&["CL-AAAA", "CL-CCCC", "CL-BBBB"])), ["CL-CCCC"]);
    }
}
