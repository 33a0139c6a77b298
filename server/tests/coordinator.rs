//! The coordinator area over HTTP: signing in and out, session limits, throttling, every
//! endpoint refusing those without the right role (and changing nothing), taster sessions and
//! their codes, cohorts and capacity, the Zoom report match queue, CSV export and the audit log.

mod common;

use app::store::db::{sql, sql_assembled};
use common::{api_application, TestApp};

/// Rows in the tables a coordinator can change: nothing may move when a request is refused.
async fn fingerprint(app: &TestApp) -> Vec<String> {
    let raw = app.raw().await;
    let mut counts = Vec::new();
    for table in ["taster_session", "cohort", "application", "attendance", "coordinator", "audit_log", "zoom_import"] {
        let count: i64 = sql_assembled(format!("SELECT count(*) FROM {table}")).scalar(&raw).await.unwrap();
        counts.push(count.to_string());
    }
    let sums: (i64, i64, String, String) =
        sql("SELECT (SELECT CAST(coalesce(sum(capacity), 0) AS BIGINT) FROM cohort),
                (SELECT count(*) FROM coordinator WHERE disabled_at IS NOT NULL),
                (SELECT coalesce(string_agg(status || attendance_code, ',' ORDER BY id), '') FROM taster_session),
                (SELECT coalesce(string_agg(password_hash, ',' ORDER BY id), '') FROM coordinator)")
        .fetch_one(&raw)
        .await
        .unwrap();
    counts.extend([sums.0.to_string(), sums.1.to_string(), sums.2, sums.3]);
    counts
}

#[tokio::test]
async fn signing_in_sets_a_strict_http_only_cookie_and_signing_out_ends_the_session() {
    let app = TestApp::spawn_demo().await;
    let (email, password) = app.add_coordinator("coordinator").await;
    let res = app
        .client
        .post(app.url("/coordinator/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("email={}&password={}", common::encode(&email), common::encode(&password)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(res.headers()["location"], "/coordinator");
    let set_cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"), "{set_cookie}");
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    assert_eq!(cookie.split('=').nth(1).unwrap().len(), 64, "a 256-bit secret");

    let (status, _, body) = app.get_as("/coordinator", &cookie).await;
    assert_eq!(status, 200);
    assert!(body.contains("Dashboard") && body.contains("From taster to place"));

    let (status, location, _) = app.post_as("/coordinator/logout", &cookie, &[]).await;
    assert_eq!((status, location.as_deref()), (303, Some("/coordinator/login?done=signed-out")));
    let (status, location, _) = app.get_as("/coordinator", &cookie).await;
    assert_eq!(status, 302, "the old cookie no longer works");
    assert!(location.unwrap().starts_with("/coordinator/login"));
}

#[tokio::test]
async fn a_wrong_email_and_a_wrong_password_get_the_same_message() {
    let app = TestApp::spawn().await;
    let (email, _) = app.add_coordinator("coordinator").await;
    let (_, _, wrong_password) =
        app.post_form("/coordinator/login", &[("email", &email), ("password", "not the password")]).await;
    let (_, _, wrong_email) = app
        .post_form("/coordinator/login", &[("email", "nobody@example.nhs.uk"), ("password", "whatever it is")])
        .await;
    for body in [&wrong_password, &wrong_email] {
        assert!(body.contains("Enter a correct email address and password"));
        assert!(body.contains("There is a problem"));
    }
}

#[tokio::test]
async fn repeated_failures_lock_the_account_for_a_while_even_for_the_right_password() {
    let app = TestApp::spawn().await;
    let (email, password) = app.add_coordinator("coordinator").await;
    for _ in 0..5 {
        app.post_form("/coordinator/login", &[("email", &email), ("password", "wrong guess")]).await;
    }
    let (status, _, body) = app.post_form("/coordinator/login", &[("email", &email), ("password", &password)]).await;
    assert_eq!(status, 200, "no session");
    assert!(body.contains("Too many attempts"), "{body}");
}

#[tokio::test]
async fn a_session_ends_after_30_minutes_idle_or_12_hours_in_all() {
    let app = TestApp::spawn().await;
    let cookie = app.coordinator_cookie("coordinator").await;
    let raw = app.raw().await;
    sql("UPDATE coordinator_session SET last_seen_at = $1")
        .bind(chrono::Utc::now() - chrono::Duration::minutes(31))
        .execute(&raw)
        .await
        .unwrap();
    assert_eq!(app.get_as("/coordinator", &cookie).await.0, 302, "idle too long");

    let cookie = app.coordinator_cookie("coordinator").await;
    sql("UPDATE coordinator_session SET expires_at = $1")
        .bind(chrono::Utc::now() - chrono::Duration::seconds(1))
        .execute(&raw)
        .await
        .unwrap();
    assert_eq!(app.get_as("/coordinator", &cookie).await.0, 302, "past the absolute limit");
    let left: i64 = sql("SELECT count(*) FROM coordinator_session").scalar(&raw).await.unwrap();
    assert_eq!(left, 0, "expired sessions are deleted");
}

#[tokio::test]
async fn every_coordinator_action_refuses_anonymous_and_under_privileged_requests_and_changes_nothing() {
    let app = TestApp::spawn_demo().await;
    let coordinator = app.coordinator_cookie("coordinator").await;
    let before = fingerprint(&app).await;
    for action in app::actions::ACTIONS {
        let (method, role) = (action.method.as_str(), action.role);
        let path = action.path.replace("{id}", "1");
        let fields = [
            ("taster_session_id", "1"),
            ("cohort_id", "2"),
            ("name", "Mallory"),
            ("email", "m@nhs.net"),
            ("role", "admin"),
            ("date", "2027-01-01"),
            ("start", "10:00"),
            ("minutes", "60"),
            ("zoom_url", "https://zoom.us/j/1"),
            ("meeting_id", "123456789"),
            ("passcode", "1"),
            ("capacity", "0"),
            ("status", "closed"),
            ("first_date", "2027-01-01"),
            ("meeting_count", "6"),
            ("meeting", "2027-01-01T10:00"),
            ("current_password", "a long test password"),
            ("new_password", "a different long password"),
            ("confirm_password", "a different long password"),
        ];
        let send = |cookie: Option<&str>| {
            let mut request =
                if method == "GET" { app.client.get(app.url(&path)) } else { app.client.post(app.url(&path)) };
            if let Some(cookie) = cookie {
                request = request.header("cookie", cookie);
            }
            request
                .header("content-type", "application/x-www-form-urlencoded")
                .body(fields.iter().map(|(k, v)| format!("{k}={}", common::encode(v))).collect::<Vec<_>>().join("&"))
                .send()
        };
        let anonymous = send(None).await.unwrap();
        assert_eq!(anonymous.status().as_u16(), 303, "{method} {path} anonymous");
        assert_eq!(anonymous.headers()["location"], "/coordinator/login", "{method} {path}");
        if role == app::models::Role::Admin {
            let refused = send(Some(&coordinator)).await.unwrap();
            assert_eq!(refused.status().as_u16(), 403, "{method} {path} as a coordinator");
        }
        assert_eq!(fingerprint(&app).await, before, "{method} {path} changed something");
    }
}

#[tokio::test]
async fn every_coordinator_server_function_refuses_anonymous_callers() {
    let app = TestApp::spawn_demo().await;
    let admin_only = ["/api/coordinator/audit", "/api/coordinator/accounts"];
    let coordinator = app.coordinator_cookie("coordinator").await;
    let mut checked = 0;
    for (path, _) in server_fn::axum::server_fn_paths() {
        if !path.starts_with("/api/coordinator/") || path.ends_with("/me") || path.ends_with("/login_page") {
            continue;
        }
        checked += 1;
        let args = "id=1&page=0&filter[q]=";
        let post = |cookie: Option<&str>| {
            let mut request =
                app.client.post(app.url(path)).header("content-type", "application/x-www-form-urlencoded").body(args);
            if let Some(cookie) = cookie {
                request = request.header("cookie", cookie);
            }
            request.send()
        };
        let status = post(None).await.unwrap().status().as_u16();
        assert_eq!(status, 401, "{path} anonymous");
        if admin_only.contains(&path) {
            assert_eq!(post(Some(&coordinator)).await.unwrap().status().as_u16(), 403, "{path} as a coordinator");
        }
    }
    assert!(checked >= 10, "only {checked} server functions found");
}

#[tokio::test]
async fn a_coordinator_adds_a_taster_session_that_the_calendar_shows_and_reveals_its_code() {
    let app = TestApp::spawn_demo().await;
    let cookie = app.coordinator_cookie("coordinator").await;
    let (status, location, _) = app
        .post_as(
            "/coordinator/tasters",
            &cookie,
            &[
                ("date", "2027-01-13"),
                ("start", "12:30"),
                ("minutes", "60"),
                ("zoom_url", "https://zoom.us/j/11122233344"),
                ("meeting_id", "111 2223 3344"),
                ("passcode", "777888"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let location = location.unwrap();
    assert!(location.ends_with("?done=created"), "{location}");
    let id: i64 = location.trim_start_matches("/coordinator/tasters/").split('?').next().unwrap().parse().unwrap();
    let session = app.store.taster_admin(id).await.unwrap().unwrap();
    assert_eq!(session.session.when_uk, "Wednesday 13 January 2027, 12:30pm to 1:30pm");

    let (_, body) = app.get("/tasters?month=2027-01").await;
    assert!(body.contains("111 2223 3344"));
    assert!(!body.contains(&session.attendance_code), "the code stays private");
    let (status, _, body) = app.get_as(&format!("/coordinator/tasters/{id}/code"), &cookie).await;
    assert_eq!(status, 200);
    assert!(body.contains(&session.attendance_code));
    let (status, _, _) = app.get_as(&format!("/coordinator/tasters/{id}/code"), "").await;
    assert_eq!(status, 302, "anonymous visitors are sent to sign in");

    app.post_as(&format!("/coordinator/tasters/{id}/cancel"), &cookie, &[]).await;
    let (_, body) = app.get(&format!("/tasters/{id}")).await;
    assert!(body.contains("This session is cancelled"));
}

#[tokio::test]
async fn a_taster_form_with_problems_comes_back_with_them_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let cookie = app.coordinator_cookie("coordinator").await;
    let before = fingerprint(&app).await;
    let (status, _, body) = app
        .post_as("/coordinator/tasters", &cookie, &[("date", "2027-02-30"), ("zoom_url", "http://zoom.us/j/1")])
        .await;
    assert_eq!(status, 200);
    assert!(body.contains("There is a problem") && body.contains("starting with https://"));
    assert!(body.contains("<title>Error: Add a taster session"));
    assert_eq!(fingerprint(&app).await, before);
}

#[tokio::test]
async fn capacity_cannot_drop_below_the_places_given_and_raising_it_offers_places() {
    let app = TestApp::spawn().await;
    let cohort = app.add_cohort_and_taster(1, "willow27").await;
    let cookie = app.coordinator_cookie("coordinator").await;
    app.post_json("/api/v1/applications", &api_application("a@nhs.net", Some("willow27"))).await;
    let (_, waiting) = app.post_json("/api/v1/applications", &api_application("b@nhs.net", Some("willow27"))).await;
    let meetings: Vec<String> = app.store.cohorts_admin().await.unwrap()[0].meetings_uk.clone();
    let mut fields = vec![("name", "March 2027 · Monday evenings"), ("minutes", "120"), ("status", "open")];
    for m in &meetings {
        fields.push(("meeting", m));
    }
    let path = format!("/coordinator/cohorts/{cohort}");

    let mut lower = fields.clone();
    lower.push(("capacity", "0"));
    let (status, _, body) = app.post_as(&path, &cookie, &lower).await;
    assert_eq!(status, 200);
    assert!(body.contains("Capacity cannot be less than the 1 places already allocated or offered"), "{body}");

    let mut raise = fields.clone();
    raise.push(("capacity", "2"));
    let (status, location, _) = app.post_as(&path, &cookie, &raise).await;
    assert_eq!((status, location), (303, Some(format!("{path}?done=saved"))));
    let now = app.store.application_status(waiting["status_token"].as_str().unwrap()).await.unwrap();
    assert_eq!(now.state.as_str(), "offered", "the new place went to the waiting list at once");
}

/// The report's id in the address an upload redirects to.
fn import_id_of(location: &str) -> i64 {
    location.trim_start_matches("/coordinator/attendance/").split('?').next().unwrap().parse().unwrap()
}

/// Uploads a real Zoom report, its dates moved to the session's day (a report of another day
/// is refused).
async fn upload(app: &TestApp, cookie: &str, taster: i64, file: &str) -> reqwest::Response {
    let day = app.store.taster(taster).await.unwrap().unwrap().uk_day.format("%m/%d/%Y").to_string();
    let text = std::fs::read_to_string(format!("{}/../app/tests/fixtures/zoom/{file}", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_default();
    upload_bytes(app, cookie, taster, file, text.replace("11/29/2023", &day).replace("12/12/2023", &day).into_bytes())
        .await
}

/// Uploads a file as it is.
async fn upload_bytes(app: &TestApp, cookie: &str, taster: i64, file: &str, bytes: Vec<u8>) -> reqwest::Response {
    let form = reqwest::multipart::Form::new().text("taster_session_id", taster.to_string()).part(
        "report",
        reqwest::multipart::Part::bytes(bytes).file_name(file.to_string()).mime_str("text/csv").unwrap(),
    );
    app.client.post(app.url("/coordinator/attendance")).header("cookie", cookie).multipart(form).send().await.unwrap()
}

#[tokio::test]
async fn a_zoom_report_builds_a_match_queue_and_confirming_makes_the_application_eligible() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(5, "willow27").await;
    let taster = app.store.all_tasters().await.unwrap()[0].id;
    let cookie = app.coordinator_cookie("coordinator").await;
    let mut amina = api_application("AMINA.KHAN@example.nhs.uk", None);
    amina["name"] = "Amina Khan".into();
    let (_, amina) = app.post_json("/api/v1/applications", &amina).await;
    let mut tom = api_application("tom.oneill@trust.nhs.uk", None);
    tom["name"] = "Tom O'Neill".into();
    app.post_json("/api/v1/applications", &tom).await;

    let res = upload(&app, &cookie, taster, "participants-with-meeting-header.csv").await;
    assert_eq!(res.status().as_u16(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let (status, _, queue) = app.get_as(&location, &cookie).await;
    assert_eq!(status, 200);
    assert!(queue.contains("matched by email") && queue.contains("matched by name"), "{queue}");
    assert!(queue.contains("iPhone (2)") && queue.contains("No match"));
    assert!(!queue.contains("Course Team"), "the host is left out");

    let import_id = import_id_of(&location);
    let detail = app.store.import(import_id).await.unwrap().unwrap();
    let amina_row = detail.attendees.iter().find(|a| a.name == "Amina Khan").unwrap();
    let (status, _, _) = app
        .post_as(
            &format!("/coordinator/attendance/attendees/{}/confirm", amina_row.id),
            &cookie,
            &[("import_id", &import_id.to_string())],
        )
        .await;
    assert_eq!(status, 303);
    let now = app.store.application_status(amina["status_token"].as_str().unwrap()).await.unwrap();
    assert_eq!(now.state.as_str(), "allocated", "confirmed attendance made it eligible and placed it");
}

#[tokio::test]
async fn a_file_that_is_not_a_zoom_report_is_refused_with_a_clear_message_and_nothing_imported() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(5, "willow27").await;
    let taster = app.store.all_tasters().await.unwrap()[0].id;
    let cookie = app.coordinator_cookie("coordinator").await;
    let before = fingerprint(&app).await;
    let res = upload(&app, &cookie, taster, "malformed.csv").await;
    assert_eq!(res.status().as_u16(), 200);
    let body = res.text().await.unwrap();
    assert!(body.contains("This file is not a Zoom participant report"), "{body}");
    assert_eq!(fingerprint(&app).await, before);
}

#[tokio::test]
async fn the_applications_table_is_read_a_page_at_a_time_and_the_export_has_every_page() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(5, "willow27").await;
    let cookie = app.coordinator_cookie("coordinator").await;
    for n in 0..230 {
        let (status, _) =
            app.post_json("/api/v1/applications", &api_application(&format!("page{n}@nhs.net"), None)).await;
        assert_eq!(status, 201);
    }
    let rows = |html: &str| html.matches("<th scope=\"row\" data-label=\"Reference\">").count();
    let (status, _, first) = app.get_as("/coordinator/applications", &cookie).await;
    assert_eq!(status, 200);
    assert!(first.contains("230 applications · showing 1 to 100"), "{first}");
    assert_eq!(rows(&first), 100);
    assert!(first.contains("rel=\"next\"") && !first.contains("rel=\"prev\""), "page 1 links on, not back");
    assert!(first.contains("aria-current=\"page\""));
    let (_, _, last) = app.get_as("/coordinator/applications?sort=submitted&dir=asc&page=3", &cookie).await;
    assert!(last.contains("230 applications · showing 201 to 230"), "{last}");
    assert_eq!(rows(&last), 30);
    assert!(last.contains("rel=\"prev\"") && !last.contains("rel=\"next\""), "the last page links back, not on");
    assert!(
        last.contains("href=\"/coordinator/applications?sort=submitted&amp;dir=asc&amp;page=2\""),
        "the filter is kept"
    );
    // Oldest first: the last page holds the newest, ending with the last to apply.
    assert!(last.contains("page229@nhs.net") && !last.contains("page0@nhs.net"));
    let (_, _, beyond) = app.get_as("/coordinator/applications?page=99", &cookie).await;
    assert!(beyond.contains("showing 201 to 230"), "a page past the end shows the last");
    let (_, _, csv) = app.get_as("/coordinator/applications.csv?page=2", &cookie).await;
    assert_eq!(csv.lines().count(), 231, "a header and every application");
}

#[tokio::test]
async fn the_csv_export_quotes_properly_and_neutralises_formulas() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(5, "willow27").await;
    let cookie = app.coordinator_cookie("coordinator").await;
    let mut risky = api_application("risky@nhs.net", None);
    risky["name"] = "Patel, Raj".into();
    risky["employer"] = "=HYPERLINK(\"http://evil.example\",\"click\")".into();
    app.post_json("/api/v1/applications", &risky).await;
    let (status, _, csv) = app.get_as("/coordinator/applications.csv?q=risky", &cookie).await;
    assert_eq!(status, 200);
    assert!(
        csv.starts_with("\u{FEFF}Reference,Name,Work email,Job title,Employer"),
        "a byte-order mark, then the header"
    );
    assert!(csv.contains("\"Patel, Raj\""), "{csv}");
    assert!(csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\""), "{csv}");
    assert_eq!(csv.lines().count(), 2, "the filter applies");
}

#[tokio::test]
async fn the_csv_export_has_every_field_in_words_with_iso_uk_times() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(1, "willow27").await;
    let cookie = app.coordinator_cookie("coordinator").await;
    let mut first = api_application("first@nhs.net", Some("willow27"));
    first["nurse_advocate"] = "in_training".into();
    first["access_needs"] = "Captions, please".into();
    first["job_title"] = "Charge nurse".into();
    let (status, _) = app.post_json("/api/v1/applications", &first).await;
    assert_eq!(status, 201);
    let (status, _) = app.post_json("/api/v1/applications", &api_application("second@nhs.net", Some("willow27"))).await;
    assert_eq!(status, 201);
    let (_, _, csv) = app.get_as("/coordinator/applications.csv?sort=submitted&dir=asc", &cookie).await;
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{FEFF}').as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let cell = |row: usize, column: &str| rows[row][header.iter().position(|h| h == column).unwrap()].to_string();
    assert_eq!(rows.len(), 2);
    assert_eq!(cell(0, "Job title"), "Charge nurse");
    assert_eq!(cell(0, "Nurse advocate"), "in training");
    assert_eq!(cell(0, "Access needs"), "Captions, please");
    assert_eq!(cell(0, "Courses chosen (in order)"), "any course");
    assert_eq!(cell(0, "Attendance confirmed by"), "attendance code");
    assert_eq!(cell(0, "State"), "allocated");
    assert_eq!(cell(1, "State"), "waiting list");
    assert!(cell(1, "Waiting list position").starts_with("1 for "), "{}", cell(1, "Waiting list position"));
    let applied = cell(0, "Applied (UK time)");
    assert!(
        chrono::DateTime::parse_from_rfc3339(&applied).is_ok()
            && (applied.ends_with("+00:00") || applied.ends_with("+01:00")),
        "ISO 8601 with the UK offset: {applied}"
    );
    assert!(!cell(0, "Taster session attended (UK time)").is_empty());
}

#[tokio::test]
async fn coordinator_actions_are_audited_and_the_log_cannot_be_changed() {
    let app = TestApp::spawn_demo().await;
    let admin = app.coordinator_cookie("admin").await;
    let (_, body) = app.post_json("/api/v1/applications", &api_application("audit@nhs.net", None)).await;
    let token = body["status_token"].as_str().unwrap();
    let raw = app.raw().await;
    let id: i64 = sql("SELECT id FROM application WHERE status_token = $1").bind(token).scalar(&raw).await.unwrap();
    app.post_as(&format!("/coordinator/applications/{id}/withdraw"), &admin, &[]).await;

    let (status, _, log) = app.get_as("/coordinator/audit", &admin).await;
    assert_eq!(status, 200);
    assert!(log.contains("Withdrew the application on the applicant’s behalf"), "the action in words");
    assert!(log.contains("state: Awaiting attendance check → Withdrawn"), "before and after, in words");
    assert!(
        log.contains("(coordinator)") && log.contains("Applied") && log.contains("The applicant"),
        "the applicant's own action too"
    );
    let (_, _, filtered) = app.get_as("/coordinator/audit?who=applicant", &admin).await;
    assert!(filtered.contains("Applied") && !filtered.contains("Withdrew the application on"), "filtered by who");

    assert!(sql("UPDATE audit_log SET action = 'nothing'").execute(&raw).await.is_err());
    assert!(sql("DELETE FROM audit_log").execute(&raw).await.is_err());

    let coordinator = app.coordinator_cookie("coordinator").await;
    let (status, _, _) = app.get_as("/coordinator/audit", &coordinator).await;
    assert_eq!(status, 403, "only admins read the audit log");
}

#[tokio::test]
async fn an_admin_adds_an_account_that_can_sign_in_and_disabling_it_ends_its_sessions() {
    let app = TestApp::spawn().await;
    let admin = app.coordinator_cookie("admin").await;
    let (status, _, page) = app
        .post_as(
            "/coordinator/accounts",
            &admin,
            &[("name", "Nia Newby"), ("email", "nia@example.nhs.uk"), ("role", "coordinator")],
        )
        .await;
    assert_eq!(status, 200);
    // The one-time password: six groups of four letters and digits.
    let password = page
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .find(|w| w.len() == 29 && w.split('-').count() == 6 && w.split('-').all(|g| g.len() == 4))
        .expect("the one-time password")
        .to_string();
    let cookie = app.sign_in("nia@example.nhs.uk", &password).await;
    assert_eq!(app.get_as("/coordinator", &cookie).await.0, 200);

    let id = app
        .store
        .coordinators()
        .await
        .unwrap()
        .into_iter()
        .find(|(u, _)| u.email == "nia@example.nhs.uk")
        .unwrap()
        .0
        .id;
    let (status, _, _) = app.post_as(&format!("/coordinator/accounts/{id}/disable"), &admin, &[]).await;
    assert_eq!(status, 303);
    assert_eq!(app.get_as("/coordinator", &cookie).await.0, 302, "the disabled account's session ended");
    let (_, _, again) =
        app.post_form("/coordinator/login", &[("email", "nia@example.nhs.uk"), ("password", &password)]).await;
    assert!(again.contains("Enter a correct email address and password"));
}

#[tokio::test]
async fn a_coordinator_changes_their_password_and_their_other_sessions_end() {
    let app = TestApp::spawn().await;
    let (email, password) = app.add_coordinator("coordinator").await;
    let here = app.sign_in(&email, &password).await;
    let elsewhere = app.sign_in(&email, &password).await;
    let (status, _, page) = app.get_as("/coordinator/password", &here).await;
    assert_eq!(status, 200);
    assert!(page.contains("Change your password") && page.contains(&email));

    let new = "seven unrelated words for a passphrase";
    let (status, location, _) = app
        .post_as(
            "/coordinator/password",
            &here,
            &[("current_password", &password), ("new_password", new), ("confirm_password", new)],
        )
        .await;
    assert_eq!((status, location.as_deref()), (303, Some("/coordinator/password?done=changed")));
    assert_eq!(app.get_as("/coordinator", &here).await.0, 200, "this session goes on");
    assert_eq!(app.get_as("/coordinator", &elsewhere).await.0, 302, "the other session ended");
    let (_, _, refused) = app.post_form("/coordinator/login", &[("email", &email), ("password", &password)]).await;
    assert!(refused.contains("Enter a correct email address and password"), "the old password no longer works");
    app.sign_in(&email, new).await;

    // The audit log says it changed, and never holds a hash.
    let raw = app.raw().await;
    let after: String =
        sql("SELECT after_json FROM audit_log WHERE action = 'coordinator.password'").scalar(&raw).await.unwrap();
    assert!(after.contains("\"other_sessions_ended\":1") && !after.contains("argon2"), "{after}");
}

#[tokio::test]
async fn wrong_current_passwords_count_against_the_account_like_sign_in_attempts() {
    let app = TestApp::spawn().await;
    let (email, password) = app.add_coordinator("coordinator").await;
    let cookie = app.sign_in(&email, &password).await;
    let new = "a good long new password";
    let change = |current: &str| {
        let current = current.to_string();
        let (app, cookie) = (&app, &cookie);
        async move {
            app.post_as(
                "/coordinator/password",
                cookie,
                &[("current_password", &current), ("new_password", new), ("confirm_password", new)],
            )
            .await
            .2
        }
    };
    for _ in 0..5 {
        assert!(change("a wrong guess").await.contains("Your current password is not right"));
    }

    // Stored with the account, so it holds across restarts and servers, not only in this one's memory.
    let raw = app.raw().await;
    let (failed, locked): (i64, Option<chrono::DateTime<chrono::Utc>>) =
        sql("SELECT failed_logins, locked_until FROM coordinator WHERE email_key = $1")
            .bind(email.to_lowercase())
            .fetch_one(&raw)
            .await
            .unwrap();
    assert_eq!(failed, 5);
    assert!(locked.is_some(), "the account is locked for a while");
    assert!(change(&password).await.contains("Too many wrong passwords"), "even the right password waits");
    let (_, _, body) = app.post_form("/coordinator/login", &[("email", &email), ("password", &password)]).await;
    assert!(body.contains("Too many attempts"), "sign-in is locked too");
}

#[tokio::test]
async fn a_password_change_with_problems_names_each_field_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let (email, password) = app.add_coordinator("coordinator").await;
    let cookie = app.sign_in(&email, &password).await;
    let before = fingerprint(&app).await;

    let (status, _, page) = app
        .post_as(
            "/coordinator/password",
            &cookie,
            &[("current_password", ""), ("new_password", "short"), ("confirm_password", "other")],
        )
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("<title>Error: Change your password"), "the title says there is a problem");
    assert!(page.contains("There is a problem"));
    assert!(page.contains("href=\"#current-password\"") && page.contains("Enter your current password"));
    assert!(page.contains("The password must be at least 12 characters long"));
    assert!(page.contains("The two new passwords are different"));
    assert!(!page.contains("value=\"short\""), "passwords are never sent back");

    let new = "a good long new password";
    let (_, _, wrong) = app
        .post_as(
            "/coordinator/password",
            &cookie,
            &[("current_password", "not my password at all"), ("new_password", new), ("confirm_password", new)],
        )
        .await;
    assert!(wrong.contains("Your current password is not right"));
    assert_eq!(fingerprint(&app).await, before, "nothing changed");
    app.sign_in(&email, &password).await;
}

#[tokio::test]
async fn email_matches_are_confirmed_in_one_action_short_stays_flagged_and_problems_shown_as_errors() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(5, "willow27").await;
    let taster = app.store.all_tasters().await.unwrap()[0].id;
    let cookie = app.coordinator_cookie("coordinator").await;
    for (name, email) in
        [("Amina Khan", "amina.khan@example.nhs.uk"), ("Siobhán Murphy", "siobhan.murphy@example.nhs.uk")]
    {
        let mut applicant = api_application(email, None);
        applicant["name"] = name.into();
        app.post_json("/api/v1/applications", &applicant).await;
    }
    let res = upload(&app, &cookie, taster, "participants-with-meeting-header.csv").await;
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let import_id = import_id_of(&location);
    let (_, _, queue) = app.get_as(&location, &cookie).await;
    assert!(queue.contains("Confirm all 2 email matches"), "one action for every email match");
    // The test session lasts an hour: Siobhán's 5 minutes are a short stay, Amina's 62 are not.
    let row = |name: &str| {
        let start = queue.find(&format!(">{name}<")).unwrap_or_else(|| panic!("{name} in the queue"));
        queue[start..].split("</tr>").next().unwrap().to_string()
    };
    assert!(row("Siobhán Murphy").contains("Short stay"), "{}", row("Siobhán Murphy"));
    assert!(!row("Amina Khan").contains("Short stay"));
    assert!(queue.contains("Stays shorter than 30 of the session’s 60 minutes"));

    let detail = app.store.import(import_id).await.unwrap().unwrap();
    let nobody = detail.attendees.iter().find(|a| a.name == "iPhone (2)").unwrap();
    let (status, location, _) = app
        .post_as(
            &format!("/coordinator/attendance/attendees/{}/confirm", nobody.id),
            &cookie,
            &[("import_id", &import_id.to_string())],
        )
        .await;
    let location = location.unwrap();
    assert_eq!(status, 303);
    assert!(location.ends_with(&format!("#attendee-{}", nobody.id)), "back at the attendee's row: {location}");
    let (_, _, page) = app.get_as(location.split('#').next().unwrap(), &cookie).await;
    assert!(page.contains("There is a problem") && page.contains("Choose the application this attendee is"));
    assert!(!page.contains("notice--success"), "a problem is never shown as a success");

    let (status, location, _) =
        app.post_as(&format!("/coordinator/attendance/{import_id}/confirm-email-matches"), &cookie, &[]).await;
    assert_eq!(
        (status, location.unwrap()),
        (303, format!("/coordinator/attendance/{import_id}?done=confirmed-all&count=2"))
    );
    let detail = app.store.import(import_id).await.unwrap().unwrap();
    let confirmed: Vec<&str> = detail
        .attendees
        .iter()
        .filter(|a| a.state == app::models::AttendeeState::Confirmed)
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(confirmed.len(), 2, "{confirmed:?}");
    assert!(confirmed.contains(&"Amina Khan") && confirmed.contains(&"Siobhán Murphy"));
}

#[tokio::test]
async fn a_report_of_another_meeting_or_day_or_the_same_file_again_is_refused_before_anything_is_stored() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(5, "willow27").await;
    let taster = app.store.all_tasters().await.unwrap()[0].id;
    let cookie = app.coordinator_cookie("coordinator").await;
    let res = upload(&app, &cookie, taster, "participants-with-meeting-header.csv").await;
    assert_eq!(res.status().as_u16(), 303, "the first upload is taken");

    let before = fingerprint(&app).await;
    let res = upload(&app, &cookie, taster, "participants-with-meeting-header.csv").await;
    let body = res.text().await.unwrap();
    assert!(body.contains("This report was already uploaded for this session"), "{body}");
    assert_eq!(fingerprint(&app).await, before, "nothing stored the second time");

    // A report of another day (the fixture as exported, in 2023).
    let bytes = std::fs::read(format!(
        "{}/../app/tests/fixtures/zoom/participants-with-meeting-header.csv",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let res = upload_bytes(&app, &cookie, taster, "participants-with-meeting-header.csv", bytes).await;
    let body = res.text().await.unwrap();
    assert!(
        body.contains("This report is of a meeting on Wednesday 29 November 2023, but the session you chose is on"),
        "{body}"
    );
    assert_eq!(fingerprint(&app).await, before, "nothing stored for another day");

    let other = app.add_taster_at(chrono::Utc::now() - chrono::Duration::hours(3), "other-code").await;
    let raw = app.raw().await;
    sql("UPDATE taster_session SET meeting_id = '989 3314 4569' WHERE id = $1")
        .bind(other)
        .execute(&raw)
        .await
        .unwrap();
    let before = fingerprint(&app).await;
    let res = upload(&app, &cookie, other, "participants-with-meeting-header.csv").await;
    let body = res.text().await.unwrap();
    assert!(body.contains("This report is from Zoom meeting 91273431323") && body.contains("98933144569"), "{body}");
    assert_eq!(fingerprint(&app).await, before, "nothing stored for the wrong meeting");
}

#[tokio::test]
async fn a_confirmed_match_is_taken_back_from_a_waiting_applicant_but_a_place_given_stays() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(1, "willow27").await;
    let taster = app.store.all_tasters().await.unwrap()[0].id;
    let cookie = app.coordinator_cookie("coordinator").await;
    for (name, email) in
        [("Siobhán Murphy", "siobhan.murphy@example.nhs.uk"), ("Amina Khan", "amina.khan@example.nhs.uk")]
    {
        let mut applicant = api_application(email, None);
        applicant["name"] = name.into();
        assert_eq!(app.post_json("/api/v1/applications", &applicant).await.0, 201);
    }
    let res = upload(&app, &cookie, taster, "participants-with-meeting-header.csv").await;
    let import_id = import_id_of(res.headers()["location"].to_str().unwrap());
    let import = [("import_id", import_id.to_string())];
    let import: Vec<(&str, &str)> = import.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let attendee = |detail: &app::models::ImportDetail, name: &str| {
        detail.attendees.iter().find(|a| a.name == name).cloned().unwrap()
    };
    let detail = app.store.import(import_id).await.unwrap().unwrap();
    let (siobhan, amina) = (attendee(&detail, "Siobhán Murphy"), attendee(&detail, "Amina Khan"));
    // Siobhán takes the one place; Amina, confirmed next, waits.
    for who in [&siobhan, &amina] {
        app.post_as(&format!("/coordinator/attendance/attendees/{}/confirm", who.id), &cookie, &import).await;
    }
    let raw = app.raw().await;
    let state = |email: &'static str| {
        let raw = raw.clone();
        async move {
            sql("SELECT state FROM application WHERE email = $1").bind(email).scalar::<String>(&raw).await.unwrap()
        }
    };
    assert_eq!(state("siobhan.murphy@example.nhs.uk").await, "allocated");
    assert_eq!(state("amina.khan@example.nhs.uk").await, "waiting");

    // Amina's match was wrong: taking it back puts her application back to the attendance check.
    let (status, location, _) =
        app.post_as(&format!("/coordinator/attendance/attendees/{}/undo", amina.id), &cookie, &import).await;
    assert_eq!(
        (status, location.unwrap()),
        (303, format!("/coordinator/attendance/{import_id}?done=undone#attendee-{}", amina.id))
    );
    assert_eq!(state("amina.khan@example.nhs.uk").await, "awaiting_attendance");
    let detail = app.store.import(import_id).await.unwrap().unwrap();
    assert_eq!(attendee(&detail, "Amina Khan").state, app::models::AttendeeState::Pending, "to be decided again");
    let (attendance, told): (i64, i64) = sql(
        "SELECT (SELECT count(*) FROM attendance t JOIN application a ON a.id = t.application_id WHERE a.email = $1),
                (SELECT count(*) FROM outbox o JOIN application a ON a.id = o.application_id
                  WHERE a.email = $1 AND o.kind = 'attendance_undone')",
    )
    .bind("amina.khan@example.nhs.uk")
    .fetch_one(&raw)
    .await
    .unwrap();
    assert_eq!((attendance, told), (0, 1), "the attendance goes, and she is told");
    let undone: i64 =
        sql("SELECT count(*) FROM audit_log WHERE action = 'attendance.undo_confirm'").scalar(&raw).await.unwrap();
    assert_eq!(undone, 1, "audited");
    // The audit log names Amina's application by its reference, a link, not by a number.
    let (amina_id, reference): (i64, String) = sql("SELECT id, reference FROM application WHERE email = $1")
        .bind("amina.khan@example.nhs.uk")
        .fetch_one(&raw)
        .await
        .unwrap();
    let admin = app.coordinator_cookie("admin").await;
    let (_, _, log) = app.get_as("/coordinator/audit?what=attendance.undo_confirm", &admin).await;
    assert!(
        log.contains("Took back a confirmed Zoom match")
            && log.contains(&format!("href=\"/coordinator/applications/{amina_id}\""))
            && log.contains(&reference)
            && log.contains("application state: Waiting list → Awaiting attendance check")
            && !log.contains("application: "),
        "{log}"
    );

    // Siobhán's place rests on her match: it is never taken back, and the page says what to do.
    let before = fingerprint(&app).await;
    let (status, location, _) =
        app.post_as(&format!("/coordinator/attendance/attendees/{}/undo", siobhan.id), &cookie, &import).await;
    let location = location.unwrap();
    assert_eq!(status, 303);
    assert!(location.contains("problem=place-given"), "{location}");
    let (_, _, page) = app.get_as(location.split('#').next().unwrap(), &cookie).await;
    assert!(
        page.contains("places already given are never taken back")
            && page.contains(&format!("href=\"#undo-{}\"", siobhan.id)),
        "{page}"
    );
    assert_eq!(fingerprint(&app).await, before, "nothing changed");
    assert_eq!(state("siobhan.murphy@example.nhs.uk").await, "allocated");
}

#[tokio::test]
async fn unmatched_attendees_are_matched_again_on_demand_and_a_rejection_can_be_undone() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(5, "willow27").await;
    let taster = app.store.all_tasters().await.unwrap()[0].id;
    let cookie = app.coordinator_cookie("coordinator").await;
    let res = upload(&app, &cookie, taster, "participants-with-meeting-header.csv").await;
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let import_id = import_id_of(&location);
    let wei =
        |detail: &app::models::ImportDetail| detail.attendees.iter().find(|a| a.name == "Wei Chen").cloned().unwrap();
    assert!(wei(&app.store.import(import_id).await.unwrap().unwrap()).likely.is_none(), "no application yet");

    // Wei applies after the report was uploaded; matching again finds her by email.
    let mut applicant = api_application("wei.chen@example.nhs.uk", None);
    applicant["name"] = "Wei Chen".into();
    app.post_json("/api/v1/applications", &applicant).await;
    let (status, location, _) =
        app.post_as(&format!("/coordinator/attendance/{import_id}/rematch"), &cookie, &[]).await;
    assert_eq!(
        (status, location.unwrap()),
        (303, format!("/coordinator/attendance/{import_id}?done=rematched&count=1"))
    );
    let found = wei(&app.store.import(import_id).await.unwrap().unwrap());
    assert_eq!(found.likely.map(|l| l.kind), Some("email".to_string()));

    // A rejection is undone, and the attendee can be decided again.
    let import = [("import_id", import_id.to_string())];
    let import: Vec<(&str, &str)> = import.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post_as(&format!("/coordinator/attendance/attendees/{}/reject", found.id), &cookie, &import).await;
    assert_eq!(wei(&app.store.import(import_id).await.unwrap().unwrap()).state, app::models::AttendeeState::Rejected);
    let (status, location, _) =
        app.post_as(&format!("/coordinator/attendance/attendees/{}/undo", found.id), &cookie, &import).await;
    assert_eq!(status, 303);
    assert!(location.unwrap().ends_with(&format!("?done=undone#attendee-{}", found.id)));
    assert_eq!(wei(&app.store.import(import_id).await.unwrap().unwrap()).state, app::models::AttendeeState::Pending);
    let (_, location, _) =
        app.post_as(&format!("/coordinator/attendance/attendees/{}/undo", found.id), &cookie, &import).await;
    assert!(location.unwrap().contains("problem=already-decided"), "only a decided match is undone");

    // Confirm Wei, then delete the report: its rows go, her confirmed attendance stays.
    app.post_as(&format!("/coordinator/attendance/attendees/{}/confirm", found.id), &cookie, &import).await;
    let (status, location, _) = app.post_as(&format!("/coordinator/attendance/{import_id}/delete"), &cookie, &[]).await;
    assert_eq!((status, location.unwrap()), (303, "/coordinator/attendance?done=deleted".to_string()));
    assert!(app.store.import(import_id).await.unwrap().is_none(), "the report is gone");
    let raw = app.raw().await;
    let rows: i64 =
        sql("SELECT count(*) FROM zoom_attendee WHERE import_id = $1").bind(import_id).scalar(&raw).await.unwrap();
    assert_eq!(rows, 0, "its attendees' names and emails are gone");
    let kept: i64 = sql("SELECT count(*) FROM attendance WHERE source = 'zoom'").scalar(&raw).await.unwrap();
    assert_eq!(kept, 1, "the attendance it confirmed is kept");
}

#[tokio::test]
async fn a_date_typed_as_its_hint_says_is_taken_without_javascript() {
    let app = TestApp::spawn().await;
    let cookie = app.coordinator_cookie("coordinator").await;
    let form = [
        ("date", "27/03/2027"),
        ("start", "16:00"),
        ("minutes", "60"),
        ("zoom_url", "https://zoom.us/j/91273431323"),
        ("meeting_id", "912 7343 1323"),
        ("passcode", "114640"),
    ];
    let (status, _, body) = app.post_as("/coordinator/tasters", &cookie, &form).await;
    assert_eq!(status, 303, "{body}");
    let tasters = app.store.all_tasters().await.unwrap();
    assert_eq!(tasters.len(), 1);
    assert_eq!(tasters[0].uk_day.to_string(), "2027-03-27");
    let (_, _, page) = app.get_as("/coordinator/tasters/new", &cookie).await;
    assert!(page.contains("For example, 27/03/2027"), "the hint says the format the server takes");
}
