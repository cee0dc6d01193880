//! People's accounts, for administrators: the list, adding someone (an invitation by
//! email, or a password set now), editing their details, role and line manager,
//! disabling and enabling an account, and signing someone out everywhere. The services
//! refuse anyone but an administrator; these pages only lay out the forms.
use axum::http::StatusCode;
use serde::Deserialize;
use signpost_domain::people::{NewUser, Role, User};
use signpost_services::accounts::{INVITATION_DAYS, UserUpdate};
use signpost_services::{ServiceError, policy};

use crate::pages::layout::pagination;
use crate::pages::prelude::*;
use signpost_domain::ids::UserId;

crate::page_form! {
    /// Adding a person.
    pub struct AddForm / AddNames { name: String, email: String, job_title: String, team_id: String, role: String, how: String, password: String }
}

crate::page_form! {
    /// A person's details, as an administrator edits them.
    pub struct DetailsForm / DetailsNames { name: String, email: String, job_title: String, team_id: String, line_manager_id: String }
}

crate::page_form! {
    /// A person's role.
    pub struct RoleForm / RoleNames { role: String }
}

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new()
        .page("/admin/users", users)
        .form("/admin/users", add_user)
        .page("/admin/users/{id}", user)
        .form("/admin/users/{id}", save_details)
        .form("/admin/users/{id}/role", set_role)
        .form_back("/admin/users/{id}/revoke-access", "/admin/users/{id}", revoke_access)
        .form_back("/admin/users/{id}/disable", "/admin/users/{id}", disable)
        .form_back("/admin/users/{id}/enable", "/admin/users/{id}", enable)
        .form_back("/admin/users/{id}/invite", "/admin/users/{id}", invite)
}

const PER_PAGE: i64 = 50;

/// Which page of the list.
#[derive(Deserialize)]
pub struct PageNumber {
    page: Option<i64>,
}

crate::notices! {
    /// What the account pages say after a change; the account page names the person
    /// (see [`user`]).
    pub enum UserNotice {
        Added => "The person was added. They can sign in now.",
        Invited => "The person was added and sent an invitation to choose their password.",
        Details => "Their details are saved.",
        Role => "The role is changed.",
        Revoked => "They are signed out everywhere and every API token of theirs is revoked.",
        Disabled => "Their account is disabled.",
        Enabled => "Their account works again.",
        InvitationSent => "A new invitation is on its way.",
    }
}

fn role_options() -> Vec<(String, String)> {
    Role::ALL.iter().map(|r| (r.as_str().to_string(), label(r.as_str()))).collect()
}

async fn team_options(s: &AppState, actor: &Actor) -> Result<Vec<(String, String)>, PageError> {
    let mut options = vec![(String::new(), "No team".to_string())];
    options.extend(s.app.teams(actor).await?.into_iter().map(|t| (t.id.to_string(), t.name)));
    Ok(options)
}

fn how_radios(form: &AddForm, errors: &Errors, mails: bool) -> Markup {
    let how = if form.how.is_empty() { if mails { "invite" } else { "password" } } else { form.how.as_str() };
    html! {
        @if mails {
            div class="nhsuk-form-group" {
                fieldset class="nhsuk-fieldset" {
                    legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s" { "How they get their password" }
                    div class="nhsuk-radios" data-module="nhsuk-radios" {
                        div class="nhsuk-radios__item" {
                            input class="nhsuk-radios__input" id="how-invite" name=(AddForm::NAMES.how) type="radio" value="invite" checked[how == "invite"] aria-describedby="how-invite-hint";
                            label class="nhsuk-label nhsuk-radios__label" for="how-invite" { "Email them an invitation" }
                            div class="nhsuk-hint nhsuk-radios__hint" id="how-invite-hint" { "They choose their own password from a link that works for " (INVITATION_DAYS) " days." }
                        }
                        div class="nhsuk-radios__item" {
                            input class="nhsuk-radios__input" id="how-password" name=(AddForm::NAMES.how) type="radio" value="password" checked[how == "password"];
                            label class="nhsuk-label nhsuk-radios__label" for="how-password" { "Set a password now and tell them it" }
                        }
                    }
                }
            }
            (Field::new(AddForm::NAMES.password, "Password (only if you set one now)").hint("At least 12 characters. They can change it under Your account.").errors(errors).password("new-password"))
        } @else {
            input type="hidden" name=(AddForm::NAMES.how) value="password";
            (Field::new(AddForm::NAMES.password, "Password").hint("At least 12 characters. Tell them it; they can change it under Your account. (Signpost cannot send email here, so it cannot send invitations.)").errors(errors).password("new-password"))
        }
    }
}

fn users_page(viewer: &Viewer, list: &Markup, state: &FormState<AddForm>, teams: &[(String, String)], mails: bool) -> Markup {
    let (form, errors) = (&state.values, &state.errors);
    page(
        if errors.is_empty() { "Users and roles" } else { "Error: Users and roles" },
        Some(viewer),
        "",
        html! {
            @if let Some(d) = state.notice { (success_banner(d)) }
            (error_summary(errors))
            h1 { "Users and roles" }
            (list)
            h2 { "Add a person" }
            form method="post" action="/admin/users" novalidate {
                (csrf_field(&viewer.csrf_token))
                (Field::new(AddForm::NAMES.name, "Full name").errors(errors).input("text", form.name.as_str()))
                (Field::new(AddForm::NAMES.email, "Email address").hint("They sign in with it.").errors(errors).email(form.email.as_str()))
                (Field::new(AddForm::NAMES.job_title, "Job title").errors(errors).input("text", form.job_title.as_str()))
                (Field::new(AddForm::NAMES.team_id, "Team").errors(errors).select(teams, form.team_id.as_str()))
                (Field::new(AddForm::NAMES.role, "Role").errors(errors).select(&role_options(), if form.role.is_empty() { "member" } else { form.role.as_str() }))
                (how_radios(form, errors, mails))
                button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Add person" }
            }
        },
    )
}

async fn user_list(s: &AppState, actor: &Actor, page_no: i64) -> PageMarkup {
    let users = s.app.users(actor, (page_no - 1) * PER_PAGE, PER_PAGE).await?;
    let pages = (users.total + PER_PAGE - 1) / PER_PAGE;
    Ok(html! {
        table class="nhsuk-table" {
            caption class="nhsuk-table__caption" { (counted(users.total, "person", "people")) }
            (table_head(&["Name", "Email", "Role", "Account"]))
            tbody class="nhsuk-table__body" {
                @for u in &users.items {
                    tr class="nhsuk-table__row" {
                        td class="nhsuk-table__cell" { a href={ "/admin/users/" (u.id) } { (u.name) } }
                        td class="nhsuk-table__cell" { (u.email) }
                        td class="nhsuk-table__cell" { (label(u.role.as_str())) }
                        td class="nhsuk-table__cell" { (status_tag(u)) }
                    }
                }
            }
        }
        (pagination(page_no, pages, |p| format!("/admin/users?page={p}")))
    })
}

fn status_tag(u: &User) -> Markup {
    html! {
        @if u.disabled_at.is_some() { strong class="nhsuk-tag nhsuk-tag--grey" { "Disabled" } }
        @else { strong class="nhsuk-tag nhsuk-tag--green" { "Active" } }
    }
}

/// `GET /admin/users`.
pub async fn users(SignedIn(s, actor, viewer): SignedIn, PageQuery(q): PageQuery<PageNumber>, notice: Done<UserNotice>) -> PageResult {
    policy::ensure_admin(&actor)?;
    let list = user_list(&s, &actor, q.page.unwrap_or(1).max(1)).await?;
    let teams = team_options(&s, &actor).await?;
    Ok(users_page(&viewer, &list, &FormState::shown(notice.message()), &teams, s.app.mails()).into_response())
}

/// `POST /admin/users`: adds a person, inviting them by email or with a password set now.
pub async fn add_user(CsrfForm(s, actor, viewer, form): CsrfForm<AddForm>) -> PageResult {
    let role = Role::parse(form.role.as_str()).unwrap_or(Role::Member);
    let new = NewUser {
        job_title: form.job_title.clone(),
        team_id: form.team_id.parse().ok(),
        ..NewUser::new(form.email.clone(), form.name.clone(), role)
    };
    let outcome = if form.how == "invite" {
        s.app.invite_user(&actor, new).await.map(|_| UserNotice::Invited)
    } else {
        s.app.create_user(Some(&actor), new, Some(form.password.clone())).await.map(|_| UserNotice::Added)
    };
    match outcome {
        Ok(notice) => Ok(done("/admin/users", notice)),
        Err(e) => {
            let state = FormState::refused(AddForm { password: String::new(), ..form }, e)?;
            let list = user_list(&s, &actor, 1).await?;
            let markup = users_page(&viewer, &list, &state, &team_options(&s, &actor).await?, s.app.mails());
            Ok((StatusCode::UNPROCESSABLE_ENTITY, markup).into_response())
        }
    }
}

fn user_page(
    viewer: &Viewer,
    u: &User,
    people: &[User],
    teams: &[(String, String)],
    state: &FormState<DetailsForm>,
    banner: Option<String>,
    mails: bool,
) -> Markup {
    let (form, errors) = (&state.values, &state.errors);
    let form = if errors.is_empty() {
        DetailsForm {
            name: u.name.clone(),
            email: u.email.clone(),
            job_title: u.job_title.clone(),
            team_id: u.team_id.map(|t| t.to_string()).unwrap_or_default(),
            line_manager_id: u.line_manager_id.map(|m| m.to_string()).unwrap_or_default(),
        }
    } else {
        form.clone()
    };
    let mut managers = vec![(String::new(), "No line manager recorded".to_string())];
    managers.extend(people.iter().filter(|p| p.id != u.id && p.disabled_at.is_none()).map(|p| (p.id.to_string(), p.name.clone())));
    let id = u.id;
    let button_form = |action: &str, text: &str, class: &str| {
        html! {
            form method="post" action={ "/admin/users/" (id) "/" (action) } novalidate {
                (csrf_field(&viewer.csrf_token))
                button class={ "nhsuk-button " (class) } data-module="nhsuk-button" type="submit" { (text) }
            }
        }
    };
    let body = html! {
        @if let Some(b) = &banner { (success_banner(b)) }
        (error_summary(errors))
        a class="nhsuk-back-link" href="/admin/users" { "Back to users and roles" }
        h1 { (u.name) " " (status_tag(u)) }
        p { a href={ "/people/" (u.id) } { "Profile" } }
        h2 { "Details" }
        form method="post" action={ "/admin/users/" (id) } novalidate {
            (csrf_field(&viewer.csrf_token))
            (Field::new(DetailsForm::NAMES.name, "Full name").errors(errors).input("text", &form.name))
            (Field::new(DetailsForm::NAMES.email, "Email address").hint("They sign in with it.").errors(errors).email(&form.email))
            (Field::new(DetailsForm::NAMES.job_title, "Job title").errors(errors).input("text", &form.job_title))
            (Field::new(DetailsForm::NAMES.team_id, "Team").errors(errors).select(teams, &form.team_id))
            (Field::new(DetailsForm::NAMES.line_manager_id, "Line manager").hint("A leaver's plan goes to their line manager to agree.").errors(errors).select(&managers, &form.line_manager_id))
            button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Save details" }
        }
        h2 { "Role" }
        form method="post" action={ "/admin/users/" (id) "/role" } novalidate {
            (csrf_field(&viewer.csrf_token))
            (Field::new(RoleForm::NAMES.role, "Role").hint("Administrators manage accounts and settings. Knowledge specialists curate knowledge across the organisation. Guests can only read what is public.").select(&role_options(), u.role.as_str()))
            button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Change role" }
        }
        @if u.disabled_at.is_none() {
            @if mails {
                h2 { "Send a password link" }
                p { "Emails them an invitation to choose a password, for someone who has not yet chosen one or has lost the first email. It works for " (INVITATION_DAYS) " days." }
                (button_form("invite", "Send an invitation", "nhsuk-button--secondary"))
            }
            h2 { "Sign them out everywhere" }
            p { "For a lost device or a token that may have leaked: ends every session they have open and revokes every API token of theirs. They can sign in again." }
            (button_form("revoke-access", "Sign out everywhere and revoke tokens", "nhsuk-button--secondary"))
            h2 { "Disable the account" }
            p { "For someone who has left: they cannot sign in, and their sessions and API tokens stop working at once. What they wrote stays. You can enable the account again." }
            (button_form("disable", "Disable account", "nhsuk-button--warning"))
        } @else {
            h2 { "Enable the account" }
            p { "Lets them sign in again with their password. Tokens revoked when it was disabled stay revoked." }
            (button_form("enable", "Enable account", ""))
        }
    };
    page(&if errors.is_empty() { u.name.clone() } else { format!("Error: {}", u.name) }, Some(viewer), "", body)
}

async fn show_user(
    s: &AppState,
    actor: &Actor,
    viewer: &Viewer,
    id: UserId,
    state: &FormState<DetailsForm>,
    banner: Option<String>,
) -> PageMarkup {
    let u = s.app.user(actor, id).await?;
    let people = s.app.everyone(actor).await?;
    let teams = team_options(s, actor).await?;
    Ok(user_page(viewer, &u, &people, &teams, state, banner, s.app.mails()))
}

/// `GET /admin/users/{id}`: a person's account.
pub async fn user(SignedIn(s, actor, viewer): SignedIn, PagePath(id): PagePath<UserId>, notice: Done<UserNotice>) -> PageResult {
    policy::ensure_admin(&actor)?;
    let u = s.app.user(&actor, id).await?;
    let banner = match notice.0 {
        Some(UserNotice::Revoked) => Some(format!("{} is signed out everywhere and every API token of theirs is revoked.", u.name)),
        Some(UserNotice::Role) => Some(format!("{} is now: {}.", u.name, label(u.role.as_str()).to_lowercase())),
        Some(UserNotice::Disabled) => Some(format!("{}'s account is disabled: they are signed out and their tokens are revoked.", u.name)),
        Some(UserNotice::InvitationSent) => Some(format!("An invitation is on its way to {}.", u.email)),
        other => other.map(|n| n.message().to_string()),
    };
    Ok(show_user(&s, &actor, &viewer, id, &FormState::default(), banner).await?.into_response())
}

/// `POST /admin/users/{id}`: saves a person's details.
pub async fn save_details(PagePath(id): PagePath<UserId>, CsrfForm(s, actor, viewer, form): CsrfForm<DetailsForm>) -> PageResult {
    let manager = match form.line_manager_id.trim() {
        "" => Ok(None),
        text => text
            .parse::<UserId>()
            .map(Some)
            .map_err(|_| ServiceError::invalid(DetailsForm::NAMES.line_manager_id, "choose a person from the list")),
    };
    let update = |manager| UserUpdate {
        name: Some(form.name.clone()),
        email: Some(form.email.clone()),
        job_title: Some(form.job_title.clone()),
        team_id: form.team_id.parse().ok(),
        line_manager_id: Some(manager),
        ..UserUpdate::default()
    };
    let outcome = match manager {
        Ok(manager) => s.app.update_user(&actor, id, update(manager)).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(_) => Ok(done(&format!("/admin/users/{id}"), UserNotice::Details)),
        Err(e) => {
            let state = FormState::refused(form, e)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, show_user(&s, &actor, &viewer, id, &state, None).await?).into_response())
        }
    }
}

/// `POST /admin/users/{id}/role`.
pub async fn set_role(PagePath(id): PagePath<UserId>, CsrfForm(s, actor, _, f): CsrfForm<RoleForm>) -> PageResult {
    let role = Role::parse(&f.role).map_err(|e| ServiceError::Invalid(vec![e]))?;
    s.app.set_role(&actor, id, role).await?;
    Ok(done(&format!("/admin/users/{id}"), UserNotice::Role))
}

/// `POST /admin/users/{id}/revoke-access`.
pub async fn revoke_access(PagePath(id): PagePath<UserId>, CsrfForm(s, actor, _, CsrfOnly {}): CsrfForm<CsrfOnly>) -> PageResult {
    s.app.revoke_access(&actor, id).await?;
    Ok(done(&format!("/admin/users/{id}"), UserNotice::Revoked))
}

/// `POST /admin/users/{id}/disable`.
pub async fn disable(PagePath(id): PagePath<UserId>, CsrfForm(s, actor, _, CsrfOnly {}): CsrfForm<CsrfOnly>) -> PageResult {
    s.app.disable_user(&actor, id).await?;
    Ok(done(&format!("/admin/users/{id}"), UserNotice::Disabled))
}

/// `POST /admin/users/{id}/enable`.
pub async fn enable(PagePath(id): PagePath<UserId>, CsrfForm(s, actor, _, CsrfOnly {}): CsrfForm<CsrfOnly>) -> PageResult {
    s.app.enable_user(&actor, id).await?;
    Ok(done(&format!("/admin/users/{id}"), UserNotice::Enabled))
}

/// `POST /admin/users/{id}/invite`.
pub async fn invite(PagePath(id): PagePath<UserId>, CsrfForm(s, actor, _, CsrfOnly {}): CsrfForm<CsrfOnly>) -> PageResult {
    s.app.resend_invitation(&actor, id).await?;
    Ok(done(&format!("/admin/users/{id}"), UserNotice::InvitationSent))
}
