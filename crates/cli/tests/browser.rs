//! Journeys in a real browser (Debian's chromium), with JavaScript on and off, and
//! axe-core on every page reached: zero WCAG 2.2 AA violations. Screenshots of the
//! key pages are saved (SIGNPOST_SCREENSHOTS sets where).
mod common;

use common::browser::Browser;

use common::{Backend, PASSWORD, TestApp, lesson};
use fantoccini::Locator;
use fantoccini::key::Key;

on_both_backends!(signing_in_reaches_home_and_every_page_passes_axe);

async fn journey(t: &TestApp, javascript: bool) {
    let b = Browser::start(javascript).await;
    let url = |p: &str| format!("{}{p}", t.base);
    b.client.goto(&url("/")).await.unwrap();
    assert!(b.client.current_url().await.unwrap().path().ends_with("/sign-in"), "signed-out visitors are sent to sign in");
    b.assert_accessible("sign-in page").await;
    if !javascript {
        b.screenshot("sign-in").await;
    }

    // Submitting empty shows the error summary, which must itself be accessible.
    b.client.find(Locator::Css("form[action='/sign-in'] button[type=submit]")).await.unwrap().click().await.unwrap();
    assert!(b.wait_for_text("There is a problem").await, "error summary shown");
    b.assert_accessible("sign-in page with errors").await;

    b.client.find(Locator::Id("email")).await.unwrap().send_keys("alice@trust.nhs.uk").await.unwrap();
    b.client.find(Locator::Id("password")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    b.client.find(Locator::Css("form[action='/sign-in'] button[type=submit]")).await.unwrap().click().await.unwrap();
    assert!(b.wait_for_text("Hello alice").await, "home page after sign-in");
    assert_eq!(b.client.current_url().await.unwrap().path(), "/");
    assert!(b.client.source().await.unwrap().contains("Infection control huddles"), "recent knowledge on the home page");
    b.assert_accessible("home page").await;
    if javascript {
        b.screenshot("home").await;
    }

    // Keyboard: the first Tab reaches the skip link, which leads to the main content.
    b.client.find(Locator::Css("body")).await.unwrap().send_keys(&Key::Tab.to_string()).await.unwrap();
    let focused = b.focused().await;
    assert!(focused.starts_with("A Skip to main content"), "first tab stop: {focused}");

    // Search from the home page, then narrow by a facet: a plain GET form, so it works with JavaScript off too.
    b.client.find(Locator::Id("home-search")).await.unwrap().send_keys("infection").await.unwrap();
    b.client.find(Locator::Css("main form[action='/search'] button")).await.unwrap().click().await.unwrap();
    assert!(b.wait_for_text("2 results").await, "search results");
    let source = b.client.source().await.unwrap();
    assert!(source.contains("Infection control huddles") && source.contains("Infection prevention audit"), "both matches listed");
    b.assert_accessible("search results").await;
    if javascript {
        b.screenshot("search").await;
    }
    b.client.find(Locator::Css("label[for='kind-0']")).await.unwrap().click().await.unwrap();
    b.client.find(Locator::Css("form[action='/search'] button.nhsuk-button--secondary")).await.unwrap().click().await.unwrap();
    assert!(b.wait_for_text(">1 result for").await, "a facet narrows the results");
    assert!(b.client.current_url().await.unwrap().query().is_some_and(|q| q.contains("kind=")));

    // Open a result, verify it, and compare its versions.
    b.client.find(Locator::LinkText("Infection prevention audit")).await.unwrap().click().await.unwrap();
    assert!(b.wait_for_text("About this knowledge").await, "the result opens the asset page");
    b.assert_accessible("asset page").await;
    if javascript {
        b.screenshot("asset").await;
    }
    b.client.find(Locator::Css("form[action$='/verify'] button")).await.unwrap().click().await.unwrap();
    assert!(b.wait_for_text("You verified this knowledge").await, "verify shows a success banner");
    b.assert_accessible("asset page after verifying").await;
    b.client.find(Locator::Css("a[href*='/diff?from=']")).await.unwrap().click().await.unwrap();
    assert!(b.wait_for_text("Changes from version").await, "the history links to the differences");
    b.assert_accessible("differences between versions").await;

    for path in ["/accessibility", "/no-such-page"] {
        b.client.goto(&url(path)).await.unwrap();
        b.assert_accessible(path).await;
    }

    b.client.goto(&url("/")).await.unwrap();
    b.client.find(Locator::Css("form[action='/sign-out'] button")).await.unwrap().click().await.unwrap();
    assert!(b.wait_for_text("Sign in to Signpost").await, "sign out lands on the sign-in page");
    b.client.goto(&url("/")).await.unwrap();
    assert!(b.client.current_url().await.unwrap().path().ends_with("/sign-in"), "signed out for good");
    b.close().await;
}

async fn signing_in_reaches_home_and_every_page_passes_axe(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    t.post("alice", "/api/v1/assets", lesson("Infection control huddles", t.teams["Ward A"], "organisation", "published")).await;
    let mut guide = lesson("Infection prevention audit", t.teams["Ward A"], "organisation", "published");
    guide["kind"] = serde_json::json!("guidance");
    guide["fields"] = serde_json::json!({"audience": "Ward staff", "source": "Local policy"});
    t.post("alice", "/api/v1/assets", guide).await;
    t.settle().await;
    journey(&t, true).await;
    journey(&t, false).await;
}
