//! Erasing an applicant on request: the sealed application, every sealed verdict body, its
//! Idempotency-Keys, its identity-verification vendor results (docs/idv.md) and its identifier
//! index rows are deleted in one transaction, and a tombstone without personal data or evidence is
//! kept (what existed, what was decided, who erased it).
//! The applications it was linked to are queued for re-screening, so that links to it disappear
//! from their verdicts too.
//!
//! On SQLite every connection runs with `secure_delete`, so deleted content is overwritten in the
//! database file, and the WAL is truncated after an erasure (best effort: a reader still holding
//! an older snapshot keeps it until the next erasure or the next checkpoint). PostgreSQL deletes
//! the rows; their bytes stay in the table files until `VACUUM` reuses the space, and in backups
//! until they expire (docs/privacy.md).

use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};

use super::error::{StoreError, from_micros};
use super::handle::TenantStore;
use super::index;
use super::sql::{Arg, Backend, Conn, Role, micros};

/// What is kept of an erased application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Tombstone {
    pub id: String,
    pub external_ref: String,
    pub received_at: DateTime<Utc>,
    pub erased_at: DateTime<Utc>,
    /// The `sub` of the token that erased it.
    pub erased_by: String,
    /// Each verdict version it had, oldest first: no evidence, no personal data.
    pub versions: Vec<ErasedVersion>,
    /// A reviewer had confirmed it as a case (a `rejected` decision): its keyed-hash identifier
    /// index rows were kept for fraud prevention, so applications sharing its attributes still get
    /// `LNK_LINKED_TO_CONFIRMED`. `DELETE …?purge_fraud_markers=true` removes them.
    #[serde(default)]
    pub fraud_markers_kept: bool,
}

/// The answer to an erasure request.
pub struct Erasure {
    pub tombstone: Tombstone,
    /// False when the application had been erased before.
    pub erased_now: bool,
}

/// One verdict version of an erased application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErasedVersion {
    pub version: i64,
    pub verdict: String,
    pub risk_score: i64,
    pub screened_at: DateTime<Utc>,
    /// The reason codes of its signals.
    pub reason_codes: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct TombstoneRow {
    id: String,
    external_ref: String,
    received_at: i64,
    erased_at: i64,
    erased_by: String,
    versions_json: String,
    fraud_markers: i64,
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    version: i64,
    verdict: String,
    risk_score: i64,
    screened_at: i64,
    verdict_enc: Vec<u8>,
}

#[derive(sqlx::FromRow)]
struct ApplicationRow {
    external_ref: String,
    received_at: i64,
}

/// The part of a stored verdict body a tombstone keeps.
#[derive(Deserialize)]
struct Codes {
    #[serde(default)]
    signals: Vec<Code>,
}

#[derive(Deserialize)]
struct Code {
    code: String,
}

impl TombstoneRow {
    fn into_tombstone(self) -> Result<Tombstone, StoreError> {
        Ok(Tombstone {
            versions: serde_json::from_str(&self.versions_json)
                .map_err(|e| StoreError::Corrupt(format!("tombstone {}: {e}", self.id)))?,
            received_at: from_micros(self.received_at)?,
            erased_at: from_micros(self.erased_at)?,
            id: self.id,
            external_ref: self.external_ref,
            erased_by: self.erased_by,
            fraud_markers_kept: self.fraud_markers != 0,
        })
    }
}

async fn tombstone(
    conn: &mut Conn<'_>,
    tenant: &str,
    id: &str,
) -> Result<Option<TombstoneRow>, sqlx::Error> {
    conn.fetch_optional(
        "select id, external_ref, received_at, erased_at, erased_by, versions_json, fraud_markers \
         from tombstones where tenant_id = $1 and id = $2",
        &[tenant.into(), id.into()],
    )
    .await
}

impl TenantStore<'_> {
    /// The tombstone of an erased application of this tenant.
    pub async fn tombstone(&self, id: &str) -> Result<Option<Tombstone>, StoreError> {
        let mut lease = self.store().pools().acquire(Role::Read).await?;
        tombstone(&mut lease.conn(), self.tenant_id().as_str(), id)
            .await?
            .map(TombstoneRow::into_tombstone)
            .transpose()
    }

    /// The kinds of identifier one of this tenant's applications is indexed under, sorted.
    pub async fn indexed_kinds(&self, id: &str) -> Result<Vec<String>, StoreError> {
        let mut lease = self.store().pools().acquire(Role::Read).await?;
        Ok(lease
            .conn()
            .scalars(
                super::index::INDEXED_KINDS_SQL,
                &[self.tenant_id().as_str().into(), id.into()],
            )
            .await?)
    }

    /// Erases one of this tenant's applications and returns its tombstone; erasing it again returns
    /// the same tombstone (`Erasure::erased_now` false). `None` when the tenant never had it.
    ///
    /// A reviewer-confirmed case keeps its keyed-hash index rows (fraud markers) behind a shell
    /// application row without personal data, unless `purge_fraud_markers`; asking again with it
    /// removes markers an earlier erasure kept.
    pub async fn erase(
        &self,
        id: &str,
        erased_by: &str,
        now: DateTime<Utc>,
        purge_fraud_markers: bool,
    ) -> Result<Option<Erasure>, StoreError> {
        let tenant = self.tenant_id().as_str();
        // As stored: the first answer and a repeated one show the same instant.
        let now = now.trunc_subsecs(6);
        let mut tx = self.store().pools().begin().await?;
        let mut conn = tx.conn();
        if let Some(done) = tombstone(&mut conn, tenant, id).await? {
            let mut stone = done.into_tombstone()?;
            if purge_fraud_markers && stone.fraud_markers_kept {
                let linked = purge_markers(&mut conn, tenant, id).await?;
                conn.execute(
                    "update tombstones set fraud_markers = 0 where tenant_id = $1 and id = $2",
                    &[tenant.into(), id.into()],
                )
                .await?;
                let linked: Vec<&str> = linked.iter().map(String::as_str).collect();
                super::rescreen::enqueue_ids(
                    &mut conn,
                    tenant,
                    &linked,
                    &crate::model::Cause::link(None),
                    micros(now),
                )
                .await?;
                tx.commit().await?;
                self.store().truncate_wal().await;
                stone.fraud_markers_kept = false;
            }
            return Ok(Some(Erasure {
                tombstone: stone,
                erased_now: false,
            }));
        }
        // Locks the row where writers run in parallel: a re-submission waits, then finds no
        // application under the reference and stores a new one.
        let Some((_, _, decision)) =
            super::applications::version_for_update(&mut conn, tenant, id).await?
        else {
            return Ok(None);
        };
        let keep_markers = decision == "rejected" && !purge_fraud_markers;
        let application: ApplicationRow = conn
            .fetch_optional(
                "select external_ref, received_at from applications where tenant_id = $1 and id = $2",
                &[tenant.into(), id.into()],
            )
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("application {id} vanished")))?;
        let rows: Vec<VersionRow> = conn
            .fetch_all(
                "select version, verdict, risk_score, screened_at, verdict_enc from verdicts \
                 where tenant_id = $1 and application_id = $2 order by version",
                &[tenant.into(), id.into()],
            )
            .await?;
        let mut versions = Vec::with_capacity(rows.len());
        for row in rows {
            let body = self.keys().open(&row.verdict_enc)?;
            let codes: Codes = serde_json::from_slice(&body)
                .map_err(|e| StoreError::Corrupt(format!("verdict of {id}: {e}")))?;
            versions.push(ErasedVersion {
                version: row.version,
                verdict: row.verdict,
                risk_score: row.risk_score,
                screened_at: from_micros(row.screened_at)?,
                reason_codes: codes.signals.into_iter().map(|c| c.code).collect(),
            });
        }
        let args: [Arg<'_>; 2] = [tenant.into(), id.into()];
        for statement in [
            "delete from verdicts where tenant_id = $1 and application_id = $2",
            "delete from idempotency_keys where tenant_id = $1 and application_id = $2",
            "delete from rescreen_queue where tenant_id = $1 and application_id = $2",
            "delete from reviews where tenant_id = $1 and application_id = $2",
            "delete from idv_results where tenant_id = $1 and application_id = $2",
        ] {
            conn.execute(statement, &args).await?;
        }
        let linked = if keep_markers {
            // The shell: the id the markers refer to, nothing about the person. Its reference is
            // freed (a re-submission makes a new application), the sealed perceptual hashes go.
            conn.execute(
                "update applications set application_enc = $3, external_ref = 'erased:' || id, \
                 case_status = '', case_assignee = '', indexed_with = 'fraud-marker' \
                 where tenant_id = $1 and id = $2",
                &[tenant.into(), id.into(), (&b""[..]).into()],
            )
            .await?;
            conn.execute(
                "update identifiers set detail_enc = null where tenant_id = $1 and application_id = $2",
                &args,
            )
            .await?;
            Vec::new()
        } else {
            purge_markers(&mut conn, tenant, id).await?
        };
        let stone = Tombstone {
            id: id.to_owned(),
            external_ref: application.external_ref,
            received_at: from_micros(application.received_at)?,
            erased_at: now,
            erased_by: erased_by.to_owned(),
            versions,
            fraud_markers_kept: keep_markers,
        };
        let versions_json = serde_json::to_string(&stone.versions)
            .map_err(|e| StoreError::Corrupt(format!("tombstone of {id}: {e}")))?;
        conn.execute(
            "insert into tombstones (id, tenant_id, external_ref, received_at, erased_at, \
             erased_by, versions_json, fraud_markers) values ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                id.into(),
                tenant.into(),
                stone.external_ref.as_str().into(),
                application.received_at.into(),
                micros(now).into(),
                erased_by.into(),
                versions_json.as_str().into(),
                i64::from(keep_markers).into(),
            ],
        )
        .await?;
        super::audit::record(
            &mut conn,
            &super::audit::NewAuditEntry {
                at: now,
                tenant,
                actor: erased_by,
                action: super::audit::AuditAction::Erasure,
                target: id,
                detail: serde_json::json!({
                    "versions": stone.versions.len(),
                    "fraud_markers_kept": keep_markers,
                }),
            },
        )
        .await?;
        // Their links to it are gone.
        let linked: Vec<&str> = linked.iter().map(String::as_str).collect();
        super::rescreen::enqueue_ids(
            &mut conn,
            tenant,
            &linked,
            &crate::model::Cause::link(None),
            micros(now),
        )
        .await?;
        tx.commit().await?;
        self.store().truncate_wal().await;
        Ok(Some(Erasure {
            tombstone: stone,
            erased_now: true,
        }))
    }
}

/// Deletes an application's index rows and its row, and returns the applications it was linked to.
async fn purge_markers(
    conn: &mut Conn<'_>,
    tenant: &str,
    id: &str,
) -> Result<Vec<String>, sqlx::Error> {
    let linked: Vec<String> = index::links(conn, tenant, id)
        .await?
        .into_iter()
        .map(|row| row.application_id)
        .collect();
    let args: [Arg<'_>; 2] = [tenant.into(), id.into()];
    for statement in [
        "delete from identifiers where tenant_id = $1 and application_id = $2",
        "delete from applications where tenant_id = $1 and id = $2",
    ] {
        conn.execute(statement, &args).await?;
    }
    Ok(linked)
}

impl super::handle::Store {
    /// Up to `limit` applications (tenant, id) last submitted before their tenant's cut-off, oldest
    /// first within each cut-off.
    pub async fn expired_applications(
        &self,
        cutoffs: &crate::retention::Cutoffs,
        limit: i64,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let mut lease = self.pools().acquire(Role::Read).await?;
        let mut conn = lease.conn();
        let mut found: Vec<(String, String)> = Vec::new();
        for (tenant, cutoff) in &cutoffs.tenants {
            let Some(cutoff) = cutoff else { continue };
            let room = limit - found.len() as i64;
            if room <= 0 {
                return Ok(found);
            }
            found.extend(
                conn.fetch_all::<(String, String)>(
                    "select tenant_id, id from applications \
                     where tenant_id = $1 and last_submitted_at < $2 and indexed_with <> 'fraud-marker' \
                     order by last_submitted_at limit $3",
                    &[tenant.as_str().into(), micros(*cutoff).into(), room.into()],
                )
                .await?,
            );
        }
        let Some(cutoff) = cutoffs.default else {
            return Ok(found);
        };
        let room = limit - found.len() as i64;
        if room <= 0 {
            return Ok(found);
        }
        // Tenants with a period of their own are not under the default one.
        let own: Vec<&str> = cutoffs.tenants.iter().map(|(t, _)| t.as_str()).collect();
        let excluded = if own.is_empty() {
            String::new()
        } else {
            let marks: Vec<String> = (0..own.len()).map(|i| format!("${}", i + 3)).collect();
            format!(" and tenant_id not in ({})", marks.join(", "))
        };
        let sql = format!(
            "select tenant_id, id from applications where last_submitted_at < $1 \
             and indexed_with <> 'fraud-marker'{excluded} \
             order by last_submitted_at limit $2"
        );
        let args: Vec<Arg<'_>> = [micros(cutoff).into(), room.into()]
            .into_iter()
            .chain(own.iter().map(|t| Arg::from(*t)))
            .collect();
        // Audited: only numbered placeholders are generated; every value is bound.
        found.extend(
            conn.fetch_all::<(String, String)>(sqlx::AssertSqlSafe(sql), &args)
                .await?,
        );
        Ok(found)
    }

    /// Starts SQLite's WAL over, so that page images written before an erasure do not outlive it
    /// there. A reader in the middle of a transaction keeps the WAL busy: tried again for up to a
    /// second (erasures are rare). Nothing to
    /// do on PostgreSQL.
    pub(crate) async fn truncate_wal(&self) {
        if self.pools().backend() != Backend::Sqlite {
            return;
        }
        for _ in 0..40 {
            let result: Result<(i64, i64, i64), sqlx::Error> =
                match self.pools().acquire(Role::Write).await {
                    Ok(mut lease) => lease
                        .conn()
                        .fetch_optional("pragma wal_checkpoint(truncate)", &[])
                        .await
                        .map(|row| row.unwrap_or((1, 0, 0))),
                    Err(e) => Err(e),
                };
            match result {
                Ok((0, _, _)) => return,
                Ok(_) => tokio::time::sleep(std::time::Duration::from_millis(25)).await,
                Err(err) => {
                    tracing::warn!(error = %err, "truncating the WAL after an erasure failed");
                    return;
                }
            }
        }
        tracing::warn!(
            "the WAL stayed busy after an erasure; later checkpoints and commits overwrite it"
        );
    }
}
