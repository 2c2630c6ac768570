//! The facts stage: everything the checks need beyond the application, gathered in one place. It
//! reads the intelligence snapshots (IP databases, compiled sanctions lists) and, in one round
//! trip, what the store's identifier index knows about the application's identifiers; then it
//! turns both into [`Facts`]. Checks never reach further than what this stage hands them.
//!
//! [`gather`](FactsStage::gather) is the whole stage; [`assemble`] is its pure half (no I/O), for
//! callers that already hold what the store said (the fuzz target, the benches).

pub mod allow;
pub mod links;
pub mod sanctions;

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::checks::Facts;
use crate::checks::links::Cluster;
use crate::identifiers::{self, Identifiers};
use crate::intel::IntelHandle;
use crate::intel::lists::{ListsHandle, TenantLists};
use crate::model::{Application, IpFacts};
use crate::store::{CLUSTER_COUNT_MAX, PriorKnowledge, StoreError, TenantId, TenantStore};

/// When the application arrived, which decides the "now" of time-dependent checks.
#[derive(Debug, Clone, Copy)]
pub enum Arrival {
    /// Submitted now. Without `submitted_at`, a re-submission under a known reference is judged
    /// as of when that reference first arrived (the store says when).
    New(DateTime<Utc>),
    /// Stored earlier and screened again (a list changed, a link appeared).
    Stored(DateTime<Utc>),
}

/// Limits of the link and reuse facts.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest Hamming distance at which two portraits count as the same face.
    pub portrait_max_distance: u32,
    /// Cluster sizes above this raise `LNK_CLUSTER_LARGE` (`VETGATE_LINKS_CLUSTER_MAX`).
    pub cluster_max: usize,
}

/// The stage as configured: the snapshots it reads and whose index rows it may see.
#[derive(Clone)]
pub struct FactsStage {
    pub intel: IntelHandle,
    pub lists: ListsHandle,
    /// Tenants whose reuse lookups see each other (`VETGATE_SHARED_TENANTS`).
    pub sharing_tenants: Arc<Vec<TenantId>>,
    pub limits: Limits,
    /// Each tenant's effective policy and allow entries.
    pub tenants: crate::tenants::TenantSettings,
}

/// What the stage gathered about one application.
pub struct Gathered {
    pub facts: Facts,
    /// The keyed identifiers to index the application under.
    pub identifiers: Identifiers,
    /// What the index returned for them.
    pub known: PriorKnowledge,
}

impl Gathered {
    /// The caller's applications of other identities to screen again once this one is stored
    /// ([`links::linked_applications`]); only a new submission asks.
    pub fn linked_applications(&self) -> Vec<String> {
        links::linked_applications(&self.identifiers, &self.known)
    }
}

impl FactsStage {
    /// What the IP databases say about each of the application's sessions, in order.
    pub fn sessions(&self, app: &Application) -> Vec<IpFacts> {
        let intel = self.intel.current();
        app.sessions.iter().map(|s| intel.lookup(s.ip)).collect()
    }

    /// Gathers the facts of one application of `store`'s tenant filed under `external_ref`.
    pub async fn gather(
        &self,
        store: &TenantStore<'_>,
        app: &Application,
        external_ref: &str,
        arrival: Arrival,
    ) -> Result<Gathered, StoreError> {
        let sessions = self.sessions(app);
        let (received_at, new) = match arrival {
            Arrival::New(at) => (at, true),
            Arrival::Stored(at) => (at, false),
        };
        let keys = store.keys();
        let mut ids = identifiers::of(
            app,
            &sessions,
            app.submitted_at.unwrap_or(received_at),
            keys,
        );
        // The tenant's allow entries: what they cover, and the keys the index is not asked about.
        let (allow, suppressed) = match self.tenants.allow_for(store.tenant_id()) {
            Some(set) => set.apply(app, &sessions, &ids, keys),
            None => Default::default(),
        };
        let filtered;
        let lookup_ids = if suppressed.is_empty() {
            &ids
        } else {
            filtered = allow::without_probes(&ids, &suppressed);
            &filtered
        };
        let mut known = store
            .prior_knowledge(
                external_ref,
                lookup_ids,
                &self.sharing_tenants,
                new && app.submitted_at.is_none(),
            )
            .await?;
        if let Some(previous) = keys.previous() {
            // A key rotation: rows not rebuilt yet carry keys derived with the previous key.
            let old_ids = identifiers::of(
                app,
                &sessions,
                app.submitted_at.unwrap_or(received_at),
                previous,
            );
            let old = store
                .prior_knowledge(external_ref, &old_ids, &self.sharing_tenants, false)
                .await?;
            known.merge_previous_key(old, &ids, &old_ids);
        }
        let first_received = match (new, &known.prior) {
            (true, Some((_, first))) => *first,
            _ => received_at,
        };
        if app.submitted_at.is_none() && first_received != received_at {
            // A re-submission without `submitted_at`: its sessions without a time were seen when it
            // first arrived (the keys, and so the lookup, are the same).
            ids.redate_residential(app, &sessions, first_received, keys);
        }
        let lists = self.lists.current();
        let mut facts = assemble(
            app,
            sessions,
            &ids,
            &known,
            &lists.for_tenant(store.tenant_id().as_str()),
            first_received,
            self.limits,
        );
        facts.allow = allow;
        facts.idv = crate::store::idv::open_latest(keys, known.idv.take())?
            .map(|(vendor, result)| crate::checks::IdvFacts { vendor, result });
        Ok(Gathered {
            facts,
            identifiers: ids,
            known,
        })
    }
}

/// The pure half of the stage: facts from the sessions' IP facts, the application's identifiers,
/// what the index returned for them and the tenant's view of the lists.
pub fn assemble(
    app: &Application,
    sessions: Vec<IpFacts>,
    ids: &Identifiers,
    known: &PriorKnowledge,
    lists: &TenantLists<'_>,
    first_received: DateTime<Utc>,
    limits: Limits,
) -> Facts {
    let mut facts = Facts::new(app, first_received);
    facts.reuse = links::reuse_facts(ids, known, limits.portrait_max_distance);
    facts.links = links::link_facts(ids, known);
    facts.cluster = known.cluster.map(|others| Cluster {
        size: others + 1,
        max: limits.cluster_max,
        at_least: others as i64 >= CLUSTER_COUNT_MAX,
    });
    facts.sessions = sessions;
    facts.sanctions = sanctions::screen(lists, app, facts.holder_is_applicant());
    facts
}
