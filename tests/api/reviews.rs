//! The reviewer's side over HTTP: decisions, confirmed cases, the case queue and claims, and why
//! each verdict version exists (`cause`).

use serde_json::{Value, json};

use crate::helpers::*;
use crate::links::{NAMES, person};
use crate::sanctions_api::{ADMIN, eventually, upload};

const REVIEW: &str = "reviews:write";

on_both_backends!(
    a_namesake_approved_stays_clear_through_a_list_reload_then_reopens_on_a_new_entry,
    a_rejected_decision_flags_the_next_application_sharing_the_payout_account,
    two_reviewers_cannot_claim_one_case,
    decisions_are_scoped_checked_and_kept_in_the_history,
    the_history_says_why_each_version_exists,
);

async fn decide(app: &TestApp, token: &str, id: &str, body: Value) -> Reply {
    app.send(
        "POST",
        &format!("/v1/applications/{id}/review"),
        Some(token),
        &[("Content-Type", "application/json")],
        Some(&serde_json::to_vec(&body).unwrap()),
    )
    .await
}

async fn claim(app: &TestApp, token: &str, id: &str) -> Reply {
    app.send(
        "POST",
        &format!("/v1/cases/{id}/claim"),
        Some(token),
        &[],
        None,
    )
    .await
}

async fn case_ids(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let page = app.get(token, &format!("/v1/cases?{query}")).await;
    page.assert_status(200);
    page.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["application_id"].as_str().unwrap().to_owned())
        .collect()
}

async fn history(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    app.get(token, &format!("/v1/applications/{id}/history"))
        .await
        .json()["items"]
        .as_array()
        .unwrap()
        .clone()
}

fn tenant_list(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut csv = String::from(
        "id,kind,name,aliases,dates_of_birth,nationalities,programs,crypto_addresses,source,source_date,notes\n",
    );
    for (id, name) in entries {
        csv.push_str(&format!(
            "{id},person,{name},,,,DPRK4,,a test,2026-11-20,added by a test\n"
        ));
    }
    csv.into_bytes()
}

async fn load_tenant_list(app: &TestApp, entries: &[(&str, &str)]) -> i64 {
    let reply = upload(
        app,
        &app.token("acme", &[ADMIN]),
        &[("format", "csv"), ("list", "ACME-BLOCKED")],
        &[("blocked.csv", tenant_list(entries))],
    )
    .await;
    reply.assert_status(201);
    reply.json()["seq"].as_i64().unwrap()
}

async fn queue_drained(app: &TestApp) {
    let admin = app.token("acme", &[ADMIN]);
    eventually("the re-screen queue drains", || async {
        app.get(&admin, "/v1/admin/lists").await.json()["rescreen_pending"] == 0
    })
    .await;
}

async fn a_namesake_approved_stays_clear_through_a_list_reload_then_reopens_on_a_new_entry(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let reviewer = app.token("acme", &[READ, REVIEW]);
    load_tenant_list(&app, &[("ACME-7", "Peregrine Thistlewood")]).await;
    let mut a = person(1, "Peregrine", "Thistlewood", "1990-05-05");
    a["external_ref"] = json!("namesake-1");
    let screened = app.submit(&app.writer("acme"), &a).await.json();
    assert_eq!(screened["verdict"], "review", "{screened:#}");
    assert_eq!(screened["cause"]["kind"], "submission");
    let id = screened["id"].as_str().unwrap().to_owned();
    assert_eq!(
        case_ids(&app, &reviewer, "status=open").await,
        vec![id.clone()]
    );

    let reply = decide(
        &app,
        &reviewer,
        &id,
        json!({"decision": "approved", "note": "a namesake: another birth date"}),
    )
    .await;
    reply.assert_status(200);
    let approved = reply.json();
    assert_valid_verdict(&approved);
    assert_eq!(approved["verdict"], "clear");
    assert_eq!(
        approved["risk_score"], screened["risk_score"],
        "the score stays"
    );
    assert_eq!(
        approved["signals"], screened["signals"],
        "the evidence stays"
    );
    assert_eq!(approved["review"]["decision"], "approved");
    assert_eq!(approved["review"]["reviewer"], "test");
    assert_eq!(
        approved["cause"],
        json!({"kind": "review", "actor": "test"})
    );
    assert!(case_ids(&app, &reviewer, "status=open").await.is_empty());
    assert_eq!(
        case_ids(&app, &reviewer, "status=decided").await,
        vec![id.clone()]
    );

    // A reload of the list (one unrelated entry more) re-screens it: the approval holds.
    load_tenant_list(
        &app,
        &[
            ("ACME-7", "Peregrine Thistlewood"),
            ("ACME-9", "Ulrike Zabrowski"),
        ],
    )
    .await;
    queue_drained(&app).await;
    let held = app
        .get(&reviewer, &format!("/v1/applications/{id}"))
        .await
        .json();
    assert_eq!(held["verdict"], "clear", "{held:#}");
    assert!(case_ids(&app, &reviewer, "status=open").await.is_empty());

    // A new entry naming the applicant is evidence the reviewer did not see: the case reopens.
    let seq = load_tenant_list(
        &app,
        &[
            ("ACME-7", "Peregrine Thistlewood"),
            ("ACME-9", "Ulrike Zabrowski"),
            ("ACME-8", "Thistlewood Peregrine"),
        ],
    )
    .await;
    let reviewer_ = reviewer.clone();
    let id_ = id.clone();
    eventually("the approval reopens", || {
        let (app, reviewer, id) = (&app, reviewer_.clone(), id_.clone());
        async move {
            app.get(&reviewer, &format!("/v1/applications/{id}"))
                .await
                .json()["verdict"]
                == "review"
        }
    })
    .await;
    let reopened = app
        .get(&reviewer, &format!("/v1/applications/{id}"))
        .await
        .json();
    assert_valid_verdict(&reopened);
    assert_eq!(
        reopened["review"]["new_evidence"]["sanctions_entries"],
        json!(["ACME-BLOCKED/ACME-8"]),
        "{reopened:#}"
    );
    assert_eq!(
        reopened["review"]["decision"], "approved",
        "the decision is still shown"
    );
    assert_eq!(reopened["cause"]["kind"], "list_change");
    assert_eq!(reopened["cause"]["list"], "ACME-BLOCKED");
    assert_eq!(reopened["cause"]["list_version"], seq);
    assert_eq!(case_ids(&app, &reviewer, "status=open").await, [id]);
}

async fn a_rejected_decision_flags_the_next_application_sharing_the_payout_account(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let writer = app.writer("acme");
    let reviewer = app.token("acme", &[READ, REVIEW]);
    let (given, surname, dob) = NAMES[0];
    let first = app
        .submit(&writer, &person(0, given, surname, dob))
        .await
        .json();
    assert_eq!(first["verdict"], "clear");
    let first_id = first["id"].as_str().unwrap().to_owned();

    // Before any decision, another identity on the same account is a shared account only.
    let (given, surname, dob) = NAMES[1];
    let mut second = person(1, given, surname, dob);
    second["payout"]["account_number"] =
        person(0, "x", "y", dob)["payout"]["account_number"].clone();
    let before = app.submit(&writer, &second).await.json();
    assert!(
        codes(&before).contains(&"LNK_SHARED_PAYOUT_ACCOUNT".to_owned()),
        "{before:#}"
    );
    assert!(!codes(&before).contains(&"LNK_LINKED_TO_CONFIRMED".to_owned()));

    let rejected = decide(
        &app,
        &reviewer,
        &first_id,
        json!({"decision": "rejected", "note": "confirmed: the same operator"}),
    )
    .await
    .json();
    assert_eq!(rejected["verdict"], "reject");
    assert_eq!(rejected["review"]["decision"], "rejected");

    let (given, surname, dob) = NAMES[2];
    let mut third = person(2, given, surname, dob);
    third["payout"] = second["payout"].clone();
    third["payout"]["account_holder_name"] = json!(format!("{given} {surname}"));
    let after = app.submit(&writer, &third).await.json();
    assert_valid_verdict(&after);
    let got = codes(&after);
    assert!(
        got.contains(&"LNK_LINKED_TO_CONFIRMED".to_owned()),
        "{after:#}"
    );
    assert!(
        !got.contains(&"LNK_LINKED_TO_REJECTED".to_owned()),
        "one fact, one signal: {got:?}"
    );
    assert_eq!(
        evidence(&after, "LNK_LINKED_TO_CONFIRMED")["confirmed_cases"],
        json!([first_id])
    );
    assert_eq!(after["verdict"], "reject", "{after:#}");

    // The application linked before the decision is screened again and learns it too.
    let second_id = before["id"].as_str().unwrap().to_owned();
    eventually(
        "the earlier linked application learns of the confirmed case",
        || {
            let (app, reviewer, id) = (&app, reviewer.clone(), second_id.clone());
            async move {
                codes(
                    &app.get(&reviewer, &format!("/v1/applications/{id}"))
                        .await
                        .json(),
                )
                .contains(&"LNK_LINKED_TO_CONFIRMED".to_owned())
            }
        },
    )
    .await;
}

async fn two_reviewers_cannot_claim_one_case(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.token("acme", &[READ, REVIEW]);
    let bob = token_with(|c| {
        c.tenant = "acme".into();
        c.sub = "bob".into();
        c.scope = format!("{READ} {REVIEW}");
    });
    load_tenant_list(&app, &[("ACME-7", "Peregrine Thistlewood")]).await;
    let a = person(3, "Peregrine", "Thistlewood", "1985-01-01");
    let screened = app.submit(&app.writer("acme"), &a).await.json();
    assert_eq!(screened["verdict"], "review", "{screened:#}");
    let id = screened["id"].as_str().unwrap().to_owned();

    let mine = claim(&app, &alice, &id).await;
    mine.assert_status(200);
    assert_eq!(mine.json()["reviewer"], "test");
    let theirs = claim(&app, &bob, &id).await.problem(409);
    assert_eq!(theirs["type"], "/problems/case-claimed", "{theirs:#}");
    assert_eq!(
        claim(&app, &alice, &id).await.status,
        200,
        "the holder renews"
    );
    assert_eq!(
        case_ids(&app, &alice, "status=open&assignee=test").await,
        vec![id.clone()]
    );
    assert!(
        case_ids(&app, &alice, "status=open&assignee=bob")
            .await
            .is_empty()
    );
    let queue = app.get(&alice, "/v1/cases").await.json();
    assert_eq!(queue["items"][0]["assignee"]["reviewer"], "test");
    assert_eq!(queue["items"][0]["verdict"], "review");
    assert!(
        !queue["items"][0]["top_signals"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Another tenant's reviewer does not see it; without the scope, no claim.
    let other = app.token("globex", &[READ, REVIEW]);
    claim(&app, &other, &id).await.problem(404);
    claim(&app, &app.token("acme", &[READ]), &id)
        .await
        .problem(403);

    // Escalated: the second line's queue; the claim ended with the decision.
    let escalated = decide(&app, &alice, &id, json!({"decision": "escalated"}))
        .await
        .json();
    assert_eq!(escalated["verdict"], "review");
    assert_eq!(
        case_ids(&app, &alice, "status=escalated").await,
        vec![id.clone()]
    );
    assert!(case_ids(&app, &alice, "status=open").await.is_empty());
    assert_eq!(
        claim(&app, &bob, &id).await.status,
        200,
        "free again after a decision"
    );
    decide(&app, &bob, &id, json!({"decision": "approved"})).await;
    let done = claim(&app, &alice, &id).await.problem(409);
    assert_eq!(done["type"], "/problems/not-a-case");
}

async fn decisions_are_scoped_checked_and_kept_in_the_history(backend: Backend) {
    let app = spawn_app(backend).await;
    let reviewer = app.token("acme", &[READ, REVIEW]);
    let screened = app
        .submit(
            &app.writer("acme"),
            &person(4, "Ada", "Lindqvist", "1991-02-03"),
        )
        .await
        .json();
    let id = screened["id"].as_str().unwrap().to_owned();

    decide(
        &app,
        &app.token("acme", &[READ]),
        &id,
        json!({"decision": "approved"}),
    )
    .await
    .problem(403);
    decide(
        &app,
        &app.token("globex", &[READ, REVIEW]),
        &id,
        json!({"decision": "approved"}),
    )
    .await
    .problem(404);
    let bad = decide(
        &app,
        &reviewer,
        &id,
        json!({"decision": "maybe", "note": 7, "by": "me"}),
    )
    .await
    .problem(422);
    let pointers: Vec<&str> = bad["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(pointers, ["/by", "/decision", "/note"], "{bad:#}");
    assert!(!bad.to_string().contains("maybe"), "no echoed values");
    decide(
        &app,
        &reviewer,
        "no-such-id",
        json!({"decision": "approved"}),
    )
    .await
    .problem(404);
    assert_eq!(
        history(&app, &reviewer, &id).await.len(),
        1,
        "nothing stored"
    );

    // Rejected, then (second line) approved: both decisions are versions of the history.
    decide(
        &app,
        &reviewer,
        &id,
        json!({"decision": "rejected", "note": "n1"}),
    )
    .await;
    decide(
        &app,
        &reviewer,
        &id,
        json!({"decision": "approved", "note": "n2"}),
    )
    .await;
    let versions = history(&app, &reviewer, &id).await;
    let verdicts: Vec<&str> = versions
        .iter()
        .map(|v| v["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(verdicts, ["clear", "reject", "clear"]);
    assert_eq!(versions[1]["review"]["note"], "n1");
    assert_eq!(versions[2]["review"]["note"], "n2");
    for v in &versions {
        assert_valid_verdict(v);
    }
}

async fn the_history_says_why_each_version_exists(backend: Backend) {
    let app = spawn_app(backend).await;
    let writer = app.writer("acme");
    let reader = app.token("acme", &[READ]);
    let (given, surname, dob) = NAMES[3];
    let mut first = person(5, given, surname, dob);
    let id = app.submit(&writer, &first).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    first["applicant"]["phone"] = json!("+13125550999");
    app.submit(&writer, &first).await;

    // Another identity on the same device arrives: the first is re-screened because of it.
    let (given, surname, dob) = NAMES[4];
    let mut other = person(6, given, surname, dob);
    other["sessions"] = first["sessions"].clone();
    let other_id = app.submit(&writer, &other).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    eventually("the link re-screen is stored", || {
        let (app, reader, id) = (&app, reader.clone(), id.clone());
        async move { history(app, &reader, &id).await.len() == 3 }
    })
    .await;
    let versions = history(&app, &reader, &id).await;
    assert_eq!(versions[0]["cause"], json!({"kind": "submission"}));
    assert_eq!(versions[1]["cause"], json!({"kind": "resubmission"}));
    assert_eq!(versions[2]["cause"]["kind"], "link", "{:#}", versions[2]);
    assert_eq!(versions[2]["cause"]["application_id"], json!(other_id));
}
