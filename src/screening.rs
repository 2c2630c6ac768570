//! The pipeline every way in shares (HTTP, `vetgate screen`): application → what the store already
//! knows (one round trip) → checks → policy → verdict → store.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};

use crate::checks::links::Link;
use crate::checks::{self, Facts, Reuse, ReuseKind};
use crate::identifiers::{self, IdentifierKind, Identifiers};
use crate::intel::IntelHandle;
use crate::intel::lists::ListsHandle;
use crate::metrics::Metrics;
use crate::model::{Application, Decision, Verdict};
use crate::policy::Policy;
use crate::store::{
    IdempotencyKey, NewVerdictVersion, Owner, PriorKnowledge, RescreenClaim, RescreenResult,
    SharedIdentifier, Store, StoreError, Submission, SubmitOutcome, TenantId, TenantStore,
};

/// Scores one application. Pure: the same application, facts and policy give the same verdict.
pub fn assess(
    app: &Application,
    facts: &Facts,
    policy: &Policy,
    screened_at: DateTime<Utc>,
) -> Verdict {
    assess_with_base(app, facts, policy, screened_at).0
}

/// [`assess`], plus the base verdict: the decision without the signals that depend on other
/// applications, which is what propagation to linked applications reads.
pub fn assess_with_base(
    app: &Application,
    facts: &Facts,
    policy: &Policy,
    screened_at: DateTime<Utc>,
) -> (Verdict, Decision) {
    let signals = checks::run(app, facts);
    // Scored a second time only when some signal depends on other applications.
    let own_only: Vec<_> = signals
        .iter()
        .filter(|s| !checks::depends_on_other_applications(s.code))
        .cloned()
        .collect();
    let depends = own_only.len() < signals.len();
    let scored = policy.score(signals);
    let base = if depends {
        policy.score(own_only).decision
    } else {
        scored.decision
    };
    let verdict = Verdict {
        id: String::new(),
        external_ref: app.external_ref.clone(),
        verdict: scored.decision,
        risk_score: scored.risk_score,
        signals: scored.signals,
        sanctions_matches: facts.sanctions.matches(),
        policy_version: policy.version().to_owned(),
        agreeing_families: scored.agreeing_families,
        lists_version: facts.sanctions.lists_version.clone(),
        screened_at,
        review: None,
    };
    (verdict, base)
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
        sharers: Sharers,
    }
    let (mut document, mut portrait) = (Group::default(), Group::default());
    for hit in &known.shared_identifiers {
        if !other_identity(ids, hit) {
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
            _ => continue, // links: see link_facts
        };
        group.sharers.add(hit);
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
    .filter(|(group, _)| !group.sharers.is_empty())
    .map(|(group, kind)| {
        let s = group.sharers;
        Reuse {
            kind,
            other_tenants: s.other_tenants(),
            other_tenant_applications: s.foreign.len(),
            same_tenant: s.own.into_iter().collect(),
            any_rejected: s.rejected,
            incomplete: known.truncated,
        }
    })
    .collect()
}

/// The applications sharing one identifier family: the caller's own by id with their base
/// verdict, sharing tenants' by opaque tags (counted, never shown).
#[derive(Default)]
struct Sharers {
    own: BTreeMap<String, Decision>,
    foreign: BTreeSet<(u64, u64)>,
    rejected: bool,
}

impl Sharers {
    fn add(&mut self, hit: &SharedIdentifier) {
        self.rejected |= hit.verdict == Decision::Reject;
        match &hit.owner {
            Owner::SameTenant(id) => {
                self.own.insert(id.clone(), hit.verdict);
            }
            Owner::OtherTenant {
                tenant,
                application,
            } => {
                self.foreign.insert((*tenant, *application));
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.own.is_empty() && self.foreign.is_empty()
    }

    fn other_tenants(&self) -> usize {
        self.foreign
            .iter()
            .map(|(tenant, _)| tenant)
            .collect::<BTreeSet<_>>()
            .len()
    }
}

/// Whether an index hit is an application presenting another identity than `ids`: another name,
/// or another date of birth where both are known.
fn other_identity(ids: &Identifiers, hit: &SharedIdentifier) -> bool {
    hit.name_key[..] != ids.name_key[..]
        || matches!((&hit.dob_key, &ids.dob_key), (Some(a), Some(b)) if a[..] != b[..])
}

/// Turns index hits on linkable attributes into link facts: per attribute kind, the applications of
/// other identities sharing it (own tenant by id, sharing tenants by count), each once.
pub fn link_facts(ids: &Identifiers, known: &PriorKnowledge) -> Vec<Link> {
    let mut out: Vec<Link> = Vec::new();
    for kind in IdentifierKind::LINKS {
        let mut s = Sharers::default();
        for hit in known
            .shared_identifiers
            .iter()
            .filter(|h| h.kind == kind && other_identity(ids, h))
        {
            s.add(hit);
        }
        if s.is_empty() {
            continue;
        }
        out.push(Link {
            kind,
            other_tenants: s.other_tenants(),
            other_tenant_applications: s.foreign.len(),
            same_tenant: s.own.into_iter().collect(),
            any_rejected: s.rejected,
            incomplete: known.truncated,
        });
    }
    out
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
    pub lists: ListsHandle,
    /// Cluster sizes above this raise `LNK_CLUSTER_LARGE` (`VETGATE_LINKS_CLUSTER_MAX`).
    pub cluster_max: usize,
}

/// Whether a re-screen found something a reviewer should see: another decision, score, signal
/// (with its evidence: a link to one more application counts) or sanctions match. A new list
/// version that changes nothing adds no verdict version.
pub fn verdict_changed(old: &Verdict, new: &Verdict) -> bool {
    let matches = |v: &Verdict| -> Vec<(String, String, String)> {
        let mut m: Vec<_> = v
            .sanctions_matches
            .iter()
            .map(|m| (m.list.clone(), m.entry_id.clone(), m.field.clone()))
            .collect();
        m.sort();
        m
    };
    old.verdict != new.verdict
        || old.risk_score != new.risk_score
        || old.signals != new.signals
        || matches(old) != matches(new)
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
                &ids.name_key,
                &ids.probes,
                &self.sharing_tenants,
                app.submitted_at.is_none(),
            )
            .await?;

        let started = Instant::now();
        let first_received = known
            .prior
            .as_ref()
            .map_or(received_at, |(_, first)| *first);
        let facts = self.facts(store.tenant_id(), app, &ids, &known, first_received);
        let (verdict, base_verdict) = assess_with_base(app, &facts, &self.policy, received_at);
        self.metrics.observe_screening(started.elapsed());
        // Every application of another identity this one links to (or shares a document or portrait
        // with) is screened again once this one is stored: it now has a link it did not have. The
        // same person's other applications gain nothing from it and are left alone.
        let mut linked: Vec<String> = known
            .shared_identifiers
            .iter()
            .filter(|h| other_identity(&ids, h))
            .filter_map(|h| match &h.owner {
                Owner::SameTenant(id) => Some(id.clone()),
                Owner::OtherTenant { .. } => None,
            })
            .collect();
        linked.sort();
        linked.dedup();

        let decision = verdict.verdict;
        let outcome = store
            .submit(Submission {
                external_ref: app.external_ref.clone(),
                application_json: canonical_json,
                idempotency,
                received_at,
                verdict,
                base_verdict,
                identifiers: ids,
            })
            .await?;
        if !linked.is_empty()
            && matches!(
                outcome,
                SubmitOutcome::Created(_) | SubmitOutcome::Rescreened(_)
            )
        {
            // The application is stored (201 stands); a failed enqueue only delays propagation
            // until the linked applications are screened again for another reason.
            if let Err(err) = store
                .store()
                .enqueue_rescreen(store.tenant_id(), &linked, "links")
                .await
            {
                tracing::warn!(error = %err, "queueing linked applications for re-screening failed");
            }
        }
        if matches!(
            outcome,
            SubmitOutcome::Created(_) | SubmitOutcome::Rescreened(_)
        ) {
            self.metrics.count_verdict(decision);
        }
        Ok(outcome)
    }
}

impl Screener {
    /// Everything the checks need beyond the application, from what the store returned and the
    /// loaded intelligence.
    fn facts(
        &self,
        tenant: &TenantId,
        app: &Application,
        ids: &Identifiers,
        known: &PriorKnowledge,
        first_received: DateTime<Utc>,
    ) -> Facts {
        let mut facts = Facts::new(app, first_received);
        facts.reuse = reuse_facts(ids, known, self.portrait_max_distance);
        facts.links = link_facts(ids, known);
        facts.cluster = known.cluster.map(|others| checks::links::Cluster {
            size: others + 1,
            max: self.cluster_max,
            at_least: others as i64 >= crate::store::CLUSTER_COUNT_MAX,
        });
        let intel = self.intel.current();
        facts.sessions = app.sessions.iter().map(|s| intel.lookup(s.ip)).collect();
        facts.sanctions = self.lists.current().for_tenant(tenant.as_str()).screen(app);
        facts
    }

    /// Screens a stored application again with the current lists and policy. The result carries a
    /// new verdict only when it differs from the stored one (see [`verdict_changed`]).
    pub async fn rescreen(
        &self,
        store: &Store,
        claim: RescreenClaim,
    ) -> Result<RescreenResult, StoreError> {
        let tenant_store = store.tenant(&claim.tenant);
        let Some(stored) = tenant_store
            .stored_application(&claim.application_id)
            .await?
        else {
            return Ok(RescreenResult {
                claim,
                new_verdict: None,
            });
        };
        let app = Application::parse(&stored.application_json).map_err(|e| {
            StoreError::Corrupt(format!("stored application does not parse: {e:?}"))
        })?;
        let current: Verdict = serde_json::from_slice(&stored.verdict_json)
            .map_err(|e| StoreError::Corrupt(format!("stored verdict does not parse: {e}")))?;
        let ids = identifiers::of(&app, tenant_store.keys());
        let known = tenant_store
            .prior_knowledge(
                &stored.external_ref,
                &ids.name_key,
                &ids.probes,
                &self.sharing_tenants,
                false,
            )
            .await?;
        let facts = self.facts(&claim.tenant, &app, &ids, &known, stored.received_at);
        let (mut verdict, base_verdict) = assess_with_base(&app, &facts, &self.policy, Utc::now());
        verdict.id = claim.application_id.clone();
        let new_verdict = verdict_changed(&current, &verdict).then(|| {
            self.metrics.count_verdict(verdict.verdict);
            NewVerdictVersion {
                after_version: stored.version,
                verdict,
                base_verdict,
            }
        });
        Ok(RescreenResult { claim, new_verdict })
    }
}
