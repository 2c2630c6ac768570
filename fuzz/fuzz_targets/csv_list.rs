//! The project CSV list format (tenant lists and the curated DPRK lists) over arbitrary bytes,
//! read once as a tenant list (`FUZZ`) and once under the curated list's stricter rules
//! (`VETGATE-DPRK-IT`: source and date required, every row a North Korea entry). No input may
//! panic the parser; an accepted list goes on to the store's JSON form and the matcher.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vetgate::intel::sanctions::csv_list;
use vetgate::intel::sanctions::model::LIST_VETGATE_DPRK_IT;

#[path = "common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let tenant = csv_list::parse("f.csv", "FUZZ", data);
    let curated = csv_list::parse("f.csv", LIST_VETGATE_DPRK_IT, data);
    if let Ok(list) = &curated {
        // The curated rules only add requirements: what they accept, a tenant list accepts.
        assert!(
            tenant.is_ok(),
            "accepted as curated, refused as a tenant list"
        );
        assert!(list.entities.iter().all(|e| e.north_korea));
    }
    if let Ok(list) = tenant {
        common::exercise_list(list);
    }
});
