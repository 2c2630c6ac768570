//! The delivery worker inside `vetgate serve`: claims due deliveries from the outbox (a lease, shared
//! with the other instances), sends each with its Standard Webhooks headers through ureq on a
//! blocking thread, records the attempt and schedules the next one (exponential backoff with full
//! jitter) until the delivery is `delivered` (2xx) or its retry window ends (`failed`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use ureq::unversioned::transport::DefaultConnector;

use super::ssrf::PinnedResolver;
use crate::metrics::Metrics;
use crate::store::{AttemptOutcome, ClaimedDelivery, Store};

/// How long a finished (delivered or failed) delivery and its attempts are kept.
pub const HISTORY_DAYS: i64 = 30;
/// Most deliveries one step claims (and sends at once).
const BATCH: i64 = 16;
/// Largest part of a receiver's answer read (and discarded).
const BODY_MAX: u64 = 64 * 1024;

#[derive(Debug, Clone)]
pub struct DeliveryOptions {
    /// Connect and whole-answer time limit of one attempt.
    pub timeout: Duration,
    /// How long after the event a delivery is retried.
    pub retry_window: Duration,
    pub backoff_base: Duration,
    pub allow_private: bool,
}

/// Runs the worker until the task is aborted.
pub async fn run(store: Store, metrics: Arc<Metrics>, options: DeliveryOptions) {
    // Longer than an attempt (at most `timeout`) and the write after it; a crashed instance's
    // claims come back after this. Should a write take longer still, another instance sends the
    // delivery again: a duplicate with the same webhook-id, never a loss.
    let lease = options.timeout * 2 + Duration::from_secs(5);
    loop {
        let claims = match store.claim_webhook_deliveries(BATCH, lease).await {
            Ok(claims) => claims,
            Err(err) => {
                tracing::warn!(error = %err, "webhook outbox unavailable");
                tokio::time::sleep(Duration::from_secs(5)).await;
                continue;
            }
        };
        if claims.is_empty() {
            tokio::time::sleep(Duration::from_millis(250)).await;
            continue;
        }
        let sends = claims.into_iter().map(|claim| {
            let options = options.clone();
            async move {
                let sending = claim.clone();
                let timeout = options.timeout;
                let allow_private = options.allow_private;
                let sent =
                    tokio::task::spawn_blocking(move || send(&sending, timeout, allow_private))
                        .await
                        .unwrap_or(Attempt {
                            status_code: None,
                            error: Some("io"),
                            latency: Duration::ZERO,
                        });
                (claim, sent)
            }
        });
        for (claim, sent) in futures_util::future::join_all(sends).await {
            let now = Utc::now();
            let delivered = sent.status_code.is_some_and(|s| (200..300).contains(&s));
            let retry_at = (!delivered)
                .then(|| {
                    let wait = super::backoff(claim.attempts + 1, options.backoff_base);
                    now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1))
                })
                .filter(|at| {
                    *at <= claim.created_at
                        + chrono::Duration::from_std(options.retry_window)
                            .unwrap_or(chrono::Duration::days(1))
                });
            let outcome = AttemptOutcome {
                at: now,
                status_code: sent.status_code,
                error: sent.error,
                latency_ms: sent.latency.as_millis() as i64,
                retry_at,
            };
            metrics.observe_webhook_attempt(sent.latency);
            match store.complete_webhook_attempt(&claim, &outcome).await {
                Ok(0) => {}
                Ok(attempt) => {
                    let result = if delivered {
                        "delivered"
                    } else if retry_at.is_some() {
                        "retrying"
                    } else {
                        "failed"
                    };
                    metrics.count_webhook_delivery(result);
                    tracing::debug!(
                        delivery = %claim.id,
                        endpoint = %claim.endpoint_id,
                        attempt,
                        status = ?sent.status_code,
                        error = sent.error,
                        result,
                        "webhook attempt"
                    );
                    if result == "failed" {
                        tracing::warn!(delivery = %claim.id, endpoint = %claim.endpoint_id, attempts = attempt, "webhook delivery failed for good");
                    }
                }
                // Left claimed: the lease runs out and it is sent again, with the same webhook-id.
                Err(err) => {
                    tracing::warn!(error = %err, delivery = %claim.id, "recording a webhook attempt failed")
                }
            }
        }
    }
}

/// What one send gave.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub status_code: Option<u16>,
    /// Why there is no status: `timeout`, `connect`, `dns`, `blocked_address`, `tls`, `io`,
    /// `protocol`.
    pub error: Option<&'static str>,
    pub latency: Duration,
}

/// Sends one delivery (blocking): `POST` the stored body with `webhook-id`, `webhook-timestamp`
/// (now) and `webhook-signature` (every live secret). Redirects are not followed (a 3xx is a failed
/// attempt), the answer's body is read up to [`BODY_MAX`] and dropped.
pub fn send(claim: &ClaimedDelivery, timeout: Duration, allow_private: bool) -> Attempt {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .https_only(!allow_private)
        .timeout_global(Some(timeout))
        .timeout_connect(Some(timeout))
        .user_agent(concat!("vetgate-webhooks/", env!("CARGO_PKG_VERSION")))
        .build();
    let agent = ureq::Agent::with_parts(
        config,
        DefaultConnector::default(),
        PinnedResolver { allow_private },
    );
    let timestamp = Utc::now().timestamp();
    let body = claim.payload.as_bytes();
    let signature = super::signature_header(&claim.secrets, &claim.id, timestamp, body);
    let started = Instant::now();
    let result = agent
        .post(&claim.url)
        .header("content-type", "application/json")
        .header("webhook-id", &claim.id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .send(body);
    match result {
        Ok(mut response) => {
            let status = response.status().as_u16();
            let _ = response
                .body_mut()
                .with_config()
                .limit(BODY_MAX)
                .read_to_vec();
            Attempt {
                status_code: Some(status),
                error: None,
                latency: started.elapsed(),
            }
        }
        Err(err) => Attempt {
            status_code: None,
            error: Some(error_class(&err)),
            latency: started.elapsed(),
        },
    }
}

fn error_class(err: &ureq::Error) -> &'static str {
    use std::io::ErrorKind;
    match err {
        ureq::Error::Timeout(_) => "timeout",
        ureq::Error::HostNotFound => "dns",
        ureq::Error::ConnectionFailed => "connect",
        ureq::Error::Io(io) => match io.kind() {
            ErrorKind::PermissionDenied => "blocked_address",
            ErrorKind::TimedOut | ErrorKind::WouldBlock => "timeout",
            ErrorKind::ConnectionRefused => "connect",
            _ => "io",
        },
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::TlsRequired => "tls",
        ureq::Error::RequireHttpsOnly(_) => "blocked_address",
        _ => "protocol",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(url: String) -> ClaimedDelivery {
        ClaimedDelivery {
            id: "msg_0".into(),
            endpoint_id: "e".into(),
            tenant: "acme".into(),
            payload: "{}".into(),
            created_at: Utc::now(),
            attempts: 0,
            url,
            secrets: vec![crate::webhooks::generate_secret()],
            lease: 0,
        }
    }

    /// The check at delivery time: an endpoint whose host now resolves to a loopback address (as
    /// after a DNS rebinding) is never connected to.
    #[test]
    fn a_delivery_never_connects_to_a_non_public_address() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        for url in [
            format!("https://127.0.0.1:{port}/hook"),
            format!("https://localhost:{port}/hook"),
        ] {
            let attempt = send(&claim(url.clone()), Duration::from_secs(2), false);
            assert_eq!(attempt.status_code, None, "{url}");
            assert_eq!(attempt.error, Some("blocked_address"), "{url}");
        }
        assert!(
            listener.accept().is_err(),
            "nothing connected to the loopback listener"
        );
        // With the setting the same address is reached (and answers nothing useful here).
        let attempt = send(
            &claim(format!("http://127.0.0.1:{port}/hook")),
            Duration::from_millis(300),
            true,
        );
        assert_ne!(attempt.error, Some("blocked_address"));
        assert!(listener.accept().is_ok(), "the allowed attempt connected");
    }
}
