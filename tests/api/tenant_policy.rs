//! A tenant's own policy override and allow entries over HTTP (`/v1/policy`, `/v1/allow`): only its
//! own verdicts change, its stored applications are re-screened, and allowed attributes link to
//! nothing and raise no address-based network signal, while sanctions still hit.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::links::person;
use crate::network::fixture_geoip_dir;
use crate::sanctions_api::eventually;

const POLICY_ADMIN: &str = "policy:admin";

on_both_backends!(
    a_tenant_override_changes_only_its_own_verdicts_and_rescreens_its_applications,
    invalid_overrides_are_refused_and_the_override_round_trips,
    an_allowed_range_or_asn_raises_no_network_signal_for_its_sessions,
    an_allowed_payout_account_links_nobody_and_stays_a_sanctions_hit,
    allow_entries_are_validated_and_round_trip,
);

fn admin(app: &TestApp, tenant: &str) -> String {
    app.token(tenant, &[POLICY_ADMIN, READ, WRITE])
}

async fn put_policy(app: &TestApp, token: &str, content_type: &str, body: &str) -> Reply {
    app.send(
        "PUT",
        "/v1/policy",
        Some(token),
        &[("Content-Type", content_type)],
        Some(body.as_bytes()),
    )
    .await
}

async fn post_allow(app: &TestApp, token: &str, body: &Value) -> Reply {
    app.send(
        "POST",
        "/v1/allow",
        Some(token),
        &[("Content-Type", "application/json")],
        Some(&serde_json::to_vec(body).unwrap()),
    )
    .await
}

/// The latest verdict in an application's history.
async fn latest(app: &TestApp, token: &str, id: &str) -> Value {
    app.get(token, &format!("/v1/applications/{id}"))
        .await
        .json()
}

async fn history_len(app: &TestApp, token: &str, id: &str) -> usize {
    app.get(token, &format!("/v1/applications/{id}/history"))
        .await
        .json()["items"]
        .as_array()
        .unwrap()
        .len()
}

async fn drained(app: &TestApp, token: &str) {
    eventually("the tenant's re-screens are done", || async {
        app.get(token, "/v1/policy").await.json()["rescreen_pending"] == 0
    })
    .await;
}

/// The clean example with a declared nationality its passport does not show: one weak signal
/// (`ID_NATIONALITY_MISMATCH`, 10 points), clear under the built-in policy.
fn dual_national(external_ref: &str) -> Value {
    let mut a = contract_example("clean-us-applicant.json");
    a["external_ref"] = json!(external_ref);
    a["applicant"]["nationality"] = json!("CA");
    a
}

async fn a_tenant_override_changes_only_its_own_verdicts_and_rescreens_its_applications(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let (acme, globex) = (admin(&app, "acme"), admin(&app, "globex"));
    let before = app.submit(&acme, &dual_national("dual-1")).await.json();
    assert_eq!(before["verdict"], "clear", "{before:#}");
    assert!(codes(&before).contains(&"ID_NATIONALITY_MISMATCH".to_owned()));
    let operator_version = before["policy_version"].as_str().unwrap().to_owned();
    let acme_id = before["id"].as_str().unwrap().to_owned();
    let other = app.submit(&globex, &dual_national("dual-1")).await.json();
    let globex_id = other["id"].as_str().unwrap().to_owned();

    let put = put_policy(
        &app,
        &acme,
        "application/toml",
        "# acme reviews every dual national\n[points]\nID_NATIONALITY_MISMATCH = 45\n",
    )
    .await;
    put.assert_status(200);
    let view = put.json();
    assert_eq!(view["version"], 1);
    assert_eq!(view["operator_policy_version"], operator_version.as_str());
    let effective = view["effective_policy_version"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(effective, operator_version);

    // The stored application of acme is screened again with the new policy, in the background.
    eventually("acme's stored application is re-screened", || async {
        latest(&app, &acme, &acme_id).await["verdict"] == "review"
    })
    .await;
    let rescreened = latest(&app, &acme, &acme_id).await;
    assert_eq!(rescreened["policy_version"], effective.as_str());
    assert_eq!(history_len(&app, &acme, &acme_id).await, 2);

    // New submissions: acme's reviewed, globex's (same application) clear under the operator's.
    let a = app.submit(&acme, &dual_national("dual-2")).await.json();
    let b = app.submit(&globex, &dual_national("dual-2")).await.json();
    assert_eq!(
        (a["verdict"].as_str(), a["policy_version"].as_str()),
        (Some("review"), Some(effective.as_str()))
    );
    assert_eq!(
        (b["verdict"].as_str(), b["policy_version"].as_str()),
        (Some("clear"), Some(operator_version.as_str()))
    );
    drained(&app, &acme).await;
    drained(&app, &globex).await;
    assert_eq!(
        history_len(&app, &globex, &globex_id).await,
        1,
        "globex untouched"
    );
    assert_eq!(latest(&app, &globex, &globex_id).await["verdict"], "clear");

    // Back to the operator's policy: acme's applications follow.
    let deleted = app
        .send("DELETE", "/v1/policy", Some(&acme), &[], None)
        .await;
    assert_eq!(deleted.status.as_u16(), 200);
    assert_eq!(
        deleted.json()["effective_policy_version"],
        operator_version.as_str()
    );
    eventually("acme's application is clear again", || async {
        latest(&app, &acme, &acme_id).await["verdict"] == "clear"
    })
    .await;
}

async fn invalid_overrides_are_refused_and_the_override_round_trips(backend: Backend) {
    let app = spawn_app(backend).await;
    let acme = admin(&app, "acme");

    // Without the scope: 403, for reading too.
    let writer = app.writer("acme");
    put_policy(
        &app,
        &writer,
        "application/toml",
        "[points]\nID_NAME_MISMATCH = 35",
    )
    .await
    .problem(403);
    app.get(&writer, "/v1/policy").await.problem(403);
    app.send("DELETE", "/v1/policy", Some(&writer), &[], None)
        .await
        .problem(403);

    let none = app.get(&acme, "/v1/policy").await.json();
    assert_eq!(none["override"], Value::Null);
    assert_eq!(none["version"], Value::Null);
    assert_eq!(
        none["effective_policy_version"],
        none["operator_policy_version"]
    );

    // Not TOML, an unknown code, a retired one, a 0-point code given points, broken thresholds.
    for (body, names) in [
        ("[points\nID_NAME_MISMATCH = 35", "TOML"),
        ("[points]\nID_TYPO = 35", "ID_TYPO"),
        ("[points]\nSAN_PAYOUT_MATCH = 90", "SAN_PAYOUT_MATCH"),
        (
            "[points]\nNET_ALLOW_ENTRY_APPLIED = 5",
            "NET_ALLOW_ENTRY_APPLIED",
        ),
        ("[thresholds]\nreview = 90", "thresholds"),
        ("[colours]\nred = 1", "TOML"),
    ] {
        let problem = put_policy(&app, &acme, "application/toml", body)
            .await
            .problem(422);
        let detail = problem["errors"][0]["detail"].as_str().unwrap();
        assert!(detail.contains(names), "{body:?}: {problem:#}");
    }
    put_policy(&app, &acme, "text/plain", "[points]\nID_NAME_MISMATCH = 35")
        .await
        .problem(415);
    assert_eq!(
        app.get(&acme, "/v1/policy").await.json()["version"],
        Value::Null,
        "nothing stored"
    );

    // TOML, then JSON of the same shape: two versions, the newest in force.
    let toml = "[points]\nID_NAME_MISMATCH = 35\n";
    assert_eq!(
        put_policy(&app, &acme, "application/toml", toml)
            .await
            .status
            .as_u16(),
        200
    );
    let json_body = json!({"thresholds": {"review": 35}}).to_string();
    let second = put_policy(&app, &acme, "application/json", &json_body).await;
    assert_eq!(second.status.as_u16(), 200);
    let got = app.get(&acme, "/v1/policy").await.json();
    assert_eq!(got["version"], 2);
    assert!(
        got["override"].as_str().unwrap().contains("review = 35"),
        "{got:#}"
    );
    assert_ne!(
        got["effective_policy_version"],
        got["operator_policy_version"]
    );

    let deleted = app
        .send("DELETE", "/v1/policy", Some(&acme), &[], None)
        .await
        .json();
    assert_eq!(deleted["override"], Value::Null);
    assert_eq!(deleted["version"], 3);
    assert_eq!(
        deleted["effective_policy_version"],
        deleted["operator_policy_version"]
    );
    // Deleting again changes nothing.
    let again = app
        .send("DELETE", "/v1/policy", Some(&acme), &[], None)
        .await
        .json();
    assert_eq!(again["version"], 3);
    // Another tenant never saw any of it.
    let other = app.get(&admin(&app, "globex"), "/v1/policy").await.json();
    assert_eq!(other["version"], Value::Null);
    // The operator's audit log has each change (refused ones and the no-op DELETE are none).
    let auditor = app.token("operator", &["audit:read"]);
    let log = app
        .get(&auditor, "/v1/admin/audit?action=policy_change")
        .await
        .json();
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "{log:#}");
    assert_eq!(items[0]["tenant"], "acme");
    assert_eq!(items[0]["target"], "policy");
    assert_eq!(
        items[0]["detail"],
        json!({"version": 3, "override": "removed"})
    );
    assert_eq!(items[0]["actor"], "api:acme:test");
}

fn with_sessions(external_ref: &str, sessions: Vec<Value>) -> Value {
    let mut a = contract_example("clean-us-applicant.json");
    a["external_ref"] = json!(external_ref);
    a["sessions"] = Value::Array(sessions);
    a
}

fn network_codes(verdict: &Value) -> Vec<String> {
    codes(verdict)
        .into_iter()
        .filter(|c| c.starts_with("NET_"))
        .collect()
}

async fn an_allowed_range_or_asn_raises_no_network_signal_for_its_sessions(backend: Backend) {
    let geo = tempfile::tempdir().unwrap();
    fixture_geoip_dir(geo.path());
    let dir = geo.path().to_path_buf();
    let app = spawn_app_with(backend, move |s| s.geoip_dir = dir).await;
    let (acme, globex) = (admin(&app, "acme"), admin(&app, "globex"));
    // Every session through a VPN exit (203.0.113.0/24, an anonymous VPN in the fixture): the
    // company's VPN, for acme.
    let vpn = |r: &str| {
        let mut a = with_sessions(
            r,
            vec![
                json!({"ip": "203.0.113.7", "kind": "signup", "browser_timezone": "America/Chicago", "observed_at": "2026-11-20T15:00:00Z"}),
                json!({"ip": "203.0.113.8", "kind": "interview", "browser_timezone": "America/Chicago", "observed_at": "2026-11-21T15:00:00Z"}),
            ],
        );
        a["applicant"]["nationality"] = json!("US");
        a
    };
    let stored = app.submit(&acme, &vpn("vpn-1")).await.json();
    assert_eq!(
        network_codes(&stored),
        ["NET_ANONYMIZER_ALWAYS"],
        "{stored:#}"
    );
    let stored_id = stored["id"].as_str().unwrap().to_owned();

    let entry = post_allow(
        &app,
        &acme,
        &json!({"kind": "ip_range", "value": "203.0.113.0/24", "note": "corporate VPN egress"}),
    )
    .await;
    entry.assert_status(201);
    let entry_id = entry.json()["id"].as_str().unwrap().to_owned();

    let allowed = app.submit(&acme, &vpn("vpn-2")).await.json();
    assert_eq!(
        network_codes(&allowed),
        ["NET_ALLOW_ENTRY_APPLIED"],
        "{allowed:#}"
    );
    assert_eq!(allowed["verdict"], "clear");
    let ev = evidence(&allowed, "NET_ALLOW_ENTRY_APPLIED");
    assert_eq!(ev["entries"][0]["id"], entry_id.as_str());
    assert_eq!(ev["entries"][0]["kind"], "ip_range");
    assert_eq!(ev["entries"][0]["sessions"], json!([0, 1]));
    assert_eq!(ev["suppressed"], json!(["NET_ANONYMIZER_ALWAYS"]));
    let signal = allowed["signals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "NET_ALLOW_ENTRY_APPLIED")
        .unwrap();
    assert_eq!(signal["points"], 0);
    assert_valid_verdict(&allowed);

    // The stored one is re-screened to the same; another tenant still sees the VPN.
    eventually("the stored application is re-screened", || async {
        network_codes(&latest(&app, &acme, &stored_id).await) == ["NET_ALLOW_ENTRY_APPLIED"]
    })
    .await;
    let other = app.submit(&globex, &vpn("vpn-1")).await.json();
    assert_eq!(network_codes(&other), ["NET_ANONYMIZER_ALWAYS"]);

    // An ASN: Amazon's (a hosting network, 198.51.100.0/24 in the fixture) for a build box.
    let cloud = || {
        with_sessions(
            "cloud",
            vec![
                json!({"ip": "198.51.100.20", "kind": "signup", "browser_timezone": "America/Chicago"}),
                json!({"ip": "198.51.100.21", "kind": "interview", "browser_timezone": "America/Chicago"}),
            ],
        )
    };
    let before = app.submit(&globex, &cloud()).await.json();
    assert!(
        !network_codes(&before).is_empty(),
        "a hosting network raises a network signal: {before:#}"
    );
    let asn = post_allow(&app, &globex, &json!({"kind": "asn", "value": "AS16509"})).await;
    assert_eq!(asn.status.as_u16(), 201);
    let after = app.submit(&globex, &cloud()).await.json();
    assert_eq!(
        network_codes(&after),
        ["NET_ALLOW_ENTRY_APPLIED"],
        "{after:#}"
    );
    // DPRK address space is never hidden, not even inside an allowed range.
    let dprk = post_allow(
        &app,
        &acme,
        &json!({"kind": "ip_range", "value": "175.45.176.0/22"}),
    )
    .await;
    assert_eq!(dprk.status.as_u16(), 201);
    let pyongyang = app
        .submit(
            &acme,
            &with_sessions(
                "pyongyang",
                vec![json!({"ip": "175.45.176.9", "kind": "signup"})],
            ),
        )
        .await
        .json();
    assert!(
        codes(&pyongyang).contains(&"NET_DPRK_ADDRESS_SPACE".to_owned()),
        "{pyongyang:#}"
    );
    assert_eq!(pyongyang["verdict"], "reject");
}

/// Identities of their own, all paid into `account`.
fn paid_into(i: usize, account: &str) -> Value {
    let (given, surname, dob) = crate::links::NAMES[i];
    let mut a = person(i, given, surname, dob);
    a["payout"]["account_number"] = json!(account);
    a
}

fn links_of(verdict: &Value) -> Vec<String> {
    codes(verdict)
        .into_iter()
        .filter(|c| c.starts_with("LNK_"))
        .collect()
}

async fn stored_allow_texts(app: &TestApp) -> Vec<String> {
    let sql = "select tenant_id || '|' || kind || '|' || coalesce(value, '') || '|' || hint || '|' || coalesce(note, '') from tenant_allow_entries";
    match app.db.url.starts_with("sqlite:") {
        true => {
            let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&app.db.url)
                .await
                .unwrap();
            sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap()
        }
        false => {
            let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&app.db.url)
                .await
                .unwrap();
            sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap()
        }
    }
}

async fn an_allowed_payout_account_links_nobody_and_stays_a_sanctions_hit(backend: Backend) {
    let app = spawn_app(backend).await;
    let (acme, globex) = (admin(&app, "acme"), admin(&app, "globex"));
    const PAYROLL: &str = "777111222333";
    const SHARED: &str = "888999000111";
    // Before: two identities paid into one account are linked.
    let first = app.submit(&acme, &paid_into(0, PAYROLL)).await.json();
    let second = app.submit(&acme, &paid_into(1, PAYROLL)).await.json();
    assert!(
        links_of(&second).contains(&"LNK_SHARED_PAYOUT_ACCOUNT".to_owned()),
        "{second:#}"
    );
    let second_id = second["id"].as_str().unwrap().to_owned();
    assert!(first["id"].is_string());

    // The payroll company's account is allowed for acme.
    let entry = post_allow(
        &app,
        &acme,
        &json!({"kind": "payout_account", "value": {"account_number": PAYROLL, "routing_number": "071000013"}, "note": "Deel payroll"}),
    )
    .await;
    entry.assert_status(201);
    let entry = entry.json();
    assert_eq!(entry["hint"], "account ••••2333");
    assert!(entry.get("value").is_none(), "{entry:#}");
    let texts = stored_allow_texts(&app).await;
    assert_eq!(texts.len(), 1);
    assert!(
        !texts[0].contains(PAYROLL) && !texts[0].contains("1222333"),
        "plain account stored: {texts:?}"
    );
    assert!(texts[0].starts_with("acme|payout_account|"), "{texts:?}");

    let third = app.submit(&acme, &paid_into(2, PAYROLL)).await.json();
    assert_eq!(links_of(&third), ["LNK_ALLOW_ENTRY_APPLIED"], "{third:#}");
    assert_eq!(third["verdict"], "clear");
    let ev = evidence(&third, "LNK_ALLOW_ENTRY_APPLIED");
    assert_eq!(ev["entries"][0]["id"], entry["id"]);
    assert_eq!(ev["entries"][0]["suppresses"], json!(["payout_account"]));
    // The stored, linked one is re-screened without its link.
    eventually("the linked application is re-screened", || async {
        links_of(&latest(&app, &acme, &second_id).await) == ["LNK_ALLOW_ENTRY_APPLIED"]
    })
    .await;

    // An account nobody allowed still links; so does the payroll account at another tenant.
    app.submit(&acme, &paid_into(3, SHARED)).await;
    let linked = app.submit(&acme, &paid_into(4, SHARED)).await.json();
    assert!(
        links_of(&linked).contains(&"LNK_SHARED_PAYOUT_ACCOUNT".to_owned()),
        "{linked:#}"
    );
    app.submit(&globex, &paid_into(5, PAYROLL)).await;
    let elsewhere = app.submit(&globex, &paid_into(6, PAYROLL)).await.json();
    assert!(
        links_of(&elsewhere).contains(&"LNK_SHARED_PAYOUT_ACCOUNT".to_owned()),
        "{elsewhere:#}"
    );

    // A listed crypto address stays a sanctions hit when the tenant allows it.
    const LISTED: &str = "0x97B1043ABD9E6FC31681635166D430A458D14F9C";
    let allowed = post_allow(
        &app,
        &acme,
        &json!({"kind": "payout_account", "value": {"crypto_address": LISTED}}),
    )
    .await;
    assert_eq!(allowed.status.as_u16(), 201);
    let mut listed = paid_into(7, "123412341234");
    listed["payout"] = json!({
        "method": "crypto",
        "account_holder_name": "Tomasz Kowalski",
        "crypto_asset": "ETH",
        "crypto_address": LISTED,
    });
    let verdict = app.submit(&acme, &listed).await.json();
    assert!(
        codes(&verdict).contains(&"SAN_PAYOUT_ADDRESS_LISTED".to_owned()),
        "{verdict:#}"
    );
    assert!(
        codes(&verdict).contains(&"LNK_ALLOW_ENTRY_APPLIED".to_owned()),
        "{verdict:#}"
    );
    assert_eq!(verdict["verdict"], "reject");
}

async fn allow_entries_are_validated_and_round_trip(backend: Backend) {
    let app = spawn_app(backend).await;
    let acme = admin(&app, "acme");
    let writer = app.writer("acme");
    post_allow(&app, &writer, &json!({"kind": "asn", "value": 64500}))
        .await
        .problem(403);
    app.get(&writer, "/v1/allow").await.problem(403);
    for (body, pointer) in [
        (json!({"kind": "country", "value": "US"}), "/kind"),
        (json!({"value": "US"}), "/kind"),
        (
            json!({"kind": "ip_range", "value": "203.0.113.7/24"}),
            "/value",
        ),
        (json!({"kind": "ip_range", "value": "10.0.0.0/4"}), "/value"),
        (json!({"kind": "ip_range", "value": 7}), "/value"),
        (json!({"kind": "asn", "value": "AS131279"}), "/value"),
        (json!({"kind": "asn", "value": "ASX"}), "/value"),
        (
            json!({"kind": "payout_account", "value": "DE89370400440532013000"}),
            "/value",
        ),
        (
            json!({"kind": "payout_account", "value": {"iban": "DE89370400440532013000", "crypto_address": "0xabc123"}}),
            "/value",
        ),
        (
            json!({"kind": "payout_account", "value": {"iban": 5}}),
            "/value/iban",
        ),
        (
            json!({"kind": "shipping_address", "value": {"address_line": "1 Main St"}}),
            "/value",
        ),
        (
            json!({"kind": "shipping_address", "value": {"country": "XX", "postal_code": "1", "address_line": "1 Main St"}}),
            "/value/country",
        ),
        (json!({"kind": "asn", "value": 64500, "note": 5}), "/note"),
        (
            json!({"kind": "asn", "value": 64500, "colour": "red"}),
            "/colour",
        ),
    ] {
        let problem = post_allow(&app, &acme, &body).await.problem(422);
        assert_eq!(
            problem["errors"][0]["pointer"], pointer,
            "{body}: {problem:#}"
        );
    }
    let iban = post_allow(
        &app,
        &acme,
        &json!({"kind": "payout_account", "value": {"iban": "DE89 3704 0044 0532 0130 00"}}),
    )
    .await
    .json();
    assert_eq!(iban["hint"], "iban ••••3000");
    let office = post_allow(
        &app,
        &acme,
        &json!({"kind": "shipping_address", "value": {"country": "US", "postal_code": "60614", "address_line": "2400 N Lincoln Ave"}, "note": "HQ"}),
    )
    .await
    .json();
    assert_eq!(office["hint"], "US ••••");
    let range = post_allow(
        &app,
        &acme,
        &json!({"kind": "ip_range", "value": "2001:db8:abcd::/48"}),
    )
    .await
    .json();
    assert_eq!(range["value"], "2001:db8:abcd::/48");
    let texts = stored_allow_texts(&app).await.join("\n");
    assert!(
        !texts.contains("0532") && !texts.contains("Lincoln"),
        "{texts}"
    );

    let listed = app.get(&acme, "/v1/allow").await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 3);
    assert!(
        app.get(&admin(&app, "globex"), "/v1/allow").await.json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let id = office["id"].as_str().unwrap();
    // Another tenant cannot remove it.
    app.send(
        "DELETE",
        &format!("/v1/allow/{id}"),
        Some(&admin(&app, "globex")),
        &[],
        None,
    )
    .await
    .problem(404);
    let gone = app
        .send("DELETE", &format!("/v1/allow/{id}"), Some(&acme), &[], None)
        .await;
    assert_eq!(gone.status.as_u16(), 204);
    app.send("DELETE", &format!("/v1/allow/{id}"), Some(&acme), &[], None)
        .await
        .problem(404);
    let auditor = app.token("operator", &["audit:read"]);
    let log = app
        .get(&auditor, "/v1/admin/audit?action=policy_change")
        .await
        .json();
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 4, "three added, one removed: {log:#}");
    assert_eq!(items[0]["target"], id);
    assert_eq!(items[0]["detail"], json!({"allow_entry": "removed"}));
    assert!(!log.to_string().contains("0532"), "{log:#}");
    assert_eq!(
        app.get(&acme, "/v1/allow").await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

/// Two instances behind a load balancer on one PostgreSQL: an override and an allow entry stored
/// through the first are used by the second within its poll (`VETGATE_LISTS_POLL_SECONDS`, 1 s
/// here), without a restart.
#[actix_web::test]
async fn a_second_instance_on_the_same_postgres_uses_a_tenants_new_settings_within_its_poll() {
    let first = spawn_app_with(Backend::Postgres, |s| s.lists_poll_seconds = 1).await;
    let mut settings = first.settings.clone();
    settings.listen = "127.0.0.1:0".into();
    let second = start(TestDatabase::borrow(&first.db), settings).await;
    let token = admin(&first, "acme");
    let before = second.submit(&token, &dual_national("b-1")).await.json();
    assert_eq!(before["verdict"], "clear");

    let put = put_policy(
        &first,
        &token,
        "application/toml",
        "[points]\nID_NATIONALITY_MISMATCH = 45",
    )
    .await;
    let effective = put.json()["effective_policy_version"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut n = 0;
    eventually("the second instance scores with acme's override", || {
        n += 1;
        let (second, token, effective) = (&second, &token, &effective);
        async move {
            let v = second
                .submit(token, &dual_national(&format!("b-poll-{n}")))
                .await
                .json();
            v["verdict"] == "review" && v["policy_version"] == effective.as_str()
        }
    })
    .await;

    let mut shared = with_sessions(
        "b-vpn",
        vec![json!({"ip": "203.0.113.7", "kind": "signup", "remote_access_tools": ["anydesk"]})],
    );
    shared["applicant"]["nationality"] = json!("US");
    post_allow(
        &first,
        &token,
        &json!({"kind": "ip_range", "value": "203.0.113.0/24"}),
    )
    .await;
    eventually("the second instance applies acme's allow entry", || {
        let (second, token, shared) = (&second, &token, &shared);
        async move {
            let v = second.submit(token, shared).await.json();
            codes(&v).contains(&"NET_ALLOW_ENTRY_APPLIED".to_owned())
        }
    })
    .await;
}
