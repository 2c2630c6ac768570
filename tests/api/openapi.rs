use crate::helpers::*;

#[actix_web::test]
async fn the_openapi_document_is_3_1_and_describes_every_route() {
    let app = spawn_app(Backend::Sqlite).await;
    let reply = app.send("GET", "/openapi.json", None, &[], None).await;
    assert_eq!(reply.status.as_u16(), 200);
    let doc = reply.json();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    for (path, method) in [
        ("/v1/applications", "post"),
        ("/v1/applications", "get"),
        ("/v1/applications/{id}", "get"),
        ("/v1/applications/{id}/history", "get"),
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/metrics", "get"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} is not documented"
        );
    }
    let post = &doc["paths"]["/v1/applications"]["post"];
    for status in [
        "200", "201", "400", "401", "403", "413", "415", "422", "503",
    ] {
        assert!(
            post["responses"][status].is_object(),
            "POST /v1/applications does not document {status}"
        );
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    for schema in ["Application", "Verdict", "Problem"] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "{schema} schema missing"
        );
    }
}
