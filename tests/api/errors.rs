//! Bad input: every rejection is problem+json naming the field, and nothing is stored.

use serde_json::{Value, json};

use crate::helpers::*;

on_both_backends!(bad_applications_are_refused_with_pointers_and_leave_the_database_untouched);

async fn bad_applications_are_refused_with_pointers_and_leave_the_database_untouched(
    backend: Backend,
) {
    let app = spawn_app_with(backend, |s| s.max_body_bytes = 4096).await;
    let token = app.writer("acme");
    let json_header = [("Content-Type", "application/json")];
    let post = |body: Vec<u8>| {
        let (app, token) = (&app, &token);
        async move {
            app.send(
                "POST",
                "/v1/applications",
                Some(token),
                &json_header,
                Some(&body),
            )
            .await
        }
    };

    let malformed = post(b"{\"external_ref\": \"x\", ".to_vec())
        .await
        .problem(400);
    assert_eq!(malformed["type"], "/problems/malformed-json");
    post(b"".to_vec()).await.problem(400);

    let edit = |f: fn(&mut Value)| {
        let mut v = contract_example("clean-us-applicant.json");
        f(&mut v);
        serde_json::to_vec(&v).unwrap()
    };
    let cases: [(&str, Vec<u8>, &[&str]); 13] = [
        (
            "unknown field",
            edit(|v| v["applicant"]["favourite_colour"] = "blue".into()),
            &["/applicant/favourite_colour"],
        ),
        (
            "wrong type",
            edit(|v| v["payout"]["changes_last_90_days"] = "three".into()),
            &["/payout/changes_last_90_days"],
        ),
        (
            "negative count",
            edit(|v| v["payout"]["changes_last_90_days"] = (-1).into()),
            &["/payout/changes_last_90_days"],
        ),
        (
            "missing required field",
            edit(|v| {
                v["applicant"].as_object_mut().unwrap().remove("residence");
            }),
            &["/applicant/residence"],
        ),
        (
            "unassigned country",
            edit(|v| v["applicant"]["residence"]["country"] = "ZZ".into()),
            &["/applicant/residence/country"],
        ),
        (
            "malformed IP",
            edit(|v| v["sessions"][1]["ip"] = "73.44.12".into()),
            &["/sessions/1/ip"],
        ),
        (
            "impossible date",
            edit(|v| v["applicant"]["date_of_birth"] = "1990-02-30".into()),
            &["/applicant/date_of_birth"],
        ),
        (
            "enum value",
            edit(|v| v["identity_document"]["kind"] = "library_card".into()),
            &["/identity_document/kind"],
        ),
        (
            "several bad fields at once",
            edit(|v| {
                v["applicant"]["nationality"] = "XX".into();
                v["sessions"][0]["ip"] = "::g".into();
                v["identity_document"]["issuing_country"] = "ABC".into();
            }),
            &[
                "/applicant/nationality",
                "/identity_document/issuing_country",
                "/sessions/0/ip",
            ],
        ),
        (
            "four bad fields of every kind: one item each",
            edit(|v| {
                v["applicant"]["full_name"] = json!(["Kenji Tanaka"]);
                v["applicant"]["residence"]["country"] = "ZZ".into();
                v["applicant"]["Kenji Tanaka"] = true.into();
                v["sessions"][0]["observed_at"] = "2026-11-20 09:08:07Z".into();
            }),
            &[
                "/applicant",
                "/applicant/full_name",
                "/applicant/residence/country",
                "/sessions/0/observed_at",
            ],
        ),
        (
            "an empty MRZ",
            edit(|v| v["identity_document"]["mrz"] = json!([])),
            &["/identity_document/mrz"],
        ),
        (
            "a date-time with a space",
            edit(|v| v["submitted_at"] = "2026-11-20 09:08:07Z".into()),
            &["/submitted_at"],
        ),
        (
            "a member sent twice",
            br#"{"external_ref":"dup","applicant":{"full_name":"A B","residence":{"country":"US","country":"KP"}}}"#.to_vec(),
            &["/applicant/residence/country"],
        ),
    ];
    for (why, body, pointers) in cases {
        let problem = post(body).await.problem(422);
        assert_eq!(problem["type"], "/problems/validation-error", "{why}");
        let mut got: Vec<&str> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["pointer"].as_str().unwrap())
            .collect();
        got.sort();
        assert_eq!(got, pointers, "{why}: {problem}");
        for error in problem["errors"].as_array().unwrap() {
            assert!(
                error["detail"].as_str().is_some_and(|d| !d.is_empty()),
                "{why}"
            );
        }
        // Say what was wrong, not what was sent: a wrong value may be somebody's name.
        let text = problem.to_string();
        for sent in [
            "Kenji",
            "ZZ",
            "09:08:07",
            "library_card",
            "three",
            "73.44.12",
            "blue",
        ] {
            assert!(!text.contains(sent), "{why}: {sent:?} echoed in {problem}");
        }
    }
    let not_an_object = post(b"[1, 2, 3]".to_vec()).await.problem(422);
    assert_eq!(not_an_object["errors"][0]["pointer"], "");

    let mut big = contract_example("clean-us-applicant.json");
    big["applicant"]["other_names"] = json!(vec!["x".repeat(300); 20]);
    let too_large = post(serde_json::to_vec(&big).unwrap()).await.problem(413);
    assert_eq!(too_large["type"], "/problems/payload-too-large");

    let body = serde_json::to_vec(&contract_example("clean-us-applicant.json")).unwrap();
    let text = app
        .send(
            "POST",
            "/v1/applications",
            Some(&token),
            &[("Content-Type", "text/plain")],
            Some(&body),
        )
        .await;
    text.problem(415);
    let bad_key = app
        .send(
            "POST",
            "/v1/applications",
            Some(&token),
            &[
                ("Content-Type", "application/json"),
                ("Idempotency-Key", ""),
            ],
            Some(&body),
        )
        .await;
    bad_key.problem(400);

    let query = app
        .get(
            &token,
            "/v1/applications?limit=0&verdict=maybe&updated_since=yesterday&cursor=%%%",
        )
        .await
        .problem(400);
    let mut params: Vec<&str> = query["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["parameter"].as_str().unwrap())
        .collect();
    params.sort();
    assert_eq!(params, ["cursor", "limit", "updated_since", "verdict"]);
    app.get(&token, "/v1/applications?colour=red")
        .await
        .problem(400);
    app.send("GET", "/v2/nothing", None, &[], None)
        .await
        .problem(404);

    let stored = app.get(&token, "/v1/applications?limit=200").await.json();
    assert_eq!(
        stored,
        json!({"items": [], "next_cursor": null}),
        "no rejected request stored anything"
    );

    // And a good one still goes through afterwards.
    assert_eq!(post(body).await.status.as_u16(), 201);
}

#[actix_web::test]
async fn a_tenant_over_its_rate_limit_gets_429_with_retry_after_and_others_do_not() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.rate_limit_per_minute = 3).await;
    let acme = app.writer("acme");
    for _ in 0..3 {
        assert_eq!(app.get(&acme, "/v1/applications").await.status, 200);
    }
    let reply = app.get(&acme, "/v1/applications").await;
    let problem = reply.problem(429);
    assert_eq!(problem["type"], "/problems/rate-limited");
    let retry: u64 = reply.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(
        app.get(&app.writer("globex"), "/v1/applications")
            .await
            .status,
        200
    );
    // Unauthenticated probes are not counted against anyone.
    assert_eq!(
        app.send("GET", "/healthz", None, &[], None).await.status,
        200
    );
}

#[actix_web::test]
async fn every_json_route_refuses_a_member_sent_twice_and_repeats_no_unknown_name() {
    let app = spawn_app(Backend::Sqlite).await;
    let token = app.writer("acme");
    let search = |body: &'static [u8]| {
        let (app, token) = (&app, &token);
        async move {
            app.send(
                "POST",
                "/v1/sanctions/search",
                Some(token),
                &[("Content-Type", "application/json")],
                Some(body),
            )
            .await
        }
    };
    // serde_json alone would search the last name and never say so.
    let twice = search(br#"{"name":"Kenji Tanaka","name":"Pak Jin Hyok"}"#)
        .await
        .problem(422);
    assert_eq!(twice["errors"][0]["pointer"], "/name", "{twice}");
    let unknown = search(br#"{"name":"A B","Kenji Tanaka":1}"#)
        .await
        .problem(422);
    assert_eq!(unknown["errors"][0]["pointer"], "", "{unknown}");
    assert!(!unknown.to_string().contains("Kenji"), "{unknown}");
    assert_eq!(
        search(br#"{"name":"Pak Jin Hyok"}"#).await.status.as_u16(),
        200,
        "the same search once is fine"
    );
}
