-- A reviewer-confirmed case (a `rejected` decision) keeps its keyed-hash index rows when it is
-- erased, for fraud prevention (docs/privacy.md): its application row stays as a shell holding no
-- personal data (no sealed application, no verdicts, no decisions; `indexed_with` marks it), so
-- that the rows keep their reference. The tombstone says whether markers were kept;
-- `?purge_fraud_markers=true` removes them.
alter table tombstones add column fraud_markers bigint not null default 0;
