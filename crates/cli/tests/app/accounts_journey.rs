//! A new installation in a real browser: the set-up link `signpost serve` prints on an
//! empty data directory, the organisation and its first administrator, a colleague
//! invited by email (caught by a real SMTP server), who chooses a password, signs in,
//! forgets it and resets it. axe-core checks every page on the way.
use std::time::Duration;

use serde_json::Value;

use crate::common;
use common::browser::Browser;
use common::{Backend, MailSink, Node, TestDb, eventually};

/// The link in the newest email to `to` whose subject is `subject`, once it arrives.
async fn link_in_mail(sink: &MailSink, to: &str, subject: &str) -> String {
    let found =
        eventually(Duration::from_secs(30), async || sink.received().iter().any(|m| m["to"] == to && m["subject"] == subject)).await;
    assert!(found.is_some(), "no {subject:?} email to {to}: {:?}", sink.received());
    let mail: Vec<Value> = sink.received().into_iter().filter(|m| m["to"] == to && m["subject"] == subject).collect();
    let text = mail.last().unwrap()["text"].as_str().unwrap().to_string();
    text.split_whitespace().find(|w| w.contains("/password/set?link=")).unwrap_or_else(|| panic!("no link in {text}")).to_string()
}

async fn submit(b: &Browser, form: &str) {
    b.click(&format!("form[action='{form}'] button[type=submit]")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_installation_is_set_up_in_the_browser_and_a_colleague_invited_by_email_signs_in() {
    let db = TestDb::new(Backend::Sqlite);
    let location = db.location("node");
    let sink = MailSink::start(false).await;
    let log = tempfile::NamedTempFile::new().unwrap();
    let relay = sink.url();
    let global = ["--smtp-url", relay.as_str(), "--public-url", "{base}"];
    let node = Node::start_logging(&location, &global, &[], Some(log.path())).await;
    let printed = std::fs::read_to_string(log.path()).unwrap();
    let setup = printed
        .split_whitespace()
        .find(|w| w.contains("/setup?token="))
        .unwrap_or_else(|| panic!("an empty data directory prints a set-up link: {printed}"))
        .to_string();
    assert!(setup.starts_with(&node.base), "{setup}");

    let b = Browser::start(true).await;
    b.client.goto(&setup).await.unwrap();
    assert!(b.wait_for_text("Set up Signpost").await);
    b.assert_accessible("the set-up page").await;
    b.screenshot("setup").await;
    b.fill("organisation", "Riverside Community Health NHS Trust").await;
    b.fill("structure", "Nursing: District Nursing, Health Visiting\nCorporate: Library and Knowledge Services").await;
    b.fill("name", "Priya Shah").await;
    b.fill("email", "priya.shah@riverside.nhs.uk").await;
    b.fill("password", "short").await;
    submit(&b, "/setup").await;
    assert!(b.wait_for_text("There is a problem").await);
    assert!(b.wait_for_text("at least 12 characters").await);
    b.assert_accessible("the set-up page refusing a short password").await;
    b.fill("password", "kingfisher over the weir").await;
    submit(&b, "/setup").await;
    assert!(b.wait_for_text("Getting started").await, "the administrator lands, signed in, on what to do first");
    b.assert_accessible("an empty organisation's home page").await;
    b.screenshot("getting-started").await;
    let again = reqwest::get(&setup).await.unwrap();
    assert_eq!(again.status(), reqwest::StatusCode::NOT_FOUND, "the set-up link works once");

    b.click("#getting-started a[href='/admin/users']").await;
    assert!(b.wait_for_text("Add a person").await);
    b.fill("name", "Tom Okafor").await;
    b.fill("email", "tom.okafor@riverside.nhs.uk").await;
    submit(&b, "/admin/users").await;
    assert!(b.wait_for_text("sent an invitation").await);
    b.assert_accessible("the users page after an invitation").await;
    b.close().await;

    let invitation = link_in_mail(&sink, "tom.okafor@riverside.nhs.uk", "You have been invited to Signpost").await;
    let tom = Browser::start(false).await;
    tom.client.goto(&invitation).await.unwrap();
    assert!(tom.wait_for_text("Welcome to Signpost, Tom Okafor").await);
    tom.assert_accessible("choosing a first password").await;
    tom.screenshot("choose-password").await;
    tom.fill("password", "heron on the river bank").await;
    submit(&tom, "/password/set").await;
    assert!(tom.wait_for_text("Your password is saved").await);
    tom.fill("email", "tom.okafor@riverside.nhs.uk").await;
    tom.fill("password", "heron on the river bank").await;
    submit(&tom, "/sign-in").await;
    assert!(tom.wait_for_text("Sign out").await, "Tom signs in with the password he chose");
    tom.click("form[action='/sign-out'] button").await;

    assert!(tom.wait_for_text("Forgotten your password?").await);
    tom.click("a[href='/password/forgot']").await;
    assert!(tom.wait_for_text("Reset your password").await);
    tom.assert_accessible("asking for a reset link").await;
    tom.fill("email", "tom.okafor@riverside.nhs.uk").await;
    submit(&tom, "/password/forgot").await;
    assert!(tom.wait_for_text("Check your email").await);
    let reset = link_in_mail(&sink, "tom.okafor@riverside.nhs.uk", "Reset your Signpost password").await;
    tom.client.goto(&reset).await.unwrap();
    assert!(tom.wait_for_text("Choose a new password").await);
    tom.fill("password", "otters at the mill pond").await;
    submit(&tom, "/password/set").await;
    assert!(tom.wait_for_text("Your password is saved").await);
    tom.fill("email", "tom.okafor@riverside.nhs.uk").await;
    tom.fill("password", "otters at the mill pond").await;
    submit(&tom, "/sign-in").await;
    assert!(tom.wait_for_text("Sign out").await, "and signs in with the new one");
    tom.close().await;
    drop(node);
}
