//! The reviewer console (`/console/`): how its files are served (security headers, content types,
//! ETags, problems for unknown files), and a reviewer working a case end to end in a real browser
//! (Debian's Chromium through chromedriver) on both backends.
//!
//! `VETGATE_SCREENSHOTS=docs` makes the SQLite run write docs/console-queue.png and
//! docs/console-application.png.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::helpers::*;
use crate::sanctions_api::{ADMIN, eventually, upload};
use crate::webdriver::{Browser, browser_binaries};

const REVIEW: &str = "reviews:write";
const REVIEWER: &str = "alice@acme.example";

on_both_backends!(a_reviewer_works_a_case_end_to_end_in_the_browser);

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

#[actix_web::test]
async fn console_files_are_served_with_a_strict_policy_types_and_etags() {
    let app = spawn_app(Backend::Sqlite).await;

    let mut redirect = awc::Client::builder()
        .disable_redirects()
        .finish()
        .get(format!("{}/console", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(redirect.status(), 308);
    assert_eq!(redirect.headers().get("location").unwrap(), "/console/");
    let _ = redirect.body().await;

    for (path, content_type) in [
        ("/console/", "text/html; charset=utf-8"),
        ("/console/app.js", "text/javascript; charset=utf-8"),
        ("/console/console.css", "text/css; charset=utf-8"),
    ] {
        // No token: the files are public, the data behind them is not.
        let reply = app.send("GET", path, None, &[], None).await;
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.header("content-type"), Some(content_type), "{path}");
        assert_eq!(reply.header("content-security-policy"), Some(CSP), "{path}");
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(reply.header("cache-control"), Some("no-cache"));
        let etag = reply.header("etag").expect("an ETag").to_owned();
        assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
        let again = app
            .send("GET", path, None, &[("If-None-Match", &etag)], None)
            .await;
        assert_eq!(again.status, 304, "{path}");
        assert!(again.body.is_empty());
        assert_eq!(again.header("etag"), Some(etag.as_str()));
        let stale = app
            .send("GET", path, None, &[("If-None-Match", "\"other\"")], None)
            .await;
        assert_eq!(stale.status, 200);
        assert_eq!(stale.body, reply.body);
    }
    let index = app.send("GET", "/console/", None, &[], None).await;
    let html = String::from_utf8(index.body).unwrap();
    assert!(html.contains(r#"<script type="module" src="app.js"></script>"#));
    assert!(html.contains(r#"<link rel="stylesheet" href="console.css">"#));

    for path in [
        "/console/nope.js",
        "/console/../Cargo.toml",
        "/console/assets/app.js",
        "/console/index.html/",
    ] {
        let reply = app.send("GET", path, None, &[], None).await;
        let problem = reply.problem(404);
        assert_eq!(problem["type"], "/problems/not-found", "{path}");
        assert_eq!(reply.header("content-security-policy"), Some(CSP), "{path}");
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
    }
    let post = app
        .send("POST", "/console/app.js", None, &[], Some(b"x"))
        .await;
    post.problem(405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
    let head = app.send("HEAD", "/console/app.js", None, &[], None).await;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
}

fn screenshot_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("VETGATE_SCREENSHOTS")?;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(dir);
    std::fs::create_dir_all(&dir).unwrap();
    Some(dir)
}

/// A tenant list naming the suspicious example's applicant: a name-only match for the reviewer.
async fn load_list(app: &TestApp) {
    let csv = "id,kind,name,aliases,dates_of_birth,nationalities,programs,crypto_addresses,source,source_date,notes\n\
               ACME-17,person,Kenji Tanaka,,,,DPRK4,,a test,2026-11-20,added by a test\n";
    let reply = upload(
        app,
        &app.token("acme", &[ADMIN]),
        &[("format", "csv"), ("list", "ACME-BLOCKED")],
        &[("blocked.csv", csv.as_bytes().to_vec())],
    )
    .await;
    reply.assert_status(201);
}

async fn a_reviewer_works_a_case_end_to_end_in_the_browser(backend: Backend) {
    let Some((driver, chromium)) = browser_binaries() else {
        return;
    };
    let app = spawn_app(backend).await;
    load_list(&app).await;
    let writer = app.writer("acme");

    // The case: the contract's suspicious applicant, named on the tenant's list; a second
    // application paid into the same account links to it.
    let suspicious = app
        .submit(&writer, &contract_example("suspicious-applicant.json"))
        .await;
    assert_eq!(suspicious.status, 201);
    let case = suspicious.json();
    let id = case["id"].as_str().unwrap().to_owned();
    assert_ne!(case["verdict"], "clear", "{case:#}");
    assert!(!case["sanctions_matches"].as_array().unwrap().is_empty());
    let mut other = contract_example("clean-us-applicant.json");
    other["external_ref"] = json!("app-20417");
    other["payout"] = contract_example("suspicious-applicant.json")["payout"].clone();
    let linked = app.submit(&writer, &other).await.json();
    let linked_id = linked["id"].as_str().unwrap().to_owned();
    let reviewer = token_with(|c| {
        c.sub = REVIEWER.into();
        c.scope = format!("{READ} {REVIEW}");
    });
    // The link's re-screen of the case settles before the browser looks (the history then holds it).
    eventually("the link re-screens the case", || async {
        app.get(&reviewer, &format!("/v1/applications/{id}/history"))
            .await
            .json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["cause"]["kind"] == "link")
    })
    .await;

    let browser = Browser::start(&driver, &chromium).await;
    browser.goto(&format!("{}/console/", app.address)).await;

    // A refused token: the 401 problem is shown, and the token is not kept.
    let field = browser.present("#token").await;
    browser.type_into(&field, "not-a-token").await;
    browser
        .click(&browser.present("#sign-in button").await)
        .await;
    browser
        .wait_for(".problem", "the 401 problem", |t| {
            t.contains("(401)") && t.contains("Unauthorized")
        })
        .await;
    let kept = browser
        .script("return sessionStorage.length", json!([]))
        .await;
    assert_eq!(kept, 0, "a refused token is not kept");

    // A token that may read but not decide: the queue shows, a claim is the 403 problem.
    let read_only = token_with(|c| {
        c.sub = "bob@acme.example".into();
        c.scope = READ.into();
    });
    let field = browser.present("#token").await;
    browser.clear(&field).await;
    browser.type_into(&field, &read_only).await;
    browser
        .click(&browser.present("#sign-in button").await)
        .await;
    let row = format!("tr[data-case=\"{id}\"]");
    browser
        .click(&browser.present(&format!("{row} button.claim")).await)
        .await;
    browser
        .wait_for("#queue-problem .problem", "the 403 problem", |t| {
            t.contains("could not be claimed: Forbidden (403)") && t.contains(REVIEW)
        })
        .await;
    browser.click(&browser.present("#sign-out").await).await;

    // Sign in: the token goes to sessionStorage only.
    let field = browser.present("#token").await;
    browser.type_into(&field, &reviewer).await;
    browser
        .click(&browser.present("#sign-in button").await)
        .await;
    browser
        .wait_for("#who-sub", "the signed-in reviewer", |t| t == REVIEWER)
        .await;
    let storage = browser
        .script(
            "return [sessionStorage.getItem('vetgate.console.token'), localStorage.length, document.cookie]",
            json!([]),
        )
        .await;
    assert_eq!(storage, json!([reviewer, 0, ""]));

    // The queue shows the case.
    browser
        .wait_for(&row, "the case in the queue", |t| t.contains("app-10002"))
        .await;
    // Keyboard: the first Tab from the page's heading reaches a control with a visible focus ring.
    browser.keys("\u{E004}").await;
    let focused = browser.active().await;
    let outline = browser
        .script(
            "return getComputedStyle(arguments[0]).outlineStyle",
            json!([{"element-6066-11e4-a52e-4f735466cecf": focused.id()}]),
        )
        .await;
    assert_eq!(outline, "solid", "focus is visible");
    if let Some(dir) = screenshot_dir().filter(|_| matches!(backend, Backend::Sqlite)) {
        browser.click(&browser.present("h1").await).await;
        browser.screenshot(&dir.join("console-queue.png")).await;
    }

    // Claim it: the holder column says so, and the API agrees.
    browser
        .click(&browser.present(&format!("{row} button.claim")).await)
        .await;
    browser
        .wait_for(&format!("{row} td.holder"), "the claim", |t| {
            t.starts_with("you until")
        })
        .await;
    browser
        .wait_for("#status", "the claim announced", |t| {
            t.contains("You hold app-10002")
        })
        .await;
    let held = app
        .get(&reviewer, &format!("/v1/cases?assignee={REVIEWER}"))
        .await
        .json();
    assert_eq!(held["items"][0]["application_id"], id.as_str(), "{held:#}");

    // Read its evidence.
    browser
        .click(&browser.present(&format!("{row} th a")).await)
        .await;
    browser
        .wait_for("#app-ref", "the application page", |t| t == "app-10002")
        .await;
    let sanctions = browser
        .wait_for("table.sanctions", "the sanctions match", |t| {
            t.contains("Kenji Tanaka") && t.contains("ACME-BLOCKED")
        })
        .await;
    let breakdown = browser.text(&sanctions).await;
    assert!(breakdown.contains("match threshold"), "{breakdown}");
    // Every signal of the current version, in its family's section.
    let current = app
        .get(&reviewer, &format!("/v1/applications/{id}"))
        .await
        .json();
    let signals = current["signals"].as_array().unwrap();
    for prefix in ["SAN_", "LNK_", "ID_", "PAY_"] {
        assert!(
            signals
                .iter()
                .any(|s| s["code"].as_str().unwrap().starts_with(prefix)),
            "the case raises a {prefix} signal: {current:#}"
        );
    }
    for signal in signals {
        let code = signal["code"].as_str().unwrap();
        let family = &code[..=code.find('_').unwrap()];
        browser
            .wait_for(
                &format!(".family[data-family=\"{family}\"] li.signal[data-code=\"{code}\"]"),
                code,
                |t| t.contains(signal["message"].as_str().unwrap()),
            )
            .await;
    }
    browser
        .wait_for("table.links", "the linked application", |t| {
            t.contains("app-20417") && t.contains("payout account")
        })
        .await;
    browser
        .present(&format!("svg.graph a[href=\"#/applications/{linked_id}\"]"))
        .await;
    browser
        .wait_for("#history", "the history with causes", |t| {
            t.contains("Submitted by the platform") && t.contains("A linked application changed")
        })
        .await;
    if let Some(dir) = screenshot_dir().filter(|_| matches!(backend, Backend::Sqlite)) {
        browser
            .screenshot(&dir.join("console-application.png"))
            .await;
    }

    // Approve it: the verdict turns clear and the history gains the decision.
    browser
        .click(&browser.present("#decision-approved").await)
        .await;
    let note = browser.present("#decision-note").await;
    browser
        .type_into(&note, "Namesake: the listed person is someone else.")
        .await;
    browser
        .click(&browser.present("#decision-form button[type=submit]").await)
        .await;
    browser
        .wait_for("#app-verdict", "the approved verdict", |t| t == "clear")
        .await;
    browser
        .wait_for(
            "#history li:last-child",
            "the decision in the history",
            |t| {
                t.contains(&format!("Reviewer {REVIEWER} decided"))
                    && t.contains("Decision: approved")
                    && t.contains("Namesake")
            },
        )
        .await;
    browser
        .wait_for("#status", "the decision announced", |t| {
            t.contains("Decision recorded: approved")
        })
        .await;

    let history: Value = app
        .get(&reviewer, &format!("/v1/applications/{id}/history"))
        .await
        .json();
    let last = history["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["cause"], json!({"kind": "review", "actor": REVIEWER}));
    assert_eq!(last["review"]["decision"], "approved");
    assert_eq!(last["verdict"], "clear");

    // Back in the queue, the case has left the open cases.
    browser
        .goto(&format!("{}/console/#/queue", app.address))
        .await;
    browser
        .wait_for("#queue-result", "the queue without the case", |t| {
            t.contains("shown") && !t.contains("app-10002")
        })
        .await;
    browser.quit().await;
}
