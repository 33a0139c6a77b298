//! The allocation rules, read back from what is stored: for the model test, the crash cycles
//! (bench/crash-cycles.sh) and anyone who wants to know that a database copy is sound. Nothing
//! here changes anything; each breach comes back as a sentence.

use super::db::{sql, sql_assembled};
use super::Store;
use crate::errors::AppError;

/// The SQL of "waits for cohort $1": waiting, chose it (or any cohort), has not left its queue.
const WAITS_FOR: &str = "a.state = 'waiting' AND (a.any_cohort OR EXISTS (
         SELECT 1 FROM application_choice ch WHERE ch.application_id = a.id AND ch.cohort_id = $1))
     AND NOT EXISTS (SELECT 1 FROM application_left_queue l WHERE l.application_id = a.id AND l.cohort_id = $1)";

impl Store {
    /// Every breach of DESIGN.md's allocation rules in the stored data, for every cohort: the
    /// place counters agree with the applications; allocated + offered ≤ capacity; no open
    /// cohort has a free place while someone waits for it; each waiting list, read in
    /// `eligible_at` order, is numbered 1, 2, 3… in that order (every entry of a list of up to
    /// 200, the first and last 100 of a longer one). Empty when all hold.
    pub async fn rule_breaches(&self) -> Result<Vec<String>, AppError> {
        let mut breaches = Vec::new();
        let cohorts: Vec<(i64, i64, i64, i64, String)> =
            sql("SELECT id, capacity, allocated_count, offered_count, status FROM cohort ORDER BY id")
                .fetch_all(&self.db)
                .await?;
        for (cohort, capacity, allocated_count, offered_count, status) in cohorts {
            let (allocated, offered): (i64, i64) = sql(
                "SELECT count(*) FILTER (WHERE state = 'allocated'), count(*) FILTER (WHERE state = 'offered')
                 FROM application WHERE cohort_id = $1",
            )
            .bind(cohort)
            .fetch_one(&self.db)
            .await?;
            if (allocated, offered) != (allocated_count, offered_count) {
                breaches.push(format!(
                    "cohort {cohort}: counters say {allocated_count} allocated and {offered_count} offered, \
                     the applications {allocated} and {offered}"
                ));
            }
            if allocated + offered > capacity {
                breaches.push(format!("cohort {cohort}: {allocated} allocated + {offered} offered > capacity {capacity}"));
            }
            if status != "open" {
                continue;
            }
            let queue: Vec<String> = sql_assembled(format!(
                "SELECT a.status_token FROM application a WHERE {WAITS_FOR} ORDER BY a.eligible_at, a.id"
            ))
            .bind(cohort)
            .scalars(&self.db)
            .await?;
            if allocated + offered < capacity && !queue.is_empty() {
                breaches.push(format!(
                    "cohort {cohort}: {} free place(s) while {} wait for it",
                    capacity - allocated - offered,
                    queue.len()
                ));
            }
            let sampled = queue.iter().enumerate().filter(|(i, _)| queue.len() <= 200 || *i < 100 || *i >= queue.len() - 100);
            for (expected, token) in sampled {
                let status = self.application_status(token).await?;
                let position = status.positions.iter().find(|p| p.cohort_id == cohort).map(|p| p.position);
                if position != Some(expected as i64 + 1) {
                    breaches.push(format!(
                        "cohort {cohort}: application {} is number {} by eligible_at but shown at {position:?}",
                        status.reference,
                        expected + 1
                    ));
                }
            }
        }
        Ok(breaches)
    }

    /// The database's own consistency check: SQLite's `PRAGMA integrity_check` ("ok" when the
    /// file is sound); on PostgreSQL, which checks its pages as it reads them, "ok" when a
    /// full read of every application succeeds.
    pub async fn integrity_check(&self) -> Result<String, AppError> {
        match self.db.dialect() {
            super::db::Dialect::Sqlite => {
                let lines: Vec<String> = sql("PRAGMA integrity_check").scalars(&self.db).await?;
                Ok(lines.join("; "))
            }
            super::db::Dialect::Postgres => {
                sql("SELECT count(*) FROM application").scalar::<i64>(&self.db).await?;
                Ok("ok".into())
            }
        }
    }
}
