//! The browser pages over HTTP: signing in and out with CSRF on every form, the
//! home page, NHS-styled error pages, the accessibility statement and the vendored
//! assets. (Journeys in a real browser, with axe-core, build on these.)
use crate::common;

use common::web::{client, cookie_pair, hidden};
use common::{Backend, PASSWORD, TestApp, lesson};
use reqwest::StatusCode;
use reqwest::header::{LOCATION, SET_COOKIE};

on_both_backends!(
    signing_in_and_out_in_the_browser_is_protected_by_csrf_and_lands_on_home,
    the_search_page_counts_filters_pages_and_escapes,
    the_asset_page_shows_safe_text_visible_links_and_guards_its_actions,
);

async fn signing_in_and_out_in_the_browser_is_protected_by_csrf_and_lands_on_home(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    t.post("alice", "/api/v1/assets", lesson("Flu clinic consent queues", t.teams["Ward A"], "organisation", "published")).await;
    let c = client();
    let url = |p: &str| format!("{}{p}", t.base);

    let res = c.get(url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION], "/sign-in?next=%2F");

    let res = c.get(url("/sign-in?next=/accessibility")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(!csp.contains("unsafe-inline") && csp.contains("frame-ancestors 'none'"), "{csp}");
    let login_cookie = cookie_pair(&res, "signpost_login_csrf").expect("login CSRF cookie");
    let html = res.text().await.unwrap();
    assert!(html.contains("<html lang=\"en-GB\">") && html.contains("nhsuk-skip-link") && html.contains("/static/nhsuk-frontend.min.css"));
    assert!(!html.contains("<script>") && !html.contains("style="), "no inline script or style");
    let csrf = hidden(&html, "csrf_token");

    // No cookie (a cross-site post): refused with a fresh form, not signed in.
    let res = c
        .post(url("/sign-in"))
        .form(&[("email", "alice@trust.nhs.uk"), ("password", PASSWORD), ("csrf_token", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(cookie_pair(&res, "signpost_session").is_none());

    let res = c
        .post(url("/sign-in"))
        .header("cookie", &login_cookie)
        .form(&[("email", "alice@trust.nhs.uk"), ("password", "not the password"), ("csrf_token", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let html = res.text().await.unwrap();
    assert!(html.contains("There is a problem") && html.contains("href=\"#email\"") && html.contains("<title>Error: Sign in"), "{html}");
    assert!(html.contains("value=\"alice@trust.nhs.uk\""), "the email is kept");

    let res = c
        .post(url("/sign-in"))
        .header("cookie", &login_cookie)
        .form(&[("email", ""), ("password", ""), ("csrf_token", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("Enter your email address") && html.contains("Enter your password"));

    // Somewhere else entirely is never where sign-in sends people.
    let res = c
        .post(url("/sign-in"))
        .header("cookie", &login_cookie)
        .form(&[("email", "alice@trust.nhs.uk"), ("password", PASSWORD), ("csrf_token", &csrf), ("next", "//evil.example/")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION], "/");
    let session = cookie_pair(&res, "signpost_session").expect("session cookie");
    let raw = res.headers().get_all(SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_string()).collect::<Vec<_>>().join("\n");
    assert!(raw.contains("HttpOnly") && raw.contains("SameSite=Lax"), "{raw}");

    let res = c.get(url("/")).header("cookie", &session).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("Hello alice") && html.contains("Flu clinic consent queues") && html.contains("Your drafts"), "{html}");
    let session_csrf = hidden(&html, "csrf_token");

    let res = c.post(url("/sign-out")).header("cookie", &session).form(&[("csrf_token", "forged")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(c.get(url("/")).header("cookie", &session).send().await.unwrap().status(), StatusCode::OK, "still signed in");
    let res = c.post(url("/sign-out")).header("cookie", &session).form(&[("csrf_token", session_csrf.as_str())]).send().await.unwrap();
    assert_eq!((res.status(), res.headers()[LOCATION].to_str().unwrap()), (StatusCode::SEE_OTHER, "/sign-in?signed_out=1"));
    assert_eq!(c.get(url("/")).header("cookie", &session).send().await.unwrap().status(), StatusCode::SEE_OTHER, "signed out");

    let res = c.get(url("/no-such-page")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("Page not found"));
    let res = c.get(url("/api/v1/no-such-thing")).send().await.unwrap();
    assert_eq!(res.json::<serde_json::Value>().await.unwrap()["code"], "not_found");
    let res = c.get(url("/accessibility")).send().await.unwrap();
    assert!(res.text().await.unwrap().contains("WCAG"));

    let res = c.get(url("/static/nhsuk-frontend.min.css")).send().await.unwrap();
    assert_eq!(res.headers()["content-type"], "text/css; charset=utf-8");
    assert!(!res.text().await.unwrap().contains("https://"), "the stylesheet loads nothing from elsewhere");
    assert_eq!(c.get(url("/static/signpost.mjs")).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(c.get(url("/static/../Cargo.toml")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
}

async fn signed_in(t: &TestApp, c: &reqwest::Client) -> String {
    let res = c.get(format!("{}/sign-in", t.base)).send().await.unwrap();
    let login = cookie_pair(&res, "signpost_login_csrf").unwrap();
    let csrf = hidden(&res.text().await.unwrap(), "csrf_token");
    let res = c
        .post(format!("{}/sign-in", t.base))
        .header("cookie", &login)
        .form(&[("email", "alice@trust.nhs.uk"), ("password", PASSWORD), ("csrf_token", &csrf)])
        .send()
        .await
        .unwrap();
    cookie_pair(&res, "signpost_session").unwrap()
}

async fn the_search_page_counts_filters_pages_and_escapes(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    for i in 0..12 {
        let mut a = lesson(&format!("Sepsis screening lesson {i}"), t.teams["Ward A"], "organisation", "published");
        a["body"] = serde_json::json!("Sepsis screening was missed at triage twice in one week.");
        // 25 topics in all: more than the page offers as checkboxes.
        a["topics"] = serde_json::json!(["sepsis", format!("area {:02}", 2 * i), format!("area {:02}", 2 * i + 1)]);
        t.post("alice", "/api/v1/assets", a).await;
    }
    t.settle().await;
    let c = client();
    let session = signed_in(&t, &c).await;
    let get = |path: String| c.get(format!("{}{path}", t.base)).header("cookie", session.clone()).send();

    let html = get("/search?q=sepsis".into()).await.unwrap().text().await.unwrap();
    assert!(html.contains("12 results") && html.contains("<mark>Sepsis</mark>"), "{html}");
    assert!(html.contains("Lesson (12)"), "facet counts");
    assert!(html.contains("page=2") && html.contains("Page 2 of 2"), "pagination");
    let html = get("/search?q=sepsis&page=2".into()).await.unwrap().text().await.unwrap();
    assert!(html.contains("Page 1 of 2") && !html.contains("Page 3"), "second page links back");
    let html = get("/search?q=sepsis&kind=guidance".into()).await.unwrap().text().await.unwrap();
    assert!(html.contains("0 results"), "a filter with no matches");
    let html = get("/search?q=sepsis".into()).await.unwrap().text().await.unwrap();
    assert_eq!(html.matches(r#"name="topic" type="checkbox""#).count(), 20, "the most common topics only");
    assert!(html.contains("The 20 most common of 25, and any you chose") && !html.contains(r#"value="area 23""#), "{html}");
    let html = get("/search?q=sepsis&topic=sepsis&topic=area+23".into()).await.unwrap().text().await.unwrap();
    assert!(html.contains(r#"value="area 23" checked"#), "a chosen topic stays listed to untick: {html}");

    let html = get("/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E".into()).await.unwrap().text().await.unwrap();
    assert!(!html.contains("<script>alert(1)") && html.contains("&lt;script&gt;alert(1)"), "the query is escaped wherever it is shown");
    let res = get("/search?q=x&kind=memo".into()).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("problem with that request"));
    let res = get("/search?page=0".into()).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

async fn the_asset_page_shows_safe_text_visible_links_and_guards_its_actions(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let (_, hidden_one) = t.post("bob", "/api/v1/assets", lesson("Ward B only: staffing", t.teams["Ward B"], "team", "published")).await;
    let (_, visible_one) =
        t.post("alice", "/api/v1/assets", lesson("Consent forms guide", t.teams["Ward A"], "organisation", "published")).await;
    let mut a = lesson("Falls <b>audit</b>", t.teams["Ward A"], "organisation", "published");
    a["body"] = serde_json::json!("## Findings\n\nFalls rose **twice**.\n\n<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n");
    a["links"] = serde_json::json!([visible_one["id"]]);
    let (status, created) = t.post("alice", "/api/v1/assets", a).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    // Bob links the Ward B asset from one of his own, to check Alice never sees its title.
    let mut b = lesson("Bob's page", t.teams["Ward B"], "organisation", "published");
    b["links"] = serde_json::json!([hidden_one["id"]]);
    let (_, bobs) = t.post("bob", "/api/v1/assets", b).await;

    let c = client();
    let session = signed_in(&t, &c).await;
    let html = c.get(format!("{}/assets/{id}", t.base)).header("cookie", &session).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("<h2>Findings</h2>") && html.contains("<strong>twice</strong>"), "Markdown is rendered");
    assert!(!html.contains("<script>alert") && !html.contains("onerror"), "raw HTML never survives: {html}");
    assert!(html.contains("Falls &lt;b&gt;audit&lt;/b&gt;"), "the title is escaped");
    assert!(html.contains("Consent forms guide") && html.contains("Recommendation"), "related knowledge and the kind's fields");
    let html = c.get(format!("{}/assets/{}", t.base, bobs["id"])).header("cookie", &session).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains("Ward B only"), "a linked asset the viewer may not see is left out");
    let res = c.get(format!("{}/assets/{}", t.base, hidden_one["id"])).header("cookie", &session).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let res =
        c.post(format!("{}/assets/{id}/verify", t.base)).header("cookie", &session).form(&[("csrf_token", "forged")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let page = c.get(format!("{}/assets/{id}", t.base)).header("cookie", &session).send().await.unwrap().text().await.unwrap();
    let csrf = hidden(&page, "csrf_token");
    let res = c
        .post(format!("{}/assets/{id}/archive", t.base))
        .header("cookie", &session)
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        (res.status(), res.headers()[LOCATION].to_str().unwrap()),
        (StatusCode::SEE_OTHER, format!("/assets/{id}?done=archived").as_str())
    );
    let (_, v) = t.get("alice", &format!("/api/v1/assets/{id}")).await;
    assert_eq!(v["status"], "archived");
    let res = c
        .post(format!("{}/assets/{}/verify", t.base, bobs["id"]))
        .header("cookie", &session)
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "alice cannot verify Ward B's asset");
}
