//! The HTTP layer: routes, authentication, problem documents, OpenAPI.

mod admin;
mod applications;
pub mod auth;
pub mod breaker;
mod console;
mod error;
mod health;
mod idv;
pub mod lists;
pub mod openapi;
mod policy;
mod privacy;
pub mod rate_limit;
mod reviews;
mod sanctions;
mod webhooks;

use std::sync::Arc;
use std::time::Instant;

use actix_web::dev::Service;
use actix_web::http::Method;
use actix_web::{HttpResponse, web};

pub use admin::audit_intel_reload;
pub use error::{ApiError, ParamError, Problem};

use crate::metrics::Metrics;
use crate::screening::Screener;
use crate::store::Store;

/// Everything a request may need; one per server, no process globals.
pub struct AppState {
    pub store: Store,
    pub screener: Screener,
    /// The sanctions lists: loading versions, and this instance's compiled snapshot.
    pub lists: crate::lists::ListsService,
    pub auth: Arc<auth::Authenticator>,
    pub metrics: Arc<Metrics>,
    pub max_body_bytes: usize,
    /// How long a request body may take to arrive.
    pub body_timeout: std::time::Duration,
    /// Tenant whose `lists:admin` manages global intelligence.
    pub operator_tenant: String,
    pub lists_max_upload_bytes: usize,
    pub rate_limiter: rate_limit::RateLimiter,
    pub breaker: breaker::DatabaseBreaker,
    /// How long a claim on a case lasts (`VETGATE_CASES_CLAIM_MINUTES`).
    pub case_claim: chrono::Duration,
    /// `VETGATE_WEBHOOKS_ALLOW_PRIVATE`: endpoints may be on non-public addresses and plain http.
    pub webhooks_allow_private: bool,
    /// How long a rotated-out webhook secret keeps signing.
    pub webhooks_rotation_overlap: std::time::Duration,
}

/// Every route the service answers, in one table: `configure` builds the router from it, and a
/// test checks that the OpenAPI document describes each entry.
fn routes() -> Vec<(&'static str, Method, actix_web::Route)> {
    vec![
        ("/healthz", Method::GET, web::get().to(health::healthz)),
        ("/readyz", Method::GET, web::get().to(health::readyz)),
        ("/metrics", Method::GET, web::get().to(health::metrics)),
        (
            "/openapi.json",
            Method::GET,
            web::get().to(openapi::openapi_json),
        ),
        (
            "/v1/applications",
            Method::POST,
            web::post().to(applications::submit),
        ),
        (
            "/v1/applications",
            Method::GET,
            web::get().to(applications::list),
        ),
        (
            "/v1/applications/{id}",
            Method::GET,
            web::get().to(applications::get),
        ),
        (
            "/v1/applications/{id}",
            Method::DELETE,
            web::delete().to(privacy::erase),
        ),
        (
            "/v1/applications/{id}/export",
            Method::GET,
            web::get().to(privacy::export),
        ),
        (
            "/v1/applications/{id}/history",
            Method::GET,
            web::get().to(applications::history),
        ),
        (
            "/v1/applications/{id}/links",
            Method::GET,
            web::get().to(applications::links),
        ),
        (
            "/v1/applications/{id}/review",
            Method::POST,
            web::post().to(reviews::decide),
        ),
        ("/v1/cases", Method::GET, web::get().to(reviews::cases)),
        (
            "/v1/cases/{id}/claim",
            Method::POST,
            web::post().to(reviews::claim),
        ),
        (
            "/v1/admin/intel/reload",
            Method::POST,
            web::post().to(admin::reload_intel),
        ),
        (
            "/v1/admin/audit",
            Method::GET,
            web::get().to(admin::audit_log),
        ),
        ("/v1/admin/lists", Method::GET, web::get().to(lists::status)),
        ("/v1/admin/lists", Method::POST, web::post().to(lists::load)),
        ("/v1/policy", Method::GET, web::get().to(policy::get_policy)),
        ("/v1/policy", Method::PUT, web::put().to(policy::put_policy)),
        (
            "/v1/policy",
            Method::DELETE,
            web::delete().to(policy::delete_policy),
        ),
        ("/v1/allow", Method::GET, web::get().to(policy::list_allow)),
        ("/v1/allow", Method::POST, web::post().to(policy::add_allow)),
        (
            "/v1/allow/{id}",
            Method::DELETE,
            web::delete().to(policy::delete_allow),
        ),
        (
            "/v1/webhooks",
            Method::POST,
            web::post().to(webhooks::create),
        ),
        ("/v1/webhooks", Method::GET, web::get().to(webhooks::list)),
        (
            "/v1/webhooks/{id}",
            Method::DELETE,
            web::delete().to(webhooks::delete),
        ),
        (
            "/v1/webhooks/{id}/rotate",
            Method::POST,
            web::post().to(webhooks::rotate),
        ),
        (
            "/v1/webhooks/{id}/deliveries",
            Method::GET,
            web::get().to(webhooks::deliveries),
        ),
        (
            "/v1/idv/secrets",
            Method::GET,
            web::get().to(idv::list_secrets),
        ),
        (
            "/v1/idv/{vendor}/secrets",
            Method::POST,
            web::post().to(idv::set_secret),
        ),
        (
            "/v1/idv/{vendor}/callback/{tenant}",
            Method::POST,
            web::post().to(idv::callback),
        ),
        (
            "/v1/sanctions/search",
            Method::POST,
            web::post().to(sanctions::search),
        ),
    ]
}

/// The paths and methods of [`routes`].
pub fn route_table() -> Vec<(&'static str, Method)> {
    routes()
        .into_iter()
        .map(|(path, method, _)| (path, method))
        .collect()
}

/// Registers every route on an actix `App`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::QueryConfig::default().error_handler(applications::query_error));
    let mut by_path: Vec<(&'static str, Vec<(Method, actix_web::Route)>)> = Vec::new();
    for (path, method, route) in routes() {
        match by_path.iter_mut().find(|(p, _)| *p == path) {
            Some((_, methods)) => methods.push((method, route)),
            None => by_path.push((path, vec![(method, route)])),
        }
    }
    for (path, methods) in by_path {
        let mut allow: Vec<&str> = methods.iter().map(|(m, _)| m.as_str()).collect();
        allow.sort_unstable();
        let mut resource = resource(path, allow.join(", "));
        for (_, route) in methods {
            resource = resource.route(route);
        }
        cfg.service(resource);
    }
    console::configure(cfg);
    cfg.default_service(web::to(not_found));
}

/// A path whose other methods answer 405 problem+json with `Allow` (actix's own 405 has neither).
fn resource(path: &str, allow: String) -> actix_web::Resource {
    web::resource(path).default_service(web::to(move || {
        let allow = allow.clone();
        async move { Err::<HttpResponse, _>(ApiError::MethodNotAllowed(allow)) }
    }))
}

async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound)
}

/// The `method` label: the standard methods by name, anything else `other`, so a client inventing
/// methods cannot grow `/metrics` one series at a time.
fn method_label(method: &Method) -> &'static str {
    const STANDARD: [&str; 9] = [
        "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "CONNECT", "TRACE",
    ];
    STANDARD
        .into_iter()
        .find(|m| *m == method.as_str())
        .unwrap_or("other")
}

/// Request counts and latency per matched route (the pattern, not the raw path, so ids do not
/// explode the label set).
pub fn record_metrics<S, B>(
    req: actix_web::dev::ServiceRequest,
    srv: &S,
) -> impl std::future::Future<Output = Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>>
+ use<S, B>
where
    S: Service<
            actix_web::dev::ServiceRequest,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
{
    let started = Instant::now();
    let metrics = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.metrics.clone());
    let method = method_label(req.method());
    let response = srv.call(req);
    async move {
        let response = response.await?;
        if let Some(metrics) = metrics {
            let route = response
                .request()
                .match_pattern()
                .unwrap_or_else(|| "unmatched".into());
            metrics.observe_request(
                method,
                &route,
                response.status().as_u16(),
                started.elapsed(),
            );
        }
        Ok(response)
    }
}
