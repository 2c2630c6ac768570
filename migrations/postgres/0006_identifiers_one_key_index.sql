-- The primary key (key_hash, application_id) and identifiers_by_tenant_key (tenant_id, key_hash)
-- index the same key: every stored identifier paid for two B-tree inserts at random places of
-- 32-byte keyed hashes, where most of the database's time under load went (docs/performance.md).
-- The table is rebuilt, as on SQLite, on one primary key (tenant_id, key_hash, application_id),
-- which serves both the uniqueness and every lookup (all of them name the tenant).
create table identifiers_new (
    key_hash       bytea not null,
    application_id text not null references applications (id),
    tenant_id      text not null,
    kind           text not null,
    name_key       bytea not null,
    dob_key        bytea,
    detail_enc     bytea,
    primary key (tenant_id, key_hash, application_id)
);
insert into identifiers_new (key_hash, application_id, tenant_id, kind, name_key, dob_key, detail_enc)
    select key_hash, application_id, tenant_id, kind, name_key, dob_key, detail_enc from identifiers;
drop table identifiers;
alter table identifiers_new rename to identifiers;
create index identifiers_by_application on identifiers (application_id, tenant_id);
