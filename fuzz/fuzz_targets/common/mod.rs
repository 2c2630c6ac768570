//! What every sanctions-list target does with a list its parser accepted: what the service does
//! next. The entries go through the store's JSON form and back (they must come back unchanged),
//! into the matcher's index, and a few of their own names, crypto addresses and document numbers
//! are searched for.

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

/// The `csv_list` target's input, also replayed by `cargo test` (tests/api/fuzz_corpus.rs): the
/// bytes read once as a tenant list (`FUZZ`) and once under the curated list's stricter rules.
#[allow(dead_code)] // only the csv_list target and the replay test call it
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
