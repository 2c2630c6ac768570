//! Data-subject requests: erasing an applicant, and exporting everything stored about one.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use serde_json::value::RawValue;
use utoipa::ToSchema;

use super::AppState;
use super::applications::raw_json;
use super::auth::{APPLICATIONS_ERASE, APPLICATIONS_EXPORT, Caller};
use super::error::{ApiError, AuthErrors, Problem};
use crate::store::{TenantStore, Tombstone};

/// Why an application the tenant asks for is not there: erased (410, with its tombstone) or never
/// the tenant's (404).
pub(super) async fn missing(store: &TenantStore<'_>, id: &str) -> ApiError {
    match store.tombstone(id).await {
        Ok(Some(stone)) => ApiError::Erased(Box::new(stone)),
        Ok(None) => ApiError::NotFound,
        Err(err) => ApiError::Store(err),
    }
}

/// Parameters of an erasure.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EraseParams {
    /// `true`: also remove the fraud markers of a reviewer-confirmed case (its keyed-hash index
    /// rows), now or after an earlier erasure kept them.
    #[param(value_type = Option<bool>)]
    purge_fraud_markers: Option<String>,
}

/// Erase an applicant on request (GDPR art. 17, CCPA): the application, every verdict body, its
/// Idempotency-Keys and its identifier index rows are deleted, so it links to nothing any more;
/// the applications it was linked to are re-screened. A tombstone keeps its ids, each version's
/// verdict, score and reason codes (no evidence, no personal data), who erased it and when.
/// Erasing again answers the same tombstone; reading it afterwards answers `410`. Re-submitting
/// its `external_ref` creates a new application. A case a reviewer confirmed (a `rejected`
/// decision) keeps its keyed-hash index rows for fraud prevention (the tombstone says
/// `fraud_markers_kept`) unless `purge_fraud_markers=true`. Scope: `applications:erase`.
#[utoipa::path(
    delete, path = "/v1/applications/{id}", tag = "applications",
    params(("id" = String, Path, description = "The service's application id"), EraseParams),
    responses(
        (status = 200, description = "Erased (now or before): the tombstone", body = Tombstone),
        (status = 400, description = "Unusable query parameters", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application for this tenant", body = Problem, content_type = "application/problem+json"),
        AuthErrors,
    ),
    security(("bearer" = []))
)]
pub async fn erase(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    params: web::Query<EraseParams>,
) -> Result<HttpResponse, ApiError> {
    caller.require(APPLICATIONS_ERASE)?;
    let purge = match params.purge_fraud_markers.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(ApiError::BadQuery(vec![super::error::ParamError {
                parameter: "purge_fraud_markers".into(),
                detail: "must be true or false".into(),
            }]));
        }
    };
    let erasure = state
        .store
        .tenant(&caller.tenant)
        .erase(&id, &caller.subject, chrono::Utc::now(), purge)
        .await?
        .ok_or(ApiError::NotFound)?;
    if erasure.erased_now {
        tracing::info!(
            tenant = caller.tenant.as_str(),
            application = erasure.tombstone.id,
            by = caller.subject,
            "application erased"
        );
        state.metrics.count_erasure("request");
    }
    Ok(HttpResponse::Ok().json(erasure.tombstone))
}

/// Everything stored about an applicant, decrypted, for a subject-access request.
#[derive(Serialize, ToSchema)]
pub struct Export {
    pub id: String,
    pub external_ref: String,
    pub received_at: chrono::DateTime<chrono::Utc>,
    /// The application as last submitted.
    #[schema(value_type = Object)]
    pub application: Box<RawValue>,
    /// Every verdict version, oldest first, with its evidence.
    #[schema(value_type = Vec<Object>)]
    pub verdicts: Vec<Box<RawValue>>,
    /// The kinds of identifier the application is indexed under (the index holds keyed hashes,
    /// never the values, which are in `application`).
    pub indexed_as: Vec<String>,
    /// Every identity-verification vendor result stored for it (docs/idv.md), oldest first,
    /// decrypted: the mapped `vendor_check` and the document fields the vendor extracted.
    pub identity_verifications: Vec<crate::store::StoredIdvResult>,
}

/// Everything stored about one applicant, decrypted: the application, every verdict version, what
/// it is indexed under and the identity-verification vendors' results. Scope: `applications:export`.
#[utoipa::path(
    get, path = "/v1/applications/{id}/export", tag = "applications",
    params(("id" = String, Path, description = "The service's application id")),
    responses(
        (status = 200, body = Export),
        (status = 404, description = "No such application for this tenant", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Erased: the tombstone", body = Problem, content_type = "application/problem+json"),
        AuthErrors,
    ),
    security(("bearer" = []))
)]
pub async fn export(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(APPLICATIONS_EXPORT)?;
    let store = state.store.tenant(&caller.tenant);
    let Some(stored) = store.stored_application(&id).await? else {
        return Err(missing(&store, &id).await);
    };
    let mut verdicts = Vec::new();
    let mut after = 0;
    loop {
        let Some((page, next)) = store.history(&id, after, 200).await? else {
            return Err(missing(&store, &id).await);
        };
        verdicts.extend(page);
        match next {
            Some(version) => after = version,
            None => break,
        }
    }
    let indexed_as = store.indexed_kinds(&id).await?;
    let identity_verifications = store.idv_results(&id).await?;
    Ok(HttpResponse::Ok().json(Export {
        id: id.clone(),
        external_ref: stored.external_ref,
        received_at: stored.received_at,
        application: raw_json(stored.application_json)?,
        verdicts: verdicts
            .into_iter()
            .map(raw_json)
            .collect::<Result<_, _>>()?,
        indexed_as,
        identity_verifications,
    }))
}
