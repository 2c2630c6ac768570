//! Re-deriving the identifier index from the sealed applications. Index keys are versioned
//! ([`INDEX_VERSION`]); a store whose recorded version is older (a new normaliser, a new kind of
//! identifier, later a key rotation) has every application's rows rebuilt in batches, each batch in
//! one transaction, without touching the applications or their verdicts. An application
//! re-submitted meanwhile is skipped: the writer indexed it with the current derivation already.
//! Rebuilding twice gives the same rows, so an interrupted run is simply run again.

use chrono::{DateTime, Utc};

use super::{Store, StoreError, micros};
use crate::identifiers::{INDEX_VERSION, Identifiers};

/// `store_meta` row holding the index version the rows were written with (ASCII digits).
const INDEX_VERSION_NAME: &str = "index_version";

/// Version of a store whose rows predate the versioning.
const UNVERSIONED: i64 = 1;

#[derive(sqlx::FromRow)]
pub(crate) struct StoredRow {
    id: String,
    tenant_id: String,
    version: i64,
    received_at: i64,
    application_enc: Vec<u8>,
}

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
        let backend = &self.inner.backend;
        match backend.meta(INDEX_VERSION_NAME).await? {
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
        let backend = &self.inner.backend;
        if backend.meta(INDEX_VERSION_NAME).await?.is_some() {
            return Ok(());
        }
        let version = if backend.application_count().await? == 0 {
            INDEX_VERSION
        } else {
            UNVERSIONED
        };
        Ok(backend
            .put_meta(INDEX_VERSION_NAME, version.to_string().as_bytes())
            .await?)
    }

    /// Whether the index must be rebuilt before it matches this build's derivation.
    pub async fn needs_reindex(&self) -> Result<bool, StoreError> {
        Ok(self.index_version().await? < INDEX_VERSION)
    }

    /// Applications stored, for progress.
    pub async fn application_count(&self) -> Result<u64, StoreError> {
        Ok(self.inner.backend.application_count().await?.max(0) as u64)
    }

    /// Up to `limit` stored applications with ids after `after`, in id order, decrypted.
    pub async fn reindex_page(
        &self,
        after: &str,
        limit: i64,
    ) -> Result<Vec<ReindexSource>, StoreError> {
        let rows = self.inner.backend.applications_after(after, limit).await?;
        rows.into_iter()
            .map(|row| {
                Ok(ReindexSource {
                    application_json: self.inner.keys.open(&row.application_enc)?,
                    received_at: DateTime::from_timestamp_micros(row.received_at)
                        .ok_or_else(|| StoreError::Corrupt("received_at out of range".into()))?,
                    id: row.id,
                    tenant: row.tenant_id,
                    version: row.version,
                })
            })
            .collect()
    }

    /// Replaces the index rows of a batch in one transaction; returns how many were replaced.
    pub async fn replace_identifiers(&self, batch: &[Reindexed]) -> Result<usize, StoreError> {
        if batch.is_empty() {
            return Ok(0);
        }
        Ok(self.inner.backend.replace_identifiers(batch).await?)
    }

    /// Records that every row now follows this build's derivation, and queues every application for
    /// re-screening: links found or lost under the new keys reach the verdicts.
    pub async fn finish_reindex(&self) -> Result<(), StoreError> {
        let backend = &self.inner.backend;
        backend
            .enqueue_all_rescreens("links", micros(Utc::now()))
            .await?;
        Ok(backend
            .put_meta(INDEX_VERSION_NAME, INDEX_VERSION.to_string().as_bytes())
            .await?)
    }
}
