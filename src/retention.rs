//! The retention period: applications the platform has not submitted or re-submitted for
//! `VETGATE_RETENTION_DAYS` (or the tenant's own period from `VETGATE_RETENTION_TENANT_DAYS`) are
//! erased exactly as an erasure request erases them (docs/privacy.md), by a sweep every
//! `VETGATE_RETENTION_SWEEP_SECONDS`. Several instances may sweep at once: an erasure is one
//! transaction and a second one of the same application finds nothing to do.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use crate::config::{ConfigError, Settings};
use crate::metrics::Metrics;
use crate::store::{Store, StoreError, TenantId};

/// Who a retention erasure is recorded as (`erased_by` of its tombstone).
pub const ERASED_BY: &str = "retention";

/// Applications one step of the sweep erases.
const SWEEP_BATCH: i64 = 100;

/// How long each tenant's applications are kept; `None`: kept until erased on request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RetentionPolicy {
    pub default_days: Option<u32>,
    /// Tenants with a period of their own (`None`: kept).
    pub tenants: BTreeMap<String, Option<u32>>,
}

/// The cut-offs one sweep applies: applications last submitted before them are erased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cutoffs {
    /// For every tenant without a period of its own.
    pub default: Option<DateTime<Utc>>,
    /// Tenants with a period of their own, and theirs (`None`: kept).
    pub tenants: Vec<(String, Option<DateTime<Utc>>)>,
}

impl RetentionPolicy {
    pub fn from_settings(settings: &Settings) -> Result<RetentionPolicy, ConfigError> {
        let days = |d: u32| (d > 0).then_some(d);
        let mut tenants = BTreeMap::new();
        for item in settings
            .retention_tenant_days
            .split(',')
            .map(str::trim)
            .filter(|i| !i.is_empty())
        {
            let parsed = item.split_once('=').and_then(|(tenant, d)| {
                let tenant = TenantId::parse(tenant.trim())?;
                Some((tenant.as_str().to_owned(), d.trim().parse::<u32>().ok()?))
            });
            let Some((tenant, d)) = parsed else {
                return Err(ConfigError::Invalid(format!(
                    "VETGATE_RETENTION_TENANT_DAYS: {item:?} is not TENANT=DAYS"
                )));
            };
            tenants.insert(tenant, days(d));
        }
        Ok(RetentionPolicy {
            default_days: days(settings.retention_days),
            tenants,
        })
    }

    /// Whether anything is ever erased by age.
    pub fn is_active(&self) -> bool {
        self.default_days.is_some() || self.tenants.values().any(Option::is_some)
    }

    pub fn cutoffs(&self, now: DateTime<Utc>) -> Cutoffs {
        let before = |days: u32| now - Duration::days(i64::from(days));
        Cutoffs {
            default: self.default_days.map(before),
            tenants: self
                .tenants
                .iter()
                .map(|(tenant, days)| (tenant.clone(), days.map(before)))
                .collect(),
        }
    }
}

/// Erases every application past its retention period; returns how many.
pub async fn sweep(
    store: &Store,
    policy: &RetentionPolicy,
    now: DateTime<Utc>,
    metrics: &Metrics,
) -> Result<u64, StoreError> {
    let cutoffs = policy.cutoffs(now);
    let mut erased = 0;
    loop {
        let expired = store.expired_applications(&cutoffs, SWEEP_BATCH).await?;
        let full = expired.len() as i64 == SWEEP_BATCH;
        for (tenant, id) in expired {
            let Some(tenant) = TenantId::parse(&tenant) else {
                continue;
            };
            if let Some(done) = store
                .tenant(&tenant)
                .erase(&id, ERASED_BY, now, false)
                .await?
                && done.erased_now
            {
                metrics.count_erasure(ERASED_BY);
                erased += 1;
            }
        }
        if !full {
            return Ok(erased);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(default: u32, tenants: &str) -> Result<RetentionPolicy, ConfigError> {
        RetentionPolicy::from_settings(&Settings {
            retention_days: default,
            retention_tenant_days: tenants.into(),
            ..Settings::default()
        })
    }

    #[test]
    fn a_tenant_period_overrides_the_default_and_zero_keeps() {
        let p = policy(30, "acme=7, globex=0").unwrap();
        assert!(p.is_active());
        let now: DateTime<Utc> = "2026-12-06T00:00:00Z".parse().unwrap();
        let cut = p.cutoffs(now);
        assert_eq!(cut.default, Some("2026-11-06T00:00:00Z".parse().unwrap()));
        assert_eq!(
            cut.tenants,
            [
                (
                    "acme".to_owned(),
                    Some("2026-11-29T00:00:00Z".parse().unwrap())
                ),
                ("globex".to_owned(), None),
            ]
        );
        assert!(!policy(0, "").unwrap().is_active());
        assert!(!policy(0, "globex=0").unwrap().is_active());
        assert!(policy(0, "acme=1").unwrap().is_active());
    }

    #[test]
    fn a_malformed_tenant_period_is_a_configuration_error() {
        for bad in ["acme", "acme=x", "acme=-1", "bad tenant=3", "=3"] {
            assert!(policy(30, bad).is_err(), "{bad}");
        }
    }
}
