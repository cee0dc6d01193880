//! Securing knowledge from a leaver through the API: who may see and change a plan,
//! the six steps in order, the prioritisation formula, the knowledge exchange's lists,
//! handover notes stored for the team and owned by the successor, everything the
//! leaver holds passed on all-or-nothing, closing, and reminders as the date nears;
//! and the register of knowledge at risk, its risk derived and explained.
use crate::common;

use chrono::{Duration, Utc};
use common::{Backend, PASSWORD, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};
use signpost_domain::ids::{AssetId, PlanId, UserId};
use signpost_domain::people::{NewUser, Role};

on_both_backends!(
    a_plan_follows_the_six_steps_and_stores_handover_notes_for_the_team,
    everything_the_leaver_holds_is_passed_on_all_or_nothing_before_the_plan_closes,
    people_in_a_plan_are_reminded_as_the_leaving_date_nears,
    the_register_of_critical_knowledge_explains_each_risk_within_what_the_reader_may_see,
    a_handover_that_fails_part_way_in_the_store_changes_nothing,
);

fn fields(err: &Value) -> Vec<String> {
    err["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_string()).collect()
}

fn in_days(days: i64) -> String {
    (Utc::now() + Duration::days(days)).date_naive().to_string()
}

/// Adds dana, alice's teammate on Ward A who will take over, with an API token.
async fn with_successor(t: &mut TestApp) -> i64 {
    let dana = NewUser {
        job_title: "Staff Nurse".into(),
        team_id: Some(t.teams["Ward A"]),
        ..NewUser::new("dana@trust.nhs.uk", "dana", Role::Member)
    };
    let user = t.app.create_user(None, dana, Some(PASSWORD.to_string())).await.unwrap();
    let actor = t.app.actor(user.id).await.unwrap();
    t.tokens.insert("dana", t.app.create_token(&actor, "tests").await.unwrap().secret);
    user.id.0
}

/// An administrator records `manager` as `who`'s line manager on their account.
pub async fn record_manager(t: &TestApp, who: &str, manager: &str) {
    let (status, body) = t.put("admin", &format!("/api/v1/users/{}", t.users[who]), json!({ "line_manager_id": t.users[manager] })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// alice, whose account records bob (another ward) as her line manager, starts her plan
/// to leave in `days`; bob accepts; dana succeeds her.
async fn start(t: &TestApp, dana: i64, days: i64) -> i64 {
    record_manager(t, "alice", "bob").await;
    let input = json!({
        "leaver_id": t.users["alice"], "departure": "leaving", "leaving_on": in_days(days), "role": "Ward A sister", "successor_id": dana,
    });
    let (status, plan) = t.post("alice", "/api/v1/leaver-plans", input).await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    let id = plan["id"].as_i64().unwrap();
    let (status, accepted) = t.post("bob", &format!("/api/v1/leaver-plans/{id}/accept"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    id
}

async fn a_plan_follows_the_six_steps_and_stores_handover_notes_for_the_team(backend: Backend) {
    let mut t = TestApp::spawn(backend).await;
    let dana = with_successor(&mut t).await;
    let bad = json!({
        "leaver_id": t.users["alice"], "departure": "leaving", "leaving_on": "2020-01-01", "role": "", "successor_id": t.users["guest"],
    });
    let (status, err) = t.post("alice", "/api/v1/leaver-plans", bad.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(fields(&err), ["successor_id", "leaver_id", "role", "leaving_on"], "no line manager is recorded for alice yet");
    assert!(err.to_string().contains("alice has no line manager recorded"), "{err}");
    let mut named = bad.clone();
    named["line_manager_id"] = json!(t.users["bob"]);
    assert_eq!(
        t.post("alice", "/api/v1/leaver-plans", named).await.0,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a plan takes no line manager from whoever starts it"
    );
    record_manager(&t, "alice", "bob").await;
    let stranger = json!({ "leaver_id": t.users["alice"], "departure": "leaving", "leaving_on": in_days(30), "role": "Sister" });
    assert_eq!(t.post("dana", "/api/v1/leaver-plans", stranger.clone()).await.0, StatusCode::FORBIDDEN, "only the leaver or a specialist");
    assert_eq!(t.post("bob", "/api/v1/leaver-plans", stranger).await.0, StatusCode::FORBIDDEN, "being her manager is no way to start it");

    let id = start(&t, dana, 30).await;
    let again = json!({ "leaver_id": t.users["alice"], "departure": "moving", "leaving_on": in_days(40), "role": "Sister" });
    assert_eq!(t.post("alice", "/api/v1/leaver-plans", again).await.0, StatusCode::CONFLICT, "one open plan per person");
    let (_, news) = t.get("dana", "/api/v1/notifications").await;
    assert!(news[0]["text"].as_str().unwrap().contains("secure alice's knowledge"), "the successor is told: {news}");
    assert_eq!(t.get("guest", &format!("/api/v1/leaver-plans/{id}")).await.0, StatusCode::FORBIDDEN);
    assert_eq!(t.get("admin", &format!("/api/v1/leaver-plans/{id}")).await.0, StatusCode::OK, "specialists support every plan");
    let (_, listed) = t.get("dana", "/api/v1/leaver-plans").await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "the team sees its plans");

    // Steps 1 and 2: the leaver's areas and the team's.
    let area = |title: &str| json!({ "title": title, "who_needs": "the ward team" });
    t.post("alice", &format!("/api/v1/leaver-plans/{id}/areas"), area("Rostering the night shift")).await;
    t.post("alice", &format!("/api/v1/leaver-plans/{id}/areas"), area("The falls audit")).await;
    let (status, plan) = t.post("dana", &format!("/api/v1/leaver-plans/{id}/areas"), area("Who to call in estates")).await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    let sources: Vec<&str> = plan["areas"].as_array().unwrap().iter().map(|a| a["source"].as_str().unwrap()).collect();
    assert_eq!(sources, ["leaver", "leaver", "team"]);
    let area_ids: Vec<i64> = plan["areas"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect();
    let (_, view) = t.get("dana", &format!("/api/v1/leaver-plans/{id}")).await;
    let done: Vec<bool> = view["steps"].as_array().unwrap().iter().map(|s| s["done"].as_bool().unwrap()).collect();
    assert_eq!(done, [true, true, false, false, false, false]);

    // Step 3: only the line manager scores and agrees, each part 1 to 3, every area scored.
    let score = |area: i64, i: u8, a: u8, f: u8| json!({ "area_id": area, "importance": i, "availability": a, "frequency": f });
    let path = format!("/api/v1/leaver-plans/{id}/scores");
    let (status, _) = t.post("alice", &path, json!({ "scores": [score(area_ids[0], 3, 3, 3)] })).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the leaver does not agree their own priorities");
    let (status, err) = t.post("bob", &path, json!({ "scores": [score(area_ids[0], 4, 0, 3)] })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&err), ["scores[0].importance", "scores[0].availability"]);
    let (status, err) = t.post("bob", &path, json!({ "scores": [score(area_ids[0], 3, 3, 2)], "agree": true })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "two areas unscored: {err}");
    assert!(err["errors"][0]["message"].as_str().unwrap().contains("The falls audit"), "{err}");
    let action_path = format!("/api/v1/leaver-plans/{id}/areas/{}/actions", area_ids[0]);
    assert_eq!(
        t.post("alice", &action_path, json!({ "tool": "knowledge_exchange" })).await.0,
        StatusCode::CONFLICT,
        "actions wait for agreed priorities"
    );
    let (_, view) = t.get("bob", &format!("/api/v1/leaver-plans/{id}")).await;
    assert!(view["plan"]["areas"][0]["score"].is_null(), "a refused change saves nothing: {view}");
    let all = json!({ "scores": [score(area_ids[0], 3, 3, 2), score(area_ids[1], 1, 1, 2), score(area_ids[2], 2, 3, 1)], "agree": true });
    let (status, plan) = t.post("bob", &path, all).await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert_eq!(plan["agreed"]["by"], t.users["bob"]);
    let (_, view) = t.get("alice", &format!("/api/v1/leaver-plans/{id}")).await;
    assert_eq!(view["steps"][2]["done"], true);

    // Step 4: actions from the toolbox; the knowledge exchange keeps both top 10 lists.
    let (status, plan) = t.post("alice", &action_path, json!({ "tool": "knowledge_exchange", "note": "one hour with the ward" })).await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    let exchange = plan["areas"][0]["actions"][0]["id"].as_i64().unwrap();
    for (n, area) in area_ids[1..].iter().enumerate() {
        let tool = if n == 0 { "handover_note" } else { "shadowing" };
        t.post("alice", &format!("/api/v1/leaver-plans/{id}/areas/{area}/actions"), json!({ "tool": tool })).await;
    }
    let lists_path = format!("/api/v1/leaver-plans/{id}/actions/{exchange}/lists");
    let eleven: Vec<String> = (1..=11).map(|i| format!("question {i}")).collect();
    let (status, err) = t.put("dana", &lists_path, json!({ "we_want_to_know": eleven })).await;
    assert_eq!((status, fields(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["we_want_to_know".to_string()]), "{err}");
    let lists = json!({ "we_want_to_know": ["Who covers nights at short notice?"], "you_need_to_know": ["The rota closes on the 20th"] });
    assert_eq!(t.put("dana", &lists_path, lists).await.0, StatusCode::OK);
    let (_, view) = t.get("alice", &format!("/api/v1/leaver-plans/{id}")).await;
    assert_eq!(view["steps"][3]["done"], true);
    assert_eq!(view["steps"][4]["done"], false, "no key colleague yet");

    // Step 6: the note is published for Ward A, owned by dana, and is a handover note.
    let output = json!({
        "title": "Night rostering: handover",
        "body": "## Who covers nights at short notice?\nThe bank office, then the site manager.",
        "key_contacts": [{ "name": "Pat Jones", "role": "Bank office", "contact": "ext 4410" }],
    });
    let (status, stored) = t.post("alice", &format!("/api/v1/leaver-plans/{id}/actions/{exchange}/output"), output.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{stored}");
    let note = stored["asset_id"].as_i64().unwrap();
    let (_, asset) = t.get("dana", &format!("/api/v1/assets/{note}")).await;
    assert_eq!((asset["kind"].as_str(), asset["owner_id"].as_i64()), (Some("handover_note"), Some(dana)), "{asset}");
    assert_eq!((asset["status"].as_str(), asset["visibility"].as_str()), (Some("published"), Some("team")));
    assert_eq!(asset["team_id"], t.teams["Ward A"]);
    assert_eq!(asset["fields"]["key_contacts"][0]["name"], "Pat Jones");
    assert_eq!(asset["fields"]["successor"], "dana");
    assert_eq!(t.get("bob", &format!("/api/v1/assets/{note}")).await.0, StatusCode::NOT_FOUND, "another ward cannot read Ward A's note");
    let (_, managed) = t.get("bob", &format!("/api/v1/leaver-plans/{id}")).await;
    assert_eq!(
        (managed["outputs"].clone(), managed["hidden_outputs"].clone()),
        (json!([]), json!(1)),
        "bob manages the plan but is not on Ward A"
    );
    assert_eq!(
        t.post("alice", &format!("/api/v1/leaver-plans/{id}/actions/{exchange}/output"), output).await.0,
        StatusCode::CONFLICT,
        "one note per action"
    );
    t.settle().await;
    let (_, found) = t.get("dana", "/api/v1/search?q=night%20rostering").await;
    assert!(found["hits"].as_array().unwrap().iter().any(|h| h["id"] == note), "the team finds it: {found}");
    let (_, found) = t.get("bob", "/api/v1/search?q=night%20rostering").await;
    assert!(!found["hits"].as_array().unwrap().iter().any(|h| h["id"] == note), "nobody else does: {found}");
}

async fn everything_the_leaver_holds_is_passed_on_all_or_nothing_before_the_plan_closes(backend: Backend) {
    let mut t = TestApp::spawn(backend).await;
    let dana = with_successor(&mut t).await;
    // alice owns a lesson, an open action, coordinates a community and advocates for Ward A.
    let (_, lesson) =
        t.post("alice", "/api/v1/assets", common::lesson("Night handover lesson", t.teams["Ward A"], "team", "published")).await;
    let lesson_id = lesson["id"].as_i64().unwrap();
    let (_, action) = t.post("alice", "/api/v1/actions", json!({ "title": "Audit the night handover", "due_on": in_days(60) })).await;
    let (_, community) = t.post("alice", "/api/v1/communities", json!({ "name": "Night nursing", "description": "Nights." })).await;
    let cid = community["id"].as_i64().unwrap();
    t.post("spec", "/api/v1/advocates", json!({ "user_id": t.users["alice"], "team_id": t.teams["Ward A"] })).await;
    let id = start(&t, dana, 10).await;
    let (_, view) = t.get("bob", &format!("/api/v1/leaver-plans/{id}")).await;
    let keys: Vec<&str> = view["holdings"].as_array().unwrap().iter().map(|h| h["key"].as_str().unwrap()).collect();
    let expected = [
        format!("asset-{lesson_id}"),
        format!("action-{}", action["id"]),
        format!("coordinator-{cid}"),
        format!("advocate-{}", t.teams["Ward A"]),
    ];
    assert_eq!(keys, expected, "{view}");
    assert_eq!(view["holdings"][0]["label"], "An asset you cannot see", "bob manages the plan but cannot read Ward A's lesson");

    let may: Vec<bool> = view["holdings"].as_array().unwrap().iter().map(|h| h["may_pass_on"].as_bool().unwrap()).collect();
    assert_eq!(may, [false, false, false, false], "bob could change none of them himself: {view}");
    assert_eq!(view["holdings"][0]["detail"], "", "nor is the hidden lesson described to him");

    // The manager passes on only what he could change himself; an admin can pass on the rest.
    let path = format!("/api/v1/leaver-plans/{id}/handover");
    let mut moves: Vec<Value> = expected.iter().map(|k| json!({ "holding": k, "to": dana })).collect();
    assert_eq!(t.post("alice", &path, json!({ "moves": moves.clone() })).await.0, StatusCode::FORBIDDEN, "the manager passes things on");
    let (status, err) = t.post("bob", &path, json!({ "moves": moves.clone() })).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{err}");
    assert!(err["message"].as_str().unwrap().contains("moves[0], moves[1], moves[2], moves[3]"), "{err}");
    // One bad move (to a guest) and nothing moves.
    moves[2]["to"] = json!(t.users["guest"]);
    let (status, err) = t.post("admin", &path, json!({ "moves": moves.clone() })).await;
    assert_eq!((status, fields(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["moves[2].to".to_string()]), "{err}");
    let (_, still) = t.get("alice", &format!("/api/v1/assets/{lesson_id}")).await;
    assert_eq!(still["owner_id"], t.users["alice"]);
    moves[2]["to"] = json!(dana);
    let (status, plan) = t.post("admin", &path, json!({ "moves": moves })).await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert_eq!(plan["handed"].as_array().unwrap().len(), 4);
    assert_eq!(plan["handed"][0]["label"], format!("asset {lesson_id} (not open to everyone)"), "the plan never names a team-only asset");

    let (_, handed) = t.get("dana", &format!("/api/v1/assets/{lesson_id}")).await;
    assert_eq!(handed["owner_id"], dana, "and with it the review duty");
    assert_eq!(
        handed["updated_at"], lesson["updated_at"],
        "a new owner is not new content: it does not top \"Recently published and updated\""
    );
    let (_, history) = t.get("dana", &format!("/api/v1/assets/{lesson_id}/history")).await;
    assert!(history["items"][0]["note"].as_str().unwrap().contains("ownership passed from alice to dana"), "{history}");
    let (_, actions) = t.get("dana", "/api/v1/actions").await;
    assert!(actions.to_string().contains("Audit the night handover"), "{actions}");
    let (_, c) = t.get("dana", &format!("/api/v1/communities/{cid}")).await;
    let role_of = |who: i64| c["members"].as_array().unwrap().iter().find(|m| m["user"]["id"] == who).map(|m| m["role"].clone());
    assert_eq!(role_of(dana), Some(json!("coordinator")));
    assert_eq!(role_of((t.users["alice"]).0), Some(json!("member")), "alice stays a member");
    let (_, coverage) = t.get("spec", "/api/v1/advocates").await;
    let ward_a = coverage["teams"].as_array().unwrap().iter().find(|c| c["team"]["id"] == t.teams["Ward A"]).unwrap();
    let advocates: Vec<&str> = ward_a["advocates"].as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap()).collect();
    assert_eq!(advocates, ["dana"], "{coverage}");
    let (_, news) = t.get("dana", "/api/v1/notifications").await;
    assert!(news[0]["text"].as_str().unwrap().contains("taken on 4 responsibilities from alice"), "{news}");

    // Closing waits for the six steps; the checklist is already clear.
    let (status, err) = t.post("bob", &format!("/api/v1/leaver-plans/{id}/complete"), json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!err.to_string().contains("still with the leaver"), "nothing held: {err}");
    assert!(err.to_string().contains("Step 1"), "{err}");
    let (_, view) = t.get("bob", &format!("/api/v1/leaver-plans/{id}")).await;
    assert_eq!(view["holdings"], json!([]));
}

async fn people_in_a_plan_are_reminded_as_the_leaving_date_nears(backend: Backend) {
    let mut t = TestApp::spawn(backend).await;
    let dana = with_successor(&mut t).await;
    let id = start(&t, dana, 6).await;
    let before = t.get("dana", "/api/v1/notifications").await.1.as_array().unwrap().len();
    assert_eq!(t.app.send_leaving_reminders().await.unwrap(), 1);
    let (_, news) = t.get("dana", "/api/v1/notifications").await;
    assert_eq!(news.as_array().unwrap().len(), before + 1);
    assert_eq!(news[0]["text"], "alice leaves the role in 6 days: 0 of 6 steps and 0 of 0 actions done");
    assert_eq!(news[0]["link"], format!("/leavers/{id}"));
    assert_eq!(t.app.send_leaving_reminders().await.unwrap(), 0, "once per milestone");
    let (_, view) = t.get("bob", &format!("/api/v1/leaver-plans/{id}")).await;
    assert_eq!(view["plan"]["reminded_days"], 7);
    // Moving the date back resets the reminders.
    let change = json!({ "leaver_id": t.users["alice"], "departure": "leaving", "leaving_on": in_days(13), "role": "Ward A sister", "successor_id": dana });
    assert_eq!(t.put("bob", &format!("/api/v1/leaver-plans/{id}"), change).await.0, StatusCode::OK);
    assert_eq!(t.app.send_leaving_reminders().await.unwrap(), 1, "two weeks out");
}

async fn the_register_of_critical_knowledge_explains_each_risk_within_what_the_reader_may_see(backend: Backend) {
    let mut t = TestApp::spawn(backend).await;
    let dana = with_successor(&mut t).await;
    let area = json!({ "topic": "Night rostering", "description": "Who covers nights", "team_id": t.teams["Ward A"], "holders": [t.users["alice"]], "criticality": "critical" });
    let (status, err) = t.post("bob", "/api/v1/critical-knowledge", area.clone()).await;
    assert_eq!((status, fields(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["team_id".to_string()]), "bob is on Ward B: {err}");
    let mut bad = area.clone();
    bad["holders"] = json!([t.users["guest"]]);
    bad["topic"] = json!(" ");
    let (status, err) = t.post("dana", "/api/v1/critical-knowledge", bad).await;
    assert_eq!((status, fields(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["topic".to_string(), "holders[0]".to_string()]));
    let (status, created) = t.post("dana", "/api/v1/critical-knowledge", area).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let shared =
        json!({ "topic": "Falls audit", "team_id": t.teams["Ward A"], "holders": [t.users["alice"], dana], "criticality": "important" });
    t.post("dana", "/api/v1/critical-knowledge", shared).await;

    let (_, register) = t.get("dana", "/api/v1/critical-knowledge").await;
    assert_eq!(register["entries"][0]["area"]["topic"], "Night rostering", "highest risk first: {register}");
    assert_eq!(register["entries"][0]["explanation"], json!(["only alice holds it", "nothing on it is written down"]));
    assert_eq!(register["entries"][0]["risk"]["level"], "high");
    assert_eq!(t.get("bob", "/api/v1/critical-knowledge").await.1["entries"], json!([]), "another ward's register is not bob's");
    assert_eq!(t.get("guest", "/api/v1/critical-knowledge").await.0, StatusCode::FORBIDDEN);

    // alice announces she is leaving and writes some of it down; the reasons follow.
    start(&t, dana, 40).await;
    t.post(
        "alice",
        "/api/v1/assets",
        common::lesson("Night rostering: covering short notice gaps", t.teams["Ward A"], "organisation", "published"),
    )
    .await;
    t.settle().await;
    let (_, register) = t.get("spec", "/api/v1/critical-knowledge").await;
    let night = &register["entries"][0];
    let reasons: Vec<&str> = night["explanation"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
    assert_eq!(reasons.len(), 2, "{night}");
    assert!(reasons[0].starts_with("alice leaves in 40 days"), "{reasons:?}");
    assert_eq!(reasons[1], "only alice holds it");
    assert_eq!(night["assets"], 1);
    assert_eq!(night["risk"]["score"], (4 + 3) * 3);
    let falls = &register["entries"][1];
    assert_eq!(falls["explanation"][1], "nothing on it is written down", "{falls}");
    assert_eq!(falls["risk"]["level"], "medium", "shared, but one holder leaves and it is only important: {falls}");

    let id = created["id"].as_i64().unwrap();
    assert_eq!(t.call("bob", reqwest::Method::DELETE, &format!("/api/v1/critical-knowledge/{id}"), None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(t.call("dana", reqwest::Method::DELETE, &format!("/api/v1/critical-knowledge/{id}"), None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(t.get("spec", "/api/v1/critical-knowledge").await.1["entries"].as_array().unwrap().len(), 1);
}

async fn a_handover_that_fails_part_way_in_the_store_changes_nothing(backend: Backend) {
    use signpost_domain::assets::VersionEvent;
    use signpost_domain::audit::AuditRecord;
    use signpost_domain::ports::{AssetWrite, Handover, RetentionStore, Store};

    let mut t = TestApp::spawn(backend).await;
    let dana = with_successor(&mut t).await;
    let (_, first) =
        t.post("alice", "/api/v1/assets", common::lesson("First lesson", t.teams["Ward A"], "organisation", "published")).await;
    let (_, second) =
        t.post("alice", "/api/v1/assets", common::lesson("Second lesson", t.teams["Ward A"], "organisation", "published")).await;
    let id = start(&t, dana, 20).await;
    let db = signpost_store::Db::connect(t.db.location("node").database.as_deref().unwrap()).await.unwrap();
    let plan = db.leaver_plan(PlanId(id)).await.unwrap();
    let write = |asset: signpost_domain::assets::Asset| AssetWrite {
        asset: signpost_domain::assets::Asset { owner_id: UserId(dana), ..asset },
        event: VersionEvent::Updated,
        author_id: t.users["bob"],
        note: "handover".into(),
        audit: AuditRecord::new(None, "asset.hand_over", "test"),
    };
    let a = db.asset(AssetId(first["id"].as_i64().unwrap())).await.unwrap();
    let b = db.asset(AssetId(second["id"].as_i64().unwrap())).await.unwrap();
    let (va, vb) = (a.version, b.version);
    // The second write expects a version the asset is not at: the whole handover must roll back.
    let handover = Handover { assets: vec![(write(a), va), (write(b), vb + 7)], ..Handover::default() };
    let result = db.hand_over(&plan, handover, &[], AuditRecord::new(None, "leaver_plan.hand_over", "test")).await;
    assert!(matches!(result, Err(signpost_domain::StoreError::StaleVersion { .. })), "{result:?}");
    let (_, first) = t.get("alice", &format!("/api/v1/assets/{}", first["id"])).await;
    assert_eq!(
        (first["owner_id"].as_i64(), first["version"].as_i64()),
        (Some(t.users["alice"].0), Some(va)),
        "the first write rolled back"
    );
    assert_eq!(db.leaver_plan(PlanId(id)).await.unwrap().revision, plan.revision, "the plan was not saved");
    db.close().await;
}

/// The leaver and the team often name the same knowledge twice. Whoever added an area
/// (and the line manager) rewords, merges or removes it; nobody else does; an area a
/// stored handover note came from stays.
#[tokio::test]
async fn knowledge_areas_are_reworded_merged_and_removed_only_by_those_who_may() {
    let mut t = TestApp::spawn(Backend::Sqlite).await;
    let dana = with_successor(&mut t).await;
    let id = start(&t, dana, 30).await;
    let add = async |who: &str, title: &str, detail: &str| {
        let (_, plan) = t
            .post(who, &format!("/api/v1/leaver-plans/{id}/areas"), json!({ "title": title, "detail": detail, "who_needs": "the ward" }))
            .await;
        plan["areas"].as_array().unwrap().last().unwrap()["id"].as_i64().unwrap()
    };
    let rota = add("alice", "Night rota", "Closes on the 20th.").await;
    let rostering = add("dana", "Rostering nights", "Bank staff first.").await;
    let audit = add("dana", "Falls audit", "").await;
    let area = |a: i64| format!("/api/v1/leaver-plans/{id}/areas/{a}");

    let reworded = json!({ "title": "The night rota", "detail": "Closes on the 20th.", "who_needs": "the ward" });
    assert_eq!(t.put("dana", &area(rota), reworded.clone()).await.0, StatusCode::FORBIDDEN, "dana did not add alice's area");
    let (status, plan) = t.put("alice", &area(rota), reworded).await;
    assert_eq!((status, plan["areas"][0]["title"].as_str()), (StatusCode::OK, Some("The night rota")));
    let (status, err) = t.put("alice", &area(rota), json!({ "title": " " })).await;
    assert_eq!((status, fields(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["title".to_string()]));
    assert_eq!(
        t.post("alice", &format!("{}/merge", area(rota)), json!({ "from": rostering })).await.0,
        StatusCode::FORBIDDEN,
        "alice may not fold dana's area away"
    );

    // bob, the line manager, merges the team's duplicate into the leaver's area.
    let (status, plan) = t.post("bob", &format!("{}/merge", area(rota)), json!({ "from": rostering })).await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    let titles: Vec<&str> = plan["areas"].as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["The night rota", "Falls audit"]);
    assert_eq!(plan["areas"][0]["detail"], "Closes on the 20th.\n\nBank staff first.");
    assert_eq!((plan["areas"][0]["source"].as_str(), plan["areas"][0]["who_needs"].as_str()), (Some("both"), Some("the ward")));
    assert_eq!(t.post("bob", &format!("{}/merge", area(rota)), json!({ "from": rostering })).await.0, StatusCode::NOT_FOUND, "merged once");

    let (status, plan) = t.delete("dana", &area(audit)).await;
    assert_eq!((status, plan["areas"].as_array().unwrap().len()), (StatusCode::OK, 1), "{plan}");

    // Once a handover note is stored from an area, it cannot be removed.
    t.post(
        "bob",
        &format!("/api/v1/leaver-plans/{id}/scores"),
        json!({ "scores": [{ "area_id": rota, "importance": 3, "availability": 3, "frequency": 3 }], "agree": true }),
    )
    .await;
    let (_, plan) = t.post("alice", &format!("{}/actions", area(rota)), json!({ "tool": "handover_note" })).await;
    let action = plan["areas"][0]["actions"][0]["id"].as_i64().unwrap();
    let note = json!({ "title": "Night rota", "body": "The bank office first." });
    assert_eq!(t.post("alice", &format!("/api/v1/leaver-plans/{id}/actions/{action}/output"), note).await.0, StatusCode::CREATED);
    let (status, err) = t.delete("alice", &area(rota)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    assert!(err.to_string().contains("already stored"), "{err}");
}
