//! Hostile clients at the socket: slow headers, slow bodies, header floods, deeply nested JSON; and
//! the binary's graceful shutdown on SIGTERM. Raw TCP where an HTTP client would not misbehave.
//! Hostile text in the application: invisible characters, compatibility forms and look-alike
//! letters in names and identifiers, which must neither hide a sanctions match nor a link (these
//! store applications and lists, so they run on both backends).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::*;

/// Everything the server sends until it closes the connection or `within` passes.
async fn read_until_close(stream: &mut TcpStream, within: Duration) -> String {
    let mut received = Vec::new();
    let _ = tokio::time::timeout(within, stream.read_to_end(&mut received)).await;
    String::from_utf8_lossy(&received).into_owned()
}

fn host_port(app: &TestApp) -> String {
    app.address.trim_start_matches("http://").to_owned()
}

fn post_head(token: &str, content_length: usize) -> String {
    format!(
        "POST /v1/applications HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {content_length}\r\n\r\n"
    )
}

#[actix_web::test]
async fn a_body_that_trickles_in_gets_408_and_the_server_keeps_serving() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.http_body_timeout_seconds = 1).await;
    let token = app.writer("acme");
    let body = serde_json::to_vec(&contract_example("clean-us-applicant.json")).unwrap();

    let mut slow = TcpStream::connect(host_port(&app)).await.unwrap();
    slow.write_all(post_head(&token, body.len()).as_bytes())
        .await
        .unwrap();
    slow.write_all(&body[..20]).await.unwrap();
    let started = Instant::now();
    // The rest never comes; one byte a while later changes nothing.
    tokio::time::sleep(Duration::from_millis(500)).await;
    slow.write_all(&body[20..21]).await.unwrap();
    let answer = read_until_close(&mut slow, Duration::from_secs(10)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
    assert!(answer.contains("/problems/request-timeout"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(5));

    // Nothing was stored, and an ordinary request is served as usual.
    let list = app.get(&token, "/v1/applications").await;
    assert_eq!(list.json()["items"].as_array().unwrap().len(), 0);
    let reply = app
        .submit(&token, &contract_example("clean-us-applicant.json"))
        .await;
    assert_eq!(reply.status, 201);
}

/// A list upload as multipart, trickled: cut off like a JSON body, and no version stored.
#[actix_web::test]
async fn a_multipart_list_upload_that_trickles_in_gets_408() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.http_body_timeout_seconds = 1).await;
    let token = app.token("operator", &["lists:admin"]);
    let boundary = "trickle-7MA4YWxkTrZu0gW";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"format\"\r\n\r\ncsv\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"list\"\r\n\r\nOPS-SLOW\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.csv\"\r\n\r\n\
         id,kind,name,aliases,dates_of_birth,nationalities,programs,crypto_addresses,source,source_date,notes\r\n\
         S-1,person,Quentin Marlowe Abernathy,,,,,,src,2026-11-20,\r\n--{boundary}--\r\n"
    );
    let head = format!(
        "POST /v1/admin/lists HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut slow = TcpStream::connect(host_port(&app)).await.unwrap();
    slow.write_all(head.as_bytes()).await.unwrap();
    slow.write_all(&body.as_bytes()[..60]).await.unwrap();
    let started = Instant::now();
    tokio::time::sleep(Duration::from_millis(500)).await;
    slow.write_all(&body.as_bytes()[60..61]).await.unwrap();
    let answer = read_until_close(&mut slow, Duration::from_secs(10)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("/problems/request-timeout"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(5));

    let status = app.get(&token, "/v1/admin/lists").await.json();
    assert!(!status.to_string().contains("OPS-SLOW"), "{status:#}");
}

#[actix_web::test]
async fn headers_that_never_finish_are_cut_off() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.http_header_timeout_seconds = 1).await;
    let mut slow = TcpStream::connect(host_port(&app)).await.unwrap();
    slow.write_all(b"POST /v1/applications HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        .await
        .unwrap();
    let started = Instant::now();
    let answer = read_until_close(&mut slow, Duration::from_secs(10)).await;
    // actix answers 408 and closes; either way the connection is gone well before our 10 s.
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    let healthz = app.send("GET", "/healthz", None, &[], None).await;
    assert_eq!(healthz.status, 200);
}

#[actix_web::test]
async fn header_floods_are_refused_without_harm() {
    let app = spawn_app(Backend::Sqlite).await;
    let token = app.writer("acme");

    // 500 headers.
    let mut flood = format!(
        "GET /v1/applications HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n"
    );
    for i in 0..500 {
        flood.push_str(&format!("X-Flood-{i}: {i}\r\n"));
    }
    flood.push_str("\r\n");
    let mut stream = TcpStream::connect(host_port(&app)).await.unwrap();
    stream.write_all(flood.as_bytes()).await.unwrap();
    let answer = read_until_close(&mut stream, Duration::from_secs(5)).await;
    assert!(
        answer.starts_with("HTTP/1.1 431") || answer.starts_with("HTTP/1.1 400"),
        "{answer}"
    );

    // One header of 1 MB.
    let huge = format!(
        "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Huge: {}\r\n\r\n",
        "a".repeat(1 << 20)
    );
    let mut stream = TcpStream::connect(host_port(&app)).await.unwrap();
    // The server may close before it has read everything; a reset while writing is an answer too.
    let _ = stream.write_all(huge.as_bytes()).await;
    let answer = read_until_close(&mut stream, Duration::from_secs(5)).await;
    assert!(
        answer.is_empty()
            || answer.starts_with("HTTP/1.1 431")
            || answer.starts_with("HTTP/1.1 400"),
        "{}",
        &answer[..answer.len().min(200)]
    );

    let reply = app
        .submit(&token, &contract_example("clean-us-applicant.json"))
        .await;
    assert_eq!(reply.status, 201);
}

#[actix_web::test]
async fn deeply_nested_json_is_a_400_not_a_stack_overflow() {
    let app = spawn_app(Backend::Sqlite).await;
    let token = app.writer("acme");
    let post = |body: Vec<u8>| {
        let app = &app;
        let token = token.clone();
        async move {
            app.send(
                "POST",
                "/v1/applications",
                Some(&token),
                &[("Content-Type", "application/json")],
                Some(&body),
            )
            .await
        }
    };

    // 100,000 levels of arrays (200 KB, under the body limit).
    let depth = 100_000;
    let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth)).into_bytes();
    let problem = post(nested).await.problem(400);
    assert_eq!(problem["type"], "/problems/malformed-json");

    // The same depth inside a field of an otherwise ordinary application.
    let mut application =
        serde_json::to_string(&contract_example("clean-us-applicant.json")).unwrap();
    application.insert_str(
        1,
        &format!(
            "\"extra\": {}1{}, ",
            "{\"a\":".repeat(20_000),
            "}".repeat(20_000)
        ),
    );
    let problem = post(application.into_bytes()).await.problem(400);
    assert_eq!(problem["type"], "/problems/malformed-json");

    let list = app.get(&token, "/v1/applications").await;
    assert_eq!(list.json()["items"].as_array().unwrap().len(), 0);
}

/// A free port on 127.0.0.1 (bound and released: another process could take it meanwhile, which
/// only makes the test fail loudly).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[actix_web::test]
async fn sigterm_finishes_in_flight_requests_refuses_new_ones_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_vetgate"))
        .arg("serve")
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("VETGATE_LISTEN", format!("127.0.0.1:{port}"))
        .env(
            "VETGATE_DATABASE_URL",
            format!("sqlite://{}", dir.path().join("vetgate.db").display()),
        )
        .env("VETGATE_JWT_SECRET", SECRET)
        .env("VETGATE_PII_KEY", "42".repeat(32))
        .env("VETGATE_GEOIP_DIR", dir.path().join("no-geoip"))
        .env("VETGATE_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the vetgate binary starts");
    let address = format!("127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(&address).await.is_err() {
        assert!(
            Instant::now() < deadline,
            "the server did not start listening"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let token = token_with(|c| {
        c.tenant = "acme".into();
        c.scope = format!("{WRITE} {READ}");
    });
    let body = serde_json::to_vec(&contract_example("clean-us-applicant.json")).unwrap();
    // In flight: headers and half the body sent when SIGTERM arrives.
    let mut in_flight = TcpStream::connect(&address).await.unwrap();
    in_flight
        .write_all(post_head(&token, body.len()).as_bytes())
        .await
        .unwrap();
    in_flight.write_all(&body[..body.len() / 2]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let status = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());

    // New connections are refused once the listener is closed.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if TcpStream::connect(&address).await.is_err() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "still accepting connections after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // The request in flight completes and is stored.
    in_flight.write_all(&body[body.len() / 2..]).await.unwrap();
    let answer = read_until_close(&mut in_flight, Duration::from_secs(20)).await;
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");

    let deadline = Instant::now() + Duration::from_secs(40);
    let exit = loop {
        if let Some(exit) = server.try_wait().unwrap() {
            break exit;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(exit.code(), Some(0), "exit status {exit:?}");

    // What it acknowledged is on disk.
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        dir.path().join("vetgate.db").display()
    ))
    .await
    .unwrap();
    let stored: i64 = sqlx::query_scalar("select count(*) from verdicts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, 1);
}

/// `/metrics` is unauthenticated: a client inventing HTTP methods must not add a series per method.
#[actix_web::test]
async fn invented_methods_do_not_grow_the_metrics() {
    let app = spawn_app(Backend::Sqlite).await;
    // Only the per-request series: background gauges (cases, queues) may appear at any moment.
    let series = |body: &[u8]| {
        String::from_utf8_lossy(body)
            .lines()
            .filter(|l| !l.starts_with('#') && l.contains("method=\""))
            .count()
    };
    // One invented method, and /metrics read once, so both have their series already.
    app.send("FROB0", "/healthz", None, &[], None).await;
    app.send("GET", "/metrics", None, &[], None).await;
    let before = series(&app.send("GET", "/metrics", None, &[], None).await.body);
    for i in 1..50 {
        let reply = app
            .send(&format!("FROB{i}"), "/healthz", None, &[], None)
            .await;
        assert_eq!(reply.status.as_u16(), 405);
    }
    let body = app.send("GET", "/metrics", None, &[], None).await.body;
    assert_eq!(series(&body), before, "{}", String::from_utf8_lossy(&body));
    assert!(String::from_utf8_lossy(&body).contains(r#"method="other""#));
    assert!(!String::from_utf8_lossy(&body).contains("FROB"));
}

#[actix_web::test]
async fn a_method_a_path_does_not_take_is_405_with_allow() {
    let app = spawn_app(Backend::Sqlite).await;
    let token = app.writer("acme");
    for (method, path, allow) in [
        ("TRACE", "/healthz", "GET"),
        ("DELETE", "/v1/applications", "GET, POST"),
        ("PUT", "/v1/sanctions/search", "POST"),
    ] {
        let reply = app.send(method, path, Some(&token), &[], None).await;
        let problem = reply.problem(405);
        assert_eq!(problem["type"], "/problems/method-not-allowed");
        assert_eq!(reply.header("allow"), Some(allow), "{method} {path}");
    }
    // An unknown path stays 404.
    app.send("GET", "/v2/nothing", Some(&token), &[], None)
        .await
        .problem(404);
    // And an empty filter is a bad query, not a filter matching nothing.
    let reply = app
        .send(
            "GET",
            "/v1/applications?external_ref=",
            Some(&token),
            &[],
            None,
        )
        .await;
    assert_eq!(
        reply.problem(400)["parameters"][0]["parameter"],
        "external_ref"
    );
}

on_both_backends!(
    a_listed_name_written_with_invisible_or_look_alike_letters_is_still_the_listed_name,
    a_listed_wallet_with_an_invisible_character_inside_is_still_rejected,
    identifiers_written_with_invisible_characters_full_width_digits_or_a_national_phone_still_link,
    ordinary_names_in_their_own_script_are_not_mixed_script,
);

/// An ordinary US applicant without a document named `name` (also the payout holder), with
/// contact details, account and sessions of their own.
fn named(key: &str, name: &str, dob: &str) -> serde_json::Value {
    let mut a = contract_example("clean-us-applicant.json");
    a["external_ref"] = key.into();
    a["applicant"]["full_name"] = name.into();
    a["applicant"]["date_of_birth"] = dob.into();
    a["payout"]["account_holder_name"] = name.into();
    a.as_object_mut().unwrap().remove("identity_document");
    own_attributes(&mut a, key);
    a
}

/// OFAC lists `PARK, Jin Hyok` (DPRK3, born 15 Aug 1984). Spelled `Pak Jin Hyok` with that birth
/// date an applicant is rejected; the same name with zero-width or soft-hyphen characters inside,
/// Greek or Cyrillic capitals among the Latin letters, a small-capital `ɪ` or in full-width letters
/// scores the same and is rejected the same. The look-alike spellings also raise
/// `ID_NAME_MIXED_SCRIPT`, naming the field and the scripts, not the name.
async fn a_listed_name_written_with_invisible_or_look_alike_letters_is_still_the_listed_name(
    backend: Backend,
) {
    use crate::sanctions_api::{ADMIN, ofac_files, search, upload};
    use serde_json::json;

    let app = spawn_app(backend).await;
    let operator = app.token("operator", &[ADMIN]);
    let reply = upload(&app, &operator, &[("format", "ofac-csv")], &ofac_files()).await;
    assert_eq!(reply.status, 201);
    let reader = app.token("acme", &[READ]);
    let writer = app.writer("acme");

    let score = |found: serde_json::Value| {
        found["matches"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["entry_name"] == "PARK, Jin Hyok")
            .map_or(0.0, |m| m["score"].as_f64().unwrap())
    };
    let plain = score(
        search(&app, &reader, json!({"name": "Pak Jin Hyok"}))
            .await
            .json(),
    );
    assert!(plain >= 0.99, "{plain}");

    for (i, (spelling, mixed)) in [
        ("Pak Jin Hyok", false),
        ("Pa\u{200B}k Ji\u{200B}n Hyo\u{200B}k", false),
        ("Pa\u{00AD}k Jin Hy\u{00AD}ok", false),
        ("Pak Ji\u{200D}n Hyok", false),
        ("Pak Jin Hy\u{2060}ok", false),
        ("\u{FEFF}Pak\u{200E} Jin Hyok\u{FE0F}", false),
        ("Pak J\u{026A}n Hyok", false),
        ("\u{FF30}\u{FF41}\u{FF4B} Jin Hyok", false),
        ("\u{03A1}ak Jin \u{0397}yok", true),
        ("\u{0420}\u{0430}k \u{0408}in \u{041D}yok", true),
    ]
    .into_iter()
    .enumerate()
    {
        let found = search(&app, &reader, json!({"name": spelling})).await;
        assert_eq!(found.status, 200);
        assert_eq!(score(found.json()), plain, "{spelling:?}");

        let reply = app
            .submit(
                &writer,
                &named(&format!("spoof-{i}"), spelling, "1984-08-15"),
            )
            .await;
        assert_eq!(reply.status, 201);
        let verdict = reply.json();
        assert_valid_verdict(&verdict);
        assert_eq!(verdict["verdict"], "reject", "{spelling:?}: {verdict:#}");
        let listed = evidence(&verdict, "SAN_APPLICANT_MATCH_CORROBORATED");
        assert!(
            listed["entries"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["entry_name"] == "PARK, Jin Hyok" && e["field"] == "applicant.full_name"),
            "{spelling:?}: {verdict:#}"
        );
        assert_eq!(
            codes(&verdict).contains(&"ID_NAME_MIXED_SCRIPT".to_owned()),
            mixed,
            "{spelling:?}: {verdict:#}"
        );
        if mixed {
            let evidence = evidence(&verdict, "ID_NAME_MIXED_SCRIPT");
            let fields: Vec<&str> = evidence["fields"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["field"].as_str().unwrap())
                .collect();
            assert_eq!(
                fields,
                ["applicant.full_name", "payout.account_holder_name"]
            );
            let scripts = &evidence["fields"][0]["scripts"];
            assert!(
                scripts == &json!(["Greek", "Latin"]) || scripts == &json!(["Cyrillic", "Latin"]),
                "{evidence:#}"
            );
            assert!(
                !evidence.to_string().contains("yok"),
                "no name echoed: {evidence:#}"
            );
        }
    }
}

/// A curated DPRK IT-worker wallet with a zero-width space (or a BOM, or in full-width digits) in
/// the middle is the same wallet: rejected like the plain address.
async fn a_listed_wallet_with_an_invisible_character_inside_is_still_rejected(backend: Backend) {
    let app = spawn_app(backend).await;
    let writer = app.writer("acme");
    for (i, address) in [
        "0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c",
        "0x4f47bc4960\u{200B}83c727c5fbe3ce9cdf2b0f6496270c",
        "\u{2060}0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c\u{FEFF}",
        "0x4f47bc496083c727c5fbe3ce9cdf2b0f649627\u{FF10}c",
    ]
    .into_iter()
    .enumerate()
    {
        let mut a = named(&format!("wallet-{i}"), "Emily Carter", "1990-03-14");
        a["payout"] = serde_json::json!({
            "method": "crypto",
            "account_holder_name": "Emily Carter",
            "crypto_asset": "ETH",
            "crypto_address": address,
        });
        let verdict = app.submit(&writer, &a).await.json();
        assert_eq!(verdict["verdict"], "reject", "{address:?}: {verdict:#}");
        let evidence = evidence(&verdict, "SAN_PAYOUT_ADDRESS_LISTED");
        assert_eq!(evidence["entries"][0]["field"], "payout.crypto_address");
    }
}

/// Another identity with the same document number in full-width digits, the same e-mail with a
/// zero-width space, the same Korean mobile number written nationally (`010-…`) or without `+`:
/// each is the same identifier, and links.
async fn identifiers_written_with_invisible_characters_full_width_digits_or_a_national_phone_still_link(
    backend: Backend,
) {
    use serde_json::json;

    let app = spawn_app(backend).await;
    let writer = app.writer("acme");
    let mut first = contract_example("clean-us-applicant.json");
    first["applicant"]["email"] = json!("jiwoo.han@example.com");
    first["applicant"]["phone"] = json!("+82 10 1234 5678");
    let first = app.submit(&writer, &first).await.json();
    let first_id = first["id"].clone();

    let other = |key: &str| {
        let mut a = contract_example("clean-us-applicant.json");
        a["external_ref"] = key.into();
        a["applicant"]["full_name"] = "Maria Lopez".into();
        a["applicant"]["date_of_birth"] = "1988-07-21".into();
        let doc = &mut a["identity_document"];
        doc["surname"] = "LOPEZ".into();
        doc["given_names"] = "MARIA".into();
        doc["date_of_birth"] = "1988-07-21".into();
        doc["number"] = format!("Z{:08}", key.len()).into();
        doc.as_object_mut().unwrap().remove("mrz");
        a["payout"]["account_holder_name"] = "Maria Lopez".into();
        own_attributes(&mut a, key);
        a
    };
    let links_to_first = |verdict: &serde_json::Value, code: &str| {
        // Document reuse lists `{"id", "verdict"}` objects, links the ids.
        assert!(
            evidence(verdict, code)["applications"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["id"] == first_id || *a == first_id),
            "{code}: {verdict:#}"
        );
    };

    // The clean example's passport C03005988, digits in full width, a soft hyphen inside.
    let mut document = other("full-width-document");
    document["identity_document"]["number"] = json!("C\u{FF10}\u{FF13}005\u{00AD}988");
    let verdict = app.submit(&writer, &document).await.json();
    links_to_first(&verdict, "ID_DOCUMENT_REUSED");

    let mut email = other("invisible-email");
    email["applicant"]["email"] = json!("jiwoo\u{200B}.han@example.com");
    let verdict = app.submit(&writer, &email).await.json();
    links_to_first(&verdict, "LNK_SHARED_EMAIL");

    for (i, phone) in ["010-1234-5678", "82 10 1234 5678", "0082 10 1234 5678"]
        .into_iter()
        .enumerate()
    {
        let mut korean = other(&format!("national-phone-{i}"));
        korean["applicant"]["phone"] = json!(phone);
        korean["applicant"]["nationality"] = json!("KR");
        korean["applicant"]["residence"] =
            json!({"country": "KR", "city": "Seoul", "timezone": "Asia/Seoul"});
        korean.as_object_mut().unwrap().remove("shipping_address");
        let verdict = app.submit(&writer, &korean).await.json();
        links_to_first(&verdict, "LNK_SHARED_PHONE");
    }
    // The same digits for a US resident are a US number: another line.
    let mut american = other("us-phone");
    american["applicant"]["phone"] = json!("010-1234-5678");
    let verdict = app.submit(&writer, &american).await.json();
    assert!(
        !codes(&verdict).contains(&"LNK_SHARED_PHONE".to_owned()),
        "{verdict:#}"
    );
}

/// Korean, Chinese, Japanese, Russian and Greek applicants writing their names in their own
/// script, alone or beside a Latin spelling, do not raise `ID_NAME_MIXED_SCRIPT`.
async fn ordinary_names_in_their_own_script_are_not_mixed_script(backend: Backend) {
    let app = spawn_app(backend).await;
    let writer = app.writer("acme");
    for (i, (name, other_names)) in [
        ("박서연", vec!["Park Seo-yeon"]),
        ("Park Seo-yeon 박서연", vec![]),
        ("王芳", vec!["Wang Fang"]),
        ("山田 花子", vec!["Hanako Yamada"]),
        ("Смирнова Анна Петровна", vec!["Anna Smirnova"]),
        ("Γεωργία Παπαδοπούλου", vec![]),
        ("Nguyễn Thị Hương", vec![]),
    ]
    .into_iter()
    .enumerate()
    {
        let mut a = named(&format!("own-script-{i}"), name, "1991-05-17");
        a["applicant"]["other_names"] = serde_json::json!(other_names);
        let verdict = app.submit(&writer, &a).await.json();
        assert_valid_verdict(&verdict);
        assert!(
            !codes(&verdict).contains(&"ID_NAME_MIXED_SCRIPT".to_owned()),
            "{name}: {verdict:#}"
        );
        assert_eq!(verdict["verdict"], "clear", "{name}: {verdict:#}");
    }
}
