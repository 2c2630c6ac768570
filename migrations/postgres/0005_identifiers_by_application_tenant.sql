-- An application's own index rows are always read with its tenant (the cluster walk, the links
-- view). With the tenant in this index one index search finds them; without it a planner short of
-- statistics (a young PostgreSQL table, SQLite always) combined it with the tenant's whole range of
-- identifiers_by_tenant_key, which grows with the table.
drop index identifiers_by_application;
create index identifiers_by_application on identifiers (application_id, tenant_id);
