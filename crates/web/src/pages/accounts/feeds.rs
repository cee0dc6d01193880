//! `/account/feeds`: a person's feed key and the addresses of their feeds. The key is
//! shown once, in the addresses, right after it is made; replacing it stops every
//! address made with the old one, and revoking it stops them all.
use axum::http::HeaderMap;
use serde::Deserialize;

use crate::pages::layout::success_banner_with;
use crate::pages::prelude::*;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new().page("/account/feeds", feeds).form("/account/feeds", make_key).form_back(
        "/account/feeds/revoke",
        "/account/feeds",
        revoke_key,
    )
}

/// A search to give the feed address of (its query string, as on the search page).
#[derive(Deserialize, Default)]
pub struct FeedQuery {
    search: Option<String>,
}

crate::page_form! {
    /// Making a key, with the search (if any) the person came to follow.
    pub struct KeyForm / KeyNames { search: String }
}

fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%-d %B %Y %H:%M").to_string()
}

/// The feeds a person can follow: what each is and where it is (after `/feeds/KEY`).
async fn feed_list(s: &AppState, actor: &Actor, search: Option<&str>) -> Result<Vec<(String, String)>, PageError> {
    let mut list = Vec::new();
    if let Some(q) = search.filter(|q| !q.is_empty()) {
        list.push(("This search".to_string(), format!("/search?{q}")));
    }
    list.push(("Your knowledge due for review".to_string(), "/reviews".to_string()));
    let teams = s.app.teams(actor).await?;
    for id in &actor.teams {
        if let Some(t) = teams.iter().find(|t| t.id == *id) {
            list.push((format!("New knowledge from {}", t.name), format!("/teams/{}", t.id)));
        }
    }
    if signpost_services::policy::ensure_staff(actor).is_ok() {
        for c in s.app.communities(actor).await?.into_iter().filter(|c| c.my_role.is_some()) {
            list.push((format!("Questions in {}", c.community.name), format!("/communities/{}", c.community.id)));
        }
    }
    list.push(("All new knowledge".to_string(), "/search".to_string()));
    Ok(list)
}

/// What the page shows besides the key's state.
struct Shown<'a> {
    search: Option<&'a str>,
    secret: Option<&'a str>,
    done: Option<&'a str>,
}

async fn feeds_page(s: &AppState, actor: &Actor, viewer: &Viewer, site: &str, shown: Shown<'_>) -> PageMarkup {
    let Shown { search, secret, done } = shown;
    let key = s.app.feed_key(actor).await?;
    let list = feed_list(s, actor, search).await?;
    let body = html! {
        @if let Some(secret) = secret {
            (success_banner_with("Your feed addresses. Copy them into your feed reader now: the key in them is not shown again.", html! {
                ul class="nhsuk-list" {
                    @for (what, path) in &list {
                        li { strong { (what) } br; code class="signpost-secret" { (site) "/feeds/" (secret) (path) } }
                    }
                }
            }))
        }
        @if let Some(message) = done { (success_banner(message)) }
        h1 { "Feeds" }
        p { "A feed reader (such as Outlook, Feedly or Inoreader) can follow a search, your team's knowledge or your review queue, and show you what is new without signing in. Each feed address holds your feed key, which opens your feeds and nothing else. A feed shows only what you may see at the moment the reader asks." }
        p { "To follow a search, search for it, then choose " strong { "Follow this search in a feed reader" } " under the results." }
        h2 { "Your feed key" }
        @match &key {
            Some(k) => {
                p { "You made your key on " (when(k.created_at)) ". "
                    @match k.last_used_at { Some(t) => { "A feed reader last used it on " (when(t)) "." } None => { "No feed reader has used it yet." } } }
                p { "If you have lost the addresses, or someone else may have them, make a new key: every address made with the old one stops working." }
            }
            None => { p { "You have no feed key, so no feed address works for you." } }
        }
        form method="post" action="/account/feeds" novalidate {
            (csrf_field(&viewer.csrf_token))
            input type="hidden" name="search" value=(search.unwrap_or_default());
            button class="nhsuk-button" data-module="nhsuk-button" type="submit" {
                @if key.is_some() { "Make a new key and show the addresses" } @else { "Make a key and show the addresses" }
            }
        }
        @if key.is_some() {
            form method="post" action="/account/feeds/revoke" novalidate {
                (csrf_field(&viewer.csrf_token))
                button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" type="submit" { "Revoke the key: stop every feed" }
            }
        }
        h2 { "What you can follow" }
        ul class="nhsuk-list nhsuk-list--bullet" {
            @for (what, _) in &list { li { (what) } }
        }
    };
    Ok(page("Feeds", Some(viewer), "", body))
}

/// `GET /account/feeds`.
pub async fn feeds(SignedIn(s, actor, viewer): SignedIn, headers: HeaderMap, PageQuery(q): PageQuery<FeedQuery>) -> PageResult {
    let shown = Shown { search: q.search.as_deref(), secret: None, done: None };
    Ok(feeds_page(&s, &actor, &viewer, &s.site_url(&headers), shown).await?.into_response())
}

/// `POST /account/feeds`: a new key, shown once in the feed addresses.
pub async fn make_key(headers: HeaderMap, CsrfForm(s, actor, viewer, form): CsrfForm<KeyForm>) -> PageResult {
    let created = s.app.create_feed_key(&actor).await?;
    let shown = Shown { search: Some(&form.search), secret: Some(&created.secret), done: None };
    Ok(feeds_page(&s, &actor, &viewer, &s.site_url(&headers), shown).await?.into_response())
}

/// `POST /account/feeds/revoke`.
pub async fn revoke_key(headers: HeaderMap, CsrfForm(s, actor, viewer, CsrfOnly {}): CsrfForm<CsrfOnly>) -> PageResult {
    s.app.revoke_feed_key(&actor).await?;
    let shown =
        Shown { search: None, secret: None, done: Some("Your feed key is revoked. No feed address works until you make a new key.") };
    Ok(feeds_page(&s, &actor, &viewer, &s.site_url(&headers), shown).await?.into_response())
}
