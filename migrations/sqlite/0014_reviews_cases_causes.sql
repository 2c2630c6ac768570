-- The reviewer's side (docs/reviews.md).
--
-- Every reviewer decision; each is also a verdict version of its own (verdicts.cause = 'review').
-- `basis` is what the reviewer decided on (JSON: reason codes, sanctions entries, linked
-- applications), so that a later screening can tell new evidence from what was seen: ids and codes
-- only. The note may quote the applicant and is sealed with the PII key.
create table reviews (
    application_id text not null references applications (id),
    version        bigint not null,
    tenant_id      text not null,
    decision       text not null,
    reviewer       text not null,
    note_enc       blob not null,
    decided_at     bigint not null,
    basis          text not null,
    primary key (application_id, version)
);

-- The latest decision, and the case queue: '' (no case), open, escalated or decided, since when
-- (the queue reads oldest first), and who holds it until when.
alter table applications add column review_decision text not null default '';
alter table applications add column case_status text not null default '';
alter table applications add column case_since bigint not null default 0;
alter table applications add column case_assignee text not null default '';
alter table applications add column case_lease_until bigint not null default 0;
-- Only cases are indexed: most applications never are one, and pay nothing for the queue.
create index applications_cases on applications (tenant_id, case_status, case_since, id)
    where case_status <> '';
update applications set case_status = 'open', case_since = updated_at
    where verdict in ('review', 'reject');

-- A reviewer-confirmed case (a `rejected` decision) flags its rows of the identifier index: a flag
-- on the existing rows, not a second index. Its rows are kept as rejected too, so the rejected-row
-- search of a crowded key (identifiers_rejected) finds them.
alter table identifiers add column confirmed bigint not null default 0;

-- Every cause a queued re-screen accumulates, one per line (kind, list, list version, application),
-- appended on conflict instead of overwriting the last.
alter table rescreen_queue add column causes text not null default '';
