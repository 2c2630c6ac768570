//! The auth matrix: each way a token can be wrong, on a real server.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;
use vetgate::api::auth::Audience;

use crate::helpers::*;

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn sign_value(claims: &serde_json::Value, key: &EncodingKey, alg: Algorithm) -> String {
    jsonwebtoken::encode(&Header::new(alg), claims, key).unwrap()
}

fn valid_claims() -> serde_json::Value {
    json!({"sub": "t", "tenant": "acme", "scope": "applications:write verdicts:read", "exp": chrono::Utc::now().timestamp() + 600})
}

#[actix_web::test]
async fn every_bad_token_gets_401_and_a_missing_scope_403() {
    let app = spawn_app(Backend::Sqlite).await;
    let list = "/v1/applications";

    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(valid_claims().to_string())
    );
    let wrong_key = sign_value(
        &valid_claims(),
        &EncodingKey::from_secret(b"another-secret-another-secret-xx"),
        Algorithm::HS256,
    );
    let expired = token_with(|c| c.exp = (chrono::Utc::now().timestamp() - 3600) as u64);
    let mut no_exp = valid_claims();
    no_exp.as_object_mut().unwrap().remove("exp");
    let no_exp = sign_value(
        &no_exp,
        &EncodingKey::from_secret(SECRET.as_bytes()),
        Algorithm::HS256,
    );
    let bad_tenant = token_with(|c| c.tenant = "acme; drop table".into());
    // The right secret under another HMAC algorithm: the algorithm is pinned, not read from the token.
    let other_alg = sign_value(
        &valid_claims(),
        &EncodingKey::from_secret(SECRET.as_bytes()),
        Algorithm::HS512,
    );
    let mut not_yet = valid_claims();
    not_yet["nbf"] = json!(chrono::Utc::now().timestamp() + 3600);
    let not_yet = sign_value(
        &not_yet,
        &EncodingKey::from_secret(SECRET.as_bytes()),
        Algorithm::HS256,
    );
    // 12 KB of claims: under the header limit, read and refused like any other bad token.
    let mut bloated = valid_claims();
    bloated["padding"] = json!("x".repeat(9000));
    let bloated = sign_value(
        &bloated,
        &EncodingKey::from_secret(b"another-secret-another-secret-xx"),
        Algorithm::HS256,
    );
    let mut tampered = token_with(|_| {});
    tampered.insert(tampered.find('.').unwrap() + 2, 'x');

    let cases: [(&str, Option<&str>); 11] = [
        ("no token", None),
        ("garbage", Some("not-a-jwt")),
        ("alg none", Some(&unsigned)),
        ("bad signature", Some(&wrong_key)),
        ("tampered payload", Some(&tampered)),
        ("expired", Some(&expired)),
        ("no exp claim", Some(&no_exp)),
        ("tenant claim with forbidden characters", Some(&bad_tenant)),
        ("right secret, other algorithm (HS512)", Some(&other_alg)),
        ("not valid before an hour from now", Some(&not_yet)),
        ("12 KB token with a bad signature", Some(&bloated)),
    ];
    for (why, token) in cases {
        let reply = app.send("GET", list, token, &[], None).await;
        let problem = reply.problem(401);
        assert_eq!(problem["type"], "/problems/unauthorized", "{why}");
        assert_eq!(reply.header("www-authenticate"), Some("Bearer"), "{why}");
    }
    let basic = app
        .send(
            "GET",
            list,
            None,
            &[("Authorization", "Basic YWRtaW46YWRtaW4=")],
            None,
        )
        .await;
    basic.problem(401);

    let read_only = app.token("acme", &[READ]);
    let refused = app
        .submit(&read_only, &contract_example("clean-us-applicant.json"))
        .await;
    let problem = refused.problem(403);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("applications:write")
    );
    let write_only = app.token("acme", &[WRITE]);
    app.get(&write_only, list).await.problem(403);
    assert_eq!(app.get(&read_only, list).await.status.as_u16(), 200);
}

#[actix_web::test]
async fn issuer_and_audience_are_checked_when_configured() {
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.jwt_issuer = Some("https://idp.example".into());
        s.jwt_audience = Some("vetgate".into());
    })
    .await;
    let list = "/v1/applications";
    let good = token_with(|c| {
        c.iss = Some("https://idp.example".into());
        c.aud = Some(Audience::One("vetgate".into()));
    });
    assert_eq!(app.get(&good, list).await.status.as_u16(), 200);
    let wrong_aud = token_with(|c| {
        c.iss = Some("https://idp.example".into());
        c.aud = Some(Audience::One("someone-else".into()));
    });
    app.get(&wrong_aud, list).await.problem(401);
    let no_aud = token_with(|c| c.iss = Some("https://idp.example".into()));
    app.get(&no_aud, list).await.problem(401);
    let wrong_iss = token_with(|c| {
        c.iss = Some("https://evil.example".into());
        c.aud = Some(Audience::One("vetgate".into()));
    });
    app.get(&wrong_iss, list).await.problem(401);
    // RFC 7519: `aud` may be an array; it passes when it holds ours.
    let audiences = token_with(|c| {
        c.iss = Some("https://idp.example".into());
        c.aud = Some(Audience::Many(vec!["crm".into(), "vetgate".into()]));
    });
    assert_eq!(app.get(&audiences, list).await.status.as_u16(), 200);
    let others = token_with(|c| {
        c.iss = Some("https://idp.example".into());
        c.aud = Some(Audience::Many(vec!["crm".into(), "billing".into()]));
    });
    app.get(&others, list).await.problem(401);
}

#[actix_web::test]
async fn a_token_must_name_a_subject_and_expire_within_the_configured_lifetime() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.jwt_max_lifetime_seconds = 3_600).await;
    let list = "/v1/applications";
    let now = chrono::Utc::now().timestamp() as u64;
    let within = token_with(|c| c.exp = now + 3_000);
    assert_eq!(app.get(&within, list).await.status.as_u16(), 200);
    for forever in [now + 7_200, i64::MAX as u64, u64::MAX] {
        let token = token_with(|c| c.exp = forever);
        app.get(&token, list).await.problem(401);
    }
    for nobody in ["", "   "] {
        let token = token_with(|c| c.sub = nobody.into());
        app.get(&token, list).await.problem(401);
    }
}

#[actix_web::test]
async fn a_public_key_pins_its_algorithm_and_defeats_hs_rs_confusion() {
    let rsa_public = std::fs::read(fixture("rsa-public.pem")).unwrap();
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.jwt_secret = None;
        s.jwt_public_key = Some(fixture("rsa-public.pem"));
    })
    .await;
    let list = "/v1/applications";
    let rsa_private =
        EncodingKey::from_rsa_pem(&std::fs::read(fixture("rsa-private.pem")).unwrap()).unwrap();
    let rs256 = sign_value(&valid_claims(), &rsa_private, Algorithm::RS256);
    assert_eq!(
        app.get(&rs256, list).await.status.as_u16(),
        200,
        "RS256 with the right key"
    );

    // The classic confusion: HS256 with the public key as the shared secret.
    let confused = sign_value(
        &valid_claims(),
        &EncodingKey::from_secret(&rsa_public),
        Algorithm::HS256,
    );
    app.get(&confused, list).await.problem(401);
    let hs256 = token_with(|_| {});
    app.get(&hs256, list).await.problem(401);
    let ps256 = sign_value(&valid_claims(), &rsa_private, Algorithm::PS256);
    app.get(&ps256, list).await.problem(401);

    let ec = spawn_app_with(Backend::Sqlite, |s| {
        s.jwt_secret = None;
        s.jwt_public_key = Some(fixture("ec-public.pem"));
    })
    .await;
    let ec_private =
        EncodingKey::from_ec_pem(&std::fs::read(fixture("ec-private.pem")).unwrap()).unwrap();
    let es256 = sign_value(&valid_claims(), &ec_private, Algorithm::ES256);
    assert_eq!(
        ec.get(&es256, list).await.status.as_u16(),
        200,
        "ES256 with an EC key"
    );
    ec.get(&rs256, list).await.problem(401);
}
