//! The audit log of administrative actions (list loads, intelligence reloads, erasures, tenants'
//! policy and integration changes), for the
//! operator. An action that is a transaction writes its entry inside it, so an entry exists exactly
//! when the action happened.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::error::{StoreError, from_micros};
use super::handle::Store;
use super::sql::{Conn, Role, micros};

/// What an audit entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    ListLoad,
    IntelReload,
    Erasure,
    /// A tenant's policy override or allow entries changed.
    PolicyChange,
    /// A tenant's secret for an identity-verification vendor was set or replaced.
    IntegrationChange,
}

impl AuditAction {
    pub const ALL: [AuditAction; 5] = [
        AuditAction::ListLoad,
        AuditAction::IntelReload,
        AuditAction::Erasure,
        AuditAction::PolicyChange,
        AuditAction::IntegrationChange,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::ListLoad => "list_load",
            AuditAction::IntelReload => "intel_reload",
            AuditAction::Erasure => "erasure",
            AuditAction::PolicyChange => "policy_change",
            AuditAction::IntegrationChange => "integration_change",
        }
    }

    pub fn parse(s: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// An entry on its way in.
pub struct NewAuditEntry<'a> {
    pub at: DateTime<Utc>,
    /// The tenant it was taken in; `""` for global actions.
    pub tenant: &'a str,
    pub actor: &'a str,
    pub action: AuditAction,
    pub target: &'a str,
    pub detail: serde_json::Value,
}

/// A stored entry.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: String,
    pub at: DateTime<Utc>,
    /// The tenant it was taken in; empty for global actions (the operator's lists, reloads).
    pub tenant: String,
    /// Who: `api:TENANT:SUB`, `cli:USER`, `retention`, `bundled`.
    pub actor: String,
    /// `list_load`, `intel_reload`, `erasure` or `policy_change`.
    pub action: String,
    /// What: a list name, an application id, the IP databases.
    pub target: String,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: String,
    at: i64,
    tenant_id: String,
    actor: String,
    action: String,
    target: String,
    detail_json: String,
}

/// Writes an entry on the caller's connection (inside its transaction).
pub(crate) async fn record(
    conn: &mut Conn<'_>,
    entry: &NewAuditEntry<'_>,
) -> Result<(), sqlx::Error> {
    let id = uuid::Uuid::now_v7().to_string();
    let detail = entry.detail.to_string();
    conn.execute(
        "insert into audit_log (id, at, tenant_id, actor, action, target, detail_json) \
         values ($1, $2, $3, $4, $5, $6, $7)",
        &[
            id.as_str().into(),
            micros(entry.at).into(),
            entry.tenant.into(),
            entry.actor.into(),
            entry.action.as_str().into(),
            entry.target.into(),
            detail.as_str().into(),
        ],
    )
    .await
    .map(|_| ())
}

/// One page of the audit log, newest first, and the position to continue before.
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub next: Option<(i64, String)>,
}

impl Store {
    /// Records an action that is not itself a transaction (an intelligence reload).
    pub async fn audit(&self, entry: &NewAuditEntry<'_>) -> Result<(), StoreError> {
        let mut lease = self.pools().acquire(Role::Write).await?;
        Ok(record(&mut lease.conn(), entry).await?)
    }

    /// Entries newest first, optionally one action, before the keyset position `before`.
    pub async fn audit_log(
        &self,
        action: Option<AuditAction>,
        before: Option<(i64, String)>,
        limit: u32,
    ) -> Result<AuditPage, StoreError> {
        let limit = limit.max(1);
        let (before_at, before_id) = match &before {
            Some((at, id)) => (Some(*at), Some(id.as_str())),
            None => (None, None),
        };
        let mut lease = self.pools().acquire(Role::Read).await?;
        let mut rows: Vec<AuditRow> = lease
            .conn()
            .fetch_all(
                "select id, at, tenant_id, actor, action, target, detail_json from audit_log \
                 where ($1 is null or action = $1) \
                   and ($2 is null or at < $2 or (at = $2 and id < $3)) \
                 order by at desc, id desc limit $4",
                &[
                    action.map(AuditAction::as_str).into(),
                    before_at.into(),
                    before_id.into(),
                    (i64::from(limit) + 1).into(),
                ],
            )
            .await?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next = more
            .then(|| rows.last().map(|r| (r.at, r.id.clone())))
            .flatten();
        let entries = rows
            .into_iter()
            .map(|row| {
                Ok(AuditEntry {
                    at: from_micros(row.at)?,
                    detail: serde_json::from_str(&row.detail_json)
                        .map_err(|e| StoreError::Corrupt(format!("audit entry {}: {e}", row.id)))?,
                    id: row.id,
                    tenant: row.tenant_id,
                    actor: row.actor,
                    action: row.action,
                    target: row.target,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(AuditPage { entries, next })
    }
}
