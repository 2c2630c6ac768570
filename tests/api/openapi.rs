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
    // Every route the router is built from, so a new route without documentation fails here.
    let routes = vetgate::api::route_table();
    assert!(routes.len() >= 13, "{routes:?}");
    for (path, method) in routes {
        let method = method.as_str().to_lowercase();
        let operation = &doc["paths"][path][&method];
        assert!(operation.is_object(), "{method} {path} is not documented");
        if operation["security"].is_array() {
            for status in ["401", "403"] {
                let problem =
                    &operation["responses"][status]["content"]["application/problem+json"];
                assert_eq!(
                    problem["schema"]["$ref"], "#/components/schemas/Problem",
                    "{method} {path} documents no {status} problem"
                );
            }
        }
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
