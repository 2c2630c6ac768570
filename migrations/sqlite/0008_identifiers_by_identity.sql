-- The index key names the identity behind each row: (tenant_id, key_hash, name_key, dob_key,
-- application_id). A screening wants the rows of *other* identities under its keys; the same
-- person's earlier applications (a re-submission under a new reference, a flood of one applicant)
-- are ranges of this key it can skip, so a lookup reads a bounded number of rows however many of
-- them one identity has. An unknown birth date is stored as the empty key, not null: it is part of
-- the primary key (`substr(…, 1, 0)`: an empty blob written the same on both databases).
create table identifiers_new (
    key_hash       blob not null,
    application_id text not null references applications (id),
    tenant_id      text not null,
    kind           text not null,
    name_key       blob not null,
    dob_key        blob not null,
    detail_enc     blob,
    seen_first     bigint,
    seen_last      bigint,
    primary key (tenant_id, key_hash, name_key, dob_key, application_id)
) without rowid;
insert into identifiers_new (key_hash, application_id, tenant_id, kind, name_key, dob_key, detail_enc,
        seen_first, seen_last)
    select key_hash, application_id, tenant_id, kind, name_key, coalesce(dob_key, substr(key_hash, 1, 0)),
        detail_enc, seen_first, seen_last
    from identifiers;
drop table identifiers;
alter table identifiers_new rename to identifiers;
create index identifiers_by_application on identifiers (application_id, tenant_id);
