//! A real browser for tests: Debian's chromium driven over WebDriver by
//! chromedriver, with JavaScript on or off, and axe-core (vendored) checking every
//! page against WCAG 2.2 AA.
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};

use super::{eventually, free_port};

/// A chromium session.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
    pub javascript: bool,
}

fn program(var: &str, default: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| default.to_string())
}

impl Browser {
    pub async fn start(javascript: bool) -> Browser {
        let port = free_port();
        let driver = Command::new(program("SIGNPOST_CHROMEDRIVER", "/usr/bin/chromedriver"))
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver must be installed (Debian package chromium-driver) to run the browser tests");
        let up = eventually(Duration::from_secs(20), async || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()).await;
        assert!(up.is_some(), "chromedriver did not start");
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": program("SIGNPOST_CHROMIUM", "/usr/bin/chromium"),
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1280,1000",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                "prefs": {"profile.managed_default_content_settings.javascript": if javascript { 1 } else { 2 }},
            },
        });
        let Value::Object(caps) = caps else { unreachable!() };
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("start a chromium session");
        Browser { client, driver, _profile: profile, javascript }
    }

    /// Runs axe-core on the current page; fails listing every WCAG 2.2 AA violation.
    /// With JavaScript off, axe cannot run in this tab (its asynchronous steps never
    /// resume), so the page's markup as served, which no script has touched, is
    /// checked in a JavaScript-enabled checker on the same origin instead.
    pub async fn assert_accessible(&self, what: &str) {
        if self.javascript {
            violations_here(&self.client, what, "JavaScript on").await;
        } else {
            let markup = self.client.execute("return document.documentElement.outerHTML;", vec![]).await.expect("read the page");
            let url = self.client.current_url().await.unwrap();
            let checker = Box::pin(Browser::start(true)).await;
            checker.client.goto(url.as_str()).await.unwrap();
            let replace = "const html = arguments[0].replace(/<script[\\s\\S]*?<\\/script>/gi, '');\
                document.open(); document.write('<!DOCTYPE html>' + html); document.close();";
            checker.client.execute(replace, vec![markup]).await.expect("load the JavaScript-off markup");
            let loaded = "const done = arguments[arguments.length - 1];\
                const sheets = [...document.querySelectorAll('link[rel=stylesheet]')];\
                Promise.all(sheets.map(l => l.sheet ? null : new Promise(r => { l.onload = r; l.onerror = r; }))).then(() => done(true));";
            checker.client.execute_async(loaded, vec![]).await.expect("wait for the stylesheet");
            violations_here(&checker.client, what, "JavaScript off").await;
            checker.close().await;
        }
    }
}

async fn violations_here(client: &Client, what: &str, mode: &str) {
    let axe = include_str!("../../../../web/tests/vendor/axe.min.js");
    client.execute(axe, vec![]).await.expect("inject axe-core");
    let script = "const done = arguments[arguments.length - 1];\
            axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})\
               .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))))\
               .catch(e => done([{id: 'axe-error', help: String(e)}]));";
    let violations = client.execute_async(script, vec![]).await.expect("run axe-core");
    let list = violations.as_array().cloned().unwrap_or_default();
    assert!(list.is_empty(), "{what} ({mode}) has accessibility violations:\n{}", serde_json::to_string_pretty(&violations).unwrap());
}

impl Browser {
    /// Saves a screenshot as `NAME.png` in SIGNPOST_SCREENSHOTS (or the test's target folder).
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let dir = std::env::var_os("SIGNPOST_SCREENSHOTS")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots"));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, self.client.screenshot().await.expect("screenshot")).unwrap();
        path
    }

    /// Waits (up to 20 s) until the page shows `text`; a click that navigates returns before the new page arrives.
    pub async fn wait_for_text(&self, text: &str) -> bool {
        eventually(Duration::from_secs(20), async || self.client.source().await.is_ok_and(|s| s.contains(text))).await.is_some()
    }

    /// The element that has keyboard focus, described by its tag, text and href.
    pub async fn focused(&self) -> String {
        let v = self.client.execute("const e = document.activeElement; return e.tagName + ' ' + (e.textContent || '').trim() + ' ' + (e.getAttribute('href') || '');", vec![]).await.unwrap();
        v.as_str().unwrap_or_default().to_string()
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Browser {
    /// Goes to `path` on `base` and checks the page with axe-core.
    pub async fn visit_accessible(&self, base: &str, path: &str) {
        self.client.goto(&format!("{base}{path}")).await.unwrap();
        self.assert_accessible(path).await;
    }

    /// Types into a field, replacing what it held.
    pub async fn fill(&self, id: &str, text: &str) {
        let field = self.client.find(fantoccini::Locator::Id(id)).await.unwrap_or_else(|_| panic!("no field #{id}"));
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Signs in through the sign-in page with an email and password and waits for the home page.
    pub async fn sign_in_as(&self, base: &str, email: &str, password: &str) {
        self.client.goto(&format!("{base}/sign-in")).await.unwrap();
        self.fill("email", email).await;
        self.fill("password", password).await;
        self.click("form[action='/sign-in'] button[type=submit]").await;
        assert!(self.wait_for_text("Hello").await, "home page after signing in as {email}");
    }

    /// Types a date (`2026-11-02`) into a date field's day, month and year boxes, as a person would: 2, 11, 2026.
    pub async fn fill_date(&self, id: &str, iso: &str) {
        let mut parts = iso.split('-');
        let (year, month, day) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
        self.fill(id, day.trim_start_matches('0')).await;
        self.fill(&format!("{id}-month"), month.trim_start_matches('0')).await;
        self.fill(&format!("{id}-year"), year).await;
    }

    /// Clicks the first element matching a CSS selector.
    pub async fn click(&self, css: &str) {
        self.client.find(fantoccini::Locator::Css(css)).await.unwrap_or_else(|_| panic!("nothing matches {css}")).click().await.unwrap();
    }
}
