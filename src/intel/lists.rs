//! The sanctions lists this instance screens with, compiled: the active version of every list,
//! indexed in memory. [`ListsHandle`] swaps whole snapshots, so a list change never half-applies.
//! Which versions are active, and when to rebuild, is the lists service's business (`crate::lists`).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use arc_swap::ArcSwap;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::sanctions::LoadedList;
use super::sanctions::matcher::{Index, Match, Query};
use super::sanctions::model::Entity;

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

/// One active list version, as the snapshot compiles it.
pub struct ListInput {
    /// The tenant whose own list it is; `None` for a global list.
    pub tenant: Option<String>,
    pub summary: ListSummary,
    pub entities: Vec<Entity>,
}

impl ListInput {
    /// A list parsed in this process as the active version `seq`: for benchmarks and fuzz targets
    /// that screen without a database.
    pub fn from_loaded(
        seq: i64,
        tenant: Option<&str>,
        list: LoadedList,
        loaded_at: DateTime<Utc>,
    ) -> ListInput {
        ListInput {
            tenant: tenant.map(str::to_owned),
            summary: ListSummary {
                list: list.report.list.clone(),
                seq,
                entries: list.entities.len() as i64,
                north_korea_entries: list.report.north_korea_entries as i64,
                loaded_at,
            },
            entities: list.entities,
        }
    }
}

impl Lists {
    /// Compiles the snapshot of the active versions, `seq` being the newest. CPU-bound (~0.2 s for
    /// OFAC + UN): run it off the async workers.
    pub fn build(seq: i64, inputs: Vec<ListInput>) -> Lists {
        let mut scopes: BTreeMap<String, (Vec<Entity>, Vec<ListSummary>)> = BTreeMap::new();
        for input in inputs {
            let slot = scopes.entry(input.tenant.unwrap_or_default()).or_default();
            slot.0.extend(input.entities);
            slot.1.push(input.summary);
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
        snapshot
    }

    /// Tenants with lists of their own.
    pub fn tenant_count(&self) -> usize {
        self.tenants.len()
    }

    /// The global lists' version label, when any is active.
    pub fn global_version(&self) -> Option<&str> {
        self.global_version.as_deref()
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
}
