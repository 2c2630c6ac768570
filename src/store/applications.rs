//! Queries on applications, their verdict versions, tenants and Idempotency-Keys.

use std::collections::HashSet;

use sqlx::AssertSqlSafe;

use super::model::ListQuery;
use super::sql::{Arg, Batch, Column, Conn, micros};

/// A verdict version, sealed.
#[derive(sqlx::FromRow)]
pub(crate) struct SealedVerdict {
    pub version: i64,
    pub verdict: String,
    /// The stored cause (`CauseKind`, or a value from before causes were kept in the document).
    pub cause: String,
    pub verdict_enc: Vec<u8>,
}

/// One item of HR's verdict query, with its keyset position.
#[derive(sqlx::FromRow)]
pub(crate) struct ListedVerdict {
    pub id: String,
    pub updated_at: i64,
    pub cause: String,
    pub verdict_enc: Vec<u8>,
}

/// An application with its current verdict, sealed.
#[derive(sqlx::FromRow)]
pub(crate) struct SealedApplication {
    pub external_ref: String,
    pub received_at: i64,
    pub version: i64,
    pub application_enc: Vec<u8>,
    pub verdict_enc: Vec<u8>,
}

/// An application's id and first reception, by `external_ref`, and whether an identity vendor's
/// result is stored for it (store/idv.rs).
#[derive(sqlx::FromRow)]
pub(crate) struct Reception {
    pub id: String,
    pub received_at: i64,
    pub has_idv: bool,
}

#[derive(sqlx::FromRow)]
pub(crate) struct CurrentVersion {
    pub id: String,
    pub version: i64,
    /// The latest reviewer decision ('' for none).
    pub review_decision: String,
    /// The current version's decision.
    pub verdict: String,
}

/// What an Idempotency-Key answered with.
#[derive(sqlx::FromRow)]
pub(crate) struct IdempotencyRow {
    pub request_hash: Vec<u8>,
    pub status: i64,
    pub application_id: String,
    pub version: i64,
}

/// A stored application as the re-index reads it.
#[derive(sqlx::FromRow)]
pub(crate) struct IndexSource {
    pub id: String,
    pub tenant_id: String,
    pub version: i64,
    pub received_at: i64,
    pub application_enc: Vec<u8>,
}

/// The current verdict of one of a tenant's applications.
pub(crate) async fn latest(
    conn: &mut Conn<'_>,
    tenant: &str,
    id: &str,
) -> Result<Option<SealedVerdict>, sqlx::Error> {
    conn.fetch_optional(
        "select v.version, v.verdict, v.cause, v.verdict_enc from applications a \
         join verdicts v on v.application_id = a.id and v.version = a.version \
         where a.tenant_id = $1 and a.id = $2",
        &[tenant.into(), id.into()],
    )
    .await
}

/// Every verdict version of one of a tenant's applications, oldest first.
/// Verdict versions after `after_version`, oldest first; `limit` rows at most.
pub(crate) async fn history(
    conn: &mut Conn<'_>,
    tenant: &str,
    id: &str,
    after_version: i64,
    limit: i64,
) -> Result<Vec<SealedVerdict>, sqlx::Error> {
    conn.fetch_all(
        "select version, verdict, cause, verdict_enc from verdicts \
         where tenant_id = $1 and application_id = $2 and version > $3 \
         order by version limit $4",
        &[tenant.into(), id.into(), after_version.into(), limit.into()],
    )
    .await
}

/// When one verdict version was screened (µs).
pub(crate) async fn screened_at(
    conn: &mut Conn<'_>,
    id: &str,
    version: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = conn
        .fetch_optional(
            "select screened_at from verdicts where application_id = $1 and version = $2",
            &[id.into(), version.into()],
        )
        .await?;
    Ok(row.map(|(t,)| t))
}

/// Whether the tenant has this application.
pub(crate) async fn exists(
    conn: &mut Conn<'_>,
    tenant: &str,
    id: &str,
) -> Result<bool, sqlx::Error> {
    let found: Vec<i64> = conn
        .scalars(
            "select version from applications where tenant_id = $1 and id = $2",
            &[tenant.into(), id.into()],
        )
        .await?;
    Ok(!found.is_empty())
}

/// One page of HR's verdict query, newest first; `limit` rows at most.
pub(crate) async fn list(
    conn: &mut Conn<'_>,
    tenant: &str,
    q: &ListQuery,
    limit: i64,
) -> Result<Vec<ListedVerdict>, sqlx::Error> {
    let (after_at, after_id) = match &q.after {
        Some((at, id)) => (Some(*at), Some(id.as_str())),
        None => (None, None),
    };
    conn.fetch_all(
        "select a.id, a.updated_at, v.cause, v.verdict_enc from applications a \
         join verdicts v on v.application_id = a.id and v.version = a.version \
         where a.tenant_id = $1 \
           and ($2 is null or a.verdict = $2) \
           and ($3 is null or a.updated_at >= $3) \
           and ($4 is null or a.external_ref = $4) \
           and ($5 is null or a.updated_at < $5 or (a.updated_at = $5 and a.id < $6)) \
         order by a.updated_at desc, a.id desc \
         limit $7",
        &[
            tenant.into(),
            q.verdict.map(|v| v.as_str()).into(),
            q.updated_since.map(micros).into(),
            q.external_ref.as_deref().into(),
            after_at.into(),
            after_id.into(),
            limit.into(),
        ],
    )
    .await
}

/// [`reception`]'s statement. `applications` has several indexes that start with `tenant_id`, and
/// with `external_ref = $2` PostgreSQL's generic plan, made while the table is young (a new
/// database, before its first analyze), may search one of them and filter every application of the
/// tenant (measured: 4 ms of PostgreSQL's CPU per screening). Written as a range with the key's
/// order, only the `(tenant_id, external_ref)` key answers without a sort, so every plan is that
/// key's one-row search (the plan test in tests/api/store.rs). Text comparison is deterministic,
/// so the range holds exactly the equal reference.
#[doc(hidden)] // public for the plan test in tests/api/store.rs
pub const RECEPTION_SQL: &str = "select a.id, a.received_at, exists(select 1 from idv_results r \
     where r.tenant_id = a.tenant_id and r.application_id = a.id) as has_idv \
     from applications a \
     where a.tenant_id = $1 and a.external_ref >= $2 and a.external_ref <= $2 \
     order by a.tenant_id, a.external_ref limit 1";

/// The application a tenant stored under `external_ref`, if any.
pub(crate) async fn reception(
    conn: &mut Conn<'_>,
    tenant: &str,
    external_ref: &str,
) -> Result<Option<Reception>, sqlx::Error> {
    // Every screening asks, and a new applicant's answer is one index search that finds nothing.
    conn.fetch_optional(RECEPTION_SQL, &[tenant.into(), external_ref.into()])
        .await
}

/// One of a tenant's applications with its current verdict.
pub(crate) async fn sealed_application(
    conn: &mut Conn<'_>,
    tenant: &str,
    id: &str,
) -> Result<Option<SealedApplication>, sqlx::Error> {
    conn.fetch_optional(
        "select a.external_ref, a.received_at, a.version, a.application_enc, v.verdict_enc \
         from applications a join verdicts v on v.application_id = a.id and v.version = a.version \
         where a.tenant_id = $1 and a.id = $2",
        &[tenant.into(), id.into()],
    )
    .await
}

pub(crate) async fn count(conn: &mut Conn<'_>) -> Result<i64, sqlx::Error> {
    conn.scalar("select count(*) from applications", &[]).await
}

/// A page of every tenant's applications whose index rows are not marked `current`, in id order
/// (keyset), for the re-index.
pub(crate) async fn stale_after(
    conn: &mut Conn<'_>,
    after: &str,
    current: &str,
    limit: i64,
) -> Result<Vec<IndexSource>, sqlx::Error> {
    conn.fetch_all(
        "select id, tenant_id, version, received_at, application_enc from applications \
         where id > $1 and indexed_with <> $3 and indexed_with <> 'fraud-marker' order by id limit $2",
        &[after.into(), limit.into(), current.into()],
    )
    .await
}

/// The application's current version, base verdict and latest decision, locked until the transaction ends where the
/// backend has parallel writers.
pub(crate) async fn version_for_update(
    conn: &mut Conn<'_>,
    tenant: &str,
    id: &str,
) -> Result<Option<(i64, String, String)>, sqlx::Error> {
    let sql = format!(
        "select version, base_verdict, review_decision from applications where tenant_id = $1 and id = $2{}",
        conn.for_update()
    );
    conn.fetch_optional(AssertSqlSafe(sql), &[tenant.into(), id.into()])
        .await
}

/// The application stored under `external_ref`, locked as [`version_for_update`] locks it.
pub(crate) async fn by_ref_for_update(
    conn: &mut Conn<'_>,
    tenant: &str,
    external_ref: &str,
) -> Result<CurrentVersion, sqlx::Error> {
    let sql = format!(
        "select id, version, verdict, review_decision from applications where tenant_id = $1 and external_ref = $2{}",
        conn.for_update()
    );
    conn.fetch_optional(AssertSqlSafe(sql), &[tenant.into(), external_ref.into()])
        .await?
        .ok_or(sqlx::Error::RowNotFound)
}

/// A new application's row (version 1).
pub(crate) struct NewApplication<'a> {
    pub id: &'a str,
    pub tenant: &'a str,
    pub external_ref: &'a str,
    pub received_at: i64,
    pub verdict: &'a str,
    pub risk_score: i64,
    pub application_enc: &'a [u8],
    pub base_verdict: &'a str,
    /// The index marker of the rows written with it (`identifiers::index_marker`).
    pub indexed_with: &'a str,
}

/// Inserts the applications whose `(tenant, external_ref)` is new; returns the ids inserted.
pub(crate) async fn insert_new(
    conn: &mut Conn<'_>,
    rows: &[NewApplication<'_>],
) -> Result<Vec<String>, sqlx::Error> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let batch = Batch {
        table: "applications",
        columns: &[
            "id",
            "tenant_id",
            "external_ref",
            "received_at",
            "updated_at",
            "verdict",
            "risk_score",
            "version",
            "application_enc",
            "base_verdict",
            "last_submitted_at",
            "indexed_with",
            "case_status",
            "case_since",
        ],
        values: vec![
            Column::Text(rows.iter().map(|r| r.id).collect()),
            Column::Text(rows.iter().map(|r| r.tenant).collect()),
            Column::Text(rows.iter().map(|r| r.external_ref).collect()),
            Column::Int(rows.iter().map(|r| r.received_at).collect()),
            Column::Int(rows.iter().map(|r| r.received_at).collect()),
            Column::Text(rows.iter().map(|r| r.verdict).collect()),
            Column::Int(rows.iter().map(|r| r.risk_score).collect()),
            Column::Int(vec![1; rows.len()]),
            Column::Blob(rows.iter().map(|r| r.application_enc).collect()),
            Column::Text(rows.iter().map(|r| r.base_verdict).collect()),
            Column::Int(rows.iter().map(|r| r.received_at).collect()),
            Column::Text(rows.iter().map(|r| r.indexed_with).collect()),
            Column::Text(
                rows.iter()
                    .map(|r| if r.verdict == "clear" { "" } else { "open" })
                    .collect(),
            ),
            Column::Int(rows.iter().map(|r| r.received_at).collect()),
        ],
        tail: "on conflict (tenant_id, external_ref) do nothing returning id",
    };
    conn.insert_batch_returning(&batch).await
}

/// A re-submitted application's row, moved to `version`.
pub(crate) struct Resubmission<'a> {
    pub id: &'a str,
    pub tenant: &'a str,
    pub updated_at: i64,
    pub verdict: &'a str,
    pub risk_score: i64,
    pub version: i64,
    pub application_enc: &'a [u8],
    pub base_verdict: &'a str,
    pub indexed_with: &'a str,
}

pub(crate) async fn update_resubmitted(
    conn: &mut Conn<'_>,
    row: &Resubmission<'_>,
) -> Result<(), sqlx::Error> {
    conn.execute(
        AssertSqlSafe(format!(
            "update applications set updated_at = $1, last_submitted_at = $1, verdict = $2, \
             risk_score = $3, version = $4, application_enc = $5, base_verdict = $6, indexed_with = $9, \
             {} where tenant_id = $7 and id = $8",
            case_update("$2", "$1")
        )),
        &[
            row.updated_at.into(),
            row.verdict.into(),
            row.risk_score.into(),
            row.version.into(),
            row.application_enc.into(),
            row.base_verdict.into(),
            row.tenant.into(),
            row.id.into(),
            row.indexed_with.into(),
        ],
    )
    .await
    .map(|_| ())
}

/// The case queue's columns after a screened version with verdict `verdict` (a placeholder) stored at
/// `now` (a placeholder), from the application's latest decision: an application without one is
/// an open case while it is not `clear`; an approved one only when a screening reopened it (it is
/// `clear` otherwise, see `policy::review`); a rejected one stays decided, an escalated one stays
/// with the second line. A case that stays in its status keeps its place in the queue; one that
/// leaves `open` or `escalated` loses its claim. SQL expressions read the row as it was.
fn case_update(verdict: &str, now: &str) -> String {
    let status = format!(
        "(case review_decision when 'escalated' then 'escalated' when 'rejected' then 'decided' \
         when 'approved' then (case when {verdict} = 'clear' then 'decided' else 'open' end) \
         else (case when {verdict} = 'clear' then '' else 'open' end) end)"
    );
    format!(
        "case_since = (case when case_status = {status} then case_since else {now} end), \
         case_assignee = (case when case_status = {status} then case_assignee else '' end), \
         case_lease_until = (case when case_status = {status} then case_lease_until else 0 end), \
         case_status = {status}"
    )
}

/// Moves an application to the version of `verdict` after a re-screen, unless it changed since it
/// was read at the version before; returns whether it moved.
pub(crate) async fn advance_rescreened(
    conn: &mut Conn<'_>,
    verdict: &NewVerdict<'_>,
    base_verdict: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let updated = conn
        .execute(
            AssertSqlSafe(format!(
                "update applications set verdict = $1, risk_score = $2, version = $3, updated_at = $4, \
                 base_verdict = $5, {} where tenant_id = $6 and id = $7 and version = $8",
                case_update("$1", "$4")
            )),
            &[
                verdict.verdict.into(),
                verdict.risk_score.into(),
                verdict.version.into(),
                now.into(),
                base_verdict.into(),
                verdict.tenant.into(),
                verdict.application_id.into(),
                (verdict.version - 1).into(),
            ],
        )
        .await?;
    Ok(updated == 1)
}

/// A verdict version's row.
pub(crate) struct NewVerdict<'a> {
    pub application_id: &'a str,
    pub version: i64,
    pub tenant: &'a str,
    pub verdict: &'a str,
    pub risk_score: i64,
    pub policy_version: &'a str,
    /// Why this version exists: `submitted`, `resubmitted`, `lists`, `links`, ….
    pub cause: &'a str,
    pub screened_at: i64,
    pub verdict_enc: &'a [u8],
}

pub(crate) async fn insert_verdicts(
    conn: &mut Conn<'_>,
    rows: &[NewVerdict<'_>],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let batch = Batch {
        table: "verdicts",
        columns: &[
            "application_id",
            "version",
            "tenant_id",
            "verdict",
            "risk_score",
            "policy_version",
            "cause",
            "screened_at",
            "verdict_enc",
        ],
        values: vec![
            Column::Text(rows.iter().map(|r| r.application_id).collect()),
            Column::Int(rows.iter().map(|r| r.version).collect()),
            Column::Text(rows.iter().map(|r| r.tenant).collect()),
            Column::Text(rows.iter().map(|r| r.verdict).collect()),
            Column::Int(rows.iter().map(|r| r.risk_score).collect()),
            Column::Text(rows.iter().map(|r| r.policy_version).collect()),
            Column::Text(rows.iter().map(|r| r.cause).collect()),
            Column::Int(rows.iter().map(|r| r.screened_at).collect()),
            Column::Blob(rows.iter().map(|r| r.verdict_enc).collect()),
        ],
        tail: "",
    };
    conn.insert_batch(&batch).await
}

/// One version of one of a tenant's applications.
pub(crate) async fn verdict_at(
    conn: &mut Conn<'_>,
    tenant: &str,
    id: &str,
    version: i64,
) -> Result<SealedVerdict, sqlx::Error> {
    conn.fetch_optional(
        "select version, verdict, cause, verdict_enc from verdicts \
         where tenant_id = $1 and application_id = $2 and version = $3",
        &[tenant.into(), id.into(), version.into()],
    )
    .await?
    .ok_or(sqlx::Error::RowNotFound)
}

/// Registers tenants not seen before.
pub(crate) async fn insert_tenants(
    conn: &mut Conn<'_>,
    tenants: &[&str],
    now: i64,
) -> Result<(), sqlx::Error> {
    if tenants.is_empty() {
        return Ok(());
    }
    let batch = Batch {
        table: "tenants",
        columns: &["id", "created_at"],
        values: vec![
            Column::Text(tenants.to_vec()),
            Column::Int(vec![now; tenants.len()]),
        ],
        tail: "on conflict (id) do nothing",
    };
    conn.insert_batch(&batch).await
}

/// What a tenant's Idempotency-Key answered, if it is still valid (created at `since` or later).
pub(crate) async fn idempotency(
    conn: &mut Conn<'_>,
    tenant: &str,
    key: &str,
    since: i64,
) -> Result<Option<IdempotencyRow>, sqlx::Error> {
    conn.fetch_optional(
        "select request_hash, status, application_id, version from idempotency_keys \
         where tenant_id = $1 and idem_key = $2 and created_at >= $3",
        &[tenant.into(), key.into(), since.into()],
    )
    .await
}

/// Which of `(tenant, key)` pairs are stored and still valid.
pub(crate) async fn idempotency_seen(
    conn: &mut Conn<'_>,
    pairs: &[(&str, &str)],
    since: i64,
) -> Result<HashSet<(String, String)>, sqlx::Error> {
    let mut seen = HashSet::new();
    // Two parameters per pair, under either database's parameter limit.
    for chunk in pairs.chunks(10_000) {
        let placeholders: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, ${})", 2 * i + 2, 2 * i + 3))
            .collect();
        let sql = format!(
            "select tenant_id, idem_key from idempotency_keys where created_at >= $1 \
             and (tenant_id, idem_key) in ({})",
            placeholders.join(", ")
        );
        let mut args: Vec<Arg<'_>> = Vec::with_capacity(1 + 2 * chunk.len());
        args.push(since.into());
        for (tenant, key) in chunk {
            args.push((*tenant).into());
            args.push((*key).into());
        }
        // Audited: only numbered placeholders are generated; every value is bound.
        let rows: Vec<(String, String)> = conn.fetch_all(AssertSqlSafe(sql), &args).await?;
        seen.extend(rows);
    }
    Ok(seen)
}

/// An Idempotency-Key's answer.
pub(crate) struct NewIdempotencyKey<'a> {
    pub tenant: &'a str,
    pub key: &'a str,
    pub request_hash: &'a [u8],
    pub status: i64,
    pub application_id: &'a str,
    pub version: i64,
    pub created_at: i64,
}

/// Stores Idempotency-Keys' answers, replacing an expired row for the same key (the purge may not
/// have run yet).
pub(crate) async fn upsert_idempotency(
    conn: &mut Conn<'_>,
    rows: &[NewIdempotencyKey<'_>],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let batch = Batch {
        table: "idempotency_keys",
        columns: &[
            "tenant_id",
            "idem_key",
            "request_hash",
            "status",
            "application_id",
            "version",
            "created_at",
        ],
        values: vec![
            Column::Text(rows.iter().map(|r| r.tenant).collect()),
            Column::Text(rows.iter().map(|r| r.key).collect()),
            Column::Blob(rows.iter().map(|r| r.request_hash).collect()),
            Column::Int(rows.iter().map(|r| r.status).collect()),
            Column::Text(rows.iter().map(|r| r.application_id).collect()),
            Column::Int(rows.iter().map(|r| r.version).collect()),
            Column::Int(rows.iter().map(|r| r.created_at).collect()),
        ],
        tail: "on conflict (tenant_id, idem_key) do update set request_hash = excluded.request_hash, \
               status = excluded.status, application_id = excluded.application_id, \
               version = excluded.version, created_at = excluded.created_at",
    };
    conn.insert_batch(&batch).await
}

/// Forgets Idempotency-Keys created before `before`.
pub(crate) async fn purge_idempotency(
    conn: &mut Conn<'_>,
    before: i64,
) -> Result<u64, sqlx::Error> {
    conn.execute(
        "delete from idempotency_keys where created_at < $1",
        &[before.into()],
    )
    .await
}
