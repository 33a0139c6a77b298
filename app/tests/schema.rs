//! The migrated schema on the database this run uses (SQLite, or PostgreSQL when
//! `ENROL_TEST_DATABASE_URL` says so) has each uniqueness rule the store recognises by name.

mod support;

use app::store::db::{Dialect, UNIQUE_RULES};
use support::*;

/// Every unique index of the schema: on SQLite as the columns it names when one is broken, on
/// PostgreSQL by its name.
async fn unique_indexes(t: &TestStore) -> Vec<String> {
    let raw = t.raw().await;
    if t.store.dialect() == Dialect::Postgres {
        return sql("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexdef LIKE 'CREATE UNIQUE%'")
            .scalars(&raw)
            .await
            .unwrap();
    }
    let tables: Vec<String> = sql("SELECT name FROM sqlite_master WHERE type = 'table'").scalars(&raw).await.unwrap();
    let mut unique = Vec::new();
    for table in tables {
        let indexes: Vec<String> =
            sql_assembled(format!("SELECT name FROM pragma_index_list('{table}') WHERE \"unique\" = 1"))
                .scalars(&raw)
                .await
                .unwrap();
        for index in indexes {
            let columns: Vec<String> =
                sql_assembled(format!("SELECT name FROM pragma_index_info('{index}') ORDER BY seqno"))
                    .scalars(&raw)
                    .await
                    .unwrap();
            unique.push(columns.iter().map(|c| format!("{table}.{c}")).collect::<Vec<_>>().join(", "));
        }
    }
    unique
}

#[tokio::test]
async fn each_uniqueness_rule_the_store_names_is_a_unique_index_of_the_schema() {
    let t = TestStore::new().await;
    let unique = unique_indexes(&t).await;
    for (constraint, postgres, sqlite) in UNIQUE_RULES {
        let name = if t.store.dialect() == Dialect::Postgres { postgres } else { sqlite };
        assert!(unique.contains(&name.to_string()), "{constraint:?}: no unique index {name} in {unique:?}");
    }
}

#[tokio::test]
async fn a_second_active_application_from_one_email_is_refused_by_its_rule_not_by_chance() {
    // The refusal is recognised by the rule's name: the applicant is told about their first
    // application, not shown a fault.
    let t = TestStore::new().await;
    add_cohort(&t.store, "Tuesdays", 2, 0).await;
    let any = app::domain::allocation::CohortChoice::Any;
    t.store.submit_application(application("sam@nhs.net", None, &any), t0()).await.unwrap();
    let second = t.store.submit_application(application("SAM@nhs.net", None, &any), t0()).await;
    assert!(
        matches!(second, Err(app::errors::AppError::Conflict(ref m)) if m.contains("already applied")),
        "{second:?}"
    );
}

#[tokio::test]
async fn a_reference_already_in_use_is_taken_and_the_step_carries_on_to_draw_another() {
    use app::domain::allocation::AllocationState;
    use app::store::rows::SqlRows;
    use app::workflow::rows::{Allocation, Constraint, NewApplicationRow, Rows, Taken};
    let t = TestStore::new().await;
    add_cohort(&t.store, "Tuesdays", 2, 0).await;
    let session = add_taster(&t.store, "clash1").await;
    let any = app::domain::allocation::CohortChoice::Any;
    t.store.submit_application(application("first@nhs.net", None, &any), t0()).await.unwrap();
    let taken: String = sql("SELECT reference FROM application").scalar(&t.raw().await).await.unwrap();

    let db = t.raw().await;
    let mut tx = db.begin().await.unwrap();
    let mut rows = SqlRows(tx.conn());
    let app = application("second@nhs.net", None, &any);
    let allocation = Allocation {
        state: AllocationState::AwaitingAttendance,
        cohort_id: None,
        eligible_at: None,
        offer_expires_at: None,
    };
    let id = rows.new_application_id().await.unwrap();
    let events = [app::workflow::Event::ApplicationSubmitted { application_id: id }];
    let messages = app::workflow::messages::for_events(&events);
    let row = |reference: &'static str, token: &'static str| NewApplicationRow {
        id,
        reference,
        status_token: token,
        intake: "2027-03",
        app: &app,
        email_key: "second@nhs.net",
        taster_session_id: Some(session),
        attended: true,
        any_cohort: true,
        privacy_notice_version: "test",
        submitted_at: t0(),
        allocation: &allocation,
        events: &events,
        messages: &messages,
    };
    let taken: &'static str = Box::leak(taken.into_boxed_str());
    let clash = rows.insert_application(&row(taken, "a0000000000000000000000000000000000000000000000a")).await.unwrap();
    assert_eq!(clash, Err(Taken(Constraint::ApplicationReference)));
    // The transaction still takes statements (on PostgreSQL an error would have ended it).
    let fresh =
        rows.insert_application(&row("CL-ZZZZ", "b0000000000000000000000000000000000000000000000b")).await.unwrap();
    assert!(fresh.is_ok());
    drop(rows);
    tx.commit().await.unwrap();
    let count: i64 = sql("SELECT count(*) FROM application").scalar(&t.raw().await).await.unwrap();
    assert_eq!(count, 2);
    // Its attendance, event and email were recorded once, by the insert that stored it, not
    // by the clash.
    let db = t.raw().await;
    for table in ["attendance", "event", "outbox"] {
        let text = format!("SELECT count(*) FROM {table} WHERE application_id = $1");
        let count: i64 = app::store::db::sql_assembled(text).bind(id).scalar(&db).await.unwrap();
        assert_eq!(count, 1, "{table}");
    }
}

/// A store with one open cohort, a taster session whose attendance code is `code`, and one
/// application stored; returns the store, the session's id and the application's reference.
async fn one_application_stored(code: &str) -> (TestStore, i64, String) {
    let t = TestStore::new().await;
    add_cohort(&t.store, "Tuesdays", 2, 0).await;
    let session = add_taster(&t.store, code).await;
    let any = app::domain::allocation::CohortChoice::Any;
    t.store.submit_application(application("first@nhs.net", None, &any), t0()).await.unwrap();
    let taken: String = sql("SELECT reference FROM application").scalar(&t.raw().await).await.unwrap();
    (t, session, taken)
}

/// Stores (or, in a batch that keeps them, keeps) application `n` with `reference`, attended at
/// `session`, with its events and emails; returns its id and the store's answer.
async fn insert_numbered(
    rows: &mut app::store::rows::SqlRows<'_>,
    n: usize,
    reference: &str,
    session: i64,
) -> (i64, Result<(), app::workflow::rows::Taken>) {
    use app::domain::allocation::{AllocationState, CohortChoice};
    use app::workflow::rows::{Allocation, NewApplicationRow, Rows};
    use app::workflow::Event;
    let allocation =
        Allocation { state: AllocationState::AwaitingAttendance, cohort_id: None, eligible_at: None, offer_expires_at: None };
    let email = format!("kept{n}@nhs.net");
    let app = application(&email, None, &CohortChoice::Any);
    let id = rows.new_application_id().await.unwrap();
    let events = [
        Event::ApplicationSubmitted { application_id: id },
        Event::AttendanceConfirmed { application_id: id, taster_session_id: session },
    ];
    let messages = app::workflow::messages::for_events(&events);
    let token = format!("{n}{}", "0".repeat(40));
    let row = NewApplicationRow {
        id,
        reference,
        status_token: &token,
        intake: "2027-03",
        app: &app,
        email_key: &email,
        taster_session_id: Some(session),
        attended: true,
        any_cohort: true,
        privacy_notice_version: "test",
        submitted_at: t0(),
        allocation: &allocation,
        events: &events,
        messages: &messages,
    };
    (id, rows.insert_application(&row).await.unwrap())
}

#[tokio::test]
async fn applications_a_batch_keeps_take_references_no_stored_application_has() {
    use app::store::db::Memo;
    use app::store::rows::SqlRows;
    use app::workflow::rows::Rows;
    let (t, session, taken) = one_application_stored("refs1").await;

    let db = t.raw().await;
    let mut tx = db.begin().await.unwrap();
    let mut conn = tx.conn();
    let mut memo = Memo::keeping_applications();
    let mut rows = SqlRows(conn.with_memo(&mut memo));
    let (_, answer) = insert_numbered(&mut rows, 0, "CL-KEPT", session).await;
    assert_eq!(answer, Ok(()));
    const STORED: &str = "SELECT count(*) FROM application";
    if t.store.dialect() == Dialect::Sqlite {
        // Nothing is kept on SQLite: the application is stored at once, and a step that meets
        // a reference in use draws another (the clash test above).
        assert_eq!(sql(STORED).scalar::<i64>(&mut rows.0).await.unwrap(), 2);
        return;
    }
    // On PostgreSQL the check finds the stored reference in use, and sends nothing kept.
    let unused = rows.unused_references(vec![taken.clone(), "CL-FREE".into()]).await.unwrap();
    assert_eq!(unused, ["CL-FREE"]);
    assert_eq!(sql(STORED).scalar::<i64>(&mut rows.0.unkept()).await.unwrap(), 1, "still kept");
    // Each reference the batch gives out is fresh: none stored, none twice.
    let mut given = std::collections::HashSet::new();
    for _ in 0..200 {
        let reference = rows.new_reference().await.unwrap();
        assert_ne!(reference, taken);
        assert!(given.insert(reference.clone()), "{reference} given twice");
    }
    assert_eq!(sql(STORED).scalar::<i64>(&mut rows.0.unkept()).await.unwrap(), 1, "drawing sent nothing kept");
}

#[tokio::test]
async fn applications_a_batch_keeps_are_stored_before_its_next_statement_and_a_clash_among_them_refuses_it() {
    use app::store::db::Memo;
    use app::store::rows::SqlRows;
    use app::workflow::rows::{Constraint, Taken};
    let (t, session, taken) = one_application_stored("keep1").await;

    // A writer batch's connection on PostgreSQL keeps new applications (deferred.rs); on
    // SQLite the same memo stores each at once. Either way a read on the connection sees
    // every one, with its attendance, and the events in the order they were made.
    let db = t.raw().await;
    let mut tx = db.begin().await.unwrap();
    let mut conn = tx.conn();
    let mut memo = Memo::keeping_applications();
    let mut rows = SqlRows(conn.with_memo(&mut memo));
    let mut ids = Vec::new();
    for (n, reference) in ["CL-KEP1", "CL-KEP2", "CL-KEP3"].into_iter().enumerate() {
        let (id, answer) = insert_numbered(&mut rows, n, reference, session).await;
        assert_eq!(answer, Ok(()));
        ids.push(id);
    }
    let events: Vec<i64> = sql("SELECT application_id FROM event WHERE application_id >= $1 ORDER BY id")
        .bind(ids[0])
        .scalars(&mut rows.0)
        .await
        .unwrap();
    assert_eq!(events, ids.iter().flat_map(|id| [*id, *id]).collect::<Vec<_>>());
    let attended: i64 = sql("SELECT count(*) FROM attendance WHERE source = 'code'").scalar(&mut rows.0).await.unwrap();
    assert_eq!(attended, 3);
    let emails: i64 =
        sql("SELECT count(DISTINCT application_id) FROM outbox WHERE application_id >= $1").bind(ids[0]).scalar(&mut rows.0).await.unwrap();
    assert_eq!(emails, 3);

    // A reference in use: SQLite refuses it at once; PostgreSQL's batch keeps it and the clash
    // shows with the next statement, and sticks (the writer then runs the batch step by step).
    let (_, answer) = insert_numbered(&mut rows, 3, &taken, session).await;
    if t.store.dialect() == Dialect::Sqlite {
        assert_eq!(answer, Err(Taken(Constraint::ApplicationReference)));
        return;
    }
    assert_eq!(answer, Ok(()), "kept, not yet stored");
    let next = sql("SELECT count(*) FROM application").scalar::<i64>(&mut rows.0).await;
    assert!(next.is_err(), "{next:?}");
    drop(rows);
    assert!(memo.kept_refused());
    drop(conn);
    drop(tx);
    let count: i64 = sql("SELECT count(*) FROM application").scalar(&t.raw().await).await.unwrap();
    assert_eq!(count, 1, "nothing of the refused batch is committed");
}
