//! The walking skeleton over HTTP: the course page, the health check and the 404 page.

mod common;

use common::TestApp;

#[tokio::test]
async fn the_course_page_renders_every_section_from_the_database() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get("/").await;
    assert_eq!(status, 200);
    assert!(body.contains("<title>Compassionate leadership training for nurse advocates</title>"), "{body}");
    for heading in [
        "Why compassion?",
        "How does compassion improve care?",
        "Who is the course for?",
        "What’s in the course programme?",
        "Courses for nurse advocates",
        "How places are allocated",
    ] {
        assert!(body.contains(heading), "missing section {heading:?}");
    }
    // Rendered in full on the server: no loading placeholder left in the document.
    assert!(!body.contains("Loading the course"), "the page streamed a fallback instead of its content");
    assert!(body.contains("href=\"/tasters\"") && body.contains("href=\"/join\""));
}

#[tokio::test]
async fn without_sessions_the_course_page_says_none_are_scheduled() {
    let app = TestApp::spawn().await;
    let (_, body) = app.get("/").await;
    assert!(body.contains("No taster sessions are scheduled at the moment"));
}

#[tokio::test]
async fn with_demo_data_the_course_page_lists_both_upcoming_tasters_and_never_a_code() {
    let app = TestApp::spawn_demo().await;
    let (status, body) = app.get("/").await;
    assert_eq!(status, 200);
    assert!(body.contains("912 7343 1323") && body.contains("114640"));
    assert!(body.contains("989 3314 4569") && body.contains("637529"));
    let (_, _, code) =
        app.store.latest_past_taster_code(chrono::Utc::now()).await.expect("query").expect("a past session");
    assert!(!body.to_lowercase().contains(&code.to_lowercase()), "the attendance code leaked onto the page");
}

#[tokio::test]
async fn healthz_is_ok_while_the_database_answers_and_503_when_it_does_not() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get("/healthz").await;
    assert_eq!(status, 200);
    assert!(body.contains("\"database\":\"ok\""), "{body}");

    app.store.close().await;
    let (status, body) = app.get("/healthz").await;
    assert_eq!(status, 503);
    assert!(body.contains("unreachable"), "{body}");
}

#[tokio::test]
async fn an_unknown_address_is_404_with_the_not_found_page() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get("/no/such/page").await;
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"));
}

#[tokio::test]
async fn the_calendar_and_the_joining_form_answer() {
    let app = TestApp::spawn().await;
    for path in ["/tasters", "/join"] {
        let (status, _) = app.get(path).await;
        assert_eq!(status, 200, "{path}");
    }
}

#[tokio::test]
async fn html_is_compressed_for_clients_that_accept_it() {
    let app = TestApp::spawn().await;
    let res = app.client.get(app.url("/")).header("accept-encoding", "br, gzip").send().await.expect("request");
    assert_eq!(res.headers().get("content-encoding").map(|v| v.to_str().unwrap_or("")), Some("br"));
}

#[tokio::test]
async fn private_pages_are_never_cached_and_files_are_kept_a_day() {
    let app = TestApp::spawn().await;
    for path in ["/coordinator/login", "/status/000000000000000000000000000000000000000000000000"] {
        let res = app.client.get(app.url(path)).send().await.expect("request");
        assert_eq!(res.headers().get("cache-control").map(|v| v.to_str().unwrap_or("")), Some("no-store"), "{path}");
    }
}

#[tokio::test]
async fn every_page_names_its_wasm_bundle_beside_its_route() {
    let _app = TestApp::spawn().await;
    let routes: std::collections::BTreeSet<String> =
        server::page_routes().iter().map(|r| r.path().to_string()).collect();
    let pages: std::collections::BTreeSet<String> = app::PAGES
        .iter()
        .map(|(pattern, _)| {
            pattern
                .split('/')
                .map(|s| s.strip_prefix(':').map_or(s.to_string(), |name| format!("{{{name}}}")))
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    assert_eq!(routes, pages, "app::PAGES and the routes of App differ");
}
