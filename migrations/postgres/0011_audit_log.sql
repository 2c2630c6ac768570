-- Administrative actions, for the operator (GET /v1/admin/audit): list loads, intelligence reloads,
-- erasures. Written in the same transaction as the action where the action is a transaction. No
-- personal data: actors are token subjects, targets are ids and list names.
create table audit_log (
    -- UUIDv7: time-ordered, unique across instances.
    id          text primary key,
    at          bigint not null,
    -- The tenant the action was taken in ('' for the operator's global actions).
    tenant_id   text not null,
    actor       text not null,
    action      text not null,
    target      text not null,
    detail_json text not null
);

create index audit_log_by_at on audit_log (at, id);
