//! The store's handles: [`Store`] (connected, migrated, key checked, writer running) and the
//! tenant-bound [`TenantStore`] that every query about applications goes through.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use tokio::sync::{mpsc, oneshot};

use super::applications;
use super::error::StoreError;
use super::index;
use super::meta;
use super::model::{LinkedApplication, ListQuery, Page, Submission, SubmitOutcome, TenantId};
use super::sql::{Backend, Pools, Role, micros};
use super::writer::{self, WriteJob};
use crate::crypto::{CryptoError, PiiKeys};
use crate::model::Decision;
use crate::model::IdentifierKind;

/// How the store connects and writes.
pub struct StoreOptions {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
    pub write_batch_max: usize,
    /// Group-commit writers working at once on PostgreSQL (SQLite has one: it has one writer).
    pub writers: usize,
    pub idempotency_ttl: Duration,
}

#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    pools: Arc<Pools>,
    keys: PiiKeys,
    writer: mpsc::Sender<WriteJob>,
    idempotency_ttl: Duration,
}

pub(crate) const KEY_CHECK_NAME: &str = "pii_key_check";
const KEY_CHECK_PLAINTEXT: &[u8] = b"vetgate pii key check v1";

impl Store {
    /// Connects, applies migrations, verifies the PII key against the database and starts the writer.
    /// Must be called inside a Tokio runtime, which then runs the writer task.
    pub async fn open(
        url: &str,
        keys: PiiKeys,
        options: StoreOptions,
    ) -> Result<Store, StoreError> {
        let pools = Arc::new(Self::connect(url, &options).await?);
        pools.migrate().await?;
        Self::verify_key(&pools, &keys).await?;
        let writers = match pools.backend() {
            Backend::Sqlite => 1,
            Backend::Postgres => options.writers.max(1),
        };
        let writer = writer::spawn(
            pools.clone(),
            keys.clone(),
            options.write_batch_max,
            writers,
            options.idempotency_ttl,
        );
        if let Pools::Sqlite { checkpoint, .. } = &*pools {
            spawn_checkpointer(Arc::downgrade(&pools), checkpoint.clone());
        }
        let store = Store {
            inner: Arc::new(Inner {
                pools,
                keys,
                writer,
                idempotency_ttl: options.idempotency_ttl,
            }),
        };
        store.init_index_version().await?;
        store.init_index_key().await?;
        store.init_index_markers().await?;
        Ok(store)
    }

    /// The keys the store seals with and derives index keys from.
    pub fn keys(&self) -> &PiiKeys {
        &self.inner.keys
    }

    pub(crate) fn pools(&self) -> &Pools {
        &self.inner.pools
    }

    /// Whether the SQLite database at `path` already holds data sealed with some key (its key check
    /// is written before anything is sealed). A database that does not, such as one `vetgate
    /// migrate` just created, can take a new key.
    pub async fn sqlite_holds_sealed_data(path: &Path) -> Result<bool, StoreError> {
        use sqlx::Connection;
        let options = SqliteConnectOptions::new()
            .filename(path)
            .read_only(true)
            .busy_timeout(Duration::from_secs(5));
        let mut conn = sqlx::SqliteConnection::connect_with(&options).await?;
        let has_meta: bool = sqlx::query_scalar(
            "select exists(select 1 from sqlite_master where type = 'table' and name = 'store_meta')",
        )
        .fetch_one(&mut conn)
        .await?;
        let sealed = has_meta
            && sqlx::query_scalar::<_, bool>(
                "select exists(select 1 from store_meta where name = $1)",
            )
            .bind(KEY_CHECK_NAME)
            .fetch_one(&mut conn)
            .await?;
        conn.close().await?;
        Ok(sealed)
    }

    /// Applies migrations and returns; for `vetgate migrate`.
    pub async fn migrate_only(url: &str, options: &StoreOptions) -> Result<(), StoreError> {
        let pools = Self::connect(url, options).await?;
        let migrated = pools.migrate().await;
        pools.close().await;
        Ok(migrated?)
    }

    async fn connect(url: &str, options: &StoreOptions) -> Result<Pools, StoreError> {
        if url.starts_with("sqlite:") {
            let connect = SqliteConnectOptions::from_str(url).map_err(StoreError::Database)?;
            create_private(connect.get_filename())?;
            let connect = connect
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // FULL: a commit is on disk before the writer answers; group commit pays for it.
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true)
                // Deleted content is overwritten, not only unlinked: an erased applicant's bytes
                // must not survive in the file (store/erasure.rs).
                .pragma("secure_delete", "on")
                // Multi-row inserts with `on conflict` keep a statement journal; in a temporary
                // file it cost the writer a write system call per page.
                .pragma("temp_store", "memory");
            // No memory map: under load it added the touched part of the file to the resident set
            // (290 MB against 229 MB with the full lists and a city database) for no measurable
            // throughput (docs/performance.md).
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(options.acquire_timeout)
                .test_before_acquire(false)
                .connect_with(
                    connect
                        .clone()
                        .pragma("cache_size", "-32768")
                        // What the checkpointer has not copied back yet when the WAL reaches this
                        // many pages, the writer copies after a commit, and only then can the
                        // next transaction start the WAL over: it must not grow without bound.
                        .pragma("wal_autocheckpoint", "8192")
                        .pragma("journal_size_limit", "67108864"),
                )
                .await?;
            let checkpoint = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(options.acquire_timeout)
                .test_before_acquire(false)
                .connect_lazy_with(connect.clone());
            // Each SQLite connection has a worker thread and its own page cache, which every commit
            // invalidates: a few readers serve better than many on a small machine.
            let readers = options
                .max_connections
                .min(2 * std::thread::available_parallelism().map_or(2, |n| n.get() as u32));
            let read = SqlitePoolOptions::new()
                .max_connections(readers)
                .acquire_timeout(options.acquire_timeout)
                .test_before_acquire(false)
                .connect_lazy_with(connect.read_only(true));
            Ok(Pools::Sqlite {
                write,
                read,
                checkpoint,
            })
        } else {
            let connect = sqlx::postgres::PgConnectOptions::from_str(url)
                .map_err(StoreError::Database)?
                .options([("statement_timeout", "10s")]);
            let pool = PgPoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(options.acquire_timeout)
                .test_before_acquire(false)
                .connect_with(connect.clone())
                .await?;
            // The lookups' statements are written so that their generic plans are index searches
            // (src/store/index.rs); other statements keep PostgreSQL's choice, since a generic
            // plan of an optional filter (`$4 is null or …`) cannot use that filter's index.
            let lookup = PgPoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(options.acquire_timeout)
                .test_before_acquire(false)
                .connect_lazy_with(connect.options([("plan_cache_mode", "force_generic_plan")]));
            Ok(Pools::Postgres { pool, lookup })
        }
    }

    async fn verify_key(pools: &Pools, keys: &PiiKeys) -> Result<(), StoreError> {
        let mut lease = pools.acquire(Role::Write).await?;
        let mut conn = lease.conn();
        match meta::get(&mut conn, KEY_CHECK_NAME).await? {
            Some(sealed) => {
                if keys.open(&sealed)? != KEY_CHECK_PLAINTEXT {
                    return Err(StoreError::Crypto(CryptoError::Decrypt));
                }
                Ok(())
            }
            None => Ok(
                meta::insert(&mut conn, KEY_CHECK_NAME, &keys.seal(KEY_CHECK_PLAINTEXT)).await?,
            ),
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self.inner.pools.backend() {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// The only way to the data: every query of the returned handle binds `tenant`.
    pub fn tenant(&self, tenant: &TenantId) -> TenantStore<'_> {
        TenantStore {
            store: self,
            tenant: tenant.clone(),
        }
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut lease = self.inner.pools.acquire(Role::Read).await?;
        lease.conn().execute("select 1", &[]).await?;
        Ok(())
    }

    /// Forgets Idempotency-Keys older than the retention period.
    pub async fn purge_idempotency_keys(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let cutoff = now
            - chrono::Duration::from_std(self.inner.idempotency_ttl)
                .unwrap_or(chrono::Duration::days(1));
        let mut lease = self.inner.pools.acquire(Role::Write).await?;
        Ok(applications::purge_idempotency(&mut lease.conn(), micros(cutoff)).await?)
    }

    fn open_sealed(&self, sealed: &[u8]) -> Result<Vec<u8>, StoreError> {
        Ok(self.inner.keys.open(sealed)?)
    }

    /// A stored verdict document as the API shows it: versions stored before causes were kept in
    /// the document get `cause` with the kind their row recorded.
    pub(crate) fn open_verdict(&self, sealed: &[u8], cause: &str) -> Result<Vec<u8>, StoreError> {
        Ok(with_legacy_cause(self.open_sealed(sealed)?, cause))
    }
}

/// A verdict document stored before causes were kept in it, with `cause` holding the kind its row
/// recorded (mapped to the names the API uses); any other document as it is.
pub(crate) fn with_legacy_cause(mut json: Vec<u8>, stored_cause: &str) -> Vec<u8> {
    if crate::model::CauseKind::is_legacy(stored_cause) {
        let kind = crate::model::CauseKind::parse(stored_cause).map_or("link", |k| k.as_str());
        // The document is a JSON object serde wrote: its last byte closes it.
        if json.last() == Some(&b'}') {
            json.pop();
            json.extend_from_slice(format!(r#","cause":{{"kind":"{kind}"}}}}"#).as_bytes());
        }
    }
    json
}

/// A store bound to one tenant: every query it runs binds the tenant.
pub struct TenantStore<'a> {
    store: &'a Store,
    tenant: TenantId,
}

impl TenantStore<'_> {
    pub fn tenant_id(&self) -> &TenantId {
        &self.tenant
    }

    pub fn store(&self) -> &Store {
        self.store
    }

    /// The keys identifiers are hashed with (the ones the index was written with).
    pub fn keys(&self) -> &PiiKeys {
        &self.store.inner.keys
    }

    /// Stores an application and its verdict through the batched writer; answers once committed.
    pub async fn submit(&self, submission: Submission) -> Result<SubmitOutcome, StoreError> {
        let (reply, answer) = oneshot::channel();
        let job = WriteJob {
            tenant: self.tenant.clone(),
            submission,
            reply,
        };
        self.store
            .inner
            .writer
            .send(job)
            .await
            .map_err(|_| StoreError::WriterGone)?;
        answer.await.map_err(|_| StoreError::WriterGone)?
    }

    /// The latest verdict of one of this tenant's applications.
    pub async fn latest(&self, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let mut lease = self.store.pools().acquire(Role::Read).await?;
        let row = applications::latest(&mut lease.conn(), self.tenant.as_str(), id).await?;
        row.map(|r| self.store.open_verdict(&r.verdict_enc, &r.cause))
            .transpose()
    }

    /// The applications of this tenant sharing an attribute with one of its applications, with the
    /// attribute kinds shared; `None` when there is no such application for this tenant.
    pub async fn links(&self, id: &str) -> Result<Option<Vec<LinkedApplication>>, StoreError> {
        let mut lease = self.store.pools().acquire(Role::Read).await?;
        let mut conn = lease.conn();
        if applications::latest(&mut conn, self.tenant.as_str(), id)
            .await?
            .is_none()
        {
            return Ok(None);
        }
        let mut out: Vec<LinkedApplication> = Vec::new();
        for row in index::links(&mut conn, self.tenant.as_str(), id).await? {
            let kind = IdentifierKind::parse(&row.kind).ok_or_else(|| {
                StoreError::Corrupt(format!("unknown identifier kind {:?}", row.kind))
            })?;
            match out.last_mut() {
                Some(last) if last.id == row.application_id => {
                    if !last.shared.contains(&kind) {
                        last.shared.push(kind);
                    }
                }
                _ => out.push(LinkedApplication {
                    verdict: Decision::parse(&row.verdict).ok_or_else(|| {
                        StoreError::Corrupt(format!("unknown verdict {:?}", row.verdict))
                    })?,
                    id: row.application_id,
                    external_ref: row.external_ref,
                    shared: vec![kind],
                }),
            }
        }
        Ok(Some(out))
    }

    /// Every verdict of one of this tenant's applications, oldest first; `None` when there is no
    /// such application for this tenant.
    /// One page of an application's verdict versions after `after_version`, oldest first: the
    /// verdicts (JSON) and the version to continue after when there are more. `None` when the
    /// tenant has no such application.
    pub async fn history(
        &self,
        id: &str,
        after_version: i64,
        limit: u32,
    ) -> Result<Option<(Vec<Vec<u8>>, Option<i64>)>, StoreError> {
        let limit = limit.max(1);
        let mut lease = self.store.pools().acquire(Role::Read).await?;
        let mut rows = applications::history(
            &mut lease.conn(),
            self.tenant.as_str(),
            id,
            after_version,
            i64::from(limit) + 1,
        )
        .await?;
        if rows.is_empty()
            && !applications::exists(&mut lease.conn(), self.tenant.as_str(), id).await?
        {
            return Ok(None);
        }
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next = if more {
            rows.last().map(|r| r.version)
        } else {
            None
        };
        let items = rows
            .iter()
            .map(|r| self.store.open_verdict(&r.verdict_enc, &r.cause))
            .collect::<Result<_, _>>()?;
        Ok(Some((items, next)))
    }

    /// One page of HR's verdict query.
    pub async fn list(&self, query: &ListQuery) -> Result<Page, StoreError> {
        let limit = query.limit.max(1);
        let mut lease = self.store.pools().acquire(Role::Read).await?;
        let mut rows = applications::list(
            &mut lease.conn(),
            self.tenant.as_str(),
            query,
            i64::from(limit) + 1,
        )
        .await?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next = if more {
            rows.last().map(|r| (r.updated_at, r.id.clone()))
        } else {
            None
        };
        let items = rows
            .iter()
            .map(|r| self.store.open_verdict(&r.verdict_enc, &r.cause))
            .collect::<Result<_, _>>()?;
        Ok(Page { items, next })
    }
}

/// How often the SQLite WAL is copied back into the database. Small, frequent copies: each
/// checkpoint's writes and flush compete with the writer's commit on the disk, and a larger one
/// stalls the commits behind it (every 50 ms: p99 at 16 connections 32–39 ms, batches up to
/// 55–80 ms; every 20 ms: 28 ms, at most 26 ms; docs/performance.md).
const CHECKPOINT_EVERY: Duration = Duration::from_millis(20);

/// Copies SQLite's WAL back into the database on a connection of its own, beside the writer (a
/// passive checkpoint waits for no one and no one waits for it). Left to SQLite alone, every
/// thousandth page a commit copied the whole WAL inside the writer's turn: a sixth of the writer's
/// time under load (docs/performance.md). The writer's own checkpoint, at 8,192 pages (32 MB),
/// then finds little left to copy, and it still starts the WAL over. Ends with the store.
fn spawn_checkpointer(pools: std::sync::Weak<Pools>, pool: sqlx::SqlitePool) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if pools.strong_count() == 0 {
                break;
            }
            if let Err(err) = sqlx::query("pragma wal_checkpoint(passive)")
                .execute(&pool)
                .await
            {
                tracing::warn!(error = %err, "WAL checkpoint failed; retrying");
            }
        }
        pool.close().await;
    });
}

/// Whether a path looks like an existing SQLite database (for key files generated beside it).
pub fn sqlite_database_exists(path: &Path) -> bool {
    path.metadata().map(|m| m.len() > 0).unwrap_or(false)
}

/// Creates a SQLite database file readable by its owner only (0600), before SQLite would create it
/// with the process's umask (usually 0644): it holds sealed PII and keyed hashes. SQLite gives its
/// `-wal` and `-shm` files the database file's mode. An existing file is left as it is.
fn create_private(path: &std::path::Path) -> Result<(), StoreError> {
    use std::os::unix::fs::OpenOptionsExt;
    if path.as_os_str().is_empty() || path == std::path::Path::new(":memory:") {
        return Ok(());
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        // A missing directory and the like: SQLite's own error says it better.
        Err(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::with_legacy_cause;

    #[test]
    fn a_verdict_stored_before_causes_were_kept_shows_its_rows_kind() {
        let old = br#"{"id":"a","verdict":"clear"}"#.to_vec();
        let shown: serde_json::Value =
            serde_json::from_slice(&with_legacy_cause(old.clone(), "lists")).unwrap();
        assert_eq!(shown["cause"], serde_json::json!({"kind": "list_change"}));
        let new = br#"{"id":"a","cause":{"kind":"link"}}"#.to_vec();
        assert_eq!(
            with_legacy_cause(new.clone(), "link"),
            new,
            "kept as stored"
        );
    }
}
