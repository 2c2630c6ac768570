//! The re-screen queue: applications to screen again because a list, a link or the index changed.
//! A request stays queued until an instance that may serve it (its lists are at least as new as the
//! request needs) stores the new verdict; claims are leases, so a crashed instance's claims are
//! taken over when they run out.

use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;

use super::applications::{self, NewVerdict};
use super::error::{StoreError, from_micros};
use super::handle::{Store, TenantStore};
use super::index;
use super::model::TenantId;
use super::sql::{Arg, Batch, Column, Conn, Role, micros};
use super::webhooks::{self, Event, EventType};
use crate::model::Cause;

/// An application claimed for re-screening.
#[derive(Debug, Clone)]
pub struct RescreenClaim {
    pub tenant: TenantId,
    pub application_id: String,
    /// Why it was queued, oldest first, each once.
    pub causes: Vec<Cause>,
    /// The `causes` column as claimed: completing the claim removes these lines only, so a cause
    /// queued while the re-screen ran is kept for the next one.
    pub causes_claimed: String,
    /// The lease this claim holds; completing it only removes the request if nobody re-queued it.
    pub lease: i64,
}

/// What an instance needs to screen a stored application again.
pub struct StoredApplication {
    pub external_ref: String,
    pub received_at: DateTime<Utc>,
    pub version: i64,
    pub application_json: Vec<u8>,
    /// The current verdict document (JSON).
    pub verdict_json: Vec<u8>,
}

/// The outcome of one re-screen.
pub struct RescreenResult {
    pub claim: RescreenClaim,
    /// A new verdict to store as the next version, when it differs from the current one.
    pub new_verdict: Option<NewVerdictVersion>,
}

pub struct NewVerdictVersion {
    /// The version the new one follows; if the application changed meanwhile, nothing is written.
    pub after_version: i64,
    pub verdict: crate::model::Verdict,
    pub base_verdict: crate::model::Decision,
    /// The decision of the version it follows: a different one is a `verdict.changed` event.
    pub previous_verdict: crate::model::Decision,
}

/// Re-screen requests waiting, per scope the caller may see.
#[derive(Debug, Clone, Copy, Default)]
pub struct QueueDepth {
    pub pending: i64,
}

#[derive(sqlx::FromRow)]
struct ClaimRow {
    tenant_id: String,
    application_id: String,
    cause: String,
    causes: String,
}

/// What a queue row already there does with a new request: it is unclaimed again, needs the newer
/// of the two list versions, and appends the new causes, up to a size that holds far more than a
/// verdict names ([`Cause::ALSO_MAX`]).
const ON_CONFLICT: &str = "on conflict (tenant_id, application_id) do update set claimed_until = 0, \
     min_list_seq = case when excluded.min_list_seq > rescreen_queue.min_list_seq \
       then excluded.min_list_seq else rescreen_queue.min_list_seq end, \
     causes = (case when length(rescreen_queue.causes) < 4096 \
       then rescreen_queue.causes || excluded.causes else rescreen_queue.causes end)";

/// Queues the applications `condition` selects (`$5` is `value`, when there is one) for `cause`,
/// to be screened by an instance with lists up to `min_list_seq` at least.
async fn enqueue_selected(
    conn: &mut Conn<'_>,
    condition: &'static str,
    value: Option<Arg<'_>>,
    min_list_seq: i64,
    cause: &Cause,
    now: i64,
) -> Result<(), sqlx::Error> {
    let line = cause.queue_line();
    let mut args: Vec<Arg<'_>> = vec![
        cause.kind.as_str().into(),
        line.as_str().into(),
        min_list_seq.into(),
        now.into(),
    ];
    args.extend(value);
    // Audited: the conditions are literals of this module; every value is bound.
    conn.execute(
        AssertSqlSafe(format!(
            "insert into rescreen_queue (tenant_id, application_id, cause, causes, min_list_seq, enqueued_at, claimed_until) \
             select tenant_id, id, $1, $2, $3, $4, 0 from applications where {condition} {ON_CONFLICT}"
        )),
        &args,
    )
    .await
    .map(|_| ())
}

/// Queues the applications submitted at or after `since` (µs).
pub(crate) async fn enqueue_submitted_since(
    conn: &mut Conn<'_>,
    since: i64,
    cause: &Cause,
    now: i64,
) -> Result<(), sqlx::Error> {
    let condition = "last_submitted_at >= $5 and indexed_with <> 'fraud-marker'";
    enqueue_selected(conn, condition, Some(since.into()), 0, cause, now).await
}

/// Queues every application of `scope` (`''`: all tenants) for list version `seq` (`cause` names the
/// list and its version).
pub(crate) async fn enqueue_scope(
    conn: &mut Conn<'_>,
    scope: &str,
    seq: i64,
    cause: &Cause,
    now: i64,
) -> Result<(), sqlx::Error> {
    let condition = "($5 = '' or tenant_id = $5)";
    enqueue_selected(conn, condition, Some(scope.into()), seq, cause, now).await
}

/// Queues every stored application of one tenant (its policy or allow entries changed).
pub(crate) async fn enqueue_tenant(
    conn: &mut Conn<'_>,
    tenant: &str,
    cause: &Cause,
    now: i64,
) -> Result<(), sqlx::Error> {
    enqueue_selected(conn, "tenant_id = $5", Some(tenant.into()), 0, cause, now).await
}

/// Queues some of a tenant's applications for re-screening, on a connection of the caller's.
pub(crate) async fn enqueue_ids(
    conn: &mut Conn<'_>,
    tenant: &str,
    application_ids: &[&str],
    cause: &Cause,
    now: i64,
) -> Result<(), sqlx::Error> {
    let line = cause.queue_line();
    // One row per application: PostgreSQL refuses a statement that updates a row twice.
    let mut ids = application_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    let count = ids.len();
    let batch = Batch {
        table: "rescreen_queue",
        columns: &[
            "tenant_id",
            "application_id",
            "cause",
            "causes",
            "min_list_seq",
            "enqueued_at",
            "claimed_until",
        ],
        values: vec![
            Column::Text(vec![tenant; count]),
            Column::Text(ids),
            Column::Text(vec![cause.kind.as_str(); count]),
            Column::Text(vec![line.as_str(); count]),
            Column::Int(vec![0; count]),
            Column::Int(vec![now; count]),
            Column::Int(vec![0; count]),
        ],
        tail: ON_CONFLICT,
    };
    conn.insert_batch(&batch).await
}

/// Queues every stored application, whatever its tenant.
pub(crate) async fn enqueue_all(
    conn: &mut Conn<'_>,
    cause: &Cause,
    now: i64,
) -> Result<(), sqlx::Error> {
    // `where`: SQLite parses `on conflict` after a bare `select … from t` as a join.
    enqueue_selected(conn, "1 = 1", None, 0, cause, now).await
}

impl Store {
    /// Re-screen requests not yet done, for one tenant or (operator) all.
    pub async fn rescreen_depth(
        &self,
        tenant: Option<&TenantId>,
    ) -> Result<QueueDepth, StoreError> {
        let mut lease = self.pools().acquire(Role::Read).await?;
        let pending = lease
            .conn()
            .scalar(
                "select count(*) from rescreen_queue where ($1 is null or tenant_id = $1)",
                &[tenant.map(TenantId::as_str).into()],
            )
            .await?;
        Ok(QueueDepth { pending })
    }

    /// Queues applications of one tenant for re-screening (links, policy changes).
    pub async fn enqueue_rescreen(
        &self,
        tenant: &TenantId,
        application_ids: &[String],
        cause: &Cause,
    ) -> Result<(), StoreError> {
        if application_ids.is_empty() {
            return Ok(());
        }
        let ids: Vec<&str> = application_ids.iter().map(String::as_str).collect();
        let mut lease = self.pools().acquire(Role::Write).await?;
        enqueue_ids(
            &mut lease.conn(),
            tenant.as_str(),
            &ids,
            cause,
            micros(Utc::now()),
        )
        .await?;
        Ok(())
    }

    /// Claims up to `limit` requests that an instance with lists up to `loaded_seq` may serve, for
    /// `lease` (another instance takes them over if this one dies).
    pub async fn claim_rescreens(
        &self,
        loaded_seq: i64,
        limit: i64,
        lease: std::time::Duration,
    ) -> Result<Vec<RescreenClaim>, StoreError> {
        let now = micros(Utc::now());
        let until = now + i64::try_from(lease.as_micros()).unwrap_or(i64::MAX / 2);
        let mut conn = self.pools().acquire(Role::Write).await?;
        let mut conn = conn.conn();
        // Instances on PostgreSQL skip the rows another one is claiming.
        let sql = format!(
            "update rescreen_queue set claimed_until = $1 \
             where (tenant_id, application_id) in (select tenant_id, application_id from rescreen_queue \
               where claimed_until < $2 and min_list_seq <= $3 order by enqueued_at limit $4{}) \
             returning tenant_id, application_id, cause, causes",
            conn.skip_locked()
        );
        let rows: Vec<ClaimRow> = conn
            .fetch_all(
                sqlx::AssertSqlSafe(sql),
                &[until.into(), now.into(), loaded_seq.into(), limit.into()],
            )
            .await?;
        rows.into_iter()
            .map(|row| {
                Ok(RescreenClaim {
                    tenant: TenantId::parse(&row.tenant_id).ok_or_else(|| {
                        StoreError::Corrupt(format!("bad tenant {:?}", row.tenant_id))
                    })?,
                    application_id: row.application_id,
                    causes: Cause::from_queue(&row.causes, &row.cause),
                    causes_claimed: row.causes,
                    lease: until,
                })
            })
            .collect()
    }

    /// Stores the new verdict versions of a batch of re-screens and removes their requests, in one
    /// transaction; returns how many verdicts were written.
    pub async fn complete_rescreens(
        &self,
        results: Vec<RescreenResult>,
    ) -> Result<usize, StoreError> {
        let keys = self.keys();
        let mut sealed = Vec::with_capacity(results.len());
        for result in &results {
            sealed.push(match &result.new_verdict {
                Some(v) => Some(
                    keys.seal(
                        &serde_json::to_vec(&v.verdict)
                            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    ),
                ),
                None => None,
            });
        }
        let now = micros(Utc::now());
        let mut tx = self.pools().begin().await?;
        let mut conn = tx.conn();
        let mut written = 0;
        let mut events = Vec::new();
        for (result, sealed) in results.iter().zip(&sealed) {
            let claim = &result.claim;
            let tenant = claim.tenant.as_str();
            if let (Some(new), Some(sealed)) = (&result.new_verdict, sealed) {
                let v = &new.verdict;
                let row = NewVerdict {
                    application_id: &claim.application_id,
                    version: new.after_version + 1,
                    tenant,
                    verdict: v.verdict.as_str(),
                    risk_score: i64::from(v.risk_score),
                    policy_version: &v.policy_version,
                    cause: v.cause.as_ref().map_or("link", |c| c.kind.as_str()),
                    screened_at: micros(v.screened_at),
                    verdict_enc: sealed,
                };
                // Otherwise the application was re-submitted meanwhile, and screened then.
                if applications::advance_rescreened(&mut conn, &row, new.base_verdict.as_str(), now)
                    .await?
                {
                    index::set_base_verdict(
                        &mut conn,
                        tenant,
                        &claim.application_id,
                        new.base_verdict.as_str(),
                    )
                    .await?;
                    applications::insert_verdicts(&mut conn, &[row]).await?;
                    written += 1;
                    let cause = v.cause.as_ref().map_or("link", |c| c.kind.as_str());
                    if v.verdict != new.previous_verdict {
                        events.push(Event::verdict(
                            tenant,
                            EventType::VerdictChanged,
                            v,
                            new.after_version + 1,
                            cause,
                        ));
                    }
                    if webhooks::opens_case(Some(new.previous_verdict.as_str()), v) {
                        events.push(Event::verdict(
                            tenant,
                            EventType::CaseOpened,
                            v,
                            new.after_version + 1,
                            cause,
                        ));
                    }
                }
            }
            let done = conn
                .execute(
                    "delete from rescreen_queue where tenant_id = $1 and application_id = $2 and claimed_until = $3",
                    &[tenant.into(), (&claim.application_id).into(), claim.lease.into()],
                )
                .await?;
            if done == 0 && !claim.causes_claimed.is_empty() {
                // Queued again while it ran: the causes served now are not the next one's.
                conn.execute(
                    "update rescreen_queue set causes = substr(causes, $3) \
                     where tenant_id = $1 and application_id = $2 and substr(causes, 1, $4) = $5",
                    &[
                        tenant.into(),
                        (&claim.application_id).into(),
                        i64::try_from(claim.causes_claimed.chars().count() + 1)
                            .unwrap_or(i64::MAX)
                            .into(),
                        i64::try_from(claim.causes_claimed.chars().count())
                            .unwrap_or(i64::MAX)
                            .into(),
                        claim.causes_claimed.as_str().into(),
                    ],
                )
                .await?;
            }
        }
        // The outbox: one statement for the batch's changed decisions, in its transaction.
        if !events.is_empty() {
            webhooks::record(&mut conn, &events).await?;
        }
        tx.commit().await?;
        Ok(written)
    }
}

impl TenantStore<'_> {
    /// One of this tenant's applications as stored, decrypted, with its current verdict.
    pub async fn stored_application(
        &self,
        id: &str,
    ) -> Result<Option<StoredApplication>, StoreError> {
        let mut lease = self.store().pools().acquire(Role::Read).await?;
        let Some(row) =
            applications::sealed_application(&mut lease.conn(), self.tenant_id().as_str(), id)
                .await?
        else {
            return Ok(None);
        };
        let keys = self.keys();
        Ok(Some(StoredApplication {
            external_ref: row.external_ref,
            received_at: from_micros(row.received_at)?,
            version: row.version,
            application_json: keys.open(&row.application_enc)?,
            verdict_json: keys.open(&row.verdict_enc)?,
        }))
    }
}
