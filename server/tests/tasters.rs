//! The taster calendar over HTTP: the page, a session's page, the calendar files (parsed with
//! an independent iCalendar parser) and the JSON list, and that no attendance code leaks.

mod common;

use common::TestApp;
use std::io::BufReader;

async fn demo_code(app: &TestApp) -> String {
    app.store.latest_past_taster_code(chrono::Utc::now()).await.unwrap().unwrap().2
}

#[tokio::test]
async fn the_calendar_lists_upcoming_sessions_and_the_month_without_any_attendance_code() {
    let app = TestApp::spawn_demo().await;
    let (status, body) = app.get("/tasters").await;
    assert_eq!(status, 200);
    assert!(body.contains("Upcoming sessions"));
    assert!(body.contains("912 7343 1323") && body.contains("989 3314 4569"));
    assert!(body.contains("role=\"grid\""), "the month grid is rendered on the server");
    assert!(body.contains("Free · no need to book, just turn up"));
    assert!(!body.to_lowercase().contains(&demo_code(&app).await), "attendance code leaked");
}

#[tokio::test]
async fn a_month_in_the_address_is_shown_and_a_wrong_one_is_explained() {
    let app = TestApp::spawn_demo().await;
    let (status, body) = app.get("/tasters?month=2027-01").await;
    assert_eq!(status, 200);
    assert!(body.contains("January 2027"));
    assert!(body.contains("No taster sessions in January 2027."), "an empty month says so");
    let (status, body) = app.get("/tasters?month=2026-13").await;
    assert_eq!(status, 200);
    assert!(body.contains("is not a month: use the form 2026-12"), "{body}");
}

#[tokio::test]
async fn a_session_has_its_own_page_and_unknown_ones_are_404() {
    let app = TestApp::spawn_demo().await;
    let id = app.store.all_tasters().await.unwrap()[1].id;
    let (status, body) = app.get(&format!("/tasters/{id}")).await;
    assert_eq!(status, 200);
    assert!(body.contains("Free taster session") && body.contains("Join on Zoom"));
    for path in ["/tasters/999999", "/tasters/not-a-number"] {
        let (status, body) = app.get(path).await;
        assert_eq!(status, 404, "{path}");
        assert!(body.contains("We could not find that taster session"));
    }
}

fn parse(ics: &str) -> Vec<ical::parser::ical::component::IcalCalendar> {
    ical::IcalParser::new(BufReader::new(ics.as_bytes())).collect::<Result<Vec<_>, _>>().expect("valid iCalendar")
}

fn property(event: &ical::parser::ical::component::IcalEvent, name: &str) -> Option<String> {
    event.properties.iter().find(|p| p.name == name).and_then(|p| p.value.clone())
}

#[tokio::test]
async fn a_sessions_calendar_file_is_valid_rfc_5545_with_its_times_and_zoom_details() {
    let app = TestApp::spawn_demo().await;
    let session = app.store.all_tasters().await.unwrap()[1].clone();
    let res = app.client.get(app.url(&format!("/tasters/{}.ics", session.id))).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
    let text = res.text().await.unwrap();

    // Lines end in CRLF and none is longer than 75 octets (RFC 5545 §3.1).
    assert!(text.ends_with("\r\n"));
    assert!(!text.replace("\r\n", "").contains('\n'), "a bare LF");
    assert!(text.split("\r\n").all(|line| line.len() <= 75), "an unfolded long line");

    let calendars = parse(&text);
    assert_eq!(calendars.len(), 1);
    let events = &calendars[0].events;
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(property(event, "UID").as_deref(), Some(format!("taster-session-{}@enrol", session.id).as_str()));
    assert_eq!(property(event, "DTSTART"), Some(session.starts_at.format("%Y%m%dT%H%M%SZ").to_string()));
    assert_eq!(property(event, "DTEND"), Some(session.ends_at.format("%Y%m%dT%H%M%SZ").to_string()));
    assert!(property(event, "DTSTAMP").is_some_and(|s| s.ends_with('Z')));
    assert_eq!(property(event, "LOCATION").as_deref(), Some(session.zoom_url.as_str()));
    let description = property(event, "DESCRIPTION").unwrap();
    assert!(description.contains("Meeting ID: 912 7343 1323") || description.contains("Meeting ID: 989 3314 4569"));
    assert!(description.contains("Passcode: "));
    assert!(description.contains("\\n"), "newlines are escaped in text");
    assert_eq!(property(event, "STATUS").as_deref(), Some("CONFIRMED"));
    assert!(!text.to_lowercase().contains(&demo_code(&app).await));
}

#[tokio::test]
async fn the_feed_holds_every_session_with_stable_uids() {
    let app = TestApp::spawn_demo().await;
    let first = app.client.get(app.url("/tasters.ics")).send().await.unwrap().text().await.unwrap();
    let second = app.client.get(app.url("/tasters.ics")).send().await.unwrap().text().await.unwrap();
    let uids =
        |text: &str| -> Vec<String> { parse(text)[0].events.iter().filter_map(|e| property(e, "UID")).collect() };
    assert_eq!(uids(&first).len(), 3);
    assert_eq!(uids(&first), uids(&second));
    assert!(first.contains("METHOD:PUBLISH"));
    assert!(!first.to_lowercase().contains(&demo_code(&app).await));
}

#[tokio::test]
async fn an_unknown_sessions_file_is_404() {
    let app = TestApp::spawn_demo().await;
    for path in ["/tasters/999999.ics", "/tasters/x.ics"] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 404, "{path}");
    }
}

#[tokio::test]
async fn the_json_list_has_upcoming_sessions_and_past_ones_on_request_never_a_code() {
    let app = TestApp::spawn_demo().await;
    let upcoming: serde_json::Value =
        app.client.get(app.url("/api/v1/tasters")).send().await.unwrap().json().await.unwrap();
    assert_eq!(upcoming.as_array().unwrap().len(), 2);
    let first = &upcoming[0];
    for field in ["id", "starts_at", "ends_at", "status", "zoom_url", "meeting_id", "passcode"] {
        assert!(first.get(field).is_some(), "missing {field}");
    }
    assert!(chrono::DateTime::parse_from_rfc3339(first["starts_at"].as_str().unwrap()).is_ok());
    let all: serde_json::Value =
        app.client.get(app.url("/api/v1/tasters?include=past")).send().await.unwrap().json().await.unwrap();
    assert_eq!(all.as_array().unwrap().len(), 3);
    assert!(!all.to_string().to_lowercase().contains(&demo_code(&app).await));
    let res = app.client.get(app.url("/api/v1/tasters?include=everything")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let res = app.client.get(app.url("/api/v1/tasters?include=past&include=past")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 422, "include given twice is a field error, not a bare 400");
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(body["errors"]["include"].as_str().is_some_and(|m| m.contains("once")), "{body}");
}
