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
//! the server (an older commit's, to compare).

mod bench;

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::Semaphore;

const CODE: &str = "race42";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let option = |name: &str| raw.iter().position(|a| a == name).and_then(|i| raw.get(i + 1)).cloned();
    let database = option("--database");
    let program = option("--server").unwrap_or_else(|| "target/release/server".into());
    let instances: usize = option("--instances").and_then(|n| n.parse().ok()).unwrap_or(1).max(1);
    let numbers: Vec<usize> = raw
        .iter()
        .enumerate()
        .filter(|(i, _)| *i == 0 || !matches!(raw[i - 1].as_str(), "--database" | "--instances" | "--server"))
        .filter_map(|(_, a)| a.parse().ok())
        .collect();
    let applicants = numbers.first().copied().unwrap_or(2000);
    let concurrency = numbers.get(1).copied().unwrap_or(200);
    let places = numbers.get(2).copied().unwrap_or(20) as i64;

    let url = match database {
        Some(url) => url,
        None => {
            let dir = std::path::Path::new("bench/.run");
            std::fs::create_dir_all(dir)?;
            let db = dir.join("join-race.db");
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
            }
            format!("sqlite://{}", db.display())
        }
    };
    bench::seed(&url, "Race cohort", places, CODE).await?;

    let mut servers = Vec::new();
    let mut bases = Vec::new();
    let client = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build()?;
    for n in 0..instances {
        let port = 3300 + n;
        servers.push(
            Command::new(&program)
                .env("DATABASE_URL", &url)
                .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
                .env("RUST_LOG", std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()))
                .stdout(Stdio::null())
                .spawn()?,
        );
        let base = format!("http://127.0.0.1:{port}");
        bench::wait_healthy(&client, &base).await?;
        bases.push(base);
    }
    let backend = if url.starts_with("sqlite") { "SQLite" } else { "PostgreSQL" };
    println!(
        "join race: {applicants} eligible applicants, {concurrency} at a time, {places} places; \
         {backend}, {instances} instance(s)"
    );
    let gate = Arc::new(Semaphore::new(concurrency));
    let started = Instant::now();
    let tasks: Vec<_> = (0..applicants)
        .map(|i| {
            let (client, base, gate) = (client.clone(), bases[i % bases.len()].clone(), gate.clone());
            tokio::spawn(async move {
                let _permit = gate.acquire_owned().await.expect("semaphore");
                let body = serde_json::json!({
                    "name": format!("Nurse {i}"),
                    "email": format!("nurse{i}@race.nhs.net"),
                    "job_title": "Staff nurse",
                    "employer": "A trust",
                    "nurse_advocate": "yes",
                    "attendance_code": CODE,
                    "cohort_preferences": [],
                    "consent": true
                });
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

    let mut latencies: Vec<f64> = answers.iter().map(|a| a.2.as_secs_f64() * 1000.0).collect();
    latencies.sort_by(f64::total_cmp);
    let pct =
        |p: f64| latencies[((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1).min(latencies.len() - 1)];
    let failures = answers.iter().filter(|a| a.0 != 201).count();
    println!("joins/s: {:.0}", applicants as f64 / elapsed.as_secs_f64());
    println!("latency ms: p50 {:.1}, p99 {:.1}, max {:.1}", pct(0.50), pct(0.99), latencies[latencies.len() - 1]);
    println!("non-201 answers: {failures}");

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

    let cpu: Option<f64> = servers.iter().map(|s| cpu_seconds(s.id())).sum();
    if let Some(cpu) = cpu {
        println!("server CPU time during the run and checks (all instances): {cpu:.2} s");
    }
    for mut server in servers {
        let _ = server.kill();
        let _ = server.wait();
    }
    let ok = failures == 0
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

/// User + system CPU seconds a process has used so far (Linux /proc).
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit(')').next()?.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}
