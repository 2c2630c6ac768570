//! Operator endpoints for global intelligence.

use actix_web::{HttpResponse, web};

use super::auth::{Caller, LISTS_ADMIN};
use super::error::{Problem, Unauthorized};
use super::{ApiError, AppState};

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
    match outcome {
        Ok(status) => Ok(HttpResponse::Ok().json(status)),
        Err(problems) => Err(ApiError::IntelReloadRefused(problems)),
    }
}
