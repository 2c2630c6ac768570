//! Sanctions lists over HTTP and the command line: list versions stored in the database, the admin
//! endpoints, `POST /v1/sanctions/search` against its contract, continuous monitoring (re-screening
//! on a list change), and a second instance picking a new version up without restart.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::*;

pub const ADMIN: &str = "lists:admin";

on_both_backends!(
    official_lists_load_through_the_api_and_search_follows_the_contract,
    a_malformed_list_is_refused_whole_and_the_active_version_stays,
    an_application_turns_reject_when_its_payout_holder_is_added_to_a_list,
    tenant_lists_screen_only_their_tenant_and_reserved_names_are_the_operators,
    a_global_list_is_not_emptied_or_halved_without_force,
    a_tenants_own_lists_stay_within_its_quotas_and_the_operators_do_not,
);

/// A `multipart/form-data` body: text fields, then files.
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, Vec<u8>)]) -> (String, Vec<u8>) {
    let boundary = "vetgate-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, data) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub async fn upload(
    app: &TestApp,
    token: &str,
    fields: &[(&str, &str)],
    files: &[(&str, Vec<u8>)],
) -> Reply {
    let (content_type, body) = multipart(fields, files);
    app.send(
        "POST",
        "/v1/admin/lists",
        Some(token),
        &[("Content-Type", content_type.as_str())],
        Some(&body),
    )
    .await
}

pub async fn search(app: &TestApp, token: &str, request: Value) -> Reply {
    app.send(
        "POST",
        "/v1/sanctions/search",
        Some(token),
        &[("Content-Type", "application/json")],
        Some(&serde_json::to_vec(&request).unwrap()),
    )
    .await
}

pub fn ofac_files() -> Vec<(&'static str, Vec<u8>)> {
    ["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"]
        .into_iter()
        .map(|name| {
            (
                name,
                std::fs::read(shared_dir().join("data/ofac-sdn").join(name)).unwrap(),
            )
        })
        .collect()
}

fn assert_valid_search_response(response: &Value) {
    let path = shared_dir().join("contract/sanctions-search.response.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(response)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:?}\n{response:#}");
}

/// A project-format CSV list with one person.
pub fn one_person_list(id: &str, name: &str) -> Vec<u8> {
    one_entry_list(id, "person", name)
}

/// A project-format list of one entry of `kind` (`person`, `entity`).
pub fn one_entry_list(id: &str, kind: &str, name: &str) -> Vec<u8> {
    format!(
        "id,kind,name,aliases,dates_of_birth,nationalities,programs,crypto_addresses,source,source_date,notes\n\
         {id},{kind},{name},,,,DPRK4,,Treasury press release test,2026-11-20,added by a test\n"
    )
    .into_bytes()
}

/// Polls until `check` holds (background work: re-screening, list polling), at most 20 s.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..200 {
        if check().await {
            return;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for: {what}");
}

async fn official_lists_load_through_the_api_and_search_follows_the_contract(backend: Backend) {
    let app = spawn_app(backend).await;
    let operator = app.token("operator", &[ADMIN, READ]);

    let reply = upload(&app, &operator, &[("format", "ofac-csv")], &ofac_files()).await;
    reply.assert_status(201);
    let loaded = reply.json();
    assert_eq!(loaded["list"], "OFAC-SDN");
    assert_eq!(loaded["entries"], 8976);
    assert_eq!(loaded["north_korea_entries"], 414);
    assert_eq!(loaded["scope"], "global");
    // Nothing dropped silently: what the parser could not structure is reported.
    assert!(loaded["unparsed_fragments"].as_u64().unwrap() > 0);

    let un = std::fs::read(shared_dir().join("data/un-consolidated.xml")).unwrap();
    let reply = upload(
        &app,
        &operator,
        &[("format", "un-xml")],
        &[("consolidated.xml", un)],
    )
    .await;
    reply.assert_status(201);
    assert_eq!(reply.json()["entries"], 1003);

    let status = app.get(&operator, "/v1/admin/lists").await;
    assert_eq!(status.status, 200);
    let status = status.json();
    let loaded: Vec<&str> = status["loaded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["list"].as_str().unwrap())
        .collect();
    for list in ["OFAC-SDN", "UN-SC", "VETGATE-DPRK-IT", "VETGATE-DPRK-WATCH"] {
        assert!(loaded.contains(&list), "{list} not loaded: {loaded:?}");
    }
    let version = status["lists_version"].as_str().unwrap().to_owned();

    // Any script, any order; the publisher's own ids.
    let reader = app.token("acme", &[READ]);
    let reply = search(&app, &reader, json!({"name": "김영철", "limit": 5})).await;
    assert_eq!(reply.status, 200);
    let found = reply.json();
    assert_valid_search_response(&found);
    assert_eq!(found["lists_version"], version);
    let ids: Vec<(&str, &str)> = found["matches"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["match"] == true)
        .map(|m| (m["list"].as_str().unwrap(), m["entry_id"].as_str().unwrap()))
        .collect();
    assert!(ids.contains(&("UN-SC", "KPi.024")), "{found:#}");
    assert!(
        ids.iter()
            .any(|(list, id)| *list == "OFAC-SDN" && id.parse::<u64>().is_ok()),
        "{found:#}"
    );

    // A namesake whose birth date contradicts every listed one is not a match.
    let reply = search(
        &app,
        &reader,
        json!({"name": "Kim Yong Chol", "date_of_birth": "1994-05-02", "country": "KR", "kind": "person"}),
    )
    .await;
    let found = reply.json();
    assert_valid_search_response(&found);
    let dated: Vec<&Value> = found["matches"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| {
            m["entry_name"]
                .as_str()
                .unwrap()
                .to_uppercase()
                .contains("YONG CHOL")
        })
        .collect();
    assert!(!dated.is_empty(), "{found:#}");
    for m in &dated {
        let b = &m["breakdown"];
        let sum = b["name"].as_f64().unwrap()
            + b["date_of_birth"].as_f64().unwrap()
            + b["country"].as_f64().unwrap()
            + b["documents"].as_f64().unwrap();
        assert!((sum.clamp(0.0, 1.0) - m["score"].as_f64().unwrap()).abs() < 0.002);
    }
    assert!(
        dated.iter().any(|m| m["match"] == false
            && m["breakdown"]["date_of_birth"].as_f64().unwrap() < 0.0),
        "{found:#}"
    );

    // The curated list answers IT-worker designations the OFAC snapshot predates.
    let found = search(&app, &reader, json!({"name": "Sang Man Kim"}))
        .await
        .json();
    assert_eq!(found["matches"][0]["list"], "VETGATE-DPRK-IT", "{found:#}");
    assert_eq!(found["matches"][0]["match"], true);

    // Bad requests name the field.
    let reply = search(
        &app,
        &reader,
        json!({"name": "", "date_of_birth": "1990-13", "kind": "ship", "limit": 101}),
    )
    .await;
    let problem = reply.problem(422);
    let pointers: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    for p in ["/name", "/date_of_birth", "/kind", "/limit"] {
        assert!(pointers.contains(&p), "{p}: {problem:#}");
    }
    // Scopes: searching needs verdicts:read, loading needs lists:admin.
    search(&app, &app.token("acme", &[WRITE]), json!({"name": "x"}))
        .await
        .problem(403);
    upload(
        &app,
        &reader,
        &[("format", "un-xml")],
        &[("a.xml", b"<x/>".to_vec())],
    )
    .await
    .problem(403);
}

/// A header-only file or a truncated download must not silently empty what screens every tenant.
async fn a_global_list_is_not_emptied_or_halved_without_force(backend: Backend) {
    let app = spawn_app(backend).await;
    let operator = app.token("operator", &[ADMIN]);
    let entries = |status: &Value| -> i64 {
        status["loaded"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["list"] == "VETGATE-DPRK-IT")
            .map(|l| l["entries"].as_i64().unwrap())
            .unwrap_or(0)
    };
    let before = entries(&app.get(&operator, "/v1/admin/lists").await.json());
    assert!(before > 10, "the bundled list is loaded: {before}");

    let header = "id,kind,name,aliases,dates_of_birth,nationalities,programs,crypto_addresses,source,source_date,notes\n";
    let fields = [("format", "csv"), ("list", "VETGATE-DPRK-IT")];
    let empty = vec![("dprk-it.csv", header.as_bytes().to_vec())];
    let problem = upload(&app, &operator, &fields, &empty).await.problem(422);
    assert_eq!(problem["type"], "/problems/list-refused");
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("0 entries") && detail.contains("force"),
        "{detail}"
    );
    // One entry of dozens: more than half lost.
    let one = vec![(
        "dprk-it.csv",
        one_person_list("IT-X", "Quentin Marlowe Abernathy"),
    )];
    upload(&app, &operator, &fields, &one).await.problem(422);
    assert_eq!(
        entries(&app.get(&operator, "/v1/admin/lists").await.json()),
        before
    );

    // The operator means it.
    let forced = [
        ("format", "csv"),
        ("list", "VETGATE-DPRK-IT"),
        ("force", "true"),
    ];
    let reply = upload(&app, &operator, &forced, &one).await;
    reply.assert_status(201);
    assert_eq!(
        entries(&app.get(&operator, "/v1/admin/lists").await.json()),
        1
    );
    // A tenant's own list is its own business.
    let acme = app.token("acme", &[ADMIN]);
    let own = [("format", "csv"), ("list", "ACME-WATCH")];
    let reply = upload(&app, &acme, &own, &one).await;
    assert_eq!(reply.status, 201);
    let reply = upload(
        &app,
        &acme,
        &own,
        &[("acme.csv", header.as_bytes().to_vec())],
    )
    .await;
    reply.assert_status(201);
}

async fn a_malformed_list_is_refused_whole_and_the_active_version_stays(backend: Backend) {
    let app = spawn_app(backend).await;
    let operator = app.token("operator", &[ADMIN]);
    let reply = upload(
        &app,
        &operator,
        &[("format", "csv"), ("list", "OPS-EXTRA")],
        &[(
            "ops.csv",
            one_person_list("OPS-1", "Quentin Marlowe Abernathy"),
        )],
    )
    .await;
    reply.assert_status(201);

    let mut broken = one_person_list("OPS-1", "Someone Else Entirely");
    broken.extend_from_slice(b"OPS-2,person,Third Person,,1971-13-01,,,,src,2026-11-20,\n");
    let problem = upload(
        &app,
        &operator,
        &[("format", "csv"), ("list", "OPS-EXTRA")],
        &[("ops.csv", broken)],
    )
    .await
    .problem(422);
    assert_eq!(problem["type"], "/problems/list-refused");
    assert!(
        problem["detail"].as_str().unwrap().contains("line 3"),
        "{problem:#}"
    );

    // A broken OFAC set names the file and line too.
    let mut files = ofac_files();
    files[0].1.extend_from_slice(b"12345,\"UNCLOSED\n");
    let problem = upload(&app, &operator, &[("format", "ofac-csv")], &files)
        .await
        .problem(422);
    assert!(
        problem["detail"].as_str().unwrap().contains("sdn.csv"),
        "{problem:#}"
    );
    // And truncated XML its element.
    let problem = upload(
        &app,
        &operator,
        &[("format", "un-xml")],
        &[(
            "consolidated.xml",
            b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>".to_vec(),
        )],
    )
    .await
    .problem(422);
    assert!(
        problem["detail"].as_str().unwrap().contains("line"),
        "{problem:#}"
    );
    // Missing files and formats are request errors.
    upload(&app, &operator, &[("format", "ofac-csv")], &files[..2])
        .await
        .problem(422);
    upload(&app, &operator, &[("format", "xlsx")], &files[..1])
        .await
        .problem(422);

    let status = app.get(&operator, "/v1/admin/lists").await.json();
    let ops: Vec<&Value> = status["versions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["list"] == "OPS-EXTRA")
        .collect();
    assert_eq!(ops.len(), 1, "only the good version is stored: {status:#}");
    assert_eq!(ops[0]["active"], true);
    let found = search(
        &app,
        &app.token("acme", &[READ]),
        json!({"name": "Quentin Marlowe Abernathy"}),
    )
    .await
    .json();
    assert_eq!(found["matches"][0]["entry_id"], "OPS-1", "{found:#}");
    assert_eq!(found["matches"][0]["match"], true);
}

fn with_holder(external_ref: &str, holder: &str) -> Value {
    let mut app = contract_example("clean-us-applicant.json");
    app["external_ref"] = json!(external_ref);
    app["payout"] = json!({"method": "wise", "account_holder_name": holder, "bank_country": "US"});
    app
}

/// Replaces the curated DPRK IT-worker list with one entry (`DPRK-IT-9001`), as the operator, who
/// says `force` for a list that shrinks that much.
pub async fn replace_dprk_it_list(app: &TestApp, operator: &str, kind: &str, name: &str) {
    let reply = upload(
        app,
        operator,
        &[
            ("format", "csv"),
            ("list", "VETGATE-DPRK-IT"),
            ("force", "true"),
        ],
        &[("dprk-it.csv", one_entry_list("DPRK-IT-9001", kind, name))],
    )
    .await;
    reply.assert_status(201);
}

async fn an_application_turns_reject_when_its_payout_holder_is_added_to_a_list(backend: Backend) {
    let app = spawn_app(backend).await;
    let writer = app.writer("acme");
    let operator = app.token("operator", &[ADMIN]);

    let first = app
        .submit(&writer, &with_holder("holder-1", "Emily Carter"))
        .await;
    assert_eq!(first.status, 201);
    let untouched = app
        .submit(&writer, &with_holder("holder-2", "Emily Carter"))
        .await
        .json();
    // The account is held by a company that a new list version later names as a front.
    let moved = app
        .submit(
            &writer,
            &with_holder("holder-3", "Okonkwo-Reyes Logistics Ltd"),
        )
        .await
        .json();
    assert_eq!(moved["verdict"], "clear", "{moved:#}");
    let id = moved["id"].as_str().unwrap().to_owned();

    replace_dprk_it_list(&app, &operator, "entity", "OKONKWO-REYES LOGISTICS LTD").await;

    let path = format!("/v1/applications/{id}");
    eventually("the re-screen rejects the application", || async {
        app.get(&writer, &path).await.json()["verdict"] == "reject"
    })
    .await;
    let latest = app.get(&writer, &path).await.json();
    assert_valid_verdict(&latest);
    assert!(
        codes(&latest).contains(&"SAN_PAYOUT_HOLDER_ENTITY".to_owned()),
        "{latest:#}"
    );
    assert_eq!(latest["sanctions_matches"][0]["entry_id"], "DPRK-IT-9001");
    assert_eq!(latest["sanctions_matches"][0]["scope"], "global");
    assert_eq!(
        latest["sanctions_matches"][0]["field"],
        "payout.account_holder_name"
    );
    assert_ne!(latest["lists_version"], moved["lists_version"]);

    let history = app.get(&writer, &format!("{path}/history")).await.json();
    let items = history["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{history:#}");
    assert_eq!(items[0]["verdict"], "clear");
    assert_eq!(items[1]["verdict"], "reject");

    // The others were re-screened too and, unchanged, got no new version.
    eventually("the queue drains", || async {
        app.get(&operator, "/v1/admin/lists").await.json()["rescreen_pending"] == 0
    })
    .await;
    let history = app
        .get(
            &writer,
            &format!(
                "/v1/applications/{}/history",
                untouched["id"].as_str().unwrap()
            ),
        )
        .await
        .json();
    assert_eq!(history["items"].as_array().unwrap().len(), 1);
}

async fn tenant_lists_screen_only_their_tenant_and_reserved_names_are_the_operators(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let acme_admin = app.token("acme", &[ADMIN, READ]);
    // A tenant may not replace a global list.
    let problem = upload(
        &app,
        &acme_admin,
        &[("format", "csv"), ("list", "VETGATE-DPRK-IT")],
        &[("x.csv", one_person_list("X-1", "Someone"))],
    )
    .await
    .problem(403);
    assert!(problem["detail"].as_str().unwrap().contains("operator"));
    upload(&app, &acme_admin, &[("format", "ofac-csv")], &ofac_files())
        .await
        .problem(403);
    // Nor take a name a reader would read as a global one.
    for lookalike in [
        "OFAC_SDN",
        "ofac-sdn",
        "UN-SC-",
        "UN.SC",
        "VETGATE-DPRK-IT2",
        "VETGATE-TRUSTED",
    ] {
        upload(
            &app,
            &acme_admin,
            &[("format", "csv"), ("list", lookalike)],
            &[("x.csv", one_person_list("X-1", "Someone"))],
        )
        .await
        .problem(403);
    }

    // Its own list, in JSON this time.
    let body = serde_json::to_vec(&json!({
        "format": "csv",
        "list": "ACME-BLOCKED",
        "content": String::from_utf8(one_person_list("ACME-7", "Peregrine Thistlewood")).unwrap(),
    }))
    .unwrap();
    let reply = app
        .send(
            "POST",
            "/v1/admin/lists",
            Some(&acme_admin),
            &[("Content-Type", "application/json")],
            Some(&body),
        )
        .await;
    reply.assert_status(201);
    assert_eq!(reply.json()["scope"], "tenant");

    let acme = app
        .submit(
            &app.writer("acme"),
            &with_holder("p-1", "Peregrine Thistlewood"),
        )
        .await
        .json();
    assert_eq!(acme["verdict"], "review", "{acme:#}");
    assert!(codes(&acme).contains(&"SAN_WATCHLIST_MATCH".to_owned()));
    assert_eq!(
        acme["sanctions_matches"][0]["list"], "ACME-BLOCKED",
        "{acme:#}"
    );
    assert_eq!(
        acme["sanctions_matches"][0]["scope"], "tenant",
        "a match says whose list it came from"
    );
    let globex = app
        .submit(
            &app.writer("globex"),
            &with_holder("p-1", "Peregrine Thistlewood"),
        )
        .await
        .json();
    assert!(
        globex["sanctions_matches"].as_array().unwrap().is_empty(),
        "{globex:#}"
    );
    assert_ne!(acme["lists_version"], globex["lists_version"]);

    // Another tenant sees neither the list nor its entries.
    let globex_admin = app.token("globex", &[ADMIN, READ]);
    let status = app.get(&globex_admin, "/v1/admin/lists").await.json();
    assert!(!status.to_string().contains("ACME-BLOCKED"), "{status:#}");
    let found = search(
        &app,
        &globex_admin,
        json!({"name": "Peregrine Thistlewood"}),
    )
    .await
    .json();
    assert!(
        found["matches"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["list"] != "ACME-BLOCKED"),
        "{found:#}"
    );
}

#[actix_web::test]
async fn a_second_instance_on_the_same_postgres_picks_up_a_new_version_without_restart() {
    let first = spawn_app_with(Backend::Postgres, |s| s.lists_poll_seconds = 1).await;
    let mut settings = first.settings.clone();
    settings.listen = "127.0.0.1:0".into();
    let second_db = TestDatabase::borrow(&first.db);
    let second = start(second_db, settings).await;

    let reader = second.token("acme", &[READ]);
    let before = search(&second, &reader, json!({"name": "Ottoline Vasquez-Farrow"}))
        .await
        .json();
    assert!(
        before["matches"].as_array().unwrap().is_empty() || before["matches"][0]["match"] == false
    );

    let reply = upload(
        &first,
        &first.token("operator", &[ADMIN]),
        &[("format", "csv"), ("list", "OPS-EXTRA")],
        &[(
            "ops.csv",
            one_person_list("OPS-42", "Ottoline Vasquez-Farrow"),
        )],
    )
    .await;
    assert_eq!(reply.status, 201);
    eventually("the second instance serves the new version", || async {
        let found = search(&second, &reader, json!({"name": "Ottoline Vasquez-Farrow"}))
            .await
            .json();
        found["matches"][0]["entry_id"] == "OPS-42" && found["matches"][0]["match"] == true
    })
    .await;
}

/// A project-format list of `n` people.
fn people_list(prefix: &str, n: usize) -> Vec<u8> {
    let mut text = String::from(
        "id,kind,name,aliases,dates_of_birth,nationalities,programs,crypto_addresses,source,source_date,notes\n",
    );
    for i in 0..n {
        text.push_str(&format!(
            "{prefix}-{i},person,Quentin Vandersloot{i},,,,DPRK4,,test,2026-11-20,\n"
        ));
    }
    text.into_bytes()
}

fn metric(text: &str, series: &str) -> Option<i64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
}

async fn a_tenants_own_lists_stay_within_its_quotas_and_the_operators_do_not(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.lists_tenant_max_entries = 3;
        s.lists_tenant_max_upload_bytes = 2048;
    })
    .await;
    let acme = app.token("acme", &[ADMIN]);
    let load = |token: &str, list: &str, file: Vec<u8>| {
        let (app, token, list) = (&app, token.to_owned(), list.to_owned());
        async move {
            upload(
                app,
                &token,
                &[("format", "csv"), ("list", &list)],
                &[("list.csv", file)],
            )
            .await
        }
    };
    assert_eq!(
        load(&acme, "ACME-A", people_list("A", 2))
            .await
            .status
            .as_u16(),
        201
    );
    // A second list would take the tenant past 3 entries.
    let over = load(&acme, "ACME-B", people_list("B", 2))
        .await
        .problem(422);
    assert!(
        over["detail"]
            .as_str()
            .unwrap()
            .contains("VETGATE_LISTS_TENANT_MAX_ENTRIES"),
        "{over}"
    );
    // Replacing its own list counts only the new version.
    assert_eq!(
        load(&acme, "ACME-A", people_list("A", 3))
            .await
            .status
            .as_u16(),
        201
    );
    // An upload over the tenant's byte quota is refused before it is read whole.
    load(&acme, "ACME-C", people_list("C", 60))
        .await
        .problem(413);
    // The operator's global lists are bounded by neither.
    let operator = app.token("operator", &[ADMIN]);
    assert_eq!(
        load(&operator, "GLOBAL-EXTRA", people_list("G", 60))
            .await
            .status
            .as_u16(),
        201
    );

    // What the lists cost, per scope, in /metrics (global: the bundled lists and the extra one).
    let text = String::from_utf8(
        app.send("GET", "/metrics", None, &[], None)
            .await
            .body
            .to_vec(),
    )
    .unwrap();
    assert_eq!(
        metric(&text, "vetgate_list_entries{scope=\"tenants\"}"),
        Some(3),
        "{text}"
    );
    let global = metric(&text, "vetgate_list_entries{scope=\"global\"}").unwrap();
    assert!(global >= 60, "{text}");
    let bytes = metric(&text, "vetgate_list_index_bytes{scope=\"tenants\"}").unwrap();
    assert!(bytes > 0, "{text}");
}
