//! The SQL, written once and compiled for each backend. Both drivers take `$n` placeholders, and the
//! schema uses only `text`, `bigint` and a blob type, so one statement serves both; the shared
//! tests run every query on SQLite and on PostgreSQL.

use std::collections::HashSet;

use super::lists::{ListVersionRow, NewListVersion, RescreenResult};
use super::writer::{WriteJob, write_many};
use super::{ListQuery, StoreError, SubmitOutcome};
use crate::crypto::PiiKeys;
use crate::identifiers::IdentifierKind;

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
    pub seen_first: Option<i64>,
    pub seen_last: Option<i64>,
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
fn identifier_lookup_sql(keys: usize, tenants: usize, limit: usize) -> String {
    format!(
        "select i.key_hash, i.tenant_id, i.application_id, a.external_ref, i.name_key, i.dob_key, i.detail_enc, \
         i.seen_first, i.seen_last, a.base_verdict as verdict \
         from identifiers i join applications a on a.id = i.application_id \
         where i.key_hash in ({}) and i.tenant_id in ({}) \
         limit {limit}",
        placeholders(1, keys),
        placeholders(keys + 1, tenants)
    )
}

/// Most applications a cluster walk visits; beyond it the size is reported as at least this.
pub const CLUSTER_COUNT_MAX: i64 = 1000;
/// Applications one hop of the walk expands, and rows one hop reads: every hop is one bounded
/// indexed query, however large the cluster.
pub const CLUSTER_FRONTIER_MAX: usize = 64;
const CLUSTER_ROWS_PER_HOP: usize = 512;

/// The applications sharing a strong attribute ([`IdentifierKind::STRONG`]) with any of `ids`, with
/// their name keys. `$1` tenant, `$2…` ids.
fn strong_neighbours_sql(ids: usize) -> String {
    let strong: Vec<String> = IdentifierKind::STRONG
        .iter()
        .map(|k| format!("'{}'", k.as_str()))
        .collect();
    format!(
        // `cross join` fixes SQLite's join order (i1 by application first): without statistics it
        // would start from every index row of the tenant.
        "select distinct i2.application_id, i2.name_key from identifiers i1 cross join identifiers i2 \
         where i2.tenant_id = i1.tenant_id and i2.key_hash = i1.key_hash \
           and i1.tenant_id = $1 and i1.application_id in ({}) \
           and i1.kind in ({}) \
         limit {CLUSTER_ROWS_PER_HOP}",
        placeholders(2, ids),
        strong.join(", ")
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

    pub(crate) async fn add_list_version(
        &self,
        new: &NewListVersion,
        sealed: &[u8],
    ) -> Result<i64, sqlx::Error> {
        dispatch!(self, b => b.add_list_version(new, sealed).await)
    }

    pub(crate) async fn newest_list_seq(&self) -> Result<i64, sqlx::Error> {
        dispatch!(self, b => b.newest_list_seq().await)
    }

    pub(crate) async fn active_lists(&self) -> Result<Vec<(ListVersionRow, Vec<u8>)>, sqlx::Error> {
        dispatch!(self, b => b.active_lists().await)
    }

    pub(crate) async fn list_versions(
        &self,
        tenant: Option<&str>,
    ) -> Result<Vec<ListVersionRow>, sqlx::Error> {
        dispatch!(self, b => b.list_versions(tenant).await)
    }

    pub(crate) async fn rescreen_depth(&self, tenant: Option<&str>) -> Result<i64, sqlx::Error> {
        dispatch!(self, b => b.rescreen_depth(tenant).await)
    }

    pub(crate) async fn enqueue_rescreen(
        &self,
        tenant: &str,
        ids: &[String],
        cause: &str,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        dispatch!(self, b => b.enqueue_rescreen(tenant, ids, cause, now).await)
    }

    pub(crate) async fn claim_rescreens(
        &self,
        now: i64,
        until: i64,
        loaded_seq: i64,
        limit: i64,
    ) -> Result<Vec<(String, String, String)>, sqlx::Error> {
        dispatch!(self, b => b.claim_rescreens(now, until, loaded_seq, limit).await)
    }

    pub(crate) async fn complete_rescreens(
        &self,
        results: &[RescreenResult],
        sealed: &[Option<Vec<u8>>],
        now: i64,
    ) -> Result<usize, sqlx::Error> {
        dispatch!(self, b => b.complete_rescreens(results, sealed, now).await)
    }

    pub(crate) async fn strong_neighbours(
        &self,
        tenant: &str,
        ids: &[String],
    ) -> Result<Vec<(String, Vec<u8>)>, sqlx::Error> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        dispatch!(self, b => b.strong_neighbours(tenant, ids).await)
    }

    pub(crate) async fn links(
        &self,
        tenant: &str,
        id: &str,
    ) -> Result<Vec<(String, String, String, String)>, sqlx::Error> {
        dispatch!(self, b => b.links(tenant, id).await)
    }

    #[allow(clippy::type_complexity)]
    pub(crate) async fn stored_application(
        &self,
        tenant: &str,
        id: &str,
    ) -> Result<Option<(String, i64, i64, Vec<u8>, Vec<u8>)>, sqlx::Error> {
        dispatch!(self, b => b.stored_application(tenant, id).await)
    }

    /// The index rows under `keys`, at most [`IDENTIFIER_MATCHES_MAX`]; the last `widely_shared`
    /// keys (residential addresses) only fill what the others leave of that cap.
    pub(crate) async fn identifier_rows(
        &self,
        keys: &[[u8; 32]],
        widely_shared: usize,
        tenants: &[&str],
    ) -> Result<Vec<IdentifierRow>, sqlx::Error> {
        if keys.is_empty() || tenants.is_empty() {
            return Ok(Vec::new());
        }
        match self {
            // One statement: its rows come ordered with the widely shared kinds last.
            Backend::Postgres(b) => b.identifier_rows(keys, tenants).await,
            // In process, a second statement costs little and bounds each part by itself.
            Backend::Sqlite(b) => {
                let (first, last) = keys.split_at(keys.len() - widely_shared.min(keys.len()));
                let mut rows = if first.is_empty() {
                    Vec::new()
                } else {
                    b.identifier_rows(first, tenants, IDENTIFIER_MATCHES_MAX)
                        .await?
                };
                let room = IDENTIFIER_MATCHES_MAX - rows.len();
                if room > 0 && !last.is_empty() {
                    rows.extend(b.identifier_rows(last, tenants, room).await?);
                }
                Ok(rows)
            }
        }
    }

    pub(crate) async fn put_meta(&self, name: &str, value: &[u8]) -> Result<(), sqlx::Error> {
        dispatch!(self, b => b.put_meta(name, value).await)
    }

    pub(crate) async fn application_count(&self) -> Result<i64, sqlx::Error> {
        dispatch!(self, b => b.application_count().await)
    }

    pub(crate) async fn applications_after(
        &self,
        after: &str,
        limit: i64,
    ) -> Result<Vec<super::reindex::StoredRow>, sqlx::Error> {
        dispatch!(self, b => b.applications_after(after, limit).await)
    }

    pub(crate) async fn replace_identifiers(
        &self,
        rows: &[super::reindex::Reindexed],
    ) -> Result<usize, sqlx::Error> {
        dispatch!(self, b => b.replace_identifiers(rows).await)
    }

    pub(crate) async fn enqueue_all_rescreens(
        &self,
        cause: &str,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        dispatch!(self, b => b.enqueue_all_rescreens(cause, now).await)
    }
}

/// Columns of a list version without its entries; `active` is 1 for the newest of its list.
const LIST_VERSION_COLUMNS: &str = "l.seq, l.scope, l.list_name, l.format, l.source, l.content_sha256, \
     l.loaded_at, l.loaded_by, l.entries, l.north_korea_entries, l.report_json, \
     cast(case when l.seq = (select max(m.seq) from list_versions m \
       where m.scope = l.scope and m.list_name = l.list_name) then 1 else 0 end as bigint) as active";

macro_rules! backend {
    ($name:ident, $db:ty, $skip_locked:literal, $numbered:literal) => {
        pub(crate) struct $name {
            /// One connection on SQLite (its single writer); the shared pool on PostgreSQL.
            pub(crate) write: sqlx::Pool<$db>,
            pub(crate) read: sqlx::Pool<$db>,
            /// The lookups every screening runs before it is scored (identifier rows, cluster
            /// walk). On PostgreSQL a pool of its own whose sessions use generic plans (below).
            pub(crate) lookup: sqlx::Pool<$db>,
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
                let outcomes = write_many!(tx, jobs, keys, idempotency_since, known_tenants, $numbered);
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

            async fn add_list_version(&self, new: &NewListVersion, sealed: &[u8]) -> Result<i64, sqlx::Error> {
                let mut tx = self.write.begin().await?;
                let seq: i64 = sqlx::query_scalar("select coalesce(max(seq), 0) + 1 from list_versions")
                    .fetch_one(&mut *tx)
                    .await?;
                sqlx::query(
                    "insert into list_versions (seq, scope, list_name, format, source, content_sha256, loaded_at, \
                     loaded_by, entries, north_korea_entries, report_json, entities_enc) \
                     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                )
                .bind(seq)
                .bind(new.scope.as_column())
                .bind(&new.list_name)
                .bind(&new.format)
                .bind(&new.source)
                .bind(&new.content_sha256[..])
                .bind(super::micros(new.loaded_at))
                .bind(&new.loaded_by)
                .bind(new.entries)
                .bind(new.north_korea_entries)
                .bind(&new.report_json)
                .bind(sealed)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "delete from list_versions where scope = $1 and list_name = $2 and seq not in \
                     (select seq from list_versions where scope = $1 and list_name = $2 order by seq desc limit $3)",
                )
                .bind(new.scope.as_column())
                .bind(&new.list_name)
                .bind(super::lists::VERSIONS_KEPT)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "insert into rescreen_queue (tenant_id, application_id, cause, min_list_seq, enqueued_at, claimed_until) \
                     select tenant_id, id, 'lists', $1, $2, 0 from applications where ($3 = '' or tenant_id = $3) \
                     on conflict (tenant_id, application_id) do update set cause = excluded.cause, \
                     min_list_seq = case when excluded.min_list_seq > rescreen_queue.min_list_seq \
                       then excluded.min_list_seq else rescreen_queue.min_list_seq end, \
                     claimed_until = 0",
                )
                .bind(seq)
                .bind(super::micros(new.loaded_at))
                .bind(new.scope.as_column())
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(seq)
            }

            async fn newest_list_seq(&self) -> Result<i64, sqlx::Error> {
                sqlx::query_scalar("select coalesce(max(seq), 0) from list_versions")
                    .fetch_one(&self.read)
                    .await
            }

            async fn active_lists(&self) -> Result<Vec<(ListVersionRow, Vec<u8>)>, sqlx::Error> {
                use sqlx::Row;
                let sql = format!(
                    "select {LIST_VERSION_COLUMNS}, l.entities_enc from list_versions l \
                     where l.seq = (select max(m.seq) from list_versions m \
                       where m.scope = l.scope and m.list_name = l.list_name) \
                     order by l.seq"
                );
                let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.read).await?;
                rows.iter()
                    .map(|row| {
                        let sealed: Vec<u8> = row.try_get("entities_enc")?;
                        Ok((<ListVersionRow as sqlx::FromRow<_>>::from_row(row)?, sealed))
                    })
                    .collect()
            }

            async fn list_versions(&self, tenant: Option<&str>) -> Result<Vec<ListVersionRow>, sqlx::Error> {
                let sql = format!(
                    "select {LIST_VERSION_COLUMNS} from list_versions l \
                     where ($1 is null or l.scope = '' or l.scope = $1) \
                     order by l.scope, l.list_name, l.seq desc"
                );
                sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant).fetch_all(&self.read).await
            }

            async fn rescreen_depth(&self, tenant: Option<&str>) -> Result<i64, sqlx::Error> {
                sqlx::query_scalar("select count(*) from rescreen_queue where ($1 is null or tenant_id = $1)")
                    .bind(tenant)
                    .fetch_one(&self.read)
                    .await
            }

            async fn enqueue_rescreen(&self, tenant: &str, ids: &[String], cause: &str, now: i64) -> Result<(), sqlx::Error> {
                let mut tx = self.write.begin().await?;
                for id in ids {
                    sqlx::query(
                        "insert into rescreen_queue (tenant_id, application_id, cause, min_list_seq, enqueued_at, claimed_until) \
                         values ($1, $2, $3, 0, $4, 0) \
                         on conflict (tenant_id, application_id) do update set claimed_until = 0",
                    )
                    .bind(tenant)
                    .bind(id)
                    .bind(cause)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await
            }

            async fn claim_rescreens(
                &self,
                now: i64,
                until: i64,
                loaded_seq: i64,
                limit: i64,
            ) -> Result<Vec<(String, String, String)>, sqlx::Error> {
                sqlx::query_as(concat!(
                    "update rescreen_queue set claimed_until = $1 \
                     where (tenant_id, application_id) in (select tenant_id, application_id from rescreen_queue \
                       where claimed_until < $2 and min_list_seq <= $3 order by enqueued_at limit $4",
                    $skip_locked,
                    ") returning tenant_id, application_id, cause"
                ))
                .bind(until)
                .bind(now)
                .bind(loaded_seq)
                .bind(limit)
                .fetch_all(&self.write)
                .await
            }

            async fn complete_rescreens(
                &self,
                results: &[RescreenResult],
                sealed: &[Option<Vec<u8>>],
                now: i64,
            ) -> Result<usize, sqlx::Error> {
                let mut tx = self.write.begin().await?;
                let mut written = 0;
                for (result, sealed) in results.iter().zip(sealed) {
                    let claim = &result.claim;
                    if let (Some(new), Some(sealed)) = (&result.new_verdict, sealed) {
                        let v = &new.verdict;
                        let version = new.after_version + 1;
                        let updated = sqlx::query(
                            "update applications set verdict = $1, risk_score = $2, version = $3, updated_at = $4, \
                             base_verdict = $8 where tenant_id = $5 and id = $6 and version = $7",
                        )
                        .bind(v.verdict.as_str())
                        .bind(i64::from(v.risk_score))
                        .bind(version)
                        .bind(now)
                        .bind(claim.tenant.as_str())
                        .bind(&claim.application_id)
                        .bind(new.after_version)
                        .bind(new.base_verdict.as_str())
                        .execute(&mut *tx)
                        .await?;
                        // Otherwise the application was re-submitted meanwhile, and screened then.
                        if updated.rows_affected() == 1 {
                            sqlx::query(
                                "insert into verdicts (application_id, version, tenant_id, verdict, risk_score, \
                                 policy_version, cause, screened_at, verdict_enc) \
                                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                            )
                            .bind(&claim.application_id)
                            .bind(version)
                            .bind(claim.tenant.as_str())
                            .bind(v.verdict.as_str())
                            .bind(i64::from(v.risk_score))
                            .bind(&v.policy_version)
                            .bind(&claim.cause)
                            .bind(super::micros(v.screened_at))
                            .bind(sealed)
                            .execute(&mut *tx)
                            .await?;
                            written += 1;
                        }
                    }
                    sqlx::query(
                        "delete from rescreen_queue where tenant_id = $1 and application_id = $2 and claimed_until = $3",
                    )
                    .bind(claim.tenant.as_str())
                    .bind(&claim.application_id)
                    .bind(claim.lease)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(written)
            }

            async fn links(&self, tenant: &str, id: &str) -> Result<Vec<(String, String, String, String)>, sqlx::Error> {
                // Exact keys only: perceptual-hash blocks are candidates, not links.
                sqlx::query_as(
                    "select i2.application_id, a.external_ref, a.verdict, i2.kind \
                     from identifiers i1 \
                     join identifiers i2 on i2.tenant_id = i1.tenant_id and i2.key_hash = i1.key_hash \
                       and i2.application_id <> i1.application_id \
                     join applications a on a.id = i2.application_id \
                     where i1.tenant_id = $1 and i1.application_id = $2 and i1.kind <> 'portrait_phash' \
                     order by i2.application_id, i2.kind limit 5000",
                )
                .bind(tenant)
                .bind(id)
                .fetch_all(&self.read)
                .await
            }

            async fn stored_application(
                &self,
                tenant: &str,
                id: &str,
            ) -> Result<Option<(String, i64, i64, Vec<u8>, Vec<u8>)>, sqlx::Error> {
                sqlx::query_as(
                    "select a.external_ref, a.received_at, a.version, a.application_enc, v.verdict_enc \
                     from applications a join verdicts v on v.application_id = a.id and v.version = a.version \
                     where a.tenant_id = $1 and a.id = $2",
                )
                .bind(tenant)
                .bind(id)
                .fetch_optional(&self.read)
                .await
            }

            async fn put_meta(&self, name: &str, value: &[u8]) -> Result<(), sqlx::Error> {
                sqlx::query(
                    "insert into store_meta (name, value) values ($1, $2) \
                     on conflict (name) do update set value = excluded.value",
                )
                .bind(name)
                .bind(value)
                .execute(&self.write)
                .await
                .map(|_| ())
            }

            async fn application_count(&self) -> Result<i64, sqlx::Error> {
                sqlx::query_scalar("select count(*) from applications")
                    .fetch_one(&self.read)
                    .await
            }

            /// A page of stored applications in id order (keyset), for the re-index.
            async fn applications_after(
                &self,
                after: &str,
                limit: i64,
            ) -> Result<Vec<super::reindex::StoredRow>, sqlx::Error> {
                sqlx::query_as(
                    "select id, tenant_id, version, received_at, application_enc from applications \
                     where id > $1 order by id limit $2",
                )
                .bind(after)
                .bind(limit)
                .fetch_all(&self.read)
                .await
            }

            /// Replaces the index rows of each application still at the version it was read at (one
            /// re-submitted meanwhile was indexed by the writer already), in one transaction.
            async fn replace_identifiers(
                &self,
                rows: &[super::reindex::Reindexed],
            ) -> Result<usize, sqlx::Error> {
                let mut tx = self.write.begin().await?;
                let mut replaced = 0;
                for row in rows {
                    // PostgreSQL: the row lock keeps a concurrent re-submission out until commit
                    // (SQLite's single writer connection serialises everything already).
                    let current: Option<i64> = sqlx::query_scalar(if $numbered {
                        "select version from applications where tenant_id = $1 and id = $2 for update"
                    } else {
                        "select version from applications where tenant_id = $1 and id = $2"
                    })
                    .bind(&row.tenant)
                    .bind(&row.id)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if current != Some(row.version) {
                        continue;
                    }
                    sqlx::query("delete from identifiers where tenant_id = $1 and application_id = $2")
                        .bind(&row.tenant)
                        .bind(&row.id)
                        .execute(&mut *tx)
                        .await?;
                    let ids = &row.identifiers;
                    if !ids.entries.is_empty() {
                        let sql = super::writer::identifier_insert_sql(ids.entries.len(), $numbered);
                        let mut insert = sqlx::query(sqlx::AssertSqlSafe(sql));
                        for entry in &ids.entries {
                            insert = insert
                                .bind(&entry.key[..])
                                .bind(&row.id)
                                .bind(&row.tenant)
                                .bind(entry.kind.as_str())
                                .bind(&ids.name_key[..])
                                .bind(ids.dob_key.as_ref().map(|k| &k[..]))
                                .bind(entry.detail.as_deref())
                                .bind(entry.seen.map(|s| s.first))
                                .bind(entry.seen.map(|s| s.last));
                        }
                        insert.execute(&mut *tx).await?;
                    }
                    replaced += 1;
                }
                tx.commit().await?;
                Ok(replaced)
            }

            async fn enqueue_all_rescreens(&self, cause: &str, now: i64) -> Result<(), sqlx::Error> {
                // `where`: SQLite parses `on conflict` after a bare `select … from t` as a join.
                sqlx::query(
                    "insert into rescreen_queue (tenant_id, application_id, cause, min_list_seq, enqueued_at, claimed_until) \
                     select tenant_id, id, $1, 0, $2, 0 from applications where 1 = 1 \
                     on conflict (tenant_id, application_id) do update set claimed_until = 0",
                )
                .bind(cause)
                .bind(now)
                .execute(&self.write)
                .await
                .map(|_| ())
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

// SQLite has one writer, so claims cannot race; PostgreSQL instances skip rows another one holds.
backend!(SqliteBackend, sqlx::Sqlite, "", false);
backend!(PgBackend, sqlx::Postgres, " for update skip locked", true);

// The two statements every application runs before it is screened differ by backend. SQLite plans
// each statement once, by rule, and takes `$n` lists well. PostgreSQL would plan an `in ($1, …)`
// list again on every call (planning took 0.7 ms of a 1 ms lookup under load), and a cached generic
// plan made without statistics scans a tenant's whole index range. Its statements therefore take
// arrays, are prepared once per connection, run on sessions that keep one generic plan per statement
// (planning the lookup cost PostgreSQL 0.2 ms of CPU per application, a fifth of the machine at
// 2,000/s), and are written so that every plan, generic or not, young table or old, is one index
// search per key: `unnest` the keys and look each one up in a
// `lateral` subquery on the index's full key. (A `limit` keeps a subquery from being flattened into
// the join, where a plan made on an empty table would scan the tenant's range instead.)
impl SqliteBackend {
    async fn identifier_rows(
        &self,
        keys: &[[u8; 32]],
        tenants: &[&str],
        limit: usize,
    ) -> Result<Vec<IdentifierRow>, sqlx::Error> {
        // Audited: only numbered placeholders are generated; every value is bound.
        let sql = identifier_lookup_sql(keys.len(), tenants.len(), limit);
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for key in keys {
            query = query.bind(&key[..]);
        }
        for tenant in tenants {
            query = query.bind(*tenant);
        }
        query.fetch_all(&self.lookup).await
    }

    async fn strong_neighbours(
        &self,
        tenant: &str,
        ids: &[String],
    ) -> Result<Vec<(String, Vec<u8>)>, sqlx::Error> {
        // Audited: only numbered placeholders are generated; every value is bound.
        let sql = strong_neighbours_sql(ids.len());
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant);
        for id in ids {
            query = query.bind(id);
        }
        query.fetch_all(&self.lookup).await
    }
}

impl PgBackend {
    async fn identifier_rows(
        &self,
        keys: &[[u8; 32]],
        tenants: &[&str],
    ) -> Result<Vec<IdentifierRow>, sqlx::Error> {
        let keys: Vec<&[u8]> = keys.iter().map(|k| &k[..]).collect();
        sqlx::query_as(sqlx::AssertSqlSafe(pg_identifier_lookup_sql()))
            .bind(keys)
            .bind(tenants)
            .fetch_all(&self.lookup)
            .await
    }

    async fn strong_neighbours(
        &self,
        tenant: &str,
        ids: &[String],
    ) -> Result<Vec<(String, Vec<u8>)>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(pg_strong_neighbours_sql()))
            .bind(tenant)
            .bind(ids)
            .fetch_all(&self.lookup)
            .await
    }
}

/// [`identifier_lookup_sql`] for PostgreSQL: `$1` the keys (`bytea[]`), `$2` the tenants (`text[]`).
/// Residential-address rows sort last, so that the cap drops them before any other (a sort of at
/// most the per-key caps' rows, however many applications share an address).
#[doc(hidden)] // public for the plan test in tests/api/store.rs
pub fn pg_identifier_lookup_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        format!(
            "select i.key_hash, i.tenant_id, i.application_id, a.external_ref, i.name_key, i.dob_key, \
             i.detail_enc, i.seen_first, i.seen_last, a.base_verdict as verdict \
             from unnest($2::text[]) as t(tenant_id) cross join unnest($1::bytea[]) as k(key_hash) \
             cross join lateral (select * from identifiers x \
               where x.tenant_id = t.tenant_id and x.key_hash = k.key_hash \
               limit {IDENTIFIER_MATCHES_MAX}) i \
             join applications a on a.id = i.application_id \
             order by i.kind = 'residential_ip' \
             limit {IDENTIFIER_MATCHES_MAX}"
        )
    })
}

/// [`strong_neighbours_sql`] for PostgreSQL: the same rows, one statement text for any number of ids;
/// `$1` the tenant, `$2` the ids (`text[]`).
#[doc(hidden)] // public for the plan test in tests/api/store.rs
pub fn pg_strong_neighbours_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        let strong: Vec<String> = IdentifierKind::STRONG
            .iter()
            .map(|k| format!("'{}'", k.as_str()))
            .collect();
        format!(
            "select distinct n.application_id, n.name_key from unnest($2::text[]) as s(application_id) \
             cross join lateral (select key_hash from identifiers i1 \
               where i1.application_id = s.application_id and i1.tenant_id = $1 and i1.kind in ({}) \
               limit {CLUSTER_ROWS_PER_HOP}) k \
             cross join lateral (select application_id, name_key from identifiers i2 \
               where i2.tenant_id = $1 and i2.key_hash = k.key_hash limit {CLUSTER_ROWS_PER_HOP}) n \
             limit {CLUSTER_ROWS_PER_HOP}",
            strong.join(", ")
        )
    })
}
