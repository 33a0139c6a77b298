//! The live places stream: a subscriber gets the current figures first, then each change
//! within a second; a client that reconnects gets the figures as they are now.

mod common;

use common::{api_application, Events, TestApp};
use std::time::Duration;

#[tokio::test]
async fn a_subscriber_gets_the_current_figures_then_each_allocation_within_a_second() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(12, "willow27").await;
    let mut events = Events::open(&app).await;
    assert_eq!(tokio::time::timeout(Duration::from_secs(2), events.next_places()).await.unwrap(), 12);

    let (status, _) = app.post_json("/api/v1/applications", &api_application("a@nhs.net", Some("willow27"))).await;
    assert_eq!(status, 201);
    let figure =
        tokio::time::timeout(Duration::from_secs(1), events.next_places()).await.expect("an update within 1 s");
    assert_eq!(figure, 11);
}

#[tokio::test]
async fn a_withdrawal_is_pushed_too_and_status_pages_hear_of_queue_changes() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(1, "willow27").await;
    let mut events = Events::open(&app).await;
    assert_eq!(events.next_places().await, 1);
    let (_, first) = app.post_json("/api/v1/applications", &api_application("a@nhs.net", Some("willow27"))).await;
    assert_eq!(tokio::time::timeout(Duration::from_secs(1), events.next_places()).await.unwrap(), 0);

    app.store.withdraw(first["status_token"].as_str().unwrap(), chrono::Utc::now()).await.unwrap();
    let mut seen = Vec::new();
    let figure = tokio::time::timeout(Duration::from_secs(1), async {
        loop {
            let (event, data) = events.next().await;
            seen.push(event.clone());
            if event == "places" {
                let snapshot: serde_json::Value = serde_json::from_str(&data).unwrap();
                return snapshot["cohorts"][0]["places_remaining"].as_i64().unwrap();
            }
        }
    })
    .await
    .expect("an update within 1 s");
    assert_eq!(figure, 1);
    let queue = tokio::time::timeout(Duration::from_secs(1), async {
        loop {
            if seen.iter().any(|e| e == "queue") {
                return;
            }
            seen.push(events.next().await.0);
        }
    })
    .await;
    assert!(queue.is_ok(), "a queue event tells status pages to refresh");
}

#[tokio::test]
async fn a_client_that_reconnects_gets_the_current_figures_first() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(12, "willow27").await;
    let mut events = Events::open(&app).await;
    assert_eq!(events.next_places().await, 12);
    drop(events);

    // Two places go while the client is away.
    for email in ["a@nhs.net", "b@nhs.net"] {
        app.post_json("/api/v1/applications", &api_application(email, Some("willow27"))).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut events = Events::open(&app).await;
    let (event, data) = tokio::time::timeout(Duration::from_secs(1), events.next()).await.unwrap();
    assert_eq!(event, "places", "the first event after connecting is the figures");
    let snapshot: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!(snapshot["cohorts"][0]["places_remaining"], 10);
}

#[tokio::test]
async fn the_stream_carries_no_personal_data() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(12, "willow27").await;
    let mut events = Events::open(&app).await;
    events.next_places().await;
    app.post_json("/api/v1/applications", &api_application("private.person@nhs.net", Some("willow27"))).await;
    let (_, data) = tokio::time::timeout(Duration::from_secs(1), events.next()).await.unwrap();
    assert!(!data.contains("private.person") && !data.contains("Sam Jones"));
}

#[tokio::test]
async fn the_public_pages_never_show_a_figure_older_than_the_live_counter() {
    let app = TestApp::spawn().await;
    app.add_cohort_and_taster(12, "willow27").await;
    let (_, before) = app.get("/join").await;
    assert!(before.contains("12 places left"));
    let (_, again) = app.get("/join").await;
    assert_eq!(before.len(), again.len(), "a second visit is served the same page");
    app.post_json("/api/v1/applications", &api_application("a@nhs.net", Some("willow27"))).await;
    // Within a moment of the allocation, the page shows the new figure.
    let mut seen = String::new();
    for _ in 0..20 {
        seen = app.get("/join").await.1;
        if seen.contains("11 places left") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(seen.contains("11 places left"), "the page kept the old figure");
}
