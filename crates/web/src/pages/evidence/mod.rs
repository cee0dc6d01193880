//! `/evidence`: the evidence service. Members ask for a literature search and follow
//! their requests; knowledge specialists work through the queue; each request's page
//! ([`request`]) carries the search, the summary and the follow-up.
pub mod follow_up;
pub mod request;

use axum::http::StatusCode;
use signpost_domain::evidence::{Audience, EvidenceRequest, Purpose, RequestState};
use signpost_services::evidence::{RequestInput, RequestRow};

use crate::pages::prelude::*;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new()
        .page("/evidence", mine)
        .page("/evidence/new", new_form)
        .form("/evidence/new", create)
        .page("/evidence/queue", queue)
        .form_back("/evidence/settings", "/evidence/queue", settings)
        .merge(request::routes())
        .merge(follow_up::routes())
}

crate::page_form! {
    /// A request for a literature search.
    pub struct RequestForm / RequestNames {
        question: String, population: String, intervention: String, comparison: String, outcome: String,
        purpose: String, deadline: String, audience: String, shared_with: String,
    }
}

crate::page_form! {
    /// How many weeks after delivery the follow-up goes.
    pub struct SettingsForm / SettingsNames { weeks: String }
}

crate::notices! {
    /// What the queue says after a change.
    pub enum QueueNotice {
        Settings => "Follow-up timing saved. Requests delivered from now on are followed up after that many weeks.",
    }
}

/// A request's state as a tag.
pub fn state_tag(state: RequestState) -> Markup {
    let colour = match state {
        RequestState::Submitted => "nhsuk-tag--yellow",
        RequestState::Taken => "nhsuk-tag--blue",
        RequestState::Delivered => "nhsuk-tag--green",
        RequestState::Withdrawn => "nhsuk-tag--grey",
    };
    html! { strong class={ "nhsuk-tag " (colour) } { (state.describe()) } }
}

/// A set of radio buttons under a legend: (value, text), with the field's error.
pub fn radios(name: &str, legend: &str, hint: &str, options: &[(&str, &str)], chosen: &str, errors: &Errors) -> Markup {
    let error = crate::pages::form::error_for(errors, name);
    html! {
        div class={ "nhsuk-form-group" @if error.is_some() { " nhsuk-form-group--error" } } {
            fieldset class="nhsuk-fieldset" aria-describedby={ (name) "-hint" @if error.is_some() { " " (name) "-error" } } {
                legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s" { (legend) }
                div class="nhsuk-hint" id={ (name) "-hint" } { (hint) }
                @if let Some(m) = &error { span class="nhsuk-error-message" id={ (name) "-error" } { span class="nhsuk-u-visually-hidden" { "Error: " } (m) } }
                div class="nhsuk-radios" data-module="nhsuk-radios" {
                    @for (i, (value, text)) in options.iter().enumerate() {
                        @let id = if i == 0 { name.to_string() } else { format!("{name}-{i}") };
                        div class="nhsuk-radios__item" {
                            input class="nhsuk-radios__input" id=(id) name=(name) type="radio" value=(value) checked[*value == chosen];
                            label class="nhsuk-label nhsuk-radios__label" for=(id) { (text) }
                        }
                    }
                }
            }
        }
    }
}

fn question_cell(r: &EvidenceRequest) -> Markup {
    html! { a href={ "/evidence/requests/" (r.id) } { (r.question.chars().take(140).collect::<String>()) @if r.question.chars().count() > 140 { "\u{2026}" } } }
}

fn requests_table(caption: &str, rows: &[&RequestRow], with_people: bool) -> Markup {
    html! {
        table class="nhsuk-table" {
            caption class="nhsuk-table__caption" { (caption) }
            @if with_people {
                (table_head(&["Question", "Asked by", "Purpose", "Needed by", "Searching", "Status"]))
            } @else {
                (table_head(&["Question", "Asked", "Needed by", "Status"]))
            }
            tbody class="nhsuk-table__body" {
                @for row in rows {
                    @let r = &row.request;
                    tr class="nhsuk-table__row" {
                        td class="nhsuk-table__cell" { (question_cell(r)) }
                        @if with_people {
                            td class="nhsuk-table__cell" { (row.requester) }
                            td class="nhsuk-table__cell" { (r.purpose.describe()) }
                            td class="nhsuk-table__cell" { (long_date(r.deadline)) }
                            td class="nhsuk-table__cell" { (row.specialist.as_deref().unwrap_or("Nobody yet")) }
                        } @else {
                            td class="nhsuk-table__cell" { (long_date(r.created_at.date_naive())) }
                            td class="nhsuk-table__cell" { (long_date(r.deadline)) }
                        }
                        td class="nhsuk-table__cell" { (state_tag(r.state)) }
                    }
                }
            }
        }
    }
}

/// `GET /evidence`: the requests the reader made or was named on.
pub async fn mine(SignedIn(s, actor, viewer): SignedIn) -> PageResult {
    let rows = s.app.my_evidence_requests(&actor).await?;
    let specialist = signpost_services::policy::ensure_specialist(&actor).is_ok();
    let refs: Vec<&RequestRow> = rows.iter().collect();
    let body = html! {
        h1 { "Evidence searches" }
        p { "The library's knowledge specialists search the healthcare databases for you, appraise what they find and send you an evidence summary. Ask for one when you need evidence for patient care, a service change, a policy, teaching or research." }
        a class="nhsuk-button" href="/evidence/new" { "Ask for a literature search" }
        @if specialist {
            p { a href="/evidence/queue" { "The library's queue of requests" } }
        }
        h2 { "Your requests" }
        @if rows.is_empty() {
            p { "You have not asked for a literature search yet." }
        } @else {
            (requests_table(&counted(rows.len(), "request", "requests"), &refs, false))
        }
    };
    Ok(page("Evidence searches", Some(&viewer), "", body).into_response())
}

fn request_form(viewer: &Viewer, f: &RequestForm, errors: &Errors) -> Markup {
    let n = RequestForm::NAMES;
    let purposes: Vec<(&str, &str)> = Purpose::ALL.iter().map(|p| (p.as_str(), p.describe())).collect();
    let audiences: Vec<(&str, &str)> = Audience::ALL.iter().map(|a| (a.as_str(), a.describe())).collect();
    html! {
        form method="post" action="/evidence/new" novalidate {
            (csrf_field(&viewer.csrf_token))
            (Field::new(n.question, "Your question").hint("What do you need the evidence to answer? For example, does hourly rounding reduce falls in older inpatients? Do not include anything that identifies a patient.").errors(errors).textarea(4, &f.question))
            fieldset class="nhsuk-fieldset" {
                legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s" { "Your question in parts (optional)" }
                div class="nhsuk-hint" { "If you can, split the question into PICO: who it is about, what is done, what it is compared with, and what should change." }
                (Field::new(n.population, "Population, patient or problem").errors(errors).input("text", &f.population))
                (Field::new(n.intervention, "Intervention").errors(errors).input("text", &f.intervention))
                (Field::new(n.comparison, "Comparison").errors(errors).input("text", &f.comparison))
                (Field::new(n.outcome, "Outcome").errors(errors).input("text", &f.outcome))
            }
            (radios(n.purpose, "What is the evidence for?", "This helps the library judge what kind of evidence you need.", &purposes, &f.purpose, errors))
            (Field::new(n.deadline, "When do you need it by?").hint("For example, 14 12 2026").errors(errors).date(&f.deadline))
            (radios(n.audience, "Who may read the evidence summary?", "You and the library service always can.", &audiences, if f.audience.is_empty() { "named" } else { &f.audience }, errors))
            (Field::new(n.shared_with, "People to keep informed (optional)").hint("Email addresses of colleagues who should see the request and be told when the summary is ready, separated by commas.").errors(errors).textarea(2, &f.shared_with))
            button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Send the request" }
        }
    }
}

fn new_page(viewer: &Viewer, f: &RequestForm, errors: &Errors) -> Markup {
    let title = "Ask for a literature search";
    let body = html! {
        div class="nhsuk-grid-row" { div class="nhsuk-grid-column-two-thirds" {
            a class="nhsuk-back-link" href="/evidence" { "Evidence searches" }
            (error_summary(errors))
            h1 { (title) }
            p { "A knowledge specialist will search the healthcare databases, appraise what they find and send you an evidence summary. You are told at each step." }
            (request_form(viewer, f, errors))
        } }
    };
    page(&if errors.is_empty() { title.to_string() } else { format!("Error: {title}") }, Some(viewer), "", body)
}

/// `GET /evidence/new`.
pub async fn new_form(SignedIn(_, actor, viewer): SignedIn) -> PageResult {
    signpost_services::policy::ensure_can_contribute_as_staff(&actor)?;
    Ok(new_page(&viewer, &RequestForm::default(), &Vec::new()).into_response())
}

/// `POST /evidence/new`.
pub async fn create(CsrfForm(s, actor, viewer, form): CsrfForm<RequestForm>) -> PageResult {
    let input = RequestInput {
        question: form.question.clone(),
        population: form.population.clone(),
        intervention: form.intervention.clone(),
        comparison: form.comparison.clone(),
        outcome: form.outcome.clone(),
        purpose: form.purpose.clone(),
        deadline: form.deadline.clone(),
        audience: form.audience.clone(),
        shared_with: form.shared_with.clone(),
    };
    match s.app.request_evidence(&actor, input).await {
        Ok(r) => Ok(done(&format!("/evidence/requests/{}", r.id), request::RequestNotice::Requested)),
        Err(e) => {
            let errors = refused(e)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, new_page(&viewer, &form, &errors)).into_response())
        }
    }
}

async fn queue_page(s: &AppState, actor: &Actor, viewer: &Viewer, state: &FormState<SettingsForm>) -> PageMarkup {
    let rows = s.app.evidence_queue(actor).await?;
    let weeks = s.app.follow_up_weeks().await?;
    let of = |states: &[RequestState]| rows.iter().filter(|r| states.contains(&r.request.state)).collect::<Vec<_>>();
    let (waiting, searching, done_rows) =
        (of(&[RequestState::Submitted]), of(&[RequestState::Taken]), of(&[RequestState::Delivered, RequestState::Withdrawn]));
    let n = SettingsForm::NAMES;
    let body = html! {
        (error_summary(&state.errors))
        @if let Some(notice) = &state.notice { (success_banner(notice)) }
        a class="nhsuk-back-link" href="/evidence" { "Evidence searches" }
        h1 { "Requests for literature searches" }
        p { "Take a waiting request to search for it. Its page shows earlier requests and summaries on similar questions first, so nobody searches twice." }
        h2 { "Waiting" }
        @if waiting.is_empty() { p { "No request is waiting." } } @else { (requests_table(&format!("{}, soonest needed first", counted(waiting.len(), "request", "requests")), &waiting, true)) }
        h2 { "Being searched" }
        @if searching.is_empty() { p { "Nobody is searching at the moment." } } @else { (requests_table(&counted(searching.len(), "request", "requests"), &searching, true)) }
        h2 { "Delivered or withdrawn" }
        @if done_rows.is_empty() { p { "None yet." } } @else { (requests_table(&counted(done_rows.len(), "request", "requests"), &done_rows, true)) }
        h2 { "Follow-up" }
        form method="post" action="/evidence/settings" novalidate {
            (csrf_field(&viewer.csrf_token))
            (Field::new(n.weeks, "Weeks after delivery to ask what difference the evidence made").hint("From 1 to 52. The answer becomes an impact statement on the evidence summary.").errors(&state.errors).input("text", &if state.errors.is_empty() { weeks.to_string() } else { state.values.weeks.clone() }))
            button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" type="submit" { "Save follow-up timing" }
        }
    };
    Ok(page(
        if state.errors.is_empty() { "Requests for literature searches" } else { "Error: Requests for literature searches" },
        Some(viewer),
        "",
        body,
    ))
}

/// `GET /evidence/queue` (knowledge specialists).
pub async fn queue(SignedIn(s, actor, viewer): SignedIn, notice: Done<QueueNotice>) -> PageResult {
    Ok(queue_page(&s, &actor, &viewer, &FormState::shown(notice.message())).await?.into_response())
}

/// `POST /evidence/settings` (knowledge specialists).
pub async fn settings(CsrfForm(s, actor, viewer, form): CsrfForm<SettingsForm>) -> PageResult {
    match s.app.set_follow_up_weeks(&actor, &form.weeks).await {
        Ok(_) => Ok(done("/evidence/queue", QueueNotice::Settings)),
        Err(e) => {
            let state = FormState::refused(form, e)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, queue_page(&s, &actor, &viewer, &state).await?).into_response())
        }
    }
}
