//! Links between applications over HTTP: a laptop farm found among clean applicants, propagation
//! to earlier applications (history), order independence, `GET /links`, and each link signal.

use proptest::prelude::*;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::sanctions_api::{ADMIN, eventually};

on_both_backends!(a_laptop_farm_among_clean_applicants_is_flagged_and_the_clean_ones_are_untouched);

/// An ordinary applicant of their own: every attribute distinct per `i`.
pub fn person(i: usize, given: &str, surname: &str, dob: &str) -> Value {
    let mut a = contract_example("clean-us-applicant.json");
    a["external_ref"] = json!(format!("person-{i}"));
    a["applicant"]["full_name"] = json!(format!("{given} {surname}"));
    a["applicant"]["date_of_birth"] = json!(dob);
    a["applicant"]["email"] = json!(format!(
        "{}.{}{i}@example.com",
        given.to_lowercase(),
        surname.to_lowercase()
    ));
    a["applicant"]["phone"] = json!(format!("+1312555{:04}", 1000 + i));
    let doc = &mut a["identity_document"];
    doc["number"] = json!(format!("C{:08}", 10_000_000 + i));
    doc["surname"] = json!(surname.to_uppercase());
    doc["given_names"] = json!(given.to_uppercase());
    doc["date_of_birth"] = json!(dob);
    doc.as_object_mut().unwrap().remove("mrz");
    a["payout"]["account_holder_name"] = json!(format!("{given} {surname}"));
    a["payout"]["account_number"] = json!(format!("{:012}", 500_000_000 + i));
    for s in a["sessions"].as_array_mut().unwrap() {
        s["device_id"] = json!(format!("device-{i}"));
    }
    a
}

const NAMES: [(&str, &str, &str); 10] = [
    ("Daniel", "Brooks", "1991-04-02"),
    ("Aisha", "Rahman", "1988-11-19"),
    ("Marco", "Bianchi", "1993-07-07"),
    ("Olivia", "Nguyen", "1995-01-30"),
    ("Samuel", "Okafor", "1986-09-12"),
    ("Hannah", "Schmidt", "1990-12-01"),
    ("Lucas", "Moreau", "1992-03-23"),
    ("Priya", "Natarajan", "1989-06-15"),
    ("Tomasz", "Kowalski", "1994-10-05"),
    ("Grace", "Mensah", "1987-02-28"),
];

fn farm_member(i: usize) -> Value {
    let (given, surname, dob) = NAMES[i];
    let mut a = person(i, given, surname, dob);
    a["payout"]["account_number"] = json!("999888777666");
    for s in a["sessions"].as_array_mut().unwrap() {
        s["device_id"] = json!("farm-laptop-01");
    }
    a
}

async fn drain(app: &TestApp) {
    let admin = app.token("operator", &[ADMIN]);
    eventually("the re-screen queue drains", || async {
        app.get(&admin, "/v1/admin/lists").await.json()["rescreen_pending"] == 0
    })
    .await;
}

async fn a_laptop_farm_among_clean_applicants_is_flagged_and_the_clean_ones_are_untouched(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let writer = app.writer("acme");
    let mut farm_ids = Vec::new();
    let mut clean_ids = Vec::new();
    for (i, (given, surname, dob)) in NAMES.iter().enumerate() {
        // Even: a farm identity; odd: an ordinary applicant.
        let application = if i % 2 == 0 {
            farm_member(i)
        } else {
            person(i, given, surname, dob)
        };
        let reply = app.submit(&writer, &application).await;
        assert_eq!(
            reply.status,
            201,
            "{}",
            String::from_utf8_lossy(&reply.body)
        );
        let id = reply.json()["id"].as_str().unwrap().to_owned();
        if i % 2 == 0 {
            farm_ids.push(id)
        } else {
            clean_ids.push(id)
        }
    }
    drain(&app).await;

    for id in &farm_ids {
        let v = app
            .get(&writer, &format!("/v1/applications/{id}"))
            .await
            .json();
        assert_valid_verdict(&v);
        assert_ne!(v["verdict"], "clear", "{v:#}");
        let c = codes(&v);
        assert!(c.contains(&"LNK_SHARED_PAYOUT_ACCOUNT".to_owned()), "{v:#}");
        assert!(c.contains(&"LNK_SHARED_DEVICE".to_owned()), "{v:#}");
        // Five connected applications, above the default cluster size of 4.
        assert!(c.contains(&"LNK_CLUSTER_LARGE".to_owned()), "{v:#}");
        let signal = v["signals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["code"] == "LNK_SHARED_DEVICE")
            .unwrap();
        let linked: Vec<&str> = signal["evidence"]["applications"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap())
            .collect();
        assert_eq!(linked.len(), 4, "{signal:#}");
        assert!(!linked.contains(&id.as_str()));
        assert!(
            !signal.to_string().contains("farm-laptop-01"),
            "never the value"
        );

        let links = app
            .get(&writer, &format!("/v1/applications/{id}/links"))
            .await
            .json();
        let items = links["items"].as_array().unwrap();
        assert_eq!(items.len(), 4, "{links:#}");
        for item in items {
            assert!(farm_ids.contains(&item["id"].as_str().unwrap().to_owned()));
            let shared: Vec<&str> = item["shared"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap())
                .collect();
            assert!(shared.contains(&"payout_account") && shared.contains(&"device_id"));
        }
    }
    // The first farm identity was clear when it arrived; its history shows the links arriving.
    let history = app
        .get(
            &writer,
            &format!("/v1/applications/{}/history", farm_ids[0]),
        )
        .await
        .json();
    let items = history["items"].as_array().unwrap();
    assert!(items.len() >= 2, "{history:#}");
    assert_eq!(items[0]["verdict"], "clear");

    for id in &clean_ids {
        let v = app
            .get(&writer, &format!("/v1/applications/{id}"))
            .await
            .json();
        assert_eq!(v["verdict"], "clear", "{v:#}");
        assert!(v["signals"].as_array().unwrap().is_empty(), "{v:#}");
        let history = app
            .get(&writer, &format!("/v1/applications/{id}/history"))
            .await
            .json();
        assert_eq!(history["items"].as_array().unwrap().len(), 1);
        let links = app
            .get(&writer, &format!("/v1/applications/{id}/links"))
            .await
            .json();
        assert!(links["items"].as_array().unwrap().is_empty());
    }
    // Another tenant sees none of it.
    app.get(
        &app.writer("globex"),
        &format!("/v1/applications/{}/links", farm_ids[0]),
    )
    .await
    .problem(404);
}

#[actix_web::test]
async fn each_link_signal_fires_and_a_phone_shared_with_family_alone_stays_clear() {
    let app = spawn_app(Backend::Sqlite).await;
    let writer = app.writer("acme");
    let base = person(0, "Daniel", "Brooks", "1991-04-02");
    let first = app.submit(&writer, &base).await;
    assert_eq!(first.status, 201);
    let base_id = first.json()["id"].as_str().unwrap().to_owned();

    type Edit = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Edit)> = vec![
        (
            "LNK_SHARED_PHONE",
            Box::new(|a: &mut Value| a["applicant"]["phone"] = json!("+1 312 555 1000")),
        ),
        (
            "LNK_SHARED_EMAIL",
            Box::new(|a: &mut Value| {
                a["applicant"]["email"] = json!("Daniel.Brooks0+jobs@example.com")
            }),
        ),
        (
            "LNK_SHARED_SHIPPING_ADDRESS",
            Box::new(|a: &mut Value| {
                a["shipping_address"] = json!({"country": "US", "region": "IL", "postal_code": "60614", "address_line": "12 Elm St, Apt 3", "recipient_name": a["applicant"]["full_name"].clone()});
            }),
        ),
    ];
    // The base applicant ships to the same address too.
    let mut with_address = base.clone();
    with_address["shipping_address"] = json!({"country": "US", "region": "IL", "postal_code": "60614", "address_line": "12 elm st apt 3", "recipient_name": "Daniel Brooks"});
    assert_eq!(app.submit(&writer, &with_address).await.status, 200);

    for (i, (code, edit)) in cases.iter().enumerate() {
        let (given, surname, dob) = NAMES[i + 1];
        let mut a = person(i + 1, given, surname, dob);
        edit(&mut a);
        let v = app.submit(&writer, &a).await.json();
        assert!(codes(&v).contains(&code.to_string()), "{code}: {v:#}");
        if *code != "LNK_SHARED_SHIPPING_ADDRESS" {
            assert_eq!(v["verdict"], "clear", "{code} alone is not enough: {v:#}");
        }
    }

    // Remote-access tools: two identities from one address, then a third from the same /24.
    let rat = |i: usize, ip: &str| {
        let (given, surname, dob) = NAMES[i];
        let mut a = person(i, given, surname, dob);
        for s in a["sessions"].as_array_mut().unwrap() {
            s["ip"] = json!(ip);
            s["remote_access_tools"] = json!(["anydesk"]);
        }
        a
    };
    app.submit(&writer, &rat(5, "73.44.99.10")).await;
    let second = app.submit(&writer, &rat(6, "73.44.99.10")).await.json();
    assert!(
        codes(&second).contains(&"LNK_SHARED_REMOTE_ACCESS_IP".to_owned()),
        "{second:#}"
    );
    let third = app.submit(&writer, &rat(7, "73.44.99.77")).await.json();
    assert!(
        codes(&third).contains(&"LNK_LAPTOP_FARM".to_owned()),
        "{third:#}"
    );
    assert!(!codes(&third).contains(&"LNK_SHARED_REMOTE_ACCESS_IP".to_owned()));

    // Linked to an application rejected on its own evidence (a North Korean passport).
    let mut rejected = person(8, "Chol", "Ri", "1985-05-05");
    rejected["identity_document"]["issuing_country"] = json!("PRK");
    rejected["identity_document"]["nationality"] = json!("PRK");
    rejected["applicant"]["nationality"] = json!("KP");
    rejected["payout"]["account_number"] = json!("777000111222");
    assert_eq!(
        app.submit(&writer, &rejected).await.json()["verdict"],
        "reject"
    );
    let mut linked = person(9, "Grace", "Mensah", "1987-02-28");
    linked["payout"]["account_number"] = json!("777000111222");
    let v = app.submit(&writer, &linked).await.json();
    assert_eq!(v["verdict"], "reject", "{v:#}");
    assert!(codes(&v).contains(&"LNK_LINKED_TO_REJECTED".to_owned()));

    // The same person re-applying under their own name does not link to their first application
    // (only to the other identities that borrowed their phone, e-mail and address above).
    let mut again = base.clone();
    again["external_ref"] = json!("person-0-again");
    let v = app.submit(&writer, &again).await.json();
    assert!(codes(&v).iter().any(|c| c.starts_with("LNK_")), "{v:#}");
    assert!(!v["signals"].to_string().contains(&base_id), "{v:#}");
}

/// Final verdicts by external_ref after submitting `order` and draining the queue.
async fn final_verdicts(order: &[usize]) -> Vec<(String, String, Vec<String>)> {
    let app = spawn_app(Backend::Sqlite).await;
    let writer = app.writer("acme");
    let apps: Vec<Value> = (0..4)
        .map(|i| {
            let mut a = farm_member(i);
            if i == 3 {
                // Rejected on its own evidence: propagation must reach the others in any order.
                a["identity_document"]["issuing_country"] = json!("PRK");
                a["identity_document"]["nationality"] = json!("PRK");
                a["applicant"]["nationality"] = json!("KP");
            }
            if i == 1 {
                // Only the device in common.
                a["payout"]["account_number"] = json!("123123123123");
            }
            a
        })
        .collect();
    for &i in order {
        assert!(app.submit(&writer, &apps[i]).await.status.is_success());
    }
    drain(&app).await;
    let mut out = Vec::new();
    let page = app.get(&writer, "/v1/applications?limit=50").await.json();
    for v in page["items"].as_array().unwrap() {
        let mut c = codes(v);
        c.sort();
        out.push((
            v["external_ref"].as_str().unwrap().to_owned(),
            v["verdict"].as_str().unwrap().to_owned(),
            c,
        ));
    }
    out.sort();
    out
}

#[test]
fn the_order_of_submission_does_not_change_the_final_verdicts() {
    let runtime = actix_web::rt::System::new();
    let reference = runtime.block_on(final_verdicts(&[0, 1, 2, 3]));
    assert!(
        reference.iter().all(|(_, v, _)| v != "clear"),
        "{reference:?}"
    );
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 6,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    runner
        .run(&Just(vec![0usize, 1, 2, 3]).prop_shuffle(), |order| {
            let got = runtime.block_on(final_verdicts(&order));
            prop_assert_eq!(&got, &reference, "order {:?}", order);
            Ok(())
        })
        .unwrap();
}

#[actix_web::test]
async fn tenants_that_opt_in_learn_counts_only_and_others_nothing() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.shared_tenants = "acme,globex".into()).await;
    let acme = app
        .submit(&app.writer("acme"), &farm_member(0))
        .await
        .json();
    let acme_id = acme["id"].as_str().unwrap().to_owned();

    let globex = app
        .submit(&app.writer("globex"), &farm_member(2))
        .await
        .json();
    let signal = globex["signals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "LNK_SHARED_PAYOUT_ACCOUNT")
        .unwrap_or_else(|| panic!("{globex:#}"));
    assert_eq!(signal["evidence"]["applications"], json!([]));
    assert_eq!(signal["evidence"]["other_tenant_applications"], 1);
    assert_eq!(signal["evidence"]["other_tenants"], 1);
    let text = globex.to_string();
    assert!(
        !text.contains(&acme_id) && !text.contains("Daniel"),
        "{text}"
    );

    // A tenant that did not opt in neither learns nor is learnt from.
    let initech = app
        .submit(&app.writer("initech"), &farm_member(4))
        .await
        .json();
    assert!(
        !codes(&initech).iter().any(|c| c.starts_with("LNK_")),
        "{initech:#}"
    );
    // And /links stays within the tenant.
    let links = app
        .get(
            &app.writer("globex"),
            &format!("/v1/applications/{}/links", globex["id"].as_str().unwrap()),
        )
        .await
        .json();
    assert_eq!(links["items"], json!([]));
}
