-- The primary key (key_hash, application_id) and identifiers_by_tenant_key (tenant_id, key_hash)
-- index the same key: every stored identifier paid for two B-tree inserts at random places of
-- 32-byte keyed hashes, besides the table's own rowid B-tree (docs/performance.md). The table is
-- rebuilt WITHOUT ROWID on one primary key (tenant_id, key_hash, application_id): the rows live in
-- that B-tree, which serves both the uniqueness and every lookup (all of them name the tenant).
create table identifiers_new (
    key_hash       blob not null,
    application_id text not null references applications (id),
    tenant_id      text not null,
    kind           text not null,
    name_key       blob not null,
    dob_key        blob,
    detail_enc     blob,
    primary key (tenant_id, key_hash, application_id)
) without rowid;
insert into identifiers_new (key_hash, application_id, tenant_id, kind, name_key, dob_key, detail_enc)
    select key_hash, application_id, tenant_id, kind, name_key, dob_key, detail_enc from identifiers;
drop table identifiers;
alter table identifiers_new rename to identifiers;
create index identifiers_by_application on identifiers (application_id, tenant_id);
