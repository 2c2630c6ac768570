//! Queries on the identifier index: the keyed hashes of every application's identifiers, looked up
//! before each screening and walked for clusters.
//!
//! The two lookups every screening runs are the one place where the SQL itself differs by backend.
//! SQLite plans each statement once, by rule, and takes `$n` lists well. PostgreSQL would plan an
//! `in ($1, …)` list again on every call (planning took 0.7 ms of a 1 ms lookup under load), and a
//! cached generic plan made without statistics scans a tenant's whole index range. Its statements
//! therefore take arrays, are prepared once per connection, run on sessions that keep one generic
//! plan per statement, and are written so that every plan, generic or not, young table or old, is
//! one index search per key: `unnest` the keys and look each one up in a `lateral` subquery on the
//! index's full key. (A `limit` keeps a subquery from being flattened into the join, where a plan
//! made on an empty table would scan the tenant's range instead.)

use sqlx::AssertSqlSafe;

use super::sql::{Arg, Backend, Batch, Column, Conn};
use crate::identifiers::Identifiers;
use crate::model::IdentifierKind;

/// An index row that shares a key with the application being screened.
#[derive(sqlx::FromRow)]
pub(crate) struct IdentifierRow {
    pub key_hash: Vec<u8>,
    pub tenant_id: String,
    pub application_id: String,
    pub external_ref: String,
    pub name_key: Vec<u8>,
    /// Empty when the birth date is unknown.
    pub dob_key: Vec<u8>,
    pub detail_enc: Option<Vec<u8>>,
    pub seen_first: Option<i64>,
    pub seen_last: Option<i64>,
    pub verdict: String,
}

/// An application reached by one hop of the cluster walk, with its name key.
#[derive(sqlx::FromRow)]
pub(crate) struct Neighbour {
    pub application_id: String,
    pub name_key: Vec<u8>,
}

/// An application sharing an exact key with another, for the links route.
#[derive(sqlx::FromRow)]
pub(crate) struct LinkRow {
    pub application_id: String,
    pub external_ref: String,
    pub verdict: String,
    pub kind: String,
}

/// Most index rows one lookup returns: enough evidence for any signal, and a lookup stays O(1) even
/// for a document shared by thousands of applications.
pub const IDENTIFIER_MATCHES_MAX: usize = 256;

/// Most applications a cluster walk visits; beyond it the size is reported as at least this.
pub const CLUSTER_COUNT_MAX: i64 = 1000;
/// Applications one hop of the walk expands, and rows one hop reads: every hop is one bounded
/// indexed query, however large the cluster.
pub const CLUSTER_FRONTIER_MAX: usize = 64;
const CLUSTER_ROWS_PER_HOP: usize = 512;

/// `$first, $first+1, …` for `count` parameters.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn strong_kinds() -> String {
    IdentifierKind::STRONG
        .iter()
        .map(|k| format!("'{}'", k.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whose rows a lookup skips: the applicant's own identity, a name key and (when known) a birth-date
/// key. Rows of the same name count as another identity only when both birth dates are known and
/// differ. The index key is `(tenant_id, key_hash, name_key, dob_key, application_id)`, so the rows
/// of other identities under one key are at most four ranges around the applicant's own, and a
/// lookup reads a bounded number of rows however many applications the same person has.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Identity<'a> {
    pub name_key: &'a [u8],
    pub dob_key: Option<&'a [u8]>,
}

/// The index rows of other identities under `keys` in `tenants`, at most [`IDENTIFIER_MATCHES_MAX`];
/// the last `widely_shared` keys (residential addresses) only fill what the others leave of that cap.
pub(crate) async fn rows_under(
    conn: &mut Conn<'_>,
    keys: &[[u8; 32]],
    widely_shared: usize,
    tenants: &[&str],
    identity: Identity<'_>,
) -> Result<Vec<IdentifierRow>, sqlx::Error> {
    if keys.is_empty() || tenants.is_empty() {
        return Ok(Vec::new());
    }
    match conn.backend() {
        // One statement: its rows come ordered with the widely shared kinds last.
        Backend::Postgres => {
            let keys: Vec<&[u8]> = keys.iter().map(|k| &k[..]).collect();
            conn.fetch_all(
                AssertSqlSafe(pg_identifier_lookup_sql()),
                &[
                    Arg::Blobs(&keys),
                    Arg::Texts(tenants),
                    identity.name_key.into(),
                    identity.dob_key.into(),
                ],
            )
            .await
        }
        // In process, a second statement costs little and bounds each part by itself.
        Backend::Sqlite => {
            let (first, last) = keys.split_at(keys.len() - widely_shared.min(keys.len()));
            let mut rows =
                sqlite_rows_under(conn, first, tenants, identity, IDENTIFIER_MATCHES_MAX).await?;
            let room = IDENTIFIER_MATCHES_MAX - rows.len();
            if room > 0 {
                rows.extend(sqlite_rows_under(conn, last, tenants, identity, room).await?);
            }
            Ok(rows)
        }
    }
}

async fn sqlite_rows_under(
    conn: &mut Conn<'_>,
    keys: &[[u8; 32]],
    tenants: &[&str],
    identity: Identity<'_>,
    limit: usize,
) -> Result<Vec<IdentifierRow>, sqlx::Error> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let sql =
        sqlite_identifier_lookup_sql(keys.len(), tenants.len(), identity.dob_key.is_some(), limit);
    let args: Vec<Arg<'_>> = keys
        .iter()
        .map(|k| Arg::from(&k[..]))
        .chain(tenants.iter().map(|t| Arg::from(*t)))
        .chain([identity.name_key.into()])
        .chain(identity.dob_key.map(Arg::from))
        .collect();
    // Audited: only numbered placeholders are generated; every value is bound.
    conn.fetch_all(AssertSqlSafe(sql), &args).await
}

/// The ranges of other identities' rows under one key (see [`Identity`]), as conditions on `x`;
/// `name` and `dob` are the placeholders of the applicant's keys, `empty` the empty blob literal.
fn other_identity_ranges(name: &str, dob: &str, empty: &str, dob_known: bool) -> Vec<String> {
    let mut ranges = vec![
        format!("x.name_key < {name}"),
        format!("x.name_key > {name}"),
    ];
    if dob_known {
        ranges.push(format!(
            "x.name_key = {name} and x.dob_key > {empty} and x.dob_key < {dob}"
        ));
        ranges.push(format!("x.name_key = {name} and x.dob_key > {dob}"));
    }
    ranges
}

const LOOKUP_COLUMNS: &str = "x.key_hash, x.tenant_id, x.application_id, a.external_ref, x.name_key, \
     x.dob_key, x.detail_enc, x.seen_first, x.seen_last, a.base_verdict as verdict";

/// The SQLite lookup for `keys` keys and `tenants` tenants: `$1…` the keys, then the tenants, then
/// the applicant's name key and birth-date key. Each range of other identities is one search of the
/// primary key for every (tenant, key) pair, with its own limit.
#[doc(hidden)] // public for the plan test in tests/api/store.rs
pub fn sqlite_identifier_lookup_sql(
    keys: usize,
    tenants: usize,
    dob_known: bool,
    limit: usize,
) -> String {
    let name = format!("${}", keys + tenants + 1);
    let dob = format!("${}", keys + tenants + 2);
    let parts: Vec<String> = other_identity_ranges(&name, &dob, "x''", dob_known)
        .into_iter()
        .map(|range| {
            format!(
                "select * from (select {LOOKUP_COLUMNS} from identifiers x \
                 join applications a on a.id = x.application_id \
                 where x.key_hash in ({}) and x.tenant_id in ({}) and {range} limit {limit})",
                placeholders(1, keys),
                placeholders(keys + 1, tenants)
            )
        })
        .collect();
    format!("{} limit {limit}", parts.join(" union all "))
}

/// The applications sharing a strong attribute ([`IdentifierKind::STRONG`]) with any of `ids`, with
/// their name keys: one hop of the cluster walk, at most `CLUSTER_ROWS_PER_HOP` rows.
pub(crate) async fn strong_neighbours(
    conn: &mut Conn<'_>,
    tenant: &str,
    ids: &[String],
) -> Result<Vec<Neighbour>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    match conn.backend() {
        Backend::Postgres => {
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            conn.fetch_all(
                AssertSqlSafe(pg_strong_neighbours_sql()),
                &[tenant.into(), Arg::Texts(&ids)],
            )
            .await
        }
        Backend::Sqlite => {
            let args: Vec<Arg<'_>> = std::iter::once(Arg::from(tenant))
                .chain(ids.iter().map(Arg::from))
                .collect();
            // Audited: only numbered placeholders and the kinds' literal names are generated.
            conn.fetch_all(
                AssertSqlSafe(sqlite_strong_neighbours_sql(ids.len())),
                &args,
            )
            .await
        }
    }
}

/// The SQLite hop of the cluster walk for `ids` applications: `$1` the tenant, `$2…` the ids.
/// `cross join` fixes the join order and `indexed by` the index of the first table (i1 by
/// application): without statistics SQLite would otherwise read i1 through the primary key's
/// tenant prefix, every index row of the tenant, on every hop.
#[doc(hidden)] // public for the plan test in tests/api/store.rs
pub fn sqlite_strong_neighbours_sql(ids: usize) -> String {
    format!(
        "select distinct i2.application_id, i2.name_key \
         from identifiers i1 indexed by identifiers_by_application \
         cross join identifiers i2 \
         where i2.tenant_id = i1.tenant_id and i2.key_hash = i1.key_hash \
           and i1.tenant_id = $1 and i1.application_id in ({}) and i1.kind in ({}) \
         limit {CLUSTER_ROWS_PER_HOP}",
        placeholders(2, ids.max(1)),
        strong_kinds()
    )
}

/// Rows of the links route on SQLite: `$1` the tenant, `$2` the application. The application's own
/// rows first, through `identifiers_by_application` (`indexed by`, `cross join`), then one
/// primary-key probe per key; planned the other way round, SQLite reads the tenant's whole index.
#[doc(hidden)] // public for the plan test in tests/api/store.rs
pub const SQLITE_LINKS_SQL: &str = "select i2.application_id, a.external_ref, a.verdict, i2.kind \
     from identifiers i1 indexed by identifiers_by_application \
     cross join identifiers i2 \
     join applications a on a.id = i2.application_id \
     where i1.tenant_id = $1 and i1.application_id = $2 and i1.kind <> 'portrait_phash' \
       and i2.tenant_id = i1.tenant_id and i2.key_hash = i1.key_hash \
       and i2.application_id <> i1.application_id \
     order by i2.application_id, i2.kind limit 5000";

/// The same rows on PostgreSQL, whose planner picks the order from statistics.
const PG_LINKS_SQL: &str = "select i2.application_id, a.external_ref, a.verdict, i2.kind \
     from identifiers i1 \
     join identifiers i2 on i2.tenant_id = i1.tenant_id and i2.key_hash = i1.key_hash \
       and i2.application_id <> i1.application_id \
     join applications a on a.id = i2.application_id \
     where i1.tenant_id = $1 and i1.application_id = $2 and i1.kind <> 'portrait_phash' \
     order by i2.application_id, i2.kind limit 5000";

/// The tenant's applications sharing an exact key with `id` (perceptual-hash blocks are
/// candidates, not links), ordered by application.
pub(crate) async fn links(
    conn: &mut Conn<'_>,
    tenant: &str,
    id: &str,
) -> Result<Vec<LinkRow>, sqlx::Error> {
    let sql = match conn.backend() {
        Backend::Sqlite => SQLITE_LINKS_SQL,
        Backend::Postgres => PG_LINKS_SQL,
    };
    conn.fetch_all(sql, &[tenant.into(), id.into()]).await
}

/// One application's index rows, to be inserted.
pub(crate) struct Indexed<'a> {
    pub application_id: &'a str,
    pub tenant: &'a str,
    pub identifiers: &'a Identifiers,
    /// The application's base verdict, kept on its rows for the rejected rows' index.
    pub base_verdict: &'a str,
}

/// Inserts the index rows of several applications in one batch.
pub(crate) async fn insert(conn: &mut Conn<'_>, apps: &[Indexed<'_>]) -> Result<(), sqlx::Error> {
    let count: usize = apps.iter().map(|a| a.identifiers.entries.len()).sum();
    if count == 0 {
        return Ok(());
    }
    let rows = || {
        apps.iter().flat_map(|a| {
            a.identifiers
                .entries
                .iter()
                .map(move |entry| (a, a.identifiers, entry))
        })
    };
    let batch = Batch {
        table: "identifiers",
        columns: &[
            "key_hash",
            "application_id",
            "tenant_id",
            "kind",
            "name_key",
            "dob_key",
            "detail_enc",
            "seen_first",
            "seen_last",
            "base_verdict",
        ],
        values: vec![
            Column::Blob(rows().map(|(_, _, e)| &e.key[..]).collect()),
            Column::Text(rows().map(|(a, _, _)| a.application_id).collect()),
            Column::Text(rows().map(|(a, _, _)| a.tenant).collect()),
            Column::Text(rows().map(|(_, _, e)| e.kind.as_str()).collect()),
            Column::Blob(rows().map(|(_, ids, _)| &ids.name_key[..]).collect()),
            Column::OptBlob(
                rows()
                    .map(|(_, ids, _)| ids.dob_key.as_ref().map(|k| &k[..]))
                    .collect(),
            ),
            Column::OptBlob(rows().map(|(_, _, e)| e.detail.as_deref()).collect()),
            Column::OptInt(rows().map(|(_, _, e)| e.seen.map(|s| s.first)).collect()),
            Column::OptInt(rows().map(|(_, _, e)| e.seen.map(|s| s.last)).collect()),
            Column::Text(rows().map(|(a, _, _)| a.base_verdict).collect()),
        ],
        tail: "on conflict (tenant_id, key_hash, name_key, dob_key, application_id) do nothing",
    };
    debug_assert_eq!(batch.rows(), count);
    conn.insert_batch(&batch).await
}

/// Sets the base verdict kept on one application's index rows, after it changed (a re-screen).
pub(crate) async fn set_base_verdict(
    conn: &mut Conn<'_>,
    tenant: &str,
    application_id: &str,
    base_verdict: &str,
) -> Result<(), sqlx::Error> {
    conn.execute(
        "update identifiers set base_verdict = $1 \
         where application_id = $2 and tenant_id = $3 and base_verdict <> $1",
        &[base_verdict.into(), application_id.into(), tenant.into()],
    )
    .await
    .map(|_| ())
}

/// Removes one application's index rows.
pub(crate) async fn delete(
    conn: &mut Conn<'_>,
    tenant: &str,
    application_id: &str,
) -> Result<(), sqlx::Error> {
    conn.execute(
        "delete from identifiers where tenant_id = $1 and application_id = $2",
        &[tenant.into(), application_id.into()],
    )
    .await
    .map(|_| ())
}

/// The PostgreSQL lookup: `$1` the keys (`bytea[]`), `$2` the tenants (`text[]`), `$3` the
/// applicant's name key, `$4` its birth-date key (null when unknown). Each range of other
/// identities (see [`Identity`]) is an index search per (tenant, key) pair with its own limit.
/// Residential-address rows sort last, so that the cap drops them before any other (a sort of at
/// most the per-key caps' rows, however many applications share an address).
#[doc(hidden)] // public for the plan test in tests/api/store.rs
pub fn pg_identifier_lookup_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        let ranges: Vec<String> = other_identity_ranges("$3", "$4", "'\\x'::bytea", true)
            .into_iter()
            .map(|range| {
                format!(
                    "(select {LOOKUP_COLUMNS}, x.kind from identifiers x \
                     join applications a on a.id = x.application_id \
                     where x.tenant_id = t.tenant_id and x.key_hash = k.key_hash and {range} \
                     limit {IDENTIFIER_MATCHES_MAX})"
                )
            })
            .collect();
        format!(
            "select i.key_hash, i.tenant_id, i.application_id, i.external_ref, i.name_key, i.dob_key, \
             i.detail_enc, i.seen_first, i.seen_last, i.verdict \
             from unnest($2::text[]) as t(tenant_id) cross join unnest($1::bytea[]) as k(key_hash) \
             cross join lateral ({}) i \
             order by i.kind = 'residential_ip' \
             limit {IDENTIFIER_MATCHES_MAX}",
            ranges.join(" union all ")
        )
    })
}

/// The PostgreSQL hop of the cluster walk: one statement text for any number of ids; `$1` the
/// tenant, `$2` the ids (`text[]`).
#[doc(hidden)] // public for the plan test in tests/api/store.rs
pub fn pg_strong_neighbours_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        format!(
            "select distinct n.application_id, n.name_key from unnest($2::text[]) as s(application_id) \
             cross join lateral (select key_hash from identifiers i1 \
               where i1.application_id = s.application_id and i1.tenant_id = $1 and i1.kind in ({}) \
               limit {CLUSTER_ROWS_PER_HOP}) k \
             cross join lateral (select application_id, name_key from identifiers i2 \
               where i2.tenant_id = $1 and i2.key_hash = k.key_hash limit {CLUSTER_ROWS_PER_HOP}) n \
             limit {CLUSTER_ROWS_PER_HOP}",
            strong_kinds()
        )
    })
}
