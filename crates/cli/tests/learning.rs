//! Learning before, during and after: the technique catalogue and its editing.
mod common;

use common::web::WebUser;
use common::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(the_catalogue_ships_the_techniques_and_specialists_edit_and_extend_it);

fn names(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_string()).collect()
}

async fn the_catalogue_ships_the_techniques_and_specialists_edit_and_extend_it(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let (status, list) = t.get("alice", "/api/v1/techniques").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&list).len(), 16);
    let (_, aar) = t.get("guest", "/api/v1/techniques/after-action-review").await;
    assert_eq!(aar["stage"], "during");
    assert_eq!(aar["questions"][0], "What was supposed to happen?");
    assert_eq!(t.get("alice", "/api/v1/techniques/no-such-thing").await.0, StatusCode::NOT_FOUND);

    let mut edited = aar.clone();
    edited["duration"] = json!("20 minutes, at the end of every shift");
    assert_eq!(t.put("alice", "/api/v1/techniques/after-action-review", edited.clone()).await.0, StatusCode::FORBIDDEN);
    let (status, saved) = t.put("spec", "/api/v1/techniques/after-action-review", edited).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (_, aar) = t.get("alice", "/api/v1/techniques/after-action-review").await;
    assert_eq!(aar["duration"], "20 minutes, at the end of every shift");

    let huddle = json!({
        "key": "safety-huddle", "name": "Safety huddle", "stage": "during", "source": "Ward practice",
        "purpose": "Share risks at the start of a shift.", "group_size": "The shift team", "duration": "10 minutes",
        "roles": ["nurse in charge"], "steps": ["Who is at risk today?", "What happened since the last huddle?"],
        "questions": [], "output": "Risks and who owns them."
    });
    let (status, body) = t.put("spec", "/api/v1/techniques/safety-huddle", huddle.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, list) = t.get("alice", "/api/v1/techniques").await;
    assert_eq!(names(&list).len(), 17);
    assert_eq!(names(&list).last().map(String::as_str), Some("Safety huddle"), "the organisation's own come after the shipped ones");

    let mut bad = huddle.clone();
    bad["steps"] = json!(["Who is at risk today?", "  "]);
    let (status, err) = t.put("spec", "/api/v1/techniques/Bad Key", bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    let fields: Vec<&str> = err["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["key", "steps[1]"], "{err}");
    assert_eq!(names(&t.get("alice", "/api/v1/techniques").await.1).len(), 17, "a refused technique is not saved");

    // The pages read the same catalogue, edits included.
    let alice = WebUser::sign_in(&t, "alice").await;
    let (status, html) = alice.get("/techniques/safety-huddle").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1>Safety huddle</h1>") && html.contains("Who is at risk today?"), "{html}");
    let (_, html) = alice.get("/techniques").await;
    assert!(html.contains("href=\"/techniques/premortem\""), "{html}");
    assert_eq!(alice.get("/techniques/no-such-thing").await.0, StatusCode::NOT_FOUND);

    let (_, audit) = t.get("admin", "/api/v1/audit").await;
    assert!(audit["items"].as_array().unwrap().iter().any(|e| e["action"] == "technique.save"), "{audit}");
}
