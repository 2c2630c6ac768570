//! The audit log: every administrative action is recorded, and only the operator reads it.

use serde_json::json;

use crate::helpers::*;
use crate::sanctions_api::one_person_list;

on_both_backends!(list_loads_reloads_and_erasures_are_in_the_operators_audit_log);

async fn list_loads_reloads_and_erasures_are_in_the_operators_audit_log(backend: Backend) {
    let app = spawn_app(backend).await;
    let auditor = app.token("operator", &["audit:read"]);
    let before = app.get(&auditor, "/v1/admin/audit").await.json();
    let bundled = before["items"].as_array().unwrap().len();

    // A tenant's own list.
    let acme_admin = app.token("acme", &["lists:admin"]);
    let body = serde_json::to_vec(&json!({
        "format": "csv",
        "list": "ACME-BLOCKED",
        "content": String::from_utf8(one_person_list("ACME-7", "Peregrine Thistlewood")).unwrap(),
    }))
    .unwrap();
    let loaded = app
        .send(
            "POST",
            "/v1/admin/lists",
            Some(&acme_admin),
            &[("Content-Type", "application/json")],
            Some(&body),
        )
        .await;
    assert_eq!(loaded.status.as_u16(), 201);
    // An intelligence reload by the operator.
    let operator = app.token("operator", &["lists:admin"]);
    let reload = app
        .send("POST", "/v1/admin/intel/reload", Some(&operator), &[], None)
        .await;
    assert_eq!(reload.status.as_u16(), 200);
    // An erasure.
    let id = app
        .submit(
            &app.writer("acme"),
            &contract_example("clean-us-applicant.json"),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let officer = app.token("acme", &["applications:erase"]);
    let erased = app
        .send(
            "DELETE",
            &format!("/v1/applications/{id}"),
            Some(&officer),
            &[],
            None,
        )
        .await;
    assert_eq!(erased.status.as_u16(), 200);

    let log = app.get(&auditor, "/v1/admin/audit").await.json();
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), bundled + 3, "{log:#}");
    // Newest first.
    assert_eq!(items[0]["action"], "erasure");
    assert_eq!(items[0]["tenant"], "acme");
    assert_eq!(items[0]["actor"], "test");
    assert_eq!(items[0]["target"], id.as_str());
    assert_eq!(items[1]["action"], "intel_reload");
    assert_eq!(items[1]["actor"], "api:operator:test");
    assert_eq!(items[1]["detail"]["outcome"], "loaded");
    assert_eq!(items[2]["action"], "list_load");
    assert_eq!(items[2]["tenant"], "acme");
    assert_eq!(items[2]["target"], "ACME-BLOCKED");
    assert_eq!(items[2]["detail"]["entries"], 1);
    assert_eq!(items[2]["detail"]["forced"], false);
    // No personal data: the list's entry and the applicant are not in it.
    let text = log.to_string();
    assert!(!text.contains("Peregrine"), "{text}");
    assert!(!text.contains("Emily"), "{text}");

    // One action, a page at a time.
    let page = app
        .get(&auditor, "/v1/admin/audit?action=list_load&limit=1")
        .await
        .json();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["target"], "ACME-BLOCKED");
    let cursor = page["next_cursor"].as_str().map(str::to_owned);
    if bundled > 0 {
        let rest = app
            .get(
                &auditor,
                &format!(
                    "/v1/admin/audit?action=list_load&cursor={}",
                    cursor.unwrap()
                ),
            )
            .await
            .json();
        assert_eq!(rest["items"].as_array().unwrap().len(), bundled);
    }
    app.get(&auditor, "/v1/admin/audit?action=tea")
        .await
        .problem(400);

    // The operator's scope in another tenant, or the operator without the scope: 403.
    app.get(&app.token("acme", &["audit:read"]), "/v1/admin/audit")
        .await
        .problem(403);
    app.get(&operator, "/v1/admin/audit").await.problem(403);
}
