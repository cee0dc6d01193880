//! One asset: its rendered text, its kind's fields, ownership and review status,
//! related assets, version history with differences, and the verify and archive actions.
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;
use signpost_domain::assets::{Status, VersionEntry, VersionEvent};
use signpost_domain::impact::ImpactSubject;
use signpost_domain::review::ReviewState;
use signpost_domain::search::Page;
use signpost_services::assets::AssetView;

use crate::pages::prelude::*;
use signpost_domain::ids::{AssetId, UserId};

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new()
        .page("/assets/{id}", show)
        .page("/assets/{id}/diff", diff)
        .form("/assets/{id}/verify", verify)
        .form("/assets/{id}/archive", archive)
}

fn date(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%-d %B %Y").to_string()
}

fn field_value(v: &serde_json::Value) -> Markup {
    match v {
        serde_json::Value::String(s) => html! { (s) },
        serde_json::Value::Array(items) => html! {
            ul class="nhsuk-list nhsuk-list--bullet nhsuk-u-margin-bottom-0" {
                @for item in items {
                    li {
                        (item_text(item))
                    }
                }
            }
        },
        other => html! { (other.to_string()) },
    }
}

/// One item of a list field: a step, or a source or contact shown as "title – DOI: …",
/// its name or title first whatever order the fields are stored in.
fn item_text(item: &serde_json::Value) -> String {
    match item {
        serde_json::Value::Object(o) => {
            let first = ["title", "name"].iter().filter_map(|k| o.get(*k).and_then(|v| v.as_str())).filter(|s| !s.is_empty());
            let rest = o.iter().filter(|(k, _)| *k != "title" && *k != "name").filter_map(|(k, v)| {
                let name = match k.as_str() {
                    "doi" => "DOI".to_string(),
                    "pmid" => "PMID".to_string(),
                    "url" => "Web address".to_string(),
                    other => label(other),
                };
                v.as_str().filter(|s| !s.is_empty()).map(|s| format!("{name}: {s}"))
            });
            first.map(str::to_string).chain(rest).collect::<Vec<_>>().join(" – ")
        }
        other => other.as_str().map_or_else(|| other.to_string(), str::to_string),
    }
}

fn summary_row(key: &str, value: Markup) -> Markup {
    html! {
        div class="nhsuk-summary-list__row" {
            dt class="nhsuk-summary-list__key" { (key) }
            dd class="nhsuk-summary-list__value" { (value) }
        }
    }
}

/// Versions listed on an asset's page at a time.
const HISTORY_PAGE: i64 = 20;

fn history(id: i64, versions: &Page<VersionEntry>, names: &dyn Fn(UserId) -> String) -> Markup {
    let readable = |version: i64| versions.items.iter().find(|v| v.version == version).is_none_or(|v| v.readable);
    let older = versions.offset + versions.items.len() as i64;
    html! {
        table class="nhsuk-table" id="history" {
            caption class="nhsuk-table__caption" { "Version history" }
            (table_head(&["Version", "What happened", "Who and when", "Changes"]))
            tbody class="nhsuk-table__body" {
                @for v in &versions.items {
                    tr class="nhsuk-table__row" {
                        td class="nhsuk-table__cell" { (v.version) }
                        td class="nhsuk-table__cell" { (label(v.event.as_str())) @if !v.note.is_empty() { br; span class="nhsuk-body-s" { (v.note) } } }
                        td class="nhsuk-table__cell" { (names(v.author_id)) ", " (date(v.created_at)) }
                        td class="nhsuk-table__cell" {
                            @if !v.readable {
                                span class="nhsuk-body-s" { "Not open to you: it had another audience then" }
                            } @else if v.version > 1 && readable(v.version - 1) && v.event != VersionEvent::Verified {
                                a href={ "/assets/" (id) "/diff?from=" (v.version - 1) "&to=" (v.version) } { "Compare with version " (v.version - 1) }
                            }
                        }
                    }
                }
            }
        }
        @if versions.offset > 0 || older < versions.total {
            nav class="nhsuk-pagination" role="navigation" aria-label="Version history pages" {
                ul class="nhsuk-list nhsuk-pagination__list" {
                    @if versions.offset > 0 {
                        li class="nhsuk-pagination-item--previous" {
                            a class="nhsuk-pagination__link nhsuk-pagination__link--prev" href={ "/assets/" (id) "?versions=" ((versions.offset - HISTORY_PAGE).max(0)) "#history" } {
                                span class="nhsuk-pagination__title" { "Newer versions" }
                            }
                        }
                    }
                    @if older < versions.total {
                        li class="nhsuk-pagination-item--next" {
                            a class="nhsuk-pagination__link nhsuk-pagination__link--next" href={ "/assets/" (id) "?versions=" (older) "#history" } {
                                span class="nhsuk-pagination__title" { "Older versions" }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Where the version history starts (0 is the newest).
#[derive(Deserialize)]
pub struct HistoryQuery {
    versions: Option<i64>,
}

crate::notices! {
    /// What an asset's page says after a change; the review date is added where the
    /// change set one (see `body`).
    pub enum AssetNotice {
        Verified => "You verified this knowledge.",
        Archived => "You archived this knowledge. It is kept but marked as no longer current.",
        Published => "You published this knowledge.",
        Impact => "Impact recorded.",
        ImpactWithdrawn => "The impact statement is withdrawn.",
        Drafted => "Your draft is saved. Only people who can edit it, and knowledge specialists, can see it until it is published.",
        Saved => "Your changes are saved.",
        ReferencesAdded => "The references are added to the sources.",
    }
}

/// Everything the asset page shows.
struct AssetPage<'a> {
    view: &'a AssetView,
    viewer: &'a Viewer,
    owner: &'a str,
    team: &'a str,
    related: &'a [(AssetId, String)],
    versions: &'a Page<VersionEntry>,
    names: &'a dyn Fn(UserId) -> String,
    done: Option<AssetNotice>,
    impact: Markup,
    lesson: Markup,
    errors: &'a Errors,
}

fn body(p: AssetPage<'_>) -> Markup {
    let AssetPage { view, viewer, owner, team, related, versions, names, done, impact, lesson, errors } = p;
    let a = &view.asset;
    let fields = serde_json::to_value(&a.fields).unwrap_or_default();
    html! {
        (error_summary(errors))
        @if let Some(done) = done {
            @let message = match done {
                AssetNotice::Verified | AssetNotice::Published => format!("{} Its next review is {}.", done.message(), date(a.next_review_at)),
                other => other.message().to_string(),
            };
            (success_banner(&message))
        }
        span class="nhsuk-caption-l" { (label(a.kind.as_str())) }
        h1 { (a.title) }
        p {
            @match a.status {
                Status::Draft => { strong class="nhsuk-tag nhsuk-tag--yellow" { "Draft" } }
                Status::Archived => { strong class="nhsuk-tag nhsuk-tag--grey" { "Archived" } }
                Status::Published => { strong class="nhsuk-tag nhsuk-tag--green" { "Published" } }
            }
            @if view.stale { " " strong class="nhsuk-tag nhsuk-tag--red" { "Review overdue" } }
        }
        @if view.stale {
            div class="nhsuk-warning-callout" {
                h3 class="nhsuk-warning-callout__label" { span role="text" { span class="nhsuk-u-visually-hidden" { "Important: " } "Overdue for review" } }
                p { "This knowledge was due for review on " (date(a.next_review_at)) ". Check it is still right before you rely on it." }
            }
        }
        @if !a.summary.is_empty() { p class="nhsuk-lede-text" { (a.summary) } }
        div class="nhsuk-grid-row" {
            div class="nhsuk-grid-column-two-thirds" {
                // Rendered by comrak and cleaned by ammonia's allow-list in the services.
                div class="signpost-body" { (PreEscaped(&view.body_html)) }
                @if let serde_json::Value::Object(o) = &fields {
                    // Sources have a section of their own, as citations.
                    @let filled: Vec<_> = o.iter().filter(|(k, _)| *k != "sources").filter(|(_, v)| !(v.is_null() || v.as_str() == Some("") || v.as_array().is_some_and(Vec::is_empty))).collect();
                    @if !filled.is_empty() {
                        h2 { "Details" }
                        dl class="nhsuk-summary-list" { @for (k, v) in filled { (summary_row(&label(k), field_value(v))) } }
                    }
                }
                @if let Some(sources) = a.fields.sources() {
                    (super::references::sources_section(a.id, sources, view.can_edit))
                }
                @if !related.is_empty() {
                    h2 { "Related knowledge" }
                    ul class="nhsuk-list" { @for (id, title) in related { li { a href={ "/assets/" (id) } { (title) } } } }
                }
                (impact)
                (history(a.id.0, versions, names))
            }
            div class="nhsuk-grid-column-one-third" {
                (lesson)
                h2 class="nhsuk-heading-m" { "About this knowledge" }
                dl class="nhsuk-summary-list" {
                    (summary_row("Owner", html! { (owner) }))
                    (summary_row("Team", html! { (team) }))
                    (summary_row("Who can see it", html! { (label(a.visibility.as_str())) }))
                    (summary_row("Last verified", html! { (a.last_verified_at.map_or_else(|| "Not yet".to_string(), date)) }))
                    (summary_row("Next review", html! { (date(a.next_review_at)) " (" (label(ReviewState::at(a.next_review_at, chrono::Utc::now()).as_str()).to_lowercase()) ")" }))
                    @if !a.tags.is_empty() { (summary_row("Tags", html! { (a.tags.join(", ")) })) }
                    @if !a.topics.is_empty() { (summary_row("Topics", html! { (a.topics.join(", ")) })) }
                }
                @if view.can_edit {
                    p { a class="nhsuk-button nhsuk-button--secondary" href={ "/assets/" (a.id) "/edit" } { "Edit this knowledge" } }
                }
                @if view.can_edit && a.status == Status::Published {
                    form method="post" action={ "/assets/" (a.id) "/verify" } novalidate {
                        (csrf_field(&viewer.csrf_token))
                        div class="nhsuk-form-group" {
                            label class="nhsuk-label" for="verify-note" { "Note (optional)" }
                            input class="nhsuk-input" id="verify-note" name="note" type="text";
                        }
                        button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Verify: this is still right" }
                    }
                }
                @if view.can_edit && a.status != Status::Archived {
                    form method="post" action={ "/assets/" (a.id) "/archive" } novalidate {
                        (csrf_field(&viewer.csrf_token))
                        button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" type="submit" { "Archive: no longer current" }
                    }
                }
            }
        }
    }
}

/// `GET /assets/{id}`.
pub async fn show(
    SignedIn(s, actor, viewer): SignedIn,
    PagePath(id): PagePath<AssetId>,
    PageQuery(history): PageQuery<HistoryQuery>,
    notice: Done<AssetNotice>,
) -> PageResult {
    asset_page(&s, &actor, &viewer, id, history.versions.unwrap_or(0), notice.0, &Vec::new()).await
}

/// An asset's page; `errors` are a refused change made from it (a lesson's move).
pub async fn asset_page(
    s: &AppState,
    actor: &Actor,
    viewer: &Viewer,
    id: AssetId,
    versions_from: i64,
    done: Option<AssetNotice>,
    errors: &Errors,
) -> PageResult {
    let view = s.app.asset(actor, id).await?;
    let versions = s.app.asset_history(actor, id, versions_from.max(0), HISTORY_PAGE).await?;
    let impacts = s.app.impacts_on(actor, ImpactSubject::Asset(id)).await?;
    let teams = s.app.teams(actor).await?;
    let mut people = std::collections::HashMap::new();
    for uid in versions.items.iter().map(|v| v.author_id).chain([view.asset.owner_id]) {
        if let std::collections::hash_map::Entry::Vacant(e) = people.entry(uid) {
            e.insert(s.app.user(actor, uid).await.map(|u| u.name).unwrap_or_else(|_| "Someone".to_string()));
        }
    }
    let mut related = Vec::new();
    for link in &view.asset.links {
        // Only what the viewer may see is listed; anything else is left out without a trace.
        if let Ok(r) = s.app.asset(actor, *link).await {
            related.push((r.asset.id, r.asset.title));
        }
    }
    let lesson = match view.asset.kind {
        signpost_domain::fields::AssetKind::Lesson => match s.app.lesson(actor, id).await {
            Ok(entry) => crate::pages::learning::actions::lesson_panel(&entry, view.can_edit, viewer, errors),
            Err(_) => html! {},
        },
        _ => html! {},
    };
    let names = |uid: UserId| people.get(&uid).cloned().unwrap_or_else(|| "Someone".to_string());
    let team = teams.iter().find(|t| t.id == view.asset.team_id).map_or_else(String::new, |t| t.name.clone());
    let owner = names(view.asset.owner_id);
    let markup = body(AssetPage {
        view: &view,
        viewer,
        owner: &owner,
        team: &team,
        related: &related,
        versions: &versions,
        names: &names,
        done,
        errors,
        impact: crate::pages::reports::impact::impact_section(
            &impacts,
            |st| s.app.may_withdraw_impact(actor, st),
            ImpactSubject::Asset(id),
        ),
        lesson,
    });
    Ok(page(&view.asset.title, Some(viewer), "", markup).into_response())
}

/// What the action forms send.
#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    note: String,
}

/// `POST /assets/{id}/verify`.
pub async fn verify(PagePath(id): PagePath<AssetId>, CsrfForm(s, actor, _, f): CsrfForm<ActionForm>) -> PageResult {
    s.app.verify_asset(&actor, id, &f.note).await?;
    Ok(done(&format!("/assets/{id}"), AssetNotice::Verified))
}

/// `POST /assets/{id}/archive`.
pub async fn archive(PagePath(id): PagePath<AssetId>, CsrfForm(s, actor, _, f): CsrfForm<ActionForm>) -> PageResult {
    s.app.archive_asset(&actor, id, &f.note).await?;
    Ok(done(&format!("/assets/{id}"), AssetNotice::Archived))
}

/// What to compare.
#[derive(Deserialize)]
pub struct DiffQuery {
    from: i64,
    to: i64,
}

/// `GET /assets/{id}/diff?from=&to=`.
pub async fn diff(SignedIn(s, actor, viewer): SignedIn, PagePath(id): PagePath<AssetId>, PageQuery(q): PageQuery<DiffQuery>) -> PageResult {
    let view = s.app.asset(&actor, id).await?;
    let d = s.app.asset_diff(&actor, id, q.from, q.to).await?;
    let markup = html! {
        a class="nhsuk-back-link" href={ "/assets/" (id) } { "Back to " (view.asset.title) }
        h1 { "Changes from version " (d.from) " to " (d.to) }
        @if d.diff.lines().any(|l| (l.starts_with('+') && !l.starts_with("+++")) || (l.starts_with('-') && !l.starts_with("---"))) {
            p { "Lines starting with − were removed; lines starting with + were added." }
            pre class="signpost-diff" role="region" tabindex="0" aria-label="Differences between the versions" {
                @for line in d.diff.lines() {
                    @if line.starts_with('+') && !line.starts_with("+++") { ins { (line) } "\n" }
                    @else if line.starts_with('-') && !line.starts_with("---") { del { (line.replacen('-', "−", 1)) } "\n" }
                    @else { (line) "\n" }
                }
            }
        } @else {
            // A verification or a review changes no words: say so rather than show an empty box.
            p id="no-changes" { "The words did not change between these versions. A verification or a review records that someone checked the knowledge was still right; it changes no text." }
        }
    };
    Ok(page(&format!("Changes to {}", view.asset.title), Some(&viewer), "", markup).into_response())
}
