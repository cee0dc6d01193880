//! Administration: its index and the organisation's teams (people's accounts are in
//! [`super::users`]). The services refuse anyone but an administrator; these pages
//! only lay out the forms.
use axum::http::StatusCode;
use signpost_domain::people::TeamKind;
use signpost_services::policy;

use crate::pages::prelude::*;

crate::page_form! {
    /// A new team.
    pub struct TeamForm / TeamNames { name: String, kind: String, parent_id: String }
}

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new().page("/admin", index).page("/admin/teams", teams).form("/admin/teams", add_team)
}

crate::notices! {
    /// What the teams page says after a change.
    pub enum TeamNotice {
        TeamAdded => "The team was added.",
    }
}

/// `GET /admin`.
pub async fn index(SignedIn(_, actor, viewer): SignedIn) -> PageResult {
    policy::ensure_admin(&actor)?;
    let links = [
        (
            "/admin/users",
            "Users and roles",
            "Invite people, edit their details and line managers, change what they may do, disable the accounts of people who have left.",
        ),
        ("/admin/teams", "Teams", "The organisation's directorates and teams."),
        ("/admin/sign-in", "How people sign in", "Single sign-on providers, and whether Signpost passwords work beside them."),
        ("/admin/provisioning", "Provisioning", "Tokens for an identity provider to keep people and teams up to date by SCIM."),
        ("/account/tokens", "API tokens", "Keys for scripts and other systems to use Signpost's API as you."),
        ("/import", "Import knowledge", "Bring in a Confluence space, Markdown from another wiki, or Word and HTML documents."),
        ("/admin/synonyms", "Synonyms", "Words search treats as the same, such as AAR and after action review."),
        ("/admin/audit", "Audit log", "Who changed what, and when."),
        ("/webhooks", "Webhooks", "Tell other systems when knowledge, lessons, questions and more change, signed so they can trust it."),
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

/// `GET /admin/teams` and the add-team form.
pub async fn teams(SignedIn(s, actor, viewer): SignedIn, notice: Done<TeamNotice>) -> PageResult {
    policy::ensure_admin(&actor)?;
    Ok(teams_page(&s, &actor, &viewer, &TeamForm::default(), &vec![], notice.message()).await?.into_response())
}

async fn teams_page(
    s: &AppState,
    actor: &signpost_domain::people::Actor,
    viewer: &Viewer,
    form: &TeamForm,
    errors: &Errors,
    done: Option<&str>,
) -> PageMarkup {
    let teams = s.app.teams(actor).await?;
    let mut parents: Vec<(String, String)> = teams
        .iter()
        .filter(|t| t.kind != TeamKind::Team)
        .map(|t| (t.id.to_string(), format!("{} ({})", t.name, label(t.kind.as_str()).to_lowercase())))
        .collect();
    let mut kinds = vec![("team".to_string(), "Team".to_string()), ("directorate".to_string(), "Directorate".to_string())];
    // Until the organisation itself exists, it is the first thing to add.
    if !teams.iter().any(|t| t.kind == TeamKind::Organisation) {
        kinds.insert(0, ("organisation".to_string(), "Organisation (the whole trust or agency)".to_string()));
        parents.insert(0, (String::new(), "Nothing: this is the organisation".to_string()));
    }
    Ok(page(
        if errors.is_empty() { "Teams" } else { "Error: Teams" },
        Some(viewer),
        "",
        html! {
            @if let Some(d) = done { (success_banner(d)) }
            (error_summary(errors))
            h1 { "Teams" }
            table class="nhsuk-table" {
                caption class="nhsuk-table__caption" { (counted(teams.len(), "team", "teams")) }
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
                (Field::new(TeamForm::NAMES.name, "Name").errors(errors).input("text", form.name.as_str()))
                (Field::new(TeamForm::NAMES.kind, "Kind").hint("A directorate sits under the organisation; a team sits under a directorate.").errors(errors).select(&kinds, form.kind.as_str()))
                (Field::new(TeamForm::NAMES.parent_id, "Part of").errors(errors).select(&parents, form.parent_id.as_str()))
                button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Add team" }
            }
        },
    ))
}

/// `POST /admin/teams`.
pub async fn add_team(CsrfForm(s, actor, viewer, form): CsrfForm<TeamForm>) -> PageResult {
    let kind = TeamKind::parse(form.kind.as_str()).unwrap_or(TeamKind::Team);
    match s.app.create_team(Some(&actor), &form.name, kind, form.parent_id.parse().ok()).await {
        Ok(_) => Ok(done("/admin/teams", TeamNotice::TeamAdded)),
        Err(e) => {
            let errors = refused(e)?;
            let markup = teams_page(&s, &actor, &viewer, &form, &errors, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, markup).into_response())
        }
    }
}
