//! Queries on the identifier index: the keyed hashes of every application's identifiers, looked up
//! before each screening and walked for clusters.
//!
//! **Budgets.** The lookup every screening runs reads a bounded number of index rows for each kind
//! of identifier ([`LOOKUP_BUDGETS`]), never one cap shared by all kinds: a shared cap let anyone
//! who made a few hundred applications with one phone number push a payout account shared with a
//! rejected application out of the answer. Each kind reads at most its budget of rows over all of
//! its keys and tenants, so the rows of one lookup are at most the sum of the budgets (plus the
//! rejected rows below), however large a group shares one value, and however many kinds are
//! crowded at once. The budgets are what the facts need ([`LOOKUP_BUDGETS`]); past a kind's budget,
//! its counts are lower bounds and the facts say so for that kind alone.
//!
//! **Rejected rows.** Inside one kind a crowd of clear applications (their base verdict is all a
//! padding needs to keep clear) could still push out the one rejected application the key leads to,
//! and with it `LNK_LINKED_TO_REJECTED`. Ordering by verdict would need every row under the key;
//! instead each index row carries its application's base verdict (migration 0012) and the rows of
//! rejected applications have a partial index of their own. A kind that reached its budget
//! therefore has a second, small one ([`REJECTED_BUDGET`]), read through that index by a second
//! statement: up to that many rejected rows under its keys, found by an index search like the
//! others, whatever the crowd. A kind below its budget needs none (all of its rows are there, the
//! rejected ones with them), so the lookup of an ordinary application is one statement, exactly as
//! many index searches as before. Only `reject` gets a budget: no fact reads a `review` (the facts
//! ask whether any linked application is rejected, and which). A row found twice counts once.
//!
//! **The SQL** is the one place where it differs by backend. SQLite plans each statement once, by
//! rule, and takes `$n` lists well: a `union all` of the kinds, each kind its keys' numbered
//! placeholders in one `in` list per range of other identities (each range a search of the primary
//! key with the kind's limit, the kind as a whole the same limit); the rejected rows the same over
//! `indexed by identifiers_rejected`; the searches read the index alone, and the rows found are
//! joined to their applications once. Only numbered placeholders and the limits are generated into
//! the text, and a statement names the kinds the application has, each with a power-of-two number
//! of key slots, so that few texts exist and each is prepared once per connection. PostgreSQL would
//! plan an `in ($1, …)` list again on every call (planning took 0.7 ms of a 1 ms lookup under
//! load), and a cached generic plan made without statistics scans a tenant's whole index range. Its
//! two statements therefore take arrays (the keys, and their kinds beside them), are prepared once
//! per connection, run on sessions that keep one generic plan per statement, and are written so
//! that every plan, generic or not, young table or old, is one index search per key: a `values`
//! list of the kinds and their limits, for each kind a `lateral` subquery over its keys (`unnest`
//! of the keys and kinds) and tenants, limited to the kind's limit, and inside it for each key a
//! `lateral` subquery on the index's full key per range. (A `limit` keeps a subquery from being
//! flattened into the join, where a plan made on an empty table would scan the tenant's range
//! instead; a `limit` may name the kind's limit from the outer row.) The executor pulls rows on
//! demand, so a kind stops reading at its limit. Rows come kind by kind, strongest first.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

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
    /// 1 when a reviewer confirmed the application as a case (a `rejected` decision).
    pub confirmed: i64,
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

/// Index rows one lookup reads per kind of identifier, over all of the kind's keys and tenants; the
/// strong kinds ([`IdentifierKind::STRONG`]) first, residential addresses last, and rows come back in
/// this order. What the facts need of a kind is small: one row of another identity for a shared
/// attribute, two for a farm, four identities for a large cluster, whether one is rejected (that
/// has [`REJECTED_BUDGET`] besides); the rest is evidence, and `counts_are_lower_bounds` says when
/// a kind stopped at its budget. The strong kinds get 64, which is also what one hop of the cluster
/// walk expands ([`CLUSTER_FRONTIER_MAX`]); phones, e-mails and remote-access addresses 32
/// (families, offices); portrait blocks 128, since they are candidates, 68 keys of one 16-bit block
/// each, measured afterwards; residential addresses 64, counted per 30-day window. 608 rows in all,
/// where one cap of 256 was shared before.
pub const LOOKUP_BUDGETS: [(IdentifierKind, usize); 11] = [
    (IdentifierKind::PayoutAccount, 64),
    (IdentifierKind::DeviceId, 64),
    (IdentifierKind::ShippingAddress, 64),
    (IdentifierKind::DocumentNumber, 64),
    (IdentifierKind::PortraitDigest, 32),
    (IdentifierKind::PortraitBlock, 128),
    (IdentifierKind::Phone, 32),
    (IdentifierKind::Email, 32),
    (IdentifierKind::RemoteAccessIp, 32),
    (IdentifierKind::RemoteAccessSubnet, 32),
    (IdentifierKind::ResidentialIp, 64),
];

/// Rows of rejected applications one lookup reads per kind, beside the kind's budget (see the
/// module documentation): enough to name them in the evidence.
pub const REJECTED_BUDGET: usize = 8;

/// The lookup budget of `kind` ([`LOOKUP_BUDGETS`]).
pub fn lookup_budget(kind: IdentifierKind) -> usize {
    LOOKUP_BUDGETS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(0, |(_, budget)| *budget)
}

/// Where `kind` stands in [`LOOKUP_BUDGETS`], the order a lookup reads kinds in.
pub(crate) fn lookup_rank(kind: IdentifierKind) -> usize {
    LOOKUP_BUDGETS
        .iter()
        .position(|(k, _)| *k == kind)
        .unwrap_or(LOOKUP_BUDGETS.len())
}

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

/// What one lookup found: the rows, each once, and the kinds that stopped at their budget.
pub(crate) struct Found {
    pub rows: Vec<IdentifierRow>,
    pub truncated: Vec<IdentifierKind>,
}

/// Which rows a lookup statement reads under each kind's keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[doc(hidden)] // public for the plan test in tests/api/store.rs
pub enum Part {
    /// Any rows, at most the kind's budget ([`LOOKUP_BUDGETS`]).
    Budget,
    /// The rows of rejected applications, at most [`REJECTED_BUDGET`], through their own index.
    Rejected,
}

impl Part {
    fn limit(self, kind: IdentifierKind) -> usize {
        match self {
            Part::Budget => lookup_budget(kind),
            Part::Rejected => REJECTED_BUDGET,
        }
    }
}

/// The index rows of other identities under `keys` (each with its kind, grouped by kind in the
/// order of [`LOOKUP_BUDGETS`]) in `tenants`: per kind at most its budget, and for a kind that
/// reached it, up to [`REJECTED_BUDGET`] rows of rejected applications besides (a second
/// statement; below its budget a kind's rows are all there, the rejected ones with them).
pub(crate) async fn rows_under(
    conn: &mut Conn<'_>,
    keys: &[(IdentifierKind, [u8; 32])],
    tenants: &[&str],
    identity: Identity<'_>,
) -> Result<Found, sqlx::Error> {
    let mut found = Found {
        rows: Vec::new(),
        truncated: Vec::new(),
    };
    if keys.is_empty() || tenants.is_empty() {
        return Ok(found);
    }
    debug_assert!(
        keys.is_sorted_by_key(|(kind, _)| lookup_rank(*kind)),
        "keys grouped by kind in budget order"
    );
    found.rows = rows_of(conn, Part::Budget, keys, tenants, identity).await?;
    let kind_of = |row: &IdentifierRow| {
        keys.iter()
            .find(|(_, key)| key[..] == row.key_hash[..])
            .map(|(kind, _)| *kind)
    };
    let mut read = [0usize; LOOKUP_BUDGETS.len()];
    for kind in found.rows.iter().filter_map(kind_of) {
        read[lookup_rank(kind)] += 1;
    }
    found.truncated = LOOKUP_BUDGETS
        .iter()
        .zip(read)
        .filter(|((_, budget), read)| read >= budget)
        .map(|((kind, _), _)| *kind)
        .collect();
    if found.truncated.is_empty() {
        return Ok(found);
    }
    let crowded: Vec<(IdentifierKind, [u8; 32])> = keys
        .iter()
        .filter(|(kind, _)| found.truncated.contains(kind))
        .copied()
        .collect();
    let rejected = rows_of(conn, Part::Rejected, &crowded, tenants, identity).await?;
    // A rejected row within its kind's budget was read already.
    for row in rejected {
        let known = found.rows.iter().any(|r| {
            r.application_id == row.application_id
                && r.key_hash == row.key_hash
                && r.tenant_id == row.tenant_id
        });
        if !known {
            found.rows.push(row);
        }
    }
    Ok(found)
}

/// Flags an application's index rows as a reviewer-confirmed case (kept rejected, so that the
/// rejected-row search of a crowded key finds them).
pub(crate) async fn mark_confirmed(
    conn: &mut Conn<'_>,
    tenant: &str,
    application_id: &str,
) -> Result<(), sqlx::Error> {
    conn.execute(
        "update identifiers set confirmed = 1, base_verdict = 'reject' \
         where tenant_id = $1 and application_id = $2",
        &[tenant.into(), application_id.into()],
    )
    .await
    .map(|_| ())
}

/// One statement of a lookup (see [`rows_under`]).
async fn rows_of(
    conn: &mut Conn<'_>,
    part: Part,
    keys: &[(IdentifierKind, [u8; 32])],
    tenants: &[&str],
    identity: Identity<'_>,
) -> Result<Vec<IdentifierRow>, sqlx::Error> {
    match conn.backend() {
        Backend::Postgres => {
            let kinds: Vec<&str> = keys.iter().map(|(kind, _)| kind.as_str()).collect();
            let keys: Vec<&[u8]> = keys.iter().map(|(_, k)| &k[..]).collect();
            conn.fetch_all(
                AssertSqlSafe(pg_identifier_lookup_sql(part)),
                &[
                    Arg::Blobs(&keys),
                    Arg::Texts(tenants),
                    identity.name_key.into(),
                    identity.dob_key.into(),
                    Arg::Texts(&kinds),
                ],
            )
            .await
        }
        Backend::Sqlite => {
            // The kinds the application has, each with a power-of-two number of key slots (the
            // unused ones an empty key no row has): the text depends on which kinds an application
            // has and little more, so a handful of texts serve every lookup, each prepared once per
            // connection by the statement cache (preparing one takes longer than running it).
            let mut kinds: Vec<IdentifierKind> = keys.iter().map(|(k, _)| *k).collect();
            kinds.dedup();
            let mut groups = Vec::with_capacity(kinds.len());
            let mut args: Vec<Arg<'_>> = Vec::new();
            for kind in kinds {
                let before = args.len();
                args.extend(
                    keys.iter()
                        .filter(|(k, _)| *k == kind)
                        .map(|(_, key)| Arg::from(&key[..])),
                );
                let slots = (args.len() - before).max(1).next_power_of_two();
                args.resize_with(before + slots, || Arg::from(&b""[..]));
                groups.push((kind, slots));
            }
            let sql = sqlite_lookup_text(part, groups, tenants.len(), identity.dob_key.is_some());
            args.extend(tenants.iter().map(|t| Arg::from(*t)));
            args.push(identity.name_key.into());
            args.extend(identity.dob_key.map(Arg::from));
            // Audited: only numbered placeholders and the budgets are generated; every value is bound.
            conn.fetch_all(AssertSqlSafe(sql), &args).await
        }
    }
}

/// [`sqlite_identifier_lookup_sql`], generated once per shape and thread: the text runs to 10–20 KB,
/// and building it for every screening cost the HTTP threads more than the search itself.
fn sqlite_lookup_text(
    part: Part,
    groups: Vec<(IdentifierKind, usize)>,
    tenants: usize,
    dob_known: bool,
) -> Arc<str> {
    type Shape = (Part, Vec<(IdentifierKind, usize)>, usize, bool);
    /// Shapes kept per thread; past it the memo starts over (a few dozen occur in practice).
    const SHAPES_MAX: usize = 256;
    thread_local! {
        static TEXTS: RefCell<HashMap<Shape, Arc<str>>> = RefCell::new(HashMap::new());
    }
    TEXTS.with_borrow_mut(|texts| {
        let shape = (part, groups, tenants, dob_known);
        if let Some(text) = texts.get(&shape) {
            return text.clone();
        }
        if texts.len() >= SHAPES_MAX {
            texts.clear();
        }
        let text: Arc<str> =
            sqlite_identifier_lookup_sql(shape.0, &shape.1, shape.2, shape.3).into();
        texts.insert(shape, text.clone());
        text
    })
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
     x.dob_key, x.detail_enc, x.seen_first, x.seen_last, a.base_verdict as verdict, x.confirmed";

/// The index columns of [`LOOKUP_COLUMNS`], for the SQLite lookup's searches.
const SQLITE_INDEX_COLUMNS: &str = "x.key_hash, x.tenant_id, x.application_id, x.name_key, \
     x.dob_key, x.detail_enc, x.seen_first, x.seen_last, x.confirmed";

/// The SQLite lookup for keys in `groups` (each kind, in [`LOOKUP_BUDGETS`] order, with its number of
/// keys) and `tenants` tenants: `$1…` the keys, group after group, then the tenants, then the
/// applicant's name key and birth-date key. For each kind, each range of other identities is one
/// search of the primary key for every (tenant, key) pair with the kind's limit, and the kind as
/// a whole the same limit; for [`Part::Rejected`], of `identifiers_rejected` (`indexed by`: the
/// planner would otherwise filter the primary key's rows, the whole crowd). The searches read the
/// index alone and the rows found are joined to their applications once, outside: every search
/// keeps its cursor open until the statement ends, and SQLite's cost of opening one grows with the
/// cursors already open (44 searches joined each to `applications` were 132 cursors, and opening
/// and freeing them was a third of a reader's time under load).
#[doc(hidden)] // public for the plan test in tests/api/store.rs
pub fn sqlite_identifier_lookup_sql(
    part: Part,
    groups: &[(IdentifierKind, usize)],
    tenants: usize,
    dob_known: bool,
) -> String {
    let keys: usize = groups.iter().map(|(_, n)| n).sum();
    let name = format!("${}", keys + tenants + 1);
    let dob = format!("${}", keys + tenants + 2);
    let tenants = placeholders(keys + 1, tenants);
    let ranges = other_identity_ranges(&name, &dob, "x''", dob_known);
    let (index, condition) = match part {
        Part::Budget => ("", ""),
        Part::Rejected => (
            " indexed by identifiers_rejected",
            " and x.base_verdict = 'reject'",
        ),
    };
    let mut first = 1;
    let kinds: Vec<String> = groups
        .iter()
        .map(|&(kind, count)| {
            let keys = placeholders(first, count);
            first += count;
            let limit = part.limit(kind);
            let searches: Vec<String> = ranges
                .iter()
                .map(|range| {
                    format!(
                        "select * from (select {SQLITE_INDEX_COLUMNS} from identifiers x{index} \
                         where x.key_hash in ({keys}) and x.tenant_id in ({tenants}){condition} \
                         and {range} limit {limit})"
                    )
                })
                .collect();
            format!(
                "select * from ({} limit {limit})",
                searches.join(" union all ")
            )
        })
        .collect();
    // `cross join`: the rows found drive the join, in the order they were found (kind by kind).
    format!(
        "select {} from ({}) f cross join applications a on a.id = f.application_id",
        LOOKUP_COLUMNS.replace("x.", "f."),
        kinds.join(" union all ")
    )
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
            // An unknown birth date is the empty key (the column is part of the primary key).
            Column::Blob(
                rows()
                    .map(|(_, ids, _)| ids.dob_key.as_ref().map_or(&[][..], |k| &k[..]))
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

/// The index rows of one application in one tenant (the placeholders given), as a condition on the
/// primary key.
///
/// SQLite plans by rule: given `application_id = ? and tenant_id = ?` plus any term on a column
/// that `identifiers_by_application` does not hold (`base_verdict`, `kind`, …), it searches the
/// primary key by its `tenant_id` prefix, every index row of the tenant, rather than the index and
/// then the primary key (the re-screen's base-verdict update took 14 ms on a loaded index that
/// way, and cut SQLite's throughput by a third). Through this subquery the rows are found by the
/// index and each is one primary-key search, whatever other terms the statement has.
macro_rules! rows_of_application {
    ($application:literal, $tenant:literal) => {
        concat!(
            "(tenant_id, key_hash, name_key, dob_key, application_id) in \
             (select tenant_id, key_hash, name_key, dob_key, application_id from identifiers \
             where application_id = ",
            $application,
            " and tenant_id = ",
            $tenant,
            ")"
        )
    };
}

/// Sets the base verdict kept on one application's index rows, after it changed (a re-screen);
/// a confirmed case's rows stay rejected.
#[doc(hidden)] // public for the plan test in tests/api/store.rs
pub const SET_BASE_VERDICT_SQL: &str = concat!(
    "update identifiers set base_verdict = $1 where ",
    rows_of_application!("$2", "$3"),
    " and base_verdict <> $1 and confirmed = 0"
);

/// The kinds application `$2` of tenant `$1` is indexed under, sorted.
#[doc(hidden)] // public for the plan test in tests/api/store.rs
pub const INDEXED_KINDS_SQL: &str = concat!(
    "select distinct kind from identifiers where ",
    rows_of_application!("$2", "$1"),
    " order by kind"
);

/// Sets the base verdict kept on one application's index rows, after it changed (a re-screen).
pub(crate) async fn set_base_verdict(
    conn: &mut Conn<'_>,
    tenant: &str,
    application_id: &str,
    base_verdict: &str,
) -> Result<(), sqlx::Error> {
    conn.execute(
        SET_BASE_VERDICT_SQL,
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
/// applicant's name key, `$4` its birth-date key (null when unknown), `$5` the keys' kinds (`text[]`,
/// one per key). For each kind of [`LOOKUP_BUDGETS`], its keys in each tenant, each range of other
/// identities (see [`Identity`]) an index search per (tenant, key) pair, the kind limited to its
/// budget ([`Part::Budget`]) or to [`REJECTED_BUDGET`] over the rejected rows' partial index
/// ([`Part::Rejected`]; the condition is a literal, so a generic plan can use it).
#[doc(hidden)] // public for the plan test in tests/api/store.rs
pub fn pg_identifier_lookup_sql(part: Part) -> &'static str {
    static BUDGET: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    static REJECTED: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let (cell, condition) = match part {
        Part::Budget => (&BUDGET, ""),
        Part::Rejected => (&REJECTED, " and x.base_verdict = 'reject'"),
    };
    cell.get_or_init(|| {
        let budgets: Vec<String> = LOOKUP_BUDGETS
            .iter()
            .map(|(kind, _)| format!("('{}', {})", kind.as_str(), part.limit(*kind)))
            .collect();
        let ranges: Vec<String> = other_identity_ranges("$3", "$4", "'\\x'::bytea", true)
            .into_iter()
            .map(|range| {
                format!(
                    "(select {LOOKUP_COLUMNS} from identifiers x \
                     join applications a on a.id = x.application_id \
                     where x.tenant_id = t.tenant_id and x.key_hash = k.key_hash{condition} \
                     and {range} limit b.budget)"
                )
            })
            .collect();
        format!(
            "select i.* from (values {}) as b(kind, budget) \
             cross join lateral (select r.* \
               from unnest($1::bytea[], $5::text[]) as k(key_hash, kind) \
               cross join unnest($2::text[]) as t(tenant_id) \
               cross join lateral ({}) r \
               where k.kind = b.kind limit b.budget) i",
            budgets.join(", "),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_budget_and_one_place_in_the_order() {
        let mut ranks: Vec<usize> = IdentifierKind::ALL
            .into_iter()
            .map(|kind| {
                assert!(lookup_budget(kind) > 0, "{kind:?}");
                lookup_rank(kind)
            })
            .collect();
        ranks.sort_unstable();
        ranks.dedup();
        assert_eq!(ranks, (0..LOOKUP_BUDGETS.len()).collect::<Vec<_>>());
        // The strong kinds come first, residential addresses last.
        for kind in IdentifierKind::STRONG {
            assert!(lookup_rank(kind) < IdentifierKind::STRONG.len(), "{kind:?}");
        }
        assert_eq!(
            lookup_rank(IdentifierKind::ResidentialIp),
            LOOKUP_BUDGETS.len() - 1
        );
    }
}
