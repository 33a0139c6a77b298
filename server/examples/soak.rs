//! The soak (bench/README.md): a mixed load on the release server for a long while, to show
//! that memory and open files stay flat and latency stays steady.
//!
//!     cargo run --release -p server --example soak -- [minutes] [event streams] [requests/s]
//!         [--database URL]
//!
//! Defaults: 30 minutes, 300 open event streams, 100 requests a second, spread over: the
//! course page, the taster calendar and the joining form (page views), joins through the JSON
//! API, applicants' status pages, and a signed-in coordinator's dashboard and applications
//! list. Every minute it prints the requests, the failures, p50 and p99 latency, and the
//! server's resident memory, open files and CPU time; at the end, whether the last minutes
//! match the first (memory within 25 % of minute 3's, open files within 20, no 5xx).

mod bench;

use futures::StreamExt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CODE: &str = "soak42";
const PORT: usize = 3420;
const PASSWORD: &str = "a long soak password";

/// What one minute saw.
#[derive(Default)]
struct Window {
    latencies: Vec<f64>,
    failures: usize,
    server_errors: usize,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let options = bench::Options::from_args();
    let minutes = options.number(0, 30) as u64;
    let streams = options.number(1, 300);
    let per_second = options.number(2, 100).max(1) as u64;
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
    println!(
        "soak: {minutes} min, {streams} event streams, {per_second} requests/s; {}",
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
    let tokens = Arc::new(Mutex::new(Vec::<String>::new()));
    let started = Instant::now();
    let mut ticks = tokio::time::interval(Duration::from_nanos(1_000_000_000 / per_second));
    let mut next_report = started + Duration::from_secs(60);
    let mut sent: u64 = 0;
    let mut rows: Vec<(u64, f64, usize)> = Vec::new();
    let mut any_server_error = false;
    println!("minute  requests  failures  p50 ms  p99 ms  RSS MiB  open files  CPU s");
    while started.elapsed() < Duration::from_secs(minutes * 60) {
        ticks.tick().await;
        sent += 1;
        let (client, base, cookie) = (client.clone(), base.clone(), cookie.clone());
        let (seen, tokens) = (window.clone(), tokens.clone());
        tokio::spawn(async move {
            let at = Instant::now();
            let status = one_request(sent, &client, &base, &cookie, &tokens).await;
            let mut w = seen.lock().expect("window");
            w.latencies.push(at.elapsed().as_secs_f64() * 1000.0);
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
            rows.push((minute, rss, files));
            let mut l = w.latencies;
            l.sort_by(f64::total_cmp);
            let pct = |p: f64| l.get(((l.len() as f64 * p).ceil() as usize).saturating_sub(1)).copied().unwrap_or(0.0);
            println!(
                "{minute:>6}  {:>8}  {:>8}  {:>6.1}  {:>6.1}  {rss:>7.1}  {files:>10}  {cpu:>5.1}",
                l.len(),
                w.failures,
                pct(0.5),
                pct(0.99)
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
    let steady = match (baseline, last) {
        (Some(b), Some(l)) => l.1 <= b.1 * 1.25 && l.2 <= b.2 + 20,
        _ => false,
    };
    if let (Some(b), Some(l)) = (baseline, last) {
        println!("memory {:.1} → {:.1} MiB, open files {} → {} (minute {} → {})", b.1, l.1, b.2, l.2, b.0, l.0);
    }
    let ok = steady && !any_server_error;
    println!("outcome: {}", if ok { "STEADY" } else { "NOT STEADY" });
    if !ok {
        std::process::exit(1);
    }
    Ok(())
}

/// The `n`-th request of the mix; its status code, or none when it got no answer.
async fn one_request(
    n: u64,
    client: &reqwest::Client,
    base: &str,
    cookie: &str,
    tokens: &Mutex<Vec<String>>,
) -> Option<u16> {
    let get = |path: String| client.get(format!("{base}{path}"));
    let request = match n % 20 {
        0..=5 => get("/".into()),
        6..=8 => get("/tasters".into()),
        9 | 10 => get("/join".into()),
        11..=13 => {
            let body = bench::application(&n.to_string(), "soak.nhs.net", CODE, &[]);
            let res = client.post(format!("{base}/api/v1/applications")).json(&body).send().await.ok()?;
            let status = res.status().as_u16();
            let json: serde_json::Value = res.json().await.ok()?;
            if let Some(token) = json["status_token"].as_str() {
                tokens.lock().expect("tokens").push(token.to_string());
            }
            return Some(status);
        }
        14..=16 => {
            let token = {
                let tokens = tokens.lock().expect("tokens");
                tokens.get(n as usize % tokens.len().max(1)).cloned()
            };
            get(format!("/status/{}", token.unwrap_or_else(|| "0".repeat(48))))
        }
        17 | 18 => get("/coordinator/applications".into()).header("cookie", cookie),
        _ => get("/coordinator".into()).header("cookie", cookie),
    };
    let res = request.send().await.ok()?;
    let status = res.status().as_u16();
    res.bytes().await.ok()?;
    Some(status)
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
