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
    assert!(matches!(second, Err(app::errors::AppError::Conflict(ref m)) if m.contains("already applied")), "{second:?}");
}
