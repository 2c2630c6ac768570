//! The committed fuzz corpora replayed on every test run: each input goes through what its cargo-fuzz
//! target does (the bodies in fuzz/fuzz_targets/common/), with its assertions, without the
//! instrumented build that the fuzzer itself needs. A regression that panics on any input the fuzzer kept fails
//! here. The fuzzing itself: fuzz/smoke.sh, docs/reliability.md.

use std::path::PathBuf;

use vetgate::model::mrz;

#[path = "../../fuzz/fuzz_targets/common/mod.rs"]
mod common;

fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut inputs: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    inputs.sort();
    assert!(
        inputs.len() > 100,
        "{}: the committed corpus",
        dir.display()
    );
    inputs
}

/// Every committed input of `target` through `body`, the target's own code.
fn replay(target: &str, body: fn(&[u8])) {
    for (path, data) in corpus(target) {
        let replayed = std::panic::catch_unwind(|| body(&data));
        assert!(replayed.is_ok(), "{}", path.display());
    }
}

#[test]
fn the_csv_list_corpus_replays_without_a_panic() {
    replay("csv_list", common::csv_list_input);
}

#[test]
fn the_ofac_csv_corpus_replays_without_a_panic() {
    replay("ofac_csv", common::ofac_csv_input);
}

#[test]
fn the_un_xml_corpus_replays_without_a_panic() {
    replay("un_xml", common::un_xml_input);
}

#[test]
fn the_mmdb_corpus_replays_without_a_panic() {
    replay("mmdb", common::mmdb::mmdb_input);
}

#[test]
fn the_application_corpus_replays_without_a_panic() {
    replay("application", common::application::application_input);
}

#[test]
fn the_mrz_corpus_replays_without_a_panic() {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    for (path, data) in corpus("mrz") {
        let replay = std::panic::catch_unwind(|| {
            let text = String::from_utf8_lossy(&data);
            let lines: Vec<&str> = text.split('\n').collect();
            if let Ok(zone) = mrz::parse(&lines) {
                let _ = zone.birth.resolve_birth(today);
                let _ = zone.expiry.resolve_expiry(today);
                let _ = zone.failed_checks().count();
                let _ = zone.fields();
                let _ = zone.sex_code();
            }
            let _ = mrz::check_digit(&text);
        });
        assert!(replay.is_ok(), "{}", path.display());
    }
}
