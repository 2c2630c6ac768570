//! Payout-account signals through the real API: every `PAY_` code fires from `POST
//! /v1/applications`, weak ones alone leave an ordinary applicant clear, and no verdict quotes an
//! account identifier.

use serde_json::{Value, json};
use vetgate::checks::codes::CATALOG;
use vetgate::model::Category;

use crate::helpers::*;

on_both_backends!(
    every_payout_signal_fires_through_the_api,
    each_weak_payout_signal_alone_leaves_the_clean_example_clear,
);

on_both_backends!(a_nominee_account_at_a_north_korean_bank_is_rejected_and_stored_as_such);

type Edit = fn(&mut Value);

/// Identifiers the cases below send; none may come back in a verdict.
const SECRETS: &[&str] = &[
    "000123456789",
    "DE89 3704 0044 0532 0130 01",
    "DE89370400440532013001",
    "GB29 NWBK 6016 1331 9268 19",
    "GB29NWBK60161331926819",
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
    "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
    "0x52908400098527886E0F7030069857D2E4169EE",
];

/// The contract's clean example with its own reference and document number, edited.
fn application(i: usize, edit: Edit) -> Value {
    let mut a = contract_example("clean-us-applicant.json");
    a["external_ref"] = format!("payout-{i}").into();
    a["identity_document"]["number"] = format!("P{i:08}").into();
    a["identity_document"]
        .as_object_mut()
        .unwrap()
        .remove("mrz");
    edit(&mut a);
    a
}

fn assert_no_identifier_quoted(verdict: &Value) {
    let text = verdict.to_string();
    for secret in SECRETS {
        assert!(!text.contains(secret), "{secret} is quoted: {verdict:#}");
    }
}

async fn a_nominee_account_at_a_north_korean_bank_is_rejected_and_stored_as_such(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.writer("acme");
    let clean = app
        .submit(&token, &contract_example("clean-us-applicant.json"))
        .await
        .json();
    assert_eq!(
        (clean["verdict"].as_str(), codes(&clean)),
        (Some("clear"), vec![]),
        "{clean:#}"
    );

    let nominee = application(0, |a| {
        a["payout"]["account_holder_name"] = "Li Wei".into();
        a["payout"]["bank_country"] = json!(null);
        a["payout"]["bic"] = "FTBDKPPY".into();
    });
    let reply = app.submit(&token, &nominee).await;
    assert_eq!(reply.status.as_u16(), 201);
    let verdict = reply.json();
    assert_valid_verdict(&verdict);
    assert_eq!(
        codes(&verdict),
        ["PAY_BANK_COUNTRY_DPRK", "PAY_HOLDER_NAME_MISMATCH"]
    );
    assert_eq!(
        (verdict["verdict"].as_str(), verdict["risk_score"].as_u64()),
        (Some("reject"), Some(100))
    );
    let dprk = &verdict["signals"][0];
    assert_eq!(dprk["category"], "payout");
    assert_eq!(dprk["evidence"]["bic_country"], "KP");
    assert_no_identifier_quoted(&verdict);

    let stored = app
        .get(
            &token,
            &format!("/v1/applications/{}", verdict["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(stored.status.as_u16(), 200);
    assert_eq!(stored.json(), verdict, "GET returns what POST returned");
}

async fn every_payout_signal_fires_through_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.writer("acme");
    let cases: [(&[&str], &str, Edit); 13] = [
        (&["PAY_IBAN_INVALID"], "clear", |a| {
            a["payout"]["iban"] = "DE89 3704 0044 0532 0130 01".into()
        }),
        (&["PAY_BIC_INVALID"], "clear", |a| {
            a["payout"]["bic"] = "CHAS1S33".into()
        }),
        (&["PAY_BANK_COUNTRY_MISMATCH"], "clear", |a| {
            a["payout"]["bic"] = "CHASUS33".into();
            a["payout"]["iban"] = "GB29 NWBK 6016 1331 9268 19".into();
        }),
        (&["PAY_BANK_COUNTRY_DPRK"], "reject", |a| {
            a["payout"]["bank_country"] = "KP".into()
        }),
        (&["PAY_BANK_COUNTRY_UNRELATED"], "clear", |a| {
            a["payout"]["bank_country"] = "CN".into()
        }),
        (&["PAY_HOLDER_NAME_MISMATCH"], "clear", |a| {
            a["payout"]["account_holder_name"] = "Li Wei".into()
        }),
        (&["PAY_HOLDER_IS_COMPANY"], "clear", |a| {
            a["payout"]["account_holder_name"] = "Carter Digital LLC".into()
        }),
        (&["PAY_CRYPTO"], "clear", |a| {
            a["payout"] = json!({"method": "crypto", "crypto_asset": "BTC",
                "crypto_address": "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"})
        }),
        (&["PAY_CRYPTO_STABLECOIN_HIGH_RISK_CHAIN"], "clear", |a| {
            a["payout"] = json!({"method": "crypto", "crypto_asset": "USDT-TRC20",
                "crypto_address": "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"})
        }),
        (
            &["PAY_CRYPTO", "PAY_CRYPTO_ADDRESS_INVALID"],
            "clear",
            |a| {
                a["payout"] = json!({"method": "crypto", "crypto_asset": "ETH",
                "crypto_address": "0x52908400098527886E0F7030069857D2E4169EE"})
            },
        ),
        (&["PAY_FREQUENT_CHANGES"], "clear", |a| {
            a["payout"]["changes_last_90_days"] = 3.into()
        }),
        // Evidence adds up: a nominee paid in USDT on TRON is worth a look.
        (
            &[
                "PAY_HOLDER_NAME_MISMATCH",
                "PAY_CRYPTO_STABLECOIN_HIGH_RISK_CHAIN",
            ],
            "review",
            |a| {
                a["payout"] = json!({"method": "crypto", "account_holder_name": "Li Wei",
                    "crypto_asset": "USDT", "crypto_address": "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"})
            },
        ),
        // Ordinary: a Wise account in Belgium for a US resident, paid to her own company.
        (&[], "clear", |a| {
            a["payout"] = json!({"method": "wise", "account_holder_name": "Carter, Emily",
                "iban": "BE24 9670 1234 5638", "bic": "TRWIBEB1", "bank_country": "BE"})
        }),
    ];
    let mut seen = std::collections::BTreeSet::new();
    for (i, (want, verdict, edit)) in cases.into_iter().enumerate() {
        let reply = app.submit(&token, &application(i + 1, edit)).await;
        assert_eq!(reply.status.as_u16(), 201, "{want:?}");
        let reply = reply.json();
        assert_valid_verdict(&reply);
        assert_eq!(codes(&reply), want, "{reply:#}");
        assert_eq!(reply["verdict"], verdict, "{want:?}: {reply:#}");
        assert!(
            reply["signals"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["category"] == "payout")
        );
        assert_no_identifier_quoted(&reply);
        seen.extend(want.iter().copied());
    }
    for info in CATALOG.iter().filter(|c| c.category == Category::Payout) {
        assert!(
            seen.contains(info.code),
            "{} is never raised through the API",
            info.code
        );
    }
}

async fn each_weak_payout_signal_alone_leaves_the_clean_example_clear(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.writer("acme");
    let weak: [(&str, Edit); 4] = [
        ("PAY_BANK_COUNTRY_MISMATCH", |a| {
            a["payout"]["bic"] = "CHASUS33".into();
            a["payout"]["iban"] = "GB29 NWBK 6016 1331 9268 19".into();
        }),
        ("PAY_BANK_COUNTRY_UNRELATED", |a| {
            a["payout"]["bank_country"] = "CN".into()
        }),
        ("PAY_HOLDER_IS_COMPANY", |a| {
            a["payout"]["account_holder_name"] = "Emily Carter LLC".into()
        }),
        (
            "PAY_CRYPTO",
            |a| a["payout"] = json!({"method": "crypto", "account_holder_name": "Emily Carter"}),
        ),
    ];
    for (i, (code, edit)) in weak.into_iter().enumerate() {
        let verdict = app.submit(&token, &application(100 + i, edit)).await.json();
        assert_valid_verdict(&verdict);
        assert_eq!(codes(&verdict), [code]);
        let points = verdict["signals"][0]["points"].as_i64().unwrap();
        assert!(points <= 15, "{code} is weak: {points}");
        assert_eq!(
            (verdict["verdict"].as_str(), verdict["risk_score"].as_i64()),
            (Some("clear"), Some(points)),
            "{code}"
        );
    }
}
