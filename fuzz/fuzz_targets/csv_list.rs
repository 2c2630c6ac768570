//! The project CSV list format (tenant lists and the curated DPRK lists) over arbitrary bytes,
//! read once as a tenant list (`FUZZ`) and once under the curated list's stricter rules
//! (`VETGATE-DPRK-IT`: source and date required, every row a North Korea entry). No input may
//! panic the parser; an accepted list goes on to the store's JSON form and the matcher.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| common::csv_list_input(data));
