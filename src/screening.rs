//! The pipeline every way in shares (HTTP, `vetgate screen`): application → facts (the facts stage:
//! snapshots and one round trip to the index) → checks → policy → verdict → store.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};

use crate::checks::{self, Facts};
use crate::facts::{Arrival, FactsStage, Gathered};
use crate::identifiers;
use crate::metrics::Metrics;
use crate::model::{Application, Cause, Decision, Intake, Verdict};
use crate::policy::Policy;
use crate::policy::review::{self, Basis, DecisionOnRecord};
use crate::store::{
    IdempotencyKey, NewVerdictVersion, RescreenClaim, RescreenResult, Store, StoreError,
    Submission, SubmitOutcome, TenantStore,
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
        cause: None,
    };
    (verdict, base)
}

#[derive(Clone)]
pub struct Screener {
    /// The operator's policy (built-in ← `VETGATE_POLICY`); a tenant with an override is scored
    /// with [`Screener::policy_for`].
    pub policy: Arc<Policy>,
    pub metrics: Arc<Metrics>,
    pub facts: FactsStage,
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
    /// The effective policy of `tenant`: the operator's, with the tenant's override laid over it.
    pub fn policy_for(&self, tenant: &crate::store::TenantId) -> Arc<Policy> {
        self.facts.tenants.policy_for(tenant)
    }

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
        let gathered = self
            .facts
            .gather(store, app, &app.external_ref, Arrival::New(received_at))
            .await?;
        let linked = gathered.linked_applications();
        let Gathered {
            facts, identifiers, ..
        } = gathered;
        let started = Instant::now();
        let policy = self.policy_for(store.tenant_id());
        let (verdict, base_verdict) = assess_with_base(app, &facts, &policy, received_at);
        self.metrics.observe_screening(started.elapsed());

        let decision = verdict.verdict;
        let reject_forcing = review::reject_forcing(&policy, &verdict);
        let outcome = store
            .submit(Submission {
                external_ref: app.external_ref.clone(),
                application_json: canonical_json,
                idempotency,
                received_at,
                verdict,
                base_verdict,
                reject_forcing,
                identifiers,
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
            let arrived = match &outcome {
                SubmitOutcome::Created(v) | SubmitOutcome::Rescreened(v) => {
                    v.application_id.as_str()
                }
                _ => "",
            };
            if let Err(err) = store
                .store()
                .enqueue_rescreen(store.tenant_id(), &linked, &Cause::link(Some(arrived)))
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
        let facts = self
            .facts
            .gather(
                &tenant_store,
                &app,
                &stored.external_ref,
                Arrival::Stored(stored.received_at),
            )
            .await?
            .facts;
        let policy = self.policy_for(&claim.tenant);
        let (mut verdict, base_verdict) = assess_with_base(&app, &facts, &policy, Utc::now());
        verdict.id = claim.application_id.clone();
        verdict.cause = Some(Cause::combined(claim.causes.clone()));
        if current.review.is_some()
            && let Some(stored) = tenant_store.latest_review(&claim.application_id).await?
        {
            let basis: Basis = serde_json::from_str(&stored.basis_json).map_err(|e| {
                ScreeningError::StoredVerdict {
                    id: claim.application_id.clone(),
                    reason: format!("the decision's basis does not parse: {e}"),
                }
            })?;
            let forcing = review::reject_forcing(&policy, &verdict);
            let decision = DecisionOnRecord {
                review: stored.review,
                basis,
            };
            verdict = review::apply(verdict, &forcing, &decision);
        }
        let new_verdict = verdict_changed(&current, &verdict).then(|| {
            self.metrics.count_verdict(verdict.verdict);
            NewVerdictVersion {
                after_version: stored.version,
                verdict,
                base_verdict,
                previous_verdict: current.verdict,
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

/// How long after a re-index the applications submitted during it are queued again: longer than a
/// screening's lookup can precede its commit (a screening is milliseconds; a statement times out
/// after 10 s), so that one which met rows not yet rebuilt is screened again against the new ones.
pub const REINDEX_SETTLE: std::time::Duration = std::time::Duration::from_secs(10);

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
        let total = store.stale_index_count().await?;
        let started = chrono::Utc::now();
        let mut report = ReindexReport::default();
        // Only applications whose rows are not current are read: an interrupted run resumes, and
        // instances running it at once leave each other's finished rows alone. A pass that found
        // some still stale (an instance's batch in flight) is followed by another.
        loop {
            let read_before = report.read;
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
                    let sessions = self.facts.sessions(&app);
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
            if report.read == read_before || store.stale_index_count().await? == 0 {
                break;
            }
        }
        store.finish_reindex().await?;
        tokio::time::sleep(REINDEX_SETTLE).await;
        // From before the start too: a screening received just before it may commit after the
        // first queueing.
        let since = started - chrono::Duration::from_std(REINDEX_SETTLE).unwrap_or_default();
        store.requeue_submitted_since(since).await?;
        Ok(report)
    }
}
