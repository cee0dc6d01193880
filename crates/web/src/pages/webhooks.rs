//! `/webhooks`: the endpoints other systems hear Signpost's events at (admins for the
//! organisation, coordinators for their community), each with its signing secret,
//! delivery log and a way to send a message again.
use axum::http::StatusCode;
use serde::Deserialize;
use signpost_domain::ids::{CommunityId, EndpointId};
use signpost_domain::webhooks::{Endpoint, MessageState};
use signpost_services::webhooks::{EndpointInput, event_types};

use crate::pages::form::checkbox_list;
use crate::pages::layout::pagination;
use crate::pages::prelude::*;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new()
        .page("/webhooks", list)
        .form("/webhooks", register)
        .form_back("/webhooks/allow-list", "/webhooks", save_allow_list)
        .page("/webhooks/{id}", show)
        .form("/webhooks/{id}", update)
        .form_back("/webhooks/{id}/rotate", "/webhooks", rotate)
        .form_back("/webhooks/{id}/enabled", "/webhooks", set_enabled)
        .form_back("/webhooks/{id}/delete", "/webhooks", delete)
        .form_back("/webhooks/{id}/replay", "/webhooks", replay)
}

crate::page_form! {
    /// An endpoint as typed.
    pub struct EndpointForm / EndpointNames { url: String, description: String, events: Vec<String>, scope: String, version: i64 }
}

crate::page_form! {
    /// The allow-list as typed.
    pub struct AllowForm / AllowNames { allow_list: String }
}

crate::page_form! {
    /// A change that names the version it was made against.
    pub struct VersionForm / VersionNames { version: i64, enabled: String }
}

crate::page_form! {
    /// A message to send again.
    pub struct ReplayForm / ReplayNames { message_id: String }
}

crate::notices! {
    /// What the pages say after a change.
    pub enum WebhooksNotice {
        Registered => "Endpoint added. Give its signing secret to the receiving system so it can check each delivery.",
        Saved => "Endpoint saved.",
        Rotated => "New signing secret made. Deliveries are signed with the old one as well for the next 24 hours.",
        Enabled => "Endpoint enabled. Send again any messages it missed from the list below.",
        Disabled => "Endpoint disabled. Nothing is sent to it until it is enabled.",
        Deleted => "Endpoint removed.",
        Replayed => "The message will be sent again in a moment, with the same webhook-id.",
        AllowSaved => "Allow-list saved.",
    }
}

const PER_PAGE: i64 = 20;

fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%-d %b %Y %H:%M:%S UTC").to_string()
}

fn event_boxes(chosen: &[String]) -> Vec<(String, String, bool)> {
    event_types().into_iter().map(|(e, text)| (e.to_string(), format!("{text} ({e})"), chosen.iter().any(|c| c == e))).collect()
}

fn state_tag(e: &Endpoint) -> Markup {
    html! {
        @if !e.enabled { strong class="nhsuk-tag nhsuk-tag--red" { "Disabled" } }
        @else if e.failing_since.is_some() { strong class="nhsuk-tag nhsuk-tag--orange" { "Failing" } }
        @else { strong class="nhsuk-tag nhsuk-tag--green" { "Working" } }
    }
}

async fn list_page(
    s: &AppState,
    actor: &Actor,
    viewer: &Viewer,
    form: &FormState<EndpointForm>,
    allow: &FormState<AllowForm>,
) -> PageMarkup {
    let endpoints = s.app.webhooks(actor).await?;
    let scopes = s.app.webhook_scopes(actor).await?;
    let admin = scopes.iter().any(|(c, _)| c.is_none());
    let allow_text = if allow.errors.is_empty() { s.app.webhook_allow_list().await.to_text() } else { allow.values.allow_list.clone() };
    let errors: Errors = form.errors.iter().chain(allow.errors.iter()).cloned().collect();
    let options: Vec<(String, String)> =
        scopes.iter().map(|(c, name)| (c.map(|c| c.to_string()).unwrap_or_default(), name.clone())).collect();
    let v = &form.values;
    let body = html! {
        div class="nhsuk-grid-row" { div class="nhsuk-grid-column-two-thirds" {
            (error_summary(&errors))
            @if let Some(n) = form.notice.or(allow.notice) { (success_banner(n)) }
            h1 { "Webhooks" }
            p { "Other systems can hear of what happens in Signpost as it happens: knowledge published, lessons and actions, questions, sessions, leavers' plans and coffee rounds. Each delivery is signed as the " a href="https://www.standardwebhooks.com/" { "Standard Webhooks" } " specification describes, so any of its libraries can check it, and carries only what anyone in the organisation may read." }
            h2 { "Endpoints" }
            @if endpoints.is_empty() { p id="no-endpoints" { "None yet." } }
            @else {
                table class="nhsuk-table" id="endpoints" {
                    caption class="nhsuk-table__caption nhsuk-u-visually-hidden" { "Endpoints" }
                    (table_head(&["Address", "Events", "State"]))
                    tbody class="nhsuk-table__body" {
                        @for e in &endpoints {
                            tr class="nhsuk-table__row" {
                                td class="nhsuk-table__cell" { a href={ "/webhooks/" (e.id) } { (e.url) } @if !e.description.is_empty() { br; span class="nhsuk-body-s" { (e.description) } } }
                                td class="nhsuk-table__cell" { @if e.events.is_empty() { "Every event" } @else { (e.events.join(", ")) } }
                                td class="nhsuk-table__cell" { (state_tag(e)) }
                            }
                        }
                    }
                }
            }
            @if scopes.is_empty() {
                p { "Administrators add webhooks for the organisation, and a community's coordinators for their community." }
            } @else {
                h2 { "Add an endpoint" }
                form method="post" action="/webhooks" novalidate {
                    (csrf_field(&viewer.csrf_token))
                    (Field::new("url", "Address").hint("Where Signpost sends each event, starting https://").errors(&form.errors).input("url", &v.url))
                    (Field::new("description", "What it is for (optional)").errors(&form.errors).input("text", &v.description))
                    @if options.len() > 1 || !admin {
                        (Field::new("scope", "Events about").errors(&form.errors).select(&options, &v.scope))
                    }
                    (checkbox_list("events", "Events to send", "Leave them all unticked to send every event, including ones added later.", &event_boxes(&v.events)))
                    button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Add endpoint" }
                }
            }
            @if admin {
                h2 { "Addresses inside the network" }
                p { "Deliveries never go to loopback, private, link-local or cloud metadata addresses, whatever a name resolves to, unless they are listed here. List only receivers you trust." }
                form method="post" action="/webhooks/allow-list" novalidate {
                    (csrf_field(&viewer.csrf_token))
                    (Field::new("allow_list", "Allowed addresses and ranges").hint("For example 10.20.0.0/16, 127.0.0.1; separate them with commas or spaces.").errors(&allow.errors).textarea(3, &allow_text))
                    button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" type="submit" { "Save allow-list" }
                }
            }
        } }
    };
    Ok(page(if errors.is_empty() { "Webhooks" } else { "Error: Webhooks" }, Some(viewer), "", body))
}

/// `GET /webhooks`.
pub async fn list(SignedIn(s, actor, viewer): SignedIn, notice: Done<WebhooksNotice>) -> PageResult {
    let form = FormState::shown(notice.message());
    Ok(list_page(&s, &actor, &viewer, &form, &FormState::default()).await?.into_response())
}

fn input(form: &EndpointForm) -> Result<EndpointInput, ServiceError> {
    let community_id = match form.scope.trim() {
        "" => None,
        id => Some(id.parse::<CommunityId>().map_err(|_| ServiceError::invalid("scope", "Choose what the endpoint hears about"))?),
    };
    Ok(EndpointInput { url: form.url.clone(), description: form.description.clone(), events: form.events.clone(), community_id })
}

/// `POST /webhooks`.
pub async fn register(CsrfForm(s, actor, viewer, form): CsrfForm<EndpointForm>) -> PageResult {
    let result = match input(&form) {
        Ok(i) => s.app.register_webhook(&actor, i).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(e) => Ok(done(&format!("/webhooks/{}", e.id), WebhooksNotice::Registered)),
        Err(e) => {
            let state = FormState::refused(form, e)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, list_page(&s, &actor, &viewer, &state, &FormState::default()).await?).into_response())
        }
    }
}

/// `POST /webhooks/allow-list`.
pub async fn save_allow_list(CsrfForm(s, actor, viewer, form): CsrfForm<AllowForm>) -> PageResult {
    match s.app.set_webhook_allow_list(&actor, &form.allow_list).await {
        Ok(_) => Ok(done("/webhooks", WebhooksNotice::AllowSaved)),
        Err(e) => {
            let state = FormState::refused(form, e)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, list_page(&s, &actor, &viewer, &FormState::default(), &state).await?).into_response())
        }
    }
}

/// Which page of the log.
#[derive(Deserialize)]
pub struct LogQuery {
    page: Option<i64>,
}

async fn endpoint_page(
    s: &AppState,
    actor: &Actor,
    viewer: &Viewer,
    id: EndpointId,
    page_no: i64,
    form: Option<&FormState<EndpointForm>>,
    notice: Option<&str>,
) -> PageMarkup {
    let e = s.app.webhook(actor, id).await?;
    let messages = s.app.webhook_messages(actor, id, (page_no - 1) * PER_PAGE, PER_PAGE).await?;
    let attempts = s.app.webhook_attempts(actor, id, 0, PER_PAGE).await?;
    let pages = (messages.total + PER_PAGE - 1) / PER_PAGE;
    let errors = form.map(|f| f.errors.clone()).unwrap_or_default();
    let shown = form.map(|f| f.values.clone()).unwrap_or_else(|| EndpointForm {
        url: e.url.clone(),
        description: e.description.clone(),
        events: e.events.clone(),
        ..EndpointForm::default()
    });
    let now = chrono::Utc::now();
    let body = html! {
        div class="nhsuk-grid-row" { div class="nhsuk-grid-column-full" {
            (error_summary(&errors))
            @if let Some(n) = notice { (success_banner(n)) }
            a class="nhsuk-back-link" href="/webhooks" { "Webhooks" }
            h1 { span class="nhsuk-caption-l" { "Webhook endpoint" } (e.url) }
            dl class="nhsuk-summary-list" {
                div class="nhsuk-summary-list__row" { dt class="nhsuk-summary-list__key" { "State" } dd class="nhsuk-summary-list__value" {
                    (state_tag(&e))
                    @if !e.enabled && !e.disabled_reason.is_empty() { " " (capitalised(&e.disabled_reason)) "." }
                    @if let Some(since) = e.failing_since.filter(|_| e.enabled) { " Every attempt since " (when(since)) " has failed; it is disabled after five days of failures." }
                } }
                div class="nhsuk-summary-list__row" { dt class="nhsuk-summary-list__key" { "Events" } dd class="nhsuk-summary-list__value" { @if e.events.is_empty() { "Every event" } @else { (e.events.join(", ")) } } }
                div class="nhsuk-summary-list__row" { dt class="nhsuk-summary-list__key" { "Signing secret" } dd class="nhsuk-summary-list__value" {
                    details class="nhsuk-details nhsuk-u-margin-bottom-0" {
                        summary class="nhsuk-details__summary" { span class="nhsuk-details__summary-text" { "Show the secret" } }
                        div class="nhsuk-details__text" { code id="secret" { (e.secret) } }
                    }
                    @if let Some(until) = e.previous_until.filter(|u| *u > now) { p class="nhsuk-body-s nhsuk-u-margin-top-2 nhsuk-u-margin-bottom-0" { "The previous secret also signs deliveries until " (when(until)) "." } }
                } }
            }
            div class="nhsuk-button-group" {
                form method="post" action={ "/webhooks/" (id) "/rotate" } novalidate {
                    (csrf_field(&viewer.csrf_token)) input type="hidden" name="version" value=(e.version);
                    button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" type="submit" { "Make a new secret" }
                }
                form method="post" action={ "/webhooks/" (id) "/enabled" } novalidate {
                    (csrf_field(&viewer.csrf_token)) input type="hidden" name="version" value=(e.version);
                    input type="hidden" name="enabled" value=(if e.enabled { "no" } else { "yes" });
                    button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" type="submit" { @if e.enabled { "Disable" } @else { "Enable" } }
                }
                form method="post" action={ "/webhooks/" (id) "/delete" } novalidate {
                    (csrf_field(&viewer.csrf_token))
                    button class="nhsuk-button nhsuk-button--warning" data-module="nhsuk-button" type="submit" { "Remove endpoint" }
                }
            }
            h2 { "Messages" }
            p { "One message for each event the endpoint heard of. Its webhook-id stays the same on every attempt and when it is sent again, so the receiver can ignore a repeat." }
            @if messages.items.is_empty() { p id="no-messages" { "No events yet." } }
            @else {
                table class="nhsuk-table" id="messages" {
                    caption class="nhsuk-table__caption nhsuk-u-visually-hidden" { "Messages" }
                    (table_head(&["Event", "webhook-id", "When", "Attempts", "State", ""]))
                    tbody class="nhsuk-table__body" {
                        @for m in &messages.items {
                            tr class="nhsuk-table__row" {
                                td class="nhsuk-table__cell" { (m.event_type) }
                                td class="nhsuk-table__cell" { code { (m.id) } }
                                td class="nhsuk-table__cell" { (when(m.created_at)) }
                                td class="nhsuk-table__cell" { (m.attempts) }
                                td class="nhsuk-table__cell" { (match m.state { MessageState::Pending => "Waiting", MessageState::Delivered => "Delivered", MessageState::Failed => "Failed" }) }
                                td class="nhsuk-table__cell" {
                                    form method="post" action={ "/webhooks/" (id) "/replay" } novalidate {
                                        (csrf_field(&viewer.csrf_token)) input type="hidden" name="message_id" value=(m.id);
                                        button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0" data-module="nhsuk-button" type="submit" {
                                            "Send again" span class="nhsuk-u-visually-hidden" { " " (m.id) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                (pagination(page_no, pages, |p| format!("/webhooks/{id}?page={p}")))
            }
            h2 { "Delivery log" }
            p { "The latest " (PER_PAGE) " attempts: what was sent, what came back and how long it took." }
            @if attempts.items.is_empty() { p id="no-attempts" { "No attempts yet." } }
            @else {
                table class="nhsuk-table" id="attempts" {
                    caption class="nhsuk-table__caption nhsuk-u-visually-hidden" { "Delivery log" }
                    (table_head(&["When", "Request", "Response", "Took"]))
                    tbody class="nhsuk-table__body" {
                        @for a in &attempts.items {
                            tr class="nhsuk-table__row" {
                                td class="nhsuk-table__cell" { (when(a.at)) br; span class="nhsuk-body-s" { (a.event_type) } }
                                td class="nhsuk-table__cell" { pre class="signpost-pre nhsuk-body-s" { (a.request) } }
                                td class="nhsuk-table__cell" {
                                    @if a.delivered { strong class="nhsuk-tag nhsuk-tag--green" { (a.status.unwrap_or_default()) } }
                                    @else if let Some(st) = a.status { strong class="nhsuk-tag nhsuk-tag--red" { (st) } }
                                    @else { strong class="nhsuk-tag nhsuk-tag--red" { "No response" } }
                                    @if !a.response.is_empty() { br; span class="nhsuk-body-s" { (a.response.chars().take(300).collect::<String>()) } }
                                }
                                td class="nhsuk-table__cell" { (a.duration_ms) " ms" }
                            }
                        }
                    }
                }
            }
            h2 { "Change the endpoint" }
            div class="nhsuk-grid-row" { div class="nhsuk-grid-column-two-thirds" {
                form method="post" action={ "/webhooks/" (id) } novalidate {
                    (csrf_field(&viewer.csrf_token)) input type="hidden" name="version" value=(e.version);
                    (Field::new("url", "Address").errors(&errors).input("url", &shown.url))
                    (Field::new("description", "What it is for (optional)").errors(&errors).input("text", &shown.description))
                    (checkbox_list("events", "Events to send", "Leave them all unticked to send every event.", &event_boxes(&shown.events)))
                    button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Save changes" }
                }
            } }
        } }
    };
    Ok(page(&format!("{}Webhook endpoint {}", if errors.is_empty() { "" } else { "Error: " }, e.url), Some(viewer), "", body))
}

/// `GET /webhooks/{id}`.
pub async fn show(
    SignedIn(s, actor, viewer): SignedIn,
    PagePath(id): PagePath<EndpointId>,
    PageQuery(q): PageQuery<LogQuery>,
    notice: Done<WebhooksNotice>,
) -> PageResult {
    Ok(endpoint_page(&s, &actor, &viewer, id, q.page.unwrap_or(1).max(1), None, notice.message()).await?.into_response())
}

/// `POST /webhooks/{id}`.
pub async fn update(PagePath(id): PagePath<EndpointId>, CsrfForm(s, actor, viewer, form): CsrfForm<EndpointForm>) -> PageResult {
    let i = EndpointInput { url: form.url.clone(), description: form.description.clone(), events: form.events.clone(), community_id: None };
    match s.app.update_webhook(&actor, id, form.version, i).await {
        Ok(_) => Ok(done(&format!("/webhooks/{id}"), WebhooksNotice::Saved)),
        Err(e) => {
            let state = FormState::with_errors(form, refused_as(e, |f| if f == "name" { "url".to_string() } else { f.to_string() })?);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, endpoint_page(&s, &actor, &viewer, id, 1, Some(&state), None).await?).into_response())
        }
    }
}

/// `POST /webhooks/{id}/rotate`.
pub async fn rotate(PagePath(id): PagePath<EndpointId>, CsrfForm(s, actor, _, form): CsrfForm<VersionForm>) -> PageResult {
    s.app.rotate_webhook_secret(&actor, id, form.version).await?;
    Ok(done(&format!("/webhooks/{id}"), WebhooksNotice::Rotated))
}

/// `POST /webhooks/{id}/enabled`.
pub async fn set_enabled(PagePath(id): PagePath<EndpointId>, CsrfForm(s, actor, _, form): CsrfForm<VersionForm>) -> PageResult {
    let enabled = form.enabled == "yes";
    s.app.set_webhook_enabled(&actor, id, form.version, enabled).await?;
    Ok(done(&format!("/webhooks/{id}"), if enabled { WebhooksNotice::Enabled } else { WebhooksNotice::Disabled }))
}

/// `POST /webhooks/{id}/delete`.
pub async fn delete(PagePath(id): PagePath<EndpointId>, CsrfForm(s, actor, _, CsrfOnly {}): CsrfForm<CsrfOnly>) -> PageResult {
    s.app.delete_webhook(&actor, id).await?;
    Ok(done("/webhooks", WebhooksNotice::Deleted))
}

/// `POST /webhooks/{id}/replay`.
pub async fn replay(PagePath(id): PagePath<EndpointId>, CsrfForm(s, actor, _, form): CsrfForm<ReplayForm>) -> PageResult {
    s.app.replay_webhook(&actor, id, &form.message_id).await?;
    Ok(done(&format!("/webhooks/{id}"), WebhooksNotice::Replayed))
}
