-- Per-tenant settings (docs/policy.md): a tenant's scoring-policy override, laid over the operator's
-- policy, and its allow entries (attributes known to be good for that tenant).

-- Every version of a tenant's override is kept; the newest is in force. policy_toml null: the tenant
-- went back to the operator's policy (DELETE /v1/policy).
create table tenant_policies (
    tenant_id   text not null,
    version     bigint not null,
    policy_toml text,
    created_at  bigint not null,
    created_by  text not null,
    primary key (tenant_id, version)
);

-- Allow entries. ip_range and asn keep their value; payout_account and shipping_address keep only
-- the identifier index's keyed hash of it (key_hash) and a masked hint, never the value.
create table tenant_allow_entries (
    tenant_id  text not null,
    id         text not null,
    kind       text not null,
    value      text,
    key_hash   blob,
    hint       text not null,
    note       text,
    created_at bigint not null,
    created_by text not null,
    primary key (tenant_id, id)
);

-- One row per change of a tenant's settings: instances poll max(seq) and reload the tenants changed
-- since the version they hold.
create table tenant_settings_changes (
    seq        bigint primary key,
    tenant_id  text not null,
    changed_at bigint not null
);
