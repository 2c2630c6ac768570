//! Hostile clients at the socket: slow headers, slow bodies, header floods, deeply nested JSON; and
//! the binary's graceful shutdown on SIGTERM. Raw TCP where an HTTP client would not misbehave.

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
    let series = |body: &[u8]| {
        String::from_utf8_lossy(body)
            .lines()
            .filter(|l| !l.starts_with('#'))
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
