//! Re-deriving the identifier index from the sealed applications. Index keys are versioned
//! ([`INDEX_VERSION`]); a store whose recorded version is older (a new normaliser, a new kind of
//! identifier, later a key rotation) has every application's rows rebuilt in batches, each batch in
//! one transaction, without touching the applications or their verdicts. An application
//! re-submitted meanwhile is skipped: the writer indexed it with the current derivation already.
//! Rebuilding twice gives the same rows, so an interrupted run is simply run again.

use chrono::{DateTime, Utc};

use super::applications;
use super::error::{StoreError, from_micros};
use super::handle::Store;
use super::index::{self, Indexed};
use super::sql::{Role, micros};
use super::{meta, rescreen, rotation};
use crate::identifiers::{INDEX_VERSION, Identifiers, index_marker};

/// `store_meta` row holding the index version the rows were written with (ASCII digits).
const INDEX_VERSION_NAME: &str = "index_version";

/// `store_meta` row saying the applications stored before index markers existed were marked.
const INDEX_MARKERS_NAME: &str = "index_markers";

/// Version of a store whose rows predate the versioning.
const UNVERSIONED: i64 = 1;

/// A stored application, decrypted, as the re-index reads it.
pub struct ReindexSource {
    pub id: String,
    pub tenant: String,
    pub version: i64,
    pub received_at: DateTime<Utc>,
    /// The application as received (canonical JSON).
    pub application_json: Vec<u8>,
}

/// New index rows for one application read at `version`.
pub struct Reindexed {
    pub id: String,
    pub tenant: String,
    pub version: i64,
    pub identifiers: Identifiers,
}

impl Store {
    /// The derivation the stored index rows were written with.
    pub async fn index_version(&self) -> Result<i64, StoreError> {
        let mut lease = self.pools().acquire(Role::Write).await?;
        match meta::get(&mut lease.conn(), INDEX_VERSION_NAME).await? {
            Some(value) => std::str::from_utf8(&value)
                .ok()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| StoreError::Corrupt("index_version is not a number".into())),
            None => Ok(UNVERSIONED),
        }
    }

    /// Records the index version of a store that has none: an empty store is written with this
    /// build's derivation from the start; one with applications predates the versioning.
    pub(crate) async fn init_index_version(&self) -> Result<(), StoreError> {
        let mut lease = self.pools().acquire(Role::Write).await?;
        let mut conn = lease.conn();
        if meta::get(&mut conn, INDEX_VERSION_NAME).await?.is_some() {
            return Ok(());
        }
        let version = if applications::count(&mut conn).await? == 0 {
            INDEX_VERSION
        } else {
            UNVERSIONED
        };
        Ok(meta::put(
            &mut conn,
            INDEX_VERSION_NAME,
            version.to_string().as_bytes(),
        )
        .await?)
    }

    /// Records which key the index was built with, for a store that has not recorded it: an empty
    /// store's with the current key; one with applications with the previous key during a
    /// rotation (the rotation is what brought the new one), the current one otherwise.
    pub(crate) async fn init_index_key(&self) -> Result<(), StoreError> {
        let mut lease = self.pools().acquire(Role::Write).await?;
        let mut conn = lease.conn();
        if rotation::index_key(&mut conn).await?.is_some() {
            return Ok(());
        }
        let keys = self.keys();
        let fingerprint = match keys.previous_index_fingerprint() {
            Some(previous) if applications::count(&mut conn).await? > 0 => previous,
            _ => keys.index_fingerprint(),
        };
        Ok(meta::put(&mut conn, rotation::INDEX_KEY_NAME, fingerprint.as_bytes()).await?)
    }

    /// The fingerprint of the key the stored index rows were built with.
    pub async fn index_key(&self) -> Result<Option<String>, StoreError> {
        let mut lease = self.pools().acquire(Role::Read).await?;
        rotation::index_key(&mut lease.conn()).await
    }

    /// Whether the index must be rebuilt before it matches this build's derivation and key.
    pub async fn needs_reindex(&self) -> Result<bool, StoreError> {
        Ok(self.index_version().await? < INDEX_VERSION
            || self.index_key().await?.as_deref() != Some(&self.keys().index_fingerprint()))
    }

    /// Up to `limit` stored applications with ids after `after` whose index rows are not current
    /// ([`index_marker`]), in id order, decrypted.
    pub async fn reindex_page(
        &self,
        after: &str,
        limit: i64,
    ) -> Result<Vec<ReindexSource>, StoreError> {
        let marker = index_marker(self.keys());
        let mut lease = self.pools().acquire(Role::Read).await?;
        let rows = applications::stale_after(&mut lease.conn(), after, &marker, limit).await?;
        rows.into_iter()
            .map(|row| {
                Ok(ReindexSource {
                    application_json: self.keys().open(&row.application_enc)?,
                    received_at: from_micros(row.received_at)?,
                    id: row.id,
                    tenant: row.tenant_id,
                    version: row.version,
                })
            })
            .collect()
    }

    /// Replaces the index rows of each application of a batch still at the version it was read
    /// at (one re-submitted meanwhile was indexed by the writer already), in one transaction;
    /// returns how many were replaced.
    pub async fn replace_identifiers(&self, batch: &[Reindexed]) -> Result<usize, StoreError> {
        if batch.is_empty() {
            return Ok(0);
        }
        let mut tx = self.pools().begin().await?;
        let mut conn = tx.conn();
        let mut current = Vec::with_capacity(batch.len());
        let mut base_verdicts = Vec::with_capacity(batch.len());
        let mut confirmed = Vec::with_capacity(batch.len());
        for row in batch {
            // The row lock keeps a concurrent re-submission out until commit where writers run in
            // parallel (PostgreSQL).
            match applications::version_for_update(&mut conn, &row.tenant, &row.id).await? {
                Some((version, base_verdict, decision)) if version == row.version => {
                    index::delete(&mut conn, &row.tenant, &row.id).await?;
                    base_verdicts.push(base_verdict);
                    confirmed.push(decision == "rejected");
                    current.push(row);
                }
                _ => {}
            }
        }
        let current: Vec<Indexed<'_>> = current
            .into_iter()
            .zip(&base_verdicts)
            .map(|(row, base_verdict)| Indexed {
                application_id: &row.id,
                tenant: &row.tenant,
                identifiers: &row.identifiers,
                base_verdict,
            })
            .collect();
        index::insert(&mut conn, &current).await?;
        for (row, _) in current.iter().zip(&confirmed).filter(|(_, c)| **c) {
            index::mark_confirmed(&mut conn, row.tenant, row.application_id).await?;
        }
        let marker = index_marker(self.keys());
        for row in &current {
            conn.execute(
                "update applications set indexed_with = $1 where tenant_id = $2 and id = $3",
                &[
                    marker.as_str().into(),
                    row.tenant.into(),
                    row.application_id.into(),
                ],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(current.len())
    }

    /// Applications whose index rows are not current: what a re-index still has to do.
    pub async fn stale_index_count(&self) -> Result<u64, StoreError> {
        let marker = index_marker(self.keys());
        let mut lease = self.pools().acquire(Role::Read).await?;
        let count: i64 = lease
            .conn()
            .scalar(
                "select count(*) from applications where indexed_with <> $1 \
                 and indexed_with <> 'fraud-marker'",
                &[marker.as_str().into()],
            )
            .await?;
        Ok(count.max(0) as u64)
    }

    /// Marks every application's rows as not current, so that the next re-index rebuilds all
    /// (`vetgate reindex --force`).
    pub async fn mark_index_stale(&self) -> Result<(), StoreError> {
        let mut lease = self.pools().acquire(Role::Write).await?;
        lease
            .conn()
            .execute(
                "update applications set indexed_with = '' where indexed_with <> 'fraud-marker'",
                &[],
            )
            .await?;
        Ok(())
    }

    /// Marks the rows of applications stored before index markers existed as current when the
    /// store says the whole index is (a store upgraded without a change of derivation or key).
    /// Done once: the update reads the whole table, and every later row is marked by its writer.
    pub(crate) async fn init_index_markers(&self) -> Result<(), StoreError> {
        {
            let mut lease = self.pools().acquire(Role::Read).await?;
            if meta::get(&mut lease.conn(), INDEX_MARKERS_NAME)
                .await?
                .is_some()
            {
                return Ok(());
            }
        }
        let current = !self.needs_reindex().await?;
        let marker = index_marker(self.keys());
        let mut tx = self.pools().begin().await?;
        let mut conn = tx.conn();
        if current {
            conn.execute(
                "update applications set indexed_with = $1 where indexed_with = ''",
                &[marker.as_str().into()],
            )
            .await?;
        }
        // Unmarked rows of a store that needs re-indexing are stale, which is what '' says.
        meta::put(&mut conn, INDEX_MARKERS_NAME, b"1").await?;
        Ok(tx.commit().await?)
    }

    /// Queues again the applications submitted since `since`: one screened while the index was
    /// being rebuilt may have looked up rows not yet rebuilt and committed after
    /// [`Store::finish_reindex`] queued everything stored then.
    pub async fn requeue_submitted_since(&self, since: DateTime<Utc>) -> Result<(), StoreError> {
        let mut lease = self.pools().acquire(Role::Write).await?;
        Ok(rescreen::enqueue_submitted_since(
            &mut lease.conn(),
            micros(since),
            &crate::model::Cause::link(None),
            micros(Utc::now()),
        )
        .await?)
    }

    /// Records that every row now follows this build's derivation, and queues every application for
    /// re-screening: links found or lost under the new keys reach the verdicts.
    pub async fn finish_reindex(&self) -> Result<(), StoreError> {
        let mut tx = self.pools().begin().await?;
        let mut conn = tx.conn();
        rescreen::enqueue_all(
            &mut conn,
            &crate::model::Cause::link(None),
            micros(Utc::now()),
        )
        .await?;
        meta::put(
            &mut conn,
            INDEX_VERSION_NAME,
            INDEX_VERSION.to_string().as_bytes(),
        )
        .await?;
        meta::put(
            &mut conn,
            rotation::INDEX_KEY_NAME,
            self.keys().index_fingerprint().as_bytes(),
        )
        .await?;
        Ok(tx.commit().await?)
    }
}
