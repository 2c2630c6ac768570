//! OpenSanctions FollowTheMoney entities (JSON lines) over arbitrary bytes. No input may panic the
//! parser; an accepted list goes on to the store's JSON form and the matcher.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| common::ftm_json_input(data));
