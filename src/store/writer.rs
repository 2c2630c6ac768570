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

use super::backend::Backend;
use super::{StoreError, Submission, SubmitOutcome, TenantId, micros};
use crate::crypto::PiiKeys;

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
    backend: Arc<Backend>,
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
            backend.clone(),
            keys.clone(),
            batch_max,
            idempotency_ttl,
        ));
    }
    sender
}

async fn run(
    queue: Arc<Mutex<mpsc::Receiver<WriteJob>>>,
    backend: Arc<Backend>,
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
                    let mut attempt = 1;
                    let result = loop {
                        let result = backend
                            .write_batch(
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

/// `insert into identifiers … values (…), (…)` for `rows` rows of seven columns.
pub(crate) fn identifier_insert_sql(rows: usize, numbered: bool) -> String {
    multi_row_sql(
        "identifiers (key_hash, application_id, tenant_id, kind, name_key, dob_key, detail_enc, \
         seen_first, seen_last)",
        9,
        rows,
        "on conflict (tenant_id, key_hash, application_id) do nothing",
        numbered,
    )
}

/// Writes one job inside the caller's transaction. A macro rather than a function because it runs
/// on both backends' transaction types with the same SQL.
macro_rules! write_one {
    ($conn:expr, $job:expr, $keys:expr, $idempotency_since:expr, $known_tenants:expr, $numbered:expr) => {{
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
                        // PostgreSQL's writers work in parallel: the row is locked so that two of them
                        // re-submitting one application number their versions one after the other
                        // (SQLite's single writer needs no lock, nor has the syntax).
                        let (id, version): (String, i64) = sqlx::query_as(if $numbered {
                            "select id, version from applications where tenant_id = $1 and external_ref = $2 for update"
                        } else {
                            "select id, version from applications where tenant_id = $1 and external_ref = $2"
                        })
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
                    let sql = $crate::store::writer::identifier_insert_sql(ids.entries.len(), $numbered);
                    let mut insert = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for entry in &ids.entries {
                        insert = insert
                            .bind(&entry.key[..])
                            .bind(&id)
                            .bind(tenant)
                            .bind(entry.kind.as_str())
                            .bind(&ids.name_key[..])
                            .bind(ids.dob_key.as_ref().map(|k| &k[..]))
                            .bind(entry.detail.as_deref())
                            .bind(entry.seen.map(|s| s.first))
                            .bind(entry.seen.map(|s| s.last));
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

/// Most bound values in one statement: under SQLite's 32,766 and PostgreSQL's 65,535.
const MAX_PARAMS: usize = 30_000;

/// `insert into <table> (<columns>) values (…), (…) <tail>` for `rows` rows. Audited: the table,
/// columns and tail are literals of this module; only placeholders are generated.
///
/// Placeholders are `$1, $2, …` on PostgreSQL (`numbered`) and plain `?` on SQLite, bound in the
/// same order: SQLite finds a named parameter by a linear search of its names, which made binding a
/// statement of a few thousand `$N` parameters quadratic (a tenth of the server's CPU under load).
fn multi_row_sql(
    table_and_columns: &str,
    columns: usize,
    rows: usize,
    tail: &str,
    numbered: bool,
) -> String {
    let mut sql = format!("insert into {table_and_columns} values ");
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..columns {
            if column > 0 {
                sql.push_str(", ");
            }
            if numbered {
                sql.push_str(&format!("${}", row * columns + column + 1));
            } else {
                sql.push('?');
            }
        }
        sql.push(')');
    }
    sql.push(' ');
    sql.push_str(tail);
    sql
}

pub(crate) fn tenants_insert_sql(rows: usize, numbered: bool) -> String {
    multi_row_sql(
        "tenants (id, created_at)",
        2,
        rows,
        "on conflict (id) do nothing",
        numbered,
    )
}

pub(crate) const IDEMPOTENCY_COLUMNS: usize = 7;
pub(crate) fn idempotency_insert_sql(rows: usize, numbered: bool) -> String {
    multi_row_sql(
        "idempotency_keys (tenant_id, idem_key, request_hash, status, application_id, version, created_at)",
        IDEMPOTENCY_COLUMNS,
        rows,
        "on conflict (tenant_id, idem_key) do update set request_hash = excluded.request_hash, \
         status = excluded.status, application_id = excluded.application_id, \
         version = excluded.version, created_at = excluded.created_at",
        numbered,
    )
}

/// `select tenant_id, idem_key … where (tenant_id, idem_key) in ((…), …)` for `rows` pairs; `$1` is
/// the oldest creation time still valid.
pub(crate) fn idempotency_seen_sql(rows: usize, numbered: bool) -> String {
    let pairs: Vec<String> = (0..rows)
        .map(|row| match numbered {
            true => format!("(${}, ${})", row * 2 + 2, row * 2 + 3),
            false => "(?, ?)".to_owned(),
        })
        .collect();
    format!(
        "select tenant_id, idem_key from idempotency_keys where created_at >= {} \
         and (tenant_id, idem_key) in ({})",
        if numbered { "$1" } else { "?" },
        pairs.join(", ")
    )
}

/// Rows per statement for a table of `columns` columns.
pub(crate) fn rows_per_statement(columns: usize) -> usize {
    MAX_PARAMS / columns
}

/// Which jobs of a batch can be written with multi-row statements: the first job of each
/// `(tenant, external_ref)` and of each `(tenant, idempotency key)`. A later job with the same
/// reference or key is a re-submission of an application written a moment before, so it goes
/// through [`write_one`] after the bulk, exactly as if it had come in the next batch.
pub(crate) fn first_occurrences(jobs: &[WriteJob]) -> Vec<bool> {
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
macro_rules! write_many {
    ($conn:ident, $jobs:expr, $keys:expr, $idempotency_since:expr, $known_tenants:expr, $numbered:expr) => {{
        let numbered: bool = $numbered;
        use $crate::store::writer as w;
        let jobs: &mut [w::WriteJob] = $jobs;
        let keys: &$crate::crypto::PiiKeys = $keys;
        let idempotency_since: i64 = $idempotency_since;
        let mut bulk = w::first_occurrences(jobs);

        // Jobs whose idempotency key is already stored replay or conflict: one by one.
        let keyed: Vec<usize> = (0..jobs.len())
            .filter(|&i| bulk[i] && jobs[i].submission.idempotency.is_some())
            .collect();
        for chunk in keyed.chunks(w::rows_per_statement(2)) {
            let mut query = sqlx::query_as::<_, (String, String)>(sqlx::AssertSqlSafe(
                w::idempotency_seen_sql(chunk.len(), numbered),
            ))
            .bind(idempotency_since);
            for &i in chunk {
                let key = jobs[i]
                    .submission
                    .idempotency
                    .as_ref()
                    .map(|idem| idem.key.as_str());
                query = query
                    .bind(jobs[i].tenant.as_str())
                    .bind(key.unwrap_or_default());
            }
            let seen: std::collections::HashSet<(String, String)> =
                query.fetch_all(&mut *$conn).await?.into_iter().collect();
            for &i in chunk {
                if let Some(idem) = &jobs[i].submission.idempotency {
                    if seen.contains(&(jobs[i].tenant.as_str().to_owned(), idem.key.clone())) {
                        bulk[i] = false;
                    }
                }
            }
        }

        let mut new_tenants: Vec<&str> = jobs
            .iter()
            .map(|job| job.tenant.as_str())
            .filter(|tenant| !$known_tenants.contains(*tenant))
            .collect();
        new_tenants.sort_unstable();
        new_tenants.dedup();
        if !new_tenants.is_empty() {
            let now = $crate::store::micros(chrono::Utc::now());
            let mut query = sqlx::query(sqlx::AssertSqlSafe(w::tenants_insert_sql(
                new_tenants.len(),
                numbered,
            )));
            for tenant in &new_tenants {
                query = query.bind(*tenant).bind(now);
            }
            query.execute(&mut *$conn).await?;
        }

        // Applications: ids are made here, so the rows that went in are known by id.
        let candidates: Vec<usize> = (0..jobs.len()).filter(|&i| bulk[i]).collect();
        for &i in &candidates {
            jobs[i].submission.verdict.id = uuid::Uuid::now_v7().to_string();
        }
        let inserted: std::collections::HashSet<String> = {
            let rows = w::ApplicationRows::of(jobs, &candidates, keys);
            w::BulkInsert::insert_applications(&mut *$conn, &rows)
                .await?
                .into_iter()
                .collect()
        };
        let written: Vec<usize> = candidates
            .into_iter()
            .filter(|&i| inserted.contains(&jobs[i].submission.verdict.id))
            .collect();

        // Their index rows, and their verdicts (version 1), whose bodies are the responses.
        let mut bodies: Vec<Option<Vec<u8>>> = (0..jobs.len()).map(|_| None).collect();
        for &i in &written {
            let body = serde_json::to_vec(&jobs[i].submission.verdict)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            bodies[i] = Some(body);
        }
        {
            let rows = w::IdentifierRows::of(jobs, &written);
            if !rows.key.is_empty() {
                w::BulkInsert::insert_identifiers(&mut *$conn, &rows).await?;
            }
            let rows = w::VerdictRows::of(jobs, &written, &bodies, keys);
            if !rows.application_id.is_empty() {
                w::BulkInsert::insert_verdicts(&mut *$conn, &rows).await?;
            }
        }

        // Idempotency keys of those applications (an expired row for the same key may remain).
        let keyed: Vec<usize> = written
            .iter()
            .copied()
            .filter(|&i| jobs[i].submission.idempotency.is_some())
            .collect();
        for chunk in keyed.chunks(w::rows_per_statement(w::IDEMPOTENCY_COLUMNS)) {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(w::idempotency_insert_sql(
                chunk.len(),
                numbered,
            )));
            for &i in chunk {
                let sub = &jobs[i].submission;
                let Some(idem) = &sub.idempotency else {
                    continue;
                };
                query = query
                    .bind(jobs[i].tenant.as_str())
                    .bind(idem.key.as_str())
                    .bind(&idem.request_hash[..])
                    .bind(201_i64)
                    .bind(sub.verdict.id.as_str())
                    .bind(1_i64)
                    .bind($crate::store::micros(sub.received_at));
            }
            query.execute(&mut *$conn).await?;
        }

        // Everything else, one by one and in order, after the rows above.
        let mut outcomes = Vec::with_capacity(jobs.len());
        for (i, job) in jobs.iter_mut().enumerate() {
            outcomes.push(match bodies[i].take() {
                Some(body) => SubmitOutcome::Created(body),
                None => w::write_one!(
                    &mut *$conn,
                    job,
                    keys,
                    idempotency_since,
                    $known_tenants,
                    numbered
                ),
            });
        }
        outcomes
    }};
}

pub(crate) use write_many;

/// Version-1 application rows of a batch, column by column.
pub(crate) struct ApplicationRows<'a> {
    id: Vec<&'a str>,
    tenant: Vec<&'a str>,
    external_ref: Vec<&'a str>,
    received_at: Vec<i64>,
    verdict: Vec<&'a str>,
    risk_score: Vec<i64>,
    application_enc: Vec<Vec<u8>>,
    base_verdict: Vec<&'a str>,
}

impl<'a> ApplicationRows<'a> {
    pub(crate) fn of(jobs: &'a [WriteJob], which: &[usize], keys: &PiiKeys) -> ApplicationRows<'a> {
        let mut rows = ApplicationRows {
            id: Vec::with_capacity(which.len()),
            tenant: Vec::with_capacity(which.len()),
            external_ref: Vec::with_capacity(which.len()),
            received_at: Vec::with_capacity(which.len()),
            verdict: Vec::with_capacity(which.len()),
            risk_score: Vec::with_capacity(which.len()),
            application_enc: Vec::with_capacity(which.len()),
            base_verdict: Vec::with_capacity(which.len()),
        };
        for &i in which {
            let sub = &jobs[i].submission;
            rows.id.push(&sub.verdict.id);
            rows.tenant.push(jobs[i].tenant.as_str());
            rows.external_ref.push(&sub.external_ref);
            rows.received_at.push(micros(sub.received_at));
            rows.verdict.push(sub.verdict.verdict.as_str());
            rows.risk_score.push(i64::from(sub.verdict.risk_score));
            rows.application_enc.push(keys.seal(&sub.application_json));
            rows.base_verdict.push(sub.base_verdict.as_str());
        }
        rows
    }
}

/// Index rows of a batch's new applications, column by column.
pub(crate) struct IdentifierRows<'a> {
    pub(crate) key: Vec<&'a [u8]>,
    application_id: Vec<&'a str>,
    tenant: Vec<&'a str>,
    kind: Vec<&'a str>,
    name_key: Vec<&'a [u8]>,
    dob_key: Vec<Option<&'a [u8]>>,
    detail: Vec<Option<&'a [u8]>>,
    seen_first: Vec<Option<i64>>,
    seen_last: Vec<Option<i64>>,
}

impl<'a> IdentifierRows<'a> {
    pub(crate) fn of(jobs: &'a [WriteJob], which: &[usize]) -> IdentifierRows<'a> {
        let count = which
            .iter()
            .map(|&i| jobs[i].submission.identifiers.entries.len())
            .sum();
        let mut rows = IdentifierRows {
            key: Vec::with_capacity(count),
            application_id: Vec::with_capacity(count),
            tenant: Vec::with_capacity(count),
            kind: Vec::with_capacity(count),
            name_key: Vec::with_capacity(count),
            dob_key: Vec::with_capacity(count),
            detail: Vec::with_capacity(count),
            seen_first: Vec::with_capacity(count),
            seen_last: Vec::with_capacity(count),
        };
        for &i in which {
            let sub = &jobs[i].submission;
            let ids = &sub.identifiers;
            for entry in &ids.entries {
                rows.key.push(&entry.key[..]);
                rows.application_id.push(&sub.verdict.id);
                rows.tenant.push(jobs[i].tenant.as_str());
                rows.kind.push(entry.kind.as_str());
                rows.name_key.push(&ids.name_key[..]);
                rows.dob_key.push(ids.dob_key.as_ref().map(|k| &k[..]));
                rows.detail.push(entry.detail.as_deref());
                rows.seen_first.push(entry.seen.map(|s| s.first));
                rows.seen_last.push(entry.seen.map(|s| s.last));
            }
        }
        rows
    }
}

/// First verdicts (version 1, cause `submitted`) of a batch's new applications, column by column.
pub(crate) struct VerdictRows<'a> {
    pub(crate) application_id: Vec<&'a str>,
    tenant: Vec<&'a str>,
    verdict: Vec<&'a str>,
    risk_score: Vec<i64>,
    policy_version: Vec<&'a str>,
    screened_at: Vec<i64>,
    verdict_enc: Vec<Vec<u8>>,
}

impl<'a> VerdictRows<'a> {
    pub(crate) fn of(
        jobs: &'a [WriteJob],
        which: &[usize],
        bodies: &[Option<Vec<u8>>],
        keys: &PiiKeys,
    ) -> VerdictRows<'a> {
        let mut rows = VerdictRows {
            application_id: Vec::with_capacity(which.len()),
            tenant: Vec::with_capacity(which.len()),
            verdict: Vec::with_capacity(which.len()),
            risk_score: Vec::with_capacity(which.len()),
            policy_version: Vec::with_capacity(which.len()),
            screened_at: Vec::with_capacity(which.len()),
            verdict_enc: Vec::with_capacity(which.len()),
        };
        for &i in which {
            let verdict = &jobs[i].submission.verdict;
            rows.application_id.push(&verdict.id);
            rows.tenant.push(jobs[i].tenant.as_str());
            rows.verdict.push(verdict.verdict.as_str());
            rows.risk_score.push(i64::from(verdict.risk_score));
            rows.policy_version.push(&verdict.policy_version);
            rows.screened_at.push(micros(verdict.screened_at));
            rows.verdict_enc
                .push(keys.seal(bodies[i].as_deref().unwrap_or_default()));
        }
        rows
    }
}

/// Multi-row inserts of a batch's new applications. PostgreSQL takes each column as one array
/// (`unnest`): one statement text whatever the batch size, prepared once per connection, so a
/// batch costs three round trips. SQLite, in process, takes `values (?, …), …` in chunks under its
/// parameter limit.
pub(crate) trait BulkInsert {
    /// Inserts the rows whose `(tenant, external_ref)` is new; returns the ids inserted.
    fn insert_applications(
        &mut self,
        rows: &ApplicationRows<'_>,
    ) -> impl std::future::Future<Output = Result<Vec<String>, sqlx::Error>> + Send;
    fn insert_identifiers(
        &mut self,
        rows: &IdentifierRows<'_>,
    ) -> impl std::future::Future<Output = Result<(), sqlx::Error>> + Send;
    fn insert_verdicts(
        &mut self,
        rows: &VerdictRows<'_>,
    ) -> impl std::future::Future<Output = Result<(), sqlx::Error>> + Send;
}

const APPLICATION_INSERT: &str = "insert into applications (id, tenant_id, external_ref, received_at, \
     updated_at, verdict, risk_score, version, application_enc, base_verdict)";
const IDENTIFIER_INSERT: &str = "insert into identifiers (key_hash, application_id, tenant_id, kind, \
     name_key, dob_key, detail_enc, seen_first, seen_last)";
const VERDICT_INSERT: &str = "insert into verdicts (application_id, version, tenant_id, verdict, \
     risk_score, policy_version, cause, screened_at, verdict_enc)";

impl BulkInsert for sqlx::PgConnection {
    async fn insert_applications(
        &mut self,
        rows: &ApplicationRows<'_>,
    ) -> Result<Vec<String>, sqlx::Error> {
        static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let sql = SQL.get_or_init(|| {
            format!(
                "{APPLICATION_INSERT} select id, t, r, at, at, v, s, 1, enc, b \
                 from unnest($1::text[], $2::text[], $3::text[], $4::int8[], $5::text[], $6::int8[], \
                 $7::bytea[], $8::text[]) as x(id, t, r, at, v, s, enc, b) \
                 on conflict (tenant_id, external_ref) do nothing returning id"
            )
        });
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(&rows.id)
            .bind(&rows.tenant)
            .bind(&rows.external_ref)
            .bind(&rows.received_at)
            .bind(&rows.verdict)
            .bind(&rows.risk_score)
            .bind(&rows.application_enc)
            .bind(&rows.base_verdict)
            .fetch_all(self)
            .await
    }

    async fn insert_identifiers(&mut self, rows: &IdentifierRows<'_>) -> Result<(), sqlx::Error> {
        static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let sql = SQL.get_or_init(|| {
            format!(
                "{IDENTIFIER_INSERT} select * from unnest($1::bytea[], $2::text[], $3::text[], \
                 $4::text[], $5::bytea[], $6::bytea[], $7::bytea[], $8::int8[], $9::int8[]) \
                 on conflict (tenant_id, key_hash, application_id) do nothing"
            )
        });
        sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(&rows.key)
            .bind(&rows.application_id)
            .bind(&rows.tenant)
            .bind(&rows.kind)
            .bind(&rows.name_key)
            .bind(&rows.dob_key)
            .bind(&rows.detail)
            .bind(&rows.seen_first)
            .bind(&rows.seen_last)
            .execute(self)
            .await
            .map(|_| ())
    }

    async fn insert_verdicts(&mut self, rows: &VerdictRows<'_>) -> Result<(), sqlx::Error> {
        static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let sql = SQL.get_or_init(|| {
            format!(
                "{VERDICT_INSERT} select a, 1, t, v, s, p, 'submitted', at, enc \
                 from unnest($1::text[], $2::text[], $3::text[], $4::int8[], $5::text[], $6::int8[], \
                 $7::bytea[]) as x(a, t, v, s, p, at, enc)"
            )
        });
        sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(&rows.application_id)
            .bind(&rows.tenant)
            .bind(&rows.verdict)
            .bind(&rows.risk_score)
            .bind(&rows.policy_version)
            .bind(&rows.screened_at)
            .bind(&rows.verdict_enc)
            .execute(self)
            .await
            .map(|_| ())
    }
}

/// `values (?, …), …` for `rows` rows of `columns` placeholders each (SQLite's plain `?`).
fn sqlite_values(columns: usize, rows: usize) -> String {
    let row = format!("({})", vec!["?"; columns].join(", "));
    vec![row; rows].join(", ")
}

impl BulkInsert for sqlx::SqliteConnection {
    async fn insert_applications(
        &mut self,
        rows: &ApplicationRows<'_>,
    ) -> Result<Vec<String>, sqlx::Error> {
        let mut inserted = Vec::with_capacity(rows.id.len());
        let per_statement = rows_per_statement(10);
        for start in (0..rows.id.len()).step_by(per_statement) {
            let end = (start + per_statement).min(rows.id.len());
            let sql = format!(
                "{APPLICATION_INSERT} values {} on conflict (tenant_id, external_ref) do nothing returning id",
                sqlite_values(10, end - start)
            );
            let mut query = sqlx::query_scalar(sqlx::AssertSqlSafe(sql));
            for i in start..end {
                query = query
                    .bind(rows.id[i])
                    .bind(rows.tenant[i])
                    .bind(rows.external_ref[i])
                    .bind(rows.received_at[i])
                    .bind(rows.received_at[i])
                    .bind(rows.verdict[i])
                    .bind(rows.risk_score[i])
                    .bind(1_i64)
                    .bind(&rows.application_enc[i][..])
                    .bind(rows.base_verdict[i]);
            }
            inserted.extend(query.fetch_all(&mut *self).await?);
        }
        Ok(inserted)
    }

    async fn insert_identifiers(&mut self, rows: &IdentifierRows<'_>) -> Result<(), sqlx::Error> {
        let per_statement = rows_per_statement(9);
        for start in (0..rows.key.len()).step_by(per_statement) {
            let end = (start + per_statement).min(rows.key.len());
            let sql = identifier_insert_sql(end - start, false);
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for i in start..end {
                query = query
                    .bind(rows.key[i])
                    .bind(rows.application_id[i])
                    .bind(rows.tenant[i])
                    .bind(rows.kind[i])
                    .bind(rows.name_key[i])
                    .bind(rows.dob_key[i])
                    .bind(rows.detail[i])
                    .bind(rows.seen_first[i])
                    .bind(rows.seen_last[i]);
            }
            query.execute(&mut *self).await?;
        }
        Ok(())
    }

    async fn insert_verdicts(&mut self, rows: &VerdictRows<'_>) -> Result<(), sqlx::Error> {
        let per_statement = rows_per_statement(9);
        for start in (0..rows.application_id.len()).step_by(per_statement) {
            let end = (start + per_statement).min(rows.application_id.len());
            let sql = format!("{VERDICT_INSERT} values {}", sqlite_values(9, end - start));
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for i in start..end {
                query = query
                    .bind(rows.application_id[i])
                    .bind(1_i64)
                    .bind(rows.tenant[i])
                    .bind(rows.verdict[i])
                    .bind(rows.risk_score[i])
                    .bind(rows.policy_version[i])
                    .bind("submitted")
                    .bind(rows.screened_at[i])
                    .bind(&rows.verdict_enc[i][..]);
            }
            query.execute(&mut *self).await?;
        }
        Ok(())
    }
}
