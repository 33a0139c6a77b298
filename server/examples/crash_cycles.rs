//! Crash cycles (bench/README.md): a join race in progress, the release server killed with
//! SIGKILL at a random moment, the database checked, the server started again; many times.
//!
//!     cargo run --release -p server --example crash_cycles -- [cycles] [applicants] [concurrency]
//!         [places] [--database URL] [--server PATH]
//!
//! Each cycle adds an open cohort of `places` places while the server is down, starts the server, sends `applicants` eligible applications for that cohort with at
//! most `concurrency` in flight, and kills the server with SIGKILL somewhere between its first
//! answer and a little after the race would end. Then, with the server down, it opens the
//! database as a restarted server would and checks:
//!
//! - every application that was answered 201 in the cycle is there with the reference, state,
//!   cohort and waiting position it was told, and has its "application received" email in
//!   the outbox (and after the last cycle, every one of every cycle again);
//! - the allocation rules hold (`Store::rule_breaches`: counters, capacity, no free place while
//!   someone waits, queues in `eligible_at` order);
//! - the database's own check (`PRAGMA integrity_check` on SQLite) says ok.
//!
//! An answer other than 201 (a 5xx, say) is a failure too; a request cut off by the kill is
//! not an answer. Defaults: 100 cycles, 300 applicants, 50 at a time, 10 places. The database
//! is a new SQLite file, or the empty PostgreSQL database at `--database`.

mod bench;

use app::models::MessageKind;
use app::store::Store;
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

const CODE: &str = "crash42";
const PORT: usize = 3400;

/// What an applicant was told in a 201 answer.
struct Told {
    cycle: usize,
    token: String,
    reference: String,
    state: String,
    position: Option<i64>,
    cohort: i64,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let options = bench::Options::from_args();
    let cycles = options.number(0, 100);
    let applicants = options.number(1, 300);
    let concurrency = options.number(2, 50);
    let places = options.number(3, 10) as i64;
    let url = options.database_url("crash-cycles")?;
    let backend = bench::backend(&url);
    println!(
        "crash cycles: {cycles} cycles of {applicants} applicants ({concurrency} at a time) for {places} places; {backend}"
    );
    let first_cohort = bench::seed(&url, "Crash cycle 0", places, CODE).await?;
    let client = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build()?;
    let mut told: Vec<Told> = Vec::new();
    let mut failures = 0;
    let started = Instant::now();
    for cycle in 0..cycles {
        // The first cohort came with the seed; each later cycle adds its own while the server is down.
        let cohort = if cycle == 0 {
            first_cohort
        } else {
            let store = Store::open(&url).await?;
            let id = bench::add_cohort(&store, &format!("Crash cycle {cycle}"), "bench", places).await?;
            store.close().await;
            id
        };
        let (mut servers, bases) = bench::start_servers(&options, &url, PORT, &client).await?;
        let base = bases[0].clone();
        let gate = Arc::new(Semaphore::new(concurrency));
        let tasks: Vec<_> = (0..applicants)
            .map(|i| {
                let (client, base, gate) = (client.clone(), base.clone(), gate.clone());
                tokio::spawn(async move {
                    let _permit = gate.acquire_owned().await.expect("semaphore");
                    let body = bench::application(&format!("{cycle}-{i}"), "crash.nhs.net", CODE, &[cohort]);
                    let res = client.post(format!("{base}/api/v1/applications")).json(&body).send().await.ok()?;
                    let status = res.status().as_u16();
                    // A body cut off by the kill is no answer either.
                    let json: serde_json::Value = res.json().await.ok()?;
                    Some((status, json))
                })
            })
            .collect();
        // Somewhere in the race, or a little after it (a join takes about 0.3 ms on SQLite,
        // 1 ms on PostgreSQL, at full speed).
        let crash_after = Duration::from_millis(random() % (applicants as u64 * 3 / 2 + 50));
        tokio::time::sleep(crash_after).await;
        for server in &mut servers {
            server.kill()?; // SIGKILL
            server.wait()?;
        }
        let mut acknowledged = 0;
        for task in tasks {
            match task.await? {
                Some((201, json)) => {
                    acknowledged += 1;
                    told.push(Told {
                        cycle,
                        token: json["status_token"].as_str().unwrap_or_default().to_string(),
                        reference: json["reference"].as_str().unwrap_or_default().to_string(),
                        state: json["state"].as_str().unwrap_or_default().to_string(),
                        position: json["position"].as_i64(),
                        cohort,
                    });
                }
                Some((status, json)) => {
                    failures += 1;
                    println!("cycle {cycle}: an answer {status}: {json}");
                }
                None => {}
            }
        }
        let problems = check(&url, &told, Some(cycle)).await?;
        println!(
            "cycle {cycle}: killed after {} ms, {acknowledged} acknowledged ({} in all): {}",
            crash_after.as_millis(),
            told.len(),
            if problems.is_empty() { "every check holds".to_string() } else { problems.join("; ") }
        );
        if !problems.is_empty() {
            failures += 1;
            break;
        }
    }
    // Every acknowledged application once more, after the last crash.
    let problems = check(&url, &told, None).await?;
    if !problems.is_empty() {
        failures += 1;
        println!("after the last cycle: {}", problems.join("; "));
    }
    println!(
        "{} acknowledged applications, each checked after its own crash and after the last, in {:.0} s",
        told.len(),
        started.elapsed().as_secs_f64()
    );
    println!("outcome: {}", if failures == 0 { "CORRECT" } else { "WRONG" });
    if failures > 0 {
        std::process::exit(1);
    }
    Ok(())
}

/// Opens the database as a restarted server would and lists every problem found: with the
/// applications told 201 in `cycle`, or in any cycle when it is none.
async fn check(url: &str, told: &[Told], cycle: Option<usize>) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let store = Store::open(url).await?;
    let mut problems = Vec::new();
    let integrity = store.integrity_check().await?;
    if integrity != "ok" {
        problems.push(format!("integrity check: {integrity}"));
    }
    problems.extend(store.rule_breaches().await?);
    for t in told.iter().filter(|t| cycle.is_none_or(|c| c == t.cycle)) {
        let status = match store.application_status(&t.token).await {
            Ok(status) => status,
            Err(error) => {
                problems.push(format!("{} (told in cycle {}) is gone: {error}", t.reference, t.cycle));
                continue;
            }
        };
        let outcome = status.outcome();
        let state = serde_json::to_value(outcome.state)?;
        if outcome.reference != t.reference
            || state != t.state.as_str()
            || outcome.position != t.position
            || outcome.cohort_id != Some(t.cohort)
        {
            problems.push(format!(
                "{} was told {} {:?} in cohort {}, now reads {} {state} {:?} in cohort {:?}",
                t.reference, t.state, t.position, t.cohort, outcome.reference, outcome.position, outcome.cohort_id
            ));
        }
        if cycle.is_some() {
            let id = store.application_id(&t.token).await?.unwrap_or_default();
            let emails = store.application_emails(id).await?;
            if !emails.iter().any(|e| e.kind == MessageKind::Received) {
                problems.push(format!("{} has no \"application received\" email in the outbox", t.reference));
            }
        }
    }
    store.close().await;
    Ok(problems)
}

/// A random number (each call a new random hash key of the standard library's).
fn random() -> u64 {
    std::collections::hash_map::RandomState::new().build_hasher().finish()
}
