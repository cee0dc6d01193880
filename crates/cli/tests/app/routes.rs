//! Every page route, walked from the router's own record rather than a list kept by
//! hand: each form and upload refuses a forged or missing CSRF token with a 403 page,
//! and each address with a parameter answers nonsense with an NHS error page.
use reqwest::{Method, StatusCode};
use signpost_web::pages::router::{Body, Route};

use crate::common::web::WebUser;
use crate::common::{Backend, TestApp};

fn routes() -> Vec<Route> {
    signpost_web::pages::pages().table().to_vec()
}

/// The route's path with every `{name}` replaced by `value`.
fn filled(path: &str, value: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').expect("a closed parameter") + start;
        out.push_str(&rest[..start]);
        out.push_str(value);
        rest = &rest[end + 1..];
    }
    out + rest
}

fn is_nhs_page(body: &str) -> bool {
    body.contains("nhsuk-header") && body.contains("<h1")
}

const BOUNDARY: &str = "signpost-test-boundary";

fn multipart(token: Option<&str>) -> Vec<u8> {
    let mut body = String::new();
    if let Some(token) = token {
        body += &format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n");
    }
    for field in ["file", "model_file"] {
        body += &format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"m.yaml\"\r\nContent-Type: text/plain\r\n\r\nkey: x\r\n"
        );
    }
    (body + &format!("--{BOUNDARY}--\r\n")).into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_form_refuses_a_forged_or_missing_csrf_token() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    // An administrator may do nearly everything, so a 403 here is the token's doing.
    let admin = WebUser::sign_in(&t, "admin").await;
    let posts: Vec<Route> = routes().into_iter().filter(|r| r.method == Method::POST).collect();
    assert!(posts.len() >= 60, "the router records its forms ({} found)", posts.len());
    assert!(posts.iter().any(|r| r.body == Body::Upload), "uploads are recorded as such");
    let mut refused = 0;
    for route in &posts {
        let url = format!("{}{}", t.base, filled(route.path, "1"));
        for token in [Some("forged-token"), None] {
            let request = admin.client.post(&url).header("cookie", &admin.cookie);
            let request = match route.body {
                Body::Upload => request.header("content-type", format!("multipart/form-data; boundary={BOUNDARY}")).body(multipart(token)),
                _ => {
                    let mut fields = vec![("title", "Forged"), ("name", "Forged"), ("role", "admin"), ("email", "x@trust.nhs.uk")];
                    if let Some(token) = token {
                        fields.push(("csrf_token", token));
                    }
                    request.form(&fields)
                }
            };
            let res = request.send().await.unwrap();
            let status = res.status();
            let body = res.text().await.unwrap();
            assert_eq!(status, StatusCode::FORBIDDEN, "POST {} with token {token:?}", route.path);
            assert!(is_nhs_page(&body), "POST {} answers with an NHS page, not {body:.200}", route.path);
            refused += 1;
        }
    }
    assert_eq!(refused, posts.len() * 2);
    // The session itself still works: the forged forms ended nothing and changed nothing.
    let (status, audit) = admin.get("/admin/audit").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!audit.contains("Forged"), "no forged change reached the audit log");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_address_with_a_parameter_answers_nonsense_with_an_nhs_error_page() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    let admin = WebUser::sign_in(&t, "admin").await;
    // This client follows redirects, as a browser would after a GET on a form's address.
    let browser = reqwest::Client::new();
    let with_params: Vec<Route> = routes().into_iter().filter(|r| r.path.contains('{') && !r.path.starts_with("/static")).collect();
    assert!(with_params.len() >= 40, "the router records its parameters ({} found)", with_params.len());
    for route in &with_params {
        for nonsense in ["abc", "99999999999999999999", "1.5"] {
            let url = format!("{}{}", t.base, filled(route.path, nonsense));
            let request = if route.method == Method::GET {
                browser.get(&url)
            } else {
                browser.post(&url).form(&[("csrf_token", admin.csrf.as_str())])
            };
            let res = request.header("cookie", &admin.cookie).send().await.unwrap();
            let status = res.status();
            let body = res.text().await.unwrap();
            assert!(
                [StatusCode::BAD_REQUEST, StatusCode::NOT_FOUND].contains(&status),
                "{} {} with {nonsense:?} gave {status}",
                route.method,
                route.path
            );
            assert!(is_nhs_page(&body), "{} {} with {nonsense:?} answers with an NHS page, not {body:.200}", route.method, route.path);
        }
    }
}
