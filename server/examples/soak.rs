//! The soak (bench/README.md): a mixed load on the release server for a long while, to show
//! that memory and open files stay flat and latency stays steady.
//!
//!     cargo run --release -p server --example soak -- [minutes] [event streams] [requests/s]
//!         [in play] [--database URL]
//!
//! Defaults: 30 minutes, 300 open event streams, 100 requests a second, spread over: the
//! course page, the taster calendar and the joining form (page views), joins through the JSON
//! API, applicants' status pages, and a signed-in coordinator's dashboard and applications
//! list. Once `in play` applications (default 2,000; 0 for no limit) have joined and not
//! left, a join's turn withdraws the longest-standing one instead, as applicants leave while
//! others join: the queue stays near that size while the table of applications keeps growing. Every minute it prints the requests, the failures, p50 and p99 latency, and the
//! server's resident memory, open files and CPU time, and the p99 of each kind of request; at
//! the end, whether the last minutes match the first (memory within 25 % of minute 3's, open
//! files within 20, p99 within twice minute 3's or 50 ms more, no 5xx).

mod bench;

use futures::StreamExt;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CODE: &str = "soak42";
const PORT: usize = 3420;
const PASSWORD: &str = "a long soak password";

/// The kinds of request in the mix, as the per-minute table names them.
const KINDS: [&str; 5] = ["pages", "join", "withdraw", "status", "coordinator"];

/// What one minute saw: each request's kind (an index of `KINDS`) and milliseconds.
#[derive(Default)]
struct Window {
    latencies: Vec<(usize, f64)>,
    failures: usize,
    server_errors: usize,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let options = bench::Options::from_args();
    let minutes = options.number(0, 30) as u64;
    let streams = options.number(1, 300);
    let per_second = options.number(2, 100).max(1) as u64;
    let cap = options.number(3, 2000);
    let url = options.database_url("soak")?;
    bench::seed(&url, "Soak cohort", 40, CODE).await?;
    let store = app::store::Store::open(&url).await?;
    let email = "soak.coordinator@example.nhs.uk";
    store
        .create_coordinator(
            &app::store::NewCoordinator {
                email: email.into(),
                name: "Soak Coordinator".into(),
                role: app::models::Role::from_stored("coordinator"),
                password_hash: app::auth::password::hash_password(PASSWORD).map_err(|e| e.to_string())?,
                demo: false,
            },
            app::workflow::Actor::System,
        )
        .await?;
    store.close().await;

    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let (mut servers, bases) = bench::start_servers(&options, &url, PORT, &client).await?;
    let base = bases[0].clone();
    let pid = servers[0].id();
    let cookie = sign_in(&client, &base, email).await?;
    let in_play = if cap == 0 { "no limit".to_string() } else { cap.to_string() };
    println!(
        "soak: {minutes} min, {streams} event streams, {per_second} requests/s, applications in play: {in_play}; {}",
        bench::backend(&url)
    );

    // The event streams: each reads forever, and connects again if it is closed.
    let stream_client = reqwest::Client::builder().pool_max_idle_per_host(0).build()?;
    for _ in 0..streams {
        let (client, base) = (stream_client.clone(), base.clone());
        tokio::spawn(async move {
            loop {
                if let Ok(res) = client.get(format!("{base}/api/v1/events")).send().await {
                    let mut body = res.bytes_stream();
                    while let Some(Ok(_)) = body.next().await {}
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
    }

    let window = Arc::new(Mutex::new(Window::default()));
    let tokens = Arc::new(Mutex::new(VecDeque::<String>::new()));
    let started = Instant::now();
    let mut ticks = tokio::time::interval(Duration::from_nanos(1_000_000_000 / per_second));
    let mut next_report = started + Duration::from_secs(60);
    let mut sent: u64 = 0;
    // Each minute: (minute, RSS MiB, open files, p99 ms).
    let mut rows: Vec<(u64, f64, usize, f64)> = Vec::new();
    let mut any_server_error = false;
    println!(
        "minute  requests  failures  p50 ms  p99 ms  RSS MiB  open files  CPU s  p99 ms of: {}",
        KINDS.join(" / ")
    );
    while started.elapsed() < Duration::from_secs(minutes * 60) {
        ticks.tick().await;
        sent += 1;
        let (client, base, cookie) = (client.clone(), base.clone(), cookie.clone());
        let (seen, tokens) = (window.clone(), tokens.clone());
        tokio::spawn(async move {
            let at = Instant::now();
            let (kind, status) = one_request(sent, &client, &base, &cookie, &tokens, cap).await;
            let mut w = seen.lock().expect("window");
            w.latencies.push((kind, at.elapsed().as_secs_f64() * 1000.0));
            match status {
                Some(code) if code < 400 => {}
                Some(code) if code >= 500 => {
                    w.failures += 1;
                    w.server_errors += 1;
                }
                _ => w.failures += 1,
            }
        });
        if Instant::now() >= next_report {
            next_report += Duration::from_secs(60);
            let w = std::mem::take(&mut *window.lock().expect("window"));
            any_server_error |= w.server_errors > 0;
            let minute = started.elapsed().as_secs() / 60;
            let (rss, files) = (bench::process::rss_mib(pid), bench::process::open_files(pid));
            let cpu = bench::process::cpu_seconds(pid).unwrap_or(f64::NAN);
            let mut l: Vec<f64> = w.latencies.iter().map(|(_, ms)| *ms).collect();
            l.sort_by(f64::total_cmp);
            let by_kind: Vec<String> = (0..KINDS.len())
                .map(|kind| {
                    let mut k: Vec<f64> = w.latencies.iter().filter(|(of, _)| *of == kind).map(|(_, ms)| *ms).collect();
                    k.sort_by(f64::total_cmp);
                    format!("{:.1}", bench::quantile(&k, 0.99))
                })
                .collect();
            rows.push((minute, rss, files, bench::quantile(&l, 0.99)));
            println!(
                "{minute:>6}  {:>8}  {:>8}  {:>6.1}  {:>6.1}  {rss:>7.1}  {files:>10}  {cpu:>5.1}  {}",
                l.len(),
                w.failures,
                bench::quantile(&l, 0.5),
                bench::quantile(&l, 0.99),
                by_kind.join(" / ")
            );
        }
    }
    for server in &mut servers {
        let _ = server.kill();
        let _ = server.wait();
    }
    // Minute 3 on: the server has warmed up (caches filled, pools open).
    let baseline = rows.iter().find(|r| r.0 >= 3).or(rows.first()).copied();
    let last = rows.last().copied();
    // p99 over the last three minutes, the worst of them, against minute 3's.
    let late_p99 = rows.iter().rev().take(3).map(|r| r.3).fold(0.0, f64::max);
    let steady = match (baseline, last) {
        (Some(b), Some(l)) => l.1 <= b.1 * 1.25 && l.2 <= b.2 + 20 && late_p99 <= (b.3 * 2.0).max(b.3 + 50.0),
        _ => false,
    };
    if let (Some(b), Some(l)) = (baseline, last) {
        println!(
            "memory {:.1} → {:.1} MiB, open files {} → {}, p99 {:.1} → {:.1} ms (minute {} → the last three)",
            b.1, l.1, b.2, l.2, b.3, late_p99, b.0
        );
    }
    let ok = steady && !any_server_error;
    println!("outcome: {}", if ok { "STEADY" } else { "NOT STEADY" });
    if !ok {
        std::process::exit(1);
    }
    Ok(())
}

/// The `n`-th request of the mix: its kind (an index of `KINDS`) and status code, or none
/// when it got no answer. `cap`: see the module's comment.
async fn one_request(
    n: u64,
    client: &reqwest::Client,
    base: &str,
    cookie: &str,
    tokens: &Mutex<VecDeque<String>>,
    cap: usize,
) -> (usize, Option<u16>) {
    let get = |path: String| client.get(format!("{base}{path}"));
    let (kind, request) = match n % 20 {
        0..=5 => (0, get("/".into())),
        6..=8 => (0, get("/tasters".into())),
        9 | 10 => (0, get("/join".into())),
        11..=13 => {
            let leaving = {
                let mut tokens = tokens.lock().expect("tokens");
                if cap > 0 && tokens.len() > cap {
                    tokens.pop_front()
                } else {
                    None
                }
            };
            return match leaving {
                Some(token) => (2, withdraw(client, base, &token).await),
                None => (1, join(n, client, base, tokens).await),
            };
        }
        14..=16 => {
            let token = {
                let tokens = tokens.lock().expect("tokens");
                tokens.get(n as usize % tokens.len().max(1)).cloned()
            };
            (3, get(format!("/status/{}", token.unwrap_or_else(|| "0".repeat(48)))))
        }
        17 | 18 => (4, get("/coordinator/applications".into()).header("cookie", cookie)),
        _ => (4, get("/coordinator".into()).header("cookie", cookie)),
    };
    let status = async {
        let res = request.send().await.ok()?;
        let status = res.status().as_u16();
        res.bytes().await.ok()?;
        Some(status)
    };
    (kind, status.await)
}

/// A join through the API; its status code. The new status token joins those in play.
async fn join(n: u64, client: &reqwest::Client, base: &str, tokens: &Mutex<VecDeque<String>>) -> Option<u16> {
    let body = bench::application(&n.to_string(), "soak.nhs.net", CODE, &[]);
    let res = client.post(format!("{base}/api/v1/applications")).json(&body).send().await.ok()?;
    let status = res.status().as_u16();
    let json: serde_json::Value = res.json().await.ok()?;
    if let Some(token) = json["status_token"].as_str() {
        tokens.lock().expect("tokens").push_back(token.to_string());
    }
    Some(status)
}

/// An applicant withdraws on their status page: 303 when the page says it was done, 409
/// (counted as a failure) when it says it was not.
async fn withdraw(client: &reqwest::Client, base: &str, token: &str) -> Option<u16> {
    let res = client.post(format!("{base}/status/{token}/withdraw")).header("origin", base).send().await.ok()?;
    let location = res.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default();
    Some(if location.ends_with("done=withdrawn") { res.status().as_u16() } else { 409 })
}

/// Signs the soak's coordinator in; their session cookie.
async fn sign_in(client: &reqwest::Client, base: &str, email: &str) -> Result<String, Box<dyn std::error::Error>> {
    let res = client
        .post(format!("{base}/coordinator/login"))
        .header("origin", base)
        .form(&[("email", email), ("password", PASSWORD)])
        .send()
        .await?;
    let cookie = res.headers().get("set-cookie").ok_or("signing in gave no cookie")?.to_str()?;
    Ok(cookie.split(';').next().unwrap_or_default().to_string())
}
