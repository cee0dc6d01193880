//! Learning before, during and after through the API: the technique catalogue, sessions
//! of every technique, private answers, lessons and actions, and the lessons loop.
use crate::common;

use common::web::WebUser;
use common::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    the_catalogue_ships_the_techniques_and_specialists_edit_and_extend_it,
    every_technique_runs_end_to_end_and_its_record_reads_back,
    premortem_answers_stay_hidden_from_other_participants_until_shared,
    a_lesson_moves_from_identified_to_actioned_through_its_action_and_the_report_tracks_it,
    the_lessons_loop_brings_past_lessons_to_similar_work_within_what_each_person_may_see,
    overdue_actions_are_listed_per_person_and_per_team,
);

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

fn field_names(err: &Value) -> Vec<String> {
    err["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_string()).collect()
}

/// A value for every shared field of a technique, by kind.
fn record_for(technique: &Value) -> Value {
    let mut record = serde_json::Map::new();
    let fields: Vec<Value> = match technique["record"].as_array() {
        Some(f) if !f.is_empty() => f.clone(),
        _ => technique["questions"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, q)| json!({"key": format!("q{}", i + 1), "label": q, "kind": "text"}))
            .collect(),
    };
    for f in fields {
        let key = f["key"].as_str().unwrap();
        let value = match f["kind"].as_str().unwrap() {
            "text" => json!(format!("answer to {key}")),
            "list" => json!([format!("first {key}"), format!("second {key}")]),
            "score" => json!(8),
            _ => continue,
        };
        record.insert(key.to_string(), value);
    }
    Value::Object(record)
}

async fn every_technique_runs_end_to_end_and_its_record_reads_back(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let (_, catalogue) = t.get("alice", "/api/v1/techniques").await;
    let (status, project) =
        t.post("alice", "/api/v1/projects", json!({"title": "Ward A discharge lounge", "description": "Open a discharge lounge."})).await;
    assert_eq!(status, StatusCode::CREATED, "{project}");
    for technique in catalogue.as_array().unwrap() {
        let key = technique["key"].as_str().unwrap();
        let record = record_for(technique);
        let body = json!({"project_id": project["id"], "technique_key": key, "participants": [t.users["alice"], t.users["bob"]],
            "facilitator_id": t.users["spec"], "held_on": "2026-10-01", "record": record});
        let (status, session) = t.post("alice", "/api/v1/sessions", body).await;
        assert_eq!(status, StatusCode::CREATED, "{key}: {session}");
        let (status, view) = t.get("bob", &format!("/api/v1/sessions/{}", session["id"])).await;
        assert_eq!(status, StatusCode::OK, "{key}");
        assert_eq!(view["session"]["record"], record, "{key}: the record reads back as written");
        assert_eq!(view["technique"]["key"], key);
        let (status, markdown) = t.get("bob", &format!("/api/v1/sessions/{}/report.md", session["id"])).await;
        assert_eq!(status, StatusCode::OK);
        let markdown = markdown.as_str().unwrap();
        assert!(markdown.contains(technique["name"].as_str().unwrap()), "{key}: {markdown}");
        for (field, value) in record.as_object().unwrap() {
            let shown = match value {
                Value::Array(items) => items[0].as_str().unwrap().to_string(),
                Value::Number(n) => format!("{n} out of 10"),
                v => v.as_str().unwrap().to_string(),
            };
            assert!(markdown.contains(&shown), "{key}: {field} missing from the report: {markdown}");
        }
    }
    let (_, timeline) = t.get("alice", &format!("/api/v1/projects/{}", project["id"])).await;
    let count = |stage: &str| timeline[stage].as_array().unwrap().len();
    assert_eq!(count("before") + count("during") + count("after"), 16);
    assert_eq!(count("after"), 3, "knowledge harvesting, retrospect and knowledge exchange are learning after");

    // The next meeting of the action learning set starts with its actions to report back on.
    let (_, next) =
        t.post("alice", "/api/v1/sessions", json!({"project_id": project["id"], "technique_key": "action-learning-sets"})).await;
    assert_eq!(
        next["record"]["reported_back"],
        json!(["first actions_committed: not yet reported", "second actions_committed: not yet reported"])
    );

    // Bad records are refused, field by field, and nothing is saved.
    let bad = json!({"technique_key": "retrospect", "record": {"score": 11, "went_well": 5, "mood": "fine"}});
    let (status, err) = t.post("alice", "/api/v1/sessions", bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(field_names(&err), ["record.mood", "record.score", "record.went_well"], "{err}");
    let (status, err) = t.post("alice", "/api/v1/sessions", json!({"technique_key": "tea-and-biscuits"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&err), ["technique_key"]);
    assert_eq!(t.get("alice", "/api/v1/sessions").await.1.as_array().unwrap().len(), 17);
    assert_eq!(t.get("guest", "/api/v1/projects").await.0, StatusCode::FORBIDDEN, "guests do not see the working record");
}

async fn premortem_answers_stay_hidden_from_other_participants_until_shared(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let body = json!({"technique_key": "premortem", "facilitator_id": t.users["spec"], "participants": [t.users["alice"], t.users["bob"]]});
    let (_, session) = t.post("alice", "/api/v1/sessions", body).await;
    let path = format!("/api/v1/sessions/{}", session["id"]);
    let answer = |text: &str| json!({"field": "reasons", "body": text});
    assert_eq!(t.post("alice", &format!("{path}/answers"), answer("Porters were never told")).await.0, StatusCode::CREATED);
    assert_eq!(t.post("bob", &format!("{path}/answers"), answer("The budget ran out in March")).await.0, StatusCode::CREATED);
    let (status, err) = t.post("bob", &format!("{path}/answers"), json!({"field": "strengthened_plan", "body": "x"})).await;
    assert_eq!(
        (status, field_names(&err)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["field".to_string()]),
        "only private fields take answers"
    );

    let bodies = |view: &Value| -> Vec<String> {
        view["contributions"].as_array().unwrap().iter().map(|c| c["body"].as_str().unwrap().to_string()).collect()
    };
    let (_, alice_view) = t.get("alice", &path).await;
    assert_eq!(bodies(&alice_view), ["Porters were never told"]);
    assert_eq!(alice_view["hidden_answers"], 1);
    let (_, bob_view) = t.get("bob", &path).await;
    assert_eq!(bodies(&bob_view), ["The budget ran out in March"]);
    let (_, spec_view) = t.get("spec", &path).await;
    assert!(bodies(&spec_view).is_empty(), "not even the facilitator reads them before sharing");
    let (_, report) = t.get("alice", &format!("{path}/report.md")).await;
    assert!(!report.as_str().unwrap().contains("budget"), "the report keeps them hidden too: {report}");

    assert_eq!(t.post("bob", &format!("{path}/share"), json!({})).await.0, StatusCode::FORBIDDEN, "only the facilitator shares");
    assert_eq!(t.post("spec", &format!("{path}/share"), json!({})).await.0, StatusCode::OK);
    for who in ["alice", "bob", "spec"] {
        let (_, view) = t.get(who, &path).await;
        assert_eq!(bodies(&view), ["Porters were never told", "The budget ran out in March"], "{who}");
    }
    let (_, report) = t.get("alice", &format!("{path}/report.md")).await;
    assert!(report.as_str().unwrap().contains("- The budget ran out in March"), "{report}");
}

async fn a_lesson_moves_from_identified_to_actioned_through_its_action_and_the_report_tracks_it(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let (_, project) = t.post("alice", "/api/v1/projects", json!({"title": "Falls on Ward A", "tags": ["Falls"]})).await;
    let (_, session) =
        t.post("alice", "/api/v1/sessions", json!({"technique_key": "after-action-review", "project_id": project["id"]})).await;
    let lesson = json!({"session_id": session["id"], "title": "Bed rails need a check", "observation": "Two falls from beds.",
        "insight": "Rails were left down after washes.", "recommendation": "Check rails at every wash.", "tags": ["Night shift"]});
    let (status, entry) = t.post("alice", "/api/v1/lessons", lesson.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{entry}");
    assert_eq!(entry["asset"]["kind"], "lesson");
    assert_eq!(entry["asset"]["status"], "published");
    assert_eq!(entry["asset"]["tags"], json!(["night shift", "falls"]), "its context tags, then the project's");
    assert_eq!(entry["asset"]["fields"]["context"], format!("Falls on Ward A ({})", session["title"].as_str().unwrap()));
    assert_eq!((entry["record"]["state"].as_str(), entry["record"]["project_id"].as_i64()), (Some("identified"), project["id"].as_i64()));
    let id = entry["asset"]["id"].as_i64().unwrap();

    assert_eq!(t.post("bob", "/api/v1/lessons", lesson.clone()).await.0, StatusCode::FORBIDDEN, "bob is not in the session or its team");
    let stray = json!({"title": "Stray", "due_on": "2027-01-01", "session_id": session["id"]});
    assert_eq!(t.post("bob", "/api/v1/actions", stray).await.0, StatusCode::FORBIDDEN);

    let mut bad = lesson.clone();
    bad["observation"] = json!("");
    bad["session_id"] = json!(999_999);
    let (status, err) = t.post("alice", "/api/v1/lessons", bad).await;
    assert_eq!((status, field_names(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["observation".to_string(), "session_id".to_string()]));

    let action = json!({"title": "Add rails to the wash checklist", "due_on": "2027-01-15", "session_id": session["id"], "lesson_id": id});
    let (status, action) = t.post("alice", "/api/v1/actions", action).await;
    assert_eq!(status, StatusCode::CREATED, "{action}");
    assert_eq!(action["project_id"], project["id"], "the action belongs to the session's project");
    assert_eq!(t.get("alice", &format!("/api/v1/lessons/{id}")).await.1["record"]["state"], "action_agreed");
    let close = format!("/api/v1/actions/{}/close", action["id"]);
    let (status, err) = t.post("alice", &close, json!({"status": "done", "outcome": " "})).await;
    assert_eq!((status, field_names(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["outcome".to_string()]));
    assert_eq!(t.post("bob", &close, json!({"status": "done", "outcome": "x"})).await.0, StatusCode::FORBIDDEN, "another team's member");
    let (status, closed) =
        t.post("alice", &close, json!({"status": "done", "outcome": "Rails are on the checklist; no falls since."})).await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    assert_eq!(closed["outcome"], "Rails are on the checklist; no falls since.");
    assert_eq!(t.post("alice", &close, json!({"status": "done", "outcome": "again"})).await.0, StatusCode::CONFLICT);
    assert_eq!(t.get("alice", &format!("/api/v1/lessons/{id}")).await.1["record"]["state"], "actioned");

    let unlearned = |v: &Value| -> Vec<i64> { v.as_array().unwrap().iter().map(|e| e["asset"]["id"].as_i64().unwrap()).collect() };
    assert_eq!(unlearned(&t.get("spec", "/api/v1/lessons/unlearned").await.1), [id], "actioned is not yet learned");
    let state = format!("/api/v1/lessons/{id}/state");
    let (status, err) = t.put("alice", &state, json!({"state": "rejected"})).await;
    assert_eq!((status, field_names(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["reason".to_string()]));
    assert_eq!(t.put("alice", &state, json!({"state": "embedded"})).await.0, StatusCode::OK);
    assert!(unlearned(&t.get("spec", "/api/v1/lessons/unlearned").await.1).is_empty());

    let (_, timeline) = t.get("bob", &format!("/api/v1/projects/{}", project["id"])).await;
    assert!(!timeline["can_edit"].as_bool().unwrap());
    let bob = WebUser::sign_in(&t, "bob").await;
    assert_eq!(bob.get(&format!("/projects/{}/edit", project["id"])).await.0, StatusCode::FORBIDDEN, "another team's project");
    let renamed = json!({"title": "Falls on Ward B", "stage": "closed"});
    assert_eq!(t.put("bob", &format!("/api/v1/projects/{}", project["id"]), renamed.clone()).await.0, StatusCode::FORBIDDEN);
    let (status, changed) = t
        .put(
            "alice",
            &format!("/api/v1/projects/{}", project["id"]),
            json!({"title": "Falls on Ward A", "stage": "closed", "ends_on": "2020-01-01", "starts_on": "2021-01-01"}),
        )
        .await;
    assert_eq!((status, field_names(&changed)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["ends_on".to_string()]), "{changed}");
    assert_eq!(timeline["during"][0]["id"], session["id"], "an AAR is learning during");
    assert_eq!(timeline["lessons"][0]["record"]["state"], "embedded");
    assert_eq!(timeline["actions"][0]["status"], "done");
    let (_, audit) = t.get("admin", "/api/v1/audit").await;
    let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for expected in ["project.create", "session.create", "action.create", "action.close", "lesson.state"] {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
}

async fn the_lessons_loop_brings_past_lessons_to_similar_work_within_what_each_person_may_see(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    // Bob's team ran a flu clinic and kept one lesson to the team, one for everyone.
    let (_, past) = t.post("bob", "/api/v1/projects", json!({"title": "Staff flu vaccination clinic", "tags": ["flu"]})).await;
    let (_, aar) = t
        .post(
            "bob",
            "/api/v1/sessions",
            json!({"technique_key": "after-action-review", "project_id": past["id"],
        "participants": [t.users["bob"]]}),
        )
        .await;
    let lesson = |title: &str, visibility: &str| {
        json!({"session_id": aar["id"], "title": title, "visibility": visibility,
        "observation": "Queues for flu vaccination built up at the clinic door.", "recommendation": "Book flu vaccination slots in advance."})
    };
    let (_, open) = t.post("bob", "/api/v1/lessons", lesson("Book flu clinic slots", "organisation")).await;
    let (_, private) = t.post("bob", "/api/v1/lessons", lesson("Ward B flu rota secrets", "team")).await;
    let (_, unrelated) = t
        .post(
            "bob",
            "/api/v1/lessons",
            json!({"session_id": aar["id"], "title": "Car park barrier",
        "observation": "The barrier broke.", "recommendation": "Call estates."}),
        )
        .await;
    t.settle().await;

    let (_, new) = t
        .post(
            "alice",
            "/api/v1/projects",
            json!({"title": "Flu vaccination clinic for ward staff",
        "description": "Run a flu vaccination clinic this winter without queues."}),
        )
        .await;
    let ids = |v: &Value, list: &str| -> Vec<i64> { v[list].as_array().unwrap().iter().map(|s| s["asset_id"].as_i64().unwrap()).collect() };
    let path = format!("/api/v1/projects/{}/suggestions", new["id"]);
    let (status, alice) = t.get("alice", &path).await;
    assert_eq!(status, StatusCode::OK, "{alice}");
    assert_eq!(ids(&alice, "lessons")[0], open["asset"]["id"].as_i64().unwrap(), "{alice}");
    assert!(!ids(&alice, "lessons").contains(&private["asset"]["id"].as_i64().unwrap()), "a team-only lesson never reaches another team");
    assert_eq!(alice["lessons"][0]["project_title"], "Staff flu vaccination clinic");
    assert!(alice["people"].as_array().unwrap().iter().any(|p| p["user"]["name"] == "bob"), "{alice}");
    let (_, bob) = t.get("bob", &path).await;
    assert!(ids(&bob, "lessons").contains(&private["asset"]["id"].as_i64().unwrap()), "{bob}");
    let unrelated_id = unrelated["asset"]["id"].as_i64().unwrap();
    assert_eq!(ids(&bob, "lessons").last(), Some(&unrelated_id), "it shares only the project's tag: {bob}");

    // Marks are kept per person, and what helped other teams rises.
    let marks = format!("/api/v1/projects/{}/marks", new["id"]);
    for who in ["bob", "admin"] {
        assert_eq!(t.post(who, &marks, json!({"asset_id": unrelated_id, "useful": true})).await.0, StatusCode::NO_CONTENT);
    }
    let (_, bob) = t.get("bob", &path).await;
    assert_eq!(ids(&bob, "lessons")[0], unrelated_id, "two useful marks lift it to the top: {bob}");
    assert_eq!((bob["lessons"][0]["marked"].clone(), bob["lessons"][0]["net_useful"].clone()), (json!(true), json!(2)));
    assert_eq!(
        t.post("alice", &marks, json!({"asset_id": private["asset"]["id"], "useful": true})).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert!(alice["lessons"].as_array().unwrap().iter().all(|l| l["marked"].is_null()), "alice has marked nothing yet");
    let open_id = open["asset"]["id"].as_i64().unwrap();
    t.post("alice", &marks, json!({"asset_id": open_id, "useful": false})).await;
    let (_, alice) = t.get("alice", &path).await;
    let mine = alice["lessons"].as_array().unwrap().iter().find(|l| l["asset_id"] == open_id).unwrap();
    assert_eq!((mine["marked"].clone(), mine["net_useful"].clone()), (json!(false), json!(-1)));

    // A before action review on the new project starts with what was learned before.
    let (_, bar) = t.post("alice", "/api/v1/sessions", json!({"technique_key": "before-action-review", "project_id": new["id"]})).await;
    let learned = bar["record"]["q3"].as_str().unwrap_or_default();
    assert!(learned.contains("Book flu clinic slots"), "{bar}");
    assert!(!learned.contains("Ward B flu rota secrets"), "pre-filled only with what the starter may see: {learned}");
    let (_, bobs) = t.post("bob", "/api/v1/sessions", json!({"technique_key": "before-action-review", "project_id": new["id"]})).await;
    let learned = bobs["record"]["q3"].as_str().unwrap_or_default();
    assert!(learned.contains("Book flu clinic slots"), "{bobs}");
    assert!(!learned.contains("secrets"), "every member reads the record, so Ward B's own lesson stays out of it: {learned}");
}

async fn overdue_actions_are_listed_per_person_and_per_team(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let action = |title: &str, owner: &str, due: &str| json!({"title": title, "owner_id": t.users[owner], "due_on": due});
    assert_eq!(t.post("spec", "/api/v1/actions", action("Update the falls policy", "alice", "2026-01-10")).await.0, StatusCode::CREATED);
    t.post("spec", "/api/v1/actions", action("Order new bed rails", "alice", "2026-02-01")).await;
    t.post("spec", "/api/v1/actions", action("Audit night checks", "bob", "2099-01-01")).await;
    let (status, err) = t.post("alice", "/api/v1/actions", json!({"title": "", "due_on": "next week"})).await;
    assert_eq!((status, field_names(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["title".to_string(), "due_on".to_string()]));

    let (_, board) = t.get("bob", "/api/v1/actions").await;
    let titles =
        |v: &Value| -> Vec<String> { v["actions"].as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap().to_string()).collect() };
    assert_eq!(board["mine"][0]["title"], "Audit night checks");
    assert_eq!(board["overdue_by_person"].as_array().unwrap().len(), 1, "{board}");
    assert_eq!(board["overdue_by_person"][0]["who"]["name"], "alice");
    assert_eq!(titles(&board["overdue_by_person"][0]), ["Update the falls policy", "Order new bed rails"], "most overdue first");
    assert_eq!(board["overdue_by_team"][0]["who"]["name"], "Ward A");

    // Alice is reminded when she arrives; Bob's one action is months away.
    let (_, home) = WebUser::sign_in(&t, "alice").await.get("/").await;
    assert!(home.contains("Reminder: 2 of your actions are overdue."), "{home}");
    let (_, home) = WebUser::sign_in(&t, "bob").await.get("/").await;
    assert!(!home.contains("action-reminder"));
}

/// The demo's labelled new projects meet a lesson written for their subject (BENCHMARKS.md has the figures).
#[tokio::test]
async fn the_demo_loop_finds_a_lesson_for_most_new_projects() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    signpost::demo::load(&t.app).await.unwrap();
    t.settle().await;
    let score = signpost::demo::learning::measure_loop(&t.app).await.unwrap();
    assert_eq!(score.projects, 24);
    assert!(score.share() >= 0.8, "{} of {} found; missed {:?}", score.hits, score.projects, score.misses);
}

/// The walkthrough's case: the same review written up at several sites filled the
/// lessons, and knowledge sharing one ordinary word with the project filled
/// "Knowledge". Near-repeats fold under the best of them; what is not about the work
/// is left out.
#[tokio::test]
async fn the_lessons_loop_folds_near_repeats_and_leaves_out_knowledge_not_about_the_work() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    let ward_b = t.teams["Ward B"];
    let asset = |kind: &str, title: &str, summary: &str| {
        let mut a = common::lesson(title, ward_b, "organisation", "published");
        a["kind"] = json!(kind);
        a["summary"] = json!(summary);
        a["tags"] = json!([]);
        a["topics"] = json!([]);
        if kind != "lesson" {
            a["fields"] = json!({});
        }
        a
    };
    for site in ["North", "South", "East"] {
        let l = asset("lesson", &format!("Flu clinic queues at {site} site"), "Book vaccination slots in advance.");
        assert_eq!(t.post("bob", "/api/v1/assets", l).await.0, StatusCode::CREATED);
    }
    let l = asset("lesson", "Consent forms for flu vaccination", "Send consent links before the clinic.");
    assert_eq!(t.post("bob", "/api/v1/assets", l).await.0, StatusCode::CREATED);
    let (status, g) = t.post("bob", "/api/v1/assets", asset("guidance", "Flu vaccination for staff", "Who to vaccinate and when.")).await;
    assert_eq!(status, StatusCode::CREATED, "{g}");
    t.post("bob", "/api/v1/assets", asset("guidance", "Ward staffing escalation", "Who to call when a ward is short.")).await;
    t.settle().await;

    let (_, project) = t
        .post(
            "alice",
            "/api/v1/projects",
            json!({"title": "Flu vaccination clinic for ward staff", "description": "Vaccinate ward staff this winter."}),
        )
        .await;
    let (_, s) = t.get("alice", &format!("/api/v1/projects/{}/suggestions", project["id"])).await;
    let titles =
        |list: &str| -> Vec<String> { s[list].as_array().unwrap().iter().map(|x| x["title"].as_str().unwrap().to_string()).collect() };
    let lessons = titles("lessons");
    assert_eq!(lessons.iter().filter(|t| t.starts_with("Flu clinic queues at")).count(), 1, "one of the three repeats shows: {s}");
    let folded = s["lessons"].as_array().unwrap().iter().find(|l| l["title"].as_str().unwrap().starts_with("Flu clinic queues")).unwrap();
    assert_eq!(folded["alike"].as_array().unwrap().len(), 2, "with the other two folded under it: {folded}");
    assert!(lessons.contains(&"Consent forms for flu vaccination".to_string()), "{lessons:?}");
    assert_eq!(titles("assets"), ["Flu vaccination for staff"], "the staffing guidance only shares \"ward\" and \"staff\": {s}");
}
