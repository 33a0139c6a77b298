//! The join race benchmark (bench/README.md): many eligible applicants at once for a few
//! places, through the JSON API of the real release server on 127.0.0.1.
//!
//!     cargo run --release -p server --example join_race -- [applicants] [concurrency] [places]
//!         [--database URL] [--instances N] [--server PATH]
//!
//! It seeds a fresh database (one open cohort, one taster session with a known attendance
//! code): a new SQLite file by default, or the empty database at `--database` (a PostgreSQL
//! URL; bench/join-race.sh makes it). It starts `N` instances of `target/release/server` on it
//! (default 1), sends the applications to them in turn with at most `concurrency` in flight,
//! then checks the outcome: exactly `places` allocated, everyone else waiting with positions
//! 1..n in the order they joined. Defaults: 2000, 200, 20. `--server` runs another build of
//! the server (an older commit's, to compare). With `JOIN_RACE_SMTP_DIR` set (and the servers'
//! `ENROL_SMTP_URL` pointing at the SMTP server writing there), it also waits until every
//! applicant's email has arrived, and says how long after the race that was.

mod bench;

use std::sync::Arc;
use std::time::Instant;
use tokio::sync::Semaphore;

const CODE: &str = "race42";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let options = bench::Options::from_args();
    let applicants = options.number(0, 2000);
    let concurrency = options.number(1, 200);
    let places = options.number(2, 20) as i64;
    let url = options.database_url("join-race")?;
    bench::seed(&url, "Race cohort", places, CODE).await?;
    let client = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build()?;
    let (servers, bases) = bench::start_servers(&options, &url, 3300, &client).await?;
    let (backend, instances) = (bench::backend(&url), options.instances);
    println!(
        "join race: {applicants} eligible applicants, {concurrency} at a time, {places} places; \
         {backend}, {instances} instance(s)"
    );
    // CPU time of each part during the race: this load generator, the app servers and, when
    // it runs on this machine, PostgreSQL (all its processes).
    let postgres = bench::process::postgres_server_pid(&url).await;
    let cpu_parts = || {
        let servers: Option<f64> = servers.iter().map(|s| bench::process::cpu_seconds(s.id())).sum();
        [bench::process::cpu_seconds(std::process::id()), servers, postgres.and_then(bench::process::tree_cpu_seconds)]
    };
    let cpu_before = cpu_parts();
    let machine_before = bench::process::machine_cpu_seconds();
    let gate = Arc::new(Semaphore::new(concurrency));
    let started = Instant::now();
    let tasks: Vec<_> = (0..applicants)
        .map(|i| {
            let (client, base, gate) = (client.clone(), bases[i % bases.len()].clone(), gate.clone());
            tokio::spawn(async move {
                let _permit = gate.acquire_owned().await.expect("semaphore");
                let body = bench::application(&i.to_string(), "race.nhs.net", CODE, &[]);
                let sent = Instant::now();
                let res = client.post(format!("{base}/api/v1/applications")).json(&body).send().await;
                let latency = sent.elapsed();
                match res {
                    Ok(res) => {
                        let status = res.status().as_u16();
                        let json: serde_json::Value = res.json().await.unwrap_or_default();
                        (status, json, latency)
                    }
                    Err(_) => (0, serde_json::Value::Null, latency),
                }
            })
        })
        .collect();
    let mut answers = Vec::with_capacity(applicants);
    for task in tasks {
        answers.push(task.await?);
    }
    let elapsed = started.elapsed();
    let cpu_race: Vec<Option<f64>> =
        cpu_parts().into_iter().zip(cpu_before).map(|(after, before)| Some(after? - before?)).collect();
    let machine = bench::process::machine_cpu_seconds().zip(machine_before).map(|(a, b)| (a.0 - b.0, a.1 - b.1));
    // With email on (JOIN_RACE_SMTP_DIR names the folder the bench's SMTP server writes to):
    // how long until every applicant's email has been delivered.
    let mut emails_ok = true;
    if let Ok(folder) = std::env::var("JOIN_RACE_SMTP_DIR") {
        let count = || std::fs::read_dir(&folder).map(|d| d.filter_map(Result::ok).filter(|e| e.path().extension().is_some_and(|x| x == "eml")).count()).unwrap_or(0);
        let deadline = Instant::now() + std::time::Duration::from_secs(180);
        while count() < applicants && Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let delivered = count();
        let drained = started.elapsed().as_secs_f64() - elapsed.as_secs_f64();
        println!("emails delivered over SMTP: {delivered} of {applicants}, the last {drained:.1} s after the race ended");
        emails_ok = delivered == applicants;
    }

    let latencies: Vec<f64> = answers.iter().map(|a| a.2.as_secs_f64() * 1000.0).collect();
    let failures = answers.iter().filter(|a| a.0 != 201).count();
    println!("joins/s: {:.0}", applicants as f64 / elapsed.as_secs_f64());
    println!("latency ms: {}", spread(latencies.clone()));
    // The first wave arrives all at once, on new connections; the rest is the steady state.
    if applicants > 2 * concurrency {
        let (first, rest) = latencies.split_at(concurrency);
        println!("latency ms, first {concurrency} sent: {}; the rest: {}", spread(first.to_vec()), spread(rest.to_vec()));
    }
    println!("non-201 answers: {failures}");
    // CPU milliseconds a join during the race: each part's own, and the whole machine's
    // (everything that ran, kernel work on the loopback included). With every core busy, the
    // machine's figure bounds the rate.
    let per_join = |seconds: f64| seconds * 1000.0 / applicants as f64;
    let part = |n: usize| cpu_race[n].map_or("?".to_string(), |s| format!("{:.2}", per_join(s)));
    if let Some((busy, total)) = machine {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
        println!(
            "CPU ms a join: load generator {}, app servers {}, PostgreSQL {}; the machine {:.2} \
             ({:.0} % of {cores} cores busy): at most {:.0} joins/s with every core busy",
            part(0),
            part(1),
            part(2),
            per_join(busy),
            busy / total * 100.0,
            cores * 1000.0 / per_join(busy)
        );
    }

    // The outcome, read back after the race: final states and positions.
    let allocated = answers.iter().filter(|a| a.1["state"] == "allocated").count();
    let mut waiting: Vec<(i64, String)> = answers
        .iter()
        .filter(|a| a.1["state"] == "waiting")
        .map(|a| (a.1["position"].as_i64().unwrap_or(-1), a.1["status_token"].as_str().unwrap_or("").to_string()))
        .collect();
    waiting.sort();
    let positions_ok = waiting.iter().enumerate().all(|(i, (p, _))| *p == i as i64 + 1);
    let base = &bases[bases.len() - 1];
    let mut final_ok = true;
    for (position, token) in &waiting {
        let now: serde_json::Value =
            client.get(format!("{base}/api/v1/applications/{token}")).send().await?.json().await?;
        final_ok &= now["state"] == "waiting" && now["position"].as_i64() == Some(*position);
    }
    let cohorts: serde_json::Value = client.get(format!("{base}/api/v1/cohorts")).send().await?.json().await?;
    let remaining = cohorts[0]["places_remaining"].as_i64();
    println!(
        "allocated: {allocated} (expected {places}); waiting: {} with positions 1..{}: {positions_ok}",
        waiting.len(),
        waiting.len()
    );
    println!("positions unchanged when read back: {final_ok}; places remaining: {remaining:?}");

    let cpu: Option<f64> = servers.iter().map(|s| bench::process::cpu_seconds(s.id())).sum();
    if let Some(cpu) = cpu {
        println!("server CPU time during the run and checks (all instances): {cpu:.2} s");
    }
    for mut server in servers {
        let _ = server.kill();
        let _ = server.wait();
    }
    let ok = emails_ok
        && failures == 0
        && allocated as i64 == places
        && waiting.len() == applicants - places as usize
        && positions_ok
        && final_ok
        && remaining == Some(0);
    println!("outcome: {}", if ok { "CORRECT" } else { "WRONG" });
    if !ok {
        std::process::exit(1);
    }
    Ok(())
}

/// p50, p99 and the maximum of some latencies, as printed.
fn spread(mut latencies: Vec<f64>) -> String {
    latencies.sort_by(f64::total_cmp);
    let max = latencies.last().copied().unwrap_or(0.0);
    format!("p50 {:.1}, p99 {:.1}, max {max:.1}", bench::quantile(&latencies, 0.5), bench::quantile(&latencies, 0.99))
}
