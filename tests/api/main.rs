//! HTTP tests: each starts the real server on a random port and talks HTTP to it, on SQLite and on
//! the PostgreSQL at 127.0.0.1:5432 (a fresh database per test, dropped afterwards).

mod helpers;

mod applications;
mod auth;
mod cli;
mod errors;
mod eval;
mod fuzz_corpus;
mod hostile;
mod identity;
mod links;
mod network;
mod openapi;
mod payout;
mod sanctions_api;
mod sanctions_formats;
mod sanctions_harness;
mod sanctions_lists;
mod sanctions_matcher;
mod sanctions_signals;
mod store;
