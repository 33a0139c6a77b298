//! The live counter benchmark (bench/README.md): thousands of open event streams on one
//! server, one allocation, and the time until every client has the new figure.
//!
//!     cargo run --release -p server --example live_fanout -- [clients] [--database URL] [--instances N]
//!
//! It seeds a fresh database (a new SQLite file, or the empty database at `--database`),
//! starts `N` instances of `target/release/server` on it (default 1), opens `clients` event
//! streams (default 5000) split between the instances and waits until each has the current
//! figures, reads the servers' memory (RSS), makes one allocation through the first instance's
//! JSON API, and measures when each client receives the new figure. Run it through
//! bench/live-fanout.sh, which raises the open-files limit first.

mod bench;

use futures::StreamExt;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{Barrier, Notify};

const CODE: &str = "fanout42";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let options = bench::Options::from_args();
    let clients = options.number(0, 5000);
    let url = options.database_url("live-fanout")?;
    bench::seed(&url, "Fan-out cohort", 12, CODE).await?;
    let client = reqwest::Client::builder().pool_max_idle_per_host(0).build()?;
    let (servers, bases) = bench::start_servers(&options, &url, 3301, &client).await?;
    let rss = |servers: &[std::process::Child]| servers.iter().map(|s| bench::process::rss_mib(s.id())).fold(0.0, f64::max);
    let rss_idle = rss(&servers);

    println!(
        "live fan-out: {clients} event-stream clients, {}, {} instance(s)",
        bench::backend(&url),
        servers.len()
    );
    let connected = Arc::new(Barrier::new(clients + 1));
    let allocated = Arc::new(Notify::new());
    let start = Arc::new(std::sync::OnceLock::<Instant>::new());
    let opened = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|i| {
            let base = bases[i % bases.len()].clone();
            let (client, connected, start) = (client.clone(), connected.clone(), start.clone());
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
    let rss_connected = rss(&servers);
    let base = &bases[0];

    let _ = start.set(Instant::now());
    let body = bench::application("fan-out", "nhs.net", CODE, &[]);
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
    println!("clients with the new figure: {received} of {clients}");
    println!(
        "time to new figure ms: p50 {:.0}, p99 {:.0}, max {:.0}",
        bench::quantile(&latencies, 0.5),
        bench::quantile(&latencies, 0.99),
        latencies.last().copied().unwrap_or(0.0)
    );
    println!("server RSS MiB (the largest instance): idle {rss_idle:.1}, with the clients {rss_connected:.1}");
    for mut server in servers {
        let _ = server.kill();
        let _ = server.wait();
    }
    let ok = received == clients && latencies.last().is_some_and(|m| *m <= 1000.0) && rss_connected <= 150.0;
    println!("targets (all within 1 s, RSS ≤ 150 MB): {}", if ok { "MET" } else { "NOT MET" });
    if !ok {
        std::process::exit(1);
    }
    Ok(())
}
