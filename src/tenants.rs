//! Per-tenant settings as this instance screens with them: each tenant's effective policy (the
//! operator's with the tenant's override laid over it) and its allow entries, in one snapshot that
//! the hot path reads without a lock. Another instance's change reaches this one when it polls the
//! store's change log (`Store::newest_tenant_settings_seq`), every `VETGATE_LISTS_POLL_SECONDS`;
//! the re-screen worker refreshes before each batch, so a re-screen a change queued never runs
//! with the settings from before it. See docs/policy.md.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;

use crate::facts::allow::AllowSet;
use crate::policy::Policy;
use crate::store::{Store, StoreError, TenantId};

/// What one snapshot holds: only tenants with an override or allow entries are in the maps.
#[derive(Default)]
struct Snapshot {
    /// The newest change this snapshot includes.
    seq: i64,
    policies: HashMap<String, Arc<Policy>>,
    allow: HashMap<String, Arc<AllowSet>>,
}

/// This instance's snapshot of every tenant's settings, shared by the screener and the API.
#[derive(Clone)]
pub struct TenantSettings {
    operator: Arc<Policy>,
    snapshot: Arc<ArcSwap<Snapshot>>,
    /// One refresh at a time (the poller, the re-screen worker and the API all call it).
    refreshing: Arc<tokio::sync::Mutex<()>>,
}

impl TenantSettings {
    /// No tenant settings loaded yet: every tenant screens with `operator`.
    pub fn new(operator: Arc<Policy>) -> TenantSettings {
        TenantSettings {
            operator,
            snapshot: Arc::new(ArcSwap::from_pointee(Snapshot::default())),
            refreshing: Arc::new(tokio::sync::Mutex::new(())),
        }
    }

    /// The operator's policy (built-in ← `VETGATE_POLICY`).
    pub fn operator_policy(&self) -> &Arc<Policy> {
        &self.operator
    }

    /// The policy `tenant`'s applications are scored with.
    pub fn policy_for(&self, tenant: &TenantId) -> Arc<Policy> {
        self.snapshot
            .load()
            .policies
            .get(tenant.as_str())
            .cloned()
            .unwrap_or_else(|| self.operator.clone())
    }

    /// `tenant`'s allow entries, when it has any.
    pub fn allow_for(&self, tenant: &TenantId) -> Option<Arc<AllowSet>> {
        self.snapshot.load().allow.get(tenant.as_str()).cloned()
    }

    /// The effective policy of an override text: the operator's with it laid over.
    pub fn effective(&self, toml: Option<&str>) -> Result<Policy, crate::policy::PolicyError> {
        match toml {
            Some(text) => self.operator.with_override(text),
            None => Ok((*self.operator).clone()),
        }
    }

    /// Reloads the tenants whose settings changed since the snapshot; returns whether any did.
    pub async fn refresh(&self, store: &Store) -> Result<bool, StoreError> {
        let _one = self.refreshing.lock().await;
        let newest = store.newest_tenant_settings_seq().await?;
        let current = self.snapshot.load_full();
        if newest == current.seq {
            return Ok(false);
        }
        let changed = store.tenants_changed_since(current.seq).await?;
        let mut policies = current.policies.clone();
        let mut allow = current.allow.clone();
        for tenant in &changed {
            let tenant_store = store.tenant(tenant);
            let name = tenant.as_str().to_owned();
            let text = tenant_store.policy_override().await?.and_then(|o| o.toml);
            match text.as_deref().map(|t| self.operator.with_override(t)) {
                Some(Ok(policy)) => {
                    policies.insert(name.clone(), Arc::new(policy));
                }
                Some(Err(err)) => {
                    // Valid when stored; the operator's file changed under it since.
                    tracing::warn!(tenant = %name, error = %err, "a tenant's policy override does not apply to the operator's policy; the operator's is used");
                    policies.remove(&name);
                }
                None => {
                    policies.remove(&name);
                }
            }
            let rows = tenant_store.allow_entries().await?;
            if rows.is_empty() {
                allow.remove(&name);
            } else {
                allow.insert(name, Arc::new(AllowSet::from_rows(&rows)));
            }
        }
        tracing::info!(
            seq = newest,
            tenants = changed.len(),
            "tenant policies and allow entries loaded"
        );
        self.snapshot.store(Arc::new(Snapshot {
            seq: newest,
            policies,
            allow,
        }));
        Ok(true)
    }

    /// Picks up changes other instances stored, every `every`, for as long as it runs; a failed
    /// refresh keeps the loaded settings.
    pub async fn poll(self, store: Store, every: Duration) {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(err) = self.refresh(&store).await {
                tracing::warn!(error = %err, "tenant settings refresh failed; keeping the loaded ones");
            }
        }
    }
}
