//! Atom 1.0 feeds at `/feeds/{key}/…`, for feed readers, which carry no session: the
//! feed key in the address says whose feed it is, and the services filter it by what
//! that person may see at each fetch. A key that does not work is a plain 404. Each
//! answer has an `ETag` (a hash of the document) and `Last-Modified` (its newest
//! entry), and a reader that already has it gets a 304.
use atom_syndication::{Entry, Feed as AtomFeed, Generator, Link, Person, Text};
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use signpost_domain::TeamId;
use signpost_services::ServiceError;
use signpost_services::feeds::{Feed, FeedSource};

use crate::AppState;
use crate::extract::ApiPath;
use signpost_services::search_params::request_from_query;

/// The feed routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/feeds/{key}/search", get(search))
        .route("/feeds/{key}/teams/{id}", get(team))
        .route("/feeds/{key}/reviews", get(reviews))
        .route("/feeds/{key}/communities/{id}", get(community))
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CACHE_CONTROL, "no-store")],
        "Not found: this feed address does not work (the key may have been revoked).",
    )
        .into_response()
}

/// An Atom document for `feed`; `id` names the feed whoever reads it, `own` is the
/// address it was fetched from.
fn document(feed: &Feed, site: &str, id: String, own: String) -> String {
    let link =
        |href: String, rel: &str, kind: &str| Link { href, rel: rel.to_string(), mime_type: Some(kind.to_string()), ..Link::default() };
    let entries: Vec<Entry> = feed
        .entries
        .iter()
        .map(|e| {
            let page = format!("{site}{}", e.link);
            Entry {
                title: Text::plain(e.title.clone()),
                id: page.clone(),
                updated: e.updated.fixed_offset(),
                authors: vec![Person { name: e.author.clone(), ..Person::default() }],
                categories: vec![atom_syndication::Category {
                    term: e.category.clone(),
                    label: Some(crate::pages::label(&e.category)),
                    ..atom_syndication::Category::default()
                }],
                links: vec![link(page, "alternate", "text/html")],
                summary: (!e.summary.is_empty()).then(|| Text::plain(e.summary.clone())),
                ..Entry::default()
            }
        })
        .collect();
    let doc = AtomFeed {
        title: Text::plain(feed.title.clone()),
        id,
        updated: feed.updated.fixed_offset(),
        authors: vec![Person { name: "Signpost".into(), ..Person::default() }],
        generator: Some(Generator { value: "Signpost".into(), uri: None, version: Some(env!("CARGO_PKG_VERSION").into()) }),
        links: vec![link(format!("{site}{}", feed.page), "alternate", "text/html"), link(own, "self", "application/atom+xml")],
        entries,
        ..AtomFeed::default()
    };
    doc.to_string()
}

fn http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// The feed as a response, or a 304 when the reader's copy is current.
fn answer(headers: &HeaderMap, feed: &Feed, body: String) -> Response {
    let etag = format!("\"{}\"", &hex::encode(Sha256::digest(body.as_bytes()))[..32]);
    // Second precision, as HTTP dates have it.
    let modified = DateTime::from_timestamp(feed.updated.timestamp(), 0).unwrap_or(DateTime::UNIX_EPOCH);
    let unchanged = match headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        Some(tags) => tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"),
        None => headers
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| DateTime::parse_from_rfc2822(v).ok())
            .is_some_and(|since| since.with_timezone(&Utc) >= modified),
    };
    let mut response = if unchanged {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], body).into_response()
    };
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&http_date(modified)) {
        h.insert(header::LAST_MODIFIED, v);
    }
    // Personal: kept by the reader, never by a shared cache, and checked each time.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    response
}

async fn serve(s: &AppState, headers: &HeaderMap, key: &str, source: FeedSource, id_path: String, own_path: String) -> Response {
    let actor = match s.app.feed_actor(key).await {
        Ok(a) => a,
        Err(_) => return not_found(),
    };
    match s.app.feed(&actor, source).await {
        Ok(feed) => {
            let site = s.site_url(headers);
            let body = document(&feed, &site, format!("{site}{id_path}"), format!("{site}{own_path}"));
            answer(headers, &feed, body)
        }
        Err(ServiceError::NotFound(_) | ServiceError::Forbidden(_)) => not_found(),
        Err(ServiceError::Invalid(errors)) => {
            let what: Vec<String> = errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
            (StatusCode::UNPROCESSABLE_ENTITY, format!("This feed's search cannot be run: {}", what.join("; "))).into_response()
        }
        Err(e) => crate::error::ApiError::from(e).into_response(),
    }
}

/// `GET /feeds/{key}/search?…`: any search, as the search page takes it.
async fn search(State(s): State<AppState>, headers: HeaderMap, ApiPath(key): ApiPath<String>, RawQuery(raw): RawQuery) -> Response {
    let raw = raw.unwrap_or_default();
    let request = match request_from_query(&raw, signpost_services::feeds::FEED_ENTRIES) {
        Ok(r) => r,
        Err(_) if s.app.feed_actor(&key).await.is_err() => return not_found(),
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let query = if raw.is_empty() { String::new() } else { format!("?{raw}") };
    serve(&s, &headers, &key, FeedSource::Search(request), format!("/search{query}"), format!("/feeds/{key}/search{query}")).await
}

/// `GET /feeds/{key}/teams/{id}`: a team's published knowledge.
async fn team(State(s): State<AppState>, headers: HeaderMap, ApiPath((key, id)): ApiPath<(String, i64)>) -> Response {
    serve(&s, &headers, &key, FeedSource::Team(TeamId(id)), format!("/teams/{id}"), format!("/feeds/{key}/teams/{id}")).await
}

/// `GET /feeds/{key}/reviews`: the reader's own knowledge due for review.
async fn reviews(State(s): State<AppState>, headers: HeaderMap, ApiPath(key): ApiPath<String>) -> Response {
    let actor = match s.app.feed_actor(&key).await {
        Ok(a) => a,
        Err(_) => return not_found(),
    };
    let own = format!("/feeds/{key}/reviews");
    serve(&s, &headers, &key, FeedSource::Reviews, format!("/reviews?owner={}", actor.user_id), own).await
}

/// `GET /feeds/{key}/communities/{id}`: a community's questions, newest activity first.
async fn community(State(s): State<AppState>, headers: HeaderMap, ApiPath((key, id)): ApiPath<(String, i64)>) -> Response {
    let source = FeedSource::Community(signpost_domain::ids::CommunityId(id));
    serve(&s, &headers, &key, source, format!("/communities/{id}"), format!("/feeds/{key}/communities/{id}")).await
}
