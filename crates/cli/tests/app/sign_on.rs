//! Single sign-on through two real OpenID Connect providers the tests start: the npm
//! `oidc-provider` (private_key_jwt, back-channel and RP-initiated logout) and the PyPI
//! `oidc-provider-mock` (client_secret_basic with a registered client, nonce required).
use reqwest::StatusCode;
use reqwest::header::{CONTENT_SECURITY_POLICY, LOCATION};
use serde_json::json;

use crate::common::oidc::{MockProvider, NpmProvider, ScriptedBrowser};
use crate::common::{Backend, TestApp, free_port};

fn accounts() -> serde_json::Value {
    json!({
        // Alice's address is hers, the provider says: her existing account is linked.
        "alice-at-idp": {"email": "alice@trust.nhs.uk", "email_verified": true, "name": "Alice Adams"},
        // Bob's address is claimed but not confirmed: his account must not open.
        "bob-unverified": {"email": "bob@trust.nhs.uk", "email_verified": false, "name": "Not Bob"},
        // Someone new, a specialist in the library by their groups.
        "nadia-new": {"email": "nadia.new@trust.nhs.uk", "email_verified": true, "name": "Nadia New",
                      "roles": ["Signpost.Specialist"], "groups": ["grp-other", "grp-library"]},
    })
}

async fn signpost_with_npm_provider(backend: Backend) -> (TestApp, NpmProvider) {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let idp = NpmProvider::start(&base, "trust", accounts()).await;
    let provider = idp.identity_provider("trust", "Test Trust account");
    let t = TestApp::spawn_on(backend, port, |app| app.with_public_url(&base).with_identity_providers(vec![provider])).await;
    (t, idp)
}

async fn people(t: &TestApp) -> Vec<serde_json::Value> {
    let (_, body) = t.get("admin", "/api/v1/users?limit=100").await;
    body["items"].as_array().unwrap().clone()
}

async fn oidc_sign_in_links_verified_accounts_creates_new_ones_and_back_channel_logout_ends_them(backend: Backend) {
    let (t, idp) = signpost_with_npm_provider(backend).await;

    // The sign-in page offers the provider, and pages let the browser go on to it to sign out.
    let page = t.client.get(format!("{}/sign-in", t.base)).send().await.unwrap();
    let csp = page.headers()[CONTENT_SECURITY_POLICY].to_str().unwrap().to_string();
    assert!(csp.contains(&format!("form-action 'self' {}", idp.issuer)), "{csp}");
    let html = page.text().await.unwrap();
    assert!(html.contains("Sign in with Test Trust account") && html.contains("href=\"/sign-in/sso/trust?next=%2F\""), "{html}");

    // Alice: linked by her verified address, and sent where she was heading.
    let alice = ScriptedBrowser::default();
    let start = alice.follow(&format!("{}/sign-in/sso/trust?next=/account", t.base), false).await;
    assert!(start.url.starts_with(&idp.issuer), "sent to the provider: {}", start.url);
    let landing = alice.through_npm(&t.base, "trust", "alice-at-idp", false).await;
    assert_eq!((landing.status, landing.url.as_str()), (StatusCode::OK, format!("{}/", t.base).as_str()), "{}", landing.body);
    assert!(landing.body.contains("Hello alice"), "signed in as the seeded alice: {}", landing.body);

    // Bob's unverified address opens nothing.
    let bob = ScriptedBrowser::default();
    let refused = bob.through_npm(&t.base, "trust", "bob-unverified", false).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.body);
    assert!(refused.body.contains("did not confirm that address is yours"), "{}", refused.body);
    assert!(!bob.signed_in(&t.base).await);

    // Nadia is new: created as a knowledge specialist in the Library, from her claims.
    let nadia = ScriptedBrowser::default();
    let landing = nadia.through_npm(&t.base, "trust", "nadia-new", false).await;
    assert_eq!(landing.status, StatusCode::OK, "{}", landing.body);
    let created = people(&t).await.into_iter().find(|u| u["email"] == "nadia.new@trust.nhs.uk").expect("an account was made");
    assert_eq!((created["name"].as_str(), created["role"].as_str()), (Some("Nadia New"), Some("knowledge_specialist")));
    assert_eq!(created["team_id"], json!(t.teams["Library"].0));

    // A second sign-in by the same person at the provider opens the same account.
    let again = ScriptedBrowser::default();
    again.through_npm(&t.base, "trust", "nadia-new", false).await;
    assert_eq!(people(&t).await.iter().filter(|u| u["email"] == "nadia.new@trust.nhs.uk").count(), 1);

    // The answer works once: the same callback again is refused, and so is one that
    // another browser (without the state cookie) is sent to.
    let replay = ScriptedBrowser::default();
    let callback = replay.through_npm(&t.base, "trust", "alice-at-idp", true).await.url;
    let first = replay.follow(&callback, false).await;
    assert_eq!(first.status, StatusCode::OK);
    let second = replay.client.get(&callback).send().await.unwrap();
    assert!(matches!(second.status(), StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED), "{}", second.status());
    let stranger = ScriptedBrowser::default();
    let fresh = ScriptedBrowser::default().through_npm(&t.base, "trust", "alice-at-idp", true).await.url;
    let planted = stranger.client.get(&fresh).send().await.unwrap();
    assert_eq!(planted.status(), StatusCode::BAD_REQUEST, "a sign-in started in another browser is refused");
    assert!(!stranger.signed_in(&t.base).await);

    // Nadia signs out at the provider: its back-channel logout ends her Signpost session,
    // and only hers.
    assert!(nadia.signed_in(&t.base).await);
    let confirm = nadia.follow(&format!("{}/session/end", idp.issuer), false).await;
    let xsrf = confirm.body.split("name=\"xsrf\" value=\"").nth(1).and_then(|r| r.split('"').next()).expect("a logout form").to_string();
    let done = nadia.submit(&format!("{}/session/end/confirm", idp.issuer), &[("xsrf", xsrf.as_str()), ("logout", "yes")], false).await;
    assert!(done.status.is_success(), "{}", done.body);
    assert!(!nadia.signed_in(&t.base).await, "the provider's logout ended the Signpost session");
    assert!(alice.signed_in(&t.base).await, "other people's sessions go on");
    assert!(again.signed_in(&t.base).await, "the provider ended one session of Nadia's, not the other");

    // Alice signs out of Signpost: she is sent on to sign out at the provider, with her
    // ID token as the hint and a way back.
    let page = alice.client.get(format!("{}/account", t.base)).send().await.unwrap().text().await.unwrap();
    let csrf = crate::common::web::hidden(&page, "csrf_token");
    let out = alice.client.post(format!("{}/sign-out", t.base)).form(&[("csrf_token", csrf.as_str())]).send().await.unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let to = out.headers()[LOCATION].to_str().unwrap().to_string();
    assert!(to.starts_with(&format!("{}/session/end?", idp.issuer)) && to.contains("id_token_hint="), "{to}");
    assert!(to.contains(&format!("post_logout_redirect_uri={}", urlencode(&format!("{}/sign-in?signed_out=1", t.base)))), "{to}");
    assert!(!alice.signed_in(&t.base).await);
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)]).unwrap().trim_start_matches("x=").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn id_tokens_with_a_bad_signature_nonce_expiry_or_audience_are_refused() {
    let (t, idp) = signpost_with_npm_provider(Backend::Sqlite).await;
    for mode in ["signature", "nonce", "expired", "audience"] {
        idp.tamper_next(mode).await;
        let browser = ScriptedBrowser::default();
        let landing = browser.through_npm(&t.base, "trust", "alice-at-idp", false).await;
        assert_eq!(landing.status, StatusCode::UNAUTHORIZED, "{mode}: {}", landing.body);
        assert!(landing.body.contains("could not confirm who you are with Test Trust account"), "{mode}: {}", landing.body);
        assert!(!browser.signed_in(&t.base).await, "{mode}: no session");
    }
    // A provider's error is put in Signpost's words: a made-up description is not shown.
    let spoof = format!("{}/sign-in/sso/trust/callback?error=access_denied&error_description=Ring+0800+000+000+to+unlock", t.base);
    let res = t.client.get(spoof).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let html = res.text().await.unwrap();
    assert!(html.contains("you or the provider cancelled") && !html.contains("0800"), "{html}");

    // The same sign-in, untampered, works: the refusals were the tokens'.
    let browser = ScriptedBrowser::default();
    assert_eq!(browser.through_npm(&t.base, "trust", "alice-at-idp", false).await.status, StatusCode::OK);
    assert!(browser.signed_in(&t.base).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_second_provider_signs_in_with_a_client_secret_and_refuses_a_code_brought_back_with_another_sign_ins_state() {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mock = MockProvider::start(&base, "mock").await;
    mock.set_person("alice-mock", json!({"email": "alice@trust.nhs.uk", "email_verified": true, "name": "Alice"})).await;
    let providers = vec![mock.identity_provider("mock", "Mock ID")];
    let t = TestApp::spawn_on(Backend::Sqlite, port, |app| app.with_public_url(&base).with_identity_providers(providers)).await;

    let alice = ScriptedBrowser::default();
    let landing = alice.through_mock(&t.base, "mock", "alice-mock", false).await;
    assert_eq!(landing.status, StatusCode::OK, "{}", landing.body);
    assert!(landing.body.contains("Hello alice"), "{}", landing.body);

    // A code issued for one sign-in, brought back with another's state: its ID token
    // carries the other nonce, and is refused.
    let victim = ScriptedBrowser::default();
    let victim_callback = victim.through_mock(&t.base, "mock", "alice-mock", true).await.url;
    let attacker = ScriptedBrowser::default();
    let attacker_callback = attacker.through_mock(&t.base, "mock", "alice-mock", true).await.url;
    let code = |url: &str| reqwest::Url::parse(url).unwrap().query_pairs().find(|(k, _)| k == "code").unwrap().1.to_string();
    let state = |url: &str| reqwest::Url::parse(url).unwrap().query_pairs().find(|(k, _)| k == "state").unwrap().1.to_string();
    let swapped = format!("{}/sign-in/sso/mock/callback?code={}&state={}", t.base, code(&attacker_callback), state(&victim_callback));
    let landing = victim.follow(&swapped, false).await;
    assert_eq!(landing.status, StatusCode::UNAUTHORIZED, "{}", landing.body);
    assert!(!victim.signed_in(&t.base).await);

    // A logout token that is not the provider's is refused, and ends nothing.
    let forged = "eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0.";
    let res = t.client.post(format!("{}/sign-in/sso/mock/logout", t.base)).form(&[("logout_token", forged)]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(alice.signed_in(&t.base).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_can_switch_passwords_off_only_while_a_provider_is_configured() {
    let plain = TestApp::spawn(Backend::Sqlite).await;
    let (status, body) = plain.put("admin", "/api/v1/sign-in-settings", json!({"local_passwords": false})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    let (t, _idp) = signpost_with_npm_provider(Backend::Sqlite).await;
    let (status, _) = t.put("alice", "/api/v1/sign-in-settings", json!({"local_passwords": false})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "members cannot");
    let (status, body) = t.put("admin", "/api/v1/sign-in-settings", json!({"local_passwords": false})).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"local_passwords": false})));

    // Passwords no longer open sessions, and the sign-in page offers only the provider.
    let res = t
        .client
        .post(format!("{}/api/v1/session", t.base))
        .json(&json!({"email": "alice@trust.nhs.uk", "password": crate::common::PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("sign in with Test Trust account"));
    let html = t.client.get(format!("{}/sign-in", t.base)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Sign in with Test Trust account") && !html.contains("id=\"password\""), "{html}");
    let forgot =
        t.client.post(format!("{}/api/v1/password/forgot", t.base)).json(&json!({"email": "alice@trust.nhs.uk"})).send().await.unwrap();
    assert_eq!(forgot.status(), StatusCode::FORBIDDEN);

    // Single sign-on still works; API tokens are not passwords and go on working.
    let browser = ScriptedBrowser::default();
    assert_eq!(browser.through_npm(&t.base, "trust", "alice-at-idp", false).await.status, StatusCode::OK);
    assert_eq!(t.get("alice", "/api/v1/me").await.0, StatusCode::OK);
}

on_both_backends!(oidc_sign_in_links_verified_accounts_creates_new_ones_and_back_channel_logout_ends_them);

/// In Chromium: the provider's button, its own sign-in and consent pages, back to
/// Signpost signed in; signing out goes on to the provider and returns to Signpost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_in_and_out_through_the_provider_in_a_browser() {
    use crate::common::browser::Browser;
    let (t, idp) = signpost_with_npm_provider(Backend::Sqlite).await;

    let plain = Browser::start(false).await;
    plain.visit_accessible(&t.base, "/sign-in").await;
    plain.close().await;

    let b = Browser::start(true).await;
    b.visit_accessible(&t.base, "/sign-in").await;
    b.screenshot("sign-in-with-provider").await;
    b.click("#sso-trust").await;
    assert!(b.wait_for_text("Enter any login").await, "at the provider's own sign-in page");
    let login = b.client.find(fantoccini::Locator::Css("input[name=login]")).await.unwrap();
    login.send_keys("alice-at-idp").await.unwrap();
    b.client.find(fantoccini::Locator::Css("input[name=password]")).await.unwrap().send_keys("any").await.unwrap();
    b.click("button[type=submit]").await;
    assert!(b.wait_for_text("Continue").await, "the provider asks to share the details");
    b.click("button[type=submit]").await;
    assert!(b.wait_for_text("Hello alice").await, "back in Signpost, signed in");
    assert_eq!(b.client.current_url().await.unwrap().as_str(), format!("{}/", t.base));
    b.assert_accessible("the home page after single sign-on").await;

    b.click("form[action='/sign-out'] button").await;
    assert!(b.wait_for_text("Yes, sign me out").await, "at the provider, asked to sign out there too");
    assert!(b.client.current_url().await.unwrap().as_str().starts_with(&idp.issuer));
    b.click("button[name=logout][value=yes]").await;
    assert!(b.wait_for_text("You have signed out.").await, "back at Signpost's sign-in page");
    b.assert_accessible("the sign-in page after signing out").await;
    b.screenshot("signed-out-of-provider").await;
    b.client.goto(&format!("{}/account", t.base)).await.unwrap();
    assert!(b.wait_for_text("Sign in to Signpost").await, "the session is over");
    b.close().await;
}
