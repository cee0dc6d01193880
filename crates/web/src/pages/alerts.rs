//! `/alerts`: the searches a person saved and how often each emails them what is new;
//! saving one (from the search page), changing how often, pausing and deleting.
use axum::http::StatusCode;
use signpost_domain::awareness::{AlertFrequency, SavedSearch};

use crate::pages::prelude::*;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new()
        .page("/alerts", alerts)
        .form("/alerts", save)
        .form_back("/alerts/{id}/frequency", "/alerts", change)
        .form_back("/alerts/{id}/delete", "/alerts", delete)
        .page("/alerts/open/{id}/{asset}", open)
        .page("/alerts/everyone", everyone)
        .form_back("/alerts/{id}/pause", "/alerts/everyone", pause)
}

crate::page_form! {
    /// A search to save: what to call it, the search itself, how often.
    pub struct SaveForm / SaveNames { name: String, query: String, frequency: String }
}

crate::page_form! {
    /// How often one saved search is sent.
    pub struct FrequencyForm / FrequencyNames { frequency: String }
}

crate::notices! {
    /// What the page says after a change.
    pub enum AlertsNotice {
        Saved => "Search saved. New knowledge it finds will be emailed to you as you chose.",
        Changed => "Saved search changed.",
        Deleted => "Saved search deleted.",
        Paused => "Saved search paused. Its owner has been told.",
        Suggested => "Suggestion sent. The member has been told and chooses whether to follow it.",
    }
}

/// How often, for a select.
pub fn frequency_options() -> Vec<(String, String)> {
    AlertFrequency::ALL.iter().map(|f| (f.as_str().to_string(), f.describe().to_string())).collect()
}

/// The form that saves the search a page shows (`query` is its query string).
pub fn save_form(viewer: &Viewer, query: &str, name: &str, errors: &Errors) -> Markup {
    let n = SaveForm::NAMES;
    html! {
        form method="post" action="/alerts" novalidate {
            (csrf_field(&viewer.csrf_token))
            input type="hidden" name=(n.query) value=(query);
            (Field::new(n.name, "Name for this search").hint("For example, falls prevention. Shown on your saved searches and in each email.").errors(errors).input("text", name))
            (Field::new(n.frequency, "Email me what is new").errors(errors).select(&frequency_options(), AlertFrequency::Weekly.as_str()))
            button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" type="submit" { "Save this search" }
        }
    }
}

fn row(viewer: &Viewer, s: &SavedSearch) -> Markup {
    html! {
        div class="nhsuk-card" id={ "saved-" (s.id) } {
            div class="nhsuk-card__content" {
                h2 class="nhsuk-card__heading nhsuk-heading-m" { (s.name) }
                @if let Some(problem) = &s.problem {
                    div class="nhsuk-warning-callout" {
                        h3 class="nhsuk-warning-callout__label" { span role="text" { span class="nhsuk-u-visually-hidden" { "Important: " } "This search could not be run" } }
                        p { (capitalised(problem)) ". Nothing is sent until it is changed. Delete it and save the search again from the search page." }
                    }
                }
                @if let Some(why) = &s.paused_because { p class="nhsuk-body-s" { (capitalised(why)) "." } }
                p class="nhsuk-body-s" {
                    a href={ "/search?" (s.query) } { "Run the search" span class="nhsuk-u-visually-hidden" { " " (s.name) } }
                    " · "
                    a href={ "/account/feeds?search=" (serde_urlencoded::to_string([("s", &s.query)]).unwrap_or_default().trim_start_matches("s=")) } {
                        "Follow it in a feed reader" span class="nhsuk-u-visually-hidden" { " (" (s.name) ")" }
                    }
                    " · New knowledge looked for up to " (s.checked_until.format("%-d %B %Y %H:%M"))
                }
                form method="post" action={ "/alerts/" (s.id) "/frequency" } novalidate {
                    (csrf_field(&viewer.csrf_token))
                    (Field::new(&format!("frequency-{}", s.id), "How often").select(&frequency_options(), s.frequency.as_str()))
                    button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" data-module="nhsuk-button" type="submit" {
                        "Change" span class="nhsuk-u-visually-hidden" { " how often " (s.name) " is sent" }
                    }
                }
                form method="post" action={ "/alerts/" (s.id) "/delete" } novalidate {
                    (csrf_field(&viewer.csrf_token))
                    button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0" data-module="nhsuk-button" type="submit" {
                        "Delete" span class="nhsuk-u-visually-hidden" { " " (s.name) }
                    }
                }
            }
        }
    }
}

async fn alerts_page(s: &AppState, actor: &Actor, viewer: &Viewer, state: &FormState<SaveForm>) -> PageMarkup {
    let saved = s.app.saved_searches(actor).await?;
    let body = html! {
        (error_summary(&state.errors))
        @if let Some(notice) = &state.notice { (success_banner(notice)) }
        h1 { "Saved searches" }
        @if signpost_services::policy::ensure_specialist(actor).is_ok() {
            p { a href="/alerts/everyone" { "What members follow" } ": everyone's saved searches, for the library service." }
        }
        p { a href="/alerts/interests" { "Your interests" } ": the subjects and teams you follow, and the library's suggestions." }
        p { "Save a search to hear of new knowledge it finds: Signpost emails you what is new or updated since the last email, as often as you choose, and only what you may see when it is sent. Nothing new, no email." }
        @if !state.errors.is_empty() {
            (save_form(viewer, &state.values.query, &state.values.name, &state.errors))
        }
        @if saved.is_empty() {
            p { "You have no saved searches. " a href="/search" { "Search" } ", then choose " strong { "Save this search" } " under the results." }
        } @else {
            @for s in &saved { (row(viewer, s)) }
        }
    };
    Ok(page(if state.errors.is_empty() { "Saved searches" } else { "Error: Saved searches" }, Some(viewer), "", body))
}

/// `GET /alerts`.
pub async fn alerts(SignedIn(s, actor, viewer): SignedIn, notice: Done<AlertsNotice>) -> PageResult {
    Ok(alerts_page(&s, &actor, &viewer, &FormState::shown(notice.message())).await?.into_response())
}

/// `POST /alerts`: saves a search.
pub async fn save(CsrfForm(s, actor, viewer, form): CsrfForm<SaveForm>) -> PageResult {
    let frequency = AlertFrequency::parse(&form.frequency).map_err(|e| ServiceError::Invalid(vec![e]));
    let saved = match frequency {
        Ok(f) => s.app.save_search(&actor, &form.name, &form.query, f).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => Ok(done("/alerts", AlertsNotice::Saved)),
        Err(ServiceError::TooLarge(m)) => {
            let state = FormState::with_errors(form, vec![("name".to_string(), capitalised(&m))]);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, alerts_page(&s, &actor, &viewer, &state).await?).into_response())
        }
        Err(e) => {
            let state = FormState::refused(form, e)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, alerts_page(&s, &actor, &viewer, &state).await?).into_response())
        }
    }
}

/// `POST /alerts/{id}/frequency`.
pub async fn change(PagePath(id): PagePath<i64>, CsrfForm(s, actor, _, form): CsrfForm<Vec<(String, String)>>) -> PageResult {
    let chosen = form.iter().find(|(k, _)| k.starts_with("frequency")).map(|(_, v)| v.as_str()).unwrap_or_default();
    let frequency = AlertFrequency::parse(chosen).map_err(|e| ServiceError::Invalid(vec![e]))?;
    s.app.set_alert_frequency(&actor, id, frequency).await?;
    Ok(done("/alerts", AlertsNotice::Changed))
}

/// `POST /alerts/{id}/delete`.
pub async fn delete(PagePath(id): PagePath<i64>, CsrfForm(s, actor, _, CsrfOnly {}): CsrfForm<CsrfOnly>) -> PageResult {
    s.app.delete_saved_search(&actor, id).await?;
    Ok(done("/alerts", AlertsNotice::Deleted))
}

/// `GET /alerts/open/{id}/{asset}`: a digest's link. Counted, then on to the asset,
/// only if the reader may see it now.
pub async fn open(SignedIn(s, actor, _): SignedIn, PagePath((id, asset)): PagePath<(i64, i64)>) -> PageResult {
    s.app.open_from_alert(&actor, id, signpost_domain::AssetId(asset)).await?;
    Ok(see_other(&format!("/assets/{asset}")))
}

/// `GET /alerts/everyone`: every member's saved searches (knowledge specialists).
pub async fn everyone(SignedIn(s, actor, viewer): SignedIn, notice: Done<AlertsNotice>) -> PageResult {
    let all = s.app.everyones_saved_searches(&actor).await?;
    let profiles = s.app.everyones_interest_profiles(&actor).await?;
    let terms: Vec<String> = s.app.thesaurus(&actor).await?.terms.into_iter().map(|t| t.label).collect();
    let body = html! {
        @if let Some(message) = notice.message() { (success_banner(message)) }
        a class="nhsuk-back-link" href="/alerts" { "Your saved searches" }
        h1 { "What members follow" }
        p { "Every interest profile and saved search, with how often it is sent. You are told when a member changes their profile or saves a search. Suggest subjects a member may have missed; pause a search that should stop, such as a leaver's: its owner is told and can start it again." }
        (super::interests::profiles_section(&viewer, &profiles, &terms))
        h2 { "Saved searches" }
        @if all.is_empty() {
            p { "Nobody has saved a search yet." }
        } @else {
            table class="nhsuk-table" {
                caption class="nhsuk-table__caption" { (counted(all.len() as i64, "saved search", "saved searches")) }
                (table_head(&["Member", "Search", "How often", "Action"]))
                tbody class="nhsuk-table__body" {
                    @for (name, search) in &all {
                        tr class="nhsuk-table__row" {
                            td class="nhsuk-table__cell" { (name) }
                            td class="nhsuk-table__cell" {
                                a href={ "/search?" (search.query) } { (search.name) }
                                @if let Some(problem) = &search.problem { br; span class="nhsuk-body-s" { "Cannot run: " (problem) } }
                            }
                            td class="nhsuk-table__cell" { (search.frequency.describe()) }
                            td class="nhsuk-table__cell" {
                                @if search.frequency != AlertFrequency::Paused {
                                    form method="post" action={ "/alerts/" (search.id) "/pause" } novalidate {
                                        (csrf_field(&viewer.csrf_token))
                                        button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0" data-module="nhsuk-button" type="submit" {
                                            "Pause" span class="nhsuk-u-visually-hidden" { " " (name) "'s search " (search.name) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page("What members follow", Some(&viewer), "", body).into_response())
}

/// `POST /alerts/{id}/pause` (knowledge specialists).
pub async fn pause(PagePath(id): PagePath<i64>, CsrfForm(s, actor, _, CsrfOnly {}): CsrfForm<CsrfOnly>) -> PageResult {
    s.app.pause_saved_search_for(&actor, id).await?;
    Ok(done("/alerts/everyone", AlertsNotice::Paused))
}
