//! The OFAC legacy CSV set (`sdn.csv`, `add.csv`, `alt.csv`, `sdn_comments.csv`, the remarks
//! parser included) over arbitrary bytes, joined as `common::ofac_csv_input` describes. No input
//! may panic the parser; an accepted set goes on to the store's JSON form and the matcher
//! (`common::exercise_list`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| common::ofac_csv_input(data));
