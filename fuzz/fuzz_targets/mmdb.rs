//! Arbitrary bytes as a MaxMind DB through the service's wrapper (see `common/mmdb.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| common::mmdb::mmdb_input(data));
