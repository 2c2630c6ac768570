//! The EU, UK and OpenSanctions list formats end to end, on both backends: loaded through the admin
//! API (multipart and JSON) and the command line (`lists load`, `lists update` from a local HTTP
//! server), counted in the status, screening applications and `/v1/sanctions/search`, grouped in
//! the evidence when several lists name one person, and refused whole when malformed, the active
//! version staying. The fixtures (`tests/fixtures/lists/`) are made up.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::cli::{serve_directory, vetgate};
use crate::helpers::*;
use crate::sanctions_api::{ADMIN, search, upload};

on_both_backends!(
    eu_uk_and_opensanctions_lists_load_screen_and_name_one_person_once,
    malformed_eu_uk_and_opensanctions_files_are_refused_and_the_active_versions_stay,
    lists_update_downloads_the_eu_and_uk_lists_and_lists_load_reads_a_dataset,
);

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(name)).unwrap()
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lists")
}

/// A list upload's `201`, checked for the fixtures' four entries of which three are North Korea's.
fn accepted_version(reply: &Reply, list: &str) -> Value {
    reply.assert_status(201);
    let version = reply.json();
    assert_eq!(
        (version["list"].as_str(), version["entries"].as_u64()),
        (Some(list), Some(4))
    );
    assert_eq!(version["north_korea_entries"], 3);
    version
}

/// The three fixture lists, loaded by the operator: EU as multipart, UK as JSON, the
/// OpenSanctions dataset as multipart under its name.
async fn load_all(app: &TestApp, operator: &str) {
    let reply = upload(
        app,
        operator,
        &[("format", "eu-xml")],
        &[("eu-fsf.xml", fixture("eu-fsf.xml"))],
    )
    .await;
    let eu = accepted_version(&reply, "EU-FSF");
    assert_eq!(eu["scope"], "global");

    let body = json!({
        "format": "uk-xml",
        "content": String::from_utf8(fixture("uk-sanctions.xml")).unwrap(),
        "file_name": "uk-sanctions.xml",
    });
    let reply = app
        .send(
            "POST",
            "/v1/admin/lists",
            Some(operator),
            &[("Content-Type", "application/json")],
            Some(&serde_json::to_vec(&body).unwrap()),
        )
        .await;
    accepted_version(&reply, "UK-SANCTIONS");

    let reply = upload(
        app,
        operator,
        &[("format", "ftm-json"), ("list", "OS-KP-SANCTIONS")],
        &[("entities.ftm.json", fixture("os-kp-sanctions.ftm.json"))],
    )
    .await;
    accepted_version(&reply, "OS-KP-SANCTIONS");
}

fn loaded(status: &Value, list: &str) -> Option<(i64, i64)> {
    status["loaded"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["list"] == list)
        .map(|l| {
            (
                l["entries"].as_i64().unwrap(),
                l["north_korea_entries"].as_i64().unwrap(),
            )
        })
}

fn signal<'a>(verdict: &'a Value, code: &str) -> &'a Value {
    verdict["signals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == code)
        .unwrap_or_else(|| panic!("{code} not raised: {verdict:#}"))
}

/// The clean example as `name`, born `dob`, with contact details and document of its own.
fn applicant(key: &str, name: &str, dob: &str) -> Value {
    let mut a = contract_example("clean-us-applicant.json");
    own_attributes(&mut a, key);
    a["external_ref"] = json!(key);
    a["applicant"]["full_name"] = json!(name);
    a["applicant"]["date_of_birth"] = json!(dob);
    a["payout"]["account_holder_name"] = json!(name);
    a.as_object_mut().unwrap().remove("identity_document");
    a.as_object_mut().unwrap().remove("sessions");
    a
}

async fn eu_uk_and_opensanctions_lists_load_screen_and_name_one_person_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let operator = app.token("operator", &[ADMIN, READ]);
    load_all(&app, &operator).await;

    let status = app.get(&operator, "/v1/admin/lists").await.json();
    assert_eq!(loaded(&status, "EU-FSF"), Some((4, 3)), "{status:#}");
    assert_eq!(loaded(&status, "UK-SANCTIONS"), Some((4, 3)));
    assert_eq!(loaded(&status, "OS-KP-SANCTIONS"), Some((4, 3)));
    let formats: Vec<(&str, &str)> = status["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["list"].as_str().unwrap(), v["format"].as_str().unwrap()))
        .collect();
    for pair in [
        ("EU-FSF", "eu-xml"),
        ("UK-SANCTIONS", "uk-xml"),
        ("OS-KP-SANCTIONS", "ftm-json"),
    ] {
        assert!(formats.contains(&pair), "{formats:?}");
    }

    // The made-up DPRK developer, in Hangul and in two romanisations, on each of the three lists.
    let reader = app.token("acme", &[READ]);
    for name in ["황금성", "Hwang Kum Song", "Hwang Geum-seong"] {
        let found = search(
            &app,
            &reader,
            json!({"name": name, "date_of_birth": "1986-02-11"}),
        )
        .await
        .json();
        let hits: Vec<(&str, &str)> = found["matches"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["match"] == true)
            .map(|m| (m["list"].as_str().unwrap(), m["entry_id"].as_str().unwrap()))
            .collect();
        for expected in [
            ("EU-FSF", "910101"),
            ("UK-SANCTIONS", "DPR9101"),
            ("OS-KP-SANCTIONS", "vg-test-hwang-kum-song"),
        ] {
            assert!(
                hits.contains(&expected),
                "{name}: {expected:?} not in {found:#}"
            );
        }
    }
    // Cyrillic, from the EU and the UK list.
    let found = search(&app, &reader, json!({"name": "Иван Петрович Сидоренков"}))
        .await
        .json();
    let lists: Vec<&str> = found["matches"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["match"] == true)
        .map(|m| m["list"].as_str().unwrap())
        .collect();
    assert!(
        lists.contains(&"EU-FSF") && lists.contains(&"UK-SANCTIONS"),
        "{found:#}"
    );

    // An applicant who is the listed person: rejected, one match per list entry, and the evidence
    // says the three entries name one person.
    let verdict = app
        .submit(
            &app.writer("acme"),
            &applicant("hwang-1", "Hwang Kum Song", "1986-02-11"),
        )
        .await
        .json();
    assert_valid_verdict(&verdict);
    assert_eq!(verdict["verdict"], "reject", "{verdict:#}");
    let evidence = &signal(&verdict, "SAN_APPLICANT_MATCH_CORROBORATED")["evidence"];
    assert_eq!(evidence["north_korea"], true);
    let entries = evidence["entries"].as_array().unwrap();
    let mut listed: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| (e["list"].as_str().unwrap(), e["entry_id"].as_str().unwrap()))
        .collect();
    listed.sort_unstable();
    listed.dedup();
    assert_eq!(
        listed,
        [
            ("EU-FSF", "910101"),
            ("OS-KP-SANCTIONS", "vg-test-hwang-kum-song"),
            ("UK-SANCTIONS", "DPR9101"),
        ],
        "{evidence:#}"
    );
    let persons = evidence["persons"].as_array().unwrap();
    assert_eq!(persons.len(), 1, "{evidence:#}");
    let mut lists: Vec<&str> = persons[0]["lists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    lists.sort_unstable();
    assert_eq!(lists, ["EU-FSF", "OS-KP-SANCTIONS", "UK-SANCTIONS"]);
    assert!(entries.iter().all(|e| e["person"] == 0));
    let matched: Vec<&str> = verdict["sanctions_matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["list"].as_str().unwrap())
        .collect();
    for list in ["EU-FSF", "UK-SANCTIONS", "OS-KP-SANCTIONS"] {
        assert!(matched.contains(&list), "{matched:?}");
    }

    // The namesake trap: the same name, born nine years later: the entries are ruled out.
    let verdict = app
        .submit(
            &app.writer("acme"),
            &applicant("hwang-2", "Hwang Kum Song", "1995-08-30"),
        )
        .await
        .json();
    assert_eq!(verdict["verdict"], "clear", "{verdict:#}");
    let namesake = signal(&verdict, "SAN_NAMESAKE_CONTRADICTED");
    assert_eq!(namesake["points"], 0);
    assert!(verdict["sanctions_matches"].as_array().unwrap().is_empty());

    // A listed wallet (OpenSanctions CryptoWallet, held by the listed person) as the payout.
    let mut wallet = applicant("wallet-1", "Jordan Example Smith", "1979-03-04");
    wallet["payout"] = json!({
        "method": "crypto",
        "account_holder_name": "Jordan Example Smith",
        "crypto_address": "0x7d3c1e9a0b5f2c8e4a6d1b3f9e0c2a4b6d8f1e3a",
        "crypto_asset": "ETH",
    });
    let reply = app.submit(&app.writer("acme"), &wallet).await;
    let verdict = reply.json();
    assert_eq!(verdict["verdict"], "reject", "{verdict:#}");
    let evidence = &signal(&verdict, "SAN_PAYOUT_ADDRESS_LISTED")["evidence"];
    assert_eq!(evidence["entries"][0]["list"], "OS-KP-SANCTIONS");

    // These lists are the operator's: a tenant may neither load them nor take their names.
    let acme = app.token("acme", &[ADMIN]);
    upload(
        &app,
        &acme,
        &[("format", "eu-xml")],
        &[("eu.xml", fixture("eu-fsf.xml"))],
    )
    .await
    .problem(403);
    upload(
        &app,
        &acme,
        &[("format", "ftm-json"), ("list", "OS-ACME")],
        &[("e.json", fixture("os-kp-sanctions.ftm.json"))],
    )
    .await
    .problem(403);
    let csv = b"id,kind,name,aliases,dates_of_birth,nationalities,programs,crypto_addresses,source,source_date,notes\nX,person,Some One,,,,,,,,\n";
    upload(
        &app,
        &acme,
        &[("format", "csv"), ("list", "UK-SANCTIONS")],
        &[("uk.csv", csv.to_vec())],
    )
    .await
    .problem(403);
}

async fn malformed_eu_uk_and_opensanctions_files_are_refused_and_the_active_versions_stay(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let operator = app.token("operator", &[ADMIN, READ]);
    load_all(&app, &operator).await;
    let versions = |status: &Value| status["versions"].as_array().unwrap().len();
    let before = app.get(&operator, "/v1/admin/lists").await.json();

    for (format, list, file, says) in [
        (
            "eu-xml",
            None,
            "eu-fsf-unclosed.xml",
            "eu-fsf-unclosed.xml, line 26",
        ),
        ("eu-xml", None, "eu-fsf-bad-date.xml", "line 11"),
        ("eu-xml", None, "eu-fsf-no-id.xml", "line 27 (byte"),
        ("uk-xml", None, "uk-sanctions-unclosed.xml", "line 40"),
        ("uk-xml", None, "uk-sanctions-bad-date.xml", "line 49"),
        ("uk-xml", None, "uk-sanctions-no-id.xml", "line 51"),
        (
            "ftm-json",
            Some("OS-KP-SANCTIONS"),
            "os-kp-sanctions-bad-json.ftm.json",
            "line 3: not a JSON object",
        ),
        (
            "ftm-json",
            Some("OS-KP-SANCTIONS"),
            "os-kp-sanctions-bad-date.ftm.json",
            "line 5",
        ),
        (
            "ftm-json",
            Some("OS-KP-SANCTIONS"),
            "os-kp-sanctions-no-id.ftm.json",
            "line 8: entity without an id",
        ),
    ] {
        let mut fields = vec![("format", format)];
        fields.extend(list.map(|l| ("list", l)));
        let problem = upload(&app, &operator, &fields, &[(file, fixture(file))])
            .await
            .problem(422);
        assert_eq!(
            problem["type"], "/problems/list-refused",
            "{file}: {problem:#}"
        );
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains(says), "{file}: {detail}");
    }
    let after = app.get(&operator, "/v1/admin/lists").await.json();
    assert_eq!(versions(&after), versions(&before), "nothing stored");
    for list in ["EU-FSF", "UK-SANCTIONS", "OS-KP-SANCTIONS"] {
        assert_eq!(loaded(&after, list), Some((4, 3)), "{list}");
    }

    // An OpenSanctions dataset needs a name of the form OS-<DATASET>.
    for list in [None, Some("KP-SANCTIONS"), Some("OS-kp_sanctions")] {
        let mut fields = vec![("format", "ftm-json")];
        fields.extend(list.map(|l| ("list", l)));
        let problem = upload(
            &app,
            &operator,
            &fields,
            &[("e.json", fixture("os-kp-sanctions.ftm.json"))],
        )
        .await
        .problem(422);
        assert!(problem.to_string().contains("OS-"), "{problem:#}");
    }
    // A file that parses to nothing does not replace a global list without force.
    let problem = upload(
        &app,
        &operator,
        &[("format", "eu-xml")],
        &[("eu.xml", b"<export/>".to_vec())],
    )
    .await
    .problem(422);
    assert!(
        problem["detail"].as_str().unwrap().contains("force"),
        "{problem:#}"
    );
}

async fn lists_update_downloads_the_eu_and_uk_lists_and_lists_load_reads_a_dataset(
    backend: Backend,
) {
    let db = TestDatabase::create(backend).await;
    let settings = db.settings();
    let dir = tempfile::tempdir().unwrap();
    let cli = || {
        let mut cmd = vetgate(dir.path());
        cmd.env("VETGATE_DATABASE_URL", &db.url)
            .env(
                "VETGATE_PII_KEY",
                settings.pii_key.as_ref().unwrap().expose(),
            )
            .env("VETGATE_LOG", "warn");
        cmd
    };
    let (base, requested) = serve_directory(fixtures());
    // OFAC and UN switched off: an empty URL skips a list.
    let out = cli()
        .env("VETGATE_LISTS_OFAC_URL", "")
        .env("VETGATE_LISTS_UN_URL", "")
        .env("VETGATE_LISTS_EU_URL", format!("{base}/eu-fsf.xml"))
        .env("VETGATE_LISTS_UK_URL", format!("{base}/uk-sanctions.xml"))
        .args(["lists", "update"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let outcomes: Value = serde_json::from_slice(&out.stdout).unwrap();
    let lists: Vec<(&str, u64, u64)> = outcomes
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["list"].as_str().unwrap(),
                o["entries"].as_u64().unwrap(),
                o["north_korea_entries"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(lists, [("EU-FSF", 4, 3), ("UK-SANCTIONS", 4, 3)]);
    let requested = requested.lock().unwrap().clone();
    assert_eq!(requested, ["/eu-fsf.xml", "/uk-sanctions.xml"]);

    let out = cli()
        .args([
            "lists",
            "load",
            "--format",
            "ftm-json",
            "--list",
            "OS-KP-SANCTIONS",
        ])
        .arg(fixtures().join("os-kp-sanctions.ftm.json"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let status = |cli: &mut std::process::Command| -> Value {
        let out = cli.args(["lists", "status"]).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let active = |status: &Value, list: &str| -> Option<(i64, i64, String)> {
        status["versions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["list"] == list && v["active"] == true)
            .map(|v| {
                (
                    v["entries"].as_i64().unwrap(),
                    v["north_korea_entries"].as_i64().unwrap(),
                    v["source"].as_str().unwrap().to_owned(),
                )
            })
    };
    let before = status(&mut cli());
    assert_eq!(
        active(&before, "EU-FSF").unwrap().2,
        format!("{base}/eu-fsf.xml")
    );
    assert_eq!(active(&before, "UK-SANCTIONS").unwrap().0, 4);
    let (entries, north_korea, _) = active(&before, "OS-KP-SANCTIONS").unwrap();
    assert_eq!((entries, north_korea), (4, 3));

    // A publisher answering 404, and a malformed file loaded by hand: refused, nothing changes.
    let out = cli()
        .env("VETGATE_LISTS_OFAC_URL", "")
        .env("VETGATE_LISTS_UN_URL", "")
        .env("VETGATE_LISTS_UK_URL", format!("{base}/nowhere.xml"))
        .args(["lists", "update"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("404"));
    let out = cli()
        .args(["lists", "load", "--format", "uk-xml"])
        .arg(fixtures().join("uk-sanctions-bad-date.xml"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("uk-sanctions-bad-date.xml, line 49"),
        "{stderr}"
    );
    let after = status(&mut cli());
    assert_eq!(
        after["versions"].as_array().unwrap().len(),
        before["versions"].as_array().unwrap().len()
    );
}
