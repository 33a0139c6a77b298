//! Nothing personal in the server's logs: a whole journey — applying by form and by the API,
//! the status page and its actions, "Lost your link?", a coordinator's views and downloads,
//! emails, erasure — at the most detailed log level, and not one name, email address or
//! status token in what was logged.

mod common;

use common::{api_application, SmtpSink, TestApp};
use std::sync::{Arc, Mutex};

/// Everything logged, kept in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_whole_journey_logs_no_name_email_or_status_token() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("debug"))
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let root = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(root.path());
    let app = TestApp::spawn_mailing(&sink.url()).await;
    app.add_cohort_and_taster(1, "willow27").await;
    let people =
        [("Imogen Larkspur-Tate", "imogen.larkspur@tate.nhs.uk"), ("Bartholomew Quince", "b.quince@quince.nhs.uk")];
    let mut tokens = Vec::new();
    for (name, email) in people {
        let mut body = api_application(email, Some("willow27"));
        body["name"] = name.into();
        let (status, answer) = app.post_json("/api/v1/applications", &body).await;
        assert_eq!(status, 201);
        tokens.push(answer["status_token"].as_str().unwrap().to_string());
    }
    let form = [("name", "Ottoline Fennimore"), ("email", "ottoline@fennimore.nhs.uk"), ("job_title", "Nurse")];
    app.post_form("/join", &form).await;
    app.get(&format!("/status/{}", tokens[0])).await;
    app.get(&format!("/status/{}/data.json", tokens[0])).await;
    app.post_form("/status/find", &[("email", people[1].1)]).await;
    app.post_form(&format!("/status/{}/withdraw", tokens[0]), &[]).await;
    app.get(&format!("/status/{}/accept", tokens[1])).await;
    app.post_form(&format!("/status/{}/accept", tokens[1]), &[]).await;
    let cookie = app.coordinator_cookie("admin").await;
    let id = app.store.application_id(&tokens[1]).await.unwrap().unwrap();
    app.get_as(&format!("/coordinator/applications/{id}"), &cookie).await;
    app.get_as("/coordinator/applications.csv", &cookie).await;
    app.get_as("/coordinator/emails", &cookie).await;
    app.get_as(&format!("/coordinator/applications?q={}", "quince"), &cookie).await;
    let sent = sink.wait_for(6, 15).await;
    assert!(sent.iter().any(|m| m.text.contains("Bartholomew")), "the names did pass through the server");
    app.post_form(&format!("/status/{}/erase", tokens[1]), &[]).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    let logged = String::from_utf8_lossy(&captured.0.lock().unwrap()).to_string();
    assert!(logged.len() > 1000, "the journey was logged ({} bytes)", logged.len());
    assert!(logged.contains("route=\"/status/{token}\""), "requests are logged by their route");
    let lower = logged.to_lowercase();
    for (name, email) in people.iter().chain([("Ottoline Fennimore", "ottoline@fennimore.nhs.uk")].iter()) {
        for part in name.split(' ').chain([*email]) {
            assert!(!lower.contains(&part.to_lowercase()), "{part} appears in the log");
        }
    }
    for token in &tokens {
        assert!(!logged.contains(token.as_str()), "a status token appears in the log");
    }
}
