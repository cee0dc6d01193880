//! `/evidence/requests/{id}/follow-up`: weeks after delivery, the requester says what
//! the evidence was used for and what changed; the answer becomes an impact statement.
use axum::http::StatusCode;
use signpost_domain::impact::{ImpactKind, StakeholderLevel};
use signpost_services::evidence::{FollowUpInput, RequestView};

use super::radios;
use super::request::RequestNotice;
use crate::pages::prelude::*;

/// This page and its form.
pub fn routes() -> Pages {
    Pages::new().page("/evidence/requests/{id}/follow-up", form_page).form("/evidence/requests/{id}/follow-up", answer)
}

crate::page_form! {
    /// The answer to the follow-up.
    pub struct FollowUpForm / FollowUpNames { kind: String, quote: String, role: String, stakeholder: String, decision: String }
}

fn stakeholder_text(l: StakeholderLevel) -> &'static str {
    match l {
        StakeholderLevel::Team => "My team",
        StakeholderLevel::Service => "A service or department lead",
        StakeholderLevel::Senior => "A senior leader",
        StakeholderLevel::Board => "The board",
    }
}

fn follow_up_page(viewer: &Viewer, v: &RequestView, f: &FollowUpForm, errors: &Errors) -> Markup {
    let n = FollowUpForm::NAMES;
    let kinds: Vec<(&str, &str)> = ImpactKind::ALL.iter().map(|k| (k.as_str(), k.label())).collect();
    let levels: Vec<(&str, &str)> = StakeholderLevel::ALL.iter().map(|l| (l.as_str(), stakeholder_text(*l))).collect();
    let id = v.request.id;
    let title = "What difference did the evidence make?";
    let body = html! {
        div class="nhsuk-grid-row" { div class="nhsuk-grid-column-two-thirds" {
            a class="nhsuk-back-link" href={ "/evidence/requests/" (id) } { "Your request" }
            (error_summary(errors))
            h1 { (title) }
            p { "You asked: " em { (v.request.question) } }
            @if let Some(a) = &v.summary { p { "The library sent you " a href={ "/assets/" (a.id) } { (a.title) } "." } }
            p { "Your answer is recorded, with your name, as evidence of the difference the library service makes. It appears in the programme report." }
            form method="post" action={ "/evidence/requests/" (id) "/follow-up" } novalidate {
                (csrf_field(&viewer.csrf_token))
                (radios(n.kind, "What happened?", "Choose the one that fits best.", &kinds, &f.kind, errors))
                (Field::new(n.quote, "What did you use it for, and what changed?").hint("In your own words, for example: we changed our falls policy to include hourly rounding.").errors(errors).textarea(4, &f.quote))
                (Field::new(n.decision, "The decision it informed (if it informed one)").errors(errors).input("text", &f.decision))
                (radios(n.stakeholder, "Who acted on it?", "The most senior level that used the evidence.", &levels, if f.stakeholder.is_empty() { "team" } else { &f.stakeholder }, errors))
                (Field::new(n.role, "Your role (optional)").hint("Your job title is used if you leave this empty.").errors(errors).input("text", &f.role))
                button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Send" }
            }
        } }
    };
    page(if errors.is_empty() { title } else { "Error: What difference did the evidence make?" }, Some(viewer), "", body)
}

/// `GET /evidence/requests/{id}/follow-up` (the requester, once asked).
pub async fn form_page(SignedIn(s, actor, viewer): SignedIn, PagePath(id): PagePath<i64>) -> PageResult {
    let v = s.app.evidence_request(&actor, id).await?;
    if !v.may.follow_up {
        return Ok(see_other(&format!("/evidence/requests/{id}")));
    }
    Ok(follow_up_page(&viewer, &v, &FollowUpForm::default(), &Vec::new()).into_response())
}

/// `POST /evidence/requests/{id}/follow-up`.
pub async fn answer(PagePath(id): PagePath<i64>, CsrfForm(s, actor, viewer, form): CsrfForm<FollowUpForm>) -> PageResult {
    let mut errors: Errors = Vec::new();
    let kind = ImpactKind::ALL.into_iter().find(|k| k.as_str() == form.kind);
    if kind.is_none() {
        errors.push(("kind".into(), "Choose what happened".into()));
    }
    let stakeholder = StakeholderLevel::ALL.into_iter().find(|l| l.as_str() == form.stakeholder);
    if stakeholder.is_none() {
        errors.push(("stakeholder".into(), "Choose who acted on it".into()));
    }
    let outcome = match (kind, stakeholder) {
        (Some(kind), Some(stakeholder)) => {
            let input =
                FollowUpInput { kind, quote: form.quote.clone(), role: form.role.clone(), stakeholder, decision: form.decision.clone() };
            s.app.answer_follow_up(&actor, id, input).await.map(|_| ())
        }
        // The service is not asked without both choices: say what else is missing here.
        _ if form.quote.trim().is_empty() => Err(ServiceError::invalid("quote", "say what you used the evidence for and what changed")),
        _ => Ok(()),
    };
    if let Err(e) = outcome {
        errors.extend(refused_as(e, |f| if f == "name" { "quote".into() } else { f.to_string() })?);
    }
    if errors.is_empty() {
        return Ok(done(&format!("/evidence/requests/{id}"), RequestNotice::FollowedUp));
    }
    let v = s.app.evidence_request(&actor, id).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, follow_up_page(&viewer, &v, &form, &errors)).into_response())
}
