//! Evidence of impact through the API: attributable statements on what the recorder may
//! see, the stories showcase with reactions, and the programme report for a period with
//! its CSV and XLSX, for knowledge specialists only.
use crate::common;

use std::io::Cursor;

use calamine::{Reader, Xlsx, open_workbook_from_rs};
use chrono::Utc;
use common::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    impact_is_recorded_with_who_said_it_on_what_the_recorder_may_see,
    the_showcase_holds_this_months_stories_and_counts_reactions_once_per_person,
    the_programme_report_counts_a_period_and_downloads_as_csv_and_xlsx,
    a_statement_recorded_in_error_is_withdrawn_by_its_recorder_or_a_specialist,
);

fn fields(err: &Value) -> Vec<String> {
    err["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_string()).collect()
}

fn story(title: &str, team: i64) -> Value {
    json!({ "kind": "story", "title": title, "summary": "What happened and what changed.", "body": "It began on a Tuesday.",
        "fields": { "storyteller": "alice", "impact": "Fewer falls" }, "team_id": team, "visibility": "organisation", "status": "published" })
}

async fn impact_is_recorded_with_who_said_it_on_what_the_recorder_may_see(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let (_, private) = t.post("alice", "/api/v1/assets", common::lesson("Ward A only", t.teams["Ward A"], "team", "published")).await;
    let (_, open) = t.post("alice", "/api/v1/assets", common::lesson("For everyone", t.teams["Ward A"], "organisation", "published")).await;
    let statement = |id: &Value, kind: &str| json!({ "subject": { "kind": "asset", "id": id }, "kind": kind, "quote": "We changed the rota because of it.", "attributed_to": "Sam Lee", "role": "Ward manager", "stakeholder": "service" });
    assert_eq!(t.post("bob", "/api/v1/impact", statement(&private["id"], "used_it")).await.0, StatusCode::NOT_FOUND, "bob cannot see it");
    let bad = json!({ "subject": { "kind": "asset", "id": open["id"] }, "kind": "influenced_decision", "quote": " ", "attributed_to": "", "stakeholder": "board", "said_on": "2999-01-01" });
    let (status, err) = t.post("bob", "/api/v1/impact", bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&err), ["quote", "attributed_to", "decision", "said_on"], "quotes are attributable, decisions named, dates real");
    let (status, saved) = t.post("bob", "/api/v1/impact", statement(&open["id"], "changed_practice")).await;
    assert_eq!(status, StatusCode::CREATED, "{saved}");
    assert_eq!(saved["said_on"], Utc::now().date_naive().to_string());
    assert_eq!(t.post("guest", "/api/v1/impact", statement(&open["id"], "used_it")).await.0, StatusCode::FORBIDDEN);
}

async fn a_statement_recorded_in_error_is_withdrawn_by_its_recorder_or_a_specialist(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let (_, private) = t.post("alice", "/api/v1/assets", common::lesson("Ward A only", t.teams["Ward A"], "team", "published")).await;
    let (_, open) = t.post("alice", "/api/v1/assets", common::lesson("For everyone", t.teams["Ward A"], "organisation", "published")).await;
    let statement = |id: &Value, who: &str| json!({ "subject": { "kind": "asset", "id": id }, "kind": "used_it", "quote": "We used it on nights.", "attributed_to": who, "stakeholder": "team" });
    let (_, mine) = t.post("bob", "/api/v1/impact", statement(&open["id"], "Sam Lee")).await;
    let (_, other) = t.post("alice", "/api/v1/impact", statement(&open["id"], "Jo Park")).await;
    let (_, hidden) = t.post("alice", "/api/v1/impact", statement(&private["id"], "Ann Ward")).await;
    let today = Utc::now().date_naive();
    let report = format!("/api/v1/reports/programme?from={today}&to={today}");
    assert_eq!(t.get("admin", &report).await.1["impacts"].as_array().unwrap().len(), 3);
    let (_, r) = t.get("spec", &report).await;
    let mut quoted: Vec<&str> =
        r["impacts"].as_array().unwrap().iter().map(|i| i["statement"]["attributed_to"].as_str().unwrap()).collect();
    quoted.sort_unstable();
    assert_eq!(quoted, ["Jo Park", "Sam Lee"], "the report never quotes what is said about an asset its reader cannot see");
    let res = t
        .client
        .get(format!("{}/api/v1/reports/programme.csv?from={today}&to={today}", t.base))
        .bearer_auth(&t.tokens["spec"])
        .send()
        .await
        .unwrap();
    assert!(!res.text().await.unwrap().contains("Ann Ward"), "nor does its CSV");
    let guest = t.app.actor(t.users["guest"]).await.unwrap();
    let read = t.app.impact_statement(&guest, mine["id"].as_i64().unwrap()).await;
    assert!(matches!(read, Err(signpost_services::ServiceError::NotFound(_))), "guests read no statements: {read:?}");

    assert_eq!(t.delete("bob", &format!("/api/v1/impact/{}", other["id"])).await.0, StatusCode::FORBIDDEN, "alice recorded it");
    assert_eq!(t.delete("bob", &format!("/api/v1/impact/{}", hidden["id"])).await.0, StatusCode::NOT_FOUND, "bob cannot see the asset");
    assert_eq!(t.delete("bob", "/api/v1/impact/999999").await.0, StatusCode::NOT_FOUND);
    assert_eq!(t.delete("bob", &format!("/api/v1/impact/{}", mine["id"])).await.0, StatusCode::NO_CONTENT);
    assert_eq!(t.delete("bob", &format!("/api/v1/impact/{}", mine["id"])).await.0, StatusCode::NOT_FOUND, "already gone");
    assert_eq!(
        t.delete("spec", &format!("/api/v1/impact/{}", other["id"])).await.0,
        StatusCode::NO_CONTENT,
        "specialists answer for the evidence"
    );

    let (_, r) = t.get("admin", &report).await;
    let left: Vec<&str> = r["impacts"].as_array().unwrap().iter().map(|i| i["statement"]["attributed_to"].as_str().unwrap()).collect();
    assert_eq!(left, ["Ann Ward"], "withdrawn statements leave the report");
    let (_, audit) = t.get("admin", "/api/v1/audit?limit=5").await;
    let withdrawn: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "impact.withdraw")
        .map(|e| e["summary"].as_str().unwrap())
        .collect();
    assert_eq!(withdrawn.len(), 2, "the audit log says what was withdrawn: {audit}");
    assert!(
        withdrawn.iter().all(|w| w.contains("from For everyone") && !w.contains("Sam Lee") && !w.contains("nights")),
        "not the words or the name: {withdrawn:?}"
    );
}

async fn the_showcase_holds_this_months_stories_and_counts_reactions_once_per_person(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let (_, s1) = t.post("alice", "/api/v1/assets", story("Falls huddles that worked", (t.teams["Ward A"]).0)).await;
    t.post("bob", "/api/v1/assets", story("A night shift story", (t.teams["Ward B"]).0)).await;
    let (_, lesson) =
        t.post("alice", "/api/v1/assets", common::lesson("Not a story", t.teams["Ward A"], "organisation", "published")).await;
    let month = Utc::now().date_naive().format("%Y-%m").to_string();
    let react = |id: &Value, kind: &str, on: bool| (format!("/api/v1/showcase/stories/{id}/reactions"), json!({ "kind": kind, "on": on }));
    for (who, (path, body)) in [
        ("bob", react(&s1["id"], "inspiring", true)),
        ("spec", react(&s1["id"], "inspiring", true)),
        ("bob", react(&s1["id"], "inspiring", true)),
    ] {
        assert_eq!(t.put(who, &path, body).await.0, StatusCode::NO_CONTENT);
    }
    let (path, body) = react(&lesson["id"], "useful", true);
    assert_eq!(t.put("bob", &path, body).await.0, StatusCode::CONFLICT, "only stories take reactions");
    let (_, sc) = t.get("bob", &format!("/api/v1/showcase/{month}")).await;
    let titles: Vec<&str> = sc["items"].as_array().unwrap().iter().map(|i| i["asset"]["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Falls huddles that worked", "A night shift story"], "most reacted first; the lesson is not a story");
    assert_eq!(sc["items"][0]["counts"], json!([2, 0, 0]), "bob's second click counts once");
    assert_eq!(sc["items"][0]["mine"], json!(["inspiring"]));
    let (path, body) = react(&s1["id"], "inspiring", false);
    t.put("bob", &path, body).await;
    let (_, sc) = t.get("bob", &format!("/api/v1/showcase/{month}")).await;
    assert_eq!(sc["items"][0]["counts"][0].as_i64().unwrap() + sc["items"][1]["counts"][0].as_i64().unwrap(), 1, "withdrawn");
    let (_, earlier) = t.get("bob", "/api/v1/showcase/2020-01").await;
    assert_eq!(earlier["items"], json!([]));
    assert_eq!(earlier["title"], "January 2020");
    assert_eq!(t.get("bob", "/api/v1/showcase/2026-13").await.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(t.get("guest", &format!("/api/v1/showcase/{month}")).await.0, StatusCode::FORBIDDEN);
}

async fn the_programme_report_counts_a_period_and_downloads_as_csv_and_xlsx(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let (_, used) =
        t.post("alice", "/api/v1/assets", common::lesson("Falls huddle method", t.teams["Ward A"], "organisation", "published")).await;
    let verified = t.post("alice", &format!("/api/v1/assets/{}/verify", used["id"]), json!({ "note": "still right" })).await;
    assert_eq!(verified.0, StatusCode::OK, "{}", verified.1);
    let (_, project) = t.post("alice", "/api/v1/projects", json!({ "title": "Falls on Ward A", "team_id": t.teams["Ward A"] })).await;
    let today = Utc::now().date_naive().to_string();
    let (_, session) = t
        .post(
            "alice",
            "/api/v1/sessions",
            json!({ "technique_key": "after-action-review", "title": "Falls AAR", "project_id": project["id"], "held_on": today }),
        )
        .await;
    for (subject, kind, who, level, decision) in [
        (json!({ "kind": "asset", "id": used["id"] }), "used_it", "Sam Lee", "team", ""),
        (json!({ "kind": "asset", "id": used["id"] }), "changed_practice", "Jo Park", "service", ""),
        (json!({ "kind": "session", "id": session["id"] }), "influenced_decision", "Dr Chen", "senior", "Fund falls sensors"),
    ] {
        let body = json!({ "subject": subject, "kind": kind, "quote": "It made a difference.", "attributed_to": who, "stakeholder": level, "decision": decision });
        assert_eq!(t.post("bob", "/api/v1/impact", body).await.0, StatusCode::CREATED);
    }
    let period = format!("from={}&to={today}", (Utc::now() - chrono::Duration::days(30)).date_naive());
    assert_eq!(t.get("alice", &format!("/api/v1/reports/programme?{period}")).await.0, StatusCode::FORBIDDEN, "for specialists");
    let (status, r) = t.get("spec", &format!("/api/v1/reports/programme?{period}")).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["sessions"], 1);
    assert_eq!(r["activities"][0]["team"], "Ward A");
    assert_eq!(r["assets_created"], 1);
    assert_eq!(r["assets_verified"], 1);
    assert_eq!(r["impact_counts"], json!([1, 1, 1]));
    assert_eq!(r["stakeholder_level"], "senior");
    assert_eq!(r["outcome_2_level"], 3, "a senior stakeholder's decision was informed");
    assert_eq!(r["contributors"][0]["name"], "alice");
    assert_eq!(r["contributors"][0]["reuse"], 2, "used once and changed practice once; the decision is not reuse");
    let (_, old) = t.get("spec", "/api/v1/reports/programme?from=2020-01-01&to=2020-12-31").await;
    assert_eq!(
        (old["sessions"].clone(), old["impacts"].clone(), old["assets_verified"].clone(), old["outcome_2_level"].clone()),
        (json!(0), json!([]), json!(0), json!(1)),
        "a project is being planned"
    );
    let (status, err) = t.get("spec", "/api/v1/reports/programme?from=2026-05-01&to=2026-04-01").await;
    assert_eq!((status, fields(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["to".to_string()]));
    let (status, err) = t.get("spec", "/api/v1/reports/programme?from=1990-01-01&to=2026-04-01").await;
    assert_eq!((status, fields(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["to".to_string()]), "ten years at most: {err}");
    let (status, end) = t.get("spec", "/api/v1/reports/programme?from=9999-06-01&to=9999-12-31").await;
    assert_eq!((status, end["kpis"].as_array().map(Vec::len)), (StatusCode::OK, Some(7)), "the last months there are: {end}");

    let res =
        t.client.get(format!("{}/api/v1/reports/programme.csv?{period}", t.base)).bearer_auth(&t.tokens["spec"]).send().await.unwrap();
    let csv = res.text().await.unwrap();
    let csv = csv.strip_prefix('\u{feff}').unwrap_or_else(|| panic!("a byte-order mark first, for Excel: {csv}"));
    assert!(csv.starts_with("Section,Item,Detail,Value\n"), "{csv}");
    assert!(csv.contains("Summary,Learning sessions held,,1"), "{csv}");
    assert!(csv.contains("Impact,It informed a decision,"), "{csv}");
    let res =
        t.client.get(format!("{}/api/v1/reports/programme.xlsx?{period}", t.base)).bearer_auth(&t.tokens["spec"]).send().await.unwrap();
    let bytes = res.bytes().await.unwrap().to_vec();
    let book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let sheets = book.sheet_names();
    for want in ["Period", "Summary", "Activities", "KPIs", "Impact", "Contributors"] {
        assert!(sheets.iter().any(|s| s == want), "{want} in {sheets:?}");
    }
}

/// The walkthrough found the demo's history all dated the day it loaded, which
/// flattens every monthly figure: its sessions, impact statements and coffee rounds
/// now fall across the months before, as do the actions closed on their lessons.
#[tokio::test]
async fn the_demo_history_is_spread_over_the_months_before_it_loads() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    signpost::demo::load(&t.app).await.unwrap();
    let amira = t.app.user_by_email("amira.haddad@northfield.nhs.uk").await.unwrap();
    let amira = t.app.actor(amira.id).await.unwrap();
    let today = chrono::Utc::now().date_naive();
    let report = t.app.programme_report(&amira, today - chrono::Duration::days(365), today).await.unwrap();
    let months_with = |count: &dyn Fn(&signpost_services::report::KpiMonth) -> usize| report.kpis.iter().filter(|k| count(k) > 0).count();
    let statements: usize = report.kpis.iter().map(|k| k.impacts).sum();
    assert!(statements >= 3 && months_with(&|k| k.impacts) == statements, "each statement in a month of its own: {:?}", report.kpis);
    assert!(months_with(&|k| k.sessions) >= 6, "sessions over the year: {:?}", report.kpis);
    assert!(months_with(&|k| k.assets_created) >= 6, "assets over the year: {:?}", report.kpis);
    assert!(months_with(&|k| k.actions_closed) >= 4, "actions closed over the year: {:?}", report.kpis);
    let (_, programmes) = t.get("admin", "/api/v1/coffee").await;
    let id = programmes[0]["id"].as_i64().unwrap();
    let view = t.app.programme_view(&amira, signpost_domain::ids::ProgrammeId(id)).await.unwrap();
    let rounds: Vec<_> = view.report.unwrap().rounds.iter().map(|r| r.round.held_on).collect();
    assert!(rounds.len() >= 2 && rounds.iter().all(|d| *d < today), "rounds paired in the weeks before: {rounds:?}");
    assert_ne!(rounds[0], rounds[1], "a round every four weeks, not two on one day");
}
