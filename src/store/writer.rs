//! The batched writer (group commit). One task per instance drains the queue of screened
//! applications, writes up to `batch_max` of them in one transaction, commits, and only then answers
//! each waiting request. A failed batch is retried one job at a time so one bad job cannot fail its
//! neighbours; an unavailable database fails the whole batch at once so requests get 503 quickly.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{mpsc, oneshot};

use super::backend::Backend;
use super::{StoreError, Submission, SubmitOutcome, TenantId, micros};
use crate::crypto::PiiKeys;

pub(crate) struct WriteJob {
    pub(crate) tenant: TenantId,
    pub(crate) submission: Submission,
    pub(crate) reply: oneshot::Sender<Result<SubmitOutcome, StoreError>>,
}

pub(crate) fn spawn(
    backend: Arc<Backend>,
    keys: PiiKeys,
    batch_max: usize,
    idempotency_ttl: Duration,
) -> mpsc::Sender<WriteJob> {
    let (sender, receiver) = mpsc::channel(batch_max * 4);
    tokio::spawn(run(receiver, backend, keys, batch_max, idempotency_ttl));
    sender
}

async fn run(
    mut queue: mpsc::Receiver<WriteJob>,
    backend: Arc<Backend>,
    keys: PiiKeys,
    batch_max: usize,
    idempotency_ttl: Duration,
) {
    let ttl = chrono::Duration::from_std(idempotency_ttl).unwrap_or(chrono::Duration::days(1));
    let mut jobs = Vec::with_capacity(batch_max);
    // Tenants whose row is committed: their insert is skipped (one statement less per job).
    let mut known_tenants: HashSet<String> = HashSet::new();
    // Ends when every sender is gone, after the queue is drained.
    while queue.recv_many(&mut jobs, batch_max).await > 0 {
        let idempotency_since = micros(Utc::now() - ttl);
        let (batch, started) = (jobs.len(), std::time::Instant::now());
        let written = backend
            .write_batch(&mut jobs, &keys, idempotency_since, &known_tenants)
            .await;
        tracing::debug!(
            batch,
            elapsed_us = started.elapsed().as_micros() as u64,
            "batch written"
        );
        match written {
            Ok(outcomes) => {
                known_tenants.extend(jobs.iter().map(|job| job.tenant.as_str().to_owned()));
                for (job, outcome) in jobs.drain(..).zip(outcomes) {
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            Err(StoreError::Unavailable(err)) => {
                tracing::error!(error = %err, batch = jobs.len(), "database unavailable; batch refused");
                let message = err.to_string();
                for job in jobs.drain(..) {
                    let _ = job
                        .reply
                        .send(Err(StoreError::Unavailable(sqlx::Error::Protocol(
                            message.clone(),
                        ))));
                }
            }
            Err(err) => {
                if jobs.len() > 1 {
                    tracing::warn!(error = %err, batch = jobs.len(), "batch write failed; retrying one by one");
                }
                for mut job in jobs.drain(..) {
                    let result = backend
                        .write_batch(
                            std::slice::from_mut(&mut job),
                            &keys,
                            idempotency_since,
                            &known_tenants,
                        )
                        .await
                        .map(|mut outcomes| outcomes.remove(0));
                    let _ = job.reply.send(result);
                }
            }
        }
    }
}

/// `insert into identifiers … values (…), (…)` for `rows` rows of seven columns. Audited: only
/// numbered placeholders are generated; every value is bound.
pub(crate) fn identifier_insert_sql(rows: usize) -> String {
    let values: Vec<String> = (0..rows)
        .map(|row| {
            let first = row * 7 + 1;
            let params: Vec<String> = (first..first + 7).map(|i| format!("${i}")).collect();
            format!("({})", params.join(", "))
        })
        .collect();
    format!(
        "insert into identifiers (key_hash, application_id, tenant_id, kind, name_key, dob_key, detail_enc) \
         values {} on conflict (key_hash, application_id) do nothing",
        values.join(", ")
    )
}

/// Writes one job inside the caller's transaction. A macro rather than a function because it runs
/// on both backends' transaction types with the same SQL.
macro_rules! write_one {
    ($conn:expr, $job:expr, $keys:expr, $idempotency_since:expr, $known_tenants:expr) => {{
        let job: &mut $crate::store::writer::WriteJob = $job;
        let keys: &$crate::crypto::PiiKeys = $keys;
        let tenant = job.tenant.as_str();
        let sub = &mut job.submission;
        let now = $crate::store::micros(sub.received_at);

        let mut replay = None;
        if let Some(idem) = &sub.idempotency {
            let seen: Option<(Vec<u8>, i64, String, i64)> = sqlx::query_as(
                "select request_hash, status, application_id, version from idempotency_keys \
                 where tenant_id = $1 and idem_key = $2 and created_at >= $3",
            )
            .bind(tenant)
            .bind(&idem.key)
            .bind($idempotency_since)
            .fetch_optional($conn)
            .await?;
            if let Some((hash, status, application_id, version)) = seen {
                replay = Some(if hash != idem.request_hash {
                    SubmitOutcome::IdempotencyConflict
                } else {
                    let sealed: Vec<u8> = sqlx::query_scalar(
                        "select verdict_enc from verdicts where tenant_id = $1 and application_id = $2 and version = $3",
                    )
                    .bind(tenant)
                    .bind(&application_id)
                    .bind(version)
                    .fetch_one($conn)
                    .await?;
                    SubmitOutcome::Replayed { status: u16::try_from(status).unwrap_or(200), body: keys.open(&sealed)? }
                });
            }
        }

        match replay {
            Some(outcome) => outcome,
            None => {
                if !$known_tenants.contains(tenant) {
                    sqlx::query("insert into tenants (id, created_at) values ($1, $2) on conflict (id) do nothing")
                        .bind(tenant)
                        .bind(now)
                        .execute($conn)
                        .await?;
                }
                let application_enc = keys.seal(&sub.application_json);
                let verdict = &mut sub.verdict;
                let inserted: Option<String> = sqlx::query_scalar(
                    "insert into applications \
                     (id, tenant_id, external_ref, received_at, updated_at, verdict, risk_score, version, application_enc, \
                     base_verdict) values ($1, $2, $3, $4, $4, $5, $6, 1, $7, $8) \
                     on conflict (tenant_id, external_ref) do nothing returning id",
                )
                .bind(uuid::Uuid::now_v7().to_string())
                .bind(tenant)
                .bind(&sub.external_ref)
                .bind(now)
                .bind(verdict.verdict.as_str())
                .bind(i64::from(verdict.risk_score))
                .bind(&application_enc)
                .bind(sub.base_verdict.as_str())
                .fetch_optional($conn)
                .await?;
                let (id, version, created) = match inserted {
                    Some(id) => (id, 1_i64, true),
                    None => {
                        let (id, version): (String, i64) = sqlx::query_as(
                            "select id, version from applications where tenant_id = $1 and external_ref = $2",
                        )
                        .bind(tenant)
                        .bind(&sub.external_ref)
                        .fetch_one($conn)
                        .await?;
                        sqlx::query(
                            "update applications set updated_at = $1, verdict = $2, risk_score = $3, version = $4, \
                             application_enc = $5, base_verdict = $8 where tenant_id = $6 and id = $7",
                        )
                        .bind(now)
                        .bind(verdict.verdict.as_str())
                        .bind(i64::from(verdict.risk_score))
                        .bind(version + 1)
                        .bind(&application_enc)
                        .bind(tenant)
                        .bind(&id)
                        .bind(sub.base_verdict.as_str())
                        .execute($conn)
                        .await?;
                        (id, version + 1, false)
                    }
                };
                if !created {
                    sqlx::query("delete from identifiers where application_id = $1").bind(&id).execute($conn).await?;
                }
                let ids = &sub.identifiers;
                if !ids.entries.is_empty() {
                    // One statement for all of the application's index rows.
                    let sql = $crate::store::writer::identifier_insert_sql(ids.entries.len());
                    let mut insert = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for entry in &ids.entries {
                        insert = insert
                            .bind(&entry.key[..])
                            .bind(&id)
                            .bind(tenant)
                            .bind(entry.kind.as_str())
                            .bind(&ids.name_key[..])
                            .bind(ids.dob_key.as_ref().map(|k| &k[..]))
                            .bind(entry.detail.as_deref());
                    }
                    insert.execute($conn).await?;
                }
                verdict.id = id;
                let body = serde_json::to_vec(&*verdict).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                sqlx::query(
                    "insert into verdicts (application_id, version, tenant_id, verdict, risk_score, policy_version, \
                     cause, screened_at, verdict_enc) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(&verdict.id)
                .bind(version)
                .bind(tenant)
                .bind(verdict.verdict.as_str())
                .bind(i64::from(verdict.risk_score))
                .bind(&verdict.policy_version)
                .bind(if created { "submitted" } else { "resubmitted" })
                .bind($crate::store::micros(verdict.screened_at))
                .bind(keys.seal(&body))
                .execute($conn)
                .await?;
                if let Some(idem) = &sub.idempotency {
                    // An expired row for the same key may still be there until the purge runs.
                    sqlx::query(
                        "insert into idempotency_keys \
                         (tenant_id, idem_key, request_hash, status, application_id, version, created_at) \
                         values ($1, $2, $3, $4, $5, $6, $7) \
                         on conflict (tenant_id, idem_key) do update set request_hash = excluded.request_hash, \
                         status = excluded.status, application_id = excluded.application_id, \
                         version = excluded.version, created_at = excluded.created_at",
                    )
                    .bind(tenant)
                    .bind(&idem.key)
                    .bind(&idem.request_hash[..])
                    .bind(if created { 201_i64 } else { 200_i64 })
                    .bind(&verdict.id)
                    .bind(version)
                    .bind(now)
                    .execute($conn)
                    .await?;
                }
                if created { SubmitOutcome::Created(body) } else { SubmitOutcome::Rescreened(body) }
            }
        }
    }};
}

pub(crate) use write_one;
