//! Per-tenant settings: scoring-policy overrides (every version kept) and allow entries, and the
//! change log instances poll to pick up what another instance wrote (docs/policy.md). Every change
//! queues the tenant's stored applications for re-screening, and writes its audit entry
//! (`policy_change`), in the transaction that makes it.

use chrono::{DateTime, Utc};

use super::error::{StoreError, from_micros};
use super::handle::{Store, TenantStore};
use super::model::TenantId;
use super::rescreen;
use super::sql::{Conn, Role, micros};
use crate::model::{Cause, CauseKind};

/// One version of a tenant's policy override.
#[derive(Debug, Clone)]
pub struct PolicyOverride {
    pub version: i64,
    /// The override's TOML; `None`: the tenant went back to the operator's policy.
    pub toml: Option<String>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}

/// An allow entry as stored.
#[derive(Debug, Clone)]
pub struct AllowRow {
    pub id: String,
    pub kind: String,
    /// The value of kinds that are not personal data (`ip_range`, `asn`).
    pub value: Option<String>,
    /// The identifier index's keyed hash of personal values (`payout_account`, `shipping_address`).
    pub key_hash: Option<Vec<u8>>,
    pub hint: String,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}

#[derive(sqlx::FromRow)]
struct PolicyRow {
    version: i64,
    policy_toml: Option<String>,
    created_at: i64,
    created_by: String,
}

#[derive(sqlx::FromRow)]
struct AllowDbRow {
    id: String,
    kind: String,
    value: Option<String>,
    key_hash: Option<Vec<u8>>,
    hint: String,
    note: Option<String>,
    created_at: i64,
    created_by: String,
}

impl TryFrom<AllowDbRow> for AllowRow {
    type Error = StoreError;
    fn try_from(r: AllowDbRow) -> Result<AllowRow, StoreError> {
        Ok(AllowRow {
            id: r.id,
            kind: r.kind,
            value: r.value,
            key_hash: r.key_hash,
            hint: r.hint,
            note: r.note,
            created_at: from_micros(r.created_at)?,
            created_by: r.created_by,
        })
    }
}

/// Records a change of `tenant`'s settings and queues its applications, inside the caller's
/// transaction; returns the change's sequence number.
async fn record_change(
    conn: &mut Conn<'_>,
    tenant: &str,
    actor: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let seq: i64 = conn
        .scalar(
            "select coalesce(max(seq), 0) + 1 from tenant_settings_changes",
            &[],
        )
        .await?;
    conn.execute(
        "insert into tenant_settings_changes (seq, tenant_id, changed_at) values ($1, $2, $3)",
        &[seq.into(), tenant.into(), now.into()],
    )
    .await?;
    rescreen::enqueue_tenant(
        conn,
        tenant,
        &Cause::by(CauseKind::PolicyChange, actor),
        now,
    )
    .await?;
    Ok(seq)
}

async fn latest_policy(
    conn: &mut Conn<'_>,
    tenant: &str,
) -> Result<Option<PolicyOverride>, StoreError> {
    let row: Option<PolicyRow> = conn
        .fetch_optional(
            "select version, policy_toml, created_at, created_by from tenant_policies \
             where tenant_id = $1 order by version desc limit 1",
            &[tenant.into()],
        )
        .await?;
    row.map(|r| {
        Ok(PolicyOverride {
            version: r.version,
            toml: r.policy_toml,
            created_at: from_micros(r.created_at)?,
            created_by: r.created_by,
        })
    })
    .transpose()
}

async fn allow_rows(conn: &mut Conn<'_>, tenant: &str) -> Result<Vec<AllowRow>, StoreError> {
    let rows: Vec<AllowDbRow> = conn
        .fetch_all(
            "select id, kind, value, key_hash, hint, note, created_at, created_by \
             from tenant_allow_entries where tenant_id = $1 order by id",
            &[tenant.into()],
        )
        .await?;
    rows.into_iter().map(AllowRow::try_from).collect()
}

impl Store {
    /// The newest settings change's sequence number (0 when none): instances poll it.
    pub async fn newest_tenant_settings_seq(&self) -> Result<i64, StoreError> {
        let mut lease = self.pools().acquire(Role::Read).await?;
        Ok(lease
            .conn()
            .scalar(
                "select coalesce(max(seq), 0) from tenant_settings_changes",
                &[],
            )
            .await?)
    }

    /// The tenants whose settings changed after change `seq`.
    pub async fn tenants_changed_since(&self, seq: i64) -> Result<Vec<TenantId>, StoreError> {
        let mut lease = self.pools().acquire(Role::Read).await?;
        let tenants: Vec<String> = lease
            .conn()
            .scalars(
                "select distinct tenant_id from tenant_settings_changes where seq > $1",
                &[seq.into()],
            )
            .await?;
        tenants
            .iter()
            .map(|t| {
                TenantId::parse(t).ok_or_else(|| StoreError::Corrupt(format!("bad tenant {t:?}")))
            })
            .collect()
    }
}

/// One change of a tenant's settings.
enum Change<'a> {
    Policy {
        toml: Option<&'a str>,
        created_by: &'a str,
    },
    AddAllow(&'a AllowRow),
    DeleteAllow {
        id: &'a str,
        by: &'a str,
    },
}

/// Applies a change inside the caller's transaction; returns the new policy version (0 for allow
/// entries).
async fn apply(conn: &mut Conn<'_>, tenant: &str, change: &Change<'_>) -> Result<i64, sqlx::Error> {
    let at = Utc::now();
    let now = micros(at);
    let version = match change {
        Change::Policy { toml, created_by } => {
            let version: i64 = conn
                .scalar(
                    "select coalesce(max(version), 0) + 1 from tenant_policies where tenant_id = $1",
                    &[tenant.into()],
                )
                .await?;
            conn.execute(
                "insert into tenant_policies (tenant_id, version, policy_toml, created_at, created_by) \
                 values ($1, $2, $3, $4, $5)",
                &[
                    tenant.into(),
                    version.into(),
                    (*toml).into(),
                    now.into(),
                    (*created_by).into(),
                ],
            )
            .await?;
            version
        }
        Change::AddAllow(entry) => {
            conn.execute(
                "insert into tenant_allow_entries (tenant_id, id, kind, value, key_hash, hint, note, \
                 created_at, created_by) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                &[
                    tenant.into(),
                    (&entry.id).into(),
                    (&entry.kind).into(),
                    entry.value.as_deref().into(),
                    entry.key_hash.as_deref().into(),
                    (&entry.hint).into(),
                    entry.note.as_deref().into(),
                    micros(entry.created_at).into(),
                    (&entry.created_by).into(),
                ],
            )
            .await?;
            0
        }
        Change::DeleteAllow { id, .. } => {
            conn.execute(
                "delete from tenant_allow_entries where tenant_id = $1 and id = $2",
                &[tenant.into(), (*id).into()],
            )
            .await?;
            0
        }
    };
    // No personal data: the version, or the entry's id and kind.
    let (actor, target, detail) = match change {
        Change::Policy { toml, created_by } => (
            *created_by,
            "policy",
            serde_json::json!({"version": version, "override": if toml.is_some() { "set" } else { "removed" }}),
        ),
        Change::AddAllow(entry) => (
            entry.created_by.as_str(),
            entry.id.as_str(),
            serde_json::json!({"allow_entry": "added", "kind": entry.kind}),
        ),
        Change::DeleteAllow { id, by } => (*by, *id, serde_json::json!({"allow_entry": "removed"})),
    };
    super::audit::record(
        conn,
        &super::audit::NewAuditEntry {
            at,
            tenant,
            actor,
            action: super::audit::AuditAction::PolicyChange,
            target,
            detail,
        },
    )
    .await?;
    record_change(conn, tenant, actor, now).await?;
    Ok(version)
}

impl TenantStore<'_> {
    /// Applies and records a change (change log, re-screen of every application of the tenant) in
    /// one transaction. Two changes committing at once on PostgreSQL may pick the same sequence
    /// number: the loser runs again.
    async fn change(&self, change: Change<'_>) -> Result<i64, StoreError> {
        let tenant = self.tenant_id().as_str();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut tx = self.store().pools().begin().await?;
            let result = match apply(&mut tx.conn(), tenant, &change).await {
                Ok(version) => tx.commit().await.map(|()| version),
                Err(err) => Err(err),
            };
            match result {
                Ok(version) => return Ok(version),
                Err(sqlx::Error::Database(db)) if db.is_unique_violation() && attempt < 5 => {}
                Err(err) => return Err(err.into()),
            }
        }
    }

    /// The newest version of this tenant's policy override, if it ever set one.
    pub async fn policy_override(&self) -> Result<Option<PolicyOverride>, StoreError> {
        let mut lease = self.store().pools().acquire(Role::Read).await?;
        latest_policy(&mut lease.conn(), self.tenant_id().as_str()).await
    }

    /// Stores a new version of the override (`None`: back to the operator's policy) and queues the
    /// tenant's applications; returns the version number.
    pub async fn put_policy_override(
        &self,
        toml: Option<&str>,
        created_by: &str,
    ) -> Result<i64, StoreError> {
        self.change(Change::Policy { toml, created_by }).await
    }

    /// This tenant's allow entries, by id.
    pub async fn allow_entries(&self) -> Result<Vec<AllowRow>, StoreError> {
        let mut lease = self.store().pools().acquire(Role::Read).await?;
        allow_rows(&mut lease.conn(), self.tenant_id().as_str()).await
    }

    /// Stores an allow entry and queues the tenant's applications.
    pub async fn add_allow_entry(&self, entry: &AllowRow) -> Result<(), StoreError> {
        self.change(Change::AddAllow(entry)).await.map(|_| ())
    }

    /// Removes an allow entry (and queues the tenant's applications), `by` whom; `false` when it
    /// has none by that id.
    pub async fn delete_allow_entry(&self, id: &str, by: &str) -> Result<bool, StoreError> {
        let exists = self.allow_entries().await?.iter().any(|e| e.id == id);
        if exists {
            self.change(Change::DeleteAllow { id, by }).await?;
        }
        Ok(exists)
    }
}
