//! The one place where SQLite and PostgreSQL differ. Every query of the store is written once, as a
//! function over [`Conn`] with `$n` placeholders (both drivers take them) and values as [`Arg`]s;
//! rows come back as `sqlx::FromRow` structs. What the two databases do differently is the
//! [`Dialect`] trait, implemented for each:
//!
//! - how values are bound ([`Dialect::arguments`]; PostgreSQL also takes arrays);
//! - row locks: `for update` and `for update skip locked` where PostgreSQL's parallel writers and
//!   instances need them (SQLite has one writer, and neither syntax);
//! - multi-row inserts ([`Dialect::batch_statements`]): one `unnest` of column arrays on PostgreSQL,
//!   prepared once whatever the batch size; `values (?, …), …` chunks under the parameter limit on
//!   SQLite, in process;
//! - the two lookups every screening runs, whose plans differ (`store::index` picks the statement by
//!   [`Conn::backend`]).
//!
//! Adding a query is one function beside its table's others; adding a table is one migration per
//! backend (`migrations/sqlite`, `migrations/postgres`, kept in lockstep by a test).

use sqlx::pool::PoolConnection;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{Arguments, AssertSqlSafe, Postgres, SqlSafeStr, Sqlite, Transaction};

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    Sqlite,
    Postgres,
}

/// One value bound to a statement. Scalars bind the same on both databases; arrays are for the
/// PostgreSQL statements that take a whole column at once.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Arg<'a> {
    Text(Option<&'a str>),
    Int(Option<i64>),
    Bytes(Option<&'a [u8]>),
    Texts(&'a [&'a str]),
    Ints(&'a [i64]),
    OptInts(&'a [Option<i64>]),
    Blobs(&'a [&'a [u8]]),
    OptBlobs(&'a [Option<&'a [u8]>]),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(v: &'a str) -> Self {
        Arg::Text(Some(v))
    }
}
impl<'a> From<&'a String> for Arg<'a> {
    fn from(v: &'a String) -> Self {
        Arg::Text(Some(v))
    }
}
impl<'a> From<Option<&'a str>> for Arg<'a> {
    fn from(v: Option<&'a str>) -> Self {
        Arg::Text(v)
    }
}
impl From<i64> for Arg<'_> {
    fn from(v: i64) -> Self {
        Arg::Int(Some(v))
    }
}
impl From<Option<i64>> for Arg<'_> {
    fn from(v: Option<i64>) -> Self {
        Arg::Int(v)
    }
}
impl<'a> From<&'a [u8]> for Arg<'a> {
    fn from(v: &'a [u8]) -> Self {
        Arg::Bytes(Some(v))
    }
}
impl<'a> From<&'a Vec<u8>> for Arg<'a> {
    fn from(v: &'a Vec<u8>) -> Self {
        Arg::Bytes(Some(v))
    }
}
impl<'a> From<Option<&'a [u8]>> for Arg<'a> {
    fn from(v: Option<&'a [u8]>) -> Self {
        Arg::Bytes(v)
    }
}

/// One column of a multi-row insert: every row's value, in row order.
pub(crate) enum Column<'a> {
    Text(Vec<&'a str>),
    Int(Vec<i64>),
    OptInt(Vec<Option<i64>>),
    Blob(Vec<&'a [u8]>),
    OptBlob(Vec<Option<&'a [u8]>>),
}

impl Column<'_> {
    fn len(&self) -> usize {
        match self {
            Column::Text(v) => v.len(),
            Column::Int(v) => v.len(),
            Column::OptInt(v) => v.len(),
            Column::Blob(v) => v.len(),
            Column::OptBlob(v) => v.len(),
        }
    }

    fn row(&self, i: usize) -> Arg<'_> {
        match self {
            Column::Text(v) => Arg::Text(Some(v[i])),
            Column::Int(v) => Arg::Int(Some(v[i])),
            Column::OptInt(v) => Arg::Int(v[i]),
            Column::Blob(v) => Arg::Bytes(Some(v[i])),
            Column::OptBlob(v) => Arg::Bytes(v[i]),
        }
    }

    fn whole(&self) -> Arg<'_> {
        match self {
            Column::Text(v) => Arg::Texts(v),
            Column::Int(v) => Arg::Ints(v),
            Column::OptInt(v) => Arg::OptInts(v),
            Column::Blob(v) => Arg::Blobs(v),
            Column::OptBlob(v) => Arg::OptBlobs(v),
        }
    }

    fn pg_array_type(&self) -> &'static str {
        match self {
            Column::Text(_) => "text[]",
            Column::Int(_) | Column::OptInt(_) => "int8[]",
            Column::Blob(_) | Column::OptBlob(_) => "bytea[]",
        }
    }
}

/// Rows for one multi-row insert, column by column. `table` and `columns` are literals of the store
/// (the statement text is built from them), `tail` an `on conflict …` / `returning …` clause.
pub(crate) struct Batch<'a> {
    pub table: &'static str,
    pub columns: &'static [&'static str],
    pub values: Vec<Column<'a>>,
    pub tail: &'static str,
}

impl Batch<'_> {
    pub fn rows(&self) -> usize {
        self.values.first().map_or(0, Column::len)
    }
}

/// Most bound values in one statement: under SQLite's 32,766 and PostgreSQL's 65,535.
const MAX_PARAMS: usize = 30_000;

/// What differs between the two databases (module docs).
pub(crate) trait Dialect: sqlx::Database {
    const BACKEND: Backend;
    /// Appended to a `select` whose rows the transaction will update.
    const FOR_UPDATE: &'static str;
    /// Appended to a queue claim's `select`, so instances take different rows.
    const SKIP_LOCKED: &'static str;

    fn arguments(args: &[Arg<'_>]) -> Result<Self::Arguments, sqlx::error::BoxDynError>;

    /// The statements inserting `batch`, with their arguments.
    fn batch_statements<'a>(batch: &'a Batch<'a>) -> Vec<(String, Vec<Arg<'a>>)>;
}

impl Dialect for Sqlite {
    const BACKEND: Backend = Backend::Sqlite;
    const FOR_UPDATE: &'static str = "";
    const SKIP_LOCKED: &'static str = "";

    fn arguments(args: &[Arg<'_>]) -> Result<Self::Arguments, sqlx::error::BoxDynError> {
        let mut out = <Self::Arguments as Default>::default();
        for arg in args {
            match *arg {
                Arg::Text(v) => out.add(v)?,
                Arg::Int(v) => out.add(v)?,
                Arg::Bytes(v) => out.add(v)?,
                _ => return Err("SQLite takes no array parameters".into()),
            }
        }
        Ok(out)
    }

    /// Plain `?` placeholders: SQLite finds a `$N` parameter by a linear search of the names, which
    /// made binding a statement of a few thousand of them quadratic.
    fn batch_statements<'a>(batch: &'a Batch<'a>) -> Vec<(String, Vec<Arg<'a>>)> {
        let columns = batch.columns.len();
        let row = format!("({})", vec!["?"; columns].join(", "));
        let per_statement = MAX_PARAMS / columns;
        let total = batch.rows();
        (0..total)
            .step_by(per_statement)
            .map(|start| {
                let end = (start + per_statement).min(total);
                let sql = format!(
                    "insert into {} ({}) values {} {}",
                    batch.table,
                    batch.columns.join(", "),
                    vec![row.as_str(); end - start].join(", "),
                    batch.tail
                );
                let args = (start..end)
                    .flat_map(|i| batch.values.iter().map(move |c| c.row(i)))
                    .collect();
                (sql, args)
            })
            .collect()
    }
}

impl Dialect for Postgres {
    const BACKEND: Backend = Backend::Postgres;
    const FOR_UPDATE: &'static str = " for update";
    const SKIP_LOCKED: &'static str = " for update skip locked";

    fn arguments(args: &[Arg<'_>]) -> Result<Self::Arguments, sqlx::error::BoxDynError> {
        let mut out = <Self::Arguments as Default>::default();
        for arg in args {
            match *arg {
                Arg::Text(v) => out.add(v)?,
                Arg::Int(v) => out.add(v)?,
                Arg::Bytes(v) => out.add(v)?,
                Arg::Texts(v) => out.add(v)?,
                Arg::Ints(v) => out.add(v)?,
                Arg::OptInts(v) => out.add(v)?,
                Arg::Blobs(v) => out.add(v)?,
                Arg::OptBlobs(v) => out.add(v)?,
            }
        }
        Ok(out)
    }

    /// One statement whatever the batch size (so it is prepared once per connection): each column
    /// an array, `unnest`ed into rows.
    fn batch_statements<'a>(batch: &'a Batch<'a>) -> Vec<(String, Vec<Arg<'a>>)> {
        if batch.rows() == 0 {
            return Vec::new();
        }
        let arrays: Vec<String> = batch
            .values
            .iter()
            .enumerate()
            .map(|(i, c)| format!("${}::{}", i + 1, c.pg_array_type()))
            .collect();
        let sql = format!(
            "insert into {} ({}) select * from unnest({}) {}",
            batch.table,
            batch.columns.join(", "),
            arrays.join(", "),
            batch.tail
        );
        vec![(sql, batch.values.iter().map(Column::whole).collect())]
    }
}

/// A row type both drivers decode (any `#[derive(sqlx::FromRow)]` struct, or a tuple).
pub(crate) trait Record:
    for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Record for T where
    T: for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin
{
}

/// A single column's value both drivers decode.
pub(crate) trait Scalar:
    for<'r> sqlx::Decode<'r, Sqlite>
    + sqlx::Type<Sqlite>
    + for<'r> sqlx::Decode<'r, Postgres>
    + sqlx::Type<Postgres>
    + Send
    + Unpin
{
}
impl<T> Scalar for T where
    T: for<'r> sqlx::Decode<'r, Sqlite>
        + sqlx::Type<Sqlite>
        + for<'r> sqlx::Decode<'r, Postgres>
        + sqlx::Type<Postgres>
        + Send
        + Unpin
{
}

/// `args` bound for `D`; a value the driver cannot encode is sqlx's encode error.
fn bound<D: Dialect>(args: &[Arg<'_>]) -> Result<D::Arguments, sqlx::Error> {
    D::arguments(args).map_err(sqlx::Error::Encode)
}

/// A connection (pooled, or inside a transaction) to either database.
pub(crate) enum Conn<'c> {
    Sqlite(&'c mut sqlx::SqliteConnection),
    Postgres(&'c mut sqlx::PgConnection),
}

/// Runs `$body` with `$c` the driver's connection and `$D` its [`Dialect`]: the only `match` on the
/// backend that queries go through.
macro_rules! on_driver {
    ($conn:expr, |$c:ident, $D:ident| $body:expr) => {
        match $conn {
            Conn::Sqlite($c) => {
                type $D = Sqlite;
                $body
            }
            Conn::Postgres($c) => {
                type $D = Postgres;
                $body
            }
        }
    };
}

impl Conn<'_> {
    pub fn backend(&self) -> Backend {
        on_driver!(self, |_c, D| D::BACKEND)
    }

    /// `" for update"` where the backend takes it, else nothing.
    pub fn for_update(&self) -> &'static str {
        on_driver!(self, |_c, D| D::FOR_UPDATE)
    }

    pub fn skip_locked(&self) -> &'static str {
        on_driver!(self, |_c, D| D::SKIP_LOCKED)
    }

    /// Runs a statement; returns the rows it affected.
    pub async fn execute(
        &mut self,
        sql: impl SqlSafeStr,
        args: &[Arg<'_>],
    ) -> Result<u64, sqlx::Error> {
        on_driver!(self, |c, D| Ok(sqlx::query_with(sql, bound::<D>(args)?)
            .execute(&mut **c)
            .await?
            .rows_affected()))
    }

    pub async fn fetch_all<T: Record>(
        &mut self,
        sql: impl SqlSafeStr,
        args: &[Arg<'_>],
    ) -> Result<Vec<T>, sqlx::Error> {
        on_driver!(self, |c, D| sqlx::query_as_with(sql, bound::<D>(args)?)
            .fetch_all(&mut **c)
            .await)
    }

    pub async fn fetch_optional<T: Record>(
        &mut self,
        sql: impl SqlSafeStr,
        args: &[Arg<'_>],
    ) -> Result<Option<T>, sqlx::Error> {
        on_driver!(self, |c, D| sqlx::query_as_with(sql, bound::<D>(args)?)
            .fetch_optional(&mut **c)
            .await)
    }

    /// The first column of the only row (an error when there is none).
    pub async fn scalar<T: Scalar>(
        &mut self,
        sql: impl SqlSafeStr,
        args: &[Arg<'_>],
    ) -> Result<T, sqlx::Error> {
        on_driver!(self, |c, D| sqlx::query_scalar_with(sql, bound::<D>(args)?)
            .fetch_one(&mut **c)
            .await)
    }

    /// The first column of every row.
    pub async fn scalars<T: Scalar>(
        &mut self,
        sql: impl SqlSafeStr,
        args: &[Arg<'_>],
    ) -> Result<Vec<T>, sqlx::Error> {
        on_driver!(self, |c, D| sqlx::query_scalar_with(sql, bound::<D>(args)?)
            .fetch_all(&mut **c)
            .await)
    }

    /// Inserts a batch of rows.
    pub async fn insert_batch(&mut self, batch: &Batch<'_>) -> Result<(), sqlx::Error> {
        let statements = on_driver!(self, |_c, D| D::batch_statements(batch));
        for (sql, args) in statements {
            // Audited: the text is built from the store's literals and placeholders only.
            self.execute(AssertSqlSafe(sql), &args).await?;
        }
        Ok(())
    }

    /// Inserts a batch of rows; returns the first column of each row its `returning` clause gives.
    pub async fn insert_batch_returning<T: Scalar>(
        &mut self,
        batch: &Batch<'_>,
    ) -> Result<Vec<T>, sqlx::Error> {
        let statements = on_driver!(self, |_c, D| D::batch_statements(batch));
        let mut returned = Vec::new();
        for (sql, args) in statements {
            // Audited: the text is built from the store's literals and placeholders only.
            returned.extend(self.scalars::<T>(AssertSqlSafe(sql), &args).await?);
        }
        Ok(returned)
    }
}

/// The pools of one store. SQLite: one writer connection (it has one writer), a few readers, and one
/// connection that checkpoints the WAL beside the writer (`store::handle`).
/// PostgreSQL: one pool for writes and reads, and one whose sessions keep a generic plan for the
/// screening lookups (`store::index`).
pub(crate) enum Pools {
    Sqlite {
        write: sqlx::Pool<Sqlite>,
        read: sqlx::Pool<Sqlite>,
        checkpoint: sqlx::Pool<Sqlite>,
    },
    Postgres {
        pool: sqlx::Pool<Postgres>,
        lookup: sqlx::Pool<Postgres>,
    },
}

/// What a connection is for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Role {
    Write,
    Read,
    /// The screening lookups.
    Lookup,
}

/// A pooled connection, back to its pool when dropped.
pub(crate) enum Lease {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

impl Lease {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Lease::Sqlite(c) => Conn::Sqlite(c),
            Lease::Postgres(c) => Conn::Postgres(c),
        }
    }
}

/// A transaction; rolled back when dropped without [`Tx::commit`].
pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(t) => Conn::Sqlite(t),
            Tx::Postgres(t) => Conn::Postgres(t),
        }
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }
}

impl Pools {
    pub fn backend(&self) -> Backend {
        match self {
            Pools::Sqlite { .. } => Backend::Sqlite,
            Pools::Postgres { .. } => Backend::Postgres,
        }
    }

    pub async fn acquire(&self, role: Role) -> Result<Lease, sqlx::Error> {
        Ok(match (self, role) {
            (Pools::Sqlite { write, .. }, Role::Write) => Lease::Sqlite(write.acquire().await?),
            (Pools::Sqlite { read, .. }, _) => Lease::Sqlite(read.acquire().await?),
            (Pools::Postgres { lookup, .. }, Role::Lookup) => {
                Lease::Postgres(lookup.acquire().await?)
            }
            (Pools::Postgres { pool, .. }, _) => Lease::Postgres(pool.acquire().await?),
        })
    }

    /// A write transaction.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Pools::Sqlite { write, .. } => Tx::Sqlite(write.begin().await?),
            Pools::Postgres { pool, .. } => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Applies the backend's migrations.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self {
            Pools::Sqlite { write, .. } => sqlx::migrate!("migrations/sqlite").run(write).await,
            Pools::Postgres { pool, .. } => sqlx::migrate!("migrations/postgres").run(pool).await,
        }
    }

    pub async fn close(&self) {
        match self {
            Pools::Sqlite {
                write,
                read,
                checkpoint,
            } => {
                checkpoint.close().await;
                read.close().await;
                write.close().await;
            }
            Pools::Postgres { pool, lookup } => {
                pool.close().await;
                lookup.close().await;
            }
        }
    }
}

/// A database time: microseconds since the epoch.
pub(crate) fn micros(t: chrono::DateTime<chrono::Utc>) -> i64 {
    t.timestamp_micros()
}
