//! `/evidence/requests/{id}`: one request. The requester and the people they named
//! follow it here; the specialist takes it, sees earlier work on similar questions,
//! records each database search, starts the evidence summary, imports and appraises the
//! results, and delivers.
use axum::http::StatusCode;
use signpost_domain::evidence::{EvidenceRequest, RequestState, SearchRecord};
use signpost_domain::fields::{AssetFields, Source};
use signpost_services::evidence::{AppraisalChoice, RequestView, SearchInput, SimilarWork};

use super::state_tag;
use crate::pages::assets::references::identifiers;
use crate::pages::prelude::*;

/// This page and its forms.
pub fn routes() -> Pages {
    Pages::new()
        .page("/evidence/requests/{id}", show)
        .form_back("/evidence/requests/{id}/take", "/evidence/requests/{id}", take)
        .form_back("/evidence/requests/{id}/withdraw", "/evidence/requests/{id}", withdraw)
        .form_back("/evidence/requests/{id}/searches", "/evidence/requests/{id}", record_search)
        .form_back("/evidence/requests/{id}/searches/remove", "/evidence/requests/{id}", remove_search)
        .form_back("/evidence/requests/{id}/reuse", "/evidence/requests/{id}", reuse)
        .form_back("/evidence/requests/{id}/summary", "/evidence/requests/{id}", start_summary)
        .form_back("/evidence/requests/{id}/appraise", "/evidence/requests/{id}", appraise)
        .form_back("/evidence/requests/{id}/deliver", "/evidence/requests/{id}", deliver)
}

crate::page_form! {
    /// One database's search.
    pub struct SearchForm / SearchNames { database: String, platform: String, run_on: String, date_limits: String, limits: String, lines: String }
}

crate::page_form! {
    /// A search recorded in error.
    pub struct RemoveForm / RemoveNames { position: String, version: String }
}

crate::page_form! {
    /// The earlier request this one builds on.
    pub struct ReuseForm / ReuseNames { earlier: String }
}

crate::notices! {
    /// What the page says after a change.
    pub enum RequestNotice {
        Requested => "Request sent. The library service has been told; you will hear when a specialist takes it.",
        Taken => "You have taken this request. The requester has been told.",
        Withdrawn => "Request withdrawn.",
        SearchRecorded => "Search recorded.",
        SearchRemoved => "Search removed.",
        Reused => "Noted: this request builds on the earlier one.",
        SummaryStarted => "Evidence summary started as a draft. Import the results you exported from the databases, then select and appraise them.",
        Appraised => "Selection saved.",
        Delivered => "Evidence summary published and delivered. The requester has been told.",
        FollowedUp => "Thank you. What you said is recorded as the evidence's impact.",
    }
}

/// What the page shows besides the request: a refused form's values and problems.
#[derive(Default)]
pub struct PageState {
    errors: Errors,
    search: SearchForm,
    notice: Option<&'static str>,
}

fn row(key: &str, value: Markup) -> Markup {
    html! {
        div class="nhsuk-summary-list__row" {
            dt class="nhsuk-summary-list__key" { (key) }
            dd class="nhsuk-summary-list__value" { (value) }
        }
    }
}

fn details(v: &RequestView) -> Markup {
    let r = &v.request;
    html! {
        dl class="nhsuk-summary-list" {
            (row("Question", html! { (r.question) }))
            @for (part, text) in r.pico.parts() { (row(part, html! { (text) })) }
            (row("For", html! { (r.purpose.describe()) }))
            (row("Needed by", html! { (long_date(r.deadline)) }))
            (row("Asked by", html! { a href={ "/people/" (v.requester.id) } { (v.requester.name) } ", " (long_date(r.created_at.date_naive())) }))
            (row("Summary readable by", html! { (r.audience.readers()) }))
            @if !v.shared.is_empty() {
                (row("Kept informed", html! { (v.shared.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join(", ")) }))
            }
            (row("Specialist", html! { @match &v.specialist { Some(u) => { a href={ "/people/" (u.id) } { (u.name) } }, None => { "Not yet taken" } } }))
            (row("Status", state_tag(r.state)))
        }
    }
}

fn button_form(viewer: &Viewer, action: &str, text: &str, secondary: bool) -> Markup {
    html! {
        form method="post" action=(action) novalidate {
            (csrf_field(&viewer.csrf_token))
            button class={ "nhsuk-button" @if secondary { " nhsuk-button--secondary" } } data-module="nhsuk-button" type="submit" { (text) }
        }
    }
}

fn search_record(viewer: &Viewer, r: &EvidenceRequest, i: usize, s: &SearchRecord, may_remove: bool) -> Markup {
    let name = if s.platform.is_empty() { s.database.clone() } else { format!("{} ({})", s.database, s.platform) };
    html! {
        div class="nhsuk-card" {
            div class="nhsuk-card__content" {
                h3 class="nhsuk-card__heading nhsuk-heading-s" { (name) }
                p class="nhsuk-body-s" {
                    "Run on " (long_date(s.run_on))
                    @if !s.date_limits.is_empty() { ". Dates searched: " (s.date_limits) }
                    @if !s.limits.is_empty() { ". Limits: " (s.limits) }
                    "."
                }
                table class="nhsuk-table" {
                    caption class="nhsuk-table__caption nhsuk-u-visually-hidden" { "Search lines for " (name) }
                    (table_head(&["Line", "Search", "Results"]))
                    tbody class="nhsuk-table__body" {
                        @for (n, line) in s.lines.iter().enumerate() {
                            tr class="nhsuk-table__row" {
                                td class="nhsuk-table__cell" { (n + 1) }
                                td class="nhsuk-table__cell" { code { (line.text) } }
                                td class="nhsuk-table__cell" { (line.results) }
                            }
                        }
                    }
                }
                @if may_remove {
                    form method="post" action={ "/evidence/requests/" (r.id) "/searches/remove" } novalidate {
                        (csrf_field(&viewer.csrf_token))
                        input type="hidden" name=(RemoveForm::NAMES.position) value=(i);
                        input type="hidden" name=(RemoveForm::NAMES.version) value=(r.version);
                        button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0" data-module="nhsuk-button" type="submit" {
                            "Remove" span class="nhsuk-u-visually-hidden" { " the search of " (name) }
                        }
                    }
                }
            }
        }
    }
}

fn search_form(viewer: &Viewer, id: i64, f: &SearchForm, errors: &Errors) -> Markup {
    let n = SearchForm::NAMES;
    html! {
        h3 id="record-search" { "Record a database search" }
        form method="post" action={ "/evidence/requests/" (id) "/searches" } novalidate {
            (csrf_field(&viewer.csrf_token))
            (Field::new(n.database, "Database").hint("For example, MEDLINE, CINAHL, Embase or the Cochrane Library").errors(errors).input("text", &f.database))
            (Field::new(n.platform, "Platform (optional)").hint("For example, Ovid, EBSCOhost or NICE Evidence").errors(errors).input("text", &f.platform))
            (Field::new(n.run_on, "Date the search was run").errors(errors).date(&f.run_on))
            (Field::new(n.date_limits, "Dates searched (optional)").hint("For example, 2015 to current").errors(errors).input("text", &f.date_limits))
            (Field::new(n.limits, "Other limits (optional)").hint("For example, English language; humans; aged 65 and over").errors(errors).input("text", &f.limits))
            (Field::new(n.lines, "Search lines").hint("Paste the search history, one line each ending with its number of results after a tab or \u{201c} | \u{201d}, such as: exp Accidental Falls/ | 23456").errors(errors).textarea(8, &f.lines))
            button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" type="submit" { "Record this search" }
        }
    }
}

fn similar_section(viewer: &Viewer, v: &RequestView, similar: &SimilarWork) -> Markup {
    let r = &v.request;
    html! {
        h2 id="earlier-work" { "Earlier work on similar questions" }
        @if similar.requests.is_empty() && similar.summaries.is_empty() {
            p { "Nothing like this has been searched for before." }
        }
        @if !similar.requests.is_empty() {
            ul class="nhsuk-list nhsuk-list--border" {
                @for e in &similar.requests {
                    li {
                        a href={ "/evidence/requests/" (e.request.id) } { (e.request.question) }
                        " " (state_tag(e.request.state))
                        @for s in &e.request.searches {
                            br; span class="nhsuk-body-s" {
                                "Searched " (s.database) @if !s.platform.is_empty() { " (" (s.platform) ")" }
                                " on " (long_date(s.run_on)) ": " (counted(s.lines.len(), "line", "lines"))
                                @if let Some(last) = s.lines.last() { ", " (last.results) " results" }
                            }
                        }
                        @if let (Some(title), Some(sid)) = (&e.summary_title, e.request.summary_id) {
                            br; span class="nhsuk-body-s" { "Evidence summary: " a href={ "/assets/" (sid) } { (title) } }
                        }
                        @if v.may.work && !r.reused.contains(&e.request.id) {
                            form method="post" action={ "/evidence/requests/" (r.id) "/reuse" } novalidate {
                                (csrf_field(&viewer.csrf_token))
                                input type="hidden" name=(ReuseForm::NAMES.earlier) value=(e.request.id);
                                button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0" data-module="nhsuk-button" type="submit" {
                                    "This request builds on it" span class="nhsuk-u-visually-hidden" { ": " (e.request.question) }
                                }
                            }
                        } @else if r.reused.contains(&e.request.id) {
                            br; strong class="nhsuk-tag nhsuk-tag--green" { "Built on" }
                        }
                    }
                }
            }
        }
        @if !similar.summaries.is_empty() {
            h3 { "Evidence summaries" }
            ul class="nhsuk-list" {
                @for h in &similar.summaries {
                    li { a href={ "/assets/" (h.id) } { (h.title) } @if !h.summary.is_empty() { br; span class="nhsuk-body-s" { (h.summary) } } }
                }
            }
        }
    }
}

fn appraisal_form(viewer: &Viewer, id: i64, summary_id: i64, version: i64, sources: &[Source]) -> Markup {
    html! {
        @if sources.is_empty() {
            p { "No results yet. Export the results you want to consider from each database (RIS, PubMed .nbib, EndNote XML or BibTeX) and import them into the summary." }
        } @else {
            form method="post" action={ "/evidence/requests/" (id) "/appraise" } novalidate {
                (csrf_field(&viewer.csrf_token))
                input type="hidden" name="summary_version" value=(version);
                @for (i, s) in sources.iter().enumerate() {
                    div class="nhsuk-card" {
                        div class="nhsuk-card__content" {
                            input type="hidden" name="position" value=(i);
                            div class="nhsuk-checkboxes" data-module="nhsuk-checkboxes" {
                                div class="nhsuk-checkboxes__item" {
                                    input class="nhsuk-checkboxes__input" id={ "keep-" (i) } name={ "keep-" (i) } type="checkbox" value="yes" checked;
                                    label class="nhsuk-label nhsuk-checkboxes__label" for={ "keep-" (i) } { (s.citation()) }
                                }
                            }
                            p class="nhsuk-body-s" { (identifiers(s)) }
                            @if let Some(a) = &s.abstract_text {
                                details class="nhsuk-details" {
                                    summary class="nhsuk-details__summary" { span class="nhsuk-details__summary-text" { "Abstract" span class="nhsuk-u-visually-hidden" { " of result " (i + 1) } } }
                                    div class="nhsuk-details__text" { p { (a) } }
                                }
                            }
                            (Field::new(&format!("appraisal-{i}"), &format!("Appraisal of result {}", i + 1)).input("text", s.appraisal.as_deref().unwrap_or_default()))
                        }
                    }
                }
                button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" type="submit" { "Save selection" }
            }
        }
        p class="nhsuk-body-s" { "Untick a result to leave it out of the summary. " a href={ "/assets/" (summary_id) "/references" } { "Import more results" } "." }
    }
}

fn summary_section(viewer: &Viewer, v: &RequestView) -> Markup {
    let r = &v.request;
    html! {
        h2 id="summary" { "Evidence summary" }
        @match (&v.summary, r.summary_id) {
            (Some(a), _) => {
                p { a href={ "/assets/" (a.id) } { (a.title) } }
                @if v.may.work {
                    ol class="nhsuk-list nhsuk-list--number" {
                        li { a href={ "/assets/" (a.id) "/references" } { "Import the results" } " you exported from the databases (RIS, PubMed .nbib, EndNote XML or BibTeX)." }
                        li { "Select and appraise them below." }
                        li { a href={ "/assets/" (a.id) "/edit" } { "Write the summary" } ": its overall appraisal of the evidence and what it means for the question." }
                        li { "Deliver it: it is published for the people the requester chose, and they are told." }
                    }
                    @let sources = match &a.fields { AssetFields::EvidenceSummary { sources, .. } => sources.as_slice(), _ => &[] };
                    h3 id="results" { "Select and appraise the results" }
                    (appraisal_form(viewer, r.id, a.id.0, a.version, sources))
                    h3 id="deliver" { "Deliver" }
                    p { "Publishes the summary and tells " (v.requester.name) @if !v.shared.is_empty() { " and the people they named" } ". In " "a few weeks they will be asked what difference it made." }
                    (button_form(viewer, &format!("/evidence/requests/{}/deliver", r.id), "Publish and deliver", false))
                }
            }
            (None, Some(_)) => { p { "The evidence summary is not one you can read." } }
            (None, None) => {
                @if v.may.work {
                    p { "Start the summary when you have run the searches: it is a draft, readable by " (r.audience.readers().to_lowercase()) " once delivered." }
                    (button_form(viewer, &format!("/evidence/requests/{}/summary", r.id), "Start the evidence summary", true))
                } @else {
                    p { "Not written yet." }
                }
            }
        }
    }
}

async fn request_page(s: &AppState, actor: &Actor, viewer: &Viewer, id: i64, state: &PageState) -> PageMarkup {
    let v = s.app.evidence_request(actor, id).await?;
    let library = signpost_services::policy::ensure_specialist(actor).is_ok();
    let similar = if library && matches!(v.request.state, RequestState::Submitted | RequestState::Taken) {
        Some(s.app.similar_evidence_work(actor, id).await?)
    } else {
        None
    };
    let r = &v.request;
    let body = html! {
        (error_summary(&state.errors))
        @if let Some(notice) = &state.notice { (success_banner(notice)) }
        a class="nhsuk-back-link" href=(if library { "/evidence/queue" } else { "/evidence" }) { @if library { "Requests for literature searches" } @else { "Evidence searches" } }
        h1 { span class="nhsuk-caption-l" { "Request " (r.id) } "Literature search" }
        (details(&v))
        @if v.may.take { (button_form(viewer, &format!("/evidence/requests/{id}/take"), "Take this request", false)) }
        @if v.may.follow_up {
            div class="nhsuk-inset-text" {
                p { "What difference did the evidence make? " a href={ "/evidence/requests/" (id) "/follow-up" } { "Tell the library service" } " in two minutes." }
            }
        }
        @if r.follow_up.as_ref().is_some_and(|f| f.impact_id.is_some()) {
            p { "The requester has said what difference the evidence made: it is recorded as an impact statement on the summary." }
        }
        @if let Some(similar) = &similar { (similar_section(viewer, &v, similar)) }
        @if library || !r.searches.is_empty() {
            h2 id="searches" { "Searches" }
            @if r.searches.is_empty() { p { "No searches recorded yet." } }
            @for (i, rec) in r.searches.iter().enumerate() { (search_record(viewer, r, i, rec, v.may.work)) }
            @if v.may.work { (search_form(viewer, id, &state.search, &state.errors)) }
        }
        @if r.state != RequestState::Withdrawn { (summary_section(viewer, &v)) }
        @if v.may.withdraw {
            h2 { "No longer needed?" }
            (button_form(viewer, &format!("/evidence/requests/{id}/withdraw"), "Withdraw this request", true))
        }
    };
    let title =
        if state.errors.is_empty() { "Literature search request".to_string() } else { "Error: Literature search request".to_string() };
    Ok(page(&title, Some(viewer), "", body))
}

/// `GET /evidence/requests/{id}`.
pub async fn show(SignedIn(s, actor, viewer): SignedIn, PagePath(id): PagePath<i64>, notice: Done<RequestNotice>) -> PageResult {
    let state = PageState { notice: notice.message(), ..PageState::default() };
    Ok(request_page(&s, &actor, &viewer, id, &state).await?.into_response())
}

/// The request page again with a refusal on the form that was sent.
async fn refused_page(s: &AppState, actor: &Actor, viewer: &Viewer, id: i64, errors: Errors, search: SearchForm) -> PageResult {
    let state = PageState { errors, search, notice: None };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, request_page(s, actor, viewer, id, &state).await?).into_response())
}

/// A refusal that is not about a field (a conflict) as a problem on `anchor`.
fn on(anchor: &'static str, e: ServiceError) -> Result<Errors, PageError> {
    refused_as(e, |f| if f == "name" || f.is_empty() { anchor.to_string() } else { f.to_string() })
}

fn back(id: i64, notice: RequestNotice) -> Response {
    done(&format!("/evidence/requests/{id}"), notice)
}

/// `POST /evidence/requests/{id}/take`.
pub async fn take(PagePath(id): PagePath<i64>, CsrfForm(s, actor, viewer, CsrfOnly {}): CsrfForm<CsrfOnly>) -> PageResult {
    match s.app.take_evidence_request(&actor, id).await {
        Ok(_) => Ok(back(id, RequestNotice::Taken)),
        Err(e @ ServiceError::Conflict(_)) => refused_page(&s, &actor, &viewer, id, on("searches", e)?, SearchForm::default()).await,
        Err(e) => Err(e.into()),
    }
}

/// `POST /evidence/requests/{id}/withdraw`.
pub async fn withdraw(PagePath(id): PagePath<i64>, CsrfForm(s, actor, _, CsrfOnly {}): CsrfForm<CsrfOnly>) -> PageResult {
    s.app.withdraw_evidence_request(&actor, id).await?;
    Ok(back(id, RequestNotice::Withdrawn))
}

/// `POST /evidence/requests/{id}/searches`.
pub async fn record_search(PagePath(id): PagePath<i64>, CsrfForm(s, actor, viewer, form): CsrfForm<SearchForm>) -> PageResult {
    let input = SearchInput {
        database: form.database.clone(),
        platform: form.platform.clone(),
        run_on: form.run_on.clone(),
        date_limits: form.date_limits.clone(),
        limits: form.limits.clone(),
        lines: form.lines.clone(),
    };
    match s.app.record_search(&actor, id, input).await {
        Ok(_) => Ok(done(&format!("/evidence/requests/{id}#searches"), RequestNotice::SearchRecorded)),
        Err(ServiceError::TooLarge(m)) => refused_page(&s, &actor, &viewer, id, vec![("database".into(), capitalised(&m))], form).await,
        Err(e) => refused_page(&s, &actor, &viewer, id, on("database", e)?, form).await,
    }
}

/// `POST /evidence/requests/{id}/searches/remove`.
pub async fn remove_search(PagePath(id): PagePath<i64>, CsrfForm(s, actor, viewer, form): CsrfForm<RemoveForm>) -> PageResult {
    let (Ok(position), Ok(version)) = (form.position.parse::<usize>(), form.version.parse::<i64>()) else {
        return Err(ServiceError::invalid("position", "choose a search to remove").into());
    };
    match s.app.remove_search(&actor, id, position, version).await {
        Ok(_) => Ok(done(&format!("/evidence/requests/{id}#searches"), RequestNotice::SearchRemoved)),
        Err(e @ ServiceError::Conflict(_)) => refused_page(&s, &actor, &viewer, id, on("searches", e)?, SearchForm::default()).await,
        Err(e) => Err(e.into()),
    }
}

/// `POST /evidence/requests/{id}/reuse`.
pub async fn reuse(PagePath(id): PagePath<i64>, CsrfForm(s, actor, _, form): CsrfForm<ReuseForm>) -> PageResult {
    let earlier = form.earlier.parse::<i64>().map_err(|_| ServiceError::invalid("earlier", "choose an earlier request"))?;
    s.app.reuse_earlier_request(&actor, id, earlier).await?;
    Ok(done(&format!("/evidence/requests/{id}#earlier-work"), RequestNotice::Reused))
}

/// `POST /evidence/requests/{id}/summary`.
pub async fn start_summary(PagePath(id): PagePath<i64>, CsrfForm(s, actor, viewer, CsrfOnly {}): CsrfForm<CsrfOnly>) -> PageResult {
    match s.app.start_evidence_summary(&actor, id).await {
        Ok(_) => Ok(done(&format!("/evidence/requests/{id}#summary"), RequestNotice::SummaryStarted)),
        Err(e @ ServiceError::Conflict(_)) => refused_page(&s, &actor, &viewer, id, on("summary", e)?, SearchForm::default()).await,
        Err(e) => Err(e.into()),
    }
}

/// The choices sent by the appraisal form: each result's position, its box (sent only
/// when ticked) and its note. Read in one pass, so the work stays linear in what was sent.
fn appraisal_choices(form: &[(String, String)]) -> Result<(i64, Vec<AppraisalChoice>), ServiceError> {
    let limit = 3 * signpost_domain::fields::MAX_SOURCES + 2;
    if form.len() > limit {
        return Err(ServiceError::TooLarge(format!("a selection covers at most {} results", signpost_domain::fields::MAX_SOURCES)));
    }
    let mut version = None;
    let mut positions = Vec::new();
    let mut kept = std::collections::HashSet::new();
    let mut notes = std::collections::HashMap::new();
    for (k, v) in form {
        match k.as_str() {
            "summary_version" => version = v.parse::<i64>().ok(),
            "position" => positions
                .push(v.parse::<usize>().map_err(|_| ServiceError::invalid("results", "the form was damaged; open the page again"))?),
            _ => {
                if let Some(i) = k.strip_prefix("keep-").and_then(|i| i.parse::<usize>().ok()) {
                    kept.insert(i);
                } else if let Some(i) = k.strip_prefix("appraisal-").and_then(|i| i.parse::<usize>().ok()) {
                    notes.insert(i, v.clone());
                }
            }
        }
    }
    let version = version.ok_or_else(|| ServiceError::invalid("results", "the form was damaged; open the page again"))?;
    let choices = positions
        .into_iter()
        .map(|position| AppraisalChoice {
            position,
            keep: kept.contains(&position),
            appraisal: notes.remove(&position).unwrap_or_default(),
        })
        .collect();
    Ok((version, choices))
}

/// `POST /evidence/requests/{id}/appraise`.
pub async fn appraise(PagePath(id): PagePath<i64>, CsrfForm(s, actor, viewer, form): CsrfForm<Vec<(String, String)>>) -> PageResult {
    let outcome = match appraisal_choices(&form) {
        Ok((version, choices)) => s.app.appraise_results(&actor, id, version, choices).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(()) => Ok(done(&format!("/evidence/requests/{id}#results"), RequestNotice::Appraised)),
        Err(e @ (ServiceError::Conflict(_) | ServiceError::Invalid(_))) => {
            refused_page(&s, &actor, &viewer, id, on("results", e)?, SearchForm::default()).await
        }
        Err(ServiceError::TooLarge(m)) => {
            refused_page(&s, &actor, &viewer, id, vec![("results".into(), capitalised(&m))], SearchForm::default()).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /evidence/requests/{id}/deliver`.
pub async fn deliver(PagePath(id): PagePath<i64>, CsrfForm(s, actor, viewer, CsrfOnly {}): CsrfForm<CsrfOnly>) -> PageResult {
    match s.app.deliver_evidence(&actor, id).await {
        Ok(_) => Ok(back(id, RequestNotice::Delivered)),
        Err(ServiceError::IdentifierFound(_)) => {
            let m = "The summary holds what looks like an NHS number. Edit the summary to remove it, then deliver";
            refused_page(&s, &actor, &viewer, id, vec![("deliver".into(), m.into())], SearchForm::default()).await
        }
        Err(e @ (ServiceError::Conflict(_) | ServiceError::Invalid(_))) => {
            // A summary not ready to publish names its missing fields: say which, here.
            let errors = on("deliver", e)?
                .into_iter()
                .map(|(f, m)| match f.strip_prefix("fields.") {
                    Some(field) => {
                        ("deliver".to_string(), format!("Before it can be delivered, the summary needs its {}", field.replace('_', " ")))
                    }
                    None => (f, m),
                })
                .collect();
            refused_page(&s, &actor, &viewer, id, errors, SearchForm::default()).await
        }
        Err(e) => Err(e.into()),
    }
}
