//! Zoom reports against the writer: matching a report's attendees to applications is done
//! before the import's write transaction, so it never holds up applicants' submissions.

mod support;

use app::domain::allocation::CohortChoice;
use app::domain::zoom_report::{Attendee, Report};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use support::{add_cohort, add_coordinator, add_taster, application, t0, TestStore};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matching_a_large_report_does_not_hold_up_a_submission() {
    let t = TestStore::new().await;
    add_cohort(&t.store, "March 2027 · Mondays", 1000, 0).await;
    let taster = add_taster(&t.store, "quiet-river-stone-path").await;
    let by = add_coordinator(&t.store).await;
    for n in 0..600 {
        t.store.submit_application(application(&format!("p{n}@nhs.net"), None, &CohortChoice::Any), t0()).await.unwrap();
    }
    // 2,500 attendees without an email: each is compared by name with all 600 applications.
    let report = Report {
        meeting_id: None,
        days: Vec::new(),
        digest: "0".repeat(64),
        rows: 2500,
        attendees: (0..2500)
            .map(|n| Attendee { name: format!("Attendee number {n}"), email: None, minutes: 60 })
            .collect(),
    };
    let imported = Arc::new(AtomicBool::new(false));
    let import = tokio::spawn({
        let (store, imported) = (t.store.clone(), imported.clone());
        async move {
            let id = store.create_import(taster, "large.csv", &report, by, chrono::Utc::now()).await;
            imported.store(true, Ordering::SeqCst);
            id
        }
    });
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(!imported.load(Ordering::SeqCst), "the matching takes a while (or this test proves nothing)");
    t.store.submit_application(application("late@nhs.net", None, &CohortChoice::Any), t0()).await.unwrap();
    assert!(!imported.load(Ordering::SeqCst), "the submission was stored while the report was still being matched");
    let id = import.await.unwrap().unwrap();
    assert_eq!(t.store.import(id).await.unwrap().unwrap().attendees.len(), 2500);
}
