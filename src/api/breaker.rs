//! Answering `503` at once while the database is down.
//!
//! With the database unreachable every request would wait out the pool's acquire timeout
//! (`VETGATE_DB_ACQUIRE_TIMEOUT_MS`, 2 s) before its 503: measured under load, p50 2.0 s. After any
//! `/v1/` request is answered 503, the breaker stays open for [`OPEN_FOR`]: `/v1/` requests in that
//! window get their 503 without touching the database, and the first request after it tries the
//! database again (and closes the breaker by succeeding, or opens it for another window).
//! `/healthz`, `/readyz` and `/metrics` always run.

use std::future::{Future, ready};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::{ResponseError, web};
use futures_util::future::Either;

use super::{ApiError, AppState};
use crate::store::StoreError;

/// How long the breaker stays open after a 503.
pub const OPEN_FOR: Duration = Duration::from_millis(500);

pub struct DatabaseBreaker {
    started: Instant,
    /// Milliseconds since `started` until which the breaker is open (0: closed).
    open_until_ms: AtomicU64,
}

impl Default for DatabaseBreaker {
    fn default() -> DatabaseBreaker {
        DatabaseBreaker {
            started: Instant::now(),
            open_until_ms: AtomicU64::new(0),
        }
    }
}

impl DatabaseBreaker {
    fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    pub fn is_open(&self) -> bool {
        self.now_ms() < self.open_until_ms.load(Ordering::Relaxed)
    }

    pub fn trip(&self) {
        let until = self.now_ms() + OPEN_FOR.as_millis() as u64;
        self.open_until_ms.fetch_max(until, Ordering::Relaxed);
    }
}

/// The middleware (`wrap_fn`).
pub fn shed_while_database_down<S, B>(
    req: ServiceRequest,
    srv: &S,
) -> impl Future<Output = Result<ServiceResponse<EitherBody<B>>, actix_web::Error>> + use<S, B>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let guarded = req.path().starts_with("/v1/");
    if guarded && state.as_ref().is_some_and(|s| s.breaker.is_open()) {
        let refused = ApiError::Store(StoreError::Unavailable(sqlx::Error::PoolClosed));
        let response = req.into_response(refused.error_response());
        return Either::Left(ready(Ok(response.map_into_right_body())));
    }
    let response = srv.call(req);
    Either::Right(async move {
        let response = response.await?;
        if guarded
            && response.status() == StatusCode::SERVICE_UNAVAILABLE
            && let Some(state) = state
        {
            state.breaker.trip();
        }
        Ok(response.map_into_left_body())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_breaker_opens_for_a_moment_and_closes_by_itself() {
        let breaker = DatabaseBreaker::default();
        assert!(!breaker.is_open());
        breaker.trip();
        assert!(breaker.is_open());
        std::thread::sleep(OPEN_FOR + Duration::from_millis(20));
        assert!(!breaker.is_open());
    }
}
