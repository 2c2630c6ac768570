//! The service's integration tests. Server scenarios start the real server on a random port and
//! talk HTTP to it; every scenario that stores or reads applications, lists or the index runs on
//! SQLite and on the PostgreSQL at 127.0.0.1:5432 (`on_both_backends!`, a fresh database per test,
//! dropped afterwards). SQLite only, by design: the transport-level tests (`auth`, most of
//! `hostile`: tokens, slow bodies, header floods, methods), which the store never sees, and the
//! store's SQLite-specific checks (key file, query plans). The library's own tests that need no
//! server (list formats, the matcher's evaluation, the fuzz-corpus replay) are `tests/library/`.

mod helpers;

mod applications;
mod audit;
mod auth;
mod cli;
mod console;
mod errors;
mod eval;
mod hostile;
mod identity;
mod idv;
mod link_budgets;
mod links;
mod list_sources;
mod network;
mod openapi;
mod payout;
mod privacy;
mod reviews;
mod sanctions_api;
mod sanctions_lists;
mod sanctions_signals;
mod store;
mod tenant_policy;
mod webdriver;
mod webhooks;
