//! Movers and leavers: the plans a person may see, starting one, and one plan
//! with its six steps, priorities, actions, handover notes and reassignment checklist.
use signpost_domain::UserId;
use signpost_domain::retention::{AreaSource, KnowledgeArea, PlanId, Tool};
use signpost_services::leavers::PlanView;

use super::forms::{PlanForm, PlanNotice};
use crate::pages::prelude::*;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new().page("/leavers", list).page("/leavers/{id}", show)
}

/// (value, text) options for choosing a person, with an optional "nobody yet" first.
pub(super) fn people_options(people: &[(UserId, String)], none: Option<&str>) -> Vec<(String, String)> {
    none.map(|n| (String::new(), n.to_string())).into_iter().chain(people.iter().map(|(id, n)| (id.to_string(), n.clone()))).collect()
}

fn departure_options() -> Vec<(String, String)> {
    vec![("leaving".into(), "Leaving the organisation".into()), ("moving".into(), "Moving to another role".into())]
}

fn days_text(days: i64) -> String {
    match days {
        d if d < 0 => format!("left {} days ago", -d),
        0 => "leaves today".into(),
        1 => "leaves tomorrow".into(),
        d => format!("{d} days to go"),
    }
}

/// The fields of the start and change forms, filled from `form`.
/// `leavers` are the people the reader may start a plan for (only themselves, unless a specialist).
pub(super) fn plan_fields(form: &PlanForm, errors: &Errors, people: &[(UserId, String)], leavers: Option<&[(UserId, String)]>) -> Markup {
    let n = PlanForm::NAMES;
    html! {
        @if let Some(leavers) = leavers {
            (Field::new(n.leaver_id, "Who is leaving or moving?").errors(errors).select(&people_options(leavers, (leavers.len() > 1).then_some("Choose a person")), &form.leaver_id))
        }
        (Field::new(n.departure, "Leaving or moving").errors(errors).select(&departure_options(), &form.departure))
        (Field::new(n.leaving_on, "Last day in the role").hint("For example, 31 3 2027").errors(errors).date(&form.leaving_on))
        (Field::new(n.role, "Role being left").hint("For example, Infection prevention lead").errors(errors).input("text", &form.role))
        p class="nhsuk-body-s" { "The line manager recorded on the leaver's account agrees the priorities, once they have accepted. An administrator records it under Admin → Users and roles." }
        (Field::new(n.successor_id, "Successor").hint("Who takes over; the handover notes will belong to them").errors(errors).select(&people_options(people, Some("Not known yet")), &form.successor_id))
        (Field::new(n.key_colleague_id, "Key colleague").hint("Helps facilitate (step 5)").errors(errors).select(&people_options(people, Some("Not named yet")), &form.key_colleague_id))
    }
}

pub(super) async fn list_page(s: &AppState, actor: &Actor, viewer: &Viewer, sent: &FormState<PlanForm>) -> PageMarkup {
    let (form, errors) = (&sent.values, &sent.errors);
    let plans = s.app.plans(actor).await?;
    let people = s.app.plan_people(actor).await?;
    let leavers = s.app.plan_leavers(actor).await?;
    let body = html! {
        (error_summary(errors))
        h1 { "Movers and leavers" }
        p { "When someone leaves or moves, a plan secures what they know: they list the knowledge they would take with them, the team says what it wants to know, the line manager agrees priorities, actions are chosen from the toolbox, and the outputs are stored where the team can reach them. Everything they hold passes to someone else." }
        h2 { "Plans" }
        @if plans.is_empty() { p { "No plans you can see." } }
        @else {
            table class="nhsuk-table" id="plans" {
                caption class="nhsuk-table__caption nhsuk-u-visually-hidden" { "Plans you can see" }
                (table_head(&["Person", "Role", "Last day", "Steps done", "Actions done"]))
                tbody class="nhsuk-table__body" {
                    @for p in &plans {
                        tr class="nhsuk-table__row" {
                            td class="nhsuk-table__cell" { a href={ "/leavers/" (p.plan.id) } { (p.leaver) } }
                            td class="nhsuk-table__cell" { (p.plan.role) }
                            td class="nhsuk-table__cell" {
                                (long_date(p.plan.leaving_on)) br;
                                @if p.plan.completed_at.is_some() { strong class="nhsuk-tag nhsuk-tag--green" { "Closed" } }
                                @else { span class="nhsuk-body-s" { (days_text(p.days_left)) } }
                            }
                            td class="nhsuk-table__cell" { (p.steps_done) " of 6" }
                            td class="nhsuk-table__cell" { (p.actions_done) " of " (p.actions_total) }
                        }
                    }
                }
            }
        }
        h2 { "Start a plan" }
        p { "The person leaving or a knowledge specialist can start one; the line manager named is asked to accept it. Start as soon as the date is known: a new recruit can take six months or more to become effective." }
        form method="post" action="/leavers" novalidate {
            (csrf_field(&viewer.csrf_token))
            (plan_fields(form, errors, &people, Some(&leavers)))
            button class="nhsuk-button" type="submit" { "Start the plan" }
        }
    };
    Ok(page("Movers and leavers", Some(viewer), "", body))
}

/// `GET /leavers`.
pub async fn list(SignedIn(s, actor, viewer): SignedIn) -> PageResult {
    Ok(list_page(&s, &actor, &viewer, &FormState::default()).await?.into_response())
}

fn name(v: &PlanView, id: UserId) -> String {
    v.names.get(&id).cloned().unwrap_or_else(|| "someone".into())
}

fn summary_row(key: &str, value: Markup) -> Markup {
    html! { div class="nhsuk-summary-list__row" { dt class="nhsuk-summary-list__key" { (key) } dd class="nhsuk-summary-list__value" { (value) } } }
}

fn steps(v: &PlanView) -> Markup {
    html! {
        ul class="nhsuk-task-list" id="steps" {
            @for step in &v.steps {
                li class="nhsuk-task-list__item" {
                    div class="nhsuk-task-list__name-and-hint" { "Step " (step.number) ": " (step.label) }
                    div class="nhsuk-task-list__status" {
                        @if step.done { "Done" } @else { strong class="nhsuk-tag nhsuk-tag--blue" { "To do" } }
                    }
                }
            }
        }
    }
}

/// The three parts of an area's score: the name each is sent under (`importance-ID`), and its label.
pub(super) const SCORE_PARTS: [(&str, &str); 3] = [("importance", "Importance"), ("availability", "Scarcity"), ("frequency", "Frequency")];

fn score_radios(area: &KnowledgeArea, part: &str, text: &str, value: Option<u8>) -> Markup {
    let name = format!("{part}-{}", area.id);
    html! {
        fieldset class="nhsuk-fieldset" id=(name) {
            legend class="nhsuk-fieldset__legend" { (text) span class="nhsuk-u-visually-hidden" { " of " (area.title) } }
            div class="nhsuk-radios nhsuk-radios--inline" {
                @for n in 1u8..=3 {
                    div class="nhsuk-radios__item" {
                        input class="nhsuk-radios__input" id={ (name) "-" (n) } name=(name) type="radio" value=(n) checked[value == Some(n)];
                        label class="nhsuk-label nhsuk-radios__label" for={ (name) "-" (n) } { (n) }
                    }
                }
            }
        }
    }
}

fn area_block(v: &PlanView, area: &KnowledgeArea, csrf: &Markup, sent: &FormState<PlanForm>) -> Markup {
    let id = v.plan.id;
    let tools: Vec<(String, String)> = Tool::ALL.iter().map(|t| (t.as_str().to_string(), t.label().to_string())).collect();
    let from = match area.source {
        AreaSource::Leaver => "from the leaver",
        AreaSource::Team => "from the team",
        AreaSource::Both => "from the leaver and the team",
    };
    let tool_id = format!("tool-{}", area.id);
    let note_id = format!("action_note-{}", area.id);
    let n = PlanForm::NAMES;
    let blank = PlanForm::default();
    let form = sent.sent_for(area.id).map_or(&blank, |s| &s.values);
    html! {
        div class="nhsuk-card" id={ "area-" (area.id) } {
            div class="nhsuk-card__content" {
                h3 class="nhsuk-card__heading nhsuk-heading-s" { (area.title) }
                p class="nhsuk-body-s" {
                    (from) ", added by " (name(v, area.raised_by))
                    @if let Some(score) = area.score { " · priority score " strong { (score.priority()) } " out of 9 (importance " (score.importance) " + scarcity " (score.availability) " + frequency " (score.frequency) ")" }
                    @else { " · not scored yet" }
                }
                @if !area.detail.is_empty() { p { (area.detail) } }
                @if !area.who_needs.is_empty() { p class="nhsuk-body-s" { "Who needs to know: " (area.who_needs) } }
                @if v.changeable_areas.contains(&area.id) {
                    p class="nhsuk-body-s" { a href={ "/leavers/" (id) "/areas/" (area.id) } { "Change, merge or remove" span class="nhsuk-u-visually-hidden" { ": " (area.title) } } }
                }
                @if !area.actions.is_empty() {
                    ul class="nhsuk-list nhsuk-list--border" {
                        @for action in &area.actions { (action_item(v, action, csrf)) }
                    }
                }
                @if v.may.plan_actions && v.plan.agreed.is_some() {
                    form method="post" action={ "/leavers/" (id) "/areas/" (area.id) "/actions" } novalidate {
                        (csrf)
                        (Field::new(&tool_id, "Choose an action from the toolbox").name(n.tool).errors_at(&sent.errors, &tool_id).select(&tools, &form.tool))
                        (Field::new(&note_id, "Who needs to know, how and when").name(n.note).errors_at(&sent.errors, &note_id).input("text", &form.note))
                        button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit" { "Add action" span class="nhsuk-u-visually-hidden" { " for " (area.title) } }
                    }
                }
            }
        }
    }
}

fn action_item(v: &PlanView, action: &signpost_domain::retention::PlanAction, csrf: &Markup) -> Markup {
    let id = v.plan.id;
    let base = format!("/leavers/{id}/actions/{}", action.id);
    html! {
        li id={ "action-" (action.id) } {
            strong { (action.tool.label()) } " "
            @if action.done { strong class="nhsuk-tag nhsuk-tag--green" { "Done" } } @else { strong class="nhsuk-tag nhsuk-tag--grey" { "Not done" } }
            @if !action.note.is_empty() { br; span class="nhsuk-body-s" { (action.note) } }
            @if let Some(asset) = action.output_asset_id {
                br; a href={ "/assets/" (asset) } { "Read the handover note" span class="nhsuk-u-visually-hidden" { ": " (action.tool.label()) } }
            }
            @if action.tool == Tool::KnowledgeExchange { (exchange_lists(v, action, csrf, &base)) }
            div class="nhsuk-button-group" {
                @if v.may.record_output && action.output_asset_id.is_none() {
                    a class="nhsuk-button nhsuk-button--small" href={ (base) "/note" } { "Write the handover note" span class="nhsuk-u-visually-hidden" { ": " (action.tool.label()) } }
                }
                @if v.may.plan_actions {
                    form method="post" action={ (base) "/done" } novalidate {
                        (csrf) input type="hidden" name=(PlanForm::NAMES.done) value=(if action.done { "no" } else { "yes" });
                        button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit" {
                            (if action.done { "Mark not done" } else { "Mark done" }) span class="nhsuk-u-visually-hidden" { ": " (action.tool.label()) }
                        }
                    }
                }
            }
        }
    }
}

fn exchange_lists(v: &PlanView, action: &signpost_domain::retention::PlanAction, csrf: &Markup, base: &str) -> Markup {
    let we = format!("we_want_to_know-{}", action.id);
    let you = format!("you_need_to_know-{}", action.id);
    html! {
        @if v.may.add_area && action.output_asset_id.is_none() {
            form method="post" action={ (base) "/lists" } novalidate {
                (csrf)
                (Field::new(&we, "Top 10 things we want to know (the team)").name(PlanForm::NAMES.we_want_to_know).hint("One per line").textarea(4, &action.we_want_to_know.join("\n")))
                (Field::new(&you, "Top 10 things you need to know (the leaver)").name(PlanForm::NAMES.you_need_to_know).hint("One per line").textarea(4, &action.you_need_to_know.join("\n")))
                button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit" { "Save the lists" }
            }
        } @else {
            @for (heading, items) in [("We want to know", &action.we_want_to_know), ("You need to know", &action.you_need_to_know)] {
                @if !items.is_empty() { p class="nhsuk-body-s" { strong { (heading) ": " } (items.join("; ")) } }
            }
        }
    }
}

fn scores_form(v: &PlanView, csrf: &Markup) -> Markup {
    let n = PlanForm::NAMES;
    html! {
        form method="post" action={ "/leavers/" (v.plan.id) "/scores" } novalidate id="scores" {
            (csrf)
            p { "Score each area from 1 (low) to 3 (high) on three things. Its priority score is their sum, from 3 to 9: importance, scarcity (how few others know it) and frequency (how often it is needed)." }
            @for area in &v.plan.areas {
                fieldset class="nhsuk-fieldset nhsuk-u-margin-bottom-4" {
                    legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s" { (area.title) }
                    div class="signpost-inline-fields signpost-score" {
                        @for (part, text) in SCORE_PARTS {
                            (score_radios(area, part, text, area.score.map(|s| match part { "importance" => s.importance, "availability" => s.availability, _ => s.frequency })))
                        }
                    }
                }
            }
            div class="nhsuk-button-group" {
                button class="nhsuk-button" type="submit" name=(n.agree) value="yes" { "Save and agree the priorities" }
                button class="nhsuk-button nhsuk-button--secondary" type="submit" name=(n.agree) value="no" { "Save the scores" }
            }
        }
    }
}

fn handover_section(v: &PlanView, csrf: &Markup, people: &[(UserId, String)], form: &PlanForm) -> Markup {
    let default_to = v.plan.successor_id.unwrap_or(v.plan.line_manager_id).to_string();
    let choices = people_options(people, Some("Keep for now"));
    let n = PlanForm::NAMES;
    let sent_to = |key: &str| form.holding.iter().position(|h| h == key).and_then(|i| form.to.get(i)).map(String::as_str);
    html! {
        h2 id="handover" { "Pass on what they hold" }
        p { "Assets they own (and with them their review dates), open actions, communities they coordinate and their place as a knowledge advocate. Nothing should be left without an owner." }
        @if v.holdings.is_empty() { p id="nothing-held" { "Nothing is left with them." } }
        @else if v.may.manage && v.holdings.iter().any(|h| h.may_pass_on) {
            @if v.holdings.iter().any(|h| !h.may_pass_on) {
                p id="not-yours" { "Some of these you could not change yourself, so you cannot pass them on: a knowledge specialist or administrator can." }
            }
            form method="post" action={ "/leavers/" (v.plan.id) "/handover" } novalidate {
                (csrf)
                table class="nhsuk-table" id="holdings" {
                    caption class="nhsuk-table__caption nhsuk-u-visually-hidden" { "What they hold" }
                    (table_head(&["What", "Pass to"]))
                    tbody class="nhsuk-table__body" {
                        @for h in &v.holdings {
                            @let field = format!("to-{}", h.key);
                            @let chosen = if form.holding.is_empty() { default_to.as_str() } else { sent_to(&h.key).unwrap_or_default() };
                            tr class="nhsuk-table__row" {
                                td class="nhsuk-table__cell" { (h.label) br; span class="nhsuk-body-s" { (h.detail) } }
                                td class="nhsuk-table__cell" {
                                    @if h.may_pass_on {
                                        input type="hidden" name=(n.holding) value=(h.key);
                                        label class="nhsuk-label nhsuk-u-visually-hidden" for=(field) { "Pass " (h.label) " to" }
                                        select class="nhsuk-select" id=(field) name=(n.to) {
                                            @for (value, text) in &choices { option value=(value) selected[value == chosen] { (text) } }
                                        }
                                    } @else { "Not yours to pass on" }
                                }
                            }
                        }
                    }
                }
                button class="nhsuk-button" type="submit" { "Pass these on" }
            }
        } @else {
            @if v.may.manage {
                div class="nhsuk-inset-text" id="not-yours" {
                    p { "You could not change any of these yourself, so you cannot pass them on. Ask a knowledge specialist or an administrator to pass them on from this page." }
                }
            }
            ul class="nhsuk-list nhsuk-list--bullet" id="holdings" { @for h in &v.holdings { li { (h.label) @if !h.detail.is_empty() { " (" (h.detail) ")" } } } }
        }
        @if !v.plan.handed.is_empty() {
            h3 { "Passed on" }
            ul class="nhsuk-list nhsuk-list--bullet" id="handed" {
                @for h in &v.plan.handed { li { (h.label) " to " (name(v, h.to)) " on " (h.at.date_naive()) } }
            }
        }
    }
}

pub(super) async fn plan_page(s: &AppState, actor: &Actor, viewer: &Viewer, id: PlanId, sent: &FormState<PlanForm>) -> PageMarkup {
    let (form, errors) = (&sent.values, &sent.errors);
    let n = PlanForm::NAMES;
    let v = s.app.plan_view(actor, id).await?;
    let people = if v.may.manage || v.may.edit { s.app.plan_people(actor).await? } else { Vec::new() };
    let csrf = csrf_field(&viewer.csrf_token);
    let leaver = name(&v, v.plan.leaver_id);
    let title = format!("Securing {leaver}'s knowledge");
    let who_adds =
        if v.plan.leaver_id == actor.user_id { "yours: what you would take with you" } else { "the team's: what you would like to know" };
    let body = html! {
        (error_summary(errors))
        @if let Some(d) = sent.notice { (success_banner(d)) }
        span class="nhsuk-caption-l" { (v.plan.departure.as_str()) " · " (v.plan.role) }
        h1 { (title) }
        dl class="nhsuk-summary-list" {
            (summary_row("Last day", html! { (long_date(v.plan.leaving_on)) " (" (days_text(v.days_left)) ")" }))
            (summary_row("Line manager", html! {
                (name(&v, v.plan.line_manager_id))
                @if v.plan.manager_accepted_at.is_none() { " " strong class="nhsuk-tag nhsuk-tag--yellow" { "Not accepted yet" } }
            }))
            (summary_row("Successor", html! { @if let Some(u) = v.plan.successor_id { (name(&v, u)) } @else { "Not known yet" } }))
            (summary_row("Key colleague", html! { @if let Some(u) = v.plan.key_colleague_id { (name(&v, u)) } @else { "Not named yet" } }))
            (summary_row("Progress", html! { (v.steps.iter().filter(|s| s.done).count()) " of 6 steps, " (v.actions_done) " of " (v.actions_total) " actions done" }))
        }
        @if v.plan.completed_at.is_some() { (success_banner("This plan is closed: the knowledge is secured and nothing is left with them.")) }
        @if v.may.accept_manager {
            div class="nhsuk-inset-text" id="accept-manager" {
                p { "You are named as " (leaver) "'s line manager on this plan. Once you accept, you agree the priorities and pass on what they hold." }
                form method="post" action={ "/leavers/" (id) "/accept" } novalidate {
                    (csrf) button class="nhsuk-button" type="submit" { "Accept as line manager" }
                }
            }
        }
        h2 { "The six steps" }
        (steps(&v))
        h2 id="areas" { "Knowledge areas" }
        @if let Some(a) = v.plan.agreed { p { "Priorities agreed by " (name(&v, a.by)) " on " (long_date(a.at.date_naive())) ". Highest first." } }
        @else if !v.plan.areas.is_empty() { p { "Priorities not agreed yet." } }
        @for area in v.plan.areas_by_priority() { (area_block(&v, area, &csrf, sent)) }
        @if v.may.add_area {
            h3 { "Add a knowledge area" }
            p class="nhsuk-body-s" { "It will be " (who_adds) "." }
            form method="post" action={ "/leavers/" (id) "/areas" } novalidate {
                (csrf)
                (Field::new(n.area_title, "Knowledge area").hint("For example, Running the outbreak control meeting").errors(errors).input("text", &form.area_title))
                (Field::new(n.area_detail, "More about it").errors(errors).textarea(3, &form.area_detail))
                (Field::new(n.area_who_needs, "Who needs to know it").errors(errors).input("text", &form.area_who_needs))
                button class="nhsuk-button nhsuk-button--secondary" type="submit" { "Add the area" }
            }
        }
        @if v.may.agree && !v.plan.areas.is_empty() {
            h2 { "Agree the priorities" }
            (scores_form(&v, &csrf))
        }
        @if !v.outputs.is_empty() || v.hidden_outputs > 0 {
            h2 { "The legacy" }
            ul class="nhsuk-list nhsuk-list--bullet" id="outputs" {
                @for o in &v.outputs { li { a href={ "/assets/" (o.asset_id) } { (o.title) } } }
                @if v.hidden_outputs > 0 { li { (v.hidden_outputs) " more stored for the team, which only its members can open" } }
            }
        }
        (handover_section(&v, &csrf, &people, form))
        @if v.may.manage {
            h2 { "Close the plan" }
            @if v.outstanding.is_empty() {
                form method="post" action={ "/leavers/" (id) "/complete" } novalidate {
                    (csrf) button class="nhsuk-button" type="submit" { "Close the plan" }
                }
            } @else {
                p { "Before it can close:" }
                ul class="nhsuk-list nhsuk-list--bullet" id="outstanding" { @for o in &v.outstanding { li { (o) } } }
            }
        }
        @if v.may.edit {
            details class="nhsuk-details" {
                summary class="nhsuk-details__summary" { span class="nhsuk-details__summary-text" { "Change the date or the people" } }
                div class="nhsuk-details__text" {
                    form method="post" action={ "/leavers/" (id) "/details" } novalidate {
                        (csrf)
                        (plan_fields(&details_form(&v, form), errors, &people, None))
                        button class="nhsuk-button nhsuk-button--secondary" type="submit" { "Save changes" }
                    }
                }
            }
        }
    };
    Ok(page(&title, Some(viewer), "", body))
}

/// The change form's values: what was sent, or the plan as it stands.
fn details_form(v: &PlanView, form: &PlanForm) -> PlanForm {
    if !form.leaving_on.is_empty() {
        return form.clone();
    }
    let opt = |u: Option<UserId>| u.map(|u| u.to_string()).unwrap_or_default();
    PlanForm {
        departure: v.plan.departure.as_str().into(),
        leaving_on: v.plan.leaving_on.to_string(),
        role: v.plan.role.clone(),
        successor_id: opt(v.plan.successor_id),
        key_colleague_id: opt(v.plan.key_colleague_id),
        ..PlanForm::default()
    }
}

/// `GET /leavers/{id}`.
pub async fn show(SignedIn(s, actor, viewer): SignedIn, PagePath(id): PagePath<PlanId>, notice: Done<PlanNotice>) -> PageResult {
    Ok(plan_page(&s, &actor, &viewer, id, &FormState::shown(notice.message())).await?.into_response())
}
