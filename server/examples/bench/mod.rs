//! What both load generators share: a fresh database with one open cohort and one taster
//! session that has just ended (so its attendance code makes applicants eligible), and the
//! wait for the server under test to answer.

pub mod process;

use app::store::{NewCohort, NewTaster, Store};
use chrono::{Duration, Utc};

/// Seeds the database at `url`: a cohort named `name` with `capacity` places (see
/// [`add_cohort`]) and a taster session an hour ago with `attendance_code`; returns the
/// cohort's id.
pub async fn seed(
    url: &str,
    name: &str,
    capacity: i64,
    attendance_code: &str,
) -> Result<i64, Box<dyn std::error::Error>> {
    let store = Store::open(url).await?;
    let cohort = add_cohort(&store, name, "bench", capacity).await?;
    let taster = Utc::now() - Duration::hours(1);
    store
        .create_taster(&NewTaster {
            starts_at: taster,
            ends_at: taster + Duration::hours(1),
            zoom_url: "https://zoom.us/j/1".into(),
            meeting_id: "1".into(),
            passcode: "1".into(),
            attendance_code: attendance_code.into(),
        }, app::workflow::Actor::System, Utc::now())
        .await?;
    store.close().await;
    Ok(cohort)
}

/// Adds an open cohort named `name` of `intake` with `capacity` places and six weekly
/// meetings from six weeks on; returns its id.
pub async fn add_cohort(store: &Store, name: &str, intake: &str, capacity: i64) -> Result<i64, Box<dyn std::error::Error>> {
    let start = Utc::now() + Duration::weeks(6);
    let cohort = NewCohort {
        name: name.into(),
        intake: intake.into(),
        capacity,
        status: app::models::CohortStatus::Open,
        meetings: (0..6)
            .map(|w| (start + Duration::weeks(w), start + Duration::weeks(w) + Duration::hours(2)))
            .collect(),
    };
    Ok(store.create_cohort(&cohort, app::workflow::Actor::System, Utc::now()).await?)
}

/// The JSON body of an eligible applicant's `POST /api/v1/applications`: `n`'s own name and
/// email at `domain`, the session's `attendance_code`, and `cohorts` in rank order (empty:
/// any cohort).
pub fn application(n: &str, domain: &str, attendance_code: &str, cohorts: &[i64]) -> serde_json::Value {
    serde_json::json!({
        "name": format!("Nurse {n}"),
        "email": format!("nurse{n}@{domain}"),
        "job_title": "Staff nurse",
        "employer": "A trust",
        "nurse_advocate": "yes",
        "attendance_code": attendance_code,
        "cohort_preferences": cohorts,
        "consent": true
    })
}

/// Waits (up to 10 seconds) until `base/healthz` answers 200.
pub async fn wait_healthy(client: &reqwest::Client, base: &str) -> Result<(), Box<dyn std::error::Error>> {
    for _ in 0..100 {
        if let Ok(res) = client.get(format!("{base}/healthz")).send().await {
            if res.status().is_success() {
                return Ok(());
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Err("the server did not become healthy".into())
}

/// The load generators' command line: numbers in order, then `--database URL` (a fresh, empty
/// database to use instead of a new SQLite file), `--instances N` (servers to start on it)
/// and `--server PATH` (another build of the server, to compare).
pub struct Options {
    pub numbers: Vec<usize>,
    pub database: Option<String>,
    pub instances: usize,
    pub program: String,
}

impl Options {
    pub fn from_args() -> Self {
        let raw: Vec<String> = std::env::args().skip(1).collect();
        let option = |name: &str| raw.iter().position(|a| a == name).and_then(|i| raw.get(i + 1)).cloned();
        let flags = ["--database", "--instances", "--server"];
        let numbers = raw
            .iter()
            .enumerate()
            .filter(|(i, _)| *i == 0 || !flags.contains(&raw[i - 1].as_str()))
            .filter_map(|(_, a)| a.parse().ok())
            .collect();
        Self {
            numbers,
            database: option("--database"),
            instances: option("--instances").and_then(|n| n.parse().ok()).unwrap_or(1).max(1),
            program: option("--server").unwrap_or_else(|| "target/release/server".into()),
        }
    }

    /// The `n`-th number, or `default`.
    pub fn number(&self, n: usize, default: usize) -> usize {
        self.numbers.get(n).copied().unwrap_or(default)
    }

    /// The database to seed: the one given, or a new SQLite file `bench/.run/{name}.db`.
    pub fn database_url(&self, name: &str) -> std::io::Result<String> {
        if let Some(url) = &self.database {
            return Ok(url.clone());
        }
        let dir = std::path::Path::new("bench/.run");
        std::fs::create_dir_all(dir)?;
        let db = dir.join(format!("{name}.db"));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        Ok(format!("sqlite://{}", db.display()))
    }
}

/// Starts `instances` servers on the database at `url`, on ports from `first_port` up, and
/// waits until each answers; returns them and their base addresses.
pub async fn start_servers(
    options: &Options,
    url: &str,
    first_port: usize,
    client: &reqwest::Client,
) -> Result<(Vec<std::process::Child>, Vec<String>), Box<dyn std::error::Error>> {
    let mut servers = Vec::new();
    let mut bases = Vec::new();
    for n in 0..options.instances {
        let port = first_port + n;
        // A server left over from another run would answer for this one: refuse to start.
        if std::net::TcpListener::bind(("127.0.0.1", port as u16)).is_err() {
            return Err(format!("port {port} is in use: is another benchmark or server running?").into());
        }
        servers.push(
            std::process::Command::new(&options.program)
                .env("DATABASE_URL", url)
                .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
                .env("RUST_LOG", std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()))
                .env("ENROL_OUTBOX_DIR", "bench/.run/outbox")
                .stdout(std::process::Stdio::null())
                .spawn()?,
        );
        let base = format!("http://127.0.0.1:{port}");
        wait_healthy(client, &base).await?;
        if servers.last_mut().and_then(|s| s.try_wait().ok().flatten()).is_some() {
            return Err(format!("the server on port {port} stopped as it started").into());
        }
        bases.push(base);
    }
    Ok((servers, bases))
}

/// Which database a URL is.
pub fn backend(url: &str) -> &'static str {
    if url.starts_with("sqlite") {
        "SQLite"
    } else {
        "PostgreSQL"
    }
}

/// The `p`-th quantile of sorted figures (0 when there are none).
#[allow(dead_code)] // the crash cycles report no latencies
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    sorted.get(((sorted.len() as f64 * p).ceil() as usize).saturating_sub(1)).copied().unwrap_or(0.0)
}
