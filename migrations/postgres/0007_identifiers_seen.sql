-- When an application was seen at a residential address: its first and last session there (µs since
-- the epoch). Links count the identities seen at one address within 30 days on these; null for
-- every other kind of identifier. Kept in clear like the applications' own timestamps: the address
-- itself stays a keyed hash.
alter table identifiers add column seen_first bigint;
alter table identifiers add column seen_last bigint;
