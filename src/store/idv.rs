//! Identity-verification vendor callbacks (docs/idv.md): each tenant's secret per vendor (sealed),
//! the vendor events already accepted (replay protection), and the vendors' results beside the
//! applications (sealed; the extracted document number also as a keyed hash). Every query binds
//! the tenant.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::error::{StoreError, from_micros};
use super::handle::TenantStore;
use super::sql::{Conn, Role, micros};
use crate::idv::{IdvResult, Vendor, VendorSecrets};
use crate::model::Cause;

/// A vendor's configuration as the API shows it (never the secret).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IdvSecretView {
    pub vendor: Vendor,
    /// The secret's last four characters.
    pub secret_hint: String,
    /// Veriff: the API key expected in `X-AUTH-CLIENT`, when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Until when callbacks signed with the secret this one replaced still verify.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_secret_valid_until: Option<DateTime<Utc>>,
}

/// A vendor result stored for an application, opened.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StoredIdvResult {
    pub id: String,
    pub vendor: Vendor,
    pub received_at: DateTime<Utc>,
    /// The mapped `vendor_check`, the extracted document fields and the vendor's status word.
    #[schema(value_type = Object)]
    pub result: IdvResult,
}

/// What a callback did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackOutcome {
    /// Stored for this application and queued for re-screening.
    Stored { application_id: String },
    /// The event was accepted before: nothing changed.
    Replayed,
    /// No application of the tenant has this reference (as `external_ref` or id).
    UnknownReference,
}

#[derive(sqlx::FromRow)]
struct SecretRow {
    vendor: String,
    secret_enc: Vec<u8>,
    previous_secret_enc: Option<Vec<u8>>,
    previous_until: Option<i64>,
    client_id: Option<String>,
    hint: String,
    created_at: i64,
    updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct ResultRow {
    id: String,
    vendor: String,
    received_at: i64,
    result_enc: Vec<u8>,
}

const SECRET_COLUMNS: &str = "vendor, secret_enc, previous_secret_enc, previous_until, client_id, \
                              hint, created_at, updated_at";

impl SecretRow {
    fn view(&self, now: i64) -> Result<IdvSecretView, StoreError> {
        Ok(IdvSecretView {
            vendor: vendor(&self.vendor)?,
            secret_hint: self.hint.clone(),
            client_id: self.client_id.clone(),
            created_at: from_micros(self.created_at)?,
            updated_at: from_micros(self.updated_at)?,
            previous_secret_valid_until: match (
                self.previous_secret_enc.is_some(),
                self.previous_until,
            ) {
                (true, Some(until)) if until > now => Some(from_micros(until)?),
                _ => None,
            },
        })
    }
}

fn vendor(s: &str) -> Result<Vendor, StoreError> {
    Vendor::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown IDV vendor {s:?}")))
}

/// The keyed hash a document number is stored under (the identifier index's normalisation:
/// letters and digits, upper-cased).
fn number_hash(keys: &crate::crypto::PiiKeys, number: &str) -> Vec<u8> {
    let normal: String = number
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    keys.index_hash("idv_document_number", normal.as_bytes())
        .to_vec()
}

impl TenantStore<'_> {
    /// Sets or replaces this tenant's secret for `vendor`; a replaced secret keeps verifying
    /// callbacks until `overlap` from now.
    pub async fn set_idv_secret(
        &self,
        vendor: Vendor,
        secret: &str,
        client_id: Option<&str>,
        actor: &str,
        overlap: std::time::Duration,
    ) -> Result<IdvSecretView, StoreError> {
        let tenant = self.tenant_id().as_str();
        let at = Utc::now();
        let now = micros(at);
        let until = now + i64::try_from(overlap.as_micros()).unwrap_or(i64::MAX / 2);
        let sealed = self.keys().seal(secret.as_bytes());
        let hint: String = {
            let chars: Vec<char> = secret.chars().collect();
            chars[chars.len().saturating_sub(4)..].iter().collect()
        };
        let mut tx = self.store().pools().begin().await?;
        let mut conn = tx.conn();
        let updated = conn
            .execute(
                "update idv_secrets set previous_secret_enc = secret_enc, previous_until = $1, \
                 secret_enc = $2, client_id = $3, hint = $4, updated_at = $5, updated_by = $6 \
                 where tenant_id = $7 and vendor = $8",
                &[
                    until.into(),
                    sealed.as_slice().into(),
                    client_id.into(),
                    hint.as_str().into(),
                    now.into(),
                    actor.into(),
                    tenant.into(),
                    vendor.as_str().into(),
                ],
            )
            .await?;
        super::audit::record(
            &mut conn,
            &super::audit::NewAuditEntry {
                at,
                tenant,
                actor,
                action: super::audit::AuditAction::IntegrationChange,
                target: vendor.as_str(),
                detail: serde_json::json!({
                    "secret": if updated == 0 { "set" } else { "replaced" },
                    "client_id": client_id.is_some(),
                }),
            },
        )
        .await?;
        if updated == 0 {
            conn.execute(
                "insert into idv_secrets (tenant_id, vendor, secret_enc, client_id, hint, \
                 created_at, updated_at, updated_by) values ($1, $2, $3, $4, $5, $6, $6, $7)",
                &[
                    tenant.into(),
                    vendor.as_str().into(),
                    sealed.as_slice().into(),
                    client_id.into(),
                    hint.as_str().into(),
                    now.into(),
                    actor.into(),
                ],
            )
            .await?;
        }
        let row: SecretRow = conn
            .fetch_optional(
                sqlx::AssertSqlSafe(format!(
                    "select {SECRET_COLUMNS} from idv_secrets where tenant_id = $1 and vendor = $2"
                )),
                &[tenant.into(), vendor.as_str().into()],
            )
            .await?
            .ok_or_else(|| StoreError::Corrupt("IDV secret vanished".into()))?;
        tx.commit().await?;
        row.view(now)
    }

    /// The vendors this tenant configured, by vendor name.
    pub async fn idv_secret_views(&self) -> Result<Vec<IdvSecretView>, StoreError> {
        let mut lease = self.store().pools().acquire(Role::Read).await?;
        let rows: Vec<SecretRow> = lease
            .conn()
            .fetch_all(
                sqlx::AssertSqlSafe(format!(
                    "select {SECRET_COLUMNS} from idv_secrets where tenant_id = $1 order by vendor"
                )),
                &[self.tenant_id().as_str().into()],
            )
            .await?;
        let now = micros(Utc::now());
        rows.iter().map(|r| r.view(now)).collect()
    }

    /// The secrets that verify this tenant's callbacks from `vendor`: the current one, and the one
    /// it replaced while the overlap lasts. `None` when the tenant configured none.
    pub async fn idv_secrets(&self, vendor: Vendor) -> Result<Option<VendorSecrets>, StoreError> {
        let mut lease = self.store().pools().acquire(Role::Read).await?;
        let row: Option<SecretRow> = lease
            .conn()
            .fetch_optional(
                sqlx::AssertSqlSafe(format!(
                    "select {SECRET_COLUMNS} from idv_secrets where tenant_id = $1 and vendor = $2"
                )),
                &[self.tenant_id().as_str().into(), vendor.as_str().into()],
            )
            .await?;
        let Some(row) = row else { return Ok(None) };
        let open = |sealed: &[u8]| -> Result<String, StoreError> {
            String::from_utf8(self.keys().open(sealed)?)
                .map_err(|_| StoreError::Corrupt("IDV secret is not text".into()))
        };
        let mut secrets = vec![open(&row.secret_enc)?];
        if let (Some(previous), Some(until)) = (&row.previous_secret_enc, row.previous_until)
            && until > micros(Utc::now())
        {
            secrets.push(open(previous)?);
        }
        Ok(Some(VendorSecrets {
            secrets,
            client_id: row.client_id,
        }))
    }

    /// Stores a verified callback's result for the application `reference` names (its
    /// `external_ref`, else its id), records the event and queues the application for re-screening,
    /// in one transaction. A replayed event or an unknown reference changes nothing.
    pub async fn record_idv_result(
        &self,
        vendor: Vendor,
        event_id: &str,
        reference: &str,
        result: &IdvResult,
    ) -> Result<CallbackOutcome, StoreError> {
        use sha2::Digest;
        let tenant = self.tenant_id().as_str();
        let now = micros(Utc::now());
        let event_key = hex::encode(sha2::Sha256::digest(event_id.as_bytes()));
        let sealed = self
            .keys()
            .seal(&serde_json::to_vec(result).map_err(|e| StoreError::Corrupt(e.to_string()))?);
        let number = result
            .document
            .number
            .as_deref()
            .map(|n| number_hash(self.keys(), n));
        let mut tx = self.store().pools().begin().await?;
        let mut conn = tx.conn();
        let Some(application_id) = resolve(&mut conn, tenant, reference).await? else {
            return Ok(CallbackOutcome::UnknownReference);
        };
        let fresh = conn
            .execute(
                "insert into idv_events (tenant_id, vendor, event_key, received_at) \
                 values ($1, $2, $3, $4) on conflict do nothing",
                &[
                    tenant.into(),
                    vendor.as_str().into(),
                    event_key.as_str().into(),
                    now.into(),
                ],
            )
            .await?;
        if fresh == 0 {
            return Ok(CallbackOutcome::Replayed);
        }
        conn.execute(
            "insert into idv_results (tenant_id, application_id, id, vendor, received_at, \
             document_number_hash, result_enc) values ($1, $2, $3, $4, $5, $6, $7)",
            &[
                tenant.into(),
                application_id.as_str().into(),
                uuid::Uuid::now_v7().to_string().as_str().into(),
                vendor.as_str().into(),
                now.into(),
                number.as_deref().into(),
                sealed.as_slice().into(),
            ],
        )
        .await?;
        super::rescreen::enqueue_ids(
            &mut conn,
            tenant,
            &[application_id.as_str()],
            &Cause::intel_change(vendor.as_str()),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(CallbackOutcome::Stored { application_id })
    }

    /// Every vendor result stored for one of this tenant's applications, oldest first.
    pub async fn idv_results(
        &self,
        application_id: &str,
    ) -> Result<Vec<StoredIdvResult>, StoreError> {
        let mut lease = self.store().pools().acquire(Role::Read).await?;
        let rows: Vec<ResultRow> = lease
            .conn()
            .fetch_all(
                "select id, vendor, received_at, result_enc from idv_results \
                 where tenant_id = $1 and application_id = $2 order by received_at, id",
                &[self.tenant_id().as_str().into(), application_id.into()],
            )
            .await?;
        rows.into_iter().map(|r| self.open_result(r)).collect()
    }

    fn open_result(&self, row: ResultRow) -> Result<StoredIdvResult, StoreError> {
        let result = serde_json::from_slice(&self.keys().open(&row.result_enc)?)
            .map_err(|e| StoreError::Corrupt(format!("IDV result {}: {e}", row.id)))?;
        Ok(StoredIdvResult {
            vendor: vendor(&row.vendor)?,
            received_at: from_micros(row.received_at)?,
            id: row.id,
            result,
        })
    }
}

/// The application `reference` names in this tenant: its `external_ref`, else its id (an erased
/// application's fraud-marker shell names nothing).
async fn resolve(
    conn: &mut Conn<'_>,
    tenant: &str,
    reference: &str,
) -> Result<Option<String>, sqlx::Error> {
    let by_ref: Option<String> = conn
        .scalars(
            "select id from applications where tenant_id = $1 and external_ref = $2 \
             and indexed_with <> 'fraud-marker'",
            &[tenant.into(), reference.into()],
        )
        .await?
        .into_iter()
        .next();
    if by_ref.is_some() {
        return Ok(by_ref);
    }
    Ok(conn
        .scalars(
            "select id from applications where tenant_id = $1 and id = $2 \
             and indexed_with <> 'fraud-marker'",
            &[tenant.into(), reference.into()],
        )
        .await?
        .into_iter()
        .next())
}

/// The newest vendor result stored for one application, sealed: `(vendor, sealed result)`.
pub(crate) async fn latest_of(
    conn: &mut Conn<'_>,
    tenant: &str,
    application_id: &str,
) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    conn.fetch_optional(
        "select vendor, result_enc from idv_results where tenant_id = $1 and application_id = $2 \
         order by received_at desc, id desc limit 1",
        &[tenant.into(), application_id.into()],
    )
    .await
}

/// Opens what [`latest_of`] returned.
pub(crate) fn open_latest(
    keys: &crate::crypto::PiiKeys,
    row: Option<(String, Vec<u8>)>,
) -> Result<Option<(Vendor, IdvResult)>, StoreError> {
    let Some((name, sealed)) = row else {
        return Ok(None);
    };
    let result = serde_json::from_slice(&keys.open(&sealed)?)
        .map_err(|e| StoreError::Corrupt(format!("IDV result: {e}")))?;
    Ok(Some((vendor(&name)?, result)))
}
