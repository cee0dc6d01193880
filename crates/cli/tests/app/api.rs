//! The JSON API end to end on a real server: asset life cycle, the identifier
//! guard, bad input, sessions and CSRF, tokens, synonyms and review queues.
use crate::common;

use std::time::Duration;

use common::{Backend, PASSWORD, TestApp, eventually, lesson};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_backends!(
    asset_life_cycle_keeps_every_version_and_search_follows,
    nhs_number_blocks_publication_unless_a_specialist_overrides_with_a_reason,
    bad_input_gets_a_json_4xx_and_writes_nothing,
    duplicate_emails_and_team_names_are_conflicts_not_failures,
    browser_sessions_need_the_csrf_token_to_change_anything,
    sign_in_is_rate_limited_per_account,
    revoked_tokens_stop_working,
    specialists_edit_synonyms_and_search_uses_them_at_once,
    overdue_assets_are_flagged_and_verifying_clears_the_queue,
    concurrent_edits_are_caught_by_version,
    guests_cannot_write_and_admins_alone_read_the_audit_log,
    search_tolerates_typos_honours_phrases_filters_sort_and_type_ahead,
    people_edit_their_own_details_and_only_admins_move_teams,
);

async fn asset_life_cycle_keeps_every_version_and_search_follows(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let ward_a = t.teams["Ward A"];
    let (status, created) = t.post("alice", "/api/v1/assets", lesson("Saturday flu clinic queues", ward_a, "organisation", "draft")).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["status"], "draft");
    assert_eq!(created["version"], 1);

    let mut edit = lesson("Saturday flu clinic queues and consent", ward_a, "organisation", "draft");
    edit["body"] = json!("## Queues\nConsent links sent with the reminder **halved** waits.");
    edit["expected_version"] = json!(1);
    let (status, updated) = t.put("alice", &format!("/api/v1/assets/{id}"), edit).await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["version"], 2);
    assert!(updated["body_html"].as_str().unwrap().contains("<strong>halved</strong>"));

    let (status, published) = t.post("alice", &format!("/api/v1/assets/{id}/publish"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{published}");
    assert_eq!(published["status"], "published");
    let (status, verified) = t.post("alice", &format!("/api/v1/assets/{id}/verify"), json!({"note": "still right"})).await;
    assert_eq!(status, StatusCode::OK, "{verified}");

    let (_, history) = t.get("alice", &format!("/api/v1/assets/{id}/history")).await;
    let events: Vec<&str> = history["items"].as_array().unwrap().iter().map(|v| v["event"].as_str().unwrap()).collect();
    assert_eq!(events, ["verified", "published", "updated", "created"]);
    let (_, first) = t.get("alice", &format!("/api/v1/assets/{id}/history?limit=2&offset=2")).await;
    assert_eq!((first["total"].as_i64(), first["items"][1]["version"].as_i64()), (Some(4), Some(1)), "the history comes a page at a time");
    let (status, verified_diff) = t.get("alice", &format!("/api/v1/assets/{id}/diff?from=3&to=4")).await;
    assert_eq!(status, StatusCode::OK, "a verification reads as the version before it");
    assert!(!verified_diff["diff"].as_str().unwrap().contains("\n+"), "{verified_diff}");

    let (status, diff) = t.get("alice", &format!("/api/v1/assets/{id}/diff?from=1&to=2")).await;
    assert_eq!(status, StatusCode::OK);
    let diff = diff["diff"].as_str().unwrap();
    assert!(
        diff.contains("-Title: Saturday flu clinic queues\n") && diff.contains("+Title: Saturday flu clinic queues and consent"),
        "{diff}"
    );

    let (status, restored) = t.post("alice", &format!("/api/v1/assets/{id}/restore"), json!({"version": 1})).await;
    assert_eq!(status, StatusCode::OK, "{restored}");
    assert_eq!(restored["title"], "Saturday flu clinic queues");
    assert_eq!(restored["status"], "published", "restoring content keeps the current status");

    // Search follows every change without being asked.
    let found = eventually(Duration::from_secs(2), async || {
        let (_, r) = t.get("bob", "/api/v1/search?q=consent%20door").await;
        r["hits"].as_array().is_some_and(|h| h.iter().any(|h| h["id"] == id && h["title"] == "Saturday flu clinic queues"))
    })
    .await;
    assert!(found.is_some(), "the restored asset was not searchable within 2 s");

    let (status, archived) = t.post("alice", &format!("/api/v1/assets/{id}/archive"), json!({"note": "superseded by the 2027 plan"})).await;
    assert_eq!(status, StatusCode::OK, "{archived}");
    assert_eq!(archived["status"], "archived");
    let (status, _) = t.get("guest", &format!("/api/v1/assets/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "guests do not see archived knowledge");
    let (status, still) = t.get("bob", &format!("/api/v1/assets/{id}")).await;
    assert_eq!((status, still["status"].as_str()), (StatusCode::OK, Some("archived")), "archiving retires without deleting");
}

async fn nhs_number_blocks_publication_unless_a_specialist_overrides_with_a_reason(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let ward_a = t.teams["Ward A"];
    let mut body = lesson("Wrong patient wristband", ward_a, "organisation", "published");
    body["fields"]["what_happened"] = json!("Checked at the bedside.\nThe NHS number 943 476 5919 did not match the wristband.");
    let (status, err) = t.post("alice", "/api/v1/assets", body.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["code"], "identifier_found");
    assert_eq!(err["findings"][0]["field"], "fields.what_happened");
    assert_eq!(err["findings"][0]["line"], 2);
    assert_eq!(err["findings"][0]["column"], 16);
    assert!(!err.to_string().contains("476 5919"), "the warning must not repeat the number");

    // A draft may hold it (with a warning) but cannot be published.
    body["status"] = json!("draft");
    let (status, draft) = t.post("alice", "/api/v1/assets", body.clone()).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(draft["identifier_warnings"].as_array().unwrap().len(), 1);
    let id = draft["id"].as_i64().unwrap();
    let (status, err) = t.post("alice", &format!("/api/v1/assets/{id}/publish"), json!({})).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("identifier_found")));
    let (status, _) = t.post("alice", &format!("/api/v1/assets/{id}/publish"), json!({"override_reason": "it is fine"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "members cannot override");
    let (status, done) = t
        .post("spec", &format!("/api/v1/assets/{id}/publish"), json!({"override_reason": "Synthetic number from the training pack"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    let (_, audit) = t.get("admin", "/api/v1/audit?limit=5").await;
    assert!(
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "asset.publish" && e["summary"].as_str().unwrap().contains("Synthetic number from the training pack"))
    );

    // Fixing the text lets it through: a bad check digit and the test range do not trigger.
    for harmless in ["NHS number 987 654 4321 was quoted", "NHS number 999 123 4560 is a test number"] {
        let mut ok = lesson(&format!("Harmless {harmless}"), ward_a, "organisation", "published");
        ok["body"] = json!(harmless);
        let (status, v) = t.post("alice", "/api/v1/assets", ok).await;
        assert_eq!(status, StatusCode::CREATED, "{harmless}: {v}");
    }
}

async fn bad_input_gets_a_json_4xx_and_writes_nothing(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let ward_a = t.teams["Ward A"];
    let (_, before) = t.get("admin", "/api/v1/audit?limit=1").await;
    let raw = |body: &'static str| {
        t.client
            .post(format!("{}/api/v1/assets", t.base))
            .bearer_auth(&t.tokens["alice"])
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let res = raw("{\"kind\": \"lesson\", \"title\": ").await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "malformed_json");
    let res = raw("{\"kind\": \"memo\", \"title\": \"x\"}").await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.json::<Value>().await.unwrap()["message"].as_str().unwrap().contains("memo"));

    let mut missing = lesson("", ward_a, "organisation", "published");
    missing["fields"] = json!({"context": "x", "colour": "blue"});
    missing["review_interval_days"] = json!(2);
    let (status, err) = t.post("alice", "/api/v1/assets", missing).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = err["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    for f in ["title", "fields.colour", "review_interval_days"] {
        assert!(fields.contains(&f), "{f} not reported in {err}");
    }
    let mut wrong_team = lesson("Filed elsewhere", t.teams["Ward B"], "organisation", "draft");
    wrong_team["links"] = json!([987654]);
    let (status, err) = t.post("alice", "/api/v1/assets", wrong_team).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert!(err.to_string().contains("links[0]") && err.to_string().contains("team_id"));

    // The server answers 413 before reading the whole body and closes the connection,
    // so this request gets a client of its own rather than poisoning the shared pool.
    let huge = "x".repeat(3 * 1024 * 1024);
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/assets", t.base))
        .bearer_auth(&t.tokens["alice"])
        .json(&json!({"kind": "lesson", "title": "big", "body": huge}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "payload_too_large");

    for (path, code) in [("/api/v1/assets/424242", "not_found"), ("/api/v1/assets/abc", "not_found"), ("/api/v1/nothing", "not_found")] {
        let (status, err) = t.get("alice", path).await;
        assert_eq!((status, err["code"].as_str()), (StatusCode::NOT_FOUND, Some(code)), "{path}");
    }
    for path in ["/api/v1/search?limit=0", "/api/v1/search?kind=memo", "/api/v1/assets?limit=1000", "/api/v1/search?offset=-1"] {
        let (status, err) = t.get("alice", path).await;
        assert!(status.is_client_error(), "{path}: {status}");
        assert!(err["code"].is_string(), "{path}: {err}");
    }
    let res = t.client.get(format!("{}/api/v1/assets", t.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    let (_, list) = t.get("admin", "/api/v1/assets").await;
    assert_eq!(list["total"], 0, "nothing was written");
    let (_, after) = t.get("admin", "/api/v1/audit?limit=1").await;
    assert_eq!(before["total"], after["total"], "no audit entries for refused input");
}

async fn duplicate_emails_and_team_names_are_conflicts_not_failures(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let (status, err) =
        t.post("admin", "/api/v1/users", json!({"email": "ALICE@trust.nhs.uk", "name": "Alice Again", "role": "member"})).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")), "{err}");
    let (status, err) = t.post("admin", "/api/v1/teams", json!({"name": "Ward A", "kind": "team", "parent_id": t.teams["Clinical"]})).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")), "{err}");
    let (status, _) = t.post("admin", "/api/v1/teams", json!({"name": "Ward C", "kind": "team", "parent_id": t.teams["Test Trust"]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a team belongs under a directorate");
    let (status, _) = t.post("alice", "/api/v1/users", json!({"email": "new@trust.nhs.uk", "name": "New", "role": "admin"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn browser_sessions_need_the_csrf_token_to_change_anything(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let res = t
        .client
        .post(format!("{}/api/v1/session", t.base))
        .json(&json!({"email": "alice@trust.nhs.uk", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let session = cookie.split(';').next().unwrap().to_string();
    let csrf = res.json::<Value>().await.unwrap()["csrf_token"].as_str().unwrap().to_string();

    let me = t.client.get(format!("{}/api/v1/me", t.base)).header("cookie", &session).send().await.unwrap();
    assert_eq!(me.json::<Value>().await.unwrap()["email"], "alice@trust.nhs.uk");
    let body = lesson("Posted from the browser", t.teams["Ward A"], "organisation", "draft");
    let res = t.client.post(format!("{}/api/v1/assets", t.base)).header("cookie", &session).json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "csrf");
    let res = t
        .client
        .post(format!("{}/api/v1/assets", t.base))
        .header("cookie", &session)
        .header("x-csrf-token", &csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);

    let res = t.client.delete(format!("{}/api/v1/session", t.base)).header("cookie", &session).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let me = t.client.get(format!("{}/api/v1/me", t.base)).header("cookie", &session).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED, "signed-out sessions are gone from the server");
}

async fn sign_in_is_rate_limited_per_account(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let attempt = |email: &'static str, password: &'static str| {
        t.client.post(format!("{}/api/v1/session", t.base)).json(&json!({"email": email, "password": password})).send()
    };
    let unknown = attempt("nobody@trust.nhs.uk", "whatever whatever").await.unwrap();
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let unknown_message = unknown.json::<Value>().await.unwrap()["message"].clone();
    for _ in 0..5 {
        let res = attempt("alice@trust.nhs.uk", "wrong password!!").await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(res.json::<Value>().await.unwrap()["message"], unknown_message, "unknown and wrong look the same");
    }
    let res = attempt("alice@trust.nhs.uk", PASSWORD).await.unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password waits once the limit is hit");
    assert!(res.headers().contains_key("retry-after"));
}

async fn revoked_tokens_stop_working(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let (status, created) = t.post("bob", "/api/v1/tokens", json!({"name": "reporting script"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let secret = created["secret"].as_str().unwrap();
    let use_it = || t.client.get(format!("{}/api/v1/me", t.base)).bearer_auth(secret).send();
    assert_eq!(use_it().await.unwrap().status(), StatusCode::OK);
    let (_, list) = t.get("bob", "/api/v1/tokens").await;
    assert!(!list.to_string().contains(secret), "the secret is never listed");
    let listed = list.as_array().unwrap().iter().find(|t| t["id"] == created["token"]["id"]).unwrap();
    assert!(listed["last_used_at"].is_string(), "its use is recorded: {listed}");
    let id = created["token"]["id"].as_i64().unwrap();
    let (status, _) = t.call("alice", Method::DELETE, &format!("/api/v1/tokens/{id}"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "nobody revokes another person's token");
    let (status, _) = t.call("bob", Method::DELETE, &format!("/api/v1/tokens/{id}"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(use_it().await.unwrap().status(), StatusCode::UNAUTHORIZED);
}

async fn specialists_edit_synonyms_and_search_uses_them_at_once(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let mut a = lesson("Bedside rounds in the acute frailty unit", t.teams["Ward A"], "organisation", "published");
    a["body"] = json!("Our acute frailty unit changed its bedside rounds.");
    assert_eq!(t.post("alice", "/api/v1/assets", a).await.0, StatusCode::CREATED);
    // A shipped acronym works from the first start.
    let mut b = lesson("Running an after action review", t.teams["Ward A"], "organisation", "published");
    b["body"] = json!("Hold it within a day.");
    assert_eq!(t.post("alice", "/api/v1/assets", b).await.0, StatusCode::CREATED);
    t.settle().await;
    let (_, r) = t.get("bob", "/api/v1/search?q=AAR").await;
    assert_eq!(r["total"], 1, "{r}");

    let (_, r) = t.get("bob", "/api/v1/search?q=AFU").await;
    assert_eq!(r["total"], 0);
    let (_, mut groups) = t.get("spec", "/api/v1/synonyms").await;
    groups.as_array_mut().unwrap().push(json!({"terms": ["AFU", "acute frailty unit"]}));
    let (status, _) = t.put("alice", "/api/v1/synonyms", json!({"groups": groups.clone()})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = t.put("spec", "/api/v1/synonyms", json!({"groups": groups})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, r) = t.get("bob", "/api/v1/search?q=AFU").await;
    assert_eq!(r["total"], 1, "{r}");
}

async fn overdue_assets_are_flagged_and_verifying_clears_the_queue(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    // An import brings its last review date: two years ago, with a yearly review, so overdue.
    let mut item = lesson("Old sepsis screening guidance", t.teams["Ward A"], "organisation", "published");
    item["review_interval_days"] = json!(365);
    let input: signpost_services::assets::AssetInput = serde_json::from_value(item).unwrap();
    let import = signpost_services::transfer::ImportItem {
        source: "test".into(),
        input,
        team: None,
        owner: Some("alice@trust.nhs.uk".into()),
        named_viewer_emails: vec![],
        last_verified_at: Some(chrono::Utc::now() - chrono::Duration::days(730)),
        created_at: None,
    };
    let id = t.app.import_assets(None, vec![import]).await.unwrap()[0].id;
    t.settle().await;
    let (_, queue) = t.get("alice", "/api/v1/reviews").await;
    assert_eq!(queue["items"][0]["id"], id);
    let (_, team_queue) = t.get("bob", &format!("/api/v1/reviews?team_id={}", t.teams["Ward A"])).await;
    assert_eq!(team_queue["total"], 1);
    let (_, r) = t.get("bob", "/api/v1/search?q=sepsis&facets=true").await;
    assert_eq!(r["hits"][0]["stale"], true);
    let overdue = r["facets"]["review_state"].as_array().unwrap().iter().find(|f| f["value"] == "overdue").unwrap()["count"].clone();
    assert_eq!(overdue, 1);
    let (_, v) = t.get("bob", &format!("/api/v1/assets/{id}")).await;
    assert_eq!(v["stale"], true);

    let (status, _) = t.post("bob", &format!("/api/v1/assets/{id}/verify"), json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "bob is in another team");
    let (status, _) = t.post("alice", &format!("/api/v1/assets/{id}/verify"), json!({"note": "checked against NICE NG51"})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, queue) = t.get("alice", "/api/v1/reviews").await;
    assert_eq!(queue["total"], 0);
    t.settle().await;
    let (_, r) = t.get("bob", "/api/v1/search?q=sepsis&review=overdue").await;
    assert_eq!(r["total"], 0);
}

async fn concurrent_edits_are_caught_by_version(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let (_, created) = t.post("alice", "/api/v1/assets", lesson("Shared page", t.teams["Ward A"], "organisation", "draft")).await;
    let id = created["id"].as_i64().unwrap();
    let mut edit = lesson("Shared page, first edit", t.teams["Ward A"], "organisation", "draft");
    edit["expected_version"] = json!(1);
    assert_eq!(t.put("alice", &format!("/api/v1/assets/{id}"), edit.clone()).await.0, StatusCode::OK);
    edit["title"] = json!("Shared page, second edit from a stale form");
    let (status, err) = t.put("spec", &format!("/api/v1/assets/{id}"), edit).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")), "{err}");
}

async fn guests_cannot_write_and_admins_alone_read_the_audit_log(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let (status, _) = t.post("guest", "/api/v1/assets", lesson("Guest post", t.teams["Ward A"], "public", "draft")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for who in ["alice", "spec", "guest"] {
        assert_eq!(t.get(who, "/api/v1/audit").await.0, StatusCode::FORBIDDEN, "{who}");
    }
    let (status, log) = t.get("admin", "/api/v1/audit").await;
    assert_eq!(status, StatusCode::OK);
    assert!(log["items"].as_array().unwrap().iter().any(|e| e["action"] == "user.create" && e["after"]["email"] == "alice@trust.nhs.uk"));
}

async fn search_tolerates_typos_honours_phrases_filters_sort_and_type_ahead(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let ward = t.teams["Ward A"];
    let mut ids = Vec::new();
    for (title, body, kind) in [
        ("Vaccination clinic consent", "Consent forms slowed the vaccination clinic.", "lesson"),
        ("Clinic rota for vaccination", "A rota for the clinic. Vaccination consent is separate.", "guidance"),
        ("Hand hygiene audit", "Monthly audit results for hand hygiene on the ward.", "guidance"),
    ] {
        let mut a = lesson(title, ward, "organisation", "published");
        a["body"] = json!(body);
        a["kind"] = json!(kind);
        if kind == "guidance" {
            a["fields"] = json!({"audience": "Ward staff", "source": "Local policy"});
        }
        let (status, v) = t.post("alice", "/api/v1/assets", a).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        ids.push(v["id"].as_i64().unwrap());
        // Timestamps have millisecond resolution; keep the three creations apart so "newest first" is defined.
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    t.settle().await;
    let titles = |v: &Value| v["hits"].as_array().unwrap().iter().map(|h| h["title"].as_str().unwrap().to_string()).collect::<Vec<_>>();

    let (_, r) = t.get("bob", "/api/v1/search?q=vacination").await;
    assert_eq!(r["total"], 2, "a misspelt word still finds: {r}");
    let (_, r) = t.get("bob", "/api/v1/search?q=%22vaccination%20clinic%22").await;
    assert_eq!(titles(&r), ["Vaccination clinic consent"], "a quoted phrase matches only in order: {r}");
    let (_, r) = t.get("bob", "/api/v1/search?q=vaccination&kind=guidance").await;
    assert_eq!(titles(&r), ["Clinic rota for vaccination"]);
    assert!(r.get("facets").is_none(), "facets are counted only when asked for: {r}");
    let (_, r) = t.get("bob", "/api/v1/search?q=vaccination&kind=guidance&facets=true").await;
    let kinds = r["facets"]["kind"].as_array().unwrap();
    assert_eq!(kinds.len(), 1, "facets count the filtered matches: {r}");
    assert_eq!((r["facets"]["topic_values"].as_u64(), r["facets"]["team_values"].as_u64()), (Some(1), Some(1)), "{r}");
    let (_, r) = t.get("bob", "/api/v1/search?q=vaccination%20consent").await;
    assert_eq!(titles(&r)[0], "Vaccination clinic consent", "the title match ranks first: {r}");
    let (_, r) = t.get("bob", "/api/v1/search?sort=recency").await;
    assert_eq!(titles(&r), ["Hand hygiene audit", "Clinic rota for vaccination", "Vaccination clinic consent"], "newest first");
    let (_, r) = t.get("bob", "/api/v1/search?q=audit&limit=1&offset=1").await;
    assert_eq!((r["total"].as_u64(), r["hits"].as_array().unwrap().len()), (Some(1), 0), "paging past the end is empty");
    // Stop words are dropped from the index, yet a phrase still needs its words in order at
    // their distance ("duty of candour" is not "candour and duty"); accents fold ("cafe" finds "café").
    for (title, body) in [
        ("Duty of candour letters", "Send duty of candour letters within ten days."),
        ("Candour rota", "The candour and duty rota is kept at the café."),
    ] {
        let mut a = lesson(title, ward, "organisation", "published");
        a["body"] = json!(body);
        assert_eq!(t.post("alice", "/api/v1/assets", a).await.0, StatusCode::CREATED);
    }
    t.settle().await;
    let (_, r) = t.get("bob", "/api/v1/search?q=%22duty%20of%20candour%22").await;
    assert_eq!(titles(&r), ["Duty of candour letters"], "{r}");
    let (_, r) = t.get("bob", "/api/v1/search?q=cafe").await;
    assert_eq!(titles(&r), ["Candour rota"], "{r}");
    let (_, s) = t.get("bob", "/api/v1/suggest?q=clinic%20ro").await;
    assert_eq!(s[0]["title"], "Clinic rota for vaccination", "{s}");
    let (_, s) = t.get("bob", "/api/v1/suggest?q=han").await;
    assert_eq!(s.as_array().unwrap().len(), 1, "{s}");
    assert_eq!(ids.len(), 3);
}

async fn people_edit_their_own_details_and_only_admins_move_teams(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let alice = t.users["alice"];
    let (status, me) = t.put("alice", &format!("/api/v1/users/{alice}"), json!({"job_title": "Ward Sister", "site": "Riverside"})).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!((me["job_title"].as_str(), me["site"].as_str()), (Some("Ward Sister"), Some("Riverside")));
    let (status, _) = t.put("alice", &format!("/api/v1/users/{alice}"), json!({"team_id": t.teams["Ward B"]})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = t.put("alice", &format!("/api/v1/users/{}", t.users["bob"]), json!({"name": "Robert"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, err) = t.put("admin", &format!("/api/v1/users/{alice}"), json!({"team_id": 999999, "name": " "})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err.to_string().contains("team_id") && err.to_string().contains("name"), "{err}");
    let (status, moved) = t.put("admin", &format!("/api/v1/users/{alice}"), json!({"team_id": t.teams["Ward B"]})).await;
    assert_eq!((status, moved["team_id"].as_i64()), (StatusCode::OK, Some(t.teams["Ward B"].0)));
    // Moving teams changes what she may see at once: Ward B's team-only assets appear.
    let (_, created) = t.post("bob", "/api/v1/assets", lesson("Ward B only", t.teams["Ward B"], "team", "published")).await;
    let (status, _) = t.get("alice", &format!("/api/v1/assets/{}", created["id"])).await;
    assert_eq!(status, StatusCode::OK);
}
