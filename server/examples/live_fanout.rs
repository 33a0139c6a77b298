//! The live counter benchmark (bench/README.md): thousands of open event streams on one
//! server, one allocation, and the time until every client has the new figure.
//!
//!     cargo run --release -p server --example live_fanout -- [clients]
//!
//! It seeds a fresh SQLite database, starts `target/release/server`, opens `clients` event
//! streams (default 5000) and waits until each has the current figures, reads the server's
//! memory (RSS), makes one allocation through the JSON API, and measures when each client
//! receives the new figure. Run it through bench/live-fanout.sh, which raises the open-files
//! limit first.

mod bench;

use futures::StreamExt;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{Barrier, Notify};

const CODE: &str = "fanout42";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let clients: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(5000);
    let port = 3301;
    let dir = std::path::Path::new("bench/.run");
    std::fs::create_dir_all(dir)?;
    let db = dir.join("live-fanout.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let url = format!("sqlite://{}", db.display());
    bench::seed(&url, "Fan-out cohort", 12, CODE).await?;

    let mut server = Command::new("target/release/server")
        .env("DATABASE_URL", &url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()?;
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder().pool_max_idle_per_host(0).build()?;
    bench::wait_healthy(&client, &base).await?;
    let rss_idle = rss_mib(server.id());

    println!("live fan-out: {clients} event-stream clients on 127.0.0.1:{port}");
    let connected = Arc::new(Barrier::new(clients + 1));
    let allocated = Arc::new(Notify::new());
    let start = Arc::new(std::sync::OnceLock::<Instant>::new());
    let opened = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (client, base, connected, start) = (client.clone(), base.clone(), connected.clone(), start.clone());
            tokio::spawn(async move {
                let mut stream = match client.get(format!("{base}/api/v1/events")).send().await {
                    Ok(res) => res.bytes_stream(),
                    Err(_) => {
                        connected.wait().await;
                        return None;
                    }
                };
                let mut seen_first = false;
                let mut text = String::new();
                while let Some(Ok(chunk)) = stream.next().await {
                    text.push_str(&String::from_utf8_lossy(&chunk));
                    if !seen_first && text.contains("\"places_remaining\":12") {
                        seen_first = true;
                        text.clear();
                        connected.wait().await;
                    } else if seen_first && text.contains("\"places_remaining\":11") {
                        return start.get().map(|t| t.elapsed());
                    }
                }
                None
            })
        })
        .collect();
    connected.wait().await;
    println!(
        "all {clients} streams connected and holding the current figure after {:.1} s",
        opened.elapsed().as_secs_f64()
    );
    let rss_connected = rss_mib(server.id());

    let _ = start.set(Instant::now());
    let body = serde_json::json!({
        "name": "Fan Out", "email": "fan.out@nhs.net", "job_title": "Nurse", "employer": "A trust",
        "nurse_advocate": "yes", "attendance_code": CODE, "cohort_preferences": [], "consent": true
    });
    let res = client.post(format!("{base}/api/v1/applications")).json(&body).send().await?;
    allocated.notify_waiters();
    println!(
        "allocation answered {} after {:.1} ms",
        res.status(),
        start.get().map(|t| t.elapsed().as_secs_f64() * 1000.0).unwrap_or(0.0)
    );

    let mut latencies = Vec::with_capacity(clients);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    for task in tasks {
        if let Ok(Ok(Some(latency))) = tokio::time::timeout_at(deadline, task).await {
            latencies.push(latency.as_secs_f64() * 1000.0);
        }
    }
    latencies.sort_by(f64::total_cmp);
    let received = latencies.len();
    let pct =
        |p: f64| latencies.get(((received as f64 * p).ceil() as usize).saturating_sub(1)).copied().unwrap_or(f64::NAN);
    println!("clients with the new figure: {received} of {clients}");
    println!(
        "time to new figure ms: p50 {:.0}, p99 {:.0}, max {:.0}",
        pct(0.5),
        pct(0.99),
        latencies.last().copied().unwrap_or(f64::NAN)
    );
    println!("server RSS MiB: idle {rss_idle:.1}, with {clients} clients {rss_connected:.1}");
    let _ = server.kill();
    let _ = server.wait();
    let ok = received == clients && latencies.last().is_some_and(|m| *m <= 1000.0) && rss_connected <= 150.0;
    println!("targets (all within 1 s, RSS ≤ 150 MB): {}", if ok { "MET" } else { "NOT MET" });
    if !ok {
        std::process::exit(1);
    }
    Ok(())
}

fn rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map(|kib| kib / 1024.0)
        .unwrap_or(f64::NAN)
}
