//! A session's page: recording what its technique produces, private answers shared
//! by the facilitator, the lessons loop where the technique starts new work, lessons
//! and actions. Starting a session is in `session_start.rs`, its report in `session_report.rs`.
use axum::http::StatusCode;
use signpost_domain::learning::{RecordValue, Session};
use signpost_domain::people::{Actor, User};
use signpost_domain::techniques::{RecordField, RecordKind};
use signpost_services::learning::actions::ActionInput;
use signpost_services::learning::lessons::LessonInput;
use signpost_services::learning::sessions::{SessionInput, SessionView};

use super::projects::learned_elsewhere;
use crate::pages::prelude::*;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new()
        .page("/sessions/{id}", show)
        .form("/sessions/{id}", record)
        .form_back("/sessions/{id}/answers", "/sessions/{id}", answer)
        .form_back("/sessions/{id}/share", "/sessions/{id}", share)
        .form_back("/sessions/{id}/lessons", "/sessions/{id}", add_lesson)
        .form_back("/sessions/{id}/actions", "/sessions/{id}", add_action)
}

/// Techniques at whose start the lessons loop is shown.
const LOOP_TECHNIQUES: [&str; 3] = ["before-action-review", "peer-assist", "premortem"];

pub(crate) fn people_options(people: &[User], none: &str) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), none.to_string())];
    out.extend(people.iter().map(|p| (p.id.to_string(), p.name.clone())));
    out
}

fn record_text(value: Option<&RecordValue>) -> String {
    match value {
        None => String::new(),
        Some(RecordValue::Text(t)) => t.clone(),
        Some(RecordValue::List(l)) => l.join("\n"),
        Some(RecordValue::Score(n)) => n.to_string(),
    }
}

fn field_id(key: &str) -> String {
    format!("record-{key}")
}

fn record_control(field: &RecordField, value: &str, errors: &Errors) -> Markup {
    let id = field_id(&field.key);
    let f = Field::new(&id, &field.label).errors(errors);
    match field.kind {
        RecordKind::Text => f.textarea(4, value),
        RecordKind::List => f.hint("One per line").textarea(5, value),
        RecordKind::Score => {
            let options: Vec<(String, String)> = std::iter::once((String::new(), "Not scored".to_string()))
                .chain((0..=10).map(|n| (n.to_string(), n.to_string())))
                .collect();
            f.select(&options, value)
        }
        RecordKind::Private => html! {},
    }
}

fn recorded(field: &RecordField, value: Option<&RecordValue>) -> Markup {
    html! {
        h3 { (field.label) }
        @match value {
            None => p { span class="nhsuk-u-secondary-text-color" { "Not recorded" } },
            Some(RecordValue::Text(t)) => @for para in t.lines().filter(|l| !l.trim().is_empty()) { p { (para) } },
            Some(RecordValue::List(l)) => ul class="nhsuk-list nhsuk-list--bullet" { @for e in l { li { (e) } } },
            Some(RecordValue::Score(n)) => p { (n) " out of 10" },
        }
    }
}

fn private_section(viewer: &Viewer, v: &SessionView, field: &RecordField, names: &dyn Fn(i64) -> String) -> Markup {
    let id = v.session.id;
    let mine: Vec<_> = v.contributions.iter().filter(|c| c.field == field.key).collect();
    html! {
        h3 { (field.label) }
        @if v.session.shared {
            p { "The facilitator has shared everyone's answers." }
            ul class="nhsuk-list nhsuk-list--border" id={ "answers-" (field.key) } {
                @for c in &mine { li { (c.body) span class="nhsuk-body-s" { " — " (names(c.author_id)) } } }
            }
        } @else {
            div class="nhsuk-inset-text" {
                p { "Everyone writes their answers alone. Nobody sees anyone else's until the facilitator shares them." }
                p { (mine.len() + v.hidden_answers) " answers so far, " (v.hidden_answers) " from others and hidden from you." }
            }
            @if !mine.is_empty() {
                h4 { "Your answers" }
                ul class="nhsuk-list nhsuk-list--bullet" id={ "answers-" (field.key) } { @for c in &mine { li { (c.body) } } }
            }
            @if v.can_record {
                form method="post" action={ "/sessions/" (id) "/answers" } novalidate {
                    (csrf_field(&viewer.csrf_token))
                    input type="hidden" name="field" value=(field.key);
                    (Field::new("answer", "Your answer").hint("Only you can see it until the facilitator shares the answers").textarea(3, ""))
                    button class="nhsuk-button nhsuk-button--secondary" type="submit" { "Add my answer" }
                }
            }
            @if v.can_share {
                form method="post" action={ "/sessions/" (id) "/share" } {
                    (csrf_field(&viewer.csrf_token))
                    button class="nhsuk-button" type="submit" { "Share everyone's answers" }
                }
            }
        }
    }
}

fn prefixed(errors: Errors, prefix: &str) -> Errors {
    errors.into_iter().map(|(f, m)| (format!("{prefix}{}", f.replace('.', "-")), m)).collect()
}

struct Forms<'a> {
    submitted: &'a Submitted,
    errors: Errors,
    done: Option<&'a str>,
}

async fn session_page(s: &AppState, actor: &Actor, viewer: &Viewer, id: i64, forms: Forms<'_>) -> Result<Markup, PageError> {
    let v = s.app.learning_session(actor, id).await?;
    let everyone = s.app.everyone(actor).await?;
    let names = |uid: i64| everyone.iter().find(|u| u.id == uid).map_or_else(|| format!("person {uid}"), |u| u.name.clone());
    let form = forms.submitted;
    let errors = &forms.errors;
    let sess: &Session = &v.session;
    let fields = v.technique.record_fields();
    let value_of = |f: &RecordField| {
        if form.0.iter().any(|(k, _)| k == &field_id(&f.key)) {
            form.get(&field_id(&f.key)).to_string()
        } else {
            record_text(sess.record.get(&f.key))
        }
    };
    let suggestions = match (sess.project_id, LOOP_TECHNIQUES.contains(&sess.technique_key.as_str())) {
        (Some(p), true) => Some(s.app.project_suggestions(actor, p).await?),
        _ => None,
    };
    let lesson_options: Vec<(String, String)> = std::iter::once((String::new(), "Not about a lesson".to_string()))
        .chain(v.lessons.iter().map(|l| (l.asset.id.to_string(), l.asset.title.clone())))
        .collect();
    let back = format!("/sessions/{id}");
    let impacts = s.app.impacts_on(actor, signpost_domain::impact::ImpactSubject::Session(id)).await?;
    let body = html! {
        (error_summary(errors))
        @if let Some(done) = forms.done { (success_banner(done)) }
        span class="nhsuk-caption-l" { a href={ "/techniques/" (v.technique.key) } { (v.technique.name) } }
        h1 { (sess.title) }
        dl class="nhsuk-summary-list" {
            div class="nhsuk-summary-list__row" { dt class="nhsuk-summary-list__key" { "Held on" } dd class="nhsuk-summary-list__value" { (sess.held_on) } }
            @if let Some(p) = &v.project {
                div class="nhsuk-summary-list__row" { dt class="nhsuk-summary-list__key" { "Project" } dd class="nhsuk-summary-list__value" { a href={ "/projects/" (p.id) } { (p.title) } } }
            }
            div class="nhsuk-summary-list__row" { dt class="nhsuk-summary-list__key" { "Facilitator" } dd class="nhsuk-summary-list__value" { (sess.facilitator_id.map(names).unwrap_or_else(|| "None".into())) } }
            div class="nhsuk-summary-list__row" { dt class="nhsuk-summary-list__key" { "Participants" } dd class="nhsuk-summary-list__value" { (sess.participants.iter().map(|p| names(*p)).collect::<Vec<_>>().join(", ")) } }
        }
        p {
            a href={ "/sessions/" (id) "/report.md" } { "Download the report (Markdown)" } " · "
            a href={ "/sessions/" (id) "/print" } { "Printable report" }
        }
        @if let (Some(sg), Some(p)) = (&suggestions, &v.project) { (learned_elsewhere(viewer, p.id, sg, &back)) }
        h2 { "Record" }
        @for f in fields.iter().filter(|f| f.kind == RecordKind::Private) { (private_section(viewer, &v, f, &names)) }
        @if v.can_record {
            form method="post" action={ "/sessions/" (id) } novalidate {
                (csrf_field(&viewer.csrf_token))
                @for f in fields.iter().filter(|f| f.kind != RecordKind::Private) { (record_control(f, &value_of(f), errors)) }
                (Field::new("record-notes", "Notes").errors(errors).textarea(4, &if form.0.is_empty() { sess.notes.clone() } else { form.get("record-notes").to_string() }))
                button class="nhsuk-button" type="submit" { "Save the record" }
            }
        } @else {
            @for f in fields.iter().filter(|f| f.kind != RecordKind::Private) { (recorded(f, sess.record.get(&f.key))) }
            @if !sess.notes.is_empty() { h3 { "Notes" } p { (sess.notes) } }
        }
        h2 { "Lessons" }
        @if v.lessons.is_empty() { p { "None recorded yet." } }
        @else {
            ul class="nhsuk-list nhsuk-list--border" id="session-lessons" {
                @for l in &v.lessons { li { a href={ "/assets/" (l.asset.id) } { (l.asset.title) } " " strong class="nhsuk-tag" { (l.record.state.label()) } } }
            }
        }
        @if v.can_record {
            details class="nhsuk-details" open[errors.iter().any(|(f, _)| f.starts_with("lesson-"))] {
                summary class="nhsuk-details__summary" { span class="nhsuk-details__summary-text" { "Record a lesson" } }
                div class="nhsuk-details__text" {
                    form method="post" action={ "/sessions/" (id) "/lessons" } novalidate {
                        (csrf_field(&viewer.csrf_token))
                        (Field::new("lesson-title", "Lesson title").errors(errors).input("text", form.get("lesson-title")))
                        (Field::new("lesson-observation", "What did you observe?").errors(errors).textarea(3, form.get("lesson-observation")))
                        (Field::new("lesson-insight", "What does it tell us?").errors(errors).textarea(3, form.get("lesson-insight")))
                        (Field::new("lesson-recommendation", "What should others do?").errors(errors).textarea(3, form.get("lesson-recommendation")))
                        (Field::new("lesson-tags", "Context tags").hint("Separate with commas; the project's tags are added").errors(errors).input("text", form.get("lesson-tags")))
                        button class="nhsuk-button" type="submit" { "Record lesson" }
                    }
                }
            }
        }
        h2 { "Actions" }
        @if v.actions.is_empty() { p { "None agreed yet." } }
        @else {
            ul class="nhsuk-list nhsuk-list--border" id="session-actions" {
                @for a in &v.actions {
                    li {
                        (a.title) " — " (names(a.owner_id)) ", due " (a.due_on) " · " (label(a.status.as_str()))
                        @if !a.outcome.is_empty() { p class="nhsuk-body-s" { (a.outcome) } }
                    }
                }
            }
            p { a href="/actions" { "Close actions on your actions page" } }
        }
        @if v.can_record {
            details class="nhsuk-details" open[errors.iter().any(|(f, _)| f.starts_with("action-"))] {
                summary class="nhsuk-details__summary" { span class="nhsuk-details__summary-text" { "Agree an action" } }
                div class="nhsuk-details__text" {
                    form method="post" action={ "/sessions/" (id) "/actions" } novalidate {
                        (csrf_field(&viewer.csrf_token))
                        (Field::new("action-title", "What will be done?").errors(errors).input("text", form.get("action-title")))
                        (Field::new("action-owner_id", "Who will do it?").errors(errors).select(&people_options(&everyone, "Me"), form.get("action-owner_id")))
                        (Field::new("action-due_on", "Due date").hint("For example, 2027-01-31").errors(errors).input("text", form.get("action-due_on")))
                        (Field::new("action-lesson_id", "Lesson it acts on").errors(errors).select(&lesson_options, form.get("action-lesson_id")))
                        button class="nhsuk-button" type="submit" { "Agree action" }
                    }
                }
            }
        }
        (crate::pages::reports::impact::impact_section(&impacts, |st| s.app.may_withdraw_impact(actor, st), signpost_domain::impact::ImpactSubject::Session(id)))
    };
    Ok(page(&sess.title, Some(viewer), "", body))
}

crate::notices! {
    /// What a session's page says after a change (impact is recorded from its own page).
    pub enum SessionNotice {
        Saved => "The record is saved.",
        Answered => "Your answer is saved. Nobody else can see it until the facilitator shares the answers.",
        Shared => "Everyone's answers are now shared.",
        Lesson => "The lesson is recorded and can now be found by other teams.",
        Action => "The action is agreed.",
        Impact => "Impact recorded.",
        ImpactWithdrawn => "The impact statement is withdrawn.",
    }
}

/// `GET /sessions/{id}`.
pub async fn show(SignedIn(s, actor, viewer): SignedIn, PagePath(id): PagePath<i64>, notice: Done<SessionNotice>) -> PageResult {
    let forms = Forms { submitted: &Submitted(Vec::new()), errors: Vec::new(), done: notice.message() };
    Ok(session_page(&s, &actor, &viewer, id, forms).await?.into_response())
}

async fn refuse_on_page(
    s: &AppState,
    actor: &Actor,
    viewer: &Viewer,
    id: i64,
    form: &Submitted,
    e: ServiceError,
    prefix: &str,
) -> PageResult {
    let errors = prefixed(refused(e)?, prefix);
    let forms = Forms { submitted: form, errors, done: None };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, session_page(s, actor, viewer, id, forms).await?).into_response())
}

/// `POST /sessions/{id}`: saves the record.
pub async fn record(PagePath(id): PagePath<i64>, CsrfForm(s, actor, viewer, form): CsrfForm<Submitted>) -> PageResult {
    let current = s.app.learning_session(&actor, id).await?.session;
    let record = form
        .0
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("record-").filter(|k| *k != "notes").map(|k| (k.to_string(), serde_json::Value::String(v.clone())))
        })
        .collect();
    let input = SessionInput {
        project_id: current.project_id,
        technique_key: current.technique_key.clone(),
        title: current.title.clone(),
        facilitator_id: current.facilitator_id,
        participants: current.participants.clone(),
        held_on: current.held_on.to_string(),
        record,
        notes: form.get("record-notes").to_string(),
    };
    match s.app.record_session(&actor, id, input).await {
        Ok(_) => Ok(done(&format!("/sessions/{id}"), SessionNotice::Saved)),
        Err(e) => refuse_on_page(&s, &actor, &viewer, id, &form, e, "").await,
    }
}

/// `POST /sessions/{id}/answers`.
pub async fn answer(PagePath(id): PagePath<i64>, CsrfForm(s, actor, viewer, form): CsrfForm<Submitted>) -> PageResult {
    match s.app.contribute(&actor, id, form.get("field"), form.get("answer")).await {
        Ok(_) => Ok(done(&format!("/sessions/{id}"), SessionNotice::Answered)),
        Err(ServiceError::Invalid(list)) => {
            let errors = list.into_iter().map(|f| ("answer".to_string(), crate::pages::capitalised(&f.message))).collect();
            let forms = Forms { submitted: &form, errors, done: None };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, session_page(&s, &actor, &viewer, id, forms).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /sessions/{id}/share`.
pub async fn share(PagePath(id): PagePath<i64>, CsrfForm(s, actor, _, CsrfOnly {}): CsrfForm<CsrfOnly>) -> PageResult {
    s.app.share_answers(&actor, id).await?;
    Ok(done(&format!("/sessions/{id}"), SessionNotice::Shared))
}

/// `POST /sessions/{id}/lessons`.
pub async fn add_lesson(PagePath(id): PagePath<i64>, CsrfForm(s, actor, viewer, form): CsrfForm<Submitted>) -> PageResult {
    let input = LessonInput {
        session_id: Some(id),
        title: form.get("lesson-title").to_string(),
        observation: form.get("lesson-observation").to_string(),
        insight: form.get("lesson-insight").to_string(),
        recommendation: form.get("lesson-recommendation").to_string(),
        tags: form.get("lesson-tags").split(',').map(str::to_string).collect(),
        visibility: None,
    };
    match s.app.record_lesson(&actor, input).await {
        Ok(_) => Ok(done(&format!("/sessions/{id}"), SessionNotice::Lesson)),
        Err(e) => refuse_on_page(&s, &actor, &viewer, id, &form, e, "lesson-").await,
    }
}

/// `POST /sessions/{id}/actions`.
pub async fn add_action(PagePath(id): PagePath<i64>, CsrfForm(s, actor, viewer, form): CsrfForm<Submitted>) -> PageResult {
    let input = ActionInput {
        title: form.get("action-title").to_string(),
        owner_id: form.get("action-owner_id").parse().ok(),
        due_on: form.get("action-due_on").to_string(),
        session_id: Some(id),
        project_id: None,
        lesson_id: form.get("action-lesson_id").parse().ok(),
    };
    match s.app.create_action(&actor, input).await {
        Ok(_) => Ok(done(&format!("/sessions/{id}"), SessionNotice::Action)),
        Err(e) => refuse_on_page(&s, &actor, &viewer, id, &form, e, "action-").await,
    }
}
