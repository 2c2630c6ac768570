-- Which key derivation and key each application's index rows were written with
-- ("INDEX_VERSION:key fingerprint"; '' for rows from before this column). The re-index rebuilds only
-- the applications whose rows are not current, so an interrupted run resumes where it stopped and
-- several instances running it never undo each other's work; the writer marks what it indexes.
alter table applications add column indexed_with text not null default '';
