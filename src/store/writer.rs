//! The batched writer (group commit). A task drains the queue of screened applications, writes up
//! to `batch_max` of them in one transaction, commits, and only then answers each waiting request.
//! On PostgreSQL several such tasks take turns at the queue, so one batch fills while others are on
//! their way to the server and its disk (a batch's cost there is mostly round trips and the commit's
//! flush, not CPU); SQLite has one writer. A failed batch is retried one job at a time so one bad
//! job cannot fail its neighbours, and a job that collided with another writer is tried again; an
//! unavailable database fails the whole batch at once so requests get 503 quickly.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{Mutex, mpsc, oneshot};

use super::applications::{self, NewApplication, NewIdempotencyKey, NewVerdict, Resubmission};
use super::error::{StoreError, from_micros};
use super::index::{self, Indexed};
use super::model::{StoredVerdict, Submission, SubmitOutcome, TenantId};
use super::sql::{Conn, Pools, micros};
use super::webhooks::{self, Event, EventType};
use crate::crypto::PiiKeys;
use crate::model::{Cause, CauseKind, Decision};

/// Tries of one job when it collides with another writer's transaction (a deadlock, a
/// serialization failure, or a row another writer committed first): the retry reads what that
/// writer committed, so it either succeeds or fails for a reason of its own.
const JOB_ATTEMPTS: u32 = 4;

pub(crate) struct WriteJob {
    pub(crate) tenant: TenantId,
    pub(crate) submission: Submission,
    pub(crate) reply: oneshot::Sender<Result<SubmitOutcome, StoreError>>,
}

pub(crate) fn spawn(
    pools: Arc<Pools>,
    keys: PiiKeys,
    batch_max: usize,
    writers: usize,
    idempotency_ttl: Duration,
) -> mpsc::Sender<WriteJob> {
    let (sender, receiver) = mpsc::channel(batch_max * 4);
    let queue = Arc::new(Mutex::new(receiver));
    for _ in 0..writers {
        tokio::spawn(run(
            queue.clone(),
            pools.clone(),
            keys.clone(),
            batch_max,
            idempotency_ttl,
        ));
    }
    sender
}

async fn run(
    queue: Arc<Mutex<mpsc::Receiver<WriteJob>>>,
    pools: Arc<Pools>,
    keys: PiiKeys,
    batch_max: usize,
    idempotency_ttl: Duration,
) {
    let ttl = chrono::Duration::from_std(idempotency_ttl).unwrap_or(chrono::Duration::days(1));
    let mut jobs = Vec::with_capacity(batch_max);
    // Tenants whose row is committed: their insert is skipped (one statement less per job).
    let mut known_tenants: HashSet<String> = HashSet::new();
    // Ends when every sender is gone, after the queue is drained. The lock is held only while
    // waiting for jobs: the next writer gathers its batch while this one writes.
    while queue.lock().await.recv_many(&mut jobs, batch_max).await > 0 {
        let idempotency_since = micros(Utc::now() - ttl);
        let (batch, started) = (jobs.len(), std::time::Instant::now());
        let written =
            write_batch(&pools, &mut jobs, &keys, idempotency_since, &known_tenants).await;
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
                    let mut attempt = 1;
                    let result = loop {
                        let result = write_batch(
                            &pools,
                            std::slice::from_mut(&mut job),
                            &keys,
                            idempotency_since,
                            &known_tenants,
                        )
                        .await
                        .map(|mut outcomes| outcomes.remove(0));
                        match result {
                            Err(err) if err.is_write_conflict() && attempt < JOB_ATTEMPTS => {
                                tracing::debug!(error = %err, attempt, "write conflict; retrying the job");
                                tokio::time::sleep(Duration::from_millis(2 << attempt)).await;
                                attempt += 1;
                            }
                            result => break result,
                        }
                    };
                    let _ = job.reply.send(result);
                }
            }
        }
    }
}

/// Writes a batch in one transaction; any failure rolls all of it back.
async fn write_batch(
    pools: &Pools,
    jobs: &mut [WriteJob],
    keys: &PiiKeys,
    idempotency_since: i64,
    known_tenants: &HashSet<String>,
) -> Result<Vec<SubmitOutcome>, StoreError> {
    let mut tx = pools.begin().await?;
    let outcomes = write_jobs(&mut tx.conn(), jobs, keys, idempotency_since, known_tenants).await?;
    tx.commit().await?;
    Ok(outcomes)
}

/// Which jobs of a batch can be written with multi-row statements: the first job of each
/// `(tenant, external_ref)` and of each `(tenant, idempotency key)`. A later job with the same
/// reference or key is a re-submission of an application written a moment before, so it goes
/// through [`write_one`] after the bulk, exactly as if it had come in the next batch.
fn first_occurrences(jobs: &[WriteJob]) -> Vec<bool> {
    let mut refs = HashSet::new();
    let mut idempotency = HashSet::new();
    jobs.iter()
        .map(|job| {
            let tenant = job.tenant.as_str();
            let new_ref = refs.insert((tenant, job.submission.external_ref.as_str()));
            let new_key = match &job.submission.idempotency {
                Some(idem) => idempotency.insert((tenant, idem.key.as_str())),
                None => true,
            };
            new_ref && new_key
        })
        .collect()
}

/// Writes a batch inside the caller's transaction with one multi-row statement per table for the
/// applications new to the database (the common case), then the others (re-submissions, idempotent
/// replays, duplicates within the batch) one by one with [`write_one`]. The outcomes are in job
/// order and the same as writing every job with [`write_one`] in order. PostgreSQL pays a network
/// round trip per statement, so this is what lets one writer keep up with many connections.
async fn write_jobs(
    conn: &mut Conn<'_>,
    jobs: &mut [WriteJob],
    keys: &PiiKeys,
    idempotency_since: i64,
    known_tenants: &HashSet<String>,
) -> Result<Vec<SubmitOutcome>, StoreError> {
    let mut bulk = first_occurrences(jobs);

    // Jobs whose idempotency key is already stored replay or conflict: one by one.
    let keyed: Vec<(&str, &str)> = jobs
        .iter()
        .zip(&bulk)
        .filter(|(_, bulk)| **bulk)
        .filter_map(|(job, _)| {
            let idem = job.submission.idempotency.as_ref()?;
            Some((job.tenant.as_str(), idem.key.as_str()))
        })
        .collect();
    if !keyed.is_empty() {
        let seen = applications::idempotency_seen(conn, &keyed, idempotency_since).await?;
        for (job, bulk) in jobs.iter().zip(bulk.iter_mut()) {
            if let Some(idem) = &job.submission.idempotency
                && seen.contains(&(job.tenant.as_str().to_owned(), idem.key.clone()))
            {
                *bulk = false;
            }
        }
    }

    let mut new_tenants: Vec<&str> = jobs
        .iter()
        .map(|job| job.tenant.as_str())
        .filter(|tenant| !known_tenants.contains(*tenant))
        .collect();
    new_tenants.sort_unstable();
    new_tenants.dedup();
    applications::insert_tenants(conn, &new_tenants, micros(Utc::now())).await?;

    // Applications: ids are made here, so the rows that went in are known by id.
    let candidates: Vec<usize> = (0..jobs.len()).filter(|&i| bulk[i]).collect();
    for &i in &candidates {
        jobs[i].submission.verdict.id = uuid::Uuid::now_v7().to_string();
    }
    let sealed: Vec<Vec<u8>> = candidates
        .iter()
        .map(|&i| keys.seal(&jobs[i].submission.application_json))
        .collect();
    let marker = crate::identifiers::index_marker(keys);
    let rows: Vec<NewApplication<'_>> = candidates
        .iter()
        .zip(&sealed)
        .map(|(&i, sealed)| {
            let sub = &jobs[i].submission;
            NewApplication {
                id: &sub.verdict.id,
                tenant: jobs[i].tenant.as_str(),
                external_ref: &sub.external_ref,
                received_at: micros(sub.received_at),
                verdict: sub.verdict.verdict.as_str(),
                risk_score: i64::from(sub.verdict.risk_score),
                application_enc: sealed,
                base_verdict: sub.base_verdict.as_str(),
                indexed_with: &marker,
            }
        })
        .collect();
    let inserted: HashSet<String> = applications::insert_new(conn, &rows)
        .await?
        .into_iter()
        .collect();
    drop(rows);
    let written: Vec<usize> = candidates
        .into_iter()
        .filter(|&i| inserted.contains(&jobs[i].submission.verdict.id))
        .collect();

    // Their index rows, their verdicts (version 1), whose documents are the responses, and their
    // Idempotency-Keys.
    let mut documents: Vec<Option<Vec<u8>>> = vec![None; jobs.len()];
    for &i in &written {
        jobs[i].submission.verdict.cause = Some(Cause::of(CauseKind::Submission));
        documents[i] = Some(verdict_document(&jobs[i].submission)?);
    }
    let indexed: Vec<Indexed<'_>> = written
        .iter()
        .map(|&i| Indexed {
            application_id: &jobs[i].submission.verdict.id,
            tenant: jobs[i].tenant.as_str(),
            identifiers: &jobs[i].submission.identifiers,
            base_verdict: jobs[i].submission.base_verdict.as_str(),
        })
        .collect();
    index::insert(conn, &indexed).await?;
    let sealed: Vec<Vec<u8>> = written
        .iter()
        .map(|&i| keys.seal(documents[i].as_deref().unwrap_or_default()))
        .collect();
    let verdicts: Vec<NewVerdict<'_>> = written
        .iter()
        .zip(&sealed)
        .map(|(&i, sealed)| new_verdict(&jobs[i], 1, CauseKind::Submission.as_str(), sealed))
        .collect();
    applications::insert_verdicts(conn, &verdicts).await?;
    let idempotency: Vec<NewIdempotencyKey<'_>> = written
        .iter()
        .filter_map(|&i| {
            let sub = &jobs[i].submission;
            let idem = sub.idempotency.as_ref()?;
            Some(NewIdempotencyKey {
                tenant: jobs[i].tenant.as_str(),
                key: &idem.key,
                request_hash: &idem.request_hash,
                status: 201,
                application_id: &sub.verdict.id,
                version: 1,
                created_at: micros(sub.received_at),
            })
        })
        .collect();
    applications::upsert_idempotency(conn, &idempotency).await?;

    // Their `verdict.created` events.
    let mut events: Vec<Event> = Vec::with_capacity(written.len());
    for &i in &written {
        let (tenant, verdict) = (jobs[i].tenant.as_str(), &jobs[i].submission.verdict);
        let cause = CauseKind::Submission.as_str();
        events.push(Event::verdict(
            tenant,
            EventType::VerdictCreated,
            verdict,
            1,
            cause,
        ));
        if webhooks::opens_case(None, verdict) {
            events.push(Event::verdict(
                tenant,
                EventType::CaseOpened,
                verdict,
                1,
                cause,
            ));
        }
    }

    // Everything else, one by one and in order, after the rows above.
    let mut outcomes = Vec::with_capacity(jobs.len());
    for (job, document) in jobs.iter_mut().zip(documents) {
        outcomes.push(match document {
            Some(json) => SubmitOutcome::Created(StoredVerdict {
                application_id: job.submission.verdict.id.clone(),
                version: 1,
                decision: job.submission.verdict.verdict,
                json,
            }),
            None => {
                write_one(
                    conn,
                    job,
                    keys,
                    idempotency_since,
                    known_tenants,
                    &mut events,
                )
                .await?
            }
        });
    }
    // The outbox: one statement for the whole batch, in its transaction.
    if !events.is_empty() {
        webhooks::record(conn, &events).await?;
    }
    Ok(outcomes)
}

/// Writes one job inside the caller's transaction: a replay or conflict of its Idempotency-Key, a
/// new application, or the next version of one stored before. The webhook event the version causes
/// (`verdict.created`, or `verdict.changed` when the decision differs from the previous version's)
/// is added to `events`.
async fn write_one(
    conn: &mut Conn<'_>,
    job: &mut WriteJob,
    keys: &PiiKeys,
    idempotency_since: i64,
    known_tenants: &HashSet<String>,
    events: &mut Vec<Event>,
) -> Result<SubmitOutcome, StoreError> {
    let tenant = job.tenant.as_str();
    let sub = &mut job.submission;
    let now = micros(sub.received_at);

    if let Some(idem) = &sub.idempotency
        && let Some(seen) =
            applications::idempotency(conn, tenant, &idem.key, idempotency_since).await?
    {
        if seen.request_hash != idem.request_hash {
            return Ok(SubmitOutcome::IdempotencyConflict);
        }
        let stored =
            applications::verdict_at(conn, tenant, &seen.application_id, seen.version).await?;
        return Ok(SubmitOutcome::Replayed {
            status: u16::try_from(seen.status).unwrap_or(200),
            verdict: StoredVerdict {
                decision: Decision::parse(&stored.verdict).ok_or_else(|| {
                    StoreError::Corrupt(format!("unknown verdict {:?}", stored.verdict))
                })?,
                json: super::handle::with_legacy_cause(
                    keys.open(&stored.verdict_enc)?,
                    &stored.cause,
                ),
                application_id: seen.application_id,
                version: seen.version,
            },
        });
    }

    if !known_tenants.contains(tenant) {
        applications::insert_tenants(conn, &[tenant], now).await?;
    }
    let application_enc = keys.seal(&sub.application_json);
    let marker = crate::identifiers::index_marker(keys);
    let candidate = uuid::Uuid::now_v7().to_string();
    let inserted = applications::insert_new(
        conn,
        &[NewApplication {
            id: &candidate,
            tenant,
            external_ref: &sub.external_ref,
            received_at: now,
            verdict: sub.verdict.verdict.as_str(),
            risk_score: i64::from(sub.verdict.risk_score),
            application_enc: &application_enc,
            base_verdict: sub.base_verdict.as_str(),
            indexed_with: &marker,
        }],
    )
    .await?;
    let mut confirmed_case = false;
    let (id, version, created, previous_decision) = if inserted.is_empty() {
        // PostgreSQL's writers work in parallel: the row is locked so that two of them
        // re-submitting one application number their versions one after the other.
        let current = applications::by_ref_for_update(conn, tenant, &sub.external_ref).await?;
        let version = current.version + 1;
        if !current.review_decision.is_empty()
            && let Some(stored) = super::reviews::latest(conn, keys, tenant, &current.id).await?
        {
            // A reviewer decided on it: the decision holds unless the re-submission brings new
            // evidence (policy::review).
            let basis: crate::policy::review::Basis = serde_json::from_str(&stored.basis_json)
                .map_err(|e| {
                    StoreError::Corrupt(format!("decision basis of {}: {e}", current.id))
                })?;
            let decision = crate::policy::review::DecisionOnRecord {
                review: stored.review,
                basis,
            };
            sub.verdict =
                crate::policy::review::apply(sub.verdict.clone(), &sub.reject_forcing, &decision);
        }
        // Two re-submissions screened at t1 < t2 can commit in the other order. The one committed
        // last is the current verdict, so its time must not run before the version it follows: it
        // is stamped just after it, and the history reads in screening order.
        let previous = applications::screened_at(conn, &current.id, current.version).await?;
        if let Some(previous) = previous.and_then(|t| from_micros(t).ok())
            && sub.verdict.screened_at <= previous
        {
            sub.verdict.screened_at = previous + chrono::Duration::milliseconds(1);
        }
        applications::update_resubmitted(
            conn,
            &Resubmission {
                id: &current.id,
                tenant,
                updated_at: now,
                verdict: sub.verdict.verdict.as_str(),
                risk_score: i64::from(sub.verdict.risk_score),
                version,
                application_enc: &application_enc,
                base_verdict: sub.base_verdict.as_str(),
                indexed_with: &marker,
            },
        )
        .await?;
        index::delete(conn, tenant, &current.id).await?;
        confirmed_case = current.review_decision == "rejected";
        (current.id, version, false, Some(current.verdict))
    } else {
        (candidate, 1, true, None)
    };
    sub.verdict.id = id;
    index::insert(
        conn,
        &[Indexed {
            application_id: &sub.verdict.id,
            tenant,
            identifiers: &sub.identifiers,
            base_verdict: sub.base_verdict.as_str(),
        }],
    )
    .await?;
    if confirmed_case {
        index::mark_confirmed(conn, tenant, &sub.verdict.id).await?;
    }
    let cause = if created {
        CauseKind::Submission
    } else {
        CauseKind::Resubmission
    };
    sub.verdict.cause = Some(Cause::of(cause));
    let json = verdict_document(sub)?;
    let sealed = keys.seal(&json);
    let cause = cause.as_str();
    applications::insert_verdicts(conn, &[new_verdict(job, version, cause, &sealed)]).await?;
    let sub = &job.submission;
    let event = match &previous_decision {
        None => Some(EventType::VerdictCreated),
        Some(previous) if previous != sub.verdict.verdict.as_str() => {
            Some(EventType::VerdictChanged)
        }
        Some(_) => None,
    };
    if let Some(kind) = event {
        events.push(Event::verdict(tenant, kind, &sub.verdict, version, cause));
    }
    if webhooks::opens_case(previous_decision.as_deref(), &sub.verdict) {
        events.push(Event::verdict(
            tenant,
            EventType::CaseOpened,
            &sub.verdict,
            version,
            cause,
        ));
    }
    if let Some(idem) = &sub.idempotency {
        applications::upsert_idempotency(
            conn,
            &[NewIdempotencyKey {
                tenant,
                key: &idem.key,
                request_hash: &idem.request_hash,
                status: if created { 201 } else { 200 },
                application_id: &sub.verdict.id,
                version,
                created_at: now,
            }],
        )
        .await?;
    }
    let stored = StoredVerdict {
        application_id: sub.verdict.id.clone(),
        version,
        decision: sub.verdict.verdict,
        json,
    };
    Ok(if created {
        SubmitOutcome::Created(stored)
    } else {
        SubmitOutcome::Rescreened(stored)
    })
}

/// The verdict document a submission stores and answers with.
fn verdict_document(sub: &Submission) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(&sub.verdict).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn new_verdict<'a>(
    job: &'a WriteJob,
    version: i64,
    cause: &'a str,
    sealed: &'a [u8],
) -> NewVerdict<'a> {
    let verdict = &job.submission.verdict;
    NewVerdict {
        application_id: &verdict.id,
        version,
        tenant: job.tenant.as_str(),
        verdict: verdict.verdict.as_str(),
        risk_score: i64::from(verdict.risk_score),
        policy_version: &verdict.policy_version,
        cause,
        screened_at: micros(verdict.screened_at),
        verdict_enc: sealed,
    }
}
