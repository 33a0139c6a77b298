//! One way to run SQL on either database (server only). enrol's SQL is written once, with
//! numbered parameters (`$1`, `$2`, …) that SQLite and PostgreSQL both read, in portable SQL
//! (types, functions and orderings both databases share); [`Sql`] binds its values as
//! [`Arg`]s and runs it on a pool ([`Db`]) or on one connection ([`Conn`], such as the
//! writer's inside its transaction). The few places that must differ ask for the
//! [`Dialect`]. Rows decode into any type that both databases' rows decode into
//! ([`Record`]): `sqlx::FromRow` structs and tuples of plain values.

pub use super::rows::Memo;
use super::deferred::Deferred;
use crate::workflow::rows::{Constraint, Taken};
use chrono::{DateTime, Utc};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgArguments, PgConnection, PgPool, PgRow};
use sqlx::sqlite::{SqliteArguments, SqliteConnection, SqlitePool, SqliteRow};
use sqlx::{Arguments, FromRow, Postgres, SqlStr, Sqlite, Transaction};

/// Which database a statement runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A pool of connections to the configured database.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// One borrowed connection: a pool's, a transaction's or the writer's. The writer's also
/// carries its batch's [`Memo`].
pub struct Conn<'c> {
    link: Link<'c>,
    memo: Option<&'c mut Memo>,
}

enum Link<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

/// A connection taken from the pool until it is dropped.
pub enum PooledConn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

/// A transaction on a pool connection; dropped without [`Tx::commit`], it rolls back.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Where a statement runs.
pub enum On<'e> {
    SqlitePool(&'e SqlitePool),
    Sqlite(&'e mut SqliteConnection),
    PgPool(&'e PgPool),
    /// With the writer batch's kept applications, stored before the statement runs.
    Postgres(&'e mut PgConnection, Option<&'e mut Deferred>),
}

impl<'e> From<&'e Db> for On<'e> {
    fn from(db: &'e Db) -> Self {
        match db {
            Db::Sqlite(pool) => On::SqlitePool(pool),
            Db::Postgres(pool) => On::PgPool(pool),
        }
    }
}

impl<'e> From<&'e mut Conn<'_>> for On<'e> {
    fn from(conn: &'e mut Conn<'_>) -> Self {
        match &mut conn.link {
            Link::Sqlite(c) => On::Sqlite(c),
            Link::Postgres(c) => On::Postgres(c, conn.memo.as_deref_mut().map(Memo::deferred)),
        }
    }
}

impl Db {
    /// A plain pool on `url`, without migrations or a writer (for tests that look at rows).
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        Ok(if url.starts_with("sqlite:") {
            Db::Sqlite(SqlitePool::connect(url).await?)
        } else {
            Db::Postgres(PgPool::connect(url).await?)
        })
    }

    /// The database this pool reaches.
    pub fn dialect(&self) -> Dialect {
        match self {
            Db::Sqlite(_) => Dialect::Sqlite,
            Db::Postgres(_) => Dialect::Postgres,
        }
    }

    /// A connection of the pool, for several reads in a row.
    pub async fn acquire(&self) -> Result<PooledConn, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(pool) => PooledConn::Sqlite(pool.acquire().await?),
            Db::Postgres(pool) => PooledConn::Postgres(pool.acquire().await?),
        })
    }

    /// A write transaction outside the writer (coordinator accounts). On SQLite it takes the
    /// write lock at once (`BEGIN IMMEDIATE`): a deferred transaction that reads before it
    /// writes fails at once when another connection commits in between.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Whether [`Db::close`] was called.
    pub fn is_closed(&self) -> bool {
        match self {
            Db::Sqlite(pool) => pool.is_closed(),
            Db::Postgres(pool) => pool.is_closed(),
        }
    }

    /// Closes every connection.
    pub async fn close(&self) {
        match self {
            Db::Sqlite(pool) => pool.close().await,
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

impl PooledConn {
    /// The connection, to run statements on.
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            PooledConn::Sqlite(c) => Conn::sqlite(c),
            PooledConn::Postgres(c) => Conn::postgres(c),
        }
    }
}

impl Tx {
    /// The transaction's connection, to run statements on.
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(tx) => Conn::sqlite(tx),
            Tx::Postgres(tx) => Conn::postgres(tx),
        }
    }

    /// Commits the transaction.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }
}

impl<'c> Conn<'c> {
    /// A SQLite connection, without a memo.
    pub fn sqlite(conn: &'c mut SqliteConnection) -> Self {
        Self { link: Link::Sqlite(conn), memo: None }
    }

    /// A PostgreSQL connection, without a memo.
    pub fn postgres(conn: &'c mut PgConnection) -> Self {
        Self { link: Link::Postgres(conn), memo: None }
    }

    /// The database this connection reaches.
    pub fn dialect(&self) -> Dialect {
        match self.link {
            Link::Sqlite(_) => Dialect::Sqlite,
            Link::Postgres(_) => Dialect::Postgres,
        }
    }

    /// The same connection (and memo), borrowed again for a call that takes it by value.
    pub fn reborrow(&mut self) -> Conn<'_> {
        let link = match &mut self.link {
            Link::Sqlite(c) => Link::Sqlite(c),
            Link::Postgres(c) => Link::Postgres(c),
        };
        Conn { link, memo: self.memo.as_deref_mut() }
    }

    /// The same connection, with `memo` (the writer gives each job its batch's memo).
    pub fn with_memo<'m>(&'m mut self, memo: &'m mut Memo) -> Conn<'m> {
        let mut conn = self.reborrow();
        conn.memo = Some(memo);
        conn
    }

    /// The same connection without its memo, for a statement that reads nothing the batch
    /// keeps to store (`deferred.rs`), such as drawing ids from a sequence: it does not wait
    /// for them to be stored.
    pub fn unkept(&mut self) -> Conn<'_> {
        let mut conn = self.reborrow();
        conn.memo = None;
        conn
    }

    /// What this connection's batch has read and kept (only the writer's has one).
    pub fn memo(&mut self) -> Option<&mut Memo> {
        self.memo.as_deref_mut()
    }

    /// Runs statements without parameters, separated by semicolons (transaction control).
    pub async fn batch(&mut self, statements: &'static str) -> Result<(), sqlx::Error> {
        self.store_kept().await?;
        match &mut self.link {
            Link::Sqlite(c) => sqlx::raw_sql(statements).execute(&mut **c).await.map(drop),
            Link::Postgres(c) => sqlx::raw_sql(statements).execute(&mut **c).await.map(drop),
        }
    }

    /// Stores the new applications the writer's batch has kept (`deferred.rs`), if any.
    pub async fn store_kept(&mut self) -> Result<(), sqlx::Error> {
        match (&mut self.link, self.memo.as_deref_mut()) {
            (Link::Postgres(c), Some(memo)) => memo.deferred().store(c).await,
            _ => Ok(()),
        }
    }

    /// Runs an insert or update that a uniqueness rule may refuse: a refusal is [`Taken`] with
    /// the rule's name. After a refusal the step must end (PostgreSQL takes no more statements
    /// in a transaction after an error; the writer undoes the failed step, see `writer.rs`),
    /// which every workflow step does: a [`Taken`] is always its answer.
    pub async fn attempt<T: Record>(&mut self, statement: Sql) -> Result<Result<T, Taken>, sqlx::Error> {
        match statement.fetch_one::<T>(&mut *self).await {
            Ok(value) => Ok(Ok(value)),
            Err(error) => match taken(&error) {
                Some(taken) => Ok(Err(taken)),
                None => Err(error),
            },
        }
    }
}

/// A value bound to a numbered parameter. `None` keeps its type: PostgreSQL checks it. The
/// lists are PostgreSQL arrays (a column of rows stored at once, `deferred.rs`).
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    Int(Option<i64>),
    Text(Option<String>),
    Bool(Option<bool>),
    Time(Option<DateTime<Utc>>),
    Ints(Vec<Option<i64>>),
    Texts(Vec<Option<String>>),
    Bools(Vec<Option<bool>>),
    Times(Vec<Option<DateTime<Utc>>>),
}

impl Arg {
    /// A column of values of one type as one list; `None` when it is empty or mixes types.
    pub fn list(column: Vec<Arg>) -> Option<Arg> {
        macro_rules! all {
            ($one:ident => $many:ident) => {
                column.into_iter().map(|v| if let Arg::$one(v) = v { Some(v) } else { None }).collect::<Option<_>>().map(Arg::$many)
            };
        }
        match column.first()? {
            Arg::Int(_) => all!(Int => Ints),
            Arg::Text(_) => all!(Text => Texts),
            Arg::Bool(_) => all!(Bool => Bools),
            Arg::Time(_) => all!(Time => Times),
            _ => None,
        }
    }
}

macro_rules! arg_from {
    ($variant:ident: $($t:ty => |$v:ident| $e:expr),* $(,)?) => {
        $(impl From<$t> for Arg {
            fn from($v: $t) -> Self {
                Arg::$variant($e)
            }
        })*
    };
}

arg_from!(Int: i64 => |v| Some(v), Option<i64> => |v| v, &i64 => |v| Some(*v));
arg_from!(Bool: bool => |v| Some(v), Option<bool> => |v| v);
arg_from!(Time: DateTime<Utc> => |v| Some(v), Option<DateTime<Utc>> => |v| v, &DateTime<Utc> => |v| Some(*v));
arg_from!(Text:
    &str => |v| Some(v.to_string()),
    String => |v| Some(v),
    &String => |v| Some(v.clone()),
    Option<&str> => |v| v.map(str::to_string),
    Option<String> => |v| v,
    &Option<String> => |v| v.clone(),
);

/// A row type both databases decode: a `sqlx::FromRow` struct, or a tuple of plain values.
pub trait Record: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T> Record for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}

/// A statement and the values of its parameters.
#[derive(Clone, Debug)]
pub struct Sql {
    text: SqlStr,
    args: Vec<Arg>,
}

/// A statement written in the code.
pub fn sql(text: &'static str) -> Sql {
    Sql { text: sqlx::SqlSafeStr::into_sql_str(text), args: Vec::new() }
}

/// A statement put together from fixed pieces of the code (an order picked from a list, a
/// shared clause): never from a request's text, which is always bound as a value.
pub fn sql_assembled(text: String) -> Sql {
    Sql { text: sqlx::SqlSafeStr::into_sql_str(sqlx::AssertSqlSafe(text)), args: Vec::new() }
}

fn sqlite_args(args: Vec<Arg>) -> Result<SqliteArguments, sqlx::Error> {
    let mut out = SqliteArguments::default();
    for arg in args {
        match arg {
            Arg::Int(v) => out.add(v),
            Arg::Text(v) => out.add(v),
            Arg::Bool(v) => out.add(v),
            Arg::Time(v) => out.add(v),
            Arg::Ints(_) | Arg::Texts(_) | Arg::Bools(_) | Arg::Times(_) => Err("SQLite takes no lists".into()),
        }
        .map_err(sqlx::Error::Encode)?;
    }
    Ok(out)
}

pub(super) fn pg_args(args: Vec<Arg>) -> Result<PgArguments, sqlx::Error> {
    let mut out = PgArguments::default();
    for arg in args {
        match arg {
            Arg::Int(v) => out.add(v),
            Arg::Text(v) => out.add(v),
            Arg::Bool(v) => out.add(v),
            Arg::Time(v) => out.add(v),
            Arg::Ints(v) => out.add(v),
            Arg::Texts(v) => out.add(v),
            Arg::Bools(v) => out.add(v),
            Arg::Times(v) => out.add(v),
        }
        .map_err(sqlx::Error::Encode)?;
    }
    Ok(out)
}

/// Runs `$body` with `$exec` bound to where the statement runs and `$args` to its values in
/// that database's form.
macro_rules! on_each {
    ($on:expr, $values:expr, |$exec:ident, $args:ident| $body:expr) => {
        match $on {
            On::SqlitePool($exec) => {
                let $args = sqlite_args($values)?;
                $body
            }
            On::Sqlite($exec) => {
                let $args = sqlite_args($values)?;
                $body
            }
            On::PgPool($exec) => {
                let $args = pg_args($values)?;
                $body
            }
            On::Postgres($exec, kept) => {
                if let Some(kept) = kept {
                    kept.store(&mut *$exec).await?;
                }
                let $args = pg_args($values)?;
                $body
            }
        }
    };
}

impl Sql {
    /// Binds the next parameter.
    pub fn bind(mut self, value: impl Into<Arg>) -> Self {
        self.args.push(value.into());
        self
    }

    /// Runs the statement; returns how many rows it changed.
    pub async fn execute<'e>(self, on: impl Into<On<'e>>) -> Result<u64, sqlx::Error> {
        let text = self.text;
        on_each!(on.into(), self.args, |exec, args| Ok(sqlx::query_with(text, args)
            .execute(exec)
            .await?
            .rows_affected()))
    }

    /// Every row.
    pub async fn fetch_all<'e, T: Record>(self, on: impl Into<On<'e>>) -> Result<Vec<T>, sqlx::Error> {
        let text = self.text;
        on_each!(on.into(), self.args, |exec, args| sqlx::query_as_with::<_, T, _>(text, args).fetch_all(exec).await)
    }

    /// The first row, if there is one.
    pub async fn fetch_optional<'e, T: Record>(self, on: impl Into<On<'e>>) -> Result<Option<T>, sqlx::Error> {
        let text = self.text;
        on_each!(on.into(), self.args, |exec, args| sqlx::query_as_with::<_, T, _>(text, args)
            .fetch_optional(exec)
            .await)
    }

    /// The first row; `RowNotFound` when there is none.
    pub async fn fetch_one<'e, T: Record>(self, on: impl Into<On<'e>>) -> Result<T, sqlx::Error> {
        let text = self.text;
        on_each!(on.into(), self.args, |exec, args| sqlx::query_as_with::<_, T, _>(text, args).fetch_one(exec).await)
    }

    /// The first column of the first row.
    pub async fn scalar<'e, T>(self, on: impl Into<On<'e>>) -> Result<T, sqlx::Error>
    where
        (T,): Record,
    {
        Ok(self.fetch_one::<(T,)>(on).await?.0)
    }

    /// The first column of the first row, if there is a row.
    pub async fn scalar_optional<'e, T>(self, on: impl Into<On<'e>>) -> Result<Option<T>, sqlx::Error>
    where
        (T,): Record,
    {
        Ok(self.fetch_optional::<(T,)>(on).await?.map(|row| row.0))
    }

    /// The first column of every row.
    pub async fn scalars<'e, T>(self, on: impl Into<On<'e>>) -> Result<Vec<T>, sqlx::Error>
    where
        (T,): Record,
    {
        Ok(self.fetch_all::<(T,)>(on).await?.into_iter().map(|row| row.0).collect())
    }
}

/// The uniqueness rules of the schema: PostgreSQL's constraint (or unique index) name, and the
/// columns SQLite names instead ("UNIQUE constraint failed: application.reference"), since
/// SQLite reports a broken unique index by its columns only. `store::schema_tests` checks
/// both against the migrated schemas.
pub const UNIQUE_RULES: [(Constraint, &str, &str); 4] = [
    (Constraint::ApplicationReference, "application_reference_key", "application.reference"),
    (Constraint::OneActivePerEmail, "application_one_active_per_email", "application.intake, application.email_key"),
    (Constraint::CohortName, "cohort_course_id_name_key", "cohort.course_id, cohort.name"),
    (Constraint::AttendanceCode, "taster_session_attendance_code_key", "taster_session.attendance_code_key"),
];

/// The uniqueness rule an error broke, if it broke one of [`UNIQUE_RULES`].
pub fn taken(error: &sqlx::Error) -> Option<Taken> {
    let sqlx::Error::Database(e) = error else { return None };
    if !e.is_unique_violation() {
        return None;
    }
    let rule = match e.constraint() {
        Some(name) => UNIQUE_RULES.iter().find(|(_, pg, _)| *pg == name),
        None => {
            let columns = e.message().strip_prefix("UNIQUE constraint failed: ")?;
            UNIQUE_RULES.iter().find(|(_, _, sqlite)| *sqlite == columns)
        }
    };
    rule.map(|(constraint, _, _)| Taken(*constraint))
}
