//! Arbitrary bytes as a JSON application body through the in-process pipeline the HTTP handler and
//! `vetgate screen` share: `Application::parse`, the identifiers the store would index, the facts
//! (IP databases shipped in `geoip/`, sanctions screening of every name, payout holder, crypto
//! address, e-mail and document number against the bundled curated lists plus a tenant list),
//! `screening::assess` under the built-in policy, and the verdict's JSON form. Each application is
//! scored twice: as a first submission, and as if every identifier it carries were shared with
//! applications of other identities (reuse, links and cluster signals). No input may panic it.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| common::application::application_input(data));
