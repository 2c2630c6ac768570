//! Checks: pure functions that turn an application into signals. No I/O happens here; whatever a
//! check needs from storage or intelligence is loaded before and handed in as data.

pub mod codes;
mod consistency;
pub mod names;

use crate::model::{Application, Signal};

/// Runs every check over one application.
pub fn run(app: &Application) -> Vec<Signal> {
    let mut signals = Vec::new();
    consistency::check(app, &mut signals);
    signals
}

fn signal(code: &'static str, message: impl Into<String>, evidence: serde_json::Value) -> Signal {
    let info = codes::lookup(code).expect("signals are raised with catalogued codes");
    let evidence = match evidence {
        serde_json::Value::Object(map) => map,
        _ => serde_json::Map::new(),
    };
    Signal {
        code,
        category: info.category,
        message: message.into(),
        evidence,
    }
}

#[cfg(test)]
pub(crate) mod testing {
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

    pub fn codes_of(app: &Application) -> Vec<&'static str> {
        super::run(app).into_iter().map(|s| s.code).collect()
    }
}
