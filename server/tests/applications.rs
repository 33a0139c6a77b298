//! The joining journey over HTTP: the JSON API, the plain form post, the status page and its
//! actions, and 500 simultaneous applications for 20 places.

mod common;

use common::{api_application, TestApp};
use serde_json::json;

#[tokio::test]
async fn an_application_with_a_valid_code_is_allocated_and_can_be_read_back() {
    let app = TestApp::spawn().await;
    let cohort = app.add_cohort_and_taster(2, "willow27").await;
    let (status, body) = app.post_json("/api/v1/applications", &api_application("sam@nhs.net", Some("willow27"))).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["state"], "allocated");
    assert_eq!(body["cohort_id"], cohort);
    assert_eq!(body["position"], serde_json::Value::Null);
    let reference = body["reference"].as_str().unwrap();
    assert!(reference.starts_with("CL-") && reference.len() == 7, "{reference}");
    let token = body["status_token"].as_str().unwrap();
    assert!(token.len() >= 32);

    let res = app.client.get(app.url(&format!("/api/v1/applications/{token}"))).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let current: serde_json::Value = res.json().await.unwrap();
    assert_eq!(current, body);
}

#[tokio::test]
async fn an_application_without_a_code_awaits_the_attendance_check() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(2, "willow27").await;
    let (status, body) = app.post_json("/api/v1/applications", &api_application("sam@nhs.net", None)).await;
    assert_eq!(status, 201);
    assert_eq!(body["state"], "awaiting_attendance");
    assert_eq!(body["cohort_id"], serde_json::Value::Null);
}

#[tokio::test]
async fn invalid_fields_are_named_with_how_to_fix_them_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(2, "willow27").await;
    let (status, body) =
        app.post_json("/api/v1/applications", &json!({ "name": "", "email": "not-an-email", "consent": false })).await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"]["email"], "Enter your work email address in the correct format, like name@nhs.net");
    assert_eq!(body["errors"]["name"], "Enter your full name");
    assert!(body["errors"]["consent"].is_string());
    assert_eq!(app.store.cohorts(false).await.unwrap()[0].places_remaining, 2);
}

#[tokio::test]
async fn a_wrongly_typed_field_or_a_broken_body_is_a_clear_client_error() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(2, "willow27").await;
    let (status, body) = app.post_json("/api/v1/applications", &json!({ "cohort_preferences": "tuesday" })).await;
    assert_eq!(status, 422);
    assert!(body["errors"]["cohort_preferences"].as_str().unwrap().contains("array of cohort ids"));
    let res = app
        .client
        .post(app.url("/api/v1/applications"))
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
}

#[tokio::test]
async fn an_unknown_attendance_code_is_a_field_error() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(2, "willow27").await;
    let (status, body) = app.post_json("/api/v1/applications", &api_application("sam@nhs.net", Some("heron11"))).await;
    assert_eq!(status, 422);
    assert!(body["errors"]["attendance_code"].as_str().unwrap().contains("do not recognise"));
}

#[tokio::test]
async fn a_second_application_from_the_same_email_is_a_conflict_and_changes_nothing() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(2, "willow27").await;
    let (_, first) = app.post_json("/api/v1/applications", &api_application("Sam@NHS.net", None)).await;
    let (status, body) = app.post_json("/api/v1/applications", &api_application("sam@nhs.net", Some("willow27"))).await;
    assert_eq!(status, 409);
    assert!(body["error"].as_str().unwrap().contains("status link"));
    let token = first["status_token"].as_str().unwrap();
    let still = app.store.application_status(token).await.unwrap();
    assert_eq!(still.state.as_str(), "awaiting_attendance");
    assert_eq!(app.store.cohorts(false).await.unwrap()[0].places_remaining, 2);
}

#[tokio::test]
async fn unknown_and_malformed_status_tokens_are_404() {
    let app = TestApp::spawn().await;
    for token in ["0".repeat(48), "not-a-token".to_string()] {
        let res = app.client.get(app.url(&format!("/api/v1/applications/{token}"))).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 404);
        let (status, body) = app.get(&format!("/status/{token}")).await;
        assert_eq!(status, 404, "{token}");
        assert!(body.contains("We could not find that application"));
    }
}

#[tokio::test]
async fn cohorts_are_listed_with_places_and_meetings() {
    let app = TestApp::spawn().await;
    let cohort = app.add_cohort_and_taster(20, "willow27").await;
    let res = app.client.get(app.url("/api/v1/cohorts")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body[0]["id"], cohort);
    assert_eq!(body[0]["capacity"], 20);
    assert_eq!(body[0]["places_remaining"], 20);
    assert_eq!(body[0]["status"], "open");
    assert_eq!(body[0]["meetings"].as_array().unwrap().len(), 6);
    assert!(chrono::DateTime::parse_from_rfc3339(body[0]["meetings"][0]["starts_at"].as_str().unwrap()).is_ok());
}

#[tokio::test]
async fn the_form_post_with_errors_comes_back_with_the_summary_and_what_was_typed() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(2, "willow27").await;
    let (status, _, body) = app
        .post_form(
            "/join",
            &[("name", "Sam <Jones>"), ("email", "sam@nhs"), ("job_title", "Ward manager"), ("preference", "any")],
        )
        .await;
    assert_eq!(status, 200);
    assert!(body.contains("<title>Error: Apply for a place"), "title prefix missing");
    assert!(body.contains("There is a problem"));
    assert!(body.contains("href=\"#email\""));
    assert!(body.contains("Enter your work email address in the correct format, like name@nhs.net"));
    assert!(body.contains("value=\"sam@nhs\""), "typed email not kept");
    assert!(body.contains("value=\"Ward manager\""), "typed job title not kept");
    let count = app.store.cohorts(false).await.unwrap()[0].places_remaining;
    assert_eq!(count, 2);
}

#[tokio::test]
async fn the_form_post_stores_the_application_and_redirects_to_its_confirmation() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(2, "willow27").await;
    let (status, location, _) = app
        .post_form(
            "/join",
            &[
                ("name", "Sam Jones"),
                ("email", "sam@nhs.net"),
                ("job_title", "Ward manager"),
                ("employer", "A trust"),
                ("nurse_advocate", "yes"),
                ("taster_session_id", ""),
                ("attendance_code", "Willow27"),
                ("preference", "any"),
                ("access_needs", ""),
                ("consent", "yes"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let location = location.expect("a redirect");
    assert!(location.starts_with("/join/confirmation/"), "{location}");
    let (status, body) = app.get(&location).await;
    assert_eq!(status, 200);
    assert!(body.contains("Application received"));
    assert!(body.contains("You have a place on March 2027 · Monday evenings."));
    assert!(body.contains("CL-"));
}

#[tokio::test]
async fn withdrawing_from_the_status_page_frees_the_place() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(1, "willow27").await;
    let (_, body) = app.post_json("/api/v1/applications", &api_application("sam@nhs.net", Some("willow27"))).await;
    let token = body["status_token"].as_str().unwrap().to_string();
    let (status, page) = app.get(&format!("/status/{token}/withdraw")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Are you sure you want to withdraw?"));
    let (status, location, _) = app.post_form(&format!("/status/{token}/withdraw"), &[]).await;
    assert_eq!(status, 303);
    assert_eq!(location.as_deref(), Some(format!("/status/{token}?done=withdrawn").as_str()));
    let (_, page) = app.get(&format!("/status/{token}?done=withdrawn")).await;
    assert!(page.contains("Application withdrawn"));
    assert_eq!(app.store.cohorts(false).await.unwrap()[0].places_remaining, 1);
}

#[tokio::test]
async fn five_hundred_simultaneous_applications_for_twenty_places() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(20, "willow27").await;
    let requests = (0..500).map(|i| {
        let client = app.client.clone();
        let url = app.url("/api/v1/applications");
        tokio::spawn(async move {
            let res =
                client.post(url).json(&api_application(&format!("nurse{i}@nhs.net"), Some("willow27"))).send().await;
            let res = res.expect("request");
            let status = res.status().as_u16();
            (status, res.json::<serde_json::Value>().await.unwrap_or_default())
        })
    });
    let answers = futures_join(requests.collect()).await;
    let server_errors = answers.iter().filter(|(s, _)| *s >= 500).count();
    assert_eq!(server_errors, 0, "no 5xx");
    assert!(answers.iter().all(|(s, _)| *s == 201));
    let allocated = answers.iter().filter(|(_, b)| b["state"] == "allocated").count();
    let mut positions: Vec<i64> =
        answers.iter().filter(|(_, b)| b["state"] == "waiting").map(|(_, b)| b["position"].as_i64().unwrap()).collect();
    positions.sort();
    assert_eq!(allocated, 20);
    assert_eq!(positions, (1..=480).collect::<Vec<_>>());
    let res = app.client.get(app.url("/api/v1/cohorts")).send().await.unwrap();
    let cohorts: serde_json::Value = res.json().await.unwrap();
    assert_eq!(cohorts[0]["places_remaining"], 0);
}

async fn futures_join<T>(tasks: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::with_capacity(tasks.len());
    for task in tasks {
        out.push(task.await.expect("task"));
    }
    out
}
