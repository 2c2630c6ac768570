//! The SQL, written once and compiled for each backend. Both drivers take `$n` placeholders, and the
//! schema uses only `text`, `bigint` and a blob type, so one statement serves both; the shared
//! tests run every query on SQLite and on PostgreSQL.

use std::collections::HashSet;

use super::writer::{WriteJob, write_one};
use super::{ListQuery, StoreError, SubmitOutcome};
use crate::crypto::PiiKeys;

/// An index row that shares a key with the application being screened.
#[derive(sqlx::FromRow)]
pub struct IdentifierRow {
    pub key_hash: Vec<u8>,
    pub tenant_id: String,
    pub application_id: String,
    pub external_ref: String,
    pub name_key: Vec<u8>,
    pub dob_key: Option<Vec<u8>>,
    pub detail_enc: Option<Vec<u8>>,
    pub verdict: String,
}

/// `$first, $first+1, …` for `count` parameters.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Most index rows one lookup returns: enough evidence for any signal, and a lookup stays O(1) even
/// for a document shared by thousands of applications.
pub const IDENTIFIER_MATCHES_MAX: usize = 256;

/// One statement for all of an application's keys: `key_hash in (…)` over the visible tenants.
fn identifier_lookup_sql(keys: usize, tenants: usize) -> String {
    format!(
        "select i.key_hash, i.tenant_id, i.application_id, a.external_ref, i.name_key, i.dob_key, i.detail_enc, \
         a.verdict \
         from identifiers i join applications a on a.id = i.application_id \
         where i.key_hash in ({}) and i.tenant_id in ({}) \
         limit {IDENTIFIER_MATCHES_MAX}",
        placeholders(1, keys),
        placeholders(keys + 1, tenants)
    )
}

#[derive(sqlx::FromRow)]
pub struct ListRow {
    pub id: String,
    pub updated_at: i64,
    pub verdict_enc: Vec<u8>,
}

pub(crate) enum Backend {
    Sqlite(SqliteBackend),
    Postgres(PgBackend),
}

/// Runs the same body against whichever backend is active.
macro_rules! dispatch {
    ($self:expr, $b:ident => $body:expr) => {
        match $self {
            Backend::Sqlite($b) => $body,
            Backend::Postgres($b) => $body,
        }
    };
}

impl Backend {
    pub(crate) async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Backend::Sqlite(b) => sqlx::migrate!("migrations/sqlite").run(&b.write).await?,
            Backend::Postgres(b) => sqlx::migrate!("migrations/postgres").run(&b.write).await?,
        }
        Ok(())
    }

    pub(crate) async fn ping(&self) -> Result<(), sqlx::Error> {
        dispatch!(self, b => b.ping().await)
    }

    pub(crate) async fn meta(&self, name: &str) -> Result<Option<Vec<u8>>, sqlx::Error> {
        dispatch!(self, b => b.meta(name).await)
    }

    pub(crate) async fn set_meta(&self, name: &str, value: &[u8]) -> Result<(), StoreError> {
        dispatch!(self, b => b.set_meta(name, value).await)
    }

    pub(crate) async fn write_batch(
        &self,
        jobs: &mut [WriteJob],
        keys: &PiiKeys,
        idempotency_since: i64,
        known_tenants: &HashSet<String>,
    ) -> Result<Vec<SubmitOutcome>, StoreError> {
        dispatch!(self, b => b.write_batch(jobs, keys, idempotency_since, known_tenants).await)
    }

    pub(crate) async fn latest(
        &self,
        tenant: &str,
        id: &str,
    ) -> Result<Option<Vec<u8>>, sqlx::Error> {
        dispatch!(self, b => b.latest(tenant, id).await)
    }

    pub(crate) async fn history(
        &self,
        tenant: &str,
        id: &str,
    ) -> Result<Vec<Vec<u8>>, sqlx::Error> {
        dispatch!(self, b => b.history(tenant, id).await)
    }

    pub(crate) async fn list(
        &self,
        tenant: &str,
        q: &ListQuery,
        limit: i64,
    ) -> Result<Vec<ListRow>, sqlx::Error> {
        dispatch!(self, b => b.list(tenant, q, limit).await)
    }

    pub(crate) async fn purge_idempotency(&self, before: i64) -> Result<u64, sqlx::Error> {
        dispatch!(self, b => b.purge_idempotency(before).await)
    }

    pub(crate) async fn prior(
        &self,
        tenant: &str,
        external_ref: &str,
    ) -> Result<Option<(String, i64)>, sqlx::Error> {
        dispatch!(self, b => b.prior(tenant, external_ref).await)
    }

    pub(crate) async fn identifier_rows(
        &self,
        keys: &[[u8; 32]],
        tenants: &[&str],
    ) -> Result<Vec<IdentifierRow>, sqlx::Error> {
        if keys.is_empty() || tenants.is_empty() {
            return Ok(Vec::new());
        }
        dispatch!(self, b => b.identifier_rows(keys, tenants).await)
    }
}

macro_rules! backend {
    ($name:ident, $db:ty) => {
        pub(crate) struct $name {
            /// One connection on SQLite (its single writer); the shared pool on PostgreSQL.
            pub(crate) write: sqlx::Pool<$db>,
            pub(crate) read: sqlx::Pool<$db>,
        }

        impl $name {
            async fn ping(&self) -> Result<(), sqlx::Error> {
                sqlx::query("select 1").execute(&self.read).await.map(|_| ())
            }

            async fn meta(&self, name: &str) -> Result<Option<Vec<u8>>, sqlx::Error> {
                sqlx::query_scalar("select value from store_meta where name = $1")
                    .bind(name)
                    .fetch_optional(&self.write)
                    .await
            }

            async fn set_meta(&self, name: &str, value: &[u8]) -> Result<(), StoreError> {
                sqlx::query("insert into store_meta (name, value) values ($1, $2)")
                    .bind(name)
                    .bind(value)
                    .execute(&self.write)
                    .await?;
                Ok(())
            }

            /// One transaction for the whole batch; any failure rolls all of it back.
            async fn write_batch(
                &self,
                jobs: &mut [WriteJob],
                keys: &PiiKeys,
                idempotency_since: i64,
                known_tenants: &HashSet<String>,
            ) -> Result<Vec<SubmitOutcome>, StoreError> {
                let mut tx = self.write.begin().await?;
                let mut outcomes = Vec::with_capacity(jobs.len());
                for job in jobs.iter_mut() {
                    outcomes.push(write_one!(&mut *tx, job, keys, idempotency_since, known_tenants));
                }
                tx.commit().await?;
                Ok(outcomes)
            }

            async fn latest(&self, tenant: &str, id: &str) -> Result<Option<Vec<u8>>, sqlx::Error> {
                sqlx::query_scalar(
                    "select v.verdict_enc from applications a \
                     join verdicts v on v.application_id = a.id and v.version = a.version \
                     where a.tenant_id = $1 and a.id = $2",
                )
                .bind(tenant)
                .bind(id)
                .fetch_optional(&self.read)
                .await
            }

            async fn history(&self, tenant: &str, id: &str) -> Result<Vec<Vec<u8>>, sqlx::Error> {
                sqlx::query_scalar(
                    "select verdict_enc from verdicts where tenant_id = $1 and application_id = $2 order by version",
                )
                .bind(tenant)
                .bind(id)
                .fetch_all(&self.read)
                .await
            }

            async fn list(&self, tenant: &str, q: &ListQuery, limit: i64) -> Result<Vec<ListRow>, sqlx::Error> {
                let (after_at, after_id) = match &q.after {
                    Some((at, id)) => (Some(*at), Some(id.as_str())),
                    None => (None, None),
                };
                sqlx::query_as(
                    "select a.id, a.updated_at, v.verdict_enc from applications a \
                     join verdicts v on v.application_id = a.id and v.version = a.version \
                     where a.tenant_id = $1 \
                       and ($2 is null or a.verdict = $2) \
                       and ($3 is null or a.updated_at >= $3) \
                       and ($4 is null or a.external_ref = $4) \
                       and ($5 is null or a.updated_at < $5 or (a.updated_at = $5 and a.id < $6)) \
                     order by a.updated_at desc, a.id desc \
                     limit $7",
                )
                .bind(tenant)
                .bind(q.verdict.map(|v| v.as_str()))
                .bind(q.updated_since.map(super::micros))
                .bind(q.external_ref.as_deref())
                .bind(after_at)
                .bind(after_id)
                .bind(limit)
                .fetch_all(&self.read)
                .await
            }

            async fn prior(&self, tenant: &str, external_ref: &str) -> Result<Option<(String, i64)>, sqlx::Error> {
                sqlx::query_as("select id, received_at from applications where tenant_id = $1 and external_ref = $2")
                    .bind(tenant)
                    .bind(external_ref)
                    .fetch_optional(&self.read)
                    .await
            }

            async fn identifier_rows(
                &self,
                keys: &[[u8; 32]],
                tenants: &[&str],
            ) -> Result<Vec<IdentifierRow>, sqlx::Error> {
                // Audited: only numbered placeholders are generated; every value is bound.
                let sql = identifier_lookup_sql(keys.len(), tenants.len());
                // Unprepared: PostgreSQL then plans with the actual keys every time. A cached generic
                // plan made while the table was small stays a sequential scan as it grows.
                let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).persistent(false);
                for key in keys {
                    query = query.bind(&key[..]);
                }
                for tenant in tenants {
                    query = query.bind(*tenant);
                }
                query.fetch_all(&self.read).await
            }

            async fn purge_idempotency(&self, before: i64) -> Result<u64, sqlx::Error> {
                let done = sqlx::query("delete from idempotency_keys where created_at < $1")
                    .bind(before)
                    .execute(&self.write)
                    .await?;
                Ok(done.rows_affected())
            }
        }
    };
}

backend!(SqliteBackend, sqlx::Sqlite);
backend!(PgBackend, sqlx::Postgres);
