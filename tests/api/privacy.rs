//! Data-subject requests: erasure leaves nothing of the applicant behind, export gives back
//! everything stored.

use serde_json::{Value, json};
use sqlx::Connection;

use crate::helpers::*;
use crate::sanctions_api::eventually;

on_both_backends!(
    an_erased_application_leaves_no_bytes_behind_and_answers_410,
    applications_past_their_retention_period_are_erased_per_tenant,
    a_rotated_pii_key_reseals_every_row_and_then_starts_alone,
    during_a_rotation_lookups_find_rows_still_keyed_with_the_previous_key,
    a_confirmed_case_keeps_its_fraud_markers_through_an_erasure_until_purged,
);

/// The contract's clean example with its own reference, document and contacts.
fn applicant(external_ref: &str, name: &str, phone: &str) -> Value {
    let mut a = contract_example("clean-us-applicant.json");
    a["external_ref"] = external_ref.into();
    a["applicant"]["full_name"] = name.into();
    a["applicant"]["phone"] = phone.into();
    a["applicant"]["email"] = format!("{external_ref}@example.org").into();
    let number = external_ref
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    a["identity_document"]["number"] = format!("X{:09}", number % 1_000_000_000).into();
    a["identity_document"]["surname"] = json!(null);
    a["identity_document"]["given_names"] = json!(null);
    let object = a["identity_document"].as_object_mut().unwrap();
    object.remove("mrz");
    object.remove("portrait_sha256");
    object.remove("portrait_phash");
    a
}

/// Every sealed or hashed byte string stored for one application: its sealed application and
/// verdicts, and its index rows' keys and sealed details that no other application shares.
async fn stored_bytes(url: &str, id: &str) -> Vec<Vec<u8>> {
    let queries = [
        "select application_enc from applications where id = $1",
        "select verdict_enc from verdicts where application_id = $1",
        "select key_hash from identifiers i where application_id = $1 and not exists \
         (select 1 from identifiers o where o.key_hash = i.key_hash and o.application_id <> $1)",
        "select detail_enc from identifiers where application_id = $1 and detail_enc is not null",
    ];
    let mut found = Vec::new();
    if url.starts_with("sqlite") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        for q in queries {
            found.extend(
                sqlx::query_scalar::<_, Vec<u8>>(q)
                    .bind(id)
                    .fetch_all(&mut conn)
                    .await
                    .unwrap(),
            );
        }
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        for q in queries {
            found.extend(
                sqlx::query_scalar::<_, Vec<u8>>(q)
                    .bind(id)
                    .fetch_all(&mut conn)
                    .await
                    .unwrap(),
            );
        }
    }
    found
}

/// Which of `needles` still appear anywhere: in the SQLite database and WAL files, or in any
/// binary column of any PostgreSQL table.
async fn surviving(url: &str, needles: &[Vec<u8>]) -> usize {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let mut haystacks = Vec::new();
        for suffix in ["", "-wal"] {
            if let Ok(bytes) = std::fs::read(format!("{path}{suffix}")) {
                haystacks.push(bytes);
            }
        }
        needles
            .iter()
            .filter(|needle| {
                haystacks
                    .iter()
                    .any(|h| h.windows(needle.len()).any(|w| w == needle.as_slice()))
            })
            .count()
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        let columns: Vec<(String, String)> = sqlx::query_as(
            "select table_name::text, column_name::text from information_schema.columns \
             where table_schema = 'public' and data_type = 'bytea'",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap();
        assert!(columns.len() >= 5, "{columns:?}");
        let mut count = 0;
        for needle in needles {
            for (table, column) in &columns {
                let sql = format!(
                    "select count(*) from {table} where position($1::bytea in {column}) > 0"
                );
                let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                    .bind(needle)
                    .fetch_one(&mut conn)
                    .await
                    .unwrap();
                if n > 0 {
                    count += 1;
                    break;
                }
            }
        }
        count
    }
}

async fn an_erased_application_leaves_no_bytes_behind_and_answers_410(backend: Backend) {
    let app = spawn_app(backend).await;
    let writer = app.writer("acme");
    let officer = app.token("acme", &["applications:erase", "applications:export"]);

    // A: rejected (a payout account at a North Korean bank); B: another identity on A's phone.
    let mut a = applicant("erase-me", "Li Wei", "+1 312 555 0199");
    a["payout"]["account_holder_name"] = "Li Wei".into();
    a["payout"]["bank_country"] = json!(null);
    a["payout"]["bic"] = "FTBDKPPY".into();
    let a = app.submit(&writer, &a).await.json();
    assert_eq!(a["verdict"], "reject", "{a:#}");
    let a_id = a["id"].as_str().unwrap().to_owned();
    let b = app
        .submit(
            &writer,
            &applicant("linked", "Maria Gonzalez", "+1 312 555 0199"),
        )
        .await
        .json();
    let b_id = b["id"].as_str().unwrap().to_owned();
    assert!(
        codes(&b).contains(&"LNK_LINKED_TO_REJECTED".to_owned()),
        "{b:#}"
    );

    // The subject-access export: everything stored, decrypted.
    let export = app
        .get(&officer, &format!("/v1/applications/{a_id}/export"))
        .await
        .json();
    assert_eq!(export["application"]["applicant"]["full_name"], "Li Wei");
    assert_eq!(export["verdicts"].as_array().unwrap().len(), 1);
    assert!(
        export["indexed_as"]
            .as_array()
            .unwrap()
            .contains(&json!("phone")),
        "{export:#}"
    );
    // Only the privacy scopes erase and export, and only in the tenant.
    let path = format!("/v1/applications/{a_id}");
    app.send("DELETE", &path, Some(&writer), &[], None)
        .await
        .problem(403);
    app.get(&writer, &format!("{path}/export"))
        .await
        .problem(403);
    let outsider = app.token("globex", &["applications:erase", "applications:export"]);
    app.send("DELETE", &path, Some(&outsider), &[], None)
        .await
        .problem(404);

    let before = stored_bytes(&app.db.url, &a_id).await;
    assert!(before.len() >= 4, "{} byte strings", before.len());
    assert_eq!(surviving(&app.db.url, &before).await, before.len());

    let erased = app.send("DELETE", &path, Some(&officer), &[], None).await;
    erased.assert_status(200);
    let tombstone = erased.json();
    assert_eq!(tombstone["id"], a_id.as_str());
    assert_eq!(tombstone["external_ref"], "erase-me");
    assert_eq!(tombstone["erased_by"], "test");
    assert_eq!(tombstone["versions"][0]["verdict"], "reject");
    assert!(
        tombstone["versions"][0]["reason_codes"]
            .as_array()
            .unwrap()
            .contains(&json!("PAY_BANK_COUNTRY_DPRK")),
        "{tombstone:#}"
    );
    assert!(!tombstone.to_string().contains("Li Wei"), "{tombstone:#}");

    // Nothing of it is left in the database files or tables.
    assert_eq!(
        surviving(&app.db.url, &before).await,
        0,
        "sealed or hashed bytes of the erased application survive"
    );

    // Idempotent; every read answers 410 with the tombstone.
    let again = app
        .send("DELETE", &path, Some(&officer), &[], None)
        .await
        .json();
    assert_eq!(again, tombstone);
    for read in [
        path.clone(),
        format!("{path}/history"),
        format!("{path}/links"),
    ] {
        let gone = app.get(&writer, &read).await.problem(410);
        assert_eq!(gone["type"], "/problems/erased", "{read}");
        assert_eq!(gone["tombstone"], tombstone, "{read}");
    }
    app.get(&officer, &format!("{path}/export"))
        .await
        .problem(410);

    // B no longer links to it: re-screened without the link.
    eventually(
        "the linked application is re-screened without the link",
        || async {
            let latest = app
                .get(&writer, &format!("/v1/applications/{b_id}"))
                .await
                .json();
            !codes(&latest).iter().any(|c| c.starts_with("LNK_"))
        },
    )
    .await;
    let links = app
        .get(&writer, &format!("/v1/applications/{b_id}/links"))
        .await
        .json();
    assert_eq!(links["items"], json!([]), "{links:#}");

    // The reference is free again: a new application.
    let mut again = applicant("erase-me", "Li Wei", "+1 312 555 0100");
    again["applicant"]["email"] = "new@example.org".into();
    let reply = app.submit(&writer, &again).await;
    assert_eq!(reply.status.as_u16(), 201);
    assert_ne!(reply.json()["id"], a_id.as_str());

    let metrics = app.send("GET", "/metrics", None, &[], None).await;
    let text = String::from_utf8_lossy(&metrics.body);
    assert!(
        text.contains("vetgate_erasures_total{reason=\"request\"} 1"),
        "{text}"
    );
}

/// Moves an application's last submission back by `days`.
async fn age(url: &str, id: &str, days: i64) {
    let then = (chrono::Utc::now() - chrono::Duration::days(days)).timestamp_micros();
    let sql = "update applications set last_submitted_at = $1 where id = $2";
    if url.starts_with("sqlite") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query(sql)
            .bind(then)
            .bind(id)
            .execute(&mut conn)
            .await
            .unwrap();
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query(sql)
            .bind(then)
            .bind(id)
            .execute(&mut conn)
            .await
            .unwrap();
    }
}

async fn applications_past_their_retention_period_are_erased_per_tenant(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.retention_days = 30;
        s.retention_tenant_days = "keeper=0,brief=7".into();
        s.retention_sweep_seconds = 1;
    })
    .await;
    let mut ids = std::collections::BTreeMap::new();
    for (tenant, reference, days) in [
        ("acme", "stale", 31),
        ("acme", "recent", 29),
        ("keeper", "stale", 400),
        ("brief", "stale", 8),
        ("brief", "recent", 6),
    ] {
        let token = app.writer(tenant);
        let phone = format!("+1 312 555 {:04}", ids.len());
        let reply = app
            .submit(&token, &applicant(reference, "Ana Lima", &phone))
            .await;
        assert_eq!(reply.status.as_u16(), 201);
        let id = reply.json()["id"].as_str().unwrap().to_owned();
        age(&app.db.url, &id, days).await;
        ids.insert((tenant, reference), id);
    }
    let status = |tenant: &'static str, reference: &'static str| {
        let (app, id) = (&app, ids[&(tenant, reference)].clone());
        async move {
            app.get(&app.writer(tenant), &format!("/v1/applications/{id}"))
                .await
                .status
                .as_u16()
        }
    };
    eventually("the stale applications are erased", || async {
        status("acme", "stale").await == 410 && status("brief", "stale").await == 410
    })
    .await;
    let gone = app
        .get(
            &app.writer("acme"),
            &format!("/v1/applications/{}", ids[&("acme", "stale")]),
        )
        .await
        .problem(410);
    assert_eq!(gone["tombstone"]["erased_by"], "retention");
    for (tenant, reference) in [("acme", "recent"), ("keeper", "stale"), ("brief", "recent")] {
        assert_eq!(status(tenant, reference).await, 200, "{tenant} {reference}");
    }
    let metrics = app.send("GET", "/metrics", None, &[], None).await;
    let text = String::from_utf8_lossy(&metrics.body);
    assert!(
        text.contains("vetgate_erasures_total{reason=\"retention\"} 2"),
        "{text}"
    );
}

async fn a_rotated_pii_key_reseals_every_row_and_then_starts_alone(backend: Backend) {
    let app = spawn_app(backend).await;
    let writer = app.writer("acme");
    let first = app
        .submit(
            &writer,
            &applicant("rotate-1", "Ana Lima", "+1 312 555 0142"),
        )
        .await
        .json();
    let id = first["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/applications/{id}");
    let (db, mut settings) = app.stop().await;
    let old_key = settings.pii_key.clone().unwrap();
    let new_key = vetgate::config::Secret::new("5a".repeat(32));

    // The new key alone cannot read what the old one sealed: refused at start.
    settings.pii_key = Some(new_key.clone());
    let refused = vetgate::startup::Application::build(&settings).await.err();
    assert!(
        format!("{:#}", refused.expect("refused")).contains("VETGATE_PII_KEY"),
        "a new key alone is refused"
    );

    // New key, old one as previous: everything still reads, and is re-sealed in the background.
    settings.pii_key_previous = Some(old_key.clone());
    let app = start(db, settings.clone()).await;
    assert_eq!(app.get(&writer, &path).await.json(), first);
    // Applications stored meanwhile are sealed and indexed with the new key, and link to the old
    // ones once those are re-indexed.
    let second = app
        .submit(
            &writer,
            &applicant("rotate-2", "Maria Gonzalez", "+1 312 555 0142"),
        )
        .await;
    assert_eq!(second.status.as_u16(), 201);
    let second_path = format!("/v1/applications/{}", second.json()["id"].as_str().unwrap());
    let store = vetgate::startup::open_store(&settings).await.unwrap();
    eventually("every row is re-sealed and the index rebuilt", || async {
        store.reseal(false, |_| {}).await.unwrap().total() == 0
            && store.index_key().await.unwrap() == Some(store.keys().index_fingerprint())
    })
    .await;
    eventually(
        "the new application links to the re-indexed old one",
        || async {
            codes(&app.get(&writer, &second_path).await.json())
                .contains(&"LNK_SHARED_PHONE".to_owned())
        },
    )
    .await;
    drop(store);
    let latest = app.get(&writer, &path).await.json();
    assert_eq!(latest["id"], first["id"]);
    let (db, mut settings) = app.stop().await;

    // The new key alone now starts, and reads everything; the old one alone no longer does.
    settings.pii_key_previous = None;
    let app = start(db, settings.clone()).await;
    assert_eq!(app.get(&writer, &path).await.json(), latest);
    let history = app.get(&writer, &format!("{path}/history")).await.json();
    assert!(!history["items"].as_array().unwrap().is_empty());
    let (_db, mut settings) = app.stop().await;
    settings.pii_key = Some(old_key);
    assert!(
        vetgate::startup::Application::build(&settings)
            .await
            .is_err(),
        "the old key alone is refused once the rotation is done"
    );
}

/// Before the re-index reaches an old application, a new one sharing its phone finds it: the
/// lookup probes the keys of both secrets (the store here is opened without the service, so no
/// re-index runs at all).
async fn during_a_rotation_lookups_find_rows_still_keyed_with_the_previous_key(backend: Backend) {
    let app = spawn_app(backend).await;
    let writer = app.writer("acme");
    let old = app
        .submit(
            &writer,
            &applicant("keyed-old", "Ana Lima", "+1 312 555 0177"),
        )
        .await
        .json();
    let (db, mut settings) = app.stop().await;
    settings.pii_key_previous = settings.pii_key.clone();
    settings.pii_key = Some(vetgate::config::Secret::new("6b".repeat(32)));
    let store = vetgate::startup::open_store(&settings).await.unwrap();
    assert!(
        store.needs_reindex().await.unwrap(),
        "the index follows the old key"
    );
    let screener = vetgate::startup::screener(
        &settings,
        std::sync::Arc::new(vetgate::metrics::Metrics::default()),
    )
    .unwrap();
    let newcomer =
        serde_json::to_vec(&applicant("keyed-new", "Maria Gonzalez", "+1 312 555 0177")).unwrap();
    let newcomer = vetgate::model::Application::parse(&newcomer).unwrap();
    let tenant = vetgate::store::TenantId::parse("acme").unwrap();
    let gathered = screener
        .facts
        .gather(
            &store.tenant(&tenant),
            &newcomer,
            "keyed-new",
            vetgate::facts::Arrival::New(chrono::Utc::now()),
        )
        .await
        .unwrap();
    let phone_hits: Vec<_> = gathered
        .known
        .shared_identifiers
        .iter()
        .filter(|h| h.kind == vetgate::model::IdentifierKind::Phone)
        .collect();
    assert_eq!(
        phone_hits.len(),
        1,
        "the old application's phone row is found"
    );
    assert_eq!(
        phone_hits[0].owner,
        vetgate::store::Owner::SameTenant(old["id"].as_str().unwrap().to_owned())
    );
    // Told under the current key, so it counts with rows already rebuilt.
    assert!(
        gathered
            .identifiers
            .probes
            .iter()
            .any(|p| p.key == phone_hits[0].key),
        "the hit carries the current key"
    );
    // Its own identity under the old key is not another identity: the old application itself,
    // re-submitted, finds no one else.
    let again =
        serde_json::to_vec(&applicant("keyed-old-2", "Ana Lima", "+1 312 555 0177")).unwrap();
    let again = vetgate::model::Application::parse(&again).unwrap();
    let gathered = screener
        .facts
        .gather(
            &store.tenant(&tenant),
            &again,
            "keyed-old-2",
            vetgate::facts::Arrival::New(chrono::Utc::now()),
        )
        .await
        .unwrap();
    assert!(
        gathered
            .known
            .shared_identifiers
            .iter()
            .all(|h| h.name_key[..] == gathered.identifiers.name_key[..]),
        "the same person under the old key is the same identity"
    );
    drop(store);
    drop(db);
}

async fn a_confirmed_case_keeps_its_fraud_markers_through_an_erasure_until_purged(
    backend: Backend,
) {
    use crate::links::{NAMES, person};
    let app = spawn_app(backend).await;
    let url = app.db.url.clone();
    let writer = app.writer("acme");
    let reviewer = app.token("acme", &[READ, "reviews:write"]);
    let eraser = app.token("acme", &["applications:erase"]);
    let (given, surname, dob) = NAMES[0];
    let confirmed = person(0, given, surname, dob);
    let id = app.submit(&writer, &confirmed).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let decided = app
        .send(
            "POST",
            &format!("/v1/applications/{id}/review"),
            Some(&reviewer),
            &[("Content-Type", "application/json")],
            Some(br#"{"decision": "rejected", "note": "one operator behind five names"}"#),
        )
        .await;
    assert_eq!(decided.status, 200);
    let sealed: Vec<Vec<u8>> = stored_bytes(&url, &id)
        .await
        .into_iter()
        .filter(|b| b.len() > 40)
        .collect();
    assert!(!sealed.is_empty());

    let stone = app
        .send(
            "DELETE",
            &format!("/v1/applications/{id}"),
            Some(&eraser),
            &[],
            None,
        )
        .await
        .json();
    assert_eq!(stone["fraud_markers_kept"], true, "{stone:#}");
    app.get(&writer, &format!("/v1/applications/{id}"))
        .await
        .problem(410);
    assert_eq!(
        surviving(&url, &sealed).await,
        0,
        "no sealed application, verdict or detail"
    );

    // Another identity on the confirmed case's payout account is still told.
    let (given, surname, dob) = NAMES[1];
    let mut second = person(1, given, surname, dob);
    second["payout"]["account_number"] = confirmed["payout"]["account_number"].clone();
    let linked = app.submit(&writer, &second).await.json();
    assert!(
        codes(&linked).contains(&"LNK_LINKED_TO_CONFIRMED".to_owned()),
        "{linked:#}"
    );
    assert_eq!(
        evidence(&linked, "LNK_LINKED_TO_CONFIRMED")["confirmed_cases"],
        json!([id])
    );
    // Its reference is free again.
    assert_eq!(app.submit(&writer, &confirmed).await.status, 201);
    app.send(
        "DELETE",
        &format!("/v1/applications/{id}?purge_fraud_markers=maybe"),
        Some(&eraser),
        &[],
        None,
    )
    .await
    .problem(400);

    let purged = app
        .send(
            "DELETE",
            &format!("/v1/applications/{id}?purge_fraud_markers=true"),
            Some(&eraser),
            &[],
            None,
        )
        .await
        .json();
    assert_eq!(purged["fraud_markers_kept"], false, "{purged:#}");
    assert!(
        stored_bytes(&url, &id).await.is_empty(),
        "no row of it is left"
    );
    let (given, surname, dob) = NAMES[2];
    let mut third = person(2, given, surname, dob);
    third["payout"]["account_number"] = confirmed["payout"]["account_number"].clone();
    let after = app.submit(&writer, &third).await.json();
    let got = codes(&after);
    assert!(
        !got.contains(&"LNK_LINKED_TO_CONFIRMED".to_owned()),
        "{after:#}"
    );
}
