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

impl ListSet {
    /// Indexes one scope's active lists. CPU-bound.
    pub fn compile(inputs: Vec<ListInput>) -> ListSet {
        let mut entities = Vec::new();
        let mut lists = Vec::with_capacity(inputs.len());
        for input in inputs {
            entities.extend(input.entities);
            lists.push(input.summary);
        }
        ListSet {
            index: Index::build(entities),
            lists,
        }
    }
}

/// How much of the lists one part of a snapshot holds.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Footprint {
    pub entries: u64,
    /// Approximate heap bytes of the index and its entries.
    pub bytes: u64,
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

/// Every active list of every scope. Each scope's set is shared between snapshots: a new version of
/// one tenant's list compiles that tenant's set alone ([`Lists::with_scopes`]).
#[derive(Default)]
pub struct Lists {
    /// The newest version number this snapshot includes.
    pub seq: i64,
    global: Option<Arc<ListSet>>,
    tenants: HashMap<String, Arc<ListSet>>,
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
        let mut scopes: BTreeMap<String, Vec<ListInput>> = BTreeMap::new();
        for input in inputs {
            scopes
                .entry(input.tenant.clone().unwrap_or_default())
                .or_default()
                .push(input);
        }
        let compiled = scopes
            .into_iter()
            .map(|(scope, inputs)| (scope, Some(ListSet::compile(inputs))))
            .collect();
        Lists::default().with_scopes(seq, compiled)
    }

    /// This snapshot with some scopes replaced (`""`: the global one; `None`: the scope has no
    /// list any more), every other scope's set shared as it is.
    pub fn with_scopes(&self, seq: i64, replaced: BTreeMap<String, Option<ListSet>>) -> Lists {
        let mut global = self.global.clone();
        let mut tenants = self.tenants.clone();
        for (scope, set) in replaced {
            let set = set.map(Arc::new);
            if scope.is_empty() {
                global = set;
            } else {
                match set {
                    Some(set) => tenants.insert(scope, set),
                    None => tenants.remove(&scope),
                };
            }
        }
        let mut snapshot = Lists {
            seq,
            global,
            tenants,
            ..Lists::default()
        };
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

    /// The (list, version) pairs a scope's set holds, sorted (`""`: global): what a refresh
    /// compares to decide whether the scope must be compiled again.
    pub fn scope_versions(&self, scope: &str) -> Vec<(String, i64)> {
        let set = if scope.is_empty() {
            self.global.as_deref()
        } else {
            self.tenants.get(scope).map(Arc::as_ref)
        };
        let mut versions: Vec<(String, i64)> = set
            .into_iter()
            .flat_map(|s| s.lists.iter().map(|l| (l.list.clone(), l.seq)))
            .collect();
        versions.sort();
        versions
    }

    /// The scopes with lists (`""`: global).
    pub fn scopes(&self) -> Vec<String> {
        self.global
            .iter()
            .map(|_| String::new())
            .chain(self.tenants.keys().cloned())
            .collect()
    }

    /// Entries and approximate index memory of the global set and of all tenants' sets together.
    pub fn footprint(&self) -> (Footprint, Footprint) {
        let of = |sets: &mut dyn Iterator<Item = &ListSet>| {
            sets.fold(Footprint::default(), |acc, set| Footprint {
                entries: acc.entries + set.index.len() as u64,
                bytes: acc.bytes + set.index.approx_bytes() as u64,
            })
        };
        (
            of(&mut self.global.iter().map(Arc::as_ref)),
            of(&mut self.tenants.values().map(Arc::as_ref)),
        )
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
            global: self.global.as_deref(),
            own: self.tenants.get(tenant).map(Arc::as_ref),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intel::sanctions::model::{Entity, EntityKind};

    fn input(tenant: Option<&str>, list: &str, seq: i64, names: &[&str]) -> ListInput {
        ListInput {
            tenant: tenant.map(str::to_owned),
            summary: ListSummary {
                list: list.into(),
                seq,
                entries: names.len() as i64,
                north_korea_entries: 0,
                loaded_at: "2026-12-01T00:00:00Z".parse().unwrap(),
            },
            entities: names
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    Entity::new(format!("{list}-{i}"), list, EntityKind::Person, *name)
                })
                .collect(),
        }
    }

    #[test]
    fn replacing_one_tenants_lists_shares_every_other_scope_as_it_was() {
        let before = Lists::build(
            3,
            vec![
                input(None, "OFAC-SDN", 1, &["Pak Jin Hyok"]),
                input(Some("acme"), "ACME", 2, &["Quentin Vandersloot"]),
                input(Some("globex"), "GLOBEX", 3, &["Peregrine Thistlewood"]),
            ],
        );
        let mut replaced = BTreeMap::new();
        replaced.insert(
            "acme".to_owned(),
            Some(ListSet::compile(vec![input(
                Some("acme"),
                "ACME",
                4,
                &["Ada Quill", "Bo Quill"],
            )])),
        );
        let after = before.with_scopes(4, replaced);
        assert!(Arc::ptr_eq(
            before.global.as_ref().unwrap(),
            after.global.as_ref().unwrap()
        ));
        assert!(Arc::ptr_eq(
            &before.tenants["globex"],
            &after.tenants["globex"]
        ));
        assert!(!Arc::ptr_eq(
            &before.tenants["acme"],
            &after.tenants["acme"]
        ));
        assert_eq!(after.scope_versions("acme"), [("ACME".to_owned(), 4)]);
        assert_eq!(after.scope_versions(""), [("OFAC-SDN".to_owned(), 1)]);
        let (global, tenants) = after.footprint();
        assert_eq!((global.entries, tenants.entries), (1, 3));
        assert!(tenants.bytes > global.bytes);
        // The version labels follow: acme's changed, globex's did not.
        assert_ne!(
            before.tenant_versions["acme"],
            after.tenant_versions["acme"]
        );
        assert_eq!(
            before.tenant_versions["globex"],
            after.tenant_versions["globex"]
        );
        // A scope without lists any more goes.
        let mut gone = BTreeMap::new();
        gone.insert("globex".to_owned(), None);
        assert_eq!(after.with_scopes(5, gone).tenant_count(), 1);
    }
}
