//! The sanctions-list service: everything about lists above the store. It owns the format
//! registry ([`ListFormat`]), loading a file as a list's new version (from the CLI, the admin API,
//! `vetgate lists update` or the curated lists bundled in the binary), and keeping this instance's
//! compiled snapshot ([`ListsHandle`], read by the facts stage) in step with the store by polling.
//!
//! Re-screening is scheduled with the version: the store queues every application a new version
//! screens in the transaction that stores it (`Store::add_list_version`), so no version is ever
//! active without its re-screens, and the queue outlives a crash.

mod format;
mod sources;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::Utc;

pub use format::{ListFormat, OFAC_FILES};
pub use sources::{
    ListLoadError, ListUpload, LoadOutcome, OfficialSources, TenantQuotas, fetch_official,
    scope_for, shrink_allowed, valid_list_name,
};

use crate::intel::lists::{ListInput, ListSet, ListSummary, Lists, ListsHandle};
use crate::intel::sanctions::curated;
use crate::intel::sanctions::model::Entity;
use crate::store::{ActiveList, ListScope, ListVersionInfo, NewListVersion, Store, StoreError};

/// Who stored the bundled curated lists; a later vetgate replaces only versions it stored itself.
pub const BUNDLED_LOADER: &str = "vetgate (bundled)";

/// The lists of one store, and the snapshot this instance screens with.
#[derive(Clone)]
pub struct ListsService {
    store: Store,
    snapshot: ListsHandle,
    quotas: TenantQuotas,
}

impl ListsService {
    pub fn new(store: Store, snapshot: ListsHandle) -> ListsService {
        ListsService {
            store,
            snapshot,
            quotas: TenantQuotas::default(),
        }
    }

    /// The same service with these tenant quotas.
    pub fn with_tenant_quotas(self, quotas: TenantQuotas) -> ListsService {
        ListsService { quotas, ..self }
    }

    pub fn tenant_quotas(&self) -> TenantQuotas {
        self.quotas
    }

    /// The compiled snapshot the facts stage screens with.
    pub fn snapshot(&self) -> &ListsHandle {
        &self.snapshot
    }

    /// Parses and stores an upload as the list's new version (which queues every application it
    /// screens for re-screening). A global list that would be empty, or lose more than half of
    /// its entries, is refused unless `force` ([`shrink_allowed`]).
    pub async fn load(
        &self,
        upload: ListUpload,
        scope: ListScope,
        loaded_by: &str,
        force: bool,
    ) -> Result<(ListVersionInfo, LoadOutcome), ListLoadError> {
        let format = upload.format;
        let source = upload.source.clone();
        let content_sha256 = upload.content_sha256();
        let list_name = upload.list_name()?;
        if let ListScope::Tenant(_) = scope
            && upload.size() > self.quotas.max_upload_bytes
        {
            return Err(ListLoadError::TooLarge {
                limit: self.quotas.max_upload_bytes,
            });
        }
        // Parsing the OFAC set takes ~0.3 s of CPU: off the async workers.
        let parsed = tokio::task::spawn_blocking(move || upload.parse())
            .await
            .map_err(|e| ListLoadError::Invalid(format!("parser task failed: {e}")))??;
        let report = &parsed.report;
        if let ListScope::Tenant(tenant) = &scope {
            // The tenant's other lists stay; this one replaces its own active version.
            let others: i64 = self
                .store
                .list_versions(Some(tenant))
                .await?
                .iter()
                .filter(|v| v.active && v.scope == scope && v.list_name != list_name)
                .map(|v| v.entries)
                .sum();
            if others + report.entries as i64 > self.quotas.max_entries as i64 {
                return Err(ListLoadError::OverQuota {
                    list: list_name,
                    entries: report.entries,
                    others,
                    limit: self.quotas.max_entries,
                });
            }
        }
        if scope == ListScope::Global && !force {
            let versions = self.store.list_versions(None).await?;
            let previous = active_global(&versions, &list_name).map_or(0, |v| v.entries);
            if !shrink_allowed(report.entries, previous) {
                return Err(ListLoadError::Shrinks {
                    list: list_name,
                    entries: report.entries,
                    previous,
                });
            }
        }
        let report_json = serde_json::to_string(&serde_json::json!({
            "unparsed_fragments": report.unparsed_fragments,
            "unmapped_countries": report.unmapped_countries,
            "free_text_notes": report.free_text_notes.len(),
        }))
        .map_err(|e| ListLoadError::Invalid(e.to_string()))?;
        let entities_json = serde_json::to_vec(&parsed.entities)
            .map_err(|e| ListLoadError::Invalid(e.to_string()))?;
        let info = self
            .store
            .add_list_version(NewListVersion {
                scope,
                list_name: list_name.clone(),
                format: format.as_str().to_owned(),
                source,
                content_sha256,
                loaded_by: loaded_by.to_owned(),
                entries: report.entries as i64,
                north_korea_entries: report.north_korea_entries as i64,
                report_json,
                entities_json,
                loaded_at: Utc::now(),
                forced: force,
            })
            .await?;
        tracing::info!(
            list = %list_name,
            seq = info.seq,
            entries = report.entries,
            north_korea = report.north_korea_entries,
            unparsed = report.unparsed_fragments.len(),
            "list version stored"
        );
        let outcome = LoadOutcome {
            list: list_name,
            seq: info.seq,
            format,
            entries: report.entries,
            north_korea_entries: report.north_korea_entries,
            unparsed_fragments: report.unparsed_fragments.len(),
            unmapped_countries: report.unmapped_countries.len(),
            unparsed_examples: report.unparsed_fragments.iter().take(5).cloned().collect(),
        };
        Ok((info, outcome))
    }

    /// Stores the curated lists shipped in the binary when the database has no version of them, or
    /// only an older bundled one. A version an operator loaded is never replaced.
    pub async fn ensure_bundled(&self) -> Result<Vec<LoadOutcome>, ListLoadError> {
        let stored = self.store.list_versions(None).await?;
        let mut outcomes = Vec::new();
        for (list_name, csv) in curated::bundled() {
            let upload = ListUpload {
                format: ListFormat::Csv,
                list_name: Some(list_name.to_owned()),
                files: vec![(format!("{list_name}.csv"), csv.as_bytes().to_vec())],
                source: format!("bundled with vetgate {}", env!("CARGO_PKG_VERSION")),
            };
            let sha = upload.content_sha256();
            let needed = match active_global(&stored, list_name) {
                None => true,
                Some(v) => v.loaded_by == BUNDLED_LOADER && v.content_sha256[..] != sha[..],
            };
            if needed {
                // The binary's own lists are what this build screens with, shrunk or not.
                let (_, outcome) = self
                    .load(upload, ListScope::Global, BUNDLED_LOADER, true)
                    .await?;
                outcomes.push(outcome);
            }
        }
        Ok(outcomes)
    }

    /// Rebuilds the snapshot when the store holds a newer version than it; returns whether it did.
    /// Only the scopes whose active versions changed are read and compiled again: one tenant's
    /// upload never rebuilds the global lists or another tenant's.
    pub async fn refresh(&self) -> Result<bool, StoreError> {
        let newest = self.store.newest_list_seq().await?;
        // An Arc, not a guard: it is held across the compile.
        let current = arc_swap::Guard::into_inner(self.snapshot.current());
        if newest == current.seq {
            return Ok(false);
        }
        let started = Instant::now();
        let mut wanted: BTreeMap<String, Vec<(String, i64)>> = BTreeMap::new();
        for info in self.store.active_list_infos().await? {
            wanted
                .entry(info.scope.as_column().to_owned())
                .or_default()
                .push((info.list_name, info.seq));
        }
        let mut changed: Vec<String> = current
            .scopes()
            .into_iter()
            .filter(|scope| !wanted.contains_key(scope))
            .collect();
        for (scope, versions) in &mut wanted {
            versions.sort();
            if current.scope_versions(scope) != *versions {
                changed.push(scope.clone());
            }
        }
        let mut inputs = BTreeMap::new();
        for scope in &changed {
            let active = if wanted.contains_key(scope) {
                let scope = ListScope::from_column(scope)?;
                self.store.active_lists_in(Some(&scope)).await?
            } else {
                Vec::new()
            };
            inputs.insert(scope.clone(), active);
        }
        let lists = tokio::task::spawn_blocking(move || -> Result<Lists, StoreError> {
            let mut compiled = BTreeMap::new();
            for (scope, active) in inputs {
                let set = (!active.is_empty())
                    .then(|| compile(active).map(ListSet::compile))
                    .transpose()?;
                compiled.insert(scope, set);
            }
            Ok(current.with_scopes(newest, compiled))
        })
        .await
        .map_err(|e| StoreError::Corrupt(format!("list index build failed: {e}")))??;
        tracing::info!(
            seq = newest,
            lists = lists.summaries(None).len(),
            tenants = lists.tenant_count(),
            compiled_scopes = changed.len(),
            version = lists.global_version().unwrap_or("none"),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "sanctions lists loaded"
        );
        self.snapshot.replace(lists);
        Ok(true)
    }

    /// Picks up versions stored by other instances or the CLI, every `every`, for as long as it
    /// runs; a failed refresh keeps the loaded lists.
    pub async fn poll(self, every: Duration) {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(err) = self.refresh().await {
                tracing::warn!(error = %err, "sanctions list refresh failed; keeping the loaded lists");
            }
        }
    }
}

/// The active version of a global list, among stored versions.
fn active_global<'a>(versions: &'a [ListVersionInfo], list: &str) -> Option<&'a ListVersionInfo> {
    versions
        .iter()
        .find(|v| v.active && v.scope == ListScope::Global && v.list_name == list)
}

/// The store's active versions as the snapshot compiles them.
fn compile(active: Vec<ActiveList>) -> Result<Vec<ListInput>, StoreError> {
    let mut inputs = Vec::with_capacity(active.len());
    for list in active {
        let info = list.info;
        let entities: Vec<Entity> = serde_json::from_slice(&list.entities_json)
            .map_err(|e| StoreError::Corrupt(format!("list {}: {e}", info.list_name)))?;
        inputs.push(ListInput {
            tenant: match info.scope {
                ListScope::Global => None,
                ListScope::Tenant(t) => Some(t.as_str().to_owned()),
            },
            summary: ListSummary {
                list: info.list_name,
                seq: info.seq,
                entries: info.entries,
                north_korea_entries: info.north_korea_entries,
                loaded_at: info.loaded_at,
            },
            entities,
        });
    }
    Ok(inputs)
}
