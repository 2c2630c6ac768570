//! Sanctions list versions.
//!
//! A list load is one transaction: the new version (normalised entries, sealed), the pruning of old
//! versions, and a re-screen request for every application the list can screen. Instances learn of
//! it by polling [`Store::newest_list_seq`]; the queue (`store::rescreen`) holds each request until
//! an instance that has loaded the new version stores the new verdict, so a crash never loses one.

use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;

use super::error::{StoreError, from_micros};
use super::handle::Store;
use super::model::TenantId;
use super::sql::{Conn, Role, micros};

/// Versions kept per list: the active one and two before it, for the status pages and rollback by
/// loading an old file again.
pub const VERSIONS_KEPT: i64 = 3;

/// Whose list a version is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListScope {
    /// Official and curated lists: every tenant is screened against them.
    Global,
    /// A tenant's own list: only its applications are screened against it.
    Tenant(TenantId),
}

impl ListScope {
    pub(crate) fn as_column(&self) -> &str {
        match self {
            ListScope::Global => "",
            ListScope::Tenant(t) => t.as_str(),
        }
    }

    pub(crate) fn from_column(scope: &str) -> Result<ListScope, StoreError> {
        if scope.is_empty() {
            return Ok(ListScope::Global);
        }
        TenantId::parse(scope)
            .map(ListScope::Tenant)
            .ok_or_else(|| StoreError::Corrupt(format!("bad list scope {scope:?}")))
    }
}

/// A parsed list on its way into the store.
pub struct NewListVersion {
    pub scope: ListScope,
    pub list_name: String,
    pub format: String,
    /// File name or URL it came from.
    pub source: String,
    pub content_sha256: [u8; 32],
    pub loaded_by: String,
    pub entries: i64,
    pub north_korea_entries: i64,
    pub report_json: String,
    /// The normalised entries, JSON; sealed before they are stored.
    pub entities_json: Vec<u8>,
    pub loaded_at: DateTime<Utc>,
    /// Loaded with `force` (past the empty/halved guard); recorded in the audit log.
    pub forced: bool,
}

/// One stored version, without its entries.
#[derive(Debug, Clone)]
pub struct ListVersionInfo {
    pub seq: i64,
    pub scope: ListScope,
    pub list_name: String,
    pub format: String,
    pub source: String,
    pub content_sha256: Vec<u8>,
    pub loaded_at: DateTime<Utc>,
    pub loaded_by: String,
    pub entries: i64,
    pub north_korea_entries: i64,
    pub report_json: String,
    /// The newest version of its list: the one screening uses.
    pub active: bool,
}

/// An active version with its entries (JSON), for building the in-memory index.
pub struct ActiveList {
    pub info: ListVersionInfo,
    pub entities_json: Vec<u8>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct ListVersionRow {
    pub seq: i64,
    pub scope: String,
    pub list_name: String,
    pub format: String,
    pub source: String,
    pub content_sha256: Vec<u8>,
    pub loaded_at: i64,
    pub loaded_by: String,
    pub entries: i64,
    pub north_korea_entries: i64,
    pub report_json: String,
    pub active: i64,
}

impl ListVersionRow {
    fn into_info(self) -> Result<ListVersionInfo, StoreError> {
        Ok(ListVersionInfo {
            seq: self.seq,
            scope: ListScope::from_column(&self.scope)?,
            list_name: self.list_name,
            format: self.format,
            source: self.source,
            content_sha256: self.content_sha256,
            loaded_at: from_micros(self.loaded_at)?,
            loaded_by: self.loaded_by,
            entries: self.entries,
            north_korea_entries: self.north_korea_entries,
            report_json: self.report_json,
            active: self.active != 0,
        })
    }
}

/// Columns of a list version without its entries; `active` is 1 for the newest of its list.
const LIST_VERSION_COLUMNS: &str = "l.seq, l.scope, l.list_name, l.format, l.source, l.content_sha256, \
     l.loaded_at, l.loaded_by, l.entries, l.north_korea_entries, l.report_json, \
     cast(case when l.seq = (select max(m.seq) from list_versions m \
       where m.scope = l.scope and m.list_name = l.list_name) then 1 else 0 end as bigint) as active";

/// An active version with its sealed entries.
#[derive(sqlx::FromRow)]
struct ActiveRow {
    #[sqlx(flatten)]
    version: ListVersionRow,
    entities_enc: Vec<u8>,
}

/// Stores a version, prunes its list to [`VERSIONS_KEPT`] and queues every application the list
/// screens, inside the caller's transaction; returns its sequence number.
async fn insert_version(
    conn: &mut Conn<'_>,
    new: &NewListVersion,
    sealed: &[u8],
) -> Result<i64, sqlx::Error> {
    let seq: i64 = conn
        .scalar("select coalesce(max(seq), 0) + 1 from list_versions", &[])
        .await?;
    let scope = new.scope.as_column();
    conn.execute(
        "insert into list_versions (seq, scope, list_name, format, source, content_sha256, loaded_at, \
         loaded_by, entries, north_korea_entries, report_json, entities_enc) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        &[
            seq.into(),
            scope.into(),
            (&new.list_name).into(),
            (&new.format).into(),
            (&new.source).into(),
            (&new.content_sha256[..]).into(),
            micros(new.loaded_at).into(),
            (&new.loaded_by).into(),
            new.entries.into(),
            new.north_korea_entries.into(),
            (&new.report_json).into(),
            sealed.into(),
        ],
    )
    .await?;
    conn.execute(
        "delete from list_versions where scope = $1 and list_name = $2 and seq not in \
         (select seq from list_versions where scope = $1 and list_name = $2 order by seq desc limit $3)",
        &[scope.into(), (&new.list_name).into(), VERSIONS_KEPT.into()],
    )
    .await?;
    super::rescreen::enqueue_scope(
        conn,
        scope,
        seq,
        &crate::model::Cause::list_change(&new.list_name, seq),
        micros(new.loaded_at),
    )
    .await?;
    super::audit::record(
        conn,
        &super::audit::NewAuditEntry {
            at: new.loaded_at,
            tenant: scope,
            actor: &new.loaded_by,
            action: super::audit::AuditAction::ListLoad,
            target: &new.list_name,
            detail: serde_json::json!({
                "seq": seq,
                "format": new.format,
                "entries": new.entries,
                "north_korea_entries": new.north_korea_entries,
                "forced": new.forced,
            }),
        },
    )
    .await?;
    Ok(seq)
}

impl Store {
    /// Stores a new list version, keeps the last [`VERSIONS_KEPT`] of that list, and queues every
    /// application the list screens (all tenants for a global list, one tenant for its own).
    pub async fn add_list_version(
        &self,
        new: NewListVersion,
    ) -> Result<ListVersionInfo, StoreError> {
        let sealed = self.keys().seal(&new.entities_json);
        // Two loads committing at once on PostgreSQL may pick the same seq: the loser retries.
        let mut attempt = 0;
        let seq = loop {
            attempt += 1;
            let mut tx = self.pools().begin().await?;
            let result = match insert_version(&mut tx.conn(), &new, &sealed).await {
                Ok(seq) => tx.commit().await.map(|()| seq),
                Err(err) => Err(err),
            };
            match result {
                Ok(seq) => break seq,
                Err(sqlx::Error::Database(db)) if db.is_unique_violation() && attempt < 5 => {}
                Err(err) => return Err(err.into()),
            }
        };
        Ok(ListVersionInfo {
            seq,
            scope: new.scope,
            list_name: new.list_name,
            format: new.format,
            source: new.source,
            content_sha256: new.content_sha256.to_vec(),
            loaded_at: new.loaded_at,
            loaded_by: new.loaded_by,
            entries: new.entries,
            north_korea_entries: new.north_korea_entries,
            report_json: new.report_json,
            active: true,
        })
    }

    /// The newest list version's sequence number (0 when none): instances poll it.
    pub async fn newest_list_seq(&self) -> Result<i64, StoreError> {
        let mut lease = self.pools().acquire(Role::Read).await?;
        Ok(lease
            .conn()
            .scalar("select coalesce(max(seq), 0) from list_versions", &[])
            .await?)
    }

    /// The active version of every list in every scope, with entries, for building the index.
    pub async fn active_lists(&self) -> Result<Vec<ActiveList>, StoreError> {
        self.active_lists_in(None).await
    }

    /// The active version of every list of one scope (`Some`), or of all (`None`), with entries.
    pub async fn active_lists_in(
        &self,
        scope: Option<&ListScope>,
    ) -> Result<Vec<ActiveList>, StoreError> {
        let sql = format!(
            "select {LIST_VERSION_COLUMNS}, l.entities_enc from list_versions l \
             where ($1 is null or l.scope = $1) \
               and l.seq = (select max(m.seq) from list_versions m \
               where m.scope = l.scope and m.list_name = l.list_name) \
             order by l.seq"
        );
        let mut lease = self.pools().acquire(Role::Read).await?;
        // Audited: the text is literals of this module.
        let rows: Vec<ActiveRow> = lease
            .conn()
            .fetch_all(
                AssertSqlSafe(sql),
                &[scope.map(ListScope::as_column).into()],
            )
            .await?;
        rows.into_iter()
            .map(|row| {
                Ok(ActiveList {
                    info: row.version.into_info()?,
                    entities_json: self.keys().open(&row.entities_enc)?,
                })
            })
            .collect()
    }

    /// The active version of every list of every scope, without entries: what a refresh compares
    /// with the loaded snapshot.
    pub async fn active_list_infos(&self) -> Result<Vec<ListVersionInfo>, StoreError> {
        let sql = format!(
            "select {LIST_VERSION_COLUMNS} from list_versions l \
             where l.seq = (select max(m.seq) from list_versions m \
               where m.scope = l.scope and m.list_name = l.list_name) \
             order by l.seq"
        );
        let mut lease = self.pools().acquire(Role::Read).await?;
        // Audited: the text is literals of this module.
        let rows: Vec<ListVersionRow> = lease.conn().fetch_all(AssertSqlSafe(sql), &[]).await?;
        rows.into_iter().map(ListVersionRow::into_info).collect()
    }

    /// The stored versions a caller may see: global lists, and a tenant's own when given.
    pub async fn list_versions(
        &self,
        tenant: Option<&TenantId>,
    ) -> Result<Vec<ListVersionInfo>, StoreError> {
        let sql = format!(
            "select {LIST_VERSION_COLUMNS} from list_versions l \
             where ($1 is null or l.scope = '' or l.scope = $1) \
             order by l.scope, l.list_name, l.seq desc"
        );
        let mut lease = self.pools().acquire(Role::Read).await?;
        // Audited: the text is literals of this module.
        let rows: Vec<ListVersionRow> = lease
            .conn()
            .fetch_all(AssertSqlSafe(sql), &[tenant.map(TenantId::as_str).into()])
            .await?;
        rows.into_iter().map(ListVersionRow::into_info).collect()
    }
}
