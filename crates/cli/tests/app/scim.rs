//! SCIM 2.0 provisioning, checked by two independent conformance tools run against the
//! server (the PyPI `scim2-cli`'s `scim2 test`, which is scim2-tester, and `scim-sanity`
//! in strict mode), and by what it does that no other product does: taking a person out
//! disables them, revokes their access in that request and starts their leaver's plan.
use std::process::Command;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::web::WebUser;
use crate::common::{Backend, TestApp};

async fn provisioning_token(t: &TestApp) -> String {
    let admin = t.app.actor(t.users["admin"]).await.unwrap();
    t.app.create_scim_client(&admin, "Entra ID provisioning").await.unwrap().1
}

async fn scim(t: &TestApp, token: &str, method: reqwest::Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    let mut req = t.client.request(method, format!("{}/scim/v2{path}", t.base)).bearer_auth(token);
    if let Some(b) = body {
        req = req.header("content-type", "application/scim+json").body(b.to_string());
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

fn run(program: &str, args: &[&str], envs: &[(&str, &str)]) -> (bool, String) {
    let out = Command::new(program)
        .args(args)
        .envs(envs.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("{program} must be installed (pip install scim2-cli scim-sanity; .ci/run does): {e}"));
    (out.status.success(), format!("{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scim2_tester_and_scim_sanity_strict_find_no_failures() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    let token = provisioning_token(&t).await;
    let url = format!("{}/scim/v2", t.base);
    let header = format!("Authorization: Bearer {token}");
    let (ok, out) = run("scim2", &["--url", &url, "test"], &[("SCIM_CLI_HEADERS", &header)]);
    assert!(ok && !out.contains("\nERROR ") && out.contains("SUCCESS"), "scim2 test found failures:\n{out}");
    let (ok, out) = run("scim-sanity", &["probe", &url, "--token", &token, "--strict", "--i-accept-side-effects"], &[]);
    assert!(ok && !out.contains("[FAIL]") && !out.contains("[ERROR]") && out.contains("[PASS]"), "scim-sanity found failures:\n{out}");
}

fn field<'a>(v: &'a Value, key: &str) -> &'a Value {
    if v.get(key).is_some() { &v[key] } else { &v["plan"][key] }
}

async fn taking_people_out_by_scim_disables_them_at_once_and_starts_their_leavers_plan(backend: Backend) {
    use reqwest::Method;
    let t = TestApp::spawn(backend).await;
    let token = provisioning_token(&t).await;
    let (alice, spec, bob) = (t.users["alice"].0, t.users["spec"].0, t.users["bob"].0);

    // Nobody else gets in: no token, a person's API token, a made-up one.
    for bad in ["", t.tokens["admin"].as_str(), "spscim_0000"] {
        let (status, body) = scim(&t, bad, Method::GET, "/Users", None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{bad:?}: {body}");
        assert_eq!(body["schemas"][0], "urn:ietf:params:scim:api:messages:2.0:Error");
    }

    // The enterprise extension's manager records Alice's line manager.
    let manager = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
        {"op": "add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": {"value": spec.to_string()}}]});
    let (status, body) = scim(&t, &token, Method::PATCH, &format!("/Users/{alice}"), Some(manager)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, account) = t.get("admin", &format!("/api/v1/users/{alice}")).await;
    assert_eq!(account["line_manager_id"], json!(spec));

    // Alice is taken out: in that same request her session and token stop working and
    // a plan to secure her knowledge starts for her manager.
    let session = WebUser::sign_in(&t, "alice").await;
    assert_eq!(session.get("/").await.0, StatusCode::OK);
    let out = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "path": "active", "value": "False"}]});
    let (status, body) = scim(&t, &token, Method::PATCH, &format!("/Users/{alice}"), Some(out)).await;
    assert_eq!((status, &body["active"]), (StatusCode::OK, &json!(false)), "{body}");
    assert_eq!(t.get("alice", "/api/v1/me").await.0, StatusCode::UNAUTHORIZED, "her API token is revoked");
    assert_ne!(session.get("/").await.0, StatusCode::OK, "her session has ended");
    let (_, plans) = t.get("spec", "/api/v1/leaver-plans").await;
    let plan =
        plans.as_array().unwrap().iter().find(|p| field(p, "leaver_id") == &json!(alice)).unwrap_or_else(|| panic!("no plan: {plans}"));
    assert_eq!(field(plan, "line_manager_id"), &json!(spec));
    assert_eq!(field(plan, "departure"), &json!("leaving"));

    // Bob has no manager recorded: DELETE still disables him at once, SCIM no longer
    // sees him, and the audit log says why no plan started.
    let (status, _) = scim(&t, &token, Method::DELETE, &format!("/Users/{bob}"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(scim(&t, &token, Method::GET, &format!("/Users/{bob}"), None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(t.get("bob", "/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    let (_, audit) = t.get("admin", "/api/v1/audit?limit=20").await;
    assert!(
        audit.to_string().contains("no leaver's plan could start") && audit.to_string().contains("no line manager recorded"),
        "{audit}"
    );

    // Filters, pages and the attributes asked for.
    let names = |body: &Value| -> Vec<String> {
        let mut n: Vec<String> =
            body["Resources"].as_array().unwrap().iter().map(|r| r["userName"].as_str().unwrap().to_string()).collect();
        n.sort();
        n
    };
    let query = |f: &str| format!("/Users?filter={}", serde_urlencoded::to_string([("f", f)]).unwrap().trim_start_matches("f="));
    let (_, body) = scim(&t, &token, Method::GET, &query("userName eq \"ALICE@trust.nhs.uk\""), None).await;
    assert_eq!(names(&body), ["alice@trust.nhs.uk"]);
    let (_, body) = scim(&t, &token, Method::GET, &query("userName sw \"a\" and active eq true"), None).await;
    assert_eq!(names(&body), ["admin@trust.nhs.uk"]);
    let (_, body) = scim(&t, &token, Method::GET, &query("displayName co \"pe\" or userName eq \"guest@trust.nhs.uk\""), None).await;
    assert_eq!(names(&body), ["guest@trust.nhs.uk", "spec@trust.nhs.uk"]);
    let (_, body) = scim(&t, &token, Method::GET, &query("title pr"), None).await;
    assert_eq!(body["totalResults"], json!(0));
    let (status, body) = scim(&t, &token, Method::GET, &query("userName eq"), None).await;
    assert_eq!((status, &body["scimType"]), (StatusCode::BAD_REQUEST, &json!("invalidFilter")), "{body}");
    let (_, body) = scim(&t, &token, Method::GET, "/Users?startIndex=2&count=2&attributes=userName", None).await;
    assert_eq!((body["totalResults"].clone(), body["startIndex"].clone(), body["itemsPerPage"].clone()), (json!(4), json!(2), json!(2)));
    assert!(body["Resources"][0].get("displayName").is_none() && body["Resources"][0].get("userName").is_some(), "{body}");

    // ETags: a change against an old version is refused.
    let res = t.client.get(format!("{}/scim/v2/Users/{spec}", t.base)).bearer_auth(&token).send().await.unwrap();
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let mut person: Value = res.json().await.unwrap();
    person["title"] = json!("Clinical librarian");
    let put = |if_match: &str| {
        t.client.put(format!("{}/scim/v2/Users/{spec}", t.base)).bearer_auth(&token).header("if-match", if_match).json(&person).send()
    };
    assert_eq!(put("W/\"0-stale\"").await.unwrap().status(), StatusCode::PRECONDITION_FAILED);
    let res = put(&etag).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_ne!(res.headers()["etag"].to_str().unwrap(), etag);
    assert_eq!(put(&etag).await.unwrap().status(), StatusCode::PRECONDITION_FAILED, "the old ETag no longer works");

    // Input Signpost refuses changes nothing, neither the account nor SCIM's record.
    let (_, before) = scim(&t, &token, Method::GET, &format!("/Users/{spec}"), None).await;
    let mut wrong = before.clone();
    wrong["displayName"] = json!("Someone else");
    wrong["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] = json!({"manager": {"value": "999999"}});
    let (status, body) = scim(&t, &token, Method::PUT, &format!("/Users/{spec}"), Some(wrong)).await;
    assert_eq!((status, &body["scimType"]), (StatusCode::BAD_REQUEST, &json!("invalidValue")), "{body}");
    assert!(body["detail"].as_str().unwrap().contains("999999"), "says what was wrong: {body}");
    let (_, after) = scim(&t, &token, Method::GET, &format!("/Users/{spec}"), None).await;
    assert_eq!(after, before, "nothing half-written");

    // Groups are teams: an existing team is taken over by name; a new name makes a team.
    let (status, ward) = scim(&t, &token, Method::POST, "/Groups",
        Some(json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Ward B", "members": [{"value": spec.to_string()}]}))).await;
    assert_eq!((status, ward["id"].clone()), (StatusCode::CREATED, json!(t.teams["Ward B"].0.to_string())), "{ward}");
    let (_, account) = t.get("admin", &format!("/api/v1/users/{spec}")).await;
    assert_eq!(account["team_id"], json!(t.teams["Ward B"].0), "spec moved into Ward B");
    let (status, made) = scim(
        &t,
        &token,
        Method::POST,
        "/Groups",
        Some(json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Sepsis taskforce"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let (_, teams) = t.get("admin", "/api/v1/teams").await;
    assert!(teams.to_string().contains("Sepsis taskforce"), "{teams}");
    let (status, _) = scim(&t, &token, Method::DELETE, &format!("/Groups/{}", ward["id"].as_str().unwrap()), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, teams) = t.get("admin", "/api/v1/teams").await;
    assert!(teams.to_string().contains("Ward B"), "deleting the group leaves the team: {teams}");

    // A revoked client stops at once.
    let admin = t.app.actor(t.users["admin"]).await.unwrap();
    let client = t.app.scim_clients(&admin).await.unwrap().remove(0);
    t.app.revoke_scim_client(&admin, client.id).await.unwrap();
    assert_eq!(scim(&t, &token, Method::GET, "/Users", None).await.0, StatusCode::UNAUTHORIZED);
}

on_both_backends!(taking_people_out_by_scim_disables_them_at_once_and_starts_their_leavers_plan);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_makes_a_provisioning_token_on_its_page_and_revokes_it() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    let alice = WebUser::sign_in(&t, "alice").await;
    assert_eq!(alice.post("/admin/provisioning", &[("name", "Mine")]).await.0, StatusCode::FORBIDDEN);
    let admin = WebUser::sign_in(&t, "admin").await;
    let (status, _, html) = admin.post("/admin/provisioning", &[("name", "Entra ID provisioning")]).await;
    assert_eq!(status, StatusCode::OK);
    let token = html.split("spscim_").nth(1).map(|rest| format!("spscim_{}", &rest[..64])).expect("the token is shown once");
    assert_eq!(scim(&t, &token, reqwest::Method::GET, "/Users", None).await.0, StatusCode::OK);
    assert!(!admin.get("/admin/provisioning").await.1.contains(&token), "and never again");
    let id = t.app.scim_clients(&t.app.actor(t.users["admin"]).await.unwrap()).await.unwrap()[0].id;
    let (status, to, _) = admin.post(&format!("/admin/provisioning/{id}/revoke"), &[]).await;
    assert_eq!((status, to.as_deref()), (StatusCode::SEE_OTHER, Some("/admin/provisioning?done=revoked")));
    assert_eq!(scim(&t, &token, reqwest::Method::GET, "/Users", None).await.0, StatusCode::UNAUTHORIZED);
}
