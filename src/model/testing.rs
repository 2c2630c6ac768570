//! Test helpers shared by the modules that test with an application: the contract's clean example,
//! edited, and a fixed "now".

use crate::model::Application;

/// The contract's clean example, as a value the test edits before parsing.
pub fn clean_example() -> serde_json::Value {
    serde_json::json!({
        "external_ref": "app-10001",
        "submitted_at": "2026-11-20T15:04:05Z",
        "applicant": {
            "full_name": "Emily Carter",
            "date_of_birth": "1990-03-14",
            "nationality": "US",
            "residence": { "country": "US", "region": "IL", "city": "Chicago", "timezone": "America/Chicago" }
        },
        "identity_document": {
            "kind": "passport", "issuing_country": "USA", "number": "C03005988",
            "surname": "CARTER", "given_names": "EMILY", "date_of_birth": "1990-03-14",
            "sex": "F", "nationality": "USA", "expiry_date": "2031-05-01"
        },
        "payout": { "method": "bank_transfer", "account_holder_name": "Emily Carter", "bank_country": "US" }
    })
}

pub fn application(edit: impl FnOnce(&mut serde_json::Value)) -> Application {
    let mut value = clean_example();
    edit(&mut value);
    Application::from_value(&value).expect("test application parses")
}

/// A fixed "now" a week after the clean example was submitted.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    "2026-11-27T12:00:00Z".parse().unwrap()
}
