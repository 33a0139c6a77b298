//! For tests only: a fresh, empty database for each test, on the database the run asks for.
//! With `ENROL_TEST_DATABASE_URL=postgres://…` set (as `make test` does for its second run),
//! every store and HTTP test runs on that PostgreSQL server, each in a database of its own;
//! without it, on a SQLite file in the test's own folder.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// The variable that points the tests at a PostgreSQL server.
pub const TEST_DATABASE_URL: &str = "ENROL_TEST_DATABASE_URL";

/// Whether this test run is on PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var(TEST_DATABASE_URL).is_ok_and(|url| url.starts_with("postgres"))
}

/// The URL of a new database with every migration applied: on the PostgreSQL server of
/// `ENROL_TEST_DATABASE_URL` when it is set (a copy of a template migrated once per test
/// process, much quicker than migrating each one), otherwise a SQLite file (not yet created)
/// in `dir`.
pub async fn fresh_database(dir: &Path) -> String {
    let Ok(server) = std::env::var(TEST_DATABASE_URL).map(|url| url.trim().to_string()) else {
        return format!("sqlite://{}", dir.join("enrol.db").display());
    };
    static TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    let template = TEMPLATE.get_or_init(|| migrated_template(&server)).await;
    let name = unique_name("enrol_test");
    let admin = super::db::Db::connect(&server).await.expect("connect to the test PostgreSQL server");
    // FILE_COPY: for a small database, copying its files beats logging every page.
    super::db::sql_assembled(format!("CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY"))
        .execute(&admin)
        .await
        .expect("create a test database");
    admin.close().await;
    with_database(&server, &name)
}

/// Creates a database on `server`, applies the migrations and disconnects (a template may
/// have no connections while it is copied); returns its name.
async fn migrated_template(server: &str) -> String {
    let name = unique_name("enrol_template");
    let admin = super::db::Db::connect(server).await.expect("connect to the test PostgreSQL server");
    super::db::sql_assembled(format!("CREATE DATABASE {name}")).execute(&admin).await.expect("create the template");
    admin.close().await;
    let template = sqlx::PgPool::connect(&with_database(server, &name)).await.expect("connect to the template");
    sqlx::migrate!("../migrations/postgres").run(&template).await.expect("migrate the template");
    template.close().await;
    name
}

/// A database name no other test, process or run has used.
fn unique_name(prefix: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "{prefix}_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        chrono::Utc::now().timestamp_micros()
    )
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let path = base[after_scheme..].find('/').map_or(base.len(), |i| after_scheme + i);
    let mut out = format!("{}/{name}", &base[..path]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_is_replaced_and_the_rest_kept() {
        assert_eq!(with_database("postgres://u@127.0.0.1:5433/postgres", "t1"), "postgres://u@127.0.0.1:5433/t1");
        assert_eq!(with_database("postgres://127.0.0.1:5433", "t1"), "postgres://127.0.0.1:5433/t1");
        assert_eq!(with_database("postgres://h/db?sslmode=disable", "t2"), "postgres://h/t2?sslmode=disable");
    }
}
