//! Prometheus metrics, kept in the application state (no process globals, so a test process can
//! run many servers).

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::model::Decision;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VerdictLabels {
    verdict: &'static str,
}

type HistogramFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: HistogramFamily,
    verdicts: Family<VerdictLabels, Counter>,
    screening: Histogram,
    intel_reloads: Family<OutcomeLabels, Counter>,
    rescreens: Family<OutcomeLabels, Counter>,
    erasures: Family<ReasonLabels, Counter>,
    reviews: Family<DecisionLabels, Counter>,
    cases: Family<StatusLabels, Gauge>,
    list_entries: Family<ScopeLabels, Gauge>,
    list_bytes: Family<ScopeLabels, Gauge>,
    webhook_deliveries: Family<ResultLabels, Counter>,
    webhook_attempts: Histogram,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResultLabels {
    /// `delivered`, `retrying` or `failed`.
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ScopeLabels {
    /// `global` or `tenants` (all tenants' own lists together: one series, however many tenants).
    scope: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DecisionLabels {
    decision: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    status: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabels {
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

fn latency_histogram() -> Histogram {
    // 100 µs … ~3.3 s
    Histogram::new(exponential_buckets(0.0001, 2.0, 16))
}

impl Default for Metrics {
    fn default() -> Metrics {
        let mut registry = Registry::with_prefix("vetgate");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency: HistogramFamily = Family::new_with_constructor(latency_histogram);
        let verdicts = Family::<VerdictLabels, Counter>::default();
        let screening = Histogram::new(exponential_buckets(0.000_005, 2.0, 16));
        registry.register(
            "http_requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency by route",
            latency.clone(),
        );
        registry.register("verdicts", "Verdicts issued, by verdict", verdicts.clone());
        registry.register(
            "screening_duration_seconds",
            "Time to run the checks and the policy over one application (no I/O)",
            screening.clone(),
        );
        let intel_reloads = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "intel_reloads",
            "Intelligence reloads by outcome (refused: a file failed verification, the old snapshot kept serving)",
            intel_reloads.clone(),
        );
        let rescreens = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "rescreens",
            "Stored applications screened again (list changes, links), by whether the verdict changed",
            rescreens.clone(),
        );
        let erasures = Family::<ReasonLabels, Counter>::default();
        registry.register(
            "erasures",
            "Applications erased, by reason: request (DELETE /v1/applications/{id}) or retention",
            erasures.clone(),
        );
        let reviews = Family::<DecisionLabels, Counter>::default();
        registry.register(
            "reviews",
            "Reviewer decisions recorded, by decision",
            reviews.clone(),
        );
        let cases = Family::<StatusLabels, Gauge>::default();
        registry.register(
            "cases",
            "Cases by status (open, escalated, decided), over all tenants, as last counted",
            cases.clone(),
        );
        let list_entries = Family::<ScopeLabels, Gauge>::default();
        registry.register(
            "list_entries",
            "Sanctions-list entries this instance screens with: the global lists, and all tenants' own together",
            list_entries.clone(),
        );
        let list_bytes = Family::<ScopeLabels, Gauge>::default();
        registry.register(
            "list_index_bytes",
            "Approximate memory of the compiled sanctions-list indexes, global and all tenants' own",
            list_bytes.clone(),
        );
        let webhook_deliveries = Family::<ResultLabels, Counter>::default();
        registry.register(
            "webhook_delivery_attempts",
            "Webhook delivery attempts by result: delivered (2xx), retrying (failed, retried later) or failed (failed, retry window over)",
            webhook_deliveries.clone(),
        );
        // 5 ms … ~41 s
        let webhook_attempts = Histogram::new(exponential_buckets(0.005, 2.0, 14));
        registry.register(
            "webhook_attempt_duration_seconds",
            "Time of one webhook delivery attempt, to the receiver's answer or the failure",
            webhook_attempts.clone(),
        );
        Metrics {
            registry,
            webhook_deliveries,
            webhook_attempts,
            requests,
            latency,
            verdicts,
            screening,
            intel_reloads,
            rescreens,
            erasures,
            reviews,
            cases,
            list_entries,
            list_bytes,
        }
    }
}

impl Metrics {
    pub fn observe_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let (method, route) = (method.to_owned(), route.to_owned());
        self.requests
            .get_or_create(&RequestLabels {
                method: method.clone(),
                route: route.clone(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels { method, route })
            .observe(elapsed.as_secs_f64());
    }

    pub fn count_verdict(&self, decision: Decision) {
        self.verdicts
            .get_or_create(&VerdictLabels {
                verdict: decision.as_str(),
            })
            .inc();
    }

    pub fn observe_screening(&self, elapsed: Duration) {
        self.screening.observe(elapsed.as_secs_f64());
    }

    pub fn count_intel_reload(&self, ok: bool) {
        let outcome = if ok { "ok" } else { "refused" };
        self.intel_reloads
            .get_or_create(&OutcomeLabels { outcome })
            .inc();
    }

    /// What the loaded sanctions lists hold and cost: (entries, approximate bytes) of the global
    /// lists and of all tenants' own.
    pub fn set_list_footprint(&self, global: (u64, u64), tenants: (u64, u64)) {
        for (scope, (entries, bytes)) in [("global", global), ("tenants", tenants)] {
            let labels = ScopeLabels { scope };
            self.list_entries.get_or_create(&labels).set(entries as i64);
            self.list_bytes.get_or_create(&labels).set(bytes as i64);
        }
    }

    /// `reason`: `request` or `retention`.
    pub fn count_erasure(&self, reason: &'static str) {
        self.erasures.get_or_create(&ReasonLabels { reason }).inc();
    }

    /// `decision`: `approved`, `rejected` or `escalated`.
    pub fn count_review(&self, decision: &'static str) {
        self.reviews
            .get_or_create(&DecisionLabels { decision })
            .inc();
    }

    pub fn set_cases(&self, status: &'static str, count: i64) {
        self.cases
            .get_or_create(&StatusLabels { status })
            .set(count);
    }

    pub fn count_rescreens(&self, done: u64, changed: u64) {
        let count = |outcome, n| {
            self.rescreens
                .get_or_create(&OutcomeLabels { outcome })
                .inc_by(n);
        };
        count("changed", changed);
        count("unchanged", done.saturating_sub(changed));
    }

    /// `result`: `delivered`, `retrying` or `failed`.
    pub fn count_webhook_delivery(&self, result: &'static str) {
        self.webhook_deliveries
            .get_or_create(&ResultLabels { result })
            .inc();
    }

    pub fn observe_webhook_attempt(&self, elapsed: Duration) {
        self.webhook_attempts.observe(elapsed.as_secs_f64());
    }

    /// The OpenMetrics text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)
            .expect("writing to a String cannot fail");
        out
    }
}
