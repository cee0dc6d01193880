//! Knowledge at risk: the register of critical knowledge, highest risk first with
//! its reasons, and the forms that add, change and remove entries.
use signpost_domain::UserId;
use signpost_domain::risk::{Criticality, RiskLevel};
use signpost_services::risk::CriticalAreaInput;

use crate::pages::prelude::*;
use signpost_domain::ids::TeamId;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new().page("/risks", register).form("/risks", add).page("/risks/{id}", edit).form("/risks/{id}", update).form_back(
        "/risks/{id}/remove",
        "/risks/{id}",
        remove,
    )
}

fn level_tag(level: RiskLevel) -> Markup {
    let (class, text) = match level {
        RiskLevel::High => ("nhsuk-tag--red", "High"),
        RiskLevel::Medium => ("nhsuk-tag--orange", "Medium"),
        RiskLevel::Low => ("nhsuk-tag--green", "Low"),
    };
    html! { strong class={ "nhsuk-tag " (class) } { (text) } }
}

crate::page_form! {
    /// A knowledge area at risk, added or changed.
    pub struct AreaForm / AreaNames { topic: String, description: String, team_id: String, holders: String, criticality: String }
}

fn area_fields(form: &AreaForm, errors: &Errors, teams: &[(String, String)]) -> Markup {
    let levels: Vec<(String, String)> = Criticality::ALL.iter().rev().map(|c| (c.as_str().to_string(), label(c.as_str()))).collect();
    let n = AreaForm::NAMES;
    html! {
        (Field::new(n.topic, "Knowledge area").hint("A few words, as people would search for it: for example, norovirus outbreak control").errors(errors).input("text", &form.topic))
        (Field::new(n.description, "Why it matters").errors(errors).textarea(3, &form.description))
        (Field::new(n.team_id, "Owning team").errors(errors).select(teams, &form.team_id))
        (Field::new(n.holders, "Who holds it").hint("Names, separated by commas").errors(errors).input("text", &form.holders))
        (Field::new(n.criticality, "Criticality").hint("Critical: losing it would put patients or the public at risk; high: it would stop work or harm quality").errors(errors).select(&levels, &form.criticality))
    }
}

/// Reads the form: holders by name, each matched to one person.
fn input_from(form: &AreaForm, people: &[(UserId, String)]) -> Result<CriticalAreaInput, ServiceError> {
    let mut holders = Vec::new();
    for name in form.holders.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        match people.iter().find(|(_, n)| n.eq_ignore_ascii_case(name)) {
            Some((id, _)) => holders.push(*id),
            None => return Err(ServiceError::invalid("holders", format!("nobody in the organisation is called {name:?}"))),
        }
    }
    let criticality = Criticality::ALL.into_iter().find(|c| c.as_str() == form.criticality).unwrap_or(Criticality::High);
    Ok(CriticalAreaInput {
        topic: form.topic.clone(),
        description: form.description.clone(),
        team_id: form.team_id.parse().unwrap_or(TeamId(0)),
        holders,
        criticality,
    })
}

async fn register_page(s: &AppState, actor: &Actor, viewer: &Viewer, sent: &FormState<AreaForm>) -> PageMarkup {
    let (form, errors, done) = (&sent.values, &sent.errors, sent.notice);
    let register = s.app.risk_register(actor).await?;
    let teams: Vec<(String, String)> = register.teams.iter().map(|t| (t.id.to_string(), t.name.clone())).collect();
    let body = html! {
        (error_summary(errors))
        @if let Some(d) = done { (success_banner(d)) }
        h1 { "Knowledge at risk" }
        p { "The knowledge the organisation cannot afford to lose, who holds it, and how exposed it is. Risk is worked out, not guessed: holders leaving, a single holder, nothing written down, and written knowledge overdue for review, multiplied by how critical the area is." }
        @if register.entries.is_empty() { p { "No areas you can see yet." } }
        @else {
            table class="nhsuk-table" id="register" {
                caption class="nhsuk-table__caption" { "Critical knowledge, highest risk first" }
                (table_head(&["Area", "Holders", "Risk", "Why"]))
                tbody class="nhsuk-table__body" {
                    @for e in &register.entries {
                        tr class="nhsuk-table__row" id={ "risk-" (e.area.id) } {
                            td class="nhsuk-table__cell" {
                                strong { (e.area.topic) } br;
                                span class="nhsuk-body-s" { (e.team) ", " (label(e.area.criticality.as_str()).to_lowercase()) " criticality" }
                                @if e.may_edit { br; a href={ "/risks/" (e.area.id) } { "Change" span class="nhsuk-u-visually-hidden" { " " (e.area.topic) } } }
                            }
                            td class="nhsuk-table__cell" {
                                @if e.holders.is_empty() { "Nobody named" }
                                @for (i, h) in e.holders.iter().enumerate() { @if i > 0 { ", " } a href={ "/people/" (h.id) } { (h.name) } }
                            }
                            td class="nhsuk-table__cell" { (level_tag(e.risk.level)) br; span class="nhsuk-body-s" { "score " (e.risk.score) } }
                            td class="nhsuk-table__cell" {
                                @if e.explanation.is_empty() { "Shared and written down" }
                                @else { ul class="nhsuk-list nhsuk-body-s" { @for r in &e.explanation { li { (r) } } } }
                            }
                        }
                    }
                }
            }
        }
        @if !teams.is_empty() {
            h2 { "Add an area" }
            form method="post" action="/risks" novalidate {
                (csrf_field(&viewer.csrf_token))
                (area_fields(form, errors, &teams))
                button class="nhsuk-button" type="submit" { "Add to the register" }
            }
        }
    };
    Ok(page("Knowledge at risk", Some(viewer), "", body))
}

crate::notices! {
    /// What the register of knowledge at risk says after a change.
    pub enum RiskNotice {
        Added => "Added to the register.",
        Changed => "Saved.",
        Removed => "Removed from the register.",
    }
}

/// `GET /risks`.
pub async fn register(SignedIn(s, actor, viewer): SignedIn, notice: Done<RiskNotice>) -> PageResult {
    Ok(register_page(&s, &actor, &viewer, &FormState::shown(notice.message())).await?.into_response())
}

/// `POST /risks`.
pub async fn add(CsrfForm(s, actor, viewer, form): CsrfForm<AreaForm>) -> PageResult {
    let people = s.app.plan_people(&actor).await?;
    let result = match input_from(&form, &people) {
        Ok(input) => s.app.add_critical_area(&actor, input).await.map(drop),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(done("/risks", RiskNotice::Added)),
        Err(e) => {
            let errors = refused_as(e, str::to_string)?;
            Ok(register_page(&s, &actor, &viewer, &FormState::with_errors(form, errors)).await?.into_response())
        }
    }
}

async fn edit_page(s: &AppState, actor: &Actor, viewer: &Viewer, id: i64, form: Option<&AreaForm>, errors: &Errors) -> PageMarkup {
    let register = s.app.risk_register(actor).await?;
    let entry =
        register.entries.iter().find(|e| e.area.id == id).ok_or_else(|| ServiceError::NotFound("the critical knowledge area".into()))?;
    let teams: Vec<(String, String)> = register.teams.iter().map(|t| (t.id.to_string(), t.name.clone())).collect();
    let current = AreaForm {
        topic: entry.area.topic.clone(),
        description: entry.area.description.clone(),
        team_id: entry.area.team_id.to_string(),
        holders: entry.holders.iter().map(|h| h.name.clone()).collect::<Vec<_>>().join(", "),
        criticality: entry.area.criticality.as_str().into(),
    };
    let form = form.unwrap_or(&current);
    let title = format!("Change {}", entry.area.topic);
    let csrf = csrf_field(&viewer.csrf_token);
    let body = html! {
        (error_summary(errors))
        a class="nhsuk-back-link" href="/risks" { "Back to the register" }
        h1 { (title) }
        form method="post" action={ "/risks/" (id) } novalidate {
            (csrf)
            (area_fields(form, errors, &teams))
            button class="nhsuk-button" type="submit" { "Save" }
        }
        form method="post" action={ "/risks/" (id) "/remove" } novalidate {
            (csrf)
            button class="nhsuk-button nhsuk-button--warning" type="submit" { "Remove from the register" }
        }
    };
    Ok(page(&title, Some(viewer), "", body))
}

/// `GET /risks/{id}`.
pub async fn edit(SignedIn(s, actor, viewer): SignedIn, PagePath(id): PagePath<i64>) -> PageResult {
    Ok(edit_page(&s, &actor, &viewer, id, None, &Vec::new()).await?.into_response())
}

/// `POST /risks/{id}`.
pub async fn update(PagePath(id): PagePath<i64>, CsrfForm(s, actor, viewer, form): CsrfForm<AreaForm>) -> PageResult {
    let people = s.app.plan_people(&actor).await?;
    let result = match input_from(&form, &people) {
        Ok(input) => s.app.update_critical_area(&actor, id, input).await.map(drop),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(done("/risks", RiskNotice::Changed)),
        Err(e) => {
            let errors = refused_as(e, str::to_string)?;
            Ok(edit_page(&s, &actor, &viewer, id, Some(&form), &errors).await?.into_response())
        }
    }
}

/// `POST /risks/{id}/remove`.
pub async fn remove(PagePath(id): PagePath<i64>, CsrfForm(s, actor, _, CsrfOnly {}): CsrfForm<CsrfOnly>) -> PageResult {
    s.app.remove_critical_area(&actor, id).await?;
    Ok(done("/risks", RiskNotice::Removed))
}
