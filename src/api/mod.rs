//! The HTTP layer: routes, authentication, problem documents, OpenAPI.

mod admin;
mod applications;
pub mod auth;
pub mod breaker;
mod error;
mod health;
pub mod lists;
pub mod openapi;
pub mod rate_limit;
mod sanctions;

use std::sync::Arc;
use std::time::Instant;

use actix_web::dev::Service;
use actix_web::{HttpResponse, web};

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
}

/// Registers every route on an actix `App`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::QueryConfig::default().error_handler(applications::query_error))
        .service(resource("/healthz", "GET").route(web::get().to(health::healthz)))
        .service(resource("/readyz", "GET").route(web::get().to(health::readyz)))
        .service(resource("/metrics", "GET").route(web::get().to(health::metrics)))
        .service(resource("/openapi.json", "GET").route(web::get().to(openapi::openapi_json)))
        .service(
            web::scope("/v1")
                .service(
                    resource("/applications", "GET, POST")
                        .route(web::post().to(applications::submit))
                        .route(web::get().to(applications::list)),
                )
                .service(
                    resource("/applications/{id}", "GET").route(web::get().to(applications::get)),
                )
                .service(
                    resource("/applications/{id}/history", "GET")
                        .route(web::get().to(applications::history)),
                )
                .service(
                    resource("/applications/{id}/links", "GET")
                        .route(web::get().to(applications::links)),
                )
                .service(
                    resource("/admin/intel/reload", "POST")
                        .route(web::post().to(admin::reload_intel)),
                )
                .service(
                    resource("/admin/lists", "GET, POST")
                        .route(web::get().to(lists::status))
                        .route(web::post().to(lists::load)),
                )
                .service(
                    resource("/sanctions/search", "POST").route(web::post().to(sanctions::search)),
                ),
        )
        .default_service(web::to(not_found));
}

/// A path whose other methods answer 405 problem+json with `Allow` (actix's own 405 has neither).
fn resource(path: &str, allow: &'static str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(move || async move {
        Err::<HttpResponse, _>(ApiError::MethodNotAllowed(allow))
    }))
}

async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound)
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
    let method = req.method().to_string();
    let response = srv.call(req);
    async move {
        let response = response.await?;
        if let Some(metrics) = metrics {
            let route = response
                .request()
                .match_pattern()
                .unwrap_or_else(|| "unmatched".into());
            metrics.observe_request(
                &method,
                &route,
                response.status().as_u16(),
                started.elapsed(),
            );
        }
        Ok(response)
    }
}
