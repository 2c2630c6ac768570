//! The MRZ parser over arbitrary bytes: no input may panic it, and whatever it accepts must survive
//! every accessor the checks use (`common::mrz_input`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| common::mrz_input(data));
