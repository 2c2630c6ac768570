//! Persistence: what was acknowledged survives a restart, PII is encrypted at rest, keys are checked,
//! both migration folders stay in step, and a database outage is a quick 503 with recovery.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::json;
use sqlx::Connection;

use crate::helpers::*;

on_both_backends!(
    acknowledged_applications_survive_a_restart_encrypted_at_rest,
    a_wrong_pii_key_is_refused_at_start
);

#[test]
fn both_migration_folders_hold_the_same_schema() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let names = |dir: &str| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    };
    assert_eq!(
        names("sqlite"),
        names("postgres"),
        "same migration files in both folders"
    );
    for name in names("sqlite") {
        let normalise = |dir: &str| -> Vec<String> {
            std::fs::read_to_string(root.join(dir).join(&name))
                .unwrap()
                .lines()
                .filter(|l| !l.trim_start().starts_with("--"))
                .map(|l| l.replace("bytea", "blob").replace(") without rowid;", ");"))
                .collect()
        };
        assert_eq!(
            normalise("sqlite"),
            normalise("postgres"),
            "{name} differs beyond blob/bytea and without rowid"
        );
    }
}

async fn raw_application_column(url: &str) -> Vec<Vec<u8>> {
    if url.starts_with("sqlite") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        let mut rows: Vec<Vec<u8>> = sqlx::query_scalar("select application_enc from applications")
            .fetch_all(&mut conn)
            .await
            .unwrap();
        rows.extend(
            sqlx::query_scalar::<_, Vec<u8>>("select verdict_enc from verdicts")
                .fetch_all(&mut conn)
                .await
                .unwrap(),
        );
        rows
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        let mut rows: Vec<Vec<u8>> = sqlx::query_scalar("select application_enc from applications")
            .fetch_all(&mut conn)
            .await
            .unwrap();
        rows.extend(
            sqlx::query_scalar::<_, Vec<u8>>("select verdict_enc from verdicts")
                .fetch_all(&mut conn)
                .await
                .unwrap(),
        );
        rows
    }
}

async fn acknowledged_applications_survive_a_restart_encrypted_at_rest(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.writer("acme");
    let mut ids = Vec::new();
    for file in ["clean-us-applicant.json", "suspicious-applicant.json"] {
        let reply = app.submit(&token, &contract_example(file)).await;
        assert_eq!(reply.status.as_u16(), 201);
        ids.push((
            reply.json()["id"].as_str().unwrap().to_owned(),
            reply.json(),
        ));
    }
    let (db, settings) = app.stop().await;

    for sealed in raw_application_column(&db.url).await {
        for plain in [
            &b"C03005988"[..],
            b"Emily Carter",
            b"Kenji",
            b"Janet Miles",
            b"000123456789",
        ] {
            assert!(
                !sealed.windows(plain.len()).any(|w| w == plain),
                "plaintext PII found at rest"
            );
        }
    }

    let again = start(db, settings).await;
    for (id, verdict) in ids {
        let fetched = again.get(&token, &format!("/v1/applications/{id}")).await;
        assert_eq!(fetched.status.as_u16(), 200);
        assert_eq!(fetched.json(), verdict);
    }
}

async fn a_wrong_pii_key_is_refused_at_start(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.writer("acme");
    assert_eq!(
        app.submit(&token, &contract_example("clean-us-applicant.json"))
            .await
            .status
            .as_u16(),
        201
    );
    let (db, mut settings) = app.stop().await;
    settings.pii_key = Some(vetgate::config::Secret::new("17".repeat(32)));
    let err = vetgate::startup::Application::build(&settings)
        .await
        .err()
        .expect("wrong key refused");
    assert!(format!("{err:#}").contains("VETGATE_PII_KEY"), "{err:#}");
    settings.pii_key = db.settings().pii_key;
    let again = start(db, settings).await;
    assert_eq!(
        again.get(&token, "/v1/applications").await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[actix_web::test]
async fn a_sqlite_database_without_its_generated_key_file_is_not_silently_rekeyed() {
    let db = TestDatabase::create(Backend::Sqlite).await;
    let mut settings = db.settings();
    settings.pii_key = None;
    let app = start(db, settings).await;
    let token = app.writer("acme");
    assert_eq!(
        app.submit(&token, &contract_example("clean-us-applicant.json"))
            .await
            .status
            .as_u16(),
        201
    );
    let (db, settings) = app.stop().await;
    let path = db.url.strip_prefix("sqlite://").unwrap().to_owned();
    let key_file = format!("{path}.pii-key");
    let key = std::fs::read_to_string(&key_file).expect("key generated beside the database");
    std::fs::remove_file(&key_file).unwrap();
    let err = vetgate::startup::Application::build(&settings)
        .await
        .err()
        .expect("refused without its key");
    assert!(format!("{err:#}").contains("key file"), "{err:#}");
    std::fs::write(&key_file, key).unwrap();
    let again = start(db, settings).await;
    assert_eq!(
        again.get(&token, "/v1/applications").await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// A TCP relay to PostgreSQL that can be cut and restored, to play a database outage.
struct Relay {
    port: u16,
    up: Arc<AtomicBool>,
    connections: Arc<std::sync::Mutex<Vec<tokio::task::AbortHandle>>>,
}

impl Relay {
    async fn start() -> Relay {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let connections = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (flag, conns) = (up.clone(), connections.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !flag.load(Ordering::SeqCst) {
                    drop(client); // refused while down
                    continue;
                }
                let task = tokio::spawn(async move {
                    if let Ok(mut server) = tokio::net::TcpStream::connect("127.0.0.1:5432").await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                conns.lock().unwrap().push(task.abort_handle());
            }
        });
        Relay {
            port,
            up,
            connections,
        }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for conn in self.connections.lock().unwrap().drain(..) {
            conn.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

#[actix_web::test]
async fn a_postgres_outage_answers_503_quickly_and_the_service_recovers() {
    let db = TestDatabase::create(Backend::Postgres).await;
    let relay = Relay::start().await;
    let mut settings = db.settings();
    let via_relay = db
        .url
        .replace("127.0.0.1:5432", &format!("127.0.0.1:{}", relay.port));
    assert_ne!(
        via_relay, db.url,
        "the test URL goes through 127.0.0.1:5432"
    );
    settings.database_url = vetgate::config::Secret::new(via_relay);
    settings.db_acquire_timeout_ms = 500;
    let app = start(db, settings).await;
    let token = app.writer("acme");
    let first = app
        .submit(&token, &contract_example("clean-us-applicant.json"))
        .await;
    assert_eq!(first.status.as_u16(), 201);

    relay.cut();
    let started = std::time::Instant::now();
    let during = app
        .submit(&token, &contract_example("suspicious-applicant.json"))
        .await;
    let problem = during.problem(503);
    assert_eq!(problem["type"], "/problems/service-unavailable");
    assert!(during.header("retry-after").is_some());
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "no hang during the outage"
    );
    // While the breaker is open, the next requests are refused without waiting on the pool.
    let started = std::time::Instant::now();
    app.get(&token, "/v1/applications").await.problem(503);
    assert!(
        started.elapsed() < std::time::Duration::from_millis(400),
        "a 503 during an outage is immediate once one request found the database down"
    );
    let ready = app.send("GET", "/readyz", None, &[], None).await;
    assert_eq!(ready.status.as_u16(), 503);
    assert_eq!(ready.json()["database"]["reachable"], false);

    relay.restore();
    let mut recovered = None;
    for _ in 0..20 {
        let reply = app
            .submit(&token, &contract_example("suspicious-applicant.json"))
            .await;
        if reply.status.as_u16() == 201 {
            recovered = Some(reply);
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        recovered.is_some(),
        "the service recovers without a restart"
    );
    let items = app.get(&token, "/v1/applications").await.json()["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(items, 2, "the acknowledged application is still there");
    assert_eq!(
        app.send("GET", "/readyz", None, &[], None).await.json()["status"],
        json!("ready")
    );
}

/// A migrated, empty database of `backend` (kept while the first value lives) and a plain
/// connection to it, for the plan tests.
async fn migrated<C: sqlx::Connection>(backend: Backend) -> (TestDatabase, C) {
    let db = TestDatabase::create(backend).await;
    vetgate::store::Store::migrate_only(&db.url, &vetgate::startup::store_options(&db.settings()))
        .await
        .unwrap();
    let conn = C::connect(&db.url).await.unwrap();
    (db, conn)
}

/// The reception query (is this `external_ref` known, and has an identity vendor answered for it)
/// runs for every application, prepared once per connection with a generic plan. `applications`
/// has several indexes that start with `tenant_id`, and with `external_ref = $2` a plan made while
/// the table was young picked one of them and filtered every application of the tenant (4 ms of
/// PostgreSQL's CPU per screening, measured with autovacuum off). The statement is written so that
/// only the `(tenant_id, external_ref)` key gives its order without a sort: its plan must be that
/// key's search whether it was made on an empty table or on one that holds rows but was never
/// analysed, as in the first minutes of a new database.
#[actix_web::test]
async fn postgres_reception_plan_searches_the_reference_key_on_a_young_table() {
    let (_db, mut conn) = migrated::<sqlx::PgConnection>(Backend::Postgres).await;
    let execute = |sql: String| sqlx::query(sqlx::AssertSqlSafe(sql));
    // What the lookup sessions run with (src/store/handle.rs).
    execute("set plan_cache_mode = force_generic_plan".into())
        .execute(&mut conn)
        .await
        .unwrap();
    for (i, rows) in [0, 400].into_iter().enumerate() {
        if rows > 0 {
            for sql in [
                "insert into tenants (id, created_at) values ('acme', 0)".to_owned(),
                format!(
                    "insert into applications (id, tenant_id, external_ref, received_at, \
                     updated_at, verdict, risk_score, version, application_enc) \
                     select 'id-' || g, 'acme', 'ref-' || g, g, g, 'clear', 0, 1, '\\x00' \
                     from generate_series(1, {rows}) g"
                ),
            ] {
                execute(sql).execute(&mut conn).await.unwrap();
            }
        }
        execute(format!(
            "prepare reception{i}(text, text) as {}",
            vetgate::store::RECEPTION_SQL
        ))
        .execute(&mut conn)
        .await
        .unwrap();
        let plan: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "explain (costs off) execute reception{i}('acme', 'ref-7')"
        )))
        .fetch_all(&mut conn)
        .await
        .unwrap();
        let plan = plan.join("\n");
        assert!(
            plan.contains(
                "Index Scan using applications_tenant_id_external_ref_key on applications a"
            ) && plan.contains("Index Cond: ((tenant_id = $1) AND (external_ref >= $2)")
                && !plan.contains("Sort"),
            "{rows} applications: {plan}"
        );
    }
}

/// The lookups every application runs are prepared once per connection and keep a generic plan
/// (src/store/index.rs). That plan is made with whatever statistics the tables have then, so it
/// must be index probes even on an empty, never-analysed database, or it would scan a tenant's
/// whole index range for as long as the connection lives (docs/performance.md).
#[actix_web::test]
async fn postgres_generic_plans_of_the_lookups_are_index_probes() {
    let (_db, mut conn) = migrated::<sqlx::PgConnection>(Backend::Postgres).await;
    use vetgate::store::Part;
    let statements = [
        (
            "lookup(bytea[], text[], bytea, bytea, text[])",
            vetgate::store::pg_identifier_lookup_sql(Part::Budget),
            "lookup('{\"\\\\x00\",\"\\\\x01\",\"\\\\x02\"}', '{acme,globex}', '\\x02', '\\x03', \
             '{payout_account,phone,phone}')",
        ),
        (
            "rejected(bytea[], text[], bytea, bytea, text[])",
            vetgate::store::pg_identifier_lookup_sql(Part::Rejected),
            "rejected('{\"\\\\x00\",\"\\\\x01\",\"\\\\x02\"}', '{acme,globex}', '\\x02', '\\x03', \
             '{payout_account,phone,phone}')",
        ),
        (
            "walk(text, text[])",
            vetgate::store::pg_strong_neighbours_sql(),
            "walk('acme', '{a,b}')",
        ),
    ];
    sqlx::raw_sql("set plan_cache_mode = force_generic_plan")
        .execute(&mut conn)
        .await
        .unwrap();
    for (signature, sql, call) in statements {
        let prepare = format!("prepare {signature} as {sql}");
        sqlx::raw_sql(sqlx::AssertSqlSafe(prepare))
            .execute(&mut conn)
            .await
            .unwrap();
        let plan: Vec<String> =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("explain execute {call}")))
                .fetch_all(&mut conn)
                .await
                .unwrap();
        let plan = plan.join("\n");
        assert!(!plan.contains("Seq Scan"), "{plan}");
        assert!(!plan.contains("Bitmap"), "{plan}");
        assert!(plan.contains("Index Scan"), "{plan}");
        if signature.starts_with("lookup") || signature.starts_with("rejected") {
            // Every search of the index is on the full key; the rejected rows' through their own
            // index, never the primary key with the verdict as a filter over a crowd.
            let searches: Vec<&str> = plan
                .lines()
                .filter(|l| l.contains(" on identifiers x"))
                .collect();
            assert_eq!(searches.len(), 4, "four ranges: {plan}");
            let rejected = searches
                .iter()
                .filter(|l| l.contains("using identifiers_rejected"))
                .count();
            let expected = if signature.starts_with("rejected") {
                4
            } else {
                0
            };
            assert_eq!(rejected, expected, "{plan}");
            let conditions = plan
                .lines()
                .filter(|l| {
                    l.contains("Index Cond: ((tenant_id = t") && l.contains(" AND (key_hash = k")
                })
                .count();
            assert_eq!(conditions, 4, "{plan}");
        }
    }
}

/// SQLite plans each statement by rule, without statistics: every read of the identifier index must
/// be a search on a key or an application, never the primary key's tenant prefix alone, which is
/// every index row of the tenant (that plan once made each cluster-walk hop read the whole index).
#[actix_web::test]
async fn sqlite_plans_of_the_index_queries_search_by_key_or_application() {
    let (_db, mut conn) = migrated::<sqlx::SqliteConnection>(Backend::Sqlite).await;
    use vetgate::model::IdentifierKind;
    use vetgate::store::Part;
    let lookup = |part, dob_known| {
        vetgate::store::sqlite_identifier_lookup_sql(
            part,
            &[
                (IdentifierKind::PayoutAccount, 1),
                (IdentifierKind::Phone, 2),
                (IdentifierKind::ResidentialIp, 1),
            ],
            2,
            dob_known,
        )
    };
    let statements = [
        (
            "cluster walk",
            vetgate::store::sqlite_strong_neighbours_sql(3),
        ),
        ("links", vetgate::store::SQLITE_LINKS_SQL.to_owned()),
        ("lookup", lookup(Part::Budget, true)),
        ("lookup without a birth date", lookup(Part::Budget, false)),
        ("rejected", lookup(Part::Rejected, true)),
        (
            "rejected without a birth date",
            lookup(Part::Rejected, false),
        ),
        (
            "base verdict update",
            vetgate::store::SET_BASE_VERDICT_SQL.to_owned(),
        ),
        (
            "indexed kinds",
            vetgate::store::INDEXED_KINDS_SQL.to_owned(),
        ),
    ];
    for (name, sql) in statements {
        let plan: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("explain query plan {sql}")))
                .fetch_all(&mut conn)
                .await
                .unwrap();
        let searches: Vec<&str> = plan
            .iter()
            .map(|(_, _, _, detail)| detail.as_str())
            .filter(|d| {
                d.contains(" i1 ")
                    || d.contains(" i2 ")
                    || d.contains(" x ")
                    || d.contains(" identifiers ")
            })
            .collect();
        assert!(!searches.is_empty(), "{name}: {plan:?}");
        for detail in &searches {
            assert!(
                detail.starts_with("SEARCH")
                    && (detail.contains("key_hash=?") || detail.contains("application_id=?")),
                "{name} reads the identifier index by tenant alone: {detail}"
            );
        }
        if name.starts_with("lookup") || name.starts_with("rejected") {
            // Three kinds, each its ranges of other identities; the rejected rows through their
            // own index.
            let ranges = if name.ends_with("date") { 2 } else { 4 };
            assert_eq!(searches.len(), 3 * ranges, "{name}: {plan:?}");
            let rejected = searches
                .iter()
                .filter(|d| {
                    d.contains("USING INDEX identifiers_rejected (tenant_id=? AND key_hash=?")
                })
                .count();
            let expected = if name.starts_with("rejected") {
                3 * ranges
            } else {
                0
            };
            assert_eq!(rejected, expected, "{name}: {plan:?}");
        }
    }
}

/// The writer retries a job that collided with another writer's transaction; these are the errors
/// such a collision really produces on each backend, and a plain failure is not one of them.
#[actix_web::test]
async fn write_conflicts_are_recognised_from_real_database_errors() {
    use vetgate::store::StoreError;

    let conflict = |err: sqlx::Error| StoreError::from(err).is_write_conflict();
    let setup = "create table t (id int primary key, v int); insert into t values (1, 0), (2, 0)";

    let mut sqlite = sqlx::SqliteConnection::connect("sqlite::memory:")
        .await
        .unwrap();
    sqlx::raw_sql(setup).execute(&mut sqlite).await.unwrap();
    let duplicate = sqlx::query("insert into t values (1, 1)")
        .execute(&mut sqlite)
        .await
        .unwrap_err();
    assert!(conflict(duplicate));
    let missing = sqlx::query("insert into nowhere values (1)")
        .execute(&mut sqlite)
        .await
        .unwrap_err();
    assert!(!conflict(missing));

    let db = TestDatabase::create(Backend::Postgres).await;
    let mut first = sqlx::PgConnection::connect(&db.url).await.unwrap();
    let mut second = sqlx::PgConnection::connect(&db.url).await.unwrap();
    sqlx::raw_sql(setup).execute(&mut first).await.unwrap();
    let duplicate = sqlx::query("insert into t values (1, 1)")
        .execute(&mut first)
        .await
        .unwrap_err();
    assert!(conflict(duplicate));

    // Two transactions that lock the same two rows in opposite order: PostgreSQL aborts one.
    let lock = |id: i32| sqlx::query("update t set v = v + 1 where id = $1").bind(id);
    let mut tx1 = first.begin().await.unwrap();
    let mut tx2 = second.begin().await.unwrap();
    lock(1).execute(&mut *tx1).await.unwrap();
    lock(2).execute(&mut *tx2).await.unwrap();
    let (a, b) = tokio::join!(lock(2).execute(&mut *tx1), lock(1).execute(&mut *tx2));
    let deadlocked = match (a, b) {
        (Err(err), Ok(_)) | (Ok(_), Err(err)) => err,
        other => panic!("expected exactly one deadlock victim, got {other:?}"),
    };
    assert_eq!(
        deadlocked
            .as_database_error()
            .and_then(|e| e.code())
            .as_deref(),
        Some("40P01")
    );
    assert!(conflict(deadlocked));
}
