//! Impact: statements on an asset or a session (shown where the thing is, recorded on
//! their own form), and the stories showcase with reactions.
use serde::Deserialize;
use signpost_domain::impact::{ImpactKind, ImpactStatement, ImpactSubject, ReactionKind, StakeholderLevel};
use signpost_services::impact::{ImpactInput, parse_month};

use crate::pages::assets::view::AssetNotice;
use crate::pages::learning::sessions::SessionNotice;
use crate::pages::prelude::*;
use signpost_domain::ids::AssetId;

crate::page_form! {
    /// The fields of this page's forms.
    pub struct ImpactForm / ImpactNames { kind: String, quote: String, attributed_to: String, role: String, stakeholder: String, decision: String, said_on: String, asset_id: String, on: String, month: String }
}

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new()
        .page("/impact/new", new)
        .page("/impact", to_form)
        .form("/impact", record)
        .page("/impact/{id}/withdraw", withdraw_form)
        .form("/impact/{id}/withdraw", withdraw)
        .page("/showcase", showcase)
        .form_back("/showcase/react", "/showcase", react)
}

/// The statements about something, the way to add one, and to withdraw those `may_withdraw` allows.
pub fn impact_section(statements: &[ImpactStatement], may_withdraw: impl Fn(&ImpactStatement) -> bool, subject: ImpactSubject) -> Markup {
    let query = match subject {
        ImpactSubject::Asset(id) => format!("asset={id}"),
        ImpactSubject::Session(id) => format!("session={id}"),
    };
    html! {
        h2 id="impact" { "Impact" }
        @if statements.is_empty() { p { "No impact recorded yet." } }
        @for s in statements {
            div class="nhsuk-inset-text" {
                span class="nhsuk-u-visually-hidden" { "Impact: " }
                p { strong { (s.kind.label()) ": " } "\u{201c}" (s.quote) "\u{201d}" }
                p class="nhsuk-body-s" { (s.attributed_to) @if !s.role.is_empty() { ", " (s.role) } ", " (s.said_on) }
                @if !s.decision.is_empty() { p class="nhsuk-body-s" { "Decision informed: " (s.decision) } }
                @if may_withdraw(s) {
                    p class="nhsuk-body-s" {
                        a href={ "/impact/" (s.id) "/withdraw" } { "Withdraw" span class="nhsuk-u-visually-hidden" { " the statement from " (s.attributed_to) } }
                    }
                }
            }
        }
        p { a href={ "/impact/new?" (query) } { "Record impact" } }
    }
}

/// What a statement is about.
#[derive(Debug, Deserialize)]
pub struct SubjectQuery {
    /// An asset.
    pub asset: Option<i64>,
    /// A session.
    pub session: Option<i64>,
}

impl SubjectQuery {
    fn subject(&self) -> Result<ImpactSubject, ServiceError> {
        match (self.asset, self.session) {
            (Some(a), None) => Ok(ImpactSubject::Asset(AssetId(a))),
            (None, Some(s)) => Ok(ImpactSubject::Session(s)),
            _ => Err(ServiceError::invalid("subject", "say which asset or session the impact is about")),
        }
    }
}

async fn form_page(s: &AppState, actor: &Actor, viewer: &Viewer, q: &SubjectQuery, form: &ImpactForm, errors: &Errors) -> PageMarkup {
    let subject = q.subject()?;
    s.app.impacts_on(actor, subject).await?;
    let (what, back, action) = match subject {
        ImpactSubject::Asset(id) => ("this knowledge", format!("/assets/{id}"), format!("/impact?asset={id}")),
        ImpactSubject::Session(id) => ("this session", format!("/sessions/{id}"), format!("/impact?session={id}")),
    };
    let kinds: Vec<(String, String)> = ImpactKind::ALL.iter().map(|k| (k.as_str().to_string(), k.label().to_string())).collect();
    let levels: Vec<(String, String)> = StakeholderLevel::ALL.iter().map(|l| (l.as_str().to_string(), label(l.as_str()))).collect();
    let body = html! {
        (error_summary(errors))
        a class="nhsuk-back-link" href=(back) { "Back" }
        h1 { "Record impact" }
        p { "What difference did " (what) " make? Record what was said, by whom, so it can be quoted in reports." }
        form method="post" action=(action) novalidate {
            (csrf_field(&viewer.csrf_token))
            (Field::new(ImpactForm::NAMES.kind, "What happened").errors(errors).select(&kinds, form.kind.as_str()))
            (Field::new(ImpactForm::NAMES.quote, "What they said").hint("Their words, as said").errors(errors).textarea(3, form.quote.as_str()))
            (Field::new(ImpactForm::NAMES.attributed_to, "Who said it").errors(errors).input("text", form.attributed_to.as_str()))
            (Field::new(ImpactForm::NAMES.role, "Their role").errors(errors).input("text", form.role.as_str()))
            (Field::new(ImpactForm::NAMES.stakeholder, "How senior").errors(errors).select(&levels, form.stakeholder.as_str()))
            (Field::new(ImpactForm::NAMES.decision, "Decision it informed").hint("Only when it informed a decision").errors(errors).input("text", form.decision.as_str()))
            (Field::new(ImpactForm::NAMES.said_on, "When it was said").hint("For example, 23 11 2026; today if left empty").errors(errors).date(form.said_on.as_str()))
            button class="nhsuk-button" type="submit" { "Record impact" }
        }
    };
    Ok(page("Record impact", Some(viewer), "", body))
}

/// `GET /impact/new?asset=` or `?session=`.
pub async fn new(SignedIn(s, actor, viewer): SignedIn, PageQuery(q): PageQuery<SubjectQuery>) -> PageResult {
    Ok(form_page(&s, &actor, &viewer, &q, &ImpactForm::default(), &Vec::new()).await?.into_response())
}

/// `POST /impact?asset=` or `?session=`.
pub async fn record(PageQuery(q): PageQuery<SubjectQuery>, CsrfForm(s, actor, viewer, form): CsrfForm<ImpactForm>) -> PageResult {
    let subject = q.subject()?;
    let kind = ImpactKind::ALL.into_iter().find(|k| k.as_str() == form.kind.as_str()).unwrap_or(ImpactKind::UsedIt);
    let stakeholder = StakeholderLevel::ALL.into_iter().find(|l| l.as_str() == form.stakeholder.as_str()).unwrap_or(StakeholderLevel::Team);
    let input = ImpactInput {
        subject,
        kind,
        quote: form.quote.clone(),
        attributed_to: form.attributed_to.clone(),
        role: form.role.clone(),
        stakeholder,
        decision: form.decision.clone(),
        said_on: form.said_on.clone(),
    };
    match s.app.record_impact(&actor, input).await {
        Ok(_) => Ok(match subject {
            ImpactSubject::Asset(id) => done(&format!("/assets/{id}#impact"), AssetNotice::Impact),
            ImpactSubject::Session(id) => done(&format!("/sessions/{id}#impact"), SessionNotice::Impact),
        }),
        Err(e) => {
            let errors = refused(e)?;
            Ok(form_page(&s, &actor, &viewer, &q, &form, &errors).await?.into_response())
        }
    }
}

/// `GET /impact?…`: back to the form.
pub async fn to_form(PageQuery(q): PageQuery<SubjectQuery>) -> Response {
    match (q.asset, q.session) {
        (Some(a), _) => see_other(&format!("/impact/new?asset={a}")),
        (_, Some(s)) => see_other(&format!("/impact/new?session={s}")),
        _ => see_other("/"),
    }
}

/// `GET /impact/{id}/withdraw`: what withdrawing a statement means, and the button.
pub async fn withdraw_form(SignedIn(s, actor, viewer): SignedIn, PagePath(id): PagePath<i64>) -> PageResult {
    let view = s.app.impact_to_withdraw(&actor, id).await?;
    let st = &view.statement;
    let body = html! {
        a class="nhsuk-back-link" href={ (view.link) "#impact" } { "Back" }
        h1 { "Withdraw this impact statement?" }
        div class="nhsuk-inset-text" {
            span class="nhsuk-u-visually-hidden" { "Statement: " }
            p { strong { (st.kind.label()) ": " } "\u{201c}" (st.quote) "\u{201d}" }
            p class="nhsuk-body-s" { (st.attributed_to) ", " (st.said_on) ", about " a href=(view.link) { (view.subject_title) } }
        }
        p { "Withdraw it if it was recorded in error or the person asks for it to be removed. It will no longer appear here or in programme reports; the audit log records that you withdrew it, not its words." }
        form method="post" action={ "/impact/" (id) "/withdraw" } novalidate {
            (csrf_field(&viewer.csrf_token))
            button class="nhsuk-button nhsuk-button--warning" type="submit" { "Withdraw statement" }
        }
    };
    Ok(page("Withdraw an impact statement", Some(&viewer), "", body).into_response())
}

/// `POST /impact/{id}/withdraw`.
pub async fn withdraw(PagePath(id): PagePath<i64>, CsrfForm(s, actor, _, CsrfOnly {}): CsrfForm<CsrfOnly>) -> PageResult {
    let view = s.app.withdraw_impact(&actor, id).await?;
    let back = format!("{}#impact", view.link);
    Ok(match view.statement.subject {
        ImpactSubject::Asset(_) => done(&back, AssetNotice::ImpactWithdrawn),
        ImpactSubject::Session(_) => done(&back, SessionNotice::ImpactWithdrawn),
    })
}

/// Which month to show.
#[derive(Debug, Deserialize)]
pub struct MonthQuery {
    /// `YYYY-MM`.
    pub month: Option<String>,
}

/// `GET /showcase?month=YYYY-MM`.
pub async fn showcase(SignedIn(s, actor, viewer): SignedIn, PageQuery(q): PageQuery<MonthQuery>) -> PageResult {
    let this_month = chrono::Utc::now().date_naive().format("%Y-%m").to_string();
    let month_text = q.month.unwrap_or(this_month);
    let Some(month) = parse_month(&month_text) else {
        return Err(ServiceError::invalid("month", "give the month as 2026-11").into());
    };
    let sc = s.app.showcase(&actor, month).await?;
    let csrf = csrf_field(&viewer.csrf_token);
    let n = ImpactForm::NAMES;
    let body = html! {
        h1 { "Showcase: " (sc.title) }
        p { "Stories shared this month: experience told so others can learn from it. React to the ones that help you; share your own as a story." }
        form method="get" action="/showcase" {
            (Field::new("month", "Month").hint("For example, 2026-11").input("text", &month_text))
            button class="nhsuk-button nhsuk-button--secondary" type="submit" { "Show" }
        }
        p { a href="/assets/new?kind=story" { "Share a story" } }
        @if sc.items.is_empty() { p { "No stories were shared this month yet." } }
        @for item in &sc.items {
            div class="nhsuk-card" id={ "story-" (item.asset.id) } {
                div class="nhsuk-card__content" {
                    h2 class="nhsuk-card__heading nhsuk-heading-m" { a href={ "/assets/" (item.asset.id) } { (item.asset.title) } }
                    p { (item.asset.summary) }
                    div class="nhsuk-button-group" {
                        @for (i, kind) in ReactionKind::ALL.iter().enumerate() {
                            @let given = item.mine.contains(kind);
                            form method="post" action="/showcase/react" novalidate {
                                (csrf)
                                input type="hidden" name=(n.asset_id) value=(item.asset.id);
                                input type="hidden" name=(n.kind) value=(kind.as_str());
                                input type="hidden" name=(n.on) value=(if given { "no" } else { "yes" });
                                input type="hidden" name=(n.month) value=(month_text);
                                button class={ "nhsuk-button nhsuk-button--small" @if !given { " nhsuk-button--secondary" } } type="submit" aria-pressed=(if given { "true" } else { "false" }) {
                                    (kind.label()) " (" (item.counts[i]) ")" span class="nhsuk-u-visually-hidden" { ": " (item.asset.title) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&format!("Showcase: {}", sc.title), Some(&viewer), "", body).into_response())
}

/// `POST /showcase/react`.
pub async fn react(CsrfForm(s, actor, _, form): CsrfForm<ImpactForm>) -> PageResult {
    let (Ok(asset), Some(kind)) = (form.asset_id.parse::<i64>(), ReactionKind::parse(form.kind.as_str())) else {
        return Err(ServiceError::invalid("kind", "choose a reaction").into());
    };
    s.app.react(&actor, AssetId(asset), kind, form.on == "yes").await?;
    let month = parse_month(&form.month).map(|m| m.format("%Y-%m").to_string()).unwrap_or_default();
    Ok(see_other(&format!("/showcase?month={month}#story-{asset}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subject_is_an_asset_or_a_session_not_both() {
        assert_eq!(SubjectQuery { asset: Some(1), session: None }.subject().unwrap(), ImpactSubject::Asset(AssetId(1)));
        assert!(SubjectQuery { asset: Some(1), session: Some(2) }.subject().is_err());
        assert!(SubjectQuery { asset: None, session: None }.subject().is_err());
    }
}
