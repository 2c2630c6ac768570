//! Signed webhooks (docs/webhooks.md): endpoints, the Standard Webhooks signature through a
//! rotation, retries with one `webhook-id`, the address rules, redirects, timeouts, and a `kill -9`
//! of the real binary between an event's commit and its delivery.

use std::collections::{HashMap, VecDeque};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::helpers::*;

on_both_backends!(
    endpoints_are_managed_per_tenant_and_the_secret_is_shown_once,
    private_and_plain_http_endpoints_are_refused_without_the_setting,
    deliveries_are_signed_and_verify_through_a_rotation,
    a_rescreen_that_changes_the_decision_is_delivered_as_verdict_changed,
    a_case_opening_and_a_decision_are_delivered,
    a_failing_receiver_is_retried_with_the_same_webhook_id,
    redirects_are_not_followed_and_slow_receivers_time_out,
    every_event_survives_a_kill_9_and_duplicates_share_their_webhook_id,
);

const ADMIN: &str = "webhooks:admin";

/// What the receiver answers, request by request; `Ok` once the script is used up.
#[derive(Clone, Debug)]
enum Answer {
    Status(u16),
    Sleep(Duration),
    Redirect(String),
}

#[derive(Clone, Debug)]
struct Received {
    id: String,
    timestamp: i64,
    signature: String,
    body: Vec<u8>,
    /// Whether the receiver answered it 200 (a delivery, not only an attempt).
    ok: bool,
}

#[derive(Default)]
struct ReceiverState {
    received: Mutex<Vec<Received>>,
    script: Mutex<VecDeque<Answer>>,
    /// Answer every request with this once the script is empty (default 200).
    fallback: Mutex<Option<Answer>>,
}

/// A local HTTP receiver on a random port that records every request.
struct Receiver {
    url: String,
    state: Arc<ReceiverState>,
    handle: actix_web::dev::ServerHandle,
}

impl Receiver {
    async fn start(script: Vec<Answer>) -> Receiver {
        let state = Arc::new(ReceiverState::default());
        state.script.lock().unwrap().extend(script);
        let shared = state.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::from(shared.clone()))
                .default_service(web::to(receive))
        })
        .workers(2)
        .shutdown_timeout(0)
        .bind("127.0.0.1:0")
        .unwrap();
        let port = server.addrs()[0].port();
        let server = server.run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Receiver {
            url: format!("http://127.0.0.1:{port}/hook"),
            state,
            handle,
        }
    }

    fn received(&self) -> Vec<Received> {
        self.state.received.lock().unwrap().clone()
    }

    fn answer_always(&self, answer: Option<Answer>) {
        *self.state.fallback.lock().unwrap() = answer;
    }

    /// Waits until `count` requests arrived (or fails after `within`).
    async fn wait_for(&self, count: usize, within: Duration) -> Vec<Received> {
        let deadline = Instant::now() + within;
        loop {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {count} deliveries arrived",
                received.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Receiver {
    /// The versions of `application` delivered so far, with the request that carried each.
    fn events_of(&self, application: &str) -> Vec<(i64, Received)> {
        self.received()
            .into_iter()
            .filter_map(|r| {
                let payload: Value = serde_json::from_slice(&r.body).ok()?;
                (payload["data"]["application_id"] == application)
                    .then(|| (payload["data"]["version"].as_i64().unwrap_or(0), r))
            })
            .collect()
    }

    /// Waits for the event of `application`'s `version`.
    async fn event_of(&self, application: &str, version: i64, within: Duration) -> Received {
        let deadline = Instant::now() + within;
        loop {
            if let Some((_, r)) = self
                .events_of(application)
                .into_iter()
                .find(|(v, _)| *v == version)
            {
                return r;
            }
            assert!(
                Instant::now() < deadline,
                "no event for version {version} of {application}: {:?}",
                self.events_of(application)
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

async fn receive(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<ReceiverState>,
) -> HttpResponse {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let next = state.script.lock().unwrap().pop_front();
    let answer = next.or_else(|| state.fallback.lock().unwrap().clone());
    state.received.lock().unwrap().push(Received {
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp").parse().unwrap_or(0),
        signature: header("webhook-signature"),
        body: body.to_vec(),
        ok: answer.is_none(),
    });
    match answer {
        None => HttpResponse::Ok().finish(),
        Some(Answer::Status(code)) => {
            HttpResponse::build(awc::http::StatusCode::from_u16(code).unwrap()).finish()
        }
        Some(Answer::Sleep(wait)) => {
            tokio::time::sleep(wait).await;
            HttpResponse::Ok().finish()
        }
        Some(Answer::Redirect(to)) => HttpResponse::TemporaryRedirect()
            .insert_header(("Location", to))
            .finish(),
    }
}

/// The receiver's check, written from the Standard Webhooks specification (not from the
/// service's code): some `v1,` signature of the header must be the HMAC-SHA256, under the base64
/// key after `whsec_`, of `{id}.{timestamp}.{body}`.
fn verifies(secret: &str, received: &Received) -> bool {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.", received.id, received.timestamp).as_bytes());
    mac.update(&received.body);
    let expected = STANDARD.encode(mac.finalize().into_bytes());
    received
        .signature
        .split(' ')
        .filter_map(|s| s.strip_prefix("v1,"))
        .any(|sig| sig == expected)
}

fn allow_private(settings: &mut vetgate::config::Settings) {
    settings.webhooks_allow_private = true;
    settings.webhooks_backoff_base_ms = 100;
    settings.webhooks_timeout_seconds = 2;
}

async fn register(app: &TestApp, token: &str, url: &str, types: &[&str]) -> Reply {
    let body = serde_json::to_vec(&json!({"url": url, "event_types": types})).unwrap();
    app.send(
        "POST",
        "/v1/webhooks",
        Some(token),
        &[("Content-Type", "application/json")],
        Some(&body),
    )
    .await
}

fn application(tag: &str) -> Value {
    let mut app = contract_example("clean-us-applicant.json");
    app["external_ref"] = format!("wh-{tag}").into();
    own_attributes(&mut app, tag);
    app
}

async fn endpoints_are_managed_per_tenant_and_the_secret_is_shown_once(backend: Backend) {
    let app = spawn_app_with(backend, allow_private).await;
    let admin = app.token("acme", &[ADMIN]);
    let other = app.token("globex", &[ADMIN]);

    // Scope enforced.
    let reply = register(
        &app,
        &app.writer("acme"),
        "http://127.0.0.1:9/x",
        &["verdict.created"],
    )
    .await;
    reply.problem(403);
    app.get(&app.writer("acme"), "/v1/webhooks")
        .await
        .problem(403);

    let created = register(
        &app,
        &admin,
        "http://127.0.0.1:9/x",
        &[
            "verdict.created",
            "verdict.changed",
            "review.recorded",
            "case.opened",
        ],
    )
    .await;
    created.assert_status(201);
    let endpoint = created.json();
    let id = endpoint["id"].as_str().unwrap().to_owned();
    let secret = endpoint["secret"].as_str().unwrap();
    let raw = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    assert_eq!(raw.len(), 32);
    assert_eq!(
        created.header("location"),
        Some(format!("/v1/webhooks/{id}/deliveries").as_str())
    );

    // Listed without the secret; the secret appears in no later answer.
    let listed = app.get(&admin, "/v1/webhooks").await;
    assert_eq!(listed.status.as_u16(), 200);
    let items = listed.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], id.as_str());
    assert_eq!(items[0]["url"], "http://127.0.0.1:9/x");
    assert!(items[0].get("secret").is_none(), "{items:?}");
    assert!(!String::from_utf8_lossy(&listed.body).contains(secret));
    let deliveries = app
        .get(&admin, &format!("/v1/webhooks/{id}/deliveries"))
        .await;
    assert_eq!(deliveries.status.as_u16(), 200);
    assert_eq!(deliveries.json()["items"], json!([]));

    // Another tenant sees nothing and can touch nothing.
    assert_eq!(
        app.get(&other, "/v1/webhooks").await.json()["items"],
        json!([])
    );
    app.get(&other, &format!("/v1/webhooks/{id}/deliveries"))
        .await
        .problem(404);
    app.send(
        "POST",
        &format!("/v1/webhooks/{id}/rotate"),
        Some(&other),
        &[],
        None,
    )
    .await
    .problem(404);
    app.send(
        "DELETE",
        &format!("/v1/webhooks/{id}"),
        Some(&other),
        &[],
        None,
    )
    .await
    .problem(404);

    // Bad bodies name their field.
    let bad = register(&app, &admin, "http://127.0.0.1:9/x", &["verdict.deleted"]).await;
    assert_eq!(bad.problem(422)["errors"][0]["pointer"], "/event_types/0");
    let bad = register(&app, &admin, "http://127.0.0.1:9/x", &[]).await;
    assert_eq!(bad.problem(422)["errors"][0]["pointer"], "/event_types");

    // Deleted: gone for the owner too.
    let deleted = app
        .send(
            "DELETE",
            &format!("/v1/webhooks/{id}"),
            Some(&admin),
            &[],
            None,
        )
        .await;
    assert_eq!(deleted.status.as_u16(), 204);
    app.send(
        "DELETE",
        &format!("/v1/webhooks/{id}"),
        Some(&admin),
        &[],
        None,
    )
    .await
    .problem(404);
    assert_eq!(
        app.get(&admin, "/v1/webhooks").await.json()["items"],
        json!([])
    );
}

async fn private_and_plain_http_endpoints_are_refused_without_the_setting(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("acme", &[ADMIN]);
    for url in [
        "https://127.0.0.1/hook",
        "https://localhost:8443/hook",
        "https://10.0.0.1/hook",
        "https://192.168.1.10/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://100.64.1.1/hook",
        "https://[::1]/hook",
        "https://[fd00::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://0.0.0.0/hook",
        "http://93.184.216.34/hook",
        "https://user:pw@93.184.216.34/hook",
        "not a url",
    ] {
        let reply = register(&app, &admin, url, &["verdict.created"]).await;
        let problem = reply.problem(422);
        assert_eq!(problem["errors"][0]["pointer"], "/url", "{url}: {problem}");
        assert!(!problem.to_string().contains("169.254"), "no value echoed");
    }
    // A public literal address is accepted (nothing is sent until an event happens).
    let reply = register(
        &app,
        &admin,
        "https://93.184.216.34/hook",
        &["verdict.created"],
    )
    .await;
    reply.assert_status(201);
}

async fn deliveries_are_signed_and_verify_through_a_rotation(backend: Backend) {
    let receiver = Receiver::start(vec![]).await;
    let app = spawn_app_with(backend, |s| {
        allow_private(s);
        s.webhooks_rotation_overlap_seconds = 3;
    })
    .await;
    let admin = app.token("acme", &[ADMIN]);
    let writer = app.writer("acme");
    let created = register(
        &app,
        &admin,
        &receiver.url,
        &["verdict.created", "verdict.changed"],
    )
    .await;
    assert_eq!(created.status.as_u16(), 201);
    let endpoint = created.json();
    let id = endpoint["id"].as_str().unwrap().to_owned();
    let first_secret = endpoint["secret"].as_str().unwrap().to_owned();

    // Another tenant's application is not delivered to acme's endpoint.
    let reply = app
        .submit(&app.writer("globex"), &application("globex"))
        .await;
    assert_eq!(reply.status.as_u16(), 201);

    // verdict.created, signed with the one secret.
    let reply = app.submit(&writer, &application("one")).await;
    assert_eq!(reply.status.as_u16(), 201);
    let verdict = reply.json();
    let one = verdict["id"].as_str().unwrap().to_owned();
    let got = receiver.event_of(&one, 1, Duration::from_secs(10)).await;
    assert!(verifies(&first_secret, &got), "{got:?}");
    assert!(got.id.starts_with("msg_"));
    assert!((got.timestamp - chrono::Utc::now().timestamp()).abs() < 30);
    assert_eq!(got.signature.split(' ').count(), 1);
    let payload: Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(payload["type"], "verdict.created");
    assert!(payload["timestamp"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        payload["data"],
        json!({
            "application_id": verdict["id"],
            "external_ref": "wh-one",
            "version": 1,
            "verdict": verdict["verdict"],
            "risk_score": verdict["risk_score"],
            "codes": codes(&verdict),
            "cause": "submission",
        })
    );
    let text = String::from_utf8_lossy(&got.body);
    let example = contract_example("clean-us-applicant.json");
    for field in ["full_name", "email", "phone", "date_of_birth"] {
        if let Some(value) = example["applicant"][field].as_str() {
            assert!(!text.contains(value), "no {field} in a payload: {text}");
        }
    }

    // A re-submission with the same decision is no event; one that changes it is verdict.changed.
    let reply = app.submit(&writer, &application("one")).await;
    assert_eq!(reply.status.as_u16(), 200);
    let mut changed = contract_example("suspicious-applicant.json");
    changed["external_ref"] = "wh-one".into();
    let reply = app.submit(&writer, &changed).await;
    assert_eq!(reply.status.as_u16(), 200);
    assert_ne!(reply.json()["verdict"], verdict["verdict"]);
    let got = receiver.event_of(&one, 3, Duration::from_secs(10)).await;
    let payload: Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(payload["type"], "verdict.changed");
    assert_eq!(payload["data"]["cause"], "resubmission");
    assert!(verifies(&first_secret, &got));
    assert!(
        receiver
            .events_of(&one)
            .iter()
            .all(|(version, _)| *version != 2),
        "the unchanged re-submission sent nothing"
    );
    assert!(
        receiver
            .received()
            .iter()
            .all(|r| !String::from_utf8_lossy(&r.body).contains("wh-globex")),
        "another tenant's event reached acme's endpoint"
    );

    // Rotation: during the overlap both secrets verify.
    let rotated = app
        .send(
            "POST",
            &format!("/v1/webhooks/{id}/rotate"),
            Some(&admin),
            &[],
            None,
        )
        .await;
    rotated.assert_status(200);
    let rotated = rotated.json();
    let second_secret = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(second_secret, first_secret);
    assert!(rotated["previous_secret_valid_until"].is_string());
    let reply = app.submit(&writer, &application("two")).await;
    assert_eq!(reply.status.as_u16(), 201);
    let two = reply.json()["id"].as_str().unwrap().to_owned();
    let got = receiver.event_of(&two, 1, Duration::from_secs(10)).await;
    assert_eq!(got.signature.split(' ').count(), 2, "{}", got.signature);
    assert!(verifies(&first_secret, &got));
    assert!(verifies(&second_secret, &got));

    // After the overlap only the new one.
    tokio::time::sleep(Duration::from_millis(3200)).await;
    let reply = app.submit(&writer, &application("three")).await;
    assert_eq!(reply.status.as_u16(), 201);
    let three = reply.json()["id"].as_str().unwrap().to_owned();
    let got = receiver.event_of(&three, 1, Duration::from_secs(10)).await;
    assert!(verifies(&second_secret, &got));
    assert!(!verifies(&first_secret, &got));
    assert_eq!(got.signature.split(' ').count(), 1);
    receiver.handle.stop(false).await;
}

async fn a_rescreen_that_changes_the_decision_is_delivered_as_verdict_changed(backend: Backend) {
    let receiver = Receiver::start(vec![]).await;
    let app = spawn_app_with(backend, allow_private).await;
    let admin = app.token("acme", &[ADMIN]);
    let writer = app.writer("acme");
    let created = register(&app, &admin, &receiver.url, &["verdict.changed"]).await;
    assert_eq!(created.status.as_u16(), 201);
    let secret = created.json()["secret"].as_str().unwrap().to_owned();

    // Two clear applications; a new list version names the second one's payout holder.
    let mut untouched = application("rescreen-untouched");
    untouched["payout"] =
        json!({"method": "wise", "account_holder_name": "Emily Carter", "bank_country": "US"});
    assert_eq!(app.submit(&writer, &untouched).await.status.as_u16(), 201);
    let mut moved = application("rescreen-moved");
    moved["payout"] = json!({
        "method": "wise", "account_holder_name": "Okonkwo-Reyes Logistics Ltd", "bank_country": "US"
    });
    let reply = app.submit(&writer, &moved).await;
    assert_eq!(reply.status.as_u16(), 201);
    let moved = reply.json();
    assert_eq!(moved["verdict"], "clear", "{moved:#}");
    let id = moved["id"].as_str().unwrap().to_owned();
    let operator = app.token("operator", &["lists:admin"]);
    crate::sanctions_api::replace_dprk_it_list(
        &app,
        &operator,
        "entity",
        "OKONKWO-REYES LOGISTICS LTD",
    )
    .await;

    let got = receiver.event_of(&id, 2, Duration::from_secs(20)).await;
    assert!(verifies(&secret, &got));
    let payload: Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(payload["type"], "verdict.changed");
    assert_eq!(payload["data"]["verdict"], "reject");
    assert_eq!(payload["data"]["cause"], "list_change");
    assert!(
        payload["data"]["codes"]
            .as_array()
            .unwrap()
            .contains(&json!("SAN_PAYOUT_HOLDER_ENTITY")),
        "{payload}"
    );
    // Every other application was re-screened unchanged: no event (verdict.created is not
    // subscribed either).
    let deadline = Instant::now() + Duration::from_secs(20);
    while app.get(&operator, "/v1/admin/lists").await.json()["rescreen_pending"] != 0 {
        assert!(
            Instant::now() < deadline,
            "the re-screen queue did not drain"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(receiver.received().len(), 1, "{:?}", receiver.received());
    receiver.handle.stop(false).await;
}

async fn a_case_opening_and_a_decision_are_delivered(backend: Backend) {
    let receiver = Receiver::start(vec![]).await;
    let app = spawn_app_with(backend, allow_private).await;
    let admin = app.token("acme", &[ADMIN]);
    let created = register(
        &app,
        &admin,
        &receiver.url,
        &["case.opened", "review.recorded"],
    )
    .await;
    assert_eq!(created.status.as_u16(), 201);
    let secret = created.json()["secret"].as_str().unwrap().to_owned();
    // The tenant's own list names the applicant: a namesake case opens.
    let list = "id,kind,name,aliases,dates_of_birth,nationalities,programs,crypto_addresses,source,source_date,notes\n\
                ACME-1,person,Emily Carter,,,,DPRK4,,a test,2026-11-20,\n";
    let reply = crate::sanctions_api::upload(
        &app,
        &app.token("acme", &["lists:admin"]),
        &[("format", "csv"), ("list", "ACME-BLOCKED")],
        &[("blocked.csv", list.as_bytes().to_vec())],
    )
    .await;
    assert_eq!(reply.status.as_u16(), 201);
    let verdict = app
        .submit(&app.writer("acme"), &application("case-1"))
        .await
        .json();
    assert_eq!(verdict["verdict"], "review", "{verdict:#}");
    let id = verdict["id"].as_str().unwrap().to_owned();
    let opened = receiver.event_of(&id, 1, Duration::from_secs(20)).await;
    assert!(verifies(&secret, &opened));
    let payload: Value = serde_json::from_slice(&opened.body).unwrap();
    assert_eq!(payload["type"], "case.opened");
    assert_eq!(payload["data"]["cause"], "submission");

    let reviewer = app.token("acme", &["reviews:write"]);
    let decided = app
        .send(
            "POST",
            &format!("/v1/applications/{id}/review"),
            Some(&reviewer),
            &[("Content-Type", "application/json")],
            Some(br#"{"decision": "approved", "note": "Emily Carter is a namesake"}"#),
        )
        .await;
    assert_eq!(decided.status.as_u16(), 200);
    let recorded = receiver.event_of(&id, 2, Duration::from_secs(20)).await;
    assert!(verifies(&secret, &recorded));
    let payload: Value = serde_json::from_slice(&recorded.body).unwrap();
    assert_eq!(payload["type"], "review.recorded");
    assert_eq!(payload["data"]["decision"], "approved");
    assert_eq!(payload["data"]["verdict"], "clear");
    assert!(
        !recorded.body.windows(5).any(|w| w == b"Emily"),
        "no note, no name"
    );
    receiver.handle.stop(false).await;
}

async fn delivery_list(app: &TestApp, token: &str, endpoint: &str) -> Vec<Value> {
    let reply = app
        .get(token, &format!("/v1/webhooks/{endpoint}/deliveries"))
        .await;
    reply.assert_status(200);
    reply.json()["items"].as_array().unwrap().clone()
}

async fn a_failing_receiver_is_retried_with_the_same_webhook_id(backend: Backend) {
    let receiver = Receiver::start(vec![Answer::Status(500), Answer::Status(503)]).await;
    let app = spawn_app_with(backend, allow_private).await;
    let admin = app.token("acme", &[ADMIN]);
    let created = register(&app, &admin, &receiver.url, &["verdict.created"])
        .await
        .json();
    let endpoint = created["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.submit(&app.writer("acme"), &application("retry"))
            .await
            .status
            .as_u16(),
        201
    );

    let got = receiver.wait_for(3, Duration::from_secs(15)).await;
    assert_eq!(got.len(), 3);
    assert!(
        got.iter().all(|r| r.id == got[0].id),
        "one webhook-id: {got:?}"
    );
    assert!(got.iter().all(|r| r.body == got[0].body), "one body");
    let secret = created["secret"].as_str().unwrap();
    assert!(got.iter().all(|r| verifies(secret, r)));

    // The attempts are visible, in order, with their status codes.
    let deadline = Instant::now() + Duration::from_secs(5);
    let delivery = loop {
        let items = delivery_list(&app, &admin, &endpoint).await;
        if items.len() == 1 && items[0]["status"] == "delivered" {
            break items[0].clone();
        }
        assert!(Instant::now() < deadline, "{items:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(delivery["id"], got[0].id.as_str());
    assert_eq!(delivery["event_type"], "verdict.created");
    let attempts = delivery["attempts"].as_array().unwrap();
    let statuses: Vec<&Value> = attempts.iter().map(|a| &a["status_code"]).collect();
    assert_eq!(statuses, [&json!(500), &json!(503), &json!(200)]);
    let numbers: Vec<i64> = attempts
        .iter()
        .map(|a| a["attempt"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [1, 2, 3]);
    assert!(
        attempts
            .iter()
            .all(|a| a["latency_ms"].as_i64().unwrap() >= 0)
    );
    assert!(delivery["completed_at"].is_string());

    let metrics = String::from_utf8(app.get("", "/metrics").await.body).unwrap();
    assert!(
        metrics.contains("vetgate_webhook_delivery_attempts_total{result=\"retrying\"} 2"),
        "{metrics}"
    );
    assert!(metrics.contains("vetgate_webhook_delivery_attempts_total{result=\"delivered\"} 1"));
    assert!(metrics.contains("vetgate_webhook_attempt_duration_seconds_count 3"));

    // The history of finished deliveries is purged once it is old enough, attempts included.
    let store = vetgate::startup::open_store(&app.settings).await.unwrap();
    let now = chrono::Utc::now();
    let purged = store
        .purge_webhook_deliveries(now - chrono::Duration::days(1))
        .await;
    assert_eq!(purged.unwrap(), 0, "a recent delivery is kept");
    let purged = store
        .purge_webhook_deliveries(now + chrono::Duration::seconds(5))
        .await;
    assert_eq!(purged.unwrap(), 1);
    assert!(delivery_list(&app, &admin, &endpoint).await.is_empty());
    receiver.handle.stop(false).await;
}

async fn redirects_are_not_followed_and_slow_receivers_time_out(backend: Backend) {
    let target = Receiver::start(vec![]).await;
    let redirecting = Receiver::start(vec![]).await;
    redirecting.answer_always(Some(Answer::Redirect(target.url.clone())));
    let slow = Receiver::start(vec![]).await;
    slow.answer_always(Some(Answer::Sleep(Duration::from_secs(5))));
    let app = spawn_app_with(backend, |s| {
        allow_private(s);
        s.webhooks_timeout_seconds = 1;
        // One attempt each within the test.
        s.webhooks_backoff_base_ms = 60_000;
    })
    .await;
    let admin = app.token("acme", &[ADMIN]);
    let redirect_id = register(&app, &admin, &redirecting.url, &["verdict.created"])
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let slow_id = register(&app, &admin, &slow.url, &["verdict.created"])
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let started = Instant::now();
    assert_eq!(
        app.submit(&app.writer("acme"), &application("redirect"))
            .await
            .status
            .as_u16(),
        201
    );

    for (endpoint, expect_status, expect_error) in [
        (&redirect_id, Some(307), None),
        (&slow_id, None, Some("timeout")),
    ] {
        let deadline = Instant::now() + Duration::from_secs(10);
        let attempt = loop {
            let items = delivery_list(&app, &admin, endpoint).await;
            if let Some(a) = items
                .first()
                .and_then(|d| d["attempts"].as_array())
                .and_then(|a| a.first())
            {
                assert_eq!(
                    items[0]["status"], "pending",
                    "a failed attempt is retried later"
                );
                assert!(items[0]["next_attempt_at"].is_string());
                break a.clone();
            }
            assert!(Instant::now() < deadline, "no attempt recorded: {items:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        assert_eq!(attempt["status_code"], json!(expect_status), "{attempt}");
        assert_eq!(attempt["error"], json!(expect_error), "{attempt}");
    }
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the slow receiver was cut off at the timeout"
    );
    assert_eq!(redirecting.received().len(), 1);
    assert!(
        target.received().is_empty(),
        "the redirect was not followed"
    );
    for r in [target, redirecting, slow] {
        r.handle.stop(false).await;
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The real binary on `database`, delivering webhooks to private addresses with a 1 s timeout.
fn serve(dir: &std::path::Path, database: &str, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_vetgate"))
        .arg("serve")
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("VETGATE_LISTEN", format!("127.0.0.1:{port}"))
        .env("VETGATE_DATABASE_URL", database)
        .env("VETGATE_JWT_SECRET", SECRET)
        .env("VETGATE_PII_KEY", "42".repeat(32))
        .env("VETGATE_GEOIP_DIR", dir.join("no-geoip"))
        .env("VETGATE_LOG", "warn")
        .env("VETGATE_WORKERS", "1")
        .env("VETGATE_WEBHOOKS_ALLOW_PRIVATE", "true")
        .env("VETGATE_WEBHOOKS_TIMEOUT_SECONDS", "1")
        .env("VETGATE_WEBHOOKS_BACKOFF_BASE_MS", "200")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the vetgate binary starts")
}

async fn wait_listening(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(
            Instant::now() < deadline,
            "the server did not start listening"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn every_event_survives_a_kill_9_and_duplicates_share_their_webhook_id(backend: Backend) {
    const APPLICATIONS: usize = 12;
    let receiver = Receiver::start(vec![]).await;
    // First the receiver is slow (every attempt times out after it arrived), then it fails.
    receiver.answer_always(Some(Answer::Sleep(Duration::from_secs(3))));
    let db = TestDatabase::create(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = serve(dir.path(), &db.url, port);
    wait_listening(port).await;
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(30))
        .finish();
    let base = format!("http://127.0.0.1:{port}");
    let admin = token_with(|c| c.scope = ADMIN.into());
    let writer = token_with(|c| c.scope = format!("{WRITE} {READ}"));
    let mut created = client
        .post(format!("{base}/v1/webhooks"))
        .insert_header(("Authorization", format!("Bearer {admin}")))
        .send_json(&json!({"url": receiver.url, "event_types": ["verdict.created"]}))
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    let created: Value = created.json().await.unwrap();
    let secret = created["secret"].as_str().unwrap().to_owned();

    let mut application_ids = Vec::new();
    for i in 0..APPLICATIONS {
        let mut reply = client
            .post(format!("{base}/v1/applications"))
            .insert_header(("Authorization", format!("Bearer {writer}")))
            .send_json(&application(&format!("crash-{i}")))
            .await
            .unwrap();
        assert_eq!(reply.status().as_u16(), 201);
        let verdict: Value = reply.json().await.unwrap();
        application_ids.push(verdict["id"].as_str().unwrap().to_owned());
        if i == APPLICATIONS / 2 {
            receiver.answer_always(Some(Answer::Status(500)));
        }
    }
    // Some attempts have reached the receiver and failed; kill the server mid-work.
    receiver.wait_for(3, Duration::from_secs(15)).await;
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    let before_restart = receiver.received().len();

    receiver.answer_always(None);
    let mut server = serve(dir.path(), &db.url, port);
    wait_listening(port).await;

    // The outbox empties: every delivery ends delivered, one per event.
    let endpoint = created["id"].as_str().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let mut reply = client
            .get(format!(
                "{base}/v1/webhooks/{endpoint}/deliveries?limit=200"
            ))
            .insert_header(("Authorization", format!("Bearer {admin}")))
            .send()
            .await
            .unwrap();
        let page: Value = reply.json().await.unwrap();
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len(), APPLICATIONS, "one delivery per event");
        if items.iter().all(|d| d["status"] == "delivered") {
            break;
        }
        assert!(Instant::now() < deadline, "{items:#?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Every application's event was received and answered 200 at least once, with a valid
    // signature; all sends of one event share one webhook-id, and no event was invented.
    let mut by_application: HashMap<String, Vec<Received>> = HashMap::new();
    for r in receiver.received() {
        let payload: Value = serde_json::from_slice(&r.body).unwrap();
        let id = payload["data"]["application_id"]
            .as_str()
            .unwrap()
            .to_owned();
        by_application.entry(id).or_default().push(r);
    }
    assert_eq!(by_application.len(), APPLICATIONS);
    let mut duplicates = 0;
    for application in &application_ids {
        let sends = &by_application[application];
        assert!(
            sends.iter().any(|s| s.ok),
            "{application} never delivered: {sends:?}"
        );
        assert!(
            sends.iter().all(|s| s.id == sends[0].id),
            "{application}: {sends:?}"
        );
        assert!(sends.iter().all(|s| verifies(&secret, s)));
        duplicates += sends.len() - 1;
    }
    let ids: std::collections::HashSet<&str> =
        by_application.values().map(|s| s[0].id.as_str()).collect();
    assert_eq!(ids.len(), APPLICATIONS, "one webhook-id per event");
    assert!(
        duplicates > 0,
        "the sends cut off by the kill ({before_restart}) were sent again"
    );
    server.kill().unwrap();
    server.wait().unwrap();
    receiver.handle.stop(false).await;
}

/// Two instances on one PostgreSQL database share the outbox: every event is delivered, and with a
/// healthy receiver none twice (claims skip the rows the other instance holds).
#[actix_web::test]
async fn two_postgres_instances_share_the_deliveries_without_sending_one_twice() {
    const APPLICATIONS: usize = 24;
    let receiver = Receiver::start(vec![]).await;
    let first = spawn_app_with(Backend::Postgres, allow_private).await;
    let mut settings = first.settings.clone();
    settings.listen = "127.0.0.1:0".into();
    let second = start(TestDatabase::borrow(&first.db), settings).await;
    let admin = first.token("acme", &[ADMIN]);
    let created = register(&first, &admin, &receiver.url, &["verdict.created"]).await;
    assert_eq!(created.status.as_u16(), 201);
    let writer = first.writer("acme");
    let mut ids = Vec::new();
    for i in 0..APPLICATIONS {
        let app = if i % 2 == 0 { &first } else { &second };
        let reply = app
            .submit(&writer, &application(&format!("shared-{i}")))
            .await;
        assert_eq!(reply.status.as_u16(), 201);
        ids.push(reply.json()["id"].as_str().unwrap().to_owned());
    }
    receiver
        .wait_for(APPLICATIONS, Duration::from_secs(20))
        .await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let received = receiver.received();
    assert_eq!(received.len(), APPLICATIONS, "no event sent twice");
    for id in &ids {
        assert_eq!(receiver.events_of(id).len(), 1, "{id}");
    }
    receiver.handle.stop(false).await;
    second.stop().await;
}
