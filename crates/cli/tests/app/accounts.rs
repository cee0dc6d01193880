//! The account life cycle, through the API and the pages, with mail caught by a real
//! SMTP server: forgotten passwords, changing one, invitations, administrators editing
//! details and line managers, and disabled accounts that stop working at once.
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use signpost_domain::accounts::AccountStore;
use signpost_domain::audit::AuditRecord;

use crate::common;
use crate::common::web::{WebUser, assert_redirect, client, cookie_pair, hidden};
use common::{Backend, MailSink, PASSWORD, PUBLIC_URL, TestApp};

/// The `link` in the one email `to` has been sent, after running the queued jobs.
async fn emailed_link(t: &TestApp, sink: &MailSink, to: &str) -> String {
    t.app.run_due_jobs().await.unwrap();
    let mail: Vec<Value> = sink.received().into_iter().filter(|m| m["to"] == to).collect();
    assert_eq!(mail.len(), 1, "one email to {to}: {mail:?}");
    let text = mail[0]["text"].as_str().unwrap();
    let prefix = format!("{PUBLIC_URL}/password/set?link=");
    let start = text.find(&prefix).unwrap_or_else(|| panic!("no link in {text}")) + prefix.len();
    text[start..].split_whitespace().next().unwrap().to_string()
}

async fn public_post(t: &TestApp, path: &str, body: Value) -> (StatusCode, Value) {
    let res = t.client.post(format!("{}{path}", t.base)).json(&body).send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn signs_in(t: &TestApp, email: &str, password: &str) -> StatusCode {
    t.client
        .post(format!("{}/api/v1/session", t.base))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
        .status()
}

async fn a_forgotten_password_is_reset_by_a_link_that_works_once_and_lapses(backend: Backend) {
    let sink = MailSink::start(false).await;
    let t = TestApp::spawn_with_mail(backend, &sink).await;
    let alice = WebUser::sign_in(&t, "alice").await;
    let (known, _) = public_post(&t, "/api/v1/password/forgot", json!({ "email": "Alice@trust.nhs.uk" })).await;
    let (unknown, _) = public_post(&t, "/api/v1/password/forgot", json!({ "email": "nobody@trust.nhs.uk" })).await;
    assert_eq!((known, unknown), (StatusCode::ACCEPTED, StatusCode::ACCEPTED), "the same answer whether or not the address has an account");
    let link = emailed_link(&t, &sink, "alice@trust.nhs.uk").await;
    assert_eq!(sink.received().len(), 1, "nothing is sent to an address without an account");
    let email = &sink.received()[0];
    assert_eq!(email["subject"], "Reset your Signpost password");
    assert!(email["text"].as_str().unwrap().contains("within 30 minutes"), "{email}");

    let (status, body) = public_post(&t, "/api/v1/password/set", json!({ "link": link, "password": "qwertyuiop123" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a common password is refused: {body}");
    assert!(body.to_string().contains("commonly used"), "{body}");
    let (status, _) = public_post(&t, "/api/v1/password/set", json!({ "link": link, "password": "ward rounds before dawn" })).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (again, _) = public_post(&t, "/api/v1/password/set", json!({ "link": link, "password": "another fine password" })).await;
    assert_eq!(again, StatusCode::NOT_FOUND, "the link works once");
    assert_eq!(signs_in(&t, "alice@trust.nhs.uk", "ward rounds before dawn").await, StatusCode::OK);
    assert_eq!(signs_in(&t, "alice@trust.nhs.uk", PASSWORD).await, StatusCode::UNAUTHORIZED, "the old password is gone");
    assert_eq!(alice.get("/account").await.0, StatusCode::SEE_OTHER, "the session open before the reset has ended");

    // A second request makes a new link; the first stops working, and a link lapses after 30 minutes.
    public_post(&t, "/api/v1/password/forgot", json!({ "email": "bob@trust.nhs.uk" })).await;
    let first = emailed_link(&t, &sink, "bob@trust.nhs.uk").await;
    let db = signpost_store::Db::connect(t.db.location("node").database.as_deref().unwrap()).await.unwrap();
    let hash = signpost_services::accounts::secret_hash(&first);
    assert!(db.password_link(&hash, Utc::now()).await.unwrap().is_some());
    assert!(db.password_link(&hash, Utc::now() + Duration::minutes(31)).await.unwrap().is_none(), "lapsed after 30 minutes");
    let late = db.use_password_link(&hash, "x", Utc::now() + Duration::minutes(31), AuditRecord::new(None, "test", "late")).await;
    assert!(matches!(late, Err(signpost_domain::StoreError::NotFound)), "a lapsed link cannot be used: {late:?}");
    db.close().await;
    public_post(&t, "/api/v1/password/forgot", json!({ "email": "bob@trust.nhs.uk" })).await;
    t.app.run_due_jobs().await.unwrap();
    let (status, _) = public_post(&t, "/api/v1/password/set", json!({ "link": first, "password": "ward rounds before dawn" })).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a newer link replaces the older one");

    // Asking again and again is limited per address, with the same answer for any address.
    for _ in 0..2 {
        public_post(&t, "/api/v1/password/forgot", json!({ "email": "carol@trust.nhs.uk" })).await;
    }
    let (status, _) = public_post(&t, "/api/v1/password/forgot", json!({ "email": "carol@trust.nhs.uk" })).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let (status, _) = public_post(&t, "/api/v1/password/forgot", json!({ "email": "carol@trust.nhs.uk" })).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

async fn changing_a_password_needs_the_current_one_and_ends_the_other_sessions(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let here = WebUser::sign_in(&t, "alice").await;
    let elsewhere = WebUser::sign_in(&t, "alice").await;
    let (status, _, html) =
        here.post("/account/password", &[("current_password", "not it at all"), ("new_password", "ward rounds before dawn")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Your current password is not right"), "{html}");
    let (status, _, html) = here.post("/account/password", &[("current_password", PASSWORD), ("new_password", "password1234")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("commonly used"), "{html}");
    assert!(!html.contains(PASSWORD), "passwords are not sent back into the page");
    let changed = here.post("/account/password", &[("current_password", PASSWORD), ("new_password", "ward rounds before dawn")]).await;
    assert_redirect(&changed, "/account/password?done=changed");
    assert_eq!(here.get("/account").await.0, StatusCode::OK, "this session carries on");
    assert_eq!(elsewhere.get("/account").await.0, StatusCode::SEE_OTHER, "the other one has ended");
    assert_eq!(signs_in(&t, "alice@trust.nhs.uk", "ward rounds before dawn").await, StatusCode::OK);
    let audit: Value = t.get("admin", "/api/v1/audit?limit=5").await.1;
    assert!(audit.to_string().contains("user.change_password"), "{audit}");
}

async fn a_disabled_account_stops_working_at_once_and_can_be_enabled_again(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let bob = WebUser::sign_in(&t, "bob").await;
    assert_eq!(t.get("bob", "/api/v1/me").await.0, StatusCode::OK);
    assert_eq!(t.post("alice", &format!("/api/v1/users/{}/disable", t.users["bob"]), json!({})).await.0, StatusCode::FORBIDDEN);
    let admin = WebUser::sign_in(&t, "admin").await;
    let disabled = admin.post(&format!("/admin/users/{}/disable", t.users["bob"]), &[]).await;
    assert_redirect(&disabled, &format!("/admin/users/{}?done=disabled", t.users["bob"]));
    assert_eq!(bob.get("/account").await.0, StatusCode::SEE_OTHER, "the session ended at once");
    assert_eq!(t.get("bob", "/api/v1/me").await.0, StatusCode::UNAUTHORIZED, "the API token stopped at once");
    let res = t
        .client
        .post(format!("{}/api/v1/session", t.base))
        .json(&json!({ "email": "bob@trust.nhs.uk", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.text().await.unwrap().contains("disabled"), "someone who knows the password is told why");
    let (_, page) = admin.get(&format!("/admin/users/{}", t.users["bob"])).await;
    assert!(page.contains("Disabled") && page.contains("Enable account"), "{page}");
    assert_eq!(admin.post(&format!("/admin/users/{}/disable", t.users["admin"]), &[]).await.0, StatusCode::CONFLICT, "not your own");

    assert_eq!(t.post("admin", &format!("/api/v1/users/{}/enable", t.users["bob"]), json!({})).await.0, StatusCode::NO_CONTENT);
    assert_eq!(signs_in(&t, "bob@trust.nhs.uk", PASSWORD).await, StatusCode::OK, "the password works again");
    assert_eq!(t.get("bob", "/api/v1/me").await.0, StatusCode::UNAUTHORIZED, "tokens revoked when it was disabled stay revoked");
    let audit: Value = t.get("admin", "/api/v1/audit?limit=10").await.1;
    assert!(audit.to_string().contains("user.disable") && audit.to_string().contains("user.enable"), "{audit}");
}

async fn administrators_edit_details_and_line_managers_and_people_cannot_promote_themselves(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let (alice, bob, spec) = (t.users["alice"], t.users["bob"], t.users["spec"]);
    let (status, _) = t.put("alice", &format!("/api/v1/users/{alice}"), json!({ "role": "admin" })).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no one changes their own role but an administrator");
    let (status, _) = t.put("alice", &format!("/api/v1/users/{alice}"), json!({ "line_manager_id": bob })).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "nor their own line manager");
    let (status, body) = t.put("alice", &format!("/api/v1/users/{alice}"), json!({ "job_title": "Staff nurse" })).await;
    assert_eq!((status, body["job_title"].as_str()), (StatusCode::OK, Some("Staff nurse")), "but their own job title, yes");

    let (status, body) = t
        .put(
            "admin",
            &format!("/api/v1/users/{alice}"),
            json!({ "email": "Alice.Jones@trust.nhs.uk", "line_manager_id": bob, "name": "Alice Jones" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((body["email"].as_str(), body["line_manager_id"].as_i64()), (Some("alice.jones@trust.nhs.uk"), Some(bob.0)));
    assert_eq!(signs_in(&t, "alice.jones@trust.nhs.uk", PASSWORD).await, StatusCode::OK, "the new address signs in");
    t.put("admin", &format!("/api/v1/users/{bob}"), json!({ "line_manager_id": spec })).await;
    let (status, body) = t.put("admin", &format!("/api/v1/users/{spec}"), json!({ "line_manager_id": alice })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a loop of managers is refused: {body}");
    assert!(body.to_string().contains("their own manager"), "{body}");
    let (status, body) = t.put("admin", &format!("/api/v1/users/{bob}"), json!({ "email": "spec@trust.nhs.uk" })).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, body) = t.put("admin", &format!("/api/v1/users/{alice}"), json!({ "line_manager_id": null })).await;
    assert_eq!((status, body["line_manager_id"].clone()), (StatusCode::OK, Value::Null), "null clears it");

    let admin = WebUser::sign_in(&t, "admin").await;
    let team = t.teams["Library"].to_string();
    let fields = [
        ("name", "Bob Smith"),
        ("email", "bob@trust.nhs.uk"),
        ("job_title", "Librarian"),
        ("team_id", team.as_str()),
        ("line_manager_id", ""),
    ];
    assert_redirect(&admin.post(&format!("/admin/users/{bob}"), &fields).await, &format!("/admin/users/{bob}?done=details"));
    let saved: Value = t.get("admin", &format!("/api/v1/users/{bob}")).await.1;
    assert_eq!(
        (saved["name"].as_str(), saved["team_id"].as_i64(), saved["line_manager_id"].clone()),
        (Some("Bob Smith"), Some(t.teams["Library"].0), Value::Null)
    );
    let (_, account) = WebUser::sign_in(&t, "bob").await.get("/account").await;
    assert!(account.contains("Librarian") && account.contains("Library") && account.contains("Not recorded"), "{account}");
}

async fn an_invited_colleague_chooses_their_password_from_the_email(backend: Backend) {
    let sink = MailSink::start(false).await;
    let t = TestApp::spawn_with_mail(backend, &sink).await;
    let admin = WebUser::sign_in(&t, "admin").await;
    let (_, page) = admin.get("/admin/users").await;
    assert!(page.contains("Email them an invitation"), "with mail configured, invitations are offered");
    let team = t.teams["Ward B"].to_string();
    let fields =
        [("name", "Dana Scully"), ("email", "dana@trust.nhs.uk"), ("team_id", team.as_str()), ("role", "member"), ("how", "invite")];
    assert_redirect(&admin.post("/admin/users", &fields).await, "/admin/users?done=invited");
    let link = emailed_link(&t, &sink, "dana@trust.nhs.uk").await;
    assert_eq!(sink.received()[0]["subject"], "You have been invited to Signpost");

    let browser = client();
    let res = browser.get(format!("{}/password/set?link={link}", t.base)).send().await.unwrap();
    let cookie = cookie_pair(&res, "signpost_form_csrf").unwrap();
    let html = res.text().await.unwrap();
    assert!(html.contains("Choose your password") && html.contains("Welcome to Signpost, Dana Scully"), "{html}");
    let token = hidden(&html, "csrf_token");
    let post = |password: &'static str, csrf: String| {
        browser
            .post(format!("{}/password/set", t.base))
            .header("cookie", &cookie)
            .form(&[("csrf_token", csrf), ("link", link.clone()), ("password", password.to_string())])
            .send()
    };
    assert_eq!(post("ward rounds before dawn", "forged".into()).await.unwrap().status(), StatusCode::FORBIDDEN);
    let short = post("too short", token.clone()).await.unwrap();
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.text().await.unwrap().contains("at least 12 characters"));
    let saved = post("ward rounds before dawn", token.clone()).await.unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(saved.headers()["location"], "/sign-in?done=password_set");
    assert_eq!(signs_in(&t, "dana@trust.nhs.uk", "ward rounds before dawn").await, StatusCode::OK);
    let gone = browser.get(format!("{}/password/set?link={link}", t.base)).send().await.unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    assert!(gone.text().await.unwrap().contains("This link no longer works"));
}

on_both_backends!(
    a_forgotten_password_is_reset_by_a_link_that_works_once_and_lapses,
    changing_a_password_needs_the_current_one_and_ends_the_other_sessions,
    a_disabled_account_stops_working_at_once_and_can_be_enabled_again,
    administrators_edit_details_and_line_managers_and_people_cannot_promote_themselves,
    an_invited_colleague_chooses_their_password_from_the_email,
);

#[tokio::test]
async fn the_team_form_can_create_the_organisation_once() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    let (status, body) = t.post("admin", "/api/v1/teams", json!({ "name": "Another Trust", "kind": "organisation" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "one organisation: {body}");
    assert!(body.to_string().contains("Test Trust is already the organisation"), "{body}");
}
