//! Storage: one schema on SQLite (embedded default) and PostgreSQL (scale-out), the same SQL on both.
//!
//! Writes go through one batched writer per instance (group commit): a task drains the queue,
//! commits a batch in one transaction and only then answers each request, so a 201 means the
//! application and its verdict are on disk. Reads go straight to a pool. Every query that touches
//! applications binds the tenant: callers get a [`TenantStore`] and nothing else.

mod backend;
mod lists;
mod reindex;
mod writer;

use std::collections::HashSet;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use tokio::sync::{mpsc, oneshot};

use crate::crypto::{CryptoError, PiiKeys};
use crate::identifiers::{IdentifierKind, Identifiers, Probe};
use crate::model::{Decision, Verdict};
use backend::{Backend, PgBackend, SqliteBackend};
use writer::WriteJob;

pub use backend::{CLUSTER_COUNT_MAX, ListRow};
#[doc(hidden)]
pub use backend::{pg_identifier_lookup_sql, pg_strong_neighbours_sql};

/// Hops of the cluster walk beyond the applications an application links to directly.
pub const CLUSTER_HOPS: usize = 2;
pub use lists::{
    ActiveList, ListScope, ListVersionInfo, NewListVersion, NewVerdictVersion, QueueDepth,
    RescreenClaim, RescreenResult, StoredApplication, VERSIONS_KEPT,
};
pub use reindex::{ReindexSource, Reindexed};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database is unavailable")]
    Unavailable(#[source] sqlx::Error),
    #[error("database error")]
    Database(#[source] sqlx::Error),
    #[error("migrating the database failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(
        "stored data could not be decrypted; is VETGATE_PII_KEY the key this database was created with?"
    )]
    Crypto(#[from] CryptoError),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("the writer has stopped (the service is shutting down)")]
    WriterGone,
}

impl StoreError {
    /// A collision with a concurrent transaction that a fresh try can get past: PostgreSQL's
    /// deadlock (40P01) and serialization failure (40001), and a unique key that another
    /// transaction took first (sqlx's unique-violation kind, on either backend).
    pub fn is_write_conflict(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(db)) => {
                db.is_unique_violation() || matches!(db.code().as_deref(), Some("40P01" | "40001"))
            }
            _ => false,
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> StoreError {
        let unavailable = match &err {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_) => true,
            sqlx::Error::Database(db) => {
                let code = db.code().unwrap_or_default();
                // PostgreSQL connection exceptions (08…), shutdown and start-up (57P01–57P03);
                // SQLite busy or locked beyond the busy timeout.
                code.starts_with("08") || code.starts_with("57P") || code == "5" || code == "6"
            }
            _ => false,
        };
        if unavailable {
            StoreError::Unavailable(err)
        } else {
            StoreError::Database(err)
        }
    }
}

/// A tenant id from a verified token: 1–64 characters of `A–Z a–z 0–9 . _ -`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TenantId(String);

impl TenantId {
    pub fn parse(id: &str) -> Option<TenantId> {
        let ok = !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        ok.then(|| TenantId(id.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A screened application on its way to storage.
pub struct Submission {
    pub external_ref: String,
    /// The application as received (canonical JSON); stored encrypted.
    pub application_json: Vec<u8>,
    pub idempotency: Option<IdempotencyKey>,
    pub received_at: DateTime<Utc>,
    /// The verdict to store; the store assigns `id` (new, or the existing one for a known
    /// `external_ref`).
    pub verdict: Verdict,
    /// The decision without signals that depend on other applications (for propagation).
    pub base_verdict: Decision,
    /// Index rows replacing the application's previous ones.
    pub identifiers: Identifiers,
}

/// What the store knows before an application is screened: its earlier submission, if any, and
/// the applications that share one of its identifiers.
#[derive(Debug, Default)]
pub struct PriorKnowledge {
    /// The application's id and first reception, when its `external_ref` was seen before.
    pub prior: Option<(String, DateTime<Utc>)>,
    pub shared_identifiers: Vec<SharedIdentifier>,
    /// The lookup stopped at its cap: counts built from `shared_identifiers` are lower bounds.
    pub truncated: bool,
    /// Other identities of the tenant in the cluster this one joins through strong attributes;
    /// `None` when it shares no strong attribute.
    pub cluster: Option<usize>,
}

/// Whose application an index hit is. Another tenant's ids and name never leave the store: its
/// applications are counted through opaque per-process tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    SameTenant(String),
    OtherTenant { tenant: u64, application: u64 },
}

/// Another application indexed under one of the keys probed.
#[derive(Debug, Clone)]
pub struct SharedIdentifier {
    pub kind: IdentifierKind,
    /// The key that matched (one of the probes).
    pub key: [u8; 32],
    pub owner: Owner,
    pub name_key: Vec<u8>,
    pub dob_key: Option<Vec<u8>>,
    /// The other application's perceptual hash, for portrait-block hits.
    pub phash: Option<u64>,
    /// When the other application was seen at the address, for residential-address hits.
    pub seen: Option<crate::identifiers::Seen>,
    pub verdict: Decision,
}

/// An application linked to another through a shared attribute.
#[derive(Debug, Clone)]
pub struct LinkedApplication {
    pub id: String,
    pub external_ref: String,
    pub verdict: Decision,
    pub shared: Vec<IdentifierKind>,
}

pub struct IdempotencyKey {
    pub key: String,
    /// SHA-256 of the canonical request body.
    pub request_hash: [u8; 32],
}

/// What storing a submission did. Bodies are the verdict documents as stored (JSON).
#[derive(Debug)]
pub enum SubmitOutcome {
    Created(Vec<u8>),
    Rescreened(Vec<u8>),
    /// The Idempotency-Key was seen with the same body: the stored response.
    Replayed {
        status: u16,
        body: Vec<u8>,
    },
    /// The Idempotency-Key was seen with another body.
    IdempotencyConflict,
}

/// Filters of HR's verdict query.
#[derive(Debug, Default, Clone)]
pub struct ListQuery {
    pub verdict: Option<Decision>,
    pub updated_since: Option<DateTime<Utc>>,
    pub external_ref: Option<String>,
    /// Keyset position: items strictly older than this (updated_at µs, id).
    pub after: Option<(i64, String)>,
    pub limit: u32,
}

pub struct Page {
    pub items: Vec<Vec<u8>>,
    pub next: Option<(i64, String)>,
}

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
    backend: Arc<Backend>,
    keys: PiiKeys,
    writer: mpsc::Sender<WriteJob>,
    idempotency_ttl: Duration,
}

const KEY_CHECK_NAME: &str = "pii_key_check";
const KEY_CHECK_PLAINTEXT: &[u8] = b"vetgate pii key check v1";

impl Store {
    /// Connects, applies migrations, verifies the PII key against the database and starts the writer.
    /// Must be called inside a Tokio runtime, which then runs the writer task.
    pub async fn open(
        url: &str,
        keys: PiiKeys,
        options: StoreOptions,
    ) -> Result<Store, StoreError> {
        let backend = Arc::new(Self::connect(url, &options).await?);
        backend.migrate().await?;
        Self::verify_key(&backend, &keys).await?;
        let writers = match &*backend {
            Backend::Sqlite(_) => 1,
            Backend::Postgres(_) => options.writers.max(1),
        };
        let writer = writer::spawn(
            backend.clone(),
            keys.clone(),
            options.write_batch_max,
            writers,
            options.idempotency_ttl,
        );
        let store = Store {
            inner: Arc::new(Inner {
                backend,
                keys,
                writer,
                idempotency_ttl: options.idempotency_ttl,
            }),
        };
        store.init_index_version().await?;
        Ok(store)
    }

    /// The keys the store seals with and derives index keys from.
    pub fn keys(&self) -> &PiiKeys {
        &self.inner.keys
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
        Self::connect(url, options).await?.migrate().await
    }

    async fn connect(url: &str, options: &StoreOptions) -> Result<Backend, StoreError> {
        if url.starts_with("sqlite:") {
            let connect = SqliteConnectOptions::from_str(url)
                .map_err(StoreError::Database)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // FULL: a commit is on disk before the writer answers; group commit pays for it.
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true);
            // No memory map: under load it added the touched part of the file to the resident set
            // (290 MB against 229 MB with the full lists and a city database) for no measurable
            // throughput (docs/performance.md).
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(options.acquire_timeout)
                .test_before_acquire(false)
                .connect_with(connect.clone().pragma("cache_size", "-32768"))
                .await?;
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
            Ok(Backend::Sqlite(SqliteBackend {
                write,
                lookup: read.clone(),
                read,
            }))
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
            // (src/store/backend.rs); other statements keep PostgreSQL's choice, since a generic
            // plan of an optional filter (`$4 is null or …`) cannot use that filter's index.
            let lookup = PgPoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(options.acquire_timeout)
                .test_before_acquire(false)
                .connect_lazy_with(connect.options([("plan_cache_mode", "force_generic_plan")]));
            Ok(Backend::Postgres(PgBackend {
                write: pool.clone(),
                read: pool,
                lookup,
            }))
        }
    }

    async fn verify_key(backend: &Backend, keys: &PiiKeys) -> Result<(), StoreError> {
        match backend.meta(KEY_CHECK_NAME).await? {
            Some(sealed) => {
                if keys.open(&sealed)? != KEY_CHECK_PLAINTEXT {
                    return Err(StoreError::Crypto(CryptoError::Decrypt));
                }
                Ok(())
            }
            None => {
                backend
                    .set_meta(KEY_CHECK_NAME, &keys.seal(KEY_CHECK_PLAINTEXT))
                    .await
            }
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match &*self.inner.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
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
        Ok(self.inner.backend.ping().await?)
    }

    /// Forgets Idempotency-Keys older than the retention period.
    pub async fn purge_idempotency_keys(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let cutoff = now
            - chrono::Duration::from_std(self.inner.idempotency_ttl)
                .unwrap_or(chrono::Duration::days(1));
        Ok(self.inner.backend.purge_idempotency(micros(cutoff)).await?)
    }

    fn open_sealed(&self, sealed: &[u8]) -> Result<Vec<u8>, StoreError> {
        Ok(self.inner.keys.open(sealed)?)
    }
}

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

    /// Every application sharing one of `probes`, in this tenant or in the tenants it shares with
    /// (`VETGATE_SHARED_TENANTS`), in one indexed query, leaving out the application's own earlier
    /// submission; and, when `need_first_received`, that submission's id and first reception (a
    /// second query). The one store method that sees other tenants: it returns their rows as
    /// counting material only.
    pub async fn prior_knowledge(
        &self,
        external_ref: &str,
        name_key: &[u8],
        probes: &[Probe],
        sharing_with: &[TenantId],
        need_first_received: bool,
    ) -> Result<PriorKnowledge, StoreError> {
        let backend = &self.store.inner.backend;
        let prior = if need_first_received {
            backend.prior(self.tenant.as_str(), external_ref).await?
        } else {
            None
        };
        let mut tenants: Vec<&str> = vec![self.tenant.as_str()];
        if sharing_with.contains(&self.tenant) {
            tenants.extend(
                sharing_with
                    .iter()
                    .map(TenantId::as_str)
                    .filter(|t| *t != self.tenant.as_str()),
            );
        }
        // Residential addresses last: many applications may share one (a household, a building), and
        // their rows must not crowd the others out of the capped lookup.
        let widely_shared = |p: &&Probe| p.kind == IdentifierKind::ResidentialIp;
        let keys: Vec<[u8; 32]> = probes
            .iter()
            .filter(|p| !widely_shared(p))
            .chain(probes.iter().filter(widely_shared))
            .map(|p| p.key)
            .collect();
        let last = probes.iter().filter(widely_shared).count();
        let rows = backend.identifier_rows(&keys, last, &tenants).await?;
        let truncated = rows.len() >= backend::IDENTIFIER_MATCHES_MAX;
        let keys = &self.store.inner.keys;
        let mut shared_identifiers = Vec::with_capacity(rows.len());
        for row in rows {
            let own_tenant = row.tenant_id == self.tenant.as_str();
            if own_tenant && row.external_ref == external_ref {
                continue; // the application itself, submitted before
            }
            let Some(probe) = probes.iter().find(|p| p.key[..] == row.key_hash[..]) else {
                continue;
            };
            let verdict = Decision::parse(&row.verdict)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown verdict {:?}", row.verdict)))?;
            shared_identifiers.push(SharedIdentifier {
                kind: probe.kind,
                key: probe.key,
                owner: if own_tenant {
                    Owner::SameTenant(row.application_id.clone())
                } else {
                    Owner::OtherTenant {
                        tenant: opaque_tag(&row.tenant_id),
                        application: opaque_tag(&row.application_id),
                    }
                },
                name_key: row.name_key,
                dob_key: row.dob_key,
                phash: row
                    .detail_enc
                    .as_deref()
                    .and_then(|d| crate::identifiers::open_phash(keys, d)),
                seen: crate::identifiers::Seen::from_columns(row.seen_first, row.seen_last),
                verdict,
            });
        }
        let prior = prior
            .map(|(id, received)| {
                DateTime::from_timestamp_micros(received)
                    .map(|t| (id, t))
                    .ok_or_else(|| StoreError::Corrupt("received_at out of range".into()))
            })
            .transpose()?;
        let cluster = self.cluster(&shared_identifiers, name_key).await?;
        Ok(PriorKnowledge {
            prior,
            shared_identifiers,
            truncated,
            cluster,
        })
    }

    /// Other identities in the cluster an application joins through strong attributes: a walk of at
    /// most [`CLUSTER_HOPS`] bounded hops from the applications of other identities it shares one
    /// with (none: no query at all, so a person re-applying costs nothing).
    async fn cluster(
        &self,
        shared: &[SharedIdentifier],
        name_key: &[u8],
    ) -> Result<Option<usize>, StoreError> {
        let strong = |k: IdentifierKind| IdentifierKind::STRONG.contains(&k);
        let mut identities: HashSet<Vec<u8>> = HashSet::new();
        let mut visited: HashSet<String> = HashSet::new();
        let mut frontier: Vec<String> = Vec::new();
        for hit in shared
            .iter()
            .filter(|h| strong(h.kind) && h.name_key[..] != *name_key)
        {
            if let Owner::SameTenant(id) = &hit.owner {
                identities.insert(hit.name_key.clone());
                if visited.insert(id.clone()) {
                    frontier.push(id.clone());
                }
            }
        }
        if frontier.is_empty() {
            return Ok(None);
        }
        let backend = &self.store.inner.backend;
        for _ in 0..CLUSTER_HOPS {
            if frontier.is_empty() || visited.len() as i64 >= CLUSTER_COUNT_MAX {
                break;
            }
            frontier.truncate(backend::CLUSTER_FRONTIER_MAX);
            let rows = backend
                .strong_neighbours(self.tenant.as_str(), &frontier)
                .await?;
            frontier.clear();
            for (id, key) in rows {
                if key[..] != *name_key {
                    identities.insert(key);
                }
                if visited.insert(id.clone()) {
                    frontier.push(id);
                }
            }
        }
        Ok(Some(identities.len()))
    }

    /// The latest verdict of one of this tenant's applications.
    pub async fn latest(&self, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let sealed = self
            .store
            .inner
            .backend
            .latest(self.tenant.as_str(), id)
            .await?;
        sealed.map(|s| self.store.open_sealed(&s)).transpose()
    }

    /// The applications of this tenant sharing an attribute with one of its applications, with the
    /// attribute kinds shared; `None` when there is no such application for this tenant.
    pub async fn links(&self, id: &str) -> Result<Option<Vec<LinkedApplication>>, StoreError> {
        let backend = &self.store.inner.backend;
        if backend.latest(self.tenant.as_str(), id).await?.is_none() {
            return Ok(None);
        }
        let mut out: Vec<LinkedApplication> = Vec::new();
        for (application_id, external_ref, verdict, kind) in
            backend.links(self.tenant.as_str(), id).await?
        {
            let kind = IdentifierKind::parse(&kind)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown identifier kind {kind:?}")))?;
            match out.last_mut() {
                Some(last) if last.id == application_id => {
                    if !last.shared.contains(&kind) {
                        last.shared.push(kind);
                    }
                }
                _ => out.push(LinkedApplication {
                    id: application_id,
                    external_ref,
                    verdict: Decision::parse(&verdict).ok_or_else(|| {
                        StoreError::Corrupt(format!("unknown verdict {verdict:?}"))
                    })?,
                    shared: vec![kind],
                }),
            }
        }
        Ok(Some(out))
    }

    /// Every verdict of one of this tenant's applications, oldest first; `None` when there is no
    /// such application for this tenant.
    pub async fn history(&self, id: &str) -> Result<Option<Vec<Vec<u8>>>, StoreError> {
        let sealed = self
            .store
            .inner
            .backend
            .history(self.tenant.as_str(), id)
            .await?;
        if sealed.is_empty() {
            return Ok(None);
        }
        sealed
            .iter()
            .map(|s| self.store.open_sealed(s))
            .collect::<Result<_, _>>()
            .map(Some)
    }

    pub async fn list(&self, query: &ListQuery) -> Result<Page, StoreError> {
        let limit = query.limit.max(1);
        let mut rows = self
            .store
            .inner
            .backend
            .list(self.tenant.as_str(), query, i64::from(limit) + 1)
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
            .map(|r| self.store.open_sealed(&r.verdict_enc))
            .collect::<Result<_, _>>()?;
        Ok(Page { items, next })
    }
}

/// An opaque per-process tag standing for another tenant's name or id, enough to count distinct
/// ones without either travelling further than the store.
fn opaque_tag(value: &str) -> u64 {
    use std::hash::BuildHasher;
    static SEED: std::sync::OnceLock<std::collections::hash_map::RandomState> =
        std::sync::OnceLock::new();
    SEED.get_or_init(Default::default).hash_one(value)
}

pub(crate) fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

/// Whether a path looks like an existing SQLite database (for key files generated beside it).
pub fn sqlite_database_exists(path: &Path) -> bool {
    path.metadata().map(|m| m.len() > 0).unwrap_or(false)
}
