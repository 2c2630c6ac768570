//! Identity-verification vendor callbacks (docs/idv.md): Persona, Onfido and Veriff callbacks
//! signed with the tenant's secret change the verdict through a background re-screen; unsigned,
//! badly signed, stale, replayed, foreign-tenant and unknown-reference callbacks change nothing.

use serde_json::{Value, json};
use sqlx::Connection;
use vetgate::idv::sign_hex;

use crate::helpers::*;
use crate::sanctions_api::eventually;

on_both_backends!(
    signed_callbacks_of_each_vendor_change_the_verdict_and_are_exported_and_erased,
    refused_callbacks_change_nothing,
    the_secrets_route_needs_its_scope_and_never_shows_a_secret,
);

const INTEGRATIONS: &str = "integrations:admin";
const PERSONA_SECRET: &str = "wbhsec_persona-test-secret-0001";
const ONFIDO_SECRET: &str = "onfido-webhook-token-0001";
const VERIFF_SECRET: &str = "veriff-shared-secret-0001";

/// The contract's clean applicant (Emily Carter, passport C03005988) under its own reference.
fn clean(external_ref: &str) -> Value {
    let mut a = contract_example("clean-us-applicant.json");
    a["external_ref"] = json!(external_ref);
    a
}

async fn set_secret(app: &TestApp, token: &str, tenant_vendor: &str, body: &Value) -> Reply {
    app.send(
        "POST",
        &format!("/v1/idv/{tenant_vendor}/secrets"),
        Some(token),
        &[("Content-Type", "application/json")],
        Some(&serde_json::to_vec(body).unwrap()),
    )
    .await
}

async fn configure(app: &TestApp, tenant: &str) {
    let admin = app.token(tenant, &[INTEGRATIONS]);
    for (vendor, secret) in [
        ("persona", PERSONA_SECRET),
        ("onfido", ONFIDO_SECRET),
        ("veriff", VERIFF_SECRET),
    ] {
        let reply = set_secret(app, &admin, vendor, &json!({ "secret": secret })).await;
        reply.assert_status(200);
    }
}

async fn post_callback(
    app: &TestApp,
    vendor: &str,
    tenant: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let mut all = vec![("Content-Type", "application/json")];
    all.extend_from_slice(headers);
    app.send(
        "POST",
        &format!("/v1/idv/{vendor}/callback/{tenant}"),
        None,
        &all,
        Some(body),
    )
    .await
}

fn persona_header(secret: &str, t: i64, body: &[u8]) -> String {
    let t = t.to_string();
    format!(
        "t={t},v1={}",
        sign_hex(secret.as_bytes(), &[t.as_bytes(), b".", body])
    )
}

/// A Persona `inquiry.completed` event for `reference`: the document as the application shows it,
/// and a selfie whose liveness check failed.
fn persona_body(event_id: &str, reference: &str) -> Vec<u8> {
    serde_json::to_vec(
        &json!({"data": {"type": "event", "id": event_id, "attributes": {
        "name": "inquiry.completed", "created-at": "2026-12-06T07:00:00.000Z",
        "payload": {"data": {"type": "inquiry", "id": "inq_1", "attributes": {
            "status": "completed", "reference-id": reference}},
        "included": [
            {"type": "verification/government-id", "id": "ver_1", "attributes": {
                "status": "passed", "identification-number": "C03005988", "name-first": "Emily",
                "name-last": "Carter", "birthdate": "1990-03-14", "issuing-country": "US",
                "expiration-date": "2031-05-01"}},
            {"type": "verification/selfie", "id": "ver_2", "attributes": {"status": "failed",
                "checks": [{"name": "selfie_liveness_detection", "status": "failed"},
                           {"name": "selfie_id_comparison", "status": "passed"}]}}]}}}}),
    )
    .unwrap()
}

/// An Onfido `workflow_run.completed` event: approved, but the document the vendor read carries
/// another number than the application's (same person).
fn onfido_body(run_id: &str, reference: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({"payload": {
        "resource_type": "workflow_run", "action": "workflow_run.completed",
        "object": {"id": run_id, "status": "approved", "completed_at_iso8601": "2026-12-06T07:00:00Z",
                   "href": format!("https://api.eu.onfido.com/v3.6/workflow_runs/{run_id}")},
        "resource": {"id": run_id, "status": "approved", "customer_user_id": reference,
          "output": {
            "document": {"document_numbers": [{"type": "document_number", "value": "Z77001234"}],
                         "first_name": "Emily", "last_name": "Carter", "date_of_birth": "1990-03-14",
                         "issuing_country": "USA", "nationality": "USA", "date_of_expiry": "2031-05-01"},
            "facial_similarity": {"result": "clear", "properties": {"score": 0.93},
              "breakdown": {"visual_authenticity": {"result": "clear"}}}}}}}))
    .unwrap()
}

/// A Veriff decision: declined, for a document of another person.
fn veriff_body(session: &str, reference: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({"status": "success", "verification": {
        "id": session, "attemptId": "att-1", "code": 9102, "status": "declined",
        "vendorData": reference, "decisionTime": "2026-12-06T07:00:00.000Z",
        "person": {"firstName": "Chol", "lastName": "Pak", "dateOfBirth": "1986-11-02"},
        "document": {"number": "C03005988", "type": "PASSPORT", "country": "US",
                     "validUntil": "2031-05-01"}}}))
    .unwrap()
}

async fn history(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    app.get(token, &format!("/v1/applications/{id}/history"))
        .await
        .json()["items"]
        .as_array()
        .unwrap()
        .clone()
}

/// Waits for a version caused by `vendor`'s callback and returns it.
async fn intel_change_version(app: &TestApp, token: &str, id: &str, vendor: &str) -> Value {
    eventually("the callback's re-screen stored a version", || async {
        history(app, token, id)
            .await
            .iter()
            .any(|v| v["cause"]["kind"] == "intel_change" && v["cause"]["vendor"] == vendor)
    })
    .await;
    let items = history(app, token, id).await;
    let last = items.last().unwrap().clone();
    assert_eq!(last["cause"]["kind"], "intel_change", "{last}");
    assert_eq!(last["cause"]["vendor"], vendor, "{last}");
    assert_valid_verdict(&last);
    last
}

async fn idv_rows(url: &str, id: &str) -> i64 {
    let q = "select count(*) from idv_results where application_id = $1";
    if url.starts_with("sqlite") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query_scalar(q)
            .bind(id)
            .fetch_one(&mut conn)
            .await
            .unwrap()
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query_scalar(q)
            .bind(id)
            .fetch_one(&mut conn)
            .await
            .unwrap()
    }
}

async fn signed_callbacks_of_each_vendor_change_the_verdict_and_are_exported_and_erased(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    configure(&app, "acme").await;
    let writer = app.writer("acme");
    let mut ids = Vec::new();
    for reference in ["idv-persona", "idv-onfido", "idv-veriff"] {
        let reply = app.submit(&writer, &clean(reference)).await;
        reply.assert_status(201);
        let verdict = reply.json();
        assert_eq!(verdict["verdict"], "clear", "{verdict}");
        ids.push(verdict["id"].as_str().unwrap().to_owned());
    }

    // Persona: the signed timestamp is now; a failed liveness check is the vendor's verdict now.
    let body = persona_body("evt_persona_1", "idv-persona");
    let header = persona_header(PERSONA_SECRET, chrono::Utc::now().timestamp(), &body);
    let reply = post_callback(
        &app,
        "persona",
        "acme",
        &[("Persona-Signature", &header)],
        &body,
    )
    .await;
    reply.assert_status(202);
    assert_eq!(reply.json()["application_id"], ids[0].as_str());
    let version = intel_change_version(&app, &writer, &ids[0], "persona").await;
    let persona_codes = codes(&version);
    assert!(
        persona_codes.contains(&"ID_LIVENESS_FAILED".to_owned()),
        "{version}"
    );
    assert!(
        persona_codes.contains(&"ID_VENDOR_CHECK_FAILED".to_owned()),
        "{version}"
    );
    assert_ne!(version["verdict"], "clear", "{version}");
    assert_eq!(
        evidence(&version, "ID_LIVENESS_FAILED")["vendor"],
        "persona"
    );

    // Onfido: the reference is `customer_user_id`; another document number of the same person is
    // a medium signal that alone leaves the applicant clear, but it is a new version.
    let body = onfido_body("run-1", "idv-onfido");
    let sig = sign_hex(ONFIDO_SECRET.as_bytes(), &[&body]);
    let reply = post_callback(&app, "onfido", "acme", &[("X-SHA2-Signature", &sig)], &body).await;
    reply.assert_status(202);
    let version = intel_change_version(&app, &writer, &ids[1], "onfido").await;
    assert_eq!(
        codes(&version),
        ["ID_VENDOR_DOCUMENT_MISMATCH"],
        "{version}"
    );
    assert_eq!(version["verdict"], "clear", "{version}");
    assert_eq!(
        evidence(&version, "ID_VENDOR_DOCUMENT_MISMATCH")["fields"],
        json!(["number"])
    );
    assert!(
        !version.to_string().contains("Z77001234"),
        "the evidence never shows the number"
    );

    // Veriff: `vendorData` may also be the application's id; another person's document.
    let body = veriff_body("sess-1", &ids[2]);
    let sig = sign_hex(VERIFF_SECRET.as_bytes(), &[&body]);
    let reply = post_callback(
        &app,
        "veriff",
        "acme",
        &[("X-HMAC-SIGNATURE", &sig), ("X-AUTH-CLIENT", "api-key")],
        &body,
    )
    .await;
    reply.assert_status(202);
    let version = intel_change_version(&app, &writer, &ids[2], "veriff").await;
    let found = codes(&version);
    assert!(
        found.contains(&"ID_VENDOR_PERSON_MISMATCH".to_owned()),
        "{version}"
    );
    assert!(
        found.contains(&"ID_VENDOR_CHECK_FAILED".to_owned()),
        "{version}"
    );
    assert_eq!(
        evidence(&version, "ID_VENDOR_PERSON_MISMATCH")["fields"],
        json!(["name", "date_of_birth"])
    );

    // A re-submission keeps the vendor's result: the liveness failure stays.
    let reply = app.submit(&writer, &clean("idv-persona")).await;
    assert!(
        reply.status.is_success(),
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let again = reply.json();
    assert!(
        codes(&again).contains(&"ID_LIVENESS_FAILED".to_owned()),
        "{again}"
    );

    // The export holds the results decrypted; the erasure removes them.
    let exporter = app.token("acme", &["applications:export", "applications:erase"]);
    let export = app
        .get(&exporter, &format!("/v1/applications/{}/export", ids[1]))
        .await
        .json();
    let results = export["identity_verifications"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{export}");
    assert_eq!(results[0]["vendor"], "onfido");
    assert_eq!(results[0]["result"]["document"]["number"], "Z77001234");
    assert_eq!(results[0]["result"]["vendor_check"]["status"], "passed");
    assert_eq!(
        results[0]["result"]["vendor_check"]["face_match_score"],
        0.93
    );
    let url = app.db.url.clone();
    assert_eq!(idv_rows(&url, &ids[1]).await, 1);
    let reply = app
        .send(
            "DELETE",
            &format!("/v1/applications/{}", ids[1]),
            Some(&exporter),
            &[],
            None,
        )
        .await;
    reply.assert_status(200);
    assert_eq!(idv_rows(&url, &ids[1]).await, 0);
    // The same event for the erased application's reference, now free, is still a replay.
    let body = onfido_body("run-1", "idv-onfido");
    let sig = sign_hex(ONFIDO_SECRET.as_bytes(), &[&body]);
    app.submit(&writer, &clean("idv-onfido")).await;
    let reply = post_callback(&app, "onfido", "acme", &[("X-SHA2-Signature", &sig)], &body).await;
    reply.problem(409);
}

/// Headers, tenant, expected status and problem type of a refused callback.
type RefusedCase<'a> = (Vec<(&'a str, String)>, &'a str, u16, &'a str);

async fn refused_callbacks_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    configure(&app, "acme").await;
    // Another tenant with secrets of its own.
    let globex = app.token("globex", &[INTEGRATIONS]);
    for vendor in ["persona", "onfido", "veriff"] {
        let reply = set_secret(
            &app,
            &globex,
            vendor,
            &json!({ "secret": "globex-own-secret-for-idv" }),
        )
        .await;
        assert_eq!(reply.status, 200);
    }
    let writer = app.writer("acme");
    let verdict = app.submit(&writer, &clean("idv-refused")).await.json();
    let id = verdict["id"].as_str().unwrap().to_owned();
    let now = chrono::Utc::now().timestamp();

    // Persona.
    let body = persona_body("evt_refused", "idv-refused");
    let good = persona_header(PERSONA_SECRET, now, &body);
    let cases: Vec<RefusedCase> = vec![
        (vec![], "acme", 401, "/problems/callback-unauthenticated"),
        (
            vec![(
                "Persona-Signature",
                persona_header("wbhsec_wrong-secret-000", now, &body),
            )],
            "acme",
            401,
            "/problems/callback-unauthenticated",
        ),
        (
            vec![(
                "Persona-Signature",
                persona_header("globex-own-secret-for-idv", now, &body),
            )],
            "acme",
            401,
            "/problems/callback-unauthenticated",
        ),
        (
            vec![(
                "Persona-Signature",
                persona_header(PERSONA_SECRET, now - 301, &body),
            )],
            "acme",
            409,
            "/problems/callback-replayed",
        ),
        // The right signature sent to a tenant that does not exist, or to another one.
        (
            vec![("Persona-Signature", good.clone())],
            "nosuchtenant",
            401,
            "/problems/callback-unauthenticated",
        ),
        (
            vec![("Persona-Signature", good.clone())],
            "globex",
            401,
            "/problems/callback-unauthenticated",
        ),
    ];
    for (headers, tenant, status, kind) in cases {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let reply = post_callback(&app, "persona", tenant, &headers, &body).await;
        let problem = reply.problem(status);
        assert_eq!(problem["type"], kind, "{problem}");
    }
    // An unknown tenant and a tenant without the secret answer alike.
    let unknown = post_callback(&app, "persona", "nosuchtenant", &[], &body).await;
    let unsigned_known = post_callback(&app, "persona", "acme", &[], &body).await;
    assert_eq!(
        unknown.problem(401)["detail"],
        unsigned_known.problem(401)["detail"]
    );

    // A reference the tenant does not have: refused after the signature verified.
    let stray = persona_body("evt_stray", "no-such-ref");
    let header = persona_header(PERSONA_SECRET, now, &stray);
    let reply = post_callback(
        &app,
        "persona",
        "acme",
        &[("Persona-Signature", &header)],
        &stray,
    )
    .await;
    assert_eq!(reply.problem(422)["type"], "/problems/unknown-reference");
    // globex's reference space is its own: acme's reference is unknown there.
    let foreign = persona_body("evt_foreign", "idv-refused");
    let header = persona_header("globex-own-secret-for-idv", now, &foreign);
    let reply = post_callback(
        &app,
        "persona",
        "globex",
        &[("Persona-Signature", &header)],
        &foreign,
    )
    .await;
    assert_eq!(reply.problem(422)["type"], "/problems/unknown-reference");

    // An unknown vendor; a body that is not JSON but signed.
    post_callback(&app, "jumio", "acme", &[], b"{}")
        .await
        .problem(404);
    let junk = b"not json";
    let sig = sign_hex(ONFIDO_SECRET.as_bytes(), &[junk]);
    post_callback(&app, "onfido", "acme", &[("X-SHA2-Signature", &sig)], junk)
        .await
        .problem(400);
    // Too large.
    let huge = vec![b' '; 600 * 1024];
    post_callback(&app, "onfido", "acme", &[("X-SHA2-Signature", "00")], &huge)
        .await
        .problem(413);

    // Onfido and Veriff: unsigned, badly signed, another tenant's secret.
    let onfido = onfido_body("run-refused", "idv-refused");
    let veriff = veriff_body("sess-refused", "idv-refused");
    for (vendor, header, body) in [
        ("onfido", "X-SHA2-Signature", &onfido),
        ("veriff", "X-HMAC-SIGNATURE", &veriff),
    ] {
        post_callback(&app, vendor, "acme", &[], body)
            .await
            .problem(401);
        let wrong = sign_hex(b"not-the-secret-at-all", &[body]);
        post_callback(&app, vendor, "acme", &[(header, &wrong)], body)
            .await
            .problem(401);
        let foreign = sign_hex(b"globex-own-secret-for-idv", &[body]);
        post_callback(&app, vendor, "acme", &[(header, &foreign)], body)
            .await
            .problem(401);
    }

    // Nothing of the above changed anything.
    assert_eq!(history(&app, &writer, &id).await.len(), 1);
    assert_eq!(idv_rows(&app.db.url, &id).await, 0);

    // Each vendor once, correctly signed; then the same event again is a replay that changes
    // nothing (Persona within its 5 minutes: judged by the event id too).
    let persona_sig = persona_header(PERSONA_SECRET, now, &body);
    let onfido_sig = sign_hex(ONFIDO_SECRET.as_bytes(), &[&onfido]);
    let veriff_sig = sign_hex(VERIFF_SECRET.as_bytes(), &[&veriff]);
    let sends: [(&str, &str, &str, &Vec<u8>); 3] = [
        ("persona", "Persona-Signature", &persona_sig, &body),
        ("onfido", "X-SHA2-Signature", &onfido_sig, &onfido),
        ("veriff", "X-HMAC-SIGNATURE", &veriff_sig, &veriff),
    ];
    for (vendor, header, sig, body) in sends {
        let reply = post_callback(&app, vendor, "acme", &[(header, sig)], body).await;
        assert_eq!(
            reply.status,
            202,
            "{vendor}: {}",
            String::from_utf8_lossy(&reply.body)
        );
    }
    assert_eq!(idv_rows(&app.db.url, &id).await, 3);
    for (vendor, header, sig, body) in sends {
        let reply = post_callback(&app, vendor, "acme", &[(header, sig)], body).await;
        assert_eq!(
            reply.problem(409)["type"],
            "/problems/callback-replayed",
            "{vendor}"
        );
    }
    assert_eq!(idv_rows(&app.db.url, &id).await, 3);

    // A signed event without a result is acknowledged and stores nothing.
    let started =
        br#"{"data":{"type":"event","id":"evt_started","attributes":{"name":"inquiry.started"}}}"#;
    let header = persona_header(PERSONA_SECRET, now, started);
    let reply = post_callback(
        &app,
        "persona",
        "acme",
        &[("Persona-Signature", &header)],
        started,
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["status"], "ignored");
    assert_eq!(idv_rows(&app.db.url, &id).await, 3);
}

async fn the_secrets_route_needs_its_scope_and_never_shows_a_secret(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = json!({ "secret": PERSONA_SECRET });
    let writer = app.writer("acme");
    set_secret(&app, &writer, "persona", &body)
        .await
        .problem(403);
    let webhooks = app.token("acme", &["webhooks:admin"]);
    set_secret(&app, &webhooks, "persona", &body)
        .await
        .problem(403);
    app.send(
        "POST",
        "/v1/idv/persona/secrets",
        None,
        &[],
        Some(&b"{}"[..]),
    )
    .await
    .problem(401);
    app.get(&writer, "/v1/idv/secrets").await.problem(403);

    let admin = app.token("acme", &[INTEGRATIONS]);
    let reply = set_secret(&app, &admin, "persona", &body).await;
    reply.assert_status(200);
    let text = String::from_utf8_lossy(&reply.body).into_owned();
    assert!(!text.contains(PERSONA_SECRET), "{text}");
    let shown = reply.json();
    assert_eq!(shown["vendor"], "persona");
    assert_eq!(shown["secret_hint"], "0001");
    assert_eq!(shown["callback_path"], "/v1/idv/persona/callback/acme");

    // The operator's audit log names the change, never the secret; a replacement says so.
    set_secret(&app, &admin, "persona", &body).await;
    let auditor = app.token("operator", &["audit:read"]);
    let log = app
        .get(&auditor, "/v1/admin/audit?action=integration_change")
        .await;
    let text = String::from_utf8_lossy(&log.body).into_owned();
    assert!(!text.contains(PERSONA_SECRET), "{text}");
    let items = log.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2, "{text}");
    assert_eq!(items[0]["tenant"], "acme");
    assert_eq!(items[0]["target"], "persona");
    assert_eq!(items[0]["detail"]["secret"], "replaced");
    assert_eq!(items[1]["detail"]["secret"], "set");
    assert_eq!(items[1]["detail"]["client_id"], false);

    // Bad bodies name their field; an unknown vendor is 404.
    for (bad, pointer) in [
        (json!({ "secret": "short" }), "/secret"),
        (
            json!({ "secret": "has spaces in the secret value" }),
            "/secret",
        ),
        (json!({}), "/secret"),
        (
            json!({ "secret": PERSONA_SECRET, "client_id": "x" }),
            "/client_id",
        ),
        (json!({ "secret": PERSONA_SECRET, "extra": 1 }), "/extra"),
    ] {
        let problem = set_secret(&app, &admin, "persona", &bad).await.problem(422);
        assert_eq!(problem["errors"][0]["pointer"], pointer, "{problem}");
    }
    set_secret(&app, &admin, "jumio", &body).await.problem(404);

    // Veriff with its client: X-AUTH-CLIENT must then match.
    let reply = set_secret(
        &app,
        &admin,
        "veriff",
        &json!({ "secret": VERIFF_SECRET, "client_id": "veriff-api-key-1" }),
    )
    .await;
    assert_eq!(reply.status, 200);
    let listed = app.get(&admin, "/v1/idv/secrets").await;
    assert_eq!(listed.status, 200);
    let text = String::from_utf8_lossy(&listed.body).into_owned();
    assert!(
        !text.contains(PERSONA_SECRET) && !text.contains(VERIFF_SECRET),
        "{text}"
    );
    let items = listed.json()["items"].as_array().unwrap().clone();
    let vendors: Vec<&str> = items
        .iter()
        .map(|i| i["vendor"].as_str().unwrap())
        .collect();
    assert_eq!(vendors, ["persona", "veriff"]);
    // Another tenant sees none of them.
    let other = app.token("globex", &[INTEGRATIONS]);
    assert_eq!(
        app.get(&other, "/v1/idv/secrets").await.json()["items"],
        json!([])
    );

    let verdict = app.submit(&writer, &clean("idv-client")).await.json();
    let id = verdict["id"].as_str().unwrap().to_owned();
    let decision = veriff_body("sess-client", "idv-client");
    let sig = sign_hex(VERIFF_SECRET.as_bytes(), &[&decision]);
    post_callback(
        &app,
        "veriff",
        "acme",
        &[("X-HMAC-SIGNATURE", &sig)],
        &decision,
    )
    .await
    .problem(401);
    post_callback(
        &app,
        "veriff",
        "acme",
        &[("X-HMAC-SIGNATURE", &sig), ("X-AUTH-CLIENT", "another-key")],
        &decision,
    )
    .await
    .problem(401);
    let reply = post_callback(
        &app,
        "veriff",
        "acme",
        &[
            ("X-HMAC-SIGNATURE", &sig),
            ("X-AUTH-CLIENT", "veriff-api-key-1"),
        ],
        &decision,
    )
    .await;
    reply.assert_status(202);
    assert_eq!(reply.json()["application_id"], id.as_str());

    // A rotation: the replaced secret still verifies during the overlap, the new one too.
    let reply = set_secret(
        &app,
        &admin,
        "persona",
        &json!({ "secret": "wbhsec_persona-rotated-0002" }),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert!(reply.json()["previous_secret_valid_until"].is_string());
    let now = chrono::Utc::now().timestamp();
    for (event, secret) in [
        ("evt_old_secret", PERSONA_SECRET),
        ("evt_new_secret", "wbhsec_persona-rotated-0002"),
    ] {
        let body = persona_body(event, "idv-client");
        let header = persona_header(secret, now, &body);
        let reply = post_callback(
            &app,
            "persona",
            "acme",
            &[("Persona-Signature", &header)],
            &body,
        )
        .await;
        reply.assert_status(202);
    }
}
