//! The OpenAPI document is generated from the handlers; this snapshot shows every
//! change to the API in review. Refresh it with `SIGNPOST_UPDATE_SNAPSHOTS=1`.
use std::path::Path;

#[test]
fn openapi_document_matches_the_reviewed_snapshot() {
    let doc = signpost_web::openapi::document();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/openapi.snapshot.json");
    if std::env::var_os("SIGNPOST_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &doc).unwrap();
    }
    let expected = std::fs::read_to_string(&path).expect("snapshot missing: run with SIGNPOST_UPDATE_SNAPSHOTS=1");
    assert!(
        doc == expected,
        "the API changed: review the difference and refresh with SIGNPOST_UPDATE_SNAPSHOTS=1 cargo nextest run -p signpost-web"
    );
}

#[test]
fn openapi_document_is_3_1_and_describes_errors() {
    let doc: serde_json::Value = serde_json::from_str(&signpost_web::openapi::document()).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in ["/api/v1/assets", "/api/v1/assets/{id}/verify", "/api/v1/search", "/api/v1/suggest", "/api/v1/tokens", "/api/v1/audit"] {
        assert!(doc["paths"][path].is_object(), "{path} is missing");
    }
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[test]
fn every_operation_has_its_own_id_for_client_generators() {
    let doc: serde_json::Value = serde_json::from_str(&signpost_web::openapi::document()).unwrap();
    let mut seen = std::collections::HashMap::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has no operation id"));
            if let Some(first) = seen.insert(id.to_string(), format!("{method} {path}")) {
                panic!("{id} names both {first} and {method} {path}");
            }
        }
    }
    assert!(seen.len() > 100, "{} operations", seen.len());
}

#[test]
fn every_reference_names_a_schema_of_its_own() {
    let text = signpost_web::openapi::document();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for reference in text.split("\"$ref\": \"#/components/schemas/").skip(1) {
        let name = &reference[..reference.find('"').unwrap()];
        assert!(schemas.contains_key(name), "{name} is referred to but not described");
    }
    // Types that share a name in different modules keep separate schemas.
    let has = |schema: &str, field: &str| schemas[schema]["properties"].get(field).is_some();
    assert!(has("ActionInput", "title") && has("LeaverActionInput", "tool"));
    assert!(has("ProgrammeReport", "impacts") && has("CoffeeProgrammeReport", "ever_paired"));
    assert!(has("Suggestion", "title") && has("MentoringSuggestion", "reasons"));
}
