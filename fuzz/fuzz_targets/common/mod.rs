//! The fuzz targets' bodies, one function per target, so that `cargo test` replays the committed
//! corpora through the same code and assertions (tests/api/fuzz_corpus.rs) without the instrumented
//! build. Every sanctions-list target does with a list its parser accepted what the service does
//! next ([`exercise_list`]): the entries go through the store's JSON form and back (they must come
//! back unchanged), into the matcher's index, and a few of their own names, crypto addresses and
//! document numbers are searched for.
#![allow(dead_code)] // each target calls one of these

pub mod application;
pub mod mmdb;

use std::path::PathBuf;

use vetgate::intel::sanctions::LoadedList;
use vetgate::intel::sanctions::matcher::{Index, Query};
use vetgate::intel::sanctions::model::Entity;

/// Names searched per accepted list: enough to reach the scorer, few enough to keep the parser
/// targets fast.
const SEARCHES: usize = 4;

pub fn exercise_list(list: LoadedList) {
    let _ = serde_json::to_string(&list.report).expect("a parse report serialises");
    let json = serde_json::to_vec(&list.entities).expect("accepted entries serialise");
    let back: Vec<Entity> = serde_json::from_slice(&json).expect("stored entries deserialise");
    assert_eq!(
        back, list.entities,
        "entries change through the store's JSON"
    );

    let index = Index::build(back);
    for entity in index.entities().iter().take(SEARCHES) {
        let _ = index.search(&Query::name(entity.primary_name.clone()));
        for alias in entity.aliases.iter().take(1) {
            let _ = index.search(&Query::name(alias.name.clone()));
        }
        for crypto in &entity.crypto_addresses {
            let _ = index.find_crypto(Some(&crypto.asset), &crypto.address);
            let _ = index.find_crypto(None, &crypto.address);
        }
        for doc in &entity.documents {
            let _ = index.find_document(&doc.number);
        }
        for email in &entity.emails {
            let _ = index.find_email(email);
        }
    }
}

/// The repository's root: the fuzz crate is `fuzz/`, the test crate the root itself.
pub fn repo_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    if manifest.join("fuzz").is_dir() {
        manifest
    } else {
        manifest.join("..")
    }
}

/// The `ofac_csv` target's input: the four files of the legacy set joined by the byte 0xFF
/// (Latin-1 `ÿ`, absent from the published files), in the order `sdn`, `add`, `alt`,
/// `sdn_comments`. Missing parts are empty files; a fifth part and beyond is appended to the
/// comments file.
pub fn ofac_csv_input(data: &[u8]) {
    use vetgate::intel::sanctions::ofac::{OfacSources, parse};

    let mut parts = data.splitn(4, |&b| b == OFAC_SEPARATOR);
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
        exercise_list(list);
    }
}

/// Joins the parts of an `ofac_csv` input.
pub const OFAC_SEPARATOR: u8 = 0xFF;

/// The `un_xml` target's input: the UN Security Council consolidated list (XML).
pub fn un_xml_input(data: &[u8]) {
    if let Ok(list) = vetgate::intel::sanctions::un::parse("fuzz.xml", data) {
        exercise_list(list);
    }
}

/// The `eu_xml` target's input: the EU consolidated financial sanctions list (FSF XML).
pub fn eu_xml_input(data: &[u8]) {
    if let Ok(list) = vetgate::intel::sanctions::eu::parse("fuzz.xml", data) {
        assert!(
            list.entities
                .iter()
                .all(|e| !e.id.is_empty() && !e.primary_name.is_empty())
        );
        exercise_list(list);
    }
}

/// The `uk_xml` target's input: the UK Sanctions List (FCDO XML).
pub fn uk_xml_input(data: &[u8]) {
    if let Ok(list) = vetgate::intel::sanctions::uk::parse("fuzz.xml", data) {
        assert!(
            list.entities
                .iter()
                .all(|e| !e.id.is_empty() && !e.primary_name.is_empty())
        );
        exercise_list(list);
    }
}

/// The `ftm_json` target's input: OpenSanctions FollowTheMoney entities, one JSON object a line,
/// loaded as `OS-FUZZ`.
pub fn ftm_json_input(data: &[u8]) {
    if let Ok(list) = vetgate::intel::sanctions::ftm::parse("fuzz.json", "OS-FUZZ", data) {
        assert_eq!(list.report.entries, list.entities.len());
        exercise_list(list);
    }
}

/// The `mrz` target's input: lines of a machine-readable zone, parsed and checked.
pub fn mrz_input(data: &[u8]) {
    use vetgate::model::mrz;

    let text = String::from_utf8_lossy(data);
    let lines: Vec<&str> = text.split('\n').collect();
    if let Ok(zone) = mrz::parse(&lines) {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).expect("a date");
        let _ = zone.birth.resolve_birth(today);
        let _ = zone.expiry.resolve_expiry(today);
        let _ = zone.failed_checks().count();
        let _ = zone.fields();
        let _ = zone.sex_code();
    }
    let _ = mrz::check_digit(&text);
}

/// The `csv_list` target's input: the bytes read once as a tenant list (`FUZZ`) and once under the
/// curated list's stricter rules.
pub fn csv_list_input(data: &[u8]) {
    use vetgate::intel::sanctions::csv_list;
    use vetgate::intel::sanctions::model::LIST_VETGATE_DPRK_IT;

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
        exercise_list(list);
    }
}
