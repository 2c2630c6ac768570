-- vetgate schema, SQLite. Keep in lockstep with migrations/postgres (a test compares the two).
-- Instants are integer microseconds since the Unix epoch on both backends.

create table tenants (
    id         text primary key,
    created_at bigint not null
);

-- One row per application and tenant; external_ref is the platform's own id.
create table applications (
    id              text primary key,
    tenant_id       text not null references tenants (id),
    external_ref    text not null,
    received_at     bigint not null,
    updated_at      bigint not null,
    verdict         text not null,
    risk_score      bigint not null,
    version         bigint not null,
    -- The application exactly as received, encrypted with the PII key (nonce || ciphertext || tag).
    application_enc blob not null,
    unique (tenant_id, external_ref)
);

-- HR's query: newest first, optionally one verdict, keyset-paginated on (updated_at, id).
create index applications_by_tenant_updated on applications (tenant_id, updated_at desc, id desc);
create index applications_by_tenant_verdict_updated on applications (tenant_id, verdict, updated_at desc, id desc);

-- Every verdict an application has had.
create table verdicts (
    application_id text not null references applications (id),
    version        bigint not null,
    tenant_id      text not null,
    verdict        text not null,
    risk_score     bigint not null,
    policy_version text not null,
    cause          text not null,
    screened_at    bigint not null,
    -- The verdict document as returned, encrypted: its evidence quotes names and dates.
    verdict_enc    blob not null,
    primary key (application_id, version)
);

create table idempotency_keys (
    tenant_id      text not null,
    idem_key       text not null,
    request_hash   blob not null,
    status         bigint not null,
    application_id text not null,
    version        bigint not null,
    created_at     bigint not null,
    primary key (tenant_id, idem_key)
);

create index idempotency_keys_by_created on idempotency_keys (created_at);

-- Facts about the store itself, e.g. a value sealed with the PII key so a wrong key is caught at start.
create table store_meta (
    name  text primary key,
    value blob not null
);
