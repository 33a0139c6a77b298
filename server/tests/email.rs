//! Telling people, through a real SMTP server (aiosmtpd, started by each test): every journey
//! from a change to the email it sends, the links in those emails, delivery while the server
//! is down, refusals, "Lost your link?" and the course team's messages.

mod common;

use app::store::db::sql;
use chrono::{DateTime, Utc};
use common::{api_application, Received, SmtpSink, TestApp};

/// The address part of `url` on `app` (for a link in an email).
fn path_of<'a>(app: &TestApp, url: &'a str) -> &'a str {
    url.strip_prefix(&app.url("")).unwrap_or_else(|| panic!("{url} is not a link to this server"))
}

/// The events of a calendar file, as (start, end), read by a real iCalendar parser.
fn calendar_events(ics: &str) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let calendar = ical::IcalParser::new(ics.as_bytes()).next().expect("a calendar").expect("a valid calendar");
    let instant = |event: &ical::parser::ical::component::IcalEvent, name: &str| {
        let value = event.properties.iter().find(|p| p.name == name).and_then(|p| p.value.clone()).expect(name);
        chrono::NaiveDateTime::parse_from_str(&value, "%Y%m%dT%H%M%SZ").expect("a UTC time").and_utc()
    };
    calendar.events.iter().map(|e| (instant(e, "DTSTART"), instant(e, "DTEND"))).collect()
}

async fn outbox_states(app: &TestApp) -> Vec<(String, String, i64, Option<String>)> {
    sql("SELECT kind, state, attempts, last_error FROM outbox ORDER BY id").fetch_all(&app.raw().await).await.unwrap()
}

#[tokio::test]
async fn an_application_is_emailed_with_its_reference_dates_calendar_and_a_status_link_that_works() {
    let root = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(root.path());
    let app = TestApp::spawn_mailing(&sink.url()).await;
    let cohort = app.add_cohort_and_taster(2, "willow27").await;
    let (status, body) = app.post_json("/api/v1/applications", &api_application("sam@nhs.net", Some("willow27"))).await;
    assert_eq!(status, 201);
    let reference = body["reference"].as_str().unwrap();

    let messages = sink.wait_for(1, 15).await;
    assert_eq!(messages.len(), 1, "one email for one application");
    let m = &messages[0];
    assert_eq!(m.to, "sam@nhs.net");
    assert_eq!(m.subject, "Compassionate leadership course: application received");
    assert!(m.text.contains(&format!("Your reference is {reference}.")), "{}", m.text);
    assert!(m.html.contains("<html lang=\"en-GB\">") && m.html.contains(reference));

    // The six dates, in UK time in the text and in the attached calendar.
    let meetings = app.store.cohorts(false).await.unwrap().into_iter().find(|c| c.id == cohort).unwrap().meetings;
    // The text is wrapped for email, so a long date (one crossing midnight) may span two lines.
    let flat = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    for meeting in &meetings {
        assert!(flat(&m.text).contains(&flat(&meeting.when_uk)), "{} missing from:\n{}", meeting.when_uk, m.text);
    }
    let (file, ics) = &m.attachments[0];
    assert!(file.ends_with(".ics"), "{file}");
    let events = calendar_events(ics);
    // (Calendar files hold whole seconds.)
    let seconds = |t: DateTime<Utc>| DateTime::from_timestamp(t.timestamp(), 0).unwrap();
    assert_eq!(events, meetings.iter().map(|m| (seconds(m.starts_at), seconds(m.ends_at))).collect::<Vec<_>>());
    let first_uk = app::domain::uk_time::in_uk(events[0].0);
    assert_eq!(app::domain::uk_time::uk_range(events[0].0, events[0].1), meetings[0].when_uk, "{first_uk}");

    // The status link in the email opens the application's status page.
    let link = m.link(&app.url("/status/"));
    let (status, page) = app.get(path_of(&app, &link)).await;
    assert_eq!(status, 200);
    assert!(page.contains(reference));
    // And the status page offers the same calendar file.
    let (status, file) = app.get(&format!("{}/calendar.ics", path_of(&app, &link))).await;
    assert_eq!(status, 200);
    assert_eq!(calendar_events(&file).len(), 6);
}

#[tokio::test]
async fn a_withdrawal_offers_the_freed_place_by_email_and_its_accept_link_allocates_it() {
    let root = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(root.path());
    let app = TestApp::spawn_mailing(&sink.url()).await;
    app.add_cohort_and_taster(1, "willow27").await;
    let (_, first) = app.post_json("/api/v1/applications", &api_application("first@nhs.net", Some("willow27"))).await;
    app.post_json("/api/v1/applications", &api_application("second@nhs.net", Some("willow27"))).await;
    sink.wait_for(2, 15).await;

    let token = first["status_token"].as_str().unwrap();
    let (status, _, _) = app.post_form(&format!("/status/{token}/withdraw"), &[]).await;
    assert_eq!(status, 303);
    let messages = sink.wait_for(4, 15).await;
    let offer = messages.iter().find(|m| m.to == "second@nhs.net" && m.subject.ends_with("a place is offered to you"));
    let offer = offer.unwrap_or_else(|| panic!("no offer email in {messages:#?}"));
    assert!(messages.iter().any(|m| m.to == "first@nhs.net" && m.subject.ends_with("application withdrawn")));

    // The accept link opens a confirmation step; nothing changes until it is confirmed.
    let accept = offer.link(&app.url("/status/"));
    let accept = accept.trim_end_matches('.');
    assert!(accept.ends_with("/accept"), "{accept}");
    let (status, page) = app.get(path_of(&app, accept)).await;
    assert_eq!(status, 200);
    assert!(page.contains("Accept your place on"), "the confirmation step");
    let (status, location, _) = app.post_form(path_of(&app, accept), &[]).await;
    assert_eq!(status, 303, "{location:?}");

    let messages = sink.wait_for(5, 15).await;
    let placed = messages.iter().find(|m| m.to == "second@nhs.net" && m.subject.ends_with("you have a place"));
    let placed = placed.unwrap_or_else(|| panic!("no allocation email in {messages:#?}"));
    assert_eq!(calendar_events(&placed.attachments[0].1).len(), 6);
    let token = path_of(&app, accept).trim_start_matches("/status/").trim_end_matches("/accept");
    assert_eq!(app.store.application_status(token).await.unwrap().state.as_str(), "allocated");
}

#[tokio::test]
async fn emails_queued_while_the_mail_server_is_down_all_arrive_once_it_is_back_and_none_twice() {
    let root = tempfile::tempdir().unwrap();
    // Start the server, note its port, and stop it: the mail server is down.
    let (port, dir) = SmtpSink::start(root.path()).stop();
    let app = TestApp::spawn_mailing(&format!("smtp://127.0.0.1:{port}")).await;
    app.add_cohort_and_taster(10, "willow27").await;
    for n in 0..5 {
        let (status, _) = app.post_json("/api/v1/applications", &api_application(&format!("n{n}@nhs.net"), None)).await;
        assert_eq!(status, 201, "applying does not wait for email");
    }
    // The sender tries, fails, and waits to try again.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while outbox_states(&app).await.iter().any(|(_, state, attempts, _)| state != "retrying" || *attempts < 1) {
        assert!(std::time::Instant::now() < deadline, "{:?}", outbox_states(&app).await);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(outbox_states(&app).await.iter().all(|(_, _, _, error)| error.is_some()), "the failure is kept");

    let sink = SmtpSink::start_on(port, dir);
    let messages = sink.wait_for(5, 30).await;
    assert_eq!(messages.len(), 5);
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let messages: Vec<Received> = sink.messages();
    assert_eq!(messages.len(), 5, "none twice");
    let mut to: Vec<&str> = messages.iter().map(|m| m.to.as_str()).collect();
    to.sort();
    assert_eq!(to, ["n0@nhs.net", "n1@nhs.net", "n2@nhs.net", "n3@nhs.net", "n4@nhs.net"]);
    let mut ids: Vec<&str> = messages.iter().map(|m| m.message_id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 5, "each message has its own Message-ID");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while outbox_states(&app).await.iter().any(|(_, state, _, _)| state != "sent") {
        assert!(std::time::Instant::now() < deadline, "{:?}", outbox_states(&app).await);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_change_that_is_refused_sends_nothing() {
    let root = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(root.path());
    let app = TestApp::spawn_mailing(&sink.url()).await;
    app.add_cohort_and_taster(2, "willow27").await;
    let (_, first) = app.post_json("/api/v1/applications", &api_application("sam@nhs.net", None)).await;
    let token = first["status_token"].as_str().unwrap();
    // A second application from the same address, an invalid one and a wrong code: refused.
    assert_eq!(app.post_json("/api/v1/applications", &api_application("SAM@nhs.net", None)).await.0, 409);
    assert_eq!(app.post_json("/api/v1/applications", &serde_json::json!({ "name": "" })).await.0, 422);
    assert_eq!(app.post_json("/api/v1/applications", &api_application("jo@nhs.net", Some("heron11"))).await.0, 422);
    // Withdrawing twice: the second changes nothing.
    app.post_form(&format!("/status/{token}/withdraw"), &[]).await;
    app.post_form(&format!("/status/{token}/withdraw"), &[]).await;

    let kinds: Vec<String> = outbox_states(&app).await.into_iter().map(|(kind, ..)| kind).collect();
    assert_eq!(kinds, ["received", "withdrawn"]);
    let messages = sink.wait_for(2, 15).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(sink.messages().len(), 2, "{messages:#?}");
}

#[tokio::test]
async fn lost_link_answers_the_same_for_known_and_unknown_addresses_and_sends_at_most_three_an_hour() {
    let root = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(root.path());
    let app = TestApp::spawn_mailing(&sink.url()).await;
    app.add_cohort_and_taster(2, "willow27").await;
    app.post_json("/api/v1/applications", &api_application("sam@nhs.net", None)).await;
    sink.wait_for(1, 15).await;

    let answer = |email: &'static str| {
        let app = &app;
        async move {
            let (status, _, page) = app.post_form("/status/find", &[("email", email)]).await;
            assert_eq!(status, 200);
            let start = page.find("<h1").expect("a heading");
            let end = page.find("Go to the course page").expect("the page's end");
            page[start..end].replace(email, "ADDRESS")
        }
    };
    let known = answer("Sam@NHS.net").await;
    let unknown = answer("nobody@nhs.net").await;
    assert_eq!(known, unknown, "the page says the same whether or not the address applied");
    assert!(known.contains("Check your email"));
    for _ in 0..3 {
        answer("sam@nhs.net").await;
    }
    let messages = sink.wait_for(4, 15).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let links: Vec<Received> =
        sink.messages().into_iter().filter(|m| m.subject.ends_with("your status link")).collect();
    assert_eq!(links.len(), 3, "three an hour: {messages:#?}");
    assert!(links.iter().all(|m| m.to == "sam@nhs.net"));
    let link = links[0].link(&app.url("/status/"));
    assert_eq!(app.get(path_of(&app, &link)).await.0, 200);

    // A mistyped address is a field error, and nothing is sent.
    let (status, _, page) = app.post_form("/status/find", &[("email", "sam@nhs")]).await;
    assert_eq!(status, 200);
    assert!(page.contains("There is a problem") && page.contains("href=\"#email\""));
}

#[tokio::test]
async fn a_permanent_refusal_fails_the_email_with_the_servers_answer_and_a_temporary_one_is_tried_again() {
    let root = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(root.path());
    let app = TestApp::spawn_mailing(&sink.url()).await;
    app.add_cohort_and_taster(5, "willow27").await;
    app.post_json("/api/v1/applications", &api_application("refuse@nhs.net", None)).await;
    app.post_json("/api/v1/applications", &api_application("busy@nhs.net", None)).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let states = outbox_states(&app).await;
        if states[0].1 == "failed" && states[1].1 == "retrying" && states[1].2 >= 2 {
            assert!(states[0].3.as_deref().unwrap_or("").contains("550"), "{states:?}");
            assert!(states[1].3.as_deref().unwrap_or("").contains("451"), "{states:?}");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{states:?}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(sink.messages().is_empty());

    // Coordinators see the failure with the server's answer, and can send it again.
    let cookie = app.coordinator_cookie("coordinator").await;
    let (status, _, page) = app.get_as("/coordinator/emails?state=failed", &cookie).await;
    assert_eq!(status, 200);
    assert!(page.contains("refuse@nhs.net") && page.contains("550"));
    let (_, _, dashboard) = app.get_as("/coordinator", &cookie).await;
    assert!(dashboard.contains("1 email to applicants could not be delivered"), "the dashboard shows the failure");
    let id: i64 = sql("SELECT id FROM outbox WHERE state = 'failed'").scalar(&app.raw().await).await.unwrap();
    let (status, location, _) = app.post_as(&format!("/coordinator/emails/{id}/retry"), &cookie, &[]).await;
    assert_eq!((status, location.as_deref()), (303, Some("/coordinator/emails?done=retried")));
    let tries = |states: Vec<(String, String, i64, Option<String>)>| states[0].2;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while tries(outbox_states(&app).await) < 2 {
        assert!(std::time::Instant::now() < deadline, "sent again");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_offer_is_reminded_once_before_it_lapses() {
    let root = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(root.path());
    let app = TestApp::spawn_mailing(&sink.url()).await;
    app.add_cohort_and_taster(1, "willow27").await;
    let (_, first) = app.post_json("/api/v1/applications", &api_application("first@nhs.net", Some("willow27"))).await;
    app.post_json("/api/v1/applications", &api_application("second@nhs.net", Some("willow27"))).await;
    let now = Utc::now();
    app.store.withdraw(first["status_token"].as_str().unwrap(), now).await.unwrap();
    let reminder = chrono::Duration::hours(12);
    assert_eq!(app.store.remind_offers(reminder, now + chrono::Duration::hours(30)).await.unwrap(), 0, "not yet");
    assert_eq!(app.store.remind_offers(reminder, now + chrono::Duration::hours(37)).await.unwrap(), 1);
    assert_eq!(
        app.store.remind_offers(reminder, now + chrono::Duration::hours(40)).await.unwrap(),
        0,
        "once per offer"
    );
    let messages = sink.wait_for(5, 15).await;
    let reminders: Vec<&Received> = messages.iter().filter(|m| m.subject.contains("reminder")).collect();
    assert_eq!(reminders.len(), 1, "{messages:#?}");
    assert_eq!(reminders[0].to, "second@nhs.net");
    assert!(reminders[0].text.contains("/accept"));
}

#[tokio::test]
async fn a_coordinator_previews_a_message_to_a_cohort_with_its_count_then_each_member_gets_it() {
    let root = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(root.path());
    let app = TestApp::spawn_mailing(&sink.url()).await;
    let cohort = app.add_cohort_and_taster(2, "willow27").await;
    for email in ["a@nhs.net", "b@nhs.net", "c@nhs.net"] {
        app.post_json("/api/v1/applications", &api_application(email, Some("willow27"))).await;
    }
    sink.wait_for(3, 15).await;
    let cookie = app.coordinator_cookie("coordinator").await;
    let cohort = cohort.to_string();
    let form = [
        ("audience", "cohort"),
        ("cohort_id", cohort.as_str()),
        ("subject", "joining details"),
        ("body", "The Zoom link is in your calendar.\n\nSee you there."),
    ];
    let (status, _, preview) = app.post_as("/coordinator/emails/preview", &cookie, &form).await;
    assert_eq!(status, 200);
    assert!(preview.contains("It goes to 2 people"), "the two with a place, not the one waiting");
    assert!(preview.contains("Compassionate leadership course: joining details"));
    assert_eq!(sink.messages().len(), 3, "a preview sends nothing");

    let (status, location, _) = app.post_as("/coordinator/emails/send", &cookie, &form).await;
    assert_eq!((status, location.as_deref()), (303, Some("/coordinator/emails?done=sent")));
    let messages = sink.wait_for(5, 15).await;
    let sent: Vec<&Received> = messages.iter().filter(|m| m.subject.ends_with("joining details")).collect();
    assert_eq!(sent.len(), 2);
    assert!(sent.iter().all(|m| m.text.contains("See you there.")));

    // A message without a subject is sent back with the problem named, and nothing is sent.
    let (_, _, page) = app
        .post_as(
            "/coordinator/emails/preview",
            &cookie,
            &[("audience", "cohort"), ("cohort_id", &cohort), ("body", "x")],
        )
        .await;
    assert!(page.contains("Enter a subject") && page.contains("href=\"#subject\""));
}
