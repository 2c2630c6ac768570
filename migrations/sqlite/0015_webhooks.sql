-- Signed webhooks (Standard Webhooks, docs/webhooks.md). A tenant's endpoints, the event types each
-- is subscribed to, the outbox of deliveries (written in the transaction of the verdict version that
-- caused it) and every delivery attempt.

create table webhook_endpoints (
    -- UUIDv7.
    id                   text primary key,
    tenant_id            text not null,
    url                  text not null,
    -- The subscribed event types, space-separated (webhook_subscriptions is what the outbox reads).
    event_types          text not null,
    -- `whsec_…`, sealed with the PII key; never returned after creation or rotation.
    secret_enc           blob not null,
    -- The secret a rotation replaced: deliveries are signed with it too until previous_until (µs).
    previous_secret_enc  blob,
    previous_until       bigint,
    created_at           bigint not null,
    rotated_at           bigint
);

create index webhook_endpoints_by_tenant on webhook_endpoints (tenant_id, created_at, id);

-- One row per (tenant, event type, endpoint): the outbox's one statement per transaction finds a
-- tenant's subscribers of a type by this primary key.
create table webhook_subscriptions (
    tenant_id    text not null,
    event_type   text not null,
    endpoint_id  text not null,
    primary key (tenant_id, event_type, endpoint_id)
);

-- The outbox: one row per event and endpoint. `id` is the event's `webhook-id` (`msg_…`), the same
-- for every endpoint and every retry of that event.
create table webhook_deliveries (
    id               text not null,
    endpoint_id      text not null,
    tenant_id        text not null,
    event_type       text not null,
    -- The body exactly as signed and sent.
    payload          text not null,
    created_at       bigint not null,
    -- `pending`, `delivered` or `failed`.
    status           text not null,
    attempts         bigint not null,
    next_attempt_at  bigint not null,
    -- A worker's lease (µs); 0 when unclaimed.
    claimed_until    bigint not null,
    completed_at     bigint,
    primary key (id, endpoint_id)
);

create index webhook_deliveries_due on webhook_deliveries (status, next_attempt_at);
create index webhook_deliveries_by_endpoint on webhook_deliveries (tenant_id, endpoint_id, created_at, id);
-- The purge of finished deliveries (kept WEBHOOK_HISTORY_DAYS).
create index webhook_deliveries_completed on webhook_deliveries (completed_at);

-- Every attempt: when, how long, and the status code or an error class (never a response body).
create table webhook_attempts (
    id           text not null,
    endpoint_id  text not null,
    attempt      bigint not null,
    tenant_id    text not null,
    at           bigint not null,
    status_code  bigint,
    error        text,
    latency_ms   bigint not null,
    primary key (id, endpoint_id, attempt)
);
