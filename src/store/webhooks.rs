//! Webhooks in the store (docs/webhooks.md): a tenant's endpoints and subscriptions, the outbox of
//! deliveries and their attempts.
//!
//! **The outbox.** [`record`] writes a transaction's events with ONE statement, whatever their
//! number: `insert into webhook_deliveries … select … from (the events) join webhook_subscriptions`,
//! so an event exists exactly when the verdict version that caused it committed, and a tenant
//! without endpoints costs one primary-key probe of `webhook_subscriptions` per event and writes
//! nothing. There is deliberately no in-memory "this tenant has no endpoints" cache that would skip
//! the statement: on PostgreSQL an endpoint created through another instance would then miss
//! events until the cache noticed, and missing events is what the outbox exists to prevent.
//!
//! **Claims.** The delivery workers of every instance claim due rows with a lease
//! (`for update skip locked` on PostgreSQL, as the re-screen queue does); a crashed instance's
//! claims are taken over when the lease runs out, so a delivery is sent at least once, and every
//! send of it carries the same `webhook-id`.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::error::{StoreError, from_micros};
use super::handle::{Store, TenantStore};
use super::sql::{Arg, Backend, Conn, Role, micros};
use crate::model::Verdict;

/// The event types a tenant may subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    VerdictCreated,
    VerdictChanged,
    ReviewRecorded,
    CaseOpened,
}

impl EventType {
    pub const ALL: [EventType; 4] = [
        EventType::VerdictCreated,
        EventType::VerdictChanged,
        EventType::ReviewRecorded,
        EventType::CaseOpened,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::VerdictCreated => "verdict.created",
            EventType::VerdictChanged => "verdict.changed",
            EventType::ReviewRecorded => "review.recorded",
            EventType::CaseOpened => "case.opened",
        }
    }

    pub fn parse(s: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// One event on its way into the outbox. `payload` is the body every subscribed endpoint receives,
/// exactly as it will be signed.
#[derive(Debug, Clone)]
pub struct Event {
    /// The `webhook-id`: `msg_` and a UUIDv7, the same for every endpoint and retry.
    pub id: String,
    pub tenant: String,
    pub kind: EventType,
    pub payload: String,
}

impl Event {
    /// An event of `kind` whose `data` is `data`, stamped now: `{"type", "timestamp", "data"}`.
    pub fn new(tenant: &str, kind: EventType, data: serde_json::Value) -> Event {
        let payload = serde_json::json!({
            "type": kind.as_str(),
            "timestamp": Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "data": data,
        });
        Event {
            id: format!("msg_{}", uuid::Uuid::now_v7().simple()),
            tenant: tenant.to_owned(),
            kind,
            payload: payload.to_string(),
        }
    }

    /// `verdict.created` / `verdict.changed` / `case.opened`: ids, verdict, score and reason codes,
    /// and what caused the version (`cause.kind`: `submission`, `resubmission`, `list_change`, …);
    /// never names, document numbers or evidence.
    pub fn verdict(
        tenant: &str,
        kind: EventType,
        verdict: &Verdict,
        version: i64,
        cause: &str,
    ) -> Event {
        let codes: Vec<&str> = verdict.signals.iter().map(|s| s.code.as_str()).collect();
        Event::new(
            tenant,
            kind,
            serde_json::json!({
                "application_id": verdict.id,
                "external_ref": verdict.external_ref,
                "version": version,
                "verdict": verdict.verdict.as_str(),
                "risk_score": verdict.risk_score,
                "codes": codes,
                "cause": cause,
            }),
        )
    }
}

impl Event {
    /// `review.recorded`: the verdict event's fields, with the decision (not the note, which may
    /// quote the applicant).
    pub fn review(tenant: &str, verdict: &Verdict, version: i64) -> Event {
        let mut event = Event::verdict(
            tenant,
            EventType::ReviewRecorded,
            verdict,
            version,
            "review",
        );
        if let Some(review) = &verdict.review {
            let mut payload: serde_json::Value =
                serde_json::from_str(&event.payload).unwrap_or_default();
            payload["data"]["decision"] = review.decision.as_str().into();
            event.payload = payload.to_string();
        }
        event
    }
}

/// Whether a screened version that moved an application from `previous` (`None`: new) to `verdict`
/// opens a case: it is no longer `clear`, it was `clear` (or new), and no decision that keeps its
/// case closed or with the second line covers it (docs/reviews.md).
pub(crate) fn opens_case(previous: Option<&str>, verdict: &Verdict) -> bool {
    use crate::model::{Decision, ReviewDecision};
    verdict.verdict != Decision::Clear
        && previous.is_none_or(|p| p == Decision::Clear.as_str())
        && !matches!(
            verdict.review.as_ref().map(|r| r.decision),
            Some(ReviewDecision::Rejected | ReviewDecision::Escalated)
        )
}

/// Most events in one statement (4 values each on SQLite: far under its parameter limit).
const EVENTS_PER_STATEMENT: usize = 2_000;

/// Writes `events` into the outbox on the caller's connection, inside its transaction: one row per
/// event and subscribed endpoint, one statement for all of them (more only past
/// [`EVENTS_PER_STATEMENT`]). Nothing to do without events.
pub(crate) async fn record(conn: &mut Conn<'_>, events: &[Event]) -> Result<(), sqlx::Error> {
    let now = micros(Utc::now());
    for chunk in events.chunks(EVENTS_PER_STATEMENT) {
        let ids: Vec<&str> = chunk.iter().map(|e| e.id.as_str()).collect();
        let tenants: Vec<&str> = chunk.iter().map(|e| e.tenant.as_str()).collect();
        let kinds: Vec<&str> = chunk.iter().map(|e| e.kind.as_str()).collect();
        let payloads: Vec<&str> = chunk.iter().map(|e| e.payload.as_str()).collect();
        const INSERT: &str = "insert into webhook_deliveries (id, endpoint_id, tenant_id, event_type, payload, \
             created_at, status, attempts, next_attempt_at, claimed_until) \
             select e.id, s.endpoint_id, s.tenant_id, s.event_type, e.payload, ";
        const JOIN: &str =
            "join webhook_subscriptions s on s.tenant_id = e.tenant and s.event_type = e.kind";
        match conn.backend() {
            Backend::Postgres => {
                let sql = format!(
                    "{INSERT} $5, 'pending', 0, $5, 0 \
                     from unnest($1::text[], $2::text[], $3::text[], $4::text[]) as e(id, tenant, kind, payload) {JOIN}"
                );
                conn.execute(
                    sqlx::AssertSqlSafe(sql),
                    &[
                        Arg::Texts(&ids),
                        Arg::Texts(&tenants),
                        Arg::Texts(&kinds),
                        Arg::Texts(&payloads),
                        now.into(),
                    ],
                )
                .await?;
            }
            Backend::Sqlite => {
                let rows = vec!["(?, ?, ?, ?)"; chunk.len()].join(", ");
                let sql = format!(
                    "with e(id, tenant, kind, payload) as (values {rows}) \
                     {INSERT} ?, 'pending', 0, ?, 0 from e {JOIN}"
                );
                let mut args: Vec<Arg<'_>> = Vec::with_capacity(chunk.len() * 4 + 2);
                for i in 0..chunk.len() {
                    args.extend([
                        Arg::from(ids[i]),
                        Arg::from(tenants[i]),
                        Arg::from(kinds[i]),
                        Arg::from(payloads[i]),
                    ]);
                }
                args.extend([Arg::from(now), Arg::from(now)]);
                conn.execute(sqlx::AssertSqlSafe(sql), &args).await?;
            }
        }
    }
    Ok(())
}

/// An endpoint as the API shows it (never its secret).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WebhookEndpoint {
    pub id: String,
    pub url: String,
    pub event_types: Vec<String>,
    pub created_at: DateTime<Utc>,
    /// When the secret was last rotated.
    pub rotated_at: Option<DateTime<Utc>>,
    /// Until when deliveries carry the previous secret's signature as well.
    pub previous_secret_valid_until: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct EndpointRow {
    id: String,
    url: String,
    event_types: String,
    created_at: i64,
    rotated_at: Option<i64>,
    previous_until: Option<i64>,
}

impl EndpointRow {
    fn view(self, now: i64) -> Result<WebhookEndpoint, StoreError> {
        Ok(WebhookEndpoint {
            event_types: self.event_types.split(' ').map(str::to_owned).collect(),
            created_at: from_micros(self.created_at)?,
            rotated_at: self.rotated_at.map(from_micros).transpose()?,
            previous_secret_valid_until: self
                .previous_until
                .filter(|until| *until > now)
                .map(from_micros)
                .transpose()?,
            id: self.id,
            url: self.url,
        })
    }
}

const ENDPOINT_COLUMNS: &str = "id, url, event_types, created_at, rotated_at, previous_until";

/// One attempt of a delivery.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeliveryAttempt {
    pub attempt: i64,
    pub at: DateTime<Utc>,
    /// The receiver's HTTP status, when it answered.
    pub status_code: Option<i64>,
    /// Why there is no status: `timeout`, `connect`, `blocked_address`, `dns`, `tls`, `io`.
    pub error: Option<String>,
    pub latency_ms: i64,
}

/// One event's delivery to an endpoint, with its attempts.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Delivery {
    /// The `webhook-id` header of every attempt.
    pub id: String,
    pub event_type: String,
    pub created_at: DateTime<Utc>,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    pub attempts: Vec<DeliveryAttempt>,
    /// The next attempt, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
}

/// A page of deliveries, newest first, and the position to continue before.
pub struct DeliveryPage {
    pub deliveries: Vec<Delivery>,
    pub next: Option<(i64, String)>,
}

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    id: String,
    event_type: String,
    created_at: i64,
    status: String,
    next_attempt_at: i64,
    completed_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct AttemptRow {
    id: String,
    attempt: i64,
    at: i64,
    status_code: Option<i64>,
    error: Option<String>,
    latency_ms: i64,
}

impl TenantStore<'_> {
    /// Stores a new endpoint with its (already generated) secret; the secret is sealed.
    pub async fn create_webhook(
        &self,
        url: &str,
        event_types: &[EventType],
        secret: &str,
    ) -> Result<WebhookEndpoint, StoreError> {
        let tenant = self.tenant_id().as_str();
        let id = uuid::Uuid::now_v7().to_string();
        let now = micros(Utc::now());
        let sealed = self.keys().seal(secret.as_bytes());
        let types = event_types
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let mut tx = self.store().pools().begin().await?;
        let mut conn = tx.conn();
        conn.execute(
            "insert into webhook_endpoints (id, tenant_id, url, event_types, secret_enc, created_at) \
             values ($1, $2, $3, $4, $5, $6)",
            &[
                id.as_str().into(),
                tenant.into(),
                url.into(),
                types.as_str().into(),
                sealed.as_slice().into(),
                now.into(),
            ],
        )
        .await?;
        for kind in event_types {
            conn.execute(
                "insert into webhook_subscriptions (tenant_id, event_type, endpoint_id) values ($1, $2, $3)",
                &[tenant.into(), kind.as_str().into(), id.as_str().into()],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(WebhookEndpoint {
            id,
            url: url.to_owned(),
            event_types: event_types.iter().map(|t| t.as_str().to_owned()).collect(),
            created_at: from_micros(now)?,
            rotated_at: None,
            previous_secret_valid_until: None,
        })
    }

    /// This tenant's endpoints, oldest first.
    pub async fn webhooks(&self) -> Result<Vec<WebhookEndpoint>, StoreError> {
        let mut lease = self.store().pools().acquire(Role::Read).await?;
        let rows: Vec<EndpointRow> = lease
            .conn()
            .fetch_all(
                sqlx::AssertSqlSafe(format!(
                    "select {ENDPOINT_COLUMNS} from webhook_endpoints where tenant_id = $1 \
                     order by created_at, id"
                )),
                &[self.tenant_id().as_str().into()],
            )
            .await?;
        let now = micros(Utc::now());
        rows.into_iter().map(|r| r.view(now)).collect()
    }

    /// One of this tenant's endpoints.
    pub async fn webhook(&self, id: &str) -> Result<Option<WebhookEndpoint>, StoreError> {
        let mut lease = self.store().pools().acquire(Role::Read).await?;
        let row: Option<EndpointRow> = lease
            .conn()
            .fetch_optional(
                sqlx::AssertSqlSafe(format!(
                    "select {ENDPOINT_COLUMNS} from webhook_endpoints where tenant_id = $1 and id = $2"
                )),
                &[self.tenant_id().as_str().into(), id.into()],
            )
            .await?;
        row.map(|r| r.view(micros(Utc::now()))).transpose()
    }

    /// Deletes an endpoint with its subscriptions, deliveries and attempts; false when this tenant
    /// has no such endpoint. Nothing more is sent to it.
    pub async fn delete_webhook(&self, id: &str) -> Result<bool, StoreError> {
        let tenant = self.tenant_id().as_str();
        let mut tx = self.store().pools().begin().await?;
        let mut conn = tx.conn();
        let deleted = conn
            .execute(
                "delete from webhook_endpoints where tenant_id = $1 and id = $2",
                &[tenant.into(), id.into()],
            )
            .await?;
        if deleted == 0 {
            return Ok(false);
        }
        for table in [
            "webhook_subscriptions",
            "webhook_deliveries",
            "webhook_attempts",
        ] {
            conn.execute(
                sqlx::AssertSqlSafe(format!(
                    "delete from {table} where tenant_id = $1 and endpoint_id = $2"
                )),
                &[tenant.into(), id.into()],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Replaces an endpoint's secret; the old one keeps signing deliveries until `overlap` from now.
    /// `None` when this tenant has no such endpoint.
    pub async fn rotate_webhook(
        &self,
        id: &str,
        secret: &str,
        overlap: std::time::Duration,
    ) -> Result<Option<WebhookEndpoint>, StoreError> {
        let tenant = self.tenant_id().as_str();
        let now = micros(Utc::now());
        let until = now + i64::try_from(overlap.as_micros()).unwrap_or(i64::MAX / 4);
        let sealed = self.keys().seal(secret.as_bytes());
        let updated = {
            let mut lease = self.store().pools().acquire(Role::Write).await?;
            lease
                .conn()
                .execute(
                    "update webhook_endpoints set previous_secret_enc = secret_enc, previous_until = $1, \
                     secret_enc = $2, rotated_at = $3 where tenant_id = $4 and id = $5",
                    &[
                        until.into(),
                        sealed.as_slice().into(),
                        now.into(),
                        tenant.into(),
                        id.into(),
                    ],
                )
                .await?
        };
        if updated == 0 {
            return Ok(None);
        }
        self.webhook(id).await
    }

    /// Deliveries to one of this tenant's endpoints, newest first, with their attempts; `None`
    /// when the endpoint is not this tenant's.
    pub async fn webhook_deliveries(
        &self,
        endpoint_id: &str,
        before: Option<(i64, String)>,
        limit: u32,
    ) -> Result<Option<DeliveryPage>, StoreError> {
        let tenant = self.tenant_id().as_str();
        let mut lease = self.store().pools().acquire(Role::Read).await?;
        let mut conn = lease.conn();
        let exists: i64 = conn
            .scalar(
                "select count(*) from webhook_endpoints where tenant_id = $1 and id = $2",
                &[tenant.into(), endpoint_id.into()],
            )
            .await?;
        if exists == 0 {
            return Ok(None);
        }
        let (before_at, before_id) = match &before {
            Some((at, id)) => (Some(*at), Some(id.as_str())),
            None => (None, None),
        };
        let limit = limit.max(1);
        let mut rows: Vec<DeliveryRow> = conn
            .fetch_all(
                "select id, event_type, created_at, status, next_attempt_at, completed_at \
                 from webhook_deliveries where tenant_id = $1 and endpoint_id = $2 \
                   and ($3 is null or created_at < $3 or (created_at = $3 and id < $4)) \
                 order by created_at desc, id desc limit $5",
                &[
                    tenant.into(),
                    endpoint_id.into(),
                    before_at.into(),
                    before_id.into(),
                    (i64::from(limit) + 1).into(),
                ],
            )
            .await?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next = more
            .then(|| rows.last().map(|r| (r.created_at, r.id.clone())))
            .flatten();
        let mut attempts: Vec<AttemptRow> = Vec::new();
        if let (Some(newest), Some(oldest)) = (rows.first(), rows.last()) {
            attempts = conn
                .fetch_all(
                    "select a.id, a.attempt, a.at, a.status_code, a.error, a.latency_ms \
                     from webhook_attempts a join webhook_deliveries d \
                       on d.id = a.id and d.endpoint_id = a.endpoint_id \
                     where a.tenant_id = $1 and a.endpoint_id = $2 and d.tenant_id = $1 \
                       and d.created_at >= $3 and d.created_at <= $4 \
                     order by a.id, a.attempt",
                    &[
                        tenant.into(),
                        endpoint_id.into(),
                        oldest.created_at.into(),
                        newest.created_at.into(),
                    ],
                )
                .await?;
        }
        let deliveries = rows
            .into_iter()
            .map(|row| {
                Ok(Delivery {
                    attempts: attempts
                        .iter()
                        .filter(|a| a.id == row.id)
                        .map(|a| {
                            Ok(DeliveryAttempt {
                                attempt: a.attempt,
                                at: from_micros(a.at)?,
                                status_code: a.status_code,
                                error: a.error.clone(),
                                latency_ms: a.latency_ms,
                            })
                        })
                        .collect::<Result<_, StoreError>>()?,
                    next_attempt_at: (row.status == "pending")
                        .then(|| from_micros(row.next_attempt_at))
                        .transpose()?,
                    completed_at: row.completed_at.map(from_micros).transpose()?,
                    created_at: from_micros(row.created_at)?,
                    id: row.id,
                    event_type: row.event_type,
                    status: row.status,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Some(DeliveryPage { deliveries, next }))
    }
}

/// A delivery claimed by a worker, with what sending it needs.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    pub id: String,
    pub endpoint_id: String,
    pub tenant: String,
    pub payload: String,
    pub created_at: DateTime<Utc>,
    pub attempts: i64,
    pub url: String,
    /// The current secret, and the previous one while its overlap lasts (`whsec_…`).
    pub secrets: Vec<String>,
    pub lease: i64,
}

#[derive(sqlx::FromRow)]
struct ClaimRow {
    id: String,
    endpoint_id: String,
    tenant_id: String,
    payload: String,
    created_at: i64,
    attempts: i64,
}

/// Where an endpoint's deliveries go and the secrets that sign them.
type EndpointTarget = (String, Vec<String>);

#[derive(sqlx::FromRow)]
struct SecretRow {
    url: String,
    secret_enc: Vec<u8>,
    previous_secret_enc: Option<Vec<u8>>,
    previous_until: Option<i64>,
}

/// How one attempt ended.
#[derive(Debug, Clone)]
pub struct AttemptOutcome {
    pub at: DateTime<Utc>,
    pub status_code: Option<u16>,
    pub error: Option<&'static str>,
    pub latency_ms: i64,
    /// When to try again; `None`: delivered (2xx) or given up (`failed`).
    pub retry_at: Option<DateTime<Utc>>,
}

impl AttemptOutcome {
    pub fn delivered(&self) -> bool {
        self.status_code.is_some_and(|s| (200..300).contains(&s))
    }
}

impl Store {
    /// Claims up to `limit` deliveries that are due, for `lease`.
    pub async fn claim_webhook_deliveries(
        &self,
        limit: i64,
        lease: std::time::Duration,
    ) -> Result<Vec<ClaimedDelivery>, StoreError> {
        let now = micros(Utc::now());
        let until = now + i64::try_from(lease.as_micros()).unwrap_or(i64::MAX / 4);
        let rows: Vec<ClaimRow> = {
            let mut lease = self.pools().acquire(Role::Write).await?;
            let mut conn = lease.conn();
            let sql = format!(
                "update webhook_deliveries set claimed_until = $1 \
                 where (id, endpoint_id) in (select id, endpoint_id from webhook_deliveries \
                   where status = 'pending' and next_attempt_at <= $2 and claimed_until < $2 \
                   order by next_attempt_at limit $3{}) \
                 returning id, endpoint_id, tenant_id, payload, created_at, attempts",
                conn.skip_locked()
            );
            conn.fetch_all(
                sqlx::AssertSqlSafe(sql),
                &[until.into(), now.into(), limit.into()],
            )
            .await?
        };
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let mut lease_conn = self.pools().acquire(Role::Read).await?;
        let mut conn = lease_conn.conn();
        // (tenant, endpoint) → its URL and live secrets; `None` when deleted meanwhile.
        let mut endpoints: std::collections::HashMap<(String, String), Option<EndpointTarget>> =
            std::collections::HashMap::new();
        let mut claims = Vec::with_capacity(rows.len());
        for row in rows {
            let key = (row.tenant_id.clone(), row.endpoint_id.clone());
            if !endpoints.contains_key(&key) {
                let secret: Option<SecretRow> = conn
                    .fetch_optional(
                        "select url, secret_enc, previous_secret_enc, previous_until \
                         from webhook_endpoints where tenant_id = $1 and id = $2",
                        &[
                            row.tenant_id.as_str().into(),
                            row.endpoint_id.as_str().into(),
                        ],
                    )
                    .await?;
                let opened = match secret {
                    Some(s) => {
                        let mut secrets = vec![self.open_secret(&s.secret_enc)?];
                        if let (Some(previous), Some(until)) =
                            (&s.previous_secret_enc, s.previous_until)
                            && until > now
                        {
                            secrets.push(self.open_secret(previous)?);
                        }
                        Some((s.url, secrets))
                    }
                    None => None,
                };
                endpoints.insert(key.clone(), opened);
            }
            // An endpoint deleted meanwhile: its deliveries went with it.
            let Some(Some((url, secrets))) = endpoints.get(&key) else {
                continue;
            };
            claims.push(ClaimedDelivery {
                created_at: from_micros(row.created_at)?,
                id: row.id,
                endpoint_id: row.endpoint_id,
                tenant: row.tenant_id,
                payload: row.payload,
                attempts: row.attempts,
                url: url.clone(),
                secrets: secrets.clone(),
                lease: until,
            });
        }
        Ok(claims)
    }

    /// Deletes the deliveries that ended (delivered or failed) before `before`, with their attempts;
    /// returns how many.
    pub async fn purge_webhook_deliveries(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let before = micros(before);
        let mut tx = self.pools().begin().await?;
        let mut conn = tx.conn();
        conn.execute(
            "delete from webhook_attempts where (id, endpoint_id) in \
             (select id, endpoint_id from webhook_deliveries where completed_at < $1)",
            &[before.into()],
        )
        .await?;
        let purged = conn
            .execute(
                "delete from webhook_deliveries where completed_at < $1",
                &[before.into()],
            )
            .await?;
        tx.commit().await?;
        Ok(purged)
    }

    fn open_secret(&self, sealed: &[u8]) -> Result<String, StoreError> {
        String::from_utf8(self.keys().open(sealed)?)
            .map_err(|_| StoreError::Corrupt("webhook secret is not text".into()))
    }

    /// Records an attempt and moves the delivery on: `delivered`, `failed`, or pending until
    /// `retry_at` (unclaimed). Returns the attempt's number.
    pub async fn complete_webhook_attempt(
        &self,
        claim: &ClaimedDelivery,
        outcome: &AttemptOutcome,
    ) -> Result<i64, StoreError> {
        let at = micros(outcome.at);
        let (status, next, completed) = if outcome.delivered() {
            ("delivered", at, Some(at))
        } else {
            match outcome.retry_at {
                Some(retry) => ("pending", micros(retry), None),
                None => ("failed", at, Some(at)),
            }
        };
        let mut tx = self.pools().begin().await?;
        let mut conn = tx.conn();
        let attempt: Option<i64> = conn
            .scalars(
                "update webhook_deliveries set attempts = attempts + 1, status = $1, \
                 next_attempt_at = $2, completed_at = $3, claimed_until = 0 \
                 where tenant_id = $4 and id = $5 and endpoint_id = $6 and status = 'pending' \
                 returning attempts",
                &[
                    status.into(),
                    next.into(),
                    completed.into(),
                    claim.tenant.as_str().into(),
                    claim.id.as_str().into(),
                    claim.endpoint_id.as_str().into(),
                ],
            )
            .await?
            .into_iter()
            .next();
        // Deleted meanwhile, or another instance finished it first (its lease had run out).
        let Some(attempt) = attempt else {
            return Ok(0);
        };
        conn.execute(
            "insert into webhook_attempts (id, endpoint_id, attempt, tenant_id, at, status_code, error, latency_ms) \
             values ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                claim.id.as_str().into(),
                claim.endpoint_id.as_str().into(),
                attempt.into(),
                claim.tenant.as_str().into(),
                at.into(),
                outcome.status_code.map(i64::from).into(),
                outcome.error.into(),
                outcome.latency_ms.into(),
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(attempt)
    }
}
