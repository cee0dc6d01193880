//! API tokens (anyone, for their own account), search synonyms (knowledge
//! specialists) and the audit log (administrators). The services decide who may.
use axum::http::StatusCode;
use serde::Deserialize;
use signpost_domain::search::SynonymGroup;

use crate::pages::layout::{pagination, success_banner_with};
use crate::pages::prelude::*;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new()
        .page("/admin/synonyms", synonyms)
        .form("/admin/synonyms", save_synonyms)
        .page("/admin/audit", audit)
        .page("/account/tokens", tokens)
        .form("/account/tokens", create_token)
        .form("/account/tokens/{id}/revoke", revoke_token)
}

const AUDIT_PER_PAGE: i64 = 50;

fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%-d %B %Y %H:%M").to_string()
}

async fn tokens_page(
    s: &AppState,
    actor: &signpost_domain::people::Actor,
    viewer: &Viewer,
    new_secret: Option<&str>,
    errors: &Errors,
) -> PageMarkup {
    let tokens = s.app.tokens(actor).await?;
    Ok(page(
        if errors.is_empty() { "API tokens" } else { "Error: API tokens" },
        Some(viewer),
        "",
        html! {
            @if let Some(secret) = new_secret {
                (success_banner_with("Your new token. Copy it now: it is not shown again.", html! {
                    p { code class="signpost-secret" { (secret) } }
                    p { "Send it as " code { "Authorization: Bearer <token>" } "." }
                }))
            }
            (error_summary(errors))
            h1 { "API tokens" }
            p { "A token lets a script or another system use Signpost's API as you, seeing and changing only what you can. Revoke a token you no longer use." }
            @if tokens.is_empty() { p { "You have no tokens." } } @else {
                table class="nhsuk-table" {
                    caption class="nhsuk-table__caption" { "Your tokens" }
                    (table_head(&["Name", "Made", "Last used", "Works until", "Action"]))
                    tbody class="nhsuk-table__body" {
                        @for t in &tokens {
                            tr class="nhsuk-table__row" {
                                td class="nhsuk-table__cell" { (t.name) }
                                td class="nhsuk-table__cell" { (when(t.created_at)) }
                                td class="nhsuk-table__cell" { (t.last_used_at.map_or_else(|| "Never".to_string(), when)) }
                                td class="nhsuk-table__cell" { (t.expires_at.map_or_else(|| "Until revoked".to_string(), |e| format!("The end of {}", (e - chrono::Duration::days(1)).format("%-d %B %Y")))) }
                                td class="nhsuk-table__cell" {
                                    @if let Some(r) = t.revoked_at { "Revoked " (when(r)) } @else {
                                        form method="post" action={ "/account/tokens/" (t.id) "/revoke" } novalidate {
                                            (csrf_field(&viewer.csrf_token))
                                            button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0" data-module="nhsuk-button" type="submit" {
                                                "Revoke" span class="nhsuk-u-visually-hidden" { " " (t.name) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 { "Make a token" }
            form method="post" action="/account/tokens" novalidate {
                (csrf_field(&viewer.csrf_token))
                (Field::new(TokenForm::NAMES.name, "What it is for").hint("For example, weekly report script.").errors(errors).input("text", ""))
                (Field::new(TokenForm::NAMES.expires_on, "Last day it works (optional)").hint("For example, 31 3 2027. Leave it empty for a token that works until you revoke it.").errors(errors).date(""))
                button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Make token" }
            }
        },
    ))
}

/// `GET /account/tokens`.
pub async fn tokens(SignedIn(s, actor, viewer): SignedIn) -> PageResult {
    Ok(tokens_page(&s, &actor, &viewer, None, &vec![]).await?.into_response())
}

crate::page_form! {
    /// A new API token.
    pub struct TokenForm / TokenNames { name: String, expires_on: String }
}

crate::page_form! {
    /// The synonym groups, one per line.
    pub struct SynonymsForm / SynonymsNames { groups: String }
}

/// `POST /account/tokens`: shows the secret once, on the page the post returns.
pub async fn create_token(CsrfForm(s, actor, viewer, form): CsrfForm<TokenForm>) -> PageResult {
    match s.app.create_expiring_token(&actor, &form.name, Some(&form.expires_on)).await {
        Ok(created) => Ok(tokens_page(&s, &actor, &viewer, Some(&created.secret), &vec![]).await?.into_response()),
        Err(e) => {
            let errors = refused(e)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, tokens_page(&s, &actor, &viewer, None, &errors).await?).into_response())
        }
    }
}

/// `POST /account/tokens/{id}/revoke`.
pub async fn revoke_token(PagePath(id): PagePath<i64>, CsrfForm(s, actor, _, CsrfOnly {}): CsrfForm<CsrfOnly>) -> PageResult {
    s.app.revoke_token(&actor, id).await?;
    Ok(see_other("/account/tokens"))
}

/// Which page of a list.
#[derive(Deserialize)]
pub struct PageNumber {
    page: Option<i64>,
}

crate::notices! {
    /// What the synonyms page says after a change.
    pub enum SynonymsNotice {
        Saved => "Synonyms saved. Searches use them straight away.",
    }
}

fn synonyms_page(viewer: &Viewer, text: &str, errors: &Errors, done: Option<&str>) -> Markup {
    page(
        if errors.is_empty() { "Synonyms" } else { "Error: Synonyms" },
        Some(viewer),
        "",
        html! {
            @if let Some(d) = done { (success_banner(d)) }
            (error_summary(errors))
            h1 { "Synonyms" }
            p { "Search finds any word of a group when someone searches for another, so a search for AAR also finds after action review." }
            form method="post" action="/admin/synonyms" novalidate {
                (csrf_field(&viewer.csrf_token))
                (Field::new(SynonymsForm::NAMES.groups, "Synonym groups").hint("One group per line; separate the words of a group with commas.").errors(errors).textarea(16, text))
                button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Save synonyms" }
            }
        },
    )
}

/// `GET /admin/synonyms`.
pub async fn synonyms(SignedIn(s, actor, viewer): SignedIn, notice: Done<SynonymsNotice>) -> PageResult {
    signpost_services::policy::ensure_specialist(&actor)?;
    let groups = s.app.synonyms(&actor).await?;
    let text = groups.iter().map(|g| g.terms.join(", ")).collect::<Vec<_>>().join("\n");
    Ok(synonyms_page(&viewer, &text, &vec![], notice.message()).into_response())
}

/// `POST /admin/synonyms`.
pub async fn save_synonyms(CsrfForm(s, actor, viewer, form): CsrfForm<SynonymsForm>) -> PageResult {
    let text = form.groups.as_str();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let groups = lines.iter().map(|l| SynonymGroup { terms: l.split(',').map(str::to_string).collect() }).collect();
    match s.app.replace_synonyms(&actor, groups).await {
        Ok(_) => Ok(done("/admin/synonyms", SynonymsNotice::Saved)),
        Err(e) => {
            // `groups[3]` is the fourth non-blank line: say so in the words of the form.
            let errors = refused(e)?
                .into_iter()
                .map(|(field, m)| {
                    let line = field.strip_prefix("groups[").and_then(|r| r.split(']').next()).and_then(|n| n.parse::<usize>().ok());
                    let m = match line.and_then(|i| lines.get(i)) {
                        Some(l) => format!("Group “{}”: {}", l.trim(), m.to_lowercase()),
                        None => m,
                    };
                    (SynonymsForm::NAMES.groups.to_string(), m)
                })
                .collect();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, synonyms_page(&viewer, text, &errors, None)).into_response())
        }
    }
}

/// `GET /admin/audit[?page=]`.
pub async fn audit(SignedIn(s, actor, viewer): SignedIn, PageQuery(q): PageQuery<PageNumber>) -> PageResult {
    let page_no = q.page.unwrap_or(1).max(1);
    let log = s.app.audit_log(&actor, (page_no - 1) * AUDIT_PER_PAGE, AUDIT_PER_PAGE).await?;
    let pages = (log.total + AUDIT_PER_PAGE - 1) / AUDIT_PER_PAGE;
    let mut names = std::collections::HashMap::new();
    for id in log.items.iter().filter_map(|e| e.actor_id) {
        if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(id) {
            slot.insert(s.app.user(&actor, id).await.map_or_else(|_| format!("Person {id}"), |u| u.name));
        }
    }
    let body = html! {
        h1 { "Audit log" }
        p { "Every change to accounts, teams, knowledge and settings, newest first. It cannot be edited." }
        table class="nhsuk-table" {
            caption class="nhsuk-table__caption" { (counted(log.total, "entry", "entries")) }
            (table_head(&["When", "Who", "What", "Details"]))
            tbody class="nhsuk-table__body" {
                @for e in &log.items {
                    tr class="nhsuk-table__row" {
                        td class="nhsuk-table__cell" { (when(e.at)) }
                        td class="nhsuk-table__cell" { @if let Some(a) = e.actor_id { a href={ "/people/" (a) } { (names[&a]) } } @else { "System" } }
                        td class="nhsuk-table__cell" { code { (e.action) } }
                        td class="nhsuk-table__cell" {
                            (e.summary)
                            @if e.entity == "asset" { @if let Some(id) = e.entity_id { " " a href={ "/assets/" (id) } { "Open" span class="nhsuk-u-visually-hidden" { " asset " (id) } } } }
                        }
                    }
                }
            }
        }
        (pagination(page_no, pages, |p| format!("/admin/audit?page={p}")))
    };
    Ok(page("Audit log", Some(&viewer), "", body).into_response())
}
