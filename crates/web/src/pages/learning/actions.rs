//! Actions and lessons still to learn: the reader's open actions with a way to close
//! them, the overdue lists per person and team, and lessons identified but never learned.
use axum::http::StatusCode;
use signpost_domain::learning::{Action, ActionStatus, LessonState};
use signpost_services::learning::actions::CloseAction;
use signpost_services::learning::lessons::LessonStateChange;
use signpost_services::learning::projects::LessonEntry;

use crate::pages::prelude::*;
use signpost_domain::ids::{ActionId, AssetId};

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new()
        .page("/actions", board)
        .form_back("/actions/{id}/close", "/actions", close)
        .page("/lessons/unlearned", unlearned)
        .form_back("/lessons/{id}/state", "/lessons/unlearned", set_state)
}

crate::page_form! {
    /// Closing one of your actions.
    pub struct CloseForm / CloseNames { status: String, outcome: String }
}

crate::page_form! {
    /// Moving a lesson on.
    pub struct StateForm / StateNames { state: String, reason: String, from: String }
}

crate::notices! {
    /// What the actions page says after a change.
    pub enum BoardNotice { Closed => "The action is closed." }
}

crate::notices! {
    /// What the lessons page says after a change.
    pub enum LessonNotice { Moved => "The lesson has moved on." }
}

fn overdue_table(caption: &str, rows: Vec<(String, &[Action])>) -> Markup {
    html! {
        table class="nhsuk-table" {
            caption class="nhsuk-table__caption" { (caption) }
            (table_head(&["Who", "Overdue", "Actions"]))
            tbody class="nhsuk-table__body" {
                @for (who, actions) in rows {
                    tr class="nhsuk-table__row" {
                        td class="nhsuk-table__cell" { (who) }
                        td class="nhsuk-table__cell" { (actions.len()) }
                        td class="nhsuk-table__cell" { (actions.iter().map(|a| format!("{} (due {})", a.title, long_date(a.due_on))).collect::<Vec<_>>().join("; ")) }
                    }
                }
            }
        }
    }
}

fn close_form(viewer: &Viewer, a: &Action, sent: Option<&FormState<CloseForm>>) -> Markup {
    let names = CloseForm::NAMES;
    let blank = FormState::default();
    let form = sent.unwrap_or(&blank);
    let status_id = format!("close-{}-status", a.id);
    let outcome_id = format!("close-{}-outcome", a.id);
    html! {
        details class="nhsuk-details" open[sent.is_some()] {
            summary class="nhsuk-details__summary" { span class="nhsuk-details__summary-text" { "Close" span class="nhsuk-u-visually-hidden" { ": " (a.title) } } }
            div class="nhsuk-details__text" {
                form method="post" action={ "/actions/" (a.id) "/close" } novalidate {
                    (csrf_field(&viewer.csrf_token))
                    (Field::new(&status_id, "Outcome").name(names.status).errors(&form.errors).select(&[("done".into(), "Done".into()), ("dropped".into(), "Dropped".into())], &form.values.status))
                    (Field::new(&outcome_id, "What changed?").name(names.outcome).hint("If dropped, say why").errors(&form.errors).textarea(3, &form.values.outcome))
                    button class="nhsuk-button" type="submit" { "Close action" }
                }
            }
        }
    }
}

/// The actions page; `sent` is the close form sent for one action (its `item`), or the notice.
async fn board_page(s: &AppState, actor: &Actor, viewer: &Viewer, sent: &FormState<CloseForm>) -> PageMarkup {
    let board = s.app.action_board(actor).await?;
    let (summary, done) = (sent.item.map(|id| sent.errors_at(|n| format!("close-{id}-{n}"))).unwrap_or_default(), sent.notice);
    let body = html! {
        (error_summary(&summary))
        @if let Some(d) = done { (success_banner(d)) }
        h1 { "Actions" }
        h2 { "Your open actions" }
        @if board.mine.is_empty() { p { "You have no open actions." } }
        @else {
            ul class="nhsuk-list nhsuk-list--border" id="my-actions" {
                @for a in &board.mine {
                    li {
                        strong { (a.title) } br;
                        span class="nhsuk-body-s" {
                            "Due " (long_date(a.due_on))
                            @if a.due_on < board.today { " " strong class="nhsuk-tag nhsuk-tag--red" { "Overdue" } }
                            @if let Some(sid) = a.session_id { " · " a href={ "/sessions/" (sid) } { "From the session" } }
                        }
                        (close_form(viewer, a, sent.sent_for(a.id)))
                    }
                }
            }
        }
        h2 { "Overdue" }
        @if board.overdue_by_person.is_empty() { p { "Nothing is overdue." } }
        @else {
            (overdue_table("Overdue actions by person", board.overdue_by_person.iter().map(|g| (g.who.name.clone(), g.actions.as_slice())).collect()))
            (overdue_table("Overdue actions by team", board.overdue_by_team.iter().map(|g| (g.who.name.clone(), g.actions.as_slice())).collect()))
        }
        p { a href="/lessons/unlearned" { "Lessons identified but not yet learned" } }
    };
    Ok(page("Actions", Some(viewer), "", body))
}

/// `GET /actions`.
pub async fn board(SignedIn(s, actor, viewer): SignedIn, notice: Done<BoardNotice>) -> PageResult {
    Ok(board_page(&s, &actor, &viewer, &FormState::shown(notice.message())).await?.into_response())
}

/// `POST /actions/{id}/close`.
pub async fn close(PagePath(id): PagePath<ActionId>, CsrfForm(s, actor, viewer, form): CsrfForm<CloseForm>) -> PageResult {
    let status = if form.status == "dropped" { ActionStatus::Dropped } else { ActionStatus::Done };
    match s.app.close_action(&actor, id, CloseAction { status, outcome: form.outcome.clone() }).await {
        Ok(_) => Ok(done("/actions", BoardNotice::Closed)),
        Err(e) => {
            let sent = FormState::refused(form, e)?.for_item(id);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, board_page(&s, &actor, &viewer, &sent).await?).into_response())
        }
    }
}

/// The lessons still to learn; `sent` is the state form sent for one lesson (its `item`), or the notice.
async fn unlearned_page(s: &AppState, actor: &Actor, viewer: &Viewer, sent: &FormState<StateForm>) -> PageMarkup {
    let lessons = s.app.unlearned_lessons(actor).await?;
    let names = StateForm::NAMES;
    let blank = FormState::default();
    let (summary, done) = (sent.item.map(|id| sent.errors_at(|n| format!("lesson-{id}-{n}"))).unwrap_or_default(), sent.notice);
    let states: Vec<(String, String)> = LessonState::ALL.iter().map(|s| (s.as_str().to_string(), s.label().to_string())).collect();
    let body = html! {
        (error_summary(&summary))
        @if let Some(d) = done { (success_banner(d)) }
        h1 { "Lessons not yet learned" }
        p class="nhsuk-lede-text" { "Lessons identified but neither embedded in how we work nor rejected, oldest first." }
        @if lessons.is_empty() { p { "Every lesson you can see has been learned or rejected." } }
        @else {
            ul class="nhsuk-list nhsuk-list--border" id="unlearned" {
                @for l in &lessons {
                    @let prefix = format!("lesson-{}-", l.asset.id);
                    @let form = sent.sent_for(l.asset.id).unwrap_or(&blank);
                    li {
                        a href={ "/assets/" (l.asset.id) } { (l.asset.title) } " " strong class="nhsuk-tag" { (l.record.state.label()) }
                        p class="nhsuk-body-s" { "Identified " (l.record.created_at.format("%-d %B %Y")) }
                        details class="nhsuk-details" open[sent.sent_for(l.asset.id).is_some()] {
                            summary class="nhsuk-details__summary" { span class="nhsuk-details__summary-text" { "Move on" span class="nhsuk-u-visually-hidden" { ": " (l.asset.title) } } }
                            div class="nhsuk-details__text" {
                                form method="post" action={ "/lessons/" (l.asset.id) "/state" } novalidate {
                                    (csrf_field(&viewer.csrf_token))
                                    (Field::new(&format!("{prefix}state"), "New state").name(names.state).errors(&form.errors).select(&states, &form.values.state))
                                    (Field::new(&format!("{prefix}reason"), "Reason").name(names.reason).hint("Needed when rejecting").errors(&form.errors).textarea(2, &form.values.reason))
                                    button class="nhsuk-button" type="submit" { "Save" }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page("Lessons not yet learned", Some(viewer), "", body))
}

/// The lesson's place in its life cycle, on its own page: the state, when it was
/// identified and last moved, why it was rejected, and, for those who may, the next step.
pub fn lesson_panel(entry: &LessonEntry, can_edit: bool, viewer: &Viewer, errors: &Errors) -> Markup {
    let r = &entry.record;
    let id = entry.asset.id;
    let next = LessonState::ALL.iter().position(|s| *s == r.state).and_then(|i| LessonState::ALL.get(i + 1)).copied();
    let states: Vec<(String, String)> = LessonState::ALL.iter().map(|s| (s.as_str().to_string(), s.label().to_string())).collect();
    let names = StateForm::NAMES;
    html! {
        div class="nhsuk-card" id="lesson-state" {
            div class="nhsuk-card__content" {
                h2 class="nhsuk-card__heading nhsuk-heading-m" { "Lesson: " (r.state.label().to_lowercase()) }
                ol class="nhsuk-list nhsuk-body-s" {
                    @for s in LessonState::ALL.iter().filter(|s| **s != LessonState::Rejected) {
                        li { @if *s == r.state { strong { (s.label()) " (now)" } } @else { (s.label()) } }
                    }
                }
                h3 class="nhsuk-heading-xs nhsuk-u-margin-bottom-1" { "Its history" }
                ul class="nhsuk-list nhsuk-body-s" id="lesson-history" {
                    li { "Identified on " (long_date(r.created_at.date_naive()))
                        @if let Some(session) = r.session_id { ", in " a href={ "/sessions/" (session) } { "the session it came from" } } }
                    @for m in &r.moves { li { (m.to.label()) " on " (long_date(m.at.date_naive())) } }
                    @if r.moves.is_empty() && r.updated_at.date_naive() != r.created_at.date_naive() {
                        li { (r.state.label()) " on " (long_date(r.updated_at.date_naive())) }
                    }
                }
                @if r.state == LessonState::Rejected && !r.rejected_reason.is_empty() { p { "Rejected because: " (r.rejected_reason) } }
                @if can_edit && !r.state.is_settled() {
                    form method="post" action={ "/lessons/" (id) "/state" } novalidate {
                        (csrf_field(&viewer.csrf_token))
                        input type="hidden" name=(names.from) value="lesson";
                        (Field::new("lesson-next-state", "Move it on to").name(names.state).errors_at(errors, "lesson-next-state")
                            .select(&states, next.map_or("", |n| n.as_str())))
                        (Field::new("lesson-reason", "Reason").name(names.reason).errors_at(errors, "lesson-reason").hint("Needed when rejecting").textarea(2, ""))
                        button class="nhsuk-button nhsuk-button--secondary" type="submit" { "Move the lesson on" }
                    }
                }
            }
        }
    }
}

/// `GET /lessons/unlearned`.
pub async fn unlearned(SignedIn(s, actor, viewer): SignedIn, notice: Done<LessonNotice>) -> PageResult {
    Ok(unlearned_page(&s, &actor, &viewer, &FormState::shown(notice.message())).await?.into_response())
}

/// `POST /lessons/{id}/state`.
pub async fn set_state(PagePath(id): PagePath<AssetId>, CsrfForm(s, actor, viewer, form): CsrfForm<StateForm>) -> PageResult {
    let result = match LessonState::ALL.into_iter().find(|st| st.as_str() == form.state) {
        Some(state) => s.app.set_lesson_state(&actor, id, LessonStateChange { state, reason: form.reason.clone() }).await,
        None => Err(ServiceError::invalid("state", "choose a state")),
    };
    match result {
        // Moved from the lesson's own page, the person goes back there.
        Ok(_) if form.from == "lesson" => Ok(see_other(&format!("/assets/{id}"))),
        Ok(_) => Ok(done("/lessons/unlearned", LessonNotice::Moved)),
        Err(e) if form.from == "lesson" => {
            let errors = refused_as(e, |f| if f == "reason" { "lesson-reason".into() } else { "lesson-next-state".into() })?;
            let page = crate::pages::assets::view::asset_page(&s, &actor, &viewer, id, 0, None, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => {
            let sent = FormState::refused(form, e)?.for_item(id);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, unlearned_page(&s, &actor, &viewer, &sent).await?).into_response())
        }
    }
}
