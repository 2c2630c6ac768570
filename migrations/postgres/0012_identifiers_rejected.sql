-- Each index row carries its application's base verdict (the verdict on its own evidence, the one
-- "linked to a rejected application" reads), and the rows of rejected applications have an index of
-- their own, with the primary key's columns. A lookup reads at most a budget of rows per key, and
-- a crowd of clear applications sharing one key (cheap to make) would otherwise push a rejected
-- one out of that budget; through this index a lookup finds the rejected ones under a key in a
-- search of their own, however many others share it. Kept in step with applications.base_verdict
-- by every write that sets it (the writer, re-screening, re-indexing).
alter table identifiers add column base_verdict text not null default 'clear';
update identifiers set base_verdict = 'reject'
    where application_id in (select id from applications where base_verdict = 'reject');
create index identifiers_rejected on identifiers (tenant_id, key_hash, name_key, dob_key, application_id)
    where base_verdict = 'reject';
