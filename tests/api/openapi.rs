use crate::helpers::*;
use serde_json::Value;

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

/// The constraint keywords that say which values a field takes.
const CONSTRAINTS: [&str; 10] = [
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "minItems",
    "maxItems",
    "minimum",
    "maximum",
    "enum",
    "additionalProperties",
];

/// A schema node of `doc` with its `$ref` followed, and an optional member's `null` alternative
/// (`oneOf: [{$ref}, {type: null}]`) set aside.
fn resolve<'a>(doc: &'a Value, node: &'a Value) -> &'a Value {
    if let Some(reference) = node["$ref"].as_str() {
        let pointer = reference.trim_start_matches('#');
        return resolve(doc, doc.pointer(pointer).unwrap_or(&Value::Null));
    }
    if let Some(branches) = node["oneOf"].as_array()
        && branches.iter().any(|b| b["type"] == "null")
        && let Some(other) = branches.iter().find(|b| b["type"] != "null")
    {
        return resolve(doc, other);
    }
    node
}

/// The non-null types a node allows (`["string", "null"]` and `"string"` are both `string`).
fn types(node: &Value) -> Vec<String> {
    let mut types: Vec<String> = match &node["type"] {
        Value::String(t) => vec![t.clone()],
        Value::Array(ts) => ts
            .iter()
            .filter_map(|t| t.as_str().map(String::from))
            .collect(),
        _ => vec![],
    };
    types.retain(|t| t != "null");
    types
}

/// Walks the contract's schema and the published one side by side, collecting every constraint the
/// published one lacks or states differently.
fn compare(
    contract: &Value,
    published_doc: &Value,
    published: &Value,
    at: &str,
    drift: &mut Vec<String>,
) {
    let published = resolve(published_doc, published);
    for keyword in CONSTRAINTS {
        let expected = &contract[keyword];
        if expected.is_null() {
            continue;
        }
        let mut found = published[keyword].clone();
        if keyword == "enum" {
            // A nullable enum lists null as well.
            if let Value::Array(values) = &mut found {
                values.retain(|v| !v.is_null());
            }
        }
        let same = match (expected.as_f64(), found.as_f64()) {
            (Some(a), Some(b)) => a == b,
            _ => *expected == found,
        };
        if !same {
            drift.push(format!(
                "{at}: {keyword} is {found}, the contract says {expected}"
            ));
        }
    }
    if !types(contract).is_empty() && types(contract) != types(published) {
        drift.push(format!(
            "{at}: type is {:?}, the contract says {:?}",
            types(published),
            types(contract)
        ));
    }
    if let Some(required) = contract["required"].as_array() {
        let mut expected: Vec<&str> = required.iter().filter_map(Value::as_str).collect();
        let mut found: Vec<&str> = published["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        expected.sort_unstable();
        found.sort_unstable();
        if expected != found {
            drift.push(format!(
                "{at}: required is {found:?}, the contract says {expected:?}"
            ));
        }
    }
    if let Some(any_of) = contract["anyOf"].as_array() {
        let formats = |node: &Value| -> Vec<Value> {
            node["anyOf"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|n| resolve(published_doc, n)["format"].clone())
                .collect()
        };
        let expected: Vec<Value> = any_of.iter().map(|n| n["format"].clone()).collect();
        if formats(published) != expected {
            drift.push(format!(
                "{at}: anyOf formats are {:?}, the contract says {expected:?}",
                formats(published)
            ));
        }
    }
    for (name, child) in contract["properties"].as_object().into_iter().flatten() {
        let theirs = &published["properties"][name];
        if theirs.is_null() {
            drift.push(format!("{at}/{name} is not published"));
        } else {
            compare(child, published_doc, theirs, &format!("{at}/{name}"), drift);
        }
    }
    if contract["items"].is_object() {
        compare(
            &contract["items"],
            published_doc,
            &published["items"],
            &format!("{at}/items"),
            drift,
        );
    }
}

#[actix_web::test]
async fn the_published_application_schema_states_every_constraint_of_the_contract() {
    let app = spawn_app(Backend::Sqlite).await;
    let doc = app
        .send("GET", "/openapi.json", None, &[], None)
        .await
        .json();
    let path = shared_dir().join("contract/application.schema.json");
    let contract: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut drift = Vec::new();
    compare(
        &contract,
        &doc,
        &doc["components"]["schemas"]["Application"],
        "",
        &mut drift,
    );
    assert!(
        drift.is_empty(),
        "{} differences:\n{}",
        drift.len(),
        drift.join("\n")
    );
    // The request body of POST /v1/applications is that schema.
    assert_eq!(
        doc["paths"]["/v1/applications"]["post"]["requestBody"]["content"]["application/json"]["schema"]
            ["$ref"],
        "#/components/schemas/Application"
    );
}
