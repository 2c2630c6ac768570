//! Sanctions list versions and the re-screen queue.
//!
//! A list load is one transaction: the new version (normalised entries, sealed), the pruning of old
//! versions, and a re-screen request for every application the list can screen. Instances learn of
//! it by polling [`Store::newest_list_seq`]; the queue holds each request until an instance that has
//! loaded the new version stores the new verdict, so a crash never loses one.

use chrono::{DateTime, Utc};

use super::{Store, StoreError, TenantId, micros};
use crate::intel::sanctions::LoadedList;

/// Versions kept per list: the active one and two before it, for the status pages and rollback by
/// loading an old file again.
pub const VERSIONS_KEPT: i64 = 3;

/// Whose list a version is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListScope {
    /// Official and curated lists: every tenant is screened against them.
    Global,
    /// A tenant's own list: only its applications are screened against it.
    Tenant(TenantId),
}

impl ListScope {
    pub(crate) fn as_column(&self) -> &str {
        match self {
            ListScope::Global => "",
            ListScope::Tenant(t) => t.as_str(),
        }
    }

    fn from_column(scope: &str) -> Result<ListScope, StoreError> {
        if scope.is_empty() {
            return Ok(ListScope::Global);
        }
        TenantId::parse(scope)
            .map(ListScope::Tenant)
            .ok_or_else(|| StoreError::Corrupt(format!("bad list scope {scope:?}")))
    }
}

/// A parsed list on its way into the store.
pub struct NewListVersion {
    pub scope: ListScope,
    pub list_name: String,
    pub format: String,
    /// File name or URL it came from.
    pub source: String,
    pub content_sha256: [u8; 32],
    pub loaded_by: String,
    pub entries: i64,
    pub north_korea_entries: i64,
    pub report_json: String,
    /// The normalised entries, JSON; sealed before they are stored.
    pub entities_json: Vec<u8>,
    pub loaded_at: DateTime<Utc>,
}

/// One stored version, without its entries.
#[derive(Debug, Clone)]
pub struct ListVersionInfo {
    pub seq: i64,
    pub scope: ListScope,
    pub list_name: String,
    pub format: String,
    pub source: String,
    pub content_sha256: Vec<u8>,
    pub loaded_at: DateTime<Utc>,
    pub loaded_by: String,
    pub entries: i64,
    pub north_korea_entries: i64,
    pub report_json: String,
    /// The newest version of its list: the one screening uses.
    pub active: bool,
}

/// An active version with its entries (JSON), for building the in-memory index.
pub struct ActiveList {
    pub info: ListVersionInfo,
    pub entities_json: Vec<u8>,
}

impl ActiveList {
    /// A list that was parsed in this process rather than read from a store, as the active
    /// version `seq` of `scope`: for benchmarks and fuzz targets that screen without a database.
    pub fn in_memory(
        seq: i64,
        scope: ListScope,
        list: &LoadedList,
        loaded_at: DateTime<Utc>,
    ) -> ActiveList {
        ActiveList {
            info: ListVersionInfo {
                seq,
                scope,
                list_name: list.report.list.clone(),
                format: "memory".into(),
                source: "memory".into(),
                content_sha256: vec![0; 32],
                loaded_at,
                loaded_by: "memory".into(),
                entries: list.entities.len() as i64,
                north_korea_entries: list.report.north_korea_entries as i64,
                report_json: serde_json::to_string(&list.report)
                    .expect("a parse report serialises"),
                active: true,
            },
            entities_json: serde_json::to_vec(&list.entities).expect("entries serialise"),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ListVersionRow {
    pub seq: i64,
    pub scope: String,
    pub list_name: String,
    pub format: String,
    pub source: String,
    pub content_sha256: Vec<u8>,
    pub loaded_at: i64,
    pub loaded_by: String,
    pub entries: i64,
    pub north_korea_entries: i64,
    pub report_json: String,
    pub active: i64,
}

impl ListVersionRow {
    fn into_info(self) -> Result<ListVersionInfo, StoreError> {
        Ok(ListVersionInfo {
            seq: self.seq,
            scope: ListScope::from_column(&self.scope)?,
            list_name: self.list_name,
            format: self.format,
            source: self.source,
            content_sha256: self.content_sha256,
            loaded_at: from_micros(self.loaded_at)?,
            loaded_by: self.loaded_by,
            entries: self.entries,
            north_korea_entries: self.north_korea_entries,
            report_json: self.report_json,
            active: self.active != 0,
        })
    }
}

/// An application claimed for re-screening.
#[derive(Debug, Clone)]
pub struct RescreenClaim {
    pub tenant: TenantId,
    pub application_id: String,
    pub cause: String,
    /// The lease this claim holds; completing it only removes the request if nobody re-queued it.
    pub lease: i64,
}

/// What an instance needs to screen a stored application again.
pub struct StoredApplication {
    pub external_ref: String,
    pub received_at: DateTime<Utc>,
    pub version: i64,
    pub application_json: Vec<u8>,
    /// The current verdict document (JSON).
    pub verdict_json: Vec<u8>,
}

/// The outcome of one re-screen.
pub struct RescreenResult {
    pub claim: RescreenClaim,
    /// A new verdict to store as the next version, when it differs from the current one.
    pub new_verdict: Option<NewVerdictVersion>,
}

pub struct NewVerdictVersion {
    /// The version the new one follows; if the application changed meanwhile, nothing is written.
    pub after_version: i64,
    pub verdict: crate::model::Verdict,
    pub base_verdict: crate::model::Decision,
}

/// Re-screen requests waiting, per scope the caller may see.
#[derive(Debug, Clone, Copy, Default)]
pub struct QueueDepth {
    pub pending: i64,
}

pub(crate) fn from_micros(us: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_micros(us)
        .ok_or_else(|| StoreError::Corrupt("timestamp out of range".into()))
}

impl Store {
    /// Stores a new list version, keeps the last [`VERSIONS_KEPT`] of that list, and queues every
    /// application the list screens (all tenants for a global list, one tenant for its own).
    pub async fn add_list_version(
        &self,
        new: NewListVersion,
    ) -> Result<ListVersionInfo, StoreError> {
        let sealed = self.inner.keys.seal(&new.entities_json);
        let backend = &self.inner.backend;
        // Two loads committing at once on PostgreSQL may pick the same seq: the loser retries.
        let mut attempt = 0;
        loop {
            attempt += 1;
            match backend.add_list_version(&new, &sealed).await {
                Ok(seq) => {
                    return Ok(ListVersionInfo {
                        seq,
                        scope: new.scope.clone(),
                        list_name: new.list_name.clone(),
                        format: new.format.clone(),
                        source: new.source.clone(),
                        content_sha256: new.content_sha256.to_vec(),
                        loaded_at: new.loaded_at,
                        loaded_by: new.loaded_by.clone(),
                        entries: new.entries,
                        north_korea_entries: new.north_korea_entries,
                        report_json: new.report_json.clone(),
                        active: true,
                    });
                }
                Err(sqlx::Error::Database(db)) if db.is_unique_violation() && attempt < 5 => {
                    continue;
                }
                Err(err) => return Err(err.into()),
            }
        }
    }

    /// The newest list version's sequence number (0 when none): instances poll it.
    pub async fn newest_list_seq(&self) -> Result<i64, StoreError> {
        Ok(self.inner.backend.newest_list_seq().await?)
    }

    /// The active version of every list in every scope, with entries, for building the index.
    pub async fn active_lists(&self) -> Result<Vec<ActiveList>, StoreError> {
        let rows = self.inner.backend.active_lists().await?;
        rows.into_iter()
            .map(|(row, sealed)| {
                Ok(ActiveList {
                    info: row.into_info()?,
                    entities_json: self.open_sealed(&sealed)?,
                })
            })
            .collect()
    }

    /// The stored versions a caller may see: global lists, and a tenant's own when given.
    pub async fn list_versions(
        &self,
        tenant: Option<&TenantId>,
    ) -> Result<Vec<ListVersionInfo>, StoreError> {
        let rows = self
            .inner
            .backend
            .list_versions(tenant.map(TenantId::as_str))
            .await?;
        rows.into_iter().map(ListVersionRow::into_info).collect()
    }

    /// Re-screen requests not yet done, for one tenant or (operator) all.
    pub async fn rescreen_depth(
        &self,
        tenant: Option<&TenantId>,
    ) -> Result<QueueDepth, StoreError> {
        Ok(QueueDepth {
            pending: self
                .inner
                .backend
                .rescreen_depth(tenant.map(TenantId::as_str))
                .await?,
        })
    }

    /// Queues applications of one tenant for re-screening (links, policy changes).
    pub async fn enqueue_rescreen(
        &self,
        tenant: &TenantId,
        application_ids: &[String],
        cause: &str,
    ) -> Result<(), StoreError> {
        if application_ids.is_empty() {
            return Ok(());
        }
        Ok(self
            .inner
            .backend
            .enqueue_rescreen(tenant.as_str(), application_ids, cause, micros(Utc::now()))
            .await?)
    }

    /// Claims up to `limit` requests that an instance with lists up to `loaded_seq` may serve, for
    /// `lease` (another instance takes them over if this one dies).
    pub async fn claim_rescreens(
        &self,
        loaded_seq: i64,
        limit: i64,
        lease: std::time::Duration,
    ) -> Result<Vec<RescreenClaim>, StoreError> {
        let now = micros(Utc::now());
        let until = now + i64::try_from(lease.as_micros()).unwrap_or(i64::MAX / 2);
        let rows = self
            .inner
            .backend
            .claim_rescreens(now, until, loaded_seq, limit)
            .await?;
        rows.into_iter()
            .map(|(tenant, application_id, cause)| {
                Ok(RescreenClaim {
                    tenant: TenantId::parse(&tenant)
                        .ok_or_else(|| StoreError::Corrupt(format!("bad tenant {tenant:?}")))?,
                    application_id,
                    cause,
                    lease: until,
                })
            })
            .collect()
    }

    /// Stores the new verdict versions of a batch of re-screens and removes their requests, in one
    /// transaction.
    pub async fn complete_rescreens(
        &self,
        results: Vec<RescreenResult>,
    ) -> Result<usize, StoreError> {
        let keys = &self.inner.keys;
        let mut sealed = Vec::with_capacity(results.len());
        for result in &results {
            let body = match &result.new_verdict {
                Some(v) => Some(
                    serde_json::to_vec(&v.verdict)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                ),
                None => None,
            };
            sealed.push(body.map(|b| keys.seal(&b)));
        }
        Ok(self
            .inner
            .backend
            .complete_rescreens(&results, &sealed, micros(Utc::now()))
            .await?)
    }
}

impl super::TenantStore<'_> {
    /// One of this tenant's applications as stored, decrypted, with its current verdict.
    pub async fn stored_application(
        &self,
        id: &str,
    ) -> Result<Option<StoredApplication>, StoreError> {
        let row = self
            .store
            .inner
            .backend
            .stored_application(self.tenant.as_str(), id)
            .await?;
        let Some((external_ref, received_at, version, application_enc, verdict_enc)) = row else {
            return Ok(None);
        };
        Ok(Some(StoredApplication {
            external_ref,
            received_at: from_micros(received_at)?,
            version,
            application_json: self.store.open_sealed(&application_enc)?,
            verdict_json: self.store.open_sealed(&verdict_enc)?,
        }))
    }
}
