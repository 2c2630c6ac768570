//! Operator endpoints: global intelligence and the audit log.

use actix_web::{HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::applications::{decode_cursor, page_limit};
use super::auth::{AUDIT_READ, Caller, LISTS_ADMIN};
use super::error::{AuthErrors, ParamError, Problem, Unauthorized};
use super::{ApiError, AppState};
use crate::store::{AuditAction, AuditEntry, NewAuditEntry};

/// Reload the IP databases from disk. Scope `lists:admin`, operator tenant only.
///
/// Every file is opened and verified before the new snapshot replaces the old one in one atomic
/// swap; if any is corrupt or truncated, nothing changes and the refusal lists why. `SIGHUP` does
/// the same.
#[utoipa::path(
    post, path = "/v1/admin/intel/reload", tag = "operations",
    responses(
        (status = 200, description = "Reloaded: what is now loaded", body = Object),
        (status = 403, description = "Not lists:admin, or not the operator tenant", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A file was refused; the loaded databases keep serving", body = Problem, content_type = "application/problem+json"),
        Unauthorized,
    ),
    security(("bearer" = []))
)]
pub async fn reload_intel(
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(LISTS_ADMIN)?;
    if !caller.is_operator_admin(&state.operator_tenant) {
        return Err(ApiError::Forbidden("lists:admin of the operator tenant"));
    }
    let intel = state.screener.facts.intel.clone();
    // Opening and verifying files is blocking work: keep it off the request workers.
    let outcome = web::block(move || intel.reload())
        .await
        .map_err(|_| ApiError::IntelReloadRefused(vec!["reload task failed".into()]))?;
    state.metrics.count_intel_reload(outcome.is_ok());
    let actor = format!("api:{}:{}", caller.tenant.as_str(), caller.subject);
    audit_intel_reload(&state, &actor, outcome.as_ref().err().map(Vec::len)).await;
    match outcome {
        Ok(status) => Ok(HttpResponse::Ok().json(status)),
        Err(problems) => Err(ApiError::IntelReloadRefused(problems)),
    }
}

/// Records an intelligence reload (from the API or `SIGHUP`) in the audit log: `refused` carries
/// how many files were refused. The reload has happened either way, so a failure to record is
/// logged rather than returned.
pub async fn audit_intel_reload(state: &AppState, actor: &str, refused: Option<usize>) {
    let entry = NewAuditEntry {
        at: chrono::Utc::now(),
        tenant: "",
        actor,
        action: AuditAction::IntelReload,
        target: "ip_databases",
        detail: serde_json::json!({
            "outcome": if refused.is_some() { "refused" } else { "loaded" },
            "refused_files": refused.unwrap_or(0),
        }),
    };
    if let Err(err) = state.store.audit(&entry).await {
        tracing::warn!(error = %err, "recording an intelligence reload in the audit log failed");
    }
}

/// Audit log query parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// `list_load`, `intel_reload`, `erasure`, `policy_change` or `integration_change`.
    #[param(pattern = "^(list_load|intel_reload|erasure|policy_change|integration_change)$")]
    action: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(min_length = 1)]
    cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditLog {
    /// Newest first.
    items: Vec<AuditEntry>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    next_cursor: Option<String>,
}

/// The audit log of administrative actions in every tenant: list loads, intelligence reloads,
/// erasures (by request and by retention). Scope `audit:read`, operator tenant only.
#[utoipa::path(
    get, path = "/v1/admin/audit", tag = "operations",
    params(AuditParams),
    responses(
        (status = 200, body = AuditLog),
        (status = 400, description = "Unusable query parameters", body = Problem, content_type = "application/problem+json"),
        AuthErrors,
    ),
    security(("bearer" = []))
)]
pub async fn audit_log(
    caller: Caller,
    state: web::Data<AppState>,
    params: web::Query<AuditParams>,
) -> Result<HttpResponse, ApiError> {
    caller.require(AUDIT_READ)?;
    if caller.tenant.as_str() != state.operator_tenant {
        return Err(ApiError::Forbidden("audit:read of the operator tenant"));
    }
    let params = params.into_inner();
    let mut errors = Vec::new();
    let limit = page_limit(params.limit.as_deref(), &mut errors);
    let action = params.action.as_deref().and_then(|a| {
        let parsed = AuditAction::parse(a);
        if parsed.is_none() {
            errors.push(ParamError {
                parameter: "action".into(),
                detail:
                    "must be list_load, intel_reload, erasure, policy_change or integration_change"
                        .into(),
            });
        }
        parsed
    });
    let before = params.cursor.as_deref().and_then(|c| {
        let decoded = decode_cursor(c);
        if decoded.is_none() {
            errors.push(ParamError {
                parameter: "cursor".into(),
                detail: "is not a cursor this service issued".into(),
            });
        }
        decoded
    });
    if !errors.is_empty() {
        return Err(ApiError::BadQuery(errors));
    }
    let page = state.store.audit_log(action, before, limit).await?;
    Ok(HttpResponse::Ok().json(AuditLog {
        items: page.entries,
        next_cursor: page
            .next
            .map(|(at, id)| URL_SAFE_NO_PAD.encode(format!("{at}:{id}"))),
    }))
}
