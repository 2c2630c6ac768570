//! The pipeline every way in shares (HTTP, `vetgate screen`): application → checks → policy →
//! verdict → store.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};

use crate::checks;
use crate::metrics::Metrics;
use crate::model::{Application, Verdict};
use crate::policy::Policy;
use crate::store::{IdempotencyKey, StoreError, Submission, SubmitOutcome, TenantStore};

/// Scores one application. Pure: the same application and policy give the same verdict.
pub fn assess(app: &Application, policy: &Policy, screened_at: DateTime<Utc>) -> Verdict {
    let scored = policy.score(checks::run(app));
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

#[derive(Clone)]
pub struct Screener {
    pub policy: Arc<Policy>,
    pub metrics: Arc<Metrics>,
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
        let started = Instant::now();
        let received_at = Utc::now();
        let verdict = assess(app, &self.policy, received_at);
        self.metrics.observe_screening(started.elapsed());
        let decision = verdict.verdict;
        let outcome = store
            .submit(Submission {
                external_ref: app.external_ref.clone(),
                application_json: canonical_json,
                idempotency,
                received_at,
                verdict,
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
