//! The sanctions lists this instance screens with: the newest stored version of every list, indexed
//! in memory. [`ListsHandle`] swaps whole snapshots, so a list change never half-applies; every
//! instance polls the store and rebuilds when a new version appears, so all instances behind a load
//! balancer serve the same versions within one poll interval.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use arc_swap::ArcSwap;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::sanctions::matcher::{Index, Match, Query};
use super::sanctions::model::Entity;
use crate::store::{ActiveList, ListScope, StoreError};

/// One scope's lists (global, or one tenant's own), indexed.
pub struct ListSet {
    pub index: Index,
    pub lists: Vec<ListSummary>,
}

/// What the status pages show about an active list.
#[derive(Debug, Clone, Serialize)]
pub struct ListSummary {
    pub list: String,
    pub seq: i64,
    pub entries: i64,
    pub north_korea_entries: i64,
    #[serde(serialize_with = "rfc3339")]
    pub loaded_at: DateTime<Utc>,
}

fn rfc3339<S: serde::Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// Every active list of every scope.
#[derive(Default)]
pub struct Lists {
    /// The newest version number this snapshot includes.
    pub seq: i64,
    global: Option<ListSet>,
    tenants: HashMap<String, ListSet>,
    global_version: Option<String>,
    tenant_versions: HashMap<String, String>,
}

/// One tenant's view: the global lists and its own.
pub struct TenantLists<'a> {
    global: Option<&'a ListSet>,
    own: Option<&'a ListSet>,
    version: Option<&'a str>,
}

/// A scored entry with the list set it came from.
pub struct ListMatch<'a> {
    pub entity: &'a Entity,
    pub found: Match,
    /// From the tenant's own lists.
    pub own_list: bool,
}

/// `2026-11-27T10:15:00Z-3f9c2a`: the newest load time and a digest of which versions are active.
fn version_label(lists: &[&ListSummary]) -> Option<String> {
    let newest = lists.iter().map(|l| l.loaded_at).max()?;
    let mut digest = Sha256::new();
    let mut parts: Vec<(&str, i64)> = lists.iter().map(|l| (l.list.as_str(), l.seq)).collect();
    parts.sort();
    for (list, seq) in parts {
        digest.update(format!("{list}:{seq};").as_bytes());
    }
    let hex = hex::encode(digest.finalize());
    Some(format!(
        "{}-{}",
        newest.to_rfc3339_opts(SecondsFormat::Secs, true),
        &hex[..6]
    ))
}

impl Lists {
    /// Builds the snapshot from the store's active versions. CPU-bound (~0.2 s for OFAC + UN): run
    /// it off the async workers.
    pub fn build(seq: i64, active: Vec<ActiveList>) -> Result<Lists, StoreError> {
        let mut scopes: BTreeMap<String, (Vec<Entity>, Vec<ListSummary>)> = BTreeMap::new();
        for list in active {
            let entities: Vec<Entity> = serde_json::from_slice(&list.entities_json)
                .map_err(|e| StoreError::Corrupt(format!("list {}: {e}", list.info.list_name)))?;
            let scope = match &list.info.scope {
                ListScope::Global => String::new(),
                ListScope::Tenant(t) => t.as_str().to_owned(),
            };
            let slot = scopes.entry(scope).or_default();
            slot.0.extend(entities);
            slot.1.push(ListSummary {
                list: list.info.list_name.clone(),
                seq: list.info.seq,
                entries: list.info.entries,
                north_korea_entries: list.info.north_korea_entries,
                loaded_at: list.info.loaded_at,
            });
        }
        let mut snapshot = Lists {
            seq,
            ..Lists::default()
        };
        for (scope, (entities, lists)) in scopes {
            let set = ListSet {
                index: Index::build(entities),
                lists,
            };
            if scope.is_empty() {
                snapshot.global = Some(set);
            } else {
                snapshot.tenants.insert(scope, set);
            }
        }
        let global: Vec<&ListSummary> = snapshot.global.iter().flat_map(|s| &s.lists).collect();
        snapshot.global_version = version_label(&global);
        for (tenant, set) in &snapshot.tenants {
            let all: Vec<&ListSummary> = global.iter().copied().chain(&set.lists).collect();
            if let Some(label) = version_label(&all) {
                snapshot.tenant_versions.insert(tenant.clone(), label);
            }
        }
        Ok(snapshot)
    }

    pub fn for_tenant(&self, tenant: &str) -> TenantLists<'_> {
        TenantLists {
            global: self.global.as_ref(),
            own: self.tenants.get(tenant),
            version: self
                .tenant_versions
                .get(tenant)
                .or(self.global_version.as_ref())
                .map(String::as_str),
        }
    }

    /// The active global lists, and the tenant's own when given.
    pub fn summaries(&self, tenant: Option<&str>) -> Vec<ListSummary> {
        let mut out: Vec<ListSummary> = self
            .global
            .iter()
            .flat_map(|s| s.lists.iter().cloned())
            .collect();
        if let Some(own) = tenant.and_then(|t| self.tenants.get(t)) {
            out.extend(own.lists.iter().cloned());
        }
        out
    }
}

impl TenantLists<'_> {
    pub fn version(&self) -> Option<&str> {
        self.version
    }

    /// The global set, then the tenant's own (`true`).
    pub fn sets(&self) -> impl Iterator<Item = (&ListSet, bool)> {
        self.global
            .map(|s| (s, false))
            .into_iter()
            .chain(self.own.map(|s| (s, true)))
    }

    /// Best entries of all the tenant's lists for a query, best first.
    pub fn search(&self, query: &Query) -> Vec<ListMatch<'_>> {
        let mut out: Vec<ListMatch<'_>> = self
            .sets()
            .flat_map(|(set, own_list)| {
                set.index
                    .search(query)
                    .into_iter()
                    .map(move |found| ListMatch {
                        entity: set.index.entity(found.entity),
                        found,
                        own_list,
                    })
            })
            .collect();
        out.sort_by(|a, b| query.rank(&b.found).total_cmp(&query.rank(&a.found)));
        out.truncate(query.limit);
        out
    }
}

/// The live snapshot, shared by every worker.
#[derive(Clone, Default)]
pub struct ListsHandle {
    current: Arc<ArcSwap<Lists>>,
}

impl ListsHandle {
    pub fn current(&self) -> arc_swap::Guard<Arc<Lists>> {
        self.current.load()
    }

    pub fn replace(&self, lists: Lists) {
        self.current.store(Arc::new(lists));
    }

    /// Rebuilds from the store when it holds a newer version than the snapshot; returns whether it
    /// did.
    pub async fn refresh(&self, store: &crate::store::Store) -> Result<bool, StoreError> {
        let newest = store.newest_list_seq().await?;
        if newest == self.current().seq {
            return Ok(false);
        }
        let started = std::time::Instant::now();
        let active = store.active_lists().await?;
        let lists = tokio::task::spawn_blocking(move || Lists::build(newest, active))
            .await
            .map_err(|e| StoreError::Corrupt(format!("list index build failed: {e}")))??;
        tracing::info!(
            seq = newest,
            lists = lists.summaries(None).len(),
            tenants = lists.tenants.len(),
            version = lists.global_version.as_deref().unwrap_or("none"),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "sanctions lists loaded"
        );
        self.replace(lists);
        Ok(true)
    }
}
