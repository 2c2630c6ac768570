//! Reviewer decisions and the case queue (docs/reviews.md).
//!
//! A decision is a verdict version of its own, written in one transaction with the decision's row
//! (its note sealed), the application's new state (latest decision, case status, claim released)
//! and, for `rejected`, the confirmed-case flag on the application's rows of the identifier index.
//! The case queue is the application rows themselves (`case_status`, `case_since`), kept by every
//! write that stores a verdict version (`applications::case_update`), read through one index.

use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;

use super::applications;
use super::error::{StoreError, from_micros};
use super::handle::{Store, TenantStore, with_legacy_cause};
use super::model::StoredVerdict;
use super::sql::{Conn, Role, micros};
use crate::crypto::PiiKeys;
use crate::model::{Cause, CauseKind, Review, ReviewDecision, Verdict};

/// Where an application stands in the case queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseStatus {
    /// Its verdict is `review` or `reject` and no decision covers it (never decided, or an
    /// approval a later screening reopened).
    Open,
    /// Its latest decision handed it to a second line.
    Escalated,
    /// Its latest decision stands.
    Decided,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 3] = [CaseStatus::Open, CaseStatus::Escalated, CaseStatus::Decided];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::Escalated => "escalated",
            CaseStatus::Decided => "decided",
        }
    }

    pub fn parse(s: &str) -> Option<CaseStatus> {
        CaseStatus::ALL.into_iter().find(|c| c.as_str() == s)
    }

    fn after(decision: ReviewDecision) -> CaseStatus {
        match decision {
            ReviewDecision::Escalated => CaseStatus::Escalated,
            ReviewDecision::Approved | ReviewDecision::Rejected => CaseStatus::Decided,
        }
    }
}

/// A decision to record; the reviewer is the token's `sub`.
pub struct NewReview {
    pub decision: ReviewDecision,
    pub reviewer: String,
    pub note: String,
    pub decided_at: DateTime<Utc>,
}

/// A recorded decision: its verdict version, and whether it changed the confirmed-case flag (a
/// `rejected` decision, or one replacing a `rejected` decision), which linked applications see.
pub struct RecordedReview {
    pub verdict: StoredVerdict,
    pub confirmation_changed: bool,
}

/// The latest decision on an application, with what it was made on (JSON, `policy::review::Basis`).
pub struct StoredReview {
    pub review: Review,
    pub basis_json: String,
}

/// One case of the queue.
pub struct Case {
    pub application_id: String,
    pub status: CaseStatus,
    pub since: DateTime<Utc>,
    /// Who holds it, while the claim lasts.
    pub assignee: Option<(String, DateTime<Utc>)>,
    /// The current verdict document (JSON).
    pub verdict_json: Vec<u8>,
}

/// What a claim found.
pub enum ClaimOutcome {
    Claimed {
        until: DateTime<Utc>,
    },
    /// Another reviewer holds it until then.
    Held {
        by: String,
        until: DateTime<Utc>,
    },
    /// The application is not an open or escalated case.
    NotACase,
    Missing,
}

#[derive(sqlx::FromRow)]
struct CaseRow {
    id: String,
    case_status: String,
    case_since: i64,
    case_assignee: String,
    case_lease_until: i64,
    cause: String,
    verdict_enc: Vec<u8>,
}

#[derive(sqlx::FromRow)]
struct ReviewRow {
    decision: String,
    reviewer: String,
    note_enc: Vec<u8>,
    decided_at: i64,
    basis: String,
}

#[derive(sqlx::FromRow)]
struct Locked {
    version: i64,
    review_decision: String,
}

impl TenantStore<'_> {
    /// Records a decision as the application's next verdict version. `decide` turns the current
    /// verdict into the one to store and says what the decision was made on (JSON). `None` when
    /// the tenant has no such application.
    pub async fn record_review(
        &self,
        id: &str,
        review: NewReview,
        decide: impl FnOnce(Verdict, Review) -> (Verdict, String),
    ) -> Result<Option<RecordedReview>, StoreError> {
        let tenant = self.tenant_id().as_str();
        let keys = self.keys();
        let now = micros(Utc::now());
        let mut tx = self.store().pools().begin().await?;
        let mut conn = tx.conn();
        let sql = format!(
            "select version, review_decision from applications where tenant_id = $1 and id = $2{}",
            conn.for_update()
        );
        let Some(locked): Option<Locked> = conn
            .fetch_optional(AssertSqlSafe(sql), &[tenant.into(), id.into()])
            .await?
        else {
            return Ok(None);
        };
        let current = applications::verdict_at(&mut conn, tenant, id, locked.version).await?;
        let current_json = with_legacy_cause(keys.open(&current.verdict_enc)?, &current.cause);
        let current: Verdict = serde_json::from_slice(&current_json)
            .map_err(|e| StoreError::Corrupt(format!("verdict of {id}: {e}")))?;
        let shown = Review {
            decision: review.decision,
            reviewer: review.reviewer.clone(),
            note: review.note.clone(),
            decided_at: review.decided_at,
            new_evidence: None,
        };
        let (mut verdict, basis_json) = decide(current, shown);
        verdict.id = id.to_owned();
        verdict.cause = Some(Cause::by(CauseKind::Review, &review.reviewer));
        let json = serde_json::to_vec(&verdict).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let version = locked.version + 1;
        let status = CaseStatus::after(review.decision);
        conn.execute(
            "update applications set verdict = $1, version = $2, updated_at = $3, \
             review_decision = $4, case_status = $5, case_since = $3, case_assignee = '', \
             case_lease_until = 0 where tenant_id = $6 and id = $7",
            &[
                verdict.verdict.as_str().into(),
                version.into(),
                now.into(),
                review.decision.as_str().into(),
                status.as_str().into(),
                tenant.into(),
                id.into(),
            ],
        )
        .await?;
        let sealed = keys.seal(&json);
        applications::insert_verdicts(
            &mut conn,
            &[applications::NewVerdict {
                application_id: id,
                version,
                tenant,
                verdict: verdict.verdict.as_str(),
                risk_score: i64::from(verdict.risk_score),
                policy_version: &verdict.policy_version,
                cause: CauseKind::Review.as_str(),
                screened_at: micros(verdict.screened_at),
                verdict_enc: &sealed,
            }],
        )
        .await?;
        conn.execute(
            "insert into reviews (application_id, version, tenant_id, decision, reviewer, note_enc, \
             decided_at, basis) values ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                id.into(),
                version.into(),
                tenant.into(),
                review.decision.as_str().into(),
                review.reviewer.as_str().into(),
                keys.seal(review.note.as_bytes()).as_slice().into(),
                micros(review.decided_at).into(),
                basis_json.as_str().into(),
            ],
        )
        .await?;
        super::webhooks::record(
            &mut conn,
            &[super::webhooks::Event::review(tenant, &verdict, version)],
        )
        .await?;
        // A confirmed case is a flag on the application's existing index rows (kept rejected, so
        // that the rejected-row search of a crowded key finds them); a later decision lifts it.
        let confirmed = review.decision == ReviewDecision::Rejected;
        let was_confirmed = locked.review_decision == ReviewDecision::Rejected.as_str();
        if confirmed || was_confirmed {
            conn.execute(
                "update identifiers set confirmed = $1, base_verdict = (case when $1 = 1 \
                 then 'reject' else (select a.base_verdict from applications a where a.id = $3) end) \
                 where tenant_id = $2 and application_id = $3",
                &[i64::from(confirmed).into(), tenant.into(), id.into()],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Some(RecordedReview {
            verdict: StoredVerdict {
                application_id: id.to_owned(),
                version,
                decision: verdict.verdict,
                json,
            },
            confirmation_changed: confirmed != was_confirmed,
        }))
    }

    /// The latest decision on one of this tenant's applications, if any.
    pub async fn latest_review(&self, id: &str) -> Result<Option<StoredReview>, StoreError> {
        let mut lease = self.store().pools().acquire(Role::Read).await?;
        latest(
            &mut lease.conn(),
            self.keys(),
            self.tenant_id().as_str(),
            id,
        )
        .await
    }

    /// One page of this tenant's cases in `status`, oldest first (`case_status <> ''` names the
    /// partial index `applications_cases`), after the keyset position
    /// `after` (`case_since`, id); with `assignee`, only the cases that reviewer holds now.
    pub async fn cases(
        &self,
        status: CaseStatus,
        assignee: Option<&str>,
        after: Option<(i64, String)>,
        limit: u32,
    ) -> Result<(Vec<Case>, Option<(i64, String)>), StoreError> {
        let now = micros(Utc::now());
        let (after_since, after_id) = match &after {
            Some((since, id)) => (Some(*since), Some(id.as_str())),
            None => (None, None),
        };
        let mut lease = self.store().pools().acquire(Role::Read).await?;
        let mut rows: Vec<CaseRow> = lease
            .conn()
            .fetch_all(
                "select a.id, a.case_status, a.case_since, a.case_assignee, a.case_lease_until, \
                 v.cause, v.verdict_enc from applications a \
                 join verdicts v on v.application_id = a.id and v.version = a.version \
                 where a.tenant_id = $1 and a.case_status <> '' and a.case_status = $2 \
                   and ($3 is null or (a.case_assignee = $3 and a.case_lease_until > $4)) \
                   and ($5 is null or a.case_since > $5 or (a.case_since = $5 and a.id > $6)) \
                 order by a.case_since, a.id limit $7",
                &[
                    self.tenant_id().as_str().into(),
                    status.as_str().into(),
                    assignee.into(),
                    now.into(),
                    after_since.into(),
                    after_id.into(),
                    (i64::from(limit) + 1).into(),
                ],
            )
            .await?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next = if more {
            rows.last().map(|r| (r.case_since, r.id.clone()))
        } else {
            None
        };
        let mut cases = Vec::with_capacity(rows.len());
        for row in rows {
            let held = !row.case_assignee.is_empty() && row.case_lease_until > now;
            cases.push(Case {
                status: CaseStatus::parse(&row.case_status).ok_or_else(|| {
                    StoreError::Corrupt(format!("unknown case status {:?}", row.case_status))
                })?,
                since: from_micros(row.case_since)?,
                assignee: if held {
                    Some((row.case_assignee, from_micros(row.case_lease_until)?))
                } else {
                    None
                },
                verdict_json: with_legacy_cause(self.keys().open(&row.verdict_enc)?, &row.cause),
                application_id: row.id,
            });
        }
        Ok((cases, next))
    }

    /// Assigns an open or escalated case to `reviewer` until `until`, unless another reviewer's
    /// claim still runs (the same reviewer may renew theirs).
    pub async fn claim_case(
        &self,
        id: &str,
        reviewer: &str,
        until: DateTime<Utc>,
    ) -> Result<ClaimOutcome, StoreError> {
        let tenant = self.tenant_id().as_str();
        let now = micros(Utc::now());
        let mut lease = self.store().pools().acquire(Role::Write).await?;
        let mut conn = lease.conn();
        let claimed = conn
            .execute(
                "update applications set case_assignee = $1, case_lease_until = $2 \
                 where tenant_id = $3 and id = $4 and case_status in ('open', 'escalated') \
                 and (case_assignee = '' or case_assignee = $1 or case_lease_until <= $5)",
                &[
                    reviewer.into(),
                    micros(until).into(),
                    tenant.into(),
                    id.into(),
                    now.into(),
                ],
            )
            .await?;
        if claimed == 1 {
            return Ok(ClaimOutcome::Claimed { until });
        }
        let row: Option<(String, String, i64)> = conn
            .fetch_optional(
                "select case_status, case_assignee, case_lease_until from applications \
                 where tenant_id = $1 and id = $2",
                &[tenant.into(), id.into()],
            )
            .await?;
        Ok(match row {
            None => ClaimOutcome::Missing,
            Some((status, by, lease_until)) if matches!(status.as_str(), "open" | "escalated") => {
                ClaimOutcome::Held {
                    by,
                    until: from_micros(lease_until)?,
                }
            }
            Some(_) => ClaimOutcome::NotACase,
        })
    }
}

/// The latest decision on an application, on the caller's connection.
pub(crate) async fn latest(
    conn: &mut Conn<'_>,
    keys: &PiiKeys,
    tenant: &str,
    id: &str,
) -> Result<Option<StoredReview>, StoreError> {
    let row: Option<ReviewRow> = conn
        .fetch_optional(
            "select decision, reviewer, note_enc, decided_at, basis from reviews \
             where tenant_id = $1 and application_id = $2 order by version desc limit 1",
            &[tenant.into(), id.into()],
        )
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let note = String::from_utf8(keys.open(&row.note_enc)?)
        .map_err(|e| StoreError::Corrupt(format!("review note of {id}: {e}")))?;
    Ok(Some(StoredReview {
        review: Review {
            decision: ReviewDecision::parse(&row.decision).ok_or_else(|| {
                StoreError::Corrupt(format!("unknown decision {:?}", row.decision))
            })?,
            reviewer: row.reviewer,
            note,
            decided_at: from_micros(row.decided_at)?,
            new_evidence: None,
        },
        basis_json: row.basis,
    }))
}

impl Store {
    /// Cases per status, over every tenant (the `/metrics` gauges).
    pub async fn case_counts(&self) -> Result<Vec<(CaseStatus, i64)>, StoreError> {
        let mut lease = self.pools().acquire(Role::Read).await?;
        let rows: Vec<(String, i64)> = lease
            .conn()
            .fetch_all(
                "select case_status, count(*) from applications where case_status <> '' \
                 group by case_status",
                &[],
            )
            .await?;
        Ok(CaseStatus::ALL
            .into_iter()
            .map(|status| {
                let count = rows
                    .iter()
                    .find(|(s, _)| s == status.as_str())
                    .map_or(0, |(_, n)| *n);
                (status, count)
            })
            .collect())
    }
}
