-- What is kept of an erased application (DELETE /v1/applications/{id}): no personal data and no
-- evidence, only what shows that it existed and what was decided: its ids, who erased it and when,
-- and each version's verdict, score and reason codes (JSON). Its application, verdict bodies, index
-- rows and Idempotency-Keys are deleted in the same transaction.
create table tombstones (
    id            text primary key,
    tenant_id     text not null,
    external_ref  text not null,
    received_at   bigint not null,
    erased_at     bigint not null,
    erased_by     text not null,
    versions_json text not null
);

create index tombstones_by_tenant on tombstones (tenant_id, id);
