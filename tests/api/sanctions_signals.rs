//! Every sanctions signal fires through `POST /v1/applications`, with the outcome decisions.md gives
//! it, on the lists a fresh install screens with (the bundled curated lists) or on the official UN
//! list loaded through the API.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::sanctions_api::{ADMIN, upload};

on_both_backends!(a_listed_payout_holder_is_rejected_and_its_namesake_applicant_is_not);

fn clean() -> Value {
    contract_example("clean-us-applicant.json")
}

async fn screen(app: &TestApp, application: &Value) -> Value {
    let reply = app.submit(&app.writer("acme"), application).await;
    assert!(
        reply.status.is_success(),
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let verdict = reply.json();
    assert_valid_verdict(&verdict);
    verdict
}

fn signal<'a>(verdict: &'a Value, code: &str) -> &'a Value {
    verdict["signals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == code)
        .unwrap_or_else(|| panic!("{code} not raised: {verdict:#}"))
}

async fn a_listed_payout_holder_is_rejected_and_its_namesake_applicant_is_not(backend: Backend) {
    let app = spawn_app(backend).await;

    let mut listed = clean();
    listed["payout"]["account_holder_name"] = json!("Kim Sangman");
    let verdict = screen(&app, &listed).await;
    assert_eq!(verdict["verdict"], "reject", "{verdict:#}");
    let evidence = &signal(&verdict, "SAN_PAYOUT_MATCH")["evidence"];
    assert_eq!(evidence["north_korea"], true);
    assert_eq!(evidence["entries"][0]["entry_id"], "DPRK-IT-0008");
    assert_eq!(
        verdict["sanctions_matches"][0]["field"],
        "payout.account_holder_name"
    );
    assert_eq!(verdict["sanctions_matches"][0]["list"], "VETGATE-DPRK-IT");

    // The same name as the applicant's own, with a US passport saying US: the entry lists no birth
    // date and North Korean nationality, so a person decides, nothing is rejected.
    let mut namesake = clean();
    namesake["external_ref"] = json!("namesake-1");
    namesake["applicant"]["other_names"] = json!(["Sang Man Kim"]);
    let verdict = screen(&app, &namesake).await;
    assert_eq!(verdict["verdict"], "review", "{verdict:#}");
    let evidence = &signal(&verdict, "SAN_APPLICANT_MATCH_UNCONFIRMED")["evidence"];
    assert_eq!(evidence["entries"][0]["field"], "applicant.other_names[0]");
    assert!(!codes(&verdict).contains(&"SAN_APPLICANT_MATCH".to_owned()));
}

#[actix_web::test]
async fn a_listed_crypto_address_is_rejected_whatever_its_letter_case() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut a = clean();
    a["payout"] = json!({
        "method": "crypto",
        "account_holder_name": "Emily Carter",
        "crypto_asset": "ETH",
        "crypto_address": "0x97B1043ABD9E6FC31681635166D430A458D14F9C",
    });
    let verdict = screen(&app, &a).await;
    assert_eq!(verdict["verdict"], "reject", "{verdict:#}");
    let evidence = &signal(&verdict, "SAN_PAYOUT_MATCH")["evidence"];
    assert_eq!(evidence["entries"][0]["matched_by"], "crypto_address");
    assert_eq!(evidence["entries"][0]["field"], "payout.crypto_address");
}

#[actix_web::test]
async fn an_applicant_named_on_a_list_without_documents_to_the_contrary_is_rejected() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut a = clean();
    a["applicant"]["full_name"] = json!("Hyon Sop Shim");
    a["payout"]["account_holder_name"] = json!("Hyon Sop Shim");
    a.as_object_mut().unwrap().remove("identity_document");
    let verdict = screen(&app, &a).await;
    assert_eq!(verdict["verdict"], "reject", "{verdict:#}");
    let evidence = &signal(&verdict, "SAN_APPLICANT_MATCH")["evidence"];
    assert_eq!(evidence["entries"][0]["entry_name"], "SIM Hyon Sop");
    // The holder is the applicant: one person, matched under each field.
    let fields: Vec<&str> = verdict["sanctions_matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"applicant.full_name") && fields.contains(&"payout.account_holder_name")
    );
}

#[actix_web::test]
async fn a_resemblance_below_the_threshold_goes_to_review() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut a = clean();
    a["payout"]["account_holder_name"] = json!("Sim Hyon");
    let verdict = screen(&app, &a).await;
    assert_eq!(verdict["verdict"], "review", "{verdict:#}");
    let evidence = &signal(&verdict, "SAN_POSSIBLE_MATCH")["evidence"];
    let score = evidence["entries"][0]["score"].as_f64().unwrap();
    assert!((0.74..0.86).contains(&score), "{score}");
}

#[actix_web::test]
async fn a_watchlist_name_goes_to_review_not_reject() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut a = clean();
    a["payout"]["account_holder_name"] = json!("Ko Chung Sok");
    let verdict = screen(&app, &a).await;
    assert_eq!(verdict["verdict"], "review", "{verdict:#}");
    let evidence = &signal(&verdict, "SAN_WATCHLIST_MATCH")["evidence"];
    assert_eq!(evidence["entries"][0]["list"], "VETGATE-DPRK-WATCH");
}

#[actix_web::test]
async fn a_listed_document_number_goes_to_review() {
    let app = spawn_app(Backend::Sqlite).await;
    let un = std::fs::read(shared_dir().join("data/un-consolidated.xml")).unwrap();
    let reply = upload(
        &app,
        &app.token("operator", &[ADMIN]),
        &[("format", "un-xml")],
        &[("consolidated.xml", un)],
    )
    .await;
    assert_eq!(reply.status, 201);
    let mut a = clean();
    a["identity_document"]["number"] = json!("AB850901");
    a["identity_document"]
        .as_object_mut()
        .unwrap()
        .remove("mrz");
    let verdict = screen(&app, &a).await;
    assert_ne!(verdict["verdict"], "clear", "{verdict:#}");
    let evidence = &signal(&verdict, "SAN_IDENTIFIER_LISTED")["evidence"];
    assert_eq!(evidence["entries"][0]["list"], "UN-SC");
    assert_eq!(evidence["entries"][0]["field"], "identity_document.number");
}

#[actix_web::test]
async fn ordinary_korean_and_chinese_names_stay_clear() {
    let app = spawn_app(Backend::Sqlite).await;
    for (i, name) in [
        "Kim Min-jun",
        "Lee Ji-eun",
        "Park Seo-yeon",
        "Wang Fang",
        "Li Wei",
        "Nguyen Van An",
    ]
    .into_iter()
    .enumerate()
    {
        let mut a = clean();
        a["external_ref"] = json!(format!("ordinary-{i}"));
        a["applicant"]["other_names"] = json!([name]);
        a["payout"]["account_holder_name"] = json!(name);
        let verdict = screen(&app, &a).await;
        assert!(
            verdict["sanctions_matches"].as_array().unwrap().is_empty(),
            "{name}: {verdict:#}"
        );
    }
}
