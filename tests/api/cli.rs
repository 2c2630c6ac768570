//! The binary itself: `token`, `screen`, `migrate`, `reindex` and `serve --help`.

use std::process::Command;

use crate::helpers::*;

on_both_backends!(reindex_rebuilds_a_stored_index_on_request_and_says_when_there_is_nothing_to_do,);

pub(crate) fn vetgate(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vetgate"));
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    cmd
}

#[test]
fn serve_help_documents_every_setting() {
    let dir = tempfile::tempdir().unwrap();
    let out = vetgate(dir.path())
        .args(["serve", "--help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for setting in vetgate::config::SETTINGS_HELP {
        assert!(
            help.contains(setting.env),
            "{} missing from serve --help",
            setting.env
        );
    }
}

#[test]
fn an_unknown_setting_stops_the_command_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let out = vetgate(dir.path())
        .env("VETGATE_LISTN", "0.0.0.0:1")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("listn"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[actix_web::test]
async fn a_cli_token_is_accepted_by_the_server() {
    let app = spawn_app(Backend::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    let out = vetgate(dir.path())
        .env("VETGATE_JWT_SECRET", SECRET)
        .args([
            "token",
            "--tenant",
            "acme",
            "--scope",
            "verdicts:read",
            "--ttl",
            "5m",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        app.get(token.trim(), "/v1/applications")
            .await
            .status
            .as_u16(),
        200
    );

    let bad_scope = vetgate(dir.path())
        .env("VETGATE_JWT_SECRET", SECRET)
        .args(["token", "--tenant", "acme", "--scope", "root"])
        .output()
        .unwrap();
    assert!(!bad_scope.status.success());
}

#[actix_web::test]
async fn screen_stores_a_jsonl_file_and_reports_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    let mut second = contract_example("clean-us-applicant.json");
    second["external_ref"] = "cli-2".into();
    let lines = [
        serde_json::to_string(&contract_example("suspicious-applicant.json")).unwrap(),
        "{\"external_ref\": \"broken\"".to_owned(),
        String::new(),
        serde_json::to_string(&second).unwrap(),
    ];
    std::fs::write(dir.path().join("batch.jsonl"), lines.join("\n")).unwrap();

    let out = vetgate(dir.path())
        .args(["screen", "--tenant", "acme", "batch.jsonl"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "a bad line makes the run fail after screening the rest"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 2"), "{stderr}");
    assert!(stderr.contains("screened 2, failed 1"), "{stderr}");
    let verdicts: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(verdicts.len(), 2);
    assert_eq!(
        verdicts[0]["external_ref"], "app-10002",
        "output keeps input order"
    );
    assert_eq!(verdicts[1]["external_ref"], "cli-2");
    for verdict in &verdicts {
        assert_valid_verdict(verdict);
    }

    // The server on the same embedded database (and its generated keys) sees them.
    let mut settings = vetgate::config::Settings {
        listen: "127.0.0.1:0".into(),
        database_url: vetgate::config::Secret::new(format!(
            "sqlite://{}",
            dir.path().join("vetgate.db").display()
        )),
        workers: 1,
        ..Default::default()
    };
    settings.jwt_secret = Some(vetgate::config::Secret::new(SECRET));
    let app = vetgate::startup::Application::build(&settings)
        .await
        .expect("server opens the CLI's database");
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    actix_web::rt::spawn(app.run_until_stopped());
    let token = token_with(|_| {});
    let mut res = awc::Client::default()
        .get(format!(
            "{address}/v1/applications/{}",
            verdicts[1]["id"].as_str().unwrap()
        ))
        .insert_header(("Authorization", format!("Bearer {token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let stored: serde_json::Value = res.json().await.unwrap();
    assert_eq!(stored, verdicts[1]);
    handle.stop(true).await;
}

#[test]
fn migrate_creates_the_embedded_database() {
    let dir = tempfile::tempdir().unwrap();
    let out = vetgate(dir.path())
        .env("VETGATE_DATABASE_URL", "sqlite://fresh.db")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("fresh.db").exists());
}

#[test]
fn the_readme_configuration_table_lists_every_setting() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    for setting in vetgate::config::SETTINGS_HELP {
        assert!(
            readme.contains(&format!("| `{}` |", setting.env)),
            "{} missing from README.md",
            setting.env
        );
    }
}

fn lists_cli(dir: &std::path::Path) -> Command {
    let mut cmd = vetgate(dir);
    cmd.env("VETGATE_DATABASE_URL", "sqlite://lists.db")
        .env("VETGATE_LOG", "warn");
    cmd
}

fn status_of(dir: &std::path::Path) -> serde_json::Value {
    let out = lists_cli(dir).args(["lists", "status"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn active_entries(status: &serde_json::Value, list: &str) -> Option<i64> {
    status["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["list"] == list && v["active"] == true)
        .map(|v| v["entries"].as_i64().unwrap())
}

#[test]
fn lists_load_stores_both_official_lists_and_refuses_a_malformed_file_whole() {
    let dir = tempfile::tempdir().unwrap();
    let data = shared_dir().join("data");
    let out = lists_cli(dir.path())
        .args(["lists", "load", "--format", "ofac-csv"])
        .arg(data.join("ofac-sdn"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let loaded: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(loaded["entries"], 8976);
    let out = lists_cli(dir.path())
        .args(["lists", "load", "--format", "un-xml"])
        .arg(data.join("un-consolidated.xml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let status = status_of(dir.path());
    assert_eq!(active_entries(&status, "OFAC-SDN"), Some(8976));
    assert_eq!(active_entries(&status, "UN-SC"), Some(1003));
    // Every stored application is queued for re-screening when a list changes (none yet here).
    assert_eq!(status["rescreen_pending"], 0);

    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "id,kind,name,aliases,dates_of_birth,nationalities,programs,crypto_addresses,source,source_date,notes\n\
         W-1,person,Good Row,,,,,,,,\nW-2,starship,Bad Row,,,,,,,,\n",
    )
    .unwrap();
    let out = lists_cli(dir.path())
        .args(["lists", "load", "--format", "csv", "--list", "OPS-WATCH"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.csv, line 3"), "{stderr}");
    assert_eq!(active_entries(&status_of(dir.path()), "OPS-WATCH"), None);
    // A tenant's own list may not take a reserved name.
    let out = lists_cli(dir.path())
        .args(["lists", "load", "--format", "ofac-csv", "--tenant", "acme"])
        .arg(data.join("ofac-sdn"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("operator"));
}

/// Serves files of one directory over plain HTTP on a random port (enough for `lists update`).
pub(crate) fn serve_directory(
    root: std::path::PathBuf,
) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let requested = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = requested.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request_line = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) <= 2 {
                    break;
                }
            }
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or("/")
                .to_owned();
            log.lock().unwrap().push(path.clone());
            let file = root.join(path.trim_start_matches('/'));
            let response = match std::fs::read(&file) {
                Ok(body) => {
                    let mut r = format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    r.extend_from_slice(&body);
                    r
                }
                Err(_) => {
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .to_vec()
                }
            };
            let _ = stream.write_all(&response);
        }
    });
    (address, requested)
}

#[test]
fn lists_update_downloads_the_official_files_from_their_publishers() {
    let dir = tempfile::tempdir().unwrap();
    let (base, requested) = serve_directory(shared_dir().join("data"));
    let out = lists_cli(dir.path())
        .env("VETGATE_LISTS_OFAC_URL", format!("{base}/ofac-sdn"))
        .env(
            "VETGATE_LISTS_UN_URL",
            format!("{base}/un-consolidated.xml"),
        )
        .args(["lists", "update"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let status = status_of(dir.path());
    assert_eq!(active_entries(&status, "OFAC-SDN"), Some(8976));
    assert_eq!(active_entries(&status, "UN-SC"), Some(1003));
    let requested = requested.lock().unwrap().clone();
    for path in [
        "/ofac-sdn/sdn.csv",
        "/ofac-sdn/add.csv",
        "/ofac-sdn/alt.csv",
        "/ofac-sdn/sdn_comments.csv",
        "/un-consolidated.xml",
    ] {
        assert!(
            requested.iter().any(|p| p == path),
            "{path} not fetched: {requested:?}"
        );
    }

    // A publisher answering 404 leaves the stored versions as they were.
    let out = lists_cli(dir.path())
        .env("VETGATE_LISTS_OFAC_URL", format!("{base}/nowhere"))
        .env(
            "VETGATE_LISTS_UN_URL",
            format!("{base}/un-consolidated.xml"),
        )
        .args(["lists", "update"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("404"));
    let versions = status_of(dir.path())["versions"].as_array().unwrap().len();
    assert_eq!(versions, status["versions"].as_array().unwrap().len());
}

async fn reindex_rebuilds_a_stored_index_on_request_and_says_when_there_is_nothing_to_do(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let mut ids = Vec::new();
    for example in ["clean-us-applicant.json", "suspicious-applicant.json"] {
        let reply = app
            .submit(&app.writer("acme"), &contract_example(example))
            .await;
        assert_eq!(reply.status, 201);
        ids.push(reply.json()["id"].as_str().unwrap().to_owned());
    }
    let (db, settings) = app.stop().await;
    let dir = tempfile::tempdir().unwrap();
    let run = |force: bool| {
        let mut cmd = vetgate(dir.path());
        cmd.env("VETGATE_DATABASE_URL", &db.url)
            .env(
                "VETGATE_PII_KEY",
                settings.pii_key.as_ref().unwrap().expose(),
            )
            .env("VETGATE_GEOIP_DIR", dir.path().join("no-geoip"))
            .arg("reindex");
        if force {
            cmd.arg("--force");
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stderr).unwrap()
    };
    let up_to_date = run(false);
    assert!(up_to_date.contains("already"), "{up_to_date}");
    let rebuilt = run(true);
    assert!(
        rebuilt.contains("re-indexed 2 of 2 applications"),
        "{rebuilt}"
    );

    // An interrupted run (an older derivation recorded, one application's rows rebuilt already)
    // resumes: only the other one is read again.
    let sql = [
        "update store_meta set value = cast('2' as blob) where name = 'index_version'",
        "update applications set indexed_with = '' where id = $1",
    ];
    if db.url.starts_with("sqlite") {
        let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&db.url)
            .await
            .unwrap();
        sqlx::query(sql[0]).execute(&mut conn).await.unwrap();
        sqlx::query(sql[1])
            .bind(&ids[1])
            .execute(&mut conn)
            .await
            .unwrap();
    } else {
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&db.url)
            .await
            .unwrap();
        sqlx::query("update store_meta set value = '\\x32'::bytea where name = 'index_version'")
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query(sql[1])
            .bind(&ids[1])
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let resumed = run(false);
    assert!(
        resumed.contains("re-indexed 1 of 1 applications"),
        "{resumed}"
    );
    assert!(run(false).contains("already"));
}

/// `GET path` on 127.0.0.1:`port` with plain std networking; the status code, or `None` while
/// nothing answers.
fn http_status(port: u16, path: &str) -> Option<u16> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .write_all(
            format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .ok()?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply).ok()?;
    reply.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn migrate_then_serve_in_an_empty_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = vetgate(dir.path()).arg("migrate").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("vetgate.db").exists());
    assert!(
        dir.path().join("vetgate.db.pii-key").exists(),
        "migrate creates the key file with the database"
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut serve = vetgate(dir.path())
        .env("VETGATE_LISTEN", format!("127.0.0.1:{port}"))
        .env("VETGATE_LOG", "warn")
        .arg("serve")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let mut ready = None;
    while std::time::Instant::now() < deadline {
        if let Some(status) = serve.try_wait().unwrap() {
            let mut stderr = String::new();
            std::io::Read::read_to_string(&mut serve.stderr.take().unwrap(), &mut stderr).unwrap();
            panic!("serve exited with {status} after migrate: {stderr}");
        }
        ready = http_status(port, "/readyz");
        if ready.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    serve.kill().unwrap();
    serve.wait().unwrap();
    assert_eq!(ready, Some(200));

    // Sealed PII and keyed hashes: the database, its WAL and the key file are the owner's alone.
    use std::os::unix::fs::PermissionsExt;
    for name in ["vetgate.db", "vetgate.db-wal", "vetgate.db.pii-key"] {
        let path = dir.path().join(name);
        let Ok(meta) = std::fs::metadata(&path) else {
            assert_ne!(name, "vetgate.db", "the database exists");
            continue;
        };
        assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{name}");
    }
}

#[test]
fn a_lost_key_file_is_replaced_only_while_nothing_is_sealed() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("lists.db.pii-key");
    // A database that only holds its schema: a missing key file is simply created.
    assert!(
        lists_cli(dir.path())
            .arg("migrate")
            .status()
            .unwrap()
            .success()
    );
    std::fs::remove_file(&key).unwrap();
    let out = lists_cli(dir.path())
        .args(["lists", "status"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(key.exists());
    // Opened once, the database holds data sealed with that key: losing it now is refused.
    std::fs::remove_file(&key).unwrap();
    let out = lists_cli(dir.path())
        .args(["lists", "status"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("key file"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!key.exists(), "no new key is made for sealed data");
}
