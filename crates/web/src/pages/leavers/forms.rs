//! The forms of a leaver's plan. A refused form shows the plan again with the problem
//! on the field it concerns; every form address answers `GET` with the plan.
use signpost_domain::fields::KeyContact;
use signpost_domain::retention::{Departure, PlanId, Tool};
use signpost_services::leavers::{
    ActionInput, AreaInput, AreaScore, ExchangeLists, HandoverInput, Move, OutputInput, PlanInput, ScoresInput, exchange_outline,
};

use super::plans::{SCORE_PARTS, list_page, plan_page};
use crate::pages::prelude::*;
use signpost_domain::ids::UserId;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new()
        .form("/leavers", start)
        .form_back("/leavers/{id}/details", "/leavers/{id}", details)
        .form_back("/leavers/{id}/accept", "/leavers/{id}", accept)
        .form_back("/leavers/{id}/areas", "/leavers/{id}", add_area)
        .form_back("/leavers/{id}/scores", "/leavers/{id}", scores)
        .form_back("/leavers/{id}/areas/{area}/actions", "/leavers/{id}", add_action)
        .form_back("/leavers/{id}/actions/{action}/lists", "/leavers/{id}", lists)
        .form_back("/leavers/{id}/actions/{action}/done", "/leavers/{id}", done_action)
        .page("/leavers/{id}/actions/{action}/note", note_form)
        .form("/leavers/{id}/actions/{action}/note", note)
        .form_back("/leavers/{id}/handover", "/leavers/{id}", handover)
        .form_back("/leavers/{id}/complete", "/leavers/{id}", complete)
}

crate::page_form! {
    /// The fields of a plan's forms. The forms repeated per area or action send plain
    /// names (their item is in the address); the handover is a grid, one entry per
    /// holding in order. The scores are read by name (`importance-3=2`), see [`scores`].
    pub struct PlanForm / PlanNames {
        leaver_id: String, departure: String, leaving_on: String, role: String,
        successor_id: String, key_colleague_id: String,
        area_title: String, area_detail: String, area_who_needs: String,
        tool: String, note: String, we_want_to_know: String, you_need_to_know: String, done: String,
        title: String, body: String, key_contacts: String,
        agree: String,
        holding: Vec<String>, to: Vec<String>,
    }
}

crate::notices! {
    /// What a plan's page says after a change.
    pub enum PlanNotice {
        Started => "Plan started. Everyone in it has been told, and the line manager asked to accept.",
        Accepted => "You are the plan's line manager: agree the priorities once the areas are in.",
        Area => "Knowledge area added.",
        AreaChanged => "Knowledge area changed.",
        Merged => "The areas are merged into one.",
        Removed => "Knowledge area removed.",
        Scored => "Scores saved.",
        Agreed => "Priorities agreed. Now choose actions for each.",
        Action => "Action added.",
        Lists => "Lists saved.",
        Progress => "Progress saved.",
        Note => "Handover note stored for the team.",
        Handed => "Passed on. Each new holder has been told.",
        Details => "Plan updated.",
        Closed => "Plan closed.",
    }
}

fn optional_id(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}

fn plan_input(form: &PlanForm, leaver_id: UserId) -> PlanInput {
    PlanInput {
        leaver_id,
        departure: if form.departure == "moving" { Departure::Moving } else { Departure::Leaving },
        leaving_on: form.leaving_on.clone(),
        role: form.role.clone(),
        successor_id: optional_id(&form.successor_id).map(UserId),
        key_colleague_id: optional_id(&form.key_colleague_id).map(UserId),
    }
}

/// Who is answering a form, and where.
struct Reader<'a> {
    s: &'a AppState,
    actor: &'a Actor,
    viewer: &'a Viewer,
    id: PlanId,
}

impl Reader<'_> {
    /// Goes to the plan with `notice`, or shows it again with the problems on the
    /// fields `rename` names.
    async fn back(
        &self,
        sent: FormState<PlanForm>,
        result: Result<(), ServiceError>,
        notice: PlanNotice,
        rename: impl Fn(&str) -> String,
    ) -> PageResult {
        match result {
            Ok(()) => Ok(done(&format!("/leavers/{}", self.id), notice)),
            Err(e) => {
                let sent = FormState { errors: refused_as(e, rename)?, ..sent };
                Ok(plan_page(self.s, self.actor, self.viewer, self.id, &sent).await?.into_response())
            }
        }
    }
}

/// `POST /leavers`.
pub async fn start(CsrfForm(s, actor, viewer, form): CsrfForm<PlanForm>) -> PageResult {
    let input = plan_input(&form, UserId(optional_id(&form.leaver_id).unwrap_or(0)));
    match s.app.start_plan(&actor, input).await {
        Ok(plan) => Ok(done(&format!("/leavers/{}", plan.id), PlanNotice::Started)),
        Err(e) => {
            let conflict = matches!(e, ServiceError::Conflict(_));
            let errors = refused_as(e, |f| if conflict { PlanForm::NAMES.leaver_id.into() } else { f.to_string() })?;
            Ok(list_page(&s, &actor, &viewer, &FormState::with_errors(form, errors)).await?.into_response())
        }
    }
}

/// `POST /leavers/{id}/details`.
pub async fn details(PagePath(id): PagePath<PlanId>, CsrfForm(s, actor, viewer, form): CsrfForm<PlanForm>) -> PageResult {
    let leaver = s.app.plan_view(&actor, id).await?.plan.leaver_id;
    let result = s.app.update_plan(&actor, id, plan_input(&form, leaver)).await.map(drop);
    let r = Reader { s: &s, actor: &actor, viewer: &viewer, id };
    r.back(FormState::with_errors(form, Vec::new()), result, PlanNotice::Details, str::to_string).await
}

/// `POST /leavers/{id}/accept`: the named line manager accepts.
pub async fn accept(PagePath(id): PagePath<PlanId>, CsrfForm(s, actor, viewer, CsrfOnly {}): CsrfForm<CsrfOnly>) -> PageResult {
    let result = s.app.accept_manager(&actor, id).await.map(drop);
    let r = Reader { s: &s, actor: &actor, viewer: &viewer, id };
    r.back(FormState::default(), result, PlanNotice::Accepted, |_| "accept-manager".to_string()).await
}

/// `POST /leavers/{id}/areas`.
pub async fn add_area(PagePath(id): PagePath<PlanId>, CsrfForm(s, actor, viewer, form): CsrfForm<PlanForm>) -> PageResult {
    let input = AreaInput { title: form.area_title.clone(), detail: form.area_detail.clone(), who_needs: form.area_who_needs.clone() };
    let result = s.app.add_area(&actor, id, input).await.map(drop);
    let r = Reader { s: &s, actor: &actor, viewer: &viewer, id };
    r.back(FormState::with_errors(form, Vec::new()), result, PlanNotice::Area, |f| format!("area_{f}")).await
}

/// `POST /leavers/{id}/scores`: each area's three scores as radios named by area
/// (`importance-3=2`), and agreement when asked. Only the plan's own areas are read.
pub async fn scores(PagePath(id): PagePath<PlanId>, CsrfForm(s, actor, viewer, sent): CsrfForm<Vec<(String, String)>>) -> PageResult {
    let plan = s.app.plan_view(&actor, id).await?.plan;
    let sent: std::collections::HashMap<&str, &str> = sent.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let part = |name: &str, area: i64| sent.get(format!("{name}-{area}").as_str()).and_then(|v| v.parse::<u8>().ok());
    let mut scores = Vec::new();
    for area in &plan.areas {
        let [importance, availability, frequency] = SCORE_PARTS.map(|(name, _)| part(name, area.id));
        if let (Some(importance), Some(availability), Some(frequency)) = (importance, availability, frequency) {
            scores.push(AreaScore { area_id: area.id, importance, availability, frequency });
        }
    }
    let agree = sent.get(PlanForm::NAMES.agree) == Some(&"yes");
    let result = s.app.score_areas(&actor, id, ScoresInput { scores, agree }).await.map(drop);
    let first = plan.areas.first().map(|a| format!("importance-{}", a.id)).unwrap_or_default();
    let notice = if agree { PlanNotice::Agreed } else { PlanNotice::Scored };
    let r = Reader { s: &s, actor: &actor, viewer: &viewer, id };
    r.back(FormState::default(), result, notice, |_| first.clone()).await
}

/// `POST /leavers/{id}/areas/{area}/actions`.
pub async fn add_action(PagePath((id, area)): PagePath<(PlanId, i64)>, CsrfForm(s, actor, viewer, form): CsrfForm<PlanForm>) -> PageResult {
    let result = match Tool::parse(&form.tool) {
        Some(tool) => s.app.add_plan_action(&actor, id, area, ActionInput { tool, note: form.note.clone() }).await.map(drop),
        None => Err(ServiceError::invalid("tool", "choose an action from the toolbox")),
    };
    let r = Reader { s: &s, actor: &actor, viewer: &viewer, id };
    let sent = FormState::with_errors(form, Vec::new()).for_item(area);
    r.back(sent, result, PlanNotice::Action, |f| if f == "note" { format!("action_note-{area}") } else { format!("tool-{area}") }).await
}

/// `POST /leavers/{id}/actions/{action}/lists`: a knowledge exchange's two lists, one item per line.
pub async fn lists(PagePath((id, action)): PagePath<(PlanId, i64)>, CsrfForm(s, actor, viewer, form): CsrfForm<PlanForm>) -> PageResult {
    let lines = |text: &str| text.lines().map(str::to_string).collect();
    let input = ExchangeLists { we_want_to_know: lines(&form.we_want_to_know), you_need_to_know: lines(&form.you_need_to_know) };
    let result = s.app.set_exchange_lists(&actor, id, action, input).await.map(drop);
    let r = Reader { s: &s, actor: &actor, viewer: &viewer, id };
    r.back(FormState::default().for_item(action), result, PlanNotice::Lists, |f| format!("{f}-{action}")).await
}

/// `POST /leavers/{id}/actions/{action}/done`.
pub async fn done_action(PagePath((id, action)): PagePath<(PlanId, i64)>, CsrfForm(s, actor, _, form): CsrfForm<PlanForm>) -> PageResult {
    s.app.set_plan_action_done(&actor, id, action, form.done == "yes").await?;
    Ok(done(&format!("/leavers/{id}#action-{action}"), PlanNotice::Progress))
}

/// `POST /leavers/{id}/handover`: each holding sent with whom it goes to; nobody keeps it for now.
pub async fn handover(PagePath(id): PagePath<PlanId>, CsrfForm(s, actor, viewer, form): CsrfForm<PlanForm>) -> PageResult {
    let moves: Vec<Move> = form
        .holding
        .iter()
        .zip(&form.to)
        .filter_map(|(holding, to)| Some(Move { holding: holding.clone(), to: UserId(optional_id(to)?) }))
        .collect();
    let first = moves.first().map(|m| format!("to-{}", m.holding)).unwrap_or_else(|| "handover".into());
    let result = s.app.hand_over(&actor, id, HandoverInput { moves }).await.map(drop);
    let r = Reader { s: &s, actor: &actor, viewer: &viewer, id };
    r.back(FormState::with_errors(form, Vec::new()), result, PlanNotice::Handed, |_| first.clone()).await
}

/// `POST /leavers/{id}/complete`.
pub async fn complete(PagePath(id): PagePath<PlanId>, CsrfForm(s, actor, viewer, CsrfOnly {}): CsrfForm<CsrfOnly>) -> PageResult {
    let result = s.app.complete_plan(&actor, id).await.map(drop);
    let r = Reader { s: &s, actor: &actor, viewer: &viewer, id };
    r.back(FormState::default(), result, PlanNotice::Closed, |_| "outstanding".into()).await
}

/// Key contacts, one per line.
fn contacts(text: &str) -> Vec<KeyContact> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(KeyContact::from_line).collect()
}

async fn note_page(s: &AppState, actor: &Actor, viewer: &Viewer, id: PlanId, action: i64, sent: Option<(&PlanForm, Errors)>) -> PageResult {
    let v = s.app.plan_view(actor, id).await?;
    let (area, act) = v.plan.actions().find(|(_, x)| x.id == action).ok_or_else(|| ServiceError::NotFound("the action".into()))?;
    let (form, errors) = match sent {
        Some((form, errors)) => (form.clone(), errors),
        None => {
            let outline =
                PlanForm { title: format!("{}: {}", act.tool.label(), area.title), body: exchange_outline(act), ..PlanForm::default() };
            (outline, Vec::new())
        }
    };
    let errors = &errors;
    let n = PlanForm::NAMES;
    let heading = format!("Handover note: {}", area.title);
    let body = html! {
        (error_summary(errors))
        a class="nhsuk-back-link" href={ "/leavers/" (id) } { "Back to the plan" }
        span class="nhsuk-caption-l" { (act.tool.label()) }
        h1 { (heading) }
        p { (act.tool.description()) }
        p { "The note is published for the team and belongs to the successor, so it outlives the handover." }
        form method="post" action={ "/leavers/" (id) "/actions/" (action) "/note" } novalidate {
            (csrf_field(&viewer.csrf_token))
            (Field::new(n.title, "Title").errors(errors).input("text", &form.title))
            (Field::new(n.body, "What the successor needs to know").hint("Markdown: ## for headings, - for lists").errors(errors).textarea(14, &form.body))
            (Field::new(n.key_contacts, "Key contacts").hint("One per line: who, what they do, how to reach them. For example: Site manager on call, bleep 2222").errors(errors).textarea(4, &form.key_contacts))
            button class="nhsuk-button" type="submit" { "Store the note" }
        }
    };
    Ok(page(&heading, Some(viewer), "", body).into_response())
}

/// `GET /leavers/{id}/actions/{action}/note`.
pub async fn note_form(SignedIn(s, actor, viewer): SignedIn, PagePath((id, action)): PagePath<(PlanId, i64)>) -> PageResult {
    note_page(&s, &actor, &viewer, id, action, None).await
}

/// `POST /leavers/{id}/actions/{action}/note`.
pub async fn note(PagePath((id, action)): PagePath<(PlanId, i64)>, CsrfForm(s, actor, viewer, form): CsrfForm<PlanForm>) -> PageResult {
    let input = OutputInput { title: form.title.clone(), body: form.body.clone(), key_contacts: contacts(&form.key_contacts) };
    match s.app.record_plan_output(&actor, id, action, input).await {
        Ok(_) => Ok(done(&format!("/leavers/{id}#action-{action}"), PlanNotice::Note)),
        Err(ServiceError::IdentifierFound(_)) => {
            let errors = vec![(
                "body".to_string(),
                "The note contains what looks like an NHS number: remove it, notes are about the role, not patients".to_string(),
            )];
            note_page(&s, &actor, &viewer, id, action, Some((&form, errors))).await
        }
        Err(e) => {
            let errors = refused(e)?
                .into_iter()
                .map(|(f, m)| {
                    (
                        if f.starts_with("key_contacts") || f.starts_with("fields.key") {
                            "key_contacts".into()
                        } else {
                            f.trim_start_matches("fields.").to_string()
                        },
                        m,
                    )
                })
                .collect();
            note_page(&s, &actor, &viewer, id, action, Some((&form, errors))).await
        }
    }
}
