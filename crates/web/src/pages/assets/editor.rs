//! Creating and editing knowledge: choose a kind, fill in the form, preview it, save
//! a draft or publish. Problems, including probable NHS numbers, are shown next to
//! the text that holds them and listed in an error summary; nothing is saved until
//! everything is right.
use axum::http::StatusCode;
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;
use signpost_domain::assets::{Status, Visibility};
use signpost_domain::fields::AssetKind;
use signpost_services::policy;
use signpost_services::preview::AssetPreview;

use super::form::{AssetForm, Widget, control_for, field_id, finding_message, keep_source_details, kind_fields, to_input, values_of};
use super::view::AssetNotice;
use crate::pages::prelude::*;
use signpost_domain::ids::{AssetId, TeamId};

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new()
        .page("/assets/new", new_form)
        .form("/assets/new", create)
        .page("/assets/{id}/edit", edit_form)
        .form("/assets/{id}/edit", update)
}

/// Which kind to start with.
#[derive(Deserialize)]
pub struct KindQuery {
    kind: Option<String>,
}

/// Everything the editor shows.
struct Editor<'a> {
    viewer: &'a Viewer,
    heading: String,
    action: String,
    kind: AssetKind,
    values: &'a AssetForm,
    errors: &'a Errors,
    preview: Option<&'a AssetPreview>,
    teams: &'a [(String, String)],
    status: Option<Status>,
    may_override: bool,
}

fn kind_chooser(viewer: &Viewer, error: bool) -> Markup {
    let errors: Errors = if error { vec![("kind-0".into(), "Choose the kind of knowledge you are sharing".into())] } else { vec![] };
    page(
        "What kind of knowledge are you sharing?",
        Some(viewer),
        "",
        html! {
            div class="nhsuk-grid-row" { div class="nhsuk-grid-column-two-thirds" {
                (error_summary(&errors))
                form method="get" action="/assets/new" novalidate {
                    div class={ "nhsuk-form-group" @if error { " nhsuk-form-group--error" } } {
                        fieldset class="nhsuk-fieldset" aria-describedby=[error.then_some("kind-error")] {
                            legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--l" {
                                h1 class="nhsuk-fieldset__heading" { "What kind of knowledge are you sharing?" }
                            }
                            @if error { span class="nhsuk-error-message" id="kind-error" { span class="nhsuk-u-visually-hidden" { "Error: " } (errors[0].1) } }
                            div class="nhsuk-radios" data-module="nhsuk-radios" {
                                @for (i, k) in AssetKind::ALL.iter().enumerate() {
                                    div class="nhsuk-radios__item" {
                                        input class="nhsuk-radios__input" id={ "kind-" (i) } name="kind" type="radio" value=(k.as_str());
                                        label class="nhsuk-label nhsuk-radios__label" for={ "kind-" (i) } { (label(k.as_str())) }
                                    }
                                }
                            }
                        }
                    }
                    button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Continue" }
                }
                @if matches!(viewer.user.role, signpost_domain::people::Role::Admin | signpost_domain::people::Role::KnowledgeSpecialist) {
                    p { "Already written down somewhere else? " a href="/import" { "Import it from Confluence, Word or another wiki" } "." }
                }
            } }
        },
    )
}

fn kind_field(kf: &super::form::KindField, values: &AssetForm, errors: &Errors) -> Markup {
    let id = field_id(kf.name);
    let field = Field::new(&id, kf.label).hint(kf.hint).errors(errors);
    let text = (kf.text)(values);
    match kf.widget {
        Widget::Line => field.input("text", text),
        Widget::Date => field.date(text),
        Widget::Area => field.textarea(4, text),
        Widget::Lines | Widget::Sources | Widget::Contacts => field.textarea(5, text),
    }
}

fn editor(e: Editor<'_>) -> Markup {
    let v = e.values;
    let visibilities: Vec<(String, String)> = Visibility::ALL
        .iter()
        .filter(|vis| **vis != Visibility::Named || v.visibility == "named")
        .map(|vis| (vis.as_str().to_string(), visibility_text(*vis).to_string()))
        .collect();
    let n = AssetForm::NAMES;
    let has_findings = e.errors.iter().any(|(_, m)| m.contains("looks like an NHS number"));
    let title = if e.errors.is_empty() { e.heading.clone() } else { format!("Error: {}", e.heading) };
    page(
        &title,
        Some(e.viewer),
        "",
        html! {
            div class="nhsuk-grid-row" { div class="nhsuk-grid-column-two-thirds" {
                (error_summary(e.errors))
                span class="nhsuk-caption-l" { (label(e.kind.as_str())) }
                h1 { (e.heading) }
                @if let Some(p) = e.preview { (preview(v, p)) }
                form id="asset-form" method="post" action=(e.action) novalidate {
                    (csrf_field(&e.viewer.csrf_token))
                    input type="hidden" name=(n.kind) value=(e.kind.as_str());
                    @if !v.expected_version.is_empty() { input type="hidden" name=(n.expected_version) value=(v.expected_version); }
                    @for viewer in &v.named_viewers { input type="hidden" name=(n.named_viewers) value=(viewer); }
                    @for l in &v.links { input type="hidden" name=(n.links) value=(l); }
                    (Field::new(n.title, "Title").errors(e.errors).input("text", &v.title))
                    (Field::new(n.summary, "Summary").hint("One or two sentences: what someone gains from reading it.").errors(e.errors).textarea(2, &v.summary))
                    (Field::new(n.body, "Body").hint("Written in Markdown: # for headings, * for lists, [text](address) for links.").errors(e.errors).textarea(12, &v.body))
                    @for kf in kind_fields(e.kind) { (kind_field(kf, v, e.errors)) }
                    (Field::new(n.tags, "Tags").hint("Separate tags with commas.").errors(e.errors).input("text", &v.tags))
                    (Field::new(n.topics, "Topics").hint("Separate topics with commas.").errors(e.errors).input("text", &v.topics))
                    (Field::new(n.team_id, "Team").errors(e.errors).select(e.teams, &v.team_id))
                    (Field::new(n.visibility, "Who can see it").errors(e.errors).select(&visibilities, &v.visibility))
                    (Field::new(n.review_interval_days, "Days between reviews").hint("Signpost asks the owner to check it is still right this often. 365 is a year.").errors(e.errors).input("text", &v.review_interval_days))
                    @if has_findings && e.may_override {
                        (Field::new(n.override_reason, "Reason to publish despite the NHS-number check (knowledge specialists only)").hint("Only if the numbers are not patient identifiers. The reason is recorded in the history and the audit log.").errors(e.errors).input("text", &v.override_reason))
                    }
                    div class="nhsuk-button-group" {
                        button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" type="submit" name=(n.action) value="preview" { "Preview" }
                        @match e.status {
                            Some(Status::Published) => { button class="nhsuk-button" data-module="nhsuk-button" type="submit" name=(n.action) value="save" { "Save and publish changes" } }
                            Some(Status::Archived) => { button class="nhsuk-button" data-module="nhsuk-button" type="submit" name=(n.action) value="save" { "Save changes" } }
                            _ => {
                                button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" type="submit" name=(n.action) value="draft" { "Save as draft" }
                                button class="nhsuk-button" data-module="nhsuk-button" type="submit" name=(n.action) value="publish" { "Publish" }
                            }
                        }
                    }
                }
            } }
        },
    )
}

fn preview(v: &AssetForm, p: &AssetPreview) -> Markup {
    html! {
        section class="nhsuk-card" aria-labelledby="preview-title" {
            div class="nhsuk-card__content" {
                h2 class="nhsuk-card__heading nhsuk-heading-m" id="preview-title" { "Preview" }
                @if p.identifier_warnings.is_empty() {
                    p class="nhsuk-body-s" { "No probable NHS numbers found." }
                } @else {
                    div class="nhsuk-warning-callout" {
                        h3 class="nhsuk-warning-callout__label" { span role="text" { span class="nhsuk-u-visually-hidden" { "Important: " } "Probable NHS numbers" } }
                        ul { @for f in &p.identifier_warnings { li { (label(&f.field.replace('.', " "))) ": " (finding_message(f)) } } }
                    }
                }
                p class="nhsuk-heading-s" { (v.title) }
                @if !v.summary.is_empty() { p class="nhsuk-lede-text" { (v.summary) } }
                // Rendered by comrak and cleaned by ammonia's allow-list in the services.
                div class="signpost-body" { (PreEscaped(&p.body_html)) }
            }
        }
    }
}

fn visibility_text(v: Visibility) -> &'static str {
    match v {
        Visibility::Public => "Everyone with an account, guests included",
        Visibility::Organisation => "Everyone in the organisation",
        Visibility::Team => "The team and the teams beneath it",
        Visibility::Named => "Only the people named on it",
    }
}

async fn team_options(s: &AppState, actor: &Actor, current: Option<i64>) -> Result<Vec<(String, String)>, PageError> {
    let teams = s.app.teams(actor).await?;
    Ok(teams
        .into_iter()
        .filter(|t| policy::may_file_in_team(actor, t.id) || Some(t.id) == current.map(TeamId))
        .map(|t| (t.id.to_string(), t.name))
        .collect())
}

/// Service errors as form errors, each on the control it belongs to.
fn form_errors(e: &ServiceError) -> Option<(StatusCode, Errors)> {
    match e {
        ServiceError::Invalid(list) => {
            Some((StatusCode::UNPROCESSABLE_ENTITY, list.iter().map(|fe| (control_for(&fe.field), capitalised(&fe.message))).collect()))
        }
        ServiceError::IdentifierFound(findings) => {
            Some((StatusCode::UNPROCESSABLE_ENTITY, findings.iter().map(|f| (control_for(&f.field), finding_message(f))).collect()))
        }
        ServiceError::Conflict(m) => Some((StatusCode::CONFLICT, vec![("asset-form".into(), capitalised(m))])),
        _ => None,
    }
}

/// `GET /assets/new[?kind=]`.
pub async fn new_form(SignedIn(s, actor, viewer): SignedIn, PageQuery(q): PageQuery<KindQuery>) -> PageResult {
    policy::ensure_can_contribute(&actor)?;
    let Some(kind) = q.kind.as_deref().and_then(|k| AssetKind::parse(k).ok()) else {
        let status = if q.kind.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
        return Ok((status, kind_chooser(&viewer, q.kind.is_some())).into_response());
    };
    let teams = team_options(&s, &actor, None).await?;
    let values = AssetForm {
        team_id: actor.own_team().map(|t| t.to_string()).unwrap_or_default(),
        visibility: "organisation".into(),
        review_interval_days: "365".into(),
        ..AssetForm::default()
    };
    let markup = editor(Editor {
        viewer: &viewer,
        heading: format!("New {}", label(kind.as_str()).to_lowercase()),
        action: "/assets/new".into(),
        kind,
        values: &values,
        errors: &vec![],
        preview: None,
        teams: &teams,
        status: None,
        may_override: policy::may_override_identifier_guard(&actor),
    });
    Ok(markup.into_response())
}

/// `GET /assets/{id}/edit`.
pub async fn edit_form(SignedIn(s, actor, viewer): SignedIn, PagePath(id): PagePath<AssetId>) -> PageResult {
    let view = s.app.asset(&actor, id).await?;
    if !view.can_edit {
        return Err(ServiceError::Forbidden("you can view this asset but not change it".into()).into());
    }
    let teams = team_options(&s, &actor, Some(view.asset.team_id.0)).await?;
    let values = values_of(&view.asset);
    let markup = editor(Editor {
        viewer: &viewer,
        heading: format!("Edit “{}”", view.asset.title),
        action: format!("/assets/{id}/edit"),
        kind: view.asset.kind,
        values: &values,
        errors: &vec![],
        preview: None,
        teams: &teams,
        status: Some(view.asset.status),
        may_override: policy::may_override_identifier_guard(&actor),
    });
    Ok(markup.into_response())
}

/// `POST /assets/new`.
pub async fn create(CsrfForm(s, actor, viewer, form): CsrfForm<AssetForm>) -> PageResult {
    submit(&s, &actor, &viewer, form, None).await
}

/// `POST /assets/{id}/edit`.
pub async fn update(PagePath(id): PagePath<i64>, CsrfForm(s, actor, viewer, form): CsrfForm<AssetForm>) -> PageResult {
    submit(&s, &actor, &viewer, form, Some(id)).await
}

async fn submit(s: &AppState, actor: &Actor, viewer: &Viewer, form: AssetForm, id: Option<i64>) -> PageResult {
    let current = match id {
        Some(id) => Some(s.app.asset(actor, AssetId(id)).await?),
        None => None,
    };
    let kind = match &current {
        Some(c) => c.asset.kind,
        None => AssetKind::parse(&form.kind).map_err(|e| ServiceError::Invalid(vec![e]))?,
    };
    let (mut input, mut errors) = to_input(&form, kind);
    if let Some(c) = &current {
        keep_source_details(&mut input.fields, &c.asset.fields);
    }
    let previewing = form.action == "preview";
    if !errors.is_empty() && !previewing {
        // Say everything that is wrong at once, not only what the form itself could see.
        let more = s.app.check_asset(actor, &input, id.map(AssetId)).await?;
        errors.extend(more.iter().map(|fe| (control_for(&fe.field), capitalised(&fe.message))));
    }
    let mut status = if previewing { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    if !previewing && errors.is_empty() {
        let saved = match id {
            None => s.app.create_asset(actor, input.clone()).await,
            Some(id) => s.app.update_asset(actor, AssetId(id), input.clone()).await,
        };
        match saved {
            Ok(view) => {
                let notice = match (form.action.as_str(), view.asset.status) {
                    ("publish", _) => AssetNotice::Published,
                    (_, Status::Draft) => AssetNotice::Drafted,
                    _ => AssetNotice::Saved,
                };
                return Ok(done(&format!("/assets/{}", view.asset.id), notice));
            }
            Err(e) => match form_errors(&e) {
                Some((code, list)) => {
                    status = code;
                    errors.extend(list);
                }
                None => return Err(e.into()),
            },
        }
    }
    let preview = s.app.preview_asset(actor, &input, id.map(AssetId)).await?;
    let teams = team_options(s, actor, current.as_ref().map(|c| c.asset.team_id).map(i64::from)).await?;
    let heading = match &current {
        Some(c) => format!("Edit “{}”", c.asset.title),
        None => format!("New {}", label(kind.as_str()).to_lowercase()),
    };
    let markup = editor(Editor {
        viewer,
        heading,
        action: id.map_or_else(|| "/assets/new".to_string(), |id| format!("/assets/{id}/edit")),
        kind,
        values: &form,
        errors: &errors,
        preview: Some(&preview),
        teams: &teams,
        status: current.as_ref().map(|c| c.asset.status),
        may_override: policy::may_override_identifier_guard(actor),
    });
    Ok((status, markup).into_response())
}
