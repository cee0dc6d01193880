//! The forms of a leaver's plan. A refused form shows the plan again with the problem
//! on the field it concerns; every form address answers `GET` with the plan.
use signpost_domain::fields::KeyContact;
use signpost_domain::retention::{Departure, PlanId, Tool};
use signpost_services::leavers::{
    ActionInput, AreaInput, AreaScore, ExchangeLists, HandoverInput, Move, OutputInput, PlanInput, ScoresInput, exchange_outline,
};

use super::plans::{list_page, plan_page};
use crate::pages::prelude::*;

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
        .form_back("/leavers/{id}/actions/{action}/done", "/leavers/{id}", done)
        .page("/leavers/{id}/actions/{action}/note", note_form)
        .form("/leavers/{id}/actions/{action}/note", note)
        .form_back("/leavers/{id}/handover", "/leavers/{id}", handover)
        .form_back("/leavers/{id}/complete", "/leavers/{id}", complete)
}

type PlanForm = CsrfForm<Submitted>;

fn optional_id(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}

fn plan_input(form: &Submitted, leaver_id: i64) -> PlanInput {
    PlanInput {
        leaver_id,
        departure: if form.get("departure") == "moving" { Departure::Moving } else { Departure::Leaving },
        leaving_on: form.get("leaving_on").to_string(),
        role: form.get("role").to_string(),
        line_manager_id: optional_id(form.get("line_manager_id")).unwrap_or(0),
        successor_id: optional_id(form.get("successor_id")),
        key_colleague_id: optional_id(form.get("key_colleague_id")),
    }
}

/// The problems of a refused form with each service field renamed to its id on the page.
fn on_fields(e: ServiceError, rename: impl Fn(&str) -> String) -> Result<Errors, PageError> {
    Ok(refused(e)?.into_iter().map(|(f, m)| (rename(f.split('[').next().unwrap_or_default()), m)).collect())
}

/// Who is answering a form, and where.
struct Reader<'a> {
    s: &'a AppState,
    actor: &'a Actor,
    viewer: &'a Viewer,
}

/// Shows the plan again with the problems on the fields `rename` names, or goes to it with `done` on success.
async fn back(
    r: Reader<'_>,
    id: PlanId,
    form: &Submitted,
    result: Result<(), ServiceError>,
    done: &str,
    rename: impl Fn(&str) -> String,
) -> PageResult {
    match result {
        Ok(()) => Ok(see_other(&format!("/leavers/{id}?done={done}"))),
        Err(e) => {
            let errors = on_fields(e, rename)?;
            Ok(plan_page(r.s, r.actor, r.viewer, id, form, &errors, None).await?.into_response())
        }
    }
}

/// `POST /leavers`.
pub async fn start(CsrfForm(s, actor, viewer, form): PlanForm) -> PageResult {
    let input = plan_input(&form, optional_id(form.get("leaver_id")).unwrap_or(0));
    match s.app.start_plan(&actor, input).await {
        Ok(plan) => Ok(see_other(&format!("/leavers/{}?done=started", plan.id))),
        Err(e) => {
            let conflict = matches!(e, ServiceError::Conflict(_));
            let errors = on_fields(e, |f| if conflict { "leaver_id".into() } else { f.to_string() })?;
            Ok(list_page(&s, &actor, &viewer, &form, &errors).await?.into_response())
        }
    }
}

/// `POST /leavers/{id}/details`.
pub async fn details(PagePath(id): PagePath<PlanId>, CsrfForm(s, actor, viewer, form): PlanForm) -> PageResult {
    let leaver = s.app.plan_view(&actor, id).await?.plan.leaver_id;
    let result = s.app.update_plan(&actor, id, plan_input(&form, leaver)).await.map(drop);
    back(Reader { s: &s, actor: &actor, viewer: &viewer }, id, &form, result, "details", |f| f.to_string()).await
}

/// `POST /leavers/{id}/accept`: the named line manager accepts.
pub async fn accept(PagePath(id): PagePath<PlanId>, CsrfForm(s, actor, viewer, form): PlanForm) -> PageResult {
    let result = s.app.accept_manager(&actor, id).await.map(drop);
    back(Reader { s: &s, actor: &actor, viewer: &viewer }, id, &form, result, "accepted", |_| "accept-manager".to_string()).await
}

/// `POST /leavers/{id}/areas`.
pub async fn add_area(PagePath(id): PagePath<PlanId>, CsrfForm(s, actor, viewer, form): PlanForm) -> PageResult {
    let input = AreaInput {
        title: form.get("area_title").into(),
        detail: form.get("area_detail").into(),
        who_needs: form.get("area_who_needs").into(),
    };
    let result = s.app.add_area(&actor, id, input).await.map(drop);
    back(Reader { s: &s, actor: &actor, viewer: &viewer }, id, &form, result, "area", |f| format!("area_{f}")).await
}

/// `POST /leavers/{id}/scores`: every area's three scores, and agreement when asked.
pub async fn scores(PagePath(id): PagePath<PlanId>, CsrfForm(s, actor, viewer, form): PlanForm) -> PageResult {
    let plan = s.app.plan_view(&actor, id).await?.plan;
    let mut scores = Vec::new();
    for area in &plan.areas {
        let part = |p: &str| form.get(&format!("{p}-{}", area.id)).parse::<u8>().ok();
        if let (Some(importance), Some(availability), Some(frequency)) = (part("importance"), part("availability"), part("frequency")) {
            scores.push(AreaScore { area_id: area.id, importance, availability, frequency });
        }
    }
    let agree = form.get("agree") == "yes";
    let result = s.app.score_areas(&actor, id, ScoresInput { scores, agree }).await.map(drop);
    let first = plan.areas.first().map(|a| format!("importance-{}", a.id)).unwrap_or_default();
    back(Reader { s: &s, actor: &actor, viewer: &viewer }, id, &form, result, if agree { "agreed" } else { "scored" }, |_| first.clone())
        .await
}

/// `POST /leavers/{id}/areas/{area}/actions`.
pub async fn add_action(PagePath((id, area)): PagePath<(PlanId, i64)>, CsrfForm(s, actor, viewer, form): PlanForm) -> PageResult {
    let tool_field = format!("tool-{area}");
    let result = match Tool::parse(form.get(&tool_field)) {
        Some(tool) => s
            .app
            .add_plan_action(&actor, id, area, ActionInput { tool, note: form.get(&format!("action_note-{area}")).into() })
            .await
            .map(drop),
        None => Err(ServiceError::invalid("tool", "choose an action from the toolbox")),
    };
    back(Reader { s: &s, actor: &actor, viewer: &viewer }, id, &form, result, "action", |f| {
        if f == "note" { format!("action_note-{area}") } else { tool_field.clone() }
    })
    .await
}

/// `POST /leavers/{id}/actions/{action}/lists`: a knowledge exchange's two lists, one item per line.
pub async fn lists(PagePath((id, action)): PagePath<(PlanId, i64)>, CsrfForm(s, actor, viewer, form): PlanForm) -> PageResult {
    let lines = |name: &str| form.get(&format!("{name}-{action}")).lines().map(str::to_string).collect();
    let input = ExchangeLists { we_want_to_know: lines("we_want_to_know"), you_need_to_know: lines("you_need_to_know") };
    let result = s.app.set_exchange_lists(&actor, id, action, input).await.map(drop);
    back(Reader { s: &s, actor: &actor, viewer: &viewer }, id, &form, result, "lists", |f| format!("{f}-{action}")).await
}

/// `POST /leavers/{id}/actions/{action}/done`.
pub async fn done(PagePath((id, action)): PagePath<(PlanId, i64)>, CsrfForm(s, actor, _, form): PlanForm) -> PageResult {
    s.app.set_plan_action_done(&actor, id, action, form.get("done") == "yes").await?;
    Ok(see_other(&format!("/leavers/{id}?done=progress#action-{action}")))
}

/// `POST /leavers/{id}/handover`: each `to-{holding}` names who takes it on; empty keeps it for now.
pub async fn handover(PagePath(id): PagePath<PlanId>, CsrfForm(s, actor, viewer, form): PlanForm) -> PageResult {
    let moves: Vec<Move> =
        form.0.iter().filter_map(|(k, v)| Some(Move { holding: k.strip_prefix("to-")?.to_string(), to: optional_id(v)? })).collect();
    let first = moves.first().map(|m| format!("to-{}", m.holding)).unwrap_or_else(|| "handover".into());
    let result = s.app.hand_over(&actor, id, HandoverInput { moves }).await.map(drop);
    back(Reader { s: &s, actor: &actor, viewer: &viewer }, id, &form, result, "handed", |_| first.clone()).await
}

/// `POST /leavers/{id}/complete`.
pub async fn complete(PagePath(id): PagePath<PlanId>, CsrfForm(s, actor, viewer, _): PlanForm) -> PageResult {
    let result = s.app.complete_plan(&actor, id).await.map(drop);
    back(Reader { s: &s, actor: &actor, viewer: &viewer }, id, &Submitted(Vec::new()), result, "closed", |_| "outstanding".into()).await
}

/// Key contacts from lines of "name, role, contact".
fn contacts(text: &str) -> Vec<KeyContact> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut parts = l.splitn(3, ',').map(|p| p.trim().to_string());
            KeyContact {
                name: parts.next().unwrap_or_default(),
                role: parts.next().unwrap_or_default(),
                contact: parts.next().unwrap_or_default(),
            }
        })
        .collect()
}

async fn note_page(s: &AppState, actor: &Actor, viewer: &Viewer, id: PlanId, action: i64, form: &Submitted, errors: &Errors) -> PageResult {
    let v = s.app.plan_view(actor, id).await?;
    let (area, act) = v.plan.actions().find(|(_, x)| x.id == action).ok_or_else(|| ServiceError::NotFound("the action".into()))?;
    let fresh = form.0.is_empty();
    let title_value = if fresh { format!("{}: {}", act.tool.label(), area.title) } else { form.get("title").to_string() };
    let body_value = if fresh { exchange_outline(act) } else { form.get("body").to_string() };
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
            (Field::new("title", "Title").errors(errors).input("text", &title_value))
            (Field::new("body", "What the successor needs to know").hint("Markdown: ## for headings, - for lists").errors(errors).textarea(14, &body_value))
            (Field::new("key_contacts", "Key contacts").hint("One per line: name, role, how to reach them").errors(errors).textarea(4, form.get("key_contacts")))
            button class="nhsuk-button" type="submit" { "Store the note" }
        }
    };
    Ok(page(&heading, Some(viewer), "", body).into_response())
}

/// `GET /leavers/{id}/actions/{action}/note`.
pub async fn note_form(SignedIn(s, actor, viewer): SignedIn, PagePath((id, action)): PagePath<(PlanId, i64)>) -> PageResult {
    note_page(&s, &actor, &viewer, id, action, &Submitted(Vec::new()), &Vec::new()).await
}

/// `POST /leavers/{id}/actions/{action}/note`.
pub async fn note(PagePath((id, action)): PagePath<(PlanId, i64)>, CsrfForm(s, actor, viewer, form): PlanForm) -> PageResult {
    let input =
        OutputInput { title: form.get("title").into(), body: form.get("body").into(), key_contacts: contacts(form.get("key_contacts")) };
    match s.app.record_plan_output(&actor, id, action, input).await {
        Ok(_) => Ok(see_other(&format!("/leavers/{id}?done=note#action-{action}"))),
        Err(ServiceError::IdentifierFound(_)) => {
            let errors = vec![(
                "body".to_string(),
                "The note contains what looks like an NHS number: remove it, notes are about the role, not patients".to_string(),
            )];
            note_page(&s, &actor, &viewer, id, action, &form, &errors).await
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
            note_page(&s, &actor, &viewer, id, action, &form, &errors).await
        }
    }
}
