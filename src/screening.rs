//! The pipeline every way in shares (HTTP, `vetgate screen`): application → what the store already
//! knows (one round trip) → checks → policy → verdict → store.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};

use crate::checks::links::{Link, RESIDENTIAL_WINDOW_DAYS};
use crate::checks::{self, Facts, Reuse, ReuseKind};
use crate::identifiers::{self, IdentifierKind, Identifiers};
use crate::intel::IntelHandle;
use crate::intel::lists::ListsHandle;
use crate::metrics::Metrics;
use crate::model::{Application, Decision, Intake, Verdict};
use crate::policy::Policy;
use crate::store::{
    IdempotencyKey, NewVerdictVersion, Owner, PriorKnowledge, RescreenClaim, RescreenResult,
    SharedIdentifier, Store, StoreError, Submission, SubmitOutcome, TenantId, TenantStore,
};

/// What can stop the pipeline: the store, or stored data it cannot read back.
#[derive(Debug, thiserror::Error)]
pub enum ScreeningError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("stored application {id} does not parse: {reason}")]
    StoredApplication { id: String, reason: String },
    #[error("the stored verdict of application {id} does not parse: {reason}")]
    StoredVerdict { id: String, reason: String },
}

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
/// other identities sharing it (own tenant by id, sharing tenants by count), each once. Residential
/// addresses are counted per address and within [`RESIDENTIAL_WINDOW_DAYS`]: the one link is the
/// address and 30-day window with the most other identities.
pub fn link_facts(ids: &Identifiers, known: &PriorKnowledge) -> Vec<Link> {
    let mut out: Vec<Link> = Vec::new();
    for kind in IdentifierKind::LINKS {
        if kind == IdentifierKind::ResidentialIp {
            out.extend(residential_link(ids, known));
            continue;
        }
        let hits: Vec<&SharedIdentifier> = known
            .shared_identifiers
            .iter()
            .filter(|h| h.kind == kind && other_identity(ids, h))
            .collect();
        out.extend(link_of(kind, &hits, known.truncated, false));
    }
    out
}

fn link_of(
    kind: IdentifierKind,
    hits: &[&SharedIdentifier],
    incomplete: bool,
    remote_access_tools: bool,
) -> Option<Link> {
    let mut s = Sharers::default();
    for hit in hits {
        s.add(hit);
    }
    if s.is_empty() {
        return None;
    }
    Some(Link {
        kind,
        identities: distinct_identities(hits),
        remote_access_tools,
        other_tenants: s.other_tenants(),
        other_tenant_applications: s.foreign.len(),
        same_tenant: s.own.into_iter().collect(),
        any_rejected: s.rejected,
        incomplete,
    })
}

/// Identities behind some hits, all of other identities than the application's: one per name, or
/// per known date of birth where one name comes with several.
fn distinct_identities(hits: &[&SharedIdentifier]) -> usize {
    let mut names: BTreeMap<&[u8], BTreeSet<&[u8]>> = BTreeMap::new();
    for hit in hits {
        let dobs = names.entry(&hit.name_key[..]).or_default();
        if let Some(dob) = &hit.dob_key {
            dobs.insert(&dob[..]);
        }
    }
    names.values().map(|dobs| dobs.len().max(1)).sum()
}

/// The residential address this application shares with the most other identities seen there within
/// one window of [`RESIDENTIAL_WINDOW_DAYS`] that also holds one of its own sessions.
fn residential_link(ids: &Identifiers, known: &PriorKnowledge) -> Option<Link> {
    let window = RESIDENTIAL_WINDOW_DAYS * 86_400_000_000;
    let mut best: Option<(usize, Vec<&SharedIdentifier>, bool)> = None;
    for address in &ids.residential {
        let hits: Vec<(&SharedIdentifier, identifiers::Seen)> = known
            .shared_identifiers
            .iter()
            .filter(|h| h.kind == IdentifierKind::ResidentialIp && h.key == address.key)
            .filter(|h| other_identity(ids, h))
            .filter_map(|h| h.seen.map(|seen| (h, seen)))
            .collect();
        if hits.is_empty() {
            continue;
        }
        // A window [start, start + 30 days] meets a stay [first, last] when start lies in
        // [first - 30 days, last]; the best start is one of those bounds, and it must meet this
        // application's own stay.
        let (own_from, own_to) = (address.seen.first - window, address.seen.last);
        let starts = hits
            .iter()
            .flat_map(|(_, seen)| [seen.first - window, seen.last])
            .chain([own_from, own_to])
            .filter(|start| (own_from..=own_to).contains(start));
        for start in starts {
            let inside: Vec<&SharedIdentifier> = hits
                .iter()
                .filter(|(_, seen)| seen.first - window <= start && start <= seen.last)
                .map(|(h, _)| *h)
                .collect();
            let count = distinct_identities(&inside);
            if count > 0 && best.as_ref().is_none_or(|(c, _, _)| count > *c) {
                best = Some((count, inside, address.remote_access_tools));
            }
        }
    }
    let (_, hits, tools) = best?;
    link_of(IdentifierKind::ResidentialIp, &hits, known.truncated, tools)
}

/// Linked applications one submission queues for re-screening (see [`Screener::screen_and_store`]).
pub const LINKED_RESCREENS_MAX: usize = 32;

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
    /// With an Idempotency-Key, a replay of the same body returns the stored response.
    pub async fn screen_and_store(
        &self,
        store: &TenantStore<'_>,
        intake: Intake,
        idempotency_key: Option<String>,
    ) -> Result<SubmitOutcome, StoreError> {
        let received_at = Utc::now();
        let idempotency = idempotency_key.map(|key| IdempotencyKey {
            key,
            request_hash: intake.sha256(),
        });
        let Intake {
            application,
            canonical_json,
        } = intake;
        let app = &application;
        let sessions = self.session_facts(app);
        let mut ids = identifiers::of(
            app,
            &sessions,
            app.submitted_at.unwrap_or(received_at),
            store.keys(),
        );
        let known = store
            .prior_knowledge(
                &app.external_ref,
                &ids,
                &self.sharing_tenants,
                app.submitted_at.is_none(),
            )
            .await?;

        let started = Instant::now();
        let first_received = known
            .prior
            .as_ref()
            .map_or(received_at, |(_, first)| *first);
        if app.submitted_at.is_none() && first_received != received_at {
            // A re-submission without `submitted_at`: its sessions without a time were seen when it
            // first arrived (the keys, and so the lookup, are the same).
            ids.redate_residential(app, &sessions, first_received, store.keys());
        }
        let facts = self.facts(
            store.tenant_id(),
            app,
            sessions,
            &ids,
            &known,
            first_received,
        );
        let (verdict, base_verdict) = assess_with_base(app, &facts, &self.policy, received_at);
        self.metrics.observe_screening(started.elapsed());
        // Every application of another identity this one links to (or shares a document or portrait
        // with) is screened again once this one is stored: it now has a link it did not have. The
        // same person's other applications gain nothing from it and are left alone. At most
        // LINKED_RESCREENS_MAX of them, the newest (ids are time-ordered): in a larger group every
        // member already links to that many others, so one more changes its evidence's count but
        // not its signals, and a flood against one identifier must not cost each request a
        // re-screen of the whole group.
        let mut linked: Vec<String> = known
            .shared_identifiers
            .iter()
            .filter(|h| other_identity(&ids, h))
            .filter_map(|h| match &h.owner {
                Owner::SameTenant(id) => Some(id.clone()),
                Owner::OtherTenant { .. } => None,
            })
            .collect();
        linked.sort_unstable_by(|a, b| b.cmp(a));
        linked.dedup();
        linked.truncate(LINKED_RESCREENS_MAX);

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
    /// What the IP databases say about each of the application's sessions.
    fn session_facts(&self, app: &Application) -> Vec<crate::intel::geoip::IpFacts> {
        let intel = self.intel.current();
        app.sessions.iter().map(|s| intel.lookup(s.ip)).collect()
    }

    /// Everything the checks need beyond the application, from what the store returned and the
    /// loaded intelligence.
    fn facts(
        &self,
        tenant: &TenantId,
        app: &Application,
        sessions: Vec<crate::intel::geoip::IpFacts>,
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
        facts.sessions = sessions;
        facts.sanctions = self
            .lists
            .current()
            .for_tenant(tenant.as_str())
            .screen(app, facts.holder_is_applicant());
        facts
    }

    /// Screens a stored application again with the current lists and policy. The result carries a
    /// new verdict only when it differs from the stored one (see [`verdict_changed`]).
    pub async fn rescreen(
        &self,
        store: &Store,
        claim: RescreenClaim,
    ) -> Result<RescreenResult, ScreeningError> {
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
            ScreeningError::StoredApplication {
                id: claim.application_id.clone(),
                reason: format!("{e:?}"),
            }
        })?;
        let current: Verdict = serde_json::from_slice(&stored.verdict_json).map_err(|e| {
            ScreeningError::StoredVerdict {
                id: claim.application_id.clone(),
                reason: e.to_string(),
            }
        })?;
        let sessions = self.session_facts(&app);
        let received_at = stored.received_at;
        let ids = identifiers::of(
            &app,
            &sessions,
            app.submitted_at.unwrap_or(received_at),
            tenant_store.keys(),
        );
        let known = tenant_store
            .prior_knowledge(&stored.external_ref, &ids, &self.sharing_tenants, false)
            .await?;
        let facts = self.facts(&claim.tenant, &app, sessions, &ids, &known, received_at);
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

/// What a re-index did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReindexReport {
    /// Applications read.
    pub read: u64,
    /// Applications whose rows were rebuilt (the others were re-submitted meanwhile).
    pub rebuilt: u64,
}

/// Applications one re-index step reads, derives and writes in one transaction.
pub const REINDEX_BATCH: i64 = 256;

impl Screener {
    /// Rebuilds the identifier index of every stored application with this build's derivation
    /// ([`identifiers::INDEX_VERSION`]), in batches, then records the version and queues every
    /// application for re-screening. `progress` hears (applications read, applications stored) after
    /// each batch. Residential addresses are classified with the IP databases loaded now.
    pub async fn reindex(
        &self,
        store: &Store,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<ReindexReport, ScreeningError> {
        let total = store.application_count().await?;
        let mut report = ReindexReport::default();
        let mut after = String::new();
        loop {
            let page = store.reindex_page(&after, REINDEX_BATCH).await?;
            let Some(last) = page.last() else {
                break;
            };
            after = last.id.clone();
            let mut batch = Vec::with_capacity(page.len());
            for source in page {
                report.read += 1;
                let app = Application::parse(&source.application_json).map_err(|e| {
                    ScreeningError::StoredApplication {
                        id: source.id.clone(),
                        reason: format!("{e:?}"),
                    }
                })?;
                let sessions = self.session_facts(&app);
                let ids = identifiers::of(
                    &app,
                    &sessions,
                    app.submitted_at.unwrap_or(source.received_at),
                    store.keys(),
                );
                batch.push(crate::store::Reindexed {
                    id: source.id,
                    tenant: source.tenant,
                    version: source.version,
                    identifiers: ids,
                });
            }
            report.rebuilt += store.replace_identifiers(&batch).await? as u64;
            progress(report.read, total.max(report.read));
        }
        store.finish_reindex().await?;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identifiers::{ResidentialAddress, Seen};

    const DAY: i64 = 86_400_000_000;

    fn at(day: i64) -> Seen {
        Seen {
            first: day * DAY,
            last: day * DAY,
        }
    }

    fn me(day: i64) -> Identifiers {
        Identifiers {
            name_key: [1; 32],
            residential: vec![ResidentialAddress {
                key: [9; 32],
                seen: at(day),
                remote_access_tools: false,
            }],
            ..Identifiers::default()
        }
    }

    fn seen_at(name: u8, day: i64) -> SharedIdentifier {
        SharedIdentifier {
            kind: IdentifierKind::ResidentialIp,
            key: [9; 32],
            owner: Owner::SameTenant(format!("app-{name}-{day}")),
            name_key: vec![name; 32],
            dob_key: None,
            phash: None,
            seen: Some(at(day)),
            verdict: Decision::Clear,
        }
    }

    fn residential_identities(ids: &Identifiers, hits: Vec<SharedIdentifier>) -> Option<usize> {
        let known = PriorKnowledge {
            shared_identifiers: hits,
            ..PriorKnowledge::default()
        };
        link_facts(ids, &known)
            .into_iter()
            .find(|l| l.kind == IdentifierKind::ResidentialIp)
            .map(|l| l.identities)
    }

    #[test]
    fn residential_identities_count_within_one_30_day_window() {
        // Two others within 30 days of this one and of each other.
        assert_eq!(
            residential_identities(&me(100), vec![seen_at(2, 80), seen_at(3, 110)]),
            Some(2)
        );
        // 40 days apart from each other: no window holds all three.
        assert_eq!(
            residential_identities(&me(100), vec![seen_at(2, 80), seen_at(3, 120)]),
            Some(1)
        );
        // The same person twice is one identity; this application's own name is none.
        assert_eq!(
            residential_identities(
                &me(100),
                vec![seen_at(2, 95), seen_at(2, 99), seen_at(1, 98)]
            ),
            Some(1)
        );
        // Older than 30 days: no link at all.
        assert_eq!(residential_identities(&me(100), vec![seen_at(2, 50)]), None);
        // Another address: no link.
        let mut elsewhere = seen_at(2, 100);
        elsewhere.key = [8; 32];
        assert_eq!(residential_identities(&me(100), vec![elsewhere]), None);
    }
}
