//! Search results: a GET form with facet checkboxes (works without JavaScript),
//! result counts, highlighted snippets, stale badges and pagination.
use axum::extract::RawQuery;
use axum::http::header;
use maud::{Markup, PreEscaped, html};
use signpost_domain::search::{FACET_VALUES, FacetCount, SearchHit, SearchResults};

use super::layout::pagination;
use super::prelude::*;
use signpost_services::asset_list::{MAX_ROWS, TableFormat};
use signpost_services::search_params::SearchParams;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new()
        .page("/search", show)
        .page("/search/suggest", suggest)
        .page("/search/export.csv", export_csv)
        .page("/search/export.xlsx", export_xlsx)
}

/// Results per page.
const PAGE_SIZE: usize = 10;

fn checked(pairs: &[(String, String)], key: &str, value: &str) -> bool {
    pairs.iter().any(|(k, v)| k == key && v == value)
}

/// A facet's checkboxes; `values` is how many values there are when the list shows only some.
fn facet_group(
    legend: &str,
    key: &str,
    counts: &[FacetCount],
    values: Option<usize>,
    name: impl Fn(&str) -> String,
    pairs: &[(String, String)],
) -> Markup {
    let cut = values.filter(|n| *n > counts.len());
    let hint = format!("{key}-hint");
    html! {
        @if !counts.is_empty() {
            div class="nhsuk-form-group" {
                fieldset class="nhsuk-fieldset" aria-describedby=[cut.map(|_| &hint)] {
                    legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s" { (legend) }
                    @if let Some(n) = cut {
                        div class="nhsuk-hint" id=(hint) { "The " (FACET_VALUES) " most common of " (n) ", and any you chose" }
                    }
                    div class="nhsuk-checkboxes nhsuk-checkboxes--small" data-module="nhsuk-checkboxes" {
                        @for (i, f) in counts.iter().enumerate() {
                            @let id = format!("{key}-{i}");
                            div class="nhsuk-checkboxes__item" {
                                input class="nhsuk-checkboxes__input" id=(id) name=(key) type="checkbox" value=(f.value) checked[checked(pairs, key, &f.value)];
                                label class="nhsuk-label nhsuk-checkboxes__label" for=(id) { (name(&f.value)) " (" (f.count) ")" }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn hit(h: &SearchHit) -> Markup {
    html! {
        li class="nhsuk-u-margin-bottom-4" {
            h2 class="nhsuk-heading-s nhsuk-u-margin-bottom-1" { a href={ "/assets/" (h.id) } { (h.title) } }
            p class="nhsuk-u-margin-bottom-1" {
                strong class="nhsuk-tag nhsuk-tag--grey" { (label(h.kind.as_str())) }
                @if h.stale { " " strong class="nhsuk-tag nhsuk-tag--red" { "Review overdue" } }
                @if h.status.as_str() != "published" { " " strong class="nhsuk-tag nhsuk-tag--yellow" { (label(h.status.as_str())) } }
            }
            // Tantivy escapes the text and adds only <mark> tags, so the snippet is safe to insert.
            @if h.snippet.is_empty() {
                p class="nhsuk-body-s nhsuk-u-margin-bottom-0" { (h.summary) }
            } @else {
                p class="nhsuk-body-s nhsuk-u-margin-bottom-0" { (PreEscaped(&h.snippet)) }
            }
        }
    }
}

fn page_link(pairs: &[(String, String)], page: usize) -> String {
    let mut kept: Vec<(&str, String)> = pairs.iter().filter(|(k, _)| k != "page").map(|(k, v)| (k.as_str(), v.clone())).collect();
    kept.push(("page", page.to_string()));
    format!("/search?{}", serde_urlencoded::to_string(&kept).unwrap_or_default())
}

/// The status filter: every status a person may choose, published ticked unless
/// they chose otherwise, since drafts and archived knowledge are not what most come for.
fn status_group(counts: &[FacetCount], pairs: &[(String, String)]) -> Markup {
    let count = |v: &str| counts.iter().find(|f| f.value == v).map(|f| f.count);
    html! {
        div class="nhsuk-form-group" {
            fieldset class="nhsuk-fieldset" {
                legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s" { "Status" }
                div class="nhsuk-checkboxes nhsuk-checkboxes--small" data-module="nhsuk-checkboxes" {
                    @for (i, value) in ["published", "draft", "archived"].iter().enumerate() {
                        @let id = format!("status-{i}");
                        div class="nhsuk-checkboxes__item" {
                            input class="nhsuk-checkboxes__input" id=(id) name="status" type="checkbox" value=(value) checked[checked(pairs, "status", value)];
                            label class="nhsuk-label nhsuk-checkboxes__label" for=(id) {
                                (label(value)) @if let Some(n) = count(value) { " (" (n) ")" }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// How many filters a person has chosen (the status chosen for them does not count).
fn chosen_filters(pairs: &[(String, String)]) -> usize {
    pairs.iter().filter(|(k, v)| !v.is_empty() && ["kind", "review", "topic", "team"].contains(&k.as_str())).count()
        + usize::from(pairs.iter().any(|(k, v)| k == "status" && v != "published"))
}

fn results(r: &SearchResults, q: &str, page: usize, pairs: &[(String, String)], team_name: &dyn Fn(&str) -> String) -> Markup {
    let pages = r.total.div_ceil(PAGE_SIZE).max(1);
    let chosen = chosen_filters(pairs);
    let facets = r.facets.clone().unwrap_or_default();
    html! {
        div class="nhsuk-grid-row" {
            div class="nhsuk-grid-column-one-third" {
                // Folded by default, so on a phone the results come first; the page script
                // unfolds it on wide screens and applies a change at once.
                details class="nhsuk-details signpost-filters" id="filters" {
                    summary class="nhsuk-details__summary" {
                        span class="nhsuk-details__summary-text" {
                            "Filter and sort" @if chosen > 0 { " (" (counted(chosen, "filter", "filters")) " chosen)" }
                        }
                    }
                    div class="nhsuk-details__text" {
                        form action="/search" method="get" novalidate data-apply-on-change {
                            input type="hidden" name="q" value=(q);
                            input type="hidden" name="filtered" value="1";
                            (facet_group("Type", "kind", &facets.kind, None, label, pairs))
                            (facet_group("Review", "review", &facets.review_state, None, label, pairs))
                            (status_group(&facets.status, pairs))
                            (facet_group("Topic", "topic", &facets.topic, Some(facets.topic_values), label, pairs))
                            @if !facets.topic.is_empty() || pairs.iter().any(|(k, _)| k == "topic") {
                                div class="nhsuk-form-group" {
                                    div class="nhsuk-checkboxes nhsuk-checkboxes--small" data-module="nhsuk-checkboxes" {
                                        div class="nhsuk-checkboxes__item" {
                                            input class="nhsuk-checkboxes__input" id="narrower" name="narrower" type="checkbox" value="yes" checked[checked(pairs, "narrower", "yes")] aria-describedby="narrower-hint";
                                            label class="nhsuk-label nhsuk-checkboxes__label" for="narrower" { "Include narrower subjects" }
                                            div class="nhsuk-hint nhsuk-checkboxes__hint" id="narrower-hint" { "A topic takes in the subjects beneath it in the " a href="/thesaurus" { "thesaurus" } "." }
                                        }
                                    }
                                }
                            }
                            (facet_group("Team", "team", &facets.team, Some(facets.team_values), team_name, pairs))
                            div class="nhsuk-form-group" {
                                label class="nhsuk-label nhsuk-label--s" for="sort" { "Sort by" }
                                select class="nhsuk-select" id="sort" name="sort" {
                                    option value="relevance" selected[!checked(pairs, "sort", "recency")] { "Best match" }
                                    option value="recency" selected[checked(pairs, "sort", "recency")] { "Most recently updated" }
                                }
                            }
                            button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" type="submit" { "Apply filters" }
                        }
                    }
                }
            }
            div class="nhsuk-grid-column-two-thirds" {
                p class="nhsuk-body-l" role="status" {
                    (counted(r.total, "result", "results"))
                    @if !q.is_empty() { " for " strong { (q) } }
                }
                ul class="nhsuk-list" { @for h in &r.hits { (hit(h)) } }
                (pagination(page as i64, pages as i64, |p| page_link(pairs, p as usize)))
            }
        }
    }
}

/// The search as a query string to keep: its words and filters, not its page.
fn saved_query(pairs: &[(String, String)]) -> String {
    let search: Vec<&(String, String)> = pairs.iter().filter(|(k, _)| k != "page").collect();
    serde_urlencoded::to_string(search).unwrap_or_default()
}

/// The address of the feeds page for this search.
fn follow_query(pairs: &[(String, String)]) -> String {
    serde_urlencoded::to_string([("search", saved_query(pairs))]).unwrap_or_default()
}

/// The search a query string asks for: published knowledge unless the person chose
/// statuses (the filter form always sends its choice).
fn search_params(pairs: &mut Vec<(String, String)>) -> Result<SearchParams, ServiceError> {
    if !pairs.iter().any(|(k, _)| k == "status" || k == "filtered") {
        pairs.push(("status".into(), "published".into()));
    }
    SearchParams::from_pairs(pairs, PAGE_SIZE)
}

/// `GET /search/export.csv`: every result the search page would list, as CSV.
pub async fn export_csv(SignedIn(s, actor, _): SignedIn, RawQuery(raw): RawQuery) -> PageResult {
    export(&s, &actor, raw, TableFormat::Csv).await
}

/// `GET /search/export.xlsx`: every result the search page would list, as a workbook.
pub async fn export_xlsx(SignedIn(s, actor, _): SignedIn, RawQuery(raw): RawQuery) -> PageResult {
    export(&s, &actor, raw, TableFormat::Xlsx).await
}

async fn export(s: &AppState, actor: &Actor, raw: Option<String>, format: TableFormat) -> PageResult {
    let mut pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.as_deref().unwrap_or_default()).unwrap_or_default();
    let file = s.app.export_asset_list(actor, search_params(&mut pairs)?.into_request()?, format).await?;
    let disposition = format!("attachment; filename=\"{}\"", file.name);
    Ok(([(header::CONTENT_TYPE, file.content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], file.bytes).into_response())
}

/// `GET /search`.
pub async fn show(SignedIn(s, actor, viewer): SignedIn, RawQuery(raw): RawQuery) -> PageResult {
    let mut pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.as_deref().unwrap_or_default()).unwrap_or_default();
    let params = search_params(&mut pairs)?;
    let page_number = params.offset / PAGE_SIZE + 1;
    let q = params.q.clone();
    let results_found = s.app.search(&actor, params.into_request()?).await?;
    let teams = s.app.teams(&actor).await?;
    let team_name = |id: &str| teams.iter().find(|t| t.id.to_string() == id).map_or_else(|| format!("Team {id}"), |t| t.name.clone());
    let title = if q.is_empty() { "Search".to_string() } else { format!("Search results for {q}") };
    let body = html! {
        h1 { "Search" }
        form class="nhsuk-u-margin-bottom-5" action="/search" method="get" role="search" novalidate {
            div class="nhsuk-form-group" {
                label class="nhsuk-label" for="search-q" { "Search Signpost" }
                input class="nhsuk-input nhsuk-u-width-two-thirds" id="search-q" name="q" type="search" value=(q);
            }
            button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Search" }
        }
        (results(&results_found, &q, page_number, &pairs, &team_name))
        h2 class="nhsuk-heading-m" { "Keep up to date with this search" }
        (crate::pages::alerts::save_form(&viewer, &saved_query(&pairs), &q, &Vec::new()))
        p class="nhsuk-body-s" {
            a href="/alerts" { "Your saved searches" } " · "
            a href={ "/account/feeds?" (follow_query(&pairs)) } { "Follow this search in a feed reader" }
        }
        @if results_found.total > 0 {
            p class="nhsuk-body-s" {
                "Download " @if results_found.total > MAX_ROWS { "the first " (MAX_ROWS) " results: " } @else { "these results: " }
                a href={ "/search/export.csv?" (saved_query(&pairs)) } download { "CSV" }
                " · "
                a href={ "/search/export.xlsx?" (saved_query(&pairs)) } download { "Excel workbook" }
            }
        }
    };
    Ok(page(&title, Some(&viewer), &q, body).into_response())
}

/// What the type-ahead sends.
#[derive(serde::Deserialize)]
pub struct SuggestQuery {
    #[serde(default)]
    q: String,
}

/// `GET /search/suggest?q=`: titles starting with what has been typed, as links, for
/// htmx to place under the search box. Empty for short input or when signed out.
pub async fn suggest(
    State(s): State<AppState>,
    super::MaybeSignedIn(who): super::MaybeSignedIn,
    PageQuery(q): PageQuery<SuggestQuery>,
) -> PageResult {
    let typed = q.q.trim();
    let suggestions = match who {
        Some((actor, _)) if typed.chars().count() >= 2 => s.app.suggest(&actor, typed, 6).await?,
        _ => Vec::new(),
    };
    Ok(html! {
        @if !suggestions.is_empty() {
            p class="nhsuk-u-visually-hidden" { (counted(suggestions.len(), "suggestion", "suggestions")) }
            ul class="nhsuk-list signpost-suggestions__list" {
                @for sug in &suggestions {
                    li { a href={ "/assets/" (sug.id) } { (sug.title) } " " span class="nhsuk-body-s" { "(" (label(sug.kind.as_str())) ")" } }
                }
            }
        }
    }
    .into_response())
}
