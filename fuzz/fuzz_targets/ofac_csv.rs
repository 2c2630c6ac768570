//! The OFAC legacy CSV set (`sdn.csv`, `add.csv`, `alt.csv`, `sdn_comments.csv`, the remarks
//! parser included) over arbitrary bytes. The input is the four files joined by the byte 0xFF
//! (Latin-1 `ÿ`, absent from the published files): missing parts are empty files, a fifth part
//! and beyond is appended to the comments file. No input may panic the parser; an accepted set
//! goes on to the store's JSON form and the matcher (`common::exercise_list`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use vetgate::intel::sanctions::ofac::{OfacSources, parse};

#[path = "common/mod.rs"]
mod common;

const SEPARATOR: u8 = 0xFF;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(4, |&b| b == SEPARATOR);
    let sdn = parts.next().unwrap_or_default();
    let add = parts.next().unwrap_or_default();
    let alt = parts.next().unwrap_or_default();
    let comments = parts.next().unwrap_or_default();
    if let Ok(list) = parse(&OfacSources {
        sdn,
        add,
        alt,
        comments,
    }) {
        common::exercise_list(list);
    }
});
