//! The binary itself: `token`, `screen`, `migrate` and `serve --help`.

use std::process::Command;

use crate::helpers::*;

fn vetgate(dir: &std::path::Path) -> Command {
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
