use serde_json::{Value, json};

use crate::helpers::*;

on_both_backends!(
    both_contract_examples_screen_and_round_trip_through_get,
    resubmitting_an_external_ref_rescreens_under_the_same_id,
    an_idempotency_key_replays_and_refuses_another_body,
    hr_can_filter_and_page_through_verdicts_while_applications_arrive,
    another_tenant_can_neither_read_nor_list_an_application,
    metrics_and_readiness_report_the_service,
    concurrent_duplicates_in_one_batch_are_written_in_order,
    the_history_comes_a_page_at_a_time_oldest_first,
    a_resubmission_screened_before_the_current_version_is_stamped_after_it,
    applicants_without_a_date_of_birth_are_screened_indexed_and_linked,
);

fn with_ref(mut application: Value, external_ref: &str) -> Value {
    application["external_ref"] = external_ref.into();
    application
}

async fn both_contract_examples_screen_and_round_trip_through_get(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.writer("acme");
    for (file, expected) in [
        ("clean-us-applicant.json", "clear"),
        ("suspicious-applicant.json", "reject"),
    ] {
        let example = contract_example(file);
        assert_valid_application(&example);
        let reply = app.submit(&token, &example).await;
        assert_eq!(
            reply.status.as_u16(),
            201,
            "{file}: {}",
            String::from_utf8_lossy(&reply.body)
        );
        let verdict = reply.json();
        assert_valid_verdict(&verdict);
        assert_eq!(verdict["verdict"], expected, "{file}: {verdict:#}");
        assert_eq!(verdict["external_ref"], example["external_ref"]);
        assert_eq!(
            reply.header("location"),
            Some(format!("/v1/applications/{}", verdict["id"].as_str().unwrap()).as_str())
        );

        let fetched = app
            .get(
                &token,
                &format!("/v1/applications/{}", verdict["id"].as_str().unwrap()),
            )
            .await;
        assert_eq!(fetched.status.as_u16(), 200);
        assert_valid_verdict(&fetched.json());
        assert_eq!(fetched.json(), verdict, "GET returns what POST returned");
    }
    let clean = app
        .submit(&token, &contract_example("clean-us-applicant.json"))
        .await
        .json();
    assert_eq!(
        clean["signals"],
        json!([]),
        "the clean example raises nothing"
    );
    assert_eq!(clean["risk_score"], 0);
    let suspicious = app
        .submit(&token, &contract_example("suspicious-applicant.json"))
        .await
        .json();
    let codes: Vec<&str> = suspicious["signals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    // Without IP databases only what the application itself says is checked.
    assert_eq!(
        codes,
        [
            "ID_SHIPPING_REGION_MISMATCH",
            "ID_SHIPPING_RECIPIENT_MISMATCH",
            "NET_REMOTE_DESKTOP",
            "NET_INTERVIEW_WEBCAM_OFF",
            "NET_KOREAN_LOCALE",
            "NET_CLOCK_AWAY_FROM_RESIDENCE",
            "PAY_HOLDER_NAME_MISMATCH",
            "PAY_FREQUENT_CHANGES"
        ]
    );
}

async fn resubmitting_an_external_ref_rescreens_under_the_same_id(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.writer("acme");
    let mut application = contract_example("clean-us-applicant.json");
    let first = app.submit(&token, &application).await;
    assert_eq!(first.status.as_u16(), 201);
    let id = first.json()["id"].as_str().unwrap().to_owned();

    // The platform learns the laptop goes to someone else in another country.
    application["shipping_address"] = json!({"country": "CN", "recipient_name": "Zhang Min"});
    let second = app.submit(&token, &application).await;
    assert_eq!(
        second.status.as_u16(),
        200,
        "a known external_ref is re-screened, not created"
    );
    let second = second.json();
    assert_eq!(second["id"], id.as_str());
    assert_eq!(second["verdict"], "review");

    let latest = app
        .get(&token, &format!("/v1/applications/{id}"))
        .await
        .json();
    assert_eq!(latest, second);
    let history = app
        .get(&token, &format!("/v1/applications/{id}/history"))
        .await;
    assert_eq!(history.status.as_u16(), 200);
    let items = history.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["verdict"], "clear", "oldest first");
    assert_eq!(items[1], second);
    for item in &items {
        assert_valid_verdict(item);
    }
}

async fn the_history_comes_a_page_at_a_time_oldest_first(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.writer("acme");
    let mut application = contract_example("clean-us-applicant.json");
    let id = app.submit(&token, &application).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for i in 0..4 {
        application["applicant"]["phone"] = json!(format!("+1312555{:04}", 2000 + i));
        assert_eq!(app.submit(&token, &application).await.status.as_u16(), 200);
    }
    let path = format!("/v1/applications/{id}/history");
    let everything = app.get(&token, &path).await.json();
    assert_eq!(everything["items"].as_array().unwrap().len(), 5);
    assert!(everything["next_cursor"].is_null());

    let mut seen = Vec::new();
    let mut next = format!("{path}?limit=2");
    loop {
        let page = app.get(&token, &next).await.json();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2, "{page:#}");
        seen.extend(items.iter().cloned());
        match page["next_cursor"].as_str() {
            Some(cursor) => next = format!("{path}?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, everything["items"].as_array().unwrap().clone());

    for (query, parameter) in [
        ("limit=0", "limit"),
        ("limit=500", "limit"),
        ("cursor=abc", "cursor"),
    ] {
        let reply = app.get(&token, &format!("{path}?{query}")).await;
        assert_eq!(
            reply.problem(400)["parameters"][0]["parameter"],
            parameter,
            "{query}"
        );
    }
    let other = app.writer("globex");
    app.get(&other, &format!("{path}?limit=2"))
        .await
        .problem(404);
}

async fn an_idempotency_key_replays_and_refuses_another_body(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.writer("acme");
    let body = serde_json::to_vec(&contract_example("clean-us-applicant.json")).unwrap();
    let headers = [
        ("Content-Type", "application/json"),
        ("Idempotency-Key", "retry-7f3a"),
    ];
    let first = app
        .send(
            "POST",
            "/v1/applications",
            Some(&token),
            &headers,
            Some(&body),
        )
        .await;
    assert_eq!(first.status.as_u16(), 201);

    // The same document spaced differently is the same body.
    let respaced = serde_json::to_vec_pretty(&contract_example("clean-us-applicant.json")).unwrap();
    let replay = app
        .send(
            "POST",
            "/v1/applications",
            Some(&token),
            &headers,
            Some(&respaced),
        )
        .await;
    assert_eq!(
        replay.status.as_u16(),
        201,
        "a replay answers what the first request got"
    );
    assert_eq!(replay.header("idempotency-replayed"), Some("true"));
    assert_eq!(replay.json(), first.json());
    assert!(first.header("location").is_some());
    assert_eq!(
        replay.header("location"),
        first.header("location"),
        "a replayed 201 says where the application lives, as the first did"
    );

    let other = serde_json::to_vec(&with_ref(
        contract_example("clean-us-applicant.json"),
        "app-other",
    ))
    .unwrap();
    let conflict = app
        .send(
            "POST",
            "/v1/applications",
            Some(&token),
            &headers,
            Some(&other),
        )
        .await;
    let problem = conflict.problem(422);
    assert_eq!(problem["type"], "/problems/idempotency-key-reused");

    let id = first.json()["id"].as_str().unwrap().to_owned();
    let history = app
        .get(&token, &format!("/v1/applications/{id}/history"))
        .await
        .json();
    assert_eq!(
        history["items"].as_array().unwrap().len(),
        1,
        "a replay stores nothing new"
    );
    let list = app
        .get(&token, "/v1/applications?external_ref=app-other")
        .await
        .json();
    assert_eq!(list["items"], json!([]), "the refused body was not stored");

    // Keys are per tenant.
    let globex = app.writer("globex");
    let elsewhere = app
        .send(
            "POST",
            "/v1/applications",
            Some(&globex),
            &headers,
            Some(&other),
        )
        .await;
    assert_eq!(elsewhere.status.as_u16(), 201);
}

async fn hr_can_filter_and_page_through_verdicts_while_applications_arrive(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.writer("acme");
    let clean = contract_example("clean-us-applicant.json");
    let suspicious = contract_example("suspicious-applicant.json");
    let before = chrono::Utc::now();
    let mut ids = Vec::new();
    for i in 0..5 {
        let application = if i % 2 == 0 { &clean } else { &suspicious };
        let reply = app
            .submit(&token, &with_ref(application.clone(), &format!("ref-{i}")))
            .await;
        assert_eq!(reply.status.as_u16(), 201);
        ids.push(reply.json()["id"].as_str().unwrap().to_owned());
    }

    // Page through two at a time while new applications keep arriving.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/applications?limit=2&cursor={c}"),
            None => "/v1/applications?limit=2".to_owned(),
        };
        let page = app.get(&token, &path).await;
        assert_eq!(page.status.as_u16(), 200);
        let page = page.json();
        for item in page["items"].as_array().unwrap() {
            assert_valid_verdict(item);
            seen.push(item["id"].as_str().unwrap().to_owned());
        }
        app.submit(&token, &with_ref(clean.clone(), &format!("late-{pages}")))
            .await;
        pages += 1;
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let newest_first: Vec<String> = ids.iter().rev().cloned().collect();
    assert_eq!(
        seen, newest_first,
        "every application once, newest first, despite the inserts"
    );
    assert_eq!(pages, 3);

    let rejects = app
        .get(&token, "/v1/applications?verdict=reject")
        .await
        .json();
    let reject_refs: Vec<&str> = rejects["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["external_ref"].as_str().unwrap())
        .collect();
    assert_eq!(reject_refs, ["ref-3", "ref-1"]);

    let one = app
        .get(&token, "/v1/applications?external_ref=ref-2")
        .await
        .json();
    assert_eq!(one["items"].as_array().unwrap().len(), 1);
    assert_eq!(one["items"][0]["id"], ids[2].as_str());

    let since =
        (before - chrono::Duration::seconds(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let recent = app
        .get(
            &token,
            &format!("/v1/applications?updated_since={since}&limit=200"),
        )
        .await
        .json();
    assert_eq!(recent["items"].as_array().unwrap().len(), 5 + pages);
    let future = app
        .get(
            &token,
            "/v1/applications?updated_since=2999-01-01T00:00:00Z",
        )
        .await
        .json();
    assert_eq!(future, json!({"items": [], "next_cursor": null}));
}

async fn another_tenant_can_neither_read_nor_list_an_application(backend: Backend) {
    let app = spawn_app(backend).await;
    let acme = app.writer("acme");
    let globex = app.writer("globex");
    let verdict = app
        .submit(&acme, &contract_example("clean-us-applicant.json"))
        .await
        .json();
    let id = verdict["id"].as_str().unwrap();
    for path in [
        format!("/v1/applications/{id}"),
        format!("/v1/applications/{id}/history"),
    ] {
        let reply = app.get(&globex, &path).await;
        reply.problem(404);
        assert!(
            !String::from_utf8_lossy(&reply.body).contains(id),
            "the 404 does not echo the id"
        );
    }
    assert_eq!(
        app.get(&globex, "/v1/applications").await.json()["items"],
        json!([])
    );
    assert_eq!(
        app.get(&globex, "/v1/applications?external_ref=app-10001")
            .await
            .json()["items"],
        json!([])
    );
    // The same external_ref at another tenant is another application.
    let theirs = app
        .submit(&globex, &contract_example("clean-us-applicant.json"))
        .await;
    assert_eq!(theirs.status.as_u16(), 201);
    assert_ne!(theirs.json()["id"], id);
    app.get(
        &acme,
        "/v1/applications/00000000-0000-0000-0000-000000000000",
    )
    .await
    .problem(404);
}

async fn metrics_and_readiness_report_the_service(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.writer("acme");
    app.submit(&token, &contract_example("clean-us-applicant.json"))
        .await;
    app.get(&token, "/v1/applications/does-not-exist")
        .await
        .problem(404);

    let health = app.send("GET", "/healthz", None, &[], None).await;
    assert_eq!(
        (health.status.as_u16(), health.json()),
        (200, json!({"status": "ok"}))
    );

    let ready = app.send("GET", "/readyz", None, &[], None).await;
    assert_eq!(ready.status.as_u16(), 200);
    let ready = ready.json();
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["database"]["reachable"], true);
    assert!(
        ready["policy_version"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );

    let metrics =
        String::from_utf8(app.send("GET", "/metrics", None, &[], None).await.body).unwrap();
    for needle in [
        r#"vetgate_http_requests_total{method="POST",route="/v1/applications",status="201"} 1"#,
        r#"vetgate_http_requests_total{method="GET",route="/v1/applications/{id}",status="404"} 1"#,
        r#"vetgate_http_request_duration_seconds_count{method="POST",route="/v1/applications"} 1"#,
        r#"vetgate_verdicts_total{verdict="clear"} 1"#,
        "vetgate_screening_duration_seconds_count 1",
    ] {
        assert!(metrics.contains(needle), "missing {needle} in\n{metrics}");
    }
}

/// Many requests at once land in one group-commit batch. Duplicates inside a batch (the same
/// external_ref, the same Idempotency-Key) must come out as if written one after another.
async fn concurrent_duplicates_in_one_batch_are_written_in_order(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.writer("acme");
    let body = serde_json::to_vec(&contract_example("clean-us-applicant.json")).unwrap();
    let keyed = with_ref(contract_example("clean-us-applicant.json"), "keyed-1");
    let keyed = serde_json::to_vec(&keyed).unwrap();
    let mut requests = Vec::new();
    for i in 0..24 {
        let (body, key) = match i % 3 {
            0 => (body.clone(), None),              // one external_ref, eight times
            1 => (keyed.clone(), Some("same-key")), // one idempotency key, eight times
            _ => {
                let other = with_ref(
                    contract_example("clean-us-applicant.json"),
                    &format!("other-{i}"),
                );
                (serde_json::to_vec(&other).unwrap(), None) // eight different applications
            }
        };
        let (app, token) = (&app, token.clone());
        requests.push(async move {
            let mut headers = vec![("Content-Type", "application/json")];
            if let Some(key) = key {
                headers.push(("Idempotency-Key", key));
            }
            (
                i % 3,
                app.send(
                    "POST",
                    "/v1/applications",
                    Some(&token),
                    &headers,
                    Some(&body),
                )
                .await,
            )
        });
    }
    let replies = futures_util::future::join_all(requests).await;

    let of_kind = |kind: usize| -> Vec<&Reply> {
        replies
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, r)| r)
            .collect()
    };
    let status_count = |replies: &[&Reply], status: u16| {
        replies
            .iter()
            .filter(|r| r.status.as_u16() == status)
            .count()
    };

    let same_ref = of_kind(0);
    assert_eq!(status_count(&same_ref, 201), 1);
    assert_eq!(status_count(&same_ref, 200), 7);
    let id = one_id(&same_ref);
    assert_eq!(
        versions(&app, &token, &id).await,
        8,
        "one version per submission"
    );

    let same_key = of_kind(1);
    assert_eq!(
        status_count(&same_key, 201),
        8,
        "replays answer the first 201"
    );
    let replayed = same_key
        .iter()
        .filter(|r| r.header("idempotency-replayed").is_some())
        .count();
    assert_eq!(replayed, 7);
    let keyed_id = one_id(&same_key);
    assert_eq!(
        versions(&app, &token, &keyed_id).await,
        1,
        "replays store nothing"
    );

    assert_eq!(status_count(&of_kind(2), 201), 8);
    let listed = app.get(&token, "/v1/applications?limit=100").await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 10);
}

/// The one application id all of these replies name.
fn one_id(replies: &[&Reply]) -> String {
    let id = replies[0].json()["id"].as_str().unwrap().to_owned();
    assert!(replies.iter().all(|r| r.json()["id"] == id.as_str()));
    id
}

async fn versions(app: &TestApp, token: &str, id: &str) -> usize {
    let history = app
        .get(token, &format!("/v1/applications/{id}/history"))
        .await;
    history.json()["items"].as_array().unwrap().len()
}

/// Two re-submissions screened at t1 < t2 can commit in the other order (they race through the
/// writer). Stored through the store directly with an earlier screening time than the current
/// version's, the new version is stamped just after it: the history reads in screening order.
async fn a_resubmission_screened_before_the_current_version_is_stamped_after_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let writer = app.writer("acme");
    let example = contract_example("clean-us-applicant.json");
    let first = app.submit(&writer, &example).await.json();
    let id = first["id"].as_str().unwrap().to_owned();
    let (db, settings) = app.stop().await;

    let store = vetgate::startup::open_store(&settings).await.unwrap();
    let mut verdict: vetgate::model::Verdict = serde_json::from_value(first.clone()).unwrap();
    let screened_first = verdict.screened_at;
    verdict.screened_at = screened_first - chrono::Duration::seconds(5);
    let tenant = vetgate::store::TenantId::parse("acme").unwrap();
    store
        .tenant(&tenant)
        .submit(vetgate::store::Submission {
            external_ref: example["external_ref"].as_str().unwrap().to_owned(),
            application_json: serde_json::to_vec(&example).unwrap(),
            idempotency: None,
            received_at: chrono::Utc::now(),
            verdict,
            base_verdict: vetgate::model::Decision::Clear,
            reject_forcing: Default::default(),
            identifiers: Default::default(),
        })
        .await
        .unwrap();
    drop(store);

    let app = start(db, settings).await;
    let history = app
        .get(&writer, &format!("/v1/applications/{id}/history"))
        .await
        .json();
    let times: Vec<chrono::DateTime<chrono::Utc>> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["screened_at"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(times.len(), 2, "{history:#}");
    assert!(times[1] > times[0], "screening order: {times:?}");
    assert!(times[1] - screened_first <= chrono::Duration::milliseconds(1));
    // The current verdict is the newest version, and the newest screening.
    let latest = app
        .get(&writer, &format!("/v1/applications/{id}"))
        .await
        .json();
    assert_eq!(latest["screened_at"], history["items"][1]["screened_at"]);
}

/// No birth date anywhere (none declared, no document): indexed under the empty birth-date key,
/// and still linked to another identity on a shared attribute. (Found by schemathesis: a 500.)
async fn applicants_without_a_date_of_birth_are_screened_indexed_and_linked(backend: Backend) {
    let app = spawn_app(backend).await;
    let writer = app.writer("acme");
    let undated = |external_ref: &str, name: &str| {
        let mut a = with_ref(contract_example("clean-us-applicant.json"), external_ref);
        a["applicant"]["full_name"] = name.into();
        a["applicant"]
            .as_object_mut()
            .unwrap()
            .remove("date_of_birth");
        a.as_object_mut().unwrap().remove("identity_document");
        a
    };
    let first = app.submit(&writer, &undated("undated-1", "Ana Lima")).await;
    first.assert_status(201);
    let second = app
        .submit(&writer, &undated("undated-2", "Maria Gonzalez"))
        .await;
    assert_eq!(second.status.as_u16(), 201);
    assert!(
        codes(&second.json()).iter().any(|c| c.starts_with("LNK_")),
        "{:#}",
        second.json()
    );
}
