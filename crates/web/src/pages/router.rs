//! Page routes, registered beside their handlers by each area's `routes()` and recorded
//! as they are added, so that tests can walk every route (every form refuses a forged
//! token, every parameter refuses nonsense) without a hand-kept list.
use axum::Router;
use axum::extract::RawPathParams;
use axum::extract::rejection::RawPathParamsRejection;
use axum::handler::Handler;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};

use super::respond::{error_page, see_other};
use crate::AppState;

/// What a route's request carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    /// Nothing: a page.
    None,
    /// A form (`application/x-www-form-urlencoded`) with a CSRF token.
    Form,
    /// A file upload (`multipart/form-data`) with a CSRF token.
    Upload,
}

/// One registered route.
#[derive(Clone, Debug)]
pub struct Route {
    /// GET or POST.
    pub method: Method,
    /// The path as axum matches it, `{id}` for parameters.
    pub path: &'static str,
    /// What the request carries.
    pub body: Body,
}

/// A set of page routes and the record of them.
#[derive(Default)]
pub struct Pages {
    router: Router<AppState>,
    table: Vec<Route>,
}

impl Pages {
    /// No routes yet.
    pub fn new() -> Self {
        Pages::default()
    }

    fn add(mut self, method: Method, path: &'static str, body: Body, route: axum::routing::MethodRouter<AppState>) -> Self {
        self.router = self.router.route(path, route);
        self.table.push(Route { method, path, body });
        self
    }

    /// A page (GET).
    pub fn page<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::GET, path, Body::None, get(handler))
    }

    /// A form's address (POST) on a path that is also a page.
    pub fn form<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::POST, path, Body::Form, post(handler))
    }

    /// A form's address (POST) that is not a page: a GET there (a reload after a
    /// refused form, a bookmark) is sent to `back`, whose `{name}`s are filled in from
    /// the path.
    pub fn form_back<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, back: &'static str, handler: H) -> Self {
        self.add(
            Method::GET,
            path,
            Body::None,
            get(move |params: Result<RawPathParams, RawPathParamsRejection>| async move { go_back(back, params) }),
        )
        .add(Method::POST, path, Body::Form, post(handler))
    }

    /// An upload's address (POST, multipart); a GET there is sent to `back`.
    pub fn upload<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, back: &'static str, handler: H) -> Self {
        self.add(
            Method::GET,
            path,
            Body::None,
            get(move |params: Result<RawPathParams, RawPathParamsRejection>| async move { go_back(back, params) }),
        )
        .add(Method::POST, path, Body::Upload, post(handler))
    }

    /// An upload's address that takes files up to `limit` bytes, past the usual body limit.
    pub fn large_upload<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        back: &'static str,
        limit: usize,
        handler: H,
    ) -> Self {
        self.add(
            Method::GET,
            path,
            Body::None,
            get(move |params: Result<RawPathParams, RawPathParamsRejection>| async move { go_back(back, params) }),
        )
        .add(Method::POST, path, Body::Upload, post(handler).layer(axum::extract::DefaultBodyLimit::max(limit)))
    }

    /// Another area's routes alongside these.
    pub fn merge(mut self, other: Pages) -> Self {
        self.router = self.router.merge(other.router);
        self.table.extend(other.table);
        self
    }

    /// The routes, for axum.
    pub fn into_router(self) -> Router<AppState> {
        self.router
    }

    /// Every route registered.
    pub fn table(&self) -> &[Route] {
        &self.table
    }
}

fn go_back(template: &'static str, params: Result<RawPathParams, RawPathParamsRejection>) -> Response {
    let mut to = template.to_string();
    for (name, value) in params.iter().flat_map(|p| p.iter()) {
        // Every parameter is a number (an id) except `{key}`, a model's or technique's
        // name; only those go into a Location header, and nonsense is not found here.
        let fits = if name == "key" {
            !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        } else {
            value.parse::<i64>().is_ok()
        };
        if !fits {
            return error_page(StatusCode::NOT_FOUND, None);
        }
        to = to.replace(&format!("{{{name}}}"), value);
    }
    see_other(&to)
}
