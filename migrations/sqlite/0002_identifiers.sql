-- Identifiers applications are indexed under, as keyed hashes (HMAC with the PII key): document
-- numbers per issuing state, portrait digests, perceptual-hash blocks. Reuse and link checks look
-- up all of an application's keys in one indexed query.
create table identifiers (
    key_hash       blob not null,
    application_id text not null references applications (id),
    tenant_id      text not null,
    kind           text not null,
    -- Keyed hashes of the presented name and date of birth: "another identity" without the values.
    name_key       blob not null,
    dob_key        blob,
    -- Sealed extra needed to compare candidates (a perceptual hash), if any.
    detail_enc     blob,
    primary key (key_hash, application_id)
);

create index identifiers_by_application on identifiers (application_id);
