//! Rotating the PII key: re-sealing every stored sealed value with the current key. Runs while the
//! service serves, in batches; each row is replaced only if it still holds the value read
//! (compare-and-set), so a concurrent re-submission or another instance doing the same work is never
//! overwritten, and an interrupted run simply runs again (rows already current are skipped). The
//! identifier index, keyed hashes under the old key, is rebuilt by the re-index
//! ([`Store::needs_reindex`] compares the key it was built with).

use super::error::StoreError;
use super::handle::Store;
use super::meta;
use super::sql::{Arg, Conn, Role};

/// Rows one re-seal step reads.
const RESEAL_BATCH: i64 = 256;

/// How many stored values each table still holds sealed with the previous key.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ResealCounts {
    pub applications: u64,
    pub verdicts: u64,
    pub list_versions: u64,
    /// Webhook endpoint secrets (current and, during a rotation's overlap, previous).
    pub webhook_secrets: u64,
    /// Identity-verification vendor secrets (current and previous) and stored vendor results.
    pub idv: u64,
    /// The key check value in `store_meta`.
    pub key_check: u64,
}

impl ResealCounts {
    pub fn total(&self) -> u64 {
        self.applications
            + self.verdicts
            + self.list_versions
            + self.webhook_secrets
            + self.idv
            + self.key_check
    }
}

/// The tables holding sealed values, in the order they are re-sealed (the key check last: once it
/// is current, the previous key is no longer needed to start).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Table {
    Applications,
    Verdicts,
    ListVersions,
    WebhookSecrets,
    WebhookPreviousSecrets,
    IdvSecrets,
    IdvPreviousSecrets,
    IdvResults,
    KeyCheck,
}

const TABLES: [Table; 9] = [
    Table::Applications,
    Table::Verdicts,
    Table::ListVersions,
    Table::WebhookSecrets,
    Table::WebhookPreviousSecrets,
    Table::IdvSecrets,
    Table::IdvPreviousSecrets,
    Table::IdvResults,
    Table::KeyCheck,
];

/// A sealed value and where it sits (`k1`, `k2`: the row's key; unused parts empty or 0).
#[derive(sqlx::FromRow)]
struct SealedRow {
    k1: String,
    k2: i64,
    sealed: Vec<u8>,
}

impl Store {
    /// Re-seals every value the previous key sealed (`write`), or only counts them; `progress`
    /// hears the running counts after each batch.
    pub async fn reseal(
        &self,
        write: bool,
        mut progress: impl FnMut(&ResealCounts),
    ) -> Result<ResealCounts, StoreError> {
        let mut counts = ResealCounts::default();
        for table in TABLES {
            let mut after = (String::new(), i64::MIN);
            loop {
                let mut lease = self.pools().acquire(Role::Write).await?;
                let mut conn = lease.conn();
                let rows = page(&mut conn, table, &after).await?;
                let Some(last) = rows.last() else { break };
                after = (last.k1.clone(), last.k2);
                let full = rows.len() as i64 == RESEAL_BATCH;
                for row in rows {
                    let Some(resealed) = self.keys().reseal(&row.sealed)? else {
                        continue;
                    };
                    *match table {
                        Table::Applications => &mut counts.applications,
                        Table::Verdicts => &mut counts.verdicts,
                        Table::ListVersions => &mut counts.list_versions,
                        Table::WebhookSecrets | Table::WebhookPreviousSecrets => {
                            &mut counts.webhook_secrets
                        }
                        Table::IdvSecrets | Table::IdvPreviousSecrets | Table::IdvResults => {
                            &mut counts.idv
                        }
                        Table::KeyCheck => &mut counts.key_check,
                    } += 1;
                    if write {
                        replace(&mut conn, table, &row, &resealed).await?;
                    }
                }
                // The connection goes back before the caller hears of progress.
                drop(lease);
                progress(&counts);
                if !full {
                    break;
                }
            }
        }
        Ok(counts)
    }
}

/// The next page of a table's sealed values after `after`, in key order.
async fn page(
    conn: &mut Conn<'_>,
    table: Table,
    after: &(String, i64),
) -> Result<Vec<SealedRow>, sqlx::Error> {
    let (k1, k2) = (after.0.as_str(), after.1);
    match table {
        Table::Applications => {
            conn.fetch_all(
                "select id as k1, cast(0 as bigint) as k2, application_enc as sealed \
                 from applications where id > $1 and indexed_with <> 'fraud-marker' \
                 order by id limit $2",
                &[k1.into(), RESEAL_BATCH.into()],
            )
            .await
        }
        Table::Verdicts => {
            conn.fetch_all(
                "select application_id as k1, version as k2, verdict_enc as sealed from verdicts \
                 where (application_id, version) > ($1, $2) order by application_id, version \
                 limit $3",
                &[k1.into(), k2.into(), RESEAL_BATCH.into()],
            )
            .await
        }
        Table::ListVersions => {
            conn.fetch_all(
                "select cast('' as text) as k1, seq as k2, entities_enc as sealed \
                 from list_versions where seq > $1 order by seq limit $2",
                &[k2.into(), RESEAL_BATCH.into()],
            )
            .await
        }
        Table::WebhookSecrets => {
            conn.fetch_all(
                "select id as k1, cast(0 as bigint) as k2, secret_enc as sealed \
                 from webhook_endpoints where id > $1 order by id limit $2",
                &[k1.into(), RESEAL_BATCH.into()],
            )
            .await
        }
        Table::WebhookPreviousSecrets => {
            conn.fetch_all(
                "select id as k1, cast(0 as bigint) as k2, previous_secret_enc as sealed \
                 from webhook_endpoints where id > $1 and previous_secret_enc is not null \
                 order by id limit $2",
                &[k1.into(), RESEAL_BATCH.into()],
            )
            .await
        }
        Table::IdvSecrets => {
            conn.fetch_all(
                "select tenant_id || ' ' || vendor as k1, cast(0 as bigint) as k2, secret_enc as sealed \
                 from idv_secrets where tenant_id || ' ' || vendor > $1 \
                 order by tenant_id || ' ' || vendor limit $2",
                &[k1.into(), RESEAL_BATCH.into()],
            )
            .await
        }
        Table::IdvPreviousSecrets => {
            conn.fetch_all(
                "select tenant_id || ' ' || vendor as k1, cast(0 as bigint) as k2, \
                 previous_secret_enc as sealed from idv_secrets \
                 where tenant_id || ' ' || vendor > $1 and previous_secret_enc is not null \
                 order by tenant_id || ' ' || vendor limit $2",
                &[k1.into(), RESEAL_BATCH.into()],
            )
            .await
        }
        Table::IdvResults => {
            conn.fetch_all(
                "select id as k1, cast(0 as bigint) as k2, result_enc as sealed \
                 from idv_results where id > $1 order by id limit $2",
                &[k1.into(), RESEAL_BATCH.into()],
            )
            .await
        }
        // One row, read once.
        Table::KeyCheck if !k1.is_empty() => Ok(Vec::new()),
        Table::KeyCheck => {
            conn.fetch_all(
                "select name as k1, cast(0 as bigint) as k2, value as sealed from store_meta \
                 where name = $1",
                &[super::handle::KEY_CHECK_NAME.into()],
            )
            .await
        }
    }
}

/// Replaces one sealed value if the row still holds the one read.
async fn replace(
    conn: &mut Conn<'_>,
    table: Table,
    row: &SealedRow,
    resealed: &[u8],
) -> Result<(), sqlx::Error> {
    let (new, old) = (Arg::from(resealed), Arg::from(row.sealed.as_slice()));
    let k1 = row.k1.as_str();
    let (sql, args): (&'static str, Vec<Arg<'_>>) = match table {
        Table::Applications => (
            "update applications set application_enc = $1 where id = $2 and application_enc = $3",
            vec![new, k1.into(), old],
        ),
        Table::Verdicts => (
            "update verdicts set verdict_enc = $1 \
             where application_id = $2 and version = $3 and verdict_enc = $4",
            vec![new, k1.into(), row.k2.into(), old],
        ),
        Table::ListVersions => (
            "update list_versions set entities_enc = $1 where seq = $2 and entities_enc = $3",
            vec![new, row.k2.into(), old],
        ),
        Table::WebhookSecrets => (
            "update webhook_endpoints set secret_enc = $1 where id = $2 and secret_enc = $3",
            vec![new, k1.into(), old],
        ),
        Table::WebhookPreviousSecrets => (
            "update webhook_endpoints set previous_secret_enc = $1 \
             where id = $2 and previous_secret_enc = $3",
            vec![new, k1.into(), old],
        ),
        Table::IdvSecrets => (
            "update idv_secrets set secret_enc = $1 \
             where tenant_id || ' ' || vendor = $2 and secret_enc = $3",
            vec![new, k1.into(), old],
        ),
        Table::IdvPreviousSecrets => (
            "update idv_secrets set previous_secret_enc = $1 \
             where tenant_id || ' ' || vendor = $2 and previous_secret_enc = $3",
            vec![new, k1.into(), old],
        ),
        Table::IdvResults => (
            "update idv_results set result_enc = $1 where id = $2 and result_enc = $3",
            vec![new, k1.into(), old],
        ),
        Table::KeyCheck => (
            "update store_meta set value = $1 where name = $2 and value = $3",
            vec![new, k1.into(), old],
        ),
    };
    conn.execute(sql, &args).await.map(|_| ())
}

/// The fingerprint of the key the identifier index was built with (`store_meta`).
pub(crate) const INDEX_KEY_NAME: &str = "index_key_fingerprint";

pub(crate) async fn index_key(conn: &mut Conn<'_>) -> Result<Option<String>, StoreError> {
    Ok(meta::get(conn, INDEX_KEY_NAME)
        .await?
        .map(|v| String::from_utf8_lossy(&v).into_owned()))
}
