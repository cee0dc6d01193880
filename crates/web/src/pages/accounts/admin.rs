//! Administration: people's accounts and roles, and the organisation's teams. The
//! services refuse anyone but an administrator; these pages only lay out the forms.
use axum::http::StatusCode;
use serde::Deserialize;
use signpost_domain::people::{NewUser, Role, TeamKind};
use signpost_services::{ServiceError, policy};

use crate::pages::layout::pagination;
use crate::pages::prelude::*;
use signpost_domain::ids::UserId;

crate::page_form! {
    /// The fields of this page's forms.
    pub struct AdminForm / AdminNames { email: String, name: String, job_title: String, team_id: String, role: String, password: String, kind: String, parent_id: String }
}

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new()
        .page("/admin", index)
        .page("/admin/users", users)
        .form("/admin/users", add_user)
        .page("/admin/users/{id}", user)
        .form("/admin/users/{id}/role", set_role)
        .form("/admin/users/{id}/revoke-access", revoke_access)
        .page("/admin/teams", teams)
        .form("/admin/teams", add_team)
}

const PER_PAGE: i64 = 50;

/// Which page of the list.
#[derive(Deserialize)]
pub struct PageNumber {
    page: Option<i64>,
}

crate::notices! {
    /// What the administration pages say after a change; the account page names the
    /// person (see [`user`]).
    pub enum AdminNotice {
        Added => "The person was added. They can sign in now.",
        TeamAdded => "The team was added.",
        Role => "The role is changed.",
        Revoked => "They are signed out everywhere and every API token of theirs is revoked.",
    }
}

fn role_options() -> Vec<(String, String)> {
    Role::ALL.iter().map(|r| (r.as_str().to_string(), label(r.as_str()))).collect()
}

/// `GET /admin`.
pub async fn index(SignedIn(_, actor, viewer): SignedIn) -> PageResult {
    policy::ensure_admin(&actor)?;
    let links = [
        ("/admin/users", "Users and roles", "Add people, change what they may do."),
        ("/admin/teams", "Teams", "The organisation's directorates and teams."),
        ("/account/tokens", "API tokens", "Keys for scripts and other systems to use Signpost's API as you."),
        ("/admin/synonyms", "Synonyms", "Words search treats as the same, such as AAR and after action review."),
        ("/admin/audit", "Audit log", "Who changed what, and when."),
        ("/admin/jobs", "Background jobs", "Reminders and emails waiting to go, and any that failed, with a way to try again."),
    ];
    let body = html! {
        h1 { "Administration" }
        ul class="nhsuk-list" {
            @for (href, title, hint) in links {
                li { a class="nhsuk-heading-s" href=(href) { (title) } p class="nhsuk-body-s" { (hint) } }
            }
        }
    };
    Ok(page("Administration", Some(&viewer), "", body).into_response())
}

fn users_page(viewer: &Viewer, list: &Markup, form: &AdminForm, errors: &Errors, teams: &[(String, String)], done: Option<&str>) -> Markup {
    let title = if errors.is_empty() { "Users and roles" } else { "Error: Users and roles" };
    page(
        title,
        Some(viewer),
        "",
        html! {
            @if let Some(d) = done { (success_banner(d)) }
            (error_summary(errors))
            h1 { "Users and roles" }
            (list)
            h2 { "Add a person" }
            form method="post" action="/admin/users" novalidate {
                (csrf_field(&viewer.csrf_token))
                (Field::new(AdminForm::NAMES.name, "Full name").errors(errors).input("text", form.name.as_str()))
                (Field::new(AdminForm::NAMES.email, "Email address").errors(errors).input("email", form.email.as_str()))
                (Field::new(AdminForm::NAMES.job_title, "Job title").errors(errors).input("text", form.job_title.as_str()))
                (Field::new(AdminForm::NAMES.team_id, "Team").errors(errors).select(teams, form.team_id.as_str()))
                (Field::new(AdminForm::NAMES.role, "Role").errors(errors).select(&role_options(), if form.role.is_empty() { "member" } else { form.role.as_str() }))
                (Field::new(AdminForm::NAMES.password, "Password").hint("At least 12 characters. They can change it later.").errors(errors).input("password", ""))
                button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Add person" }
            }
        },
    )
}

async fn user_list(s: &AppState, actor: &signpost_domain::people::Actor, page_no: i64) -> PageMarkup {
    let users = s.app.users(actor, (page_no - 1) * PER_PAGE, PER_PAGE).await?;
    let pages = (users.total + PER_PAGE - 1) / PER_PAGE;
    Ok(html! {
        table class="nhsuk-table" {
            caption class="nhsuk-table__caption" { (users.total) " people" }
            (table_head(&["Name", "Email", "Role"]))
            tbody class="nhsuk-table__body" {
                @for u in &users.items {
                    tr class="nhsuk-table__row" {
                        td class="nhsuk-table__cell" { a href={ "/admin/users/" (u.id) } { (u.name) } }
                        td class="nhsuk-table__cell" { (u.email) }
                        td class="nhsuk-table__cell" { (label(u.role.as_str())) }
                    }
                }
            }
        }
        (pagination(page_no, pages, |p| format!("/admin/users?page={p}")))
    })
}

async fn team_options(s: &AppState, actor: &signpost_domain::people::Actor) -> Result<Vec<(String, String)>, PageError> {
    let mut options = vec![(String::new(), "No team".to_string())];
    options.extend(s.app.teams(actor).await?.into_iter().map(|t| (t.id.to_string(), t.name)));
    Ok(options)
}

/// `GET /admin/users`.
pub async fn users(SignedIn(s, actor, viewer): SignedIn, PageQuery(q): PageQuery<PageNumber>, notice: Done<AdminNotice>) -> PageResult {
    policy::ensure_admin(&actor)?;
    let list = user_list(&s, &actor, q.page.unwrap_or(1).max(1)).await?;
    Ok(users_page(&viewer, &list, &AdminForm::default(), &vec![], &team_options(&s, &actor).await?, notice.message()).into_response())
}

/// `POST /admin/users`: adds a person.
pub async fn add_user(CsrfForm(s, actor, viewer, form): CsrfForm<AdminForm>) -> PageResult {
    let new = NewUser {
        email: form.email.clone(),
        name: form.name.clone(),
        job_title: form.job_title.clone(),
        profession: String::new(),
        site: String::new(),
        team_id: form.team_id.parse().ok(),
        role: Role::parse(form.role.as_str()).unwrap_or(Role::Member),
    };
    match s.app.create_user(Some(&actor), new, Some(form.password.clone())).await {
        Ok(_) => Ok(done("/admin/users", AdminNotice::Added)),
        Err(e) => {
            let errors = refused(e)?;
            let list = user_list(&s, &actor, 1).await?;
            let markup = users_page(&viewer, &list, &form, &errors, &team_options(&s, &actor).await?, None);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, markup).into_response())
        }
    }
}

/// `GET /admin/users/{id}`: a person's account and role.
pub async fn user(SignedIn(s, actor, viewer): SignedIn, PagePath(id): PagePath<UserId>, notice: Done<AdminNotice>) -> PageResult {
    policy::ensure_admin(&actor)?;
    let u = s.app.user(&actor, id).await?;
    let banner = match notice.0 {
        Some(AdminNotice::Revoked) => Some(format!("{} is signed out everywhere and every API token of theirs is revoked.", u.name)),
        Some(AdminNotice::Role) => Some(format!("{} is now: {}.", u.name, label(u.role.as_str()).to_lowercase())),
        other => other.map(|n| n.message().to_string()),
    };
    let body = html! {
        @if let Some(b) = &banner { (success_banner(b)) }
        a class="nhsuk-back-link" href="/admin/users" { "Back to users and roles" }
        h1 { (u.name) }
        p { (u.email) " · " a href={ "/people/" (u.id) } { "Profile" } }
        form method="post" action={ "/admin/users/" (id) "/role" } novalidate {
            (csrf_field(&viewer.csrf_token))
            (Field::new(AdminForm::NAMES.role, "Role").hint("Administrators manage accounts and settings. Knowledge specialists curate knowledge across the organisation. Guests can only read what is public.").select(&role_options(), u.role.as_str()))
            button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Change role" }
        }
        h2 { "Sign them out everywhere" }
        p { "For a lost device, a token that may have leaked, or someone who has left: ends every session they have open and revokes every API token of theirs. They can sign in again unless their account is changed." }
        form method="post" action={ "/admin/users/" (id) "/revoke-access" } novalidate {
            (csrf_field(&viewer.csrf_token))
            button class="nhsuk-button nhsuk-button--warning" type="submit" { "Sign out everywhere and revoke tokens" }
        }
    };
    Ok(page(&u.name, Some(&viewer), "", body).into_response())
}

/// `POST /admin/users/{id}/role`.
pub async fn set_role(PagePath(id): PagePath<UserId>, CsrfForm(s, actor, _, f): CsrfForm<AdminForm>) -> PageResult {
    let role = Role::parse(&f.role).map_err(|e| ServiceError::Invalid(vec![e]))?;
    s.app.set_role(&actor, id, role).await?;
    Ok(done(&format!("/admin/users/{id}"), AdminNotice::Role))
}

/// `POST /admin/users/{id}/revoke-access`.
pub async fn revoke_access(PagePath(id): PagePath<UserId>, CsrfForm(s, actor, _, CsrfOnly {}): CsrfForm<CsrfOnly>) -> PageResult {
    s.app.revoke_access(&actor, id).await?;
    Ok(done(&format!("/admin/users/{id}"), AdminNotice::Revoked))
}

/// `GET /admin/teams` and the add-team form.
pub async fn teams(SignedIn(s, actor, viewer): SignedIn, notice: Done<AdminNotice>) -> PageResult {
    policy::ensure_admin(&actor)?;
    Ok(teams_page(&s, &actor, &viewer, &AdminForm::default(), &vec![], notice.message()).await?.into_response())
}

async fn teams_page(
    s: &AppState,
    actor: &signpost_domain::people::Actor,
    viewer: &Viewer,
    form: &AdminForm,
    errors: &Errors,
    done: Option<&str>,
) -> PageMarkup {
    let teams = s.app.teams(actor).await?;
    let parents: Vec<(String, String)> = teams
        .iter()
        .filter(|t| t.kind != TeamKind::Team)
        .map(|t| (t.id.to_string(), format!("{} ({})", t.name, label(t.kind.as_str()).to_lowercase())))
        .collect();
    let kinds = vec![("team".to_string(), "Team".to_string()), ("directorate".to_string(), "Directorate".to_string())];
    Ok(page(
        if errors.is_empty() { "Teams" } else { "Error: Teams" },
        Some(viewer),
        "",
        html! {
            @if let Some(d) = done { (success_banner(d)) }
            (error_summary(errors))
            h1 { "Teams" }
            table class="nhsuk-table" {
                caption class="nhsuk-table__caption" { (teams.len()) " teams" }
                (table_head(&["Name", "Kind", "Part of"]))
                tbody class="nhsuk-table__body" {
                    @for t in &teams {
                        tr class="nhsuk-table__row" {
                            td class="nhsuk-table__cell" { a href={ "/teams/" (t.id) } { (t.name) } }
                            td class="nhsuk-table__cell" { (label(t.kind.as_str())) }
                            td class="nhsuk-table__cell" { (t.parent_id.and_then(|p| teams.iter().find(|x| x.id == p)).map_or("", |p| p.name.as_str())) }
                        }
                    }
                }
            }
            h2 { "Add a team" }
            form method="post" action="/admin/teams" novalidate {
                (csrf_field(&viewer.csrf_token))
                (Field::new(AdminForm::NAMES.name, "Name").errors(errors).input("text", form.name.as_str()))
                (Field::new(AdminForm::NAMES.kind, "Kind").hint("A directorate sits under the organisation; a team sits under a directorate.").errors(errors).select(&kinds, form.kind.as_str()))
                (Field::new(AdminForm::NAMES.parent_id, "Part of").errors(errors).select(&parents, form.parent_id.as_str()))
                button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Add team" }
            }
        },
    ))
}

/// `POST /admin/teams`.
pub async fn add_team(CsrfForm(s, actor, viewer, form): CsrfForm<AdminForm>) -> PageResult {
    let kind = TeamKind::parse(form.kind.as_str()).unwrap_or(TeamKind::Team);
    match s.app.create_team(Some(&actor), &form.name, kind, form.parent_id.parse().ok()).await {
        Ok(_) => Ok(done("/admin/teams", AdminNotice::TeamAdded)),
        Err(e) => {
            let errors = refused(e)?;
            let markup = teams_page(&s, &actor, &viewer, &form, &errors, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, markup).into_response())
        }
    }
}
