//! Every sanctions signal fires through `POST /v1/applications`, with the outcome docs/signals.md gives
//! it, on the lists a fresh install screens with (the bundled curated lists) or on the official UN
//! list loaded through the API.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::sanctions_api::{ADMIN, search, upload};

on_both_backends!(a_listed_person_paid_as_a_third_party_is_reviewed_and_a_namesake_paid_into_their_own_account_is_clear);
on_both_backends!(
    a_listed_person_whose_birth_date_agrees_is_rejected_and_a_namesake_born_later_is_not,
    a_listed_crypto_address_is_rejected_whatever_its_letter_case,
    a_resemblance_below_the_threshold_goes_to_review,
    a_watchlist_name_goes_to_review_not_reject,
    a_listed_document_number_goes_to_review,
    ordinary_korean_and_chinese_names_stay_clear,
);
on_both_backends!(an_entry_without_birth_date_or_nationality_reviews_at_most);
on_both_backends!(two_review_level_hits_stay_at_review);
on_both_backends!(a_chinese_nationals_han_name_is_read_in_mandarin);
on_both_backends!(partial_and_reordered_korean_names_are_not_reviewed);

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

/// `a` with contact details, document number and sessions of its own, so that several applicants
/// of one test never link to each other.
fn own_details(mut a: Value, key: &str) -> Value {
    let n: u64 = key.bytes().fold(7, |h, b| h * 31 + u64::from(b)) % 10_000_000;
    a["external_ref"] = json!(key);
    a["applicant"]["email"] = json!(format!("{key}@example.org"));
    a["applicant"]["phone"] = json!(format!("+1312{n:07}"));
    if a["identity_document"].is_object() {
        a["identity_document"]["number"] = json!(format!("X{n:08}"));
        a["identity_document"]
            .as_object_mut()
            .unwrap()
            .remove("mrz");
    }
    a["payout"]["account_number"] = json!(format!("{n:012}"));
    a.as_object_mut().unwrap().remove("sessions");
    a
}

/// An ordinary US applicant named `name`, with no identity document: nothing to corroborate or
/// contradict a list entry but the declared birth date.
fn named(key: &str, name: &str) -> Value {
    let mut a = own_details(clean(), key);
    a["applicant"]["full_name"] = json!(name);
    a["payout"]["account_holder_name"] = json!(name);
    a.as_object_mut().unwrap().remove("identity_document");
    a
}

fn sanctions_codes(verdict: &Value) -> Vec<String> {
    codes(verdict)
        .into_iter()
        .filter(|c| c.starts_with("SAN_"))
        .collect()
}

/// The UN list (with birth dates) loaded by the operator.
async fn with_un_list(app: &TestApp) {
    let un = std::fs::read(shared_dir().join("data/un-consolidated.xml")).unwrap();
    let reply = upload(
        app,
        &app.token("operator", &[ADMIN]),
        &[("format", "un-xml")],
        &[("consolidated.xml", un)],
    )
    .await;
    assert_eq!(reply.status, 201);
}

/// A South Korean at home: KR passport (nationality agreeing with the declared one), Seoul.
fn korean(external_ref: &str, name: &str, dob: &str) -> Value {
    let mut a = own_details(clean(), external_ref);
    a["applicant"]["full_name"] = json!(name);
    a["applicant"]["date_of_birth"] = json!(dob);
    a["applicant"]["nationality"] = json!("KR");
    a["applicant"]["residence"] =
        json!({"country": "KR", "city": "Seoul", "timezone": "Asia/Seoul"});
    let parts: Vec<&str> = name.split(' ').collect();
    let doc = &mut a["identity_document"];
    doc["issuing_country"] = json!("KOR");
    doc["nationality"] = json!("KOR");
    doc["surname"] = json!(parts[0].to_uppercase());
    doc["given_names"] = json!(parts[1..].join(" ").to_uppercase());
    doc["date_of_birth"] = json!(dob);
    a["payout"] =
        json!({"method": "bank_transfer", "account_holder_name": name, "bank_country": "KR"});
    a
}

async fn a_listed_person_paid_as_a_third_party_is_reviewed_and_a_namesake_paid_into_their_own_account_is_clear(
    backend: Backend,
) {
    let app = spawn_app(backend).await;

    // Pay for an ordinary applicant is to go to a listed person (no birth date known for the
    // holder): a person decides, nothing is rejected on a name.
    let mut third_party = own_details(clean(), "third-party");
    third_party["payout"]["account_holder_name"] = json!("Kim Sangman");
    let verdict = screen(&app, &third_party).await;
    assert_eq!(verdict["verdict"], "review", "{verdict:#}");
    let evidence = &signal(&verdict, "SAN_PAYOUT_HOLDER_PERSON")["evidence"];
    assert_eq!(evidence["north_korea"], true);
    assert_eq!(evidence["entries"][0]["entry_id"], "DPRK-IT-0008");
    assert_eq!(
        verdict["sanctions_matches"][0]["field"],
        "payout.account_holder_name"
    );
    assert_eq!(verdict["sanctions_matches"][0]["list"], "VETGATE-DPRK-IT");

    // A South Korean of the same name, paid into their own account: the entry lists North Korean
    // nationality, their consistent passport says South Korean. A namesake: the reviewer can see the
    // entry in a 0-point signal, the verdict does not move, and the own account is no payout match.
    let namesake = korean("namesake-1", "Kim Sang Man", "1991-05-02");
    let verdict = screen(&app, &namesake).await;
    assert_eq!(verdict["verdict"], "clear", "{verdict:#}");
    assert_eq!(sanctions_codes(&verdict), ["SAN_NAMESAKE_CONTRADICTED"]);
    let contradicted = signal(&verdict, "SAN_NAMESAKE_CONTRADICTED");
    assert_eq!(contradicted["points"], 0);
    let entries = contradicted["evidence"]["entries"].as_array().unwrap();
    assert!(entries.iter().all(|e| e["entry_id"] == "DPRK-IT-0008"));
    assert!(
        entries
            .iter()
            .any(|e| e["field"] == "payout.account_holder_name"),
        "the own account is judged as the applicant: {entries:#?}"
    );
    assert_eq!(entries[0]["contradicted_by"], json!(["nationality"]));
    assert!(verdict["sanctions_matches"].as_array().unwrap().is_empty());
}

async fn a_listed_person_whose_birth_date_agrees_is_rejected_and_a_namesake_born_later_is_not(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    with_un_list(&app).await;

    // UN KPi.006 PAEK CHANG-HO, born 1964-06-18: no document to the contrary, the birth date agrees.
    let mut listed = named("listed-1", "Paek Chang Ho");
    listed["applicant"]["date_of_birth"] = json!("1964-06-18");
    let verdict = screen(&app, &listed).await;
    assert_eq!(verdict["verdict"], "reject", "{verdict:#}");
    let evidence = &signal(&verdict, "SAN_APPLICANT_MATCH_CORROBORATED")["evidence"];
    assert_eq!(evidence["entries"][0]["list"], "UN-SC");
    assert_eq!(evidence["entries"][0]["entry_id"], "KPi.006");
    assert_eq!(
        evidence["entries"][0]["corroborated_by"],
        json!(["date_of_birth"])
    );
    // The holder is the applicant: one person, matched under each field, and no payout code.
    let fields: Vec<&str> = verdict["sanctions_matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"applicant.full_name") && fields.contains(&"payout.account_holder_name"),
        "{fields:?}"
    );
    assert!(
        !sanctions_codes(&verdict)
            .iter()
            .any(|c| c.starts_with("SAN_PAYOUT_"))
    );

    // Same name, born 1991, South Korean passport: contradicted twice, clear.
    let namesake = korean("namesake-2", "Paek Chang Ho", "1991-02-11");
    let verdict = screen(&app, &namesake).await;
    assert_eq!(verdict["verdict"], "clear", "{verdict:#}");
    assert_eq!(sanctions_codes(&verdict), ["SAN_NAMESAKE_CONTRADICTED"]);
    let entry = &signal(&verdict, "SAN_NAMESAKE_CONTRADICTED")["evidence"]["entries"][0];
    assert_eq!(entry["entry_id"], "KPi.006");
    assert_eq!(
        entry["contradicted_by"],
        json!(["date_of_birth", "nationality"])
    );
    assert!(entry["score_without_contradiction"].as_f64().unwrap() >= 0.86);
}

async fn an_entry_without_birth_date_or_nationality_reviews_at_most(backend: Backend) {
    let app = spawn_app(backend).await;
    // The curated facilitator "ZHANG Jian" lists neither: a Chinese developer of that name, one of
    // the most common in China, is never rejected on it; paid into their own account, one signal.
    let mut zhang = own_details(clean(), "zhang");
    zhang["applicant"]["full_name"] = json!("Zhang Jian");
    zhang["applicant"]["nationality"] = json!("CN");
    zhang["applicant"]["residence"] =
        json!({"country": "CN", "city": "Hangzhou", "timezone": "Asia/Shanghai"});
    let doc = &mut zhang["identity_document"];
    doc["issuing_country"] = json!("CHN");
    doc["nationality"] = json!("CHN");
    doc["surname"] = json!("ZHANG");
    doc["given_names"] = json!("JIAN");
    zhang["payout"] = json!({"method": "bank_transfer", "account_holder_name": "Zhang Jian", "bank_country": "CN"});
    let verdict = screen(&app, &zhang).await;
    assert_eq!(verdict["verdict"], "review", "{verdict:#}");
    assert_eq!(sanctions_codes(&verdict), ["SAN_APPLICANT_NAME_MATCH"]);
    let evidence = &signal(&verdict, "SAN_APPLICANT_NAME_MATCH")["evidence"];
    assert_eq!(evidence["entries"][0]["entry_id"], "DPRK-IT-0021");
    assert_eq!(evidence["entries"][0]["corroborated_by"], json!([]));
    assert_eq!(evidence["entries"][0]["contradicted_by"], json!([]));
    assert_eq!(verdict["risk_score"], 40);
}

async fn two_review_level_hits_stay_at_review(backend: Backend) {
    let app = spawn_app(backend).await;
    // A watchlist name and a resemblance below the threshold: each forces review; together they are
    // still a person's decision, counted once.
    let mut a = own_details(clean(), "two-hits");
    a.as_object_mut().unwrap().remove("identity_document");
    a["applicant"]["other_names"] = json!(["Ko Chung Sok"]);
    a["payout"]["account_holder_name"] = json!("Kim Sangman Trading Co");
    let verdict = screen(&app, &a).await;
    let got = sanctions_codes(&verdict);
    assert!(
        got.contains(&"SAN_WATCHLIST_MATCH".to_owned()),
        "{verdict:#}"
    );
    assert!(
        got.len() >= 2,
        "two review-level hits expected: {verdict:#}"
    );
    assert_eq!(verdict["verdict"], "review", "{verdict:#}");
    let points: Vec<i64> = verdict["signals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["code"].as_str().unwrap().starts_with("SAN_"))
        .map(|s| s["points"].as_i64().unwrap())
        .collect();
    assert_eq!(points.iter().filter(|p| **p > 0).count(), 1, "{points:?}");
    assert!(verdict["risk_score"].as_i64().unwrap() < 80);
}

async fn a_chinese_nationals_han_name_is_read_in_mandarin(backend: Backend) {
    let app = spawn_app(backend).await;
    with_un_list(&app).await;
    for (i, name) in ["张晓明", "冯静", "王伟", "李娜"].into_iter().enumerate() {
        let mut a = own_details(clean(), &format!("han-{i}"));
        a["applicant"]["full_name"] = json!(name);
        a["applicant"]["nationality"] = json!("CN");
        a["applicant"]["residence"] =
            json!({"country": "CN", "city": "Shenzhen", "timezone": "Asia/Shanghai"});
        a["payout"] =
            json!({"method": "bank_transfer", "account_holder_name": name, "bank_country": "CN"});
        a.as_object_mut().unwrap().remove("identity_document");
        let verdict = screen(&app, &a).await;
        assert_eq!(verdict["verdict"], "clear", "{name}: {verdict:#}");
        assert!(sanctions_codes(&verdict).is_empty(), "{name}: {verdict:#}");
    }
    // The search API reads Han the Korean way only when asked for a Korean subject.
    let reader = app.token("acme", &["verdicts:read"]);
    let mandarin = search(&app, &reader, json!({"name": "冯静"})).await.json();
    assert!(
        mandarin["matches"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["score"].as_f64().unwrap() < 0.74),
        "{mandarin:#}"
    );
}

async fn partial_and_reordered_korean_names_are_not_reviewed(backend: Backend) {
    let app = spawn_app(backend).await;
    with_un_list(&app).await;
    // Kim Song against the watchlist's Kim Song Il; Yoo-jin against Pak Jin Song; syllables swapped
    // against Kim Chol Min; two of SIM Hyon Sop's three names.
    for (i, name) in ["Kim Song", "Yoo-jin Park", "Ri Chol Min", "Sim Hyon"]
        .into_iter()
        .enumerate()
    {
        let a = named(&format!("partial-{i}"), name);
        let verdict = screen(&app, &a).await;
        assert!(
            sanctions_codes(&verdict).is_empty()
                || sanctions_codes(&verdict) == ["SAN_NAMESAKE_CONTRADICTED"],
            "{name}: {verdict:#}"
        );
        assert_eq!(verdict["verdict"], "clear", "{name}: {verdict:#}");
    }
}

async fn a_listed_crypto_address_is_rejected_whatever_its_letter_case(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut a = clean();
    a["payout"] = json!({
        "method": "crypto",
        "account_holder_name": "Emily Carter",
        "crypto_asset": "ETH",
        "crypto_address": "0x97B1043ABD9E6FC31681635166D430A458D14F9C",
    });
    let verdict = screen(&app, &a).await;
    assert_eq!(verdict["verdict"], "reject", "{verdict:#}");
    let evidence = &signal(&verdict, "SAN_PAYOUT_ADDRESS_LISTED")["evidence"];
    assert_eq!(evidence["entries"][0]["matched_by"], "crypto_address");
    assert_eq!(evidence["entries"][0]["field"], "payout.crypto_address");
}

async fn a_resemblance_below_the_threshold_goes_to_review(backend: Backend) {
    let app = spawn_app(backend).await;
    // A company paid that resembles a listed front (0.76): a person looks.
    let mut a = clean();
    a["payout"]["account_holder_name"] = json!("Silverstar Network Technology");
    let verdict = screen(&app, &a).await;
    assert_eq!(verdict["verdict"], "review", "{verdict:#}");
    let evidence = &signal(&verdict, "SAN_POSSIBLE_MATCH")["evidence"];
    let score = evidence["entries"][0]["score"].as_f64().unwrap();
    assert!((0.74..0.86).contains(&score), "{score}");
}

async fn a_watchlist_name_goes_to_review_not_reject(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut a = clean();
    a["payout"]["account_holder_name"] = json!("Ko Chung Sok");
    let verdict = screen(&app, &a).await;
    assert_eq!(verdict["verdict"], "review", "{verdict:#}");
    let evidence = &signal(&verdict, "SAN_WATCHLIST_MATCH")["evidence"];
    assert_eq!(evidence["entries"][0]["list"], "VETGATE-DPRK-WATCH");
}

async fn a_listed_document_number_goes_to_review(backend: Backend) {
    let app = spawn_app(backend).await;
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

async fn ordinary_korean_and_chinese_names_stay_clear(backend: Backend) {
    let app = spawn_app(backend).await;
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
