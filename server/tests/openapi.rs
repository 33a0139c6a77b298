//! The published API contract: `/api/v1/openapi.json` is an OpenAPI 3.1 document generated
//! from the handlers, `docs/openapi.json` is the same document, and `docs/api.md` has a
//! section for every operation in it. (scripts/test-api-contract.sh then fuzzes the running
//! server against it.)

mod common;

use common::TestApp;
use utoipa::OpenApi;

const PUBLISHED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/openapi.json");
const PROSE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/api.md");

fn generated() -> String {
    server::openapi::ApiDoc::openapi().to_pretty_json().expect("the document serialises") + "\n"
}

#[test]
fn docs_openapi_json_is_the_generated_document() {
    // ENROL_WRITE_OPENAPI=1 writes it afresh after a change to the API.
    if std::env::var_os("ENROL_WRITE_OPENAPI").is_some() {
        std::fs::write(PUBLISHED, generated()).expect("write docs/openapi.json");
    }
    let published = std::fs::read_to_string(PUBLISHED).unwrap_or_default();
    assert!(
        published == generated(),
        "docs/openapi.json is not the document the code generates: run \
         ENROL_WRITE_OPENAPI=1 cargo test -p server --features app/ssr --test openapi, and update docs/api.md"
    );
}

#[test]
fn docs_api_md_describes_every_operation() {
    let prose = std::fs::read_to_string(PROSE).expect("docs/api.md");
    let document: serde_json::Value = serde_json::from_str(&generated()).unwrap();
    let paths = document["paths"].as_object().expect("paths");
    assert!(paths.len() >= 5, "{paths:?}");
    for (path, operations) in paths {
        for method in operations.as_object().unwrap().keys() {
            let heading = format!("## `{} {path}", method.to_uppercase());
            assert!(prose.contains(&heading), "docs/api.md has no section {heading}`");
        }
    }
}

#[tokio::test]
async fn the_server_publishes_an_openapi_3_1_document_of_its_api() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    let document: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert!(document["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")), "{}", document["openapi"]);
    let create = &document["paths"]["/api/v1/applications"]["post"];
    for status in ["201", "400", "409", "415", "422", "429", "503"] {
        assert!(create["responses"][status].is_object(), "POST /api/v1/applications documents {status}");
    }
    let required = document["components"]["schemas"]["ApiApplication"]["required"].as_array().expect("required");
    for field in ["name", "email", "job_title", "employer", "nurse_advocate", "consent"] {
        assert!(required.iter().any(|f| f == field), "{field} is required");
    }
}

#[tokio::test]
async fn a_method_an_operation_lacks_is_405_naming_the_allowed_ones() {
    let app = TestApp::spawn().await;
    let res = app.client.post(app.url("/api/v1/tasters")).body("x").send().await.unwrap();
    assert_eq!(res.status().as_u16(), 405, "a POST where there is none, even with a body that is not JSON");
    let allow = res.headers().get("allow").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    assert!(allow.contains("GET"), "Allow: {allow:?}");
}
