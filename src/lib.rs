//! vetgate: a remote-worker identity verification gateway. See README.md for the service and
//! docs/signals.md for the reason codes.

pub mod api;
pub mod checks;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod facts;
pub mod identifiers;
pub mod idv;
pub mod intel;
pub mod lists;
pub mod metrics;
pub mod model;
pub mod policy;
pub mod retention;
pub mod screening;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod tenants;
pub mod webhooks;
