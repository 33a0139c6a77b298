//! What both load generators share: a fresh database with one open cohort and one taster
//! session that has just ended (so its attendance code makes applicants eligible), and the
//! wait for the server under test to answer.

use app::store::{NewCohort, NewTaster, Store};
use chrono::{Duration, Utc};

/// Seeds the database at `url`: a cohort named `name` with `capacity` places and six weekly
/// meetings from six weeks on, and a taster session an hour ago with `attendance_code`.
pub async fn seed(
    url: &str,
    name: &str,
    capacity: i64,
    attendance_code: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let store = Store::open(url).await?;
    let start = Utc::now() + Duration::weeks(6);
    store
        .create_cohort(&NewCohort {
            name: name.into(),
            intake: "bench".into(),
            capacity,
            status: app::models::CohortStatus::Open,
            meetings: (0..6)
                .map(|w| (start + Duration::weeks(w), start + Duration::weeks(w) + Duration::hours(2)))
                .collect(),
        }, app::workflow::Actor::System, Utc::now())
        .await?;
    let taster = Utc::now() - Duration::hours(1);
    store
        .create_taster(&NewTaster {
            starts_at: taster,
            ends_at: taster + Duration::hours(1),
            zoom_url: "https://zoom.us/j/1".into(),
            meeting_id: "1".into(),
            passcode: "1".into(),
            attendance_code: attendance_code.into(),
        }, app::workflow::Actor::System, Utc::now())
        .await?;
    store.close().await;
    Ok(())
}

/// Waits (up to 10 seconds) until `base/healthz` answers 200.
pub async fn wait_healthy(client: &reqwest::Client, base: &str) -> Result<(), Box<dyn std::error::Error>> {
    for _ in 0..100 {
        if let Ok(res) = client.get(format!("{base}/healthz")).send().await {
            if res.status().is_success() {
                return Ok(());
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Err("the server did not become healthy".into())
}
