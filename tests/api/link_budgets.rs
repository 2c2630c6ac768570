//! The lookup's per-kind budgets (issue 18, item 3): a crowd of applications behind one attribute,
//! larger than any kind's budget and than the single 256-row cap the lookup had before, hides
//! neither a link through another attribute nor, on the same attribute, a rejected application.
//!
//! The crowd is one person applying many times (a flood costs an attacker nothing more); the
//! applicant and the rejected application are other identities, named so that the applicant's name
//! key sorts between the crowd's and the rejected one's: the index keeps the rows of one key in
//! name-key order, so the crowd comes first in whatever order a lookup reads them.

use serde_json::{Value, json};
use vetgate::model::IdentifierKind;

use crate::helpers::*;
use crate::links::{NAMES, person, spawn_with_residential_geoip};
use crate::sanctions_api::{ADMIN, eventually, replace_dprk_it_list};

on_both_backends!(
    one_persons_many_applications_hide_no_other_identity_on_their_key,
    padding_one_attribute_hides_no_rejected_link_through_another,
    a_clear_crowd_on_one_attribute_hides_no_rejected_application_on_it,
    an_application_rejected_by_a_later_list_is_found_behind_a_crowd,
);

/// Applications in a crowd: more than any kind's budget, and than the old cap of 256 rows.
const CROWD: usize = 260;

const CROWD_IP: &str = "73.44.80.8"; // residential in the test IP databases
const CROWD_TOOLS_IP: &str = "198.51.100.7"; // a cloud: remote-access tools, not residential
const CROWD_PHASH: &str = "9c3a5e71d2b4f608";
const CROWD_SHA: &str = "5f1d0c6b0b7e2a4c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c";

#[test]
fn the_crowd_is_larger_than_every_budget_and_the_old_cap() {
    assert!(
        IdentifierKind::ALL
            .iter()
            .all(|kind| vetgate::store::lookup_budget(*kind) > 0),
        "a budget for every kind"
    );
    let largest = vetgate::store::LOOKUP_BUDGETS
        .iter()
        .map(|(_, budget)| *budget)
        .max()
        .unwrap();
    assert!(CROWD > largest && CROWD > 256, "{CROWD} vs {largest}");
}

/// The index's name key of an application (the test key of `TestDatabase::settings`).
fn name_key(app: &TestApp, a: &Value) -> [u8; 32] {
    let keys =
        vetgate::crypto::PiiKeys::from_secret(app.settings.pii_key.as_ref().unwrap().expose())
            .unwrap();
    let parsed = vetgate::model::Application::parse(&serde_json::to_vec(a).unwrap()).unwrap();
    vetgate::identifiers::of(&parsed, &[], chrono::Utc::now(), &keys).name_key
}

/// Three identities whose name keys sort crowd < applicant < rejected.
fn identities(app: &TestApp) -> [(&'static str, &'static str, &'static str); 3] {
    let mut by_key: Vec<_> = NAMES[..8]
        .iter()
        .map(|&(g, s, d)| (name_key(app, &person(0, g, s, d)), (g, s, d)))
        .collect();
    by_key.sort();
    [by_key[0].1, by_key[3].1, by_key[7].1]
}

/// Person `i` of `who` with every attribute its own (no session address in the IP databases).
fn someone(i: usize, who: (&str, &str, &str), external_ref: &str) -> Value {
    let mut a = person(i, who.0, who.1, who.2);
    a["external_ref"] = json!(external_ref);
    for (j, s) in a["sessions"].as_array_mut().unwrap().iter_mut().enumerate() {
        s["ip"] = json!(format!("81.{}.{}.{j}", i / 200, i % 200));
    }
    a
}

fn shipping(a: &mut Value, line: &str) {
    a["shipping_address"] = json!({
        "country": "US", "region": "IL", "city": "Chicago", "postal_code": "60614",
        "address_line": line, "recipient_name": a["applicant"]["full_name"].clone(),
    });
}

/// One member of the crowd: the same person every time, with every kind of identifier the index
/// knows (a document with a portrait, a payout account, a device, a phone, an e-mail, a shipping
/// address, a session with remote-access tools and one from a home line).
fn crowd_member(who: (&str, &str, &str), k: usize) -> Value {
    let mut a = someone(1000, who, &format!("crowd-{k}"));
    a["identity_document"]["portrait_sha256"] = json!(CROWD_SHA);
    a["identity_document"]["portrait_phash"] = json!(CROWD_PHASH);
    shipping(&mut a, "1 Crowd Plaza");
    let sessions = a["sessions"].as_array_mut().unwrap();
    sessions[0]["ip"] = json!(CROWD_IP);
    sessions[1]["ip"] = json!(CROWD_TOOLS_IP);
    sessions[1]["remote_access_tools"] = json!(["anydesk"]);
    a
}

/// Makes `a` share an identifier of `kind` with the crowd, and nothing else.
fn share_with_crowd(a: &mut Value, crowd: &Value, kind: IdentifierKind) {
    let doc = &mut a["identity_document"];
    match kind {
        IdentifierKind::DocumentNumber => {
            doc["number"] = crowd["identity_document"]["number"].clone()
        }
        IdentifierKind::PortraitDigest => doc["portrait_sha256"] = json!(CROWD_SHA),
        IdentifierKind::PortraitBlock => doc["portrait_phash"] = json!(CROWD_PHASH),
        IdentifierKind::PayoutAccount => a["payout"] = crowd["payout"].clone(),
        IdentifierKind::DeviceId => {
            a["sessions"][0]["device_id"] = crowd["sessions"][0]["device_id"].clone()
        }
        IdentifierKind::Phone => a["applicant"]["phone"] = crowd["applicant"]["phone"].clone(),
        IdentifierKind::Email => a["applicant"]["email"] = crowd["applicant"]["email"].clone(),
        IdentifierKind::ShippingAddress => shipping(a, "1 Crowd Plaza"),
        // The address itself comes with its /24.
        IdentifierKind::RemoteAccessIp | IdentifierKind::RemoteAccessSubnet => {
            let ip = if kind == IdentifierKind::RemoteAccessIp {
                CROWD_TOOLS_IP
            } else {
                "198.51.100.99"
            };
            a["sessions"][1]["ip"] = json!(ip);
            a["sessions"][1]["remote_access_tools"] = json!(["anydesk"]);
        }
        IdentifierKind::ResidentialIp => a["sessions"][0]["ip"] = json!(CROWD_IP),
    }
    if kind == IdentifierKind::PayoutAccount {
        a["payout"]["account_holder_name"] = a["applicant"]["full_name"].clone();
    }
}

/// Rejected on its own evidence: a North Korean passport.
fn rejected(who: (&str, &str, &str), i: usize) -> Value {
    let mut a = someone(i, who, &format!("rejected-{i}"));
    a["identity_document"]["issuing_country"] = json!("PRK");
    a["identity_document"]["nationality"] = json!("PRK");
    a["applicant"]["nationality"] = json!("KP");
    a
}

/// Submits `applications` a few at a time (the crowd's set-up; the screenings that matter are sent
/// one by one) and checks none of them is rejected: a rejected crowd would link by itself.
async fn submit_crowd(app: &TestApp, token: &str, applications: Vec<Value>) {
    for chunk in applications.chunks(16) {
        let handles: Vec<_> = chunk
            .iter()
            .map(|a| {
                let request = app
                    .client
                    .post(format!("{}/v1/applications", app.address))
                    .insert_header(("Authorization", format!("Bearer {token}")));
                let body = a.clone();
                actix_web::rt::spawn(async move {
                    let mut reply = request.send_json(&body).await.expect("reaches the server");
                    let verdict: Value = reply.json().limit(1 << 20).await.unwrap();
                    (reply.status().as_u16(), verdict)
                })
            })
            .collect();
        for handle in handles {
            let (status, verdict) = handle.await.unwrap();
            assert_eq!(status, 201, "{verdict:#}");
            assert_ne!(verdict["verdict"], "reject", "{verdict:#}");
        }
    }
}

fn signal<'a>(verdict: &'a Value, code: &str) -> Option<&'a Value> {
    verdict["signals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == code)
}

/// The crowd applies once more: the lookup reads past the crowd's own rows under its phone (they
/// sort first, and are more than the phone's budget) to the one other identity that gave the phone.
/// A key with more rows than its budget is read range by range around the applicant's identity
/// (src/store/index.rs); reading the key's first rows alone would find only the crowd's own.
async fn one_persons_many_applications_hide_no_other_identity_on_their_key(backend: Backend) {
    let app = spawn_app(backend).await;
    let writer = app.writer("acme");
    let [crowd_name, other_name, _] = identities(&app);
    let phone = "+13125550555";
    let budget = vetgate::store::lookup_budget(IdentifierKind::Phone);
    let crowd = |k: usize| {
        let mut a = someone(1000, crowd_name, &format!("crowd-{k}"));
        a["applicant"]["phone"] = json!(phone);
        a
    };
    submit_crowd(&app, &writer, (0..2 * budget).map(crowd).collect()).await;
    let alone = app.submit(&writer, &crowd(2 * budget)).await.json();
    assert!(signal(&alone, "LNK_SHARED_PHONE").is_none(), "{alone:#}");

    let mut other = someone(2, other_name, "other");
    other["applicant"]["phone"] = json!(phone);
    let other = app.submit(&writer, &other).await.json();
    let shared = signal(&other, "LNK_SHARED_PHONE").unwrap_or_else(|| panic!("{other:#}"));
    assert_eq!(
        shared["evidence"]["counts_are_lower_bounds"], true,
        "{other:#}"
    );

    let again = app.submit(&writer, &crowd(2 * budget + 1)).await.json();
    let shared = signal(&again, "LNK_SHARED_PHONE").unwrap_or_else(|| panic!("{again:#}"));
    assert_eq!(
        shared["evidence"]["applications"],
        json!([other["id"]]),
        "{again:#}"
    );
    assert_eq!(
        shared["evidence"]["counts_are_lower_bounds"], false,
        "{again:#}"
    );
}

/// For every kind in turn, a crowd behind that kind, and an applicant sharing it with the crowd and
/// a shipping address (a payout account where the crowd's kind is the shipping address) with a
/// rejected application: the applicant is linked to the rejected one, and only the crowded kind's
/// counts are lower bounds.
async fn padding_one_attribute_hides_no_rejected_link_through_another(backend: Backend) {
    let app = spawn_with_residential_geoip(backend, true).await;
    let writer = app.writer("acme");
    let [crowd_name, applicant_name, rejected_name] = identities(&app);
    let crowd = crowd_member(crowd_name, 0);
    submit_crowd(
        &app,
        &writer,
        (0..CROWD).map(|k| crowd_member(crowd_name, k)).collect(),
    )
    .await;

    let mut hidden = Vec::new();
    for (i, kind) in IdentifierKind::ALL.into_iter().enumerate() {
        let (through, code) = if kind == IdentifierKind::ShippingAddress {
            (IdentifierKind::PayoutAccount, "LNK_SHARED_PAYOUT_ACCOUNT")
        } else {
            (
                IdentifierKind::ShippingAddress,
                "LNK_SHARED_SHIPPING_ADDRESS",
            )
        };
        let mut bad = rejected(rejected_name, 100 + i);
        let mut applicant = someone(200 + i, applicant_name, &format!("applicant-{i}"));
        share_with_crowd(&mut applicant, &crowd, kind);
        if through == IdentifierKind::ShippingAddress {
            shipping(&mut bad, &format!("{i} Rejected Row"));
            shipping(&mut applicant, &format!("{i} Rejected Row"));
        } else {
            applicant["payout"]["account_number"] = bad["payout"]["account_number"].clone();
        }
        let bad = app.submit(&writer, &bad).await.json();
        assert_eq!(bad["verdict"], "reject", "{bad:#}");

        let v = app.submit(&writer, &applicant).await.json();
        let linked = signal(&v, "LNK_LINKED_TO_REJECTED")
            .is_some_and(|s| s["evidence"]["rejected_applications"] == json!([bad["id"]]));
        // Only the crowded kind stopped at its budget: the other link's counts are exact.
        let exact = signal(&v, code)
            .is_some_and(|s| s["evidence"]["counts_are_lower_bounds"] == json!(false));
        let crowded = v["signals"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["evidence"]["counts_are_lower_bounds"] == json!(true));
        if !(linked && exact && crowded) {
            hidden.push(format!("{}: {v:#}", kind.as_str()));
        }
    }
    assert!(
        hidden.is_empty(),
        "a crowd on these kinds hid the rejected link:\n{}",
        hidden.join("\n")
    );
}

/// A crowd of clear applications on one phone, and one rejected application on the same phone: an
/// applicant with that phone is linked to the rejected one, whatever its place among the crowd.
async fn a_clear_crowd_on_one_attribute_hides_no_rejected_application_on_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let writer = app.writer("acme");
    let [crowd_name, applicant_name, rejected_name] = identities(&app);
    let crowd = |k: usize| {
        let mut a = someone(1000, crowd_name, &format!("crowd-{k}"));
        a["applicant"]["phone"] = json!("+13125550999");
        a
    };
    submit_crowd(&app, &writer, (0..CROWD).map(crowd).collect()).await;
    let mut bad = rejected(rejected_name, 1);
    bad["applicant"]["phone"] = json!("+13125550999");
    let bad = app.submit(&writer, &bad).await.json();
    assert_eq!(bad["verdict"], "reject", "{bad:#}");

    let mut applicant = someone(2, applicant_name, "applicant");
    applicant["applicant"]["phone"] = json!("+1 312 555 0999");
    let v = app.submit(&writer, &applicant).await.json();
    let linked = signal(&v, "LNK_LINKED_TO_REJECTED").unwrap_or_else(|| panic!("{v:#}"));
    assert_eq!(
        linked["evidence"]["rejected_applications"],
        json!([bad["id"]]),
        "{v:#}"
    );
    assert_eq!(v["verdict"], "reject", "{v:#}");
    // The crowd itself is past the phone's budget, and the evidence says its count is a floor.
    let phone = signal(&v, "LNK_SHARED_PHONE").unwrap_or_else(|| panic!("{v:#}"));
    assert_eq!(phone["evidence"]["counts_are_lower_bounds"], true, "{v:#}");
}

/// The rejected application was clear when it arrived, behind a crowd on its phone, and a new list
/// version names its payout holder: once re-screened it is found as rejected by the next applicant
/// on that phone (the re-screen keeps the index rows' verdict in step with the application's).
async fn an_application_rejected_by_a_later_list_is_found_behind_a_crowd(backend: Backend) {
    let app = spawn_app(backend).await;
    let writer = app.writer("acme");
    let [crowd_name, applicant_name, rejected_name] = identities(&app);
    let phone = "+13125550777";
    let crowd = |k: usize| {
        let mut a = someone(1000, crowd_name, &format!("crowd-{k}"));
        a["applicant"]["phone"] = json!(phone);
        a
    };
    submit_crowd(&app, &writer, (0..CROWD).map(crowd).collect()).await;
    let mut front = someone(1, rejected_name, "front");
    front["applicant"]["phone"] = json!(phone);
    front["payout"] = json!({
        "method": "wise", "account_holder_name": "Okonkwo-Reyes Logistics Ltd", "bank_country": "US",
    });
    let front = app.submit(&writer, &front).await.json();
    assert_eq!(front["verdict"], "clear", "{front:#}");
    let path = format!("/v1/applications/{}", front["id"].as_str().unwrap());

    let operator = app.token("operator", &[ADMIN]);
    replace_dprk_it_list(&app, &operator, "entity", "OKONKWO-REYES LOGISTICS LTD").await;
    eventually("the re-screen rejects the front", || async {
        app.get(&writer, &path).await.json()["verdict"] == "reject"
    })
    .await;

    let mut applicant = someone(2, applicant_name, "applicant");
    applicant["applicant"]["phone"] = json!(phone);
    let v = app.submit(&writer, &applicant).await.json();
    let linked = signal(&v, "LNK_LINKED_TO_REJECTED").unwrap_or_else(|| panic!("{v:#}"));
    assert_eq!(
        linked["evidence"]["rejected_applications"],
        json!([front["id"]]),
        "{v:#}"
    );
}
