//! Starts the real router on port 0 against a fresh database (SQLite, or PostgreSQL when
//! `ENROL_TEST_DATABASE_URL` says so), for tests that drive enrol over HTTP as a client would.

#![allow(dead_code)]

use app::auth::limits::LimitSettings;
use app::state::AppState;
use app::store::db::{sql, Db};
use app::store::Store;
use futures::StreamExt;
use leptos::config::LeptosOptions;
use std::net::SocketAddr;
use tempfile::TempDir;

/// A running server and what a test needs to reach it.
pub struct TestApp {
    pub addr: SocketAddr,
    pub store: Store,
    pub live: app::live::Live,
    pub db_url: String,
    pub client: reqwest::Client,
    dir: TempDir,
}

impl TestApp {
    /// Starts a server on an empty database (the course content comes with the migrations).
    pub async fn spawn() -> Self {
        Self::spawn_with(false, LimitSettings::default()).await
    }

    /// Starts a server on a database with the demo data seeded.
    pub async fn spawn_demo() -> Self {
        Self::spawn_with(true, LimitSettings::default()).await
    }

    /// Starts a server on an empty database with these limits (trusted proxies, rates).
    pub async fn spawn_limited(limits: LimitSettings) -> Self {
        Self::spawn_with(false, limits).await
    }

    /// Starts a server on an empty database that sends its emails to the SMTP server at
    /// `smtp_url`, trying again after 200 ms (doubling) when it does not accept them.
    pub async fn spawn_mailing(smtp_url: &str) -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let url = app::store::testing::fresh_database(&dir.path().join("data")).await;
        Self::start(url, dir, false, LimitSettings::default(), Some(smtp_url.to_string())).await
    }

    /// Starts another server on the database (and folder) of a stopped one, in demo mode or not.
    pub async fn spawn_again((url, dir): (String, TempDir), demo: bool) -> Self {
        Self::start(url, dir, demo, LimitSettings::default(), None).await
    }

    /// Starts a second server (another instance) on this one's database.
    pub async fn another_instance(&self) -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        Self::start(self.db_url.clone(), dir, false, LimitSettings::default(), None).await
    }

    async fn spawn_with(demo: bool, limits: LimitSettings) -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let url = app::store::testing::fresh_database(&dir.path().join("data")).await;
        Self::start(url, dir, demo, limits, None).await
    }

    async fn start(url: String, dir: TempDir, demo: bool, limits: LimitSettings, smtp: Option<String>) -> Self {
        let store = Store::open(&url).await.expect("open the store");
        if demo {
            app::demo::seed(&store, chrono::Utc::now()).await.expect("seed demo data");
        } else {
            app::demo::shut_out_demo_account(&store).await.expect("demo account check");
        }
        let leptos_options = LeptosOptions::builder().output_name("enrol").build();
        let live = app::live::Live::start(store.clone()).await.expect("live places");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
        let addr = listener.local_addr().expect("local address");
        let mail = app::mail::Settings { public_url: format!("http://{addr}"), ..app::mail::Settings::default() };
        if let Some(smtp) = smtp {
            let transport =
                app::mail::transport::Transport::new(Some(&smtp), dir.path().join("outbox")).expect("SMTP URL");
            let fast = app::mail::sender::SenderSettings {
                first_retry: chrono::Duration::milliseconds(200),
                poll: std::time::Duration::from_millis(100),
            };
            tokio::spawn(app::mail::sender::run(store.clone(), transport, mail.clone(), fast));
        }
        let state = AppState {
            leptos_options,
            store: store.clone(),
            live: live.clone(),
            demo,
            throttle: app::auth::throttle::Throttle::new(&store),
            wrong_codes: limits.wrong_codes(&store),
            limits,
            secure_cookies: false,
            mail,
        };
        let router = server::router(state);
        tokio::spawn(async move {
            axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await.expect("serve");
        });
        // A request that never finishes fails its test within a minute instead of stalling the run.
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .expect("client");
        Self { addr, store, live, db_url: url, client, dir }
    }

    /// Closes this server's database and hands back where it was, for a restart on the same data.
    pub async fn stop(self) -> (String, TempDir) {
        self.store.close().await;
        (self.db_url, self.dir)
    }

    /// A plain pool on the database, for looking at rows and changing clocks (SQL with `$1`
    /// parameters, which both databases read).
    pub async fn raw(&self) -> Db {
        Db::connect(&self.db_url).await.expect("raw connection")
    }

    /// The absolute URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Adds an hour-long taster session starting at `starts_at` with attendance code `code`;
    /// returns its id.
    pub async fn add_taster_at(&self, starts_at: chrono::DateTime<chrono::Utc>, code: &str) -> i64 {
        self.store
            .create_taster(
                &app::store::NewTaster {
                    starts_at,
                    ends_at: starts_at + chrono::Duration::hours(1),
                    zoom_url: "https://zoom.us/j/91273431323".into(),
                    meeting_id: "912 7343 1323".into(),
                    passcode: "114640".into(),
                    attendance_code: code.into(),
                },
                app::workflow::Actor::System,
                chrono::Utc::now(),
            )
            .await
            .expect("insert taster")
    }

    /// How many applications are stored.
    pub async fn application_count(&self) -> i64 {
        sql("SELECT count(*) FROM application").scalar(&self.raw().await).await.unwrap()
    }

    /// Adds an open cohort of `capacity` places and a taster session (started an hour ago)
    /// whose attendance code is `code`; returns the cohort id.
    pub async fn add_cohort_and_taster(&self, capacity: i64, code: &str) -> i64 {
        use chrono::{Duration, Utc};
        let start = Utc::now() + Duration::weeks(6);
        let cohort = self
            .store
            .create_cohort(
                &app::store::NewCohort {
                    name: "March 2027 · Monday evenings".into(),
                    intake: "2027-03".into(),
                    capacity,
                    status: app::models::CohortStatus::Open,
                    meetings: (0..6)
                        .map(|w| (start + Duration::weeks(w), start + Duration::weeks(w) + Duration::hours(2)))
                        .collect(),
                },
                app::workflow::Actor::System,
                chrono::Utc::now(),
            )
            .await
            .expect("insert cohort");
        let taster_start = Utc::now() - Duration::hours(1);
        self.store
            .create_taster(
                &app::store::NewTaster {
                    starts_at: taster_start,
                    ends_at: taster_start + Duration::hours(1),
                    zoom_url: "https://zoom.us/j/91273431323".into(),
                    meeting_id: "912 7343 1323".into(),
                    passcode: "114640".into(),
                    attendance_code: code.into(),
                },
                app::workflow::Actor::System,
                chrono::Utc::now(),
            )
            .await
            .expect("insert taster");
        // The live figures refresh shortly after a change; wait until they know the cohort.
        for _ in 0..100 {
            if self.live.current().places.cohorts.iter().any(|c| c.id == cohort) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        cohort
    }

    /// POSTs a JSON body and returns the status and the JSON answer.
    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
        let res = self.client.post(self.url(path)).json(body).send().await.expect("request");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// POSTs a urlencoded form; returns the status, the Location header and the body.
    pub async fn post_form(&self, path: &str, pairs: &[(&str, &str)]) -> (u16, Option<String>, String) {
        answer(self.form_request(path, pairs).send().await.expect("request")).await
    }

    /// Adds a coordinator account with `role` ("admin" or "coordinator"); returns its email and
    /// password.
    pub async fn add_coordinator(&self, role: &'static str) -> (String, String) {
        let email = format!("{role}.{}@example.nhs.uk", rand_suffix());
        let password = "a long test password".to_string();
        self.store
            .create_coordinator(
                &app::store::NewCoordinator {
                    email: email.clone(),
                    name: format!("Test {role}"),
                    role: app::models::Role::from_stored(role),
                    password_hash: app::auth::password::hash_password(&password).expect("hash"),
                    demo: false,
                },
                app::workflow::Actor::System,
            )
            .await
            .expect("add coordinator");
        (email, password)
    }

    /// Signs in and returns the session cookie (`name=value`).
    pub async fn sign_in(&self, email: &str, password: &str) -> String {
        let res = self
            .form_request("/coordinator/login", &[("email", email), ("password", password)])
            .send()
            .await
            .expect("sign in");
        if res.status().as_u16() != 303 {
            let body = res.text().await.unwrap_or_default();
            let message = body.split("error-message").nth(1).unwrap_or("").chars().take(300).collect::<String>();
            panic!("sign-in failed for {email}: {message}");
        }
        let cookie = res.headers().get("set-cookie").expect("a cookie").to_str().unwrap().to_string();
        cookie.split(';').next().unwrap().to_string()
    }

    /// A signed-in coordinator of `role`: their session cookie.
    pub async fn coordinator_cookie(&self, role: &'static str) -> String {
        let (email, password) = self.add_coordinator(role).await;
        self.sign_in(&email, &password).await
    }

    /// GETs `path` with a cookie; returns the status, Location and body.
    pub async fn get_as(&self, path: &str, cookie: &str) -> (u16, Option<String>, String) {
        answer(self.client.get(self.url(path)).header("cookie", cookie).send().await.expect("request")).await
    }

    /// POSTs a form with a cookie; returns the status, Location and body.
    pub async fn post_as(&self, path: &str, cookie: &str, pairs: &[(&str, &str)]) -> (u16, Option<String>, String) {
        answer(self.form_request(path, pairs).header("cookie", cookie).send().await.expect("request")).await
    }

    /// A POST of `pairs` as a urlencoded form, ready to send.
    fn form_request(&self, path: &str, pairs: &[(&str, &str)]) -> reqwest::RequestBuilder {
        let body: String =
            pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&");
        self.client.post(self.url(path)).header("content-type", "application/x-www-form-urlencoded").body(body)
    }

    /// GETs `path` and returns the status and body text.
    pub async fn get(&self, path: &str) -> (u16, String) {
        let res = self.client.get(self.url(path)).send().await.expect("request");
        let status = res.status().as_u16();
        (status, res.text().await.expect("body"))
    }
}

/// Percent-encodes a form value.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A complete, valid API application from `email`.
pub fn api_application(email: &str, code: Option<&str>) -> serde_json::Value {
    serde_json::json!({
        "name": "Sam Jones",
        "email": email,
        "job_title": "Ward manager",
        "employer": "Leeds Teaching Hospitals NHS Trust",
        "nurse_advocate": "yes",
        "attendance_code": code,
        "cohort_preferences": [],
        "consent": true
    })
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
}

/// A response's status, Location header and body.
async fn answer(res: reqwest::Response) -> (u16, Option<String>, String) {
    let status = res.status().as_u16();
    let location = res.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_string);
    (status, location, res.text().await.expect("body"))
}

/// Reads server-sent events from a response, one `(event, data)` at a time.
pub struct Events {
    body: futures::stream::BoxStream<'static, reqwest::Result<bytes::Bytes>>,
    buffer: String,
}

impl Events {
    pub async fn open(app: &TestApp) -> Self {
        let res = app.client.get(app.url("/api/v1/events")).send().await.expect("connect");
        assert_eq!(res.status().as_u16(), 200);
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
        Self { body: res.bytes_stream().boxed(), buffer: String::new() }
    }

    pub async fn next(&mut self) -> (String, String) {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let field = |name: &str| {
                    block
                        .lines()
                        .filter_map(|l| l.strip_prefix(name))
                        .map(str::trim_start)
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                let (event, data) = (field("event:"), field("data:"));
                if !event.is_empty() {
                    return (event, data);
                }
                continue; // a keep-alive comment
            }
            let chunk = self.body.next().await.expect("the stream ended").expect("read");
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// The next `places` event's figure for the first cohort. A snapshot without cohorts is
    /// passed over: another instance may not yet have heard of a cohort made through the first.
    pub async fn next_places(&mut self) -> i64 {
        loop {
            let (event, data) = self.next().await;
            if event == "places" {
                let snapshot: serde_json::Value = serde_json::from_str(&data).expect("JSON");
                if let Some(figure) = snapshot["cohorts"].get(0) {
                    return figure["places_remaining"].as_i64().expect("a figure");
                }
            }
        }
    }
}

/// A real SMTP server for the test (scripts/smtp_sink.py, aiosmtpd from .tools/python), on
/// 127.0.0.1, keeping every message it accepts as a file; stopped when dropped. Addresses
/// starting "refuse" are refused for good (550), "busy" for now (451).
pub struct SmtpSink {
    pub port: u16,
    pub dir: std::path::PathBuf,
    child: std::process::Child,
}

/// A message the SMTP server received, parsed.
#[derive(Debug)]
pub struct Received {
    pub to: String,
    pub subject: String,
    pub message_id: String,
    pub text: String,
    pub html: String,
    /// File name and contents of each attachment.
    pub attachments: Vec<(String, String)>,
}

impl Received {
    /// The first link in the plain text that starts with `prefix` (e.g. the status link).
    pub fn link(&self, prefix: &str) -> String {
        self.text
            .split_whitespace()
            .find(|word| word.starts_with(prefix))
            .unwrap_or_else(|| panic!("no link starting {prefix} in:\n{}", self.text))
            .to_string()
    }
}

impl SmtpSink {
    /// Starts one on a free port, keeping messages in a new folder under `root`.
    pub fn start(root: &std::path::Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        Self::start_on(port, root.join("smtp"))
    }

    /// Starts one on `port`, keeping messages in `dir` (again after a stop: numbering goes on).
    pub fn start_on(port: u16, dir: std::path::PathBuf) -> Self {
        use std::io::BufRead;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let python = root.join(".tools/python");
        assert!(python.exists(), "aiosmtpd is missing: run scripts/install-tools.sh --test");
        let mut child = std::process::Command::new("python3")
            .arg(root.join("scripts/smtp_sink.py"))
            .arg(port.to_string())
            .arg(&dir)
            .env("PYTHONPATH", python)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("start the SMTP server");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("its output")).read_line(&mut line).expect("its first line");
        assert_eq!(line.trim(), "ready", "the SMTP server did not start");
        Self { port, dir, child }
    }

    /// Its URL in lettre's form (plain SMTP on 127.0.0.1).
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Stops it; returns its port and folder, to start it again on the same ones.
    pub fn stop(mut self) -> (u16, std::path::PathBuf) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        (self.port, self.dir.clone())
    }

    /// Every message received so far, in the order they arrived.
    pub fn messages(&self) -> Vec<Received> {
        let mut files: Vec<_> = std::fs::read_dir(&self.dir)
            .map(|d| {
                d.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "eml"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files.iter().map(|f| parse(&std::fs::read(f).expect("a message file"))).collect()
    }

    /// Waits (up to `seconds`) until at least `count` messages have arrived; returns them all.
    pub async fn wait_for(&self, count: usize, seconds: u64) -> Vec<Received> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
        loop {
            let messages = self.messages();
            if messages.len() >= count || std::time::Instant::now() > deadline {
                return messages;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn parse(raw: &[u8]) -> Received {
    let mail = mailparse::parse_mail(raw).expect("a MIME message");
    let header = |name: &str| {
        mail.headers.iter().find(|h| h.get_key().eq_ignore_ascii_case(name)).map(|h| h.get_value()).unwrap_or_default()
    };
    let mut received = Received {
        to: header("X-Envelope-To"),
        subject: header("Subject"),
        message_id: header("Message-ID"),
        text: String::new(),
        html: String::new(),
        attachments: Vec::new(),
    };
    fn walk(part: &mailparse::ParsedMail<'_>, out: &mut Received) {
        let disposition = part.get_content_disposition();
        if disposition.disposition == mailparse::DispositionType::Attachment {
            let name = disposition.params.get("filename").cloned().unwrap_or_default();
            out.attachments.push((name, part.get_body().unwrap_or_default()));
        } else if part.ctype.mimetype == "text/plain" {
            out.text = part.get_body().unwrap_or_default();
        } else if part.ctype.mimetype == "text/html" {
            out.html = part.get_body().unwrap_or_default();
        }
        for sub in &part.subparts {
            walk(sub, out);
        }
    }
    walk(&mail, &mut received);
    received
}
