//! Links between applications over HTTP: a laptop farm found among clean applicants, propagation
//! to earlier applications (history), order independence, `GET /links`, and each link signal.

use proptest::prelude::*;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::sanctions_api::{ADMIN, eventually};

on_both_backends!(
    a_laptop_farm_among_clean_applicants_is_flagged_and_the_clean_ones_are_untouched,
    three_identities_on_one_residential_ip_without_tools_are_a_farm_on_all_three,
    two_identities_on_one_residential_ip_are_a_household_and_stay_clear,
    shared_lines_and_anonymisers_are_not_residential,
    a_street_name_links_only_within_its_town,
    an_index_written_with_old_keys_is_rebuilt_at_start,
    a_crowded_residential_address_does_not_hide_other_links,
    one_persons_many_applications_do_not_hide_another_identity,
    each_link_signal_fires_and_a_phone_shared_with_family_alone_stays_clear,
    tenants_that_opt_in_learn_counts_only_and_others_nothing,
);

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

pub const NAMES: [(&str, &str, &str); 10] = [
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
        reply.assert_status(201);
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

async fn each_link_signal_fires_and_a_phone_shared_with_family_alone_stays_clear(backend: Backend) {
    let app = spawn_app(backend).await;
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
async fn final_verdicts(backend: Backend, order: &[usize]) -> Vec<(String, String, Vec<String>)> {
    let app = spawn_app(backend).await;
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

/// Shuffled orders on SQLite; on PostgreSQL, whose link queries are written apart, the reverse order.
#[test]
fn the_order_of_submission_does_not_change_the_final_verdicts() {
    let runtime = actix_web::rt::System::new();
    let reference = runtime.block_on(final_verdicts(Backend::Sqlite, &[0, 1, 2, 3]));
    let on_postgres = [[0, 1, 2, 3], [3, 2, 1, 0]]
        .map(|order| runtime.block_on(final_verdicts(Backend::Postgres, &order)));
    assert_eq!(on_postgres[0], reference, "PostgreSQL agrees with SQLite");
    assert_eq!(on_postgres[1], reference, "PostgreSQL, reverse order");
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
            let got = runtime.block_on(final_verdicts(Backend::Sqlite, &order));
            prop_assert_eq!(&got, &reference, "order {:?}", order);
            Ok(())
        })
        .unwrap();
}

async fn tenants_that_opt_in_learn_counts_only_and_others_nothing(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.shared_tenants = "acme,globex".into()).await;
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

// ---------------------------------------------------------------------------------------------
// Residential addresses (laptop farms without remote-access tools) and the shipping-address key.
// ---------------------------------------------------------------------------------------------

/// IP databases for the residential tests, written with the project's own writer: an ASN database
/// placing a cable network (73.44.0.0/16), the carrier-grade NAT range (to show it is left out by
/// its range, not for want of an ASN), a mobile carrier, a cloud and a VPN provider; an anonymous-IP
/// database for the VPN; and the shipped hosting-ASN list. The Connection-Type database is written
/// beside the directory, for `VETGATE_GEOIP_CONNECTION_TYPE`.
fn residential_geoip(root: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    use vetgate::intel::mmdb_writer::{Value as Mmdb, Writer};
    let dir = root.join("geoip");
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let asn = |number: u32, organization: &str| {
        Mmdb::map([
            ("autonomous_system_number", Mmdb::U32(number)),
            ("autonomous_system_organization", Mmdb::from(organization)),
        ])
    };
    let mut a = Writer::new("GeoLite2-ASN", 6).unwrap();
    for (network, number, organization) in [
        ("73.44.0.0/16", 7922, "Comcast Cable Communications"),
        ("100.64.0.0/10", 7922, "Comcast Cable Communications"),
        ("172.56.0.0/16", 21928, "T-Mobile USA"),
        ("198.51.100.0/24", 16509, "Amazon.com"),
        ("203.0.113.0/24", 9009, "M247 Europe"),
    ] {
        a.insert(network, asn(number, organization)).unwrap();
    }
    a.write_file_atomically(dir.join("asn.mmdb")).unwrap();
    let mut anon = Writer::new("GeoIP2-Anonymous-IP", 6).unwrap();
    anon.insert(
        "203.0.113.0/24",
        Mmdb::map([
            ("is_anonymous", Mmdb::Bool(true)),
            ("is_anonymous_vpn", Mmdb::Bool(true)),
        ]),
    )
    .unwrap();
    anon.write_file_atomically(dir.join("anonymous.mmdb"))
        .unwrap();
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("geoip/sources/hosting-asns.csv"),
        dir.join("sources/hosting-asns.csv"),
    )
    .unwrap();
    let connection_type = root.join("connection-type.mmdb");
    connection_type_database(&connection_type);
    (dir, connection_type)
}

/// A GeoIP2 Connection-Type database in MaxMind's shape (`connection_type` per network).
pub fn connection_type_database(path: &std::path::Path) {
    use vetgate::intel::mmdb_writer::{Value as Mmdb, Writer};
    let mut c = Writer::new("GeoIP2-Connection-Type", 6).unwrap();
    for (network, kind) in [("73.44.0.0/16", "Cable/DSL"), ("172.56.0.0/16", "Cellular")] {
        c.insert(network, Mmdb::map([("connection_type", Mmdb::from(kind))]))
            .unwrap();
    }
    c.write_file_atomically(path).unwrap();
}

pub async fn spawn_with_residential_geoip(backend: Backend, connection_type: bool) -> TestApp {
    let root = tempfile::tempdir().unwrap().keep();
    let (dir, connection) = residential_geoip(&root);
    spawn_app_with(backend, |s| {
        s.geoip_dir = dir;
        s.geoip_connection_type = connection_type.then_some(connection);
    })
    .await
}

/// An ordinary applicant of their own (see [`person`]) whose sessions all come from `ip`, the last
/// one `day` days after 2026-11-01.
fn at_address(i: usize, ip: &str, day: u32) -> Value {
    let (given, surname, dob) = NAMES[i];
    let mut a = person(i, given, surname, dob);
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap() + chrono::Days::new(day.into());
    a["submitted_at"] = json!(format!("{day}T18:00:00Z"));
    for s in a["sessions"].as_array_mut().unwrap() {
        s["ip"] = json!(ip);
        s["observed_at"] = json!(format!("{day}T09:00:00Z"));
    }
    a
}

async fn submit_all(app: &TestApp, token: &str, applications: &[Value]) -> Vec<String> {
    let mut ids = Vec::new();
    for a in applications {
        let reply = app.submit(token, a).await;
        reply.assert_status(201);
        ids.push(reply.json()["id"].as_str().unwrap().to_owned());
    }
    ids
}

async fn verdict(app: &TestApp, token: &str, id: &str) -> Value {
    app.get(token, &format!("/v1/applications/{id}"))
        .await
        .json()
}

async fn three_identities_on_one_residential_ip_without_tools_are_a_farm_on_all_three(
    backend: Backend,
) {
    let app = spawn_with_residential_geoip(backend, true).await;
    let writer = app.writer("acme");
    let farm = submit_all(
        &app,
        &writer,
        &[
            at_address(0, "73.44.50.7", 2),
            at_address(1, "73.44.50.7", 12),
            at_address(2, "73.44.50.7", 25),
        ],
    )
    .await;
    // A neighbour on the next address of the same network, and someone at home on their own.
    let clean = submit_all(
        &app,
        &writer,
        &[
            at_address(3, "73.44.50.8", 12),
            at_address(4, "73.44.61.1", 12),
        ],
    )
    .await;
    drain(&app).await;

    for id in &farm {
        let v = verdict(&app, &writer, id).await;
        assert_valid_verdict(&v);
        let c = codes(&v);
        assert!(c.contains(&"LNK_RESIDENTIAL_IP_FARM".to_owned()), "{v:#}");
        assert!(
            !c.contains(&"LNK_LAPTOP_FARM".to_owned()),
            "no tools were recorded"
        );
        assert!(
            !c.contains(&"LNK_SHARED_RESIDENTIAL_IP".to_owned()),
            "one fact, one signal"
        );
        assert_eq!(v["verdict"], "review", "{v:#}");
        let signal = v["signals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["code"] == "LNK_RESIDENTIAL_IP_FARM")
            .unwrap();
        assert_eq!(signal["evidence"]["identities"], 3, "{signal:#}");
        assert_eq!(signal["evidence"]["window_days"], 30);
        let linked = signal["evidence"]["applications"].as_array().unwrap();
        assert_eq!(linked.len(), 2, "{signal:#}");
        assert!(
            !signal.to_string().contains("73.44.50.7"),
            "never the value"
        );

        let links = app
            .get(&writer, &format!("/v1/applications/{id}/links"))
            .await
            .json();
        let items = links["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "{links:#}");
        for item in items {
            assert!(farm.contains(&item["id"].as_str().unwrap().to_owned()));
            assert_eq!(item["shared"], json!(["residential_ip"]), "{item:#}");
        }
    }
    // The first member was clear when it arrived; propagation brought the farm to it.
    let history = app
        .get(&writer, &format!("/v1/applications/{}/history", farm[0]))
        .await
        .json();
    let items = history["items"].as_array().unwrap();
    assert_eq!(items[0]["verdict"], "clear", "{history:#}");
    assert_eq!(items.last().unwrap()["verdict"], "review", "{history:#}");

    for id in &clean {
        let v = verdict(&app, &writer, id).await;
        assert_eq!(v["verdict"], "clear", "{v:#}");
        assert!(v["signals"].as_array().unwrap().is_empty(), "{v:#}");
    }

    // Three identities whose visits no 30-day window holds together (days 2, 24, 47): each meets
    // one other at most, a household at most.
    let spread = submit_all(
        &app,
        &writer,
        &[
            at_address(5, "73.44.70.7", 2),
            at_address(6, "73.44.70.7", 24),
            at_address(7, "73.44.70.7", 47),
        ],
    )
    .await;
    drain(&app).await;
    for id in &spread {
        let v = verdict(&app, &writer, id).await;
        assert!(
            !codes(&v).contains(&"LNK_RESIDENTIAL_IP_FARM".to_owned()),
            "{v:#}"
        );
        assert_eq!(v["verdict"], "clear", "{v:#}");
    }
}

async fn two_identities_on_one_residential_ip_are_a_household_and_stay_clear(backend: Backend) {
    let app = spawn_with_residential_geoip(backend, true).await;
    let writer = app.writer("acme");
    let household = submit_all(
        &app,
        &writer,
        &[at_address(0, "73.44.9.9", 3), at_address(1, "73.44.9.9", 5)],
    )
    .await;
    drain(&app).await;
    for id in &household {
        let v = verdict(&app, &writer, id).await;
        assert_eq!(codes(&v), ["LNK_SHARED_RESIDENTIAL_IP"], "{v:#}");
        assert_eq!(v["verdict"], "clear", "a weak signal alone: {v:#}");
        assert_eq!(v["risk_score"], 5, "{v:#}");
    }

    // A household member of an applicant rejected on their own evidence is not linked to it.
    let mut rejected = at_address(2, "73.44.9.10", 3);
    rejected["identity_document"]["issuing_country"] = json!("PRK");
    rejected["identity_document"]["nationality"] = json!("PRK");
    rejected["applicant"]["nationality"] = json!("KP");
    assert_eq!(
        app.submit(&writer, &rejected).await.json()["verdict"],
        "reject"
    );
    let v = app
        .submit(&writer, &at_address(3, "73.44.9.10", 4))
        .await
        .json();
    assert_eq!(codes(&v), ["LNK_SHARED_RESIDENTIAL_IP"], "{v:#}");
    assert_eq!(v["verdict"], "clear", "{v:#}");
}

async fn shared_lines_and_anonymisers_are_not_residential(backend: Backend) {
    let app = spawn_with_residential_geoip(backend, true).await;
    let writer = app.writer("acme");
    let mut i = 0;
    for (what, ip) in [
        ("carrier-grade NAT", "100.64.7.7"),
        ("a cellular line", "172.56.3.3"),
        ("a VPN exit", "203.0.113.9"),
        ("a cloud", "198.51.100.20"),
        ("an address no database places", "81.2.69.160"),
    ] {
        // Three distinct people per address (names of their own, not the NAMES table's).
        let group: Vec<Value> = (0..3)
            .map(|k| {
                i += 1;
                let mut a = at_address(i % NAMES.len(), ip, 3 + k);
                a["external_ref"] = json!(format!("not-residential-{i}"));
                a["applicant"]["full_name"] = json!(format!("Person{k} {what}"));
                a["identity_document"]["given_names"] = json!(format!("PERSON{k}"));
                a["identity_document"]["surname"] = json!(what.to_uppercase());
                a["payout"]["account_holder_name"] = a["applicant"]["full_name"].clone();
                a["applicant"]["email"] = json!(format!("p{i}@example.com"));
                a["applicant"]["phone"] = json!(format!("+1312556{:04}", i));
                a["identity_document"]["number"] = json!(format!("D{:08}", i));
                a["payout"]["account_number"] = json!(format!("{:012}", 700_000_000 + i));
                for s in a["sessions"].as_array_mut().unwrap() {
                    s["device_id"] = json!(format!("device-n{i}"));
                }
                a
            })
            .collect();
        let ids = submit_all(&app, &writer, &group).await;
        drain(&app).await;
        for id in &ids {
            let v = verdict(&app, &writer, id).await;
            let c = codes(&v);
            assert!(
                !c.iter()
                    .any(|c| c.contains("RESIDENTIAL") || c.starts_with("LNK_")),
                "{what}: {c:?}"
            );
        }
    }
    drop(app);

    // The cellular line is left out because the Connection-Type database says so: without it, the
    // same three identities are a farm.
    let app = spawn_with_residential_geoip(backend, false).await;
    let writer = app.writer("acme");
    let ids = submit_all(
        &app,
        &writer,
        &[
            at_address(0, "172.56.3.3", 3),
            at_address(1, "172.56.3.3", 4),
            at_address(2, "172.56.3.3", 5),
        ],
    )
    .await;
    drain(&app).await;
    let v = verdict(&app, &writer, &ids[0]).await;
    assert!(
        codes(&v).contains(&"LNK_RESIDENTIAL_IP_FARM".to_owned()),
        "{v:#}"
    );
}

/// An applicant in France shipping to `line` in `town`, without a postal code.
fn ships_to(i: usize, line: &str, town: &str) -> Value {
    let (given, surname, dob) = NAMES[i];
    let mut a = person(i, given, surname, dob);
    a["shipping_address"] = json!({
        "country": "FR",
        "city": town,
        "address_line": line,
        "recipient_name": format!("{given} {surname}"),
    });
    a
}

async fn a_street_name_links_only_within_its_town(backend: Backend) {
    let app = spawn_app(backend).await;
    let writer = app.writer("acme");
    let lyon = app
        .submit(&writer, &ships_to(0, "1 rue Jean Jaurès", "Lyon"))
        .await
        .json();
    let toulouse = app
        .submit(&writer, &ships_to(1, "1 rue Jean Jaurès", "Toulouse"))
        .await
        .json();
    let shared = |v: &Value| codes(v).contains(&"LNK_SHARED_SHIPPING_ADDRESS".to_owned());
    assert!(
        !shared(&toulouse),
        "two households in two towns: {toulouse:#}"
    );
    let same_town = app
        .submit(&writer, &ships_to(2, "1, Rue Jean-Jaures", "LYON"))
        .await
        .json();
    assert!(
        shared(&same_town),
        "the same address written differently: {same_town:#}"
    );
    let signal = same_town["signals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "LNK_SHARED_SHIPPING_ADDRESS")
        .unwrap();
    assert_eq!(signal["evidence"]["applications"], json!([lyon["id"]]));
    drain(&app).await;
    let toulouse_now = verdict(&app, &writer, toulouse["id"].as_str().unwrap()).await;
    assert!(!shared(&toulouse_now), "{toulouse_now:#}");
}

/// Runs one statement on the test database while no server uses it.
async fn execute(db: &TestDatabase, backend: Backend, sql: &str, binds: &[&[u8]]) {
    match backend {
        Backend::Sqlite => {
            let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&db.url)
                .await
                .unwrap();
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()));
            for b in binds {
                query = query.bind(b.to_vec());
            }
            query.execute(&mut conn).await.unwrap();
        }
        Backend::Postgres => {
            let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&db.url)
                .await
                .unwrap();
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()));
            for b in binds {
                query = query.bind(b.to_vec());
            }
            query.execute(&mut conn).await.unwrap();
        }
    }
}

/// The stored shipping-address keys, and the index version recorded.
async fn shipping_keys(db: &TestDatabase, backend: Backend) -> (Vec<Vec<u8>>, Option<Vec<u8>>) {
    let keys = "select key_hash from identifiers where kind = 'shipping_address' order by key_hash";
    let version = "select value from store_meta where name = 'index_version'";
    match backend {
        Backend::Sqlite => {
            let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&db.url)
                .await
                .unwrap();
            (
                sqlx::query_scalar(keys).fetch_all(&mut conn).await.unwrap(),
                sqlx::query_scalar(version)
                    .fetch_optional(&mut conn)
                    .await
                    .unwrap(),
            )
        }
        Backend::Postgres => {
            let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&db.url)
                .await
                .unwrap();
            (
                sqlx::query_scalar(keys).fetch_all(&mut conn).await.unwrap(),
                sqlx::query_scalar(version)
                    .fetch_optional(&mut conn)
                    .await
                    .unwrap(),
            )
        }
    }
}

async fn an_index_written_with_old_keys_is_rebuilt_at_start(backend: Backend) {
    use vetgate::crypto::PiiKeys;
    // The first service runs in a runtime of its own, dropped with its background tasks (a
    // re-screen worker left running would hold the queue's rows on a dead connection).
    let (db, settings, first) = std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let app = spawn_app(backend).await;
            // A US number written nationally: keyed as written before version 3, in E.164 since.
            let mut first = ships_to(0, "1 rue Jean Jaurès", "Lyon");
            first["applicant"]["phone"] = json!("(312) 555-0142");
            let first = app.submit(&app.writer("acme"), &first).await.json();
            let (db, settings) = app.stop().await;
            (db, settings, first)
        })
    })
    .join()
    .unwrap();

    // What the first derivation wrote: country, an empty postal code and the address words, with
    // diacritics kept and no town; the phone's digits as written; and no index version recorded.
    let keys = PiiKeys::from_secret(settings.pii_key.as_ref().unwrap().expose()).unwrap();
    let old = keys.index_hash("shipping_address", "FR||1 rue jean jaurès".as_bytes());
    execute(
        &db,
        backend,
        "update identifiers set key_hash = $1 where kind = 'shipping_address'",
        &[&old],
    )
    .await;
    let old_phone = keys.index_hash("phone", b"3125550142");
    execute(
        &db,
        backend,
        "update identifiers set key_hash = $1 where kind = 'phone'",
        &[&old_phone],
    )
    .await;
    execute(
        &db,
        backend,
        "delete from store_meta where name = 'index_version'",
        &[],
    )
    .await;
    // Rows from before the index markers existed.
    execute(
        &db,
        backend,
        "update applications set indexed_with = ''",
        &[],
    )
    .await;
    assert_eq!(
        shipping_keys(&db, backend).await,
        (vec![old.to_vec()], None)
    );

    // Started again, the service re-indexes in the background, and records the version it wrote.
    let app = start(db, settings).await;
    let writer = app.writer("acme");
    let rebuilt = keys.index_hash(
        "shipping_address",
        "FR|town:lyon|1 rue jean jaures".as_bytes(),
    );
    let version = vetgate::identifiers::INDEX_VERSION.to_string().into_bytes();
    eventually("the shipping-address key is rebuilt", || async {
        shipping_keys(&app.db, backend).await == (vec![rebuilt.to_vec()], Some(version.clone()))
    })
    .await;
    // (The version is recorded only after every application was queued for re-screening.)
    drain(&app).await;
    // The same address written another way links to the first application, and so does the same
    // phone number written internationally; the same street in another town does not.
    let mut same = ships_to(1, "1, Rue Jean-Jaures", "LYON");
    same["applicant"]["phone"] = json!("+1 312 555 0142");
    let same = app.submit(&writer, &same).await.json();
    for code in ["LNK_SHARED_PHONE", "LNK_SHARED_SHIPPING_ADDRESS"] {
        assert_eq!(
            evidence(&same, code)["applications"],
            json!([first["id"]]),
            "{code}"
        );
    }
    let other_town = app
        .submit(&writer, &ships_to(2, "1 rue Jean Jaurès", "Toulouse"))
        .await
        .json();
    assert!(
        !codes(&other_town).contains(&"LNK_SHARED_SHIPPING_ADDRESS".to_owned()),
        "{other_town:#}"
    );
    // Nothing was lost: the first application and its verdict are there.
    let v = verdict(&app, &writer, first["id"].as_str().unwrap()).await;
    assert_eq!(v["id"], first["id"]);
}

#[test]
fn a_connection_type_database_loads_by_its_type_in_maxminds_shape() {
    use vetgate::intel::geoip::{Database, DatabaseKind};
    use vetgate::intel::{Intel, IntelSources};
    // MaxMind's own test database: its type and record shape are what the reader expects.
    let official = shared_dir().join("data/maxmind-test/GeoIP2-Connection-Type-Test.mmdb");
    let db = Database::open(&official).expect("MaxMind's connection-type test database loads");
    assert_eq!(db.info.kind, DatabaseKind::ConnectionType);
    let reader = maxminddb::Reader::open_readfile(&official).unwrap();
    let mut cellular = None;
    let mut kinds = std::collections::BTreeSet::new();
    for found in reader.networks(Default::default()).unwrap() {
        let found = found.unwrap();
        let record: Option<serde_json::Map<String, Value>> = found.decode().unwrap();
        let record = record.unwrap();
        assert_eq!(
            record.keys().collect::<Vec<_>>(),
            ["connection_type"],
            "{record:?}"
        );
        let kind = record["connection_type"].as_str().unwrap().to_owned();
        if kind == "Cellular" && cellular.is_none() {
            cellular = Some(found.network().unwrap().network());
        }
        kinds.insert(kind);
    }
    assert!(
        kinds.contains("Cellular") && kinds.contains("Cable/DSL"),
        "{kinds:?}"
    );
    let geo = vetgate::intel::geoip::GeoIp::from_databases([db]);
    let cellular = cellular.unwrap();
    assert_eq!(
        geo.lookup(cellular).connection_type.as_deref(),
        Some("Cellular")
    );

    // The fixture written by the project's writer has the same type and shape, and is picked up
    // from the IP database directory by its type.
    let dir = tempfile::tempdir().unwrap();
    connection_type_database(&dir.path().join("lines.mmdb"));
    let intel = Intel::load(&IntelSources {
        geoip_dir: Some(dir.path().to_owned()),
        geoip_files: Vec::new(),
    });
    assert!(intel.problems.is_empty(), "{:?}", intel.problems);
    assert_eq!(
        intel
            .lookup("172.56.3.3".parse().unwrap())
            .connection_type
            .as_deref(),
        Some("Cellular")
    );
    assert_eq!(
        intel
            .lookup("73.44.1.1".parse().unwrap())
            .connection_type
            .as_deref(),
        Some("Cable/DSL")
    );
}

/// A lookup reads past the applicant's own earlier applications (their index rows are ranges it
/// skips): one person applying 270 times with one phone, more than a lookup returns rows, does not
/// hide the one other identity on that phone. (With the test key, the other identity's rows sort
/// before the person's; `link_budgets` has the test where they sort after.)
async fn one_persons_many_applications_do_not_hide_another_identity(backend: Backend) {
    let app = spawn_app(backend).await;
    let writer = app.writer("acme");
    let (given, surname, dob) = NAMES[0];
    let again = |k: usize| {
        let mut a = person(0, given, surname, dob);
        a["external_ref"] = json!(format!("again-{k}"));
        a
    };
    for k in 0..270 {
        assert_eq!(app.submit(&writer, &again(k)).await.status, 201);
    }
    // Another identity with the same phone, submitted last: its index row has the newest id.
    let (given, surname, dob) = NAMES[1];
    let mut other = person(1, given, surname, dob);
    other["applicant"]["phone"] = again(0)["applicant"]["phone"].clone();
    let other = app.submit(&writer, &other).await.json();
    let v = app.submit(&writer, &again(270)).await.json();
    let signal = v["signals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "LNK_SHARED_PHONE")
        .unwrap_or_else(|| panic!("{v:#}"));
    assert_eq!(signal["evidence"]["applications"], json!([other["id"]]));
}

async fn a_crowded_residential_address_does_not_hide_other_links(backend: Backend) {
    let app = spawn_with_residential_geoip(backend, true).await;
    let writer = app.writer("acme");
    // More applications at one address than a lookup returns rows (one person, many times).
    for k in 0..270 {
        let mut a = at_address(0, "73.44.80.8", 3);
        a["external_ref"] = json!(format!("crowd-{k}"));
        assert_eq!(app.submit(&writer, &a).await.status, 201);
    }
    // An account whose key sorts after the address's: a lookup reading keys in order meets the
    // crowd first.
    let keys =
        vetgate::crypto::PiiKeys::from_secret(app.settings.pii_key.as_ref().unwrap().expose())
            .unwrap();
    let address = keys.index_hash("residential_ip", b"73.44.80.8");
    let account = (0..)
        .map(|n| format!("{:012}", 424_242_000_000u64 + n))
        .find(|account| {
            let value = format!("account:071000013:{account}");
            keys.index_hash("payout_account", value.as_bytes()) > address
        })
        .unwrap();
    let mut elsewhere = at_address(2, "73.44.81.1", 3);
    elsewhere["payout"]["account_number"] = json!(account);
    let elsewhere = app.submit(&writer, &elsewhere).await.json();
    // Someone at the crowded address who shares a payout account with an application elsewhere.
    let mut a = at_address(1, "73.44.80.8", 4);
    a["payout"]["account_number"] = json!(account);
    let v = app.submit(&writer, &a).await.json();
    assert_eq!(
        evidence(&v, "LNK_SHARED_PAYOUT_ACCOUNT")["applications"],
        json!([elsewhere["id"]])
    );
    assert!(
        codes(&v).contains(&"LNK_SHARED_RESIDENTIAL_IP".to_owned()),
        "{v:#}"
    );
}

#[test]
fn the_shipped_databases_tell_a_home_line_from_a_cloud() {
    use vetgate::identifiers::residential;
    use vetgate::intel::{Intel, IntelSources};
    let intel = Intel::load(&IntelSources {
        geoip_dir: Some(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("geoip")),
        geoip_files: Vec::new(),
    });
    for (ip, home) in [
        ("73.44.12.9", true),   // Comcast cable, Chicago
        ("52.95.110.1", false), // Amazon Web Services
        ("35.190.0.1", false),  // Google Cloud
        ("100.64.12.9", false), // carrier-grade NAT
    ] {
        let ip = ip.parse().unwrap();
        let facts = intel.lookup(ip);
        assert_eq!(residential(ip, &facts), home, "{ip}: {facts:?}");
    }
}
