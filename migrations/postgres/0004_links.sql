-- The verdict an application gets from its own content alone, without any signal that depends on
-- other applications (reuse, links). Propagation ("linked to a rejected application") reads this
-- one, so the outcome does not depend on the order applications arrive in.
alter table applications add column base_verdict text not null default 'clear';

-- Reviewers list an application's links: its index rows by application, then the others per key.
create index identifiers_by_tenant_key on identifiers (tenant_id, key_hash);
