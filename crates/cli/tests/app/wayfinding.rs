//! Finding your way: every family of pages can be reached by following links from the
//! home page, and no link on the way is a dead end. The families come from the
//! router's own record, so a new area that nobody links to fails here.
use std::collections::{BTreeMap, BTreeSet, VecDeque};

use reqwest::Method;

use crate::common::browser::Browser;
use crate::common::web::WebUser;
use crate::common::{Backend, TestApp};

/// Families a signed-in person is not meant to reach by a link, and why.
const NOT_LINKED_WHEN_SIGNED_IN: [(&str, &str); 3] = [
    ("sign-in", "signing in, and single sign-on's callbacks, are for people who are signed out"),
    ("setup", "first-run set-up exists only until the first administrator is made"),
    ("password", "setting and resetting a password start from an emailed link"),
];

/// At most this many pages are fetched; at most this many of each shape (`/assets/{id}`).
const MOST_PAGES: usize = 500;
const MOST_OF_A_SHAPE: usize = 2;

/// Where the page's search forms (GET) lead, as if submitted empty.
fn get_forms(html: &str) -> Vec<String> {
    html.split("<form")
        .skip(1)
        .filter_map(|tag| {
            let tag = &tag[..tag.find('>')?];
            let action = tag.split("action=\"").nth(1)?.split('"').next()?;
            (tag.contains("method=\"get\"") && action.starts_with('/')).then(|| action.replace("&amp;", "&"))
        })
        .collect()
}

/// The links on a page that lead to another page of the site.
fn page_links(html: &str) -> Vec<String> {
    let mut out = get_forms(html);
    let mut rest = html;
    while let Some(at) = rest.find("href=\"") {
        rest = &rest[at + 6..];
        let Some(end) = rest.find('"') else { break };
        let href = rest[..end].replace("&amp;", "&");
        rest = &rest[end..];
        let path = href.split('#').next().unwrap_or_default().to_string();
        let skipped = !path.starts_with('/')
            || path.starts_with("//")
            || ["/static/", "/api/", "/scim/"].iter().any(|p| path.starts_with(p))
            || [".xlsx", ".csv", ".ics", ".json", ".zip", ".yaml"].iter().any(|e| path.split('?').next().unwrap_or_default().ends_with(e));
        if !skipped {
            out.push(path);
        }
    }
    out
}

/// A path with its query dropped and every number as `{id}`.
fn shape(path: &str) -> String {
    let path = path.split('?').next().unwrap_or_default();
    path.split('/').map(|s| if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) { "{id}" } else { s }).collect::<Vec<_>>().join("/")
}

fn family(path: &str) -> String {
    path.trim_start_matches('/').split(['/', '?']).next().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_family_is_reachable_by_links_from_the_home_page() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    signpost::demo::load(&t.app).await.unwrap();
    t.settle().await;
    // An administrator's menu holds everything; what they cannot reach, nobody can.
    let admin = WebUser::sign_in_with(&t.base, &signpost::demo::demo_email("Gareth Owen"), signpost::demo::DEMO_PASSWORD).await;

    let mut queue = VecDeque::from(["/".to_string()]);
    let mut seen: BTreeSet<String> = queue.iter().cloned().collect();
    let mut shapes: BTreeMap<String, usize> = BTreeMap::new();
    let mut reached: BTreeSet<String> = BTreeSet::new();
    let mut dead_ends = Vec::new();
    let mut fetched = 0;
    while let Some(path) = queue.pop_front() {
        if fetched >= MOST_PAGES {
            break;
        }
        fetched += 1;
        let (status, body) = admin.get(&path).await;
        if !status.is_success() {
            dead_ends.push(format!("{path}: {status}"));
            continue;
        }
        reached.insert(family(&path));
        for link in page_links(&body) {
            let count = shapes.entry(shape(&link)).or_default();
            if *count < MOST_OF_A_SHAPE && seen.insert(link.clone()) {
                *count += 1;
                queue.push_back(link);
            }
        }
    }
    assert!(dead_ends.is_empty(), "links that lead nowhere:\n{}", dead_ends.join("\n"));

    let families: BTreeSet<String> = signpost_web::pages::pages()
        .table()
        .iter()
        .filter(|r| r.method == Method::GET)
        .map(|r| family(r.path))
        .filter(|f| !NOT_LINKED_WHEN_SIGNED_IN.iter().any(|(n, _)| n == f))
        .collect();
    let missing: Vec<&String> = families.difference(&reached).collect();
    assert!(missing.is_empty(), "no link from the home page leads to {missing:?} (reached {reached:?} in {fetched} pages)");
    assert!(reached.contains("maturity"), "the maturity self-assessment is reachable");
}

/// A member looks for the self-assessment as a person would: in the menu (under
/// "More" when the header folds it), from the technique's page, and from the choosing
/// tool's answer to "assess how well we manage knowledge".
async fn a_member_finds_the_self_assessment(javascript: bool) {
    let t = TestApp::spawn(Backend::Sqlite).await;
    let b = Browser::start(javascript).await;
    b.sign_in_as(&t.base, "alice@trust.nhs.uk", crate::common::PASSWORD).await;

    let menu_link = "a.nhsuk-header__navigation-link[href='/maturity']";
    let link = b.client.find(fantoccini::Locator::Css(menu_link)).await.expect("the menu has Maturity");
    if !link.is_displayed().await.unwrap() {
        b.click("#toggle-menu").await;
    }
    b.click(menu_link).await;
    assert!(b.wait_for_text("Maturity self-assessment").await, "the menu leads to the self-assessment");
    b.assert_accessible("maturity from the menu").await;

    b.visit_accessible(&t.base, "/techniques/self-assessment").await;
    b.click("main a.nhsuk-button[href='/maturity']").await;
    assert!(b.wait_for_text("Record an assessment").await, "the technique's page leads to the self-assessment");

    b.visit_accessible(&t.base, "/techniques/choose?purpose=assess_capability").await;
    b.click("#choices a[href='/maturity']").await;
    assert!(b.wait_for_text("Record an assessment").await, "the choosing tool's answer leads to the self-assessment");
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_finds_the_self_assessment_with_javascript() {
    a_member_finds_the_self_assessment(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_finds_the_self_assessment_without_javascript() {
    a_member_finds_the_self_assessment(false).await;
}
