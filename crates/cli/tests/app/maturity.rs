//! Maturity self-assessment through the API: the shipped models, a team's assessment
//! checked against its model, history and who could help whom, the organisation's own
//! model from JSON and from a workbook, and assessments out to XLSX and back in,
//! identically, all or nothing.
use crate::common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use common::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    teams_assess_themselves_against_a_model_and_see_who_could_help_them,
    assessments_go_out_to_xlsx_and_come_back_in_identically_all_or_nothing,
    an_organisation_loads_its_own_model_from_json_or_a_workbook,
);

fn fields(err: &Value) -> Vec<String> {
    err["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_string()).collect()
}

fn assessment(t: &TestApp, team: &str, held_on: &str, levels: [(u8, u8); 3]) -> Value {
    let names = ["Taking a strategic approach", "Leadership", "Building a learning organisation"];
    let ratings: Vec<Value> = names
        .iter()
        .zip(levels)
        .map(|(c, (current, target))| json!({ "category": c, "current": current, "target": target, "evidence": format!("{team} evidence for {c}") }))
        .collect();
    json!({
        "model_key": "nhs-km", "team_id": t.teams[team], "held_on": held_on, "facilitator": "spec",
        "participants": ["alice", "a colleague"], "ratings": ratings, "actions": [format!("{team}: run a retrospect"), "Name an advocate"],
    })
}

async fn bytes(t: &TestApp, who: &str, path: &str) -> Vec<u8> {
    let res = t.client.get(format!("{}{path}", t.base)).bearer_auth(&t.tokens[who]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.bytes().await.unwrap().to_vec()
}

async fn upload(t: &TestApp, who: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let res = t
        .client
        .post(format!("{}/api/v1/maturity/assessments/import", t.base))
        .bearer_auth(&t.tokens[who])
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap())
}

/// Every sheet's cells as text, to compare workbooks by what they say.
fn cells(xlsx: &[u8]) -> Vec<(String, Vec<Vec<String>>)> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(xlsx)).unwrap();
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let rows = range.rows().map(|r| r.iter().map(|c: &Data| c.to_string()).collect()).collect();
            (name, rows)
        })
        .collect()
}

async fn teams_assess_themselves_against_a_model_and_see_who_could_help_them(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let (_, models) = t.get("alice", "/api/v1/maturity/models").await;
    let keys: Vec<&str> = models.as_array().unwrap().iter().map(|m| m["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["nhs-km", "collison-parcell", "knowledge-principles"]);
    assert_eq!(t.get("guest", "/api/v1/maturity/models").await.0, StatusCode::FORBIDDEN);

    let mut bad = assessment(&t, "Ward A", "2026-10-01", [(3, 2), (0, 6), (1, 1)]);
    bad["ratings"].as_array_mut().unwrap().pop();
    let (status, err) = t.post("alice", "/api/v1/maturity/assessments", bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(fields(&err), ["ratings[0].target", "ratings[1].current", "ratings[1].target", "ratings"]);
    assert!(err.to_string().contains("rate \\\"Building a learning organisation\\\""), "{err}");
    let (status, err) = t.post("alice", "/api/v1/maturity/assessments", assessment(&t, "Ward B", "2026-10-01", [(1, 2); 3])).await;
    assert_eq!((status, fields(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["team_id".to_string()]), "alice is on Ward A");

    for (who, team, held_on, levels) in [
        ("alice", "Ward A", "2026-03-01", [(1, 3), (1, 2), (2, 3)]),
        ("alice", "Ward A", "2026-10-01", [(2, 4), (2, 3), (2, 3)]),
        ("bob", "Ward B", "2026-10-02", [(4, 4), (3, 4), (1, 2)]),
    ] {
        let (status, a) = t.post(who, "/api/v1/maturity/assessments", assessment(&t, team, held_on, levels)).await;
        assert_eq!(status, StatusCode::CREATED, "{a}");
    }
    let (status, _) = t.post("alice", "/api/v1/maturity/assessments", assessment(&t, "Ward A", "2026-10-01", [(1, 1); 3])).await;
    assert_eq!(status, StatusCode::CONFLICT, "one assessment per team, model and day");

    let (_, o) = t.get("bob", "/api/v1/maturity/models/nhs-km").await;
    let teams: Vec<&str> = o["teams"].as_array().unwrap().iter().map(|t| t["team"].as_str().unwrap()).collect();
    assert_eq!(teams, ["Ward A", "Ward B"]);
    assert_eq!(o["teams"][0]["history"].as_array().unwrap().len(), 2, "history is kept");
    assert_eq!(o["teams"][0]["latest"]["held_on"], "2026-10-01");
    let helpers: Vec<String> = o["helpers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            format!("{} helps {} in {}", h["from_team"].as_str().unwrap(), h["to_team"].as_str().unwrap(), h["category"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        helpers,
        [
            "Ward B helps Ward A in Taking a strategic approach",
            "Ward B helps Ward A in Leadership",
            "Ward A helps Ward B in Building a learning organisation"
        ]
    );
}

async fn assessments_go_out_to_xlsx_and_come_back_in_identically_all_or_nothing(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    t.post("alice", "/api/v1/maturity/assessments", assessment(&t, "Ward A", "2026-03-01", [(1, 3), (1, 2), (2, 3)])).await;
    t.post("alice", "/api/v1/maturity/assessments", assessment(&t, "Ward A", "2026-10-01", [(2, 4), (2, 3), (2, 3)])).await;
    t.post("bob", "/api/v1/maturity/assessments", assessment(&t, "Ward B", "2026-10-02", [(4, 4), (3, 4), (1, 2)])).await;
    let exported = bytes(&t, "alice", "/api/v1/maturity/models/nhs-km/assessments.xlsx").await;
    let sheets = cells(&exported);
    assert_eq!(sheets[0].1[0], ["Model", "Team", "Held on", "Facilitator", "Participants", "Category", "Current", "Target", "Evidence"]);
    assert_eq!(sheets[0].1.len(), 1 + 9, "one row per rating");
    assert_eq!(sheets[0].1[1][0], "NHS knowledge management maturity model", "a model is named as people know it");
    assert_eq!(sheets[1].1.len(), 1 + 6, "two action steps each");

    // Into another organisation with the same teams: everything arrives, and exports the same.
    let other = TestApp::spawn(backend).await;
    let (status, imported) = upload(&other, "spec", exported.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{imported}");
    assert_eq!(imported.as_array().unwrap().len(), 3);
    let again = bytes(&other, "spec", "/api/v1/maturity/models/nhs-km/assessments.xlsx").await;
    assert_eq!(cells(&again), sheets, "the workbook re-imports identically");
    let strip = |o: &Value| -> Vec<Value> {
        o["teams"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|t| t["history"].as_array().unwrap().clone())
            .map(|mut a| {
                for k in ["id", "recorded_by", "recorded_at", "team_id"] {
                    a.as_object_mut().unwrap().remove(k);
                }
                a
            })
            .collect()
    };
    let (_, here) = t.get("alice", "/api/v1/maturity/models/nhs-km").await;
    let (_, there) = other.get("alice", "/api/v1/maturity/models/nhs-km").await;
    assert_eq!(strip(&here), strip(&there));

    // Importing the same again is refused whole; so is a workbook with one bad cell.
    let (status, err) = upload(&other, "spec", exported.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        err["message"].as_str().unwrap().contains("already has a NHS knowledge management maturity model assessment held on"),
        "the refusal names the model as people know it, not by its key: {err}"
    );
    let fresh = TestApp::spawn(backend).await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("Assessments").unwrap();
    for (row, line) in sheets[0].1.iter().enumerate() {
        for (col, value) in line.iter().enumerate() {
            let value = match (row, col) {
                (5, 6) => "three",
                (3, 7) => "1",
                _ => value.as_str(),
            };
            sheet.write_string(row as u32, col as u16, value).unwrap();
        }
    }
    let actions = book.add_worksheet().set_name("Actions").unwrap();
    for (col, h) in ["Model", "Team", "Held on", "Action"].iter().enumerate() {
        actions.write_string(0, col as u16, *h).unwrap();
    }
    let (status, err) = upload(&fresh, "spec", book.save_to_buffer().unwrap()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(
        err["errors"][0]["message"],
        "sheet \"Assessments\", row 4, column Target: the target cannot be below where the team is now"
    );
    let (_, o) = fresh.get("spec", "/api/v1/maturity/models/nhs-km").await;
    assert_eq!(o["teams"], json!([]), "nothing was stored");
    let (status, err) = upload(&fresh, "spec", b"not a workbook".to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["errors"][0]["message"].as_str().unwrap().starts_with("this is not an .xlsx workbook"), "{err}");
}

async fn an_organisation_loads_its_own_model_from_json_or_a_workbook(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let own = json!({
        "key": "team-km", "name": "Our team checklist", "source": "UKHSA adaptation", "complete": true,
        "levels": ["Starting", "Developing", "Embedded"],
        "categories": [{ "name": "Capturing lessons", "descriptions": ["Rarely", "Sometimes", "Always"] }, { "name": "Sharing" }],
    });
    assert_eq!(t.post("alice", "/api/v1/maturity/models", own.clone()).await.0, StatusCode::FORBIDDEN, "specialists load models");
    let mut clash = own.clone();
    clash["key"] = json!("nhs-km");
    clash["levels"] = json!(["Only one"]);
    let (status, err) = t.post("spec", "/api/v1/maturity/models", clash).await;
    assert_eq!(
        (status, fields(&err)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["levels".to_string(), "categories[0].descriptions".to_string(), "key".to_string()]),
        "{err}"
    );
    let (status, model) = t.post("spec", "/api/v1/maturity/models", own).await;
    assert_eq!(status, StatusCode::CREATED, "{model}");
    let ratings =
        json!([{ "category": "Capturing lessons", "current": 1, "target": 3 }, { "category": "Sharing", "current": 2, "target": 2 }]);
    let input = json!({ "model_key": "team-km", "team_id": t.teams["Ward A"], "held_on": "2026-11-02", "ratings": ratings });
    assert_eq!(t.post("alice", "/api/v1/maturity/assessments", input).await.0, StatusCode::CREATED);

    // The model's workbook, edited (a new key and name), loads back as another model.
    let workbook = signpost_services::Signpost::model_workbook(&serde_json::from_value(model).unwrap()).unwrap();
    let sheets = cells(&workbook);
    assert_eq!(sheets[2].1[0], ["Category", "Level 1", "Level 2", "Level 3"]);
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, rows) in &sheets {
        let sheet = book.add_worksheet().set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, value) in row.iter().enumerate() {
                let value = match (name.as_str(), r, c) {
                    ("Model", 0, 1) => "team-km-2027",
                    ("Model", 1, 1) => "Our team checklist, 2027",
                    _ => value.as_str(),
                };
                sheet.write_string(r as u32, c as u16, value).unwrap();
            }
        }
    }
    let actor = t.app.actor(t.users["spec"]).await.unwrap();
    let loaded = t.app.load_model_xlsx(&actor, &book.save_to_buffer().unwrap()).await.unwrap();
    assert_eq!((loaded.key.as_str(), loaded.levels.len()), ("team-km-2027", 3));
    assert_eq!(loaded.categories[0].descriptions, ["Rarely", "Sometimes", "Always"]);
    assert!(loaded.categories[1].descriptions.is_empty());
    let (_, models) = t.get("bob", "/api/v1/maturity/models").await;
    assert_eq!(models.as_array().unwrap().len(), 5);
}
