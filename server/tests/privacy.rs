//! Personal data under UK GDPR: everything held about a person as one document, erasure that
//! really erases (from the tables, the audit log, the Zoom rows, the outbox, and the SQLite
//! file's free pages and write-ahead log), retention per intake, and the access log.

mod common;

use app::store::db::{sql, Dialect};
use chrono::{Duration, Utc};
use common::{api_application, TestApp};

/// A name and address that appear nowhere else, to look for in the database's bytes.
const NAME: &str = "Zelda Quixote-Marchbanks";
const EMAIL: &str = "zelda.quixote@marchbanks.nhs.uk";

/// An applicant named [`NAME`], with a code (allocated or waiting).
async fn zelda(app: &TestApp, code: Option<&str>) -> serde_json::Value {
    let mut body = api_application(EMAIL, code);
    body["name"] = NAME.into();
    body["job_title"] = "Matron of the Quixote ward".into();
    body["access_needs"] = "A hearing loop, please".into();
    let (status, answer) = app.post_json("/api/v1/applications", &body).await;
    assert_eq!(status, 201, "{answer}");
    answer
}

/// Uploads a Zoom report naming [`NAME`] for the newest session and confirms the match.
async fn zoom_report_naming_zelda(app: &TestApp, cookie: &str) {
    let taster = app.store.all_tasters().await.unwrap()[0].id;
    let csv = format!(
        "Name (Original Name),User Email,Duration (Minutes)\n{NAME},{EMAIL},58\nSomeone Else,other@nhs.net,60\n"
    );
    let form = reqwest::multipart::Form::new().text("taster_session_id", taster.to_string()).part(
        "report",
        reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("zoom.csv").mime_str("text/csv").unwrap(),
    );
    let res = app
        .client
        .post(app.url("/coordinator/attendance"))
        .header("cookie", cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let attendee: i64 =
        sql("SELECT id FROM zoom_attendee WHERE email = $1").bind(EMAIL).scalar(&app.raw().await).await.unwrap();
    let (status, _, _) =
        app.post_as(&format!("/coordinator/attendance/attendees/{attendee}/confirm"), cookie, &[]).await;
    assert_eq!(status, 303);
}

/// The database's files (the SQLite file, its write-ahead log and shared memory) as bytes.
fn database_bytes(app: &TestApp) -> Vec<u8> {
    let file = app.db_url.trim_start_matches("sqlite://").to_string();
    ["", "-wal", "-shm"]
        .iter()
        .flat_map(|suffix| std::fs::read(format!("{file}{suffix}")).unwrap_or_default())
        .collect()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Every row of every table, as text (PostgreSQL).
async fn every_row_as_text(app: &TestApp) -> String {
    let raw = app.raw().await;
    let tables: Vec<String> =
        sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").scalars(&raw).await.unwrap();
    let mut all = String::new();
    for table in tables {
        let rows: Vec<String> =
            app::store::db::sql_assembled(format!("SELECT CAST(row_to_json(t) AS TEXT) FROM {table} t"))
                .scalars(&raw)
                .await
                .unwrap();
        all.push_str(&rows.join("\n"));
    }
    all
}

#[tokio::test]
async fn an_applicant_downloads_everything_held_about_them_as_one_document() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(3, "willow27").await;
    let cookie = app.coordinator_cookie("coordinator").await;
    let body = zelda(&app, None).await;
    zoom_report_naming_zelda(&app, &cookie).await;
    let token = body["status_token"].as_str().unwrap();

    let res = app.client.get(app.url(&format!("/status/{token}/data.json"))).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
    assert_eq!(res.headers()["cache-control"], "no-store");
    let data: serde_json::Value = res.json().await.unwrap();
    for part in ["application", "consent", "attendance", "zoom_reports", "queue_history", "emails", "audit_log"] {
        assert!(data[part]["explanation"].as_str().is_some_and(|e| e.len() > 20), "{part} explains itself");
    }
    assert_eq!(data["application"]["data"]["name"], NAME);
    assert_eq!(data["application"]["data"]["access_needs"], "A hearing loop, please");
    assert_eq!(data["consent"]["data"]["privacy_notice_version"], app::PRIVACY_NOTICE_VERSION);
    assert_eq!(data["attendance"]["data"][0]["how"], "zoom");
    assert_eq!(data["zoom_reports"]["data"][0]["minutes"], 58);
    let changes: Vec<&str> =
        data["queue_history"]["data"].as_array().unwrap().iter().filter_map(|e| e["change"]["kind"].as_str()).collect();
    assert!(changes.contains(&"application_submitted") && changes.contains(&"allocated"), "{changes:?}");
    assert!(data["emails"]["data"].as_array().unwrap().iter().any(|m| m["kind"] == "received"));
    assert!(data["audit_log"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["action"] == "application.confirm_attendance"));

    // A coordinator downloads the same document from the application's page; it is logged.
    let id = body_id(&app, token).await;
    let (status, _, file) = app.get_as(&format!("/coordinator/applications/{id}/data.json"), &cookie).await;
    assert_eq!(status, 200);
    assert!(file.contains(NAME));
    let (unknown, _) = app.get(&format!("/status/{}/data.json", "0".repeat(48))).await;
    assert_eq!(unknown, 404);
}

async fn body_id(app: &TestApp, token: &str) -> i64 {
    app.store.application_id(token).await.unwrap().expect("an application")
}

#[tokio::test]
async fn deleting_my_data_offers_my_place_on_and_leaves_no_name_or_email_in_the_database_files() {
    let app = TestApp::spawn().await;
    let cohort = app.add_cohort_and_taster(1, "willow27").await;
    let cookie = app.coordinator_cookie("coordinator").await;
    let body = zelda(&app, Some("willow27")).await;
    assert_eq!(body["state"], "allocated");
    let (_, next) = app.post_json("/api/v1/applications", &api_application("next@nhs.net", Some("willow27"))).await;
    // The name and email spread everywhere they go: attendance, a Zoom report, wrong codes, emails.
    zoom_report_naming_zelda(&app, &cookie).await;
    let mut wrong = api_application(EMAIL, Some("heron11"));
    wrong["name"] = NAME.into();
    app.post_json("/api/v1/applications", &wrong).await;
    let token = body["status_token"].as_str().unwrap().to_string();
    let id = body_id(&app, &token).await;
    let sqlite = app.store.dialect() == Dialect::Sqlite;
    if sqlite {
        let before = database_bytes(&app);
        assert!(contains(&before, NAME) && contains(&before, EMAIL), "the test looks where the data is");
    }

    // The confirmation step, then the erasure.
    let (status, page) = app.get(&format!("/status/{token}/erase")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Are you sure you want us to delete your data?"));
    let (status, location, _) = app.post_form(&format!("/status/{token}/erase"), &[]).await;
    assert_eq!((status, location.as_deref()), (303, Some("/status/erased")));

    // The place went to the next in line; the reference and the counts stay right.
    let next = app.store.application_status(next["status_token"].as_str().unwrap()).await.unwrap();
    assert_eq!(next.state.as_str(), "offered");
    let places = app.store.cohorts(false).await.unwrap().into_iter().find(|c| c.id == cohort).unwrap().places_remaining;
    assert_eq!(places, 0, "the place is held for the next in line");
    assert_eq!(app.application_count().await, 2, "the application stays, without its details");
    assert_eq!(app.get(&format!("/status/{token}")).await.0, 404, "the status link no longer works");
    let detail = app.store.application_detail(id).await.unwrap().unwrap();
    assert_eq!(detail.row.name, "(erased)");
    assert!(detail.row.reference.starts_with("CL-"));
    assert!(detail.erased_uk.is_some());

    if sqlite {
        let after = database_bytes(&app);
        assert!(!contains(&after, NAME), "the name is gone from every file");
        assert!(!contains(&after, EMAIL), "the email is gone from every file");
        assert!(!contains(&after, "Matron of the Quixote") && !contains(&after, "hearing loop"));
    } else {
        let rows = every_row_as_text(&app).await;
        assert!(!rows.contains(NAME) && !rows.contains(EMAIL) && !rows.contains("hearing loop"), "{rows}");
        let vacuumed: Option<chrono::DateTime<Utc>> =
            sql("SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'application'")
                .scalar(&app.raw().await)
                .await
                .unwrap();
        assert!(vacuumed.is_some(), "dead row versions were vacuumed");
    }
    // The erasure is audited, without anything personal.
    let audit: Vec<String> = sql("SELECT after_json FROM audit_log WHERE action = 'application.erase'")
        .scalars(&app.raw().await)
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert!(audit[0].contains("asked for their data to be deleted") && !audit[0].contains("Zelda"));
}

#[tokio::test]
async fn an_admin_erases_with_a_reason_and_a_coordinator_cannot() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(2, "willow27").await;
    let body = zelda(&app, None).await;
    let id = body_id(&app, body["status_token"].as_str().unwrap()).await;
    let coordinator = app.coordinator_cookie("coordinator").await;
    let (status, _, _) =
        app.post_as(&format!("/coordinator/applications/{id}/erase"), &coordinator, &[("reason", "asked")]).await;
    assert_eq!(status, 403, "only an admin erases");
    let admin = app.coordinator_cookie("admin").await;
    let (_, _, page) = app.post_as(&format!("/coordinator/applications/{id}/erase"), &admin, &[("reason", " ")]).await;
    assert!(page.contains("Enter the reason for erasing"), "a reason is needed");
    assert_eq!(app.store.application_detail(id).await.unwrap().unwrap().row.name, NAME, "nothing changed");
    let (status, location, _) = app
        .post_as(&format!("/coordinator/applications/{id}/erase"), &admin, &[("reason", "Her email of 3 December")])
        .await;
    assert_eq!((status, location.unwrap()), (303, format!("/coordinator/applications/{id}?done=erased")));
    let (_, _, page) = app.get_as(&format!("/coordinator/applications/{id}"), &admin).await;
    assert!(page.contains("Personal data erased on") && !page.contains(NAME));
    let audit: String = sql("SELECT after_json FROM audit_log WHERE action = 'application.erase'")
        .scalar(&app.raw().await)
        .await
        .unwrap();
    assert!(audit.contains("Her email of 3 December"));
}

#[tokio::test]
async fn views_and_downloads_are_in_the_access_log_which_only_admins_read() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(2, "willow27").await;
    let body = zelda(&app, None).await;
    let reference = body["reference"].as_str().unwrap();
    let id = body_id(&app, body["status_token"].as_str().unwrap()).await;
    let coordinator = app.coordinator_cookie("coordinator").await;
    app.get_as(&format!("/coordinator/applications/{id}"), &coordinator).await;
    app.get_as("/coordinator/applications.csv", &coordinator).await;
    app.get_as(&format!("/coordinator/applications/{id}/data.json"), &coordinator).await;
    let actions: Vec<(String, Option<String>)> =
        sql("SELECT action, reference FROM access_log ORDER BY id").fetch_all(&app.raw().await).await.unwrap();
    assert_eq!(
        actions,
        [
            ("view_application".to_string(), Some(reference.to_string())),
            ("export_table".to_string(), None),
            ("export_person".to_string(), Some(reference.to_string())),
        ]
    );
    assert_eq!(app.get_as("/coordinator/access-log", &coordinator).await.0, 403);
    let admin = app.coordinator_cookie("admin").await;
    let (status, _, page) = app.get_as("/coordinator/access-log", &admin).await;
    assert_eq!(status, 200);
    assert!(page.contains("Downloaded the person’s data") && page.contains(reference) && !page.contains(NAME));
}

#[tokio::test]
async fn an_intakes_data_is_erased_after_its_retention_period_and_the_page_says_when() {
    let app = TestApp::spawn().await;
    // A finished intake: its last meeting 13 months ago.
    let first = Utc::now() - Duration::days(400) - Duration::weeks(6);
    app.store
        .create_cohort(
            &app::store::NewCohort {
                name: "Last year".into(),
                intake: "2025-10".into(),
                capacity: 5,
                status: app::models::CohortStatus::Closed,
                meetings: (0..6)
                    .map(|w| (first + Duration::weeks(w), first + Duration::weeks(w) + Duration::hours(2)))
                    .collect(),
            },
            app::workflow::Actor::System,
            first - Duration::days(30),
        )
        .await
        .unwrap();
    // Its applications: one allocated long ago, one that never became eligible.
    sql("INSERT INTO application (reference, status_token, intake, name, email, email_key, job_title, employer,
            nurse_advocate, any_cohort, consent_at, privacy_notice_version, submitted_at, state, updated_at)
         VALUES ('CL-OLD1', $1, '2025-10', $2, $3, $3, 'Nurse', 'A trust', 'yes', $4, $5, '2025-09', $5,
                 'awaiting_attendance', $5)")
    .bind("a".repeat(48))
    .bind(NAME)
    .bind(EMAIL)
    .bind(true)
    .bind(first - Duration::days(20))
    .execute(&app.raw().await)
    .await
    .unwrap();
    // This year's intake and an application to it: not due.
    app.add_cohort_and_taster(5, "willow27").await;
    app.post_json("/api/v1/applications", &api_application("current@nhs.net", None)).await;

    let coordinator = app.coordinator_cookie("coordinator").await;
    let (_, _, page) = app.get_as("/coordinator/retention", &coordinator).await;
    assert!(page.contains("2025-10") && page.contains("12 months (default)") && page.contains("due now"), "{page}");

    let erased = server::tasks::erase_due(&app.store, &app::mail::Settings::default(), Utc::now()).await.unwrap();
    assert_eq!(erased, 1, "the finished intake's application, never eligible, is erased; this year's is not");
    let names: Vec<String> = sql("SELECT name FROM application ORDER BY id").scalars(&app.raw().await).await.unwrap();
    assert_eq!(names, ["(erased)", "Sam Jones"]);

    // An admin keeps this year's intake for 24 months; a coordinator may not change it.
    let (status, _, _) =
        app.post_as("/coordinator/retention", &coordinator, &[("intake", "2027-03"), ("months", "24")]).await;
    assert_eq!(status, 403);
    let admin = app.coordinator_cookie("admin").await;
    let (_, _, page) = app.post_as("/coordinator/retention", &admin, &[("intake", "2027-03"), ("months", "0")]).await;
    assert!(page.contains("Enter a number of months from 1 to 120"));
    let (status, _, _) =
        app.post_as("/coordinator/retention", &admin, &[("intake", "2027-03"), ("months", "24")]).await;
    assert_eq!(status, 303);
    let retention = app.store.retention().await.unwrap();
    let current = retention.iter().find(|r| r.intake == "2027-03").unwrap();
    assert_eq!((current.months, current.set_by_admin), (24, true));
}

#[tokio::test]
async fn coordinators_notes_are_shown_audited_without_their_words_exported_and_erased() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(2, "willow27").await;
    let body = zelda(&app, None).await;
    let token = body["status_token"].as_str().unwrap().to_string();
    let id = body_id(&app, &token).await;
    let coordinator = app.coordinator_cookie("coordinator").await;
    let page = format!("/coordinator/applications/{id}");

    let (_, _, answer) = app.post_as(&format!("{page}/notes"), &coordinator, &[("note", "   ")]).await;
    assert!(answer.contains("Enter a note"), "an empty note is refused with a message");
    let long = "x".repeat(2001);
    let (_, _, answer) = app.post_as(&format!("{page}/notes"), &coordinator, &[("note", &long)]).await;
    assert!(answer.contains("2000 characters or fewer"), "an over-long note is refused");

    let words = "Asked for captions; prefers Tuesday afternoons";
    let (status, location, _) = app.post_as(&format!("{page}/notes"), &coordinator, &[("note", words)]).await;
    let location = location.unwrap();
    assert_eq!((status, location.as_str()), (303, format!("{page}?done=note-added").as_str()));
    let (_, _, shown) = app.get_as(&location, &coordinator).await;
    assert!(shown.contains(words) && shown.contains("Note added."), "the note is on the page");

    let raw = app.raw().await;
    let audit: Vec<String> = sql("SELECT after_json FROM audit_log WHERE action = 'application.note'").scalars(&raw).await.unwrap();
    assert_eq!(audit.len(), 1, "adding a note is audited");
    assert!(!audit[0].contains("captions"), "the audit log holds no note's words: {}", audit[0]);

    let (_, data) = app.get(&format!("/status/{token}/data.json")).await;
    assert!(data.contains(words), "the note is part of the person's data");

    let (status, _, _) = app.post_form(&format!("/status/{token}/erase"), &[]).await;
    assert_eq!(status, 303);
    let left: i64 = sql("SELECT count(*) FROM application_note").scalar(&raw).await.unwrap();
    assert_eq!(left, 0, "erasure deletes the notes");
    let admin = app.coordinator_cookie("admin").await;
    let (_, _, answer) = app.post_as(&format!("{page}/notes"), &admin, &[("note", "after")]).await;
    assert!(answer.contains("data has been erased"), "no notes on erased data");
}
