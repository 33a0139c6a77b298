//! The ways in, tried as an outsider would (docs/security.md lists each control with its test):
//! reflected script, guessed attendance codes, security headers, cached secrets, cross-site
//! API posts, sign-in lock-outs, the demo account, dates near chrono's limits, look-alike
//! emails, a writer that cannot commit, and the rate limits.

mod common;

use app::auth::limits::LimitSettings;
use app::store::db::sql;
use chrono::{Duration, Utc};
use common::{api_application, TestApp};
use serde_json::json;

const CODE: &str = "maple-orbit-shed-river";

fn nonce_of(policy: &str) -> String {
    let start = policy.find("'nonce-").expect("a nonce in the policy") + "'nonce-".len();
    policy[start..].split('\'').next().unwrap().to_string()
}

// 1. Reflected script --------------------------------------------------------------------

#[tokio::test]
async fn a_joining_form_sent_back_with_errors_shows_hostile_text_as_text() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(2, CODE).await;
    let (status, _, body) = app
        .post_form(
            "/join",
            &[
                ("name", "\"><img src=x onerror=alert(1)>"),
                ("email", "not an email"),
                ("job_title", "</title><script>alert(2)</script>"),
                ("access_needs", "</textarea><script>alert(3)</script>"),
            ],
        )
        .await;
    assert_eq!(status, 200);
    assert!(body.contains("There is a problem"), "the form came back with its errors");
    for raw in ["<script>alert(", "<img src=x", "</textarea><script>"] {
        assert!(!body.contains(raw), "{raw} reached the page unescaped");
    }
    assert!(body.contains("&lt;/textarea&gt;&lt;script&gt;alert(3)&lt;/script&gt;"), "the access needs are kept, escaped");
}

#[tokio::test]
async fn a_cohort_named_like_markup_stays_text_in_the_page_title_too() {
    let app = TestApp::spawn().await;
    let cookie = app.coordinator_cookie("coordinator").await;
    let name = "Jan </title><script>alert(1)</script>";
    let cohort = [
        ("name", name),
        ("first_date", "2027-01-05"),
        ("start", "10:00"),
        ("minutes", "120"),
        ("meeting_count", "6"),
        ("capacity", "12"),
        ("status", "open"),
    ];
    let (status, location, _) = app.post_as("/coordinator/cohorts", &cookie, &cohort).await;
    assert_eq!(status, 303);
    let (_, _, page) = app.get_as(&location.unwrap(), &cookie).await;
    assert!(page.contains("Jan &lt;/title&gt;&lt;script&gt;"), "the name is there, escaped");
    assert!(!page.contains("</title><script>alert(1)"), "the title was not ended by the name");
    let (_, public) = app.get("/").await;
    assert!(!public.contains("<script>alert(1)"), "nor on the course page");
}

// 2. Attendance codes --------------------------------------------------------------------

#[tokio::test]
async fn a_code_works_from_15_minutes_before_its_session_until_7_days_after_it() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(10, "first-code-words-here").await;
    let now = Utc::now();
    app.add_taster_at(now - Duration::days(8) - Duration::hours(2), "old-session-code-words").await;
    app.add_taster_at(now + Duration::minutes(20), "later-session-code-words").await;
    app.add_taster_at(now + Duration::minutes(10), "soon-session-code-words").await;
    app.add_taster_at(now - Duration::days(6), "last-week-code-words").await;
    let try_code = |email: &'static str, code: &'static str| {
        let app = &app;
        async move { app.post_json("/api/v1/applications", &api_application(email, Some(code))).await }
    };
    let (status, body) = try_code("a@nhs.net", "old-session-code-words").await;
    assert_eq!(status, 422, "a code over 7 days after its session no longer works: {body}");
    let (status, _) = try_code("b@nhs.net", "later-session-code-words").await;
    assert_eq!(status, 422, "nor 20 minutes before it starts");
    let (status, body) = try_code("c@nhs.net", "soon-session-code-words").await;
    assert_eq!((status, body["state"].as_str()), (201, Some("allocated")), "10 minutes before it does");
    let (status, _) = try_code("d@nhs.net", "last-week-code-words").await;
    assert_eq!(status, 201, "6 days after it still does");
    let (status, _) = try_code("e@nhs.net", "Last WEEK code-words").await;
    assert_eq!(status, 201, "whatever the case, spaces or hyphens");
}

#[tokio::test]
async fn a_cancelled_sessions_code_proves_nothing() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(10, CODE).await;
    let taster = app.store.all_tasters().await.unwrap()[0].id;
    let admin = app.coordinator_cookie("coordinator").await;
    let (status, _, _) = app.post_as(&format!("/coordinator/tasters/{taster}/cancel"), &admin, &[]).await;
    assert_eq!(status, 303);
    let (status, _) = app.post_json("/api/v1/applications", &api_application("sam@nhs.net", Some(CODE))).await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn ten_wrong_codes_for_one_email_lock_it_for_an_hour_even_for_the_right_code_and_store_nothing() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(10, CODE).await;
    for n in 0..10 {
        let wrong = format!("wrong-guess-number-{n}");
        let (status, _) = app.post_json("/api/v1/applications", &api_application("sam@nhs.net", Some(&wrong))).await;
        assert_eq!(status, 422, "guess {n}");
    }
    let (status, body) = app.post_json("/api/v1/applications", &api_application("sam@nhs.net", Some(CODE))).await;
    assert_eq!(status, 429, "{body}");
    let message = body["errors"]["attendance_code"].as_str().unwrap();
    assert!(message.contains("Try again after") && message.contains("leave the code blank"), "{message}");
    let (status, body) = app.post_json("/api/v1/applications", &api_application("SAM@nhs.net", Some(CODE))).await;
    assert_eq!(status, 429, "the same email in capitals is the same email: {body}");
    assert_eq!(app.application_count().await, 0, "nothing was stored");
    let (status, _) = app.post_json("/api/v1/applications", &api_application("sam@nhs.net", None)).await;
    assert_eq!(status, 201, "without a code the application is taken, for the course team to check");
    let (status, _) = app.post_json("/api/v1/applications", &api_application("kim@nhs.net", Some(CODE))).await;
    assert_eq!(status, 201, "another email from the same address is not held up");
}

#[tokio::test]
async fn wrong_codes_from_one_address_lock_that_address_whatever_the_email_and_the_form_says_when() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(10, CODE).await;
    for n in 0..30 {
        let email = format!("person{n}@nhs.net");
        let (status, _) = app.post_json("/api/v1/applications", &api_application(&email, Some("no-such-code-here"))).await;
        assert_eq!(status, 422, "guess {n}");
    }
    let (status, _) = app.post_json("/api/v1/applications", &api_application("fresh@nhs.net", Some(CODE))).await;
    assert_eq!(status, 429);
    let (status, _, body) = app
        .post_form(
            "/join",
            &[
                ("name", "Kim Lee"),
                ("email", "kim.lee@nhs.net"),
                ("job_title", "Staff nurse"),
                ("employer", "An NHS trust"),
                ("nurse_advocate", "yes"),
                ("attendance_code", CODE),
                ("preference", "any"),
                ("consent", "yes"),
            ],
        )
        .await;
    assert_eq!(status, 429);
    assert!(body.contains("There is a problem") && body.contains("Try again after"), "an error summary says when");
    assert_eq!(app.application_count().await, 0);
}

#[tokio::test]
async fn a_wrong_code_is_refused_without_a_turn_on_the_writer() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(10, CODE).await;
    app.store.refuse_writes().await.unwrap();
    let (status, body) = app.post_json("/api/v1/applications", &api_application("sam@nhs.net", Some("not-the-code"))).await;
    assert_eq!(status, 422, "refused by a read, while the writer could not have answered: {body}");
}

// 3. Security headers ---------------------------------------------------------------------

#[tokio::test]
async fn every_page_has_a_nonce_policy_its_own_scripts_carry_and_a_fresh_nonce_each_time() {
    let app = TestApp::spawn_demo().await;
    let mut nonces = Vec::new();
    for path in ["/", "/", "/tasters", "/join", "/privacy", "/coordinator/login", "/no-such-page"] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        let headers = res.headers().clone();
        let policy = headers["content-security-policy"].to_str().unwrap().to_string();
        assert!(policy.contains("frame-ancestors 'none'") && policy.contains("object-src 'none'"), "{path}: {policy}");
        assert!(policy.contains("base-uri 'none'") && policy.contains("form-action 'self'"), "{path}");
        assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(headers["cross-origin-opener-policy"], "same-origin", "{path}");
        assert!(headers.contains_key("permissions-policy"), "{path}");
        assert!(!headers.contains_key("strict-transport-security"), "no HSTS over plain http");
        let nonce = nonce_of(&policy);
        let body = res.text().await.unwrap();
        let scripts = body.matches("<script").count();
        assert_eq!(body.matches(&format!("nonce=\"{nonce}\"")).count() >= scripts, true, "{path}: every script carries it");
        assert!(scripts >= 1, "{path} has its hydration script");
        nonces.push(nonce);
    }
    let distinct: std::collections::HashSet<&String> = nonces.iter().collect();
    assert_eq!(distinct.len(), nonces.len(), "a cached page gets the new request's nonce, never an old one");
}

#[tokio::test]
async fn files_and_api_answers_carry_the_headers_too() {
    let app = TestApp::spawn_demo().await;
    for path in ["/healthz", "/api/v1/cohorts", "/tasters.ics"] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.headers()["x-content-type-options"], "nosniff", "{path}");
        assert!(res.headers().contains_key("content-security-policy"), "{path}");
    }
}

// 6. Cached secrets -----------------------------------------------------------------------

#[tokio::test]
async fn answers_with_a_status_token_or_personal_data_are_never_stored_by_caches() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(2, CODE).await;
    let (_, body) = app.post_json("/api/v1/applications", &api_application("sam@nhs.net", Some(CODE))).await;
    let token = body["status_token"].as_str().unwrap();
    for path in [format!("/join/confirmation/{token}"), format!("/api/v1/applications/{token}"), format!("/status/{token}")] {
        let res = app.client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 200, "{path}");
        assert_eq!(res.headers()["cache-control"], "no-store", "{path}");
    }
    let res = app
        .client
        .post(app.url("/join"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("name=Sam&email=sam%40nhs.net")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["cache-control"], "no-store", "a form sent back holds what was typed");
}

// 7. Cross-site API posts -----------------------------------------------------------------

#[tokio::test]
async fn an_api_post_that_is_not_json_is_refused_with_415_and_stores_nothing() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(2, CODE).await;
    let body = api_application("sam@nhs.net", None).to_string();
    for content_type in [Some("text/plain"), Some("application/x-www-form-urlencoded"), None] {
        let mut request = app.client.post(app.url("/api/v1/applications")).body(body.clone());
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let res = request.send().await.unwrap();
        assert_eq!(res.status().as_u16(), 415, "{content_type:?}");
        let answer: serde_json::Value = res.json().await.unwrap();
        assert!(answer["error"].as_str().unwrap().contains("Content-Type: application/json"));
    }
    assert_eq!(app.application_count().await, 0);
    let res = app
        .client
        .post(app.url("/api/v1/applications"))
        .header("content-type", "application/json; charset=utf-8")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201, "JSON with a charset is JSON");
}

// 4. Sign-in lock-out ---------------------------------------------------------------------

fn behind_a_proxy() -> LimitSettings {
    LimitSettings { trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()], ..LimitSettings::default() }
}

async fn sign_in_from(app: &TestApp, email: &str, password: &str, client: &str, cookie: Option<&str>) -> reqwest::Response {
    let body = format!("email={}&password={}", common::encode(email), common::encode(password));
    let mut request = app
        .client
        .post(app.url("/coordinator/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-forwarded-for", client)
        .body(body);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn behind_a_trusted_proxy_one_clients_failures_do_not_lock_out_another() {
    let app = TestApp::spawn_limited(behind_a_proxy()).await;
    let (email, password) = app.add_coordinator("coordinator").await;
    let attacks = (0..20).map(|n| {
        let app = &app;
        async move { sign_in_from(app, &format!("guess{n}@example.nhs.uk"), "wrong password", "198.51.100.66", None).await }
    });
    futures::future::join_all(attacks).await;
    let locked = sign_in_from(&app, &email, &password, "198.51.100.66", None).await;
    assert!(locked.text().await.unwrap().contains("Too many attempts"), "the attacking address is locked");
    let honest = sign_in_from(&app, &email, &password, "203.0.113.5", None).await;
    assert_eq!(honest.status().as_u16(), 303, "another client behind the same proxy signs in");
}

#[tokio::test]
async fn a_wrong_password_after_a_quiet_period_starts_the_count_again() {
    let app = TestApp::spawn().await;
    let (email, password) = app.add_coordinator("coordinator").await;
    // Four wrong passwords, the last 20 minutes ago.
    sql("UPDATE coordinator SET failed_logins = 4, last_failed_at = $1 WHERE email = $2")
        .bind(Utc::now() - Duration::minutes(20))
        .bind(&email)
        .execute(&app.raw().await)
        .await
        .unwrap();
    let (_, _, body) = app.post_form("/coordinator/login", &[("email", &email), ("password", "wrong")]).await;
    assert!(body.contains("Enter a correct email address and password"));
    let (status, _, _) = app.post_form("/coordinator/login", &[("email", &email), ("password", &password)]).await;
    assert_eq!(status, 303, "one wrong password every so often never locks the account");
}

#[tokio::test]
async fn once_a_lock_has_lapsed_the_count_starts_again() {
    let app = TestApp::spawn().await;
    let (email, password) = app.add_coordinator("coordinator").await;
    sql("UPDATE coordinator SET failed_logins = 5, last_failed_at = $1, locked_until = $2 WHERE email = $3")
        .bind(Utc::now() - Duration::minutes(14))
        .bind(Utc::now() - Duration::seconds(5))
        .bind(&email)
        .execute(&app.raw().await)
        .await
        .unwrap();
    app.post_form("/coordinator/login", &[("email", &email), ("password", "wrong")]).await;
    let (status, _, _) = app.post_form("/coordinator/login", &[("email", &email), ("password", &password)]).await;
    assert_eq!(status, 303);
}

#[tokio::test]
async fn a_flood_of_wrong_passwords_from_many_addresses_does_not_lock_a_coordinator_out_of_their_browser() {
    let app = TestApp::spawn_limited(behind_a_proxy()).await;
    let (email, password) = app.add_coordinator("coordinator").await;
    // The coordinator signed in on this browser before: it keeps a device cookie.
    let first = sign_in_from(&app, &email, &password, "203.0.113.5", None).await;
    let device = first
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("enrol_device="))
        .expect("a device cookie");
    assert!(device.contains("HttpOnly") && device.contains("Path=/coordinator"), "{device}");
    let device = device.split(';').next().unwrap().to_string();

    let attacks = (0..8).map(|n| {
        let (app, email) = (&app, &email);
        async move { sign_in_from(app, email, "wrong password", &format!("198.51.100.{n}"), None).await }
    });
    futures::future::join_all(attacks).await;
    let elsewhere = sign_in_from(&app, &email, &password, "192.0.2.1", None).await;
    assert!(elsewhere.text().await.unwrap().contains("Too many attempts"), "the account is locked for other browsers");
    let usual = sign_in_from(&app, &email, &password, "203.0.113.5", Some(&device)).await;
    assert_eq!(usual.status().as_u16(), 303, "but its coordinator signs in on their usual browser");
    assert!(
        !usual.headers().get_all("set-cookie").iter().any(|v| v.to_str().unwrap().starts_with("enrol_device=")),
        "a known browser keeps its cookie"
    );
}

#[tokio::test]
async fn a_device_cookie_of_another_account_counts_for_nothing() {
    let app = TestApp::spawn().await;
    let (mine, my_password) = app.add_coordinator("coordinator").await;
    let (theirs, their_password) = app.add_coordinator("admin").await;
    let first = sign_in_from(&app, &mine, &my_password, "127.0.0.1", None).await;
    let device = first
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .find(|c| c.starts_with("enrol_device="))
        .unwrap();
    for _ in 0..5 {
        sign_in_from(&app, &theirs, "wrong password", "127.0.0.1", Some(&device)).await;
    }
    let res = sign_in_from(&app, &theirs, &their_password, "127.0.0.1", Some(&device)).await;
    assert!(res.text().await.unwrap().contains("Too many attempts"), "my browser is no key to their account");
}

// 5. The demo account ---------------------------------------------------------------------

#[tokio::test]
async fn the_demo_coordinator_cannot_sign_in_once_the_server_leaves_demo_mode() {
    let demo = TestApp::spawn_demo().await;
    let cookie = demo.sign_in(app::demo::DEMO_EMAIL, app::demo::DEMO_PASSWORD).await;
    let (status, _, _) = demo.get_as("/coordinator", &cookie).await;
    assert_eq!(status, 200, "in demo mode it signs in");

    let production = TestApp::spawn_again(demo.stop().await, false).await;
    let (status, _, body) = production
        .post_form("/coordinator/login", &[("email", app::demo::DEMO_EMAIL), ("password", app::demo::DEMO_PASSWORD)])
        .await;
    assert_eq!(status, 200);
    assert!(body.contains("Enter a correct email address and password"), "refused like a wrong password");
    let (status, location, _) = production.get_as("/coordinator", &cookie).await;
    assert_eq!(status, 302, "its session from demo mode has ended");
    assert!(location.unwrap().starts_with("/coordinator/login"));
}

// 8. Dates near chrono's limits -----------------------------------------------------------

#[tokio::test]
async fn coordinator_dates_out_of_range_are_field_errors_never_a_dropped_connection() {
    let app = TestApp::spawn().await;
    let cookie = app.coordinator_cookie("coordinator").await;
    for date in ["9999-12-31", "262143-12-31", "+262143-12-31", "-0001-01-01"] {
        let taster = [
            ("date", date),
            ("start", "23:59"),
            ("minutes", "240"),
            ("zoom_url", "https://zoom.us/j/91273431323"),
            ("meeting_id", "912 7343 1323"),
            ("passcode", "114640"),
        ];
        let (status, _, body) = app.post_as("/coordinator/tasters", &cookie, &taster).await;
        assert_eq!(status, 200, "{date}");
        assert!(body.contains("There is a problem") && body.contains("Enter the date"), "{date}");
        let cohort = [
            ("name", "Far future"),
            ("first_date", date),
            ("start", "10:00"),
            ("minutes", "120"),
            ("meeting_count", "52"),
            ("capacity", "12"),
            ("status", "open"),
        ];
        let (status, _, body) = app.post_as("/coordinator/cohorts", &cookie, &cohort).await;
        assert_eq!(status, 200, "{date}");
        assert!(body.contains("There is a problem"), "{date}");
    }
    for weeks in ["0", "53"] {
        let cohort = [
            ("name", "Weeks"),
            ("first_date", "2027-01-05"),
            ("start", "10:00"),
            ("minutes", "120"),
            ("meeting_count", weeks),
            ("capacity", "12"),
            ("status", "open"),
        ];
        let (status, _, body) = app.post_as("/coordinator/cohorts", &cookie, &cohort).await;
        assert_eq!(status, 200, "{weeks} weeks");
        assert!(body.contains("from 1 to 52"), "{weeks} weeks");
    }
    let (status, _) = app.get("/tasters?day=262143-12-31").await;
    assert_eq!(status, 200, "a day in the address far outside the calendar is ignored");
    assert!(app.store.all_tasters().await.unwrap().is_empty() && app.store.cohorts(true).await.unwrap().is_empty());
}

// 9. Look-alike emails --------------------------------------------------------------------

#[tokio::test]
async fn look_alike_spellings_of_one_email_are_one_person_and_invisible_characters_are_refused() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(10, CODE).await;
    let (status, _) = app.post_json("/api/v1/applications", &api_application("sam.jones@nhs.net", None)).await;
    assert_eq!(status, 201);
    for same in ["ｓａｍ.jones@nhs.net", "SAM.JONES@NHS.NET", "ｓａｍ．ｊｏｎｅｓ＠ｎｈｓ．ｎｅｔ"] {
        let (status, body) = app.post_json("/api/v1/applications", &api_application(same, None)).await;
        assert_eq!(status, 409, "{same}: {body}");
    }
    let (status, _) = app.post_json("/api/v1/applications", &api_application("strauß@nhs.net", None)).await;
    assert_eq!(status, 201);
    let (status, _) = app.post_json("/api/v1/applications", &api_application("STRAUSS@nhs.net", None)).await;
    assert_eq!(status, 409, "ß folds to ss");
    for hidden in ["sam.jones\u{AD}@nhs.net", "sam.jo\u{200B}nes@nhs.net", "\u{FEFF}sam.jones@nhs.net"] {
        let (status, body) = app.post_json("/api/v1/applications", &api_application(hidden, None)).await;
        assert_eq!(status, 422, "{hidden:?}");
        assert!(body["errors"]["email"].as_str().unwrap().contains("hidden or unusual character"), "{body}");
    }
    assert_eq!(app.application_count().await, 2);
}

// 10. A writer that cannot commit ---------------------------------------------------------

#[tokio::test]
async fn health_says_503_while_the_writer_cannot_commit_and_the_writer_recovers_its_connection() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(10, CODE).await;
    let (status, _) = app.get("/healthz").await;
    assert_eq!(status, 200);

    app.store.refuse_writes().await.unwrap();
    let (status, body) = app.get("/healthz").await;
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("\"writes\":\"failing\""), "{body}");
    let (status, body) = app.post_json("/api/v1/applications", &api_application("sam@nhs.net", None)).await;
    assert_eq!(status, 503, "a clear 'unavailable', not a 500: {body}");
    assert_eq!(app.application_count().await, 0);

    // The connection goes away altogether: the writer opens a new one by itself.
    app.store.lose_writer_connection().await;
    let (status, body) = app.post_json("/api/v1/applications", &api_application("sam@nhs.net", None)).await;
    assert_eq!(status, 201, "{body}");
    let (status, _) = app.get("/healthz").await;
    assert_eq!(status, 200);
}

// Rate limits and trusted proxies -------------------------------------------------------

#[tokio::test]
async fn public_writes_past_the_rate_limit_get_429_with_when_to_retry() {
    let limits = LimitSettings { write_burst: 3, writes_per_second: 1, ..LimitSettings::default() };
    let app = TestApp::spawn_limited(limits).await;
    app.add_cohort_and_taster(10, CODE).await;
    for n in 0..3 {
        let (status, _) = app.post_json("/api/v1/applications", &api_application(&format!("p{n}@nhs.net"), None)).await;
        assert_eq!(status, 201);
    }
    let res = app
        .client
        .post(app.url("/api/v1/applications"))
        .json(&api_application("p9@nhs.net", None))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 429);
    assert!(res.headers().contains_key("retry-after"));
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("try again"));
    let (status, _) = app.get("/api/v1/cohorts").await;
    assert_eq!(status, 200, "reading is not limited");
    for _ in 0..3 {
        app.post_form("/join", &[("name", "")]).await;
    }
    let (status, _, body) = app.post_form("/join", &[("name", "")]).await;
    assert_eq!(status, 429);
    assert!(body.contains("<h1>Too many requests</h1>"));
}

#[tokio::test]
async fn the_default_limits_let_a_hospitals_worth_of_applications_from_one_address_through() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(20, CODE).await;
    use futures::StreamExt;
    let posts = futures::stream::iter(0..2000).map(|n| {
        let app = &app;
        async move { app.post_json("/api/v1/applications", &api_application(&format!("n{n}@nhs.net"), Some(CODE))).await.0 }
    });
    let statuses: Vec<u16> = posts.buffer_unordered(200).collect().await;
    assert!(statuses.iter().all(|s| *s == 201), "{:?}", statuses.iter().filter(|s| **s != 201).take(5).collect::<Vec<_>>());
}

#[tokio::test]
async fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
    let post = |app: &TestApp, from: &'static str, n: u32| {
        let request = app
            .client
            .post(app.url("/api/v1/applications"))
            .header("x-forwarded-for", from)
            .json(&api_application(&format!("q{n}@nhs.net"), None));
        async move { request.send().await.unwrap().status().as_u16() }
    };
    let trusted = LimitSettings { write_burst: 2, writes_per_second: 1, ..behind_a_proxy() };
    let app = TestApp::spawn_limited(trusted).await;
    app.add_cohort_and_taster(10, CODE).await;
    assert_eq!([post(&app, "198.51.100.1", 1).await, post(&app, "198.51.100.1", 2).await], [201, 201]);
    assert_eq!(post(&app, "198.51.100.1", 3).await, 429, "that client is over its limit");
    assert_eq!(post(&app, "198.51.100.2", 4).await, 201, "another client behind the proxy is not");

    let untrusted = LimitSettings { write_burst: 2, writes_per_second: 1, ..LimitSettings::default() };
    let app = TestApp::spawn_limited(untrusted).await;
    app.add_cohort_and_taster(10, CODE).await;
    post(&app, "198.51.100.1", 1).await;
    post(&app, "198.51.100.2", 2).await;
    assert_eq!(post(&app, "198.51.100.3", 3).await, 429, "a header from an untrusted peer changes nothing");
}

#[tokio::test]
async fn json_errors_name_the_field_for_a_refused_code_too() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(10, CODE).await;
    let (status, body) =
        app.post_json("/api/v1/applications", &json!({ "email": "x@nhs.net", "attendance_code": "<script>" })).await;
    assert_eq!(status, 422);
    assert!(body["errors"]["attendance_code"].is_string());
}
