//! The pipeline every way in shares (HTTP, `vetgate screen`): application → what the store already
//! knows (one round trip) → checks → policy → verdict → store.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};

use crate::checks::{self, Facts, Reuse, ReuseKind};
use crate::identifiers::{self, IdentifierKind, Identifiers};
use crate::intel::IntelHandle;
use crate::metrics::Metrics;
use crate::model::{Application, Decision, Verdict};
use crate::policy::Policy;
use crate::store::{
    IdempotencyKey, Owner, PriorKnowledge, StoreError, Submission, SubmitOutcome, TenantId,
    TenantStore,
};

/// Scores one application. Pure: the same application, facts and policy give the same verdict.
pub fn assess(
    app: &Application,
    facts: &Facts,
    policy: &Policy,
    screened_at: DateTime<Utc>,
) -> Verdict {
    let scored = policy.score(checks::run(app, facts));
    Verdict {
        id: String::new(),
        external_ref: app.external_ref.clone(),
        verdict: scored.decision,
        risk_score: scored.risk_score,
        signals: scored.signals,
        sanctions_matches: Vec::new(),
        policy_version: policy.version().to_owned(),
        lists_version: None,
        screened_at,
        review: None,
    }
}

/// Turns index hits into reuse facts: only applications presenting another identity (another
/// name, or another date of birth where both are known) count, perceptual-hash candidates only
/// within `max_distance` bits, and each application once per identifier family however many of its
/// keys matched.
pub fn reuse_facts(ids: &Identifiers, known: &PriorKnowledge, max_distance: u32) -> Vec<Reuse> {
    #[derive(Default)]
    struct Group {
        exact: bool,
        closest: Option<u32>,
        own: BTreeMap<String, Decision>,
        foreign: BTreeSet<(u64, u64)>,
        rejected: bool,
    }
    let (mut document, mut portrait) = (Group::default(), Group::default());
    for hit in &known.shared_identifiers {
        let other_identity = hit.name_key[..] != ids.name_key[..]
            || matches!((&hit.dob_key, &ids.dob_key), (Some(a), Some(b)) if a[..] != b[..]);
        if !other_identity {
            continue;
        }
        let group = match hit.kind {
            IdentifierKind::DocumentNumber => &mut document,
            IdentifierKind::PortraitDigest => {
                portrait.exact = true;
                &mut portrait
            }
            IdentifierKind::PortraitBlock => {
                let (Some(mine), Some(theirs)) = (ids.phash, hit.phash) else {
                    continue;
                };
                let distance = (mine ^ theirs).count_ones();
                if distance > max_distance {
                    continue;
                }
                portrait.closest = Some(portrait.closest.map_or(distance, |d| d.min(distance)));
                &mut portrait
            }
        };
        group.rejected |= hit.verdict == Decision::Reject;
        match &hit.owner {
            Owner::SameTenant(id) => {
                group.own.insert(id.clone(), hit.verdict);
            }
            Owner::OtherTenant {
                tenant,
                application,
            } => {
                group.foreign.insert((*tenant, *application));
            }
        }
    }
    let portrait_kind = match portrait.closest {
        Some(distance) if !portrait.exact => ReuseKind::PortraitSimilar { distance },
        _ => ReuseKind::PortraitDigest,
    };
    [
        (document, ReuseKind::DocumentNumber),
        (portrait, portrait_kind),
    ]
    .into_iter()
    .filter(|(group, _)| !group.own.is_empty() || !group.foreign.is_empty())
    .map(|(group, kind)| Reuse {
        kind,
        other_tenants: group
            .foreign
            .iter()
            .map(|(tenant, _)| tenant)
            .collect::<BTreeSet<_>>()
            .len(),
        other_tenant_applications: group.foreign.len(),
        same_tenant: group.own.into_iter().collect(),
        any_rejected: group.rejected,
        incomplete: known.truncated,
    })
    .collect()
}

#[derive(Clone)]
pub struct Screener {
    pub policy: Arc<Policy>,
    pub metrics: Arc<Metrics>,
    /// Tenants whose reuse lookups see each other (`VETGATE_SHARED_TENANTS`).
    pub sharing_tenants: Arc<Vec<TenantId>>,
    /// Largest Hamming distance at which two portraits count as the same face.
    pub portrait_max_distance: u32,
    pub intel: IntelHandle,
}

impl Screener {
    /// Screens an application and stores it with its verdict.
    pub async fn screen_and_store(
        &self,
        store: &TenantStore<'_>,
        app: &Application,
        canonical_json: Vec<u8>,
        idempotency: Option<IdempotencyKey>,
    ) -> Result<SubmitOutcome, StoreError> {
        let received_at = Utc::now();
        let ids = identifiers::of(app, store.keys());
        let known = store
            .prior_knowledge(
                &app.external_ref,
                &ids.probes,
                &self.sharing_tenants,
                app.submitted_at.is_none(),
            )
            .await?;

        let started = Instant::now();
        let mut facts = Facts::new(
            app,
            known
                .prior
                .as_ref()
                .map_or(received_at, |(_, first)| *first),
        );
        facts.reuse = reuse_facts(&ids, &known, self.portrait_max_distance);
        let intel = self.intel.current();
        facts.sessions = app.sessions.iter().map(|s| intel.lookup(s.ip)).collect();
        let verdict = assess(app, &facts, &self.policy, received_at);
        self.metrics.observe_screening(started.elapsed());

        let decision = verdict.verdict;
        let outcome = store
            .submit(Submission {
                external_ref: app.external_ref.clone(),
                application_json: canonical_json,
                idempotency,
                received_at,
                verdict,
                identifiers: ids,
            })
            .await?;
        if matches!(
            outcome,
            SubmitOutcome::Created(_) | SubmitOutcome::Rescreened(_)
        ) {
            self.metrics.count_verdict(decision);
        }
        Ok(outcome)
    }
}
