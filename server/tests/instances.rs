//! Several instances of enrol on one PostgreSQL database, as behind a load balancer: the
//! allocation rules, the live counter, offer expiry and the wrong-code limits hold across
//! them. These tests need a shared database, so they run when the suite runs on PostgreSQL
//! (`ENROL_TEST_DATABASE_URL`, as `make test`'s second run does) and say so otherwise.

mod common;

use app::store::db::sql;
use common::{api_application, Events, TestApp};
use std::time::Duration;

fn on_postgres(test: &str) -> bool {
    let on = app::store::testing::on_postgres();
    if !on {
        eprintln!("{test}: runs on PostgreSQL only (set ENROL_TEST_DATABASE_URL)");
    }
    on
}

#[tokio::test]
async fn two_instances_give_twenty_places_to_the_first_twenty_of_five_hundred_simultaneous_applicants() {
    if !on_postgres("two_instances_give_twenty_places…") {
        return;
    }
    let a = TestApp::spawn().await;
    let b = a.another_instance().await;
    a.add_cohort_and_taster(20, "willow27").await;
    let requests = (0..500).map(|i| {
        let instance = if i % 2 == 0 { &a } else { &b };
        let (client, url) = (instance.client.clone(), instance.url("/api/v1/applications"));
        tokio::spawn(async move {
            let res = client
                .post(url)
                .json(&api_application(&format!("nurse{i}@nhs.net"), Some("willow27")))
                .send()
                .await
                .expect("request");
            let status = res.status().as_u16();
            (status, res.json::<serde_json::Value>().await.unwrap_or_default())
        })
    });
    let mut answers = Vec::new();
    for request in requests.collect::<Vec<_>>() {
        answers.push(request.await.expect("task"));
    }
    assert_eq!(answers.iter().filter(|(s, _)| *s >= 500).count(), 0, "no 5xx");
    assert!(answers.iter().all(|(s, _)| *s == 201), "every application is stored");
    let allocated = answers.iter().filter(|(_, b)| b["state"] == "allocated").count();
    let mut positions: Vec<i64> =
        answers.iter().filter(|(_, b)| b["state"] == "waiting").map(|(_, b)| b["position"].as_i64().unwrap()).collect();
    positions.sort();
    assert_eq!(allocated, 20);
    assert_eq!(positions, (1..=480).collect::<Vec<_>>(), "positions as told at submission");

    // Read back through the other instance than the one each applied through: the queue the
    // status pages show is the same, 1 to 480 in eligible_at order.
    let mut read_back = Vec::new();
    for (i, (_, body)) in answers.iter().enumerate().filter(|(_, (_, b))| b["state"] == "waiting") {
        let other = if i % 2 == 0 { &b } else { &a };
        let status = other.store.application_status(body["status_token"].as_str().unwrap()).await.unwrap();
        read_back.push(status.positions[0].position);
    }
    read_back.sort();
    assert_eq!(read_back, (1..=480).collect::<Vec<_>>());
    let (allocated_count, offered_count): (i64, i64) =
        sql("SELECT allocated_count, offered_count FROM cohort").fetch_one(&a.raw().await).await.unwrap();
    assert_eq!((allocated_count, offered_count), (20, 0));
}

#[tokio::test]
async fn an_allocation_through_one_instance_reaches_an_event_stream_of_the_other_within_a_second() {
    if !on_postgres("an_allocation_through_one_instance_reaches…") {
        return;
    }
    let a = TestApp::spawn().await;
    let b = a.another_instance().await;
    a.add_cohort_and_taster(12, "willow27").await;
    // The other instance heard of the new cohort from the database's announcement.
    let mut events = Events::open(&b).await;
    let first = tokio::time::timeout(Duration::from_secs(2), events.next_places()).await;
    assert_eq!(first.expect("the figures of the cohort made on the other instance"), 12);

    let (status, _) = a.post_json("/api/v1/applications", &api_application("a@nhs.net", Some("willow27"))).await;
    assert_eq!(status, 201);
    let figure = tokio::time::timeout(Duration::from_secs(1), events.next_places()).await;
    assert_eq!(figure.expect("the other instance's stream within 1 s"), 11);
    // And its page cache does not keep the old figure either.
    let (_, page) = b.get("/join").await;
    assert!(page.contains("11 places left"), "the joining form on the other instance shows 11 left");
}

#[tokio::test]
async fn an_offer_lapses_once_and_passes_on_once_when_every_instance_expires_offers_at_once() {
    if !on_postgres("an_offer_lapses_once…") {
        return;
    }
    let a = TestApp::spawn().await;
    let b = a.another_instance().await;
    a.add_cohort_and_taster(1, "willow27").await;
    let mut tokens = Vec::new();
    for email in ["first@nhs.net", "second@nhs.net", "third@nhs.net"] {
        let (_, body) = a.post_json("/api/v1/applications", &api_application(email, Some("willow27"))).await;
        tokens.push(body["status_token"].as_str().unwrap().to_string());
    }
    let now = chrono::Utc::now();
    a.store.withdraw(&tokens[0], now).await.unwrap();
    assert_eq!(a.store.application_status(&tokens[1]).await.unwrap().state.as_str(), "offered");

    // The offer's 48 hours pass; both instances' expiry tasks run at the same moment.
    let later = now + chrono::Duration::hours(49);
    let (lapsed_a, lapsed_b) = tokio::join!(a.store.expire_offers(later), b.store.expire_offers(later));
    assert_eq!(lapsed_a.unwrap() + lapsed_b.unwrap(), 1, "one offer, lapsed once");
    assert_eq!(b.store.application_status(&tokens[1]).await.unwrap().state.as_str(), "expired");
    assert_eq!(b.store.application_status(&tokens[2]).await.unwrap().state.as_str(), "offered", "passed on once");
    let raw = a.raw().await;
    let kinds: Vec<String> = sql("SELECT kind FROM event WHERE kind IN ('offer_lapsed', 'offer_made') ORDER BY id")
        .scalars(&raw)
        .await
        .unwrap();
    assert_eq!(kinds, ["offer_made", "offer_lapsed", "offer_made"]);
    let offered: i64 = sql("SELECT offered_count FROM cohort").scalar(&raw).await.unwrap();
    assert_eq!(offered, 1);
}

#[tokio::test]
async fn wrong_attendance_codes_count_on_every_instance() {
    if !on_postgres("wrong_attendance_codes_count_on_every_instance") {
        return;
    }
    let a = TestApp::spawn().await;
    let b = a.another_instance().await;
    a.add_cohort_and_taster(5, "willow27").await;
    // Ten wrong codes for one email, spread over both instances…
    for attempt in 0..10 {
        let instance = if attempt % 2 == 0 { &a } else { &b };
        let (status, _) =
            instance.post_json("/api/v1/applications", &api_application("sam@nhs.net", Some("heron11"))).await;
        assert_eq!(status, 422, "attempt {attempt}");
    }
    // …lock that email on both, even for the right code.
    for instance in [&a, &b] {
        let (status, body) =
            instance.post_json("/api/v1/applications", &api_application("sam@nhs.net", Some("willow27"))).await;
        assert_eq!(status, 429, "{body}");
    }
    let stored: i64 = sql("SELECT count(*) FROM application").scalar(&a.raw().await).await.unwrap();
    assert_eq!(stored, 0);
}
