//! Liveness, readiness and metrics.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use super::auth::Caller;

#[derive(Serialize, ToSchema)]
pub struct Health {
    status: &'static str,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, body = Health)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

#[derive(Serialize, ToSchema)]
pub struct DatabaseStatus {
    backend: &'static str,
    reachable: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Readiness {
    /// `ready` or `unavailable`.
    status: &'static str,
    database: DatabaseStatus,
    /// The active scoring policy.
    policy_version: String,
    /// IP databases loaded (kind, file, build date, size) and what could not be loaded.
    #[schema(value_type = Object)]
    intel: crate::intel::IntelStatus,
    /// Global sanctions lists loaded (name, version number, entries, load time); empty until one is
    /// stored. Official lists are loaded with `vetgate lists load` or `vetgate lists update`.
    #[schema(value_type = Vec<Object>)]
    sanctions_lists: Vec<crate::intel::lists::ListSummary>,
    /// The global list version label verdicts carry.
    lists_version: Option<String>,
}

/// Ready to screen: 200 when the database answers, 503 when it does not. The body lists what is
/// loaded; file paths and load errors only for the operator (a `lists:admin` token of the operator
/// tenant), by file name and count for anyone else.
#[utoipa::path(get, path = "/readyz", tag = "operations", responses(
    (status = 200, body = Readiness),
    (status = 503, description = "The database does not answer", body = Readiness),
))]
pub async fn readyz(state: web::Data<AppState>, caller: Option<Caller>) -> HttpResponse {
    let reachable = match state.store.ping().await {
        Ok(()) => true,
        Err(err) => {
            tracing::warn!(error = %err, "readiness: database unreachable");
            false
        }
    };
    let lists = state.screener.facts.lists.current();
    let status = state.screener.facts.intel.current().status();
    let body = Readiness {
        status: if reachable { "ready" } else { "unavailable" },
        database: DatabaseStatus {
            backend: state.store.backend_name(),
            reachable,
        },
        policy_version: state.screener.policy.version().to_owned(),
        intel: if caller.is_some_and(|c| c.is_operator_admin(&state.operator_tenant)) {
            status
        } else {
            status.redacted()
        },
        sanctions_lists: lists.summaries(None),
        lists_version: lists.for_tenant("").version().map(str::to_owned),
    };
    if reachable {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

/// Prometheus text exposition: requests and latency per route, verdicts, screening time.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, content_type = "application/openmetrics-text", body = String)))]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let (global, tenants) = state.lists.snapshot().current().footprint();
    state.metrics.set_list_footprint(
        (global.entries, global.bytes),
        (tenants.entries, tenants.bytes),
    );
    HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(state.metrics.render())
}
