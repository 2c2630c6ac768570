-- Identity-verification vendor callbacks (docs/idv.md): each tenant's signing secret per vendor, the
-- vendor event ids already accepted (replay protection), and the vendors' results stored beside the
-- applications they name.

-- One secret per (tenant, vendor), sealed with the PII key; never returned, never logged.
create table idv_secrets (
    tenant_id            text not null,
    vendor               text not null,
    secret_enc           bytea not null,
    -- The secret a rotation replaced: callbacks signed with it verify until previous_until (µs).
    previous_secret_enc  bytea,
    previous_until       bigint,
    -- Veriff: the integration's public API key, compared with X-AUTH-CLIENT when set.
    client_id            text,
    -- The secret's last four characters, for the listing.
    hint                 text not null,
    created_at           bigint not null,
    updated_at           bigint not null,
    updated_by           text not null,
    primary key (tenant_id, vendor)
);

-- Vendor events accepted, per tenant and vendor: the same event again is a replay and changes
-- nothing. event_key is the hex SHA-256 of the vendor's event id (no personal data); kept when an
-- application is erased, so an old callback cannot attach to a new application under the same
-- reference.
create table idv_events (
    tenant_id    text not null,
    vendor       text not null,
    event_key    text not null,
    received_at  bigint not null,
    primary key (tenant_id, vendor, event_key)
);

-- A vendor's result for one application: the mapped vendor_check and the document fields the vendor
-- extracted, sealed with the PII key; the document number also as a keyed hash. The newest row per
-- application is the one screened. Erased with the application.
create table idv_results (
    tenant_id             text not null,
    application_id        text not null,
    -- UUIDv7: time-ordered.
    id                    text not null,
    vendor                text not null,
    received_at           bigint not null,
    document_number_hash  bytea,
    result_enc            bytea not null,
    primary key (tenant_id, application_id, id)
);
