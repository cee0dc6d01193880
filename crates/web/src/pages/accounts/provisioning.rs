//! Provisioning clients (administrators): an identity provider such as Entra ID gets a
//! token here to create, change and take out people and teams over SCIM.
use axum::http::StatusCode;

use crate::pages::layout::{success_banner_with, two_thirds};
use crate::pages::prelude::*;

crate::page_form! {
    /// A new provisioning client.
    pub struct ClientForm / ClientNames { name: String }
}

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new().page("/admin/provisioning", show).form("/admin/provisioning", create).form_back(
        "/admin/provisioning/{id}/revoke",
        "/admin/provisioning",
        revoke,
    )
}

crate::notices! {
    /// What the page says after a change.
    pub enum ProvisioningNotice {
        Revoked => "The client was revoked. Its token no longer works.",
    }
}

fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%-d %B %Y %H:%M").to_string()
}

async fn provisioning_page(
    s: &AppState,
    actor: &signpost_domain::people::Actor,
    viewer: &Viewer,
    new_token: Option<&str>,
    errors: &Errors,
    done: Option<&str>,
) -> PageMarkup {
    let clients = s.app.scim_clients(actor).await?;
    let endpoint = format!("{}/scim/v2", s.app.public_url().unwrap_or("https://your-signpost-address"));
    Ok(page(
        if errors.is_empty() { "Provisioning" } else { "Error: Provisioning" },
        Some(viewer),
        "",
        two_thirds(html! {
            @if let Some(d) = done { (success_banner(d)) }
            @if let Some(token) = new_token {
                (success_banner_with("The client's token. Copy it now: it is not shown again.", html! {
                    p { code class="signpost-secret" { (token) } }
                    p { "Give your identity provider the address " code { (endpoint) } " and this token as its secret token." }
                }))
            }
            (error_summary(errors))
            h1 { "Provisioning" }
            p { "An identity provider, such as Microsoft Entra ID, can keep Signpost's people and teams up to date by SCIM 2.0. When it marks someone inactive or removes them, Signpost disables their account at once and starts a leaver's plan for their line manager." }
            p { "A client acts with your authority for as long as you are an administrator." }
            @if clients.is_empty() { p { "There are no provisioning clients." } } @else {
                table class="nhsuk-table" {
                    caption class="nhsuk-table__caption" { "Provisioning clients" }
                    (table_head(&["Name", "Made", "Last used", "Action"]))
                    tbody class="nhsuk-table__body" {
                        @for c in &clients {
                            tr class="nhsuk-table__row" {
                                td class="nhsuk-table__cell" { (c.name) }
                                td class="nhsuk-table__cell" { (when(c.created_at)) }
                                td class="nhsuk-table__cell" { (c.last_used_at.map_or_else(|| "Never".to_string(), when)) }
                                td class="nhsuk-table__cell" {
                                    @if let Some(r) = c.revoked_at { "Revoked " (when(r)) } @else {
                                        form method="post" action={ "/admin/provisioning/" (c.id) "/revoke" } novalidate {
                                            (csrf_field(&viewer.csrf_token))
                                            button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0" data-module="nhsuk-button" type="submit" {
                                                "Revoke" span class="nhsuk-u-visually-hidden" { " " (c.name) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 { "Add a provisioning client" }
            form method="post" action="/admin/provisioning" novalidate {
                (csrf_field(&viewer.csrf_token))
                (Field::new(ClientForm::NAMES.name, "Name").hint("For example, Entra ID provisioning.").errors(errors).input("text", ""))
                button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Make token" }
            }
        }),
    ))
}

/// `GET /admin/provisioning`.
pub async fn show(SignedIn(s, actor, viewer): SignedIn, notice: Done<ProvisioningNotice>) -> PageResult {
    Ok(provisioning_page(&s, &actor, &viewer, None, &vec![], notice.message()).await?.into_response())
}

/// `POST /admin/provisioning`: the token is shown once, on this answer.
pub async fn create(CsrfForm(s, actor, viewer, form): CsrfForm<ClientForm>) -> PageResult {
    match s.app.create_scim_client(&actor, &form.name).await {
        Ok((_, token)) => Ok(provisioning_page(&s, &actor, &viewer, Some(&token), &vec![], None).await?.into_response()),
        Err(e) => {
            let errors = refused_as(e, |_| ClientForm::NAMES.name.to_string())?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, provisioning_page(&s, &actor, &viewer, None, &errors, None).await?).into_response())
        }
    }
}

/// `POST /admin/provisioning/{id}/revoke`.
pub async fn revoke(PagePath(id): PagePath<i64>, CsrfForm(s, actor, _, _): CsrfForm<crate::pages::form::CsrfOnly>) -> PageResult {
    s.app.revoke_scim_client(&actor, id).await?;
    Ok(done("/admin/provisioning", ProvisioningNotice::Revoked))
}
