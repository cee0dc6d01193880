//! A signed-in browser session over plain HTTP: the session cookie and the CSRF
//! token its forms carry, for testing pages and forms without a browser.
use reqwest::StatusCode;
use reqwest::header::SET_COOKIE;

use super::{PASSWORD, TestApp};

/// An HTTP client that does not follow redirects, so tests see each 303.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// `name=value` of a cookie the response sets.
pub fn cookie_pair(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap().to_string())
}

/// The value of a hidden field in a page.
pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {name} field in {html}")) + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// Checks a form's answer is a 303 to `to` (the page, with its notice).
#[track_caller]
pub fn assert_redirect(answer: &(StatusCode, Option<String>, String), to: &str) {
    let (status, location, body) = answer;
    assert_eq!((*status, location.as_deref()), (StatusCode::SEE_OTHER, Some(to)), "the form's answer: {body}");
}

/// Someone signed in through the sign-in form.
pub struct WebUser {
    pub base: String,
    pub client: reqwest::Client,
    pub cookie: String,
    pub csrf: String,
}

impl WebUser {
    /// Signs in `who` (given the test password first, if they have none).
    pub async fn sign_in(t: &TestApp, who: &str) -> WebUser {
        if who != "alice" {
            t.app.set_password(None, t.users[who], PASSWORD.to_string()).await.unwrap();
        }
        WebUser::sign_in_with(&t.base, &format!("{who}@trust.nhs.uk"), PASSWORD).await
    }

    /// Signs in with an email and password (a demo person's, say).
    pub async fn sign_in_with(base: &str, email: &str, password: &str) -> WebUser {
        let client = client();
        let res = client.get(format!("{base}/sign-in")).send().await.unwrap();
        let login = cookie_pair(&res, "signpost_login_csrf").unwrap();
        let csrf = hidden(&res.text().await.unwrap(), "csrf_token");
        let res = client
            .post(format!("{base}/sign-in"))
            .header("cookie", &login)
            .form(&[("email", email), ("password", password), ("csrf_token", &csrf)])
            .send()
            .await
            .unwrap();
        let cookie = cookie_pair(&res, "signpost_session").expect("signed in");
        let mut user = WebUser { base: base.to_string(), client, cookie, csrf: String::new() };
        let (_, home) = user.get("/").await;
        user.csrf = hidden(&home, "csrf_token");
        user
    }

    /// Status and body of a page.
    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let res = self.client.get(format!("{}{path}", self.base)).header("cookie", &self.cookie).send().await.unwrap();
        (res.status(), res.text().await.unwrap())
    }

    /// Posts a form with this session's CSRF token; status, where it redirects, and body.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> (StatusCode, Option<String>, String) {
        self.post_with_csrf(path, &self.csrf, fields).await
    }

    /// Posts a form carrying `csrf` as its token.
    pub async fn post_with_csrf(&self, path: &str, csrf: &str, fields: &[(&str, &str)]) -> (StatusCode, Option<String>, String) {
        let mut form: Vec<(&str, &str)> = vec![("csrf_token", csrf)];
        form.extend_from_slice(fields);
        let res = self.client.post(format!("{}{path}", self.base)).header("cookie", &self.cookie).form(&form).send().await.unwrap();
        let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_string());
        (res.status(), location, res.text().await.unwrap())
    }
}
