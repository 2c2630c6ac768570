-- Sanctions list versions. Every instance serves the newest version of each list, so a load on one
-- instance reaches all of them (they poll max(seq)). Scope '' holds the official and curated lists,
-- loaded by the operator; a tenant's own lists have scope = tenant id and screen only its applications.
create table list_versions (
    -- Global load order, assigned by the loader inside its transaction.
    seq                 bigint primary key,
    scope               text not null,
    list_name           text not null,
    format              text not null,
    source              text not null,
    content_sha256      bytea not null,
    loaded_at           bigint not null,
    loaded_by           text not null,
    entries             bigint not null,
    north_korea_entries bigint not null,
    -- What the parser could not structure (JSON), shown by the status commands.
    report_json         text not null,
    -- The normalised entries (JSON), encrypted: tenants' own lists name people.
    entities_enc        bytea not null
);

create index list_versions_by_list on list_versions (scope, list_name, seq);

-- Applications waiting to be screened again (list changes, new links). An instance claims rows for a
-- lease and deletes them once the new verdict is stored; a crash leaves them to be claimed again.
create table rescreen_queue (
    tenant_id      text not null,
    application_id text not null,
    cause          text not null,
    -- The list version the screening instance must have loaded first.
    min_list_seq   bigint not null,
    enqueued_at    bigint not null,
    claimed_until  bigint not null,
    primary key (tenant_id, application_id)
);

create index rescreen_queue_by_claim on rescreen_queue (claimed_until, min_list_seq);
