use std::path::PathBuf;
use std::sync::OnceLock;

use awc::http::StatusCode;
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::Value;
use vetgate::api::auth::{Claims, sign};
use vetgate::config::{Secret, Settings};
use vetgate::startup::Application;

pub const SECRET: &str = "test-secret-test-secret-test-secret!";
pub const WRITE: &str = "applications:write";
pub const READ: &str = "verdicts:read";

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Writes each scenario once and runs it on both backends in the same run.
macro_rules! on_both_backends {
    ($($scenario:ident),* $(,)?) => {
        $(
            mod $scenario {
                #[actix_web::test]
                async fn on_sqlite() {
                    super::$scenario($crate::helpers::Backend::Sqlite).await
                }
                #[actix_web::test]
                async fn on_postgres() {
                    super::$scenario($crate::helpers::Backend::Postgres).await
                }
            }
        )*
    };
}
pub(crate) use on_both_backends;

pub fn shared_dir() -> PathBuf {
    std::env::var_os("VETGATE_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"))
}

pub fn contract_example(name: &str) -> Value {
    let path = shared_dir().join("contract/examples").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

pub fn postgres_admin_url() -> String {
    std::env::var("VETGATE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn init_logs() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            vetgate::telemetry::init("info,vetgate=debug", vetgate::config::LogFormat::Text);
        }
    });
}

/// A database that exists for one test.
pub struct TestDatabase {
    pub url: String,
    pg_name: Option<String>,
    _dir: tempfile::TempDir,
}

impl TestDatabase {
    /// Another handle on the same PostgreSQL database (a second instance); only the original drops
    /// it.
    pub fn borrow(other: &TestDatabase) -> TestDatabase {
        TestDatabase {
            url: other.url.clone(),
            pg_name: None,
            _dir: tempfile::tempdir().unwrap(),
        }
    }

    pub async fn create(backend: Backend) -> TestDatabase {
        let dir = tempfile::tempdir().unwrap();
        match backend {
            Backend::Sqlite => {
                let url = format!("sqlite://{}", dir.path().join("vetgate.db").display());
                TestDatabase {
                    url,
                    pg_name: None,
                    _dir: dir,
                }
            }
            Backend::Postgres => {
                let name = format!("vetgate_test_{}", uuid::Uuid::now_v7().simple());
                let admin = postgres_admin_url();
                let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
                    .await
                    .expect("PostgreSQL at 127.0.0.1:5432 (see .ci/run)");
                sqlx::Executor::execute(
                    &mut conn,
                    sqlx::AssertSqlSafe(format!("create database {name}")),
                )
                .await
                .unwrap();
                let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap();
                TestDatabase {
                    url: format!("{base}/{name}"),
                    pg_name: Some(name),
                    _dir: dir,
                }
            }
        }
    }

    pub fn settings(&self) -> Settings {
        Settings {
            listen: "127.0.0.1:0".into(),
            database_url: Secret::new(self.url.clone()),
            jwt_secret: Some(Secret::new(SECRET)),
            pii_key: Some(Secret::new("42".repeat(32))),
            workers: 1,
            db_max_connections: 4,
            // No IP databases unless a test brings its own (tests/api/network.rs).
            geoip_dir: self._dir.path().join("no-geoip"),
            ..Settings::default()
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some(name) = self.pg_name.take() else {
            return;
        };
        // Drop runs outside any async context we could borrow; a small runtime of its own will do.
        let admin = postgres_admin_url();
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                if let Ok(mut conn) =
                    <sqlx::PgConnection as sqlx::Connection>::connect(&admin).await
                {
                    let sql = format!("drop database if exists {name} with (force)");
                    let _ = sqlx::Executor::execute(&mut conn, sqlx::AssertSqlSafe(sql)).await;
                }
            });
        })
        .join();
    }
}

pub struct TestApp {
    pub address: String,
    pub client: awc::Client,
    pub settings: Settings,
    handle: actix_web::dev::ServerHandle,
    // Dropped last: the server must stop before its database goes.
    pub db: TestDatabase,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: awc::http::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the answer's status, showing its body when it is another.
    #[track_caller]
    pub fn assert_status(&self, status: u16) -> &Self {
        assert_eq!(
            self.status.as_u16(),
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        self
    }

    /// Asserts a problem+json answer with this status and returns the document.
    #[track_caller]
    pub fn problem(&self, status: u16) -> Value {
        self.assert_status(status);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json")
        );
        let doc = self.json();
        assert_eq!(doc["status"], status);
        assert!(
            doc["type"]
                .as_str()
                .is_some_and(|t| t.starts_with("/problems/")),
            "{doc}"
        );
        assert!(
            doc["title"].is_string() && doc["detail"].is_string(),
            "{doc}"
        );
        doc
    }
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

pub async fn spawn_app_with(backend: Backend, edit: impl FnOnce(&mut Settings)) -> TestApp {
    let db = TestDatabase::create(backend).await;
    let mut settings = db.settings();
    edit(&mut settings);
    start(db, settings).await
}

pub async fn start(db: TestDatabase, settings: Settings) -> TestApp {
    init_logs();
    let app = Application::build(&settings)
        .await
        .expect("application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    actix_web::rt::spawn(app.run_until_stopped());
    let client = awc::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .finish();
    TestApp {
        address,
        client,
        settings,
        handle,
        db,
    }
}

impl TestApp {
    /// Stops the server and hands back its database, e.g. to start another server on it.
    pub async fn stop(self) -> (TestDatabase, Settings) {
        self.handle.stop(true).await;
        (self.db, self.settings)
    }

    pub fn token(&self, tenant: &str, scopes: &[&str]) -> String {
        token_with(|c| {
            c.tenant = tenant.into();
            c.scope = scopes.join(" ");
        })
    }

    pub fn writer(&self, tenant: &str) -> String {
        self.token(tenant, &[WRITE, READ])
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Reply {
        let method = awc::http::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.address));
        if let Some(token) = token {
            req = req.insert_header(("Authorization", format!("Bearer {token}")));
        }
        for (name, value) in headers {
            req = req.insert_header((*name, *value));
        }
        let mut res = match body {
            Some(body) => req.send_body(body.to_vec()).await,
            None => req.send().await,
        }
        .expect("request reaches the server");
        let body = res
            .body()
            .limit(16 * 1024 * 1024)
            .await
            .expect("response body")
            .to_vec();
        Reply {
            status: res.status(),
            headers: res.headers().clone(),
            body,
        }
    }

    pub async fn submit(&self, token: &str, application: &Value) -> Reply {
        let body = serde_json::to_vec(application).unwrap();
        self.send(
            "POST",
            "/v1/applications",
            Some(token),
            &[("Content-Type", "application/json")],
            Some(&body),
        )
        .await
    }

    pub async fn get(&self, token: &str, path: &str) -> Reply {
        self.send("GET", path, Some(token), &[], None).await
    }
}

pub fn token_with(edit: impl FnOnce(&mut Claims)) -> String {
    let mut claims = Claims {
        sub: "test".into(),
        tenant: "acme".into(),
        scope: format!("{WRITE} {READ}"),
        exp: (chrono::Utc::now().timestamp() + 600) as u64,
        iat: None,
        iss: None,
        aud: None,
    };
    edit(&mut claims);
    sign(
        &claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
        Algorithm::HS256,
    )
    .unwrap()
}

/// The reason codes of a verdict, in order.
/// Gives an application derived from the clean example its own e-mail, phone, payout account and
/// device, so a test about one signal does not also link it to the other applications it submits.
pub fn own_attributes(app: &mut Value, tag: &str) {
    let digits: u64 = tag
        .bytes()
        .fold(7, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    app["applicant"]["email"] = format!("someone.{tag}@example.com").into();
    app["applicant"]["phone"] = format!("+1312{:07}", digits % 10_000_000).into();
    if app["payout"].is_object() {
        app["payout"]["account_number"] = format!("{:012}", digits % 1_000_000_000_000).into();
    }
    if let Some(sessions) = app["sessions"].as_array_mut() {
        for s in sessions {
            s["device_id"] = format!("device-{tag}").into();
        }
    }
}

pub fn codes(verdict: &Value) -> Vec<String> {
    verdict["signals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap().to_owned())
        .collect()
}

/// The evidence of the signal `code` in a verdict (the test fails when it is not raised).
pub fn evidence<'a>(verdict: &'a Value, code: &str) -> &'a Value {
    &verdict["signals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {verdict:#}"))["evidence"]
}

/// The contract's verdict schema, with format checking on.
pub fn assert_valid_verdict(verdict: &Value) {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    let validator = VALIDATOR.get_or_init(|| {
        let path = shared_dir().join("contract/verdict.schema.json");
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap()
    });
    let errors: Vec<String> = validator
        .iter_errors(verdict)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "verdict breaks verdict.schema.json: {errors:?}\n{verdict:#}"
    );
}

pub fn assert_valid_application(application: &Value) {
    let path = shared_dir().join("contract/application.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(application)
        .map(|e| e.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "example breaks application.schema.json: {errors:?}"
    );
}
